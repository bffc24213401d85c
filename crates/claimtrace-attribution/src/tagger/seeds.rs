//! Parameter averaging across shuffling seeds: a linear model trained K times on different
//! shuffles of the same data, its weights averaged (no run-time cost; less variance between
//! retrains). The averaging is the kernel's ([`claimtrace_ml::train::Weights::mean`]).

use super::*;

/// The `j`-th shuffling seed derived from `base` (`j = 0`: `base` itself), counted from
/// `shift` ([`TrainOptions::seed_shift`]; 0: the committed model's seeds): a retrain with
/// another shift shuffles every pass, the refiner and the filter otherwise, to measure how much
/// the recipe's figures move between retrains.
pub(super) fn nth_seed(base: u64, j: usize, shift: u32) -> u64 {
    let j = j + shift as usize;
    if j == 0 { base } else { mix(base, j as u64) }
}

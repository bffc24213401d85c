//! The tagger's weight tables, on the claimtrace-ml kernel.
//!
//! * UPOS and morphology: [`claimtrace_ml::table::Table<i16>`] (sparse, rows on cache lines),
//!   trained with [`claimtrace_ml::train::Trainer`] and quantised to 32000.
//! * Lemma rules ([`Lemma`]): one weight per hashed (feature, rule) pair, a one-column table
//!   indexed by `mix(feature, rule + 1)`; `f32` while training, `i16` with its scale in files.

use claimtrace_ml::hash::mix;
use claimtrace_ml::table::{Layout, Table};
use claimtrace_ml::train::{Trainer, Weights};

/// The table layout of the UPOS and morphology models.
pub(crate) const LAYOUT: Layout = Layout::Sparse;

/// The lemma-rule classifier's weights.
#[derive(Debug, Clone)]
pub(crate) enum Lemma {
    /// Averaged `f32` weights (a training snapshot).
    F32(Table<f32>),
    /// Quantised weights and their scale (as saved; real weight = `q / scale`).
    I16(Table<i16>),
}

impl Default for Lemma {
    fn default() -> Self {
        Lemma::F32(Table::default())
    }
}

#[inline]
pub(crate) fn lemma_feature(f: u64, class: u32) -> u64 {
    mix(f, class as u64 + 1)
}

impl Lemma {
    /// The score of rule `class` (features summed in order).
    pub fn score(&self, feats: &[u64], class: u32) -> f32 {
        match self {
            Lemma::F32(t) => feats
                .iter()
                .map(|&f| t.get(lemma_feature(f, class), 0))
                .sum(),
            Lemma::I16(t) => {
                let scale = t.scale();
                feats
                    .iter()
                    .map(|&f| t.get(lemma_feature(f, class), 0) as f32 / scale)
                    .sum()
            }
        }
    }

    /// One update of the trainer (`cols` 1): rule `gold` up, `pred` down, per feature.
    pub fn update(t: &mut Trainer, feats: &[u64], gold: u32, pred: u32) {
        if gold == pred {
            return;
        }
        for &f in feats {
            t.nudge(lemma_feature(f, gold), 0, 1.0);
            t.nudge(lemma_feature(f, pred), 0, -1.0);
        }
    }

    /// The trainer's current score of `class`.
    pub fn train_score(t: &Trainer, feats: &[u64], class: u32) -> f32 {
        feats
            .iter()
            .map(|&f| t.weight(lemma_feature(f, class), 0))
            .sum()
    }

    /// The table to save: quantised to 32000 (the `f32` snapshot), as is (`i16`).
    pub fn quantised(&self) -> Table<i16> {
        match self {
            Lemma::I16(t) => t.clone(),
            Lemma::F32(t) => self::weights(t).quantise_i16(Layout::Dense, 0),
        }
    }

    /// The mean of `f32` snapshots of one size (`Σ w / k`, parts in order).
    pub fn soup(parts: &[&Lemma]) -> Lemma {
        let tables: Vec<&Table<f32>> = parts
            .iter()
            .filter_map(|p| match p {
                Lemma::F32(t) => Some(t),
                Lemma::I16(_) => None,
            })
            .collect();
        let Some(first) = tables.first() else {
            return Lemma::default();
        };
        let k = tables.len() as f32;
        let n = 1usize << first.bits();
        let mut w = vec![0f32; n];
        for t in tables.iter().filter(|t| t.bits() == first.bits()) {
            for (b, x) in w.iter_mut().enumerate() {
                *x += t.get(b as u64, 0) / k;
            }
        }
        Lemma::F32(Table::from_dense(1, first.bits(), Layout::Dense, 1.0, &w))
    }
}

fn weights(t: &Table<f32>) -> Weights {
    let n = 1usize << t.bits();
    Weights {
        cols: 1,
        bits: t.bits(),
        w: (0..n).map(|b| t.get(b as u64, 0)).collect(),
    }
}

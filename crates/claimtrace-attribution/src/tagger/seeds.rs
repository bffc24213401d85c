//! Parameter averaging across shuffling seeds: a linear model trained K times on different
//! shuffles of the same data, its weights averaged (no run-time cost; less variance between
//! retrains).

use super::*;

/// The `j`-th shuffling seed derived from `base` (`j = 0`: `base` itself), counted from
/// `shift` ([`TrainOptions::seed_shift`]; 0: the committed model's seeds): a retrain with
/// another shift shuffles every pass, the refiner and the filter otherwise, to measure how much
/// the recipe's figures move between retrains.
pub(super) fn nth_seed(base: u64, j: usize, shift: u32) -> u64 {
    let j = j + shift as usize;
    if j == 0 { base } else { mix(base, j as u64) }
}

/// The element-wise mean of averaged perceptrons of one shape (one model: itself).
pub(super) fn mean(mut ps: Vec<Perceptron>) -> Perceptron {
    if ps.len() <= 1 {
        return ps.pop().unwrap_or_else(|| Perceptron::new(1, 1));
    }
    let k = ps.len() as f32;
    let mut n = 0usize;
    let mut mask = 0u64;
    let mut sum: Vec<f32> = Vec::new();
    for p in &ps {
        let mut buf = Vec::new();
        if p.write_to(&mut buf).is_err() {
            continue;
        }
        let mut r = buf.as_slice();
        let (Ok(pn), Ok(pm)) = (rd_u32(&mut r), claimtrace_ml::perceptron::read_u64(&mut r)) else {
            continue;
        };
        if sum.is_empty() {
            n = pn as usize;
            mask = pm;
            sum = vec![0.0; n * (mask as usize + 1)];
        }
        if pn as usize != n || pm != mask {
            continue;
        }
        let Ok(count) = rd_u32(&mut r) else { continue };
        let mut rows = Vec::with_capacity(count as usize);
        for _ in 0..count {
            rows.push(rd_u32(&mut r).unwrap_or(0) as usize);
        }
        for &row in &rows {
            for c in 0..n {
                let mut b = [0u8; 4];
                if r.read_exact(&mut b).is_ok()
                    && let Some(x) = sum.get_mut(row * n + c)
                {
                    *x += f32::from_le_bytes(b);
                }
            }
        }
    }
    // back through the perceptron's own sparse format
    let nz: Vec<usize> = (0..=mask as usize)
        .filter(|&r| {
            sum.get(r * n..(r + 1) * n)
                .is_some_and(|x| x.iter().any(|&v| v != 0.0))
        })
        .collect();
    let mut out = Vec::with_capacity(16 + nz.len() * (4 + 4 * n));
    out.extend_from_slice(&(n as u32).to_le_bytes());
    out.extend_from_slice(&mask.to_le_bytes());
    out.extend_from_slice(&(nz.len() as u32).to_le_bytes());
    for &r in &nz {
        out.extend_from_slice(&(r as u32).to_le_bytes());
    }
    for &r in &nz {
        for c in 0..n {
            let v = sum.get(r * n + c).copied().unwrap_or(0.0) / k;
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    Perceptron::read_from(&mut out.as_slice()).unwrap_or_else(|_| ps.swap_remove(0))
}

//! The re-ranker's trainer: pairwise logistic regression (the gold fact-check against each
//! other candidate of its query), plain SGD with L2, weights averaged over all steps.
//! Deterministic: queries are visited in an order shuffled by a fixed-seed generator.

use crate::{NF, Weights};

/// The candidates of one training query: feature vectors and whether each is the gold one.
pub type Group = Vec<([f32; NF], bool)>;

/// Trainer settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub epochs: usize,
    pub rate: f32,
    pub l2: f32,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            epochs: 10,
            rate: 0.05,
            l2: 1e-4,
            seed: 7,
        }
    }
}

fn next(s: &mut u64) -> u64 {
    // SplitMix64.
    *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *s;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Trains weights on groups; groups without a gold candidate teach nothing and are skipped.
pub fn train(groups: &[Group], o: Options) -> Weights {
    let mut w = [0f32; NF];
    let mut sum = [0f64; NF];
    let mut steps = 0f64;
    let mut order: Vec<usize> = (0..groups.len()).collect();
    let mut rng = o.seed;
    for _ in 0..o.epochs {
        for i in (1..order.len()).rev() {
            let j = (next(&mut rng) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &g in &order {
            let group = &groups[g];
            let Some(pos) = group.iter().find(|(_, y)| *y).map(|(f, _)| *f) else {
                continue;
            };
            for (neg, y) in group {
                if *y {
                    continue;
                }
                let mut diff = [0f32; NF];
                let mut margin = 0f32;
                for k in 0..NF {
                    diff[k] = pos[k] - neg[k];
                    margin += w[k] * diff[k];
                }
                let g = 1.0 / (1.0 + margin.exp());
                for k in 0..NF {
                    w[k] += o.rate * (g * diff[k] - o.l2 * w[k]);
                }
                for k in 0..NF {
                    sum[k] += w[k] as f64;
                }
                steps += 1.0;
            }
        }
    }
    let mut avg = [0f32; NF];
    if steps > 0.0 {
        for k in 0..NF {
            avg[k] = (sum[k] / steps) as f32;
        }
    }
    Weights(avg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_the_separating_feature() {
        let mut groups = Vec::new();
        for i in 0..20 {
            let mut pos = [0f32; NF];
            pos[3] = 1.0;
            pos[0] = (i % 3) as f32;
            let mut neg = [0f32; NF];
            neg[0] = ((i + 1) % 3) as f32;
            groups.push(vec![(neg, false), (pos, true)]);
        }
        let w = train(&groups, Options::default());
        assert!(w.0[3] > 0.0);
    }
}

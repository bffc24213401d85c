//! Training hashed linear models: the averaged multi-class perceptron, and seed averaging.
//!
//! A model crate trains with a [`Trainer`] (or [`IntTrainer`]): per example, [`Trainer::score`]
//! the features, pick a class, [`Trainer::tick`] once, [`Trainer::update`] with the gold and
//! the predicted class. [`Trainer::averaged`] gives the averaged weights ([`Weights`]), which
//! become an inference [`Table`](crate::table::Table): `to_f32` (lossless), `quantise_i16`
//! or `quantise_i8`. Models trained under several seeds are averaged with [`Weights::mean`]
//! (or, for quantised tables, [`Table::soup`](crate::table::Table::soup)); [`seeds`] gives
//! the seeds. Training order comes from [`crate::rng::shuffle`].

use crate::table::{Layout, Table};

/// Averaged perceptron over hashed features, `f32` weights, with lazy averaging (Collins
/// 2002: each weight's running total is brought up to date when it changes).
#[derive(Debug, Clone)]
pub struct Trainer {
    cols: usize,
    bits: u32,
    mask: u64,
    w: Vec<f32>,
    totals: Vec<f32>,
    stamps: Vec<u32>,
    step: u32,
}

impl Trainer {
    /// A table of `2^bits` rows of `cols` weights, all zero.
    pub fn new(cols: usize, bits: u32) -> Trainer {
        let cols = cols.max(1);
        let n = (1usize << bits) * cols;
        Trainer {
            cols,
            bits,
            mask: (1u64 << bits) - 1,
            w: vec![0.0; n],
            totals: vec![0.0; n],
            stamps: vec![0; n],
            step: 0,
        }
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn bits(&self) -> u32 {
        self.bits
    }

    #[inline(always)]
    fn row(&self, f: u64) -> usize {
        ((f & self.mask) as usize) * self.cols
    }

    /// Adds the current (not averaged) rows of `feats` into `out` (`cols` long), in order.
    #[inline]
    pub fn score(&self, feats: &[u64], out: &mut [f32]) {
        let n = self.cols;
        for &f in feats {
            let r = self.row(f);
            if let Some(w) = self.w.get(r..r + n) {
                for (s, w) in out.iter_mut().zip(w) {
                    *s += *w;
                }
            }
        }
    }

    /// The current weight of feature `f` in column `c`.
    #[inline]
    pub fn weight(&self, f: u64, c: usize) -> f32 {
        self.w.get(self.row(f) + c).copied().unwrap_or(0.0)
    }

    /// Counts one training example (call once per example, right or wrong).
    #[inline]
    pub fn tick(&mut self) {
        self.step += 1;
    }

    /// Examples counted so far.
    pub fn steps(&self) -> u32 {
        self.step
    }

    /// Adds `delta` to the weight of feature `f` in column `c`.
    #[inline]
    pub fn nudge(&mut self, f: u64, c: usize, delta: f32) {
        let i = self.row(f) + c;
        if c >= self.cols {
            return;
        }
        if let (Some(w), Some(t), Some(s)) = (
            self.w.get_mut(i),
            self.totals.get_mut(i),
            self.stamps.get_mut(i),
        ) {
            *t += (self.step - *s) as f32 * *w;
            *s = self.step;
            *w += delta;
        }
    }

    /// One perceptron update: for every feature, column `gold` up by 1 and `pred` down by 1
    /// (nothing when they are equal).
    pub fn update(&mut self, feats: &[u64], gold: usize, pred: usize) {
        if gold == pred {
            return;
        }
        for &f in feats {
            self.nudge(f, gold, 1.0);
            self.nudge(f, pred, -1.0);
        }
    }

    /// The weights averaged over all steps so far (training can go on afterwards).
    pub fn averaged(&self) -> Weights {
        let step = self.step.max(1) as f32;
        let w = (0..self.w.len())
            .map(|i| (self.totals[i] + (self.step - self.stamps[i]) as f32 * self.w[i]) / step)
            .collect();
        Weights {
            cols: self.cols,
            bits: self.bits,
            w,
        }
    }
}

/// Averaged perceptron with integer weights and Daumé's accumulator (`u += step × delta`;
/// average `w − u/step`): exact averages, integer scores during training.
#[derive(Debug, Clone)]
pub struct IntTrainer {
    cols: usize,
    bits: u32,
    mask: u64,
    w: Vec<i32>,
    u: Vec<i64>,
    step: i64,
}

impl IntTrainer {
    pub fn new(cols: usize, bits: u32) -> IntTrainer {
        let cols = cols.max(1);
        let n = (1usize << bits) * cols;
        IntTrainer {
            cols,
            bits,
            mask: (1u64 << bits) - 1,
            w: vec![0; n],
            u: vec![0; n],
            step: 1,
        }
    }

    /// Adds the current rows of `feats` into `out` (`cols` long).
    #[inline]
    pub fn score(&self, feats: &[u64], out: &mut [i64]) {
        let n = self.cols;
        for &f in feats {
            let r = ((f & self.mask) as usize) * n;
            if let Some(row) = self.w.get(r..r + n) {
                for (s, w) in out.iter_mut().zip(row) {
                    *s += *w as i64;
                }
            }
        }
    }

    #[inline]
    pub fn tick(&mut self) {
        self.step += 1;
    }

    /// +1 for `gold`, −1 for `pred` on every feature (nothing when equal).
    pub fn update(&mut self, feats: &[u64], gold: usize, pred: usize) {
        if gold == pred || gold >= self.cols || pred >= self.cols {
            return;
        }
        let n = self.cols;
        for &f in feats {
            let r = ((f & self.mask) as usize) * n;
            for (c, d) in [(gold, 1i32), (pred, -1i32)] {
                let i = r + c;
                if let (Some(w), Some(u)) = (self.w.get_mut(i), self.u.get_mut(i)) {
                    *w += d;
                    *u += self.step * d as i64;
                }
            }
        }
    }

    /// The averaged weights.
    pub fn averaged(&self) -> Weights {
        let step = self.step as f64;
        let w = self
            .w
            .iter()
            .zip(&self.u)
            .map(|(&w, &u)| (w as f64 - u as f64 / step) as f32)
            .collect();
        Weights {
            cols: self.cols,
            bits: self.bits,
            w,
        }
    }
}

/// Averaged weights, dense: `w[bucket * cols + col]`, `2^bits` buckets.
#[derive(Debug, Clone, Default)]
pub struct Weights {
    pub cols: usize,
    pub bits: u32,
    pub w: Vec<f32>,
}

impl Weights {
    /// The element-wise mean of weights of one shape (models trained under several seeds:
    /// the sum in order, then divided by their number); parts of another shape are ignored.
    pub fn mean(parts: &[&Weights]) -> Weights {
        let Some(first) = parts.first() else {
            return Weights::default();
        };
        let same: Vec<&&Weights> = parts
            .iter()
            .filter(|p| p.cols == first.cols && p.bits == first.bits && p.w.len() == first.w.len())
            .collect();
        let mut w = vec![0f32; first.w.len()];
        for p in &same {
            for (a, &b) in w.iter_mut().zip(&p.w) {
                *a += b;
            }
        }
        let k = same.len().max(1) as f32;
        w.iter_mut().for_each(|x| *x /= k);
        Weights {
            cols: first.cols,
            bits: first.bits,
            w,
        }
    }

    /// Adds the rows of `feats` into `out` (`cols` long), in order (the sums a `Trainer` gives
    /// while training, over the averaged weights).
    #[inline]
    pub fn score(&self, feats: &[u64], out: &mut [f32]) {
        let n = self.cols;
        let mask = (1u64 << self.bits) - 1;
        for &f in feats {
            let r = ((f & mask) as usize) * n;
            if let Some(w) = self.w.get(r..r + n) {
                for (s, w) in out.iter_mut().zip(w) {
                    *s += *w;
                }
            }
        }
    }

    /// The largest absolute weight.
    pub fn max_abs(&self) -> f32 {
        self.w.iter().fold(0f32, |m, x| m.max(x.abs()))
    }

    /// The weights as they are (`f32`), zero rows left out of a sparse table.
    pub fn to_f32(&self, layout: Layout) -> Table<f32> {
        Table::from_dense(self.cols, self.bits, layout, 1.0, &self.w)
    }

    /// Quantised to `i16`: scale `32000 / max|w|`, `round(w × scale)` (clamped to ±32767).
    /// Rows whose largest `|q|` is at most `prune` are left out (sparse) or zeroed (dense).
    pub fn quantise_i16(&self, layout: Layout, prune: i16) -> Table<i16> {
        let max = self.max_abs();
        let scale = if max > 0.0 { 32000.0 / max } else { 1.0 };
        let n = self.cols;
        let p = prune.unsigned_abs();
        Table::build(n, self.bits, layout, scale, |b, out| {
            let Some(row) = self.w.get(b * n..(b + 1) * n) else {
                return false;
            };
            for (o, &x) in out.iter_mut().zip(row) {
                *o = (x * scale).round().clamp(-32767.0, 32767.0) as i16;
            }
            if out.iter().all(|x| x.unsigned_abs() <= p) {
                out.iter_mut().for_each(|x| *x = 0);
                return false;
            }
            true
        })
    }

    /// Quantised to `i8`: step `max|w| / 127`, `round(w / step)` clamped to ±127 (weights
    /// below half a step become 0); the table's scale is `1 / step`.
    pub fn quantise_i8(&self, layout: Layout) -> Table<i8> {
        let max = self.max_abs();
        let step = if max > 0.0 { max / 127.0 } else { 1.0 };
        let n = self.cols;
        Table::build(n, self.bits, layout, 1.0 / step, |b, out| {
            let Some(row) = self.w.get(b * n..(b + 1) * n) else {
                return false;
            };
            for (o, &x) in out.iter_mut().zip(row) {
                *o = (x / step).round().clamp(-127.0, 127.0) as i8;
            }
            true
        })
    }
}

/// The seeds of `k` models averaged into one: `base, base + 1, …` (`k` at least 1).
pub fn seeds(base: u64, k: usize) -> impl Iterator<Item = u64> {
    (0..k.max(1) as u64).map(move |j| base.wrapping_add(j))
}

/// The members of a seed-averaged ("soup") model: `train(seed, j)` for the `j`-th of `k`
/// seeds ([`seeds`]: `base, base + 1, …`), in order, stopping at the first error. The caller
/// averages them ([`Weights::mean`], [`Table::soup`]): the one soup loop of every trainer.
pub fn soup<T, E>(
    base: u64,
    k: usize,
    mut train: impl FnMut(u64, usize) -> Result<T, E>,
) -> Result<Vec<T>, E> {
    seeds(base, k)
        .enumerate()
        .map(|(j, seed)| train(seed, j))
        .collect()
}

/// Index of the largest score (the first on ties; 0 for an empty slice).
#[inline]
pub fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    let mut bv = f32::NEG_INFINITY;
    for (i, &s) in scores.iter().enumerate() {
        if s > bv {
            bv = s;
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::feat;

    #[test]
    fn learns_averages_and_quantises() {
        let data = [
            (vec![feat(0, "a"), feat(1, "x")], 0usize),
            (vec![feat(0, "b"), feat(1, "x")], 1),
            (vec![feat(0, "c"), feat(1, "y")], 2),
        ];
        let mut t = Trainer::new(3, 8);
        let mut it = IntTrainer::new(3, 8);
        for _ in 0..5 {
            for (f, g) in &data {
                let mut s = [0f32; 3];
                t.score(f, &mut s);
                let p = argmax(&s);
                t.tick();
                t.update(f, *g, p);
                let mut s = [0i64; 3];
                it.score(f, &mut s);
                let p = (0..3)
                    .max_by_key(|&c| (s[c], std::cmp::Reverse(c)))
                    .unwrap_or(0);
                it.tick();
                it.update(f, *g, p);
            }
        }
        for w in [t.averaged(), it.averaged()] {
            let soup = Weights::mean(&[&w, &w]);
            assert_eq!(soup.w, w.w);
            let f = w.to_f32(Layout::Sparse);
            let q = w.quantise_i16(Layout::Sparse, 0);
            let q8 = w.quantise_i8(Layout::Dense);
            let qs = Table::soup(&[&q, &q], Layout::Sparse, 0);
            for (feats, g) in &data {
                let mut s = [0f32; 3];
                f.sum_into(feats, &mut s);
                assert_eq!(argmax(&s), *g);
                for t in [&q, &qs] {
                    let mut s = [0i32; 3];
                    t.sum_into(feats, &mut s);
                    assert_eq!((0..3).max_by_key(|&c| s[c]), Some(*g));
                }
                let s = q8.sum8(feats, &[]);
                assert_eq!((0..3).max_by_key(|&c| s[c]), Some(*g));
            }
        }
        assert_eq!(seeds(7, 3).collect::<Vec<_>>(), vec![7, 8, 9]);
        let members: Result<Vec<(u64, usize)>, ()> = soup(7, 3, |s, j| Ok((s, j)));
        assert_eq!(members, Ok(vec![(7, 0), (8, 1), (9, 2)]));
        assert_eq!(
            soup(7, 3, |s, _| if s == 8 { Err(s) } else { Ok(s) }),
            Err(8)
        );
    }
}

//! Averaged perceptron over hashed features (Collins 2002; the "averaged perceptron" of
//! Honnibal's taggers), with a flat weight table `buckets × classes`.
//!
//! Inference is a sum of rows: for each feature hash, the row `hash & mask` is added to the
//! class scores. No allocation per call.

use crate::rank::RankIndex;
use crate::rows::RowsF32;
use std::io::{Read, Write};

#[derive(Debug, Clone)]
pub struct Perceptron {
    n_classes: usize,
    mask: u64,
    /// `weights[bucket * n_classes + class]`.
    weights: Vec<f32>,
    train: Option<Box<TrainState>>,
    /// Inference copy of the non-zero rows (built once training is over): the same sums, from
    /// a fraction of the memory (see [`RankIndex`]).
    packed: Option<Packed>,
}

#[derive(Debug, Clone)]
struct Packed {
    index: RankIndex,
    rows: RowsF32,
}

#[derive(Debug, Clone)]
struct TrainState {
    totals: Vec<f32>,
    stamps: Vec<u32>,
    step: u32,
}

impl Perceptron {
    /// A fresh model with `2^bucket_bits` rows, ready for training.
    pub fn new(n_classes: usize, bucket_bits: u32) -> Self {
        let n = (1usize << bucket_bits) * n_classes;
        Perceptron {
            n_classes,
            mask: (1u64 << bucket_bits) - 1,
            weights: vec![0.0; n],
            train: Some(Box::new(TrainState {
                totals: vec![0.0; n],
                stamps: vec![0; n],
                step: 0,
            })),
            packed: None,
        }
    }

    /// Builds the packed inference copy (only when training is over).
    fn pack(&mut self) {
        if self.train.is_some() {
            return;
        }
        let n = self.n_classes.max(1);
        let bits = (self.mask + 1).trailing_zeros();
        let w = &self.weights;
        let nonzero = |r: usize| {
            w.get(r * n..(r + 1) * n)
                .is_some_and(|row| row.iter().any(|&x| x != 0.0))
        };
        let index = RankIndex::build(bits, nonzero);
        let kept: Vec<&[f32]> = w
            .chunks_exact(n)
            .enumerate()
            .filter(|&(r, _)| nonzero(r))
            .map(|(_, row)| row)
            .collect();
        let rows = RowsF32::build(n, kept.len(), |r| kept.get(r).copied().unwrap_or(&[]));
        self.packed = Some(Packed { index, rows });
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    #[inline]
    fn row(&self, f: u64) -> usize {
        ((f & self.mask) as usize) * self.n_classes
    }

    /// Adds the feature rows into `scores` (length `n_classes`, zeroed by the caller or not).
    #[inline]
    pub fn score_into(&self, feats: &[u64], scores: &mut [f32]) {
        let n = self.n_classes;
        if let Some(p) = &self.packed {
            // Same rows added in the same order as the dense loop below (all-zero rows are
            // left out: adding 0.0 changes no sum). First every row number, then the sums,
            // so that the cache misses of independent lookups overlap.
            p.rows.sum_into(&p.index, feats, scores);
            return;
        }
        for &f in feats {
            let r = self.row(f);
            let w = &self.weights[r..r + n];
            for (s, w) in scores.iter_mut().zip(w) {
                *s += *w;
            }
        }
    }

    /// Scores every class and returns the best.
    pub fn predict(&self, feats: &[u64], scores: &mut Vec<f32>) -> usize {
        scores.clear();
        scores.resize(self.n_classes, 0.0);
        self.score_into(feats, scores);
        argmax(scores)
    }

    /// One perceptron step: counts a training example (call once per example, even when the
    /// prediction was right) and moves weights when `gold != pred`.
    pub fn update(&mut self, feats: &[u64], gold: usize, pred: usize) {
        let n = self.n_classes;
        let mask = self.mask;
        let Some(ts) = self.train.as_mut() else {
            return;
        };
        ts.step += 1;
        if gold == pred {
            return;
        }
        let step = ts.step;
        for &f in feats {
            let r = ((f & mask) as usize) * n;
            for (c, delta) in [(gold, 1.0f32), (pred, -1.0f32)] {
                let i = r + c;
                let w = &mut self.weights[i];
                ts.totals[i] += (step - ts.stamps[i]) as f32 * *w;
                ts.stamps[i] = step;
                *w += delta;
            }
        }
    }

    /// Replaces weights by their average over all steps and drops the training state.
    pub fn average(&mut self) {
        if let Some(ts) = self.train.take() {
            let step = ts.step.max(1) as f32;
            for i in 0..self.weights.len() {
                let total = ts.totals[i] + (ts.step - ts.stamps[i]) as f32 * self.weights[i];
                self.weights[i] = total / step;
            }
        }
        self.pack();
    }

    /// Writes the model: header, then only the rows with a non-zero weight (hashed tables are
    /// sparse after averaging), as little-endian f32. Wrap the writer in gzip for files.
    pub fn write_to(&self, w: &mut impl Write) -> std::io::Result<()> {
        let n = self.n_classes;
        let rows = self.weights.len() / n.max(1);
        w.write_all(&(n as u32).to_le_bytes())?;
        w.write_all(&self.mask.to_le_bytes())?;
        let nonzero: Vec<usize> = (0..rows)
            .filter(|&r| self.weights[r * n..(r + 1) * n].iter().any(|&x| x != 0.0))
            .collect();
        w.write_all(&(nonzero.len() as u32).to_le_bytes())?;
        for &r in &nonzero {
            w.write_all(&(r as u32).to_le_bytes())?;
        }
        for &r in &nonzero {
            for &x in &self.weights[r * n..(r + 1) * n] {
                w.write_all(&x.to_le_bytes())?;
            }
        }
        Ok(())
    }

    pub fn read_from(r: &mut impl Read) -> std::io::Result<Self> {
        let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
        let n = read_u32(r)? as usize;
        let mask = read_u64(r)?;
        if n == 0 || n > 1 << 16 || mask >= 1 << 32 || !(mask + 1).is_power_of_two() {
            return Err(bad("perceptron header is corrupt"));
        }
        let rows = (mask + 1) as usize;
        let mut weights = vec![0.0f32; rows * n];
        let count = read_u32(r)? as usize;
        if count > rows {
            return Err(bad("perceptron row count is corrupt"));
        }
        let mut idx = Vec::with_capacity(count);
        for _ in 0..count {
            let i = read_u32(r)? as usize;
            if i >= rows {
                return Err(bad("perceptron row index out of range"));
            }
            idx.push(i);
        }
        let mut buf = vec![0u8; n * 4];
        for &row in &idx {
            r.read_exact(&mut buf)?;
            for (c, ch) in buf.chunks_exact(4).enumerate() {
                weights[row * n + c] = f32::from_le_bytes([ch[0], ch[1], ch[2], ch[3]]);
            }
        }
        let mut p = Perceptron {
            n_classes: n,
            mask,
            weights,
            train: None,
            packed: None,
        };
        p.pack();
        Ok(p)
    }
}

pub fn read_u32(r: &mut impl Read) -> std::io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

pub fn read_u64(r: &mut impl Read) -> std::io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
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
    fn learns_and_roundtrips() {
        let mut p = Perceptron::new(2, 8);
        let data = [
            (vec![feat(0, "a"), feat(1, "x")], 0),
            (vec![feat(0, "b"), feat(1, "x")], 1),
        ];
        let mut s = Vec::new();
        for _ in 0..5 {
            for (f, g) in &data {
                let pred = p.predict(f, &mut s);
                p.update(f, *g, pred);
            }
        }
        p.average();
        for (f, g) in &data {
            assert_eq!(p.predict(f, &mut s), *g);
        }
        let mut buf = Vec::new();
        p.write_to(&mut buf).unwrap();
        let q = Perceptron::read_from(&mut buf.as_slice()).unwrap();
        for (f, g) in &data {
            assert_eq!(q.predict(f, &mut s), *g);
        }
        assert!(Perceptron::read_from(&mut &buf[..5]).is_err());
    }
}

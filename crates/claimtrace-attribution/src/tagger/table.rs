//! The quantised weight tables the tagger, the refiner and the filter score with.
use super::*;

use claimtrace_ml::table::{Layout, Table};

/// A weight table quantised to i8 (one scale per table): a dense kernel
/// [`claimtrace_ml::table::Table<i8>`] (one row per bucket, padded to 8 classes: one aligned
/// load per feature), read in place from the model file's bytes.
#[derive(Debug, Clone)]
pub struct QTable {
    pub(super) t: Table<i8>,
}

/// One class of a [`QTable`] as a dense one-column i8 table (the refiner ranks with class 1
/// only: 1/8 of the table's bytes, so it stays in cache). Stored as such in the model file.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) t: Table<i8>,
}

impl Column {
    pub(super) fn of(t: &QTable, c: usize) -> Column {
        Column { t: t.t.column(c) }
    }

    /// The sum of the column's weights over the features.
    #[inline]
    pub(super) fn score(&self, feats: &[u64]) -> i32 {
        let mut acc = [0i32; 1];
        self.t.add_each(feats, &mut acc);
        acc[0]
    }
}

/// Anything that scores a feature vector over the 7 tags.
pub(super) trait Scorer {
    fn best(&self, feats: &[u64], scratch: &mut Vec<f32>) -> usize;
}

/// Averaged float weights (the trainer's jackknife folds decode with them).
#[cfg(feature = "train")]
impl Scorer for Weights {
    fn best(&self, feats: &[u64], scratch: &mut Vec<f32>) -> usize {
        scratch.clear();
        scratch.resize(self.cols, 0.0);
        self.score(feats, scratch);
        argmax(scratch)
    }
}

impl Scorer for QTable {
    fn best(&self, feats: &[u64], _scratch: &mut Vec<f32>) -> usize {
        self.best2(feats, &[])
    }
}

impl QTable {
    /// The classes of the table.
    pub fn n(&self) -> usize {
        self.t.cols()
    }

    /// [`Scorer::best`] over the features `a` then `b`: the kernel's
    /// [`Table::sum8`] (rows loaded bare first, exact `i16` lanes), then the first best class.
    #[inline]
    pub(super) fn best2(&self, a: &[u64], b: &[u64]) -> usize {
        let s = self.t.sum8(a, b);
        let n = self.n().min(8);
        let mut best = 0;
        for c in 1..n {
            if s[c] > s[best] {
                best = c;
            }
        }
        best
    }
}

impl QTable {
    #[cfg(feature = "train")]
    /// Quantises averaged weights to a dense `i8` table (weights below half a step become 0).
    pub fn of(w: &Weights) -> QTable {
        QTable {
            t: w.quantise_i8(Layout::Dense),
        }
    }
}

//! The two linear models the tagger uses.
//!
//! * [`Dense`] / [`Compact`]: a hashed feature table with one row of `cols` weights per bucket.
//!   Training keeps the full table with averaging state; after training it becomes a
//!   [`Compact`] table that holds only the non-zero rows, quantised to `i16`, behind a bucket →
//!   row index (so a model of a few MB loads in milliseconds and scores with integer adds).
//!   Columns may be split into *heads* (one softmax-free argmax per head): the UPOS model has
//!   one head of 17 columns, the morphology model one head per UD feature.
//! * [`Flat`]: one weight per hashed (feature, class) pair, for the lemma-rule classifier
//!   whose class set is large but whose candidates per word are few.

use claimtrace_ml::hash::mix;
use claimtrace_ml::perceptron::{read_u32, read_u64};
use claimtrace_ml::rank::RankIndex;
use claimtrace_ml::rows::RowsI16;
use std::io::{Read, Write};

/// Trainable hashed multi-column averaged perceptron.
#[derive(Debug, Clone)]
pub(crate) struct Dense {
    pub cols: usize,
    pub bits: u32,
    w: Vec<f32>,
    totals: Vec<f32>,
    stamps: Vec<u32>,
    step: u32,
}

impl Dense {
    pub fn new(cols: usize, bits: u32) -> Self {
        let n = (1usize << bits) * cols;
        Dense {
            cols,
            bits,
            w: vec![0.0; n],
            totals: vec![0.0; n],
            stamps: vec![0; n],
            step: 0,
        }
    }

    #[inline]
    fn row(&self, f: u64) -> usize {
        ((f & ((1u64 << self.bits) - 1)) as usize) * self.cols
    }

    /// Adds the rows of `feats` into `scores` (length `cols`).
    pub fn score(&self, feats: &[u64], scores: &mut [f32]) {
        let n = self.cols;
        for &f in feats {
            let r = self.row(f);
            if let Some(w) = self.w.get(r..r + n) {
                for (s, w) in scores.iter_mut().zip(w) {
                    *s += *w;
                }
            }
        }
    }

    /// Counts one training example.
    pub fn tick(&mut self) {
        self.step += 1;
    }

    /// Moves column `gold` up and `pred` down for every feature (no-op when equal).
    pub fn update(&mut self, feats: &[u64], gold: usize, pred: usize) {
        if gold == pred {
            return;
        }
        let step = self.step;
        for &f in feats {
            let r = self.row(f);
            for (c, d) in [(gold, 1.0f32), (pred, -1.0f32)] {
                let i = r + c;
                if let (Some(w), Some(t), Some(s)) = (
                    self.w.get_mut(i),
                    self.totals.get_mut(i),
                    self.stamps.get_mut(i),
                ) {
                    *t += (step - *s) as f32 * *w;
                    *s = step;
                    *w += d;
                }
            }
        }
    }

    /// The averaged weights as a compact table (training can go on afterwards).
    pub fn compact(&self, heads: &[(usize, usize)], prune: i16) -> Compact {
        let step = self.step.max(1) as f32;
        let n = self.cols;
        let avg: Vec<f32> = (0..self.w.len())
            .map(|i| (self.totals[i] + (self.step - self.stamps[i]) as f32 * self.w[i]) / step)
            .collect();
        let max = avg.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { 32000.0 / max } else { 1.0 };
        let rows = 1usize << self.bits;
        let mut index = vec![u32::MAX; rows];
        let mut data: Vec<i16> = Vec::new();
        for (r, slot) in index.iter_mut().enumerate() {
            let q: Vec<i16> = avg[r * n..(r + 1) * n]
                .iter()
                .map(|x| (x * scale).round() as i16)
                .collect();
            if q.iter().any(|&x| x.unsigned_abs() > prune.unsigned_abs()) {
                *slot = (data.len() / n.max(1)) as u32;
                data.extend_from_slice(&q);
            }
        }
        Compact {
            cols: n,
            bits: self.bits,
            index,
            data,
            heads: heads.to_vec(),
            rank: RankIndex::default(),
            lines: RowsI16::default(),
        }
        .with_rank()
    }
}

/// Inference table: only the non-zero rows, `i16` weights.
#[derive(Debug, Clone, Default)]
pub(crate) struct Compact {
    pub cols: usize,
    pub bits: u32,
    /// bucket → row number in `data`, or `u32::MAX`.
    index: Vec<u32>,
    data: Vec<i16>,
    /// `(offset, len)` of each head's columns.
    pub heads: Vec<(usize, usize)>,
    /// The same bucket → row map in 2 bits per bucket (what scoring reads: it stays in cache
    /// where the 4-byte `index` did not). Built by [`Compact::with_rank`].
    rank: RankIndex,
    /// The rows of `data` on cache lines (what scoring reads).
    lines: RowsI16,
}

impl Compact {
    /// Adds the rows of `feats` into `scores` (length `cols`).
    ///
    /// Two phases: first all bucket → row lookups, then the row additions, so the CPU can
    /// overlap the cache misses of independent lookups instead of chaining them.
    #[inline]
    pub fn score(&self, feats: &[u64], scores: &mut [i32]) {
        self.lines.sum_into(&self.rank, feats, scores);
    }

    /// Puts the rows in bucket order (as every constructor already writes them) and builds
    /// the rank index over them.
    fn with_rank(mut self) -> Self {
        let n = self.cols.max(1);
        let mut data = Vec::with_capacity(self.data.len());
        let mut next = 0u32;
        for slot in self.index.iter_mut() {
            if *slot == u32::MAX {
                continue;
            }
            let r = *slot as usize * n;
            match self.data.get(r..r + n) {
                Some(row) => {
                    data.extend_from_slice(row);
                    *slot = next;
                    next += 1;
                }
                None => *slot = u32::MAX,
            }
        }
        self.data = data;
        let index = &self.index;
        self.rank = RankIndex::build(self.bits, |b| index.get(b).is_some_and(|&r| r != u32::MAX));
        let d = &self.data;
        self.lines = RowsI16::build(n, d.len() / n, |r| d.get(r * n..(r + 1) * n).unwrap_or(&[]));
        self
    }

    pub fn n_rows(&self) -> usize {
        self.data.len() / self.cols.max(1)
    }

    /// The mean of several tables trained on the same features (a "weight soup": for linear
    /// models with one feature map this equals averaging their scores). Each part's `i16`
    /// weights are on its own scale (largest = 32000), so they are averaged as they are and
    /// re-quantised. Parts must share `cols` and `bits`; others are ignored.
    pub fn soup(parts: &[&Compact]) -> Compact {
        let Some(first) = parts.first() else {
            return Compact::default();
        };
        let parts: Vec<&Compact> = parts
            .iter()
            .filter(|p| p.cols == first.cols && p.bits == first.bits)
            .copied()
            .collect();
        let n = first.cols;
        let k = parts.len().max(1) as f32;
        let rows = first.index.len();
        let mut sums: Vec<(usize, Vec<f32>)> = Vec::new();
        let mut max = 0f32;
        for b in 0..rows {
            let mut acc: Option<Vec<f32>> = None;
            for p in &parts {
                let r = p.index.get(b).copied().unwrap_or(u32::MAX);
                if r == u32::MAX {
                    continue;
                }
                let r = r as usize * n;
                if let Some(row) = p.data.get(r..r + n) {
                    let a = acc.get_or_insert_with(|| vec![0.0; n]);
                    for (x, &w) in a.iter_mut().zip(row) {
                        *x += w as f32 / k;
                    }
                }
            }
            if let Some(a) = acc {
                max = a.iter().fold(max, |m, x| m.max(x.abs()));
                sums.push((b, a));
            }
        }
        let scale = if max > 0.0 { 32000.0 / max } else { 1.0 };
        let mut index = vec![u32::MAX; rows];
        let mut data: Vec<i16> = Vec::with_capacity(sums.len() * n);
        for (b, a) in sums {
            let q: Vec<i16> = a.iter().map(|x| (x * scale).round() as i16).collect();
            if q.iter().any(|&x| x != 0)
                && let Some(slot) = index.get_mut(b)
            {
                *slot = (data.len() / n.max(1)) as u32;
                data.extend_from_slice(&q);
            }
        }
        Compact {
            cols: n,
            bits: first.bits,
            index,
            data,
            heads: first.heads.clone(),
            rank: RankIndex::default(),
            lines: RowsI16::default(),
        }
        .with_rank()
    }

    /// Sparse write: per non-zero row its bucket and `(column, value)` pairs.
    pub fn write_to(&self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(&(self.cols as u32).to_le_bytes())?;
        w.write_all(&self.bits.to_le_bytes())?;
        w.write_all(&(self.heads.len() as u32).to_le_bytes())?;
        for &(o, l) in &self.heads {
            w.write_all(&(o as u32).to_le_bytes())?;
            w.write_all(&(l as u32).to_le_bytes())?;
        }
        w.write_all(&(self.n_rows() as u32).to_le_bytes())?;
        let mut prev = 0u64;
        let n = self.cols;
        for (bucket, &r) in self.index.iter().enumerate() {
            if r == u32::MAX {
                continue;
            }
            write_varint(w, bucket as u64 - prev)?;
            prev = bucket as u64;
            let row = &self.data[r as usize * n..(r as usize + 1) * n];
            let nz = row.iter().filter(|&&x| x != 0).count();
            write_varint(w, nz as u64)?;
            for (c, &x) in row.iter().enumerate() {
                if x != 0 {
                    write_varint(w, c as u64)?;
                    w.write_all(&x.to_le_bytes())?;
                }
            }
        }
        Ok(())
    }

    pub fn read_from(r: &mut impl Read) -> std::io::Result<Self> {
        let cols = read_u32(r)? as usize;
        let bits = read_u32(r)?;
        if cols == 0 || cols > 1 << 14 || bits == 0 || bits > 26 {
            return Err(bad("weight table header is corrupt"));
        }
        let nh = read_u32(r)? as usize;
        if nh > cols {
            return Err(bad("weight table heads are corrupt"));
        }
        let mut heads = Vec::with_capacity(nh);
        for _ in 0..nh {
            let o = read_u32(r)? as usize;
            let l = read_u32(r)? as usize;
            if o + l > cols || l == 0 {
                return Err(bad("weight table head out of range"));
            }
            heads.push((o, l));
        }
        let rows = 1usize << bits;
        let nrows = read_u32(r)? as usize;
        if nrows > rows {
            return Err(bad("weight table row count is corrupt"));
        }
        let mut index = vec![u32::MAX; rows];
        let mut data = vec![0i16; nrows * cols];
        let mut bucket = 0u64;
        for i in 0..nrows {
            bucket += read_varint(r)?;
            let slot = index
                .get_mut(bucket as usize)
                .ok_or_else(|| bad("weight table bucket out of range"))?;
            *slot = i as u32;
            let nz = read_varint(r)? as usize;
            if nz > cols {
                return Err(bad("weight table row is corrupt"));
            }
            for _ in 0..nz {
                let c = read_varint(r)? as usize;
                let mut b = [0u8; 2];
                r.read_exact(&mut b)?;
                let v = data
                    .get_mut(i * cols + c)
                    .filter(|_| c < cols)
                    .ok_or_else(|| bad("weight table column out of range"))?;
                *v = i16::from_le_bytes(b);
            }
        }
        Ok(Compact {
            cols,
            bits,
            index,
            data,
            heads,
            rank: RankIndex::default(),
            lines: RowsI16::default(),
        }
        .with_rank())
    }
}

/// Hashed (feature, class) averaged perceptron: one weight per pair.
#[derive(Debug, Clone, Default)]
pub(crate) struct Flat {
    bits: u32,
    w: Vec<f32>,
    train: Option<(Vec<f32>, Vec<u32>, u32)>,
}

impl Flat {
    pub fn new(bits: u32) -> Self {
        let n = 1usize << bits;
        Flat {
            bits,
            w: vec![0.0; n],
            train: Some((vec![0.0; n], vec![0; n], 0)),
        }
    }

    #[inline]
    fn idx(&self, f: u64, class: u32) -> usize {
        (mix(f, class as u64 + 1) & ((1u64 << self.bits) - 1)) as usize
    }

    pub fn score(&self, feats: &[u64], class: u32) -> f32 {
        feats
            .iter()
            .map(|&f| self.w.get(self.idx(f, class)).copied().unwrap_or(0.0))
            .sum()
    }

    pub fn tick(&mut self) {
        if let Some(t) = self.train.as_mut() {
            t.2 += 1;
        }
    }

    pub fn update(&mut self, feats: &[u64], gold: u32, pred: u32) {
        if gold == pred {
            return;
        }
        let idx: Vec<(usize, f32)> = feats
            .iter()
            .flat_map(|&f| [(self.idx(f, gold), 1.0f32), (self.idx(f, pred), -1.0)])
            .collect();
        let Some((totals, stamps, step)) = self.train.as_mut() else {
            return;
        };
        for (i, d) in idx {
            if let (Some(w), Some(t), Some(s)) =
                (self.w.get_mut(i), totals.get_mut(i), stamps.get_mut(i))
            {
                *t += (*step - *s) as f32 * *w;
                *s = *step;
                *w += d;
            }
        }
    }

    /// The mean of several averaged tables of the same size (see [`Compact::soup`]).
    pub fn soup(parts: &[&Flat]) -> Flat {
        let Some(first) = parts.first() else {
            return Flat::default();
        };
        let k = parts.len() as f32;
        let mut w = vec![0f32; first.w.len()];
        for p in parts.iter().filter(|p| p.bits == first.bits) {
            for (x, &y) in w.iter_mut().zip(&p.w) {
                *x += y / k;
            }
        }
        Flat {
            bits: first.bits,
            w,
            train: None,
        }
    }

    /// Averaged copy without training state.
    pub fn averaged(&self) -> Flat {
        let Some((totals, stamps, step)) = &self.train else {
            return self.clone();
        };
        let st = (*step).max(1) as f32;
        let w = (0..self.w.len())
            .map(|i| (totals[i] + (*step - stamps[i]) as f32 * self.w[i]) / st)
            .collect();
        Flat {
            bits: self.bits,
            w,
            train: None,
        }
    }

    pub fn write_to(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let max = self.w.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { 32000.0 / max } else { 1.0 };
        w.write_all(&self.bits.to_le_bytes())?;
        w.write_all(&scale.to_le_bytes())?;
        let nz: Vec<(usize, i16)> = self
            .w
            .iter()
            .enumerate()
            .map(|(i, x)| (i, (x * scale).round() as i16))
            .filter(|&(_, q)| q != 0)
            .collect();
        w.write_all(&(nz.len() as u64).to_le_bytes())?;
        let mut prev = 0;
        for (i, q) in nz {
            write_varint(w, (i - prev) as u64)?;
            prev = i;
            w.write_all(&q.to_le_bytes())?;
        }
        Ok(())
    }

    pub fn read_from(r: &mut impl Read) -> std::io::Result<Self> {
        let bits = read_u32(r)?;
        if bits == 0 || bits > 26 {
            return Err(bad("lemma table header is corrupt"));
        }
        let mut b = [0u8; 4];
        r.read_exact(&mut b)?;
        let scale = f32::from_le_bytes(b);
        if !(scale.is_finite() && scale > 0.0) {
            return Err(bad("lemma table scale is corrupt"));
        }
        let n = 1usize << bits;
        let count = read_u64(r)? as usize;
        if count > n {
            return Err(bad("lemma table count is corrupt"));
        }
        let mut w = vec![0.0f32; n];
        let mut i = 0usize;
        for _ in 0..count {
            i += read_varint(r)? as usize;
            let mut q = [0u8; 2];
            r.read_exact(&mut q)?;
            let slot = w
                .get_mut(i)
                .ok_or_else(|| bad("lemma table index out of range"))?;
            *slot = i16::from_le_bytes(q) as f32 / scale;
        }
        Ok(Flat {
            bits,
            w,
            train: None,
        })
    }
}

pub(crate) fn bad(m: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string())
}

pub(crate) fn write_varint(w: &mut dyn Write, mut v: u64) -> std::io::Result<()> {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            return w.write_all(&[b]);
        }
        w.write_all(&[b | 0x80])?;
    }
}

pub(crate) fn read_varint(r: &mut impl Read) -> std::io::Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let mut b = [0u8; 1];
        r.read_exact(&mut b)?;
        v |= ((b[0] & 0x7f) as u64) << shift;
        if b[0] & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(bad("varint too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_learns_and_roundtrips() {
        let mut d = Dense::new(3, 8);
        let data = [(vec![1u64, 7], 0usize), (vec![2, 7], 2), (vec![3, 7], 1)];
        for _ in 0..5 {
            for (f, g) in &data {
                let mut s = [0f32; 3];
                d.score(f, &mut s);
                let p = argmax_f(&s);
                d.tick();
                d.update(f, *g, p);
            }
        }
        let c = d.compact(&[(0, 3)], 0);
        let mut buf = Vec::new();
        c.write_to(&mut buf).unwrap();
        let c2 = Compact::read_from(&mut buf.as_slice()).unwrap();
        for (f, g) in &data {
            let mut s = [0i32; 3];
            c2.score(f, &mut s);
            assert_eq!(argmax_i(&s), *g);
        }
        assert!(Compact::read_from(&mut &buf[..7]).is_err());
        // A soup of a table with itself scores like the table; with an empty table, the rows
        // are halved but keep their argmax.
        let same = Compact::soup(&[&c, &c]);
        let empty = Dense::new(3, 8).compact(&[(0, 3)], 0);
        let half = Compact::soup(&[&c, &empty]);
        assert_eq!(same.n_rows(), c.n_rows());
        for (f, g) in &data {
            for t in [&same, &half] {
                let mut s = [0i32; 3];
                t.score(f, &mut s);
                assert_eq!(argmax_i(&s), *g);
            }
        }
        assert_eq!(Compact::soup(&[]).n_rows(), 0);
    }

    fn argmax_f(s: &[f32]) -> usize {
        let mut b = 0;
        for (i, &x) in s.iter().enumerate() {
            if x > s[b] {
                b = i;
            }
        }
        b
    }
    fn argmax_i(s: &[i32]) -> usize {
        let mut b = 0;
        for (i, &x) in s.iter().enumerate() {
            if x > s[b] {
                b = i;
            }
        }
        b
    }
}

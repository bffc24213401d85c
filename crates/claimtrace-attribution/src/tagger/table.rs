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

#[cfg(feature = "train")]
impl Scorer for Perceptron {
    fn best(&self, feats: &[u64], scratch: &mut Vec<f32>) -> usize {
        self.predict(feats, scratch)
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

    /// A dense table of `n` classes over `2^bits` buckets from rows `w[bucket]`.
    fn from_rows(n: usize, bits: u32, scale: f32, w: &[[i8; 8]]) -> QTable {
        QTable {
            t: Table::build(n, bits, Layout::Dense, scale, |b, out| match w.get(b) {
                Some(r) => {
                    for (o, &x) in out.iter_mut().zip(r.iter()) {
                        *o = x;
                    }
                    true
                }
                None => false,
            }),
        }
    }

    /// The rows as 8-wide arrays (one per bucket).
    fn dense_rows(&self) -> Vec<[i8; 8]> {
        let n = 1usize << self.t.bits();
        let mut w = vec![[0i8; 8]; n];
        for (b, row) in w.iter_mut().enumerate() {
            for (c, x) in row.iter_mut().enumerate().take(self.n().min(8)) {
                *x = self.t.get(b as u64, c);
            }
        }
        w
    }
}

pub(super) fn io_err(m: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string())
}

pub(super) fn rd_u32(r: &mut impl Read) -> std::io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

impl QTable {
    #[cfg(feature = "train")]
    /// Quantises an averaged perceptron (weights below half a step become 0).
    pub fn from_perceptron(p: &Perceptron) -> std::io::Result<QTable> {
        // The perceptron's own sparse format: n u32, mask u64, count u32, rows u32 × count,
        // then count × n f32.
        let mut buf = Vec::new();
        p.write_to(&mut buf)?;
        let mut r = buf.as_slice();
        let n = rd_u32(&mut r)? as usize;
        let mut m = [0u8; 8];
        r.read_exact(&mut m)?;
        let mask = u64::from_le_bytes(m);
        let count = rd_u32(&mut r)? as usize;
        if n == 0 || n > 8 || mask >= 1 << 32 {
            return Err(io_err("unexpected perceptron shape"));
        }
        let mut rows = Vec::with_capacity(count);
        for _ in 0..count {
            rows.push(rd_u32(&mut r)? as usize);
        }
        let mut vals = Vec::with_capacity(count * n);
        for _ in 0..count * n {
            let mut b = [0u8; 4];
            r.read_exact(&mut b)?;
            vals.push(f32::from_le_bytes(b));
        }
        let maxabs = vals.iter().fold(0f32, |a, &x| a.max(x.abs()));
        let scale = if maxabs > 0.0 { maxabs / 127.0 } else { 1.0 };
        let mut w = vec![[0i8; 8]; (mask + 1) as usize];
        for (k, &row) in rows.iter().enumerate() {
            for c in 0..n {
                let v = vals.get(k * n + c).copied().unwrap_or(0.0);
                let q = (v / scale).round().clamp(-127.0, 127.0) as i8;
                if let Some(x) = w.get_mut(row).and_then(|r| r.get_mut(c)) {
                    *x = q;
                }
            }
        }
        Ok(QTable::from_rows(n, (mask + 1).trailing_zeros(), scale, &w))
    }

    /// The table in the old (version 3/4) sparse stream format: what the trainer's tagger
    /// cache holds.
    pub(super) fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        let n = self.n();
        let rows_w = self.dense_rows();
        let rows = rows_w.len();
        let mask = (rows as u64).saturating_sub(1);
        let nonzero: Vec<usize> = (0..rows)
            .filter(|&r| rows_w.get(r).is_some_and(|x| x.iter().any(|&v| v != 0)))
            .collect();
        w.write_all(&(n as u32).to_le_bytes())?;
        w.write_all(&mask.to_le_bytes())?;
        w.write_all(&self.t.scale().to_le_bytes())?;
        w.write_all(&(nonzero.len() as u32).to_le_bytes())?;
        // row indices as LEB128 gaps (compress far better than raw u32)
        let mut prev = 0usize;
        let mut idx = Vec::with_capacity(nonzero.len() * 3);
        for &r in &nonzero {
            let mut g = (r - prev) as u64;
            prev = r;
            loop {
                let b = (g & 0x7f) as u8;
                g >>= 7;
                if g == 0 {
                    idx.push(b);
                    break;
                }
                idx.push(b | 0x80);
            }
        }
        w.write_all(&idx)?;
        // class-major columns compress better than rows
        for c in 0..n {
            let col: Vec<u8> = nonzero
                .iter()
                .map(|&r| rows_w.get(r).and_then(|x| x.get(c)).copied().unwrap_or(0) as u8)
                .collect();
            w.write_all(&col)?;
        }
        Ok(())
    }

    /// Reads [`QTable::write_to`]'s format (the version 3/4 model files and the tagger cache).
    pub(super) fn read_from(r: &mut impl Read) -> std::io::Result<QTable> {
        let n = rd_u32(r)? as usize;
        let mut m = [0u8; 8];
        r.read_exact(&mut m)?;
        let mask = u64::from_le_bytes(m);
        let mut sc = [0u8; 4];
        r.read_exact(&mut sc)?;
        let scale = f32::from_le_bytes(sc);
        if n == 0 || n > 8 || mask >= 1 << 26 || !(mask + 1).is_power_of_two() {
            return Err(io_err("attribution table header is corrupt"));
        }
        let rows = (mask + 1) as usize;
        let count = rd_u32(r)? as usize;
        if count > rows {
            return Err(io_err("attribution table row count is corrupt"));
        }
        let mut idx = Vec::with_capacity(count);
        let mut prev = 0usize;
        for _ in 0..count {
            let mut g = 0u64;
            let mut shift = 0;
            loop {
                let mut b = [0u8; 1];
                r.read_exact(&mut b)?;
                g |= u64::from(b[0] & 0x7f) << shift;
                if b[0] & 0x80 == 0 {
                    break;
                }
                shift += 7;
                if shift > 35 {
                    return Err(io_err("attribution table index is corrupt"));
                }
            }
            prev += g as usize;
            if prev >= rows {
                return Err(io_err("attribution table index out of range"));
            }
            idx.push(prev);
        }
        let mut w = vec![[0i8; 8]; rows];
        let mut col = vec![0u8; count];
        for c in 0..n {
            r.read_exact(&mut col)?;
            for (k, &row) in idx.iter().enumerate() {
                if let (Some(x), Some(&v)) = (w.get_mut(row).and_then(|x| x.get_mut(c)), col.get(k))
                {
                    *x = v as i8;
                }
            }
        }
        Ok(QTable::from_rows(n, (mask + 1).trailing_zeros(), scale, &w))
    }
}

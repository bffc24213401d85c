//! A hashed linear model for the parser: a flat table `2^bits × classes`.
//!
//! Training keeps integer weights and the Daumé accumulator (`u += step × delta`), so the
//! averaged weight `w − u/step` is exact. Inference uses an `i16`-quantised copy (half the
//! cache traffic of `f32`), scores summed in `i32`. Files store only non-zero rows, with
//! delta-coded row numbers.

use std::io::{Read, Write};

/// Training state of one table.
#[derive(Debug, Clone)]
pub(crate) struct TrainTable {
    n_classes: usize,
    mask: u64,
    w: Vec<i32>,
    u: Vec<i64>,
    pub(crate) step: i64,
}

impl TrainTable {
    pub(crate) fn new(n_classes: usize, bits: u32) -> Self {
        let n = (1usize << bits) * n_classes;
        TrainTable {
            n_classes,
            mask: (1u64 << bits) - 1,
            w: vec![0; n],
            u: vec![0; n],
            step: 1,
        }
    }

    /// Current (non-averaged) scores into `out` (length `n_classes`).
    #[inline]
    pub(crate) fn score(&self, feats: &[u64], out: &mut [i64]) {
        let n = self.n_classes;
        out.iter_mut().for_each(|x| *x = 0);
        for &f in feats {
            let r = ((f & self.mask) as usize) * n;
            if let Some(row) = self.w.get(r..r + n) {
                for (s, w) in out.iter_mut().zip(row) {
                    *s += *w as i64;
                }
            }
        }
    }

    /// Counts one example.
    #[inline]
    pub(crate) fn tick(&mut self) {
        self.step += 1;
    }

    /// Moves weights: +1 for `gold`, −1 for `pred`.
    pub(crate) fn update(&mut self, feats: &[u64], gold: usize, pred: usize) {
        if gold == pred {
            return;
        }
        let n = self.n_classes;
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

    /// The averaged, quantised model.
    pub(crate) fn averaged(&self) -> Table {
        let step = self.step as f64;
        let avg: Vec<f32> = self
            .w
            .iter()
            .zip(&self.u)
            .map(|(&w, &u)| (w as f64 - u as f64 / step) as f32)
            .collect();
        Table::quantise(self.n_classes, self.mask, &avg)
    }
}

/// An inference table (quantised averaged weights).
#[derive(Debug, Clone)]
pub(crate) struct Table {
    n_classes: usize,
    mask: u64,
    w: Vec<i16>,
}

impl Table {
    fn quantise(n_classes: usize, mask: u64, avg: &[f32]) -> Self {
        let max = avg.iter().fold(0f32, |m, &x| m.max(x.abs()));
        let scale = if max > 0.0 { 32000.0 / max } else { 1.0 };
        let w = avg
            .iter()
            .map(|&x| (x * scale).round().clamp(-32767.0, 32767.0) as i16)
            .collect();
        Table { n_classes, mask, w }
    }

    pub(crate) fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Adds the rows of `feats` (only columns `lo..hi`) into `out` (length `hi − lo`).
    #[inline]
    pub(crate) fn score_range(&self, feats: &[u64], lo: usize, hi: usize, out: &mut [i32]) {
        let n = self.n_classes;
        out.iter_mut().for_each(|x| *x = 0);
        for &f in feats {
            let r = ((f & self.mask) as usize) * n;
            if let Some(row) = self.w.get(r + lo..r + hi) {
                for (s, w) in out.iter_mut().zip(row) {
                    *s += *w as i32;
                }
            }
        }
    }

    /// The mean of several tables of the same shape (a "weight soup": for linear models over
    /// one feature map this is the mean of their scores). Each part's `i16` weights are on its
    /// own scale (largest = 32000); they are averaged as they are and re-quantised. Parts of
    /// another shape are ignored.
    pub(crate) fn soup(parts: &[&Table]) -> Table {
        let Some(first) = parts.first() else {
            return Table {
                n_classes: 1,
                mask: 0,
                w: vec![0],
            };
        };
        let same: Vec<&Table> = parts
            .iter()
            .filter(|p| p.n_classes == first.n_classes && p.w.len() == first.w.len())
            .copied()
            .collect();
        let k = same.len().max(1) as f32;
        let mut avg = vec![0f32; first.w.len()];
        for p in &same {
            for (a, &x) in avg.iter_mut().zip(&p.w) {
                *a += x as f32 / k;
            }
        }
        Table::quantise(first.n_classes, first.mask, &avg)
    }

    /// Sets to zero every row whose largest weight is below `min_abs` (pruning rare features).
    pub(crate) fn prune(&mut self, min_abs: i16) {
        let n = self.n_classes.max(1);
        for row in self.w.chunks_mut(n) {
            if row.iter().all(|x| x.unsigned_abs() < min_abs as u16) {
                row.iter_mut().for_each(|x| *x = 0);
            }
        }
    }

    pub(crate) fn nonzero_rows(&self) -> usize {
        self.w
            .chunks(self.n_classes.max(1))
            .filter(|r| r.iter().any(|&x| x != 0))
            .count()
    }

    pub(crate) fn write_to(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let n = self.n_classes.max(1);
        w.write_all(&(n as u32).to_le_bytes())?;
        w.write_all(&(self.mask.count_ones()).to_le_bytes())?;
        let rows: Vec<usize> = self
            .w
            .chunks(n)
            .enumerate()
            .filter(|(_, r)| r.iter().any(|&x| x != 0))
            .map(|(i, _)| i)
            .collect();
        w.write_all(&(rows.len() as u32).to_le_bytes())?;
        let mut prev = 0usize;
        let mut buf = Vec::with_capacity(rows.len() * 2);
        for &r in &rows {
            write_varint(&mut buf, (r - prev) as u64);
            prev = r;
        }
        w.write_all(&(buf.len() as u32).to_le_bytes())?;
        w.write_all(&buf)?;
        // Column-major within the kept rows compresses better (each class's weights together).
        let mut vals = Vec::with_capacity(rows.len() * n * 2);
        for c in 0..n {
            for &r in &rows {
                let x = self.w.get(r * n + c).copied().unwrap_or(0);
                vals.extend_from_slice(&x.to_le_bytes());
            }
        }
        w.write_all(&vals)
    }

    pub(crate) fn read_from(r: &mut impl Read) -> std::io::Result<Self> {
        let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
        let n = read_u32(r)? as usize;
        let bits = read_u32(r)?;
        if n == 0 || n > 4096 || bits > 26 {
            return Err(bad("parser table header is corrupt"));
        }
        let nrows = 1usize << bits;
        let count = read_u32(r)? as usize;
        let idx_len = read_u32(r)? as usize;
        if count > nrows || idx_len > count * 10 {
            return Err(bad("parser table row count is corrupt"));
        }
        let mut idx = vec![0u8; idx_len];
        r.read_exact(&mut idx)?;
        let mut rows = Vec::with_capacity(count);
        let mut pos = 0usize;
        let mut prev = 0u64;
        for _ in 0..count {
            let d = read_varint(&idx, &mut pos).ok_or_else(|| bad("parser table rows corrupt"))?;
            prev = prev.saturating_add(d);
            if prev >= nrows as u64 {
                return Err(bad("parser table row out of range"));
            }
            rows.push(prev as usize);
        }
        let mut w = vec![0i16; nrows * n];
        let mut vals = vec![0u8; count * n * 2];
        r.read_exact(&mut vals)?;
        let mut it = vals.chunks_exact(2);
        for c in 0..n {
            for &row in &rows {
                if let (Some(b), Some(slot)) = (it.next(), w.get_mut(row * n + c)) {
                    *slot = i16::from_le_bytes([b[0], b[1]]);
                }
            }
        }
        Ok(Table {
            n_classes: n,
            mask: (1u64 << bits) - 1,
            w,
        })
    }
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        if shift > 63 {
            return None;
        }
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
    }
}

pub(crate) fn read_u32(r: &mut impl Read) -> std::io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_roundtrip() {
        let mut t = TrainTable::new(3, 6);
        for _ in 0..4 {
            t.tick();
            t.update(&[1, 5, 70], 2, 0);
        }
        let a = t.averaged();
        let mut buf = Vec::new();
        a.write_to(&mut buf).unwrap();
        let b = Table::read_from(&mut buf.as_slice()).unwrap();
        assert_eq!(a.w, b.w);
        let mut s = [0i32; 3];
        b.score_range(&[1], 0, 3, &mut s);
        assert!(s[2] > 0 && s[0] < 0);
        assert!(Table::read_from(&mut &buf[..7]).is_err());
        let soup = Table::soup(&[&a, &b]);
        assert_eq!(soup.w, a.w);
        let mut s = [0i32; 3];
        soup.score_range(&[1], 0, 3, &mut s);
        assert!(s[2] > 0 && s[0] < 0);
        assert_eq!(Table::soup(&[]).n_classes(), 1);
    }
}

//! The quantised weight tables the tagger, the refiner and the filter score with.
use super::*;

/// A weight table quantised to i8 (one scale per table), dense in memory, sparse on disk.
#[derive(Debug, Clone)]
pub struct QTable {
    pub(super) n: usize,
    pub(super) mask: u64,
    pub(super) scale: f32,
    /// One row per bucket, padded to 8 classes (one aligned load per feature).
    pub(super) w: Vec<[i8; 8]>,
}

/// One class of a [`QTable`] as a dense i8 column (the refiner ranks with class 1 only:
/// 1/8 of the table's bytes, so it stays in cache).
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) mask: u64,
    pub(super) w: Vec<i8>,
}

impl Column {
    pub(super) fn of(t: &QTable, c: usize) -> Column {
        Column {
            mask: t.mask,
            w: t.w.iter().map(|r| r.get(c).copied().unwrap_or(0)).collect(),
        }
    }

    /// The sum of the column's weights over the features.
    pub(super) fn score(&self, feats: &[u64]) -> i32 {
        feats
            .iter()
            .map(|&f| {
                self.w
                    .get((f & self.mask) as usize)
                    .map_or(0, |&x| i32::from(x))
            })
            .sum()
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
        let mut s = [0i32; 8];
        let n = self.n.min(8);
        // i16 lanes (one 128-bit add per feature) for up to 256 features: |sum| <= 256 * 127
        // < 32767, so the sums are exact and equal the i32 ones. Two phases per chunk, as
        // `claimtrace_ml::rows::sum_into`: first a bare load of every row (their cache misses
        // start together instead of a few at a time behind the sums), then the sums.
        for chunk in feats.chunks(128) {
            let mut rows = [0u32; 128];
            let mut k = 0;
            for &f in chunk {
                let r = (f & self.mask) as usize;
                if r < self.w.len() {
                    rows[k] = r as u32;
                    k += 1;
                }
            }
            let rows = &rows[..k];
            for &r in rows {
                if let Some(row) = self.w.get(r as usize) {
                    std::hint::black_box(row[0]);
                }
            }
            let mut s16 = [0i16; 8];
            for &r in rows {
                if let Some(row) = self.w.get(r as usize) {
                    for c in 0..8 {
                        s16[c] += i16::from(row[c]);
                    }
                }
            }
            for c in 0..8 {
                s[c] += i32::from(s16[c]);
            }
        }
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
    /// A bare load of the row of every feature of `feats` (kept by
    /// [`std::hint::black_box`]): their cache misses start together.
    #[inline(always)]
    pub(super) fn touch(&self, feats: &[u64]) {
        for &f in feats {
            if let Some(row) = self.w.get((f & self.mask) as usize) {
                std::hint::black_box(row[0]);
            }
        }
    }

    /// Adds the row of every feature of `feats` into `s`.
    #[inline(always)]
    pub(super) fn add(&self, feats: &[u64], s: &mut [i16; 8]) {
        for &f in feats {
            if let Some(row) = self.w.get((f & self.mask) as usize) {
                for c in 0..8 {
                    s[c] += i16::from(row[c]);
                }
            }
        }
    }

    /// [`Scorer::best`] over the features `a` then `b` (the same sum in another order:
    /// integers, so the same tag), rows loaded bare first.
    #[inline]
    pub(super) fn best2(&self, a: &[u64], b: &[u64]) -> usize {
        if a.len() + b.len() > 256 {
            let all: Vec<u64> = a.iter().chain(b).copied().collect();
            return self.best(&all, &mut Vec::new());
        }
        // at most 256 features: |sum| <= 256 * 127 < 32767, exact in i16
        self.touch(a);
        self.touch(b);
        let mut s16 = [0i16; 8];
        self.add(a, &mut s16);
        self.add(b, &mut s16);
        let n = self.n.min(8);
        let mut best = 0;
        for c in 1..n {
            if s16[c] > s16[best] {
                best = c;
            }
        }
        best
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
        Ok(QTable { n, mask, scale, w })
    }

    pub(super) fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        let n = self.n;
        let rows = self.w.len();
        let nonzero: Vec<usize> = (0..rows)
            .filter(|&r| self.w.get(r).is_some_and(|x| x.iter().any(|&v| v != 0)))
            .collect();
        w.write_all(&(n as u32).to_le_bytes())?;
        w.write_all(&self.mask.to_le_bytes())?;
        w.write_all(&self.scale.to_le_bytes())?;
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
                .map(|&r| self.w.get(r).and_then(|x| x.get(c)).copied().unwrap_or(0) as u8)
                .collect();
            w.write_all(&col)?;
        }
        Ok(())
    }

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
        Ok(QTable { n, mask, scale, w })
    }
}

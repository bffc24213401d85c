//! Quantised hashed weight tables, read in place from model files.
//!
//! A hashed linear model keeps one row of `cols` weights per hash bucket (`2^bits` buckets;
//! a feature hash `f` falls in bucket `f & (2^bits − 1)`). Scoring adds the rows of a word's
//! features. A [`Table`] holds those rows as `f32`, `i16` or `i8` ([`Weight`]):
//!
//! * [`Layout::Dense`]: one row per bucket (row number = bucket): no index to consult, but
//!   every bucket costs a row.
//! * [`Layout::Sparse`]: only the non-zero rows, in bucket order, behind a rank index (one bit
//!   per bucket and, per 64 buckets, the number of rows before them: 16 bytes per 64 buckets,
//!   one cache line per lookup; a bucket's row is its group's base plus a `popcount`).
//!
//! Each row is padded to a power-of-two width that divides a 64-byte line (or to whole
//! lines), and the rows start on a line, so that a row touches the fewest cache lines (17
//! `i16` → 32, 7 `i8` → 8, 7 `f32` → 8). Padding is zeros and never added. A table can
//! instead be **packed** ([`Table::packed`]: rows of exactly `cols` weights, no padding): the
//! dense tables of a model that reads most of its rows at random (the parser) are then
//! smaller and miss the cache less often than the extra line a packed row sometimes straddles
//! costs (3 `i16` moves: 6 bytes, not 8; 51 `i16` labels: 102 bytes, not 128).
//!
//! The bytes are little-endian and stay where the model file put them ([`Bytes`]): a table
//! loaded from the bundled models is not copied. Sums ([`Table::sum_into`]) run in two
//! phases: every row number first and a bare load of each row, so that the cache misses of
//! independent rows overlap, then the additions, in the order of the features (for `f32`
//! the sums are then bit-identical to a loop over the features).
//!
//! Tables come from training ([`crate::train::Weights`]: `to_f32`, `quantise_i16`,
//! `quantise_i8`), from [`Table::build`], or from a file ([`Table::read`]).

use crate::blob::{Bytes, Meta, Reader, Writer};
use crate::error::{Error, Result};
use std::marker::PhantomData;

/// A weight type of a [`Table`]: `f32` (sums in `f32`), `i16` or `i8` (sums in `i32`).
pub trait Weight: Copy + Default + PartialEq + std::fmt::Debug + Send + Sync + 'static {
    /// Bytes per weight.
    const SIZE: usize;
    /// Code stored in files (0 `f32`, 1 `i16`, 2 `i8`).
    const KIND: u8;
    /// The type scores are summed in.
    type Acc: Copy + Default + std::ops::AddAssign + std::fmt::Debug;
    /// Reads a weight from the first `SIZE` bytes of `b` (0 when `b` is short).
    fn read(b: &[u8]) -> Self;
    /// Appends the weight's little-endian bytes.
    fn put(self, out: &mut Vec<u8>);
    fn acc(self) -> Self::Acc;
    fn to_f32(self) -> f32;
    /// Adds the little-endian weights of `bytes` into `out` (as many as both hold).
    fn add_le(out: &mut [Self::Acc], bytes: &[u8]);
}

impl Weight for f32 {
    const SIZE: usize = 4;
    const KIND: u8 = 0;
    type Acc = f32;
    #[inline(always)]
    fn read(b: &[u8]) -> f32 {
        b.first_chunk::<4>().map_or(0.0, |a| f32::from_le_bytes(*a))
    }
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    #[inline(always)]
    fn acc(self) -> f32 {
        self
    }
    fn to_f32(self) -> f32 {
        self
    }
    #[inline(always)]
    fn add_le(out: &mut [f32], bytes: &[u8]) {
        for (s, c) in out.iter_mut().zip(bytes.as_chunks::<4>().0) {
            *s += f32::from_le_bytes(*c);
        }
    }
}

impl Weight for i16 {
    const SIZE: usize = 2;
    const KIND: u8 = 1;
    type Acc = i32;
    #[inline(always)]
    fn read(b: &[u8]) -> i16 {
        b.first_chunk::<2>().map_or(0, |a| i16::from_le_bytes(*a))
    }
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    #[inline(always)]
    fn acc(self) -> i32 {
        i32::from(self)
    }
    fn to_f32(self) -> f32 {
        f32::from(self)
    }
    #[inline(always)]
    fn add_le(out: &mut [i32], bytes: &[u8]) {
        for (s, c) in out.iter_mut().zip(bytes.as_chunks::<2>().0) {
            *s += i32::from(i16::from_le_bytes(*c));
        }
    }
}

impl Weight for i8 {
    const SIZE: usize = 1;
    const KIND: u8 = 2;
    type Acc = i32;
    #[inline(always)]
    fn read(b: &[u8]) -> i8 {
        b.first().map_or(0, |&x| x as i8)
    }
    fn put(self, out: &mut Vec<u8>) {
        out.push(self as u8);
    }
    #[inline(always)]
    fn acc(self) -> i32 {
        i32::from(self)
    }
    fn to_f32(self) -> f32 {
        f32::from(self)
    }
    #[inline(always)]
    fn add_le(out: &mut [i32], bytes: &[u8]) {
        for (s, &c) in out.iter_mut().zip(bytes) {
            *s += i32::from(c as i8);
        }
    }
}

/// How a [`Table`] maps buckets to rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One row per bucket.
    Dense,
    /// Only non-zero rows, behind a rank index.
    Sparse,
}

/// The padded width (in weights) of a row of `cols` weights of `size` bytes.
fn padded_width(cols: usize, size: usize) -> usize {
    let per = 64 / size;
    if cols <= per {
        cols.max(1).next_power_of_two()
    } else {
        cols.div_ceil(per) * per
    }
}

/// Whether `width` is a row width a table of `cols` weights of `size` bytes may have: padded
/// or packed.
fn valid_width(cols: usize, width: usize, size: usize) -> bool {
    width == padded_width(cols, size) || width == cols
}

/// A hashed weight table (see the module doc). Cheap to clone (the bytes are shared).
#[derive(Clone)]
pub struct Table<T: Weight> {
    cols: usize,
    width: usize,
    bits: u32,
    mask: u64,
    scale: f32,
    layout: Layout,
    rows: usize,
    /// Sparse: per 64 buckets, (bits u64, rows before u64).
    index: Bytes,
    /// `rows × width` weights.
    data: Bytes,
    _t: PhantomData<T>,
}

impl<T: Weight> std::fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("cols", &self.cols)
            .field("bits", &self.bits)
            .field("layout", &self.layout)
            .field("rows", &self.rows)
            .finish()
    }
}

impl<T: Weight> Default for Table<T> {
    fn default() -> Self {
        Table::build(1, 0, Layout::Sparse, 1.0, |_, _| false)
    }
}

impl<T: Weight> Table<T> {
    /// Builds a table of `2^bits` buckets of `cols` weights: `row(bucket, out)` fills the
    /// bucket's row (`out` is zeroed, `cols` long) and says whether the bucket has one (for
    /// [`Layout::Sparse`], buckets without a row or whose row is all zeros are left out; for
    /// [`Layout::Dense`] they are zero rows). `scale`: stored weight ≈ real weight × `scale`
    /// (kept for the model's own use; sums do not apply it).
    pub fn build(
        cols: usize,
        bits: u32,
        layout: Layout,
        scale: f32,
        mut row: impl FnMut(usize, &mut [T]) -> bool,
    ) -> Table<T> {
        let cols = cols.max(1);
        let bits = bits.min(30);
        let buckets = 1usize << bits;
        let width = padded_width(cols, T::SIZE);
        let mut data: Vec<u8> = Vec::new();
        let mut index: Vec<u8> = Vec::new();
        let mut buf = vec![T::default(); cols];
        let mut rows = 0usize;
        let mut group_bits = 0u64;
        let mut group_base = 0u64;
        for b in 0..buckets {
            if layout == Layout::Sparse && b % 64 == 0 {
                group_bits = 0;
                group_base = rows as u64;
            }
            buf.iter_mut().for_each(|x| *x = T::default());
            let has = row(b, &mut buf) && buf.iter().any(|&x| x != T::default());
            if has || layout == Layout::Dense {
                for &x in &buf {
                    x.put(&mut data);
                }
                for _ in cols..width {
                    T::default().put(&mut data);
                }
                rows += 1;
                group_bits |= (has as u64) << (b % 64);
            }
            if layout == Layout::Sparse && (b % 64 == 63 || b + 1 == buckets) {
                index.extend_from_slice(&group_bits.to_le_bytes());
                index.extend_from_slice(&group_base.to_le_bytes());
            }
        }
        Table {
            cols,
            width,
            bits,
            mask: (buckets as u64) - 1,
            scale,
            layout,
            rows,
            index: Bytes::copy_of(&index),
            data: Bytes::copy_of(&data),
            _t: PhantomData,
        }
    }

    /// A table from dense rows `w[bucket * cols + col]` (`w.len() == cols << bits`).
    pub fn from_dense(cols: usize, bits: u32, layout: Layout, scale: f32, w: &[T]) -> Table<T> {
        let n = cols.max(1);
        Table::build(n, bits, layout, scale, |b, out| {
            match w.get(b * n..(b + 1) * n) {
                Some(r) => {
                    out.copy_from_slice(r);
                    true
                }
                None => false,
            }
        })
    }

    pub fn cols(&self) -> usize {
        self.cols
    }
    pub fn bits(&self) -> u32 {
        self.bits
    }
    pub fn scale(&self) -> f32 {
        self.scale
    }
    pub fn layout(&self) -> Layout {
        self.layout
    }
    /// Rows stored (for a dense table, `2^bits`).
    pub fn n_rows(&self) -> usize {
        self.rows
    }
    /// Rows with a non-zero weight.
    pub fn nonzero_rows(&self) -> usize {
        (0..self.rows)
            .filter(|&r| (0..self.cols).any(|c| self.weight(r, c) != T::default()))
            .count()
    }
    /// Whether rows are packed (exactly `cols` weights each, see [`Table::packed`]).
    pub fn is_packed(&self) -> bool {
        self.width == self.cols
    }

    /// The same table with packed rows: exactly `cols` weights per row, no padding (same
    /// layout, index and weights; a copy of the rows unless they are packed already).
    pub fn packed(&self) -> Table<T> {
        if self.is_packed() {
            return self.clone();
        }
        let n = self.cols * T::SIZE;
        let mut data = Vec::with_capacity(self.rows * n);
        for r in 0..self.rows {
            data.extend_from_slice(self.row_bytes(r).get(..n).unwrap_or(&[]));
        }
        Table {
            width: self.cols,
            data: Bytes::copy_of(&data),
            index: self.index.clone(),
            ..*self
        }
    }

    /// Bytes of rows and index.
    pub fn bytes(&self) -> usize {
        self.data.len() + self.index.len()
    }
    /// Whether the table borrows its bytes from static memory.
    pub fn is_borrowed(&self) -> bool {
        self.data.is_borrowed()
    }

    /// The row of feature hash `f`, if its bucket has one.
    #[inline(always)]
    pub fn row_of(&self, f: u64) -> Option<usize> {
        let b = (f & self.mask) as usize;
        match self.layout {
            Layout::Dense => Some(b),
            Layout::Sparse => {
                let g = self
                    .index
                    .as_slice()
                    .get((b >> 6) * 16..(b >> 6) * 16 + 16)?;
                let bits = u64::from_le_bytes(*g.first_chunk::<8>()?);
                let bit = 1u64 << (b & 63);
                if bits & bit == 0 {
                    return None;
                }
                let base = u64::from_le_bytes(*g.last_chunk::<8>()?) as usize;
                Some(base + (bits & (bit - 1)).count_ones() as usize)
            }
        }
    }

    /// The stored bytes of row `r` (`width × SIZE` bytes, padding if any included; empty
    /// when out of range).
    #[inline(always)]
    pub fn row_bytes(&self, r: usize) -> &[u8] {
        let w = self.width * T::SIZE;
        self.data
            .as_slice()
            .get(r.wrapping_mul(w)..r.wrapping_mul(w).wrapping_add(w))
            .unwrap_or(&[])
    }

    /// Weight `c` of row `r` (0 when out of range).
    #[inline(always)]
    pub fn weight(&self, r: usize, c: usize) -> T {
        if c >= self.cols {
            return T::default();
        }
        T::read(self.row_bytes(r).get(c * T::SIZE..).unwrap_or(&[]))
    }

    /// The weight of feature `f` in column `c` (0 when its bucket has no row).
    #[inline(always)]
    pub fn get(&self, f: u64, c: usize) -> T {
        self.row_of(f).map_or(T::default(), |r| self.weight(r, c))
    }

    /// A bare load of the first weight of each cache line of row `r` (kept by
    /// [`std::hint::black_box`]): a first pass of such loads over every row of a sum lets
    /// their cache misses start together. A prefetch without `unsafe`.
    #[inline(always)]
    pub fn touch(&self, r: usize) {
        let b = self.row_bytes(r);
        for l in b.chunks(64) {
            std::hint::black_box(l.first().copied());
        }
    }

    /// Adds row `r` (its first `cols` weights) into `out`.
    #[inline(always)]
    pub fn add_row(&self, r: usize, out: &mut [T::Acc]) {
        let b = self.row_bytes(r);
        T::add_le(out, b.get(..self.cols * T::SIZE).unwrap_or(&[]));
    }

    /// Adds into `out` the row of every feature of `feats` that has one, in order, in one
    /// pass (no separate loads first: for tables whose rows mostly stay in cache).
    #[inline]
    pub fn add_each(&self, feats: &[u64], out: &mut [T::Acc]) {
        match self.layout {
            Layout::Dense => {
                // Row number = bucket: no index, and the layout test out of the loop.
                let data = self.data.as_slice();
                let stride = self.width * T::SIZE;
                let n = self.cols * T::SIZE;
                for &f in feats {
                    let s = ((f & self.mask) as usize).wrapping_mul(stride);
                    if let Some(b) = data.get(s..s.wrapping_add(n)) {
                        T::add_le(out, b);
                    }
                }
            }
            Layout::Sparse => {
                for &f in feats {
                    if let Some(r) = self.row_of(f) {
                        self.add_row(r, out);
                    }
                }
            }
        }
    }

    /// Adds into `out` the row of every feature of `feats` that has one, in the order of
    /// `feats`: in chunks of 32, first every row number and a bare load of each row, then
    /// the sums.
    #[inline]
    pub fn sum_into(&self, feats: &[u64], out: &mut [T::Acc]) {
        for chunk in feats.chunks(32) {
            let mut rows = [0usize; 32];
            let mut k = 0;
            for &f in chunk {
                if let Some(r) = self.row_of(f) {
                    rows[k] = r;
                    k += 1;
                }
            }
            let rows = rows.get(..k).unwrap_or(&[]);
            for &r in rows {
                self.touch(r);
            }
            for &r in rows {
                self.add_row(r, out);
            }
        }
    }

    /// Column `c` as a dense one-column table (a model that ranks with one class only reads
    /// `1/cols` of the bytes, which then stay in cache).
    pub fn column(&self, c: usize) -> Table<T> {
        let n = 1usize << self.bits;
        let mut w = vec![T::default(); n];
        for (b, x) in w.iter_mut().enumerate() {
            *x = self.get(b as u64, c);
        }
        Table::from_dense(1, self.bits, Layout::Dense, self.scale, &w)
    }

    /// The rows as `(bucket, weights)` pairs, in bucket order (zero rows of a dense table
    /// included).
    pub fn rows(&self) -> impl Iterator<Item = (usize, Vec<T>)> + '_ {
        (0..1usize << self.bits).filter_map(move |b| {
            let r = self.row_of(b as u64)?;
            Some((b, (0..self.cols).map(|c| self.weight(r, c)).collect()))
        })
    }

    /// Writes the table as three blocks (shape, index, rows).
    pub fn write(&self, w: &mut Writer) {
        let mut m = Meta::default();
        m.u8(T::KIND)
            .u8(matches!(self.layout, Layout::Sparse) as u8)
            .u32(self.cols as u32)
            .u32(self.width as u32)
            .u32(self.bits)
            .f32(self.scale)
            .u64(self.rows as u64);
        w.block(m);
        w.block(self.index.as_slice().to_vec());
        w.block(self.data.as_slice().to_vec());
    }

    /// Reads a table written by [`Table::write`] (no copy when the reader's bytes are
    /// static), checking its shape against the blocks' lengths and its index.
    pub fn read(r: &mut Reader) -> Result<Table<T>> {
        let mut m = r.meta()?;
        let kind = m.u8()?;
        if kind != T::KIND {
            return Err(Error::corrupt(format!(
                "weight table of kind {kind}, expected {}",
                T::KIND
            )));
        }
        let layout = if m.u8()? == 1 {
            Layout::Sparse
        } else {
            Layout::Dense
        };
        let cols = m.u32()? as usize;
        let width = m.u32()? as usize;
        let bits = m.u32()?;
        let scale = m.f32()?;
        let rows = m.u64()? as usize;
        let index = r.block()?;
        let data = r.block()?;
        let bad = |w: &str| Err(Error::corrupt(format!("weight table: {w}")));
        if cols == 0 || cols > 1 << 16 || bits > 30 || !valid_width(cols, width, T::SIZE) {
            return bad("shape");
        }
        let buckets = 1usize << bits;
        if rows.checked_mul(width * T::SIZE) != Some(data.len()) {
            return bad("row bytes");
        }
        match layout {
            Layout::Dense => {
                if rows != buckets || !index.is_empty() {
                    return bad("dense rows");
                }
            }
            Layout::Sparse => {
                if index.len() != buckets.div_ceil(64) * 16 {
                    return bad("index length");
                }
                let mut next = 0u64;
                for g in index.as_slice().chunks_exact(16) {
                    let (Some(b), Some(base)) = (g.first_chunk::<8>(), g.last_chunk::<8>()) else {
                        return bad("index");
                    };
                    if u64::from_le_bytes(*base) != next {
                        return bad("index ranks");
                    }
                    next += u64::from_le_bytes(*b).count_ones() as u64;
                }
                if next != rows as u64 {
                    return bad("index row count");
                }
            }
        }
        Ok(Table {
            cols,
            width,
            bits,
            mask: (buckets as u64) - 1,
            scale,
            layout,
            rows,
            index,
            data,
            _t: PhantomData,
        })
    }
}

impl Table<i16> {
    /// The mean of tables of one shape trained under different seeds (a "weight soup": for
    /// linear models over one feature map, the mean of their scores). Each part's weights are
    /// on its own scale (largest = 32000); they are averaged as they are (`Σ w / k`, parts in
    /// order) and re-quantised to 32000; parts of another shape are ignored. Rows whose
    /// largest quantised weight is at most `prune` are dropped (sparse) or zeroed (dense).
    pub fn soup(parts: &[&Table<i16>], layout: Layout, prune: i16) -> Table<i16> {
        let Some(first) = parts.first() else {
            return Table::default();
        };
        let same: Vec<&Table<i16>> = parts
            .iter()
            .filter(|p| p.cols == first.cols && p.bits == first.bits)
            .copied()
            .collect();
        let k = same.len().max(1) as f32;
        let n = first.cols;
        let mut avg = vec![0f32; n << first.bits];
        for p in &same {
            for (b, row) in p.rows() {
                if let Some(a) = avg.get_mut(b * n..(b + 1) * n) {
                    for (x, &w) in a.iter_mut().zip(&row) {
                        *x += w as f32 / k;
                    }
                }
            }
        }
        crate::train::Weights {
            cols: n,
            bits: first.bits,
            w: avg,
        }
        .quantise_i16(layout, prune)
    }
}

impl Table<i8> {
    /// For a table of 8-wide `i8` rows (up to 8 classes): the sum of the rows of the features
    /// of `a` then `b` in 8 lanes. Every row is loaded bare first; the sums run in `i16`
    /// lanes (one 128-bit add per feature) 256 features at a time, where `|sum| ≤ 256 × 128`
    /// cannot overflow, then in `i32`: the same integers as a plain `i32` loop.
    #[inline]
    pub fn sum8(&self, a: &[u64], b: &[u64]) -> [i32; 8] {
        let mut s = [0i32; 8];
        if self.width != 8 {
            let mut v = vec![0i32; self.cols];
            self.sum_into(a, &mut v);
            self.sum_into(b, &mut v);
            for (x, y) in s.iter_mut().zip(v) {
                *x = y;
            }
            return s;
        }
        let mut rows = [0usize; 256];
        let mut k = 0;
        let flush = |rows: &[usize], s: &mut [i32; 8]| {
            for &r in rows {
                self.touch(r);
            }
            let mut s16 = [0i16; 8];
            for &r in rows {
                if let Some(row) = self.row_bytes(r).first_chunk::<8>() {
                    for c in 0..8 {
                        s16[c] += i16::from(row[c] as i8);
                    }
                }
            }
            for c in 0..8 {
                s[c] += i32::from(s16[c]);
            }
        };
        for &f in a.iter().chain(b) {
            if let Some(r) = self.row_of(f) {
                rows[k] = r;
                k += 1;
                if k == rows.len() {
                    flush(&rows, &mut s);
                    k = 0;
                }
            }
        }
        flush(rows.get(..k).unwrap_or(&[]), &mut s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip<T: Weight>(t: &Table<T>) -> Table<T> {
        let mut w = Writer::new(b"CTTEST\0\0", 1);
        t.write(&mut w);
        let file = w.finish();
        let mut r = Reader::open(Bytes::copy_of(&file), b"CTTEST\0\0", 1).unwrap();
        Table::read(&mut r).unwrap()
    }

    #[test]
    fn tables_add_what_they_hold() {
        for cols in [1usize, 3, 7, 17, 33, 51] {
            let bits = 8;
            let w: Vec<i16> = (0..cols << bits)
                .map(|i| {
                    if (i / cols) % 3 == 0 {
                        (i % 97) as i16 - 40
                    } else {
                        0
                    }
                })
                .collect();
            for layout in [Layout::Dense, Layout::Sparse] {
                let t = roundtrip(&Table::from_dense(cols, bits, layout, 1.0, &w));
                let feats = [5u64 | 0x300, 6, 9, 255, 3, 3];
                let mut out = vec![0i32; cols];
                t.sum_into(&feats, &mut out);
                for c in 0..cols {
                    let want: i32 = feats
                        .iter()
                        .map(|&f| w[(f & 255) as usize * cols + c] as i32)
                        .sum();
                    assert_eq!(out[c], want, "cols {cols} {layout:?}");
                }
                if layout == Layout::Sparse {
                    assert_eq!(t.n_rows(), t.nonzero_rows());
                }
            }
        }
        let f: Vec<f32> = (0..7 * 16).map(|i| i as f32 * 0.25 - 3.0).collect();
        let t = roundtrip(&Table::from_dense(7, 4, Layout::Sparse, 1.0, &f));
        let mut out = vec![0f32; 7];
        t.sum_into(&[2, 18], &mut out);
        for c in 0..7 {
            assert_eq!(out[c], f[14 + c] + f[14 + c]);
        }
        let q: Vec<i8> = (0..7 * 16).map(|i| (i % 11) as i8 - 5).collect();
        let t = roundtrip(&Table::from_dense(7, 4, Layout::Dense, 1.0, &q));
        let s = t.sum8(&[1, 2], &[3]);
        for c in 0..7 {
            assert_eq!(s[c], (q[7 + c] + q[14 + c] + q[21 + c]) as i32);
        }
        let col = t.column(2);
        assert_eq!(col.get(3, 0), q[21 + 2]);
        assert!(Table::<i16>::default().row_of(7).is_none());
    }

    #[test]
    fn packed_tables_add_what_padded_ones_add() {
        for cols in [1usize, 3, 7, 17, 51] {
            let bits = 7;
            let w: Vec<i16> = (0..cols << bits)
                .map(|i| {
                    if (i / cols) % 4 == 1 {
                        0
                    } else {
                        (i % 89) as i16 - 44
                    }
                })
                .collect();
            for layout in [Layout::Dense, Layout::Sparse] {
                let t = Table::from_dense(cols, bits, layout, 0.5, &w);
                let p = roundtrip(&t.packed());
                assert!(p.is_packed() && p.packed().is_packed());
                assert_eq!(p.n_rows(), t.n_rows());
                assert_eq!(p.scale(), 0.5);
                assert_eq!(p.bytes(), t.bytes() - t.n_rows() * (t.width - cols) * 2);
                let feats = [1u64, 5, 127, 128 + 5, 64, 3, 3];
                let (mut a, mut b, mut c) = (vec![0i32; cols], vec![0i32; cols], vec![0; cols]);
                t.add_each(&feats, &mut a);
                p.add_each(&feats, &mut b);
                p.sum_into(&feats, &mut c);
                assert_eq!(a, b, "cols {cols} {layout:?}");
                assert_eq!(a, c, "cols {cols} {layout:?}");
                assert!(p.rows().eq(t.rows()));
            }
        }
    }

    #[test]
    fn damaged_tables_are_refused() {
        let w: Vec<i16> = (0..4 * 64).map(|i| i as i16 % 5).collect();
        let t = Table::from_dense(4, 6, Layout::Sparse, 1.0, &w);
        let mut wr = Writer::new(b"CTTEST\0\0", 1);
        t.write(&mut wr);
        let file = wr.finish();
        let r = Reader::open(Bytes::copy_of(&file), b"CTTEST\0\0", 1);
        assert!(Table::<f32>::read(&mut r.unwrap()).is_err());
    }
}

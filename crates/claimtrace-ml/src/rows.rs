//! Weight rows laid out on cache lines, for scoring.
//!
//! A hashed linear model adds one row of class weights per feature, and nearly every row it
//! reads is a cache miss: what costs is the number of 64-byte lines a row touches. Rows stored
//! back to back (17 × `i16` = 34 bytes, 7 × `f32` = 28 bytes, 51 × `i16` = 102 bytes) straddle
//! line boundaries: a 34-byte row touches 1.5 lines on average, a 102-byte row 2.6. Here each
//! row is padded to a power-of-two width that divides a line (or to whole lines), in
//! line-aligned storage, so a row touches the fewest lines possible (one for up to 32 `i16` or
//! 16 `f32`). The padding is zeros and is never added, so sums are those of the unpadded rows.

use crate::rank::RankIndex;

macro_rules! line_rows {
    ($name:ident, $line:ident, $t:ty, $acc:ty, $per:expr) => {
        #[derive(Debug, Clone, Copy)]
        #[repr(C, align(64))]
        struct $line([$t; $per]);

        /// Rows of `cols` weights, each padded to a power-of-two width dividing a 64-byte
        /// line or to whole lines, in line-aligned storage.
        #[derive(Debug, Clone, Default)]
        pub struct $name {
            lines: Vec<$line>,
            cols: usize,
            /// Padded row width in elements.
            width: usize,
        }

        impl $name {
            /// Copies `rows` rows of `cols` weights from `src(r)` (rows shorter than `cols`
            /// are padded with zeros).
            pub fn build<'a>(cols: usize, rows: usize, src: impl Fn(usize) -> &'a [$t]) -> Self {
                let per: usize = $per;
                let width = if cols <= per {
                    cols.max(1).next_power_of_two()
                } else {
                    cols.div_ceil(per) * per
                };
                let n_lines = (rows * width).div_ceil(per);
                let mut lines = vec![$line([<$t>::default(); $per]); n_lines];
                for r in 0..rows {
                    for (c, &x) in src(r).iter().take(cols).enumerate() {
                        let e = r * width + c;
                        if let Some(slot) =
                            lines.get_mut(e / per).and_then(|l| l.0.get_mut(e % per))
                        {
                            *slot = x;
                        }
                    }
                }
                $name { lines, cols, width }
            }

            /// Loads the first weight of each line of row `r` (kept by
            /// [`std::hint::black_box`]): a first pass of bare loads over all rows of a sum
            /// lets their cache misses start together; in a loop that also does the sums, the
            /// out-of-order window holds only a few rows, so the misses of later rows start
            /// late. A prefetch without `unsafe`.
            #[inline(always)]
            pub fn touch(&self, r: usize) {
                let per: usize = $per;
                let k = self.width.div_ceil(per);
                let first = r * self.width / per;
                for l in self.lines.get(first..first + k).unwrap_or(&[]) {
                    std::hint::black_box(l.0[0]);
                }
            }

            /// Adds into `out` the row of every feature of `feats` that `index` maps to a
            /// row (features without a row add nothing), in the order of `feats`. In chunks
            /// of 32: first every row number, then bare loads of the rows ([`Self::touch`],
            /// so that the cache misses of independent lookups overlap), then the sums.
            #[inline]
            pub fn sum_into(&self, index: &RankIndex, feats: &[u64], out: &mut [$acc]) {
                for chunk in feats.chunks(32) {
                    let mut rows = [0usize; 32];
                    let mut k = 0;
                    for &f in chunk {
                        if let Some(r) = index.row(f) {
                            rows[k] = r;
                            k += 1;
                        }
                    }
                    for &r in &rows[..k] {
                        self.touch(r);
                    }
                    for &r in &rows[..k] {
                        self.add_to(r, out);
                    }
                }
            }

            /// Number of weights per row.
            pub fn cols(&self) -> usize {
                self.cols
            }

            /// Adds row `r` into `out` (its first `cols` entries).
            #[inline(always)]
            pub fn add_to(&self, r: usize, out: &mut [$acc]) {
                let per: usize = $per;
                if self.width <= per {
                    let e = r * self.width;
                    if let Some(row) = self
                        .lines
                        .get(e / per)
                        .and_then(|l| l.0.get(e % per..e % per + self.cols))
                    {
                        for (s, &x) in out.iter_mut().zip(row) {
                            *s += <$acc>::from(x);
                        }
                    }
                } else {
                    let k = self.width / per;
                    let Some(ls) = self.lines.get(r * k..r * k + k) else {
                        return;
                    };
                    for (j, l) in ls.iter().enumerate() {
                        let c0 = j * per;
                        let c1 = self.cols.min(c0 + per);
                        if let Some(o) = out.get_mut(c0..c1) {
                            for (s, &x) in o.iter_mut().zip(&l.0) {
                                *s += <$acc>::from(x);
                            }
                        }
                    }
                }
            }
        }
    };
}

line_rows!(RowsI16, LineI16, i16, i32, 32);
line_rows!(RowsF32, LineF32, f32, f32, 16);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_add_what_they_hold() {
        for cols in [1usize, 3, 7, 17, 32, 33, 51, 84] {
            let data: Vec<i16> = (0..cols * 5).map(|i| i as i16 - 40).collect();
            let r = RowsI16::build(cols, 5, |i| &data[i * cols..(i + 1) * cols]);
            for i in 0..5 {
                let mut out = vec![1i32; cols];
                r.add_to(i, &mut out);
                for c in 0..cols {
                    assert_eq!(out[c], 1 + data[i * cols + c] as i32, "cols {cols} row {i}");
                }
            }
            let f: Vec<f32> = data.iter().map(|&x| x as f32 * 0.5).collect();
            let r = RowsF32::build(cols, 5, |i| &f[i * cols..(i + 1) * cols]);
            let mut out = vec![0f32; cols];
            r.add_to(4, &mut out);
            assert_eq!(out, f[4 * cols..5 * cols].to_vec());
        }
    }
}

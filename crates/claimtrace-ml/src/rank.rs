//! A compact bucket → row index for sparse hashed weight tables.
//!
//! A hashed table of `2^bits` buckets whose non-zero rows are stored packed, in bucket order,
//! needs a map from a bucket to its row number. A `u32` per bucket costs 4 MB for `2^20`
//! buckets, and every lookup misses the cache on it before it misses on the row. Here one bit
//! per bucket says whether the bucket has a row, and each group of 64 buckets stores the rank
//! (row number) of its first row: 16 bytes per 64 buckets (256 KB for `2^20`), one cache line
//! per lookup, small enough to stay in a core's L2 next to the rows themselves. The row number
//! of a bucket is its group's rank plus the set bits below it (one `popcount`).

/// One group of 64 buckets (16 bytes, aligned so that it never straddles a cache line).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(16))]
struct Group {
    bits: u64,
    base: u32,
}

/// Which buckets have rows, and each bucket's row number (rows in bucket order).
#[derive(Debug, Clone, Default)]
pub struct RankIndex {
    groups: Vec<Group>,
    mask: u64,
    rows: usize,
}

impl RankIndex {
    /// The index of a table of `2^bits` buckets where `has_row(b)` tells whether bucket `b`
    /// has a row; rows are numbered in increasing bucket order.
    pub fn build(bits: u32, has_row: impl Fn(usize) -> bool) -> RankIndex {
        let n = 1usize << bits;
        let mut groups = vec![Group::default(); n.div_ceil(64)];
        let mut rows = 0usize;
        for (g, grp) in groups.iter_mut().enumerate() {
            grp.base = rows as u32;
            for k in 0..64 {
                let b = g * 64 + k;
                if b < n && has_row(b) {
                    grp.bits |= 1u64 << k;
                    rows += 1;
                }
            }
        }
        RankIndex {
            groups,
            mask: (n as u64).wrapping_sub(1),
            rows,
        }
    }

    /// The row of the bucket `f & mask` (`f` is a feature hash), if it has one.
    #[inline(always)]
    pub fn row(&self, f: u64) -> Option<usize> {
        let b = (f & self.mask) as usize;
        let g = self.groups.get(b >> 6)?;
        let bit = 1u64 << (b & 63);
        if g.bits & bit == 0 {
            None
        } else {
            Some(g.base as usize + (g.bits & (bit - 1)).count_ones() as usize)
        }
    }

    /// Number of rows (buckets that have one).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Bytes of the index.
    pub fn bytes(&self) -> usize {
        self.groups.len() * std::mem::size_of::<Group>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_bucket_order() {
        let has = |b: usize| b.is_multiple_of(3) || b == 200;
        let r = RankIndex::build(8, has);
        let mut next = 0;
        for b in 0..256usize {
            if has(b) {
                assert_eq!(r.row(b as u64 | 0xff00), Some(next), "bucket {b}");
                next += 1;
            } else {
                assert_eq!(r.row(b as u64), None);
            }
        }
        assert_eq!(r.rows(), next);
        assert_eq!(RankIndex::default().row(5), None);
        assert_eq!(std::mem::size_of::<Group>(), 16);
    }
}

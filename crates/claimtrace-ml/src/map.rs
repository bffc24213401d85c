//! A frozen hash map from `u64` keys (feature or word hashes) to `u64` values, read in place
//! from a model file: open addressing with linear probing, built once at training time.
//!
//! Lexicons that a model used to rebuild into a `HashMap` at every load (word → tag mask,
//! name-list entries, word statistics) are stored this way: loading is free, a lookup is one
//! or two probes in a 16-byte slot array (key, value). Values wider than 64 bits go in a side
//! block, the map holding their offset and length.

use crate::blob::{Bytes, Meta, Reader, Writer};
use crate::error::{Error, Result};

/// Slot key of an empty slot (a real key equal to it is kept aside: see `zero`).
const EMPTY: u64 = 0;

#[inline(always)]
fn home(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
}

/// See the module doc. Cheap to clone.
#[derive(Clone, Default)]
pub struct U64Map {
    bits: u32,
    len: usize,
    /// The value of key 0, if present.
    zero: Option<u64>,
    slots: Bytes,
}

impl std::fmt::Debug for U64Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "U64Map({} keys)", self.len)
    }
}

impl U64Map {
    /// A map of `entries` (a later duplicate key replaces an earlier one), at most half full.
    pub fn build(entries: impl IntoIterator<Item = (u64, u64)>) -> U64Map {
        let mut all: Vec<(u64, u64)> = entries.into_iter().collect();
        // Keep the last value of each key, in a deterministic order.
        all.reverse();
        let mut seen = std::collections::HashSet::new();
        all.retain(|&(k, _)| seen.insert(k));
        all.sort_unstable_by_key(|&(k, _)| k);
        let mut zero = None;
        let n = all.len();
        let bits = (n.max(1) * 2).next_power_of_two().trailing_zeros().max(1);
        let cap = 1usize << bits;
        let mut slots = vec![(EMPTY, 0u64); cap];
        for (k, v) in all {
            if k == EMPTY {
                zero = Some(v);
                continue;
            }
            let mut i = home(k, bits);
            while slots[i].0 != EMPTY {
                i = (i + 1) & (cap - 1);
            }
            slots[i] = (k, v);
        }
        let mut bytes = Vec::with_capacity(cap * 16);
        for (k, v) in slots {
            bytes.extend_from_slice(&k.to_le_bytes());
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        U64Map {
            bits,
            len: n,
            zero,
            slots: Bytes::copy_of(&bytes),
        }
    }

    /// The value of `key`.
    #[inline]
    pub fn get(&self, key: u64) -> Option<u64> {
        if key == EMPTY {
            return self.zero;
        }
        if self.bits == 0 {
            return None;
        }
        let s = self.slots.as_slice();
        let cap = 1usize << self.bits;
        let mut i = home(key, self.bits);
        for _ in 0..cap {
            let e = s.get(i * 16..i * 16 + 16)?;
            let k = u64::from_le_bytes(*e.first_chunk::<8>()?);
            if k == key {
                return Some(u64::from_le_bytes(*e.last_chunk::<8>()?));
            }
            if k == EMPTY {
                return None;
            }
            i = (i + 1) & (cap - 1);
        }
        None
    }

    pub fn contains_key(&self, key: u64) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every (key, value), in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let s = self.slots.as_slice();
        self.zero.map(|v| (EMPTY, v)).into_iter().chain(
            s.chunks_exact(16)
                .filter_map(|e| {
                    Some((
                        u64::from_le_bytes(*e.first_chunk::<8>()?),
                        u64::from_le_bytes(*e.last_chunk::<8>()?),
                    ))
                })
                .filter(|&(k, _)| k != EMPTY),
        )
    }

    /// Writes the map as two blocks (shape, slots).
    pub fn write(&self, w: &mut Writer) {
        let mut m = Meta::default();
        m.u32(self.bits)
            .u64(self.len as u64)
            .u8(self.zero.is_some() as u8)
            .u64(self.zero.unwrap_or(0));
        w.block(m);
        w.block(self.slots.as_slice().to_vec());
    }

    /// Reads a map written by [`U64Map::write`] (in place when the reader's bytes are static).
    pub fn read(r: &mut Reader) -> Result<U64Map> {
        let mut m = r.meta()?;
        let bits = m.u32()?;
        let len = m.u64()? as usize;
        let has_zero = m.u8()? == 1;
        let zv = m.u64()?;
        let slots = r.block()?;
        if !(1..=40).contains(&bits) || slots.len() != 16usize << bits || len > 8usize << bits {
            return Err(Error::corrupt("hash map shape"));
        }
        // At least one empty slot, or a missing key would probe forever (bounded anyway).
        Ok(U64Map {
            bits,
            len,
            zero: has_zero.then_some(zv),
            slots,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_holds() {
        let m = U64Map::build((0..1000u64).map(|i| (i.wrapping_mul(0x1234_5678_9abc_def1), i)));
        for i in 0..1000u64 {
            assert_eq!(m.get(i.wrapping_mul(0x1234_5678_9abc_def1)), Some(i));
        }
        assert_eq!(m.get(0), Some(0));
        assert_eq!(m.get(17), None);
        assert_eq!(m.len(), 1000);
        assert_eq!(m.iter().count(), 1000);
        let mut w = Writer::new(b"CTTEST\0\0", 1);
        m.write(&mut w);
        let f = w.finish();
        let mut r = Reader::open(Bytes::copy_of(&f), b"CTTEST\0\0", 1).unwrap();
        let m2 = U64Map::read(&mut r).unwrap();
        assert_eq!(m2.get(5u64.wrapping_mul(0x1234_5678_9abc_def1)), Some(5));
        let d = U64Map::build([(5, 1), (5, 2)]);
        assert_eq!(d.get(5), Some(2));
        assert_eq!(U64Map::default().get(3), None);
    }
}

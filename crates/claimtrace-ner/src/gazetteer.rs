//! Name lists (gazetteers) matched over token sequences.
//!
//! Each entry is split into lowercase tokens; an entry of n tokens is stored as the chained hash
//! of its token hashes, mapped to a bit set of list categories. Matching a sentence costs at most
//! `max_len` hash-map probes per token, with the token hashes computed once.

use claimtrace_ml::blob::{Meta, Reader, Writer};
use claimtrace_ml::hash::mix;
use claimtrace_ml::map::U64Map;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

/// List categories. The order is part of the model format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Cat {
    Place = 0,
    Country = 1,
    Admin1 = 2,
    First = 3,
    Last = 4,
    OrgSuffix = 5,
    OrgKnown = 6,
    Title = 7,
    Demonym = 8,
    OrgWord = 9,
    /// Heads of geographic names ("River", "Lake", "Mountains"): a name ending in one is LOC.
    Geo = 10,
}

pub const N_CATS: usize = 11;

impl Cat {
    pub const ALL: [Cat; N_CATS] = [
        Cat::Place,
        Cat::Country,
        Cat::Admin1,
        Cat::First,
        Cat::Last,
        Cat::OrgSuffix,
        Cat::OrgKnown,
        Cat::Title,
        Cat::Demonym,
        Cat::OrgWord,
        Cat::Geo,
    ];

    /// The list file name (without `.txt`) under `lang/<lang>/names/` (or `lang/mul/names/`).
    pub fn file(self) -> &'static str {
        match self {
            Cat::Place => "places",
            Cat::Country => "countries",
            Cat::Admin1 => "admin1",
            Cat::First => "first",
            Cat::Last => "last",
            Cat::OrgSuffix => "org_suffix",
            Cat::OrgKnown => "orgs_known",
            Cat::Title => "person_titles",
            Cat::Demonym => "demonyms",
            Cat::OrgWord => "org_words",
            Cat::Geo => "geo_heads",
        }
    }

    pub fn from_u8(x: u8) -> Option<Cat> {
        Cat::ALL.get(x as usize).copied()
    }
}

/// Position of a token in a match: bits `cat * 4 + pos`.
pub const B: u32 = 0;
pub const I: u32 = 1;
pub const L: u32 = 2;
pub const U: u32 = 3;

#[inline]
pub fn bit(cat: Cat, pos: u32) -> u64 {
    1u64 << (cat as u32 * 4 + pos)
}

/// Hash of one lowercase token.
#[inline]
pub fn tok_hash(lower: &str) -> u64 {
    xxh3_64(lower.as_bytes())
}

#[inline]
fn chain(h: u64, next: u64) -> u64 {
    mix(h, next)
}

/// Splits a list entry into lowercase tokens roughly as UD tokenisers do: on whitespace, with
/// commas, parentheses and a final possessive `'s` split off.
pub fn entry_tokens(entry: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in entry.split_whitespace() {
        let w = w.to_lowercase();
        let w = w.trim_matches(|c| c == '(' || c == ')');
        let (w, comma) = match w.strip_suffix(',') {
            Some(x) => (x, true),
            None => (w, false),
        };
        if let Some(stem) = w.strip_suffix("'s").filter(|s| !s.is_empty()) {
            out.push(stem.to_string());
            out.push("'s".to_string());
        } else if !w.is_empty() {
            out.push(w.to_string());
        }
        if comma {
            out.push(",".to_string());
        }
    }
    out
}

/// The entries' chained hashes → category bits, frozen (stored in the model file and read in
/// place: see [`Gazetteer::write`]).
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    map: U64Map,
    max_len: usize,
}

#[derive(Default)]
struct Builder {
    map: FxHashMap<u64, u16>,
    max_len: usize,
}

impl Gazetteer {
    /// Builds from `(category, list text)` pairs; list text has one entry a line, `#` comments.
    pub fn build(lists: &[(Cat, String)]) -> Gazetteer {
        let mut g = Builder::default();
        for (cat, text) in lists {
            for line in text.lines() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                g.insert(*cat, line);
                // Hyphenated entries also as split tokens ("Winston - Salem").
                if line.contains('-') {
                    g.insert(*cat, &line.replace('-', " - "));
                }
            }
        }
        Gazetteer {
            map: U64Map::build(g.map.into_iter().map(|(k, v)| (k, v as u64))),
            max_len: g.max_len,
        }
    }

    /// Writes the frozen map (three blocks).
    pub fn write(&self, w: &mut Writer) {
        let mut m = Meta::default();
        m.u32(self.max_len as u32);
        w.block(m);
        self.map.write(w);
    }

    /// Reads what [`Gazetteer::write`] wrote (in place).
    pub fn read(r: &mut Reader) -> claimtrace_ml::Result<Gazetteer> {
        let max_len = r.meta()?.count(64)?;
        Ok(Gazetteer {
            map: U64Map::read(r)?,
            max_len,
        })
    }

    #[inline]
    fn flags(&self, h: u64) -> Option<u16> {
        self.map.get(h).map(|v| v as u16)
    }
}

impl Builder {
    fn insert(&mut self, cat: Cat, entry: &str) {
        let toks = entry_tokens(entry);
        if toks.is_empty() || toks.len() > 8 {
            return;
        }
        let mut h = 0u64;
        for (i, t) in toks.iter().enumerate() {
            h = if i == 0 {
                tok_hash(t)
            } else {
                chain(h, tok_hash(t))
            };
        }
        *self.map.entry(h).or_insert(0) |= 1 << cat as u16;
        self.max_len = self.max_len.max(toks.len());
    }
}

impl Gazetteer {
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Whether the lowercase token sequence is an entry of `cat`.
    pub fn contains(&self, cat: Cat, lower_tokens: &[&str]) -> bool {
        let mut h = 0u64;
        for (i, t) in lower_tokens.iter().enumerate() {
            h = if i == 0 {
                tok_hash(t)
            } else {
                chain(h, tok_hash(t))
            };
        }
        !lower_tokens.is_empty() && self.flags(h).is_some_and(|f| f & (1 << cat as u16) != 0)
    }

    /// Whether the token sequence (as [`tok_hash`]es) is an entry of `cat`.
    pub fn contains_hashes(&self, cat: Cat, hashes: &[u64]) -> bool {
        let mut h = 0u64;
        for (i, t) in hashes.iter().enumerate() {
            h = if i == 0 { *t } else { chain(h, *t) };
        }
        !hashes.is_empty() && self.flags(h).is_some_and(|f| f & (1 << cat as u16) != 0)
    }

    /// For each token, the bits `cat*4 + {B,I,L,U}` of the longest left-to-right matches of
    /// every category. `hashes` are [`tok_hash`] of the lowercase tokens; `out` is cleared.
    /// `scratch` is reused between calls.
    pub fn mark(&self, hashes: &[u64], out: &mut Vec<u64>, scratch: &mut Vec<u8>) {
        let n = hashes.len();
        out.clear();
        out.resize(n, 0);
        scratch.clear();
        scratch.resize(n * N_CATS, 0);
        for i in 0..n {
            let mut h = 0u64;
            for len in 1..=self.max_len.min(n - i) {
                let t = hashes[i + len - 1];
                h = if len == 1 { t } else { chain(h, t) };
                if let Some(flags) = self.flags(h) {
                    for c in 0..N_CATS {
                        if flags & (1 << c) != 0 {
                            scratch[i * N_CATS + c] = len as u8;
                        }
                    }
                }
            }
        }
        for c in 0..N_CATS {
            let cat = Cat::ALL[c];
            let mut i = 0;
            while i < n {
                let len = scratch[i * N_CATS + c] as usize;
                if len == 0 {
                    i += 1;
                    continue;
                }
                if len == 1 {
                    out[i] |= bit(cat, U);
                } else {
                    out[i] |= bit(cat, B);
                    for o in out.iter_mut().take(i + len - 1).skip(i + 1) {
                        *o |= bit(cat, I);
                    }
                    out[i + len - 1] |= bit(cat, L);
                }
                i += len;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_longest_matches() {
        let g = Gazetteer::build(&[
            (Cat::Place, "New York\nYork\nSt. John's\n".to_string()),
            (Cat::First, "John".to_string()),
        ]);
        let toks = ["in", "new", "york", "john", "st.", "john", "'s"];
        let h: Vec<u64> = toks.iter().map(|t| tok_hash(t)).collect();
        let mut out = Vec::new();
        let mut s = Vec::new();
        g.mark(&h, &mut out, &mut s);
        assert_eq!(out[0], 0);
        assert_eq!(out[1], bit(Cat::Place, B));
        assert_eq!(out[2], bit(Cat::Place, L));
        assert_eq!(out[3], bit(Cat::First, U));
        assert_eq!(out[4], bit(Cat::Place, B));
        assert_eq!(out[5], bit(Cat::Place, I) | bit(Cat::First, U));
        assert!(g.contains(Cat::Place, &["york"]));
        g.mark(&[], &mut out, &mut s);
        assert!(out.is_empty());
    }
}

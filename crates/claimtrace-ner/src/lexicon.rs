//! Word statistics from unlabelled (for NER) text: how often a word is tagged `PROPN` in a UD
//! treebank and how often it is capitalised away from the start of a sentence. They tell a
//! capitalised common word ("The", "Apple pie") from a name, and catch lowercased names in web
//! text ("tampa"). Stored in the model as text lines `word \t propn \t cap \t freq`.

use claimtrace_ml::blob::{Meta, Reader, Writer};
use claimtrace_ml::map::U64Map;
use rustc_hash::FxHashMap;

#[derive(Debug, Clone, Default)]
pub struct WordStats {
    /// lowercase-word hash → packed code (propn bucket, cap bucket, freq bucket), each 0..8;
    /// frozen (read in place from the model file).
    map: U64Map,
    text: String,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    total: u32,
    propn: u32,
    nonfirst: u32,
    cap_nonfirst: u32,
}

fn bucket(num: u32, den: u32) -> u8 {
    if den == 0 {
        return 6;
    }
    let r = num as f32 / den as f32;
    match r {
        x if x <= 0.0 => 0,
        x if x < 0.2 => 1,
        x if x < 0.5 => 2,
        x if x < 0.8 => 3,
        x if x < 1.0 => 4,
        _ => 5,
    }
}

fn freq_bucket(n: u32) -> u8 {
    match n {
        0..=2 => 0,
        3..=9 => 1,
        10..=99 => 2,
        _ => 3,
    }
}

/// Accumulates counts, then [`Builder::finish`] gives [`WordStats`].
#[derive(Default)]
pub struct Builder {
    counts: FxHashMap<String, Counts>,
}

impl Builder {
    /// Adds a sentence: words and (possibly empty) UPOS tags.
    pub fn add_sentence(&mut self, words: &[&str], upos: &[&str]) {
        let has_pos = upos.len() == words.len();
        for (i, w) in words.iter().enumerate() {
            if !w.chars().any(char::is_alphabetic) {
                continue;
            }
            let c = self.counts.entry(w.to_lowercase()).or_default();
            c.total += 1;
            if has_pos && upos.get(i) == Some(&"PROPN") {
                c.propn += 1;
            }
            if i > 0 {
                c.nonfirst += 1;
                if w.chars().next().is_some_and(char::is_uppercase) {
                    c.cap_nonfirst += 1;
                }
            }
        }
    }

    /// Keeps words seen at least `min_count` times.
    pub fn finish(self, min_count: u32) -> WordStats {
        let mut rows: Vec<_> = self
            .counts
            .into_iter()
            .filter(|(_, c)| c.total >= min_count)
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let mut text = String::new();
        for (w, c) in rows {
            if w.contains(['\t', '\n']) {
                continue;
            }
            let p = if c.propn == 0 && c.total > 0 {
                bucket(0, c.total)
            } else {
                bucket(c.propn, c.total)
            };
            text.push_str(&format!(
                "{w}\t{p}\t{}\t{}\n",
                bucket(c.cap_nonfirst, c.nonfirst),
                freq_bucket(c.total)
            ));
        }
        WordStats::from_text(text)
    }
}

impl WordStats {
    pub fn from_text(text: String) -> WordStats {
        let mut map: Vec<(u64, u64)> = Vec::new();
        for line in text.lines() {
            let mut it = line.split('\t');
            let (Some(w), Some(p), Some(c), Some(f)) = (it.next(), it.next(), it.next(), it.next())
            else {
                continue;
            };
            let (Ok(p), Ok(c), Ok(f)) = (p.parse::<u16>(), c.parse::<u16>(), f.parse::<u16>())
            else {
                continue;
            };
            map.push((
                crate::gazetteer::tok_hash(w),
                1 + ((p & 7) | (c & 7) << 3 | (f & 7) << 6) as u64,
            ));
        }
        WordStats {
            map: U64Map::build(map),
            text,
        }
    }

    /// Writes the text and the frozen map (three blocks).
    pub fn write(&self, w: &mut Writer) {
        let mut m = Meta::default();
        m.str(&self.text);
        w.block(m);
        self.map.write(w);
    }

    /// Reads what [`WordStats::write`] wrote (the map in place).
    pub fn read(r: &mut Reader) -> claimtrace_ml::Result<WordStats> {
        let text = r.meta()?.str()?.to_string();
        Ok(WordStats {
            map: U64Map::read(r)?,
            text,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Packed code for a lowercase-token hash: 0 = unseen, else 1 + buckets.
    #[inline]
    pub fn code(&self, lower_hash: u64) -> u16 {
        self.map.get(lower_hash).map_or(0, |v| v as u16)
    }

    /// (propn bucket, cap bucket, freq bucket) from a code, or `None` if unseen.
    #[inline]
    pub fn unpack(code: u16) -> Option<(u8, u8, u8)> {
        if code == 0 {
            return None;
        }
        let c = code - 1;
        Some(((c & 7) as u8, ((c >> 3) & 7) as u8, ((c >> 6) & 7) as u8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_roundtrips() {
        let mut b = Builder::default();
        b.add_sentence(&["I", "saw", "Paris"], &["PRON", "VERB", "PROPN"]);
        b.add_sentence(&["Paris", "is", "big"], &["PROPN", "AUX", "ADJ"]);
        let s = b.finish(1);
        let code = s.code(crate::gazetteer::tok_hash("paris"));
        assert_eq!(WordStats::unpack(code), Some((5, 5, 0)));
        let t = WordStats::from_text(s.text().to_string());
        assert_eq!(
            t.code(crate::gazetteer::tok_hash("saw")),
            s.code(crate::gazetteer::tok_hash("saw"))
        );
        assert_eq!(t.code(crate::gazetteer::tok_hash("zzz")), 0);
    }
}

//! [`Fingerprint`]: what an article carries into clustering, computed once per article.

use crate::norm::{self, Word, fold, is_arabic, skeleton, strip_article, tables};
use claimtrace_core::Doc;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Number of MinHash values per signature (16-bit values; the first 64 form 32 LSH bands of
/// 2 rows).
pub const MINHASH_LEN: usize = 128;
/// At most this many cross-language keys are kept per article.
pub const MAX_KEYS: usize = 96;
/// Only the first bytes of a body are read (a 1 MB page costs the same as a 200 KB one).
const MAX_TEXT_BYTES: usize = 200_000;
const MAX_WORDS: usize = 30_000;

/// Kinds of cross-language key; the kind sits in the top 4 bits of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum KeyKind {
    /// An entry of the alias table (names and multilingual concepts).
    Alias = 1,
    /// Consonant skeleton of a name (capitalised word, NER entity).
    Name = 2,
    /// Skeleton of an uncapitalised Arabic word: matches [`KeyKind::Name`] keys of others.
    WeakName = 3,
    /// GeoNames id of a resolved place.
    Place = 4,
    /// A number (toll, magnitude) or an alphanumeric code (PS752).
    Number = 5,
    /// A year written in the text.
    Year = 6,
    /// A month-day written in the text (or resolved from a date expression).
    MonthDay = 7,
    /// A weekday named in the text.
    Weekday = 8,
}

impl KeyKind {
    pub fn of(key: u32) -> Option<KeyKind> {
        Some(match key >> 28 {
            1 => KeyKind::Alias,
            2 => KeyKind::Name,
            3 => KeyKind::WeakName,
            4 => KeyKind::Place,
            5 => KeyKind::Number,
            6 => KeyKind::Year,
            7 => KeyKind::MonthDay,
            8 => KeyKind::Weekday,
            _ => return None,
        })
    }
}

/// A key of a kind for a value.
pub fn key(kind: KeyKind, value: &str) -> u32 {
    ((kind as u32) << 28) | (xxh3_64(value.as_bytes()) as u32 & 0x0FFF_FFFF)
}

/// Converts a weak-name key into the name key it matches.
pub fn weak_to_name(k: u32) -> u32 {
    ((KeyKind::Name as u32) << 28) | (k & 0x0FFF_FFFF)
}

/// What clustering needs of one article: compact (a few hundred bytes with postcard), pure,
/// `Send`. Built by [`Fingerprint::of`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Fingerprint {
    /// ISO 639-1 code, empty if unknown.
    pub lang: CompactString,
    /// Publication day (days since 1970-01-01), when the article has a usable date.
    pub day: Option<i32>,
    /// A day estimated from full dates written in the text, for undated articles.
    pub est_day: Option<i32>,
    /// Number of word shingles of the body (for containment estimates).
    pub shingles: u32,
    /// MinHash signature of the body's word shingles ([`MINHASH_LEN`] values, empty for an
    /// empty body).
    pub minhash: Vec<u16>,
    /// Cross-language keys, sorted, unique (kind in the top 4 bits, see [`KeyKind`]).
    pub keys: Vec<u32>,
}

impl Fingerprint {
    /// Computes the fingerprint of an annotated (or bare) document with the default shingle
    /// length ([`SHINGLE`] words). Never panics.
    pub fn of(doc: &Doc) -> Fingerprint {
        Fingerprint::with_shingle(doc, SHINGLE)
    }

    /// The same with `shingle` words per body shingle (the store's
    /// [`crate::Config::shingle`]; 0 is taken as 1). Never panics.
    pub fn with_shingle(doc: &Doc, shingle: usize) -> Fingerprint {
        let body = cap(&doc.text, MAX_TEXT_BYTES);
        let day = doc.published.as_deref().and_then(parse_day);
        let body_words = norm::words(body, MAX_WORDS);
        let (minhash, shingles) = minhash(body, &body_words, shingle.max(1));
        let lang = doc
            .lang
            .as_deref()
            .map(claimtrace_text::lang::primary)
            .unwrap_or_default();
        let mut kb = KeyBuilder {
            nouns_capitalised: tables().nouns_capitalised.contains(lang),
            ..KeyBuilder::default()
        };
        if let Some(t) = &doc.title {
            let t = cap(t, 2_000);
            kb.scan(t, &norm::words(t, 400));
        }
        kb.scan(body, &body_words);
        for e in &doc.entities {
            let t = cap(e.span.text(&doc.text), 200);
            for w in norm::words(t, 8) {
                let f = fold(t.get(w.start..w.end).unwrap_or(""));
                if !tables().stopwords.contains(&f) {
                    kb.name(&f, KeyKind::Name);
                }
            }
        }
        for p in doc.places.iter().take(64) {
            if p.geonameid != 0 {
                kb.push(key(KeyKind::Place, &p.geonameid.to_string()));
            }
        }
        let mut est: Option<i32> = kb.est_day;
        for t in doc.times.iter().take(256) {
            let v = t.value.as_str();
            if let Some(d) = parse_day(v) {
                if let (Some(m), Some(dd)) = (v.get(5..7), v.get(8..10)) {
                    kb.push(key(KeyKind::MonthDay, &format!("{m}{dd}")));
                }
                if t.anchor == "absolute" {
                    est = Some(est.map_or(d, |e| e.max(d)));
                }
            } else if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
                kb.push(key(KeyKind::Year, v));
            }
        }
        let mut keys = kb.finish();
        keys.sort_unstable();
        keys.dedup();
        Fingerprint {
            lang: doc
                .lang
                .as_deref()
                .map(|l| CompactString::from(claimtrace_text::lang::primary(l)))
                .unwrap_or_default(),
            day,
            est_day: if day.is_some() { None } else { est },
            shingles,
            minhash,
            keys,
        }
    }

    /// The publication day, else the day estimated from the text.
    pub fn any_day(&self) -> Option<i32> {
        self.day.or(self.est_day)
    }

    /// Estimated Jaccard similarity of two bodies' shingle sets (0 if either is empty).
    pub fn jaccard(&self, other: &Fingerprint) -> f32 {
        if self.minhash.len() != MINHASH_LEN || other.minhash.len() != MINHASH_LEN {
            return 0.0;
        }
        let same = self
            .minhash
            .iter()
            .zip(&other.minhash)
            .filter(|(a, b)| a == b)
            .count();
        same as f32 / MINHASH_LEN as f32
    }

    /// Estimated share of the smaller body's shingles found in the larger one.
    pub fn containment(&self, other: &Fingerprint) -> f32 {
        let j = self.jaccard(other);
        let (a, b) = (self.shingles as f32, other.shingles as f32);
        let small = a.min(b);
        if small <= 0.0 {
            return 0.0;
        }
        let inter = j / (1.0 + j) * (a + b);
        (inter / small).min(1.0)
    }
}

fn cap(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Days since 1970-01-01 of a `YYYY-MM-DD…` string (years 1900–2199), else `None`.
pub fn parse_day(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    days_from_civil(y, m, d)
}

/// Days since 1970-01-01 (H. Hinnant's algorithm), for valid dates of 1900–2199.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(1900..2200).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    i32::try_from(claimtrace_core::date::days_from_civil(i64::from(y), m, d)).ok()
}

/// ISO weekday (1 = Monday) of a day number.
pub fn weekday(day: i32) -> u8 {
    // 1970-01-01 was a Thursday (4).
    ((day + 3).rem_euclid(7) + 1) as u8
}

fn word_hash(t: &str) -> u64 {
    if t.is_ascii() {
        let mut buf = [0u8; 32];
        if t.len() <= 32 {
            for (d, s) in buf.iter_mut().zip(t.bytes()) {
                *d = s.to_ascii_lowercase();
            }
            return xxh3_64(buf.get(..t.len()).unwrap_or(&[]));
        }
    }
    xxh3_64(fold(t).as_bytes())
}

/// Multiply-shift hash family: odd multipliers and offsets derived from a fixed seed.
fn perm_params() -> &'static [(u64, u64); MINHASH_LEN] {
    static P: std::sync::OnceLock<[(u64, u64); MINHASH_LEN]> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        let mut p = [(0u64, 0u64); MINHASH_LEN];
        for (i, e) in p.iter_mut().enumerate() {
            let a = xxh3_64_with_seed(b"claimtrace-minhash-a", i as u64) | 1;
            let b = xxh3_64_with_seed(b"claimtrace-minhash-b", i as u64);
            *e = (a, b);
        }
        p
    })
}

/// Words per shingle by default ([`crate::Config::shingle`]).
pub const SHINGLE: usize = 5;

fn minhash(text: &str, ws: &[Word], k: usize) -> (Vec<u16>, u32) {
    let hs: Vec<u64> = ws
        .iter()
        .filter_map(|w| text.get(w.start..w.end))
        .map(word_hash)
        .collect();
    if hs.is_empty() {
        return (Vec::new(), 0);
    }
    let mut shingles: Vec<u64> = hs
        .windows(k.min(hs.len()))
        .map(|w| w.iter().fold(0u64, |a, h| a.rotate_left(13) ^ h))
        .collect();
    shingles.sort_unstable();
    shingles.dedup();
    let params = perm_params();
    let mut sig = [u64::MAX; MINHASH_LEN];
    for &s in &shingles {
        for (m, (a, b)) in sig.iter_mut().zip(params.iter()) {
            let v = s.wrapping_mul(*a).wrapping_add(*b);
            if v < *m {
                *m = v;
            }
        }
    }
    // Keep 16 bits of each minimum (b-bit MinHash: chance collisions 1 in 65,536).
    (
        sig.iter().map(|m| (m >> 48) as u16).collect(),
        shingles.len().min(u32::MAX as usize) as u32,
    )
}

#[derive(Default)]
struct KeyBuilder {
    keys: Vec<u32>,
    est_day: Option<i32>,
    /// The article's language writes common nouns capitalised (German): a capitalised word
    /// is then only weak evidence of a name (it counts when another article has it as a name).
    nouns_capitalised: bool,
}

impl KeyBuilder {
    fn push(&mut self, k: u32) {
        self.keys.push(k);
    }

    fn name(&mut self, folded: &str, kind: KeyKind) {
        let s = skeleton(folded);
        if s.chars().count() >= 2 {
            self.push(key(KeyKind::Name, &s) & 0x0FFF_FFFF | ((kind as u32) << 28));
        }
    }

    /// Scans one text: aliases, numbers, dates, weekdays, names.
    fn scan(&mut self, text: &str, ws: &[Word]) {
        let t = tables();
        let folded: Vec<String> = ws
            .iter()
            .map(|w| fold(text.get(w.start..w.end).unwrap_or("")))
            .collect();
        let max_n = t.max_alias_words.max(1);
        let mut i = 0;
        let mut phrase = String::new();
        while i < ws.len() {
            // Alias phrases, longest first (each word also tried without an Arabic article).
            let mut matched = 0;
            let head = folded.get(i).map(String::as_str).unwrap_or("");
            let multi = t.alias_heads.contains(head) || t.alias_heads.contains(strip_article(head));
            let top = if multi { max_n.min(ws.len() - i) } else { 1 };
            for n in (1..=top).rev() {
                for strip in [false, true] {
                    phrase.clear();
                    for (j, f) in folded.iter().skip(i).take(n).enumerate() {
                        if j > 0 {
                            phrase.push(' ');
                        }
                        phrase.push_str(if strip { strip_article(f) } else { f });
                    }
                    if let Some(c) = t.aliases.get(&phrase) {
                        self.keys.push(key(KeyKind::Alias, c));
                        matched = n;
                        break;
                    }
                    // Latin plural / Arabic unchanged: one more try without a final "s".
                    if n == 1
                        && let Some(p) = phrase.strip_suffix('s')
                        && let Some(c) = t.aliases.get(p)
                    {
                        self.keys.push(key(KeyKind::Alias, c));
                        matched = n;
                        break;
                    }
                }
                if matched > 0 {
                    break;
                }
            }
            if matched > 0 {
                i += matched;
                continue;
            }
            let (Some(w), Some(f)) = (ws.get(i), folded.get(i)) else {
                break;
            };
            let raw = text.get(w.start..w.end).unwrap_or("");
            self.word(raw, f, &folded, i);
            i += 1;
        }
    }

    fn word(&mut self, raw: &str, f: &str, folded: &[String], i: usize) {
        let t = tables();
        let first = raw.chars().next().unwrap_or(' ');
        if first.is_ascii_digit() || raw.chars().any(|c| c.is_ascii_digit()) {
            self.number(raw, folded, i);
            return;
        }
        if let Some(&wd) = t.weekdays.get(f) {
            self.push(key(KeyKind::Weekday, &wd.to_string()));
            return;
        }
        if let Some(&m) = t.months.get(f) {
            self.month(m, folded, i);
            return;
        }
        if t.stopwords.contains(f) {
            return;
        }
        if first.is_uppercase() && f.chars().count() >= 2 {
            let kind = if self.nouns_capitalised {
                KeyKind::WeakName
            } else {
                KeyKind::Name
            };
            self.name(f, kind);
        } else if is_arabic(first) && f.chars().count() >= 3 {
            self.name(f, KeyKind::WeakName);
        }
    }

    fn number(&mut self, raw: &str, folded: &[String], i: usize) {
        if raw.chars().any(|c| c.is_alphabetic()) {
            // Codes such as PS752, JT610, 737-800 pieces.
            let up: String = raw
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_uppercase)
                .collect();
            if up.len() >= 3 && up.len() <= 16 {
                self.push(key(KeyKind::Number, &up));
            }
            return;
        }
        let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
        // A decimal: one separator followed by 1 or 2 digits ("6.3", "6,3").
        let seps: Vec<(usize, char)> = raw
            .char_indices()
            .filter(|(_, c)| !c.is_ascii_digit())
            .collect();
        if let [(p, c)] = seps.as_slice()
            && matches!(c, '.' | ',')
        {
            let after = raw.len() - p - 1;
            if (1..=2).contains(&after) {
                let v = format!(
                    "{}.{}",
                    raw.get(..*p).unwrap_or(""),
                    raw.get(p + 1..).unwrap_or("")
                );
                self.push(key(KeyKind::Number, &v));
                return;
            }
        }
        let digits = digits.trim_start_matches('0');
        if digits.is_empty() || digits.len() > 12 {
            return;
        }
        let Ok(v) = digits.parse::<u64>() else { return };
        if seps.is_empty() && raw.len() == 4 && (1900..=2100).contains(&v) {
            self.push(key(KeyKind::Year, digits));
            return;
        }
        if (1..=31).contains(&v) && seps.is_empty() {
            // A day next to a month name is handled by `month`; small numbers alone are noise.
            if v >= 10 {
                self.push(key(KeyKind::Number, digits));
            }
            let _ = (folded, i);
            return;
        }
        self.push(key(KeyKind::Number, digits));
    }

    /// A month name: looks for a day number just before ("7 octobre", "7 de octubre") or
    /// after ("October 7") and a year after.
    fn month(&mut self, m: u8, folded: &[String], i: usize) {
        let num = |j: usize| -> Option<u32> {
            let s = folded.get(j)?;
            let s = s.trim_end_matches(['s', 't', 'h', 'n', 'd', 'r', 'e', 'º', 'o']);
            let v: u32 = s.parse().ok()?;
            (1..=31).contains(&v).then_some(v)
        };
        let skip = |j: usize| {
            folded
                .get(j)
                .is_some_and(|s| matches!(s.as_str(), "de" | "of" | "the" | "du" | "di"))
        };
        let mut day = None;
        if i >= 1 {
            day = num(i - 1);
            if day.is_none() && i >= 2 && skip(i - 1) {
                day = num(i - 2);
            }
        }
        let mut after = i + 1;
        if day.is_none() {
            day = num(i + 1);
            after = i + 2;
        }
        let Some(d) = day else { return };
        self.push(key(KeyKind::MonthDay, &format!("{m:02}{d:02}")));
        let mut j = after;
        if skip(j) {
            j += 1;
        }
        if let Some(y) = folded.get(j).and_then(|s| s.parse::<i32>().ok())
            && let Some(dd) = days_from_civil(y, u32::from(m), d)
        {
            self.est_day = Some(self.est_day.map_or(dd, |e| e.max(dd)));
        }
    }

    fn finish(self) -> Vec<u32> {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut ks: Vec<u32> = self.keys.into_iter().filter(|k| seen.insert(*k)).collect();
        if ks.len() > MAX_KEYS {
            // Keep the most telling kinds first, in order of first appearance within a kind.
            ks.sort_by_key(|k| match KeyKind::of(*k) {
                Some(KeyKind::Alias) => 0,
                Some(KeyKind::Place) => 1,
                Some(KeyKind::Number) => 2,
                Some(KeyKind::MonthDay) | Some(KeyKind::Year) | Some(KeyKind::Weekday) => 3,
                Some(KeyKind::Name) => 4,
                _ => 5,
            });
            ks.truncate(MAX_KEYS);
        }
        ks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(parse_day("2023-10-07"), Some(19637));
        assert_eq!(weekday(19637), 6); // Saturday
        assert_eq!(parse_day("2023-13-07"), None);
        assert_eq!(parse_day("20231007"), None);
        assert_eq!(parse_day("١٩٧٠-٠١-٠١"), None);
    }

    #[test]
    fn keys_cross_languages() {
        let en = Fingerprint::of(&Doc::from_text(
            "a",
            "Shekau was killed near Herat on 7 October 2023, 2,000 dead.",
        ));
        let ar = Fingerprint::of(&Doc::from_text("b", "مقتل شيكاو قرب هرات"));
        let shared: Vec<_> = en.keys.iter().filter(|k| ar.keys.contains(k)).collect();
        assert!(shared.len() >= 3, "{shared:?}");
        assert!(en.keys.contains(&key(KeyKind::MonthDay, "1007")));
        assert!(en.keys.contains(&key(KeyKind::Number, "2000")));
        assert_eq!(en.est_day, parse_day("2023-10-07"));
    }

    #[test]
    fn no_panic_on_odd_input() {
        for t in [
            "",
            " ",
            "\u{0}\u{301}\u{301}",
            "1,2,3,4.5.6",
            "٣٫٥",
            "ﷺ",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 9 October",
            "October",
            "31 février 1899",
            "x".repeat(3_000_000).as_str(),
        ] {
            let mut d = Doc::from_text("x", t);
            d.published = Some("garbage".into());
            d.title = Some(t.chars().take(100).collect());
            let f = Fingerprint::of(&d);
            let _ = f.jaccard(&f);
        }
    }
}

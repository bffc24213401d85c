//! How a claim is read for matching: cleaned (links dropped, hashtags and handles split into
//! words), folded, cut into content terms (stop words out, a light English stemmer), numbers,
//! name words (capitalised in the original) and character n-grams.
//!
//! Text in another language is read through the bilingual lists `lang/<code>/match/en.tsv`
//! (`word<TAB>english words`): each listed word adds its English terms, every other word stays
//! as it is (names and numbers carry across languages).

use claimtrace_text::data;
use claimtrace_text::norm;
use rustc_hash::{FxHashMap, FxHashSet};
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

/// A text read for matching.
#[derive(Debug, Clone, Default)]
pub struct Read {
    /// Stemmed content terms, in order (stop words out).
    pub terms: Vec<String>,
    /// Numbers as written without separators ("2,053" → "2053").
    pub numbers: Vec<String>,
    /// Folded words written with a capital inside the text (not the first word of a sentence
    /// alone), or all in capitals: names, acronyms.
    pub names: Vec<String>,
    /// The cleaned, folded text (for character n-grams).
    pub flat: String,
}

fn stopwords() -> &'static FxHashSet<&'static str> {
    static S: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| {
        let mut s = FxHashSet::default();
        for l in data::list("mul/match/stopwords.txt") {
            for w in l.split_whitespace() {
                s.insert(w);
            }
        }
        s
    })
}

/// Is `w` (folded) a stop word of any language the lists cover?
pub fn is_stop(w: &str) -> bool {
    stopwords().contains(w)
}

/// The bilingual list of a language (folded word → English words), empty when there is none.
fn bilingual(lang: &str) -> &'static FxHashMap<String, Vec<String>> {
    static M: OnceLock<FxHashMap<String, FxHashMap<String, Vec<String>>>> = OnceLock::new();
    let all = M.get_or_init(|| {
        let mut all: FxHashMap<String, FxHashMap<String, Vec<String>>> = FxHashMap::default();
        for (path, _) in data::FILES {
            let Some(code) = path.strip_suffix("/match/en.tsv") else {
                continue;
            };
            let m = all.entry(code.to_string()).or_default();
            for row in data::rows(path) {
                if row.len() < 2 {
                    continue;
                }
                let key = norm::phrase_key(row[0]);
                let en: Vec<String> = row[1]
                    .split([',', ' '])
                    .map(norm::fold)
                    .filter(|w| !w.is_empty())
                    .collect();
                m.entry(key).or_default().extend(en);
            }
        }
        all
    });
    static EMPTY: OnceLock<FxHashMap<String, Vec<String>>> = OnceLock::new();
    let base = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    all.get(&base)
        .unwrap_or_else(|| EMPTY.get_or_init(FxHashMap::default))
}

/// The languages with a bilingual list (`lang/<code>/match/en.tsv`).
pub fn bilingual_langs() -> Vec<&'static str> {
    data::FILES
        .iter()
        .filter_map(|(p, _)| p.strip_suffix("/match/en.tsv"))
        .collect()
}

/// A light English stemmer: plural, past and -ing forms, possessives and a final `e`
/// ("vaccines", "vaccinated" → "vaccin"; "studies" → "studi"). Other words pass through.
pub fn stem(w: &str) -> String {
    let mut s = w.trim_end_matches("'s").trim_end_matches('\'').to_string();
    if !s.is_ascii() || s.len() <= 3 {
        return s;
    }
    if let Some(b) = s.strip_suffix("ies").filter(|b| b.len() >= 2) {
        s = format!("{b}i");
    } else if let Some(b) = s.strip_suffix("sses") {
        s = format!("{b}ss");
    } else if s.ends_with('s') && !s.ends_with("ss") && !s.ends_with("us") && !s.ends_with("is") {
        s.pop();
    }
    for suf in ["ingly", "edly", "ing", "ed", "ly"] {
        if let Some(b) = s.strip_suffix(suf)
            && b.len() >= 3
            && b.chars().any(|c| "aeiouy".contains(c))
        {
            s = b.to_string();
            // "stopped" → "stop", "running" → "run".
            let bb = s.as_bytes();
            let n = bb.len();
            if n >= 2 && bb[n - 1] == bb[n - 2] && !matches!(bb[n - 1], b'l' | b's' | b'z') {
                s.pop();
            }
            break;
        }
    }
    if s.len() > 4 && s.ends_with('e') {
        s.pop();
    }
    if let Some(b) = s.strip_suffix('y').filter(|b| b.len() >= 3) {
        s = format!("{b}i");
    }
    s
}

/// Splits "AustralianFires" / "IlhanMN" / "covid19" into words ("Australian Fires", "Ilhan MN").
fn split_camel(w: &str, out: &mut String) {
    let mut prev: Option<char> = None;
    for c in w.chars() {
        if let Some(p) = prev
            && ((p.is_lowercase() && c.is_uppercase())
                || (p.is_alphabetic() && c.is_ascii_digit())
                || (p.is_ascii_digit() && c.is_alphabetic()))
        {
            out.push(' ');
        }
        out.push(c);
        prev = Some(c);
    }
}

/// The text without links, with `#hashtags` and `@handles` split into their words.
pub fn clean(text: &str) -> String {
    // A tweet's signature "— Name (@handle) January 14, 2020": the date is not the claim's.
    let text = match text
        .rfind("(@")
        .and_then(|i| text[i..].find(')').map(|j| i + j + 1))
    {
        Some(end) if text[end..].chars().count() <= 24 => &text[..end],
        _ => text,
    };
    let mut out = String::with_capacity(text.len());
    for tok in text.split_inclusive(char::is_whitespace) {
        let t = tok.trim_end();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("http")
            || lower.starts_with("www.")
            || lower.contains("pic.twitter.com")
            || lower.contains(".com/")
            || lower.contains(".ly/")
        {
            out.push(' ');
            continue;
        }
        if let Some(rest) = t.strip_prefix('#').or_else(|| t.strip_prefix('@')) {
            out.push(' ');
            split_camel(rest, &mut out);
            out.push(' ');
            continue;
        }
        out.push_str(tok);
    }
    out
}

/// Reads a text (in language `lang`, `""` for unknown/English).
pub fn read(text: &str, lang: &str) -> Read {
    let cleaned = clean(text);
    let bi = bilingual(lang);
    let mut r = Read::default();
    let mut flat = String::with_capacity(cleaned.len());
    let mut sentence_start = true;
    let mut last_end = 0usize;
    let spans: Vec<(usize, usize)> = norm::words(&cleaned).collect();
    let mut i = 0usize;
    while i < spans.len() {
        let (a, b) = spans[i];
        let raw = cleaned.get(a..b).unwrap_or("");
        let between = cleaned.get(last_end..a).unwrap_or("");
        if between.contains(['.', '!', '?', '\n', ':', '"', '“', '«']) || i == 0 {
            sentence_start = true;
        }
        last_end = b;
        let f = norm::fold(raw);
        // Two-word entries of a bilingual list first ("fuerzas armadas").
        if !bi.is_empty()
            && let Some(&(c, d)) = spans.get(i + 1)
        {
            let two = format!("{f} {}", norm::fold(cleaned.get(c..d).unwrap_or("")));
            if let Some(en) = bi.get(&two) {
                for e in en {
                    push_word(&mut r, &mut flat, e, false);
                }
                i += 2;
                last_end = d;
                sentence_start = false;
                continue;
            }
        }
        let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && digits.len() * 2 >= raw.chars().count() {
            r.numbers.push(digits.trim_start_matches('0').to_string());
        }
        let capital = raw.chars().next().is_some_and(char::is_uppercase);
        let allcaps = raw.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !raw.chars().any(char::is_lowercase);
        if ((capital && !sentence_start) || allcaps) && !is_stop(&f) {
            r.names.push(f.clone());
        }
        sentence_start = false;
        if let Some(en) = bi.get(&f) {
            for e in en {
                push_word(&mut r, &mut flat, e, false);
            }
            // The word itself stays too (names, cognates).
            push_word(&mut r, &mut flat, &f, true);
        } else {
            push_word(&mut r, &mut flat, &f, false);
        }
        i += 1;
    }
    r.flat = flat;
    r
}

fn push_word(r: &mut Read, flat: &mut String, f: &str, flat_only: bool) {
    if !flat.is_empty() {
        flat.push(' ');
    }
    flat.push_str(f);
    if flat_only || is_stop(f) || f.chars().count() < 2 && !f.chars().all(|c| c.is_ascii_digit()) {
        return;
    }
    r.terms.push(stem(f));
}

/// Hash of a string (for character n-grams).
fn h(s: &[char]) -> u64 {
    let mut hs = rustc_hash::FxHasher::default();
    s.hash(&mut hs);
    hs.finish()
}

/// Character n-grams (3 to 5) of each word padded with spaces, hashed, with their counts.
pub fn char_grams(flat: &str) -> FxHashMap<u64, u32> {
    let mut out: FxHashMap<u64, u32> = FxHashMap::default();
    for w in flat.split(' ').filter(|w| !w.is_empty() && !is_stop(w)) {
        let mut cs: Vec<char> = Vec::with_capacity(w.len() + 2);
        cs.push(' ');
        cs.extend(w.chars());
        cs.push(' ');
        for n in 3..=5 {
            if cs.len() < n {
                continue;
            }
            for win in cs.windows(n) {
                *out.entry(h(win)).or_insert(0) += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_agree() {
        assert_eq!(stem("vaccines"), stem("vaccine"));
        assert_eq!(stem("studies"), stem("study"));
        assert_eq!(stem("stopped"), stem("stop"));
        assert_eq!(stem("killed"), stem("kills"));
    }

    #[test]
    fn cleans_tweets() {
        let c = clean("Look #GreenFrogs by @TownCouncil https://t.co/xyz pic.twitter.com/abc");
        assert!(c.contains("Green Frogs"));
        assert!(c.contains("Town Council"));
        assert!(!c.contains("t.co"));
    }

    #[test]
    fn reads_names_and_numbers() {
        let r = read("The mayor of Brindlecombe said 2,053 frogs left.", "en");
        assert!(r.names.contains(&"brindlecombe".to_string()));
        assert!(r.numbers.contains(&"2053".to_string()));
        assert!(r.terms.contains(&stem("frogs")));
    }
}

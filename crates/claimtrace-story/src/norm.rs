//! What fingerprints need beyond the shared normaliser ([`claimtrace_text::norm`]):
//! transliteration skeletons and the alias / calendar / stop-word tables of `lang/mul/story/`
//! and `lang/mul/calendar.tsv`.

use claimtrace_text::data;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

pub use claimtrace_text::norm::{fold, is_arabic, phrase_key};

/// A word of a text: its byte range in the original.
#[derive(Debug, Clone, Copy)]
pub struct Word {
    pub start: usize,
    pub end: usize,
}

/// The first `limit` words of a text ([`claimtrace_text::norm::words`]).
pub fn words(text: &str, limit: usize) -> Vec<Word> {
    claimtrace_text::norm::words(text)
        .take(limit)
        .map(|(start, end)| Word { start, end })
        .collect()
}

/// Strips a leading Arabic article or attached preposition + article ("ال", "وال", "بال",
/// "لل", "فال", "كال") and the Latin "al-", "el-" forms (already split at hyphens).
pub fn strip_article(w: &str) -> &str {
    for p in ["وال", "بال", "فال", "كال", "لل", "ال"] {
        if let Some(r) = w.strip_prefix(p)
            && r.chars().count() >= 2
        {
            return r;
        }
    }
    w
}

/// Particles that are not part of a name's skeleton ("al", "bin", "abu"…).
fn particle(w: &str) -> bool {
    matches!(
        w,
        "al" | "el"
            | "al-"
            | "bin"
            | "ben"
            | "ibn"
            | "abu"
            | "abou"
            | "de"
            | "del"
            | "da"
            | "di"
            | "du"
            | "la"
            | "le"
            | "von"
            | "van"
            | "بن"
            | "ابن"
            | "ابو"
            | "بو"
    )
}

/// A consonant skeleton of a folded word, the same for a name in Latin or Arabic script:
/// Shekau, Chekau and شيكاو → `Skw`→`Sk`; Herat, Hérat and هرات → `hrt`. Vowels and the weak
/// letters w/y/و/ي/ا are dropped, similar sounds merged, doubled letters collapsed. Returns an
/// empty string for particles and words with fewer than two consonants.
pub fn skeleton(folded: &str) -> String {
    if particle(folded) {
        return String::new();
    }
    let w = strip_article(folded);
    let w = w
        .strip_prefix("al-")
        .or_else(|| w.strip_prefix("el-"))
        .unwrap_or(w);
    let chars: Vec<char> = w.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let n = chars.get(i + 1).copied();
        let n2 = chars.get(i + 2).copied();
        let (m, skip) = match (c, n, n2) {
            ('s', Some('c'), Some('h')) => ('S', 3),
            ('s', Some('h'), _) | ('c', Some('h'), _) => ('S', 2),
            ('k', Some('h'), _)
            | ('g', Some('h'), _)
            | ('t', Some('h'), _)
            | ('d', Some('h'), _) => (map_latin(c), 2),
            ('p', Some('h'), _) => ('f', 2),
            ('d', Some('j'), _) => ('g', 2),
            ('q', Some('u'), _) => ('k', 2),
            ('x', _, _) => {
                out.push('k');
                ('s', 1)
            }
            _ => {
                if is_arabic(c) {
                    (map_arabic(c), 1)
                } else {
                    (map_latin(c), 1)
                }
            }
        };
        i += skip;
        if m == '\0' {
            continue;
        }
        if out.last() != Some(&m) {
            out.push(m);
        }
    }
    if out.len() < 2 || out.iter().all(|c| c.is_ascii_digit()) {
        return String::new();
    }
    out.into_iter().collect()
}

fn map_latin(c: char) -> char {
    match c {
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'w' | '\'' | '-' => '\0',
        'c' | 'q' => 'k',
        'z' => 's',
        'j' => 'g',
        'p' => 'b',
        'v' => 'f',
        c if c.is_ascii_alphanumeric() => c,
        _ => '\0',
    }
}

fn map_arabic(c: char) -> char {
    match c {
        'ب' => 'b',
        'ت' | 'ث' | 'ط' => 't',
        'ج' => 'g',
        'ح' | 'ه' => 'h',
        'خ' | 'ق' | 'ك' => 'k',
        'د' | 'ذ' | 'ض' => 'd',
        'ر' => 'r',
        'ز' | 'س' | 'ص' | 'ظ' => 's',
        'ش' => 'S',
        'غ' => 'g',
        'ف' => 'f',
        'ل' => 'l',
        'م' => 'm',
        'ن' => 'n',
        'پ' => 'b',
        'چ' => 'S',
        'ڤ' => 'f',
        'گ' => 'g',
        '٠'..='٩' => char::from_digit(c as u32 - '٠' as u32, 10).unwrap_or('\0'),
        _ => '\0',
    }
}

/// The tables of `lang/`, parsed once.
pub struct Tables {
    /// Folded phrase (words joined by one space) → canonical id.
    pub aliases: FxHashMap<String, String>,
    /// Longest alias phrase in words.
    pub max_alias_words: usize,
    /// First words of multi-word alias phrases.
    pub alias_heads: FxHashSet<String>,
    pub stopwords: FxHashSet<String>,
    /// Folded word → month 1..=12.
    pub months: FxHashMap<String, u8>,
    /// Folded word → ISO weekday 1..=7.
    pub weekdays: FxHashMap<String, u8>,
    /// Languages that capitalise common nouns (`mul/story/capitalised_nouns.txt`).
    pub nouns_capitalised: FxHashSet<String>,
}

static TABLES: OnceLock<Tables> = OnceLock::new();

pub fn tables() -> &'static Tables {
    TABLES.get_or_init(|| {
        let mut t = Tables {
            aliases: FxHashMap::default(),
            max_alias_words: 1,
            alias_heads: FxHashSet::default(),
            stopwords: FxHashSet::default(),
            months: FxHashMap::default(),
            weekdays: FxHashMap::default(),
            nouns_capitalised: FxHashSet::default(),
        };
        for line in data::file("mul/story/capitalised_nouns.txt").lines() {
            let l = line.trim();
            if !l.is_empty() && !l.starts_with('#') {
                t.nouns_capitalised.insert(l.to_string());
            }
        }
        for line in data::file("mul/story/aliases.tsv").lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut f = line.split('\t');
            let Some(canon) = f.next() else { continue };
            for v in f.chain(std::iter::once(canon.replace('_', " ").as_str())) {
                let key = phrase_key(v);
                if key.is_empty() {
                    continue;
                }
                t.max_alias_words = t.max_alias_words.max(key.split(' ').count());
                if let Some((head, _)) = key.split_once(' ') {
                    t.alias_heads.insert(head.to_string());
                }
                t.aliases.entry(key).or_insert_with(|| canon.to_string());
            }
        }
        for line in data::file("mul/story/stopwords.txt").lines() {
            if line.starts_with('#') {
                continue;
            }
            t.stopwords.extend(line.split_whitespace().map(fold));
        }
        for line in data::file("mul/calendar.tsv").lines() {
            if line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let (Some(kind), Some(n), Some(ws)) = (f.first(), f.get(1), f.get(2)) else {
                continue;
            };
            let Ok(n) = n.parse::<u8>() else { continue };
            let map = if *kind == "month" {
                &mut t.months
            } else {
                &mut t.weekdays
            };
            for w in ws.split_whitespace() {
                map.insert(fold(w), n);
            }
        }
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sk(s: &str) -> String {
        skeleton(&fold(s))
    }

    #[test]
    fn skeletons_match_across_scripts() {
        assert_eq!(sk("Shekau"), sk("شيكاو"));
        assert_eq!(sk("Chekau"), sk("Shekau"));
        assert_eq!(sk("Herat"), sk("هرات"));
        assert_eq!(sk("Hérat"), sk("Herat"));
        assert_eq!(sk("Baghdadi"), sk("البغدادي"));
        assert_eq!(sk("al-Baghdadi"), sk("Baghdadi"));
        assert_eq!(sk("Jong"), sk("جونغ"));
        assert_eq!(sk("Kim"), sk("كيم"));
        assert_eq!(sk("bin"), "");
    }

    #[test]
    fn tables_load() {
        let t = tables();
        assert_eq!(t.aliases.get("شيكاو").map(String::as_str), Some("shekau"));
        assert_eq!(
            t.aliases.get("kim jong un").map(String::as_str),
            Some("kim_jong_un")
        );
        assert_eq!(t.months.get("octobre"), Some(&10));
        assert_eq!(t.weekdays.get("sabado"), Some(&6));
        assert!(t.stopwords.contains("the"));
    }
}

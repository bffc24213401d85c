//! The one text normaliser of the workspace: folding ([`fold`]) and words that keep their
//! byte offsets ([`words`], [`folded_words`]). Story fingerprints, provenance, outlet matching
//! and place resolution all read text through these, so a word means the same thing everywhere.
//!
//! In: any text. Out: folded strings (lower case, no accents, Arabic letter variants unified)
//! and word spans (runs of letters, digits and marks; a separator between digits stays inside
//! the word: "2,053", "6.3", "1 000").

use regex::Regex;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds one word or phrase: NFKD, combining marks (Latin accents, Arabic diacritics) and
/// tatweel dropped, lower case, hamza/alef forms unified (أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و,
/// ئ → ي), apostrophe variants (’ ʼ `) → '.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        let mut out = s.to_ascii_lowercase();
        if out.contains('`') {
            out = out.replace('`', "'");
        }
        return out;
    }
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            '\u{0640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            'ة' => out.push('ه'),
            'ؤ' => out.push('و'),
            'ئ' => out.push('ي'),
            '’' | 'ʼ' | '`' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// True for an Arabic-script letter (Arabic, Arabic Supplement, presentation forms).
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// True when a string has a letter of the basic Arabic block (U+0600–U+06FF).
pub fn has_arabic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Characters that join two digit groups into one number word ("2,000", "6.3", "1 000").
fn digit_joiner(c: char) -> bool {
    matches!(c, '.' | ',' | '\u{00A0}' | '\u{202F}' | '\u{2009}')
}

/// The words of a text as byte ranges, left to right: runs of letters, digits and combining
/// marks; a digit-group separator (`.`, `,`, no-break or thin space) between two digits
/// stays inside the word.
pub fn words(text: &str) -> Words<'_> {
    Words {
        text,
        it: text.char_indices().peekable(),
    }
}

/// Iterator of [`words`].
pub struct Words<'a> {
    text: &'a str,
    it: std::iter::Peekable<std::str::CharIndices<'a>>,
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let mut start: Option<usize> = None;
        let mut prev_digit = false;
        while let Some((i, c)) = self.it.next() {
            if c.is_alphanumeric() || is_combining_mark(c) {
                if start.is_none() {
                    start = Some(i);
                }
                prev_digit = c.is_ascii_digit();
                continue;
            }
            if prev_digit
                && start.is_some()
                && digit_joiner(c)
                && self.it.peek().is_some_and(|(_, n)| n.is_ascii_digit())
            {
                continue;
            }
            if let Some(s) = start {
                return Some((s, i));
            }
            prev_digit = false;
        }
        start.map(|s| (s, self.text.len()))
    }
}

/// The words of a text as names are written, as byte ranges: letters and marks joined by inner
/// hyphens and apostrophes ("Deir ez-Zor" → "Deir", "ez-Zor"; "N'Djamena"), dotted acronyms
/// ("U.S.", "U.K."), a final possessive cut off ("Tehran’s" → "Tehran"). No digits. Place
/// names are read in these units.
pub fn name_words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    let re = R
        .get_or_init(|| {
            Regex::new(
                r"(?:[A-Z]\.){2,3}|[A-Z]{2}\.[A-Z]{2}\.|[\p{L}\p{M}]+(?:[-'’][\p{L}\p{M}]+)*",
            )
            .ok()
        })
        .as_ref();
    re.into_iter().flat_map(move |re| {
        re.find_iter(text).map(|m| {
            // Possessives: "Tehran’s airport", "Nigeria's army".
            let t = m.as_str();
            let cut = ["’s", "'s", "’S", "'S"]
                .iter()
                .find(|p| t.len() > p.len() + 1 && t.ends_with(**p))
                .map_or(0, |p| p.len());
            (m.start(), m.end() - cut)
        })
    })
}

/// A word of a text with its folded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// [`fold`] of the word.
    pub fold: String,
    /// The word is all upper-case in the original (acronyms: "AP", "CNN").
    pub upper: bool,
}

/// The [`words`] of a text, folded.
pub fn folded_words(text: &str) -> Vec<Word> {
    words(text)
        .map(|(s, e)| {
            let w = text.get(s..e).unwrap_or("");
            let upper = w.chars().any(|c| c.is_uppercase()) && !w.chars().any(|c| c.is_lowercase());
            Word {
                start: s,
                end: e,
                fold: fold(w),
                upper,
            }
        })
        .collect()
}

/// The folded words of a phrase, as strings.
pub fn fold_words(s: &str) -> Vec<String> {
    words(s)
        .map(|(a, b)| fold(s.get(a..b).unwrap_or("")))
        .collect()
}

/// The key of a phrase for table look-ups: its folded words joined by one space.
pub fn phrase_key(s: &str) -> String {
    let f = fold(s);
    let mut out = String::with_capacity(f.len());
    for (a, b) in words(&f) {
        let Some(t) = f.get(a..b) else { continue };
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// The word without the Arabic proclitics it may carry before a name: conjunction و/ف,
/// preposition ل/ب/ك, article ال ("ولرويترز" → "رويترز"); longest stem first. Empty for a
/// word that does not start with an Arabic letter.
pub fn arabic_stems(w: &str) -> impl Iterator<Item = &str> {
    const CONJ: [&str; 3] = ["", "و", "ف"];
    const PREP: [&str; 4] = ["", "ل", "ب", "ك"];
    const ART: [&str; 3] = ["", "ال", "ل"];
    let mut out: Vec<&str> = Vec::new();
    if w.chars()
        .next()
        .is_some_and(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
    {
        for c in CONJ {
            for p in PREP {
                for a in ART {
                    if c.is_empty() && p.is_empty() && a.is_empty() {
                        continue;
                    }
                    if let Some(s) = w
                        .strip_prefix(c)
                        .and_then(|x| x.strip_prefix(p))
                        .and_then(|x| x.strip_prefix(a))
                        && s.chars().count() >= 2
                        && !out.contains(&s)
                    {
                        out.push(s);
                    }
                }
            }
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.into_iter()
}

/// The lookup key of a place name in the gazetteer (claimtrace-timegeo): NFD without marks, lower case, Arabic letter variants unified,
/// hyphens and dots as spaces, single spaces.
pub fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            '-' | '‐' | '‑' | '–' | '_' | '.' | '/' => ' ',
            '’' | 'ʼ' | '`' | '´' | 'ʻ' => '\'',
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            'ـ' => continue,
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// The key of time-lexicon look-ups (claimtrace-timegeo): lower case, runs of white space as one
/// space, ’ as '. No accent folding (the rules' regexes match the accented forms).
pub fn lower_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        let c = if c == '’' { '\'' } else { c };
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds() {
        assert_eq!(fold("Según"), "segun");
        assert_eq!(fold("l'AFP"), "l'afp");
        assert_eq!(fold("l’AFP"), "l'afp");
        assert_eq!(fold("أسوشيتد"), "اسوشيتد");
        assert_eq!(fold("مُحَمَّد"), "محمد");
    }

    #[test]
    fn words_keep_offsets_and_numbers() {
        let t = "Over 2,000 dead; magnitude 6.3, and 1\u{a0}000 hurt à Hérat.";
        let ws: Vec<&str> = words(t).map(|(a, b)| &t[a..b]).collect();
        assert_eq!(
            ws,
            [
                "Over",
                "2,000",
                "dead",
                "magnitude",
                "6.3",
                "and",
                "1\u{a0}000",
                "hurt",
                "à",
                "Hérat"
            ]
        );
        let f = folded_words("Selon l'AFP");
        assert_eq!(f[2].fold, "afp");
        assert!(f[2].upper);
        assert_eq!(phrase_key(" Kim  Jong-un "), "kim jong un");
    }

    #[test]
    fn name_words_join_hyphens_and_acronyms() {
        let t = "The U.S. said Deir ez-Zor and Tehran’s airport, 2019.";
        let ws: Vec<&str> = name_words(t).map(|(a, b)| &t[a..b]).collect();
        assert_eq!(
            ws,
            [
                "The", "U.S.", "said", "Deir", "ez-Zor", "and", "Tehran", "airport"
            ]
        );
    }

    #[test]
    fn stems() {
        let s: Vec<&str> = arabic_stems("ولرويترز").collect();
        assert!(s.contains(&"رويترز"));
        assert_eq!(arabic_stems("Reuters").count(), 0);
    }
}

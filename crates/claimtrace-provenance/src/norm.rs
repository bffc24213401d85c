//! Text folding and word tokens that keep their byte offsets.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A word of a text: its byte range in the original and its folded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// Lower-cased, accents and Arabic diacritics removed, Arabic letter variants unified.
    pub fold: String,
    /// The word is all upper-case in the original (acronyms: "AP", "CNN").
    pub upper: bool,
}

/// Folds one word or phrase: NFKD, no combining marks, lower case, Arabic normalised.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            // tatweel
            '\u{0640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            'ة' => out.push('ه'),
            'ؤ' => out.push('و'),
            'ئ' => out.push('ي'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The words of a text (runs of letters and digits; a decimal/thousands separator between
/// digits stays inside the word: "2,053", "6.3").
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    let mut prev_digit = false;
    while let Some((i, c)) = chars.next() {
        let word_char = c.is_alphanumeric();
        let joins_number = (c == ',' || c == '.')
            && prev_digit
            && start.is_some()
            && chars.peek().is_some_and(|(_, n)| n.is_ascii_digit());
        if word_char || joins_number {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            push_word(text, s, i, &mut out);
        }
        prev_digit = c.is_ascii_digit();
    }
    if let Some(s) = start {
        push_word(text, s, text.len(), &mut out);
    }
    out
}

fn push_word(text: &str, s: usize, e: usize, out: &mut Vec<Word>) {
    let w = text.get(s..e).unwrap_or("");
    let upper = w.chars().any(|c| c.is_uppercase()) && !w.chars().any(|c| c.is_lowercase());
    out.push(Word {
        start: s,
        end: e,
        fold: fold(w),
        upper,
    });
}

/// Folded words of a phrase, as strings.
pub fn fold_words(s: &str) -> Vec<String> {
    words(s).into_iter().map(|w| w.fold).collect()
}

/// The word without the Arabic proclitics it may carry before a name: conjunction و/ف,
/// preposition ل/ب/ك, article ال ("ولرويترز" → "رويترز"). Longest strip last.
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

/// A number written in a text, as a value (digits with separators; a few number words).
pub fn number_value(w: &str) -> Option<f64> {
    if w.chars().any(|c| c.is_ascii_digit()) {
        if !w
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return None;
        }
        // "2,053" / "2.053" (thousands) vs "6.3" (decimal).
        let parts: Vec<&str> = w.split([',', '.']).collect();
        let thousands =
            parts.len() > 1 && parts.iter().skip(1).all(|p| p.len() == 3) && parts[0].len() <= 3;
        let s: String = if thousands {
            w.chars().filter(|c| c.is_ascii_digit()).collect()
        } else {
            w.replace(',', ".")
        };
        return s.parse().ok();
    }
    let v = match w {
        "dozen" | "douzaine" | "docena" => 12.0,
        "hundred" | "hundreds" | "centaine" | "centaines" | "cien" | "cientos" | "centenares" => {
            100.0
        }
        "thousand" | "thousands" | "millier" | "milliers" | "mil" | "miles" | "الاف" | "الف" => {
            1000.0
        }
        _ => return None,
    };
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds() {
        assert_eq!(fold("Según"), "segun");
        assert_eq!(fold("l'AFP"), "l'afp");
        assert_eq!(fold("أسوشيتد"), "اسوشيتد");
    }

    #[test]
    fn words_keep_offsets() {
        let t = "Selon l'AFP, 2,053 morts à Hérat.";
        let w = words(t);
        let f: Vec<&str> = w.iter().map(|w| w.fold.as_str()).collect();
        assert_eq!(f, ["selon", "l", "afp", "2,053", "morts", "a", "herat"]);
        assert_eq!(&t[w[2].start..w[2].end], "AFP");
        assert!(w[2].upper);
        assert_eq!(number_value("2,053"), Some(2053.0));
        assert_eq!(number_value("6.3"), Some(6.3));
        assert_eq!(number_value("milliers"), Some(1000.0));
    }
}

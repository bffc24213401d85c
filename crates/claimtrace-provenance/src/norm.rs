//! Text folding and words: the shared normaliser of [`claimtrace_text::norm`], plus number
//! values.

pub use claimtrace_text::norm::{Word, arabic_stems, fold_words};

/// The words of a text, folded ([`claimtrace_text::norm::folded_words`]).
pub fn words(text: &str) -> Vec<Word> {
    claimtrace_text::norm::folded_words(text)
}

/// A number written in a text, as a value (digits with separators; a few number words).
pub fn number_value(w: &str) -> Option<f64> {
    if w.chars().any(|c| c.is_ascii_digit()) {
        // "1 000": a no-break or thin space groups thousands (French, Spanish).
        let spaced;
        let w = if w.contains(['\u{00A0}', '\u{202F}', '\u{2009}']) {
            spaced = w.replace(['\u{00A0}', '\u{202F}', '\u{2009}'], ",");
            spaced.as_str()
        } else {
            w
        };
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
    fn numbers() {
        assert_eq!(number_value("2,053"), Some(2053.0));
        assert_eq!(number_value("6.3"), Some(6.3));
        assert_eq!(number_value("1\u{a0}000"), Some(1000.0));
        assert_eq!(number_value("milliers"), Some(1000.0));
    }
}

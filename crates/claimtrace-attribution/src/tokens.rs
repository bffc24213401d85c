//! A light word tokenizer, sentence splitter and quotation finder, self-contained so that the
//! attribution stage gives the same tokens at training and run time whatever ran before it.

/// A word or punctuation mark with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    pub lower: String,
    /// Letters or digits (not punctuation).
    pub word: bool,
    /// Starts with an uppercase letter.
    pub cap: bool,
}

const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "jr", "sr", "lt", "col", "sgt", "gov", "sen", "rep",
    "prof", "capt", "cmdr", "maj", "adm", "rev", "hon", "pres", "no", "vs", "etc", "inc", "corp",
    "ltd", "co", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "mme", "m",
    "mlle", "sra", "sr", "dña", "d",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\u{0640}' || c.is_mark()
}

trait IsMark {
    fn is_mark(&self) -> bool;
}

impl IsMark for char {
    fn is_mark(&self) -> bool {
        // Combining marks (Arabic harakat, Latin combining accents).
        matches!(*self as u32, 0x0300..=0x036F | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED)
    }
}

/// Lowercase, without Arabic diacritics and tatweel (so "وفقًا" matches "وفقا").
pub fn normalize(s: &str) -> String {
    if s.is_ascii() {
        // (the same: no Arabic marks, and ASCII letters lowercase to ASCII)
        return s.to_ascii_lowercase();
    }
    s.chars()
        .filter(|c| !matches!(*c as u32, 0x064B..=0x0652 | 0x0640 | 0x0670))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Splits text into words and punctuation marks. Words keep inner `-`, `'`, `’`, `.` (U.S.,
/// al-Jazairi, d'après, don't) and a final `.` of abbreviations and initials ("A.", "Mr.").
pub fn tokenize(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let mut i = 0;
    let byte_at = |k: usize| chars.get(k).map(|x| x.0).unwrap_or(text.len());
    while i < n {
        let Some(&(b, c)) = chars.get(i) else { break };
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if is_word_char(c) {
            let mut j = i + 1;
            while j < n {
                let cj = chars.get(j).map(|x| x.1).unwrap_or(' ');
                if is_word_char(cj) {
                    j += 1;
                    continue;
                }
                let next = chars.get(j + 1).map(|x| x.1).unwrap_or(' ');
                if matches!(cj, '-' | '\'' | '’' | '.' | '‑') && is_word_char(next) {
                    // "’s" possessive: split it off.
                    if matches!(cj, '\'' | '’')
                        && matches!(next, 's' | 'S')
                        && !chars.get(j + 2).is_some_and(|x| is_word_char(x.1))
                    {
                        break;
                    }
                    j += 2;
                    continue;
                }
                break;
            }
            // Abbreviation or initial with its final dot.
            let w = text.get(b..byte_at(j)).unwrap_or("");
            if chars.get(j).is_some_and(|x| x.1 == '.')
                && ((w.chars().count() == 1 && c.is_uppercase())
                    || ABBREV.contains(&w.to_lowercase().as_str())
                    || (w.contains('.') && w.chars().all(|x| x.is_alphabetic() || x == '.')))
            {
                j += 1;
            }
            let e = byte_at(j);
            let s = text.get(b..e).unwrap_or("");
            out.push(Tok {
                start: b,
                end: e,
                lower: normalize(s),
                word: true,
                cap: c.is_uppercase(),
            });
            i = j;
        } else {
            // "'s" / "’s" after a word.
            if matches!(c, '\'' | '’')
                && chars.get(i + 1).is_some_and(|x| matches!(x.1, 's' | 'S'))
                && !chars.get(i + 2).is_some_and(|x| is_word_char(x.1))
                && i > 0
                && chars.get(i - 1).is_some_and(|x| is_word_char(x.1))
            {
                let e = byte_at(i + 2);
                out.push(Tok {
                    start: b,
                    end: e,
                    lower: "'s".into(),
                    word: true,
                    cap: false,
                });
                i += 2;
                continue;
            }
            let e = byte_at(i + 1);
            out.push(Tok {
                start: b,
                end: e,
                lower: c.to_string(),
                word: false,
                cap: false,
            });
            i += 1;
        }
    }
    out
}

/// Sentence ranges over tokens: split after `.`, `!`, `?`, `…` (and closing quotes or
/// brackets right after them) and at line breaks.
pub fn sentences(text: &str, toks: &[Tok]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < toks.len() {
        let Some(t) = toks.get(i) else { break };
        // Line break between this token and the next.
        let next_start = toks.get(i + 1).map(|x| x.start).unwrap_or(text.len());
        let gap = text.get(t.end..next_start).unwrap_or("");
        let mut end_here = gap.contains('\n');
        if !end_here && matches!(t.lower.as_str(), "." | "!" | "?" | "…" | "؟") {
            // absorb closing quotes/brackets
            let mut j = i + 1;
            while toks.get(j).is_some_and(|x| {
                matches!(x.lower.as_str(), "»" | "”" | ")" | "’")
                    || (matches!(x.lower.as_str(), "\"" | "'")
                        && (toks.get(j - 1).is_some_and(|p| p.end == x.start)
                            || toks.get(j + 1).is_none_or(|n| n.start > x.end)))
            }) {
                j += 1;
            }
            let nxt = toks.get(j);
            let gap_ok = nxt.is_none_or(|n| {
                let prev_end = toks.get(j.saturating_sub(1)).map(|x| x.end).unwrap_or(0);
                text.get(prev_end..n.start)
                    .is_some_and(|g| g.chars().any(char::is_whitespace))
            });
            let starts_ok = nxt.is_none_or(|n| {
                n.cap || !n.word || n.lower.chars().next().is_some_and(|c| !c.is_lowercase())
            });
            if gap_ok && starts_ok {
                i = j - 1;
                end_here = true;
            }
        }
        if end_here {
            out.push((start, i + 1));
            start = i + 1;
        }
        i += 1;
    }
    if start < toks.len() {
        out.push((start, toks.len()));
    }
    out
}

/// A quotation: token indices of its marks (the closing one is `None` when it never closes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub open: usize,
    /// Index of the closing mark, or the last token the quote covers when it never closes.
    pub close: usize,
    pub closed: bool,
    pub depth: u8,
}

fn opening(c: &str) -> Option<&'static str> {
    Some(match c {
        "«" => "»",
        "“" => "”",
        "„" => "“",
        "‹" => "›",
        "「" => "」",
        "『" => "』",
        "‘" => "’",
        _ => return None,
    })
}

/// Finds quotations in any common style: « », “ ”, „ “, ‹ ›, 「 」, straight double quotes,
/// nested up to a depth of 8. A quote left open at the end of a paragraph closes there, unless
/// the next paragraph opens with a quote mark (the multi-paragraph convention). Stray closing
/// marks are ignored.
pub fn quotes(text: &str, toks: &[Tok]) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::new();
    // stack of (token index, expected closer)
    let mut stack: Vec<(usize, &'static str)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        // paragraph break before this token: close or continue open quotes
        if i > 0 && !stack.is_empty() {
            let prev_end = toks.get(i - 1).map(|p| p.end).unwrap_or(0);
            let gap = text.get(prev_end..t.start).unwrap_or("");
            if gap.contains('\n') {
                let continues = opening(&t.lower).is_some() || t.lower == "\"";
                if !continues {
                    while let Some((o, _)) = stack.pop() {
                        out.push(Quote {
                            open: o,
                            close: i - 1,
                            closed: false,
                            depth: stack.len() as u8,
                        });
                    }
                } else {
                    // The reopening mark continues the quote: skip it.
                    continue;
                }
            }
        }
        if t.word {
            continue;
        }
        let c = t.lower.as_str();
        if c == "\"" {
            if stack.last().is_some_and(|(_, cl)| *cl == "\"") {
                if let Some((o, _)) = stack.pop() {
                    out.push(Quote {
                        open: o,
                        close: i,
                        closed: true,
                        depth: stack.len() as u8,
                    });
                }
            } else if stack.len() < 8 {
                stack.push((i, "\""));
            }
            continue;
        }
        if let Some(pos) = stack.iter().rposition(|(_, cl)| *cl == c) {
            // close this one (and any unclosed inner ones)
            while stack.len() > pos + 1 {
                if let Some((o, _)) = stack.pop() {
                    out.push(Quote {
                        open: o,
                        close: i.saturating_sub(1),
                        closed: false,
                        depth: stack.len() as u8,
                    });
                }
            }
            if let Some((o, _)) = stack.pop() {
                out.push(Quote {
                    open: o,
                    close: i,
                    closed: true,
                    depth: stack.len() as u8,
                });
            }
            continue;
        }
        if c == "‘" || c == "’" {
            // single quotes: only as an opener at word start
            if c == "‘" && stack.len() < 8 {
                stack.push((i, "’"));
            }
            continue;
        }
        if let Some(cl) = opening(c)
            && stack.len() < 8
        {
            stack.push((i, cl));
        }
    }
    let last = toks.len().saturating_sub(1);
    while let Some((o, _)) = stack.pop() {
        out.push(Quote {
            open: o,
            close: last,
            closed: false,
            depth: stack.len() as u8,
        });
    }
    // Unclosed single-quote openers are mostly apostrophes: drop them.
    out.retain(|q| q.closed || toks.get(q.open).is_some_and(|t| t.lower != "‘"));
    out.sort_by_key(|q| (q.open, std::cmp::Reverse(q.close)));
    out
}

/// Per token: the depth of quotation it is inside (0 = outside; marks count as inside).
pub fn quote_depth(n: usize, qs: &[Quote]) -> Vec<u8> {
    let mut d = vec![0u8; n];
    for q in qs {
        if let Some(s) = d.get_mut(q.open..=q.close.min(n.saturating_sub(1))) {
            for x in s {
                *x = x.saturating_add(1);
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<String> {
        tokenize(t).into_iter().map(|x| x.lower).collect()
    }

    #[test]
    fn tokens() {
        assert_eq!(
            words("Mohamed A., said «ISIS' men» in the U.S. d'après al-Jazairi’s"),
            vec![
                "mohamed",
                "a.",
                ",",
                "said",
                "«",
                "isis",
                "'",
                "men",
                "»",
                "in",
                "the",
                "u.s.",
                "d'après",
                "al-jazairi",
                "'s"
            ]
        );
        assert_eq!(words("وفقًا لـوكالة"), vec!["وفقا", "لوكالة"]);
    }

    #[test]
    fn sentence_split() {
        let t = "He said it. «Yes.» She left.\nNext line Mr. Smith came";
        let toks = tokenize(t);
        let s = sentences(t, &toks);
        assert_eq!(s.len(), 4, "{s:?}");
    }

    #[test]
    fn quote_styles() {
        for t in [
            "a «b “c” d» e",
            "a “b ‘c’ d” e",
            "a \"b c\" d",
            "a „b c“ d",
            "a «b c",
            "a b» c «d",
        ] {
            let toks = tokenize(t);
            let q = quotes(t, &toks);
            assert!(q.len() <= 2, "{t}: {q:?}");
            for x in &q {
                assert!(x.open <= x.close && x.close < toks.len());
            }
        }
        let t = "a «b “c” d» e";
        let toks = tokenize(t);
        let q = quotes(t, &toks);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].depth, 0);
        assert_eq!(q[1].depth, 1);
        // unclosed closes at paragraph end
        let t = "«a b c\n\nd e";
        let toks = tokenize(t);
        let q = quotes(t, &toks);
        assert_eq!(q[0].close, 3);
        assert!(!q[0].closed);
    }
}

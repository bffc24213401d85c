//! Sentence splitting over surface tokens.

use crate::chars::{is_closing, is_lower, is_terminal};
use crate::data::{AbbrevKind, Lang, LangData};
use claimtrace_core::Span;

/// What a token can do at a sentence end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    No,
    /// ". ! ?" and runs of them: end a sentence whatever the case of the next word (UD
    /// web text often starts sentences in lowercase).
    Terminal,
    /// "..." and "…": end one only before a capital.
    Ellipsis,
    /// An abbreviation that may end a sentence; `lower_first`: "etc." rather than "U.S.".
    Abbrev {
        lower_first: bool,
    },
}

fn end_kind(tok: &str, lang: Lang, d: &LangData, lower: &mut String) -> End {
    // French and Spanish UD treebanks end sentences at semicolons.
    if tok == ";" && matches!(lang, Lang::Fr | Lang::Es) {
        return End::Terminal;
    }
    let mut chars = tok.chars();
    let Some(first) = chars.next() else {
        return End::No;
    };
    if tok.chars().all(is_terminal) {
        if tok == "…" || tok.starts_with("..") || tok.starts_with("…") {
            return End::Ellipsis;
        }
        return End::Terminal;
    }
    if !tok.ends_with('.') || first == '.' {
        return End::No;
    }
    let kind = d.abbrevs.get(tok).copied().or_else(|| {
        lower.clear();
        lower.extend(tok.chars().flat_map(char::to_lowercase));
        d.abbrevs_lower.get(lower.as_str()).copied()
    });
    match kind {
        Some(AbbrevKind::Inner) => End::No,
        Some(AbbrevKind::MayEnd) => End::Abbrev {
            lower_first: is_lower(first),
        },
        None => {
            // Unknown: initials ("J.") never end; "U.S."-like groups may.
            if tok.chars().count() == 2 {
                End::No
            } else {
                End::Abbrev {
                    lower_first: is_lower(first),
                }
            }
        }
    }
}

/// Number of line breaks in a gap of whitespace.
fn newlines(gap: &str) -> usize {
    gap.bytes().filter(|&b| b == b'\n').count() + gap.matches('\u{2029}').count()
}

/// Splits `toks` into sentences: pushes `(first, one past last)` token indices to `out`.
pub(crate) fn split(
    text: &str,
    toks: &[Span],
    lang: Lang,
    d: &LangData,
    lower: &mut String,
    out: &mut Vec<(u32, u32)>,
) {
    let n = toks.len();
    if n == 0 {
        return;
    }
    let mut start = 0usize;
    // After a terminal: waiting for the first token that is not a closing quote/bracket.
    let mut pending = End::No;
    let mut prev_end = toks[0].start as usize;
    for i in 0..n {
        let t = toks[i];
        let s = t.start as usize;
        let gap = text.get(prev_end..s).unwrap_or("");
        let tok = t.text(text);
        let first = tok.chars().next().unwrap_or(' ');
        let mut boundary = false;
        if i > start {
            let nl = newlines(gap);
            if nl >= 2 {
                boundary = true;
            } else if pending != End::No {
                let attached = gap.is_empty();
                let closer = is_closing(first)
                    && tok.chars().count() == 1
                    && (matches!(first, ')' | ']' | '}' | '»' | '›' | '”' | '」' | '』')
                        || attached);
                if closer {
                    // keep pending: the quote belongs to the sentence that ends
                } else {
                    boundary = starts_sentence(tok, first, pending, lang, d, lower);
                    pending = End::No;
                }
            } else if nl == 0
                && d.boundary_total.0 > 0
                && first.is_uppercase()
                && !toks[i - 1]
                    .text(text)
                    .chars()
                    .last()
                    .is_some_and(|c| matches!(c, '.' | '!' | '?' | '…'))
                // never right after an opening quote or bracket ("said that «Moroccan …")
                && !matches!(
                    toks[i - 1].text(text),
                    "«" | "“" | "„" | "‹" | "‘" | "(" | "[" | "{" | "「" | "『"
                )
            {
                // No final punctuation before a capital: a learned decision (web text often
                // ends sentences so; news rarely does).
                boundary =
                    boundary_score(toks[i - 1].text(text), tok, d, lower) > BOUNDARY_THRESHOLD;
            } else if nl == 1 {
                // A line break after a line without final punctuation (headlines, lists).
                let prev = toks[i - 1].text(text);
                let pc = prev.chars().last().unwrap_or(' ');
                let continues = matches!(pc, ',' | ';' | ':' | '-' | '–' | '(' | '[' | '«' | '“')
                    || prev.chars().all(char::is_alphanumeric) && is_lower(first);
                boundary = !continues && !is_lower(first);
            }
        }
        if boundary {
            out.push((start as u32, i as u32));
            start = i;
            pending = End::No;
        }
        if pending == End::No || !is_closing(first) {
            let k = end_kind(tok, lang, d, lower);
            if k != End::No && !(pending == End::Terminal && k == End::Ellipsis) {
                pending = k;
            }
        }
        prev_end = t.end as usize;
    }
    out.push((start as u32, n as u32));
}

/// After a sentence-final token (and its closing quotes), does `tok` start a new sentence?
fn starts_sentence(
    tok: &str,
    first: char,
    pending: End,
    lang: Lang,
    d: &LangData,
    lower: &mut String,
) -> bool {
    if matches!(first, ',' | ';' | ':' | '.' | '%' | ')' | ']' | '}') {
        return false;
    }
    if pending == End::Terminal && lang != Lang::Other {
        return true;
    }
    if is_lower(first) {
        return false;
    }
    let upper_like = first.is_uppercase() || (first.is_alphabetic() && !is_lower(first));
    match pending {
        End::No => false,
        End::Terminal | End::Ellipsis => true,
        End::Abbrev { lower_first } => {
            if lower_first {
                upper_like
            } else if upper_like {
                lower.clear();
                lower.extend(tok.chars().flat_map(char::to_lowercase));
                d.starters.contains(lower.as_str())
            } else {
                false
            }
        }
    }
}

/// Log-odds above which a position without final punctuation ends a sentence (tuned on EWT dev
/// for precision: about 4 in 5 such splits are right there).
const BOUNDARY_THRESHOLD: f64 = 8.0;

fn shape(w: &str) -> &str {
    let mut chars = w.chars();
    let first = chars.next().unwrap_or(' ');
    let cased = w.chars().any(|c| c.is_uppercase() || c.is_lowercase());
    if cased && w.chars().count() > 1 && !w.chars().any(char::is_lowercase) {
        return "UP";
    }
    if first.is_uppercase() {
        return "Cap";
    }
    if first.is_lowercase() {
        return "low";
    }
    if first.is_numeric() {
        return "dig";
    }
    let two = w.char_indices().nth(2).map_or(w.len(), |x| x.0);
    w.get(..two).unwrap_or("")
}

/// Naive-Bayes log-odds that a sentence ends between `a` and `b` (see lang/en/boundary.tsv).
fn boundary_score(a: &str, b: &str, d: &LangData, key: &mut String) -> f64 {
    let mut s = d.boundary_prior;
    let sa = shape(a);
    let sb = shape(b);
    for f in 0..5 {
        key.clear();
        match f {
            0 => {
                key.push_str("P=");
                key.extend(a.chars().flat_map(char::to_lowercase));
            }
            1 => {
                key.push_str("N=");
                key.extend(b.chars().flat_map(char::to_lowercase));
            }
            2 => {
                key.push_str("PS=");
                key.push_str(sa);
            }
            3 => {
                key.push_str("NS=");
                key.push_str(sb);
            }
            _ => {
                key.push_str("PN=");
                key.push_str(sa);
                key.push('_');
                key.extend(b.chars().flat_map(char::to_lowercase));
            }
        }
        s += d
            .boundary
            .get(key.as_str())
            .copied()
            .unwrap_or(d.boundary_unseen);
    }
    s
}

//! Quotations: where each quote opens and closes, found once for every stage that reads them
//! (attribution's direct / mixed speech and quote features, provenance's shared and altered
//! quotes).
//!
//! In: a text and its tokens (byte spans, in order, as [`crate::Tokenized`] or `Doc::tokens`
//! give them). Out: [`Quote`]s as token indices of their marks, with nesting depth.
//!
//! Every common style: « », “ ”, „ “, ‹ ›, 「 」, 『 』, ‘ ’ and straight double quotes, nested up to
//! a depth of 8. A quote left open at the end of a paragraph closes there, unless the next
//! paragraph opens with a quote mark (the multi-paragraph convention). Stray closing marks are
//! ignored; an unclosed `‘` is taken for an apostrophe and dropped.

use claimtrace_core::Span;

/// A quotation over a token sequence: the indices of its marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// Index of the opening mark.
    pub open: usize,
    /// Index of the closing mark, or of the last token the quote covers when it never closes.
    pub close: usize,
    pub closed: bool,
    /// 0 for a quote inside no other.
    pub depth: u8,
}

const MAX_DEPTH: usize = 8;

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

/// Whether a token's text can be a quote mark at all.
fn is_mark(c: &str) -> bool {
    c == "\"" || opening(c).is_some() || matches!(c, "»" | "”" | "›" | "」" | "』" | "’")
}

/// Quotations over `tokens` (byte spans into `text`, in order), sorted by opening mark, outer
/// before inner.
pub fn find(text: &str, tokens: &[Span]) -> Vec<Quote> {
    let tok = |i: usize| tokens.get(i).map_or("", |s| s.text(text));
    let mut out: Vec<Quote> = Vec::new();
    // stack of (token index, expected closer)
    let mut stack: Vec<(usize, &'static str)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let c = tok(i);
        // paragraph break before this token: close or continue open quotes
        if i > 0 && !stack.is_empty() {
            let prev_end = tokens.get(i - 1).map_or(0, |p| p.end as usize);
            if text
                .get(prev_end..t.start as usize)
                .is_some_and(|g| g.contains('\n'))
            {
                if opening(c).is_some() || c == "\"" {
                    // The reopening mark continues the quote: skip it.
                    continue;
                }
                while let Some((o, _)) = stack.pop() {
                    out.push(Quote {
                        open: o,
                        close: i - 1,
                        closed: false,
                        depth: stack.len() as u8,
                    });
                }
            }
        }
        if !is_mark(c) {
            continue;
        }
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
            } else if stack.len() < MAX_DEPTH {
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
            if c == "‘" && stack.len() < MAX_DEPTH {
                stack.push((i, "’"));
            }
            continue;
        }
        if let Some(cl) = opening(c)
            && stack.len() < MAX_DEPTH
        {
            stack.push((i, cl));
        }
    }
    let last = tokens.len().saturating_sub(1);
    while let Some((o, _)) = stack.pop() {
        out.push(Quote {
            open: o,
            close: last,
            closed: false,
            depth: stack.len() as u8,
        });
    }
    // Unclosed single-quote openers are mostly apostrophes: drop them.
    out.retain(|q| q.closed || tok(q.open) != "‘");
    out.sort_by_key(|q| (q.open, std::cmp::Reverse(q.close)));
    out
}

/// Per token: the depth of quotation it is inside (0 = outside; marks count as inside).
pub fn depth(n: usize, quotes: &[Quote]) -> Vec<u8> {
    let mut d = vec![0u8; n];
    for q in quotes {
        if let Some(s) = d.get_mut(q.open..=q.close.min(n.saturating_sub(1))) {
            for x in s {
                *x = x.saturating_add(1);
            }
        }
    }
    d
}

/// The closed quotations of a text that is not tokenized, outermost only, as the byte range
/// between their marks (marks excluded). The marks are found as [`find`] finds them among
/// tokens: a quote character standing between two letters ("don’t") is no mark.
pub fn quotations(text: &str) -> Vec<Span> {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut marks: Vec<Span> = Vec::new();
    let mut prev: Option<char> = None;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|x| x.1);
        let mut buf = [0u8; 4];
        if is_mark(c.encode_utf8(&mut buf)) && !(word(prev) && word(next)) {
            marks.push(Span::new(i, i + c.len_utf8()));
        }
        prev = Some(c);
    }
    // Between two marks, a paragraph break counts only where it starts the next mark's line
    // or leaves text: put a zero-width token at every line start that is not a mark's own.
    let mut toks: Vec<Span> = Vec::with_capacity(marks.len() * 2);
    let mut m = marks.iter().peekable();
    let mut line_starts = text
        .match_indices('\n')
        .map(|(k, _)| k + 1)
        .filter(|&k| k < text.len())
        .peekable();
    loop {
        match (m.peek(), line_starts.peek()) {
            (Some(&&s), Some(&l)) if (s.start as usize) < l => {
                toks.push(s);
                m.next();
            }
            (_, Some(&l)) => {
                // the first non-space character of the line, if not a mark
                let rest = text.get(l..).unwrap_or("");
                let off = rest.len() - rest.trim_start().len();
                let at = l + off;
                let is_next_mark = m.peek().is_some_and(|s| s.start as usize == at);
                if at < text.len() && !is_next_mark {
                    toks.push(Span::new(at, at));
                }
                line_starts.next();
            }
            (Some(&&s), None) => {
                toks.push(s);
                m.next();
            }
            (None, None) => break,
        }
    }
    find(text, &toks)
        .into_iter()
        .filter(|q| q.closed && q.depth == 0)
        .filter_map(|q| {
            let a = toks.get(q.open)?.end;
            let b = toks.get(q.close)?.start;
            (a <= b).then_some(Span { start: a, end: b })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(t: &str) -> Vec<Span> {
        crate::tokenize_str(t, "en").tokens
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
            let tk = toks(t);
            let q = find(t, &tk);
            assert!(q.len() <= 2, "{t}: {q:?}");
            for x in &q {
                assert!(x.open <= x.close && x.close < tk.len());
            }
        }
        let t = "a «b “c” d» e";
        let q = find(t, &toks(t));
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].depth, 0);
        assert_eq!(q[1].depth, 1);
        // unclosed closes at paragraph end
        let t = "«a b c\n\nd e";
        let q = find(t, &toks(t));
        assert_eq!(q[0].close, 3);
        assert!(!q[0].closed);
        // continued over paragraphs
        let t = "«a b\n\n«c d» e";
        let q = find(t, &toks(t));
        assert_eq!(q.len(), 1);
        assert!(q[0].closed);
    }

    #[test]
    fn no_sentence_ends_after_an_opening_quote() {
        let t = "He said that «Moroccan jihadists planned» the move. Then “Nobody knew” it.";
        assert_eq!(crate::tokenize_str(t, "en").sentences.len(), 2);
    }

    #[test]
    fn quotations_of_plain_text() {
        let t = "He said « a “b” c » and “don’t go” then \"x\"\n“open\n\nlast";
        let q: Vec<&str> = quotations(t).iter().map(|s| s.text(t)).collect();
        assert_eq!(q, [" a “b” c ", "don’t go", "x"]);
        assert!(quotations("« unclosed quote \" and AP").is_empty());
        let t = "«one\n\n«two»";
        let q: Vec<&str> = quotations(t).iter().map(|s| s.text(t)).collect();
        assert_eq!(q, ["one\n\n«two"]);
    }
}

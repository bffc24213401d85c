//! The search syntax of `q` (articles) and `query` (claims), turned into FTS5 queries.
//!
//! Supported: words (all required), `"quoted phrases"`, a prefix `word*`, and `OR` between two
//! terms (`budget OR deficit`, binding tighter than the implicit AND, as in web search:
//! `harbour strike OR walkout` is `harbour (strike OR walkout)`). Rejected with a message
//! saying so: `NOT`/`-word`, `NEAR`, parentheses, `column:` filters, an unbalanced quote, a
//! dangling `OR`. Anything else that is not a letter or digit separates words, so every other
//! input is a valid query.

use crate::error::{Error, Result};

/// Most terms in one query.
const MAX_TERMS: usize = 32;
/// Longest word kept (characters).
const MAX_WORD: usize = 100;

/// One term: a phrase of one or more words, possibly a prefix (last word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The words, as typed (FTS5 folds them itself).
    pub words: Vec<String>,
    pub prefix: bool,
}

impl Term {
    /// The FTS5 phrase: `"w1 w2"` or `"w" *`.
    pub fn fts(&self) -> String {
        let mut s = format!("\"{}\"", self.words.join(" "));
        if self.prefix {
            s.push_str(" *");
        }
        s
    }
}

/// A parsed query: a conjunction of groups, each a disjunction of terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub groups: Vec<Vec<Term>>,
}

impl Parsed {
    /// The FTS5 MATCH expression.
    pub fn fts(&self) -> String {
        self.groups
            .iter()
            .map(|g| {
                if g.len() == 1 {
                    g[0].fts()
                } else {
                    let inner: Vec<String> = g.iter().map(Term::fts).collect();
                    format!("({})", inner.join(" OR "))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Every FTS5 phrase in query order (one document count each for ranking).
    pub fn phrases(&self) -> Vec<String> {
        self.groups.iter().flatten().map(Term::fts).collect()
    }

    /// Every term, for highlighting.
    pub fn terms(&self) -> impl Iterator<Item = &Term> {
        self.groups.iter().flatten()
    }
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || claimtrace_text_like_mark(c)
}

/// Combining marks stay inside words (as FTS5's `unicode61` keeps them before removing
/// diacritics).
fn claimtrace_text_like_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670)
}

fn bad(msg: impl Into<String>) -> Error {
    Error::InvalidQuery(msg.into())
}

/// Splits plain text into words (for inside a phrase).
fn split_words(s: &str) -> Vec<String> {
    s.split(|c: char| !word_char(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_WORD).collect())
        .collect()
}

/// Parses the user's query. `Ok(None)` when it holds no word at all.
pub fn parse(q: &str) -> Result<Option<Parsed>> {
    #[derive(Debug)]
    enum Tok {
        Term(Term),
        Or,
    }
    let mut toks: Vec<Tok> = Vec::new();
    let mut it = q.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        if c == '"' {
            it.next();
            let rest = &q[i + 1..];
            let Some(end) = rest.find('"') else {
                return Err(bad(
                    "unbalanced quote: close the phrase with a second `\"` (or remove the quote)",
                ));
            };
            let words = split_words(&rest[..end]);
            // Skip to after the closing quote.
            let stop = i + 1 + end;
            while it.peek().is_some_and(|&(j, _)| j <= stop) {
                it.next();
            }
            let prefix = it.peek().is_some_and(|&(_, c)| c == '*');
            if prefix {
                it.next();
            }
            if !words.is_empty() {
                toks.push(Tok::Term(Term { words, prefix }));
            }
            continue;
        }
        if c == '(' || c == ')' {
            return Err(bad(
                "parentheses are not supported: write `a b OR c` (OR binds to its neighbours)",
            ));
        }
        if c == '-' && (i == 0 || q[..i].ends_with(char::is_whitespace)) {
            let next = q[i + 1..].chars().next();
            if next.is_some_and(word_char) || next == Some('"') {
                return Err(bad(
                    "excluding words (`-word`, `NOT`) is not supported: search for what must be there",
                ));
            }
        }
        if word_char(c) {
            let start = i;
            let mut end = i;
            while let Some(&(j, d)) = it.peek() {
                if word_char(d) {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            let w = &q[start..end];
            if it.peek().is_some_and(|&(_, d)| d == ':') {
                return Err(bad(format!(
                    "`{w}:` looks like a field filter, which search does not support: use the \
                     lang, outlet, from, to and story filters"
                )));
            }
            match w {
                "OR" => {
                    toks.push(Tok::Or);
                    continue;
                }
                "AND" => continue,
                "NOT" => {
                    return Err(bad(
                        "excluding words (`-word`, `NOT`) is not supported: search for what must be there",
                    ));
                }
                "NEAR" => {
                    return Err(bad("`NEAR` is not supported: use a quoted phrase"));
                }
                _ => {}
            }
            let prefix = it.peek().is_some_and(|&(_, d)| d == '*');
            if prefix {
                it.next();
            }
            toks.push(Tok::Term(Term {
                words: vec![w.chars().take(MAX_WORD).collect()],
                prefix,
            }));
            continue;
        }
        if c == '*' {
            return Err(bad(
                "`*` marks a prefix at the end of a word (`negotiat*`), not on its own",
            ));
        }
        it.next();
    }
    let mut groups: Vec<Vec<Term>> = Vec::new();
    let mut pending_or = false;
    let mut terms = 0usize;
    for t in toks {
        match t {
            Tok::Or => {
                if groups.is_empty() || pending_or {
                    return Err(bad("`OR` needs a word or phrase on each side"));
                }
                pending_or = true;
            }
            Tok::Term(term) => {
                terms += 1;
                if terms > MAX_TERMS {
                    break;
                }
                match (pending_or, groups.last_mut()) {
                    (true, Some(g)) => g.push(term),
                    _ => groups.push(vec![term]),
                }
                pending_or = false;
            }
        }
    }
    if pending_or {
        return Err(bad("`OR` needs a word or phrase on each side"));
    }
    Ok((!groups.is_empty()).then_some(Parsed { groups }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts(q: &str) -> String {
        parse(q).unwrap().unwrap().fts()
    }

    #[test]
    fn words_phrases_prefix_or() {
        assert_eq!(fts("harbour strike"), "\"harbour\" \"strike\"");
        assert_eq!(
            fts("\"harbour strike\" port"),
            "\"harbour strike\" \"port\""
        );
        assert_eq!(fts("negotiat*"), "\"negotiat\" *");
        assert_eq!(
            fts("harbour strike OR walkout"),
            "\"harbour\" (\"strike\" OR \"walkout\")"
        );
        assert_eq!(fts("a AND b"), "\"a\" \"b\"");
        assert_eq!(fts("it's 2,053"), "\"it\" \"s\" \"2\" \"053\"");
        assert_eq!(fts("or"), "\"or\"");
        assert!(parse("  ").unwrap().is_none());
        assert!(parse("\"\"").unwrap().is_none());
    }

    #[test]
    fn rejects_what_it_does_not_do() {
        for q in [
            "\"open",
            "a OR",
            "OR a",
            "a OR OR b",
            "(a b)",
            "-a b",
            "a NOT b",
            "a NEAR b",
            "title:x",
            "*",
        ] {
            let e = parse(q).unwrap_err().to_string();
            assert!(!e.is_empty(), "{q}");
        }
        // A hyphen inside a word is a separator, not an exclusion.
        assert_eq!(fts("ez-Zor"), "\"ez\" \"Zor\"");
    }
}

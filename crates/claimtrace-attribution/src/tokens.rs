//! The attribution's view of a text: one [`Tok`] per surface token of the pipeline's `tokens`
//! layer (the parts of a multi-word token, fr "du" = "de" + "le", share one), the pipeline's
//! `sentences` over them, the quotations of `claimtrace_text::quotes` and the parse
//! ([`crate::syntax`]). Nothing here tokenizes or splits on its own: a document the pipeline
//! has not tokenized is tokenized by `claimtrace-text` (the pipeline's tokenizer) first, so
//! the sentences of a claim are always those of the `sentences` layer.

use crate::syntax::{self, Syn};
use claimtrace_core::{Sentence, Span, Token};
pub use claimtrace_text::quotes::Quote;

/// A surface token with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    /// Lowercase, without Arabic diacritics and tatweel ([`normalize`]).
    pub lower: String,
    /// Letters or digits (not punctuation).
    pub word: bool,
    /// Starts with an uppercase letter.
    pub cap: bool,
}

impl Tok {
    fn new(text: &str, s: Span) -> Tok {
        let w = s.text(text);
        Tok {
            start: s.start as usize,
            end: s.end as usize,
            lower: normalize(w),
            word: w.chars().any(|c| c.is_alphanumeric()),
            cap: w.chars().next().is_some_and(char::is_uppercase),
        }
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

/// Tokens, sentences (token ranges), quotations and parse of one text.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub toks: Vec<Tok>,
    pub sentences: Vec<(usize, usize)>,
    pub quotes: Vec<Quote>,
    /// Empty when the words carry no tags.
    pub syn: Vec<Syn>,
}

/// The view of `text` from the pipeline's `words` (`Doc::tokens`) and `sentences`
/// (`Doc::sentences`). With no words, `text` is tokenized and split by `claimtrace-text` in
/// `lang`; with words but no sentences (a caller that kept only the tokens), the sentences are
/// those `claimtrace-text` gives the text, each token going to the sentence it starts in.
pub fn build(text: &str, lang: &str, words: &[Token], sentences: &[Sentence]) -> View {
    if words.is_empty() {
        let t = claimtrace_text::tokenize_str(text, lang);
        let toks: Vec<Tok> = t.tokens.iter().map(|&s| Tok::new(text, s)).collect();
        let sentences = t
            .sentences
            .iter()
            .map(|&(a, b)| (a as usize, b as usize))
            .filter(|(a, b)| a < b)
            .collect();
        let spans = t.tokens;
        return View {
            quotes: claimtrace_text::quotes::find(text, &spans),
            toks,
            sentences,
            syn: Vec::new(),
        };
    }
    // surface tokens: consecutive words with one span are the parts of one token
    let mut spans: Vec<Span> = Vec::with_capacity(words.len());
    let mut first_word: Vec<usize> = Vec::with_capacity(words.len());
    let mut w2t: Vec<usize> = Vec::with_capacity(words.len());
    for (wi, w) in words.iter().enumerate() {
        if spans.last() != Some(&w.span) {
            spans.push(w.span);
            first_word.push(wi);
        }
        w2t.push(spans.len() - 1);
    }
    let toks: Vec<Tok> = spans.iter().map(|&s| Tok::new(text, s)).collect();
    let n = toks.len();
    let mut sents: Vec<(usize, usize)> = Vec::with_capacity(sentences.len());
    if sentences.is_empty() {
        let t = claimtrace_text::tokenize_str(text, lang);
        let starts: Vec<usize> = t
            .sentences
            .iter()
            .filter_map(|&(a, _)| t.tokens.get(a as usize).map(|s| s.start as usize))
            .collect();
        let mut a = 0usize;
        let mut next = 1usize;
        for (i, tk) in toks.iter().enumerate() {
            let mut boundary = false;
            while starts.get(next).is_some_and(|&s| s <= tk.start) {
                next += 1;
                boundary = true;
            }
            if boundary && i > a {
                sents.push((a, i));
                a = i;
            }
        }
        if a < n {
            sents.push((a, n));
        }
    } else {
        let mut a = 0usize;
        for s in sentences {
            let b = w2t
                .get((s.token_end as usize).saturating_sub(1))
                .map_or(a, |&t| t + 1)
                .min(n);
            if b > a {
                sents.push((a, b));
                a = b;
            }
        }
        if a < n {
            sents.push((a, n));
        }
    }
    View {
        quotes: claimtrace_text::quotes::find(text, &spans),
        syn: syntax::from_words(words, &first_word, &w2t),
        toks,
        sentences: sents,
    }
}

/// The lowercase word tokens (punctuation left out) of a phrase of language data, as the
/// tokenizer cuts the text they are matched against.
pub fn words(phrase: &str, lang: &str) -> Vec<String> {
    let t = claimtrace_text::tokenize_str(phrase, lang);
    t.tokens
        .iter()
        .map(|&s| Tok::new(phrase, s))
        .filter(|t| t.word)
        .map(|t| t.lower)
        .collect()
}

/// All lowercase tokens of a phrase of language data (punctuation included).
pub fn tokens(phrase: &str, lang: &str) -> Vec<String> {
    let t = claimtrace_text::tokenize_str(phrase, lang);
    t.tokens.iter().map(|s| normalize(s.text(phrase))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_of_an_untokenized_text() {
        let t = "He said it. «Yes.» She left.\nNext line Mr. Smith came";
        let v = build(t, "en", &[], &[]);
        assert!(v.sentences.len() >= 3, "{:?}", v.sentences);
        let ws: Vec<&str> = v.toks.iter().map(|x| x.lower.as_str()).collect();
        assert!(ws.contains(&"mr."), "{ws:?}");
        assert_eq!(v.quotes.len(), 1);
        // sentences cover every token, in order
        let mut at = 0;
        for &(a, b) in &v.sentences {
            assert_eq!(a, at);
            assert!(b > a);
            at = b;
        }
        assert_eq!(at, v.toks.len());
    }

    #[test]
    fn view_of_the_pipeline_layers() {
        let mut d = claimtrace_core::Doc::from_text("t", "Il parle du vote. Elle dit «non».");
        claimtrace_text::tokenize(&mut d, "fr");
        let v = build(&d.text, "fr", &d.tokens, &d.sentences);
        let ws: Vec<&str> = v.toks.iter().map(|x| x.lower.as_str()).collect();
        assert!(ws.contains(&"du"), "{ws:?}");
        assert_eq!(v.sentences.len(), d.sentences.len());
        // the same without the sentences layer
        let w = build(&d.text, "fr", &d.tokens, &[]);
        assert_eq!(w.sentences, v.sentences);
    }
}

//! Tokenizer and sentence splitter (en, fr, es, ar).
//!
//! In: a text and its language. Out: surface tokens (UD's tokens: "don't", "du", "l'" are one
//! token each), sentences over them, and the syntactic words of multi-word tokens
//! ("du" = "de" + "le"), as UD treebanks have them.
//!
//! Rules plus language data in `lang/<xx>/` (abbreviations, multi-word token tables and their
//! contexts mined from UD training treebanks, elision and clitic lists), embedded in the
//! binary. No allocation per token once the buffers are warm.
//!
//! This crate is also the one home of language handling for the workspace:
//! - [`data`]: the one loader of `lang/` (every crate reads its word lists through it);
//! - [`norm`]: the one text normaliser (`fold`, `words`, `name_words`);
//! - [`outlets`]: the one outlet table (`lang/mul/outlets.tsv`) and its matcher;
//! - [`lang`]: where the language of an article is decided.
//!
//! Arabic: text is split on whitespace and punctuation (Arabic comma, semicolon, question
//! mark, full stop); words are kept whole (no clitic segmentation of و/ب/ل/ال).
//!
//! ```
//! let mut doc = claimtrace_core::Doc::from_text("d1", "Mr. Smith didn't go. He stayed.");
//! claimtrace_text::tokenize(&mut doc, "en");
//! assert_eq!(doc.sentences.len(), 2);
//! let words: Vec<&str> = doc.tokens.iter().map(|t| t.form(&doc.text)).collect();
//! assert_eq!(words, ["Mr.", "Smith", "did", "n't", "go", ".", "He", "stayed", "."]);
//! ```

mod chars;
pub mod data;
pub mod eval;
pub mod lang;
mod mwt;
pub mod norm;
pub mod outlets;
pub mod quotes;
mod scan;
mod sent;

use claimtrace_core::{Doc, Sentence, Span, Token};
use compact_str::CompactString;
pub use data::Lang;

/// Surface tokens and sentences of a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokenized {
    /// Surface tokens, in order, never overlapping, covering every non-whitespace character.
    pub tokens: Vec<Span>,
    /// Sentences as `(first token, one past the last token)` indices into `tokens`.
    pub sentences: Vec<(u32, u32)>,
}

impl Tokenized {
    pub fn clear(&mut self) {
        self.tokens.clear();
        self.sentences.clear();
    }
}

/// A tokenizer for one language; keep one per thread and reuse it (it owns scratch buffers).
pub struct Tokenizer {
    lang: Lang,
    scanner: scan::Scanner<'static>,
    expander: mwt::Expander,
    lower: String,
    /// Reused by [`Tokenizer::tokenize_doc`].
    scratch: Tokenized,
    parts: Vec<CompactString>,
}

impl Tokenizer {
    /// A tokenizer for an ISO 639-1 code (`en`, `fr`, `es`, `ar`; other codes get the generic
    /// rules).
    pub fn new(lang: &str) -> Self {
        Self::for_lang(Lang::from_code(lang))
    }

    pub fn for_lang(lang: Lang) -> Self {
        let d = data::lang_data(lang);
        Tokenizer {
            lang,
            scanner: scan::Scanner::new(lang, d),
            expander: mwt::Expander::default(),
            lower: String::new(),
            scratch: Tokenized::default(),
            parts: Vec::new(),
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Tokenizes and splits `text` into `out` (cleared first).
    pub fn tokenize_into(&mut self, text: &str, out: &mut Tokenized) {
        out.clear();
        self.scanner.scan(text, &mut out.tokens);
        let d = data::lang_data(self.lang);
        sent::split(
            text,
            &out.tokens,
            self.lang,
            d,
            &mut self.lower,
            &mut out.sentences,
        );
        if self.lang == Lang::En {
            split_final_abbreviation_dots(text, out);
        }
    }

    pub fn tokenize_str(&mut self, text: &str) -> Tokenized {
        let mut t = Tokenized::default();
        self.tokenize_into(text, &mut t);
        t
    }

    /// The syntactic words of surface token `i` of sentence `sent` (a `(first, end)` pair of
    /// `t.sentences`): writes them to `out` and returns true when it is a multi-word token;
    /// returns false (and leaves `out` empty) for a plain token.
    pub fn words_of(
        &mut self,
        text: &str,
        t: &Tokenized,
        sent: (u32, u32),
        i: usize,
        out: &mut Vec<CompactString>,
    ) -> bool {
        let tok = t.tokens.get(i).map_or("", |s| s.text(text));
        let prev = (i > sent.0 as usize)
            .then(|| t.tokens.get(i - 1).map(|s| s.text(text)))
            .flatten();
        let next = (i + 1 < sent.1 as usize)
            .then(|| t.tokens.get(i + 1).map(|s| s.text(text)))
            .flatten();
        let d = data::lang_data(self.lang);
        self.expander.expand(self.lang, d, tok, prev, next, out)
    }

    /// Fills `doc.sentences` and `doc.tokens` (replacing them): one [`Token`] per syntactic
    /// word; the parts of a multi-word token share its span and carry `form: Some(part)`.
    pub fn tokenize_doc(&mut self, doc: &mut Doc) {
        let mut t = std::mem::take(&mut self.scratch);
        let mut parts = std::mem::take(&mut self.parts);
        self.tokenize_into(&doc.text, &mut t);
        doc.tokens.clear();
        doc.sentences.clear();
        doc.tokens.reserve(t.tokens.len() + t.tokens.len() / 16);
        for &(a, b) in &t.sentences {
            let first = doc.tokens.len();
            for i in a as usize..b as usize {
                let span = t.tokens.get(i).copied().unwrap_or_default();
                if self.words_of(&doc.text, &t, (a, b), i, &mut parts) {
                    for p in parts.drain(..) {
                        let mut tok = Token::new(span);
                        tok.form = Some(p);
                        doc.tokens.push(tok);
                    }
                } else {
                    doc.tokens.push(Token::new(span));
                }
            }
            let s = t.tokens.get(a as usize).map_or(0, |s| s.start);
            let e = t
                .tokens
                .get((b as usize).saturating_sub(1))
                .map_or(s, |s| s.end);
            doc.sentences.push(Sentence {
                span: Span { start: s, end: e },
                token_start: first as u32,
                token_end: doc.tokens.len() as u32,
            });
        }
        self.scratch = t;
        self.parts = parts;
    }
}

/// Tokenizes `doc.text` in language `lang` (ISO 639-1; empty means `doc.lang`, then "en"),
/// filling `doc.sentences` and `doc.tokens`.
pub fn tokenize(doc: &mut Doc, lang: &str) {
    let code = if lang.is_empty() {
        doc.lang.clone().unwrap_or_else(|| "en".to_string())
    } else {
        lang.to_string()
    };
    Tokenizer::new(&code).tokenize_doc(doc);
}

/// Tokenizes `doc` in its own language (`doc.lang`, "en" when unset).
pub fn tokenize_doc(doc: &mut Doc) {
    tokenize(doc, "");
}

/// Surface tokens and sentences of a string.
pub fn tokenize_str(text: &str, lang: &str) -> Tokenized {
    Tokenizer::new(lang).tokenize_str(text)
}

/// English UD (EWT) writes a sentence-final abbreviation as the word and the period
/// ("etc" + "."): split the final '.' off the last token of such sentences.
fn split_final_abbreviation_dots(text: &str, t: &mut Tokenized) {
    let qualifies = |s: Span| {
        let w = s.text(text);
        w.len() > 1 && w.ends_with('.') && !w.ends_with("..") && w.chars().any(char::is_alphabetic)
    };
    let needed = t.sentences.iter().any(|&(_, b)| {
        t.tokens
            .get((b as usize).wrapping_sub(1))
            .is_some_and(|s| qualifies(*s))
    });
    if !needed {
        return;
    }
    let mut tokens = Vec::with_capacity(t.tokens.len() + 8);
    let mut sentences = Vec::with_capacity(t.sentences.len());
    for &(a, b) in &t.sentences {
        let start = tokens.len() as u32;
        for i in a as usize..b as usize {
            let Some(&s) = t.tokens.get(i) else { continue };
            if i + 1 == b as usize && qualifies(s) {
                tokens.push(Span {
                    start: s.start,
                    end: s.end - 1,
                });
                tokens.push(Span {
                    start: s.end - 1,
                    end: s.end,
                });
            } else {
                tokens.push(s);
            }
        }
        sentences.push((start, tokens.len() as u32));
    }
    t.tokens = tokens;
    t.sentences = sentences;
}

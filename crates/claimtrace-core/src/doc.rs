//! [`Doc`]: one article, its metadata, its body text and the layers stages add to it.

use crate::span::Span;
use compact_str::CompactString;

/// One article.
///
/// Metadata first (`id, url, outlet, title, authors, published, lang`), then the body `text`,
/// then one layer per stage. Every layer refers to `text` by [`Span`] (byte offsets) and never
/// copies it. A stage that has not run leaves its layer empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    /// Stable identifier: given by the input (JSONL `id`) or derived from URL / content.
    pub id: String,
    pub url: Option<String>,
    /// Site or outlet name ("Reuters", "The Guardian").
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// ISO 8601: `2019-03-06T10:21:00+01:00` where the time and offset are known, else a date
    /// `2019-03-06`.
    pub published: Option<String>,
    /// ISO 639-1 code (`en`, `fr`, `es`, `ar`…).
    pub lang: Option<String>,
    /// The body text: paragraphs separated by a blank line (`"\n\n"`).
    pub text: String,

    /// Sentences, in order, covering the text without overlap (layer `sentences`).
    pub sentences: Vec<Sentence>,
    /// Syntactic words, in order (layer `tokens`): tokens of the tokenizer, split into their
    /// parts where UD has multi-word tokens (fr "du" = "de" + "le").
    pub tokens: Vec<Token>,
    /// Named entities (layer `entities`).
    pub entities: Vec<Entity>,
}

/// A sentence: its span and the range of its tokens in [`Doc::tokens`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sentence {
    pub span: Span,
    /// Index of the first token of the sentence in `Doc::tokens`.
    pub token_start: u32,
    /// One past the last token.
    pub token_end: u32,
}

impl Sentence {
    pub fn tokens(self) -> std::ops::Range<usize> {
        self.token_start as usize..self.token_end as usize
    }
}

/// A syntactic word with its annotations. Strings are inline (no allocation) up to 24 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Token {
    /// The surface span. Parts of a multi-word token all carry the span of the whole surface
    /// token ("du" for both "de" and "le").
    pub span: Span,
    /// The word when it differs from the surface text (parts of multi-word tokens); `None`
    /// means the span's text is the form.
    pub form: Option<CompactString>,
    /// Universal POS tag (`NOUN`, `VERB`…); empty if untagged.
    pub upos: CompactString,
    /// UD morphological features (`Number=Sing|Tense=Past`), `_`-free: empty if none.
    pub feats: CompactString,
    pub lemma: CompactString,
    /// Index in `Doc::tokens` of the syntactic head, or [`Token::ROOT`] for the root (or
    /// when unparsed).
    pub head: u32,
    /// Dependency relation to the head (`nsubj`, `obl:tmod`…); empty if unparsed.
    pub deprel: CompactString,
}

impl Token {
    pub const ROOT: u32 = u32::MAX;

    pub fn new(span: Span) -> Self {
        Token {
            span,
            head: Token::ROOT,
            ..Token::default()
        }
    }

    /// The word: `form` if set, else the span's text.
    pub fn form<'a>(&'a self, text: &'a str) -> &'a str {
        match &self.form {
            Some(f) => f.as_str(),
            None => self.span.text(text),
        }
    }
}

/// A named-entity mention.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entity {
    pub span: Span,
    /// `PER`, `ORG`, `LOC` (see the NER model's notice for the label set).
    pub label: CompactString,
    /// Index of the first and one-past-last token in `Doc::tokens`, when tokens exist.
    pub token_start: u32,
    pub token_end: u32,
}

impl Doc {
    /// A document with just a body.
    pub fn from_text(id: impl Into<String>, text: impl Into<String>) -> Self {
        Doc {
            id: id.into(),
            text: text.into(),
            ..Doc::default()
        }
    }

    /// The text of a span (empty if the span does not fit; never panics).
    pub fn span_text(&self, span: Span) -> &str {
        span.text(&self.text)
    }

    /// The tokens of a sentence.
    pub fn sentence_tokens(&self, s: &Sentence) -> &[Token] {
        self.tokens.get(s.tokens()).unwrap_or(&[])
    }
}

//! [`Doc`]: one article, its metadata, its body text and the layers stages add to it.

use crate::span::Span;
use compact_str::CompactString;

/// One article.
///
/// Metadata first (`id, url, outlet, title, authors, published, modified, lang`…), then the body `text`,
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
    /// Bylines, cleaned ("Abby Goodnough", "AFP", "Editorial Board").
    pub authors: Vec<String>,
    /// What each of `authors` names, same order: `person`, `organization`, `agency` (news
    /// agency or wire) or `desk` (collective byline). Empty when untyped (input metadata);
    /// otherwise as long as `authors`.
    pub author_types: Vec<CompactString>,
    /// The ORIGINAL publication, ISO 8601: `2019-03-06T10:21:00+01:00` where the time and
    /// offset are known, else a date `2019-03-06`. Never the crawl date.
    pub published: Option<String>,
    /// The last update, when the page gives one apart from `published`.
    pub modified: Option<String>,
    /// The signal that decided `published`: `input` (given with the article), `json-ld`,
    /// `meta`, `itemprop`, `time`, `url`, `script`, `text`, `default` (`--published`).
    pub date_source: Option<CompactString>,
    /// Why `published` is missing although the page had date signals ("relative date …:
    /// needs a reference time").
    pub date_note: Option<String>,
    /// When the page was fetched (`WARC-Date`): never a publication date.
    pub fetched: Option<String>,
    /// ISO 639-1 code (`en`, `fr`, `es`, `ar`…).
    pub lang: Option<String>,
    /// `Some(false)` when the attribution stage cannot read the article's language (no
    /// lexicons for it): its empty `attributions` layer means "not read", not "no claims".
    pub lang_supported: Option<bool>,
    /// The body text: paragraphs separated by a blank line (`"\n\n"`).
    pub text: String,

    /// Sentences, in order, covering the text without overlap (layer `sentences`).
    pub sentences: Vec<Sentence>,
    /// Syntactic words, in order (layer `tokens`): tokens of the tokenizer, split into their
    /// parts where UD has multi-word tokens (fr "du" = "de" + "le").
    pub tokens: Vec<Token>,
    /// Named entities (layer `entities`).
    pub entities: Vec<Entity>,
    /// Temporal expressions normalised to TIMEX3 values (layer `times`).
    pub times: Vec<TimeExpr>,
    /// Toponyms resolved to gazetteer records (layer `places`).
    pub places: Vec<Place>,
    /// ISO 3166-1 alpha-2 codes of the countries the article is about, most prominent first
    /// (set by the place stage).
    pub focus_countries: Vec<String>,
    /// Reported claims: who says what, how, through whom and how surely (layer `attributions`).
    pub attributions: Vec<Attribution>,
    /// Distinct sources of the attributions, with their mentions (layer `sources`).
    pub sources: Vec<Source>,
}

/// One reported claim: source, cue, content, nesting and certainty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attribution {
    /// The source as written ("the Tetouan-native", "he"); `None` when the text names none.
    pub source: Option<Span>,
    /// Source type: `person`, `organization`, `media`, `official`, `anonymous_official`,
    /// `document`, `rumour`, `unnamed`, `self`.
    pub source_type: CompactString,
    /// Index in [`Doc::sources`] of the source it refers to, when resolved.
    pub source_id: Option<u32>,
    /// The reporting verb or phrase ("said", "according to", "selon", "قال").
    pub cue: Option<Span>,
    /// What is claimed (may include the complementiser "that", like PolNeAR).
    pub content: Span,
    /// `direct` (fully quoted), `indirect` (paraphrase) or `mixed` (partly quoted).
    pub kind: CompactString,
    /// Index in [`Doc::attributions`] of the attribution this one is embedded in.
    pub parent: Option<u32>,
    /// The medium the source spoke to ("EFE" in "Speaking to EFE, X said"), canonical name.
    pub channel: Option<String>,
    /// Where the channel is mentioned.
    pub channel_span: Option<Span>,
    /// `asserted`, `hedged`, `rumour`, `denied` or `unknown`.
    pub certainty: CompactString,
    /// The span that decided a certainty other than `asserted` ("believed to", "did not know
    /// whether").
    pub hedge: Option<Span>,
    /// What the cue does when it is not an assertion of the content: `expectation` ("is
    /// expected to", "predicted"), `warning` ("cautioned against", "warned"), `call`
    /// ("urged", "called on"); `None` for a claim. Read from `lang/<xx>/attribution/acts.tsv`.
    pub act: Option<CompactString>,
    /// Confidence in the attribution, in thousandths (0–1000; JSON `score`, 0–1): from the
    /// learned tagger's agreement and the rules' evidence. Below
    /// `claimtrace_attribution::ABSTAIN_BELOW` the source entity is left unknown (the source
    /// span stays). 0 when no score was computed.
    pub score: u16,
}

/// A distinct source: the canonical name it refers to and every mention.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Source {
    /// Canonical name ("Mohamed A.", "The Guardian", "regional intelligence officials"); empty
    /// when a pronoun could not be resolved (unknown entity).
    pub entity: String,
    /// Same types as [`Attribution::source_type`].
    pub kind: CompactString,
    /// Mentions as sources, in text order.
    pub mentions: Vec<Span>,
}

/// A temporal expression (TIMEX3-style).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TimeExpr {
    pub span: Span,
    /// TIMEX3 type: `DATE`, `TIME`, `DURATION` or `SET`.
    pub kind: CompactString,
    /// TIMEX3 value: `2019-01-10`, `2019-02`, `P3D`, `XXXX-WXX-5`, `PRESENT_REF`…
    pub value: String,
    /// How the value was obtained: `absolute` (the text says it all), `dct` (resolved against
    /// the publication date), `unknown` (relative, no publication date), `none` (durations).
    pub anchor: CompactString,
}

/// A toponym resolved to one gazetteer record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Place {
    pub span: Span,
    /// GeoNames id of the record (0 if none).
    pub geonameid: u32,
    /// The record's name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: CompactString,
    /// GeoNames admin1 code (empty for countries).
    pub admin1: CompactString,
    pub lat: f64,
    pub lon: f64,
    /// Estimated probability that the record is the right one (0..1).
    pub confidence: f32,
    /// How the text relates the mention to the place: `near`, `demonym`…; `None` when it is
    /// simply the place.
    pub relation: Option<CompactString>,
    /// A containing region the text gives (`the Euphrates River valley` in "near Hajin in the
    /// Euphrates River valley").
    pub within: Option<String>,
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

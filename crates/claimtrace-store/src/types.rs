//! Values passed in and out of a [`crate::Store`].

use serde::{Deserialize, Serialize};

/// Article search and listing. Every field is optional; dates are `YYYY-MM-DD` (or a longer
/// RFC 3339 prefix) and compare with the article's publication date, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Query {
    /// Words to find in the title or text (FTS5). Each word must occur; `"a phrase"`,
    /// `prefix*` and `a OR b` work; `NOT`, `-word`, `NEAR`, parentheses, `field:` and an
    /// unbalanced quote are refused with [`crate::Error::InvalidQuery`] saying why. Results then
    /// carry [`ArticleSummary::hit`].
    pub q: Option<String>,
    /// Language code (`en`, `EN-gb`, `fra`, `French`); an unknown language is an error.
    pub lang: Option<String>,
    /// Outlet: a name or alias the outlet table knows (same outlet), or words at the start of
    /// words of the outlet's name, case- and accent-insensitive.
    pub outlet: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub story: Option<u64>,
    /// The `next` of the previous page (opaque; valid for the same query and order).
    pub cursor: Option<String>,
    /// Page size: 0 means [`crate::DEFAULT_PAGE`]; capped at [`crate::MAX_PAGE`].
    pub limit: usize,
    /// Order: [`Sort::Relevance`] when `q` is given (default), else [`Sort::Newest`].
    pub sort: Option<Sort>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Relevance, bounded in cost (only with `q`; `Newest` without). The matches (after the
    /// filters) are taken in blocks of [`crate::RELEVANCE_BLOCK`] in store order, the most
    /// recently stored block first; within a block they are ordered by BM25 (the formula and
    /// constants of FTS5's `bm25()`; best first, then most recently stored). So the first page
    /// holds the most relevant of the latest 500 matches stored, not of all of them; paging
    /// goes on through older blocks until every match has been listed once. The ranking cost
    /// of a page is bounded by the block size, not by the number of matches: each word's
    /// document count comes from a cache (counted once, counted again after the index has
    /// grown by 1/64), not from a pass over its whole list of documents on every search. The
    /// first page pins the block boundaries, so articles stored afterwards do not shift the
    /// following pages (they are left out of them; the corpus statistics may still
    /// reorder a block slightly). Store order follows ingestion, which is usually but not
    /// always publication order: use `from`/`to` or `Newest` for a strict date order.
    Relevance,
    /// Publication date, newest first (then most recently stored); undated articles last.
    /// Keyset cursors: stable while articles are stored. With `q`, the cost grows with the
    /// number of matches (all are sorted by date).
    Newest,
}

/// Story listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoryQuery {
    /// Words: the stories of the best-ranked articles that have them (a relevance search,
    /// see [`Sort::Relevance`]), in the order of their best article; one page, no cursor.
    pub q: Option<String>,
    /// Stories with at least one article in this language.
    pub lang: Option<String>,
    /// Stories active on or after this date (last article).
    pub from: Option<String>,
    /// Stories that started on or before this date (first article).
    pub to: Option<String>,
    /// Stories with at least this many articles.
    pub min_articles: Option<u64>,
    pub cursor: Option<String>,
    pub limit: usize,
}

/// A page of results and the cursor of the next page (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// What lists show of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    /// Publication date as normalised at ingest (`None` when missing or implausible).
    pub published: Option<String>,
    pub lang: Option<String>,
    pub story: Option<u64>,
    /// Id of the article this one reprints.
    pub reprint_of: Option<String>,
    /// The start of the text (up to 300 characters).
    pub snippet: String,
    /// With words searched: the passage of the text around the first hit, with the matched
    /// words marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit: Option<Hit>,
}

/// A passage around a search hit: `text` (a part of the article's title or text, with `…`
/// where cut) and the matched words as `{text,start,end}` spans in character offsets into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub text: String,
    pub highlights: Vec<HitSpan>,
}

/// A marked word of a [`Hit`] (character offsets into the hit's text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HitSpan {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Filters of the claims table (`claimtrace claims --db`, `GET /api/claims`). Every field is
/// optional; all given must hold. Newest first (publication date, then store order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaimQuery {
    /// The source, resolved (its entity) or as written, case- and accent-insensitive: the
    /// whole name or its first words ("mohamed" finds "Mohamed A.").
    pub source: Option<String>,
    /// `person`, `organization`, `media`, `official`, `anonymous_official`, `document`,
    /// `rumour`, `unnamed`, `self`.
    pub source_type: Option<String>,
    /// The article's outlet: a name or alias the outlet table knows, or words of the name.
    pub outlet: Option<String>,
    /// `asserted`, `hedged`, `rumour`, `denied` or `unknown`.
    pub certainty: Option<String>,
    /// Language code of the article (`en`); anything else is an error.
    pub lang: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub story: Option<u64>,
    /// Words of the content (the search syntax of [`Query::q`]).
    pub query: Option<String>,
    pub cursor: Option<String>,
    /// Page size: 0 means [`crate::DEFAULT_PAGE`]; capped at [`crate::MAX_PAGE`].
    pub limit: usize,
}

/// One claim (an attribution) as the claims table lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRow {
    pub article: String,
    /// Index of the attribution in the article's `attributions`.
    pub index: u32,
    pub story: Option<u64>,
    pub published: Option<String>,
    pub lang: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// The source as written.
    pub source: Option<String>,
    /// The resolved source (canonical name), when resolved.
    pub entity: Option<String>,
    pub source_type: String,
    pub certainty: String,
    pub cue: Option<String>,
    pub content: String,
    /// Character offsets of the content in the article's text.
    pub start: u64,
    pub end: u64,
    /// Index of the attribution this one is embedded in.
    pub parent: Option<u32>,
    /// The traced claim (cluster across articles) it belongs to, once provenance ran.
    pub claim: Option<String>,
}

/// What `claimtrace stories` prints for a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorySummary {
    pub id: u64,
    pub articles: u64,
    pub languages: Vec<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    /// Title of the story's earliest article.
    pub title: Option<String>,
    /// Provenance origin node id (an article id or `ext:<outlet>`), once computed.
    pub origin: Option<String>,
    pub top_entities: Vec<String>,
}

/// A story and its articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Story {
    #[serde(flatten)]
    pub summary: StorySummary,
    /// In publication order (undated last), at most [`crate::MAX_STORY_ARTICLES`].
    pub article_list: Vec<ArticleSummary>,
    /// True when the story has more articles than listed.
    pub truncated: bool,
}

/// Counts and sizes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub articles: u64,
    pub stories: u64,
    pub stale_stories: u64,
    pub claims: u64,
    pub edges: u64,
    /// Bytes of the database file (without the WAL).
    pub bytes: u64,
    pub schema_version: u32,
}

/// The identity of an incoming article, for deduplication.
#[derive(Debug, Clone, Copy)]
pub struct ArticleKey<'a> {
    pub id: &'a str,
    /// Normalised URL.
    pub url: Option<&'a str>,
    /// [`crate::content_hash`] of the text.
    pub content_hash: u64,
    pub outlet: Option<&'a str>,
}

/// An article that is already stored, and how it matches. Policy (documented in the README):
/// the first stored version wins, so re-running ingest never changes what was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    /// The same article (same URL and content, same id and content, or the same content in
    /// the same outlet): skipped silently.
    Same { id: String },
    /// The same URL (or id) with different content: an edited version. Skipped and reported;
    /// the stored version stays.
    Changed { id: String },
}

/// One article to store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewArticle {
    pub id: String,
    /// Normalised URL.
    pub url: Option<String>,
    pub content_hash: u64,
    pub outlet: Option<String>,
    pub title: Option<String>,
    /// Normalised publication date ([`crate::normalize_published`]).
    pub published: Option<String>,
    pub lang: Option<String>,
    /// The text (indexed for full-text search, not stored twice).
    pub text: String,
    /// The claimtrace JSON line with all layers.
    pub json: String,
    /// The story crate's fingerprint (opaque bytes to the store: postcard, written by
    /// `claimtrace-connect`).
    pub fingerprint: Vec<u8>,
    pub story: Option<u64>,
    pub reprint_of: Option<String>,
}

/// A stored article as needed to recompute provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArticle {
    pub id: String,
    pub json: String,
    pub reprint_of: Option<String>,
}

/// The result of provenance tracing for one story, in the store's terms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryProvenance {
    pub story: u64,
    /// The `Provenance` JSON.
    pub json: String,
    pub origin: Option<String>,
    pub top_entities: Vec<String>,
    pub claims: Vec<ClaimLink>,
    pub edges: Vec<EdgeLink>,
    /// `(copy, original)`: the story's near-copies as provenance orients them; stored back
    /// into the articles' `reprint_of` (the original's is cleared).
    pub reprints: Vec<(String, String)>,
}

/// A claim and the attributions that carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimLink {
    pub id: String,
    pub text: String,
    pub origin: Option<String>,
    /// `(article id, attribution index)`.
    pub members: Vec<(String, u32)>,
}

/// A provenance edge: `to` re-reports `from`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EdgeLink {
    pub from: String,
    pub to: String,
    /// Evidence kinds (`cites`, `near_copy`, `same_quote`, `same_claim`).
    pub kinds: Vec<String>,
}

/// One stored fingerprint, for rebuilding the clustering index.
#[derive(Debug, Clone, Copy)]
pub struct FingerprintRow<'a> {
    /// Store order (increasing with each stored article).
    pub seq: u64,
    pub id: &'a str,
    pub story: Option<u64>,
    pub reprint_of: Option<&'a str>,
    pub published: Option<&'a str>,
    pub fingerprint: &'a [u8],
}

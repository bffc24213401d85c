//! The article store: articles with all their layers, stories, claim links and provenance.
//!
//! In: articles already prepared and connected by `claimtrace-connect` (JSON line, story id,
//! fingerprint bytes) and provenance already traced by it ([`StoryProvenance`]); queries.
//! Out: what was stored, as strings and numbers ([`ArticleSummary`], [`StorySummary`], the
//! provenance JSON), a page at a time.
//!
//! One trait, [`Store`], with an embedded SQLite implementation, [`SqliteStore`] (WAL, FTS5,
//! `PRAGMA user_version` migrations), so that a Postgres backend can follow for shared
//! deployments. The store holds strings and numbers only: it depends on neither the story nor
//! the provenance crate, and runs no clustering or tracing (that is `claimtrace-connect`).
//! Articles are kept as their claimtrace JSON line (all layers), provenance graphs as their
//! JSON; readers send them on as they are or parse them.
//!
//! A store is one file: a writable [`SqliteStore`] checkpoints its WAL into the `.db` file when
//! dropped, so after a clean exit the `.db` file alone can be copied.
//!
//! Writes come in batches, one transaction each ([`Store::write_batch`]): a crash (even
//! `kill -9`) loses at most the batch in flight, never a committed one, and never leaves half a
//! batch. Reads go through a small pool of connections and see the last committed batch, so a
//! server can read while `claimtrace ingest` writes.
//!
//! ```no_run
//! use claimtrace_store::{Query, SqliteStore, Store};
//! let store = SqliteStore::open_read_only("news.db")?;
//! let page = store.search(&Query { q: Some("Baghdadi".into()), ..Query::default() })?;
//! for a in &page.items {
//!     println!("{} {}", a.id, a.title.as_deref().unwrap_or(""));
//! }
//! # Ok::<(), claimtrace_store::Error>(())
//! ```

mod claims;
mod dates;
mod error;
mod ftsq;
mod hit;
mod rank;
mod schema;
mod sqlite;
mod types;

pub use claims::{CERTAINTIES, outlet_key, source_key};
pub use dates::{MIN_YEAR, normalize_published, published_key, today_utc};
pub use error::{Error, Result};
pub use schema::SCHEMA_VERSION;
pub use sqlite::{FactCheckMatch, SqliteStore};
pub use types::*;

/// What every store backend offers. All methods take `&self`: a store is shared between
/// threads (`Send + Sync`); backends serialise writes themselves.
pub trait Store: Send + Sync {
    // ---- reads (CLI `stories`/`trace`, the server) ----

    /// The article's JSON line with all its layers, as ingested.
    fn article(&self, id: &str) -> Result<Option<String>>;
    /// Stored metadata of one article (story, reprint, dates...).
    fn article_summary(&self, id: &str) -> Result<Option<ArticleSummary>>;
    /// Full-text search and listing with filters, cursor-paginated (at most [`MAX_PAGE`] items).
    fn search(&self, q: &Query) -> Result<Page<ArticleSummary>>;
    /// Stories, most recently active first, cursor-paginated.
    fn stories(&self, q: &StoryQuery) -> Result<Page<StorySummary>>;
    /// One story with its articles (at most [`MAX_STORY_ARTICLES`], in publication order).
    fn story(&self, id: u64) -> Result<Option<Story>>;
    /// The story's provenance graph as JSON (`claimtrace_provenance::Provenance`), if computed.
    fn provenance(&self, story: u64) -> Result<Option<String>>;
    /// The story of a traced claim (its chain is a part of that story's
    /// [`Store::provenance`], cut out by `claimtrace_provenance::Provenance::claim_trace`).
    fn claim_story(&self, claim_id: &str) -> Result<Option<u64>>;
    /// Counts and sizes.
    fn stats(&self) -> Result<Stats>;
    /// The claims table: attributions of every stored article, filtered, newest first,
    /// cursor-paginated (at most [`MAX_PAGE`] items).
    fn claims(&self, q: &ClaimQuery) -> Result<Page<ClaimRow>> {
        let _ = q;
        Err(Error::InvalidQuery("this store has no claims table".into()))
    }

    // ---- writes (ingest) ----

    /// Whether an article is already stored: by id, by normalised URL, or by content hash
    /// within the same outlet. See [`Existing`] for the policy.
    fn find_existing(&self, key: &ArticleKey<'_>) -> Result<Option<Existing>>;
    /// Stores new articles and updates their stories' counters, dates and languages in one
    /// transaction; the stories touched are marked stale (their provenance is recomputed
    /// later with [`Store::put_provenance`]). Articles already present (same id) are skipped,
    /// so replaying a batch is harmless. Returns how many were inserted.
    fn write_batch(&self, articles: &[NewArticle]) -> Result<usize>;
    /// Stories whose provenance is out of date (ascending ids, at most `limit`).
    fn stale_stories(&self, limit: usize) -> Result<Vec<u64>>;
    /// The first `limit` articles of a story in publication order (undated last), for
    /// recomputing its provenance.
    fn story_articles(&self, story: u64, limit: usize) -> Result<Vec<StoredArticle>>;
    /// Stores computed provenance for several stories in one transaction and clears their
    /// stale flag (unless articles were added to them meanwhile).
    fn put_provenance(&self, items: &[StoryProvenance]) -> Result<()>;
    /// Calls `f` for every stored article's fingerprint stored after sequence number `after`
    /// (0: all), in insertion order (to rebuild the clustering index when ingest resumes, or
    /// to catch up with what another writer stored).
    fn for_each_fingerprint(&self, after: u64, f: &mut dyn FnMut(FingerprintRow<'_>))
    -> Result<()>;
    /// The sequence number of the last stored article (0 for an empty store).
    fn last_seq(&self) -> Result<u64>;
    /// Tidies the full-text index after writes so that searches stay fast (SQLite: merges the
    /// FTS5 index's segments into one; every search otherwise looks each word up in every
    /// segment). With `force`, whenever there is more than one segment; without, only when
    /// they have piled up. Readers are not blocked. Returns whether it merged.
    fn optimize_search(&self, force: bool) -> Result<bool> {
        let _ = force;
        Ok(false)
    }
    /// A value from the meta table (free-form settings such as the connector config).
    fn meta(&self, key: &str) -> Result<Option<String>>;
    fn set_meta(&self, key: &str, value: &str) -> Result<()>;
}

/// Hard cap on a page of search results or stories.
pub const MAX_PAGE: usize = 200;
/// Default page size.
pub const DEFAULT_PAGE: usize = 50;
/// Relevance-ordered search ranks matches in blocks of this many: the newest block (the most
/// recently stored matches) first, by bm25 within each block. See [`Sort::Relevance`].
pub const RELEVANCE_BLOCK: usize = 500;
/// Most articles listed by [`Store::story`].
pub const MAX_STORY_ARTICLES: usize = 2000;

/// xxh3 of the text normalised for identity: Unicode whitespace runs collapsed to one space,
/// trimmed, lowercased. Two copies that differ only in spacing or case hash the same.
pub fn content_hash(text: &str) -> u64 {
    use xxhash_rust::xxh3::Xxh3;
    let mut h = Xxh3::new();
    let mut buf = [0u8; 4];
    let mut space = false;
    let mut started = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = started;
            continue;
        }
        if space {
            h.update(b" ");
            space = false;
        }
        started = true;
        for l in c.to_lowercase() {
            h.update(l.encode_utf8(&mut buf).as_bytes());
        }
    }
    h.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_normalises_space_and_case() {
        assert_eq!(content_hash(" Hello  World\n"), content_hash("hello world"));
        assert_ne!(content_hash("hello world"), content_hash("hello worlds"));
        assert_eq!(content_hash(""), content_hash("   "));
    }
}

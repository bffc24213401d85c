//! What the server reads: a small trait over the store, so the HTTP layer does not depend on
//! one database. `claimtrace serve` plugs in the SQLite store; tests may use [`MemoryBackend`].
//!
//! Every method is synchronous and is called from `tokio::task::spawn_blocking`.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Largest page the API returns, whatever `limit` asks.
pub const PAGE_CAP: usize = 100;
/// Page size when `limit` is absent.
pub const PAGE_DEFAULT: usize = 20;

/// A failure inside the backend (the HTTP layer maps it to 500, or 400 for `BadQuery`).
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The query cannot be run as given (bad cursor, bad FTS syntax...): a 400.
    #[error("{0}")]
    BadQuery(String),
    /// Storing is not possible with this backend (read-only store): a 409.
    #[error("{0}")]
    ReadOnly(String),
    /// Anything else: a 500 (the message is logged, a generic one is returned).
    #[error("{0}")]
    Internal(String),
}

/// `GET /api/claims` filters: the store's own query type.
pub use claimtrace_store::ClaimQuery;
/// `GET /api/articles` filters: the store's own query type. The API caps `limit` at
/// [`PAGE_CAP`] before it gets here.
pub use claimtrace_store::Query as ArticleQuery;
/// `sort` of `GET /api/articles`: relevance (the default, with `q`; see
/// `claimtrace_store::Sort::Relevance`) or newest first.
pub use claimtrace_store::Sort;
/// `GET /api/stories` filters: the store's own query type.
pub use claimtrace_store::StoryQuery;

/// One page of results.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Page {
    pub items: Vec<Value>,
    /// Cursor of the next page, if any.
    pub next: Option<String>,
}

/// The reads (and the one write) the server needs.
pub trait Backend: Send + Sync + 'static {
    /// The article with all its layers, as one JSON object in the JSONL schema (text).
    fn article(&self, id: &str) -> Result<Option<String>, BackendError>;
    /// Article summaries (id, title, outlet, published, lang, story, snippet...).
    fn search(&self, q: &ArticleQuery) -> Result<Page, BackendError>;
    /// Story summaries.
    fn stories(&self, q: &StoryQuery) -> Result<Page, BackendError>;
    /// One story (summary plus its articles), JSON text.
    fn story(&self, id: u64) -> Result<Option<String>, BackendError>;
    /// The story's provenance graph (the `claimtrace-provenance` JSON), JSON text.
    fn provenance(&self, id: u64) -> Result<Option<String>, BackendError>;
    /// One claim's chain, JSON text.
    fn claim_trace(&self, id: &str) -> Result<Option<String>, BackendError>;
    /// The story's claims as a schema.org ClaimReview JSON-LD document (every `Claim` with its
    /// first appearance, appearances, author and attribution path; no rating), JSON text.
    /// `None` when the story has no stored provenance.
    fn claim_review(&self, id: u64) -> Result<Option<String>, BackendError> {
        let _ = id;
        Ok(None)
    }
    /// The claims table (one row per attribution), filtered, newest first.
    fn claims(&self, q: &ClaimQuery) -> Result<Page, BackendError> {
        let _ = q;
        Err(BackendError::BadQuery(
            "this server's store has no claims table".into(),
        ))
    }
    /// Store an analysed article; returns its id (and story, if assigned).
    fn store(&self, doc: &claimtrace_core::Doc) -> Result<Value, BackendError> {
        let _ = doc;
        Err(BackendError::ReadOnly(
            "this server's store does not accept new articles".into(),
        ))
    }
}

/// An in-memory backend: articles given as JSON lines, stories and provenance given as JSON.
/// For tests and demos; the real server uses the SQLite store.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    articles: BTreeMap<String, (Value, String)>,
    stories: BTreeMap<u64, (Value, Option<Value>)>,
}

impl MemoryBackend {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one article (a JSONL line). Returns its id.
    pub fn add_article(&mut self, json_line: &str) -> Result<String, BackendError> {
        let v: Value = serde_json::from_str(json_line)
            .map_err(|e| BackendError::BadQuery(format!("bad article JSON: {e}")))?;
        let id = v
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| BackendError::BadQuery("article without id".into()))?
            .to_string();
        self.articles.insert(id.clone(), (v, json_line.to_string()));
        Ok(id)
    }

    /// Add a story (its summary, with `articles: [id...]`) and its provenance.
    pub fn add_story(&mut self, id: u64, story: Value, provenance: Option<Value>) {
        self.stories.insert(id, (story, provenance));
    }

    fn summary(v: &Value) -> Value {
        let mut m = serde_json::Map::new();
        for k in ["id", "title", "outlet", "published", "lang", "url", "story"] {
            if let Some(x) = v.get(k) {
                m.insert(k.to_string(), x.clone());
            }
        }
        Value::Object(m)
    }
}

fn get_str<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn offset_page(
    items: Vec<Value>,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page, BackendError> {
    let start: usize = match cursor {
        None => 0,
        Some(c) => c
            .parse()
            .map_err(|_| BackendError::BadQuery("bad cursor".into()))?,
    };
    let limit = limit.clamp(1, PAGE_CAP);
    let end = start.saturating_add(limit).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    let items = items
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    Ok(Page { items, next })
}

impl Backend for MemoryBackend {
    fn article(&self, id: &str) -> Result<Option<String>, BackendError> {
        Ok(self.articles.get(id).map(|(_, s)| s.clone()))
    }

    fn search(&self, q: &ArticleQuery) -> Result<Page, BackendError> {
        let words: Vec<String> =
            q.q.as_deref()
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
        let mut hits: Vec<Value> = Vec::new();
        for (v, _) in self.articles.values() {
            let text = format!("{} {}", get_str(v, "title"), get_str(v, "text")).to_lowercase();
            if !words.iter().all(|w| text.contains(w.as_str())) {
                continue;
            }
            if let Some(l) = &q.lang
                && get_str(v, "lang") != l
            {
                continue;
            }
            if let Some(o) = &q.outlet
                && !get_str(v, "outlet").eq_ignore_ascii_case(o)
            {
                continue;
            }
            let published = get_str(v, "published");
            if let Some(f) = &q.from
                && published < f.as_str()
            {
                continue;
            }
            if let Some(t) = &q.to
                && published.get(..t.len().min(published.len())).unwrap_or("") > t.as_str()
            {
                continue;
            }
            if let Some(s) = q.story
                && v.get("story").and_then(Value::as_u64) != Some(s)
            {
                continue;
            }
            hits.push(Self::summary(v));
        }
        if q.sort == Some(Sort::Newest) {
            // Newest first, undated last (a stable sort keeps id order among equals).
            hits.sort_by(|a, b| {
                let (pa, pb) = (get_str(a, "published"), get_str(b, "published"));
                pa.is_empty().cmp(&pb.is_empty()).then(pb.cmp(pa))
            });
        }
        offset_page(hits, q.cursor.as_deref(), q.limit)
    }

    fn stories(&self, q: &StoryQuery) -> Result<Page, BackendError> {
        let words: Vec<String> =
            q.q.as_deref()
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
        let items: Vec<Value> = self
            .stories
            .values()
            .filter(|(s, _)| {
                let t = s.to_string().to_lowercase();
                words.iter().all(|w| t.contains(w.as_str()))
            })
            .map(|(s, _)| s.clone())
            .collect();
        offset_page(items, q.cursor.as_deref(), q.limit)
    }

    fn story(&self, id: u64) -> Result<Option<String>, BackendError> {
        Ok(self.stories.get(&id).map(|(s, _)| s.to_string()))
    }

    fn provenance(&self, id: u64) -> Result<Option<String>, BackendError> {
        Ok(self
            .stories
            .get(&id)
            .and_then(|(_, p)| p.as_ref().map(Value::to_string)))
    }

    fn claim_trace(&self, id: &str) -> Result<Option<String>, BackendError> {
        for (_, p) in self.stories.values() {
            let Some(p) = p else { continue };
            let Some(claims) = p.get("claims").and_then(Value::as_array) else {
                continue;
            };
            for c in claims {
                let cid = match c.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => continue,
                };
                if cid == id {
                    return Ok(Some(
                        serde_json::json!({"claim": c, "story": p.get("story")}).to_string(),
                    ));
                }
            }
        }
        Ok(None)
    }
}

//! [`StoreBackend`]: the server's [`Backend`] over the SQLite store (`claimtrace-store`).
//!
//! The store is opened read-only (WAL: `claimtrace ingest` may write beside the server; each
//! read sees the last committed batch). `POST /api/analyze?store=true` is refused unless the
//! server was started with `--allow-store`; then each stored article goes through the same
//! connect stage as `ingest` (dedup, story, provenance) on a short-lived writable handle.

use crate::backend::{ArticleQuery, Backend, BackendError, Page, SortOrder, StoryQuery};
use claimtrace_store::{SqliteStore, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The SQLite store as the server sees it.
pub struct StoreBackend {
    store: SqliteStore,
    path: PathBuf,
    allow_store: bool,
    write: Mutex<()>,
}

impl std::fmt::Debug for StoreBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreBackend")
            .field("path", &self.path)
            .field("allow_store", &self.allow_store)
            .finish()
    }
}

impl From<claimtrace_store::Error> for BackendError {
    fn from(e: claimtrace_store::Error) -> Self {
        if e.is_invalid_query() {
            BackendError::BadQuery(e.to_string())
        } else {
            BackendError::Internal(e.to_string())
        }
    }
}

fn to_values<T: serde::Serialize>(items: Vec<T>) -> Result<Vec<Value>, BackendError> {
    items
        .into_iter()
        .map(|x| serde_json::to_value(x).map_err(|e| BackendError::Internal(e.to_string())))
        .collect()
}

fn to_text<T: serde::Serialize>(x: &T) -> Result<String, BackendError> {
    serde_json::to_string(x).map_err(|e| BackendError::Internal(e.to_string()))
}

impl StoreBackend {
    /// Opens an existing store read-only. `allow_store` lets `?store=true` write to it.
    pub fn open(
        path: impl AsRef<Path>,
        allow_store: bool,
    ) -> Result<Self, claimtrace_store::Error> {
        let path = path.as_ref().to_path_buf();
        let store = SqliteStore::open_read_only(&path)?;
        Ok(StoreBackend {
            store,
            path,
            allow_store,
            write: Mutex::new(()),
        })
    }

    /// The underlying store (for the report command).
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }
}

impl Backend for StoreBackend {
    fn article(&self, id: &str) -> Result<Option<String>, BackendError> {
        let Some(json) = self.store.article(id)? else {
            return Ok(None);
        };
        // The stored line is the article as analysed; the page also needs where the store put
        // it (story, reprint). Spliced in front of the object's keys, without a re-parse.
        let summary = self.store.article_summary(id)?;
        match (summary, json.strip_prefix('{')) {
            (Some(a), Some(rest)) if a.story.is_some() || a.reprint_of.is_some() => {
                let extra = serde_json::json!({"story": a.story, "reprint_of": a.reprint_of});
                let extra = extra.to_string();
                let inner = extra
                    .strip_prefix('{')
                    .and_then(|x| x.strip_suffix('}'))
                    .unwrap_or("");
                let sep = if rest.trim_start().starts_with('}') {
                    ""
                } else {
                    ","
                };
                Ok(Some(format!("{{{inner}{sep}{rest}")))
            }
            _ => Ok(Some(json)),
        }
    }

    fn search(&self, q: &ArticleQuery) -> Result<Page, BackendError> {
        let query = claimtrace_store::Query {
            q: q.q.clone(),
            lang: q.lang.clone(),
            outlet: q.outlet.clone(),
            from: q.from.clone(),
            to: q.to.clone(),
            story: q.story,
            cursor: q.cursor.clone(),
            limit: q.limit,
            sort: Some(match q.sort {
                SortOrder::Relevance => claimtrace_store::Sort::Relevance,
                SortOrder::Newest => claimtrace_store::Sort::Newest,
            }),
        };
        let page = self.store.search(&query)?;
        Ok(Page {
            items: to_values(page.items)?,
            next: page.next,
        })
    }

    fn stories(&self, q: &StoryQuery) -> Result<Page, BackendError> {
        if let Some(words) = &q.q {
            // Stories of the articles that match the words, in relevance order (the first
            // page: the best of the most recently stored matches).
            let page = self.store.search(&claimtrace_store::Query {
                q: Some(words.clone()),
                lang: q.lang.clone(),
                from: q.from.clone(),
                to: q.to.clone(),
                limit: crate::backend::PAGE_CAP,
                ..claimtrace_store::Query::default()
            })?;
            let mut seen = std::collections::HashSet::new();
            let mut items = Vec::new();
            for a in page.items {
                let Some(s) = a.story else { continue };
                if !seen.insert(s) || items.len() >= q.limit {
                    continue;
                }
                if let Some(st) = self.store.story(s)? {
                    items.push(st.summary);
                }
            }
            return Ok(Page {
                items: to_values(items)?,
                next: None,
            });
        }
        let query = claimtrace_store::StoryQuery {
            lang: q.lang.clone(),
            from: q.from.clone(),
            to: q.to.clone(),
            min_articles: None,
            cursor: q.cursor.clone(),
            limit: q.limit,
        };
        let page = self.store.stories(&query)?;
        Ok(Page {
            items: to_values(page.items)?,
            next: page.next,
        })
    }

    fn story(&self, id: u64) -> Result<Option<String>, BackendError> {
        self.store.story(id)?.map(|s| to_text(&s)).transpose()
    }

    fn provenance(&self, id: u64) -> Result<Option<String>, BackendError> {
        Ok(self.store.provenance(id)?)
    }

    fn claim_trace(&self, id: &str) -> Result<Option<String>, BackendError> {
        Ok(self.store.claim_trace(id)?)
    }

    fn store(&self, doc: &claimtrace_core::Doc) -> Result<Value, BackendError> {
        if !self.allow_store {
            return Err(BackendError::ReadOnly(
                "this server was started without --allow-store: analysed articles are not stored"
                    .into(),
            ));
        }
        let _guard = self
            .write
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // The same lock as `claimtrace ingest`: one writer (and one clustering state) per store.
        let mut lock_name = self.path.as_os_str().to_owned();
        lock_name.push(".ingest-lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(PathBuf::from(lock_name))
            .map_err(|e| BackendError::Internal(format!("cannot create the ingest lock: {e}")))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(BackendError::ReadOnly(
                    "a `claimtrace ingest` is writing to this store: try again when it is done"
                        .into(),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(BackendError::Internal(format!(
                    "cannot lock the store: {e}"
                )));
            }
        }
        let w = SqliteStore::open(&self.path)?;
        let mut ing = claimtrace_store::connect::Ingester::open(&w)?;
        let prepared = claimtrace_store::connect::Ingester::prepare(doc.clone(), ing.today());
        let id = prepared.doc_id.clone();
        ing.push([prepared])?;
        let stats = ing.finish()?;
        let story = w.article_summary(&id)?.and_then(|a| a.story);
        Ok(serde_json::json!({
            "id": id,
            "story": story,
            "new": stats.stored > 0,
            "duplicate": stats.duplicates > 0 || stats.changed > 0,
        }))
    }
}

/// The data of a story report: `{"story", "provenance", "articles"}` (at most `max_articles`
/// articles, in publication order). `None` when the story does not exist.
pub fn report_data(
    backend: &dyn Backend,
    story: u64,
    max_articles: usize,
) -> Result<Option<Value>, BackendError> {
    let parse = |s: String| -> Result<Value, BackendError> {
        serde_json::from_str(&s)
            .map_err(|e| BackendError::Internal(format!("bad stored JSON: {e}")))
    };
    let Some(st) = backend.story(story)? else {
        return Ok(None);
    };
    let st = parse(st)?;
    let prov = backend.provenance(story)?.map(parse).transpose()?;
    let mut ids: Vec<String> = Vec::new();
    if let Some(list) = st.get("article_list").and_then(Value::as_array) {
        ids.extend(
            list.iter()
                .filter_map(|a| a.get("id")?.as_str().map(str::to_string)),
        );
    }
    if ids.is_empty()
        && let Some(nodes) = prov
            .as_ref()
            .and_then(|p| p.get("nodes"))
            .and_then(Value::as_array)
    {
        ids.extend(
            nodes
                .iter()
                .filter(|n| n.get("kind").and_then(Value::as_str) != Some("external"))
                .filter_map(|n| n.get("id")?.as_str().map(str::to_string)),
        );
    }
    let mut articles = Vec::new();
    for id in ids.iter().take(max_articles) {
        if let Some(a) = backend.article(id)? {
            articles.push(parse(a)?);
        }
    }
    Ok(Some(serde_json::json!({
        "story": st,
        "provenance": prov,
        "articles": articles,
    })))
}

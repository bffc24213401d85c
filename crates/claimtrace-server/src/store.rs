//! [`StoreBackend`]: the server's [`Backend`] over the SQLite store (`claimtrace-store`).
//!
//! The store is opened read-only (WAL: `claimtrace ingest` may write beside the server; each
//! read sees the last committed batch). `POST /api/analyze?store=true` is refused unless the
//! server was started with `--allow-store`; then each stored article goes through the same
//! connect stage as `ingest` ([`claimtrace_connect::Ingester`]: dedup, story, provenance).
//! The ingester is built at the first stored article and kept: its clustering state stays in
//! memory, and each later article only takes the store's writer lock, catches up with what
//! another writer stored meanwhile, and releases the lock.

use crate::backend::{ArticleQuery, Backend, BackendError, ClaimQuery, Page, StoryQuery};
use claimtrace_connect::Ingester;
use claimtrace_store::{SqliteStore, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The SQLite store as the server sees it.
pub struct StoreBackend {
    store: SqliteStore,
    path: PathBuf,
    allow_store: bool,
    /// The writer (with `--allow-store`), built at the first stored article.
    writer: Mutex<Option<Ingester>>,
}

impl std::fmt::Debug for StoreBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreBackend")
            .field("path", &self.path)
            .field("allow_store", &self.allow_store)
            .finish()
    }
}

impl From<claimtrace_connect::Error> for BackendError {
    fn from(e: claimtrace_connect::Error) -> Self {
        match e {
            claimtrace_connect::Error::Store(e) => e.into(),
            claimtrace_connect::Error::Locked { .. } => BackendError::ReadOnly(
                "another claimtrace process (`claimtrace ingest`?) is writing to this store: try again when it is done"
                    .into(),
            ),
            e => BackendError::Internal(e.to_string()),
        }
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
            writer: Mutex::new(None),
        })
    }

    /// The underlying store (for the report command).
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// Leaves the store whole in its `.db` file (for a clean exit): closes the writer, if
    /// any, then folds the WAL into the database file.
    pub fn close(self) -> Result<(), claimtrace_store::Error> {
        let StoreBackend {
            store,
            path,
            writer,
            ..
        } = self;
        drop(writer);
        drop(store);
        SqliteStore::checkpoint_file(&path)
    }

    /// Stores one article through the long-lived writer.
    fn store_doc(
        &self,
        writer: &mut Option<Ingester>,
        doc: &claimtrace_core::Doc,
    ) -> Result<Value, BackendError> {
        let ing = match writer {
            Some(ing) => {
                if let Some(pid) = ing.relock()? {
                    eprintln!(
                        "claimtrace serve: took over the writer lock left by process {pid}, which is no longer running"
                    );
                }
                ing
            }
            None => {
                let ing = Ingester::open(&self.path, None)?;
                if let Some(pid) = ing.lock_taken_over() {
                    eprintln!(
                        "claimtrace serve: took over the writer lock left by process {pid}, which is no longer running"
                    );
                }
                writer.insert(ing)
            }
        };
        ing.reset_stats();
        let prepared = ing.preparer().prepare(doc.clone());
        let id = prepared.article.id.clone();
        ing.push([prepared])?;
        let stats = ing.finish()?;
        ing.take_changed();
        let story = ing.store().article_summary(&id)?.and_then(|a| a.story);
        ing.unlock()?;
        Ok(serde_json::json!({
            "id": id,
            "story": story,
            "new": stats.stored > 0,
            "duplicate": stats.duplicates > 0 || stats.changed > 0,
        }))
    }
}

impl Backend for StoreBackend {
    fn article(&self, id: &str) -> Result<Option<String>, BackendError> {
        let Some(json) = self.store.article(id)? else {
            return Ok(None);
        };
        // The stored line is the article as analysed; the page also needs where the store put
        // it (story, reprint). Spliced in front of the object's keys, without a re-parse.
        let json = with_factchecks(&self.store, id, json)?;
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
        let page = self.store.search(q)?;
        Ok(Page {
            items: to_values(page.items)?,
            next: page.next,
        })
    }

    fn claims(&self, q: &ClaimQuery) -> Result<Page, BackendError> {
        let page = self.store.claims(q)?;
        Ok(Page {
            items: to_values(page.items)?,
            next: page.next,
        })
    }

    fn stories(&self, q: &StoryQuery) -> Result<Page, BackendError> {
        let page = self.store.stories(q)?;
        Ok(Page {
            items: to_values(page.items)?,
            next: page.next,
        })
    }

    fn story(&self, id: u64) -> Result<Option<String>, BackendError> {
        let Some(story) = self.store.story(id)? else {
            return Ok(None);
        };
        // With the independence counts of its provenance, when traced.
        #[derive(serde::Deserialize)]
        struct Ind {
            #[serde(default)]
            independence: Option<Value>,
        }
        let ind = self
            .store
            .provenance(id)?
            .and_then(|p| serde_json::from_str::<Ind>(&p).ok())
            .and_then(|i| i.independence);
        let mut v = serde_json::to_value(&story)
            .map_err(|e| BackendError::Internal(format!("cannot encode story {id}: {e}")))?;
        if let (Some(ind), Some(m)) = (ind, v.as_object_mut()) {
            let mut counts = serde_json::Map::new();
            for k in [
                "reports",
                "origins",
                "primary_sources",
                "summary",
                "origin_ids",
                "primary",
            ] {
                if let Some(x) = ind.get(k) {
                    counts.insert(k.into(), x.clone());
                }
            }
            m.insert("independence".into(), Value::Object(counts));
        }
        Ok(Some(v.to_string()))
    }

    fn provenance(&self, id: u64) -> Result<Option<String>, BackendError> {
        Ok(self.store.provenance(id)?)
    }

    fn claim_review(&self, id: u64) -> Result<Option<String>, BackendError> {
        Ok(claimtrace_connect::claim_review(&self.store, id, None)?
            .map(|claims| claimtrace_provenance::claimreview::document(claims).to_string()))
    }

    fn claim_trace(&self, id: &str) -> Result<Option<String>, BackendError> {
        Ok(claimtrace_connect::claim_trace(&self.store, id)?.map(|c| c.to_json()))
    }

    fn store(&self, doc: &claimtrace_core::Doc) -> Result<Value, BackendError> {
        if !self.allow_store {
            return Err(BackendError::ReadOnly(
                "this server was started without --allow-store: analysed articles are not stored"
                    .into(),
            ));
        }
        let mut writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let r = self.store_doc(&mut writer, doc);
        if let Err(e) = &r
            && !matches!(e, BackendError::ReadOnly(_))
        {
            // A failure mid-way may leave the in-memory state ahead of the store: the next
            // article rebuilds it from the store (and the lock goes with the writer).
            *writer = None;
        }
        r
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

/// The stored article line with its fact-check matches (`"factchecks": [...]`, written by
/// `claimtrace ingest --factchecks`) spliced in front, when it has any.
fn with_factchecks(
    store: &claimtrace_store::SqliteStore,
    id: &str,
    json: String,
) -> Result<String, BackendError> {
    let fcs = store.factcheck_matches(id)?;
    if fcs.is_empty() {
        return Ok(json);
    }
    let Some(rest) = json.strip_prefix('{') else {
        return Ok(json);
    };
    let list = serde_json::to_string(&fcs).unwrap_or_else(|_| "[]".into());
    let sep = if rest.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    Ok(format!("{{\"factchecks\":{list}{sep}{rest}"))
}

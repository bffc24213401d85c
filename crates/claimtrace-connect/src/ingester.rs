//! [`Ingester`]: deduplication, story clustering (`claimtrace-story`), batched writes and
//! provenance (`claimtrace-provenance`) over the SQLite store, under the store's writer lock.
//!
//! ```text
//! annotated Doc ─▶ Preparer::prepare (pure, run it in parallel): sane date, outlet fallback,
//!                  fingerprint, JSON line, content hash, normalised URL
//!   ─▶ Ingester::push (sequential): buffered into batches; per batch, in publication order:
//!        dedup (store + batch) ─▶ Connector::add ─▶ one transaction (Store::write_batch)
//!   ─▶ every `provenance_every` batches and at finish(): provenance::trace for every story
//!      the batches touched (in parallel), stored in one transaction per group of stories.
//! ```
//!
//! Crash safety: the connector lives in memory and is rebuilt from the stored fingerprints
//! ([`Ingester::open`] → `Connector::restore_more`), so a killed ingest resumes exactly after
//! the last committed batch. Stories touched by a committed batch keep a stale flag until
//! their provenance is stored, so provenance interrupted by a crash is recomputed on the next
//! run.

use crate::lock::WriterLock;
use crate::trace::trace_story;
use crate::{Error, Result};
use claimtrace_core::Doc;
use claimtrace_core::json::JsonOptions;
use claimtrace_store::{
    ArticleKey, Existing, NewArticle, SqliteStore, Store, StoryProvenance, content_hash,
    normalize_published, today_utc,
};
use claimtrace_story::{Config, Connector, Fingerprint};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Articles written per transaction by default.
pub const DEFAULT_BATCH: usize = 500;
/// Stories traced per provenance transaction.
const PROVENANCE_GROUP: usize = 256;
/// Meta key holding the connector configuration (JSON), fixed at the first ingest.
const META_CONFIG: &str = "story_config";

/// An article ready for the sequential part of ingest. Built by [`Preparer::prepare`].
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The row to store (its `fingerprint`, `story` and `reprint_of` are filled when the
    /// batch is connected).
    pub article: NewArticle,
    pub fingerprint: Fingerprint,
    /// What was fixed on the way in (for the summary).
    pub fixes: Fixes,
}

/// Fallbacks applied to an article's metadata.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fixes {
    /// The date was dropped as implausible (before 1990, Unix epoch, in the future) or
    /// unreadable.
    pub bad_date: bool,
    /// No date at all.
    pub no_date: bool,
    /// The outlet was taken from the URL's host.
    pub outlet_from_url: bool,
    /// No outlet and no URL.
    pub no_outlet: bool,
}

/// What an ingest did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IngestStats {
    /// Articles stored.
    pub stored: u64,
    /// The same article again (already stored, or twice in the input): skipped.
    pub duplicates: u64,
    /// Same URL or id as a stored article but different text: skipped, the stored version kept.
    pub changed: u64,
    /// Articles recorded as reprints of an earlier one.
    pub reprints: u64,
    /// Stories opened.
    pub new_stories: u64,
    /// Stories whose provenance was (re)computed.
    pub traced: u64,
    pub bad_dates: u64,
    pub no_dates: u64,
    pub outlets_from_url: u64,
    pub no_outlets: u64,
    pub batches: u64,
}

/// The connect stage over one store, holding its writer lock ([`WriterLock`]): one writer
/// per store at a time, since the clustering state is in this process's memory.
pub struct Ingester {
    store: SqliteStore,
    db: PathBuf,
    lock: Option<WriterLock>,
    /// Pid of the process whose stale lock [`Ingester::open`] took over.
    taken_over: Option<u32>,
    connector: Connector,
    /// The last stored article the connector knows of, while the lock is released.
    seen_seq: u64,
    batch_size: usize,
    provenance_every: usize,
    since_provenance: usize,
    pending: Vec<Prepared>,
    today: String,
    stats: IngestStats,
    /// Ids of articles that changed, with the stored id (reported by the caller).
    changed: Vec<(String, String)>,
}

impl std::fmt::Debug for Ingester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingester")
            .field("db", &self.db)
            .field("locked", &self.lock.is_some())
            .field("stats", &self.stats)
            .finish()
    }
}

/// The settings that differ between two story configurations: `(name, a, b)`.
fn config_diffs(a: &Config, b: &Config) -> Vec<(String, String, String)> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, va) in &a {
        let vb = b.get(k).cloned().unwrap_or(serde_json::Value::Null);
        if *va != vb {
            out.push((k.clone(), va.to_string(), vb.to_string()));
        }
    }
    out
}

impl Ingester {
    /// Takes the writer lock of the store at `db` (created if missing), opens it and rebuilds
    /// the clustering index from what it holds (so a second ingest continues the stories of
    /// the first).
    ///
    /// The story settings are fixed when the store is created (`wanted`, else the defaults)
    /// and kept in it; a later `wanted` that differs from them is refused
    /// ([`Error::ConfigMismatch`], naming both values). `None` goes on with the store's.
    pub fn open(db: impl AsRef<Path>, wanted: Option<&Config>) -> Result<Ingester> {
        let db = db.as_ref().to_path_buf();
        // Not a store: refused before the lock file is created beside it.
        SqliteStore::check_file(&db)?;
        let lock = WriterLock::acquire(&db)?;
        let store = SqliteStore::open(&db)?;
        let cfg = match store.meta(META_CONFIG)? {
            Some(s) => {
                let stored: Config = serde_json::from_str(&s).map_err(|e| Error::BadConfig {
                    db: db.clone(),
                    why: e.to_string(),
                })?;
                if let Some(w) = wanted {
                    let diffs = config_diffs(&stored, w);
                    if !diffs.is_empty() {
                        return Err(Error::ConfigMismatch { db, diffs });
                    }
                }
                stored
            }
            None => {
                let cfg = wanted.cloned().unwrap_or_default();
                if let Ok(s) = serde_json::to_string(&cfg) {
                    store.set_meta(META_CONFIG, &s)?;
                }
                cfg
            }
        };
        let mut ing = Ingester {
            store,
            db,
            taken_over: lock.taken_over(),
            lock: Some(lock),
            connector: Connector::new(cfg),
            seen_seq: 0,
            batch_size: DEFAULT_BATCH,
            provenance_every: 1,
            since_provenance: 0,
            pending: Vec::new(),
            today: today_utc(),
            stats: IngestStats::default(),
            changed: Vec::new(),
        };
        ing.catch_up()?;
        Ok(ing)
    }

    /// Feeds the connector the articles stored after `seen_seq` (all of them at open; those
    /// another writer stored while the lock was released, at [`Ingester::relock`]).
    fn catch_up(&mut self) -> Result<()> {
        let mut items: Vec<(String, Fingerprint, u64)> = Vec::new();
        self.store.for_each_fingerprint(self.seen_seq, &mut |row| {
            if let (Some(story), Ok(fp)) = (
                row.story,
                postcard::from_bytes::<Fingerprint>(row.fingerprint),
            ) {
                items.push((row.id.to_owned(), fp, story));
            }
        })?;
        self.connector
            .restore_more(items.iter().map(|(id, fp, s)| (id.as_str(), fp, *s)));
        Ok(())
    }

    /// Lets other writers in (a server between two stored articles): writes what is
    /// pending, brings provenance up to date and releases the writer lock. The clustering
    /// state stays in memory; [`Ingester::relock`] takes the lock again and adds what others
    /// stored meanwhile, instead of rebuilding everything.
    pub fn unlock(&mut self) -> Result<()> {
        if self.lock.is_none() {
            return Ok(());
        }
        self.flush()?;
        self.update_provenance()?;
        self.seen_seq = self.store.last_seq()?;
        self.lock = None;
        Ok(())
    }

    /// Takes the writer lock again after [`Ingester::unlock`] and catches up with the
    /// articles other writers stored meanwhile. Returns the pid of a stale lock taken over.
    pub fn relock(&mut self) -> Result<Option<u32>> {
        if self.lock.is_some() {
            return Ok(None);
        }
        let lock = WriterLock::acquire(&self.db)?;
        let stale = lock.taken_over();
        self.lock = Some(lock);
        self.catch_up()?;
        Ok(stale)
    }

    /// The process whose stale lock [`Ingester::open`] took over (it died without releasing
    /// it): for the caller to report.
    pub fn lock_taken_over(&self) -> Option<u32> {
        self.taken_over
    }

    /// The store, for reads.
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// The story settings in force (the store's).
    pub fn config(&self) -> &Config {
        self.connector.config()
    }

    /// What the parallel stage needs to prepare articles for this store.
    pub fn preparer(&self) -> Preparer {
        Preparer {
            today: self.today.clone(),
            shingle: self.connector.config().shingle,
        }
    }

    fn check_locked(&self) -> Result<()> {
        match self.lock {
            Some(_) => Ok(()),
            None => Err(Error::Unlocked {
                db: self.db.clone(),
            }),
        }
    }

    /// Articles per transaction (at least 1).
    pub fn with_batch_size(mut self, n: usize) -> Self {
        self.batch_size = n.max(1);
        self
    }

    /// Trace provenance every `n` batches (0: only at [`Ingester::finish`]).
    pub fn with_provenance_every(mut self, n: usize) -> Self {
        self.provenance_every = n;
        self
    }

    /// The date against which future dates are judged (`YYYY-MM-DD`; default: today, UTC).
    pub fn with_today(mut self, today: &str) -> Self {
        self.today = today.to_owned();
        self
    }

    pub fn today(&self) -> &str {
        &self.today
    }

    pub fn stats(&self) -> &IngestStats {
        &self.stats
    }

    /// Forgets the counts (a server reports each stored article on its own).
    pub fn reset_stats(&mut self) {
        self.stats = IngestStats::default();
    }

    /// `(incoming id, stored id)` of articles skipped because the stored version differs.
    pub fn take_changed(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.changed)
    }
}

/// Prepares articles for one store (its clock and its shingle length): pure and
/// thread-safe, so run it in parallel. Built by [`Ingester::preparer`].
#[derive(Debug, Clone)]
pub struct Preparer {
    today: String,
    shingle: usize,
}

impl Preparer {
    /// `today` is `YYYY-MM-DD` (dates after it are implausible); `shingle` is the store's
    /// [`Config::shingle`].
    pub fn new(today: &str, shingle: usize) -> Preparer {
        Preparer {
            today: today.to_owned(),
            shingle,
        }
    }

    pub fn today(&self) -> &str {
        &self.today
    }

    /// Everything ingest needs of one annotated article.
    pub fn prepare(&self, mut doc: Doc) -> Prepared {
        let today = self.today.as_str();
        let mut fixes = Fixes::default();
        let raw = doc.published.take();
        doc.published = normalize_published(raw.as_deref(), today);
        match (&raw, &doc.published) {
            (None, _) => fixes.no_date = true,
            (Some(_), None) => fixes.bad_date = true,
            _ => {}
        }
        doc.outlet = doc
            .outlet
            .take()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty());
        let url = doc
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(claimtrace_ingest::normalize_url);
        if doc.outlet.is_none() {
            doc.outlet = url.as_deref().and_then(host_outlet);
            if doc.outlet.is_some() {
                fixes.outlet_from_url = true;
            } else {
                fixes.no_outlet = true;
            }
        }
        if doc.id.trim().is_empty() {
            doc.id = claimtrace_ingest::doc_id(doc.url.as_deref(), doc.title.as_deref(), &doc.text);
        }
        let fingerprint = Fingerprint::with_shingle(&doc, self.shingle);
        let json = doc.to_json_line(JsonOptions::default());
        Prepared {
            article: NewArticle {
                content_hash: content_hash(&doc.text),
                id: doc.id,
                url,
                outlet: doc.outlet,
                title: doc.title,
                published: doc.published,
                lang: doc.lang,
                text: doc.text,
                json,
                fingerprint: Vec::new(),
                story: None,
                reprint_of: None,
            },
            fingerprint,
            fixes,
        }
    }
}

impl Ingester {
    /// Adds prepared articles; full batches are written as they fill.
    pub fn push(&mut self, items: impl IntoIterator<Item = Prepared>) -> Result<()> {
        for p in items {
            self.pending.push(p);
            if self.pending.len() >= self.batch_size {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Writes the pending articles (a partial batch) now.
    pub fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.check_locked()?;
        let batch = std::mem::take(&mut self.pending);
        let mut seen_ids: HashMap<String, u64> = HashMap::new();
        let mut seen_urls: HashMap<String, u64> = HashMap::new();
        let mut seen_hash: HashSet<(u64, Option<String>)> = HashSet::new();
        let mut fresh: Vec<Prepared> = Vec::with_capacity(batch.len());
        for p in batch {
            let f = p.fixes;
            let a = &p.article;
            self.stats.bad_dates += u64::from(f.bad_date);
            self.stats.no_dates += u64::from(f.no_date);
            self.stats.outlets_from_url += u64::from(f.outlet_from_url);
            self.stats.no_outlets += u64::from(f.no_outlet);
            let outlet_key = a.outlet.as_deref().map(|o| o.to_lowercase());
            // Within the batch first (not yet stored), then the store.
            let in_batch = if let Some(u) = &a.url
                && let Some(&h) = seen_urls.get(u)
            {
                Some(h == a.content_hash)
            } else if let Some(&h) = seen_ids.get(&a.id) {
                Some(h == a.content_hash)
            } else if seen_hash.contains(&(a.content_hash, outlet_key.clone())) {
                Some(true)
            } else {
                None
            };
            match in_batch {
                Some(true) => {
                    self.stats.duplicates += 1;
                    continue;
                }
                Some(false) => {
                    self.stats.changed += 1;
                    self.changed.push((a.id.clone(), a.id.clone()));
                    continue;
                }
                None => {}
            }
            let key = ArticleKey {
                id: &a.id,
                url: a.url.as_deref(),
                content_hash: a.content_hash,
                outlet: a.outlet.as_deref(),
            };
            match self.store.find_existing(&key)? {
                Some(Existing::Same { .. }) => {
                    self.stats.duplicates += 1;
                    continue;
                }
                Some(Existing::Changed { id }) => {
                    self.stats.changed += 1;
                    self.changed.push((a.id.clone(), id));
                    continue;
                }
                None => {}
            }
            seen_ids.insert(a.id.clone(), a.content_hash);
            if let Some(u) = &a.url {
                seen_urls.insert(u.clone(), a.content_hash);
            }
            seen_hash.insert((a.content_hash, outlet_key));
            fresh.push(p);
        }
        // Publication order for clustering; undated articles keep their place at the end.
        // (Dedup above ran in input order, so the first version of an article wins.)
        // Ties (same timestamp, or both undated) go by article id, so that the clustering does
        // not depend on the order in which files or parallel workers delivered the batch.
        fresh.sort_by(|a, b| {
            match (&a.article.published, &b.article.published) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(|| a.article.id.cmp(&b.article.id))
        });
        let mut out: Vec<NewArticle> = Vec::with_capacity(fresh.len());
        for p in fresh {
            let a = self.connector.add(&p.article.id, &p.fingerprint);
            self.stats.new_stories += u64::from(a.new_story);
            self.stats.reprints += u64::from(a.reprint_of.is_some());
            out.push(NewArticle {
                fingerprint: postcard::to_allocvec(&p.fingerprint).unwrap_or_default(),
                story: Some(a.story),
                reprint_of: a.reprint_of,
                ..p.article
            });
        }
        if !out.is_empty() {
            self.stats.stored += self.store.write_batch(&out)? as u64;
        }
        self.stats.batches += 1;
        self.since_provenance += 1;
        if self.provenance_every > 0 && self.since_provenance >= self.provenance_every {
            self.update_provenance()?;
        }
        Ok(())
    }

    /// Traces every stale story (in parallel) and stores the results.
    pub fn update_provenance(&mut self) -> Result<u64> {
        self.check_locked()?;
        self.since_provenance = 0;
        let mut done = 0u64;
        loop {
            let ids = self.store.stale_stories(PROVENANCE_GROUP)?;
            if ids.is_empty() {
                break;
            }
            let store: &dyn Store = &self.store;
            let results: Vec<Result<StoryProvenance>> =
                ids.par_iter().map(|&id| trace_story(store, id)).collect();
            let items: Vec<StoryProvenance> = results.into_iter().collect::<Result<_>>()?;
            self.store.put_provenance(&items)?;
            done += items.len() as u64;
        }
        self.stats.traced += done;
        Ok(done)
    }

    /// Writes what is pending and brings every story's provenance up to date. After a bulk
    /// load (at least a tenth of the store new), merges the full-text index
    /// ([`Store::optimize_search`]).
    pub fn finish(&mut self) -> Result<IngestStats> {
        self.check_locked()?;
        self.flush()?;
        self.update_provenance()?;
        if self.stats.stored > 0 {
            let total = self.store.stats()?.articles;
            self.store
                .optimize_search(self.stats.stored.saturating_mul(10) >= total)?;
        }
        Ok(self.stats.clone())
    }
}

/// `www.theguardian.com` → `theguardian.com`.
fn host_outlet(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host
        .split(':')
        .next()?
        .trim_start_matches("www.")
        .to_lowercase();
    (host.contains('.') && host.len() <= 253).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlet_from_host() {
        assert_eq!(
            host_outlet("https://www.example.com/a/b").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host_outlet("https://user@news.example.org:8080/x").as_deref(),
            Some("news.example.org")
        );
        assert_eq!(host_outlet("not a url"), None);
    }
}

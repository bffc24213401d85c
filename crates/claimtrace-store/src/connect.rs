//! The connect stage of ingest (feature `connect`): deduplication, story clustering
//! (`claimtrace-story`), batched writes and provenance (`claimtrace-provenance`).
//!
//! ```text
//! annotated Doc ─▶ Ingester::prepare (pure, run it in parallel): sane date, outlet fallback,
//!                  fingerprint, JSON line, content hash, normalised URL
//!   ─▶ Ingester::push (sequential): buffered into batches; per batch, in publication order:
//!        dedup (store + batch) ─▶ Connector::add ─▶ one transaction (Store::write_batch)
//!   ─▶ every `provenance_every` batches and at finish(): provenance::trace for every story
//!      the batches touched (in parallel), stored in one transaction per group of stories.
//! ```
//!
//! Crash safety: the connector lives in memory and is rebuilt from the stored fingerprints
//! ([`Ingester::open`] → `Connector::restore`), so a killed ingest resumes exactly after the
//! last committed batch. Stories touched by a committed batch keep a stale flag until their
//! provenance is stored, so provenance interrupted by a crash is recomputed on the next run.

use crate::{
    ArticleKey, ClaimLink, EdgeLink, Existing, NewArticle, Result, Store, StoryProvenance,
    content_hash, normalize_published, today_utc,
};
use claimtrace_core::Doc;
use claimtrace_core::json::JsonOptions;
use claimtrace_story::{Config, Connector, Fingerprint};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Articles written per transaction by default.
pub const DEFAULT_BATCH: usize = 500;
/// Provenance is traced on at most this many articles of a story (the earliest ones): the
/// origin and the first re-reports are there, and the cost stays bounded on huge stories.
pub const MAX_TRACE_ARTICLES: usize = 400;
/// Stories traced per provenance transaction.
const PROVENANCE_GROUP: usize = 256;
/// Meta key holding the connector configuration (JSON), fixed at the first ingest.
const META_CONFIG: &str = "story_config";

/// An article ready for the sequential part of ingest. Built by [`Ingester::prepare`].
#[derive(Debug, Clone)]
pub struct Prepared {
    pub doc_id: String,
    pub url: Option<String>,
    pub content_hash: u64,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    pub text: String,
    pub json: String,
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

/// The connect stage over a [`Store`]. One ingester per store at a time (the CLI holds a lock
/// file): the clustering state is in this process's memory.
pub struct Ingester<'s> {
    store: &'s dyn Store,
    connector: Connector,
    batch_size: usize,
    provenance_every: usize,
    since_provenance: usize,
    pending: Vec<Prepared>,
    today: String,
    stats: IngestStats,
    /// Ids of articles that changed, with the stored id (reported by the caller).
    changed: Vec<(String, String)>,
}

impl<'s> Ingester<'s> {
    /// Opens the connect stage on a store, rebuilding the clustering index from what the store
    /// holds (so a second ingest continues the stories of the first).
    pub fn open(store: &'s dyn Store) -> Result<Ingester<'s>> {
        let cfg = match store.meta(META_CONFIG)? {
            Some(s) => serde_json::from_str(&s).unwrap_or_default(),
            None => {
                let cfg = Config::default();
                if let Ok(s) = serde_json::to_string(&cfg) {
                    store.set_meta(META_CONFIG, &s)?;
                }
                cfg
            }
        };
        let mut items: Vec<(String, Fingerprint, u64)> = Vec::new();
        store.for_each_fingerprint(&mut |row| {
            if let (Some(story), Ok(fp)) = (
                row.story,
                postcard::from_bytes::<Fingerprint>(row.fingerprint),
            ) {
                items.push((row.id.to_owned(), fp, story));
            }
        })?;
        let connector =
            Connector::restore(cfg, items.iter().map(|(id, fp, s)| (id.as_str(), fp, *s)));
        drop(items);
        Ok(Ingester {
            store,
            connector,
            batch_size: DEFAULT_BATCH,
            provenance_every: 1,
            since_provenance: 0,
            pending: Vec::new(),
            today: today_utc(),
            stats: IngestStats::default(),
            changed: Vec::new(),
        })
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

    /// `(incoming id, stored id)` of articles skipped because the stored version differs.
    pub fn take_changed(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.changed)
    }

    /// Everything ingest needs of one annotated article: pure and thread-safe, so run it in
    /// parallel. `today` is `YYYY-MM-DD` ([`Ingester::today`]).
    pub fn prepare(mut doc: Doc, today: &str) -> Prepared {
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
        let fingerprint = Fingerprint::of(&doc);
        let json = doc.to_json_line(JsonOptions::default());
        Prepared {
            content_hash: content_hash(&doc.text),
            doc_id: doc.id,
            url,
            outlet: doc.outlet,
            title: doc.title,
            published: doc.published,
            lang: doc.lang,
            text: doc.text,
            json,
            fingerprint,
            fixes,
        }
    }

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
        let batch = std::mem::take(&mut self.pending);
        let mut seen_ids: HashMap<String, u64> = HashMap::new();
        let mut seen_urls: HashMap<String, u64> = HashMap::new();
        let mut seen_hash: HashSet<(u64, Option<String>)> = HashSet::new();
        let mut fresh: Vec<Prepared> = Vec::with_capacity(batch.len());
        for p in batch {
            let f = p.fixes;
            self.stats.bad_dates += u64::from(f.bad_date);
            self.stats.no_dates += u64::from(f.no_date);
            self.stats.outlets_from_url += u64::from(f.outlet_from_url);
            self.stats.no_outlets += u64::from(f.no_outlet);
            let outlet_key = p.outlet.as_deref().map(|o| o.to_lowercase());
            // Within the batch first (not yet stored), then the store.
            let in_batch = if let Some(u) = &p.url
                && let Some(&h) = seen_urls.get(u)
            {
                Some(h == p.content_hash)
            } else if let Some(&h) = seen_ids.get(&p.doc_id) {
                Some(h == p.content_hash)
            } else if seen_hash.contains(&(p.content_hash, outlet_key.clone())) {
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
                    self.changed.push((p.doc_id.clone(), p.doc_id.clone()));
                    continue;
                }
                None => {}
            }
            let key = ArticleKey {
                id: &p.doc_id,
                url: p.url.as_deref(),
                content_hash: p.content_hash,
                outlet: p.outlet.as_deref(),
            };
            match self.store.find_existing(&key)? {
                Some(Existing::Same { .. }) => {
                    self.stats.duplicates += 1;
                    continue;
                }
                Some(Existing::Changed { id }) => {
                    self.stats.changed += 1;
                    self.changed.push((p.doc_id.clone(), id));
                    continue;
                }
                None => {}
            }
            seen_ids.insert(p.doc_id.clone(), p.content_hash);
            if let Some(u) = &p.url {
                seen_urls.insert(u.clone(), p.content_hash);
            }
            seen_hash.insert((p.content_hash, outlet_key));
            fresh.push(p);
        }
        // Publication order for clustering; undated articles keep their place at the end.
        // (Dedup above ran in input order, so the first version of an article wins.)
        // Ties (same timestamp, or both undated) go by article id, so that the clustering does
        // not depend on the order in which files or parallel workers delivered the batch.
        fresh.sort_by(|a, b| {
            match (&a.published, &b.published) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(|| a.doc_id.cmp(&b.doc_id))
        });
        let mut out: Vec<NewArticle> = Vec::with_capacity(fresh.len());
        for p in fresh {
            let a = self.connector.add(&p.doc_id, &p.fingerprint);
            self.stats.new_stories += u64::from(a.new_story);
            self.stats.reprints += u64::from(a.reprint_of.is_some());
            out.push(NewArticle {
                fingerprint: postcard::to_allocvec(&p.fingerprint).unwrap_or_default(),
                id: p.doc_id,
                url: p.url,
                content_hash: p.content_hash,
                outlet: p.outlet,
                title: p.title,
                published: p.published,
                lang: p.lang,
                text: p.text,
                json: p.json,
                story: Some(a.story),
                reprint_of: a.reprint_of,
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
        self.since_provenance = 0;
        let mut done = 0u64;
        loop {
            let ids = self.store.stale_stories(PROVENANCE_GROUP)?;
            if ids.is_empty() {
                break;
            }
            let store = self.store;
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

/// Provenance of one story from what the store holds.
pub fn trace_story(store: &dyn Store, story: u64) -> Result<StoryProvenance> {
    let stored = store.story_articles(story, MAX_TRACE_ARTICLES)?;
    let mut docs: Vec<Doc> = Vec::with_capacity(stored.len().min(MAX_TRACE_ARTICLES));
    let mut reprints: Vec<(String, String)> = Vec::new();
    for a in &stored {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&a.json) else {
            continue;
        };
        let Ok(doc) = Doc::from_json(&v) else {
            continue;
        };
        docs.push(doc);
        if let Some(o) = &a.reprint_of {
            reprints.push((a.id.clone(), o.clone()));
        }
    }
    let prov = claimtrace_provenance::trace(story, &docs, &reprints);
    let json = serde_json::to_string(&prov).unwrap_or_else(|_| "null".into());
    Ok(StoryProvenance {
        story,
        json,
        origin: prov.origin.clone(),
        top_entities: top_entities(&docs, 10),
        claims: prov
            .claims
            .iter()
            .map(|c| ClaimLink {
                id: c.id.clone(),
                text: c.text.clone(),
                origin: c.origin.clone(),
                members: c
                    .members
                    .iter()
                    .map(|m| (m.article.clone(), m.attribution))
                    .collect(),
            })
            .collect(),
        edges: prov
            .edges
            .iter()
            .map(|e| EdgeLink {
                from: e.from.clone(),
                to: e.to.clone(),
                kinds: {
                    let mut k: Vec<String> = e
                        .evidence
                        .iter()
                        .map(|v| v.kind.as_str().to_owned())
                        .collect();
                    k.sort();
                    k.dedup();
                    k
                },
            })
            .collect(),
        reprints: prov
            .reprints
            .iter()
            .map(|r| (r.copy.clone(), r.original.clone()))
            .collect(),
    })
}

/// The entities named by most articles of a story (people, organisations, places).
pub fn top_entities(docs: &[Doc], n: usize) -> Vec<String> {
    let mut count: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for d in docs {
        let mut seen: HashSet<String> = HashSet::new();
        for e in &d.entities {
            if !matches!(
                e.label.as_str(),
                "PER" | "PERSON" | "ORG" | "LOC" | "GPE" | "NORP" | "FAC"
            ) {
                continue;
            }
            let surface = d
                .span_text(e.span)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if surface.chars().count() < 2 || surface.chars().count() > 80 {
                continue;
            }
            let key = surface.to_lowercase();
            if seen.insert(key.clone()) {
                count.entry(key).or_insert((0, surface)).0 += 1;
            }
        }
    }
    let mut v: Vec<(usize, String)> = count.into_values().collect();
    v.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    v.into_iter().take(n).map(|(_, s)| s).collect()
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

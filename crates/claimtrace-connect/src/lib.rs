//! The connect stage of ingest: from annotated articles to a connected store.
//!
//! In: annotated [`claimtrace_core::Doc`]s (from the per-article pipeline, or claimtrace JSONL
//! with its layers) and a store path. Out: the articles written to the store
//! (`claimtrace-store`) in batched transactions, each in a story (`claimtrace-story`), with
//! its reprint link, and the provenance of every touched story (`claimtrace-provenance`); an
//! [`IngestStats`] summary.
//!
//! This crate is the only writer of a store's content, and the only home of:
//! * the writer lock ([`WriterLock`], `<db>.ingest-lock`): one writer per store across
//!   processes; a lock left by a killed process is taken over and reported;
//! * the story settings kept in the store ([`Ingester::open`]): fixed at creation, a
//!   different request is refused ([`Error::ConfigMismatch`]);
//! * the clustering state, rebuilt from the stored fingerprints at [`Ingester::open`], kept
//!   alive between writes by a long-lived writer ([`Ingester::unlock`] /
//!   [`Ingester::relock`] catch up with what others stored instead of rebuilding);
//! * provenance tracing from stored articles ([`trace_story`]) and a claim's chain
//!   ([`claim_trace`]).
//!
//! `claimtrace ingest` and the server's `POST /api/analyze?store=true` both go through
//! [`Ingester`]. See `docs/design/connect.md`.

mod error;
mod ingester;
mod lock;
mod trace;

pub use error::{Error, Result};
pub use ingester::{DEFAULT_BATCH, Fixes, IngestStats, Ingester, Prepared, Preparer};
pub use lock::{WriterLock, lock_path};
pub use trace::{MAX_TRACE_ARTICLES, top_entities, trace_story};

use claimtrace_provenance::{ClaimTrace, Provenance};
use claimtrace_store::Store;

/// One claim's chain: the part of its story's stored provenance graph that carries it
/// ([`Provenance::claim_trace`]). `None` when the claim is unknown or its story's stored
/// provenance is unreadable.
pub fn claim_trace(store: &dyn Store, claim_id: &str) -> Result<Option<ClaimTrace>> {
    let Some(story) = store.claim_story(claim_id)? else {
        return Ok(None);
    };
    let Some(json) = store.provenance(story)? else {
        return Ok(None);
    };
    let Ok(prov) = serde_json::from_str::<Provenance>(&json) else {
        return Ok(None);
    };
    Ok(prov.claim_trace(claim_id))
}

/// The schema.org `Claim` nodes of one story for a ClaimReview
/// ([`claimtrace_provenance::claimreview::claims`]), read from the store: the story's stored
/// provenance and its articles. `claim` keeps only that claim's cluster. `None` when the story
/// has no stored provenance (unknown, or not traced yet); an unreadable stored provenance is
/// an empty list.
pub fn claim_review(
    store: &dyn Store,
    story: u64,
    claim: Option<&str>,
) -> Result<Option<Vec<serde_json::Value>>> {
    let Some(json) = store.provenance(story)? else {
        return Ok(None);
    };
    let Ok(prov) = serde_json::from_str::<Provenance>(&json) else {
        return Ok(Some(Vec::new()));
    };
    let docs: Vec<claimtrace_core::Doc> = store
        .story_articles(story, MAX_TRACE_ARTICLES)?
        .iter()
        .filter_map(|a| serde_json::from_str::<serde_json::Value>(&a.json).ok())
        .filter_map(|v| claimtrace_core::Doc::from_json(&v).ok())
        .collect();
    Ok(Some(claimtrace_provenance::claimreview::claims(
        &prov, &docs, claim,
    )))
}

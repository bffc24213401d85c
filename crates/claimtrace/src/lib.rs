//! The claimtrace engine: the per-article pipeline over all stages.
//!
//! In: a [`Doc`] with metadata and body text (from `claimtrace-ingest`).
//! Out: the same `Doc` with the layers of every stage that is switched on (sentences and
//! tokens, tags, dependencies, entities…).

pub use claimtrace_core::{self as core, Doc};

/// The per-article stages, loaded once and shared by all threads.
#[derive(Debug, Default)]
pub struct Pipeline {}

impl Pipeline {
    /// The default pipeline with the models bundled in the binary.
    pub fn new() -> Self {
        Pipeline {}
    }

    /// Runs every stage on one document.
    pub fn annotate(&self, doc: &mut Doc) {
        let _ = doc;
    }
}

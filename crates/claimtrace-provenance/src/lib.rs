//! Claims, provenance graph and wording drift within one story.
//!
//! In: the annotated [`Doc`]s of one story (attributions and sources set by
//! claimtrace-attribution) and the reprint pairs found by claimtrace-story.
//! Out: a [`Provenance`]: nodes (stored articles and outlets they only name, `ext:<key>`),
//! edges "B re-reports A" with their evidence and the drift of the claims along them, the
//! claims of the story (attributions carrying the same claim, across languages) and the
//! origin — the earliest report the evidence leads back to.
//!
//! See `docs/design/connect.md` for the contract and `docs/benchmarks/provenance.md` for
//! figures. Everything here is pure, allocation-light and never panics on any input.

pub mod analyse;
pub mod cites;
pub mod claimreview;
pub mod claims;
pub mod drift;
pub mod eval;
pub mod graph;
pub mod independence;
pub mod model;
pub mod norm;
pub mod outlets;
pub mod render;
#[cfg(test)]
mod tests;

pub use cites::{CitedOutlet, cited_outlets};
use claimtrace_core::Doc;
pub use independence::{ClaimAccount, Independence, ReportAccount, Role};
pub use model::{
    Claim, ClaimMember, ClaimTrace, Drift, DriftKind, Edge, Evidence, EvidenceKind, Node, NodeKind,
    Provenance, Reprint,
};
pub use outlets::Lexicon;
pub use render::{render_tree, to_dot};

/// Traces a story: nodes, edges with evidence and drift, claims and the origin.
///
/// `reprints` are `(copy id, original id)` pairs (from the story stage); pairs naming
/// articles not in `docs` are ignored. Articles may come in any order; publication dates
/// may be missing.
pub fn trace(story: u64, docs: &[Doc], reprints: &[(String, String)]) -> Provenance {
    let mut p = graph::build(story, docs, reprints);
    p.independence = Some(independence::account(&p, docs));
    p
}

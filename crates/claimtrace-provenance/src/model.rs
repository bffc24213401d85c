//! The serde types of a story's provenance (the JSON of `claimtrace trace` and of
//! `GET /api/stories/{id}/provenance`), as fixed in `docs/design/connect.md`.

use serde::{Deserialize, Serialize};

/// The provenance graph of one story.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Provenance {
    pub story: u64,
    /// Node id of the earliest report the evidence leads back to (an article id or
    /// `ext:<outlet>`); `None` for an empty story.
    pub origin: Option<String>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub claims: Vec<Claim>,
    /// The story's near-copies, each pointing at the original of its set as the evidence
    /// orders it (the story stage names them in arrival order; see `graph::orient_reprints`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reprints: Vec<Reprint>,
}

/// `copy` is a near-verbatim copy of `original`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reprint {
    pub copy: String,
    pub original: String,
}

/// `article` (stored) or `external` (an outlet only named by stored articles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Article,
    External,
}

/// An article of the story, or an outlet it names (`ext:<key>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Article id, or `ext:<normalised outlet>` (`ext:guardian`).
    pub id: String,
    pub kind: NodeKind,
    /// The outlet name (as given for articles, canonical for external nodes).
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    /// As stored (`YYYY-MM-DD` or ISO 8601); `None` when unknown.
    pub published: Option<String>,
    pub lang: Option<String>,
}

/// "`to` re-reports `from`": `from` is the earlier or cited report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub evidence: Vec<Evidence>,
    pub drift: Vec<Drift>,
}

/// What links two reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// The re-reporter names the earlier report's outlet ("according to the Guardian").
    Cites,
    /// The re-reporter is a near-verbatim copy (a reprint).
    NearCopy,
    /// The re-reporter quotes the same words the earlier report published.
    SameQuote,
    /// Both carry the same claim, the earlier one first.
    SameClaim,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Cites => "cites",
            EvidenceKind::NearCopy => "near_copy",
            EvidenceKind::SameQuote => "same_quote",
            EvidenceKind::SameClaim => "same_claim",
        }
    }
}

/// One piece of evidence, located in an article (character offsets into its `text`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The words that show it ("selon l'AFP", the shared quote…).
    pub text: String,
    /// The article the offsets refer to (the re-reporter).
    pub article: String,
    pub start: usize,
    pub end: usize,
}

/// Kinds of wording drift along an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    HedgeDropped,
    HedgeAdded,
    CertaintyChanged,
    SourceSwapped,
    SourceDropped,
    NumberChanged,
    EntityChanged,
    QuoteAltered,
}

impl DriftKind {
    pub const ALL: [DriftKind; 8] = [
        DriftKind::HedgeDropped,
        DriftKind::HedgeAdded,
        DriftKind::CertaintyChanged,
        DriftKind::SourceSwapped,
        DriftKind::SourceDropped,
        DriftKind::NumberChanged,
        DriftKind::EntityChanged,
        DriftKind::QuoteAltered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::HedgeDropped => "hedge_dropped",
            DriftKind::HedgeAdded => "hedge_added",
            DriftKind::CertaintyChanged => "certainty_changed",
            DriftKind::SourceSwapped => "source_swapped",
            DriftKind::SourceDropped => "source_dropped",
            DriftKind::NumberChanged => "number_changed",
            DriftKind::EntityChanged => "entity_changed",
            DriftKind::QuoteAltered => "quote_altered",
        }
    }
}

/// One change between the earlier and the later wording of a claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    pub kind: DriftKind,
    /// Id of the claim (in [`Provenance::claims`]) the change is about.
    pub claim: String,
    pub before: String,
    pub after: String,
}

/// One claim of the story and the attributions that carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// `<story>:<n>`, unique across stories.
    pub id: String,
    /// The claim's wording in its earliest report.
    pub text: String,
    /// Node id of the claim's earliest report (article or external).
    pub origin: Option<String>,
    /// Members in publication order (earliest first).
    pub members: Vec<ClaimMember>,
}

/// One attribution carrying a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimMember {
    pub article: String,
    /// Index in the article's `attributions`.
    pub attribution: u32,
}

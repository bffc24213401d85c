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
    /// "N reports, K independent origins, M primary sources", for the story and each claim
    /// (see [`crate::independence`]); absent in graphs traced before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub independence: Option<crate::independence::Independence>,
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

/// One claim's chain: the part of a story's [`Provenance`] that carries the claim. Built by
/// [`Provenance::claim_trace`] (the JSON of `claimtrace trace --claim` and of
/// `GET /api/claims/{id}`, see [`ClaimTrace::to_json`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimTrace {
    pub story: u64,
    pub claim: Claim,
    /// The claim's origin node (as [`Claim::origin`]).
    pub origin: Option<String>,
    /// The nodes of the kept edges and of the claim's origin and members, in the graph's
    /// order.
    pub nodes: Vec<Node>,
    /// The edges whose drift concerns the claim or that join two of its articles, each with
    /// the drift of this claim only.
    pub edges: Vec<Edge>,
    /// The claim's independence accounting, when the story's graph has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub independence: Option<crate::independence::ClaimAccount>,
}

impl ClaimTrace {
    /// The JSON text, object keys in alphabetical order at every level (the format of this
    /// output since the first release).
    pub fn to_json(&self) -> String {
        serde_json::to_value(self).map_or_else(|_| "null".into(), |v| v.to_string())
    }
}

impl Provenance {
    /// The part of the graph that carries claim `claim_id`: its origin and member articles,
    /// the edges between them or with drift of this claim (drift of other claims left out),
    /// and the nodes those edges join. `None` when the story has no such claim.
    pub fn claim_trace(&self, claim_id: &str) -> Option<ClaimTrace> {
        use std::collections::BTreeSet;
        let claim = self.claims.iter().find(|c| c.id == claim_id)?.clone();
        let mut keep: BTreeSet<&str> = BTreeSet::new();
        if let Some(o) = &claim.origin {
            keep.insert(o);
        }
        keep.extend(claim.members.iter().map(|m| m.article.as_str()));
        let mut used = keep.clone();
        let mut edges = Vec::new();
        for e in &self.edges {
            let drift: Vec<Drift> = e
                .drift
                .iter()
                .filter(|d| d.claim == claim_id)
                .cloned()
                .collect();
            if !drift.is_empty() || (keep.contains(e.from.as_str()) && keep.contains(e.to.as_str()))
            {
                used.insert(&e.from);
                used.insert(&e.to);
                edges.push(Edge {
                    from: e.from.clone(),
                    to: e.to.clone(),
                    evidence: e.evidence.clone(),
                    drift,
                });
            }
        }
        let nodes = self
            .nodes
            .iter()
            .filter(|n| used.contains(n.id.as_str()))
            .cloned()
            .collect();
        let independence = self
            .independence
            .as_ref()
            .and_then(|i| i.claims.iter().find(|c| c.claim == claim_id).cloned());
        Some(ClaimTrace {
            story: self.story,
            origin: claim.origin.clone(),
            claim,
            nodes,
            edges,
            independence,
        })
    }
}

#[cfg(test)]
mod claim_trace_tests {
    use super::*;

    fn node(id: &str) -> Node {
        Node {
            id: id.into(),
            kind: if id.starts_with("ext:") {
                NodeKind::External
            } else {
                NodeKind::Article
            },
            outlet: None,
            title: None,
            url: None,
            published: None,
            lang: None,
        }
    }

    fn drift(claim: &str) -> Drift {
        Drift {
            kind: DriftKind::HedgeDropped,
            claim: claim.into(),
            before: "may".into(),
            after: "will".into(),
        }
    }

    #[test]
    fn a_claims_part_of_the_graph() {
        let edge = |from: &str, to: &str, drift: Vec<Drift>| Edge {
            from: from.into(),
            to: to.into(),
            evidence: Vec::new(),
            drift,
        };
        let p = Provenance {
            story: 1,
            origin: Some("a1".into()),
            nodes: ["a1", "a2", "a3", "ext:x"].map(node).to_vec(),
            edges: vec![
                edge("a1", "a2", vec![drift("1:1"), drift("1:2")]),
                edge("a2", "a3", Vec::new()),
                edge("ext:x", "a3", Vec::new()),
            ],
            claims: vec![Claim {
                id: "1:1".into(),
                text: "the bridge will reopen".into(),
                origin: Some("a1".into()),
                members: ["a1", "a2"]
                    .map(|a| ClaimMember {
                        article: a.into(),
                        attribution: 0,
                    })
                    .to_vec(),
            }],
            reprints: Vec::new(),
            independence: None,
        };
        let t = p.claim_trace("1:1").unwrap();
        assert_eq!((t.story, t.origin.as_deref()), (1, Some("a1")));
        assert_eq!(t.edges.len(), 1);
        assert_eq!(t.edges[0].drift, vec![drift("1:1")]);
        let ids: Vec<&str> = t.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["a1", "a2"]);
        assert!(p.claim_trace("1:9").is_none());
        // Keys in alphabetical order at every level.
        let json = t.to_json();
        assert!(
            json.starts_with(r#"{"claim":{"id":"1:1","members":"#),
            "{json}"
        );
    }
}

//! Independence accounting: "N reports, K independent origins, M primary sources", for a
//! story and for each of its claims.
//!
//! In: a traced [`Provenance`] and the story's annotated [`Doc`]s. Out: [`Independence`].
//!
//! - A **report** is a stored article of the story (for a claim: an article carrying it).
//! - An article **derives** from another node when an edge into it carries evidence of copying
//!   or re-reporting: `near_copy` (a reprint or wire copy) or `cites`/`same_quote` (a
//!   re-report, "X reported that …"). `same_claim` alone (the same claim, earlier) is not
//!   evidence of copying and derives nothing.
//! - An article **adds new reporting** when it has a source or a direct quotation of its own:
//!   an attribution not relayed through a media source ("the Guardian reported that officials
//!   said …" relays the officials), whose source is named in none of the articles it derives
//!   from, or whose quoted words appear in none of them. Otherwise it **only restates**.
//! - Its **origin** is itself when it derives from nothing or adds new reporting; else the
//!   origin of what it derives from (the earliest such node; an outlet only named, `ext:…`,
//!   is an origin of its own). Reprints, wire copies and re-reports thus collapse into their
//!   origin. **K** counts the distinct origins.
//! - A **primary source** is a source that is not a medium (nor the article's own voice):
//!   the officials, people, documents the information comes from. **M** counts them, folded
//!   (case, accents), across the reports. For a claim, the members' sources and, for a member
//!   relayed by a medium, the sources nested in it.

use crate::model::{EvidenceKind, NodeKind, Provenance};
use claimtrace_core::Doc;
use claimtrace_text::norm::phrase_key;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How a report relates to the reports before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Derives from nothing in the story.
    Original,
    /// A near-verbatim copy (a reprint or wire copy).
    Reprint,
    /// Credits or quotes an earlier report ("X reported that …").
    ReReport,
}

/// One report of the story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAccount {
    pub article: String,
    pub outlet: Option<String>,
    pub role: Role,
    /// The nodes it derives from (article ids or `ext:<outlet>`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derives_from: Vec<String>,
    /// The independent origin it collapses into (itself when it is one).
    pub origin: String,
    /// It has a source or quotation of its own (see the module documentation).
    pub new_reporting: bool,
    /// Its own sources not named by what it derives from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_sources: Vec<String>,
    /// Its own direct quotations not found in what it derives from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_quotes: Vec<String>,
}

/// The counts of one claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimAccount {
    pub claim: String,
    pub reports: usize,
    pub origins: usize,
    pub primary_sources: usize,
    /// "N reports, K independent origins, M primary sources".
    pub summary: String,
    pub origin_ids: Vec<String>,
    pub primary: Vec<String>,
}

/// The accounting of one story.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Independence {
    pub reports: usize,
    pub origins: usize,
    pub primary_sources: usize,
    /// "N reports, K independent origins, M primary sources".
    pub summary: String,
    /// The independent origins (node ids), earliest first.
    pub origin_ids: Vec<String>,
    /// The primary sources, as named (first spelling met).
    pub primary: Vec<String>,
    /// Every report, in the graph's order.
    pub articles: Vec<ReportAccount>,
    pub claims: Vec<ClaimAccount>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "5 reports, 2 independent origins, 3 primary sources".
pub fn summary(reports: usize, origins: usize, primary: usize) -> String {
    format!(
        "{}, {}, {}",
        plural(reports, "report", "reports"),
        plural(origins, "independent origin", "independent origins"),
        plural(primary, "primary source", "primary sources")
    )
}

/// Source types that relay rather than originate.
fn is_relay(kind: &str) -> bool {
    matches!(kind, "media" | "self")
}

/// The name of an attribution's source: its resolved entity, else the words as written.
fn source_name(doc: &Doc, i: usize) -> Option<String> {
    let a = doc.attributions.get(i)?;
    let entity = a
        .source_id
        .and_then(|s| doc.sources.get(s as usize))
        .map(|s| s.entity.trim())
        .filter(|e| !e.is_empty());
    let name = match entity {
        Some(e) => e.to_string(),
        None => doc.span_text(a.source?).trim().to_string(),
    };
    (!phrase_key(&name).is_empty()).then_some(name)
}

/// Whether attribution `i` is relayed: one of its enclosing attributions has a media source.
fn relayed(doc: &Doc, i: usize) -> bool {
    let mut at = doc.attributions.get(i).and_then(|a| a.parent);
    let mut steps = 0;
    while let Some(p) = at {
        let Some(a) = doc.attributions.get(p as usize) else {
            break;
        };
        if a.source_type == "media" {
            return true;
        }
        at = a.parent;
        steps += 1;
        if steps > doc.attributions.len() {
            break;
        }
    }
    false
}

/// Primary sources of one article: `(key, name)` of its non-relay sources.
fn primary_of(doc: &Doc, which: impl Iterator<Item = usize>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in which {
        let Some(a) = doc.attributions.get(i) else {
            continue;
        };
        if is_relay(&a.source_type) {
            continue;
        }
        if let Some(n) = source_name(doc, i) {
            out.push((phrase_key(&n), n));
        }
    }
    out
}

/// Accounts for a traced story. Never panics; articles of `docs` not in the graph are ignored.
pub fn account(p: &Provenance, docs: &[Doc]) -> Independence {
    let by_id: HashMap<&str, &Doc> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let order: HashMap<&str, usize> = p
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    // Incoming derivation edges, and the role they give.
    let mut parents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut role: HashMap<&str, Role> = HashMap::new();
    for e in &p.edges {
        let copy = e.evidence.iter().any(|x| x.kind == EvidenceKind::NearCopy);
        let re = e
            .evidence
            .iter()
            .any(|x| matches!(x.kind, EvidenceKind::Cites | EvidenceKind::SameQuote));
        if !(copy || re) || e.from == e.to {
            continue;
        }
        parents
            .entry(e.to.as_str())
            .or_default()
            .push(e.from.as_str());
        let r = role.entry(e.to.as_str()).or_insert(Role::ReReport);
        if copy {
            *r = Role::Reprint;
        }
    }
    for v in parents.values_mut() {
        v.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
        v.dedup();
    }
    // Every ancestor of a node through derivation edges (bounded walk, cycles ignored).
    let ancestors = |id: &str| -> BTreeSet<String> {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<&str> = parents.get(id).cloned().unwrap_or_default();
        while let Some(x) = stack.pop() {
            if x == id || !seen.insert(x.to_string()) {
                continue;
            }
            if let Some(ps) = parents.get(x) {
                stack.extend(ps.iter().copied());
            }
        }
        seen
    };
    let articles: Vec<&str> = p
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Article)
        .map(|n| n.id.as_str())
        .collect();
    let mut reports: Vec<ReportAccount> = Vec::with_capacity(articles.len());
    let mut new_reporting: HashMap<&str, bool> = HashMap::new();
    let mut anc_keys: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for &id in &articles {
        let Some(doc) = by_id.get(id) else { continue };
        let anc = ancestors(id);
        let anc_docs: Vec<&Doc> = anc
            .iter()
            .filter_map(|a| by_id.get(a.as_str()).copied())
            .collect();
        let anc_sources: BTreeSet<String> = anc_docs
            .iter()
            .flat_map(|d| primary_of(d, 0..d.attributions.len()))
            .map(|(k, _)| k)
            .collect();
        let anc_text: Vec<String> = anc_docs.iter().map(|d| phrase_key(&d.text)).collect();
        anc_keys.insert(id, anc_sources.clone());
        let derives = parents.get(id).map(|v| !v.is_empty()).unwrap_or(false);
        let mut new_sources: Vec<String> = Vec::new();
        let mut new_quotes: Vec<String> = Vec::new();
        if derives {
            for (i, a) in doc.attributions.iter().enumerate() {
                if is_relay(&a.source_type) || relayed(doc, i) {
                    continue;
                }
                if let Some(n) = source_name(doc, i) {
                    let k = phrase_key(&n);
                    if !anc_sources.contains(&k) && !new_sources.iter().any(|x| phrase_key(x) == k)
                    {
                        new_sources.push(n);
                    }
                }
                if a.kind == "direct" || a.kind == "mixed" {
                    let q = doc.span_text(a.content).trim().to_string();
                    let qk = phrase_key(&q);
                    if qk.split(' ').count() >= 3 && !anc_text.iter().any(|t| t.contains(&qk)) {
                        new_quotes.push(q);
                    }
                }
            }
        }
        let own = !derives || !new_sources.is_empty() || !new_quotes.is_empty();
        new_reporting.insert(id, derives && own);
        reports.push(ReportAccount {
            article: id.to_string(),
            outlet: doc.outlet.clone(),
            role: role.get(id).copied().unwrap_or(Role::Original),
            derives_from: parents
                .get(id)
                .map(|v| v.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            origin: String::new(),
            new_reporting: derives && own,
            new_sources,
            new_quotes,
        });
    }
    // Origins: itself when independent, else the origin of its earliest parent.
    let independent = |id: &str| -> bool {
        !parents.contains_key(id) || new_reporting.get(id).copied().unwrap_or(false)
    };
    let origin_of = |id: &str| -> String {
        let mut at = id;
        for _ in 0..=p.nodes.len() {
            if !by_id.contains_key(at) || independent(at) {
                return at.to_string();
            }
            match parents.get(at).and_then(|v| v.first()) {
                Some(next) if *next != at => at = next,
                _ => return at.to_string(),
            }
        }
        at.to_string()
    };
    for r in &mut reports {
        r.origin = origin_of(&r.article);
    }
    let sort_ids = |set: BTreeSet<String>| -> Vec<String> {
        let mut v: Vec<String> = set.into_iter().collect();
        v.sort_by_key(|id| order.get(id.as_str()).copied().unwrap_or(usize::MAX));
        v
    };
    let origin_ids = sort_ids(reports.iter().map(|r| r.origin.clone()).collect());
    let mut primary: BTreeMap<String, String> = BTreeMap::new();
    for &id in &articles {
        if let Some(d) = by_id.get(id) {
            for (k, n) in primary_of(d, 0..d.attributions.len()) {
                primary.entry(k).or_insert(n);
            }
        }
    }
    let mut claims = Vec::with_capacity(p.claims.len());
    for c in &p.claims {
        let members: BTreeSet<&str> = c.members.iter().map(|m| m.article.as_str()).collect();
        let mut origins: BTreeSet<String> = BTreeSet::new();
        let mut prim: BTreeMap<String, String> = BTreeMap::new();
        for m in &c.members {
            let Some(d) = by_id.get(m.article.as_str()) else {
                continue;
            };
            let i = m.attribution as usize;
            let Some(a) = d.attributions.get(i) else {
                continue;
            };
            // The member's own source, or the sources nested in a relayed one.
            let which: Vec<usize> = if is_relay(&a.source_type) {
                (0..d.attributions.len())
                    .filter(|&j| d.attributions[j].parent == Some(m.attribution))
                    .collect()
            } else {
                vec![i]
            };
            for (k, n) in primary_of(d, which.into_iter()) {
                prim.entry(k).or_insert(n);
            }
        }
        for m in &c.members {
            let a = m.article.as_str();
            let Some(d) = by_id.get(a) else { continue };
            let i = m.attribution as usize;
            // Independent for this claim: derives from nothing, or carries it on a source of
            // its own that what it derives from does not name.
            let own = d.attributions.get(i).is_some_and(|x| {
                !is_relay(&x.source_type)
                    && !relayed(d, i)
                    && source_name(d, i).is_some_and(|n| {
                        anc_keys
                            .get(a)
                            .is_none_or(|keys| !keys.contains(&phrase_key(&n)))
                    })
            });
            let o = if !parents.contains_key(a) || own {
                a.to_string()
            } else {
                parents
                    .get(a)
                    .and_then(|v| v.first())
                    .map(|p0| origin_of(p0))
                    .unwrap_or_else(|| a.to_string())
            };
            origins.insert(o);
        }
        if let Some(o) = &c.origin
            && !by_id.contains_key(o.as_str())
        {
            origins.insert(o.clone());
        }
        let origin_ids = sort_ids(origins);
        claims.push(ClaimAccount {
            claim: c.id.clone(),
            reports: members.len(),
            origins: origin_ids.len(),
            primary_sources: prim.len(),
            summary: summary(members.len(), origin_ids.len(), prim.len()),
            origin_ids,
            primary: prim.into_values().collect(),
        });
    }
    Independence {
        reports: reports.len(),
        origins: origin_ids.len(),
        primary_sources: primary.len(),
        summary: summary(reports.len(), origin_ids.len(), primary.len()),
        origin_ids,
        primary: primary.into_values().collect(),
        articles: reports,
        claims,
    }
}

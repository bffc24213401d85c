//! schema.org `Claim`s for ClaimReview: one per traced claim, with the fields a fact-checker's
//! ClaimReview needs except the rating (which stays the fact-checker's: no `reviewRating`).
//!
//! In: a story's [`Provenance`] and its annotated [`Doc`]s. Out: JSON-LD nodes (`Claim`) with
//! `text`, `inLanguage`, `author` (the resolved source of the claim's first appearance),
//! `firstAppearance` (the origin report as a `CreativeWork`: `url`, `datePublished`,
//! `publisher`), every `appearance`, and two claimtrace terms defined in [`CONTEXT`]:
//! `claimtrace:certainty` and `claimtrace:attributionPath` ("TV5 Monde via the Guardian via
//! regional intelligence officials").

use crate::model::{Claim, Node, NodeKind, Provenance};
use claimtrace_core::Doc;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The `@context` of the export: schema.org, plus the claimtrace terms.
pub fn context() -> Value {
    json!([
        "https://schema.org/",
        {"claimtrace": "https://claimtrace.org/ns#"}
    ])
}

/// The `@context` (see [`context`]) as text, for documentation.
pub const CONTEXT: &str =
    r#"["https://schema.org/", {"claimtrace": "https://claimtrace.org/ns#"}]"#;

fn creative_work(n: &Node) -> Value {
    let mut m = Map::new();
    m.insert("@type".into(), json!("CreativeWork"));
    if n.kind == NodeKind::Article {
        m.insert("@id".into(), json!(format!("claimtrace:article/{}", n.id)));
    }
    if let Some(u) = &n.url {
        let full = if u.contains("://") {
            u.clone()
        } else {
            format!("https://{u}")
        };
        m.insert("url".into(), json!(full));
    }
    if let Some(t) = &n.title {
        m.insert("headline".into(), json!(t));
    }
    if let Some(d) = &n.published {
        m.insert("datePublished".into(), json!(d));
    }
    if let Some(l) = &n.lang {
        m.insert("inLanguage".into(), json!(l));
    }
    if let Some(o) = &n.outlet {
        m.insert(
            "publisher".into(),
            json!({"@type": "Organization", "name": o}),
        );
    }
    Value::Object(m)
}

/// The attribution path of attribution `i` of `doc`: the outlet, then every source from the
/// outermost attribution to this one, joined by " via ".
pub fn attribution_path(doc: &Doc, i: usize) -> String {
    let mut chain: Vec<String> = Vec::new();
    let mut at = Some(i as u32);
    let mut steps = 0;
    while let Some(k) = at {
        let Some(a) = doc.attributions.get(k as usize) else {
            break;
        };
        if let Some(n) = source_name(doc, k as usize) {
            chain.push(n);
        }
        at = a.parent;
        steps += 1;
        if steps > doc.attributions.len() {
            break;
        }
    }
    if let Some(o) = &doc.outlet {
        let key = claimtrace_text::norm::phrase_key(o);
        if chain
            .last()
            .is_none_or(|l| claimtrace_text::norm::phrase_key(l) != key)
        {
            chain.push(o.clone());
        }
    }
    chain.reverse();
    chain.join(" via ")
}

fn source_name(doc: &Doc, i: usize) -> Option<String> {
    let a = doc.attributions.get(i)?;
    let entity = a
        .source_id
        .and_then(|s| doc.sources.get(s as usize))
        .map(|s| s.entity.trim().to_string())
        .filter(|e| !e.is_empty());
    let name = entity.or_else(|| a.source.map(|s| doc.span_text(s).trim().to_string()))?;
    (!name.is_empty()).then_some(name)
}

/// The innermost source of a claim's attribution: its own, or when it is a medium relaying
/// someone, the source nested in it.
fn author(doc: &Doc, i: usize) -> Option<Value> {
    let a = doc.attributions.get(i)?;
    let (k, a) = if a.source_type == "media" {
        match doc
            .attributions
            .iter()
            .enumerate()
            .find(|(_, x)| x.parent == Some(i as u32))
        {
            Some((j, x)) => (j, x),
            None => (i, a),
        }
    } else {
        (i, a)
    };
    let name = source_name(doc, k)?;
    let ty = if a.source_type == "person" {
        "Person"
    } else {
        "Organization"
    };
    Some(json!({"@type": ty, "name": name}))
}

/// One `Claim` node per claim of the story (or only `only`, a claim id).
pub fn claims(p: &Provenance, docs: &[Doc], only: Option<&str>) -> Vec<Value> {
    let by_id: HashMap<&str, &Doc> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let nodes: HashMap<&str, &Node> = p.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    p.claims
        .iter()
        .filter(|c| only.is_none_or(|o| o == c.id))
        .map(|c| claim(c, &nodes, &by_id))
        .collect()
}

fn claim(c: &Claim, nodes: &HashMap<&str, &Node>, docs: &HashMap<&str, &Doc>) -> Value {
    let mut m = Map::new();
    m.insert("@type".into(), json!("Claim"));
    m.insert("@id".into(), json!(format!("claimtrace:claim/{}", c.id)));
    m.insert("text".into(), json!(c.text));
    let first = c.members.first();
    let first_doc = first.and_then(|f| docs.get(f.article.as_str()).map(|d| (*d, f.attribution)));
    if let Some(l) = first_doc.and_then(|(d, _)| d.lang.clone()) {
        m.insert("inLanguage".into(), json!(l));
    }
    if let Some(a) = first_doc.and_then(|(d, i)| author(d, i as usize)) {
        m.insert("author".into(), a);
    }
    // The origin: the claim's origin node (an outlet only named is a CreativeWork by it).
    let origin = c
        .origin
        .as_deref()
        .or(first.map(|f| f.article.as_str()))
        .and_then(|o| nodes.get(o));
    if let Some(n) = origin {
        m.insert("firstAppearance".into(), creative_work(n));
        if let Some(d) = nodes.get(n.id.as_str()).and_then(|n| n.published.clone()) {
            m.insert("datePublished".into(), json!(d));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut apps = Vec::new();
    for mem in &c.members {
        if seen.contains(&mem.article.as_str()) {
            continue;
        }
        seen.push(&mem.article);
        if let Some(n) = nodes.get(mem.article.as_str()) {
            apps.push(creative_work(n));
        }
    }
    m.insert("appearance".into(), Value::Array(apps));
    if let Some((d, i)) = first_doc {
        if let Some(a) = d.attributions.get(i as usize) {
            m.insert("claimtrace:certainty".into(), json!(a.certainty.as_str()));
        }
        m.insert(
            "claimtrace:attributionPath".into(),
            json!(attribution_path(d, i as usize)),
        );
    }
    Value::Object(m)
}

/// A JSON-LD document of `Claim` nodes.
pub fn document(claims: Vec<Value>) -> Value {
    json!({"@context": context(), "@graph": claims})
}

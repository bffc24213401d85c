//! Provenance of one story from what the store holds, in the store's terms.

use crate::Result;
use claimtrace_core::Doc;
use claimtrace_store::{ClaimLink, EdgeLink, Store, StoryProvenance};
use std::collections::{BTreeMap, HashSet};

/// Provenance is traced on at most this many articles of a story (the earliest ones): the
/// origin and the first re-reports are there, and the cost stays bounded on huge stories.
pub const MAX_TRACE_ARTICLES: usize = 400;

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

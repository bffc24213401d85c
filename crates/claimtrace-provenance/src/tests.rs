//! Whole-story tests on fictional fixtures (`tests/fixtures/provenance/`), without the
//! attribution layer (the pipeline's own crates are dev-dependencies of the example only).

use crate::*;
use claimtrace_core::Doc;

const ZORLAND: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/provenance/zorland-quake.jsonl"
));

fn docs(jsonl: &str) -> Vec<Doc> {
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter_map(|v| Doc::from_json(&v).ok())
        .collect()
}

#[test]
fn zorland_story() {
    let d = docs(ZORLAND);
    assert_eq!(d.len(), 4);
    let p = trace(7, &d, &[("copy-3".into(), "wire-1".into())]);
    assert_eq!(p.origin.as_deref(), Some("wire-1"), "{}", render_tree(&p));
    // The AP and AFP are only named: external nodes.
    assert!(
        p.nodes
            .iter()
            .any(|n| n.id == "ext:ap" && n.kind == NodeKind::External)
    );
    assert!(p.nodes.iter().any(|n| n.id == "ext:afp"));
    let e = |f: &str, t: &str| p.edges.iter().find(|e| e.from == f && e.to == t);
    let copy = e("wire-1", "copy-3").expect("reprint edge");
    assert!(
        copy.evidence
            .iter()
            .any(|x| x.kind == EvidenceKind::NearCopy)
    );
    let cites = e("ext:ap", "daily-2").expect("cites edge");
    let ev = &cites.evidence[0];
    let text: String = d[1]
        .text
        .chars()
        .skip(ev.start)
        .take(ev.end - ev.start)
        .collect();
    assert_eq!(text, ev.text);
    // daily-2 re-quotes the wire and drops the hedge, changes the toll.
    let q = e("wire-1", "daily-2").expect("same quote edge");
    assert!(q.evidence.iter().any(|x| x.kind == EvidenceKind::SameQuote));
    let kinds: Vec<DriftKind> = q.drift.iter().map(|d| d.kind).collect();
    assert!(kinds.contains(&DriftKind::HedgeDropped), "{kinds:?}");
    assert!(kinds.contains(&DriftKind::NumberChanged), "{kinds:?}");
    // Renderings.
    let tree = render_tree(&p);
    assert!(tree.contains("wire-1") && tree.contains("ext:ap"));
    let dot = to_dot(&p);
    assert!(dot.starts_with("digraph") && dot.contains("\"ext:ap\" -> \"daily-2\""));
    // JSON round trip with the field names of the contract.
    let j = serde_json::to_value(&p).unwrap_or_default();
    assert_eq!(j["nodes"][0]["kind"], "article");
    assert!(j["edges"][0]["evidence"][0]["kind"].is_string());
    let back: Provenance = serde_json::from_value(j).unwrap_or_default();
    assert_eq!(back, p);
}

#[test]
fn empty_and_odd_inputs_do_not_panic() {
    let p = trace(1, &[], &[]);
    assert!(p.origin.is_none() && p.nodes.is_empty());
    let mut odd = vec![
        Doc::from_text("a", ""),
        Doc::from_text("a", "« unclosed quote \" and AP"),
        Doc::from_text("b", "٢٠٢٠ ولرويترز قال"),
    ];
    odd[1].published = Some("99999-99-99".into());
    odd[2].published = Some("1970-01-01T00:00:00Z".into());
    odd[2].title = Some("[]".into());
    let p = trace(
        2,
        &odd,
        &[("x".into(), "a".into()), ("a".into(), "a".into())],
    );
    assert!(p.origin.is_some());
    let _ = (render_tree(&p), to_dot(&p));
}

const MAYOR: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/provenance/mayor-guardian.jsonl"
));

#[test]
fn external_origin_across_languages() {
    let d = docs(MAYOR);
    assert_eq!(d.len(), 3);
    let p = trace(9, &d, &[]);
    // Every article credits the Guardian, which is not stored: it is the origin.
    assert_eq!(
        p.origin.as_deref(),
        Some("ext:guardian"),
        "{}",
        render_tree(&p)
    );
    for id in ["fr-1", "es-2", "ar-3"] {
        assert!(
            p.edges
                .iter()
                .any(|e| e.from == "ext:guardian" && e.to == id),
            "{id}: {}",
            render_tree(&p)
        );
    }
    // "informó The Guardian, y recoge la agencia EFE": EFE took it from the Guardian.
    assert!(
        p.edges
            .iter()
            .any(|e| e.from == "ext:guardian" && e.to == "ext:efe")
    );
    assert!(
        p.edges
            .iter()
            .any(|e| e.from == "ext:efe" && e.to == "es-2")
    );
    // The French report hedges ("aurait"), the Spanish one does not.
    let fr_es: Vec<DriftKind> = p
        .edges
        .iter()
        .filter(|e| e.from == "fr-1" && e.to == "es-2")
        .flat_map(|e| e.drift.iter().map(|d| d.kind))
        .collect();
    assert!(
        fr_es.is_empty() || fr_es.contains(&DriftKind::HedgeDropped),
        "{fr_es:?}"
    );
}

#[test]
fn a_few_dozen_articles_trace_fast() {
    let base = docs(ZORLAND);
    let mut many = Vec::new();
    for i in 0..40 {
        let mut d = base[i % base.len()].clone();
        d.id = format!("{}-{i}", d.id);
        many.push(d);
    }
    let t = std::time::Instant::now();
    let p = trace(3, &many, &[]);
    assert_eq!(
        p.nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Article)
            .count(),
        40
    );
    // Generous bound for a debug build on a loaded machine; release is far below.
    assert!(t.elapsed().as_millis() < 2000, "{:?}", t.elapsed());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    #[test]
    fn any_text_traces_without_panic(
        texts in proptest::collection::vec("\\PC{0,120}", 1..5),
        dates in proptest::collection::vec(proptest::option::of("[0-9-]{0,12}"), 5),
    ) {
        let docs: Vec<Doc> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut d = Doc::from_text(format!("d{i}"), t.clone());
                d.published = dates.get(i).cloned().flatten();
                d.title = Some(t.chars().rev().collect());
                d.outlet = Some(t.chars().take(20).collect());
                d
            })
            .collect();
        let p = trace(1, &docs, &[("d1".into(), "d0".into())]);
        let _ = (render_tree(&p), to_dot(&p));
    }
}

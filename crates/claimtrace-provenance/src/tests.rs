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

fn doc(id: &str, outlet: &str, day: &str, lang: &str, text: &str) -> Doc {
    let v = serde_json::json!({
        "id": id, "outlet": outlet, "published": day, "lang": lang, "title": null, "text": text,
    });
    Doc::from_json(&v).unwrap_or_else(|_| Doc::from_text(id, text))
}

/// "officials told CBS News" inside two CBS copies is their own reporting: no edge between
/// them (it made a cycle), so the copy most re-reports lead back to is the origin, not an
/// outlet named beside it.
#[test]
fn own_outlet_credit_is_not_a_re_report() {
    let body = "Officials are confident the Vexian ferry was sunk by a mine, sources told CBS News on Thursday. The Zorland navy denied any role and said the ferry hit a reef near the port.";
    let d = vec![
        doc("kaaa-1", "KAAA (CBS News wire)", "2031-03-04", "en", body),
        doc("kbbb-2", "KBBB (CBS News wire)", "2031-03-04", "en", body),
        doc(
            "rew-3",
            "Daily Rewrite",
            "2031-03-04",
            "en",
            "The Vexian ferry was sunk by a mine, according to Newsweek and CBS News. The navy denied it.",
        ),
        doc(
            "rew-4",
            "Other Rewrite",
            "2031-03-05",
            "en",
            "A mine sank the Vexian ferry, CBS News reported, while Newsweek said officials were confident.",
        ),
    ];
    let p = trace(1, &d, &[("kbbb-2".into(), "kaaa-1".into())]);
    assert_eq!(p.origin.as_deref(), Some("kaaa-1"), "{}", render_tree(&p));
    assert!(
        !p.edges
            .iter()
            .any(|e| e.from == "kbbb-2" && e.to == "kaaa-1"),
        "{}",
        render_tree(&p)
    );
}

/// A reprint dated the day before shows its original existed by then: of two same-wire
/// copies, the one reprinted earlier comes first, even though the other is longer. And a
/// copy cut shorter, dated one day before its fuller original (another time zone), does not
/// make itself the original.
#[test]
fn reprint_date_dates_its_original() {
    let cut =
        "A magnitude 6.1 quake struck near Zorbad on Wednesday, the Vexian Geological Survey said.";
    let short = "A magnitude 6.1 quake struck near Zorbad on Wednesday, the Vexian Geological Survey said. Houses collapsed in two villages.";
    let long = "A magnitude 6.1 quake struck near Zorbad on Wednesday, the Vexian Geological Survey said. Houses collapsed in two villages. Local officials said rescuers were digging through rubble overnight and that the toll could rise as roads reopened to the mountain valleys north of the city.";
    let d = vec![
        doc("wire-b", "Radio B (AP wire)", "2031-05-11", "en", long),
        doc("wire-a", "Radio A (AP wire)", "2031-05-11", "en", short),
        doc("copy-c", "Paper C (AP wire)", "2031-05-10", "en", cut),
    ];
    // Named either way round by the story stage, the pair comes out the same.
    for pair in [("copy-c", "wire-a"), ("wire-a", "copy-c")] {
        let p = trace(2, &d, &[(pair.0.into(), pair.1.into())]);
        assert_eq!(p.origin.as_deref(), Some("wire-a"), "{}", render_tree(&p));
        assert_eq!(
            p.reprints,
            [Reprint {
                copy: "copy-c".into(),
                original: "wire-a".into()
            }]
        );
    }
    // Two days apart, the date decides, whatever the lengths.
    let mut d2 = d.clone();
    d2[2].published = Some("2031-05-09".into());
    let p = trace(2, &d2, &[("wire-a".into(), "copy-c".into())]);
    assert_eq!(p.origin.as_deref(), Some("copy-c"), "{}", render_tree(&p));
}

/// Of two same-day near-copies, the one that says it is the first take of a developing
/// story comes first, even though the other (with the updates appended) is longer; every
/// copy of the set points at it.
#[test]
fn first_take_is_the_original() {
    let first = "Officials in Vexia are confident the airliner was brought down by a missile, Radio Zor has learned. The plane crashed shortly after takeoff from the capital. This is a developing story and will be updated.";
    let updated = "Officials in Vexia are confident the airliner was brought down by a missile, Radio Zor has learned. The plane crashed shortly after takeoff from the capital. 12m ago Vexian authorities call the conclusion untrue. The aviation authority said the claim was simply not true and that the investigation would take months to complete.";
    let cut = "Officials in Vexia are confident the airliner was brought down by a missile, Radio Zor has learned. The plane crashed shortly after takeoff from the capital.";
    let d = vec![
        doc(
            "kone-1",
            "KONE (Radio Zor wire)",
            "2031-01-09",
            "en",
            updated,
        ),
        doc("ktwo-2", "KTWO (Radio Zor wire)", "2031-01-09", "en", first),
        doc(
            "kthree-3",
            "KTHREE (Radio Zor wire)",
            "2031-01-09",
            "en",
            cut,
        ),
    ];
    let p = trace(
        4,
        &d,
        &[
            ("ktwo-2".into(), "kone-1".into()),
            ("kthree-3".into(), "kone-1".into()),
        ],
    );
    assert_eq!(p.origin.as_deref(), Some("ktwo-2"), "{}", render_tree(&p));
    let mut r: Vec<(&str, &str)> = p
        .reprints
        .iter()
        .map(|r| (r.copy.as_str(), r.original.as_str()))
        .collect();
    r.sort();
    assert_eq!(r, [("kone-1", "ktwo-2"), ("kthree-3", "ktwo-2")]);
}

/// Two same-day copies of one wire: the copy whose quotation a later article repeats word
/// for word comes first, before a longer translation.
#[test]
fn quoted_copy_comes_first() {
    let d = vec![
        doc(
            "pt-1",
            "Jornal P (AFP wire)",
            "2031-07-02",
            "pt",
            "O líder do grupo armado Zorb foi morto em combate, anunciou o exército de Vexia nesta segunda-feira. Segundo o comunicado, ele foi ferido numa operação na floresta e morreu dias depois, longe da fronteira, disse o porta-voz militar a jornalistas na capital.",
        ),
        doc(
            "en-2",
            "Paper E (AFP wire)",
            "2031-07-02",
            "en",
            "The leader of the armed group Zorb was killed, the Vexian army said on Monday, calling him \"the most wanted man in the whole region\" in a statement.",
        ),
        doc(
            "later-3",
            "Weekly W",
            "2031-07-03",
            "en",
            "Zorb, \"the most wanted man in the whole region\" according to the army, is dead, officials say.",
        ),
    ];
    let p = trace(3, &d, &[]);
    assert_eq!(p.origin.as_deref(), Some("en-2"), "{}", render_tree(&p));
}

/// One drift item per kind per pair of sentences: no edge carries the same item twice, nor two
/// items of one kind for the same earlier or later sentence.
#[test]
fn no_duplicate_drift_items() {
    let mut all = docs(ZORLAND);
    all.push(doc(
        "echo-5",
        "Echo Daily",
        "2024-03-03",
        "en",
        "Officials said the quake in Zorland killed 41 people. Officials said the quake in Zorland killed 41 people, rescuers believed.",
    ));
    let p = trace(9, &all, &[]);
    for e in &p.edges {
        let mut items = rustc_hash::FxHashSet::default();
        let mut before = rustc_hash::FxHashSet::default();
        let mut after = rustc_hash::FxHashSet::default();
        for d in &e.drift {
            assert!(
                items.insert((d.kind, d.before.clone(), d.after.clone())),
                "duplicate {d:?} on {} -> {}",
                e.from,
                e.to
            );
            assert!(before.insert((d.kind, d.before.clone())), "{d:?}");
            assert!(after.insert((d.kind, d.after.clone())), "{d:?}");
        }
    }
}

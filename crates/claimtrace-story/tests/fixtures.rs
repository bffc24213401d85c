//! Story clustering on hand-written fictional articles (tests/fixtures/story/).

use claimtrace_core::Doc;
use claimtrace_story::{Config, Connector, Fingerprint, bcubed};
use std::collections::HashMap;

fn load() -> Vec<(Doc, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/story/stories.jsonl"
    );
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let mut d = Doc::from_text(s("id").unwrap_or_default(), s("text").unwrap_or_default());
        d.lang = s("lang");
        d.published = s("published");
        d.title = s("title");
        out.push((d, s("story").unwrap_or_default()));
    }
    out.sort_by(|a, b| a.0.published.cmp(&b.0.published).then(a.0.id.cmp(&b.0.id)));
    out
}

#[test]
fn two_attacks_in_one_town_stay_apart_and_languages_join() {
    let docs = load();
    assert_eq!(docs.len(), 7);
    let mut c = Connector::new(Config::default());
    let mut gold = HashMap::new();
    let mut pred = HashMap::new();
    let mut reprints = Vec::new();
    for (d, story) in &docs {
        let fp = Fingerprint::of(d);
        let a = c.add(&d.id, &fp);
        gold.insert(d.id.clone(), story.clone());
        pred.insert(d.id.clone(), a.story);
        if let Some(r) = a.reprint_of {
            reprints.push((d.id.clone(), r));
        }
    }
    assert_ne!(
        pred["harbor-1-en"], pred["harbor-2-en"],
        "two attacks, two stories"
    );
    assert_eq!(pred["harbor-1-en"], pred["harbor-1-fr"]);
    assert_eq!(pred["harbor-1-en"], pred["harbor-1-ar"]);
    assert_eq!(pred["harbor-2-en"], pred["harbor-2-es"]);
    assert_ne!(pred["comet-en"], pred["harbor-1-en"]);
    assert_eq!(reprints.len(), 1, "{reprints:?}");
    let (p, r, f) = bcubed(&gold, &pred);
    assert!(f >= 0.99, "B3 {p} {r} {f}");
}

#[test]
fn restore_continues_stories() {
    let docs = load();
    let fps: Vec<(String, Fingerprint)> = docs
        .iter()
        .map(|(d, _)| (d.id.clone(), Fingerprint::of(d)))
        .collect();
    let (first, rest) = fps.split_at(4);
    let mut c = Connector::new(Config::default());
    let mut stored = Vec::new();
    for (id, fp) in first {
        let a = c.add(id, fp);
        // Round trip through postcard, as the store keeps it.
        let blob = postcard::to_stdvec(fp).unwrap_or_default();
        let back: Fingerprint = postcard::from_bytes(&blob).unwrap_or_default();
        assert_eq!(&back, fp);
        assert!(blob.len() < 1_000, "fingerprint blob {} bytes", blob.len());
        stored.push((id.clone(), back, a.story));
    }
    let mut c2 = Connector::restore(
        Config::default(),
        stored.iter().map(|(i, f, s)| (i.as_str(), f, *s)),
    );
    for (id, fp) in rest {
        let a = c.add(id, fp);
        let b = c2.add(id, fp);
        assert_eq!(a.story, b.story, "{id}");
        assert_eq!(a.new_story, b.new_story, "{id}");
    }
}

#[test]
fn odd_inputs_never_panic() {
    let mut c = Connector::new(Config::default());
    let big = "Velden ".repeat(150_000);
    let texts = ["", " ", "\u{202e}\u{0}", "٣٫٥ ٪", big.as_str()];
    for (i, t) in texts.iter().enumerate() {
        for published in [
            None,
            Some("1970-01-01"),
            Some("2999-12-31"),
            Some("not a date"),
        ] {
            let mut d = Doc::from_text(format!("x{i}"), *t);
            d.published = published.map(str::to_string);
            let fp = Fingerprint::of(&d);
            let _ = c.add(&d.id, &fp);
            let _ = c.add(&d.id, &Fingerprint::default());
        }
    }
}

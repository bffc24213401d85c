//! Fact-check matches stored per article (migration 2).

use claimtrace_store::{FactCheckMatch, SCHEMA_VERSION, SqliteStore, Store};

fn m(fc: &str, score: f64, attribution: Option<u32>) -> FactCheckMatch {
    FactCheckMatch {
        attribution,
        claim: "frogs can read maps".into(),
        factcheck_id: fc.into(),
        factcheck_text: "Frogs in Quillon read maps.".into(),
        url: None,
        rating: Some("Mostly false".into()),
        score,
    }
}

#[test]
fn put_and_read_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("s.db");
    let s = SqliteStore::open(&db).expect("open");
    const { assert!(SCHEMA_VERSION >= 2) };
    assert_eq!(s.stats().expect("stats").schema_version, SCHEMA_VERSION);
    assert!(s.factcheck_matches("a1").expect("empty").is_empty());
    s.put_factcheck_matches(
        "a1",
        &[
            m("fc-2", 1.0, Some(1)),
            m("fc-1", 2.0, Some(1)),
            m("fc-3", 0.5, None),
        ],
    )
    .expect("put");
    let back = s.factcheck_matches("a1").expect("read");
    let ids: Vec<&str> = back.iter().map(|x| x.factcheck_id.as_str()).collect();
    assert_eq!(ids, ["fc-3", "fc-1", "fc-2"]);
    assert_eq!(back[0].attribution, None);
    assert_eq!(back[1].rating.as_deref(), Some("Mostly false"));
    // Replacing, not appending.
    s.put_factcheck_matches("a1", &[m("fc-9", 1.0, Some(0))])
        .expect("again");
    assert_eq!(s.factcheck_matches("a1").expect("read").len(), 1);
    assert_eq!(s.factchecked_articles().expect("count"), 1);
    assert!(s.article_ids().expect("ids").is_empty());
    drop(s);
    let ro = SqliteStore::open_read_only(&db).expect("ro");
    assert_eq!(ro.factcheck_matches("a1").expect("read").len(), 1);
}

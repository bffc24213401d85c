//! The article API carries the fact-checks its claims repeat (`factchecks`, written by
//! `claimtrace ingest --factchecks`), and the page's script knows the field.

mod common;

use claimtrace_server::Config;
use claimtrace_store::{FactCheckMatch, SqliteStore};
use common::{TestServer, chromium};

#[test]
fn article_carries_factchecks() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("copy.db");
    let src = common::store_path();
    for ext in ["", "-wal"] {
        let from = std::path::PathBuf::from(format!("{}{ext}", src.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{ext}", db.display())).expect("copy store");
        }
    }
    let id = {
        let store = SqliteStore::open(&db).expect("open");
        let ids = store.article_ids().expect("ids");
        let id = ids.first().expect("an article").clone();
        store
            .put_factcheck_matches(
                &id,
                &[FactCheckMatch {
                    attribution: Some(0),
                    claim: "the bridge will reopen".into(),
                    factcheck_id: "fc-bridge-1".into(),
                    factcheck_text: "The Tarnby bridge reopened in May.".into(),
                    url: Some("https://factcheck.example/bridge".into()),
                    rating: Some("False".into()),
                    score: 3.5,
                }],
            )
            .expect("put");
        id
    };
    let backend = claimtrace_server::StoreBackend::open(&db, false).expect("open copy");
    let s = TestServer::start(Config::default(), std::sync::Arc::new(backend));
    let v = s.get(&format!("/api/articles/{id}")).json();
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["factchecks"][0]["factcheck_id"], "fc-bridge-1");
    assert_eq!(v["factchecks"][0]["rating"], "False");
    // Articles without matches have no field.
    let store = SqliteStore::open_read_only(&db).expect("ro");
    if let Some(other) = store.article_ids().expect("ids").get(1) {
        let w = s.get(&format!("/api/articles/{other}")).json();
        assert!(w.get("factchecks").is_none());
    }
    let js = s.get("/app.js").text();
    assert!(js.contains("Fact-checked before"));

    // The article page in headless Chromium (skipped without it, like browser.rs).
    let Some(bin) = chromium() else {
        if std::env::var_os("CLAIMTRACE_REQUIRE_BROWSER").is_some() {
            panic!("chromium is not installed (CLAIMTRACE_REQUIRE_BROWSER is set)");
        }
        eprintln!("SKIPPED page check: chromium not found on PATH");
        return;
    };
    let profile = tempfile::tempdir().expect("profile");
    let out = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(s.url(&format!("/#/article/{id}")))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("Fact-checked before"),
        "no fact-check section: {dom:.2000}"
    );
    assert!(dom.contains("data-factcheck=\"fc-bridge-1\""));
    assert!(dom.contains("The Tarnby bridge reopened in May."));
}

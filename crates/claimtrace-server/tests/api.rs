//! API tests against a real server on 127.0.0.1 (ephemeral port) over a store built from
//! `examples/` and the server fixtures.

mod common;

use claimtrace_server::Config;
use common::{TestServer, http};
use serde_json::Value;

fn server() -> TestServer {
    TestServer::with_store(Config {
        max_body: 64 << 10,
        ..Config::default()
    })
}

fn find_article(s: &TestServer, q: &str) -> Value {
    let r = s.get(&format!("/api/articles?q={q}"));
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    v["items"][0].clone()
}

#[test]
fn api_end_to_end() {
    let s = server();

    // health, openapi, page, headers
    let r = s.get("/api/health");
    assert_eq!(r.status, 200);
    let csp = r
        .headers
        .get("content-security-policy")
        .cloned()
        .unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(
        r.headers.get("x-content-type-options").map(String::as_str),
        Some("nosniff")
    );
    let spec = s.get("/api/openapi.json").json();
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["paths"]["/api/stories/{id}/provenance"].is_object());
    assert!(spec["paths"]["/api/stories/{id}/claimreview"].is_object());
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<script src=\"/app.js\" defer>"));
    assert_eq!(s.get("/app.js").status, 200);
    assert_eq!(s.get("/app.css").status, 200);

    // search (FTS) and list
    let all = s.get("/api/articles?limit=100").json();
    let n = all["items"].as_array().map_or(0, Vec::len);
    assert!(n >= 9, "examples + fixtures stored: {n}");
    let hit = find_article(&s, "Keldra");
    assert_eq!(hit["outlet"], "Northern Ledger");
    let paged = s.get("/api/articles?limit=2").json();
    assert_eq!(paged["items"].as_array().map_or(0, Vec::len), 2);
    let next = paged["next"].as_str().expect("next cursor").to_string();
    let p2 = s
        .get(&format!("/api/articles?limit=2&cursor={next}"))
        .json();
    assert_ne!(p2["items"][0]["id"], paged["items"][0]["id"]);
    let es = s.get("/api/articles?lang=es&limit=100").json();
    assert!(
        es["items"]
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|x| x["lang"] == "es"))
    );

    // search order: relevance (bounded, default) or newest; every match once across pages
    let mut ranked = Vec::new();
    let mut url = "/api/articles?q=the&limit=2".to_string();
    loop {
        let v = s.get(&url).json();
        for x in v["items"].as_array().expect("items") {
            ranked.push(x["id"].as_str().expect("id").to_string());
        }
        let Some(c) = v["next"].as_str() else { break };
        assert!(c.starts_with("r:"), "{c}");
        url = format!("/api/articles?q=the&limit=2&cursor={c}");
        assert!(ranked.len() < 200);
    }
    let newest = s.get("/api/articles?q=the&sort=newest&limit=100").json();
    let newest: Vec<Value> = newest["items"].as_array().cloned().unwrap_or_default();
    assert!(newest.len() >= 3, "{newest:?}");
    let mut a: Vec<&str> = newest.iter().filter_map(|x| x["id"].as_str()).collect();
    let mut b: Vec<&str> = ranked.iter().map(String::as_str).collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b, "same matches in both orders, each once");
    let dates: Vec<&str> = newest
        .iter()
        .map(|x| x["published"].as_str().unwrap_or(""))
        .collect();
    let dated = dates.iter().take_while(|d| !d.is_empty()).count();
    assert!(dates[..dated].windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert!(dates[dated..].iter().all(|d| d.is_empty()), "undated last");
    assert_eq!(s.get("/api/articles?q=the&sort=best").status, 400);
    assert_eq!(
        s.get("/api/articles?q=the&sort=newest&cursor=r:5:0").status,
        400
    );
    let params = spec["paths"]["/api/articles"]["get"]["parameters"].clone();
    assert!(
        params
            .as_array()
            .is_some_and(|p| p.iter().any(|x| x["name"] == "sort"))
    );

    // one article with its layers
    let id = hit["id"].as_str().expect("id").to_string();
    let art = s.get(&format!("/api/articles/{id}"));
    assert_eq!(art.status, 200);
    assert_eq!(
        art.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
    let art = art.json();
    assert!(art["attributions"].as_array().is_some_and(|a| a.len() >= 3));
    assert!(art["text"].as_str().is_some_and(|t| t.contains("Keldra")));
    assert_eq!(
        art["story"], hit["story"],
        "the article says which story it is in"
    );

    // stories and provenance
    let stories = s.get("/api/stories?limit=50").json();
    let items = stories["items"].as_array().cloned().unwrap_or_default();
    assert!(!items.is_empty());
    let story = hit["story"].as_u64().expect("article has a story");
    let st = s.get(&format!("/api/stories/{story}"));
    assert_eq!(st.status, 200, "{}", st.text());
    let prov = s.get(&format!("/api/stories/{story}/provenance"));
    assert_eq!(prov.status, 200, "{}", prov.text());
    assert!(
        prov.json()["nodes"]
            .as_array()
            .is_some_and(|n| !n.is_empty())
    );
    let by_q = s.get("/api/stories?q=Aldervik").json();
    assert!(by_q["items"].as_array().is_some_and(|a| !a.is_empty()));
    // the story's claims as ClaimReview JSON-LD (the same document as `export claimreview`)
    // (on the several-report Aldervik story, whose provenance has shared claims)
    let multi = by_q["items"][0]["id"].as_u64().expect("story id");
    let cr = s.get(&format!("/api/stories/{multi}/claimreview"));
    assert_eq!(cr.status, 200, "{}", cr.text());
    let crj = cr.json();
    assert!(
        crj["@context"].is_object() || crj["@context"].is_array() || crj["@context"].is_string()
    );
    let graph = crj["@graph"].as_array().cloned().unwrap_or_default();
    assert!(
        !graph.is_empty(),
        "claims in the ClaimReview document: {crj}"
    );
    assert!(
        graph
            .iter()
            .all(|c| c["@type"] == "Claim" && c.get("reviewRating").is_none())
    );
    assert!(graph.iter().any(|c| c["firstAppearance"].is_object()));
    assert_eq!(s.get("/api/stories/abc/claimreview").status, 400);
    assert_eq!(s.get("/api/stories/999999999/claimreview").status, 404);

    // errors: JSON with the right status
    let e = s.get("/api/articles/does-not-exist");
    assert_eq!(e.status, 404);
    assert_eq!(e.json()["error"]["status"], 404);
    assert_eq!(s.get("/api/stories/999999999").status, 404);
    assert_eq!(s.get("/api/stories/abc").status, 400);
    assert_eq!(s.get("/api/stories/abc/provenance").status, 400);
    assert_eq!(s.get("/api/articles?from=yesterday").status, 400);
    assert_eq!(s.get("/api/articles?bogus=1").status, 400);
    assert_eq!(s.get("/api/articles?story=-1").status, 400);
    assert_eq!(s.get("/api/claims/nope/trace").status, 404);
    assert_eq!(s.get("/api/nothing-here").status, 404);
    let long = "x".repeat(1200);
    assert_eq!(s.get(&format!("/api/articles?q={long}")).status, 400);
    let huge = "x".repeat(9000);
    assert_eq!(s.get(&format!("/api/articles?q={huge}")).status, 414);
    // FTS syntax is plain words whatever the input
    let r = s.get("/api/articles?q=%22AND%20OR%20(%20*");
    assert!(r.status == 200 || r.status == 400, "{}", r.status);

    // analyze: size cap, empty body, binary body, read-only store
    let big = vec![b'a'; 70 << 10];
    let r = http(
        s.addr,
        "POST",
        "/api/analyze",
        &[("Content-Type", "text/plain")],
        &big,
    );
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.json()["error"]["status"], 413);
    let r = http(s.addr, "POST", "/api/analyze", &[], b"   ");
    assert_eq!(r.status, 400);
    let r = http(s.addr, "POST", "/api/analyze?store=maybe", &[], b"text");
    assert_eq!(r.status, 400);
    let r = http(
        s.addr,
        "POST",
        "/api/analyze",
        &[],
        &[0u8, 1, 2, 3, 0, 0, 0, 0, 255, 254, 0, 0],
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let text = "Harbour workers said the water had turned yellow.\n\nThe mayor is believed to have resigned, according to officials.";
    let r = http(
        s.addr,
        "POST",
        "/api/analyze?lang=en",
        &[("Content-Type", "text/plain")],
        text.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert!(
        v["attributions"].as_array().is_some_and(|a| !a.is_empty()),
        "{v}"
    );
    let r = http(
        s.addr,
        "POST",
        "/api/analyze?store=true",
        &[],
        text.as_bytes(),
    );
    assert_eq!(
        r.status,
        409,
        "read-only server refuses to store: {}",
        r.text()
    );

    // the hostile article comes back byte for byte
    let h = s.get("/api/articles/hostile0000000001").json();
    assert!(
        h["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("<script>"))
    );
    assert!(
        h["text"]
            .as_str()
            .is_some_and(|t| t.contains("<img src=x onerror="))
    );
}

#[test]
fn token_required_and_checked() {
    let s = TestServer::with_store(Config {
        token: Some("s3cret-token-123".into()),
        ..Config::default()
    });
    let r = s.get("/api/health");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["status"], 401);
    let r = http(
        s.addr,
        "GET",
        "/api/health",
        &[("Authorization", "Bearer wrong-token-1234")],
        b"",
    );
    assert_eq!(r.status, 401);
    let r = http(
        s.addr,
        "GET",
        "/api/health",
        &[("Authorization", "Bearer s3cret-token-123")],
        b"",
    );
    assert_eq!(r.status, 200);
    let r = s.get("/?token=s3cret-token-123");
    assert_eq!(r.status, 303);
    let cookie = r.headers.get("set-cookie").cloned().unwrap_or_default();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let r = http(
        s.addr,
        "GET",
        "/",
        &[("Cookie", "claimtrace_token=s3cret-token-123")],
        b"",
    );
    assert_eq!(r.status, 200);
}

#[test]
fn non_loopback_bind_needs_a_token() {
    let c = Config {
        bind: "0.0.0.0:8080".parse().expect("addr"),
        ..Config::default()
    };
    assert!(c.check().is_err());
    let c = Config {
        token: Some("long-enough-token".into()),
        ..c
    };
    assert!(c.check().is_ok());
    assert!(Config::default().check().is_ok());
}

#[test]
fn report_is_self_contained() {
    let backend = claimtrace_server::StoreBackend::open(common::store_path(), false).expect("open");
    let s = TestServer::with_store(Config::default());
    let hit = s.get("/api/articles?outlet=Aldervik%20Daily").json()["items"][0].clone();
    let story = hit["story"].as_u64().unwrap_or(0);
    let data = claimtrace_server::report_data(&backend, story, 50)
        .expect("report data")
        .expect("story exists");
    let html = claimtrace_server::report::render(&data, "story");
    assert!(html.contains("<script type=\"application/json\" id=\"report-data\">"));
    assert!(!html.contains(" src="));
    assert!(!html.contains("<link"));
    assert!(html.contains("script-src 'sha256-"));
}

#[test]
fn analyze_and_store() {
    // A copy of the test store, writable through `?store=true`.
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("copy.db");
    let src = common::store_path();
    for ext in ["", "-wal"] {
        let from = std::path::PathBuf::from(format!("{}{ext}", src.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{ext}", db.display())).expect("copy store");
        }
    }
    let backend = claimtrace_server::StoreBackend::open(&db, true).expect("open copy");
    let s = TestServer::start(Config::default(), std::sync::Arc::new(backend));
    let text = "Bridge to reopen in Tarnby\n\nThe mayor of Tarnby said the old bridge would reopen on Monday, according to council officials.";
    let r = http(
        s.addr,
        "POST",
        "/api/analyze?store=true&lang=en",
        &[],
        text.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let v = r.json();
    let id = v["stored"]["id"].as_str().expect("stored id").to_string();
    assert!(v["stored"]["story"].is_u64());
    let back = s.get(&format!("/api/articles/{id}"));
    assert_eq!(back.status, 200);
    assert_eq!(back.json()["story"], v["stored"]["story"]);
    // The same text again is a duplicate, not a second article.
    let r = http(
        s.addr,
        "POST",
        "/api/analyze?store=true&lang=en",
        &[],
        text.as_bytes(),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["stored"]["duplicate"], true);

    // Another writer (an `ingest`) stores two stories between two stored POSTs: the server's
    // writer keeps its clustering state and catches up with them, so a copy of the second
    // joins its story (a rebuilt or stale state would not know it, or reuse its id).
    let other = [
        "Harbour cranes at Velmor stopped for three days after a cable snapped during the night, the port authority of Velmor said, adding that ships would be sent to the northern terminal meanwhile.",
        "Farmers near Oskabad reported that a late frost destroyed nearly half of the apricot blossom in the valley, the regional agriculture office of Oskabad said on Thursday after inspecting orchards.",
    ];
    let mut stories = Vec::new();
    {
        use claimtrace_store::Store;
        let mut ing = claimtrace_connect::Ingester::open(&db, None).expect("second writer");
        let prep = ing.preparer();
        for (i, t) in other.iter().enumerate() {
            let mut d = claimtrace_core::Doc::from_text(format!("ext-{i}"), *t);
            d.outlet = Some("Wire".into());
            ing.push([prep.prepare(d)]).expect("push");
        }
        ing.finish().expect("finish");
        for i in 0..2 {
            stories.push(
                ing.store()
                    .article_summary(&format!("ext-{i}"))
                    .expect("read")
                    .and_then(|a| a.story)
                    .expect("story"),
            );
        }
    }
    assert_ne!(stories[0], stories[1]);
    let r = http(
        s.addr,
        "POST",
        "/api/analyze?store=true&lang=en",
        &[],
        other[1].as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let v = r.json();
    assert_eq!(v["stored"]["new"], true, "{v}");
    assert_eq!(v["stored"]["story"], stories[1], "{v}");
}

/// `GET /api/claims` (the claims table) and search that behaves like search.
#[test]
fn claims_and_search_syntax() {
    let s = server();
    let spec = s.get("/api/openapi.json").json();
    assert!(spec["paths"]["/api/claims"]["get"].is_object());
    let all = s.get("/api/claims?limit=100").json();
    let items = all["items"].as_array().cloned().unwrap_or_default();
    assert!(items.len() >= 5, "claims of the stored examples: {all}");
    // Each filter narrows to rows that hold it.
    let hedged = s.get("/api/claims?certainty=hedged&limit=100").json();
    let hedged = hedged["items"].as_array().cloned().unwrap_or_default();
    assert!(!hedged.is_empty());
    assert!(hedged.iter().all(|c| c["certainty"] == "hedged"));
    let named = items
        .iter()
        .find(|c| c["entity"].is_string() || c["source"].is_string())
        .expect("a claim with a source");
    let who = named["entity"]
        .as_str()
        .or(named["source"].as_str())
        .unwrap()
        .to_uppercase();
    let r = s.get(&format!(
        "/api/claims?source={}&limit=100",
        who.replace(' ', "%20")
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    let found = r.json()["items"].as_array().cloned().unwrap_or_default();
    assert!(
        found
            .iter()
            .any(|c| c["article"] == named["article"] && c["index"] == named["index"]),
        "source {who} (upper case) finds its claim"
    );
    // Paging.
    let p1 = s.get("/api/claims?limit=2").json();
    let next = p1["next"].as_str().expect("next").to_string();
    let p2 = s.get(&format!("/api/claims?limit=2&cursor={next}")).json();
    assert_ne!(p1["items"][0], p2["items"][0]);
    // Bad filters are 400s that say why.
    for (q, word) in [
        ("certainty=sure", "certainty"),
        ("lang=klingon", "language"),
        ("q=%28a", "parentheses"),
        ("cursor=zz", "cursor"),
        ("color=red", "unknown parameter"),
    ] {
        let r = s.get(&format!("/api/claims?{q}"));
        assert_eq!(r.status, 400, "{q}");
        assert!(r.text().contains(word), "{q}: {}", r.text());
    }
    // Articles: hits with marked words; syntax errors and unknown languages are 400s.
    let r = s.get("/api/articles?q=harbour").json();
    let hit = &r["items"][0]["hit"];
    assert!(hit["text"].is_string(), "{r}");
    let marks = hit["highlights"].as_array().cloned().unwrap_or_default();
    assert!(!marks.is_empty());
    assert!(marks.iter().all(|m| {
        m["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .starts_with("harbour")
    }));
    for q in [
        "q=harbour%20OR",
        "q=%22harbour",
        "q=-harbour",
        "lang=klingon",
        "lang=zz-1",
    ] {
        let r = s.get(&format!("/api/articles?{q}"));
        assert_eq!(r.status, 400, "{q}: {}", r.text());
    }
    let or = s
        .get("/api/articles?q=harbour%20OR%20Keldra&limit=100")
        .json();
    let one = s.get("/api/articles?q=Keldra&limit=100").json();
    let n = |v: &Value| v["items"].as_array().map_or(0, Vec::len);
    assert!(n(&or) > n(&one), "OR widens");
    let prefix = s.get("/api/articles?q=Keld*").json();
    assert!(n(&prefix) >= n(&one));
    let by_part = s.get("/api/articles?outlet=northern").json();
    assert!(
        by_part["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["outlet"] == "Northern Ledger")
    );
}

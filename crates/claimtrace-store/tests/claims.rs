//! The claims table and search syntax, on fictional articles.

use claimtrace_store::*;
use serde_json::json;

/// An article with attributions `(source as written, resolved entity, type, certainty,
/// content)`.
fn art(
    id: &str,
    outlet: &str,
    date: &str,
    lang: &str,
    story: u64,
    text: &str,
    atts: &[(&str, &str, &str, &str, &str)],
) -> NewArticle {
    let attributions: Vec<serde_json::Value> = atts
        .iter()
        .map(|(src, entity, kind, cert, content)| {
            json!({
                "source": {"text": src, "start": 0, "end": src.chars().count(), "type": kind,
                           "entity": if entity.is_empty() { serde_json::Value::Null } else { json!(entity) }},
                "cue": {"text": "said", "start": 0, "end": 4},
                "content": {"text": content, "start": 0, "end": content.chars().count()},
                "kind": "indirect", "parent": null, "channel": null,
                "certainty": cert, "hedge": null
            })
        })
        .collect();
    let doc = json!({"id": id, "text": text, "title": format!("Title {id}"),
                     "attributions": attributions});
    NewArticle {
        id: id.into(),
        url: Some(format!("https://news.test/{id}")),
        content_hash: content_hash(text),
        outlet: Some(outlet.into()),
        title: Some(format!("Title {id}")),
        published: Some(date.into()),
        lang: Some(lang.into()),
        text: text.into(),
        json: doc.to_string(),
        fingerprint: vec![1],
        story: Some(story),
        reprint_of: None,
    }
}

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(dir.path().join("c.db")).unwrap();
    s.write_batch(&[
        art(
            "a1",
            "The Guardian",
            "2026-03-02",
            "en",
            1,
            "Mohamed A. said the harbour strike would end. Officials believed the port reopened.",
            &[
                (
                    "he",
                    "Mohamed A.",
                    "person",
                    "asserted",
                    "the harbour strike would end",
                ),
                ("Officials", "", "official", "hedged", "the port reopened"),
            ],
        ),
        art(
            "a2",
            "Meridian Wire Service",
            "2026-03-05",
            "fr",
            1,
            "Mohamed Á. a déclaré que les négociations continuent.",
            &[(
                "Mohamed Á.",
                "Mohamed Á.",
                "person",
                "asserted",
                "les négociations continuent",
            )],
        ),
        art(
            "a3",
            "Daily Courier",
            "2026-02-01",
            "en",
            2,
            "Residents said rumours of a dam breach spread.",
            &[(
                "Residents",
                "",
                "unnamed",
                "rumour",
                "a dam breach was imminent",
            )],
        ),
    ])
    .unwrap();
    (dir, s)
}

fn ids(p: &Page<ClaimRow>) -> Vec<String> {
    p.items
        .iter()
        .map(|r| format!("{}#{}", r.article, r.index))
        .collect()
}

#[test]
fn filters_each_alone() {
    let (_d, s) = store();
    let q = |f: fn(&mut ClaimQuery)| {
        let mut q = ClaimQuery::default();
        f(&mut q);
        ids(&s.claims(&q).unwrap())
    };
    assert_eq!(q(|_| {}), ["a2#0", "a1#1", "a1#0", "a3#0"]);
    // Resolved entity or as written, case- and accent-insensitive, first words.
    assert_eq!(q(|q| q.source = Some("mohamed a".into())), ["a2#0", "a1#0"]);
    assert_eq!(q(|q| q.source = Some("MOHAMED".into())), ["a2#0", "a1#0"]);
    assert_eq!(q(|q| q.source = Some("officials".into())), ["a1#1"]);
    assert!(
        q(|q| q.source = Some("moha".into())).is_empty(),
        "whole words"
    );
    assert_eq!(q(|q| q.source_type = Some("unnamed".into())), ["a3#0"]);
    assert_eq!(q(|q| q.certainty = Some("hedged".into())), ["a1#1"]);
    assert_eq!(q(|q| q.lang = Some("FR".into())), ["a2#0"]);
    assert_eq!(q(|q| q.outlet = Some("guardian".into())), ["a1#1", "a1#0"]);
    assert_eq!(q(|q| q.outlet = Some("meridian".into())), ["a2#0"]);
    assert_eq!(
        q(|q| q.from = Some("2026-03-01".into())),
        ["a2#0", "a1#1", "a1#0"]
    );
    assert_eq!(q(|q| q.to = Some("2026-02-28".into())), ["a3#0"]);
    assert_eq!(q(|q| q.story = Some(2)), ["a3#0"]);
    assert_eq!(q(|q| q.query = Some("negociations".into())), ["a2#0"]);
    assert_eq!(
        q(|q| q.query = Some("strike OR dam".into())),
        ["a1#0", "a3#0"]
    );
    let row = &s
        .claims(&ClaimQuery {
            certainty: Some("hedged".into()),
            ..ClaimQuery::default()
        })
        .unwrap()
        .items[0];
    assert_eq!(row.source.as_deref(), Some("Officials"));
    assert_eq!(row.outlet.as_deref(), Some("The Guardian"));
    assert_eq!(row.content, "the port reopened");
}

#[test]
fn combined_filters_paging_and_errors() {
    let (_d, s) = store();
    let p = s
        .claims(&ClaimQuery {
            source: Some("Mohamed A.".into()),
            lang: Some("en".into()),
            certainty: Some("asserted".into()),
            ..ClaimQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&p), ["a1#0"]);
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let p = s
            .claims(&ClaimQuery {
                limit: 1,
                cursor: cursor.clone(),
                ..ClaimQuery::default()
            })
            .unwrap();
        all.extend(ids(&p));
        match p.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    assert_eq!(all, ["a2#0", "a1#1", "a1#0", "a3#0"]);
    for bad in [
        ClaimQuery {
            certainty: Some("sure".into()),
            ..ClaimQuery::default()
        },
        ClaimQuery {
            lang: Some("klingon".into()),
            ..ClaimQuery::default()
        },
        ClaimQuery {
            cursor: Some("x".into()),
            ..ClaimQuery::default()
        },
        ClaimQuery {
            query: Some("(a".into()),
            ..ClaimQuery::default()
        },
    ] {
        assert!(s.claims(&bad).unwrap_err().is_invalid_query(), "{bad:?}");
    }
}

#[test]
fn search_snippets_syntax_outlets_and_lang() {
    let (_d, s) = store();
    let search = |q: Query| s.search(&q);
    let p = search(Query {
        q: Some("harbour".into()),
        ..Query::default()
    })
    .unwrap();
    let hit = p.items[0].hit.as_ref().unwrap();
    assert!(hit.text.contains("harbour strike"));
    assert_eq!(hit.highlights[0].text, "harbour");
    let ids = |p: Page<ArticleSummary>| {
        let mut v: Vec<String> = p.items.into_iter().map(|a| a.id).collect();
        v.sort();
        v
    };
    let q = |words: &str| Query {
        q: Some(words.into()),
        ..Query::default()
    };
    assert_eq!(ids(search(q("harbour OR breach")).unwrap()), ["a1", "a3"]);
    assert_eq!(ids(search(q("\"harbour strike\"")).unwrap()), ["a1"]);
    assert!(ids(search(q("\"strike harbour\"")).unwrap()).is_empty());
    assert_eq!(ids(search(q("negociat*")).unwrap()), ["a2"]);
    for bad in ["harbour OR", "-dam", "title:x", "(a)"] {
        let e = search(q(bad)).unwrap_err();
        assert!(
            e.is_invalid_query() && e.to_string().len() > 20,
            "{bad}: {e}"
        );
    }
    // Outlet: any alias, or words of the name.
    for (o, want) in [
        ("Guardian", "a1"),
        ("the guardian", "a1"),
        ("theguardian.com", "a1"),
        ("meridian wire", "a2"),
        ("courier", "a3"),
    ] {
        let p = search(Query {
            outlet: Some(o.into()),
            ..Query::default()
        })
        .unwrap();
        assert_eq!(ids(p), [want], "{o}");
    }
    let e = search(Query {
        lang: Some("klingon".into()),
        ..Query::default()
    })
    .unwrap_err();
    assert!(e.is_invalid_query());
}

#[test]
fn migration_fills_the_table_for_an_older_store() {
    // A version-1 store made by hand: the migration reads the articles' JSON.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let (_d, s) = store();
        // Copy a current store, then drop the new table's rows and step back the version.
        s.checkpoint().unwrap();
        std::fs::copy(s.path(), &path).unwrap();
    }
    {
        let c = rusqlite_free_downgrade(&path);
        assert!(c);
    }
    let s = SqliteStore::open(&path).unwrap();
    let p = s.claims(&ClaimQuery::default()).unwrap();
    assert_eq!(p.items.len(), 4);
}

/// Empties the claims table and sets the schema version back to 1.
fn rusqlite_free_downgrade(path: &std::path::Path) -> bool {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "DROP TABLE attributions; DROP TABLE attributions_fts; DROP TABLE attribution_sources; DROP TABLE outlet_keys; \
         DROP INDEX articles_outlet_key; ALTER TABLE articles DROP COLUMN outlet_key; DROP TABLE factcheck_matches; \
         PRAGMA user_version = 1;",
    )
    .is_ok()
}

#[test]
fn words_with_many_matches_walk_in_date_order() {
    // Past 2,000 matches the words are checked as a set along the date order: the same
    // answers, combined with a source and other filters.
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(dir.path().join("m.db")).unwrap();
    let batch: Vec<NewArticle> = (0..2100)
        .map(|i| {
            let who = if i % 2 == 0 {
                "Ana Ruiz"
            } else {
                "Port officials"
            };
            let cert = if i % 3 == 0 { "hedged" } else { "asserted" };
            art(
                &format!("m{i}"),
                "Coast Radio",
                &format!("2026-01-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24),
                "en",
                1 + i as u64 / 5,
                "The ferry strike continues, officials said.",
                &[(who, who, "person", cert, "the ferry strike continues")],
            )
        })
        .collect();
    s.write_batch(&batch).unwrap();
    let q = ClaimQuery {
        query: Some("ferry".into()),
        source: Some("ana ruiz".into()),
        certainty: Some("hedged".into()),
        limit: 10,
        ..ClaimQuery::default()
    };
    let p = s.claims(&q).unwrap();
    assert_eq!(p.items.len(), 10);
    assert!(
        p.items
            .iter()
            .all(|r| r.entity.as_deref() == Some("Ana Ruiz") && r.certainty == "hedged")
    );
    let dates: Vec<&str> = p
        .items
        .iter()
        .map(|r| r.published.as_deref().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    // Every page once: 2100 / 2 / 3 rounded up = 350.
    let mut n = 0;
    let mut q = ClaimQuery { limit: 200, ..q };
    loop {
        let p = s.claims(&q).unwrap();
        n += p.items.len();
        match p.next {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(n, 350);
}

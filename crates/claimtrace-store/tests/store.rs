//! The SQLite store: round trips, search, pagination, dedup policy, and bad files.

use claimtrace_store::*;

fn art(
    id: &str,
    url: Option<&str>,
    outlet: &str,
    date: Option<&str>,
    lang: &str,
    story: u64,
    text: &str,
) -> NewArticle {
    NewArticle {
        id: id.into(),
        url: url.map(Into::into),
        content_hash: content_hash(text),
        outlet: Some(outlet.into()),
        title: Some(format!("Title of {id}")),
        published: date.map(Into::into),
        lang: Some(lang.into()),
        text: text.into(),
        json: format!("{{\"id\":\"{id}\",\"text\":{text:?}}}"),
        fingerprint: vec![1, 2, 3],
        story: Some(story),
        reprint_of: None,
    }
}

fn sample(store: &SqliteStore) {
    let batch = vec![
        art(
            "a1",
            Some("https://x.test/1"),
            "Wire",
            Some("2019-07-30"),
            "en",
            1,
            "The minister said the bridge will reopen.",
        ),
        art(
            "a2",
            Some("https://y.test/2"),
            "Daily",
            Some("2019-07-31"),
            "en",
            1,
            "The bridge will reopen, the minister said on Tuesday.",
        ),
        art(
            "a3",
            Some("https://z.test/3"),
            "Diario",
            Some("2019-08-01"),
            "es",
            1,
            "El puente reabrirá, dijo el ministro.",
        ),
        art(
            "b1",
            None,
            "Wire",
            None,
            "en",
            2,
            "Floods closed the harbour road for a week.",
        ),
    ];
    assert_eq!(store.write_batch(&batch).unwrap(), 4);
}

#[test]
fn round_trip_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    sample(&store);
    assert!(store.article("a1").unwrap().unwrap().contains("bridge"));
    assert_eq!(store.article("nope").unwrap(), None);
    // Replaying a batch is harmless.
    sample_again(&store);
    let st = store.stats().unwrap();
    assert_eq!((st.articles, st.stories, st.stale_stories), (4, 2, 2));

    let p = store
        .search(&Query {
            q: Some("bridge".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(p.items.len(), 2);
    let e = store
        .search(&Query {
            q: Some("\"bridge* (".into()),
            ..Query::default()
        })
        .unwrap_err();
    assert!(e.is_invalid_query(), "unbalanced quote: {e}");
    let p = store
        .search(&Query {
            q: Some("bridg*".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(p.items.len(), 2, "prefix");
    let p = store
        .search(&Query {
            q: Some("puente".into()),
            lang: Some("es".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(p.items.len(), 1);
    let p = store
        .search(&Query {
            outlet: Some("wire".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(p.items.len(), 2);
    let p = store
        .search(&Query {
            from: Some("2019-07-31".into()),
            to: Some("2019-07-31".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(
        p.items.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["a2"]
    );
    assert!(
        store
            .search(&Query {
                from: Some("last week".into()),
                ..Query::default()
            })
            .unwrap_err()
            .is_invalid_query()
    );
    assert!(
        store
            .search(&Query {
                cursor: Some("zzz".into()),
                ..Query::default()
            })
            .unwrap_err()
            .is_invalid_query()
    );

    // Keyset pagination, newest first, undated last.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let p = store
            .search(&Query {
                limit: 1,
                cursor: cursor.clone(),
                ..Query::default()
            })
            .unwrap();
        seen.extend(p.items.iter().map(|a| a.id.clone()));
        match p.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, ["a3", "a2", "a1", "b1"]);
    // Relevance pagination.
    let p = store
        .search(&Query {
            q: Some("bridge".into()),
            limit: 1,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(p.items.len(), 1);
    let p2 = store
        .search(&Query {
            q: Some("bridge".into()),
            limit: 1,
            cursor: p.next.clone(),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(p2.items.len(), 1);
    assert_ne!(p.items[0].id, p2.items[0].id);

    let s = store.story(1).unwrap().unwrap();
    assert_eq!(s.summary.articles, 3);
    assert_eq!(s.summary.languages, ["en", "es"]);
    assert_eq!(s.summary.first.as_deref(), Some("2019-07-30"));
    assert_eq!(s.summary.last.as_deref(), Some("2019-08-01"));
    assert_eq!(s.summary.title.as_deref(), Some("Title of a1"));
    assert_eq!(
        s.article_list
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        ["a1", "a2", "a3"]
    );
    let ss = store.stories(&StoryQuery::default()).unwrap();
    assert_eq!(ss.items.iter().map(|s| s.id).collect::<Vec<_>>(), [1, 2]);
    let ss = store
        .stories(&StoryQuery {
            lang: Some("es".into()),
            ..StoryQuery::default()
        })
        .unwrap();
    assert_eq!(ss.items.len(), 1);
    let p1 = store
        .stories(&StoryQuery {
            limit: 1,
            ..StoryQuery::default()
        })
        .unwrap();
    let p2 = store
        .stories(&StoryQuery {
            limit: 1,
            cursor: p1.next.clone(),
            ..StoryQuery::default()
        })
        .unwrap();
    assert_eq!((p1.items[0].id, p2.items[0].id, p2.next), (1, 2, None));
    assert!(store.story(99).unwrap().is_none());
}

fn sample_again(store: &SqliteStore) {
    let batch = vec![art(
        "a1",
        Some("https://x.test/1"),
        "Wire",
        Some("2019-07-30"),
        "en",
        1,
        "The minister said the bridge will reopen.",
    )];
    assert_eq!(store.write_batch(&batch).unwrap(), 0);
}

#[test]
fn dedup_policy() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    sample(&store);
    let key = |id, url, text: &str, outlet| ArticleKey {
        id,
        url,
        content_hash: content_hash(text),
        outlet,
    };
    let t1 = "The minister said the bridge will reopen.";
    assert_eq!(
        store
            .find_existing(&key("zz", Some("https://x.test/1"), t1, Some("Other")))
            .unwrap(),
        Some(Existing::Same { id: "a1".into() })
    );
    assert_eq!(
        store
            .find_existing(&key(
                "zz",
                Some("https://x.test/1"),
                "Edited text.",
                Some("Wire")
            ))
            .unwrap(),
        Some(Existing::Changed { id: "a1".into() })
    );
    assert_eq!(
        store
            .find_existing(&key("a1", None, "Other text.", None))
            .unwrap(),
        Some(Existing::Changed { id: "a1".into() })
    );
    // Same text in the same outlet under another URL: the same article.
    assert_eq!(
        store
            .find_existing(&key(
                "zz",
                Some("https://x.test/m/1"),
                "the minister  said the bridge will reopen.",
                Some("WIRE")
            ))
            .unwrap(),
        Some(Existing::Same { id: "a1".into() })
    );
    // Same text in another outlet: a verbatim reprint, stored.
    assert_eq!(
        store
            .find_existing(&key("zz", Some("https://q.test/1"), t1, Some("Gazette")))
            .unwrap(),
        None
    );
}

#[test]
fn provenance_and_claims() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    sample(&store);
    assert_eq!(store.stale_stories(10).unwrap(), [1, 2]);
    assert_eq!(
        store
            .story_articles(1, 100)
            .unwrap()
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        ["a1", "a2", "a3"]
    );
    let json = r#"{"story":1,"origin":"a1","nodes":[{"id":"a1"},{"id":"a2"},{"id":"a3"},{"id":"ext:x"}],
      "edges":[{"from":"a1","to":"a2","evidence":[],"drift":[{"kind":"hedge_dropped","claim":"c1"},{"kind":"x","claim":"c2"}]},
               {"from":"a2","to":"a3","evidence":[],"drift":[]},{"from":"ext:x","to":"a3","evidence":[],"drift":[]}],
      "claims":[{"id":"c1","text":"the bridge will reopen","origin":"a1","members":[{"article":"a1","attribution":0},{"article":"a2","attribution":1}]}]}"#;
    let full = StoryProvenance {
        story: 1,
        json: json.into(),
        origin: Some("a1".into()),
        top_entities: vec!["minister".into()],
        claims: vec![ClaimLink {
            id: "c1".into(),
            text: "the bridge will reopen".into(),
            origin: Some("a1".into()),
            members: vec![("a1".into(), 0), ("a2".into(), 1)],
        }],
        edges: vec![EdgeLink {
            from: "a1".into(),
            to: "a2".into(),
            kinds: vec!["near_copy".into()],
        }],
        reprints: vec![("a2".into(), "a1".into())],
    };
    store.put_provenance(std::slice::from_ref(&full)).unwrap();
    assert_eq!(store.stale_stories(10).unwrap(), [2]);
    let reprint_of = |store: &SqliteStore| -> Vec<(String, Option<String>)> {
        store
            .story_articles(1, 100)
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a.reprint_of))
            .collect()
    };
    assert_eq!(
        reprint_of(&store)[..2],
        [("a1".into(), None), ("a2".into(), Some("a1".into()))]
    );
    // Provenance turns the pair around: the stored reprint_of follows.
    store
        .put_provenance(&[StoryProvenance {
            story: 1,
            json: json.into(),
            reprints: vec![("a1".into(), "a2".into())],
            ..Default::default()
        }])
        .unwrap();
    assert_eq!(
        reprint_of(&store)[..2],
        [("a1".into(), Some("a2".into())), ("a2".into(), None)]
    );
    store.put_provenance(&[full]).unwrap();
    assert_eq!(store.provenance(1).unwrap().as_deref(), Some(json));
    assert_eq!(store.provenance(2).unwrap(), None);
    let s = store.story(1).unwrap().unwrap();
    assert_eq!(
        (s.summary.origin.as_deref(), s.summary.top_entities.len()),
        (Some("a1"), 1)
    );
    // A claim's chain is cut out of its story's provenance by claimtrace-provenance.
    assert_eq!(store.claim_story("c1").unwrap(), Some(1));
    assert_eq!(store.claim_story("c9").unwrap(), None);
    // New articles make the story stale again; the provenance stays readable meanwhile.
    store
        .write_batch(&[art(
            "a4",
            None,
            "Gazette",
            Some("2019-08-02"),
            "fr",
            1,
            "Le pont rouvrira.",
        )])
        .unwrap();
    assert_eq!(store.stale_stories(10).unwrap(), [1, 2]);
    assert!(store.provenance(1).unwrap().is_some());
    let mut seqs = Vec::new();
    store
        .for_each_fingerprint(0, &mut |r| {
            assert_eq!(r.fingerprint, [1, 2, 3]);
            seqs.push(r.seq);
        })
        .unwrap();
    assert_eq!(seqs.len(), 5);
    assert_eq!(store.last_seq().unwrap(), seqs[4]);
    let mut later = Vec::new();
    store
        .for_each_fingerprint(seqs[2], &mut |r| later.push(r.seq))
        .unwrap();
    assert_eq!(later, seqs[3..]);
    store.set_meta("k", "v").unwrap();
    assert_eq!(store.meta("k").unwrap().as_deref(), Some("v"));
}

#[test]
fn bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("articles.jsonl");
    std::fs::write(&p, "{\"text\":\"not a database\"}\n").unwrap();
    let e = SqliteStore::open(&p).unwrap_err();
    assert!(matches!(e, Error::NotSqlite { .. }), "{e}");
    assert!(e.to_string().contains("articles.jsonl"));
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        "{\"text\":\"not a database\"}\n",
        "left untouched"
    );
    assert!(!dir.path().join("articles.jsonl-wal").exists());

    // An SQLite file of another application.
    let other = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let e = SqliteStore::open(&other).unwrap_err();
    assert!(matches!(e, Error::NotClaimtrace { .. }), "{e}");
    // ... even one in WAL mode, which SQLite would give -wal and -shm files on opening.
    let wal_db = dir.path().join("other-wal.db");
    {
        let c = rusqlite::Connection::open(&wal_db).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    // An empty file, and an empty SQLite database.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let blank = dir.path().join("blank.db");
    rusqlite::Connection::open(&blank)
        .unwrap()
        .execute_batch("VACUUM")
        .unwrap();
    // Another program's database that says so in its header is refused from the header alone.
    let tagged = dir.path().join("tagged.db");
    rusqlite::Connection::open(&tagged)
        .unwrap()
        .execute_batch("PRAGMA application_id=42; PRAGMA journal_mode=WAL; CREATE TABLE t(x);")
        .unwrap();
    assert!(SqliteStore::check_file(&tagged).is_err());
    for f in [&other, &wal_db, &tagged, &empty, &blank] {
        let before = std::fs::read(f).unwrap();
        let e = SqliteStore::open_read_only(f).unwrap_err();
        assert!(matches!(e, Error::NotClaimtrace { .. }), "{e}");
        assert!(!e.to_string().contains("upgrade"), "{e}");
        if f != &empty && f != &blank {
            let e = SqliteStore::open(f).unwrap_err();
            assert!(!e.to_string().contains("upgrade"), "{e}");
        }
        assert_eq!(
            std::fs::read(f).unwrap(),
            before,
            "{} untouched",
            f.display()
        );
        for side in ["-wal", "-shm"] {
            let mut name = f.as_os_str().to_owned();
            name.push(side);
            assert!(
                !std::path::PathBuf::from(name).exists(),
                "{}{side} created",
                f.display()
            );
        }
    }
    let e = SqliteStore::open_read_only(dir.path().join("missing.db")).unwrap_err();
    assert!(matches!(e, Error::Missing { .. }), "{e}");
    let e = SqliteStore::open(dir.path()).unwrap_err();
    assert!(matches!(e, Error::NotSqlite { .. }), "{e}");
}

#[test]
fn read_only_store() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.db");
    let store = SqliteStore::open(&p).unwrap();
    sample(&store);
    let ro = SqliteStore::open_read_only(&p).unwrap();
    assert!(ro.article("a1").unwrap().is_some());
    let e = ro
        .write_batch(&[art("x", None, "W", None, "en", 3, "x")])
        .unwrap_err();
    assert!(matches!(e, Error::ReadOnly { .. }), "{e}");
    // Reads see batches committed after they opened.
    store
        .write_batch(&[art("a9", None, "W", None, "en", 3, "late article")])
        .unwrap();
    assert!(ro.article("a9").unwrap().is_some());
    drop((store, ro));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        // Root ignores file permissions: only check when the file is really read-only.
        if std::fs::OpenOptions::new().write(true).open(&p).is_err() {
            let e = SqliteStore::open(&p).unwrap_err();
            assert!(matches!(e, Error::ReadOnly { .. }), "{e}");
            assert!(e.to_string().contains("s.db"));
        }
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[test]
fn disk_full_rolls_back() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.db");
    let store = SqliteStore::open(&p).unwrap();
    sample(&store);
    let pages = std::fs::metadata(&p).unwrap().len() / 4096 + 8;
    store.set_max_pages(pages.max(40)).unwrap();
    let big: Vec<NewArticle> = (0..200)
        .map(|i| {
            art(
                &format!("big{i}"),
                None,
                "W",
                None,
                "en",
                5,
                &format!("{i} {}", "word ".repeat(2000)),
            )
        })
        .collect();
    let e = store.write_batch(&big).unwrap_err();
    assert!(matches!(e, Error::DiskFull { .. }), "{e}");
    assert!(e.to_string().contains("s.db"));
    assert_eq!(
        store.stats().unwrap().articles,
        4,
        "the failed batch left nothing"
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(store.story(5).unwrap().is_none());
}

/// After a writable store is dropped, the `.db` file alone is the whole store: no `-wal` or
/// `-shm` beside it, and a copy of it reads the same.
#[test]
fn one_file_after_close() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.db");
    let store = SqliteStore::open(&p).unwrap();
    sample(&store);
    let reader = SqliteStore::open_read_only(&p).unwrap();
    assert!(reader.article("a1").unwrap().is_some());
    drop(reader);
    drop(store);
    for side in ["x.db-wal", "x.db-shm"] {
        assert!(!dir.path().join(side).exists(), "{side} left behind");
    }
    let copy = dir.path().join("y.db");
    std::fs::copy(&p, &copy).unwrap();
    let y = SqliteStore::open_read_only(&copy).unwrap();
    assert_eq!(y.integrity_check().unwrap(), "ok");
    assert_eq!(y.stats().unwrap().articles, 4);
    assert!(y.article("a1").unwrap().is_some());
    // A process that only read it can fold a WAL left by another into the file too.
    drop(y);
    SqliteStore::checkpoint_file(&copy).unwrap();
    assert!(!dir.path().join("y.db-wal").exists());
}

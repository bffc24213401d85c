//! Search order and pagination over more matches than one relevance block: bm25 within blocks
//! of the most recently stored matches, cursors without duplicates or gaps (also while new
//! articles are stored between pages), every filter together with words, `sort=newest`, and a
//! word found in every article.

use claimtrace_store::*;
use std::collections::BTreeSet;

const LANGS: [&str; 3] = ["en", "fr", "es"];

/// Article `i` (stored in this order, so `seq` = i + 1): every one holds "alpha" once in a long
/// text, every 50th holds it many times in a short one (a strong match); every 3rd holds
/// "beta"; "gamma" is in none. Three languages, seven outlets, dates over 30 days (every 11th
/// undated), stories of four.
fn article(i: usize) -> NewArticle {
    let strong = i % 50 == 7;
    let mut text = if strong {
        format!("Alpha alpha alpha alpha report number {i}.")
    } else {
        format!(
            "The alpha report number {i} says that nothing of note happened in the city \
             council today, and the weather was mild for the season with light winds."
        )
    };
    if i.is_multiple_of(3) {
        text.push_str(" Beta.");
    }
    let id = format!("x{i:05}");
    let published = (!i.is_multiple_of(11)).then(|| format!("2024-05-{:02}", 1 + (i * 7) % 30));
    NewArticle {
        id: id.clone(),
        url: Some(format!("https://s.test/{i}")),
        content_hash: content_hash(&text),
        outlet: Some(format!("Outlet {}", i % 7)),
        title: Some(format!("Title {i}")),
        published,
        lang: Some(LANGS[i % 3].into()),
        json: format!("{{\"id\":\"{id}\"}}"),
        text,
        fingerprint: vec![],
        story: Some((i / 4) as u64 + 1),
        reprint_of: None,
    }
}

fn index(id: &str) -> usize {
    id[1..].parse().unwrap()
}

/// A store of `n` articles written in batches of 250 (several full-text segments).
fn store(n: usize) -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    let all: Vec<NewArticle> = (0..n).map(article).collect();
    for b in all.chunks(250) {
        store.write_batch(b).unwrap();
    }
    (dir, store)
}

/// Every page of a query, following `next`; panics past `max_pages`.
fn all_pages(store: &SqliteStore, q: &Query, max_pages: usize) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut q = q.clone();
    loop {
        let p = store.search(&q).unwrap();
        pages.push(p.items.iter().map(|a| a.id.clone()).collect());
        assert!(pages.len() <= max_pages, "too many pages");
        match p.next {
            Some(c) => q.cursor = Some(c),
            None => return pages,
        }
    }
}

fn words(q: &str) -> Query {
    Query {
        q: Some(q.into()),
        ..Query::default()
    }
}

#[test]
fn relevance_in_blocks_of_the_newest_matches() {
    let n = 1300;
    let (_d, store) = store(n);
    // Blocks of RELEVANCE_BLOCK matches, newest first: [800, 1300), [300, 800), [0, 300).
    let block_of = |i: usize| (n - 1 - i) / RELEVANCE_BLOCK;
    let pages = all_pages(
        &store,
        &Query {
            limit: 7,
            ..words("alpha")
        },
        1000,
    );
    assert!(pages[..pages.len() - 1].iter().all(|p| p.len() == 7));
    let ids: Vec<usize> = pages.iter().flatten().map(|s| index(s)).collect();
    assert_eq!(ids.len(), n, "every match once");
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        n,
        "no duplicates"
    );
    // Blocks in order, and within each block the strong matches (bm25) first.
    for w in ids.windows(2) {
        assert!(block_of(w[0]) <= block_of(w[1]), "{w:?}");
    }
    let mut start = 0;
    for b in 0..3 {
        let size = ids.iter().filter(|&&i| block_of(i) == b).count();
        let block = &ids[start..start + size];
        let strong = block.iter().filter(|&&i| i % 50 == 7).count();
        assert!(strong > 0);
        assert!(
            block[..strong].iter().all(|&i| i % 50 == 7),
            "block {b}: strong matches first: {:?}",
            &block[..strong + 1]
        );
        start += size;
    }
    // The first page: strong matches of the newest block; the shortest texts (no "Beta.")
    // first, newest first among equals.
    assert_eq!(
        pages[0],
        [
            "x01207", "x01157", "x01057", "x01007", "x00907", "x00857", "x01257"
        ]
    );
    // Any page size walks the same order.
    let big: Vec<usize> = all_pages(
        &store,
        &Query {
            limit: MAX_PAGE,
            ..words("alpha")
        },
        100,
    )
    .concat()
    .iter()
    .map(|s| index(s))
    .collect();
    assert_eq!(big, ids);
    // Two words: both required.
    let both: BTreeSet<usize> = all_pages(&store, &words("beta ALPHA"), 100)
        .concat()
        .iter()
        .map(|s| index(s))
        .collect();
    assert_eq!(both, (0..n).filter(|i| i % 3 == 0).collect());
    assert!(store.search(&words("gamma")).unwrap().items.is_empty());
}

#[test]
fn pages_do_not_shift_when_articles_are_stored_between_them() {
    let (_d, store) = store(1100);
    let q = Query {
        limit: 40,
        ..words("alpha")
    };
    let before: Vec<String> = all_pages(&store, &q, 100).concat();
    let first = store.search(&q).unwrap();
    // New matches (newer than everything) arrive after the first page was served.
    let more: Vec<NewArticle> = (1100..1400).map(article).collect();
    store.write_batch(&more).unwrap();
    let mut seen: Vec<String> = first.items.iter().map(|a| a.id.clone()).collect();
    let rest = all_pages(
        &store,
        &Query {
            cursor: first.next.clone(),
            ..q.clone()
        },
        100,
    );
    seen.extend(rest.concat());
    // bm25 uses corpus-wide statistics, which the new articles changed a little: the same
    // articles, each once, but not necessarily in the same order within a block.
    assert_eq!(seen.len(), 1100);
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>(),
        before.iter().collect::<BTreeSet<_>>()
    );
    // A new search sees the new articles.
    assert_eq!(all_pages(&store, &q, 100).concat().len(), 1400);
}

#[test]
fn filters_with_words() {
    let n = 1300;
    let (_d, store) = store(n);
    let all: Vec<NewArticle> = (0..n).map(article).collect();
    let check = |q: Query, keep: &dyn Fn(&NewArticle) -> bool| {
        let got: Vec<usize> = all_pages(
            &store,
            &Query {
                limit: 30,
                ..q.clone()
            },
            1000,
        )
        .concat()
        .iter()
        .map(|s| index(s))
        .collect();
        let want: BTreeSet<usize> = (0..n)
            .filter(|&i| all[i].text.to_lowercase().contains("beta") && keep(&all[i]))
            .collect();
        assert_eq!(got.len(), want.len(), "{q:?}");
        assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), want, "{q:?}");
    };
    check(
        Query {
            lang: Some("fr".into()),
            ..words("beta")
        },
        &|a| a.lang.as_deref() == Some("fr"),
    );
    check(
        Query {
            outlet: Some("OUTLET 3".into()),
            ..words("beta")
        },
        &|a| a.outlet.as_deref() == Some("Outlet 3"),
    );
    check(
        Query {
            from: Some("2024-05-10".into()),
            to: Some("2024-05-12".into()),
            ..words("beta")
        },
        &|a| {
            a.published
                .as_deref()
                .is_some_and(|p| ("2024-05-10"..="2024-05-12").contains(&p))
        },
    );
    for story in [1, 2, 100, 325, 9999] {
        check(
            Query {
                story: Some(story),
                ..words("beta")
            },
            &|a| a.story == Some(story),
        );
    }
    check(
        Query {
            lang: Some("en".into()),
            outlet: Some("Outlet 0".into()),
            from: Some("2024-05-02".into()),
            ..words("beta")
        },
        &|a| {
            a.lang.as_deref() == Some("en")
                && a.outlet.as_deref() == Some("Outlet 0")
                && a.published.as_deref().is_some_and(|p| p >= "2024-05-02")
        },
    );
    // Filters over every match (more than one block): lang keeps a third of 1,300.
    let fr: Vec<String> = all_pages(
        &store,
        &Query {
            lang: Some("fr".into()),
            limit: 50,
            ..words("alpha")
        },
        100,
    )
    .concat();
    assert_eq!(fr.len(), (0..n).filter(|i| i % 3 == 1).count());
    assert_eq!(fr.iter().collect::<BTreeSet<_>>().len(), fr.len());
}

#[test]
fn newest_first_with_words() {
    let n = 700;
    let (_d, store) = store(n);
    let got: Vec<usize> = all_pages(
        &store,
        &Query {
            sort: Some(Sort::Newest),
            limit: 45,
            ..words("beta")
        },
        100,
    )
    .concat()
    .iter()
    .map(|s| index(s))
    .collect();
    let all: Vec<NewArticle> = (0..n).map(article).collect();
    let mut want: Vec<usize> = (0..n).filter(|i| i % 3 == 0).collect();
    // Publication date descending, then store order descending, undated last.
    want.sort_by(|&a, &b| {
        let (pa, pb) = (all[a].published.as_deref(), all[b].published.as_deref());
        pa.is_none()
            .cmp(&pb.is_none())
            .then(pb.cmp(&pa))
            .then(b.cmp(&a))
    });
    assert_eq!(got, want);
}

#[test]
fn a_word_in_every_article_pages_through_blocks() {
    // The worst case for ranking: every article matches. The first page is ranked from the
    // newest block only (bounded work); later pages reach the oldest matches.
    let n = 2600;
    let (_d, store) = store(n);
    let p = store
        .search(&Query {
            limit: 20,
            ..words("report")
        })
        .unwrap();
    assert_eq!(p.items.len(), 20);
    assert!(p.items.iter().all(|a| index(&a.id) >= n - RELEVANCE_BLOCK));
    let all = all_pages(
        &store,
        &Query {
            limit: MAX_PAGE,
            ..words("report")
        },
        100,
    )
    .concat();
    assert_eq!(all.len(), n);
    assert_eq!(all.last().map(|s| index(s) < RELEVANCE_BLOCK), Some(true));
}

#[test]
fn bad_cursors_are_invalid_queries() {
    let (_d, store) = store(10);
    let page1 = store
        .search(&Query {
            limit: 3,
            ..words("alpha")
        })
        .unwrap();
    let ranked = page1.next.unwrap();
    assert!(ranked.starts_with("r:"), "{ranked}");
    let listed = store
        .search(&Query {
            limit: 3,
            ..Query::default()
        })
        .unwrap()
        .next
        .unwrap();
    for (q, cursor) in [
        (words("alpha"), "o:20".to_string()),
        (words("alpha"), "r:abc:1".into()),
        (words("alpha"), "r:5:-1".into()),
        (words("alpha"), "r:-5:1".into()),
        (words("alpha"), format!("r:5:{RELEVANCE_BLOCK}")),
        (words("alpha"), "r:99999999999999999999:0".into()),
        (words("alpha"), listed.clone()),
        (Query::default(), ranked.clone()),
        (
            Query {
                sort: Some(Sort::Newest),
                ..words("alpha")
            },
            ranked.clone(),
        ),
    ] {
        let e = store
            .search(&Query {
                cursor: Some(cursor.clone()),
                ..q
            })
            .unwrap_err();
        assert!(e.is_invalid_query(), "{cursor}: {e}");
    }
    // A well-formed cursor of another query, or past the end, is just a (short) page.
    for cursor in ["r:0:0", "r:3:2", "r:9223372036854775807:0"] {
        let p = store
            .search(&Query {
                cursor: Some(cursor.into()),
                ..words("alpha")
            })
            .unwrap();
        assert!(p.items.len() <= 10, "{cursor}");
    }
}

#[test]
fn merging_the_index_keeps_results() {
    let (_d, store) = store(1300);
    let q = Query {
        limit: 100,
        ..words("alpha beta")
    };
    let before = all_pages(&store, &q, 100);
    assert!(store.optimize_search(true).unwrap(), "several segments");
    assert!(!store.optimize_search(true).unwrap(), "one segment left");
    assert_eq!(all_pages(&store, &q, 100), before);
    assert_eq!(store.stats().unwrap().articles, 1300);
}

/// More searching threads than read connections: they wait for one in turn (none fails,
/// none deadlocks) and all get the same first page.
#[test]
fn many_threads_share_the_bounded_read_pool() {
    let (_dir, store) = store(600);
    let q = Query {
        limit: 10,
        ..words("alpha beta")
    };
    let want = store.search(&q).unwrap();
    assert_eq!(want.items.len(), 10);
    std::thread::scope(|s| {
        for _ in 0..24 {
            s.spawn(|| {
                for _ in 0..10 {
                    let got = store.search(&q).unwrap();
                    let ids = |p: &Page<ArticleSummary>| {
                        p.items.iter().map(|a| a.id.clone()).collect::<Vec<_>>()
                    };
                    assert_eq!(ids(&got), ids(&want));
                }
            });
        }
    });
}

/// Words that FTS5 splits into several tokens, or into none, rank without error.
#[test]
fn odd_words_rank_without_error() {
    let (_dir, store) = store(60);
    for q in [
        "U.S. alpha",
        "l'État alpha",
        "½ alpha",
        "東京",
        "alpha-beta",
        "a.l.p.h.a",
    ] {
        let page = store
            .search(&Query {
                limit: 5,
                ..words(q)
            })
            .unwrap_or_else(|e| panic!("{q}: {e}"));
        assert!(page.items.len() <= 5, "{q}");
    }
}

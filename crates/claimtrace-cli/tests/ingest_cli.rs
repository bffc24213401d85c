//! `claimtrace ingest`, `stories` and `trace` end to end: fallbacks for bad metadata, the
//! dedup policy, bad store files, and crash safety (the real binary killed with SIGKILL at
//! random moments, re-run, store checked).

use assert_cmd::Command;
use claimtrace_store::{SqliteStore, Store};
use std::path::{Path, PathBuf};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("claimtrace")
}

fn cmd() -> Command {
    Command::new(bin())
}

/// The run succeeded (else: its stderr).
fn assert_ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/store")
        .join(name)
}

#[test]
fn edge_cases_and_dedup_policy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    // A 1 MB article rides along.
    let big = dir.path().join("big.jsonl");
    let body = "The harbour master said the quay at Port Alder will be rebuilt. ".repeat(16_500);
    std::fs::write(
        &big,
        format!(
            "{{\"id\":\"e-big\",\"outlet\":\"Quay Weekly\",\"published\":\"2024-03-06\",\"text\":{}}}\n",
            serde_json::Value::String(body)
        ),
    )
    .unwrap();
    let out = cmd()
        .args(["ingest", "--annotated", "--db"])
        .arg(&db)
        .arg(fixture("edge.jsonl"))
        .arg(&big)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "two bad lines were skipped: {err}"
    );
    assert!(err.contains("8 stored"), "{err}");
    assert!(err.contains("2 duplicates"), "{err}");
    assert!(err.contains("1 changed"), "{err}");
    assert!(
        err.contains("edge.jsonl") && err.contains("line 11"),
        "{err}"
    );

    let store = SqliteStore::open_read_only(&db).unwrap();
    assert_eq!(store.stats().unwrap().articles, 8);
    assert_eq!(
        store.stats().unwrap().stale_stories,
        0,
        "all stories traced"
    );
    // The first version of a URL wins.
    let a = store.article_summary("e-nodate").unwrap().unwrap();
    assert_eq!(a.published, None);
    assert!(store.article("e-changed").unwrap().is_none());
    // Implausible dates dropped, outlet from the URL host.
    assert_eq!(
        store
            .article_summary("e-future")
            .unwrap()
            .unwrap()
            .published,
        None
    );
    assert_eq!(
        store.article_summary("e-epoch").unwrap().unwrap().published,
        None
    );
    assert_eq!(
        store
            .article_summary("e-bad-date")
            .unwrap()
            .unwrap()
            .published,
        None
    );
    assert_eq!(
        store
            .article_summary("e-nooutlet-url")
            .unwrap()
            .unwrap()
            .outlet
            .as_deref(),
        Some("islandnews.example")
    );
    assert_eq!(
        store.article_summary("e-nooutlet").unwrap().unwrap().outlet,
        None
    );
    assert!(store.article("e-big").unwrap().unwrap().len() > 1_000_000);
    drop(store);

    // Idempotent: the same inputs again store nothing new.
    let out = cmd()
        .args(["ingest", "--annotated", "-q", "--db"])
        .arg(&db)
        .arg(fixture("edge.jsonl"))
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let store = SqliteStore::open_read_only(&db).unwrap();
    assert_eq!(store.stats().unwrap().articles, 8);
    assert_eq!(store.integrity_check().unwrap(), "ok");

    // stories: one JSON line per story; all articles accounted for.
    let out = cmd().args(["stories", "--db"]).arg(&db).output().unwrap();
    assert!(out.status.success());
    let stories: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let total: u64 = stories
        .iter()
        .map(|s| s["articles"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 8);
    for s in &stories {
        assert!(s["story"].is_u64() && s["languages"].is_array() && s["top_entities"].is_array());
    }
    let story = stories[0]["story"].as_u64().unwrap().to_string();
    for fmt in ["json", "tree", "dot"] {
        let out = cmd()
            .args(["trace", "--db"])
            .arg(&db)
            .args(["--story", &story, "--format", fmt])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{fmt}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        match fmt {
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert!(v["nodes"].is_array() && v["edges"].is_array());
            }
            "dot" => assert!(text.contains("digraph")),
            _ => assert!(text.starts_with("story ")),
        }
    }
    let out = cmd()
        .args(["trace", "--db"])
        .arg(&db)
        .args(["--article", "e-reprint", "--format", "tree"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = cmd()
        .args(["trace", "--db"])
        .arg(&db)
        .args(["--article", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article `nope`"));
}

#[test]
fn bad_store_files() {
    let dir = tempfile::tempdir().unwrap();
    let notdb = dir.path().join("notes.txt");
    std::fs::write(&notdb, "these are my notes\n").unwrap();
    for ingest in [true, false] {
        let mut c = cmd();
        if ingest {
            c.args(["ingest", "--annotated"]).arg(fixture("edge.jsonl"));
        } else {
            c.arg("stories");
        }
        let out = c.arg("--db").arg(&notdb).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("notes.txt") && err.contains("not an SQLite database"),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&notdb).unwrap(),
        "these are my notes\n"
    );
    let out = cmd()
        .args(["stories", "--db"])
        .arg(dir.path().join("missing.db"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such store"));
}

/// Synthetic annotated articles in 12 stories, each article unique.
fn synthetic(path: &Path, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        let story = i % 12;
        s.push_str(
            &serde_json::json!({
                "id": format!("c{i:05}"),
                "url": format!("https://o{}.example/{i}", i % 7),
                "outlet": format!("Outlet {}", i % 7),
                "published": format!("2024-01-{:02}", 1 + story),
                "lang": "en",
                "title": format!("Bridge {story} closes"),
                "text": format!(
                    "Engineers from Firm{story} said bridge number {story} in Town{story} will close for {} weeks. Item {i} adds detail {i} about lane {}.",
                    story + 3, i % 5
                ),
            })
            .to_string(),
        );
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

#[test]
fn crash_safe_under_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let n = 2000;
    synthetic(&input, n);
    let args = [
        "ingest",
        "--annotated",
        "-q",
        "--batch",
        "20",
        "--provenance-every",
        "1",
        "--db",
    ];
    // How long a whole run takes here, so that kills land inside the work.
    let t0 = std::time::Instant::now();
    let scratch = dir.path().join("scratch.db");
    let out = cmd().args(args).arg(&scratch).arg(&input).output().unwrap();
    assert!(out.status.success());
    let full = t0.elapsed().as_millis().max(50) as u64;
    let db = dir.path().join("crash.db");
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("crash test seed {seed}, a whole run takes {full} ms");
    let mut committed: Vec<String> = Vec::new();
    let mut partial = 0;
    for round in 0..8 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = full / 50 + seed % (full / 6).max(1);
        let mut child = std::process::Command::new(bin())
            .args(args)
            .arg(&db)
            .arg(&input)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if !db.exists() {
            continue;
        }
        let store = match SqliteStore::open_read_only(&db) {
            Ok(s) => s,
            // Killed while creating the file, before the schema was committed.
            Err(e) => {
                assert!(committed.is_empty(), "round {round}: {e}");
                continue;
            }
        };
        assert_eq!(store.integrity_check().unwrap(), "ok", "round {round}");
        let mut ids = Vec::new();
        store
            .for_each_fingerprint(0, &mut |r| ids.push(r.id.to_owned()))
            .unwrap();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "round {round}: duplicates");
        for id in &committed {
            assert!(sorted.binary_search(id).is_ok(), "round {round}: lost {id}");
        }
        if !ids.is_empty() && ids.len() < n {
            partial += 1;
        }
        eprintln!(
            "round {round}: killed after {delay} ms with {} articles stored",
            ids.len()
        );
        committed = sorted;
    }
    assert!(
        partial >= 2,
        "too few kills landed inside the ingest ({partial})"
    );
    let out = cmd()
        .args(["ingest", "--annotated", "-q", "--batch", "40", "--db"])
        .arg(&db)
        .arg(&input)
        .output()
        .unwrap();
    assert_ok(&out);
    let store = SqliteStore::open_read_only(&db).unwrap();
    let st = store.stats().unwrap();
    assert_eq!(st.articles, n as u64);
    assert_eq!(st.stale_stories, 0);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let stories: u64 = {
        let mut total = 0;
        let mut q = claimtrace_store::StoryQuery {
            limit: 200,
            ..Default::default()
        };
        loop {
            let p = store.stories(&q).unwrap();
            total += p.items.iter().map(|s| s.articles).sum::<u64>();
            match p.next {
                Some(c) => q.cursor = Some(c),
                None => break,
            }
        }
        total
    };
    assert_eq!(stories, n as u64, "every article in exactly one story");
}

/// The acceptance run on the shared dev-stories corpus (read in place from
/// `../shared`, never copied): ingest, then `eval stories` prints every target met, with an
/// origin for each of the 8 stories. Skipped (with a note) when `../shared` is absent.
#[test]
fn dev_stories_meet_the_targets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev-stories");
    let (articles, labels) = (root.join("articles.jsonl"), root.join("labels.json"));
    if !articles.exists() || !labels.exists() {
        eprintln!("skipped: {} not found", root.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dev.db");
    let out = cmd()
        .args(["ingest", "-q", "--db"])
        .arg(&db)
        .arg(&articles)
        .output()
        .unwrap();
    assert_ok(&out);
    let out = cmd()
        .args(["eval", "stories", "--db"])
        .arg(&db)
        .arg("--labels")
        .arg(&labels)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("origin found: 8/8"), "{text}");
    assert!(
        text.contains(
            "targets: B3 F1 >= 0.90 met; origin for every story met; cited-outlet recall >= 0.90 met"
        ),
        "{text}"
    );
}

/// `path` with `suffix` appended to its file name (`x.db` → `x.db-wal`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// After `ingest` exits, the `.db` file alone is the store: no `-wal`/`-shm`/lock beside it,
/// and a copy reads the same as the original.
#[test]
fn store_is_one_file_after_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let input = dir.path().join("in.jsonl");
    synthetic(&input, 60);
    let out = cmd()
        .args(["ingest", "--annotated", "-q", "--batch", "7", "--db"])
        .arg(&db)
        .arg(&input)
        .output()
        .unwrap();
    assert_ok(&out);
    for side in ["-wal", "-shm", ".ingest-lock"] {
        assert!(!beside(&db, side).exists(), "{side} left behind");
    }
    let copy = dir.path().join("y.db");
    std::fs::copy(&db, &copy).unwrap();
    let stories = |db: &Path| {
        let out = cmd().args(["stories", "--db"]).arg(db).output().unwrap();
        assert_ok(&out);
        out.stdout
    };
    let (a, b) = (stories(&db), stories(&copy));
    assert!(!a.is_empty());
    assert_eq!(a, b, "the copy reads the same");
    let trace = |db: &Path| {
        let out = cmd()
            .args(["trace", "--story", "1", "--db"])
            .arg(db)
            .output()
            .unwrap();
        assert_ok(&out);
        out.stdout
    };
    assert_eq!(trace(&db), trace(&copy));
    let st = SqliteStore::open_read_only(&copy).unwrap().stats().unwrap();
    assert_eq!((st.articles, st.stale_stories), (60, 0));
}

/// The shingle length is a setting of the store: a resumed ingest that asks for another
/// value is refused with both values named; leaving it out goes on with the store's.
#[test]
fn config_mismatch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    synthetic(&a, 24);
    let ingest = |input: &Path, shingle: Option<&str>| {
        let mut c = cmd();
        c.args(["ingest", "--annotated", "-q", "--db"]).arg(&db);
        if let Some(k) = shingle {
            c.args(["--shingle", k]);
        }
        c.arg(input).output().unwrap()
    };
    assert_ok(&ingest(&a, Some("3")));
    let out = ingest(&a, Some("5"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("shingle = 3") && err.contains("shingle = 5") && err.contains("s.db"),
        "{err}"
    );
    assert!(!beside(&db, ".ingest-lock").exists());
    // The refused run stored nothing; the store's own value (or the same one) is fine.
    synthetic(&b, 30);
    assert_ok(&ingest(&b, None));
    assert_ok(&ingest(&b, Some("3")));
    let st = SqliteStore::open_read_only(&db).unwrap().stats().unwrap();
    assert_eq!(st.articles, 30);
    // The environment variable of old no longer changes anything, and says so.
    let out = cmd()
        .env("CT_SHINGLE", "2")
        .args(["ingest", "--annotated", "-q", "--db"])
        .arg(&db)
        .arg(&b)
        .output()
        .unwrap();
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("CT_SHINGLE is no longer read"));
}

/// A lock file left by a process that died is taken over, with a note naming it; a lock
/// held by a live process refuses the run.
#[test]
fn stale_lock_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let input = dir.path().join("in.jsonl");
    synthetic(&input, 24);
    // A process id that is certainly gone: a child that exited and was reaped.
    let mut child = std::process::Command::new(bin())
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let dead = child.id();
    child.wait().unwrap();
    std::fs::write(beside(&db, ".ingest-lock"), format!("{dead}\n")).unwrap();
    let out = cmd()
        .args(["ingest", "--annotated", "--db"])
        .arg(&db)
        .arg(&input)
        .output()
        .unwrap();
    assert_ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("took over the writer lock left by process {dead}")),
        "{err}"
    );
    assert!(!beside(&db, ".ingest-lock").exists());
    // A live holder (this test process).
    let held = claimtrace_connect::WriterLock::acquire(&db).unwrap();
    let out = cmd()
        .args(["ingest", "--annotated", "--db"])
        .arg(&db)
        .arg(&input)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("pid {}", std::process::id())) && err.contains("is writing"),
        "{err}"
    );
    drop(held);
}

/// A file that is not a store is refused by every command without anything created beside
/// it, and without advice to "upgrade" it.
#[test]
fn non_store_files_get_no_wal() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "these are my notes\n").unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let other = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    for f in [&notes, &empty, &other] {
        let before = std::fs::read(f).unwrap();
        let mut runs: Vec<Vec<&str>> = vec![vec!["stories"], vec!["trace", "--story", "1"]];
        if f != &empty {
            runs.push(vec!["ingest", "--annotated"]);
        }
        for args in runs {
            let mut c = cmd();
            c.args(&args).arg("--db").arg(f);
            if args[0] == "ingest" {
                c.arg(fixture("edge.jsonl"));
            }
            let out = c.output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} {err}");
            assert!(!err.contains("upgrade"), "{args:?} {err}");
            assert!(
                err.contains(&*f.file_name().unwrap().to_string_lossy()),
                "{err}"
            );
            for side in ["-wal", "-shm", ".ingest-lock"] {
                assert!(!beside(f, side).exists(), "{args:?} created {side}");
            }
        }
        assert_eq!(std::fs::read(f).unwrap(), before);
    }
}

/// `serve` stopped with Ctrl-C (SIGINT) leaves the store whole in its `.db` file.
#[cfg(unix)]
#[test]
fn serve_checkpoints_on_ctrl_c() {
    use std::io::{BufRead, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let input = dir.path().join("in.jsonl");
    synthetic(&input, 24);
    assert_ok(
        &cmd()
            .args(["ingest", "--annotated", "-q", "--db"])
            .arg(&db)
            .arg(&input)
            .output()
            .unwrap(),
    );
    let mut child = std::process::Command::new(bin())
        .args(["serve", "--bind", "127.0.0.1:0", "--allow-store", "--db"])
        .arg(&db)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    write!(
        s,
        "GET /api/stories HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    let st = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    for side in ["-wal", "-shm"] {
        assert!(!beside(&db, side).exists(), "{side} left after Ctrl-C");
    }
    let copy = dir.path().join("copy.db");
    std::fs::copy(&db, &copy).unwrap();
    assert_eq!(
        SqliteStore::open_read_only(&copy)
            .unwrap()
            .stats()
            .unwrap()
            .articles,
        24
    );
}

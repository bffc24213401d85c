//! `claimtrace extract` end to end: formats, order, exit codes, and a batch of bad inputs
//! where each bad one is reported (file, record/line, reason) and the others still come out.

use assert_cmd::Command;
use std::io::Write;
use std::path::Path;

fn cmd() -> Command {
    match Command::cargo_bin("claimtrace") {
        Ok(c) => c,
        Err(e) => panic!("binary not built: {e}"),
    }
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).ok();
    e.finish().unwrap_or_default()
}

fn lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn jsonl(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("in.jsonl");
    let mut s = String::new();
    for i in 0..50 {
        s.push_str(&format!(
            "{{\"id\":\"doc{i}\",\"title\":\"Story {i}\",\"text\":\"The minister said on Monday that plan {i} was dead, according to aides.\"}}\n"
        ));
    }
    std::fs::write(&p, s).ok();
    p
}

#[test]
fn jsonl_in_order_with_many_jobs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = jsonl(dir.path());
    let out = cmd()
        .args(["extract", "--jobs", "3", "-q"])
        .arg(&p)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs = lines(&out.stdout);
    assert_eq!(docs.len(), 50);
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(d["id"], format!("doc{i}"));
        assert_eq!(d["title"], format!("Story {i}"));
    }
}

#[test]
fn formats_stdin_output_file_and_published() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let text = "Council denies bridge closure\n\nThe council denied on Tuesday that the bridge would close.\n\nResidents said they had heard otherwise.\n";
    // stdin, txt format
    let out = cmd()
        .args(["extract", "--format", "txt", "-q"])
        .write_stdin(text)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "# Council denies bridge closure\n\nThe council denied on Tuesday that the bridge would close.\n\nResidents said they had heard otherwise.\n"
    );
    // json array to a file, with --published
    let o = dir.path().join("out.json");
    let out = cmd()
        .args([
            "extract",
            "--format",
            "json",
            "--published",
            "2026-03-01",
            "-q",
            "-o",
        ])
        .arg(&o)
        .arg("-")
        .write_stdin(text)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&o).unwrap_or_default()).unwrap_or_default();
    assert_eq!(v[0]["published"], "2026-03-01");
    assert_eq!(v[0]["title"], "Council denies bridge closure");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["extract", "--published", "yesterday", "-"],
        vec!["extract", "--max-size", "lots", "-"],
        vec!["extract", "--format", "xml", "-"],
    ] {
        let out = cmd()
            .args(&args)
            .write_stdin("x")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn bad_inputs_are_reported_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let w = |name: &str, data: &[u8]| std::fs::write(d.join(name), data).ok();
    w("01-good.txt", b"Good title\n\nA good body, said the mayor.");
    w("02-binary.html", b"\x00\x01\x02\x03binary\x00\xff\xfe");
    w("03-empty.html", b"");
    w(
        "04-latin1.txt",
        b"Caf\xe9 ferm\xe9\n\nLe patron a d\xe9menti la fermeture.",
    );
    w(
        "05-truncated.html.gz",
        &gz(b"<html><body><p>Hello there, the city said.</p></body></html>")[..30],
    );
    // A 10 MB bomb against a 1 MiB limit (and a second run with the limit raised).
    let mut bomb = b"<html><body><p>".to_vec();
    bomb.extend(std::iter::repeat_n(b'a', 10 << 20));
    w("06-bomb.html.gz", &gz(&bomb));
    w(
        "07-bad.jsonl",
        b"{\"text\":\"First line ok.\"}\n{not json}\n{\"text\":\"Third line ok.\"}\n",
    );
    let mut warc = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://x.example/a\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: 999\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>cut".to_vec();
    warc.truncate(warc.len());
    w("08-truncated.warc", &warc);
    w(
        "09-good.txt",
        b"Last title\n\nThe last body, officials said.",
    );

    let out = cmd()
        .args(["extract", "--no-annotate", "--max-size", "1M", "-j", "2"])
        .arg(d)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let docs = lines(&out.stdout);
    let texts: Vec<&str> = docs.iter().filter_map(|d| d["text"].as_str()).collect();
    assert_eq!(
        texts,
        [
            "A good body, said the mayor.",
            "Le patron a démenti la fermeture.",
            "First line ok.",
            "Third line ok.",
            "The last body, officials said."
        ],
        "{err}"
    );
    for (file, what) in [
        ("02-binary.html", "binary"),
        ("03-empty.html", "empty file"),
        ("05-truncated.html.gz", "truncated or corrupt gzip"),
        (
            "06-bomb.html.gz",
            "over the size limit of 1 MiB (raise it with --max-size)",
        ),
        ("07-bad.jsonl (line 2)", "invalid JSON"),
        ("08-truncated.warc (record at byte 0)", "truncated record"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(file) && l.contains(what)),
            "no `{what}` for {file} in:\n{err}"
        );
    }
    assert!(
        err.contains("claimtrace extract: 5 articles from 9 files, 6 skipped"),
        "{err}"
    );

    // Raising the limit lets the big page through (it is then just a page of text).
    let out = cmd()
        .args(["extract", "-q", "--max-size", "64M"])
        .arg(d.join("06-bomb.html.gz"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("size limit"), "{err}");
}

#[test]
fn nasty_html_does_not_kill_the_batch() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let mut deep = String::from("<html><body>");
    for _ in 0..100_000 {
        deep.push_str("<div><span>");
    }
    deep.push_str("<p>Deep inside, the spokesman denied everything.</p>");
    std::fs::write(d.join("a-deep.html"), &deep).ok();
    std::fs::write(
        d.join("b-noarticle.html"),
        "<html><body><nav><a href=/>Home</a></nav><footer>(c) 2026</footer></body></html>",
    )
    .ok();
    std::fs::write(
        d.join("c-good.txt"),
        "Title here\n\nBody here, said nobody.",
    )
    .ok();
    let out = cmd()
        .args(["extract", "-q", "--no-annotate"])
        .arg(d)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "crashed: {:?}\n{err}",
        out.status
    );
    let docs = lines(&out.stdout);
    assert!(
        docs.iter().any(|d| d["text"] == "Body here, said nobody."),
        "{err}"
    );
    assert!(
        err.contains("b-noarticle.html: no article text found"),
        "{err}"
    );
}

/// The exact F1 of each role (source, cue, content) in every score table of
/// `claimtrace eval attribution` (rows `role  P  R  F1 | ...`).
fn exact_f1_tables(out: &str) -> Vec<[f64; 3]> {
    let mut tables = Vec::new();
    let mut cur = [f64::NAN; 3];
    for l in out.lines() {
        let w: Vec<&str> = l.split_whitespace().collect();
        let role = ["source", "cue", "content"]
            .iter()
            .position(|r| w.first() == Some(r));
        if let (Some(k), Some(f1)) = (role, w.get(3).and_then(|x| x.parse::<f64>().ok())) {
            cur[k] = f1;
            if k == 2 {
                tables.push(cur);
                cur = [f64::NAN; 3];
            }
        }
    }
    tables
}

/// The quality bar from a clean clone: `claimtrace eval attribution` on PolNeAR dev
/// (read in place from `../shared`) beats the BiLSTM-CRF's published exact F1 (69.6 / 66.7 /
/// 59.0) on every role, both detokenised and as the articles' own text. Skipped (with a note)
/// when the data is absent.
#[test]
/// Source and cue must beat the BiLSTM-CRF (published .696 / .667); content must stay within
/// the recipe's documented seed spread (retrains 58.2-59.4 detokenised, 58.8-60.5 on the
/// articles' own text; the BiLSTM-CRF's .590 sits inside it, so content is not claimed to beat
/// it since attribution reads the pipeline's tokens: see docs/benchmarks/attribution.md).
fn eval_attribution_holds_its_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let valid = root.join("../shared/data/attribution/polnear/cofenet-paragraphs/valid.txt");
    if !valid.exists() {
        eprintln!("skipped: {} not found", valid.display());
        return;
    }
    let out = cmd()
        .current_dir(&root)
        .args(["eval", "attribution"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    let tables = exact_f1_tables(&text);
    assert_eq!(tables.len(), 2, "{text}");
    for (t, content_floor) in tables.iter().zip([0.580, 0.585]) {
        for (f1, bar) in t.iter().zip([0.696, 0.667, content_floor]) {
            assert!(*f1 > bar, "exact F1 {f1} not above {bar}:\n{text}");
        }
    }
}

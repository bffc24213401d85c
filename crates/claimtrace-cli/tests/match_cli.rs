//! `claimtrace match --texts` on fictional fact-checks: ranking, `--top`, exit codes and
//! errors that name the file and line.

use assert_cmd::Command;
use std::io::Write;

fn write(dir: &std::path::Path, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    let mut f = std::fs::File::create(&p).expect("create");
    f.write_all(body.as_bytes()).expect("write");
    p
}

const FACTCHECKS: &str = r#"{"id":"fc-umbrella","text":"The mayor of Brindlecombe banned green umbrellas in 2019.","rating":"False","url":"https://factcheck.example/umbrella"}
{"id":"fc-tea","text":"Drinking lemon tea cures the Marsh flu.","rating":"False"}
{"id":"fc-frogs","text":"A video shows 300 frogs crossing the Quillon bridge.","lang":"en","date":"2024-03-01"}
{"id":"fc-volcano","text":"The Brask volcano erupted and killed 12 people.","lang":"en"}
"#;

#[test]
fn texts_are_matched() {
    let dir = tempfile::tempdir().expect("tmp");
    let fc = write(dir.path(), "fc.jsonl", FACTCHECKS);
    let q = write(
        dir.path(),
        "q.jsonl",
        "{\"id\":\"q1\",\"text\":\"Brindlecombe's mayor has outlawed green umbrellas!\"}\n\
         {\"id\":\"q2\",\"text\":\"Video: three hundred frogs cross the bridge at Quillon\"}\n\
         {\"id\":\"q3\",\"lang\":\"fr\",\"text\":\"Le volcan Brask est entré en éruption : 12 morts\"}\n",
    );
    let out = Command::cargo_bin("claimtrace")
        .expect("bin")
        .args(["match", "--texts", "--top", "2", "--factchecks"])
        .arg(&fc)
        .arg(&q)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "q1");
    assert!(lines[0].get("claim").is_none());
    assert_eq!(lines[0]["matches"][0]["factcheck_id"], "fc-umbrella");
    assert_eq!(lines[0]["matches"][0]["rating"], "False");
    assert!(lines[0]["matches"][0]["score"].is_number());
    assert!(lines[0]["matches"].as_array().expect("array").len() <= 2);
    assert_eq!(lines[1]["matches"][0]["factcheck_id"], "fc-frogs");
    assert_eq!(lines[2]["matches"][0]["factcheck_id"], "fc-volcano");
    assert!(String::from_utf8_lossy(&out.stderr).contains("4 fact-checks"));
}

#[test]
fn nothing_matched_exits_1_and_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let fc = write(dir.path(), "fc.jsonl", FACTCHECKS);
    let q = write(
        dir.path(),
        "q.jsonl",
        "{\"id\":\"z\",\"text\":\"qqqq zzzz\"}\n",
    );
    let out = Command::cargo_bin("claimtrace")
        .expect("bin")
        .args(["match", "--texts", "--factchecks"])
        .arg(&fc)
        .arg(&q)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"matches\":[]"));

    let bad = write(
        dir.path(),
        "bad.jsonl",
        "{\"id\":\"a\",\"text\":\"ok\"}\n{nope\n",
    );
    let out = Command::cargo_bin("claimtrace")
        .expect("bin")
        .args(["match", "--texts", "--factchecks"])
        .arg(&fc)
        .arg(&bad)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.jsonl: line 2"), "{err}");

    let badfc = write(
        dir.path(),
        "badfc.jsonl",
        "{\"id\":\"x\",\"text\":\"t\"}\n\n{\"text\":\"no id\"}\n",
    );
    let out = Command::cargo_bin("claimtrace")
        .expect("bin")
        .args(["match", "--texts", "--factchecks"])
        .arg(&badfc)
        .arg(&q)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("badfc.jsonl: line 3"), "{err}");
}

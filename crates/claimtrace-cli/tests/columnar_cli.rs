//! `claimtrace extract --format csv|parquet -o FILE`: the two tables, streamed in row groups.
//! (The tables' content is tested in claimtrace-columnar; this checks the command's wiring.)

use assert_cmd::Command;

fn cmd() -> Command {
    match Command::cargo_bin("claimtrace") {
        Ok(c) => c,
        Err(e) => panic!("binary not built: {e}"),
    }
}

/// Fictional JSONL articles; every third carries an attribution layer (read back from input,
/// so `--no-annotate` keeps it without loading models).
fn input(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("in.jsonl");
    let mut s = String::new();
    for i in 0..7 {
        let text = format!("Councillor Brenna Oduya said bridge {i} was closed.");
        s.push_str(&format!(
            "{{\"id\":\"a{i}\",\"outlet\":\"Lakeside Ledger\",\"text\":\"{text}\""
        ));
        if i % 3 == 0 {
            s.push_str(
                ",\"attributions\":[{\"source\":{\"text\":\"Councillor Brenna Oduya\",\"start\":0,\"end\":23,\"type\":\"person\",\"entity\":null},\"cue\":{\"text\":\"said\",\"start\":24,\"end\":28},\"content\":{\"text\":\"bridge\",\"start\":29,\"end\":35},\"kind\":\"indirect\",\"parent\":null,\"channel\":null,\"certainty\":\"asserted\",\"hedge\":null}]",
            );
        }
        s.push_str("}\n");
    }
    std::fs::write(&p, s).ok();
    p
}

#[test]
fn csv_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inp = input(dir.path());
    let out = dir.path().join("t.csv");
    cmd()
        .args([
            "extract",
            "--no-annotate",
            "-q",
            "--format",
            "csv",
            "--row-group",
            "2",
        ])
        .arg(&inp)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let articles = std::fs::read_to_string(&out).expect("articles");
    assert!(articles.starts_with("id,url,outlet,title,authors,"));
    assert_eq!(articles.lines().filter(|l| l.starts_with('a')).count(), 7);
    let claims = std::fs::read_to_string(dir.path().join("t.claims.csv")).expect("claims");
    let rows: Vec<&str> = claims.lines().collect();
    assert_eq!(rows.len(), 1 + 3, "{claims}");
    assert!(rows[1].starts_with("a0,0,Councillor Brenna Oduya,0,23,person,"));
}

#[test]
fn tables_need_an_output_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inp = input(dir.path());
    let a = cmd()
        .args(["extract", "--no-annotate", "--format", "parquet"])
        .arg(&inp)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("needs -o FILE"), "{err}");
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inp = input(dir.path());
    let out = dir.path().join("t.parquet");
    cmd()
        .args(["extract", "--no-annotate", "-q", "--format", "parquet"])
        .arg(&inp)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    for p in [out.clone(), dir.path().join("t.claims.parquet")] {
        let bytes = std::fs::read(&p).expect("parquet file");
        assert!(
            bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"),
            "{}",
            p.display()
        );
    }
}

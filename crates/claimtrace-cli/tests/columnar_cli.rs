//! `claimtrace extract --format csv|parquet -o FILE`: the two tables, streamed in row groups.
//! (The tables' content is tested in claimtrace-columnar; this checks the command's wiring on
//! a few fictional articles run through the pipeline.)

use assert_cmd::Command;

fn cmd() -> Command {
    match Command::cargo_bin("claimtrace") {
        Ok(c) => c,
        Err(e) => panic!("binary not built: {e}"),
    }
}

/// Fictional JSONL articles; every third one reports a claim.
fn input(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("in.jsonl");
    let mut s = String::new();
    for i in 0..7 {
        let text = if i % 3 == 0 {
            format!("Councillor Brenna Oduya said on Monday that bridge {i} was closed.")
        } else {
            format!("Bridge {i} over the Lark river is closed for repairs.")
        };
        s.push_str(&format!(
            "{{\"id\":\"a{i}\",\"outlet\":\"Lakeside Ledger\",\"text\":\"{text}\"}}\n"
        ));
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
        .args(["extract", "-q", "--format", "csv", "--row-group", "2"])
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
    assert!(rows[1].starts_with("a0,0,"), "{claims}");
    assert!(
        rows[2].starts_with("a3,0,") && rows[3].starts_with("a6,0,"),
        "{claims}"
    );
    assert!(rows[1].contains("Brenna Oduya"), "{claims}");
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

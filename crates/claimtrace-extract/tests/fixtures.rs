//! Hand-made pages (fictional text) in the layouts news sites use, under
//! `tests/fixtures/extract/`. Each `NAME.html` has a `NAME.expect`: `+phrase` must be in the
//! text, `-phrase` must not, `empty` means no text, `para:N` at least N paragraphs, and
//! `title:`/`published:`/`author:`/`site:`/`canonical:`/`lang:` check metadata (`url:` is the
//! page URL passed in).

use claimtrace_extract::extract;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/extract"
    ))
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir())
        .expect("fixture dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    entries.sort();
    for path in entries {
        count += 1;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_string();
        let html = std::fs::read_to_string(&path).expect("read html");
        let expect = std::fs::read_to_string(path.with_extension("expect")).expect("read expect");
        let url = expect
            .lines()
            .find_map(|l| l.strip_prefix("url:"))
            .map(str::to_string);
        let e = extract(&html, url.as_deref());
        for line in expect.lines().filter(|l| !l.trim().is_empty()) {
            let ok = if let Some(s) = line.strip_prefix('+') {
                e.text.contains(s)
            } else if let Some(s) = line.strip_prefix('-') {
                !e.text.contains(s)
            } else if line == "empty" {
                e.text.is_empty()
            } else if let Some(n) = line.strip_prefix("para:") {
                e.text.split("\n\n").count() >= n.parse::<usize>().unwrap_or(0)
            } else if let Some(v) = line.strip_prefix("title:") {
                e.title.as_deref() == Some(v)
            } else if let Some(v) = line.strip_prefix("published:") {
                e.published.as_deref() == Some(v)
            } else if let Some(v) = line.strip_prefix("author:") {
                e.authors.iter().any(|a| a.name == v)
            } else if let Some(v) = line.strip_prefix("site:") {
                e.site_name.as_deref() == Some(v)
            } else if let Some(v) = line.strip_prefix("canonical:") {
                e.canonical_url.as_deref() == Some(v)
            } else if let Some(v) = line.strip_prefix("lang:") {
                e.lang.as_deref() == Some(v)
            } else {
                line.starts_with("url:")
            };
            if !ok {
                failures.push(format!("{name}: {line}\n    got: title={:?} published={:?} authors={:?} site={:?} canonical={:?} lang={:?}\n    text={:?}", e.title, e.published, e.authors, e.site_name, e.canonical_url, e.lang, e.text.chars().take(300).collect::<String>()));
            }
        }
    }
    assert!(count >= 25, "only {count} fixtures");
    assert!(
        failures.is_empty(),
        "{} failed checks:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

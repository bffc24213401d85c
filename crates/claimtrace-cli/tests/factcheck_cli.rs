//! A fact-checker's workflows end to end on a fictional story: the claims table
//! (`claims --db`), independence accounting (`trace`) and the ClaimReview export.

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn cmd() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("claimtrace"))
}

/// `{text,start,end}` of the first `needle` in `text` (character offsets).
fn span(text: &str, needle: &str) -> Value {
    let b = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    let start = text[..b].chars().count();
    json!({"text": needle, "start": start, "end": start + needle.chars().count()})
}

/// One attribution: source words, type, entity, content words, certainty, kind, parent.
type Att<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<u32>,
);

fn article(id: &str, outlet: &str, date: &str, lang: &str, text: &str, atts: &[Att<'_>]) -> Value {
    let mut sources: Vec<Value> = Vec::new();
    let attributions: Vec<Value> = atts
        .iter()
        .map(|(src, kind, entity, content, cert, how, parent)| {
            let mut s = span(text, src);
            s["type"] = json!(kind);
            s["entity"] = json!(entity);
            s["id"] = json!(sources.len());
            sources.push(json!({"entity": entity, "type": kind, "mentions": [span(text, src)]}));
            json!({"source": s, "cue": null, "content": span(text, content), "kind": how,
                   "parent": parent, "channel": null, "certainty": cert, "hedge": null})
        })
        .collect();
    json!({"id": id, "url": format!("https://{}.example/{id}", outlet.to_lowercase().replace(' ', "")),
           "outlet": outlet, "title": format!("Convoy at Halvik ({outlet})"), "published": date,
           "lang": lang, "text": text, "attributions": attributions, "sources": sources})
}

/// Four reports of one fictional event: a wire original, a verbatim reprint of it, a
/// re-report ("the Guardian reported that …") and a re-report that adds its own source and
/// quote; one unrelated article.
pub fn story_lines() -> Vec<Value> {
    let wire = "Regional intelligence officials said the armed convoy crossed the northern border \
                at Halvik early on Sunday, moving about forty trucks toward the river valley \
                before dawn, and that patrols had been doubled along the whole frontier road.";
    let guardian = "The Meridian Wire reported that the armed convoy crossed the northern border \
                    at Halvik early on Sunday, according to regional intelligence officials.";
    let herald = "According to the Guardian, the armed convoy crossed the northern border at \
                  Halvik early on Sunday. Mayor Lena Ostrová said the convoy had not stopped: \
                  \"We counted forty trucks at dawn.\"";
    vec![
        article(
            "w1",
            "Meridian Wire",
            "2026-03-01T06:00:00Z",
            "en",
            wire,
            &[(
                "Regional intelligence officials",
                "official",
                "regional intelligence officials",
                "the armed convoy crossed the northern border at Halvik early on Sunday",
                "asserted",
                "indirect",
                None,
            )],
        ),
        article(
            "c1",
            "Coast Courier",
            "2026-03-01T09:00:00Z",
            "en",
            wire,
            &[(
                "Regional intelligence officials",
                "official",
                "regional intelligence officials",
                "the armed convoy crossed the northern border at Halvik early on Sunday",
                "asserted",
                "indirect",
                None,
            )],
        ),
        article(
            "g1",
            "The Guardian",
            "2026-03-02T08:00:00Z",
            "en",
            guardian,
            &[
                (
                    "The Meridian Wire",
                    "media",
                    "Meridian Wire",
                    "the armed convoy crossed the northern border at Halvik early on Sunday",
                    "asserted",
                    "indirect",
                    None,
                ),
                (
                    "regional intelligence officials",
                    "official",
                    "regional intelligence officials",
                    "the armed convoy crossed the northern border at Halvik early on Sunday",
                    "hedged",
                    "indirect",
                    Some(0),
                ),
            ],
        ),
        article(
            "h1",
            "Northern Herald",
            "2026-03-03T08:00:00Z",
            "en",
            herald,
            &[
                (
                    "the Guardian",
                    "media",
                    "The Guardian",
                    "the armed convoy crossed the northern border at Halvik early on Sunday",
                    "asserted",
                    "indirect",
                    None,
                ),
                (
                    "Mayor Lena Ostrová",
                    "official",
                    "Lena Ostrová",
                    "\"We counted forty trucks at dawn.\"",
                    "asserted",
                    "direct",
                    None,
                ),
            ],
        ),
        article(
            "x1",
            "Valley Post",
            "2026-02-10",
            "fr",
            "Le maire Jean Dufour a déclaré que le pont serait rouvert en avril, selon la mairie.",
            &[(
                "Le maire Jean Dufour",
                "official",
                "Jean Dufour",
                "le pont serait rouvert en avril",
                "hedged",
                "indirect",
                None,
            )],
        ),
    ]
}

/// A store with the fictional story, ingested as annotated JSONL.
pub fn story_store(dir: &Path) -> PathBuf {
    let input = dir.join("in.jsonl");
    let lines: Vec<String> = story_lines().iter().map(Value::to_string).collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let db = dir.join("s.db");
    let out = cmd()
        .args(["ingest", "--annotated", "--db"])
        .arg(&db)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

fn run(args: &[&str], db: &Path) -> (Option<i32>, String, String) {
    let out = cmd().args(args).arg("--db").arg(db).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn claims_table_filters_formats_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = story_store(dir.path());
    // Accent- and case-insensitive source, JSONL.
    let (code, out, err) = run(
        &["claims", "--source", "lena ostrova", "--format", "jsonl"],
        &db,
    );
    assert_eq!(code, Some(0), "{err}");
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["article"], "h1");
    assert_eq!(rows[0]["entity"], "Lena Ostrová");
    // Certainty, language, outlet, dates, words.
    let count = |args: &[&str]| {
        let (code, out, _) = run(&[&["claims", "--format", "jsonl"], args].concat(), &db);
        (code, out.lines().count())
    };
    assert_eq!(count(&["--certainty", "hedged"]), (Some(0), 2));
    assert_eq!(
        count(&["--certainty", "hedged", "--lang", "fr"]),
        (Some(0), 1)
    );
    assert_eq!(count(&["--outlet", "guardian"]), (Some(0), 2));
    assert_eq!(count(&["--source-type", "media"]), (Some(0), 2));
    assert_eq!(
        count(&["--from", "2026-03-02", "--to", "2026-03-02"]),
        (Some(0), 2)
    );
    assert_eq!(count(&["--query", "\"forty trucks\""]), (Some(0), 1));
    assert_eq!(count(&["--query", "pont OR trucks"]), (Some(0), 2));
    // Nothing found: exit 1; a bad filter: exit 2 with a message.
    assert_eq!(count(&["--source", "nobody at all"]), (Some(1), 0));
    let (code, _, err) = run(&["claims", "--certainty", "sure"], &db);
    assert_eq!(code, Some(2));
    assert!(err.contains("certainty"), "{err}");
    // CSV with a header; a table; -o FILE.
    let (_, out, _) = run(&["claims", "--format", "csv", "--certainty", "hedged"], &db);
    let mut lines = out.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("published,outlet,lang,source")
    );
    assert_eq!(lines.count(), 2);
    let (_, out, _) = run(&["claims", "--source", "mayor lena"], &db);
    assert!(
        out.contains("Northern Herald") && out.contains("forty trucks"),
        "{out}"
    );
    let file = dir.path().join("claims.csv");
    let (code, out, _) = run(
        &["claims", "--format", "csv", "-o", file.to_str().unwrap()],
        &db,
    );
    assert_eq!((code, out.as_str()), (Some(0), ""));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap().lines().count(),
        1 + 7
    );
}

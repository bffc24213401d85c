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

fn story_of(db: &Path, article: &str) -> u64 {
    let (_, out, err) = run(&["trace", "--article", article], db);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    v["story"].as_u64().unwrap()
}

#[test]
fn independence_in_trace_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = story_store(dir.path());
    let story = story_of(&db, "w1");
    let (code, out, err) = run(&["trace", "--story", &story.to_string()], &db);
    assert_eq!(code, Some(0), "{err}");
    let p: Value = serde_json::from_str(&out).unwrap();
    let ind = &p["independence"];
    assert_eq!(ind["reports"], 4, "{ind:#}");
    let role = |id: &str| {
        ind["articles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["article"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {ind:#}"))
    };
    // The wire copy collapses into the wire story.
    assert_eq!(role("c1")["role"], "reprint", "{ind:#}");
    assert_eq!(role("c1")["origin"], "w1");
    assert_eq!(role("c1")["new_reporting"], false);
    assert_eq!(role("w1")["role"], "original");
    // The re-report that only restates adds nothing; the one with its own source does.
    assert_eq!(role("g1")["new_reporting"], false, "{ind:#}");
    assert_eq!(role("h1")["role"], "re_report", "{ind:#}");
    assert_eq!(role("h1")["new_reporting"], true);
    assert_eq!(role("h1")["new_sources"][0], "Lena Ostrová");
    assert_eq!(role("h1")["origin"], "h1");
    // Two primary sources (the officials and the mayor; the outlets relay).
    assert_eq!(ind["primary_sources"], 2, "{ind:#}");
    let summary = ind["summary"].as_str().unwrap();
    assert!(summary.starts_with("4 reports, "), "{summary}");
    assert!(summary.ends_with(", 2 primary sources"), "{summary}");
    // The tree says it in words.
    let (_, tree, _) = run(
        &["trace", "--story", &story.to_string(), "--format", "tree"],
        &db,
    );
    assert!(tree.contains("independence: 4 reports"), "{tree}");
    assert!(
        tree.contains("only restates") && tree.contains("adds new reporting"),
        "{tree}"
    );
    // Per claim, in the claim's chain.
    let claim = p["claims"][0]["id"].as_str().unwrap().to_string();
    let (_, out, _) = run(&["trace", "--claim", &claim], &db);
    let chain: Value = serde_json::from_str(&out).unwrap();
    assert!(
        chain["independence"]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("independent origin")),
        "{chain:#}"
    );
}

/// The context terms, classes, properties and prefixes a node is checked against.
type Vocab<'a> = (
    &'a serde_json::Map<String, Value>,
    &'a serde_json::Map<String, Value>,
    &'a serde_json::Map<String, Value>,
    &'a [String],
);

/// A small offline JSON-LD check against the checked-in schema.org subset
/// (`tests/fixtures/schemaorg/context-subset.jsonld`): the context is schema.org plus
/// prefixes; every term is defined (a schema.org term of the subset, or a compact IRI of a
/// defined prefix); every `@type` is a known class; each property's domain holds the node's
/// type and its values have a type of its range. Returns the problems found.
fn validate_jsonld(doc: &Value, vocab: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    let ctx = &doc["@context"];
    let prefixes: Vec<String> = match ctx.as_array().map(Vec::as_slice) {
        Some([Value::String(base), Value::Object(extra)])
            if base == "https://schema.org/" || base == "https://schema.org" =>
        {
            extra.keys().cloned().collect()
        }
        _ => {
            errs.push(format!("@context is not [schema.org, {{prefixes}}]: {ctx}"));
            Vec::new()
        }
    };
    let terms = vocab["@context"].as_object().unwrap();
    let classes = vocab["classes"].as_object().unwrap();
    let props = vocab["properties"].as_object().unwrap();
    let is_a = |t: &str, want: &str| {
        let mut at = Some(t.to_string());
        while let Some(c) = at {
            if c == want {
                return true;
            }
            at = classes.get(&c).and_then(Value::as_str).map(str::to_string);
        }
        false
    };
    fn check_node(
        n: &Value,
        path: &str,
        errs: &mut Vec<String>,
        ctx: &Vocab<'_>,
        is_a: &dyn Fn(&str, &str) -> bool,
    ) {
        let (terms, classes, props, prefixes) = *ctx;
        let Some(obj) = n.as_object() else {
            errs.push(format!("{path}: not a node"));
            return;
        };
        let ty = obj.get("@type").and_then(Value::as_str).unwrap_or("");
        if !classes.contains_key(ty) {
            errs.push(format!("{path}: unknown @type {ty:?}"));
        }
        for (k, v) in obj {
            let here = format!("{path}.{k}");
            if k.starts_with('@') {
                if !["@type", "@id"].contains(&k.as_str()) {
                    errs.push(format!("{here}: keyword not allowed in a node"));
                }
                if k == "@id" {
                    let id = v.as_str().unwrap_or("");
                    let ok = id.starts_with("http")
                        || id
                            .split_once(':')
                            .is_some_and(|(p, _)| prefixes.iter().any(|x| x == p));
                    if !ok {
                        errs.push(format!("{here}: @id {id:?} is not an IRI"));
                    }
                }
                continue;
            }
            if let Some((p, _)) = k.split_once(':') {
                if !prefixes.iter().any(|x| x == p) {
                    errs.push(format!("{here}: prefix {p:?} not defined in @context"));
                }
                if !v.is_string() {
                    errs.push(format!("{here}: claimtrace terms are text"));
                }
                continue;
            }
            if !terms.contains_key(k) {
                errs.push(format!("{here}: term not in the schema.org context"));
                continue;
            }
            let Some(def) = props.get(k) else {
                errs.push(format!("{here}: a class name used as a property"));
                continue;
            };
            let domain: Vec<&str> = def["domain"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            if !domain.iter().any(|d| is_a(ty, d)) {
                errs.push(format!("{here}: not a property of {ty}"));
            }
            let range: Vec<&str> = def["range"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let values: Vec<&Value> = match v {
                Value::Array(a) => a.iter().collect(),
                x => vec![x],
            };
            for (i, x) in values.into_iter().enumerate() {
                let ok = range.iter().any(|r| match (*r, x) {
                    ("Text" | "Language", Value::String(_)) => true,
                    ("URL", Value::String(s)) => {
                        s.starts_with("https://") || s.starts_with("http://")
                    }
                    ("Date" | "DateTime", Value::String(s)) => {
                        let b = s.as_bytes();
                        b.len() >= 10
                            && b[..10].iter().enumerate().all(|(j, c)| {
                                if j == 4 || j == 7 {
                                    *c == b'-'
                                } else {
                                    c.is_ascii_digit()
                                }
                            })
                    }
                    (class, Value::Object(o)) => o
                        .get("@type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| is_a(t, class)),
                    _ => false,
                });
                if !ok {
                    errs.push(format!("{here}[{i}]: {x} is not one of {range:?}"));
                }
                if x.is_object() {
                    check_node(x, &format!("{here}[{i}]"), errs, ctx, is_a);
                }
            }
        }
    }
    let ctx4 = (terms, classes, props, prefixes.as_slice());
    match doc["@graph"].as_array() {
        Some(g) => {
            for (i, n) in g.iter().enumerate() {
                check_node(n, &format!("@graph[{i}]"), &mut errs, &ctx4, &is_a);
            }
        }
        None => errs.push("no @graph".into()),
    }
    errs
}

fn vocab() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/schemaorg/context-subset.jsonld");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn validator_rejects_what_is_wrong() {
    let v = vocab();
    let good = json!({"@context": ["https://schema.org/", {"claimtrace": "https://claimtrace.org/ns#"}],
        "@graph": [{"@type": "Claim", "text": "x", "appearance": [{"@type": "CreativeWork",
        "url": "https://a.example/1", "datePublished": "2026-03-01"}], "claimtrace:certainty": "hedged"}]});
    assert!(
        validate_jsonld(&good, &v).is_empty(),
        "{:?}",
        validate_jsonld(&good, &v)
    );
    for (bad, why) in [
        (json!({"@type": "Claim", "reviewRating": "x"}), "term"),
        (json!({"@type": "Claim", "other:x": "y"}), "prefix"),
        (json!({"@type": "Review"}), "@type"),
        (
            json!({"@type": "Claim", "firstAppearance": "https://x"}),
            "not one of",
        ),
        (
            json!({"@type": "Claim", "appearance": [{"@type": "CreativeWork", "datePublished": "March"}]}),
            "not one of",
        ),
        (
            json!({"@type": "Organization", "text": "x"}),
            "not a property",
        ),
    ] {
        let doc = json!({"@context": good["@context"], "@graph": [bad]});
        let errs = validate_jsonld(&doc, &v);
        assert!(errs.iter().any(|e| e.contains(why)), "{why}: {errs:?}");
    }
}

#[test]
fn claimreview_export_is_valid_jsonld() {
    let dir = tempfile::tempdir().unwrap();
    let db = story_store(dir.path());
    let story = story_of(&db, "w1");
    let (code, out, err) = cmd_out(
        &["export", "claimreview", "--story", &story.to_string()],
        &db,
    );
    assert_eq!(code, Some(0), "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let errs = validate_jsonld(&doc, &vocab());
    assert!(errs.is_empty(), "{errs:#?}\n{doc:#}");
    assert!(!out.contains("reviewRating"));
    let claims = doc["@graph"].as_array().unwrap();
    assert!(!claims.is_empty());
    // The convoy claim: first appearance the wire story, the officials as author, every
    // appearance, the attribution path.
    let c = claims
        .iter()
        .find(|c| c["text"].as_str().is_some_and(|t| t.contains("convoy")))
        .expect("convoy claim");
    assert_eq!(
        c["firstAppearance"]["url"], "https://meridianwire.example/w1",
        "{c:#}"
    );
    assert_eq!(c["firstAppearance"]["publisher"]["name"], "Meridian Wire");
    assert!(
        c["firstAppearance"]["datePublished"]
            .as_str()
            .unwrap()
            .starts_with("2026-03-01")
    );
    assert_eq!(c["author"]["name"], "regional intelligence officials");
    assert!(c["appearance"].as_array().unwrap().len() >= 3, "{c:#}");
    assert_eq!(c["inLanguage"], "en");
    assert_eq!(
        c["claimtrace:attributionPath"],
        "Meridian Wire via regional intelligence officials"
    );
    assert_eq!(c["claimtrace:certainty"], "asserted");
    // One claim by id; -o FILE; a store without that claim: an error.
    let id = c["@id"]
        .as_str()
        .unwrap()
        .trim_start_matches("claimtrace:claim/")
        .to_string();
    let file = dir.path().join("cr.jsonld");
    let (code, _, _) = cmd_out(
        &[
            "export",
            "claimreview",
            "--claim",
            &id,
            "-o",
            file.to_str().unwrap(),
        ],
        &db,
    );
    assert_eq!(code, Some(0));
    let one: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(one["@graph"].as_array().unwrap().len(), 1);
    let (code, _, _) = cmd_out(&["export", "claimreview", "--claim", "999:1"], &db);
    assert_eq!(code, Some(2));
}

fn cmd_out(args: &[&str], db: &Path) -> (Option<i32>, String, String) {
    run(args, db)
}

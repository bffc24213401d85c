//! Story clustering and reprint detection on the dev-stories corpus.
//!
//! `cargo run --release -p claimtrace-story --example eval_clusters -- [--data DIR] [--undated last|first] [--verbose]`
//!
//! Reads `DIR/articles.jsonl` and `DIR/labels.json` (default `../shared/corpus/dev-stories`),
//! annotates every article with the default pipeline, fingerprints it and adds it to a
//! [`Connector`] in publication order (undated articles last by default, as the store orders
//! a batch, or first), then prints B-cubed precision/recall/F1 and reprint precision/recall on the
//! tuning split, the test split and the whole corpus.
//!
//! Split (fixed before tuning): tuning = stories S1, S2, S5, S6 and the distractors
//! `wafa-2023-09-09-morocco-quake`, `metropr-2017-11-28-hwasong15`; test = S3, S4, S7, S8 and
//! the other three distractors.

use claimtrace::{Doc, Pipeline};
use claimtrace_story::{Config, Connector, Fingerprint, bcubed};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

const TUNE_STORIES: [&str; 4] = ["S1", "S2", "S5", "S6"];
const TUNE_OTHER: [&str; 2] = [
    "wafa-2023-09-09-morocco-quake",
    "metropr-2017-11-28-hwasong15",
];

struct Item {
    id: String,
    story: String,
    reprint_of: Option<String>,
    lang: String,
    published: Option<String>,
    fp: Fingerprint,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let dir = arg("--data").unwrap_or_else(|| "../shared/corpus/dev-stories".into());
    let undated_last = arg("--undated").as_deref() != Some("first");
    let verbose = args.iter().any(|a| a == "--verbose");
    let labels: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/labels.json"))?)?;
    let pipe = Pipeline::new();
    let mut items = Vec::new();
    let t0 = std::time::Instant::now();
    for line in std::fs::read_to_string(format!("{dir}/articles.jsonl"))?.lines() {
        let v: Value = serde_json::from_str(line)?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let id = s("id").unwrap_or_default();
        let mut doc = Doc::from_text(id.clone(), s("text").unwrap_or_default());
        doc.url = s("url");
        doc.outlet = s("outlet");
        doc.title = s("title");
        doc.published = s("published");
        doc.lang = s("lang");
        pipe.annotate(&mut doc);
        let l = labels.get(&id);
        items.push(Item {
            story: l
                .and_then(|l| l.get("story"))
                .and_then(Value::as_str)
                .unwrap_or("other")
                .to_string(),
            reprint_of: l
                .and_then(|l| l.get("reprint_of"))
                .and_then(Value::as_str)
                .map(str::to_string),
            lang: doc.lang.clone().unwrap_or_default(),
            published: doc.published.clone(),
            fp: Fingerprint::of(&doc),
            id,
        });
    }
    if verbose {
        let by_id: HashMap<&str, &Item> = items.iter().map(|i| (i.id.as_str(), i)).collect();
        for it in &items {
            if let Some(o) = it.reprint_of.as_deref().and_then(|r| by_id.get(r)) {
                println!(
                    "gold reprint {} -> {}: J={:.2} C={:.2} shingles {} / {}",
                    it.id,
                    o.id,
                    it.fp.jaccard(&o.fp),
                    it.fp.containment(&o.fp),
                    it.fp.shingles,
                    o.fp.shingles
                );
            }
        }
        for (a, b) in [
            (
                "hispanidad-2019-07-31-hamza",
                "cooperativa-2019-07-31-hamza",
            ),
            ("unotv-2021-06-shekau", "canaldelasnoticias-2021-06-shekau"),
            (
                "hallmarknews-2021-05-20-shekau",
                "humangle-2021-05-20-shekau",
            ),
        ] {
            if let (Some(x), Some(y)) = (by_id.get(a), by_id.get(b)) {
                println!(
                    "not-reprint {a} ~ {b}: J={:.2} C={:.2}",
                    x.fp.jaccard(&y.fp),
                    x.fp.containment(&y.fp)
                );
            }
        }
    }
    eprintln!(
        "annotated + fingerprinted {} articles in {:.1?}",
        items.len(),
        t0.elapsed()
    );
    let tune = |it: &Item| {
        TUNE_STORIES.contains(&it.story.as_str()) || TUNE_OTHER.contains(&it.id.as_str())
    };
    for (name, filter) in [
        ("tuning", &(|it: &Item| tune(it)) as &dyn Fn(&Item) -> bool),
        ("test", &|it: &Item| !tune(it)),
        ("all", &|_: &Item| true),
    ] {
        let mut sel: Vec<&Item> = items.iter().filter(|it| filter(it)).collect();
        // Publication order; undated articles last (as the store does) or first; ties by id.
        sel.sort_by(|a, b| {
            let key = |it: &Item| match it.published.as_deref() {
                Some(p) => (u8::from(!undated_last), p.to_string()),
                None => (u8::from(undated_last) * 2, String::new()),
            };
            key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
        });
        let mut conn = Connector::new(Config::default());
        let mut pred: HashMap<&str, String> = HashMap::new();
        let mut gold: HashMap<&str, String> = HashMap::new();
        let mut got_reprints = HashSet::new();
        for it in &sel {
            let cands = if verbose {
                conn.candidates(&it.fp)
            } else {
                Vec::new()
            };
            let a = conn.add(&it.id, &it.fp);
            // Distractors are singletons in the gold clustering.
            let g = if it.story == "other" {
                format!("other:{}", it.id)
            } else {
                it.story.clone()
            };
            gold.insert(&it.id, g);
            pred.insert(&it.id, a.story.to_string());
            if let Some(r) = a.reprint_of {
                got_reprints.insert(pair(&it.id, &r));
            }
            if verbose {
                println!(
                    "{:6} {:3} {:10} {:42} -> {:3}{} {}",
                    it.story,
                    it.lang,
                    it.published.as_deref().unwrap_or("-"),
                    it.id,
                    a.story,
                    if a.new_story { "*" } else { " " },
                    a.near_dups
                        .iter()
                        .map(|(i, j)| format!("{i}:{j:.2}"))
                        .chain(cands.iter().take(3).map(|(s, sc)| format!("[{s}:{sc:.2}]")))
                        .collect::<Vec<_>>()
                        .join(" ")
                );
            }
        }
        let ids: HashSet<&str> = sel.iter().map(|it| it.id.as_str()).collect();
        let gold_reprints: HashSet<(String, String)> = sel
            .iter()
            .filter_map(|it| {
                let r = it.reprint_of.as_deref()?;
                ids.contains(r).then(|| pair(&it.id, r))
            })
            .collect();
        let (p, r, f) = bcubed(&gold, &pred);
        let hit = got_reprints.intersection(&gold_reprints).count() as f64;
        let rp = if got_reprints.is_empty() {
            1.0
        } else {
            hit / got_reprints.len() as f64
        };
        let rr = if gold_reprints.is_empty() {
            1.0
        } else {
            hit / gold_reprints.len() as f64
        };
        let n_pred: HashSet<&String> = pred.values().collect();
        println!(
            "{name:7} n={:3} stories pred={:3}  B3 P={p:.3} R={r:.3} F1={f:.3}  reprints P={rp:.3} R={rr:.3} ({} found, {} gold)",
            sel.len(),
            n_pred.len(),
            got_reprints.len(),
            gold_reprints.len()
        );
        if verbose {
            for x in got_reprints.difference(&gold_reprints) {
                println!("  extra reprint {x:?}");
            }
            for x in gold_reprints.difference(&got_reprints) {
                println!("  missed reprint {x:?}");
            }
        }
    }
    Ok(())
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a < b {
        (a.into(), b.into())
    } else {
        (b.into(), a.into())
    }
}

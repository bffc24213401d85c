//! Provenance on dev-stories, measured apart from clustering: annotate the corpus in memory,
//! group articles by their *gold* story, trace each story, and print the figures of
//! `claimtrace eval stories` for the tuning half, the test half and all.
//!
//! `cargo run --release -p claimtrace-provenance --example eval_dev -- [DATA_DIR] [--no-reprints] [--show STORY]`
//! (DATA_DIR defaults to `../shared/corpus/dev-stories`, run from the repo root).
//!
//! Split (fixed before tuning, by story so that origins are not shared): tuning half S1, S3,
//! S5, S7; test half S2, S4, S6, S8 and the `other` distractors.

use claimtrace::{Doc, Pipeline};
use claimtrace_provenance::eval::{Label, Stored, evaluate, parse_labels};
use claimtrace_provenance::{render_tree, trace};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::time::Instant;

fn tune_half(story: &str) -> bool {
    matches!(story, "S1" | "S3" | "S5" | "S7")
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let no_reprints = args.iter().any(|a| a == "--no-reprints");
    let show = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1).cloned());
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--") && Some(*a) != show.as_ref())
        .cloned()
        .unwrap_or_else(|| "../shared/corpus/dev-stories".to_string());
    let jsonl = std::fs::read_to_string(format!("{dir}/articles.jsonl"))
        .map_err(|e| format!("{dir}/articles.jsonl: {e}"))?;
    let labels: BTreeMap<String, Label> = parse_labels(
        &std::fs::read_to_string(format!("{dir}/labels.json"))
            .map_err(|e| format!("{dir}/labels.json: {e}"))?,
    )?;
    let pipe = Pipeline::new();
    let t = Instant::now();
    let mut docs: Vec<Doc> = Vec::new();
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let mut d = Doc::from_json(&v).map_err(|e| e.to_string())?;
        pipe.annotate(&mut d);
        docs.push(d);
    }
    eprintln!("annotated {} articles in {:.1?}", docs.len(), t.elapsed());

    // Gold stories → numeric ids; `other` articles are stories of their own.
    let mut story_ids: BTreeMap<String, u64> = BTreeMap::new();
    let mut groups: BTreeMap<u64, Vec<Doc>> = BTreeMap::new();
    let mut stored = Vec::new();
    for d in docs {
        let Some(l) = labels.get(&d.id) else { continue };
        let key = if l.story == "other" {
            format!("other:{}", d.id)
        } else {
            l.story.clone()
        };
        let n = story_ids.len() as u64 + 1;
        let sid = *story_ids.entry(key).or_insert(n);
        stored.push(Stored {
            id: d.id.clone(),
            outlet: d.outlet.clone(),
            story: sid,
        });
        groups.entry(sid).or_default().push(d);
    }
    let mut provs = FxHashMap::default();
    let mut times = Vec::new();
    for (sid, ds) in &groups {
        let reprints: Vec<(String, String)> = if no_reprints {
            Vec::new()
        } else {
            ds.iter()
                .filter_map(|d| {
                    let r = labels.get(&d.id)?.reprint_of.clone()?;
                    Some((d.id.clone(), r))
                })
                .collect()
        };
        let t = Instant::now();
        let p = trace(*sid, ds, &reprints);
        times.push((t.elapsed(), ds.len()));
        provs.insert(*sid, p);
    }
    if let Some(s) = &show
        && let Some(sid) = story_ids.get(s)
        && let Some(p) = provs.get(sid)
    {
        println!("{}", render_tree(p));
    }
    // Timing: the largest story, traced 21 times (median), and its per-article analysis.
    if let Some((sid, ds)) = groups.iter().max_by_key(|(_, d)| d.len()) {
        let mut ts: Vec<std::time::Duration> = (0..21)
            .map(|_| {
                let t = Instant::now();
                let _ = trace(*sid, ds, &[]);
                t.elapsed()
            })
            .collect();
        ts.sort();
        let t = Instant::now();
        for d in ds {
            let _ = claimtrace_provenance::analyse::analyse(
                d,
                claimtrace_provenance::Lexicon::bundled(),
            );
        }
        println!(
            "largest story ({} articles): trace median {:.2?}, max {:.2?}; analysis alone {:.2?}",
            ds.len(),
            ts[10],
            ts[20],
            t.elapsed()
        );
    }
    let max = times.iter().max_by_key(|t| t.0);
    if let Some((t, n)) = max {
        println!("slowest trace: {t:.2?} ({n} articles)\n");
    }
    println!(
        "gold stories, {} reprints\n",
        if no_reprints { "no" } else { "gold" }
    );
    for (name, keep) in [
        (
            "tuning half (S1 S3 S5 S7)",
            &(|_: &str, l: &Label| tune_half(&l.story)) as &dyn Fn(&str, &Label) -> bool,
        ),
        ("test half (S2 S4 S6 S8 + other)", &|_: &str, l: &Label| {
            !tune_half(&l.story)
        }),
        ("all", &|_: &str, _: &Label| true),
    ] {
        println!("== {name}");
        println!("{}", evaluate(&stored, &provs, &labels, keep));
    }
    Ok(())
}

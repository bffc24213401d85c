//! What attribution adds to the linguistic core, on real article bodies: per document, the
//! time of tokenizer + tagger + parser + NER, then of attribution (rules alone, and rules +
//! the learned tagger), one thread, best of 3 runs per stage. Times are this thread's on-CPU
//! time (`/proc/thread-self/schedstat`, so other processes on the machine do not count; wall
//! time where that file is missing).
//! `claimtrace extract --no-annotate -j 1 ../shared/data/article-extraction/html/*.html.gz -o /tmp/bodies.jsonl`
//! then `cargo run --release -p claimtrace-attribution --example bench_attribution -- /tmp/bodies.jsonl [MODEL]`

mod common;

use claimtrace_attribution::{Attributor, Options, tagger::Model};
use claimtrace_core::Doc;
use std::path::PathBuf;
use std::time::Instant;

/// A clock of this thread's on-CPU time in seconds (Linux schedstat), else wall time.
struct Clock(Instant);

impl Clock {
    fn cpu() -> Option<f64> {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
        Some(ns as f64 * 1e-9)
    }

    fn now(&self) -> f64 {
        Clock::cpu().unwrap_or_else(|| self.0.elapsed().as_secs_f64())
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let input = args.next().unwrap_or_else(|| "/tmp/bodies.jsonl".into());
    let model_path = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../models/attribution-en.bin"
        ))
    });
    let model = Model::load(&model_path).map_err(|e| eprintln!("{e}")).ok();
    let core = common::Core::load();
    let ner = claimtrace_ner::Ner::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../models/ner-en.bin"
    )))
    .map_err(|e| eprintln!("no NER: {e}"))
    .ok();
    let text = match std::fs::read_to_string(&input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{input}: {e}");
            std::process::exit(2);
        }
    };
    let docs: Vec<Doc> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("lang").and_then(|x| x.as_str()).unwrap_or("en") == "en")
        .map(|v| {
            let mut d = Doc::from_text(
                v.get("id").and_then(|x| x.as_str()).unwrap_or(""),
                v.get("text").and_then(|x| x.as_str()).unwrap_or(""),
            );
            d.lang = Some("en".into());
            d
        })
        .collect();
    let att = Attributor::new();
    let opts = Options::default();
    let (mut t_core, mut t_rules, mut t_model) = (f64::MAX, f64::MAX, f64::MAX);
    let mut found = (0usize, 0usize);
    let mut tokens = 0usize;
    let clock = Clock(Instant::now());
    let (mut w_core, mut w_model) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        let mut parsed = docs.clone();
        let t = clock.now();
        let tw = Instant::now();
        for d in &mut parsed {
            claimtrace_text::tokenize(d, "en");
            if let Some(x) = &core.tagger {
                x.tag(d);
            }
            if let Some(x) = &core.parser {
                x.parse(d);
            }
            if let Some(x) = &ner {
                x.annotate(d);
            }
        }
        t_core = t_core.min(clock.now() - t);
        w_core = w_core.min(tw.elapsed().as_secs_f64());
        tokens = parsed.iter().map(|d| d.tokens.len()).sum();
        let mut a = parsed.clone();
        let t = clock.now();
        for d in &mut a {
            att.annotate_model(d, &opts, None);
        }
        t_rules = t_rules.min(clock.now() - t);
        found.0 = a.iter().map(|d| d.attributions.len()).sum();
        let mut b = parsed.clone();
        let t = clock.now();
        let tw = Instant::now();
        for d in &mut b {
            att.annotate_model(d, &opts, model.as_ref());
        }
        t_model = t_model.min(clock.now() - t);
        w_model = w_model.min(tw.elapsed().as_secs_f64());
        found.1 = b.iter().map(|d| d.attributions.len()).sum();
    }
    let n = docs.len() as f64;
    println!(
        "{} English articles, {tokens} tokens (one thread, best of 3, on-CPU time{})",
        docs.len(),
        if Clock::cpu().is_some() {
            ""
        } else {
            ": unavailable, wall time"
        }
    );
    println!(
        "core (tokenizer+tagger+parser+NER): {:.3}s, {:.0} articles/s, {:.0} tokens/s",
        t_core,
        n / t_core,
        tokens as f64 / t_core
    );
    println!(
        "attribution, rules:         {:.3}s = {:.1}% of the core ({} attributions)",
        t_rules,
        100.0 * t_rules / t_core,
        found.0
    );
    println!(
        "attribution, rules + model: {:.3}s = {:.1}% of the core ({} attributions)",
        t_model,
        100.0 * t_model / t_core,
        found.1
    );
    println!(
        "core + attribution (model): {:.0} articles/s",
        n / (t_core + t_model)
    );
    println!(
        "wall (best of 3): core {w_core:.3}s, rules + model {w_model:.3}s = {:.1}%",
        100.0 * w_model / w_core
    );
}

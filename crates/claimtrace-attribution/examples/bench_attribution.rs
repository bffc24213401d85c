//! What attribution adds to the linguistic core, on real article bodies: per document, the
//! time of tokenizer + tagger + parser + NER, then of attribution (rules alone, and rules +
//! the learned tagger), one thread, best of 3 runs per stage.
//! `claimtrace extract --no-annotate -j 1 ../shared/data/article-extraction/html/*.html.gz -o /tmp/bodies.jsonl`
//! then `cargo run --release -p claimtrace-attribution --example bench_attribution -- /tmp/bodies.jsonl [MODEL]`

mod common;

use claimtrace_attribution::{Attributor, Options, tagger::Model};
use claimtrace_core::Doc;
use std::path::PathBuf;
use std::time::Instant;

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
    for _ in 0..3 {
        let mut parsed = docs.clone();
        let t = Instant::now();
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
        t_core = t_core.min(t.elapsed().as_secs_f64());
        tokens = parsed.iter().map(|d| d.tokens.len()).sum();
        let mut a = parsed.clone();
        let t = Instant::now();
        for d in &mut a {
            att.annotate_model(d, &opts, None);
        }
        t_rules = t_rules.min(t.elapsed().as_secs_f64());
        found.0 = a.iter().map(|d| d.attributions.len()).sum();
        let mut b = parsed.clone();
        let t = Instant::now();
        for d in &mut b {
            att.annotate_model(d, &opts, model.as_ref());
        }
        t_model = t_model.min(t.elapsed().as_secs_f64());
        found.1 = b.iter().map(|d| d.attributions.len()).sum();
    }
    let n = docs.len() as f64;
    println!(
        "{} English articles, {tokens} tokens (one thread, best of 3)",
        docs.len()
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
}

//! Developer timing of the learned tagger alone (no rules, no core): `predict_tags` over the
//! article bodies, this thread's on-CPU time, min of N runs, and a checksum of the tags (to
//! compare builds: same checksum, same tags).
//! `cargo run --release -p claimtrace-attribution --example ab_model -- /tmp/bodies.jsonl [MODEL] [N]`

mod common;

use claimtrace_attribution::{Attributor, tagger::Model};

fn cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 * 1e-9)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let input = args.next().unwrap_or_else(|| "/tmp/bodies.jsonl".into());
    let mp = args
        .next()
        .unwrap_or_else(|| "models/attribution-en.bin".into());
    let reps: usize = args.next().and_then(|x| x.parse().ok()).unwrap_or(7);
    let m = match Model::load(std::path::Path::new(&mp)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let core = common::Core::load();
    let text = std::fs::read_to_string(&input).unwrap_or_default();
    let att = Attributor::new();
    let docs: Vec<(String, Vec<claimtrace_core::Token>)> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("lang").and_then(|x| x.as_str()).unwrap_or("en") == "en")
        .map(|v| {
            let t = v
                .get("text")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string();
            let w = core.words(&t);
            (t, w)
        })
        .collect();
    let ans: Vec<_> = docs
        .iter()
        .map(|(t, w)| att.analyse_parsed(t, "en", w))
        .collect();
    let mut best = f64::MAX;
    let mut sum = 0u64;
    for _ in 0..reps {
        let t = cpu();
        sum = 0;
        for ((text, _), an) in docs.iter().zip(&ans) {
            for (k, &x) in m.predict_tags(&att, an, text).iter().enumerate() {
                sum = sum.wrapping_mul(31).wrapping_add((k * 8 + x) as u64);
            }
        }
        best = best.min(cpu() - t);
    }
    println!("model only (predict_tags): {best:.3}s, min of {reps}; tags checksum {sum:016x}");
}

//! In-process timing of `Store::search` on the server's synthetic store (built by
//! `cargo run --release -p claimtrace-server --example synth_store -- DB 100000`), with the
//! queries of the load benchmark (`crates/claimtrace-server/bench`): two words (a frequent one
//! and a rarer one of the Zipfian pseudo-word vocabulary) and one very common word.
//!
//! ```text
//! cargo run --release -p claimtrace-store --example search_bench -- DB [QUERIES]
//! ```
//!
//! Prints, per query set and order, the wall and on-CPU time per search (one thread) and the
//! median and 99th percentile of the wall times.

use claimtrace_ml::rng::SplitMix64;
use claimtrace_store::{Query, Sort, SqliteStore, Store};
use std::time::Instant;

const SYLLABLES: &[&str] = &["ka", "lo", "mi", "ne", "ru", "ta", "vi", "so", "de", "pa"];

/// The synthetic store's pseudo-word of rank `r` (as in `synth_store` and `bench/search.lua`).
fn word(r: u64) -> String {
    r.to_string()
        .bytes()
        .map(|d| SYLLABLES[usize::from(d - b'0')])
        .collect()
}

/// A pseudo-word rank in `lo..=hi` from the shared seeded generator.
fn range(rng: &mut SplitMix64, lo: u64, hi: u64) -> u64 {
    lo + rng.next_u64() % (hi - lo + 1)
}

/// On-CPU time of this thread so far, in ms (Linux `/proc/thread-self/schedstat`), which
/// depends less than wall time on what else the machine runs.
fn thread_cpu_ms() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e6)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: search_bench DB [QUERIES]")?;
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(400);
    let store = SqliteStore::open_read_only(&path)?;
    let mut rng = SplitMix64::new(7);
    let two: Vec<String> = (0..n)
        .map(|_| {
            format!(
                "{} {}",
                word(range(&mut rng, 20, 500)),
                word(range(&mut rng, 500, 20_000))
            )
        })
        .collect();
    let common: Vec<String> = [
        "minister",
        "harbour",
        "council",
        "report",
        "officials",
        "river",
        "bridge",
        "election",
    ]
    .iter()
    .cycle()
    .take(n)
    .map(|w| w.to_string())
    .collect();
    for (name, queries) in [("two words", &two), ("one common word", &common)] {
        for sort in [Sort::Relevance, Sort::Newest] {
            let mut ms = Vec::with_capacity(queries.len());
            let mut hits = 0usize;
            let cpu0 = thread_cpu_ms();
            let t0 = Instant::now();
            for q in queries {
                let t = Instant::now();
                let page = store.search(&Query {
                    q: Some(q.clone()),
                    limit: 20,
                    sort: Some(sort),
                    ..Query::default()
                })?;
                ms.push(t.elapsed().as_secs_f64() * 1e3);
                hits += page.items.len();
            }
            let total = t0.elapsed().as_secs_f64() * 1e3;
            let cpu = thread_cpu_ms()
                .zip(cpu0)
                .map(|(b, a)| (b - a) / queries.len() as f64);
            ms.sort_by(f64::total_cmp);
            println!(
                "{name:16} {sort:9?}  {:.3} ms/search ({} ms on-CPU)  p50 {:.3}  p99 {:.3}  ({} searches, {:.1} items/page)",
                total / ms.len() as f64,
                cpu.map_or("?".into(), |c| format!("{c:.3}")),
                ms[ms.len() / 2],
                ms[(ms.len() * 99 / 100).min(ms.len() - 1)],
                ms.len(),
                hits as f64 / ms.len() as f64
            );
        }
    }
    Ok(())
}

//! In-process timing of `Store::claims` (the claims table) on the server's synthetic store
//! (built by `cargo run -p claimtrace-server --example synth_store -- DB 100000`; one
//! attribution per article, source "Officials", a hedged one per story of five, 4 languages,
//! 40 outlets, 28 days).
//!
//! ```text
//! cargo run --release -p claimtrace-store --example claims_bench -- DB [QUERIES]
//! ```
//!
//! Prints, per filter set, the median and 99th percentile of the wall time of one page (20
//! claims, one thread), and the 99th percentile over all of them.

use claimtrace_ml::rng::SplitMix64;
use claimtrace_store::{ClaimQuery, SqliteStore, Store};
use std::time::Instant;

const TOPICS: &[&str] = &[
    "minister", "harbour", "council", "report", "river", "bridge", "election", "budget", "strike",
    "court", "police", "hospital", "storm", "factory", "border", "railway",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: claims_bench DB [QUERIES]")?;
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let store = SqliteStore::open_read_only(&path)?;
    let stories = store.stats()?.stories.max(1);
    let mut rng = SplitMix64::new(11);
    let mut pick = |k: u64| rng.next_u64() % k;
    type Make<'a> = Box<dyn FnMut(&mut dyn FnMut(u64) -> u64) -> ClaimQuery + 'a>;
    let day = |d: u64| format!("2026-03-{:02}", 1 + d % 28);
    let sets: Vec<(&str, Make<'_>)> = vec![
        ("no filter", Box::new(|_| ClaimQuery::default())),
        (
            "source (all rows)",
            Box::new(|_| ClaimQuery {
                source: Some("officials".into()),
                ..ClaimQuery::default()
            }),
        ),
        (
            "source (none)",
            Box::new(|_| ClaimQuery {
                source: Some("Mohamed A.".into()),
                ..ClaimQuery::default()
            }),
        ),
        (
            "certainty hedged",
            Box::new(|_| ClaimQuery {
                certainty: Some("hedged".into()),
                ..ClaimQuery::default()
            }),
        ),
        (
            "source type",
            Box::new(|_| ClaimQuery {
                source_type: Some("official".into()),
                ..ClaimQuery::default()
            }),
        ),
        (
            "lang",
            Box::new(|p| ClaimQuery {
                lang: Some(["en", "fr", "es", "ar"][p(4) as usize].into()),
                ..ClaimQuery::default()
            }),
        ),
        (
            "outlet",
            Box::new(|p| ClaimQuery {
                outlet: Some(format!("Outlet {:02}", p(40))),
                ..ClaimQuery::default()
            }),
        ),
        (
            "outlet (none)",
            Box::new(|_| ClaimQuery {
                outlet: Some("Nowhere Gazette".into()),
                ..ClaimQuery::default()
            }),
        ),
        (
            "from/to one day",
            Box::new(move |p| {
                let d = day(p(28));
                ClaimQuery {
                    from: Some(d.clone()),
                    to: Some(d),
                    ..ClaimQuery::default()
                }
            }),
        ),
        (
            "story",
            Box::new(move |p| ClaimQuery {
                story: Some(1 + p(stories)),
                ..ClaimQuery::default()
            }),
        ),
        (
            "query word",
            Box::new(|p| ClaimQuery {
                query: Some(TOPICS[p(TOPICS.len() as u64) as usize].into()),
                ..ClaimQuery::default()
            }),
        ),
        (
            "query two words",
            Box::new(|p| ClaimQuery {
                query: Some(format!(
                    "{} {}",
                    TOPICS[p(TOPICS.len() as u64) as usize],
                    TOPICS[p(TOPICS.len() as u64) as usize]
                )),
                ..ClaimQuery::default()
            }),
        ),
        (
            "5 filters",
            Box::new(move |p| ClaimQuery {
                source: Some("officials".into()),
                certainty: Some("hedged".into()),
                lang: Some(["en", "fr", "es", "ar"][p(4) as usize].into()),
                from: Some(day(p(14))),
                query: Some(TOPICS[p(TOPICS.len() as u64) as usize].into()),
                ..ClaimQuery::default()
            }),
        ),
        (
            "outlet+certainty+to",
            Box::new(move |p| ClaimQuery {
                outlet: Some(format!("outlet {:02}", p(40))),
                certainty: Some("hedged".into()),
                to: Some(day(p(28))),
                ..ClaimQuery::default()
            }),
        ),
    ];
    let mut all: Vec<f64> = Vec::new();
    for (name, mut make) in sets {
        let mut ms = Vec::with_capacity(n);
        let mut items = 0usize;
        for _ in 0..n {
            let mut q = make(&mut pick);
            q.limit = 20;
            let t = Instant::now();
            let page = store.claims(&q)?;
            ms.push(t.elapsed().as_secs_f64() * 1e3);
            items += page.items.len();
        }
        ms.sort_by(f64::total_cmp);
        println!(
            "{name:22} p50 {:7.3} ms  p99 {:7.3} ms  ({n} queries, {:.1} items/page)",
            ms[ms.len() / 2],
            ms[(ms.len() * 99 / 100).min(ms.len() - 1)],
            items as f64 / n as f64
        );
        all.extend(ms);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "all                    p50 {:7.3} ms  p99 {:7.3} ms  ({} queries)",
        all[all.len() / 2],
        all[(all.len() * 99 / 100).min(all.len() - 1)],
        all.len()
    );
    Ok(())
}

//! Throughput of both stages on the dev-stories corpus, one thread:
//! `cargo run --release -p claimtrace-timegeo --example bench -- ../shared/corpus/dev-stories/articles.jsonl 20`

use claimtrace_core::Doc;
use claimtrace_timegeo::{Gazetteer, annotate_places, annotate_times};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/corpus/dev-stories/articles.jsonl".into());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let t = std::time::Instant::now();
    let gaz = Gazetteer::load()?;
    let load = t.elapsed();
    let mut docs = Vec::new();
    for line in std::fs::read_to_string(&path)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let mut d = Doc::from_text(
            v["id"].as_str().unwrap_or(""),
            v["text"].as_str().unwrap_or(""),
        );
        d.lang = v["lang"].as_str().map(str::to_owned);
        d.published = v["published"].as_str().map(str::to_owned);
        docs.push(d);
    }
    // Sentences: a rough count (ends of . ! ? followed by space or line end, and lines).
    let sentences: usize = docs
        .iter()
        .map(|d| {
            let b = d.text.as_bytes();
            (0..b.len())
                .filter(|&i| {
                    matches!(b[i], b'.' | b'!' | b'?' | b'\n')
                        && b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace())
                })
                .count()
                .max(1)
        })
        .sum();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    annotate_times(&mut docs[0].clone()); // compile the rules outside the timing
    let (mut tt, mut tp) = (0f64, 0f64);
    let (mut nt, mut np) = (0, 0);
    for _ in 0..rounds {
        for d in docs.iter_mut() {
            let a = std::time::Instant::now();
            annotate_times(d);
            let b = std::time::Instant::now();
            annotate_places(d, &gaz);
            tt += (b - a).as_secs_f64();
            tp += b.elapsed().as_secs_f64();
            nt += d.times.len();
            np += d.places.len();
        }
    }
    let s = (sentences * rounds) as f64;
    println!(
        "{} docs, {} sentences, {} bytes, x{rounds}; gazetteer load {:.0} ms",
        docs.len(),
        sentences,
        bytes,
        load.as_secs_f64() * 1000.0
    );
    println!(
        "times : {:>9.0} sentences/s ({} found/round)",
        s / tt,
        nt / rounds
    );
    println!(
        "places: {:>9.0} sentences/s ({} found/round)",
        s / tp,
        np / rounds
    );
    println!(
        "both  : {:>9.0} sentences/s, {:.2} MB/s",
        s / (tt + tp),
        (bytes * rounds) as f64 / (tt + tp) / 1e6
    );
    Ok(())
}

//! Speed on synthetic data: fingerprints/s and adds/s.
//!
//! `cargo run --release -p claimtrace-story --example bench -- [N]` (default 200,000 articles).
//!
//! Synthetic stream: stories of 1–40 articles over ~1 year, 3 languages' worth of word
//! pools, names, numbers and dates per story; a quarter of the articles are light rewrites of
//! an earlier article of their story (reprints). Bodies are ~250 words (bare `Doc`s: no NER
//! layers, so key extraction comes from the text alone).

use claimtrace_core::Doc;
use claimtrace_ml::rng::SplitMix64;
use claimtrace_story::{Config, Connector, Fingerprint};
use std::time::Instant;

/// The shared seeded generator (same sequence as before it was shared).
struct Rng(SplitMix64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn word(r: &mut Rng) -> String {
    const SYL: [&str; 16] = [
        "ka", "lo", "mi", "ren", "tas", "vo", "du", "pe", "sha", "gri", "no", "bel", "zu", "ta",
        "or", "em",
    ];
    let n = 1 + r.below(3);
    (0..n).map(|_| SYL[r.below(16) as usize]).collect()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let mut r = Rng(SplitMix64::new(7));
    let vocab: Vec<String> = (0..5000).map(|_| word(&mut r)).collect();
    let mut docs: Vec<Doc> = Vec::with_capacity(n);
    let mut story_left = 0;
    let mut story_names: Vec<String> = Vec::new();
    let mut story_day = 0i64;
    let mut story_bodies: Vec<String> = Vec::new();
    let t0 = Instant::now();
    for i in 0..n {
        if story_left == 0 {
            story_left = 1 + r.below(40) as usize;
            story_names = (0..3)
                .map(|_| {
                    let mut w = word(&mut r);
                    if let Some(f) = w.get_mut(0..1) {
                        f.make_ascii_uppercase();
                    }
                    w
                })
                .collect();
            story_day = (i as i64 * 365) / n as i64;
            story_bodies.clear();
        }
        story_left -= 1;
        let body = if !story_bodies.is_empty() && r.below(4) == 0 {
            let src = &story_bodies[r.below(story_bodies.len() as u64) as usize];
            format!("{src} Reporting by staff.")
        } else {
            let mut s = String::new();
            for k in 0..250 {
                if k % 25 == 0 {
                    s.push_str(&story_names[(k / 25) % 3]);
                    s.push(' ');
                    s.push_str(&format!("{} ", 10 + r.below(5000)));
                }
                s.push_str(&vocab[r.below(vocab.len() as u64) as usize]);
                s.push(' ');
            }
            s
        };
        story_bodies.push(body.clone());
        let mut d = Doc::from_text(format!("a{i}"), body);
        let day = story_day + r.below(2) as i64;
        let (y, doy) = (2020 + day / 365, day % 365);
        d.published = Some(format!("{y}-{:02}-{:02}", 1 + doy / 31 % 12, 1 + doy % 28));
        docs.push(d);
    }
    eprintln!("generated {n} docs in {:.1?}", t0.elapsed());
    docs.sort_by(|a, b| a.published.cmp(&b.published));

    let t = Instant::now();
    let fps: Vec<Fingerprint> = docs.iter().map(Fingerprint::of).collect();
    let ft = t.elapsed().as_secs_f64();
    let bytes: usize = fps
        .iter()
        .map(|f| f.keys.len() * 4 + f.minhash.len() * 2 + 16)
        .sum();

    let t = Instant::now();
    let mut c = Connector::new(Config::default());
    let (mut reprints, mut new) = (0usize, 0usize);
    for (d, fp) in docs.iter().zip(&fps) {
        let a = c.add(&d.id, fp);
        reprints += usize::from(a.reprint_of.is_some());
        new += usize::from(a.new_story);
    }
    let at = t.elapsed().as_secs_f64();
    println!(
        "{n} articles: fingerprint {:.0}/s (1 thread, {:.1} s), add {:.0}/s ({:.2} us/add, {:.1} s); \
         {new} stories opened, {reprints} reprints; active stories {}, active articles {}; \
         ~{} bytes of fingerprint per article in memory",
        n as f64 / ft,
        ft,
        n as f64 / at,
        at * 1e6 / n as f64,
        at,
        c.active_stories(),
        c.active_articles(),
        bytes / n.max(1)
    );
}

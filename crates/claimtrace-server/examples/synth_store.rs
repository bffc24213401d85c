//! Builds a synthetic store for the server's load benchmark: N articles (default 100,000) in
//! stories of 5 (4 languages, 40 outlets, a reprint per story), about 1,500 characters of
//! pseudo-words each drawn from a 20,000-word Zipfian vocabulary (so full-text doclists have
//! realistic lengths: `word(r)` spells rank r with syllables, see `bench/search.lua`), one
//! attribution each,
//! and a provenance graph per story (5 article nodes + 1 external origin, 5 edges with
//! evidence and drift). Writes through the store's own API (`write_batch`, `put_provenance`).
//!
//! `cargo run --release -p claimtrace-server --example synth_store -- /tmp/synth.db 100000`

use claimtrace_ml::rng::SplitMix64;
use claimtrace_store::{ClaimLink, EdgeLink, NewArticle, SqliteStore, Store, StoryProvenance};
use serde_json::json;

/// The shared seeded generator (same sequence as before it was shared) with the draws this
/// generator needs.
struct Rng(SplitMix64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn unit(&mut self) -> f64 {
        self.0.unit()
    }
    /// A rank in 1..=V with probability about 1/r (Zipf).
    fn zipf(&mut self, v: f64) -> u64 {
        (v.ln() * self.unit()).exp().floor().max(1.0) as u64
    }
}

const SYLLABLES: &[&str] = &["ka", "lo", "mi", "ne", "ru", "ta", "vi", "so", "de", "pa"];

/// The pseudo-word of rank `r`: its decimal digits spelled as syllables (1 → "lo", 42 → "rumi").
fn word(r: u64) -> String {
    r.to_string()
        .bytes()
        .map(|d| SYLLABLES[(d - b'0') as usize])
        .collect()
}

const WORDS: &[&str] = &[
    "minister",
    "harbour",
    "council",
    "report",
    "officials",
    "river",
    "bridge",
    "election",
    "budget",
    "workers",
    "strike",
    "court",
    "police",
    "hospital",
    "storm",
    "factory",
    "permit",
    "village",
    "mayor",
    "protest",
    "contract",
    "drought",
    "school",
    "airport",
    "border",
    "market",
    "company",
    "union",
    "inquiry",
    "vote",
    "museum",
    "railway",
    "festival",
    "dam",
    "mine",
    "forest",
    "port",
    "tax",
    "energy",
    "water",
];
const LANGS: &[&str] = &["en", "fr", "es", "ar"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "/tmp/claimtrace-synth.db".into());
    let n: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let per_story = 5u64;
    let outlets: Vec<String> = (0..40).map(|i| format!("Outlet {i:02}")).collect();
    let store = SqliteStore::open(&path)?;
    let t0 = std::time::Instant::now();
    let mut rng = Rng(SplitMix64::new(42));
    let mut batch = Vec::with_capacity(1000);
    let mut provs = Vec::with_capacity(500);
    for i in 0..n {
        let story = i / per_story + 1;
        let k = i % per_story;
        let topic: Vec<&str> = (0..3).map(|_| rng.pick(WORDS)).collect();
        let mut text = String::new();
        let mut sentences = 0;
        while text.len() < 1400 {
            let w: Vec<String> = (0..12).map(|_| word(rng.zipf(20_000.0))).collect();
            text.push_str(&format!(
                "The {} {} {}. ",
                topic[sentences % 3],
                w.join(" "),
                story
            ));
            sentences += 1;
        }
        let quote_start = text.len();
        let content = format!("the {} {} was believed to have failed", topic[0], topic[1]);
        text.push_str(&format!("Officials said {content}."));
        let src = (quote_start, quote_start + 9);
        let cue = (quote_start + 10, quote_start + 14);
        let con = (quote_start + 15, quote_start + 15 + content.len());
        let day = 1 + (story % 28);
        let published = format!(
            "2026-03-{day:02}T{:02}:{:02}:00Z",
            (story % 20) as u32,
            (k * 7) as u32
        );
        let id = format!("syn{i:08}");
        let outlet = outlets[((story * 7 + k * 3) % 40) as usize].clone();
        let lang = LANGS[((story + k) % 4) as usize];
        let title = format!("{} {} {} — story {story}", topic[0], topic[1], topic[2]);
        let doc = json!({
            "id": id, "url": format!("https://synthetic.example/{i}"), "outlet": outlet,
            "title": title, "authors": [], "published": published, "lang": lang, "text": text,
            "entities": [], "times": [], "places": [],
            "attributions": [{
                "source": {"text": &text[src.0..src.1], "start": src.0, "end": src.1, "type": "official"},
                "cue": {"text": &text[cue.0..cue.1], "start": cue.0, "end": cue.1},
                "content": {"text": &text[con.0..con.1], "start": con.0, "end": con.1},
                "kind": "indirect", "parent": null, "channel": null,
                "certainty": if k == 0 { "hedged" } else { "asserted" }, "hedge": null
            }],
        });
        batch.push(NewArticle {
            id: id.clone(),
            url: Some(format!("synthetic.example/{i}")),
            content_hash: claimtrace_store::content_hash(&text),
            outlet: Some(outlet),
            title: Some(title),
            published: Some(published),
            lang: Some(lang.to_string()),
            text,
            json: doc.to_string(),
            fingerprint: Vec::new(),
            story: Some(story),
            reprint_of: (k == 2).then(|| format!("syn{:08}", i - 2)),
        });
        if k == per_story - 1 {
            let first = i + 1 - per_story;
            let ids: Vec<String> = (first..=i).map(|j| format!("syn{j:08}")).collect();
            let mut nodes =
                vec![json!({"id": "ext:meridian", "kind": "external", "outlet": "Meridian Wire"})];
            for (j, a) in ids.iter().enumerate() {
                nodes.push(json!({"id": a, "kind": "article", "outlet": format!("Outlet {:02}", (story * 7 + j as u64 * 3) % 40),
                    "title": format!("story {story}"), "url": format!("https://synthetic.example/{}", first + j as u64),
                    "published": format!("2026-03-{day:02}T{:02}:{:02}:00Z", (story % 20) as u32, j * 7),
                    "lang": LANGS[((story + j as u64) % 4) as usize]}));
            }
            let mut edges = vec![json!({"from": "ext:meridian", "to": ids[0],
                "evidence": [{"kind": "cites", "text": "according to Meridian Wire", "article": ids[0], "start": 0, "end": 26}], "drift": []})];
            let mut links = vec![EdgeLink {
                from: "ext:meridian".into(),
                to: ids[0].clone(),
                kinds: vec!["cites".into()],
            }];
            for j in 1..ids.len() {
                edges.push(json!({"from": ids[j - 1], "to": ids[j],
                    "evidence": [{"kind": "same_claim", "text": "was believed to have failed", "article": ids[j], "start": 10, "end": 30}],
                    "drift": [{"kind": "hedge_dropped", "claim": format!("c{story}"), "before": "was believed to have failed", "after": "failed"}]}));
                links.push(EdgeLink {
                    from: ids[j - 1].clone(),
                    to: ids[j].clone(),
                    kinds: vec!["same_claim".into()],
                });
            }
            let prov = json!({"story": story, "origin": "ext:meridian", "nodes": nodes, "edges": edges,
                "claims": [{"id": format!("c{story}"), "text": "was believed to have failed", "origin": "ext:meridian",
                    "members": ids.iter().map(|a| json!({"article": a, "attribution": 0})).collect::<Vec<_>>()}]});
            provs.push(StoryProvenance {
                story,
                json: prov.to_string(),
                origin: Some("ext:meridian".into()),
                top_entities: vec!["Meridian Wire".into()],
                claims: vec![ClaimLink {
                    id: format!("c{story}"),
                    text: "was believed to have failed".into(),
                    origin: Some("ext:meridian".into()),
                    members: ids.iter().map(|a| (a.clone(), 0)).collect(),
                }],
                edges: links,
                reprints: Vec::new(),
            });
        }
        if batch.len() >= 1000 {
            store.write_batch(&batch)?;
            batch.clear();
        }
        if provs.len() >= 500 {
            // The stories' articles first: a story written after its provenance is stale again.
            store.write_batch(&batch)?;
            batch.clear();
            store.put_provenance(&provs)?;
            provs.clear();
        }
    }
    store.write_batch(&batch)?;
    store.put_provenance(&provs)?;
    // As `claimtrace ingest` does after a bulk load: one full-text segment.
    store.optimize_search(true)?;
    store.checkpoint()?;
    let stats = store.stats()?;
    eprintln!(
        "synth_store: {} articles, {} stories, {} MB in {:.1}s → {path}",
        stats.articles,
        stats.stories,
        stats.bytes >> 20,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

//! `claimtrace eval stories --db DB --labels labels.json [--baseline]`: story clustering (B³),
//! origins found, cited outlets (recall, precision) and labelled drift found, on a store filled
//! by `claimtrace ingest`; on the whole set, its dev half and its scored half (split by story:
//! FNV-1a 64 of the story label even → dev, distractors by article id), with the TF-IDF +
//! average-link peer beside it.

use anyhow::{Context, Result};
use claimtrace_provenance::Provenance;
use claimtrace_provenance::eval::{Label, Stored, evaluate, parse_labels};
use claimtrace_store::{SqliteStore, Store, StoryQuery};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The store written by `claimtrace ingest`.
    #[arg(long)]
    db: PathBuf,
    /// Labels (`labels.json` of dev-stories: story, origin, cites, reprint_of, drift).
    #[arg(long, default_value = "../shared/corpus/dev-stories/labels.json")]
    labels: PathBuf,
    /// Only score these gold stories (comma-separated, e.g. `S2,S4,S6,S8,other`).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Also run the peer (TF-IDF cosine + average-link clustering, threshold chosen on the
    /// dev half) and print its B³ beside claimtrace's on every part.
    #[arg(long)]
    baseline: bool,
    /// Drift gold (stand-off claim pairs, `eval/gold/drift/{dev,scored}.jsonl`): print drift
    /// precision and recall on the pairs of this labels' corpus, dev and scored parts apart.
    #[arg(long)]
    drift_gold: Option<PathBuf>,
    /// Accepted for old command lines; the halves are always printed now.
    #[arg(long, hide = true)]
    halves: bool,
    /// The articles for `--baseline` (default: `articles.jsonl` beside the labels).
    #[arg(long)]
    articles: Option<PathBuf>,
}

/// Which labelled articles a run scores.
type Keep = Box<dyn Fn(&str, &Label) -> bool>;

pub fn run(a: Args) -> Result<ExitCode> {
    let labels: BTreeMap<String, Label> = parse_labels(
        &std::fs::read_to_string(&a.labels)
            .with_context(|| format!("reading {}", a.labels.display()))?,
    )
    .map_err(anyhow::Error::msg)?;
    let store = SqliteStore::open_read_only(&a.db)
        .with_context(|| format!("opening {}", a.db.display()))?;

    // Every story, its articles and its provenance.
    let mut articles: Vec<Stored> = Vec::new();
    let mut provs = rustc_hash::FxHashMap::default();
    let mut cursor = None;
    let mut stale = 0usize;
    let mut n_stories = 0usize;
    loop {
        let page = store.stories(&StoryQuery {
            cursor: cursor.take(),
            limit: claimtrace_store::MAX_PAGE,
            ..StoryQuery::default()
        })?;
        for s in &page.items {
            n_stories += 1;
            if let Some(st) = store.story(s.id)? {
                for art in st.article_list {
                    articles.push(Stored {
                        id: art.id,
                        outlet: art.outlet,
                        story: s.id,
                    });
                }
            }
            match store.provenance(s.id)? {
                Some(json) => {
                    let p: Provenance = serde_json::from_str(&json)
                        .with_context(|| format!("provenance of story {}", s.id))?;
                    provs.insert(s.id, p);
                }
                None => stale += 1,
            }
        }
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    if stale > 0 {
        eprintln!("claimtrace: {stale} stories have no provenance yet (re-run ingest)");
    }
    let unstored = labels
        .keys()
        .filter(|id| !articles.iter().any(|x| &x.id == *id))
        .count();
    println!(
        "store: {} articles in {} stories; labelled articles not in the store: {unstored}\n",
        articles.len(),
        n_stories
    );

    // The split, by story: FNV-1a 64 of the story label, even → dev (tuned on), odd → scored;
    // distractors (`other`) by their article id. The same rule as eval/split.py for pages.
    let _ = a.halves;
    let dev = |id: &str, l: &Label| {
        let key = if l.story == "other" {
            id
        } else {
            l.story.as_str()
        };
        fnv1a64(key).is_multiple_of(2)
    };
    let mut runs: Vec<(String, Keep)> = Vec::new();
    if a.only.is_empty() {
        runs.push(("all".into(), Box::new(|_: &str, _: &Label| true)));
        let name = |d: bool| {
            let mut s: Vec<&str> = labels
                .iter()
                .filter(|(id, l)| l.story != "other" && dev(id, l) == d)
                .map(|(_, l)| l.story.as_str())
                .collect();
            s.sort_by_key(|x| (x.len(), x.to_string()));
            s.dedup();
            let o = labels
                .iter()
                .filter(|(id, l)| l.story == "other" && dev(id, l) == d)
                .count();
            format!("{} + {o} other", s.join(" "))
        };
        runs.push((
            format!("dev half (tuned on): {}", name(true)),
            Box::new(move |id: &str, l: &Label| dev(id, l)),
        ));
        runs.push((
            format!("scored half: {}", name(false)),
            Box::new(move |id: &str, l: &Label| !dev(id, l)),
        ));
    } else {
        let only = a.only.clone();
        runs.push((
            format!("stories {}", only.join(",")),
            Box::new(move |_: &str, l: &Label| only.contains(&l.story)),
        ));
    }

    // The peer: TF-IDF cosine + average link over the texts of the labelled articles, its
    // threshold chosen on the dev half (best B³ F1 there), no dates.
    let mut ids: Vec<String> = Vec::new();
    let peer = if a.baseline {
        let path = a.articles.clone().unwrap_or_else(|| {
            a.labels
                .parent()
                .unwrap_or(std::path::Path::new("."))
                .join("articles.jsonl")
        });
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let mut texts: Vec<String> = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("a line of {}", path.display()))?;
            let id = v.get("id").and_then(|x| x.as_str()).unwrap_or("");
            if !labels.contains_key(id) {
                continue;
            }
            let t = v.get("title").and_then(|x| x.as_str()).unwrap_or("");
            let b = v.get("text").and_then(|x| x.as_str()).unwrap_or("");
            ids.push(id.to_string());
            texts.push(format!("{t}\n{b}"));
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let merges = claimtrace_story::baseline::dendrogram(&refs);
        let score = |cl: &[usize], keep: &dyn Fn(&str, &Label) -> bool| {
            let mut gold: HashMap<String, String> = HashMap::new();
            let mut pred: HashMap<String, usize> = HashMap::new();
            for (i, id) in ids.iter().enumerate() {
                let Some(l) = labels.get(id) else { continue };
                if !keep(id, l) {
                    continue;
                }
                gold.insert(id.clone(), gold_story(id, l));
                pred.insert(id.clone(), cl[i]);
            }
            claimtrace_story::bcubed(&gold, &pred)
        };
        let mut best = (f64::NEG_INFINITY, 0.0);
        for k in 1..100 {
            let t = f64::from(k) / 100.0;
            let f = score(
                &claimtrace_story::baseline::cut(ids.len(), &merges, t),
                &dev,
            )
            .2;
            // Ties (B³ sums in hash order differ in the last bits) go to the lower threshold.
            if f > best.0 + 1e-9 {
                best = (f, t);
            }
        }
        let cl = claimtrace_story::baseline::cut(ids.len(), &merges, best.1);
        println!(
            "baseline: TF-IDF cosine + average link, threshold {:.2} (best B3 F1 on the dev half)\n",
            best.1
        );
        Some((cl, score))
    } else {
        None
    };

    for (name, keep) in runs {
        let mut rep = evaluate(&articles, &provs, &labels, &*keep);
        // B³ with the story crate's implementation (distractors are singletons).
        let mut gold: HashMap<String, String> = HashMap::new();
        let mut pred: HashMap<String, String> = HashMap::new();
        for (id, l) in &labels {
            if !keep(id, l) {
                continue;
            }
            gold.insert(id.clone(), gold_story(id, l));
            let p = articles
                .iter()
                .find(|x| &x.id == id)
                .map(|x| x.story.to_string())
                .unwrap_or_else(|| format!("missing:{id}"));
            pred.insert(id.clone(), p);
        }
        rep.b3 = claimtrace_story::bcubed(&gold, &pred);
        println!("== {name}\n{rep}");
        if let Some((cl, score)) = &peer {
            let (p, r, f) = score(cl, &*keep);
            let (_, _, f0) = rep.b3;
            println!(
                "baseline B3 precision {p:.3} recall {r:.3} F1 {f:.3}  (claimtrace {f0:.3}, {:+.3})\n",
                f0 - f
            );
        }
    }
    if let Some(dir) = &a.drift_gold {
        let path = a.articles.clone().unwrap_or_else(|| {
            a.labels
                .parent()
                .unwrap_or(std::path::Path::new("."))
                .join("articles.jsonl")
        });
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let mut texts: HashMap<String, String> = HashMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("a line of {}", path.display()))?;
            if let (Some(id), Some(t)) = (
                v.get("id").and_then(|x| x.as_str()),
                v.get("text").and_then(|x| x.as_str()),
            ) {
                texts.insert(id.to_string(), t.to_string());
            }
        }
        let edges: Vec<&claimtrace_provenance::Edge> =
            provs.values().flat_map(|p| p.edges.iter()).collect();
        for part in ["dev", "scored"] {
            let f = dir.join(format!("{part}.jsonl"));
            let gold =
                std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
            let s = drift_scores(&gold, &labels, &texts, &edges)?;
            println!(
                "drift on gold claim pairs ({part}, {}): {} pairs, precision {:.3} ({}/{}) recall {:.3} ({}/{})",
                f.display(),
                s.pairs,
                ratio(s.tp, s.pred),
                s.tp,
                s.pred,
                ratio(s.tp, s.gold),
                s.tp,
                s.gold
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[derive(Default)]
struct DriftScores {
    pairs: usize,
    tp: usize,
    pred: usize,
    gold: usize,
}

/// Char offset of `needle` (a drift item's sentence, clipped with "…") in `text`.
fn find_chars(text: &str, needle: &str) -> Option<(usize, usize)> {
    let n = needle.trim_end_matches('…').trim();
    if n.is_empty() {
        return None;
    }
    let b = text.find(n)?;
    let s = text.get(..b)?.chars().count();
    Some((s, s + n.chars().count()))
}

/// Drift precision/recall over gold claim pairs: the predicted kinds of a pair are those of the
/// drift items, on an edge between its two articles (either direction), whose sentences overlap
/// the pair's two spans; one kind counts once per pair.
fn drift_scores(
    gold: &str,
    labels: &BTreeMap<String, Label>,
    texts: &HashMap<String, String>,
    edges: &[&claimtrace_provenance::Edge],
) -> Result<DriftScores> {
    let mut s = DriftScores::default();
    let overlaps = |x: (usize, usize), a: usize, b: usize| x.0 < b && a < x.1;
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).context("a drift gold line")?;
        let g = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let n = |k: &str| v.get(k).and_then(|x| x.as_u64()).unwrap_or(0) as usize;
        let (ga, gb) = (g("a"), g("b"));
        if !labels.contains_key(&ga) || !labels.contains_key(&gb) {
            continue;
        }
        s.pairs += 1;
        let want: std::collections::BTreeSet<String> = v
            .get("drift")
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let spans = [
            (ga.clone(), n("a_start"), n("a_end")),
            (gb.clone(), n("b_start"), n("b_end")),
        ];
        let mut got: std::collections::BTreeSet<String> = Default::default();
        for e in edges {
            let (fi, ti) = if e.from == ga && e.to == gb {
                (0, 1)
            } else if e.from == gb && e.to == ga {
                (1, 0)
            } else {
                continue;
            };
            for d in &e.drift {
                let (Some(tf), Some(tt)) = (texts.get(&spans[fi].0), texts.get(&spans[ti].0))
                else {
                    continue;
                };
                let (Some(bf), Some(at)) = (find_chars(tf, &d.before), find_chars(tt, &d.after))
                else {
                    continue;
                };
                if overlaps(bf, spans[fi].1, spans[fi].2) && overlaps(at, spans[ti].1, spans[ti].2)
                {
                    got.insert(d.kind.as_str().to_string());
                }
            }
        }
        s.gold += want.len();
        s.pred += got.len();
        s.tp += got.intersection(&want).count();
    }
    Ok(s)
}

/// The gold story of a labelled article (each distractor is its own story).
fn gold_story(id: &str, l: &Label) -> String {
    if l.story == "other" {
        format!("other:{id}")
    } else {
        l.story.clone()
    }
}

/// FNV-1a 64 of a string (the split hash of eval/split.py).
fn fnv1a64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

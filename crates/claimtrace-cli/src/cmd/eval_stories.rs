//! `claimtrace eval stories --db DB --labels labels.json`: story clustering (B³), origins
//! found, cited outlets (recall, precision) and labelled drift found, on a store filled by
//! `claimtrace ingest`.

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
    /// Also print the tuning (S1 S3 S5 S7) and test (S2 S4 S6 S8 + other) halves.
    #[arg(long)]
    halves: bool,
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

    let tune = |l: &Label| matches!(l.story.as_str(), "S1" | "S3" | "S5" | "S7");
    let mut runs: Vec<(String, Keep)> = Vec::new();
    if a.only.is_empty() {
        runs.push(("all".into(), Box::new(|_: &str, _: &Label| true)));
        if a.halves {
            runs.push((
                "tuning half (S1 S3 S5 S7)".into(),
                Box::new(move |_: &str, l: &Label| tune(l)),
            ));
            runs.push((
                "test half (S2 S4 S6 S8 + other)".into(),
                Box::new(move |_: &str, l: &Label| !tune(l)),
            ));
        }
    } else {
        let only = a.only.clone();
        runs.push((
            format!("stories {}", only.join(",")),
            Box::new(move |_: &str, l: &Label| only.contains(&l.story)),
        ));
    }
    for (name, keep) in runs {
        let mut rep = evaluate(&articles, &provs, &labels, &*keep);
        // B³ with the story crate's implementation (distractors are singletons).
        let mut gold: HashMap<String, String> = HashMap::new();
        let mut pred: HashMap<String, String> = HashMap::new();
        for (id, l) in &labels {
            if !keep(id, l) {
                continue;
            }
            let g = if l.story == "other" {
                format!("other:{id}")
            } else {
                l.story.clone()
            };
            gold.insert(id.clone(), g);
            let p = articles
                .iter()
                .find(|x| &x.id == id)
                .map(|x| x.story.to_string())
                .unwrap_or_else(|| format!("missing:{id}"));
            pred.insert(id.clone(), p);
        }
        rep.b3 = claimtrace_story::bcubed(&gold, &pred);
        println!("== {name}\n{rep}");
    }
    Ok(ExitCode::SUCCESS)
}

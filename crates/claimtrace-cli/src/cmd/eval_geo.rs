//! `claimtrace eval geo`: toponym recognition and resolution against gold coordinates.
//!
//! Gold is stand-off JSONL (one article per line: `id`, `toponyms: [{start, end, geonameid,
//! lat, lon}]`, character offsets into the article text, read from the corpus file). Prints
//! recognition P/R/F1 (overlap; country adjectives such as "Syrian" are not counted as
//! predictions), and on the recognised toponyms the standard geoparsing metrics: accuracy
//! within 161 km (100 miles), mean and median error in km, and the AUC of the log-error curve
//! (Gritta et al. 2018; lower is better).

use anyhow::{Context, Result};
use claimtrace_core::{CharMap, Doc};
use claimtrace_timegeo::{Gazetteer, annotate_places, haversine_km};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Stand-off gold file (JSONL).
    #[arg(long)]
    gold: PathBuf,
    /// Articles the gold refers to (JSONL with `id`, `text`, `lang`, `published`).
    #[arg(long, default_value = "../shared/corpus/dev-stories/articles.jsonl")]
    corpus: PathBuf,
    /// Print every miss and every error over 161 km.
    #[arg(long)]
    verbose: bool,
}

const MAX_KM: f64 = 20_039.0;

#[derive(Default)]
struct Stats {
    gold: usize,
    pred: usize,
    found: usize,
    errors: Vec<f64>,
    id_gold: usize,
    id_ok: usize,
}

impl Stats {
    fn print(&self, name: &str) {
        let p = if self.pred == 0 {
            0.0
        } else {
            self.found as f64 / self.pred as f64
        };
        let r = if self.gold == 0 {
            0.0
        } else {
            self.found as f64 / self.gold as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        let n = self.errors.len().max(1) as f64;
        let acc = self.errors.iter().filter(|&&e| e <= 161.0).count() as f64 / n;
        let mean = self.errors.iter().sum::<f64>() / n;
        let mut sorted = self.errors.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        let auc = self
            .errors
            .iter()
            .map(|e| (e + 1.0).ln() / (MAX_KM + 1.0).ln())
            .sum::<f64>()
            / n;
        let idacc = if self.id_gold == 0 {
            0.0
        } else {
            self.id_ok as f64 / self.id_gold as f64
        };
        println!(
            "{name:<14} {:>5} {:>5} | {p:.3} / {r:.3} / {f:.3} | {:>5} {acc:>7.3} {mean:>9.1} {median:>8.1} {auc:>6.3} | {idacc:>6.3}",
            self.gold,
            self.pred,
            self.errors.len()
        );
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let corpus_text = std::fs::read_to_string(&args.corpus)
        .with_context(|| format!("reading the corpus {}", args.corpus.display()))?;
    let mut corpus: HashMap<String, serde_json::Value> = HashMap::new();
    for line in corpus_text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        if let Some(id) = v.get("id").and_then(|x| x.as_str()) {
            corpus.insert(id.to_owned(), v);
        }
    }
    let t0 = std::time::Instant::now();
    let gaz = Gazetteer::load()?;
    let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let gold_text = std::fs::read_to_string(&args.gold)
        .with_context(|| format!("reading {}", args.gold.display()))?;
    let mut by_lang: std::collections::BTreeMap<String, Stats> = Default::default();
    let mut all = Stats::default();
    let mut no_countries = Stats::default();
    let mut docs = 0;
    let t1 = std::time::Instant::now();
    for line in gold_text.lines().filter(|l| !l.trim().is_empty()) {
        let g: serde_json::Value = serde_json::from_str(line)?;
        let id = g["id"].as_str().unwrap_or_default();
        let Some(art) = corpus.get(id) else {
            eprintln!("claimtrace: article {id} not in the corpus: skipped");
            continue;
        };
        docs += 1;
        let s = |k: &str| art.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        let mut doc = Doc::from_text(id, s("text").unwrap_or_default());
        doc.lang = s("lang");
        doc.published = s("published");
        annotate_places(&mut doc, &gaz);
        let cm = CharMap::new(&doc.text);
        let preds: Vec<(usize, usize, &claimtrace_core::Place)> = doc
            .places
            .iter()
            .filter(|p| p.relation.as_deref() != Some("demonym"))
            .map(|p| {
                (
                    cm.char_of(p.span.start as usize),
                    cm.char_of(p.span.end as usize),
                    p,
                )
            })
            .collect();
        let lang = doc.lang.clone().unwrap_or_default();
        let st = by_lang.entry(lang).or_default();
        st.pred += preds.len();
        all.pred += preds.len();
        let mut used = vec![false; preds.len()];
        let chars: Vec<char> = doc.text.chars().collect();
        for t in g["toponyms"].as_array().into_iter().flatten() {
            let (gs, ge) = (
                t["start"].as_u64().unwrap_or(0) as usize,
                t["end"].as_u64().unwrap_or(0) as usize,
            );
            let (glat, glon) = (
                t["lat"].as_f64().unwrap_or(0.0),
                t["lon"].as_f64().unwrap_or(0.0),
            );
            let gid = t["geonameid"].as_u64().unwrap_or(0) as u32;
            let is_country = gaz
                .lookup_key(&claimtrace_timegeo::gazetteer::key(
                    &chars
                        .get(gs..ge)
                        .map(|c| c.iter().collect::<String>())
                        .unwrap_or_default(),
                ))
                .first()
                .and_then(|&i| gaz.record(i))
                .is_some_and(|r| {
                    r.geonameid == gid && r.kind == claimtrace_timegeo::gazetteer::Kind::Country
                });
            let surface: String = chars
                .get(gs..ge)
                .map(|c| c.iter().collect())
                .unwrap_or_default();
            let hit = preds
                .iter()
                .enumerate()
                .find(|(i, p)| !used[*i] && p.0 < ge && gs < p.1)
                .map(|(i, p)| (i, p.2));
            for s in [&mut *st, &mut all] {
                s.gold += 1;
            }
            if !is_country {
                no_countries.gold += 1;
            }
            match hit {
                Some((i, p)) => {
                    used[i] = true;
                    let err = haversine_km(glat, glon, p.lat, p.lon);
                    for s in [&mut *st, &mut all] {
                        s.found += 1;
                        s.errors.push(err);
                        if gid != 0 {
                            s.id_gold += 1;
                            if p.geonameid == gid {
                                s.id_ok += 1;
                            }
                        }
                    }
                    if !is_country {
                        no_countries.found += 1;
                        no_countries.errors.push(err);
                        if gid != 0 {
                            no_countries.id_gold += 1;
                            no_countries.id_ok += usize::from(p.geonameid == gid);
                        }
                    }
                    if args.verbose && err > 161.0 {
                        println!(
                            "  far {id}: {surface:?} → {} {} ({}, {:.0} km off, confidence {})",
                            p.geonameid, p.name, p.country, err, p.confidence
                        );
                    }
                }
                None if args.verbose => println!("  missed {id}: {surface:?}"),
                None => {}
            }
        }
        if args.verbose {
            for (i, p) in preds.iter().enumerate() {
                if !used[i] {
                    let surface: String = chars
                        .get(p.0..p.1)
                        .map(|c| c.iter().collect())
                        .unwrap_or_default();
                    println!(
                        "  extra {id}: {surface:?} → {} {} {}",
                        p.2.geonameid, p.2.name, p.2.country
                    );
                }
            }
        }
    }
    let run_ms = t1.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{:<14} {:>5} {:>5} | {:>21} | {:>5} {:>7} {:>9} {:>8} {:>6} | {:>6}",
        "lang",
        "gold",
        "pred",
        "recog. P / R / F1",
        "found",
        "Acc@161",
        "mean km",
        "med. km",
        "AUC",
        "id acc"
    );
    for (l, s) in &by_lang {
        s.print(l);
    }
    all.print("all");
    no_countries.pred = 0;
    no_countries.print("all-no-country");
    println!(
        "{docs} documents; gazetteer load {load_ms:.1} ms; annotate+score {run_ms:.1} ms (id acc = GeoNames id agreement where the gold has one; no-country row: recognition P not computed)"
    );
    Ok(ExitCode::SUCCESS)
}

//! `claimtrace eval match`: claim matching on CheckThat! 2022 Task 2A (English tweets against
//! 14,231 fact-checked claims): MAP@1, MAP@5, MRR and queries/s on the train-dev set's dev part
//! (tuned on) and on dev-test (scored), for claimtrace and, in the same run, the peer (a plain
//! BM25 over claim + title, `claimtrace_match::eval::PlainBm25`). The re-ranker is trained on
//! the train part each run; `--write-model` writes the weights selected on dev.

use anyhow::{Context, Result, anyhow};
use claimtrace_match::eval::{self, PlainBm25, Scores};
use claimtrace_match::learn::{self, Group, Options};
use claimtrace_match::{Bm25, Config, FactCheck, Matcher, Weights};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// The claim-matching folder (vclaims.jsonl, train-dev/, dev-test/).
    #[arg(long, default_value = "../shared/data/claim-matching")]
    data: PathBuf,
    /// Write the re-ranking weights selected on dev to this file (e.g. models/match.tsv).
    #[arg(long)]
    write_model: Option<PathBuf>,
    /// Also print BM25-only MAP@5 on dev for a grid of k1 and b (tuning the defaults).
    #[arg(long)]
    bm25_grid: bool,
    /// Index the fact-checks' claim and title only (by default their subtitle too, which
    /// scored higher on dev; the peer always reads claim + title).
    #[arg(long)]
    no_subtitle: bool,
    /// The non-English gold of claimtrace's own (stand-off; see eval/gold/match/README.md).
    #[arg(long, default_value = "eval/gold/match")]
    gold: PathBuf,
    /// The dev-stories corpora the gold points into (comma-separated folders).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "../shared/corpus/dev-stories,../shared/corpus/dev-stories-2"
    )]
    corpora: Vec<PathBuf>,
}

struct Split {
    name: &'static str,
    queries: Vec<eval::Query>,
    qrels: rustc_hash::FxHashMap<String, rustc_hash::FxHashSet<String>>,
}

fn split(name: &'static str, queries: &Path, qrels: &Path) -> Result<Split> {
    let qrels = eval::read_qrels(qrels).map_err(|e| anyhow!(e))?;
    let queries = eval::read_queries(queries)
        .map_err(|e| anyhow!(e))?
        .into_iter()
        .filter(|(id, _)| qrels.contains_key(id))
        .collect();
    Ok(Split {
        name,
        queries,
        qrels,
    })
}

fn run_matcher(m: &Matcher, fcs: &[FactCheck], s: &Split) -> (Scores, f64) {
    let t = Instant::now();
    let runs: Vec<(String, Vec<String>)> = s
        .queries
        .iter()
        .map(|(id, q)| {
            let r = m.rank(q, "en", 5);
            (
                id.clone(),
                r.iter().map(|x| fcs[x.index].id.clone()).collect(),
            )
        })
        .collect();
    let secs = t.elapsed().as_secs_f64();
    (
        eval::score(&runs, &s.qrels),
        s.queries.len() as f64 / secs.max(1e-9),
    )
}

fn run_peer(p: &PlainBm25, fcs: &[FactCheck], s: &Split) -> (Scores, f64) {
    let t = Instant::now();
    let runs: Vec<(String, Vec<String>)> = s
        .queries
        .iter()
        .map(|(id, q)| {
            (
                id.clone(),
                p.rank(q, 5).iter().map(|x| fcs[*x].id.clone()).collect(),
            )
        })
        .collect();
    let secs = t.elapsed().as_secs_f64();
    (
        eval::score(&runs, &s.qrels),
        s.queries.len() as f64 / secs.max(1e-9),
    )
}

fn groups(m: &Matcher, fcs: &[FactCheck], s: &Split) -> Vec<Group> {
    s.queries
        .iter()
        .map(|(id, q)| {
            let rel = s.qrels.get(id);
            m.candidates(q, "en")
                .into_iter()
                .map(|(i, f)| (f, rel.is_some_and(|r| r.contains(&fcs[i].id))))
                .collect()
        })
        .collect()
}

fn line(who: &str, part: &str, s: &Scores, qps: f64) {
    println!(
        "{who:<28} {part:<22} {:>4}  MAP@1 {:.3}  MAP@5 {:.3}  MRR {:.3}  in-list {:.3}  {:>8.0} queries/s",
        s.queries, s.map1, s.map5, s.mrr, s.recall, qps
    );
}

pub fn run(a: Args) -> Result<ExitCode> {
    let vpath = a.data.join("vclaims.jsonl");
    if !vpath.exists() {
        eprintln!(
            "claimtrace: {} not found: nothing to evaluate",
            vpath.display()
        );
        return Ok(ExitCode::from(1));
    }
    let fcs = eval::read_vclaims_with(&vpath, !a.no_subtitle).map_err(|e| anyhow!(e))?;
    // The peer's fact-checks: claim + title.
    let plain = eval::read_vclaims(&vpath).map_err(|e| anyhow!(e))?;
    let td = a.data.join("train-dev");
    let train = split(
        "train (fit)",
        &td.join("CT2022-Task2A-EN-Train-Dev_Queries.tsv"),
        &td.join("CT2022-Task2A-EN-Train_QRELs.tsv"),
    )?;
    let dev = split(
        "train-dev dev (tuned)",
        &td.join("CT2022-Task2A-EN-Train-Dev_Queries.tsv"),
        &td.join("CT2022-Task2A-EN-Dev_QRELs.tsv"),
    )?;
    let dt = a.data.join("dev-test");
    let test = split(
        "dev-test (scored)",
        &dt.join("CT2022-Task2A-EN-Dev-Test_Queries.tsv"),
        &dt.join("CT2022-Task2A-EN-Dev-Test_QRELs.tsv"),
    )?;
    eprintln!(
        "claimtrace: {} fact-checks; {} train, {} dev, {} dev-test queries",
        fcs.len(),
        train.queries.len(),
        dev.queries.len(),
        test.queries.len()
    );

    let t = Instant::now();
    let bare = Matcher::new(
        &fcs,
        Config {
            weights: None,
            ..Config::default()
        },
    );
    eprintln!("claimtrace: indexed in {:.2} s", t.elapsed().as_secs_f64());

    if a.bm25_grid {
        for k1 in [0.6f32, 0.9, 1.2, 1.5, 2.0] {
            for b in [0.3f32, 0.45, 0.6, 0.75, 0.9] {
                let m = Matcher::new(
                    &fcs,
                    Config {
                        weights: None,
                        bm25: Bm25 { k1, b },
                        ..Config::default()
                    },
                );
                let (s, _) = run_matcher(&m, &fcs, &dev);
                println!("bm25 grid k1 {k1:.2} b {b:.2}: dev MAP@5 {:.3}", s.map5);
            }
        }
    }

    // Train on train, select the trainer's settings on dev.
    let t = Instant::now();
    let gtrain = groups(&bare, &fcs, &train);
    let gdev = groups(&bare, &fcs, &dev);
    let mut best: Option<(f64, Weights, Options)> = None;
    for epochs in [5usize, 15] {
        for l2 in [0.0f32, 1e-4, 1e-3] {
            for rate in [0.02f32, 0.1] {
                let o = Options {
                    epochs,
                    l2,
                    rate,
                    ..Options::default()
                };
                let w = learn::train(&gtrain, o);
                let s = score_groups(&gdev, &w);
                if best.as_ref().is_none_or(|(b, _, _)| s > *b) {
                    best = Some((s, w, o));
                }
            }
        }
    }
    let Some((_, w, o)) = best else {
        return Err(anyhow!("no training run"));
    };
    eprintln!(
        "claimtrace: trained in {:.1} s; selected on dev: {o:?}",
        t.elapsed().as_secs_f64()
    );
    if let Some(p) = &a.write_model {
        std::fs::write(p, w.to_tsv()).with_context(|| format!("writing {}", p.display()))?;
        eprintln!("claimtrace: wrote {}", p.display());
    }
    let trained = Matcher::new(
        &fcs,
        Config {
            weights: Some(w),
            ..Config::default()
        },
    );
    let shipped = Matcher::new(&fcs, Config::default());
    // The score a flagged match needs: the 10th percentile of the gold's score on dev when
    // it is ranked first (90% of correct first matches pass).
    let mut good: Vec<f32> = dev
        .queries
        .iter()
        .filter_map(|(id, q)| {
            let r = shipped.rank(q, "en", 1);
            let top = r.first()?;
            dev.qrels
                .get(id)?
                .contains(&fcs[top.index].id)
                .then_some(top.score)
        })
        .collect();
    good.sort_by(f32::total_cmp);
    if let Some(p10) = good.get(good.len() / 10) {
        eprintln!(
            "claimtrace: dev: 10th percentile of correct first-match scores {p10:.3} (FLAG_SCORE)"
        );
    }
    let peer = PlainBm25::new(&plain);

    println!(
        "# CheckThat! 2022 Task 2A (English), {} fact-checks",
        fcs.len()
    );
    for s in [&dev, &test] {
        let (x, q) = run_matcher(&shipped, &fcs, s);
        line("claimtrace (models/match.tsv)", s.name, &x, q);
        let (x, q) = run_matcher(&trained, &fcs, s);
        line("claimtrace (trained now)", s.name, &x, q);
        let (x, q) = run_matcher(&bare, &fcs, s);
        line("claimtrace BM25 only", s.name, &x, q);
        let (x, q) = run_peer(&peer, &fcs, s);
        line("peer: plain BM25", s.name, &x, q);
    }
    crate::cmd::eval_match_gold::run(&a.gold, &a.corpora, &fcs, &plain)?;
    Ok(ExitCode::SUCCESS)
}

/// MAP@5 of re-ranked candidate groups under weights.
fn score_groups(groups: &[Group], w: &Weights) -> f64 {
    let mut s = 0f64;
    for g in groups {
        let mut v: Vec<(f32, bool)> = g
            .iter()
            .map(|(f, y)| (f.iter().zip(w.0.iter()).map(|(a, b)| a * b).sum(), *y))
            .collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        if let Some(p) = v.iter().take(5).position(|(_, y)| *y) {
            s += 1.0 / (p + 1) as f64;
        }
    }
    s / groups.len().max(1) as f64
}

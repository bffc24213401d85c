//! `claimtrace train parser`: trains the dependency parser on UD CoNLL-U files, printing dev
//! UAS/LAS and time per epoch, then scores `--test` files (gold tokens) and saves the model.

use anyhow::{Context, bail};
use claimtrace_parse::{Parser, Scores, TrainConfig};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// Language code stored in the model (en, fr, es).
    #[arg(long)]
    lang: String,
    /// Training CoNLL-U files (concatenated).
    #[arg(long, num_args = 1.., required_unless_present = "eval_only")]
    train: Vec<PathBuf>,
    /// Development file: scored after each epoch; the best epoch (dev LAS) is kept.
    #[arg(long)]
    dev: Option<PathBuf>,
    /// Test files to score once trained (gold tokens; the files' own UPOS/FEATS/LEMMA).
    #[arg(long, num_args = 1..)]
    test: Vec<PathBuf>,
    /// Model file to write (or to read with --eval-only).
    #[arg(short = 'o', long)]
    output: PathBuf,
    #[arg(long, default_value_t = 15)]
    epochs: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// log2 of the move model's hashed rows.
    #[arg(long, default_value_t = 20)]
    move_bits: u32,
    /// log2 of the label model's hashed rows.
    #[arg(long, default_value_t = 16)]
    label_bits: u32,
    /// Drop weight rows whose largest quantised weight is below this (smaller model).
    #[arg(long, default_value_t = 0)]
    prune: i16,
    /// Probability of following the model's own wrong moves (dynamic-oracle exploration).
    #[arg(long, default_value_t = 0.9)]
    explore: f64,
    /// Do not train: load `-o` and score the `--test` (and `--dev`) files.
    #[arg(long)]
    eval_only: bool,
    /// Also score the `--test` files with UPOS/FEATS/LEMMA predicted by this tagger model
    /// (gold tokens, predicted tags: the pipeline's real input).
    #[arg(long)]
    tagger: Option<PathBuf>,
    /// Train the parser on predicted tags: split the training files into K folds and tag each
    /// with a tagger trained on the other K − 1 (jackknifing); the dev file is tagged with
    /// `--tagger`. 0 = train on gold tags.
    #[arg(long, default_value_t = 0)]
    jackknife: usize,
    /// With --jackknife: train on both copies of each sentence (gold tags and predicted tags).
    #[arg(long)]
    jackknife_keep_gold: bool,
    /// Epochs of the jackknife taggers.
    #[arg(long, default_value_t = 5)]
    jackknife_epochs: usize,
    /// Train N parsers under seeds SEED, SEED+1, … (each keeps its best dev epoch) and average
    /// their weights into one model of the same size and speed.
    #[arg(long, default_value_t = 1)]
    soup: usize,
}

/// Replaces the training sentences' tags by those of taggers that did not see them.
fn jackknife(
    sents: &mut [claimtrace_ml::conllu::Sentence],
    k: usize,
    epochs: usize,
    lang: &str,
    seed: u64,
) {
    let n = sents.len();
    let fold_of = |i: usize| i * k / n.max(1);
    for f in 0..k {
        let t = Instant::now();
        let rest: Vec<claimtrace_ml::conllu::Sentence> = sents
            .iter()
            .enumerate()
            .filter(|(i, _)| fold_of(*i) != f)
            .map(|(_, s)| s.clone())
            .collect();
        let opts = claimtrace_tag::TrainOptions {
            lang: lang.to_string(),
            epochs,
            seed,
            keep_best: false,
            ..claimtrace_tag::TrainOptions::default()
        };
        let tagger = claimtrace_tag::train(&rest, None, &opts);
        let lo = (0..n).find(|&i| fold_of(i) == f).unwrap_or(n);
        let hi = (lo..n).find(|&i| fold_of(i) != f).unwrap_or(n);
        if let Some(part) = sents.get_mut(lo..hi) {
            retag(&tagger, part);
        }
        println!(
            "jackknife fold {}/{k}: tagger trained on {} sentences, tagged {} ({:.1}s)",
            f + 1,
            rest.len(),
            hi - lo,
            t.elapsed().as_secs_f64()
        );
    }
}

/// Replaces the UPOS, FEATS and LEMMA columns by the tagger's predictions.
fn retag(tagger: &claimtrace_tag::Tagger, sents: &mut [claimtrace_ml::conllu::Sentence]) {
    for s in sents {
        let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let tags = tagger.tag_words(&forms);
        for (w, t) in s.words.iter_mut().zip(tags) {
            w.upos = t.upos.to_string();
            w.feats = if t.feats.is_empty() {
                "_".into()
            } else {
                t.feats.to_string()
            };
            w.lemma = t.lemma.to_string();
        }
    }
}

fn read(paths: &[PathBuf]) -> anyhow::Result<Vec<claimtrace_ml::conllu::Sentence>> {
    let mut out = Vec::new();
    for p in paths {
        let s = claimtrace_ml::conllu::read_file(p).map_err(anyhow::Error::msg)?;
        out.extend(s);
    }
    Ok(out)
}

fn show(name: &str, s: &Scores) {
    println!(
        "{name}: UAS {:.4}  LAS {:.4}  LAS(full labels) {:.4}  words {}  sentences {}  {:.0} tokens/s wall, {:.0} tokens/s on-CPU",
        s.uas, s.las, s.las_full, s.words, s.sentences, s.tokens_per_s, s.tokens_per_cpu_s
    );
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let mut dev = match &a.dev {
        Some(d) => Some(read(std::slice::from_ref(d))?),
        None => None,
    };
    let parser = if a.eval_only {
        let t = Instant::now();
        let p = Parser::load(&a.output).map_err(anyhow::Error::msg)?;
        println!(
            "loaded {} in {:.3}s",
            a.output.display(),
            t.elapsed().as_secs_f64()
        );
        if let Some(d) = &dev {
            show("dev", &p.evaluate(d));
        }
        p
    } else {
        let mut train = read(&a.train)?;
        if train.is_empty() {
            bail!("no training sentences");
        }
        if a.jackknife > 1 {
            let gold = if a.jackknife_keep_gold {
                train.clone()
            } else {
                Vec::new()
            };
            jackknife(&mut train, a.jackknife, a.jackknife_epochs, &a.lang, a.seed);
            train.extend(gold);
            if let (Some(d), Some(tp)) = (dev.as_mut(), &a.tagger) {
                let t = claimtrace_tag::Tagger::load(tp).map_err(anyhow::Error::msg)?;
                retag(&t, d);
                println!("dev tagged with {}", tp.display());
            }
        }
        let cfg = TrainConfig {
            epochs: a.epochs,
            seed: a.seed,
            move_bits: a.move_bits,
            label_bits: a.label_bits,
            explore_p: a.explore,
            prune: a.prune,
            lang: a.lang.clone(),
            soup: a.soup,
            ..TrainConfig::default()
        };
        println!(
            "training on {} sentences ({} words), {} epochs, seed {}, soup of {}",
            train.len(),
            train.iter().map(|s| s.words.len()).sum::<usize>(),
            a.epochs,
            a.seed,
            a.soup.max(1)
        );
        let t = Instant::now();
        let p = Parser::train(&train, dev.as_deref(), &cfg, |r| {
            let dev = r
                .dev
                .map(|s| {
                    format!(
                        "  dev UAS {:.4} LAS {:.4} ({:.0} tok/s on-CPU)",
                        s.uas, s.las, s.tokens_per_cpu_s
                    )
                })
                .unwrap_or_default();
            if r.epoch == 0 {
                println!("soup of {}:{dev}", a.soup);
            } else {
                println!(
                    "epoch {:2}  {:6.1}s  train move acc {:.4}{dev}",
                    r.epoch, r.train_seconds, r.train_move_acc
                );
            }
        })
        .map_err(anyhow::Error::msg)?;
        println!("trained in {:.1}s", t.elapsed().as_secs_f64());
        p.save(&a.output).map_err(anyhow::Error::msg)?;
        let (mr, lr) = p.size();
        let bytes = std::fs::metadata(&a.output).map(|m| m.len()).unwrap_or(0);
        println!(
            "saved {} ({:.1} MB; {mr} move rows, {lr} label rows, {} labels)",
            a.output.display(),
            bytes as f64 / 1e6,
            p.labels().len()
        );
        let t = Instant::now();
        let q = Parser::load(&a.output).map_err(anyhow::Error::msg)?;
        println!("reloaded in {:.3}s", t.elapsed().as_secs_f64());
        q
    };
    let tagger = match &a.tagger {
        Some(p) => Some(claimtrace_tag::Tagger::load(p).map_err(anyhow::Error::msg)?),
        None => None,
    };
    for tp in &a.test {
        let mut test = read(std::slice::from_ref(tp)).with_context(|| tp.display().to_string())?;
        show(
            &format!("{} (gold tags)", tp.display()),
            &parser.evaluate(&test),
        );
        if let Some(t) = &tagger {
            let t0 = Instant::now();
            retag(t, &mut test);
            let words: usize = test.iter().map(|s| s.words.len()).sum();
            println!(
                "tagged with {} ({:.0} tokens/s wall, tagging incl. copying the tags)",
                a.tagger
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                words as f64 / t0.elapsed().as_secs_f64().max(1e-9)
            );
            show(
                &format!("{} (predicted tags)", tp.display()),
                &parser.evaluate(&test),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `claimtrace train tagger`: trains the UPOS / FEATS / lemma tagger on UD CoNLL-U files,
//! printing per-epoch dev scores and the training time; optionally scores test files (gold
//! tokens). With `--evaluate MODEL` it only scores an existing model on `--test` files.

use claimtrace_tag::{Tagger, TrainOptions, conllu};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Language code stored in the model (en, fr, es…).
    #[arg(long, default_value = "")]
    lang: String,
    /// Training CoNLL-U file(s).
    #[arg(long, num_args = 1..)]
    train: Vec<PathBuf>,
    /// Development CoNLL-U file(s): scored after every epoch; the best epoch is kept.
    #[arg(long, num_args = 1..)]
    dev: Vec<PathBuf>,
    /// Test CoNLL-U file(s) to score at the end (each reported separately).
    #[arg(long, num_args = 1..)]
    test: Vec<PathBuf>,
    /// Output model file.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// One left-to-right UPOS pass only (faster, a little less accurate).
    #[arg(long)]
    one_pass: bool,
    /// log2 of the UPOS hash-table rows.
    #[arg(long, default_value_t = 20)]
    upos_bits: u32,
    /// log2 of the morphology hash-table rows.
    #[arg(long, default_value_t = 19)]
    feats_bits: u32,
    /// Without a dev set: hold out every N-th training sentence to choose the number of epochs
    /// (up to `--epochs`), then retrain on all the training data for that many epochs.
    #[arg(long, default_value_t = 0)]
    holdout: usize,
    /// Train N taggers under seeds SEED, SEED+1, … (each keeps its best dev epoch) and average
    /// their weights into one model. With `--holdout`, epochs are chosen with a single tagger.
    #[arg(long, default_value_t = 1)]
    soup: usize,
    /// Score an existing model on `--test` instead of training.
    #[arg(long)]
    evaluate: Option<PathBuf>,
}

fn read_all(paths: &[PathBuf]) -> anyhow::Result<Vec<conllu::Sentence>> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(conllu::read_file(p).map_err(anyhow::Error::msg)?);
    }
    Ok(out)
}

/// CPU time of this process in seconds (Linux `/proc/self/schedstat`; 0 elsewhere), so that
/// speed can be measured on a shared, loaded machine.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn score(t: &Tagger, path: &Path) -> anyhow::Result<()> {
    let s = conllu::read_file(path).map_err(anyhow::Error::msg)?;
    // One warm-up run, then five timed runs.
    let _ = t.evaluate(&s);
    let c0 = cpu_seconds();
    let mut sc = t.evaluate(&s);
    let mut wall = sc.words as f64 / sc.tokens_per_sec.max(1e-9);
    for _ in 0..4 {
        sc = t.evaluate(&s);
        wall += sc.words as f64 / sc.tokens_per_sec.max(1e-9);
    }
    let cpu = cpu_seconds() - c0;
    let words = 5.0 * sc.words as f64;
    println!(
        "{}: words {} UPOS {:.4} UFeats {:.4} Lemma {:.4} (unknown words {}: UPOS {:.4}) speed {:.0} words/s wall, {:.0} words/s CPU time (1 thread)",
        path.display(),
        sc.words,
        sc.upos,
        sc.ufeats,
        sc.lemma,
        sc.unknown_words,
        sc.upos_unknown,
        words / wall.max(1e-9),
        if cpu > 0.0 { words / cpu } else { 0.0 }
    );
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(m) = &args.evaluate {
        let (t0, c0) = (std::time::Instant::now(), cpu_seconds());
        let t = Tagger::load(m).map_err(anyhow::Error::msg)?;
        println!(
            "loaded {} in {:.3}s wall, {:.3}s CPU",
            m.display(),
            t0.elapsed().as_secs_f64(),
            cpu_seconds() - c0
        );
        for p in &args.test {
            score(&t, p)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.train.is_empty() {
        anyhow::bail!("--train FILE... is required (or --evaluate MODEL)");
    }
    let Some(output) = &args.output else {
        anyhow::bail!("-o MODEL is required");
    };
    let train = read_all(&args.train)?;
    let dev = read_all(&args.dev)?;
    let opts = TrainOptions {
        lang: args.lang.clone(),
        epochs: args.epochs,
        seed: args.seed,
        two_pass: !args.one_pass,
        upos_bits: args.upos_bits,
        feats_bits: args.feats_bits,
        soup: args.soup,
        ..TrainOptions::default()
    };
    let t0 = std::time::Instant::now();
    let mut opts = opts;
    if args.holdout > 1 && dev.is_empty() {
        let (mut fit, mut held) = (Vec::new(), Vec::new());
        for (i, s) in train.iter().enumerate() {
            if i % args.holdout == args.holdout - 1 {
                held.push(s.clone());
            } else {
                fit.push(s.clone());
            }
        }
        println!(
            "choosing epochs: training on {} sentences, scoring on every {}th ({})",
            fit.len(),
            args.holdout,
            held.len()
        );
        let single = claimtrace_tag::TrainOptions {
            soup: 1,
            ..opts.clone()
        };
        let t = claimtrace_tag::train_with_log(&fit, Some(&held), &single, &mut |line| {
            println!("  {line}")
        });
        opts.epochs = t.epoch().max(1);
        println!(
            "best epoch on held-out sentences: {}; retraining on all",
            opts.epochs
        );
    }
    let tagger = claimtrace_tag::train_with_log(
        &train,
        (!dev.is_empty()).then_some(dev.as_slice()),
        &opts,
        &mut |line| println!("{line}"),
    );
    println!("training time {:.1}s", t0.elapsed().as_secs_f64());
    tagger.save(output).map_err(anyhow::Error::msg)?;
    let size = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    println!("wrote {} ({:.2} MB)", output.display(), size as f64 / 1e6);
    for p in &args.test {
        score(&tagger, p)?;
    }
    Ok(ExitCode::SUCCESS)
}

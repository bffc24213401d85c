//! Trains the attribution tagger on PolNeAR train and scores it on CofeNet's dev paragraphs.
//! `cargo run --release -p claimtrace-attribution --example train_attribution -- \
//!    [--data ../shared/data/attribution/polnear] [--out models/attribution-en.bin] \
//!    [--epochs 14] [--single] [--set KEY=VALUE]... [--cache FILE]`
//! The training options (`tagger::TrainOptions`, recorded in the model file): `--epochs N`,
//! `--single` (one pass, no refiner or filter), and any other by name with `--set`, e.g.
//! `--set bits=18 --set seed_shift=3 --set pass_seeds=3`. `--cache FILE` keeps the trained
//! passes and the refiner's training tags (written when missing, read when present).

mod common;

use claimtrace_attribution::{
    Attributor, eval,
    tagger::{Model, TrainOptions},
};
use std::path::PathBuf;

fn main() {
    let mut data = PathBuf::from("../shared/data/attribution/polnear");
    let mut opts = TrainOptions::default();
    let mut cache: Option<PathBuf> = None;
    let mut out = PathBuf::from("models/attribution-en.bin");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = args.next().map(PathBuf::from).unwrap_or(data),
            "--epochs" => {
                opts.epochs = args
                    .next()
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(opts.epochs)
            }
            "--single" => opts.stacked = false,
            "--cache" => cache = args.next().map(PathBuf::from),
            "--set" => {
                let kv = args.next().unwrap_or_default();
                let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
                if let Err(e) = opts.set(k, v) {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            }
            "--out" => out = args.next().map(PathBuf::from).unwrap_or(out),
            _ => {}
        }
    }
    let att = Attributor::new();
    if let Ok(paras) = eval::read_cofenet(&data.join("cofenet-paragraphs/valid.txt")) {
        let t = std::time::Instant::now();
        let s = eval::eval_cofenet(&att, None, &paras, None);
        println!(
            "rules on cofenet valid ({:.1}s):\n{}",
            t.elapsed().as_secs_f64(),
            s.report()
        );
    }
    let arts = match eval::read_polnear(&data.join("train")) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let units = eval::units_from_polnear(&arts);
    eprintln!("{} articles, {} paragraphs", arts.len(), units.len());
    let t = std::time::Instant::now();
    let core = common::Core::load();
    let words: Vec<_> = units.iter().map(|(text, _)| core.words(text)).collect();
    eprintln!("parsed in {:.0}s", t.elapsed().as_secs_f64());
    eprintln!("training options: {}", opts.to_text());
    let model = match Model::train(
        &att,
        &units,
        &words,
        &opts,
        cache.as_deref(),
        &mut |pass, ep, acc| {
            eprintln!(
                "{pass} epoch {ep}: token accuracy {acc:.4} ({:.0}s)",
                t.elapsed().as_secs_f64()
            );
        },
    ) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = model.save(&out) {
        eprintln!("{e}");
        std::process::exit(2);
    }
    eprintln!("saved {}", out.display());
    if let Ok(paras) = eval::read_cofenet(&data.join("cofenet-paragraphs/valid.txt")) {
        let parse = |t: &str| core.words(t);
        let s = eval::eval_cofenet(&att, Some(&model), &paras, Some(&parse));
        println!("tagger on cofenet valid:\n{}", s.report());
    }
}

//! Experiment driver (the same steps as `claimtrace train ner` + `eval ner`, without the CLI):
//! `ner_exp TRAIN.iob2 SPLIT EPOCHS AUGMENT DROPOUT BITS OUT.bin [TEST.iob2]`.
use claimtrace_ner::{Ner, Resources, TrainOptions, iob2};
use std::path::{Path, PathBuf};

fn read(p: &str) -> Vec<iob2::Sentence> {
    std::fs::File::open(p)
        .ok()
        .and_then(|f| iob2::read(std::io::BufReader::new(f)).ok())
        .unwrap_or_default()
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 8 {
        eprintln!("usage: ner_exp TRAIN SPLIT EPOCHS AUGMENT DROPOUT BITS OUT [TEST]");
        return;
    }
    let mut train = read(&a[1]);
    let split: f64 = a[2].parse().unwrap_or(1.0);
    let mut dev = None;
    if split < 1.0 {
        let starts: Vec<usize> = train
            .iter()
            .enumerate()
            .filter(|(_, s)| s.comments.iter().any(|c| c.starts_with("newdoc")))
            .map(|(i, _)| i)
            .collect();
        let cut = starts
            .get((starts.len() as f64 * split) as usize)
            .copied()
            .unwrap_or(train.len());
        dev = Some(train.split_off(cut));
    }
    let mut res = Resources::from_lang_dir(Path::new("."), "en");
    if let Err(e) = res.add_stats_from_conllu(&[PathBuf::from(
        "../shared/data/ud/en_ewt/en_ewt-ud-train.conllu",
    )]) {
        eprintln!("{e}");
    }
    let opts = TrainOptions {
        epochs: a[3].parse().unwrap_or(10),
        augment: a[4].parse().unwrap_or(2),
        dropout: a[5].parse().unwrap_or(0.0),
        bucket_bits: a[6].parse().unwrap_or(18),
        seed: std::env::var("SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1),
        soup: std::env::var("SOUP")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1),
        ..TrainOptions::default()
    };
    let ner = match Ner::train("en", &train, dev.as_deref(), res, &opts) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    if let Err(e) = ner.save(Path::new(&a[7])) {
        eprintln!("{e}");
    }
    if let Some(t) = a.get(8) {
        let test = read(t);
        let mut sc = ner.evaluate(&test);
        for _ in 0..4 {
            sc.seconds = sc.seconds.min(ner.evaluate(&test).seconds);
        }
        print!("{}", sc.report());
    }
}

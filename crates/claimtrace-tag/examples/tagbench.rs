//! Development driver (the CLI `claimtrace train tagger` is the supported interface):
//! `cargo run --release -p claimtrace-tag --example tagbench -- train OUT TRAIN[,TRAIN] DEV|- EPOCHS [TEST...]`
//! or `... -- eval MODEL TEST...`.

use claimtrace_tag::{Tagger, TrainOptions, conllu};
use std::path::Path;

fn read(list: &str) -> Vec<conllu::Sentence> {
    list.split(',')
        .filter(|p| !p.is_empty() && *p != "-")
        .flat_map(|p| conllu::read_file(Path::new(p)).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// CPU time of this process in seconds (Linux), to measure speed on a loaded machine.
fn cpu() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn score(t: &Tagger, p: &str) {
    let s = read(p);
    let _ = t.evaluate(&s);
    let c0 = cpu();
    let mut sc = t.evaluate(&s);
    for _ in 0..4 {
        sc = t.evaluate(&s);
    }
    let cpu_wps = 5.0 * sc.words as f64 / (cpu() - c0);
    println!(
        "{p}: UPOS {:.4} UFeats {:.4} Lemma {:.4} unk {} ({:.4}) {:.0} w/s wall, {:.0} w/s CPU",
        sc.upos, sc.ufeats, sc.lemma, sc.unknown_words, sc.upos_unknown, sc.tokens_per_sec, cpu_wps
    );
}

fn env<T: std::str::FromStr>(k: &str, d: T) -> T {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    match a.get(1).map(|s| s.as_str()) {
        Some("train") => {
            let train = read(&a[3]);
            let dev = read(&a[4]);
            let opts = TrainOptions {
                epochs: a[5].parse().unwrap_or(10),
                two_pass: std::env::var("ONE_PASS").is_err(),
                upos_bits: env("UPOS_BITS", 20),
                feats_bits: env("FEATS_BITS", 19),
                lemma_bits: env("LEMMA_BITS", 19),
                tagdict_min: env("TAGDICT_MIN", 10),
                morphdict_min: env("MORPHDICT_MIN", 3),
                rule_min: env("RULE_MIN", 2),
                prune: env("PRUNE", 0),
                hapax_unknown: env("HAPAX", 0) == 1,
                folds: env("FOLDS", 10),
                tagdict_share: env("TAGDICT_SHARE", 0.99),
                soup: env("SOUP", 1),
                keep_best: env("KEEP_BEST", 1) == 1,
                seed: env("SEED", 1),
                ..TrainOptions::default()
            };
            let t = claimtrace_tag::train_with_log(
                &train,
                (!dev.is_empty()).then_some(dev.as_slice()),
                &opts,
                &mut |l| println!("{l}"),
            );
            t.save(&a[2]).unwrap_or_else(|e| panic!("{e}"));
            for p in &a[6..] {
                score(&t, p);
            }
        }
        Some("confusions") => {
            let t = Tagger::load(&a[2]).unwrap_or_else(|e| panic!("{e}"));
            let mut c: std::collections::BTreeMap<(String, String), usize> = Default::default();
            for s in read(&a[3]) {
                let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                for (w, p) in s.words.iter().zip(t.tag_words(&words)) {
                    if w.upos != p.upos.as_str() {
                        *c.entry((w.upos.clone(), p.upos.to_string())).or_default() += 1;
                        if std::env::var("SHOW")
                            .is_ok_and(|x| x == format!("{}>{}", w.upos, p.upos))
                        {
                            println!("  {}", w.form);
                        }
                    }
                }
            }
            let mut v: Vec<_> = c.into_iter().collect();
            v.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
            for ((g, p), n) in v.iter().take(15) {
                println!("{n}\tgold {g}\tpred {p}");
            }
        }
        Some("eval") => {
            let t0 = std::time::Instant::now();
            let t = Tagger::load(&a[2]).unwrap_or_else(|e| panic!("{e}"));
            println!("loaded in {:.3}s", t0.elapsed().as_secs_f64());
            for p in &a[3..] {
                score(&t, p);
            }
        }
        _ => eprintln!("usage: tagbench train OUT TRAIN DEV EPOCHS [TEST...] | eval MODEL TEST..."),
    }
}

//! Quick training/scoring loop without the CLI (the CLI's `train parser` is the documented way):
//! `cargo run --release -p claimtrace-parse --example parse_bench -- LANG OUT EPOCHS SEED DEV TRAIN... [-- TEST...]`

use claimtrace_parse::{Parser, TrainConfig};

fn read(p: &str) -> Vec<claimtrace_ml::conllu::Sentence> {
    claimtrace_ml::conllu::read_file(std::path::Path::new(p)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 6 {
        eprintln!("usage: LANG OUT EPOCHS SEED DEV TRAIN... [-- TEST...]");
        std::process::exit(2);
    }
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let cfg = TrainConfig {
        lang: args[0].clone(),
        epochs: args[2].parse().unwrap_or(15),
        seed: args[3].parse().unwrap_or(1),
        move_bits: std::env::var("MOVE_BITS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20),
        label_bits: std::env::var("LABEL_BITS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(16),
        prune: std::env::var("PRUNE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        soup: std::env::var("SOUP")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1),
        ..TrainConfig::default()
    };
    let t = std::time::Instant::now();
    if cfg.epochs == 0 {
        let p = Parser::load(&args[1]).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        });
        println!("load {:.3}s", t.elapsed().as_secs_f64());
        for tp in args.iter().skip(split + 1) {
            let s = p.evaluate(&read(tp));
            println!(
                "{tp}: UAS {:.4} LAS {:.4} LASfull {:.4} {:.0} tok/s {:.0} tok/cpu-s",
                s.uas, s.las, s.las_full, s.tokens_per_s, s.tokens_per_cpu_s
            );
        }
        return;
    }
    let train: Vec<_> = args[5..split].iter().flat_map(|p| read(p)).collect();
    let dev = read(&args[4]);
    let p = Parser::train(&train, Some(&dev), &cfg, |r| {
        let d = r.dev.unwrap_or_default();
        println!(
            "epoch {:2} {:6.1}s acc {:.4} dev UAS {:.4} LAS {:.4} {:.0} tok/s {:.0} tok/cpu-s",
            r.epoch,
            r.train_seconds,
            r.train_move_acc,
            d.uas,
            d.las,
            d.tokens_per_s,
            d.tokens_per_cpu_s
        );
    })
    .unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    println!(
        "trained in {:.1}s; rows {:?}",
        t.elapsed().as_secs_f64(),
        p.size()
    );
    if let Err(e) = p.save(&args[1]) {
        eprintln!("{e}");
    }
    let t = std::time::Instant::now();
    let p = Parser::load(&args[1]).unwrap_or(p);
    println!(
        "load {:.3}s size {} bytes",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&args[1]).map(|m| m.len()).unwrap_or(0)
    );
    for tp in args.iter().skip(split + 1) {
        let s = p.evaluate(&read(tp));
        println!(
            "{tp}: UAS {:.4} LAS {:.4} LASfull {:.4} {:.0} tok/s {:.0} tok/cpu-s",
            s.uas, s.las, s.las_full, s.tokens_per_s, s.tokens_per_cpu_s
        );
    }
}

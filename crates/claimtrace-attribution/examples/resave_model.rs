//! Rewrites an attribution model file in the current format (same weights), recording its
//! training options: `cargo run --release -p claimtrace-attribution --example resave_model --
//! IN OUT [--set KEY=VALUE]...`. A file that records its options keeps them (`--set` changes
//! them); an older file without them gets the defaults (`tagger::TrainOptions`, the committed
//! recipe) changed by `--set`: say how it was trained.

use claimtrace_attribution::tagger::{Model, TrainOptions};
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        eprintln!("usage: resave_model IN OUT [--set KEY=VALUE]...");
        std::process::exit(2);
    };
    let mut m = match Model::load(&PathBuf::from(&input)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{input}: {e}");
            std::process::exit(2);
        }
    };
    let mut o = m.options.clone().unwrap_or_else(TrainOptions::default);
    while let Some(a) = args.next() {
        if a == "--set" {
            let kv = args.next().unwrap_or_default();
            let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
            if let Err(e) = o.set(k, v) {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }
    eprintln!("training options: {}", o.to_text());
    m.options = Some(o);
    if let Err(e) = m.save(&PathBuf::from(&output)) {
        eprintln!("{output}: {e}");
        std::process::exit(2);
    }
}

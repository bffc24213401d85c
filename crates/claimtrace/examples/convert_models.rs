//! Converts committed models of the formats before the claimtrace-ml kernel (gzip'd: tagger
//! version 2, parser and recogniser version 1) to the kernel's file, in place, without
//! retraining: the same weights; lexicons and caches rebuilt as the old loaders did. The
//! files are written gzip'd (`claimtrace_ml::blob::save_file`).
//!
//! `cargo run --release -p claimtrace --example convert_models -- models/tagger-en.bin …`

fn main() {
    let mut failed = false;
    for p in std::env::args().skip(1) {
        let path = std::path::Path::new(&p);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{p}: {e}");
                failed = true;
                continue;
            }
        };
        let t = std::time::Instant::now();
        let out = if name.starts_with("tagger") {
            claimtrace_tag::Tagger::from_legacy_bytes(&bytes).map(|m| m.to_bytes())
        } else if name.starts_with("parser") {
            claimtrace_parse::Parser::from_legacy_bytes(&bytes).map(|m| m.to_bytes())
        } else if name.starts_with("ner") {
            claimtrace_ner::Ner::from_legacy_bytes(&bytes).map(|m| m.to_bytes())
        } else {
            Err("not a tagger, parser or ner model".to_string())
        };
        match out {
            Ok(b) => {
                if let Err(e) = claimtrace_ml::blob::save_file(path, &b) {
                    eprintln!("{p}: {e}");
                    failed = true;
                } else {
                    println!(
                        "{p}: {} -> {} bytes ({:.2}s)",
                        bytes.len(),
                        b.len(),
                        t.elapsed().as_secs_f64()
                    );
                }
            }
            Err(e) => {
                eprintln!("{p}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}

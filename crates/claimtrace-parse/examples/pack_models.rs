//! Rewrites parser model files (the claimtrace-ml kernel's format) with packed rows
//! (`Table::packed`: no padding), in place, gzip'd: the same weights, labels and language.
//! Files already packed are rewritten unchanged.
//!
//! `cargo run --release -p claimtrace-parse --example pack_models -- models/parser-*.bin`

fn main() {
    let mut failed = false;
    for p in std::env::args().skip(1) {
        let path = std::path::Path::new(&p);
        let res = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                let m = claimtrace_parse::Parser::from_bytes(&b).map_err(|e| e.to_string())?;
                let out = m.to_bytes();
                // Read back: the packed file must give the same parser.
                let back = claimtrace_parse::Parser::from_bytes(&out).map_err(|e| e.to_string())?;
                if back.to_bytes() != out {
                    return Err("packed file does not read back".to_string());
                }
                claimtrace_ml::blob::save_file(path, &out).map_err(|e| e.to_string())?;
                Ok((b.len(), out.len()))
            });
        match res {
            Ok((a, b)) => println!("{p}: {a} bytes -> {b} bytes unpacked"),
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

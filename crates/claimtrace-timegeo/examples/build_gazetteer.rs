//! Builds the committed gazetteer index from the shared GeoNames folder:
//! `cargo run --release -p claimtrace-timegeo --example build_gazetteer -- \
//!   ../shared/data/geonames crates/claimtrace-timegeo/data/gazetteer.bin.gz`

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/data/geonames".into()),
    );
    let out = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "crates/claimtrace-timegeo/data/gazetteer.bin.gz".into()),
    );
    let t = std::time::Instant::now();
    let bytes = claimtrace_timegeo::gazetteer::build_index(&dir)?;
    // gzip'd, best compression: the committed form (`build.rs` unpacks it).
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &bytes)?;
    std::fs::write(&out, gz.finish()?)?;
    let g = claimtrace_timegeo::Gazetteer::from_bytes(&bytes)?;
    eprintln!("(records, postings, fst bytes) = {:?}", g.stats());
    eprintln!(
        "{} records, {} bytes -> {} in {:.1?}",
        g.len(),
        bytes.len(),
        out.display(),
        t.elapsed()
    );
    Ok(())
}

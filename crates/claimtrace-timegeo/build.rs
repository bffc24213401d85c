//! Unpacks the committed gazetteer index (`data/gazetteer.bin.gz`, a gzip'd claimtrace-ml blob
//! file) into OUT_DIR, so that the crate embeds it 64-byte aligned and reads it in place
//! (`gazetteer::Gazetteer::load`).

use std::io::Read;
use std::path::PathBuf;

fn main() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/gazetteer.bin.gz");
    println!("cargo:rerun-if-changed={}", src.display());
    let bytes = match std::fs::read(&src) {
        Ok(b) => b,
        Err(e) => panic!("build script: cannot read {}: {e}", src.display()),
    };
    let mut out = Vec::new();
    if let Err(e) = flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut out) {
        panic!("build script: cannot unpack {}: {e}", src.display());
    }
    let dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    if let Err(e) = std::fs::write(dir.join("gazetteer.bin"), out) {
        panic!("build script: cannot write gazetteer.bin: {e}");
    }
}

//! Embeds every file under the repository's `lang/` folder: writes `lang_files.rs` (a sorted
//! table of `(path under lang/, include_str!(absolute path))`) into `OUT_DIR`, so that adding a
//! language file needs no code change and [`data::file`] finds it by binary search.
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("txt" | "tsv")) {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest.join("../../lang");
    let root = root.canonicalize().unwrap_or(root);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut rows: Vec<(String, PathBuf)> = files
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(&root).ok()?.to_str()?.replace('\\', "/");
            Some((rel, p))
        })
        .collect();
    rows.sort();
    let mut src = String::from("&[\n");
    for (rel, p) in &rows {
        // Directories are watched too, so that a new file triggers a rebuild.
        if let Some(parent) = p.parent() {
            println!("cargo:rerun-if-changed={}", parent.display());
        }
        src.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            p.display().to_string()
        ));
    }
    src.push_str("]\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("lang_files.rs");
    std::fs::write(out, src).expect("OUT_DIR is writable");
}

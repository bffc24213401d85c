//! `claimtrace eval boilerplate`: main text beyond news (trafilatura's evaluation pages, one
//! half; `../shared/data/boilerplate`: blogs, shops, forums, institutions, news).
//!
//! Metric (trafilatura's `tests/eval_common.py`): on whitespace-normalised text, each `with`
//! snippet found is a true positive, each missing one a false negative; each `without`
//! snippet found is a false positive; summed over pages, F1 = 2tp / (2tp + fp + fn). Pages
//! are split by [`claimtrace_extract::eval::is_dev`] (fixed before any error was looked at);
//! the dev part is tuned on, the scored part only scored; both are printed, and `all`.
//! `--errors` lists the dev part's misses and leaks only.

use anyhow::Context;
use claimtrace_extract::eval::{self, Counts};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory (evaldata.json + html/*.gz).
    #[arg(long, default_value = "../shared/data/boilerplate")]
    data: PathBuf,
    /// List the dev part's missing `with` and leaked `without` snippets.
    #[arg(long)]
    errors: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let pages = eval::load_boilerplate(&args.data)
        .with_context(|| format!("loading {}", args.data.display()))?;
    anyhow::ensure!(!pages.is_empty(), "no pages in {}", args.data.display());
    let (mut dev, mut scored) = (Counts::default(), Counts::default());
    let mut extract_secs = 0.0;
    for p in &pages {
        let html = claimtrace_ingest::charset::decode_html(&p.bytes, None, Some(&p.url));
        let t0 = std::time::Instant::now();
        let ex = claimtrace_extract::extract(&html, Some(&p.url));
        extract_secs += t0.elapsed().as_secs_f64();
        let c = eval::score_snippets(p, &ex.text);
        if eval::is_dev(&p.id) {
            dev.add(c);
            if args.errors && (c.fn_ > 0 || c.fp > 0) {
                let norm: String = ex.text.split_whitespace().collect::<Vec<_>>().join(" ");
                let has =
                    |s: &str| norm.contains(&s.split_whitespace().collect::<Vec<_>>().join(" "));
                let miss: Vec<&str> = p
                    .with
                    .iter()
                    .map(String::as_str)
                    .filter(|s| !has(s))
                    .collect();
                let leak: Vec<&str> = p
                    .without
                    .iter()
                    .map(String::as_str)
                    .filter(|s| has(s))
                    .collect();
                println!(
                    "error\t{}\tmissing {:?}\tleaked {:?}\tlen {}\t{}",
                    p.id,
                    miss,
                    leak,
                    ex.text.len(),
                    p.url
                );
            }
        } else {
            scored.add(c);
        }
    }
    super::print_parts(dev, scored, 5);
    println!(
        "extraction time {:.2} s ({:.0} pages/s, one thread)",
        extract_secs,
        pages.len() as f64 / extract_secs
    );
    Ok(ExitCode::SUCCESS)
}

//! `claimtrace eval dates`: original publication day on real pages (htmldate's evaluation
//! pages, one half; `../shared/data/dates`).
//!
//! Metric (htmldate's): per page, no date → false negative; the right day → true positive;
//! any other date → false positive; F1 = 2tp / (2tp + fp + fn). The pages are split by
//! [`claimtrace_extract::eval::is_dev`] (fixed before any error was looked at): the dev part
//! is tuned on, the scored part only scored; both are printed, and `all`. Pages go through
//! the product path (charset decoding, then extraction), with the page URL. `--errors` lists
//! the dev part's errors only (the scored part's are never shown).

use anyhow::Context;
use claimtrace_extract::eval::{self, Counts};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory (expected.json + html/*.html.gz).
    #[arg(long, default_value = "../shared/data/dates")]
    data: PathBuf,
    /// List the dev part's errors (file, gold, predicted, source).
    #[arg(long)]
    errors: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let pages =
        eval::load_dates(&args.data).with_context(|| format!("loading {}", args.data.display()))?;
    anyhow::ensure!(!pages.is_empty(), "no pages in {}", args.data.display());
    let (mut dev, mut scored) = (Counts::default(), Counts::default());
    let mut sources: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let t0 = std::time::Instant::now();
    for p in &pages {
        let html = claimtrace_ingest::charset::decode_html(&p.bytes, None, Some(&p.url));
        let ex = claimtrace_extract::extract(&html, Some(&p.url));
        let c = eval::score_date(p.date.as_deref(), ex.published.as_deref());
        if eval::is_dev(&p.id) {
            dev.add(c);
            let e = sources
                .entry(ex.date_source.unwrap_or("none").to_string())
                .or_default();
            e.0 += c.tp;
            e.1 += c.fp + c.fn_;
            if args.errors && c.tp == 0 {
                println!(
                    "error\t{}\tgold {}\tgot {}\t{}\t{}\t{}",
                    p.id,
                    p.date.as_deref().unwrap_or("null"),
                    ex.published.as_deref().unwrap_or("null"),
                    ex.date_source.unwrap_or("-"),
                    ex.date_note.as_deref().unwrap_or(""),
                    p.url
                );
            }
        } else {
            scored.add(c);
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    super::print_parts(dev, scored, 4);
    let by: Vec<String> = sources
        .iter()
        .map(|(k, (ok, bad))| format!("{k} {ok}/{}", ok + bad))
        .collect();
    println!("dev by date_source (right/all): {}", by.join(", "));
    println!(
        "time {:.2} s ({:.0} pages/s, decoding and extraction)",
        secs,
        pages.len() as f64 / secs
    );
    Ok(ExitCode::SUCCESS)
}

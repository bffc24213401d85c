//! `claimtrace report --db DB --story ID -o story.html`: one self-contained HTML file with the
//! story view (provenance graph, drift, timeline, articles), data inlined, no network needed.

use claimtrace_server::{StoreBackend, report, report_data};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The store (built by `claimtrace ingest`).
    #[arg(long)]
    pub db: PathBuf,
    /// Story id (see `claimtrace stories`).
    #[arg(long)]
    pub story: u64,
    /// Output file.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Most articles included with their full text and claims.
    #[arg(long, default_value_t = 200)]
    pub max_articles: usize,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let backend = StoreBackend::open(&args.db, false)
        .map_err(|e| anyhow::anyhow!("cannot open the store: {e}"))?;
    let data = report_data(&backend, args.story, args.max_articles)?
        .ok_or_else(|| anyhow::anyhow!("no story {} in {}", args.story, args.db.display()))?;
    let title = data
        .pointer("/story/title")
        .and_then(|t| t.as_str())
        .map(|t| format!("{t} — claimtrace story {}", args.story))
        .unwrap_or_else(|| format!("claimtrace story {}", args.story));
    let html = report::render(&data, &title);
    std::fs::write(&args.output, html)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.output.display()))?;
    eprintln!(
        "claimtrace report: story {} → {}",
        args.story,
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

//! `claimtrace trace --db DB --story ID | --article ID | --claim ID [--format json|tree|dot]`:
//! a story's provenance graph (nodes, edges with evidence, per-claim drift), or one claim's
//! chain, as JSON, a terminal tree or Graphviz.

use anyhow::{Context, bail};
use claimtrace_provenance::Provenance;
use claimtrace_store::{SqliteStore, Store};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The provenance graph as one JSON object.
    Json,
    /// A readable tree from the origin down the re-reports.
    Tree,
    /// Graphviz (`dot -Tsvg`).
    Dot,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["story", "article", "claim"])))]
pub struct Args {
    /// The store.
    #[arg(long, value_name = "DB")]
    pub db: PathBuf,
    /// A story id (from `claimtrace stories`).
    #[arg(long, value_name = "ID")]
    pub story: Option<u64>,
    /// An article id: trace its story.
    #[arg(long, value_name = "ID")]
    pub article: Option<String>,
    /// A claim id (`<story>:<n>`, from the JSON): that claim's chain only (JSON).
    #[arg(long, value_name = "ID")]
    pub claim: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = SqliteStore::open_read_only(&args.db)?;
    let mut out = std::io::stdout().lock();
    if let Some(c) = &args.claim {
        let Some(chain) = claimtrace_connect::claim_trace(&store, c)? else {
            bail!("{}: no claim `{c}`", args.db.display());
        };
        writeln!(out, "{}", chain.to_json()).context("cannot write the output")?;
        return Ok(ExitCode::SUCCESS);
    }
    let story = match (&args.story, &args.article) {
        (Some(s), _) => *s,
        (None, Some(a)) => match store.article_summary(a)? {
            Some(sum) => match sum.story {
                Some(s) => s,
                None => bail!("{}: article `{a}` belongs to no story", args.db.display()),
            },
            None => bail!("{}: no article `{a}`", args.db.display()),
        },
        (None, None) => bail!("give --story, --article or --claim"),
    };
    let json = match store.provenance(story)? {
        Some(j) => j,
        None => {
            if store.story(story)?.is_none() {
                bail!("{}: no story {story}", args.db.display());
            }
            // Not traced yet (ingest still running or interrupted): trace it now, read-only.
            claimtrace_connect::trace_story(&store, story)?.json
        }
    };
    let text = match args.format {
        Format::Json => json,
        Format::Tree | Format::Dot => {
            let p: Provenance = serde_json::from_str(&json).with_context(|| {
                format!(
                    "{}: the stored provenance of story {story} is unreadable",
                    args.db.display()
                )
            })?;
            if args.format == Format::Tree {
                // Human-readable: titles and claims may carry terminal controls.
                claimtrace_core::term::escape(&claimtrace_provenance::render_tree(&p)).into_owned()
            } else {
                claimtrace_provenance::to_dot(&p)
            }
        }
    };
    let r = out.write_all(text.as_bytes()).and_then(|_| {
        if text.ends_with('\n') {
            Ok(())
        } else {
            out.write_all(b"\n")
        }
    });
    match r {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write the output"))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

//! `claimtrace export claimreview --db DB [--story N | --claim ID] [-o FILE]`: the traced
//! claims as schema.org JSON-LD `Claim`s for a ClaimReview (`firstAppearance`, every
//! `appearance`, `author`, the attribution path, language, certainty; no `reviewRating`),
//! built by `claimtrace_provenance::claimreview`. Exit 1 when there is no claim to export.

use anyhow::{Context, bail};
use claimtrace_provenance::claimreview;
use claimtrace_store::{SqliteStore, Store, StoryQuery};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// schema.org `Claim`s (JSON-LD) for ClaimReview.
    Claimreview(Args),
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("what").args(["story", "claim"])))]
pub struct Args {
    /// The store.
    #[arg(long, value_name = "DB")]
    pub db: PathBuf,
    /// Only this story's claims.
    #[arg(long, value_name = "N")]
    pub story: Option<u64>,
    /// Only this claim (`<story>:<n>`).
    #[arg(long, value_name = "ID")]
    pub claim: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let Command::Claimreview(args) = cmd;
    let store = SqliteStore::open_read_only(&args.db)?;
    let stories: Vec<u64> = match (&args.story, &args.claim) {
        (Some(s), _) => vec![*s],
        (None, Some(c)) => match store.claim_story(c)? {
            Some(s) => vec![s],
            None => bail!("{}: no claim `{c}`", args.db.display()),
        },
        (None, None) => {
            let mut all = Vec::new();
            let mut q = StoryQuery {
                limit: claimtrace_store::MAX_PAGE,
                ..StoryQuery::default()
            };
            loop {
                let page = store.stories(&q)?;
                all.extend(page.items.iter().map(|s| s.id));
                match page.next {
                    Some(n) => q.cursor = Some(n),
                    None => break,
                }
            }
            all
        }
    };
    let mut nodes = Vec::new();
    for s in stories {
        match claimtrace_connect::claim_review(&store, s, args.claim.as_deref())? {
            Some(n) => nodes.extend(n),
            None if args.story.is_some() && store.story(s)?.is_none() => {
                bail!("{}: no story {s}", args.db.display());
            }
            None => {}
        }
    }
    let n = nodes.len();
    let text = serde_json::to_string_pretty(&claimreview::document(nodes))?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    match out
        .write_all(text.as_bytes())
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(anyhow::Error::new(e).context("cannot write the output"));
        }
        _ => {}
    }
    eprintln!("claimtrace: {n} claims");
    Ok(if n == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

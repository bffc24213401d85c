//! `claimtrace stories --db DB`: one JSON line per story (id, articles, languages, first and
//! last date, origin, top entities), most recently active first.

use claimtrace_store::{SqliteStore, Store, StoryQuery};
use serde_json::json;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The store.
    #[arg(long, value_name = "DB")]
    pub db: PathBuf,
    /// Only stories with an article in this language.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Only stories with at least N articles.
    #[arg(long, value_name = "N")]
    pub min_articles: Option<u64>,
    /// At most N stories.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Leave out the list of article ids (faster on big stores).
    #[arg(long)]
    pub no_ids: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let store = SqliteStore::open_read_only(&args.db)?;
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let mut q = StoryQuery {
        lang: args.lang.clone(),
        min_articles: args.min_articles,
        limit: claimtrace_store::MAX_PAGE,
        ..StoryQuery::default()
    };
    let mut left = args.limit.unwrap_or(u64::MAX);
    'pages: loop {
        let page = store.stories(&q)?;
        for s in &page.items {
            if left == 0 {
                break 'pages;
            }
            left -= 1;
            let ids: Option<Vec<String>> = if args.no_ids {
                None
            } else {
                store
                    .story(s.id)?
                    .map(|st| st.article_list.into_iter().map(|a| a.id).collect())
            };
            let mut line = json!({
                "story": s.id,
                "articles": s.articles,
                "languages": s.languages,
                "first": s.first,
                "last": s.last,
                "origin": s.origin,
                "title": s.title,
                "top_entities": s.top_entities,
            });
            if let (Some(ids), Some(obj)) = (ids, line.as_object_mut()) {
                obj.insert("article_ids".into(), json!(ids));
            }
            let r = serde_json::to_writer(&mut out, &line)
                .map_err(std::io::Error::from)
                .and_then(|_| out.write_all(b"\n"));
            if let Err(e) = r {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(ExitCode::SUCCESS);
                }
                return Err(anyhow::Error::new(e).context("cannot write the output"));
            }
        }
        match page.next {
            Some(n) => q.cursor = Some(n),
            None => break,
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write the output"))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

//! `claimtrace claims PATH...`: one line per attribution, indented by nesting.
//!
//! Reads whatever `claimtrace extract` reads (HTML, WARC, JSONL, text, directories, `-`), runs
//! the whole per-article pipeline, and prints each article's attributions: source, cue,
//! content and certainty.
//!
//! `claimtrace claims --db DB [filters]`: the claims of a store as a table, JSONL or CSV,
//! filtered by source, source type, outlet, certainty, language, dates, story and words of
//! the content (the store's claims table, `claimtrace_store::ClaimQuery`). Exit 1 when
//! nothing matches.

use claimtrace::{Options as PipelineOptions, Pipeline};
use claimtrace_attribution::print;
use claimtrace_core::json::JsonOptions;
use claimtrace_core::term::{escape, escape_line};
use claimtrace_ingest::{Options, read_inputs};
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Files, directories, or `-` for standard input (default).
    #[arg(default_value = "-")]
    pub paths: Vec<String>,
    /// Language of inputs that do not say (attribution reads en, fr, es, ar, de, it, pt, id;
    /// other languages are flagged `"lang_supported": false`); detected from the text otherwise.
    #[arg(long)]
    pub lang: Option<String>,
    /// Publication date for inputs that carry none (anchors relative dates).
    #[arg(long)]
    pub published: Option<String>,
    /// Also list claims in the article's own voice (source `self`).
    #[arg(long = "self")]
    pub include_self: bool,
    /// Longest content shown (characters).
    #[arg(long, default_value_t = 120)]
    pub width: usize,
    /// Write the documents as JSONL (with `attributions` and `sources`) instead of the listing.
    #[arg(long)]
    pub json: bool,
    /// Query the claims of this store instead of reading articles (then `--lang` filters).
    #[arg(long, value_name = "DB")]
    pub db: Option<std::path::PathBuf>,
    /// With --db: the source, resolved or as written, case- and accent-insensitive (the whole
    /// name or its first words).
    #[arg(long, requires = "db")]
    pub source: Option<String>,
    /// With --db: source type (person, organization, media, official, anonymous_official,
    /// document, rumour, unnamed, self).
    #[arg(long, requires = "db")]
    pub source_type: Option<String>,
    /// With --db: the article's outlet (a name or alias, or words of the name).
    #[arg(long, requires = "db")]
    pub outlet: Option<String>,
    /// With --db: asserted, hedged, rumour, denied or unknown.
    #[arg(long, requires = "db")]
    pub certainty: Option<String>,
    /// With --db: published on or after this date (YYYY-MM-DD).
    #[arg(long, requires = "db")]
    pub from: Option<String>,
    /// With --db: published on or before this date (YYYY-MM-DD).
    #[arg(long, requires = "db")]
    pub to: Option<String>,
    /// With --db: story id.
    #[arg(long, requires = "db")]
    pub story: Option<u64>,
    /// With --db: words of the content (`"a phrase"`, `prefix*`, `a OR b`).
    #[arg(long, requires = "db")]
    pub query: Option<String>,
    /// With --db: output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// With --db: write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE", requires = "db")]
    pub output: Option<std::path::PathBuf>,
    /// With --db: at most N claims.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for reading (terminal-safe).
    Table,
    /// One JSON object per claim.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

const CSV_COLUMNS: &[&str] = &[
    "published",
    "outlet",
    "lang",
    "source",
    "entity",
    "source_type",
    "certainty",
    "cue",
    "content",
    "article",
    "index",
    "story",
    "claim",
    "url",
];

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn cut(s: &str, n: usize) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= n {
        return one;
    }
    let mut t: String = one.chars().take(n.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn run_db(args: &Args, db: &std::path::Path) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use claimtrace_store::{ClaimQuery, SqliteStore, Store};
    let store = SqliteStore::open_read_only(db)?;
    let mut q = ClaimQuery {
        source: args.source.clone(),
        source_type: args.source_type.clone(),
        outlet: args.outlet.clone(),
        certainty: args.certainty.clone(),
        lang: args.lang.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        story: args.story,
        query: args.query.clone(),
        cursor: None,
        limit: claimtrace_store::MAX_PAGE,
    };
    let sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(sink);
    let mut left = args.limit.unwrap_or(u64::MAX);
    let mut n = 0u64;
    let res: std::io::Result<()> = (|| {
        match args.format {
            Format::Csv => writeln!(out, "{}", CSV_COLUMNS.join(","))?,
            Format::Table => writeln!(
                out,
                "{:<10}  {:<18}  {:<22}  {:<9}  CONTENT  [ARTICLE#I STORY]",
                "DATE", "OUTLET", "SOURCE", "CERTAINTY"
            )?,
            Format::Jsonl => {}
        }
        Ok(())
    })();
    let mut write_err = res.err();
    'pages: while write_err.is_none() {
        let page = store.claims(&q)?;
        for r in &page.items {
            if left == 0 {
                break 'pages;
            }
            left -= 1;
            n += 1;
            let res = match args.format {
                Format::Jsonl => serde_json::to_writer(&mut out, r)
                    .map_err(std::io::Error::from)
                    .and_then(|_| out.write_all(b"\n")),
                Format::Csv => {
                    let story = r.story.map(|s| s.to_string()).unwrap_or_default();
                    let index = r.index.to_string();
                    let cols = [
                        r.published.as_deref().unwrap_or(""),
                        r.outlet.as_deref().unwrap_or(""),
                        r.lang.as_deref().unwrap_or(""),
                        r.source.as_deref().unwrap_or(""),
                        r.entity.as_deref().unwrap_or(""),
                        &r.source_type,
                        &r.certainty,
                        r.cue.as_deref().unwrap_or(""),
                        &r.content,
                        &r.article,
                        &index,
                        &story,
                        r.claim.as_deref().unwrap_or(""),
                        r.url.as_deref().unwrap_or(""),
                    ];
                    let line: Vec<String> = cols.iter().map(|c| csv_field(c)).collect();
                    writeln!(out, "{}", line.join(","))
                }
                Format::Table => {
                    let date: String = r
                        .published
                        .as_deref()
                        .unwrap_or("-")
                        .chars()
                        .take(10)
                        .collect();
                    let source = match (&r.entity, &r.source) {
                        (Some(e), Some(s)) if !e.eq_ignore_ascii_case(s) => format!("{s} ({e})"),
                        (Some(e), _) => e.clone(),
                        (None, Some(s)) => s.clone(),
                        (None, None) => format!("({})", r.source_type),
                    };
                    let line = format!(
                        "{:<10}  {:<18}  {:<22}  {:<9}  {}  [{}#{} {}]",
                        date,
                        cut(r.outlet.as_deref().unwrap_or("-"), 18),
                        cut(&source, 22),
                        r.certainty,
                        cut(&r.content, args.width),
                        r.article,
                        r.index,
                        r.story.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                    );
                    writeln!(out, "{}", escape_line(&line))
                }
            };
            if let Err(e) = res {
                write_err = Some(e);
                break 'pages;
            }
        }
        match page.next {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    if write_err.is_none()
        && let Err(e) = out.flush()
    {
        write_err = Some(e);
    }
    if let Some(e) = write_err {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(anyhow::Error::new(e).context("cannot write the output"));
    }
    eprintln!("claimtrace: {n} claims");
    Ok(if n == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(db) = args.db.clone() {
        return run_db(&args, &db);
    }
    let opts = Options {
        default_published: args.published.clone(),
        ..Options::default()
    };
    let pipeline = Pipeline::with_options(PipelineOptions {
        include_self: args.include_self,
        ..PipelineOptions::default()
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut skipped = 0usize;
    for item in read_inputs(&args.paths, &opts) {
        let doc = item.and_then(|raw| raw.into_doc(&opts));
        let mut doc = match doc {
            Ok(d) => d,
            Err(e) => {
                skipped += 1;
                eprintln!("claimtrace: skipped {}", escape(&e.to_string()));
                continue;
            }
        };
        if let Some(l) = &args.lang
            && doc.lang.is_none()
        {
            doc.lang = Some(l.clone());
        }
        pipeline.annotate(&mut doc);
        warn_unsupported(&doc);
        if args.json {
            writeln!(out, "{}", doc.to_json_line(JsonOptions::default()))?;
        } else {
            let title = doc.title.as_deref().unwrap_or("");
            let outlet = doc
                .outlet
                .as_deref()
                .map(|o| format!(" — {o}"))
                .unwrap_or_default();
            // Human-readable: article text may carry terminal controls (ESC, bidi overrides).
            let head = format!("# {}{outlet}  [{}]", title, doc.id);
            writeln!(out, "{}", escape_line(&head))?;
            write!(out, "{}", escape(&print::claims(&doc, args.width)))?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    for e in pipeline.load_errors() {
        eprintln!("claimtrace: warning: {e}");
    }
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The stderr warning for an article whose language the attribution stage cannot read (it
/// carries `"lang_supported": false`; its claims are not listed, not absent).
pub fn warn_unsupported(doc: &claimtrace_core::Doc) {
    if doc.lang_supported == Some(false) {
        eprintln!(
            "claimtrace: warning: {}: language {} not supported by attribution (supported: {}); no claims read",
            escape(&doc.id),
            escape(doc.lang.as_deref().unwrap_or("unknown")),
            claimtrace_text::lang::LEXICON_LANGS.join(", ")
        );
    }
}

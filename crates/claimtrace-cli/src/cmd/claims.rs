//! `claimtrace claims PATH...`: one line per attribution, indented by nesting.
//!
//! Reads whatever `claimtrace extract` reads (HTML, WARC, JSONL, text, directories, `-`), runs
//! the whole per-article pipeline, and prints each article's attributions: source, cue,
//! content and certainty.

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
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
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

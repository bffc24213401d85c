//! `claimtrace claims PATH`: one line per attribution, indented by nesting.
//!
//! PATH is a text file (one article), a JSON / JSONL file of documents (as written by
//! `claimtrace extract`; attributions already present are printed as they are), or `-` for
//! stdin text.

use anyhow::Context;
use claimtrace_attribution::{Options, annotate, print};
use claimtrace_core::Doc;
use claimtrace_core::json::JsonOptions;
use std::io::Read;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Text file, JSON/JSONL documents, or `-` (stdin, text).
    pub path: String,
    /// Language of a text input (en, fr, es, ar); guessed when absent.
    #[arg(long)]
    pub lang: Option<String>,
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

fn docs_from(input: &str, name: &str, lang: Option<&str>) -> Vec<Doc> {
    let trimmed = input.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let mut out = Vec::new();
        if let Ok(serde_json::Value::Array(a)) = serde_json::from_str::<serde_json::Value>(input) {
            out.extend(a.iter().filter_map(|v| Doc::from_json(v).ok()));
        } else {
            for line in input.lines().filter(|l| !l.trim().is_empty()) {
                match serde_json::from_str::<serde_json::Value>(line)
                    .map_err(|e| e.to_string())
                    .and_then(|v| Doc::from_json(&v).map_err(|e| e.0))
                {
                    Ok(d) => out.push(d),
                    Err(e) => eprintln!("claimtrace: {name}: skipped a line: {e}"),
                }
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    let mut d = Doc::from_text(name, input);
    d.lang = lang.map(str::to_owned);
    vec![d]
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut input = String::new();
    if args.path == "-" {
        std::io::stdin()
            .read_to_string(&mut input)
            .context("reading stdin")?;
    } else {
        input = std::fs::read_to_string(&args.path)
            .with_context(|| format!("reading {}", args.path))?;
    }
    let opts = Options {
        include_self: args.include_self,
    };
    let mut out = String::new();
    for mut d in docs_from(&input, &args.path, args.lang.as_deref()) {
        if d.attributions.is_empty() {
            annotate(&mut d, &opts);
        }
        if args.json {
            out.push_str(&d.to_json_line(JsonOptions::default()));
            out.push('\n');
        } else {
            if !d.id.is_empty() {
                out.push_str(&format!("# {}\n", d.id));
            }
            out.push_str(&print::claims(&d, args.width));
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

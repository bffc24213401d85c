//! `claimtrace match --factchecks FILE [PATH... | --db DB]`: for each claim of each article
//! (the pipeline's attributions; their content), or with `--texts` for each input JSONL line
//! `{id, text}` taken whole, the earlier fact-checks it repeats, best first:
//! `{"id", "claim", "matches": [{"factcheck_id", "score"}, …]}`, one JSON line per claim or
//! text. Exit 0 when something matched, 1 when nothing did, 2 on errors.

use anyhow::{Context, Result, anyhow, bail};
use claimtrace::Pipeline;
use claimtrace_core::term::escape;
use claimtrace_ingest::{Options, read_inputs};
use claimtrace_match::{Config, FactCheck, Match, Matcher, doc_claims, read_factchecks};
use claimtrace_store::{SqliteStore, Store};
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// Fact-checked claims, JSONL: `id`, `text`, optional `title`, `url`, `rating`, `lang`,
    /// `date`.
    #[arg(long, value_name = "FILE")]
    pub factchecks: PathBuf,
    /// Articles (anything `extract` reads), or with `--texts` JSONL files of `{id, text}`;
    /// `-` or nothing reads stdin.
    pub paths: Vec<String>,
    /// Match the claims of the articles stored in this store instead of reading inputs.
    #[arg(long, value_name = "DB", conflicts_with = "texts")]
    pub db: Option<PathBuf>,
    /// Inputs are JSONL lines `{"id", "text"}` (optional `lang`), each matched whole.
    #[arg(long)]
    pub texts: bool,
    /// Matches per claim.
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub top: usize,
    /// Keep only matches scoring at least this (the model's score; see docs/benchmarks/match.md).
    #[arg(long, value_name = "SCORE")]
    pub min_score: Option<f32>,
    /// Language of inputs that do not say (en, fr, es, de, it, pt, id, ar).
    #[arg(long)]
    pub lang: Option<String>,
    /// Write here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress or summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Reads and indexes a fact-check file; errors name the file and line.
pub fn load_matcher(path: &std::path::Path) -> Result<(Vec<FactCheck>, Matcher)> {
    let s = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let fcs = read_factchecks(&s).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let m = Matcher::new(&fcs, Config::default());
    Ok((fcs, m))
}

struct Out<'a> {
    w: Box<dyn Write + 'a>,
    fcs: &'a [FactCheck],
    m: &'a Matcher,
    top: usize,
    min: Option<f32>,
    queries: usize,
    matched: usize,
}

impl Out<'_> {
    fn one(&mut self, id: &str, claim: Option<&str>, text: &str, lang: &str) -> Result<()> {
        let ms: Vec<Match> = self
            .m
            .rank(text, lang, self.top)
            .into_iter()
            .filter(|x| self.min.is_none_or(|t| x.score >= t))
            .collect();
        self.queries += 1;
        if !ms.is_empty() {
            self.matched += 1;
        }
        let matches: Vec<serde_json::Value> = ms
            .iter()
            .map(|x| {
                let fc = &self.fcs[x.index];
                let mut o = json!({"factcheck_id": fc.id, "score": (f64::from(x.score) * 1e4).round() / 1e4});
                if let Some(u) = &fc.url {
                    o["url"] = json!(u);
                }
                if let Some(r) = &fc.rating {
                    o["rating"] = json!(r);
                }
                o
            })
            .collect();
        let mut o = json!({"id": id});
        if let Some(c) = claim {
            o["claim"] = json!(c);
        }
        o["matches"] = json!(matches);
        writeln!(self.w, "{o}")?;
        Ok(())
    }
}

pub fn run(a: Args) -> Result<ExitCode> {
    let start = Instant::now();
    let (fcs, m) = load_matcher(&a.factchecks)?;
    if !a.quiet {
        eprintln!(
            "claimtrace match: {} fact-checks indexed in {:.2} s",
            fcs.len(),
            start.elapsed().as_secs_f64()
        );
    }
    let w: Box<dyn Write> = match &a.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut out = Out {
        w,
        fcs: &fcs,
        m: &m,
        top: a.top.max(1),
        min: a.min_score,
        queries: 0,
        matched: 0,
    };
    let lang_default = a.lang.clone().unwrap_or_default();
    let t0 = Instant::now();
    let mut skipped = 0usize;
    if a.texts {
        let paths = if a.paths.is_empty() {
            vec!["-".to_string()]
        } else {
            a.paths.clone()
        };
        for p in &paths {
            let reader: Box<dyn BufRead> = if p == "-" {
                Box::new(std::io::BufReader::new(std::io::stdin()))
            } else {
                Box::new(std::io::BufReader::new(
                    std::fs::File::open(p).with_context(|| format!("opening {p}"))?,
                ))
            };
            let name = if p == "-" { "<stdin>" } else { p.as_str() };
            for (n, line) in reader.lines().enumerate() {
                let line = line.with_context(|| format!("{name}: line {}", n + 1))?;
                if line.trim().is_empty() {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(&line)
                    .map_err(|e| anyhow!("{name}: line {}: {e}", n + 1))?;
                let Some(text) = v.get("text").and_then(|x| x.as_str()) else {
                    bail!("{name}: line {}: no \"text\" string", n + 1);
                };
                let id = match v.get("id") {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Number(x)) => x.to_string(),
                    _ => format!("{name}:{}", n + 1),
                };
                let lang = v
                    .get("lang")
                    .and_then(|x| x.as_str())
                    .unwrap_or(&lang_default)
                    .to_string();
                out.one(&id, None, text, &lang)?;
            }
        }
    } else if let Some(db) = &a.db {
        let store =
            SqliteStore::open_read_only(db).with_context(|| format!("opening {}", db.display()))?;
        for doc in stored_docs(&store)? {
            let lang = doc.lang.clone().unwrap_or_else(|| lang_default.clone());
            for (i, claim) in doc_claims(&doc) {
                out.one(&format!("{}#{i}", doc.id), Some(&claim), &claim, &lang)?;
            }
        }
    } else {
        let opts = Options::default();
        let pipeline = Pipeline::new();
        for item in read_inputs(&a.paths, &opts) {
            let mut doc = match item.and_then(|raw| raw.into_doc(&opts)) {
                Ok(d) => d,
                Err(e) => {
                    skipped += 1;
                    eprintln!("claimtrace: skipped {}", escape(&e.to_string()));
                    continue;
                }
            };
            if doc.lang.is_none() && a.lang.is_some() {
                doc.lang = a.lang.clone();
            }
            pipeline.annotate(&mut doc);
            let lang = doc.lang.clone().unwrap_or_default();
            for (i, claim) in doc_claims(&doc) {
                out.one(&format!("{}#{i}", doc.id), Some(&claim), &claim, &lang)?;
            }
        }
    }
    out.w.flush()?;
    if !a.quiet {
        let secs = t0.elapsed().as_secs_f64();
        eprintln!(
            "claimtrace match: {} quer{} ({} with matches) in {secs:.2} s ({:.0}/s){}",
            out.queries,
            if out.queries == 1 { "y" } else { "ies" },
            out.matched,
            out.queries as f64 / secs.max(1e-9),
            if skipped > 0 {
                format!(", {skipped} input(s) skipped")
            } else {
                String::new()
            }
        );
    }
    Ok(if out.matched > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Every article of a store, as annotated documents.
fn stored_docs(store: &SqliteStore) -> Result<Vec<claimtrace_core::Doc>> {
    let mut out = Vec::new();
    for id in store.article_ids()? {
        let Some(js) = store.article(&id)? else {
            continue;
        };
        let v: serde_json::Value =
            serde_json::from_str(&js).with_context(|| format!("stored article {id}"))?;
        if let Ok(d) = claimtrace_core::Doc::from_json(&v) {
            out.push(d);
        }
    }
    Ok(out)
}

/// The fact-checks the claims of one annotated article (a claimtrace JSON line) repeat, for
/// the store: each claim's best three matches scoring at least `min`.
pub fn flag(
    fcs: &[FactCheck],
    m: &Matcher,
    json_line: &str,
    min: f32,
) -> Vec<claimtrace_store::FactCheckMatch> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(json_line) else {
        return Vec::new();
    };
    let Ok(doc) = claimtrace_core::Doc::from_json(&v) else {
        return Vec::new();
    };
    let lang = doc.lang.clone().unwrap_or_default();
    let mut out = Vec::new();
    for (i, claim) in doc_claims(&doc) {
        for x in m.rank(&claim, &lang, 3) {
            if x.score < min {
                continue;
            }
            let fc = &fcs[x.index];
            out.push(claimtrace_store::FactCheckMatch {
                attribution: Some(i),
                claim: claim.clone(),
                factcheck_id: fc.id.clone(),
                factcheck_text: fc.text.clone(),
                url: fc.url.clone(),
                rating: fc.rating.clone(),
                score: f64::from(x.score),
            });
        }
    }
    out
}

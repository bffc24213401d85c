//! `claimtrace ingest --db DB [PATH...]`: read articles (anything `extract` reads), run the
//! per-article pipeline in parallel, then connect them: dedup, stories, reprints, provenance,
//! written to the store in batched transactions.
//!
//! Three threads of work overlap: a reader fills bounded chunks, a rayon pool annotates and
//! prepares a chunk (fingerprints, JSON lines), and the main thread runs the sequential
//! connect stage ([`claimtrace_connect::Ingester`], which holds the store's writer lock) on
//! the previous chunk. Memory stays bounded by a few chunks whatever the size of the crawl.
//!
//! `--annotated` reads claimtrace JSONL that already carries its layers (the output of
//! `claimtrace extract`) and skips the per-article pipeline: the connect stage alone, as
//! measured by the scale benchmark.

use anyhow::{Context, bail};
use claimtrace_connect::{Ingester, Prepared, Preparer};
use claimtrace_core::{Doc, InputError};
use claimtrace_ingest::{Options, RawDoc, read_inputs};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// The store (created if missing).
    #[arg(long, value_name = "DB")]
    pub db: PathBuf,
    /// Files or directories to read (directories recursively); `-` or nothing reads stdin.
    pub paths: Vec<String>,
    /// Inputs are claimtrace JSONL with their layers (from `claimtrace extract`): skip the
    /// per-article pipeline and only connect them.
    #[arg(long)]
    pub annotated: bool,
    /// Worker threads (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Articles per transaction.
    #[arg(long, value_name = "N", default_value_t = claimtrace_connect::DEFAULT_BATCH)]
    pub batch: usize,
    /// Trace the provenance of the stories touched every N batches (1: after every batch;
    /// 0: only at the end); always at the end. Tracing a big story costs more than adding
    /// articles to it, so tracing after every batch slows long ingests (see
    /// docs/benchmarks/store.md). Stories not yet traced stay marked in the store and are
    /// traced by the next run if this one is interrupted.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub provenance_every: usize,
    /// Publication date (YYYY-MM-DD or RFC 3339) for articles whose input carries none.
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// Largest decompressed page, WARC record, JSONL line or text file (e.g. 64M, 1G).
    #[arg(long, value_name = "SIZE", default_value = "64M")]
    pub max_size: String,
    /// Only read and extract: skip the NLP stages (no entities or attributions: stories
    /// and provenance will be poorer).
    #[arg(long)]
    pub no_annotate: bool,
    /// Words per body shingle of the near-duplicate signatures (default 5). Fixed when the
    /// store is created and kept in it: a resumed ingest that asks for another value is
    /// refused; leave it out to go on with the store's.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub shingle: Option<u16>,
    /// No summary on stderr (errors are still reported).
    #[arg(short, long)]
    pub quiet: bool,
    /// Fact-checked claims (JSONL, as for `claimtrace match`): flag the claims of each new
    /// article that repeat one; the article page and API show them (`factchecks`).
    #[arg(long, value_name = "FILE")]
    pub factchecks: Option<PathBuf>,
    /// The score a fact-check match needs to be flagged (default: claimtrace_match::FLAG_SCORE).
    #[arg(long, value_name = "SCORE", requires = "factchecks")]
    pub factcheck_min_score: Option<f32>,
}

/// One unit of input for the parallel stage.
enum Item {
    Raw(Box<Result<RawDoc, InputError>>),
    /// A claimtrace JSON line: (input, line number, bytes).
    Line(String, u64, Vec<u8>),
}

impl Item {
    fn size(&self) -> usize {
        match self {
            Item::Raw(r) => r.as_ref().as_ref().map_or(0, RawDoc::size),
            Item::Line(_, _, b) => b.len(),
        }
    }
}

struct Work<'a> {
    opts: &'a Options,
    pipeline: &'a claimtrace::Pipeline,
    annotate: bool,
    preparer: Preparer,
}

impl Work<'_> {
    fn process(&self, item: Item) -> Result<Prepared, InputError> {
        let (input, location) = match &item {
            Item::Raw(r) => match r.as_ref() {
                Ok(r) => (r.input.clone(), r.location.clone()),
                Err(_) => (String::new(), String::new()),
            },
            Item::Line(i, n, _) => (i.clone(), format!("line {n}")),
        };
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let doc = match item {
                Item::Raw(r) => {
                    let mut doc = (*r)?.into_doc(self.opts)?;
                    if self.annotate {
                        self.pipeline.annotate(&mut doc);
                    }
                    doc
                }
                Item::Line(input, n, bytes) => line_doc(&input, n, &bytes)?,
            };
            Ok(self.preparer.prepare(doc))
        }));
        res.unwrap_or_else(|_| {
            Err(InputError::new(
                input,
                "internal error while processing this article (please report it)",
            )
            .at(location))
        })
    }
}

/// A document from one claimtrace JSON line (layers kept).
fn line_doc(input: &str, n: u64, bytes: &[u8]) -> Result<Doc, InputError> {
    let err = |r: String| InputError::new(input, r).at(format!("line {n}"));
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| err(format!("not JSON: {e}")))?;
    let doc = Doc::from_json(&v).map_err(|e| err(e.to_string()))?;
    if doc.text.trim().is_empty() {
        return Err(err("empty article text".into()));
    }
    Ok(doc)
}

/// Files to read for `--annotated` (directories walked; `-` is stdin).
fn annotated_files(paths: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if p != "-" && path.is_dir() {
            match claimtrace_ingest::walk(path) {
                Ok(files) => out.extend(files.into_iter().map(|f| f.display().to_string())),
                Err(_) => out.push(p.clone()),
            }
        } else {
            out.push(p.clone());
        }
    }
    out
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let max_size = super::extract::parse_size(&args.max_size)?;
    if let Some(d) = &args.published
        && !super::extract::valid_date(d)
    {
        bail!("--published: `{d}` is not a date (use YYYY-MM-DD or RFC 3339)");
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let paths = if args.paths.is_empty() {
        vec!["-".to_owned()]
    } else {
        args.paths.clone()
    };
    if std::env::var_os("CT_SHINGLE").is_some() {
        eprintln!(
            "claimtrace: CT_SHINGLE is no longer read; the shingle length is a setting of the store (`--shingle N` when creating it)"
        );
    }
    let wanted = args.shingle.map(|k| claimtrace_story::Config {
        shingle: usize::from(k),
        ..claimtrace_story::Config::default()
    });
    let restore_start = Instant::now();
    let mut ingester = Ingester::open(&args.db, wanted.as_ref())?
        .with_batch_size(args.batch)
        .with_provenance_every(args.provenance_every);
    if let Some(pid) = ingester.lock_taken_over() {
        eprintln!(
            "claimtrace: {}: took over the writer lock left by process {pid}, which is no longer running (killed or crashed); resuming after its last committed batch",
            claimtrace_connect::lock_path(&args.db).display()
        );
    }
    let restore_secs = restore_start.elapsed().as_secs_f64();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(256 << 20)
        .build()
        .context("cannot start worker threads")?;
    let opts = Options {
        max_size,
        default_published: args.published.clone(),
        progress: None,
    };
    let pipeline = claimtrace::Pipeline::new();

    // Stage 1: reader thread, bounded chunks.
    let chunk_docs = (jobs * 64).max(128);
    const CHUNK_BYTES: usize = 64 << 20;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(1);
    let (ropts, rpaths, annotated) = (opts.clone(), paths.clone(), args.annotated);
    let reader = std::thread::Builder::new()
        .name("claimtrace-reader".into())
        .spawn(move || -> u64 {
            let mut chunk: Vec<Item> = Vec::with_capacity(chunk_docs);
            let mut bytes = 0usize;
            let send = |item: Item, chunk: &mut Vec<Item>, bytes: &mut usize| -> bool {
                *bytes += item.size();
                chunk.push(item);
                if chunk.len() >= chunk_docs || *bytes >= CHUNK_BYTES {
                    *bytes = 0;
                    return tx.send(std::mem::take(chunk)).is_ok();
                }
                true
            };
            let files;
            if annotated {
                let list = annotated_files(&rpaths);
                files = list.len() as u64;
                'files: for name in list {
                    let reader: Box<dyn std::io::Read> = if name == "-" {
                        Box::new(std::io::stdin())
                    } else {
                        match std::fs::File::open(&name) {
                            Ok(f) => Box::new(f),
                            Err(e) => {
                                let item = Item::Raw(Box::new(Err(InputError::new(
                                    name.clone(),
                                    format!("cannot open: {e}"),
                                ))));
                                if !send(item, &mut chunk, &mut bytes) {
                                    break 'files;
                                }
                                continue;
                            }
                        }
                    };
                    let mut r = std::io::BufReader::with_capacity(1 << 20, reader);
                    let mut buf = Vec::new();
                    let mut n = 0u64;
                    loop {
                        n += 1;
                        let item = match claimtrace_ingest::io::read_line_limited(
                            &mut r,
                            &mut buf,
                            ropts.max_size.min(usize::MAX as u64) as usize,
                        ) {
                            Ok((0, _)) => break,
                            Ok((_, true)) => Item::Raw(Box::new(Err(InputError::new(
                                name.clone(),
                                "line over the size limit (raise it with --max-size)",
                            )
                            .at(format!("line {n}"))))),
                            Ok(_) if buf.iter().all(u8::is_ascii_whitespace) => continue,
                            Ok(_) => Item::Line(name.clone(), n, std::mem::take(&mut buf)),
                            Err(e) => {
                                let item = Item::Raw(Box::new(Err(InputError::new(
                                    name.clone(),
                                    format!("read error: {e}"),
                                )
                                .at(format!("line {n}")))));
                                if !send(item, &mut chunk, &mut bytes) {
                                    break 'files;
                                }
                                break;
                            }
                        };
                        if !send(item, &mut chunk, &mut bytes) {
                            break 'files;
                        }
                    }
                }
            } else {
                let mut inputs = read_inputs(&rpaths, &ropts);
                for item in inputs.by_ref() {
                    if !send(Item::Raw(Box::new(item)), &mut chunk, &mut bytes) {
                        return inputs.files;
                    }
                }
                files = inputs.files;
            }
            if !chunk.is_empty() {
                let _ = tx.send(chunk);
            }
            files
        })
        .context("cannot start the reader thread")?;

    // Stage 2: the pool annotates and prepares chunk n+1 while stage 3 connects chunk n.
    let work = Work {
        opts: &opts,
        pipeline: &pipeline,
        annotate: !args.no_annotate,
        preparer: ingester.preparer(),
    };
    let (mut skipped, mut reasons) = (0u64, BTreeMap::<String, u64>::new());
    let factchecks = match &args.factchecks {
        Some(p) => Some(super::match_::load_matcher(p)?),
        None => None,
    };
    let min_score = args
        .factcheck_min_score
        .unwrap_or(claimtrace_match::FLAG_SCORE);
    let mut flagged = 0u64;
    let mut connect_time = Duration::ZERO;
    let mut prepare_time = Duration::ZERO;
    let mut failure: Option<anyhow::Error> = None;
    std::thread::scope(|s| {
        let (ptx, prx) = std::sync::mpsc::sync_channel::<Vec<Result<Prepared, InputError>>>(1);
        let work = &work;
        let pool = &pool;
        let prep = s.spawn(move || {
            let mut t = Duration::ZERO;
            for chunk in rx.iter() {
                let t0 = Instant::now();
                let out: Vec<Result<Prepared, InputError>> =
                    pool.install(|| chunk.into_par_iter().map(|i| work.process(i)).collect());
                t += t0.elapsed();
                if ptx.send(out).is_err() {
                    break;
                }
            }
            t
        });
        for chunk in prx.iter() {
            let mut ok = Vec::with_capacity(chunk.len());
            for r in chunk {
                match r {
                    Ok(p) => ok.push(p),
                    Err(e) => {
                        skipped += 1;
                        *reasons.entry(e.reason.clone()).or_default() += 1;
                        if skipped <= 100 {
                            eprintln!("claimtrace: skipped {e}");
                        }
                    }
                }
            }
            let flags: Vec<_> = match &factchecks {
                Some((fcs, m)) => ok
                    .iter()
                    .map(|p| {
                        (
                            p.article.id.clone(),
                            super::match_::flag(fcs, m, &p.article.json, min_score),
                        )
                    })
                    .filter(|(_, f)| !f.is_empty())
                    .collect(),
                None => Vec::new(),
            };
            let t0 = Instant::now();
            let r = ingester.push(ok);
            if r.is_ok() {
                for (id, f) in &flags {
                    if let Err(e) = ingester.store().put_factcheck_matches(id, f) {
                        failure = Some(e.into());
                    }
                    flagged += 1;
                }
            }
            connect_time += t0.elapsed();
            for (new, old) in ingester.take_changed() {
                if !args.quiet {
                    eprintln!(
                        "claimtrace: kept the stored version of {old}: article {new} has the same URL or id but different text"
                    );
                }
            }
            if let Err(e) = r {
                failure = Some(e.into());
                break;
            }
        }
        drop(prx);
        prepare_time = prep.join().unwrap_or_default();
    });
    let files = reader.join().unwrap_or(0);
    if let Some(e) = failure {
        return Err(e.context("ingest stopped; every batch committed before this error is kept"));
    }
    let t0 = Instant::now();
    let stats = ingester.finish()?;
    connect_time += t0.elapsed();

    if !args.quiet {
        let secs = start.elapsed().as_secs_f64();
        let mut msg = format!(
            "claimtrace ingest: {} stored, {} duplicate{}, {} changed (stored version kept), {} reprint{}, {} new stor{}, {} stor{} traced, from {files} file{}",
            stats.stored,
            stats.duplicates,
            if stats.duplicates == 1 { "" } else { "s" },
            stats.changed,
            stats.reprints,
            if stats.reprints == 1 { "" } else { "s" },
            stats.new_stories,
            if stats.new_stories == 1 { "y" } else { "ies" },
            stats.traced,
            if stats.traced == 1 { "y" } else { "ies" },
            if files == 1 { "" } else { "s" },
        );
        let fixes = [
            (stats.no_dates, "without a date"),
            (stats.bad_dates, "with an implausible date (dropped)"),
            (stats.outlets_from_url, "with the outlet taken from the URL"),
            (stats.no_outlets, "without outlet or URL"),
        ];
        for (n, what) in fixes {
            if n > 0 {
                msg.push_str(&format!(", {n} {what}"));
            }
        }
        if args.factchecks.is_some() {
            msg.push_str(&format!(", {flagged} with fact-checked claims"));
        }
        if skipped > 0 {
            let why: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
            msg.push_str(&format!(", {skipped} skipped ({})", why.join("; ")));
        }
        let seen = stats.stored + stats.duplicates + stats.changed;
        msg.push_str(&format!(
            "; {secs:.2} s ({:.0} articles/s; connect stage {:.2} s = {:.0} articles/s; reading+annotating+fingerprinting {:.2} s on {jobs} thread{}; restore {restore_secs:.2} s)",
            seen as f64 / secs.max(1e-9),
            connect_time.as_secs_f64(),
            seen as f64 / connect_time.as_secs_f64().max(1e-9),
            prepare_time.as_secs_f64(),
            if jobs == 1 { "" } else { "s" },
        ));
        eprintln!("{msg}");
    }
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

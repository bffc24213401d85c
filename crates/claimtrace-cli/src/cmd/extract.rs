//! `claimtrace extract [PATH...]`: read articles (HTML, WARC, JSONL, text; files, directories
//! or `-`), run the pipeline on each, and write one JSON object per article.
//!
//! Work runs on a rayon pool in bounded chunks (a reader thread fills the next chunk while the
//! pool processes the current one), and output keeps the input order. Inputs that cannot be
//! read are reported on stderr with the file, record offset or line, and reason; the batch
//! goes on and the exit code is 1.

use anyhow::{Context, bail};
use claimtrace_core::json::JsonOptions;
use claimtrace_core::{Doc, InputError};
use claimtrace_ingest::{Options, RawDoc, read_inputs};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// A pretty-printed JSON array.
    Json,
    /// Title and text, for reading.
    Txt,
    /// Parquet tables (needs `-o FILE`): FILE has one row per article, FILE.claims.parquet one
    /// row per claim (see docs/columnar.md).
    Parquet,
    /// CSV tables (needs `-o FILE`): the same two tables as `parquet`, FILE and FILE.claims.csv.
    Csv,
}

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories to read (directories recursively); `-` or nothing reads stdin.
    /// Formats are sniffed from content: WARC (.warc, .warc.gz), HTML (.html, .htm, .gz),
    /// JSONL, JSON arrays, plain text.
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Write to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Include the `tokens` layer in the output.
    #[arg(long)]
    pub tokens: bool,
    /// Publication date (YYYY-MM-DD or RFC 3339) for articles whose input carries none.
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// Largest decompressed page, WARC record, JSONL line or text file (e.g. 64M, 1G).
    /// Bigger inputs are skipped with an error, which also defuses gzip bombs.
    #[arg(long, value_name = "SIZE", default_value = "64M")]
    pub max_size: String,
    /// Only read and extract: skip the NLP stages of the pipeline (sentences, tags, entities…).
    #[arg(long)]
    pub no_annotate: bool,
    /// No progress bar and no summary on stderr (errors are still reported).
    #[arg(short, long)]
    pub quiet: bool,
    /// Name every file of a directory that was left out (by extension or content).
    #[arg(short, long)]
    pub verbose: bool,
    /// Articles per Parquet row group (`--format parquet`/`csv` hold at most this many at once).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub row_group: usize,
}

/// `64M`, `1G`, `512k`, `1.5GiB`, `1000` (bytes).
pub fn parse_size(s: &str) -> anyhow::Result<u64> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .with_context(|| format!("invalid size `{s}` (examples: 64M, 1G, 500000)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => bail!("invalid size unit in `{s}` (use K, M, G or T)"),
    };
    let v = n * mult as f64;
    if !(1.0..1.8e19).contains(&v) {
        bail!("invalid size `{s}`");
    }
    Ok(v as u64)
}

/// A date `YYYY-MM-DD`, optionally followed by `T` and a time.
pub fn valid_date(s: &str) -> bool {
    claimtrace_core::date::iso_day(s).is_some()
        && (s.len() == 10 || s.as_bytes().get(10) == Some(&b'T'))
}

/// Groups reasons that differ only by numbers ("record of 80 MiB…", "record of 90 MiB…").
fn category(e: &InputError) -> String {
    let r = e.reason.split(['(', ':']).next().unwrap_or("").trim();
    let mut out = String::new();
    let mut prev_digit = false;
    for c in r.chars() {
        if c.is_ascii_digit() {
            if !prev_digit {
                out.push('#');
            }
            prev_digit = true;
        } else {
            prev_digit = false;
            out.push(c);
        }
    }
    out
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

struct Work<'a> {
    opts: &'a Options,
    pipeline: &'a claimtrace::Pipeline,
    annotate: bool,
    json: JsonOptions,
    format: Format,
}

impl Work<'_> {
    /// One input item to its output text.
    fn process(&self, item: Result<RawDoc, InputError>) -> Result<String, InputError> {
        let raw = item?;
        let (input, location) = (raw.input.clone(), raw.location.clone());
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut doc = raw.into_doc(self.opts)?;
            if self.annotate {
                self.pipeline.annotate(&mut doc);
                crate::cmd::claims::warn_unsupported(&doc);
            }
            Ok(self.render(&doc))
        }));
        match res {
            Ok(r) => r,
            Err(p) => Err(InputError::new(
                input,
                format!(
                    "internal error while processing this article (please report it): {}",
                    panic_message(&*p)
                ),
            )
            .at(location)),
        }
    }

    fn render(&self, doc: &Doc) -> String {
        match self.format {
            // Tables are cut from the JSON form, so names and offsets are the JSONL's.
            Format::Jsonl | Format::Parquet | Format::Csv => doc.to_json_line(self.json),
            Format::Json => serde_json::to_string_pretty(&doc.json(self.json))
                .map(|s| s.replace('\n', "\n  "))
                .unwrap_or_else(|_| doc.to_json_line(self.json)),
            // Human-readable: article text may carry terminal controls (ESC, bidi overrides).
            Format::Txt => {
                let s = match &doc.title {
                    Some(t) => format!("# {t}\n\n{}\n", doc.text),
                    None => format!("{}\n", doc.text),
                };
                claimtrace_core::term::escape(&s).into_owned()
            }
        }
    }
}

/// Sum of the sizes of the files to read (None when reading stdin).
fn total_size(paths: &[String]) -> Option<u64> {
    let mut total = 0u64;
    for p in paths {
        if p == "-" {
            return None;
        }
        let path = std::path::Path::new(p);
        if path.is_dir() {
            for f in claimtrace_ingest::walk(path).unwrap_or_default() {
                total += std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
            }
        } else {
            total += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        }
    }
    Some(total)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let max_size = parse_size(&args.max_size)?;
    if let Some(d) = &args.published
        && !valid_date(d)
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        // Deeply nested pages can recurse deep in the HTML tree code.
        .stack_size(256 << 20)
        .build()
        .context("cannot start worker threads")?;
    let mut tables = open_tables(&args)?;
    let out: Box<dyn Write> = match &args.output {
        Some(_) if tables.is_some() => Box::new(std::io::sink()),
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, out);

    let read_bytes = Arc::new(AtomicU64::new(0));
    let opts = Options {
        max_size,
        default_published: args.published.clone(),
        progress: Some(read_bytes.clone()),
    };
    let pipeline = claimtrace::Pipeline::new();
    let json = JsonOptions {
        tokens: args.tokens,
    };
    let work = Work {
        opts: &opts,
        pipeline: &pipeline,
        annotate: !args.no_annotate,
        json,
        format: args.format,
    };

    // Progress bar: only on a terminal, and only once the work has lasted a moment.
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let total = total_size(&paths);
    let pb = match total {
        Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::hidden()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
    };
    let style = if total.is_some() {
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {msg}",
        )
    } else {
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bytes} ({bytes_per_sec}) {msg}",
        )
    };
    if let Ok(s) = style {
        pb.set_style(s);
    }
    let mut shown = false;

    // Reader thread: fills bounded chunks while the pool processes the previous one.
    let chunk_docs = (jobs * 32).max(64);
    const CHUNK_BYTES: usize = 64 << 20;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<RawDoc, InputError>>>(1);
    let ropts = opts.clone();
    let rpaths = paths.clone();
    let reader = std::thread::Builder::new()
        .name("claimtrace-reader".into())
        .spawn(move || {
            let mut inputs = read_inputs(&rpaths, &ropts);
            let mut chunk = Vec::with_capacity(chunk_docs);
            let mut bytes = 0usize;
            for item in inputs.by_ref() {
                bytes += item.as_ref().map_or(0, RawDoc::size);
                chunk.push(item);
                if chunk.len() >= chunk_docs || bytes >= CHUNK_BYTES {
                    if tx.send(std::mem::take(&mut chunk)).is_err() {
                        return (inputs.files, std::mem::take(&mut inputs.skipped));
                    }
                    bytes = 0;
                }
            }
            if !chunk.is_empty() {
                let _ = tx.send(chunk);
            }
            (inputs.files, std::mem::take(&mut inputs.skipped))
        })
        .context("cannot start the reader thread")?;

    let (mut ok, mut skipped) = (0u64, 0u64);
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    let mut first = true;
    let mut write_err: Option<std::io::Error> = None;
    if args.format == Format::Json {
        write_err = out.write_all(b"[").err();
    }
    for chunk in rx.iter() {
        if write_err.is_some() {
            break;
        }
        let results: Vec<Result<String, InputError>> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|item| work.process(item))
                .collect()
        });
        for r in results {
            match r {
                Ok(s) => {
                    ok += 1;
                    let res = match args.format {
                        Format::Jsonl => out
                            .write_all(s.as_bytes())
                            .and_then(|_| out.write_all(b"\n")),
                        Format::Json => out
                            .write_all(if first { b"\n  " } else { b",\n  " })
                            .and_then(|_| out.write_all(s.as_bytes())),
                        Format::Txt => {
                            let sep: &[u8] = if first { b"" } else { b"\n" };
                            out.write_all(sep).and_then(|_| out.write_all(s.as_bytes()))
                        }
                        Format::Parquet | Format::Csv => push_table(&mut tables, &s),
                    };
                    first = false;
                    if let Err(e) = res {
                        write_err = Some(e);
                        break;
                    }
                }
                Err(e) => {
                    skipped += 1;
                    *reasons.entry(category(&e)).or_default() += 1;
                    pb.suspend(|| {
                        eprintln!(
                            "claimtrace: skipped {}",
                            claimtrace_core::term::escape(&e.to_string())
                        )
                    });
                }
            }
        }
        pb.set_position(read_bytes.load(Ordering::Relaxed));
        pb.set_message(format!("{ok} articles"));
        if show_progress && !shown && start.elapsed() > Duration::from_millis(800) {
            pb.set_draw_target(ProgressDrawTarget::stderr());
            shown = true;
        }
    }
    drop(rx);
    let (files, left_out) = reader.join().unwrap_or_default();
    pb.finish_and_clear();
    if write_err.is_none() && args.format == Format::Json {
        write_err = out.write_all(if first { b"]\n" } else { b"\n]\n" }).err();
    }
    if write_err.is_none()
        && let Some(t) = tables.take()
    {
        write_err = t.finish().map_err(std::io::Error::other).err();
    }
    if write_err.is_none() {
        write_err = out.flush().err();
    }
    if let Some(e) = write_err {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(anyhow::Error::new(e).context("cannot write the output"));
    }

    if !args.quiet {
        let secs = start.elapsed().as_secs_f64();
        let bytes = read_bytes.load(Ordering::Relaxed);
        let mut msg = format!(
            "claimtrace extract: {ok} article{} from {files} file{}",
            if ok == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" }
        );
        if skipped > 0 {
            let why: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
            msg.push_str(&format!(", {skipped} skipped ({})", why.join("; ")));
        }
        if !left_out.is_empty() {
            msg.push_str(&format!(", {}", left_out_summary(&left_out, args.verbose)));
        }
        msg.push_str(&format!(
            ", {secs:.2} s ({:.1} MB/s, {:.0} articles/s, {jobs} thread{})",
            bytes as f64 / 1e6 / secs.max(1e-9),
            ok as f64 / secs.max(1e-9),
            if jobs == 1 { "" } else { "s" }
        ));
        eprintln!("{}", claimtrace_core::term::escape(&msg));
    }
    if args.verbose {
        for s in &left_out {
            eprintln!(
                "claimtrace: left out {} ({})",
                claimtrace_core::term::escape(&s.path),
                s.why
            );
        }
    }
    if ok == 0 {
        // Even with --quiet: an input tree without a single article is a failure.
        let mut why = format!(
            "claimtrace extract: no article found: {files} file{} read",
            if files == 1 { "" } else { "s" }
        );
        if skipped > 0 {
            why.push_str(&format!(", {skipped} skipped as unreadable"));
        }
        if !left_out.is_empty() {
            why.push_str(&format!(", {}", left_out_summary(&left_out, args.verbose)));
        }
        eprintln!("{}", claimtrace_core::term::escape(&why));
        return Ok(ExitCode::from(1));
    }
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The table writer of `--format parquet`/`csv` (None for the other formats).
fn open_tables(args: &Args) -> anyhow::Result<Option<claimtrace_columnar::Writer>> {
    let kind = match args.format {
        Format::Parquet => claimtrace_columnar::Kind::Parquet,
        Format::Csv => claimtrace_columnar::Kind::Csv,
        _ => return Ok(None),
    };
    let Some(path) = &args.output else {
        bail!(
            "--format {}: needs -o FILE (it writes FILE and {})",
            kind.extension(),
            claimtrace_columnar::claims_path(std::path::Path::new("FILE"), kind).display()
        );
    };
    Ok(Some(claimtrace_columnar::Writer::create(
        path,
        kind,
        args.row_group,
    )?))
}

/// Adds one article, given as its JSON line, to the tables.
fn push_table(tables: &mut Option<claimtrace_columnar::Writer>, line: &str) -> std::io::Result<()> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(std::io::Error::other)?;
    match tables {
        Some(t) => t.push_json(&v).map_err(std::io::Error::other),
        None => Ok(()),
    }
}

/// "5 files left out (3 by extension, 2 by content; --verbose names them)".
fn left_out_summary(left_out: &[claimtrace_ingest::Skipped], verbose: bool) -> String {
    let ext = left_out.iter().filter(|s| s.why == "extension").count();
    let content = left_out.len() - ext;
    // `content`: other extensions whose first bytes are not HTML or WARC.
    let n = left_out.len();
    format!(
        "{n} file{} of directories left out ({ext} by extension, {content} by content{})",
        if n == 1 { "" } else { "s" },
        if verbose {
            ""
        } else {
            "; --verbose names them"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M").ok(), Some(64 << 20));
        assert_eq!(parse_size("1.5g").ok(), Some(3 << 29));
        assert_eq!(parse_size("1000").ok(), Some(1000));
        assert!(
            parse_size("lots").is_err() && parse_size("3X").is_err() && parse_size("0").is_err()
        );
    }

    #[test]
    fn dates() {
        assert!(valid_date("2026-03-17") && valid_date("2026-03-17T10:00:00+01:00"));
        assert!(
            !valid_date("17/03/2026") && !valid_date("2026-13-01") && !valid_date("2026-03-17x")
        );
    }
}

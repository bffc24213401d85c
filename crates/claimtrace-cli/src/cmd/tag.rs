//! `claimtrace tag`: tokenize, tag, parse and recognise entities; write CoNLL-U.
//!
//! With CoNLL-U input the gold tokens are kept (so tagging and parsing can be scored apart
//! from tokenization), comment lines are kept, and entity labels go to MISC as `NER=B-PER`.

use anyhow::Context;
use claimtrace::Pipeline;
use claimtrace::conll;
use claimtrace_core::Doc;
use claimtrace_ml::conllu;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Conllu,
    Text,
}

#[derive(clap::Args)]
pub struct Args {
    /// Language of the input (ISO 639-1).
    #[arg(long, default_value = "en")]
    lang: String,
    /// `conllu` keeps the gold tokens of a CoNLL-U file; `text` tokenizes raw text (paragraphs
    /// separated by blank lines). Default: from the file name (`.conllu` → conllu), else text.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// Write here instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Input file, or `-` for standard input.
    #[arg(default_value = "-")]
    path: String,
}

fn open(path: &str) -> anyhow::Result<Box<dyn BufRead>> {
    if path == "-" {
        Ok(Box::new(BufReader::new(std::io::stdin())))
    } else {
        let f = std::fs::File::open(path).with_context(|| format!("{path}: cannot open"))?;
        Ok(Box::new(BufReader::new(f)))
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let format = args
        .input_format
        .unwrap_or(if args.path.ends_with(".conllu") {
            InputFormat::Conllu
        } else {
            InputFormat::Text
        });
    let pipeline = Pipeline::with_options(claimtrace::Options {
        times: false,
        places: false,
        attribution: false,
        ..Default::default()
    });
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut buf = String::new();
    let mut skipped = 0usize;
    match format {
        InputFormat::Conllu => {
            for sent in conllu::Reader::new(open(&args.path)?) {
                match sent {
                    Ok(s) => {
                        let mut doc = conll::doc_of_sentence(&s, &args.lang);
                        pipeline.annotate_pretokenized(&mut doc);
                        buf.clear();
                        conll::fill_sentence(&s, &doc).write(&mut buf);
                        out.write_all(buf.as_bytes())?;
                    }
                    Err(e) => {
                        skipped += 1;
                        eprintln!("claimtrace: {}: {e} (sentence skipped)", args.path);
                    }
                }
            }
        }
        InputFormat::Text => {
            let mut text = String::new();
            let mut bytes = Vec::new();
            open(&args.path)?
                .read_to_end(&mut bytes)
                .with_context(|| format!("{}: cannot read", args.path))?;
            match String::from_utf8(bytes) {
                Ok(t) => text.push_str(&t),
                Err(e) => {
                    eprintln!(
                        "claimtrace: {}: not valid UTF-8 (invalid bytes replaced)",
                        args.path
                    );
                    text.push_str(&String::from_utf8_lossy(e.as_bytes()));
                }
            }
            let mut doc = Doc::from_text(
                std::path::Path::new(&args.path)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("stdin"),
                text,
            );
            doc.lang = Some(args.lang.clone());
            pipeline.annotate(&mut doc);
            conll::doc_to_conllu(&doc, &mut buf);
            out.write_all(buf.as_bytes())?;
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

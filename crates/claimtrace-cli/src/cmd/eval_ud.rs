//! `claimtrace eval ud`: the bundled tagger and parser on a UD file, from gold tokens.

use anyhow::Context;
use claimtrace::Pipeline;
use claimtrace::conll;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Language of the treebank (selects the bundled models).
    #[arg(long, default_value = "en")]
    lang: String,
    /// A CoNLL-U test file (e.g. ../shared/data/ud/en_ewt/en_ewt-ud-test.conllu).
    #[arg(long)]
    test: PathBuf,
    /// Stages to run (comma-separated), to time them apart.
    #[arg(long, value_delimiter = ',', default_values_t = [String::from("tag"), String::from("parse"), String::from("ner")])]
    stages: Vec<String>,
    /// Timed passes over the file; the speed printed is that of the fastest (wall clock and
    /// on-CPU time of the annotating thread, the figure for an idle core).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Annotate each treebank document (`# newdoc`) as one document, as articles are, instead
    /// of one document per sentence (files without `# newdoc`: one per sentence anyway).
    #[arg(long)]
    by_doc: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let sents = claimtrace_ml::conllu::read_file(&args.test)
        .map_err(anyhow::Error::msg)
        .with_context(|| "reading the test file")?;
    let pipeline = Pipeline::with_options(claimtrace::Options {
        times: false,
        places: false,
        attribution: false,
        tag: args.stages.iter().any(|s| s == "tag"),
        parse: args.stages.iter().any(|s| s == "parse"),
        ner: args.stages.iter().any(|s| s == "ner"),
        ..Default::default()
    });
    // Load the models before timing.
    let mut warm = claimtrace_core::Doc::from_text("warm", "x");
    warm.lang = Some(args.lang.clone());
    pipeline.annotate(&mut warm);
    let s = conll::eval_ud_repeat(&pipeline, &sents, &args.lang, args.repeat, args.by_doc);
    for e in pipeline.load_errors() {
        eprintln!("claimtrace: warning: {e}");
    }
    println!("file      {}", args.test.display());
    println!("words     {}", s.words);
    println!("UPOS      {:.4}", s.upos);
    println!("UFeats    {:.4}", s.ufeats);
    println!("Lemma     {:.4}", s.lemma);
    println!("UAS       {:.4}", s.uas);
    println!("LAS       {:.4}", s.las);
    println!(
        "tokens/s  {:.0}  ({}, one thread, gold tokens, wall clock)",
        s.tokens_per_second(),
        args.stages.join(" + ")
    );
    if s.cpu_seconds > 0.0 {
        println!(
            "tokens/s  {:.0}  per on-CPU second of the annotating thread (best of {})",
            s.tokens_per_cpu_second(),
            args.repeat.max(1)
        );
    }
    Ok(ExitCode::SUCCESS)
}

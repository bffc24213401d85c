//! `claimtrace`: who says so, how sure are they, and where did it come from first?
//!
//! This binary only parses arguments and writes output; each subcommand lives in `cmd/` and
//! calls the library crates.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;

#[derive(Parser)]
#[command(
    name = "claimtrace",
    version,
    about = "Who says so, how sure are they, and where did it come from first?"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles (HTML, WARC, JSONL, text; files, directories or `-`) and write one JSON
    /// object per article.
    Extract(cmd::extract::Args),
    /// Tokenize, tag, parse and recognise entities; write CoNLL-U.
    Tag(cmd::tag::Args),
    /// Train a model from UD / IOB2 files.
    #[command(subcommand)]
    Train(TrainCommand),
    /// List every reported claim: source, cue, content, nesting and certainty, one per line.
    Claims(cmd::claims::Args),
    /// Rank earlier fact-checks for each claim of articles (or, with `--texts`, for each
    /// JSONL text): JSONL `{id, claim, matches: [{factcheck_id, score}]}`.
    Match(cmd::match_::Args),
    /// Score a stage on an external benchmark.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Read articles (like `extract`), annotate them and connect them into a store: dedup,
    /// stories, reprints, provenance. Idempotent and crash-safe.
    Ingest(cmd::ingest::Args),
    /// List a store's stories, one JSON object per line.
    Stories(cmd::stories::Args),
    /// A story's provenance graph (or one claim's chain): JSON, terminal tree or Graphviz.
    Trace(cmd::trace::Args),
    /// Export traced claims for other tools (`export claimreview`: schema.org JSON-LD).
    #[command(subcommand)]
    Export(cmd::export::Command),
    /// Serve the HTTP API and web page over a store (localhost by default).
    Serve(cmd::serve::Args),
    /// Write one self-contained HTML page with a story's provenance (no network needed).
    Report(cmd::report::Args),
}

#[derive(Subcommand)]
enum TrainCommand {
    /// UPOS, features and lemmas.
    Tagger(cmd::train_tagger::Args),
    /// Dependency parser.
    Parser(cmd::train_parser::Args),
    /// Entity recogniser.
    Ner(cmd::train_ner::Args),
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Attribution spans on PolNeAR dev (CofeNet metric) and claimtrace's own fr/es/ar gold.
    Attribution(cmd::eval_attribution::Args),
    /// Main-text extraction on the article-extraction benchmark (precision, recall, F1, pages/s).
    Aeb(cmd::eval_aeb::Args),
    /// Original publication day on real multilingual pages (htmldate's metric; dev and scored
    /// parts).
    Dates(cmd::eval_dates::Args),
    /// Main text on blogs, shops, forums and news (trafilatura's snippet metric; dev and
    /// scored parts).
    Boilerplate(cmd::eval_boilerplate::Args),
    /// Tokenizer and sentence splitter against UD raw text (CoNLL 2018 token and sentence F1).
    Tokenizer(cmd::eval_tokenizer::Args),
    /// Tagger and parser on a UD test file with gold tokens (UPOS, UFeats, Lemma, UAS, LAS).
    Ud(cmd::eval_ud::Args),
    /// Entity recogniser on an IOB2 file (per-label and overall span F1).
    Ner(cmd::eval_ner::Args),
    /// Temporal expressions against TimeML gold (span F1, value accuracy).
    Time(cmd::eval_time::Args),
    /// Toponym resolution against gold coordinates (Acc@161, mean error, AUC).
    Geo(cmd::eval_geo::Args),
    /// Stories and provenance on a store against dev-stories labels (B³, origins, cited
    /// outlets, drift).
    Stories(cmd::eval_stories::Args),
    /// Claim matching against earlier fact-checks on CheckThat! 2022 (MAP@1, MAP@5, MRR,
    /// queries/s; dev and scored parts, beside a plain BM25), and the non-English gold.
    Match(cmd::eval_match::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(a) => cmd::extract::run(a),
        Command::Tag(a) => cmd::tag::run(a),
        Command::Train(TrainCommand::Tagger(a)) => cmd::train_tagger::run(a),
        Command::Train(TrainCommand::Parser(a)) => cmd::train_parser::run(a),
        Command::Train(TrainCommand::Ner(a)) => cmd::train_ner::run(a),
        Command::Claims(a) => cmd::claims::run(a),
        Command::Ingest(a) => cmd::ingest::run(a),
        Command::Match(a) => cmd::match_::run(a),
        Command::Stories(a) => cmd::stories::run(a),
        Command::Trace(a) => cmd::trace::run(a),
        Command::Export(c) => cmd::export::run(c),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Eval(EvalCommand::Attribution(a)) => cmd::eval_attribution::run(a),
        Command::Eval(EvalCommand::Aeb(a)) => cmd::eval_aeb::run(a),
        Command::Eval(EvalCommand::Dates(a)) => cmd::eval_dates::run(a),
        Command::Eval(EvalCommand::Boilerplate(a)) => cmd::eval_boilerplate::run(a),
        Command::Eval(EvalCommand::Tokenizer(a)) => cmd::eval_tokenizer::run(a),
        Command::Eval(EvalCommand::Ud(a)) => cmd::eval_ud::run(a),
        Command::Eval(EvalCommand::Ner(a)) => cmd::eval_ner::run(a),
        Command::Eval(EvalCommand::Time(a)) => cmd::eval_time::run(a),
        Command::Eval(EvalCommand::Geo(a)) => cmd::eval_geo::run(a),
        Command::Eval(EvalCommand::Stories(a)) => cmd::eval_stories::run(a),
        Command::Eval(EvalCommand::Match(a)) => cmd::eval_match::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("claimtrace: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

//! `claimtrace eval attribution`: source, cue and content span F1 (exact, begin, Jaccard; the
//! CofeNet metric) on PolNeAR dev paragraphs (`cofenet-paragraphs/valid.txt`; detokenised, then
//! again as read from the articles' own text in `dev/text/`), and per-language
//! F1 on claimtrace's own stand-off gold (`eval/gold/attribution/*.jsonl`, text read from the
//! shared corpus).

use claimtrace_attribution::eval::{self, Scores};
use claimtrace_attribution::{Attributor, tagger::Model};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// PolNeAR folder (with `cofenet-paragraphs/valid.txt`).
    #[arg(long, default_value = "../shared/data/attribution/polnear")]
    pub data: PathBuf,
    /// Tagger model (PolNeAR-trained); the rules alone are scored when absent.
    #[arg(long, default_value = "models/attribution-en.bin")]
    pub model: PathBuf,
    /// Score the rules only, even if a model exists.
    #[arg(long)]
    pub rules_only: bool,
    /// claimtrace's own gold (stand-off JSONL files).
    #[arg(long, default_value = "eval/gold/attribution")]
    pub gold: PathBuf,
    /// The corpus the gold refers to (JSONL with `id` and `text`).
    #[arg(long, default_value = "../shared/corpus/dev-stories/articles.jsonl")]
    pub corpus: PathBuf,
    /// Corpus folders (`articles.jsonl` + `labels.json`) for the per-language span F1 and the
    /// cited-outlet recall and precision; split by article (FNV-1a of the id: even dev, odd
    /// scored).
    #[arg(long, num_args = 1.., default_values = ["../shared/corpus/dev-stories", "../shared/corpus/dev-stories-2"])]
    pub corpora: Vec<PathBuf>,
    /// Which `cites` name which outlet (hand-written from the labels).
    #[arg(long, default_value = "eval/gold/attribution/cited_outlets.tsv")]
    pub cite_map: PathBuf,
    /// Print the dev part's cited-outlet misses and false outlets on stderr (never the scored
    /// part's).
    #[arg(long)]
    pub outlet_errors: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let att = Attributor::new();
    let model = if args.rules_only {
        None
    } else {
        match Model::load(&args.model) {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("claimtrace: no tagger model ({e}); scoring the rules alone");
                None
            }
        }
    };
    let valid = args.data.join("cofenet-paragraphs/valid.txt");
    if valid.exists() {
        let paras = eval::read_cofenet(&valid).map_err(anyhow::Error::msg)?;
        // the tagger reads the linguistic core's parse: run tokenizer, tagger and parser
        let core = claimtrace::Pipeline::with_options(claimtrace::Options {
            ner: false,
            times: false,
            places: false,
            attribution: false,
            ..claimtrace::Options::default()
        });
        let parse = |text: &str| {
            let mut d = claimtrace_core::Doc::from_text("p", text);
            d.lang = Some("en".into());
            core.annotate(&mut d);
            d.tokens
        };
        let t = Instant::now();
        let s: Scores = eval::eval_cofenet(
            &att,
            model.as_ref(),
            &paras,
            model.as_ref().map(|_| &parse as eval::ParseFn<'_>),
        );
        let secs = t.elapsed().as_secs_f64();
        println!(
            "PolNeAR dev (CofeNet valid paragraphs), system: {}",
            if model.is_some() {
                "rules + tagger"
            } else {
                "rules"
            }
        );
        print!("{}", s.report());
        println!(
            "{} paragraphs, {} tokens in {:.2}s: {:.0} tokens/s (one thread{})",
            s.paragraphs,
            s.tokens,
            secs,
            s.tokens as f64 / secs.max(1e-9),
            if model.is_some() {
                ", tokenizer, tagger and parser included"
            } else {
                ""
            }
        );
        // the same paragraphs read from their articles' own text (the data README's other
        // way to compare; the text the model trained on)
        if args.data.join("dev/text").is_dir() {
            let raw = eval::raw_paragraphs(&args.data.join("dev"), &paras);
            let (r, n) = eval::eval_cofenet_raw(
                &att,
                model.as_ref(),
                &paras,
                &raw,
                model.as_ref().map(|_| &parse as eval::ParseFn<'_>),
            );
            println!(
                "the same paragraphs as their articles' own text ({n} of {} found there; the rest detokenised):",
                paras.len()
            );
            print!("{}", r.report());
        }
        println!("BiLSTM-CRF (PolNeAR test, exact F1): source 0.696, cue 0.667, content 0.590");
    } else {
        eprintln!(
            "claimtrace: {} not found; skipping PolNeAR",
            valid.display()
        );
    }
    languages_and_outlets(&args, &att)?;
    Ok(ExitCode::SUCCESS)
}

/// The eight languages on the dev-stories corpora: span F1 on the own stand-off gold and
/// cited-outlet recall / precision, each per language and part (dev / scored).
fn languages_and_outlets(args: &Args, att: &Attributor) -> anyhow::Result<()> {
    use claimtrace_attribution::eval_lang;
    let dirs: Vec<&std::path::Path> = args.corpora.iter().map(PathBuf::as_path).collect();
    let corpus = eval_lang::Corpus::read(&dirs).map_err(anyhow::Error::msg)?;
    if corpus.texts.is_empty() {
        eprintln!(
            "claimtrace: no corpus in {:?}; skipping the per-language scores",
            args.corpora
        );
        return Ok(());
    }
    if args.gold.exists() {
        let r =
            eval_lang::gold_spans_by_part(att, &args.gold, &corpus).map_err(anyhow::Error::msg)?;
        print!("{r}");
    }
    if args.cite_map.exists() {
        let map = eval_lang::read_cite_map(&args.cite_map).map_err(anyhow::Error::msg)?;
        // the articles as `extract` reads them (tokenizer, tagger, parser, entities, rules)
        let pipe = claimtrace::Pipeline::with_options(claimtrace::Options {
            times: false,
            places: false,
            ..claimtrace::Options::default()
        });
        let mut errors = Vec::new();
        let (by, unsupported) =
            eval_lang::eval_cited_outlets(&corpus, &map, &|d| pipe.annotate(d), &mut errors);
        print!("{}", eval_lang::outlet_report(&by));
        if unsupported > 0 {
            println!(
                "({unsupported} articles in languages without lexicons left out: lang_supported false)"
            );
        }
        if args.outlet_errors {
            for e in &errors {
                eprintln!("{}", claimtrace_core::term::escape(e));
            }
        }
    }
    Ok(())
}

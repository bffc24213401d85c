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
    if args.gold.exists() {
        let r = eval::eval_own_gold(&att, &args.gold, &args.corpus).map_err(anyhow::Error::msg)?;
        print!("{r}");
    }
    Ok(ExitCode::SUCCESS)
}

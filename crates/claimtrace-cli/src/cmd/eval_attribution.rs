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

    /// Also score whole PolNeAR dev articles (`dev/text/*.txt` with their `.ann`), each read
    /// as `claimtrace extract` reads a text file and annotated by the full pipeline.
    #[arg(long)]
    pub articles: bool,
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
        if args.articles {
            eval_whole_articles(&args.data.join("dev"))?;
        }
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

/// `--articles`: whole PolNeAR dev articles, one article in, claims out. Each `text/*.txt` is
/// read by `claimtrace_ingest` as `extract` reads a text file (a title line split off, lines
/// joined), annotated by the default pipeline (the bundled model), and its attributions'
/// source, cue and content spans are mapped back onto the file's text ([`eval::align`]) and
/// scored against the article's alphabetically first `.ann` on the file's words (gold spans in
/// a split-off title count as missed). Articles alternate between two halves in name order
/// (`look`: even, `scored`: odd) for choices made on one half and reported on the other.
fn eval_whole_articles(dev: &std::path::Path) -> anyhow::Result<()> {
    let arts = eval::read_polnear(dev).map_err(anyhow::Error::msg)?;
    let pipeline = claimtrace::Pipeline::new();
    let opts = claimtrace_ingest::Options::default();
    let mut all = Scores::default();
    let mut half = [Scores::default(), Scores::default()];
    let t = Instant::now();
    let mut bytes = 0usize;
    // (scored half?, score, source span equal to a gold source span) per attribution
    let mut scored: Vec<(bool, f64, bool)> = Vec::new();
    for (k, a) in arts.iter().enumerate() {
        let path = dev.join("text").join(format!("{}.txt", a.name));
        let paths = [path.to_string_lossy().into_owned()];
        let mut pred = Vec::new();
        for raw in claimtrace_ingest::read_inputs(&paths, &opts) {
            let Ok(mut doc) = raw.and_then(|r| r.into_doc(&opts)) else {
                continue;
            };
            pipeline.annotate(&mut doc);
            bytes += doc.text.len();
            let map = eval::align(&doc.text, &a.text);
            let at = |x: u32| map.get(x as usize).copied();
            let gold_src: Vec<(usize, usize)> = eval::gold_spans(a)
                .into_iter()
                .filter(|g| g.2 == 0)
                .map(|g| (g.0, g.1))
                .collect();
            for att in &doc.attributions {
                if let Some(sp) = att.source
                    && let (Some(s), Some(e)) = (at(sp.start), at(sp.end))
                {
                    scored.push((
                        k % 2 == 1,
                        f64::from(att.score) / 1000.0,
                        gold_src.contains(&(s, e)),
                    ));
                }
                let spans = [(att.source, 0), (att.cue, 1), (Some(att.content), 2)];
                for (sp, role) in spans {
                    if let Some(sp) = sp
                        && let (Some(s), Some(e)) = (at(sp.start), at(sp.end))
                        && s < e
                    {
                        pred.push((s, e, role));
                    }
                }
            }
        }
        let gold = eval::gold_spans(a);
        eval::add_article(&mut all, &a.text, &gold, &pred);
        if let Some(h) = half.get_mut(k % 2) {
            eval::add_article(h, &a.text, &gold, &pred);
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "whole PolNeAR dev articles ({} articles, read as `extract` reads a text file; full pipeline):",
        all.paragraphs
    );
    print!("{}", all.report());
    for (name, h) in ["look (even)", "scored (odd)"].iter().zip(&half) {
        let f = |k: usize| h.roles.get(k).map_or(0.0, |c| c.exact_prf().2);
        println!(
            "  {name} half, {} articles: exact F1 source {:.3}, cue {:.3}, content {:.3}",
            h.paragraphs,
            f(0),
            f(1),
            f(2)
        );
    }
    println!(
        "{:.1}s, {:.0} bytes/s (one thread, the whole pipeline)",
        secs,
        bytes as f64 / secs.max(1e-9)
    );
    print!("{}", abstention_report(&scored));
    Ok(())
}

/// Source precision of the attributions that keep their source entity (score at or above a
/// threshold), per half of the articles: at the default threshold
/// (`claimtrace_attribution::ABSTAIN_BELOW`) and at each step of 0.05, with the share of
/// sources kept. A source is correct when its span equals a gold source span.
fn abstention_report(items: &[(bool, f64, bool)]) -> String {
    use std::fmt::Write as _;
    let at = |half: bool, thr: f64| {
        let kept: Vec<&(bool, f64, bool)> = items
            .iter()
            .filter(|x| x.0 == half && x.1 + 1e-9 >= thr)
            .collect();
        let all = items.iter().filter(|x| x.0 == half).count();
        let ok = kept.iter().filter(|x| x.2).count();
        (
            ok as f64 / kept.len().max(1) as f64,
            kept.len() as f64 / all.max(1) as f64,
        )
    };
    let d = claimtrace_attribution::ABSTAIN_BELOW;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "abstention: source span precision of the sources kept (score >= t) / share kept, look half | scored half"
    );
    let mut t = 0.0;
    while t <= 1.0 + 1e-9 {
        let (pl, kl) = at(false, t);
        let (ps, ks) = at(true, t);
        let mark = if (t - d).abs() < 1e-9 {
            "  <- default"
        } else {
            ""
        };
        let _ = writeln!(s, "  t={t:.2}  {pl:.3} / {kl:.3} | {ps:.3} / {ks:.3}{mark}");
        t += 0.05;
    }
    let (pl, kl) = at(false, d);
    let (ps, ks) = at(true, d);
    let _ = writeln!(
        s,
        "precision at the default threshold {d:.2}: look {pl:.3} (kept {kl:.3}), scored {ps:.3} (kept {ks:.3})"
    );
    s
}

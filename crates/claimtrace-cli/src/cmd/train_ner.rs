//! `claimtrace train ner`: trains the entity recogniser on IOB2 data (or, with `--rules`, builds
//! the rule recogniser for a language without labelled data) and writes the model file.

use anyhow::Context;
use claimtrace_ner::{Ner, Resources, TrainOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Language code (`en`, `fr`, `es`): picks the name lists under `lang/<lang>/names/`.
    #[arg(long, default_value = "en")]
    lang: String,
    /// Labelled IOB2 training files (repeatable; `id form tag …` or `form tag` columns).
    /// Labels other than PER/ORG/LOC (MISC, OTH) are read as `O`, and punctuation tokens at
    /// the edges of a span are taken out of it.
    #[arg(long)]
    train: Vec<PathBuf>,
    /// IOB2 file scored after each epoch (never trained on).
    #[arg(long)]
    dev: Option<PathBuf>,
    /// Train only on the first FRACTION of the first training file's documents and score the
    /// rest after each epoch (held out for model selection; the other files are used whole).
    /// A file without `# newdoc` comments is cut into two contiguous blocks of sentences.
    #[arg(long)]
    split: Option<f64>,
    /// Output model file.
    #[arg(short, long)]
    output: PathBuf,
    #[arg(long, default_value_t = 25)]
    epochs: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Hashed feature table size: 2^BITS rows.
    #[arg(long, default_value_t = 18)]
    bits: u32,
    /// CoNLL-U files for word statistics (PROPN and capitalisation rates; labels unused).
    /// Default for en: ../shared/data/ud/en_ewt/en_ewt-ud-train.conllu.
    #[arg(long = "stats")]
    stats: Vec<PathBuf>,
    /// CoNLL-U files whose sentences (forms only) are used for self-training.
    #[arg(long)]
    unlabelled: Vec<PathBuf>,
    /// Self-training rounds over --unlabelled.
    #[arg(long, default_value_t = 0)]
    self_train: usize,
    /// Augmented copies (mention replacement from the name lists) per sentence with entities.
    #[arg(long, default_value_t = 2)]
    augment: usize,
    /// Lexical-feature dropout probability during training.
    #[arg(long, default_value_t = 0.5)]
    dropout: f64,
    /// Models trained with seeds SEED, SEED+1, … whose weights are averaged.
    #[arg(long, default_value_t = 3)]
    soup: usize,
    /// Build the rule recogniser (no training data).
    #[arg(long)]
    rules: bool,
    /// Turn off the document-level consistency pass.
    #[arg(long)]
    no_doc_pass: bool,
    /// Repo root (where `lang/` is).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

fn read_iob2(p: &PathBuf) -> anyhow::Result<Vec<claimtrace_ner::iob2::Sentence>> {
    let f = std::fs::File::open(p).with_context(|| format!("{}", p.display()))?;
    claimtrace_ner::iob2::read(std::io::BufReader::new(f))
        .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let mut res = Resources::from_lang_dir(&a.root, &a.lang);
    anyhow::ensure!(
        !res.lists.is_empty(),
        "no name lists under {}/lang/{}/names",
        a.root.display(),
        a.lang
    );
    let mut stats = a.stats.clone();
    if stats.is_empty() {
        let d = |p: &str| PathBuf::from(format!("../shared/data/ud/{p}"));
        stats = match a.lang.as_str() {
            "en" => vec![d("en_ewt/en_ewt-ud-train.conllu")],
            "fr" => vec![
                d("fr_sequoia/fr_sequoia-ud-train.conllu"),
                d("fr_gsd/fr_gsd-ud-dev.conllu"),
            ],
            "es" => vec![d("es_gsd/es_gsd-ud-dev.conllu")],
            _ => vec![],
        };
        stats.retain(|p| p.exists());
    }
    res.add_stats_from_conllu(&stats)
        .map_err(|e| anyhow::anyhow!(e))?;
    eprintln!("word statistics from {} file(s)", stats.len());
    let ner = if a.rules {
        let mut n = Ner::rules(&a.lang, res);
        n.set_doc_consistency(!a.no_doc_pass);
        n
    } else {
        anyhow::ensure!(!a.train.is_empty(), "--train is required (or --rules)");
        let mut train = read_iob2(&a.train[0])?;
        let mut rest = Vec::new();
        for p in &a.train[1..] {
            let s = read_iob2(p)?;
            eprintln!("{}: {} sentences", p.display(), s.len());
            rest.extend(s);
        }
        let mut dev = match &a.dev {
            Some(p) => Some(read_iob2(p)?),
            None => None,
        };
        if let Some(frac) = a.split {
            let starts: Vec<usize> = train
                .iter()
                .enumerate()
                .filter(|(_, s)| s.comments.iter().any(|c| c.starts_with("newdoc")))
                .map(|(i, _)| i)
                .collect();
            let frac = frac.clamp(0.0, 1.0);
            let cut = if starts.is_empty() {
                // No document marks (europeana_fr): cut the file in two contiguous blocks, so
                // whole newspaper issues stay on one side.
                eprintln!("split: no `# newdoc` comments; cutting the file in two blocks");
                ((train.len() as f64) * frac) as usize
            } else {
                let cut_doc = ((starts.len() as f64) * frac) as usize;
                starts.get(cut_doc).copied().unwrap_or(train.len())
            };
            let held = train.split_off(cut);
            eprintln!(
                "split: training on {} sentences, scoring {} held out",
                train.len(),
                held.len()
            );
            dev = Some(held);
        }
        train.extend(rest);
        claimtrace_ner::normalise_tags(&mut train);
        eprintln!("training on {} sentences in all", train.len());
        let opts = TrainOptions {
            epochs: a.epochs,
            seed: a.seed,
            bucket_bits: a.bits,
            doc_consistency: !a.no_doc_pass,
            self_train: a.self_train,
            augment: a.augment,
            dropout: a.dropout,
            soup: a.soup,
        };
        let mut unl: Vec<Vec<String>> = Vec::new();
        for p in &a.unlabelled {
            let sents = claimtrace_ner::read_conllu(p).map_err(|e| anyhow::anyhow!(e))?;
            unl.extend(sents);
        }
        Ner::train_with(&a.lang, &train, &unl, dev.as_deref(), res, &opts)
            .map_err(|e| anyhow::anyhow!(e))?
    };
    ner.save(&a.output).map_err(|e| anyhow::anyhow!(e))?;
    eprintln!("wrote {}", a.output.display());
    Ok(ExitCode::SUCCESS)
}

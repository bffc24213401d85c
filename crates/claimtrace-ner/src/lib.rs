//! Named-entity recogniser (PER, ORG, LOC) with gazetteer features.
//!
//! In: token forms (a [`claimtrace_core::Doc`] with a `tokens` layer, or plain word slices).
//! Out: IOB2 tags ([`Ner::tag_words`]) or [`claimtrace_core::Entity`] spans
//! ([`Ner::annotate`]).
//!
//! The English and French models are greedy left-to-right averaged perceptrons over hashed
//! features: word, shape, affixes, context words, gazetteer matches (GeoNames places, countries,
//! first-level divisions; first and last names; organisation words; titles; demonyms;
//! geographic head words) and word statistics from unlabelled treebank text (how often a word is
//! a proper noun or capitalised). English is trained on UNER EWT dev, GUM, BTC, WNUT-17 and
//! Wikigold; French on Europeana Newspapers (historical OCR). The decoded tags are then tidied
//! from the name lists (no punctuation at span edges, demonyms dropped, known organisations ORG,
//! names ending in a geographic head word LOC: the private `tidy`), and a document-level pass tags
//! other mentions of names found once. Spanish, for which no labelled entity data is available
//! here, uses a rule recogniser over the same lists (see [`rules`]). UPOS tags are not used, so
//! the recogniser works on untagged tokens.

pub mod augment;
pub mod features;
pub mod gazetteer;
pub mod lexicon;
pub mod rules;

use claimtrace_core::{Doc, Entity, Span};
use claimtrace_ml::blob::{Meta, Reader, Writer};
pub use claimtrace_ml::iob2;
use claimtrace_ml::rng::{Rng, XorShift64, shuffle};
use claimtrace_ml::table::{Layout, Table};
use claimtrace_ml::train::{Trainer, Weights};
pub use claimtrace_ml::{Error, Result as MlResult};
use features::Tok;
use gazetteer::{Cat, Gazetteer};
use lexicon::WordStats;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"CTNER\0\0\0";
/// Version 2: the claimtrace-ml kernel's file (weights, name-list map and word statistics
/// read in place); version 1 was gzip'd and rebuilt the name lists at every load.
const VERSION: u32 = 2;
/// Sentences longer than this are tagged in windows of this many tokens.
const MAX_SENT: usize = 512;

/// The label set (IOB2 over PER, ORG, LOC). Index 0 is `O`.
pub const LABELS: [&str; 7] = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"];

/// Default model path, relative to the repo root.
pub fn default_model_path(lang: &str) -> PathBuf {
    PathBuf::from(format!("models/ner-{lang}.bin"))
}

/// Training options.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub epochs: usize,
    pub seed: u64,
    /// `2^bucket_bits` hashed feature rows.
    pub bucket_bits: u32,
    /// Tag other mentions of names found in the same document.
    pub doc_consistency: bool,
    /// Self-training rounds over the unlabelled sentences given to [`Ner::train_with`].
    pub self_train: usize,
    /// Augmented copies per training sentence with entities: each entity replaced by a random
    /// name of its type from the lists (mention replacement).
    pub augment: usize,
    /// Probability of dropping each word/affix feature of a token during training.
    pub dropout: f64,
    /// Number of models trained with different seeds whose weights are averaged.
    pub soup: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 25,
            seed: 1,
            bucket_bits: 18,
            doc_consistency: true,
            self_train: 0,
            augment: 2,
            dropout: 0.5,
            soup: 3,
        }
    }
}

/// Resources beside the labelled data: name lists and word statistics.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub lists: Vec<(Cat, String)>,
    pub stats: String,
}

impl Resources {
    /// Reads `lang/<lang>/names/*.txt` and `lang/mul/names/*.txt` under `root` (the repo root).
    /// Missing files are skipped.
    pub fn from_lang_dir(root: &Path, lang: &str) -> Resources {
        let mut lists = Vec::new();
        for cat in Cat::ALL {
            for l in [lang, "mul"] {
                let p = root
                    .join("lang")
                    .join(l)
                    .join("names")
                    .join(format!("{}.txt", cat.file()));
                if let Ok(t) = std::fs::read_to_string(&p) {
                    lists.push((cat, t));
                }
            }
        }
        Resources {
            lists,
            stats: String::new(),
        }
    }

    /// Adds word statistics (PROPN and capitalisation rates) from CoNLL-U files.
    pub fn add_stats_from_conllu(&mut self, paths: &[PathBuf]) -> Result<(), String> {
        let mut b = lexicon::Builder::default();
        for p in paths {
            for s in claimtrace_ml::conllu::read_file(p)? {
                let w: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                let u: Vec<&str> = s.words.iter().map(|w| w.upos.as_str()).collect();
                b.add_sentence(&w, &u);
            }
        }
        self.stats = b.finish(2).text().to_string();
        Ok(())
    }
}

/// Span scores, CoNLL style (exact span and label).
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// (label, true positives, false positives, false negatives), sorted by label.
    pub per_label: Vec<(String, usize, usize, usize)>,
    pub tokens: usize,
    pub sentences: usize,
    pub seconds: f64,
}

fn prf(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let p = if tp + fp == 0 {
        0.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let r = if tp + fn_ == 0 {
        0.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

impl Scores {
    /// (precision, recall, F1) for one label.
    pub fn label(&self, l: &str) -> (f64, f64, f64) {
        self.per_label
            .iter()
            .find(|x| x.0 == l)
            .map_or((0.0, 0.0, 0.0), |x| prf(x.1, x.2, x.3))
    }

    /// Micro-averaged (precision, recall, F1) over all labels.
    pub fn overall(&self) -> (f64, f64, f64) {
        let (tp, fp, fn_) = self
            .per_label
            .iter()
            .fold((0, 0, 0), |a, x| (a.0 + x.1, a.1 + x.2, a.2 + x.3));
        prf(tp, fp, fn_)
    }

    pub fn tokens_per_sec(&self) -> f64 {
        if self.seconds > 0.0 {
            self.tokens as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// Adds the spans of one sentence.
    pub fn add<S: AsRef<str>, T: AsRef<str>>(&mut self, gold: &[S], pred: &[T]) {
        let g = iob2::spans(gold);
        let p = iob2::spans(pred);
        fn entry(v: &mut Vec<(String, usize, usize, usize)>, l: &str) -> usize {
            match v.iter().position(|x| x.0 == l) {
                Some(i) => i,
                None => {
                    v.push((l.to_string(), 0, 0, 0));
                    v.sort_by(|a, b| a.0.cmp(&b.0));
                    v.iter().position(|x| x.0 == l).unwrap_or(0)
                }
            }
        }
        for s in &p {
            let i = entry(&mut self.per_label, &s.2);
            if g.contains(s) {
                self.per_label[i].1 += 1;
            } else {
                self.per_label[i].2 += 1;
            }
        }
        for s in &g {
            if !p.contains(s) {
                let i = entry(&mut self.per_label, &s.2);
                self.per_label[i].3 += 1;
            }
        }
    }

    /// A plain-text table: per label and overall P/R/F1, and speed.
    pub fn report(&self) -> String {
        let mut s = format!(
            "{:<8} {:>7} {:>7} {:>7} {:>6}\n",
            "label", "P", "R", "F1", "gold"
        );
        for (l, tp, fp, fn_) in &self.per_label {
            let (p, r, f) = prf(*tp, *fp, *fn_);
            let _ = fp;
            s.push_str(&format!(
                "{l:<8} {p:>7.4} {r:>7.4} {f:>7.4} {:>6}\n",
                tp + fn_
            ));
        }
        let (p, r, f) = self.overall();
        let gold: usize = self.per_label.iter().map(|x| x.1 + x.3).sum();
        s.push_str(&format!(
            "{:<8} {p:>7.4} {r:>7.4} {f:>7.4} {gold:>6}\n",
            "overall"
        ));
        s.push_str(&format!(
            "{} sentences, {} tokens in {:.3} s: {:.0} tokens/s\n",
            self.sentences,
            self.tokens,
            self.seconds,
            self.tokens_per_sec()
        ));
        s
    }
}

/// The recogniser: a trained model (English, French) or rules over name lists (Spanish).
#[derive(Debug, Clone)]
pub struct Ner {
    lang: String,
    resources: Resources,
    gaz: Gazetteer,
    stats: WordStats,
    /// The averaged weights, `f32` as trained (non-zero rows only).
    model: Option<Table<f32>>,
    doc_consistency: bool,
}

/// What scores a token's features: the trainer's current weights, or the averaged table.
trait Scorer {
    fn add(&self, feats: &[u64], out: &mut [f32]);
}

impl Scorer for Trainer {
    fn add(&self, feats: &[u64], out: &mut [f32]) {
        self.score(feats, out);
    }
}

impl Scorer for Table<f32> {
    fn add(&self, feats: &[u64], out: &mut [f32]) {
        self.sum_into(feats, out);
    }
}

thread_local! {
    static WORK: std::cell::RefCell<Work> = std::cell::RefCell::new(Work::default());
}

/// Reusable buffers for tagging.
#[derive(Default)]
struct Work {
    toks: Vec<Tok>,
    h: Vec<u64>,
    g: Vec<u64>,
    m: Vec<u8>,
    feats: Vec<u64>,
    offsets: Vec<usize>,
    scores: Vec<f32>,
    buf: Vec<u64>,
}

/// Whether label `y` may follow label `prev` in IOB2 (`u32::MAX` = sentence start).
#[inline]
fn allowed(prev: u32, y: usize) -> bool {
    if y == 0 || y % 2 == 1 {
        return true;
    }
    // I-X (even, non-zero) needs B-X or I-X before it.
    prev != u32::MAX && prev != 0 && (prev as usize).div_ceil(2) == y / 2
}

impl Ner {
    fn from_parts(
        lang: &str,
        resources: Resources,
        model: Option<Table<f32>>,
        doc_consistency: bool,
    ) -> Ner {
        let gaz = Gazetteer::build(&resources.lists);
        let stats = WordStats::from_text(resources.stats.clone());
        Ner {
            lang: lang.to_string(),
            resources,
            gaz,
            stats,
            model,
            doc_consistency,
        }
    }

    /// A rule recogniser (no trained model) over the given resources.
    pub fn rules(lang: &str, resources: Resources) -> Ner {
        Ner::from_parts(lang, resources, None, true)
    }

    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// Whether this recogniser is a trained model (false: rules).
    pub fn is_trained(&self) -> bool {
        self.model.is_some()
    }

    /// Trains on IOB2 sentences (labels outside PER/ORG/LOC are read as `O`). `dev`, if given,
    /// is scored after every epoch (on stderr) but never trained on.
    pub fn train(
        lang: &str,
        train: &[iob2::Sentence],
        dev: Option<&[iob2::Sentence]>,
        resources: Resources,
        opts: &TrainOptions,
    ) -> Result<Ner, String> {
        Ner::train_with(lang, train, &[], dev, resources, opts)
    }

    /// [`Ner::train`], then `opts.self_train` rounds of self-training: the model tags the
    /// unlabelled sentences and is retrained from scratch on the gold plus these silver ones.
    pub fn train_with(
        lang: &str,
        train: &[iob2::Sentence],
        unlabelled: &[Vec<String>],
        dev: Option<&[iob2::Sentence]>,
        resources: Resources,
        opts: &TrainOptions,
    ) -> Result<Ner, String> {
        let mut ner = Ner::train_soup(lang, train, dev, resources.clone(), opts)?;
        if unlabelled.is_empty() {
            return Ok(ner);
        }
        for round in 0..opts.self_train {
            let mut all: Vec<iob2::Sentence> = train.to_vec();
            let mut w = Work::default();
            let mut n_ents = 0;
            for s in unlabelled {
                let words: Vec<&str> = s.iter().map(String::as_str).collect();
                let mut out = Vec::new();
                ner.tag_into(&words, &mut w, &mut out);
                n_ents += out.iter().filter(|&&y| y % 2 == 1).count();
                all.push(iob2::Sentence {
                    comments: vec![],
                    words: s.clone(),
                    tags: out
                        .iter()
                        .map(|&y| LABELS.get(y).copied().unwrap_or("O").to_string())
                        .collect(),
                    line: 0,
                });
            }
            eprintln!(
                "self-training round {}: {} silver sentences, {n_ents} silver entities",
                round + 1,
                unlabelled.len()
            );
            ner = Ner::train_soup(lang, &all, dev, resources.clone(), opts)?;
        }
        Ok(ner)
    }

    /// Trains `opts.soup` models with seeds `seed, seed+1, …` and averages their weights.
    fn train_soup(
        lang: &str,
        train: &[iob2::Sentence],
        dev: Option<&[iob2::Sentence]>,
        resources: Resources,
        opts: &TrainOptions,
    ) -> Result<Ner, String> {
        let (mut ner, first) = Ner::train_once(lang, train, dev, resources.clone(), opts)?;
        if opts.soup <= 1 {
            return Ok(ner);
        }
        let mut parts = vec![first];
        for seed in claimtrace_ml::train::seeds(opts.seed, opts.soup).skip(1) {
            let o = TrainOptions {
                seed,
                ..opts.clone()
            };
            parts.push(Ner::train_once(lang, train, None, resources.clone(), &o)?.1);
        }
        let refs: Vec<&Weights> = parts.iter().collect();
        ner.model = Some(Weights::mean(&refs).to_f32(Layout::Sparse));
        if let Some(dev) = dev {
            eprintln!(
                "soup of {}: dev F1 {:.4}",
                opts.soup,
                ner.evaluate(dev).overall().2
            );
        }
        Ok(ner)
    }

    fn train_once(
        lang: &str,
        train: &[iob2::Sentence],
        dev: Option<&[iob2::Sentence]>,
        resources: Resources,
        opts: &TrainOptions,
    ) -> Result<(Ner, Weights), String> {
        if train.is_empty() {
            return Err("no training sentences".into());
        }
        let mut rng = opts
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            | 1;
        let orig = train;
        let mut augmented: Vec<iob2::Sentence>;
        let mut ner = Ner::from_parts(lang, resources, None, opts.doc_consistency);
        let mut model = Trainer::new(LABELS.len(), opts.bucket_bits.clamp(8, 26));
        let mut w = Work::default();
        for epoch in 0..opts.epochs {
            // Fresh mention replacements every epoch, so no replacement name is memorised.
            augmented = augment::augment(orig, &ner.resources, opts.augment, &mut rng);
            let train = &augmented[..];
            let gold: Vec<Vec<usize>> = train
                .iter()
                .map(|s| {
                    s.tags
                        .iter()
                        .map(|t| LABELS.iter().position(|l| l == t).unwrap_or(0))
                        .collect()
                })
                .collect();
            let mut order: Vec<usize> = (0..train.len()).collect();
            let mut xs = XorShift64(rng);
            shuffle(&mut xs, &mut order);
            rng = xs.0;
            let mut correct = 0usize;
            let mut total = 0usize;
            for &si in &order {
                let s = &train[si];
                let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
                ner.prepare(&words, &mut w);
                let mut prev = u32::MAX;
                let mut prev2 = u32::MAX;
                for (i, &g) in gold[si].iter().enumerate() {
                    let y = ner.predict_one(&model, &mut w, i, prev, prev2);
                    let fs = &w.feats[w.offsets[i]..w.offsets[i + 1]];
                    w.buf.clear();
                    if opts.dropout > 0.0 {
                        // Lexical-feature dropout (word, affixes: the first eight templates).
                        let mut xs = XorShift64(rng);
                        for (k, &x) in fs.iter().enumerate() {
                            let drop = (1..8).contains(&k) && xs.unit() < opts.dropout;
                            if !drop {
                                w.buf.push(x);
                            }
                        }
                        rng = xs.0;
                    } else {
                        w.buf.extend_from_slice(fs);
                    }
                    let mut d = [0u64; 4];
                    features::dynamic_features(&w.toks, i, prev, prev2, &mut d);
                    w.buf.extend_from_slice(&d);
                    model.tick();
                    model.update(&w.buf, g, y);
                    correct += (y == g) as usize;
                    total += 1;
                    prev2 = prev;
                    prev = y as u32;
                }
            }
            eprint!(
                "epoch {}: train token acc {:.4}",
                epoch + 1,
                correct as f64 / total.max(1) as f64
            );
            if let Some(dev) = dev {
                let snap = model.averaged().to_f32(Layout::Sparse);
                let saved = ner.model.replace(snap);
                let sc = ner.evaluate(dev);
                ner.model = saved;
                eprint!("  dev F1 {:.4}", sc.overall().2);
            }
            eprintln!();
        }
        let avg = model.averaged();
        ner.model = Some(avg.to_f32(Layout::Sparse));
        Ok((ner, avg))
    }

    fn prepare(&self, words: &[&str], w: &mut Work) {
        features::prepare(
            words,
            &self.gaz,
            &self.stats,
            &mut w.toks,
            &mut w.h,
            &mut w.g,
            &mut w.m,
        );
        let mode = features::case_mode(&w.toks, words);
        features::static_features(&w.toks, mode, &mut w.feats, &mut w.offsets);
    }

    fn predict_one(
        &self,
        model: &impl Scorer,
        w: &mut Work,
        i: usize,
        prev: u32,
        prev2: u32,
    ) -> usize {
        let fs = &w.feats[w.offsets[i]..w.offsets[i + 1]];
        w.scores.clear();
        w.scores.resize(LABELS.len(), 0.0);
        model.add(fs, &mut w.scores);
        let mut d = [0u64; 4];
        features::dynamic_features(&w.toks, i, prev, prev2, &mut d);
        model.add(&d, &mut w.scores);
        let mut best = 0;
        let mut bv = f32::NEG_INFINITY;
        for (y, &s) in w.scores.iter().enumerate() {
            if s > bv && allowed(prev, y) {
                bv = s;
                best = y;
            }
        }
        best
    }

    fn tag_into(&self, words: &[&str], w: &mut Work, out: &mut Vec<usize>) {
        out.clear();
        if words.is_empty() {
            return;
        }
        if words.len() > MAX_SENT {
            for chunk in words.chunks(MAX_SENT) {
                let mut part = Vec::new();
                self.tag_into(chunk, w, &mut part);
                out.extend(part);
            }
            return;
        }
        match &self.model {
            Some(model) => {
                self.prepare(words, w);
                let mut prev = u32::MAX;
                let mut prev2 = u32::MAX;
                for i in 0..words.len() {
                    let y = self.predict_one(model, w, i, prev, prev2);
                    out.push(y);
                    prev2 = prev;
                    prev = y as u32;
                }
                tidy(words, &w.toks, out);
            }
            None => {
                features::prepare(
                    words,
                    &self.gaz,
                    &self.stats,
                    &mut w.toks,
                    &mut w.h,
                    &mut w.g,
                    &mut w.m,
                );
                rules::tag(&self.lang, words, &w.toks, &self.gaz, out);
                tidy(words, &w.toks, out);
            }
        }
    }

    /// IOB2 tags for one sentence's words.
    pub fn tag_words(&self, words: &[&str]) -> Vec<String> {
        let mut w = Work::default();
        let mut out = Vec::new();
        self.tag_into(words, &mut w, &mut out);
        out.iter()
            .map(|&y| LABELS.get(y).copied().unwrap_or("O").to_string())
            .collect()
    }

    /// Tags the sentences of one document, then (if enabled) the document-level pass.
    fn tag_doc(&self, sents: &[Vec<&str>], w: &mut Work) -> Vec<Vec<usize>> {
        let mut tags: Vec<Vec<usize>> = Vec::with_capacity(sents.len());
        for s in sents {
            let mut out = Vec::new();
            self.tag_into(s, w, &mut out);
            tags.push(out);
        }
        if self.doc_consistency {
            doc_pass(sents, &mut tags);
        }
        tags
    }

    /// Fills `doc.entities` from `doc.tokens`, sentence by sentence (the whole token list as
    /// one sentence when there is no sentence layer). Existing entities are replaced.
    pub fn annotate(&self, doc: &mut Doc) {
        doc.entities.clear();
        let n = doc.tokens.len();
        let ranges: Vec<(usize, usize)> = if doc.sentences.is_empty() {
            if n == 0 { vec![] } else { vec![(0, n)] }
        } else {
            doc.sentences
                .iter()
                .map(|s| (s.token_start as usize, s.token_end as usize))
                .filter(|&(a, b)| a < b && b <= n)
                .collect()
        };
        let sents: Vec<Vec<&str>> = ranges
            .iter()
            .map(|&(a, b)| doc.tokens[a..b].iter().map(|t| t.form(&doc.text)).collect())
            .collect();
        // One work area per thread, reused from document to document; a fresh one if in use.
        let tags = WORK.with(|c| match c.try_borrow_mut() {
            Ok(mut w) => self.tag_doc(&sents, &mut w),
            Err(_) => self.tag_doc(&sents, &mut Work::default()),
        });
        let mut ents = Vec::new();
        for (&(a, _), t) in ranges.iter().zip(&tags) {
            let labels: Vec<&str> = t
                .iter()
                .map(|&y| LABELS.get(y).copied().unwrap_or("O"))
                .collect();
            for (s, e, l) in iob2::spans(&labels) {
                let (Some(first), Some(last)) = (doc.tokens.get(a + s), doc.tokens.get(a + e - 1))
                else {
                    continue;
                };
                let (start, end) = trim_edges(
                    &doc.text,
                    first.span.start as usize,
                    (last.span.end.max(first.span.start)) as usize,
                );
                if start >= end {
                    continue;
                }
                ents.push(Entity {
                    span: Span {
                        start: start as u32,
                        end: end as u32,
                    },
                    label: l.into(),
                    token_start: (a + s) as u32,
                    token_end: (a + e) as u32,
                });
            }
        }
        doc.entities = ents;
    }

    /// Scores on gold IOB2 sentences (documents are delimited by `newdoc` comments, for the
    /// document-level pass). Tokens/s covers tagging only.
    pub fn evaluate(&self, sents: &[iob2::Sentence]) -> Scores {
        let mut sc = Scores::default();
        let mut docs: Vec<std::ops::Range<usize>> = Vec::new();
        let mut start = 0;
        for (i, s) in sents.iter().enumerate() {
            if i > start && s.comments.iter().any(|c| c.starts_with("newdoc")) {
                docs.push(start..i);
                start = i;
            }
        }
        if start < sents.len() {
            docs.push(start..sents.len());
        }
        let mut w = Work::default();
        let t0 = std::time::Instant::now();
        let mut all: Vec<Vec<usize>> = Vec::with_capacity(sents.len());
        for d in &docs {
            let words: Vec<Vec<&str>> = sents[d.clone()]
                .iter()
                .map(|s| s.words.iter().map(String::as_str).collect())
                .collect();
            all.extend(self.tag_doc(&words, &mut w));
        }
        sc.seconds = t0.elapsed().as_secs_f64();
        for (s, p) in sents.iter().zip(&all) {
            let gold: Vec<&str> = s
                .tags
                .iter()
                .map(|t| {
                    if LABELS.contains(&t.as_str()) {
                        t.as_str()
                    } else {
                        "O"
                    }
                })
                .collect();
            let pred: Vec<&str> = p
                .iter()
                .map(|&y| LABELS.get(y).copied().unwrap_or("O"))
                .collect();
            sc.add(&gold, &pred);
            sc.tokens += s.words.len();
        }
        sc.sentences = sents.len();
        sc
    }

    /// The model file's bytes: resources (the name lists and word statistics as text, for
    /// retraining), the frozen name-list map and word statistics, and the weights.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        let mut m = Meta::default();
        m.str(&self.lang)
            .u32(self.doc_consistency as u32)
            .u32(self.resources.lists.len() as u32);
        for (cat, text) in &self.resources.lists {
            m.u32(*cat as u32).str(text);
        }
        m.str(&self.resources.stats)
            .u32(self.model.is_some() as u32);
        w.block(m);
        self.gaz.write(&mut w);
        self.stats.write(&mut w);
        if let Some(t) = &self.model {
            t.write(&mut w);
        }
        w.finish()
    }

    /// Writes the model file.
    pub fn save(&self, path: &Path) -> MlResult<()> {
        claimtrace_ml::blob::save_file(path, &self.to_bytes())
    }

    /// Reads a model from bytes that live for the whole program (the bundled models): the
    /// weights, name-list map and word statistics are read in place when the bytes are
    /// 64-byte aligned.
    pub fn from_static(bytes: &'static [u8]) -> MlResult<Ner> {
        Ner::read(Reader::open_static(bytes, MAGIC, VERSION)?)
    }

    /// Reads a model file's bytes (gzip'd or not; one aligned copy).
    pub fn from_bytes(bytes: &[u8]) -> MlResult<Ner> {
        Ner::read(Reader::open_bytes(bytes, MAGIC, VERSION)?)
    }

    fn read(mut r: Reader) -> MlResult<Ner> {
        let mut m = r.meta()?;
        let lang = m.str()?.to_string();
        let dc = m.u32()? != 0;
        let n = m.count(1000)?;
        let mut lists = Vec::with_capacity(n);
        for _ in 0..n {
            let c = m.u32()?;
            let cat = u8::try_from(c)
                .ok()
                .and_then(Cat::from_u8)
                .ok_or_else(|| Error::corrupt("bad list category"))?;
            lists.push((cat, m.str()?.to_string()));
        }
        let stats_text = m.str()?.to_string();
        let has = m.u32()? == 1;
        let gaz = Gazetteer::read(&mut r)?;
        let stats = WordStats::read(&mut r)?;
        let model = if has {
            let t = Table::<f32>::read(&mut r)?;
            if t.cols() != LABELS.len() {
                return Err(Error::corrupt("wrong label count"));
            }
            Some(t)
        } else {
            None
        };
        Ok(Ner {
            lang,
            resources: Resources {
                lists,
                stats: stats_text,
            },
            gaz,
            stats,
            model,
            doc_consistency: dc,
        })
    }

    /// Reads a model file.
    pub fn load(path: &Path) -> MlResult<Ner> {
        Ner::read(Reader::open_path(path, MAGIC, VERSION)?)
    }

    /// Gazetteer bits of each word (see [`gazetteer::Gazetteer::mark`]), for inspection.
    pub fn gazetteer_bits(&self, words: &[&str]) -> Vec<u64> {
        let mut w = Work::default();
        features::prepare(
            words,
            &self.gaz,
            &self.stats,
            &mut w.toks,
            &mut w.h,
            &mut w.g,
            &mut w.m,
        );
        w.toks.iter().map(|t| t.gaz).collect()
    }

    /// Turns the document-level pass on or off.
    pub fn set_doc_consistency(&mut self, on: bool) {
        self.doc_consistency = on;
    }
}

/// Whether a token has no letter or digit (punctuation, symbols).
fn is_punct(w: &str) -> bool {
    !w.chars().any(char::is_alphanumeric)
}

/// Entity spans `(start, end, kind)` of label indices, kind 1 PER, 2 ORG, 3 LOC (a stray `I-X`
/// starts a span).
fn index_spans(tags: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        let y = tags[i];
        if y == 0 || y >= LABELS.len() {
            i += 1;
            continue;
        }
        let k = y.div_ceil(2);
        let mut j = i + 1;
        while j < tags.len() && tags[j] == 2 * k {
            j += 1;
        }
        out.push((i, j, k));
        i = j;
    }
    out
}

/// Writes span `(a, b)` of kind `k` (0 = outside) into `tags`.
fn set_span(tags: &mut [usize], a: usize, b: usize, k: usize) {
    for (n, y) in tags[a..b].iter_mut().enumerate() {
        *y = match (k, n) {
            (0, _) => 0,
            (_, 0) => 2 * k - 1,
            _ => 2 * k,
        };
    }
}

/// Takes punctuation tokens off the edges of every span (`ISIS ,` → `ISIS`; a span of
/// punctuation only goes), leaving every span well-formed IOB2.
fn trim_punct_spans(words: &[&str], tags: &mut [usize]) {
    for (a, b, k) in index_spans(tags) {
        let mut s = a;
        let mut e = b;
        while s < e && words.get(s).is_some_and(|w| is_punct(w)) {
            s += 1;
        }
        while e > s && words.get(e - 1).is_some_and(|w| is_punct(w)) {
            e -= 1;
        }
        if (s, e) != (a, b) {
            set_span(tags, a, b, 0);
            if s < e {
                set_span(tags, s, e, k);
            }
        }
    }
}

/// Post-processing of one sentence's decoded tags, from the name lists only (no rule written
/// for one text):
/// - punctuation tokens never start or end a span;
/// - a span made of demonyms ("Moroccan", "French") and lowercase words only, with at least
///   one demonym, is dropped (demonyms are not PER/ORG/LOC in the UNER scheme);
/// - a span that is exactly a known organisation (news agencies such as EFE) is ORG;
/// - a span ending in a geographic head word ("… River", "… Mountains") is LOC, and a span
///   directly followed by a capitalised one is extended over it.
fn tidy(words: &[&str], toks: &[Tok], tags: &mut [usize]) {
    use gazetteer::{B as GB, L as GL, U as GU, bit};
    if tags.len() != words.len() || toks.len() != words.len() {
        return;
    }
    trim_punct_spans(words, tags);
    for (a, b, _) in index_spans(tags) {
        // Lowercase names alone stay (web text has them: "ebay"); a demonym with only
        // lowercase words around it ("French channel") is not a name.
        let is_demonym = |i: usize| toks[i].gaz & bit(Cat::Demonym, GU) != 0;
        let demonym_phrase = (a..b).any(is_demonym)
            && (a..b)
                .all(|i| is_demonym(i) || words[i].chars().next().is_some_and(char::is_lowercase));
        if demonym_phrase {
            set_span(tags, a, b, 0);
            continue;
        }
        let known_org = if b - a == 1 {
            toks[a].gaz & bit(Cat::OrgKnown, GU) != 0
        } else {
            toks[a].gaz & bit(Cat::OrgKnown, GB) != 0
                && toks[b - 1].gaz & bit(Cat::OrgKnown, GL) != 0
                && (a + 1..b - 1).all(|i| toks[i].gaz & bit(Cat::OrgKnown, gazetteer::I) != 0)
        };
        if known_org {
            set_span(tags, a, b, 2);
            continue;
        }
        let geo = |i: usize| toks[i].gaz & bit(Cat::Geo, GU) != 0 && toks[i].title;
        if b - a > 1 && geo(b - 1) {
            set_span(tags, a, b, 3);
        } else if b < tags.len() && tags[b] == 0 && geo(b) {
            set_span(tags, a, b + 1, 3);
        }
    }
}

/// Normalises gold IOB2 tags for training: labels other than PER/ORG/LOC (MISC, OTH) become
/// `O`, a stray `I-X` becomes `B-X`, and punctuation tokens are taken off span edges (the
/// decoder's convention, see [`Ner::annotate`]).
pub fn normalise_tags(sents: &mut [iob2::Sentence]) {
    for s in sents.iter_mut() {
        let mut y: Vec<usize> = Vec::with_capacity(s.tags.len());
        for t in &s.tags {
            let mut v = LABELS.iter().position(|l| l == t).unwrap_or(0);
            if v != 0 && v % 2 == 0 {
                let prev = y.last().copied().unwrap_or(0);
                if prev == 0 || prev.div_ceil(2) != v / 2 {
                    v -= 1;
                }
            }
            y.push(v);
        }
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        trim_punct_spans(&words, &mut y);
        s.tags = y.iter().map(|&v| LABELS[v].to_string()).collect();
    }
}

/// Characters trimmed off the ends of an entity's text span (quotes, brackets, commas: a
/// tokeniser may leave them attached to a word, as in `«Islamic` or `ISIS,`). Full stops stay
/// (`U.S.`, `Inc.`).
fn edge_char(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '\''
            | '«'
            | '»'
            | '‹'
            | '›'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '„'
            | '‚'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '<'
            | '>'
            | '*'
            | '|'
    )
}

/// The byte range `start..end` of `text` without [`edge_char`]s at either end.
fn trim_edges(text: &str, start: usize, end: usize) -> (usize, usize) {
    let Some(s) = text.get(start..end) else {
        return (start, end);
    };
    let t = s.trim_start_matches(edge_char);
    let a = start + (s.len() - t.len());
    let u = t.trim_end_matches(edge_char);
    (a, a + u.len())
}

/// Document-level consistency: a capitalised token sequence that was tagged as an entity in
/// one place and left untagged elsewhere in the same document gets the same label (the most
/// frequent one), longest names first. Only multi-character, capitalised sequences are used.
fn doc_pass(sents: &[Vec<&str>], tags: &mut [Vec<usize>]) {
    use std::collections::HashMap;
    let mut names: HashMap<Vec<&str>, [u32; 4]> = HashMap::new();
    for (s, t) in sents.iter().zip(tags.iter()) {
        let labels: Vec<&str> = t
            .iter()
            .map(|&y| LABELS.get(y).copied().unwrap_or("O"))
            .collect();
        for (a, b, l) in iob2::spans(&labels) {
            let Some(words) = s.get(a..b) else { continue };
            if !words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
                || words.iter().map(|w| w.chars().count()).sum::<usize>() < 3
            {
                continue;
            }
            let k = match l.as_str() {
                "PER" => 1,
                "ORG" => 2,
                "LOC" => 3,
                _ => continue,
            };
            names.entry(words.to_vec()).or_default()[k] += 1;
        }
    }
    if names.is_empty() {
        return;
    }
    let mut list: Vec<(Vec<&str>, usize)> = names
        .into_iter()
        .map(|(k, c)| {
            let best = (1..4).max_by_key(|&i| (c[i], i)).unwrap_or(1);
            (k, best)
        })
        .collect();
    list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    // Names by first word (longest first within each list).
    let mut by_first: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, (name, _)) in list.iter().enumerate() {
        if let Some(f) = name.first() {
            by_first.entry(f).or_default().push(k);
        }
    }
    for (s, t) in sents.iter().zip(tags.iter_mut()) {
        let mut i = 0;
        while i < s.len() {
            let mut step = 1;
            if t.get(i) == Some(&0)
                && let Some(cands) = by_first.get(s[i])
            {
                for &k in cands {
                    let (name, lab) = &list[k];
                    let n = name.len();
                    if i + n <= s.len()
                        && s[i..i + n] == name[..]
                        && t[i..i + n].iter().all(|&y| y == 0)
                        && t.get(i + n).is_none_or(|&y| y == 0 || y % 2 == 1)
                    {
                        let b = 2 * lab - 1;
                        t[i] = b;
                        for y in t.iter_mut().take(i + n).skip(i + 1) {
                            *y = b + 1;
                        }
                        step = n;
                        break;
                    }
                }
            }
            i += step;
        }
    }
}

#[cfg(test)]
mod tests;

/// The word forms of every sentence of a CoNLL-U file.
pub fn read_conllu(path: &Path) -> Result<Vec<Vec<String>>, String> {
    Ok(claimtrace_ml::conllu::read_file(path)?
        .into_iter()
        .map(|s| s.words.into_iter().map(|w| w.form).collect())
        .collect())
}

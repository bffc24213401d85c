//! Transition-based dependency parser trained on UD.
//!
//! In: a [`Doc`] whose sentences and tokens are set and tagged (form, UPOS, features, lemma;
//! missing tags are tolerated), or CoNLL-U sentences with gold tokens.
//! Out: `head` and `deprel` of every token (UD relations, subtypes included).
//!
//! Greedy arc-hybrid parser ([`state`]) with a factored averaged perceptron: a 3-way move model
//! (shift / left / right) and a label model scored once per arc. Trained with the dynamic
//! oracle and exploration of Goldberg & Nivre (2013); features in the style of Zhang & Nivre
//! (2011) over words, UPOS, lemmas, suffixes, selected morphological features, distance,
//! valency and the labels of the left/right-most children. Trees are projective (non-projective
//! training trees are learnt as well as the oracle's least-cost moves allow).

mod state;

use claimtrace_core::{Doc, Token};
use claimtrace_ml::blob::{Meta, Reader, Writer};
use claimtrace_ml::conllu;
use claimtrace_ml::table::{Layout, Table};
use claimtrace_ml::train::IntTrainer;
pub use claimtrace_ml::{Error, Result as MlResult};
use compact_str::CompactString;
use state::{Atom, Gold, N_MOVES, NO_LABEL, RIGHT, SHIFT};
pub use state::{TokenIn, Workspace};
use std::path::Path;
use std::time::Instant;

thread_local! {
    static WORKSPACE: std::cell::RefCell<Workspace> = std::cell::RefCell::new(Workspace::default());
}

const MAGIC: &[u8; 8] = b"CTPARSE\0";
/// Version 2: the claimtrace-ml kernel's file (tables read in place); version 1 was gzip'd.
const VERSION: u32 = 2;
/// One row per bucket (no index lookup), as the parser's tables always were: sparse tables
/// behind the rank index were 3× slower here (moves have 3 columns; most rows are read).
/// Rows are also **packed** (`Table::packed`: 6-byte move rows, 2 × labels-byte label rows,
/// as before the kernel): padded onto cache lines (8 / 128 bytes) the parser was slower
/// (docs/benchmarks/parse.md). Every table the parser builds or reads is packed.
const LAYOUT: Layout = Layout::Dense;
const ROOT_LABEL: u16 = 0;

/// A trained parser (immutable; share it between threads).
#[derive(Debug, Clone)]
pub struct Parser {
    /// Language code the model was trained for (informative).
    pub lang: String,
    labels: Vec<CompactString>,
    moves: Table<i16>,
    label_model: Table<i16>,
}

/// Attachment scores (CoNLL 2018 definitions: every word counts, punctuation included).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub words: usize,
    pub sentences: usize,
    /// Unlabelled attachment score.
    pub uas: f64,
    /// Labelled attachment score on universal relations (the part before `:`).
    pub las: f64,
    /// Labelled attachment score on full labels (`obl:tmod` ≠ `obl`).
    pub las_full: f64,
    /// Parsing speed (feature hashing included, reading excluded), one thread, wall clock.
    pub tokens_per_s: f64,
    /// Words per second of on-CPU time of the evaluating thread (Linux; 0 elsewhere): the
    /// speed on an idle core, unaffected by other processes sharing the machine.
    pub tokens_per_cpu_s: f64,
}

/// On-CPU nanoseconds of the calling thread (Linux `/proc/thread-self/schedstat`).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub epochs: usize,
    pub seed: u64,
    /// log2 of the move model's rows.
    pub move_bits: u32,
    /// log2 of the label model's rows.
    pub label_bits: u32,
    /// First epoch (0-based) that follows the model's own wrong moves.
    pub explore_from: usize,
    /// Probability of following a wrong predicted move from then on.
    pub explore_p: f64,
    /// Drop rows whose largest quantised weight is below this (model size vs accuracy).
    pub prune: i16,
    pub lang: String,
    /// Train this many parsers under seeds `seed, seed + 1, …` (each keeping its best epoch)
    /// and average their weights into one model of the same size (1 = a single model).
    pub soup: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 15,
            seed: 1,
            move_bits: 20,
            label_bits: 16,
            explore_from: 1,
            explore_p: 0.9,
            prune: 0,
            lang: String::new(),
            soup: 1,
        }
    }
}

/// What the training loop reports after each epoch.
#[derive(Debug, Clone)]
pub struct EpochReport {
    pub epoch: usize,
    pub train_seconds: f64,
    /// Fraction of moves the model got right (optimal under the oracle) during the epoch.
    pub train_move_acc: f64,
    pub dev: Option<Scores>,
}

fn universal(l: &str) -> &str {
    l.split(':').next().unwrap_or(l)
}

fn conllu_tokens(s: &conllu::Sentence) -> impl Iterator<Item = TokenIn<'_>> {
    s.words.iter().map(|w| TokenIn {
        form: &w.form,
        upos: if w.upos == "_" { "" } else { &w.upos },
        feats: if w.feats == "_" { "" } else { &w.feats },
        lemma: if w.lemma == "_" { "" } else { &w.lemma },
    })
}

impl Parser {
    /// Reads a model written by [`Parser::save`] from bytes that live for the whole program
    /// (the bundled models): the weight tables are read in place, not copied, when the bytes
    /// are 64-byte aligned (`claimtrace_ml::aligned_bytes!`).
    pub fn from_static(bytes: &'static [u8]) -> MlResult<Parser> {
        Parser::read(Reader::open_static(bytes, MAGIC, VERSION)?)
    }

    /// Reads a model written by [`Parser::save`] (gzip'd or not; one aligned copy).
    pub fn from_bytes(bytes: &[u8]) -> MlResult<Parser> {
        Parser::read(Reader::open_bytes(bytes, MAGIC, VERSION)?)
    }

    fn read(mut r: Reader) -> MlResult<Parser> {
        let mut m = r.meta()?;
        let lang = m.str()?.to_string();
        let n = m.count(4096)?;
        if n == 0 {
            return Err(Error::corrupt("no labels"));
        }
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            labels.push(CompactString::from(m.str()?));
        }
        // Files written padded (before packing) are packed here, once (a copy).
        let moves = Table::<i16>::read(&mut r)?.packed();
        let label_model = Table::<i16>::read(&mut r)?.packed();
        if moves.cols() != N_MOVES || label_model.cols() != n {
            return Err(Error::corrupt("model tables do not match the labels"));
        }
        Ok(Parser {
            lang,
            labels,
            moves,
            label_model,
        })
    }

    /// Reads a model file.
    pub fn load(path: impl AsRef<Path>) -> MlResult<Parser> {
        Parser::read(Reader::open_path(path.as_ref(), MAGIC, VERSION)?)
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        let mut m = Meta::default();
        m.str(&self.lang).u32(self.labels.len() as u32);
        for l in &self.labels {
            m.str(l);
        }
        w.block(m);
        self.moves.write(&mut w);
        self.label_model.write(&mut w);
        w.finish()
    }

    /// Writes the model file (quantised, only non-zero rows).
    pub fn save(&self, path: impl AsRef<Path>) -> MlResult<()> {
        let path = path.as_ref();
        claimtrace_ml::blob::save_file(path, &self.to_bytes())
    }

    /// The relation labels the model can predict.
    pub fn labels(&self) -> &[CompactString] {
        &self.labels
    }

    /// Non-zero rows of the move and label tables (model size).
    pub fn size(&self) -> (usize, usize) {
        (self.moves.nonzero_rows(), self.label_model.nonzero_rows())
    }

    /// Parses one sentence: `heads[i]` is the 0-based index of word `i`'s head within the
    /// sentence or `None` for the root, `labels[i]` its relation. Outputs are cleared first.
    pub fn parse_words<'a>(
        &self,
        words: impl Iterator<Item = TokenIn<'a>>,
        ws: &mut Workspace,
        heads: &mut Vec<Option<u32>>,
        labels: &mut Vec<CompactString>,
    ) {
        ws.load(words);
        self.run(ws);
        heads.clear();
        labels.clear();
        for i in 1..=ws.n as usize {
            let h = ws.heads.get(i).copied().unwrap_or(0);
            heads.push(if h == 0 || h > ws.n {
                None
            } else {
                Some(h - 1)
            });
            let l = ws.labels.get(i).copied().unwrap_or(ROOT_LABEL);
            labels.push(self.labels.get(l as usize).cloned().unwrap_or_default());
        }
    }

    /// Runs the greedy parse of the sentence loaded in `ws`.
    fn run(&self, ws: &mut Workspace) {
        let nl = self.labels.len();
        while !ws.done() {
            let valid = ws.valid();
            let mv = if valid == [true, false, false] {
                SHIFT
            } else if valid == [false, false, true] {
                RIGHT
            } else {
                ws.features();
                let mut ms = [0i32; N_MOVES];
                self.moves.add_each(&ws.feats, &mut ms);
                best_valid(&ms, &valid)
            };
            let label = if mv == SHIFT {
                0
            } else {
                let (d, h) = ws.arc(mv);
                if h == 0 {
                    ROOT_LABEL
                } else {
                    ws.label_features(d, h);
                    ws.lscores.clear();
                    ws.lscores.resize(nl, 0);
                    self.label_model.add_each(&ws.lfeats, &mut ws.lscores);
                    best_label(&ws.lscores)
                }
            };
            ws.apply(mv, label);
        }
    }

    /// Parses every sentence of `doc` (tokens as the tokenizer and tagger left them), filling
    /// `head` (doc-level index, [`Token::ROOT`] for the root) and `deprel`. A document with tokens
    /// but no sentences is parsed as one sentence. Never panics.
    pub fn parse(&self, doc: &mut Doc) {
        // One workspace per thread, reused from document to document (no allocation per
        // document once its buffers have grown); a fresh one if it is already in use.
        WORKSPACE.with(|c| match c.try_borrow_mut() {
            Ok(mut ws) => self.parse_with(doc, &mut ws),
            Err(_) => self.parse_with(doc, &mut Workspace::default()),
        });
    }

    fn parse_with(&self, doc: &mut Doc, ws: &mut Workspace) {
        let ranges: Vec<(usize, usize)> = if doc.sentences.is_empty() {
            vec![(0, doc.tokens.len())]
        } else {
            doc.sentences
                .iter()
                .map(|s| (s.token_start as usize, s.token_end as usize))
                .collect()
        };
        for (start, end) in ranges {
            if start >= end || end > doc.tokens.len() {
                continue;
            }
            let Some(toks) = doc.tokens.get(start..end) else {
                continue;
            };
            let text = &doc.text;
            ws.load(toks.iter().map(|t| TokenIn {
                form: t.form(text),
                upos: &t.upos,
                feats: &t.feats,
                lemma: &t.lemma,
            }));
            self.run(ws);
            for (i, tok) in doc.tokens[start..end].iter_mut().enumerate() {
                let h = ws.heads.get(i + 1).copied().unwrap_or(0);
                tok.head = if h == 0 || h > ws.n {
                    Token::ROOT
                } else {
                    (start + h as usize - 1) as u32
                };
                let l = ws.labels.get(i + 1).copied().unwrap_or(ROOT_LABEL);
                tok.deprel = self.labels.get(l as usize).cloned().unwrap_or_default();
            }
        }
    }

    /// Parses a CoNLL-U sentence in place (gold tokens; its UPOS/FEATS/LEMMA columns are read,
    /// HEAD and DEPREL overwritten).
    pub fn parse_conllu(&self, sent: &mut conllu::Sentence, ws: &mut Workspace) {
        ws.load(conllu_tokens(sent));
        self.run(ws);
        for (i, w) in sent.words.iter_mut().enumerate() {
            w.head = Some(ws.heads.get(i + 1).copied().unwrap_or(0));
            let l = ws.labels.get(i + 1).copied().unwrap_or(ROOT_LABEL);
            w.deprel = self
                .labels
                .get(l as usize)
                .map(|l| l.to_string())
                .unwrap_or_default();
        }
    }

    /// Scores the parser against gold trees (sentences are parsed from their own UPOS, FEATS
    /// and LEMMA columns: replace them by predicted tags to score a pipeline).
    pub fn evaluate(&self, sents: &[conllu::Sentence]) -> Scores {
        let mut ws = Workspace::default();
        let mut words = 0usize;
        let (mut ua, mut la, mut lf) = (0usize, 0usize, 0usize);
        let mut secs = 0f64;
        let cpu0 = thread_cpu_ns();
        for s in sents {
            let t = Instant::now();
            ws.load(conllu_tokens(s));
            self.run(&mut ws);
            secs += t.elapsed().as_secs_f64();
            for (i, w) in s.words.iter().enumerate() {
                words += 1;
                let h = ws.heads.get(i + 1).copied().unwrap_or(u32::MAX);
                if Some(h) != w.head {
                    continue;
                }
                ua += 1;
                let l = ws.labels.get(i + 1).copied().unwrap_or(NO_LABEL);
                let pl = self
                    .labels
                    .get(l as usize)
                    .map(|l| l.as_str())
                    .unwrap_or("");
                if pl == w.deprel {
                    lf += 1;
                }
                if universal(pl) == universal(&w.deprel) {
                    la += 1;
                }
            }
        }
        let d = words.max(1) as f64;
        let cpu = match (cpu0, thread_cpu_ns()) {
            (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e9,
            _ => 0.0,
        };
        Scores {
            tokens_per_cpu_s: if cpu > 0.0 { words as f64 / cpu } else { 0.0 },
            words,
            sentences: sents.len(),
            uas: ua as f64 / d,
            las: la as f64 / d,
            las_full: lf as f64 / d,
            tokens_per_s: if secs > 0.0 { words as f64 / secs } else { 0.0 },
        }
    }

    /// Trains a parser. `dev`, when given, is scored after every epoch and the best epoch (by
    /// LAS) is kept; otherwise the last. `on_epoch` sees each epoch's report.
    ///
    /// With `cfg.soup > 1`, trains that many parsers under consecutive seeds and averages
    /// their weights; the soup's dev scores are reported as one more epoch report numbered 0.
    pub fn train(
        train: &[conllu::Sentence],
        dev: Option<&[conllu::Sentence]>,
        cfg: &TrainConfig,
        mut on_epoch: impl FnMut(&EpochReport),
    ) -> Result<Parser, String> {
        if cfg.soup <= 1 {
            return Self::train_one(train, dev, cfg, &mut on_epoch);
        }
        let parts = claimtrace_ml::train::soup(cfg.seed, cfg.soup, |seed, _| {
            let c = TrainConfig {
                seed,
                soup: 1,
                ..cfg.clone()
            };
            Self::train_one(train, dev, &c, &mut on_epoch)
        })?;
        let Some(first) = parts.first() else {
            return Err("no soup members".into());
        };
        let mv: Vec<&Table<i16>> = parts.iter().map(|p| &p.moves).collect();
        let lm: Vec<&Table<i16>> = parts.iter().map(|p| &p.label_model).collect();
        let p = Parser {
            lang: first.lang.clone(),
            labels: first.labels.clone(),
            moves: Table::soup(&mv, LAYOUT, 0).packed(),
            label_model: Table::soup(&lm, LAYOUT, 0).packed(),
        };
        on_epoch(&EpochReport {
            epoch: 0,
            train_seconds: 0.0,
            train_move_acc: 0.0,
            dev: dev.map(|d| p.evaluate(d)),
        });
        Ok(p)
    }

    fn train_one(
        train: &[conllu::Sentence],
        dev: Option<&[conllu::Sentence]>,
        cfg: &TrainConfig,
        on_epoch: &mut impl FnMut(&EpochReport),
    ) -> Result<Parser, String> {
        // Label set: root first, then by frequency.
        let mut counts: std::collections::HashMap<&str, usize> = Default::default();
        for s in train {
            for w in &s.words {
                if w.deprel != "root" && w.deprel != "_" && !w.deprel.is_empty() {
                    *counts.entry(w.deprel.as_str()).or_default() += 1;
                }
            }
        }
        let mut lab: Vec<(&str, usize)> = counts.into_iter().collect();
        lab.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut labels: Vec<CompactString> = vec!["root".into()];
        labels.extend(lab.iter().map(|(l, _)| CompactString::from(*l)));
        let index: std::collections::HashMap<&str, u16> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i as u16))
            .collect();

        // Pre-hash every sentence once.
        let mut ws = Workspace::default();
        let mut data: Vec<(Vec<Atom>, Gold)> = Vec::new();
        for s in train {
            let n = s.words.len();
            if n == 0 || n > 1000 {
                continue;
            }
            let ok =
                s.words.iter().enumerate().all(|(i, w)| {
                    w.id as usize == i + 1 && w.head.is_some_and(|h| h as usize <= n)
                });
            if !ok {
                continue;
            }
            ws.load(conllu_tokens(s));
            let mut heads = vec![0u32];
            let mut gl = vec![NO_LABEL];
            for w in &s.words {
                heads.push(w.head.unwrap_or(0));
                gl.push(index.get(w.deprel.as_str()).copied().unwrap_or(ROOT_LABEL));
            }
            data.push((ws.atoms.clone(), Gold::new(heads, gl)));
        }
        if data.is_empty() {
            return Err("no usable training sentences".into());
        }

        let nl = labels.len();
        let mut moves = IntTrainer::new(N_MOVES, cfg.move_bits);
        let mut lmodel = IntTrainer::new(nl, cfg.label_bits);
        let mut rng = claimtrace_ml::rng::SplitMix64::new(cfg.seed);
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut best: Option<(f64, Parser)> = None;
        let mut on_stack: Vec<bool> = Vec::new();
        let mut ls = vec![0i64; nl];
        for epoch in 0..cfg.epochs {
            let t0 = Instant::now();
            rng.shuffle(&mut order);
            let explore = epoch >= cfg.explore_from;
            let (mut right, mut total) = (0usize, 0usize);
            for &si in &order {
                let Some((atoms, gold)) = data.get(si) else {
                    continue;
                };
                ws.load_atoms(atoms);
                on_stack.clear();
                on_stack.resize(ws.n as usize + 2, false);
                on_stack[0] = true;
                while !ws.done() {
                    let valid = ws.valid();
                    if valid == [true, false, false] {
                        if let Some(x) = on_stack.get_mut(ws.b as usize) {
                            *x = true;
                        }
                        ws.apply(SHIFT, 0);
                        continue;
                    }
                    let costs = gold.costs(&ws, &on_stack);
                    let min = costs.iter().copied().min().unwrap_or(0);
                    ws.features();
                    let mut ms = [0i64; N_MOVES];
                    moves.score(&ws.feats, &mut ms);
                    let pred = best_valid(&ms, &valid);
                    let zero = [costs[0] == min, costs[1] == min, costs[2] == min];
                    let gold_mv = best_valid(&ms, &zero);
                    moves.tick();
                    let pred_ok = costs[pred] == min;
                    total += 1;
                    if pred_ok {
                        right += 1;
                    } else {
                        moves.update(&ws.feats, gold_mv, pred);
                    }
                    let mv = if pred_ok || (explore && rng.unit() < cfg.explore_p) {
                        pred
                    } else {
                        gold_mv
                    };
                    let mut label = 0u16;
                    if mv != SHIFT {
                        let (d, h) = ws.arc(mv);
                        if h == 0 {
                            label = ROOT_LABEL;
                        } else {
                            ws.label_features(d, h);
                            ls.iter_mut().for_each(|x| *x = 0);
                            lmodel.score(&ws.lfeats, &mut ls);
                            let pl = best_label64(&ls);
                            let g = gold.heads.get(d as usize).copied().unwrap_or(u32::MAX);
                            let gl = gold.labels.get(d as usize).copied().unwrap_or(NO_LABEL);
                            if g == h && gl != ROOT_LABEL && (gl as usize) < nl {
                                lmodel.tick();
                                // Margin update: a tie with the gold label counts as an error.
                                let rival = best_label_except64(&ls, gl as usize);
                                let gs = ls.get(gl as usize).copied().unwrap_or(0);
                                if ls.get(rival).copied().unwrap_or(i64::MIN) >= gs {
                                    lmodel.update(&ws.lfeats, gl as usize, rival);
                                }
                            }
                            label = pl as u16;
                        }
                        if let Some(x) = on_stack.get_mut(d as usize) {
                            *x = false;
                        }
                    } else if let Some(x) = on_stack.get_mut(ws.b as usize) {
                        *x = true;
                    }
                    ws.apply(mv, label);
                }
            }
            let train_seconds = t0.elapsed().as_secs_f64();
            let want_model = dev.is_some() || epoch + 1 == cfg.epochs;
            let mut report = EpochReport {
                epoch: epoch + 1,
                train_seconds,
                train_move_acc: right as f64 / total.max(1) as f64,
                dev: None,
            };
            if want_model {
                // `prune`: rows whose largest |weight| is below it are dropped.
                let prune = cfg.prune.saturating_sub(1).max(0);
                let p = Parser {
                    lang: cfg.lang.clone(),
                    labels: labels.clone(),
                    moves: moves.averaged().quantise_i16(LAYOUT, prune).packed(),
                    label_model: lmodel.averaged().quantise_i16(LAYOUT, prune).packed(),
                };
                let key = match dev {
                    Some(d) => {
                        let s = p.evaluate(d);
                        report.dev = Some(s);
                        s.las
                    }
                    None => epoch as f64,
                };
                if best.as_ref().is_none_or(|(b, _)| key > *b) {
                    best = Some((key, p));
                }
            }
            on_epoch(&report);
        }
        best.map(|(_, p)| p)
            .ok_or_else(|| "no epochs were run".to_string())
    }
}

/// The best valid move (SHIFT when none is valid).
#[inline]
fn best_valid<T: PartialOrd + Copy>(s: &[T; N_MOVES], valid: &[bool; N_MOVES]) -> usize {
    let mut best: Option<(usize, T)> = None;
    for i in 0..N_MOVES {
        if valid[i] && best.is_none_or(|(_, bv)| s[i] > bv) {
            best = Some((i, s[i]));
        }
    }
    best.map_or(SHIFT, |(i, _)| i)
}

/// Best label other than root (root is only ever given to the root's single dependent).
#[inline]
fn best_label(s: &[i32]) -> u16 {
    let mut best = 1usize;
    let mut bv = i32::MIN;
    for (i, &v) in s.iter().enumerate().skip(1) {
        if v > bv {
            bv = v;
            best = i;
        }
    }
    best.min(s.len().saturating_sub(1)) as u16
}

#[inline]
fn best_label64(s: &[i64]) -> usize {
    let mut best = 1usize;
    let mut bv = i64::MIN;
    for (i, &v) in s.iter().enumerate().skip(1) {
        if v > bv {
            bv = v;
            best = i;
        }
    }
    best.min(s.len().saturating_sub(1))
}

/// Best label other than root and `except`.
#[inline]
fn best_label_except64(s: &[i64], except: usize) -> usize {
    let mut best = usize::MAX;
    let mut bv = i64::MIN;
    for (i, &v) in s.iter().enumerate().skip(1) {
        if i != except && (best == usize::MAX || v > bv) {
            bv = v;
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests;

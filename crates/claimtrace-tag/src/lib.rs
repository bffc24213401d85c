//! UPOS, morphological features and lemmas: averaged-perceptron tagger trained on UD.
//!
//! In: words (a [`Doc`]'s tokens, sentence by sentence, or a slice of gold CoNLL-U words).
//! Out: for every word its UPOS tag, its UD FEATS string (`""` for none) and its lemma.
//!
//! Three models run in turn over a sentence:
//! 1. **UPOS**: greedy left-to-right averaged perceptron over hashed features (word, affixes,
//!    shape, the word's ambiguity class from the training lexicon, neighbours, the two previous
//!    tags), optionally a second pass that also sees the first pass's tags of the next words.
//! 2. **FEATS**: one head per UD feature (Number, Tense, VerbForm…) sharing one weight row per
//!    hashed feature; each head only chooses among the values seen with the predicted UPOS.
//! 3. **Lemma**: a lexicon of training forms (by form + UPOS, then lowercased form + UPOS); for
//!    other words a classifier over suffix-rewrite rules learned from the treebank
//!    ([`lemma::Rule`]), restricted to the rules that fit the word and were seen with its UPOS.
//!
//! Model files are gzip'd (see [`claimtrace_ml::modelfile`]) with `i16` weights.

mod features;
pub mod lemma;
mod model;
mod train;

pub use claimtrace_ml::conllu;
pub use train::{TrainOptions, train, train_with_log};

use claimtrace_core::Doc;
use claimtrace_ml::conllu::Sentence;
use claimtrace_ml::modelfile;
use compact_str::CompactString;
use features::{Bufs, PAD, WordInfo};
use lemma::Rule;
use model::{Compact, Flat};
use rustc_hash::FxHashMap;
use std::io::{Read, Write};
use std::path::Path;

const MAGIC: &[u8; 8] = b"CTTAGGER";
const VERSION: u32 = 2;

/// The 17 UD UPOS tags, in the order the model numbers them (extra tags found in training data
/// are appended).
pub const UPOS: [&str; 17] = [
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X",
];

/// The tags of one word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tagged {
    pub upos: CompactString,
    /// `Number=Sing|Tense=Past`; empty for none.
    pub feats: CompactString,
    pub lemma: CompactString,
}

/// Accuracy on gold tokens (CoNLL 2018 definitions: UFeats compares the universal features
/// only, as a set; a gold lemma `_` matches anything) and speed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    pub words: usize,
    pub upos: f64,
    pub ufeats: f64,
    pub lemma: f64,
    /// UPOS accuracy on words whose lowercased form is not in the training lexicon.
    pub upos_unknown: f64,
    pub unknown_words: usize,
    /// Words tagged per second on one thread (tagging only, no file reading).
    pub tokens_per_sec: f64,
}

/// One UD feature the morphology model predicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub name: String,
    /// `values[0]` is "absent".
    pub values: Vec<String>,
    pub offset: usize,
}

/// A trained tagger.
#[derive(Debug, Clone, Default)]
pub struct Tagger {
    pub(crate) lang: String,
    pub(crate) tags: Vec<String>,
    /// Lowercased-form key → mask of tags seen.
    pub(crate) amb: FxHashMap<u64, u32>,
    pub(crate) upos1: Compact,
    /// Second pass with look-ahead tags, if trained.
    pub(crate) upos2: Option<Compact>,
    pub(crate) heads: Vec<Head>,
    /// `allowed[tag * cols + col]`.
    pub(crate) allowed: Vec<bool>,
    pub(crate) feats_model: Compact,
    pub(crate) lem_exact: FxHashMap<u64, Vec<(u8, u32)>>,
    pub(crate) lem_lower: FxHashMap<u64, Vec<(u8, u32)>>,
    pub(crate) lemmas: Vec<String>,
    /// `lemma_key(form or lowercase key, tag, exact)` → lemma: both lexicons in one flat map
    /// (one probe, lemma inline), built from `lem_exact` / `lem_lower` at load.
    pub(crate) lemma_index: FxHashMap<u64, CompactString>,
    pub(crate) rules: Vec<Rule>,
    /// Key (lower flag, removed suffix) → rules.
    pub(crate) rule_index: FxHashMap<u64, Vec<u32>>,
    /// Per rule: mask of the tags it was seen with.
    pub(crate) rule_tags: Vec<u32>,
    pub(crate) max_del: usize,
    pub(crate) lemma_model: Flat,
    /// Frequent words always seen with one tag (exact-form key → tag): no scoring needed.
    pub(crate) tagdict: FxHashMap<u64, u8>,
    /// (exact form, tag) seen often with one FEATS string → index in `feat_strings`.
    pub(crate) morphdict: FxHashMap<u64, u32>,
    pub(crate) feat_strings: Vec<String>,
    /// Frequent training forms whose per-role UPOS score vectors are cached at load.
    pub(crate) cache_forms: Vec<String>,
    /// Exact-form key → entry in `cache_vecs` (`entry × passes × ROLES × tags`).
    pub(crate) cache: FxHashMap<u64, u32>,
    pub(crate) cache_vecs: Vec<i32>,
    /// Frequent (form, tag) pairs whose own morphology feature sums are cached at load.
    pub(crate) morph_cache_forms: Vec<(String, u8)>,
    /// `morph_key` → entry in `morph_cache_vecs` (`entry × cols`).
    pub(crate) morph_cache: FxHashMap<u64, u32>,
    pub(crate) morph_cache_vecs: Vec<i32>,
    /// The training epoch this model comes from (0 when loaded from a file).
    pub(crate) epoch: usize,
}

pub(crate) fn morph_key(form: u64, tag: usize) -> u64 {
    claimtrace_ml::hash::mix(form, tag as u64 + 7)
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Reusable buffers for tagging one sentence.
#[derive(Debug, Default)]
struct Scratch {
    bufs: Bufs,
    w: Vec<WordInfo>,
    u: Vec<u64>,
    tags: Vec<u8>,
    first: Vec<u8>,
    /// Per padded word, per pass, per role: UPOS score vectors.
    gv: Vec<i32>,
    /// Per padded word: offset of its role vectors (see `tag_upos`).
    gref: Vec<usize>,
    feats: Vec<u64>,
    scores: Vec<i32>,
    fstr: String,
    lbuf: String,
    lout: String,
    cands: Vec<u32>,
}

/// Key of the flat lemma lexicon: a word key (exact form or lowercase), a tag, which lexicon.
pub(crate) fn lemma_key(key: u64, tag: usize, exact: bool) -> u64 {
    claimtrace_ml::hash::mix(key, (tag as u64) << 1 | exact as u64)
}

pub(crate) fn rule_key(lower: bool, del: &str) -> u64 {
    claimtrace_ml::hash::feat(3 + lower as u32, del)
}

fn argmax_masked(scores: &[i32], ok: impl Fn(usize) -> bool) -> usize {
    let mut best = usize::MAX;
    let mut bs = i32::MIN;
    for (i, &s) in scores.iter().enumerate() {
        if ok(i) && (best == usize::MAX || s > bs) {
            best = i;
            bs = s;
        }
    }
    if best == usize::MAX { 0 } else { best }
}

impl Tagger {
    /// Loads a model file's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, String> {
        let mut r = modelfile::open_bytes(bytes, MAGIC, VERSION)
            .map_err(|e| format!("tagger model: {e}"))?;
        Self::read_body(&mut r).map_err(|e| format!("tagger model: {e}"))
    }

    /// Loads a model file.
    pub fn load(path: impl AsRef<Path>) -> Result<Tagger, String> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Writes the model file (gzip'd).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), String> {
        let path = path.as_ref();
        modelfile::save(path, MAGIC, VERSION, |w| self.write_body(w))
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The epoch training kept (the best on dev, or the last); 0 for a loaded model.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// The language code given at training.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// Tags a document in place, sentence by sentence (the whole token list as one sentence
    /// when there is no sentence layer; tokens outside every sentence are tagged as their own
    /// stretches).
    pub fn tag(&self, doc: &mut Doc) {
        // One scratch per thread, reused from document to document; a fresh one if in use.
        SCRATCH.with(|c| match c.try_borrow_mut() {
            Ok(mut sc) => self.tag_with(doc, &mut sc),
            Err(_) => self.tag_with(doc, &mut Scratch::default()),
        });
    }

    fn tag_with(&self, doc: &mut Doc, sc: &mut Scratch) {
        let n = doc.tokens.len();
        let mut chunks = Vec::new();
        let mut pos = 0usize;
        for s in &doc.sentences {
            let (a, b) = (
                (s.token_start as usize).min(n),
                (s.token_end as usize).min(n),
            );
            if a < pos || b <= a {
                continue;
            }
            if a > pos {
                chunks.push((pos, a));
            }
            chunks.push((a, b));
            pos = b;
        }
        if pos < n {
            chunks.push((pos, n));
        }
        let mut out = Vec::new();
        for (a, b) in chunks {
            {
                let toks = doc.tokens.get(a..b).unwrap_or(&[]);
                let words: Vec<&str> = toks.iter().map(|t| t.form(&doc.text)).collect();
                out.clear();
                self.run(&words, sc, |_, t| out.push(t));
            }
            for (tok, t) in doc
                .tokens
                .get_mut(a..b)
                .unwrap_or(&mut [])
                .iter_mut()
                .zip(out.drain(..))
            {
                tok.upos = t.upos;
                tok.feats = t.feats;
                tok.lemma = t.lemma;
            }
        }
    }

    /// Tags one sentence of words.
    pub fn tag_words(&self, words: &[&str]) -> Vec<Tagged> {
        let mut sc = Scratch::default();
        let mut out = Vec::with_capacity(words.len());
        self.run(words, &mut sc, |_, t| out.push(t));
        out
    }

    /// The core: tags `words`, calling `emit(i, tags)` for each word in order.
    fn run(&self, words: &[&str], sc: &mut Scratch, mut emit: impl FnMut(usize, Tagged)) {
        if words.is_empty() {
            return;
        }
        self.prepare(words, sc);
        self.tag_upos(sc);
        self.finish(words, sc, &mut emit);
    }

    #[inline(never)]
    fn prepare(&self, words: &[&str], sc: &mut Scratch) {
        sc.w.clear();
        sc.w.push(features::sentinel(1));
        sc.w.push(features::sentinel(2));
        for w in words {
            let mut wi = features::word_info(w, &mut sc.bufs);
            wi.amb = self.amb.get(&wi.lower).copied().unwrap_or(0);
            sc.w.push(wi);
        }
        sc.w.push(features::sentinel(3));
        sc.w.push(features::sentinel(4));
    }

    fn passes(&self) -> usize {
        1 + self.upos2.is_some() as usize
    }

    fn pass_model(&self, pass: usize) -> &Compact {
        match (pass, &self.upos2) {
            (1, Some(m)) => m,
            _ => &self.upos1,
        }
    }

    /// Fills `out` (length `passes × ROLES × tags`) with the role score vectors of one word.
    fn role_vectors(&self, wi: &WordInfo, feats: &mut Vec<u64>, out: &mut [i32]) {
        let nt = self.tags.len();
        out.fill(0);
        for pass in 0..self.passes() {
            let m = self.pass_model(pass);
            for role in 0..features::ROLES {
                feats.clear();
                features::upos_role(wi, role, feats);
                let o = (pass * features::ROLES + role) * nt;
                if let Some(v) = out.get_mut(o..o + nt) {
                    m.score(feats, v);
                }
            }
        }
    }

    /// Precomputes the role vectors of `cache_forms`.
    pub(crate) fn build_cache(&mut self) {
        let stride = self.passes() * features::ROLES * self.tags.len();
        let mut bufs = Bufs::default();
        let mut feats = Vec::new();
        let n = self.cache_forms.len() + 4;
        let mut vecs = vec![0i32; stride * n];
        let mut cache = FxHashMap::default();
        let infos = (1..=4)
            .map(features::sentinel)
            .chain(self.cache_forms.iter().map(|f| {
                let mut wi = features::word_info(f, &mut bufs);
                wi.amb = self.amb.get(&wi.lower).copied().unwrap_or(0);
                wi
            }));
        for (i, wi) in infos.enumerate() {
            if let Some(out) = vecs.get_mut(i * stride..(i + 1) * stride) {
                self.role_vectors(&wi, &mut feats, out);
            }
            cache.insert(wi.form, i as u32);
        }
        self.cache = cache;
        self.cache_vecs = vecs;
        let cols = self.feats_model.cols;
        let mut mvecs = vec![0i32; cols * self.morph_cache_forms.len()];
        let mut mcache = FxHashMap::default();
        for (i, (f, t)) in self.morph_cache_forms.iter().enumerate() {
            let mut wi = features::word_info(f, &mut bufs);
            wi.amb = self.amb.get(&wi.lower).copied().unwrap_or(0);
            feats.clear();
            features::feats_self(&wi, *t as u64, &mut feats);
            if let Some(out) = mvecs.get_mut(i * cols..(i + 1) * cols) {
                self.feats_model.score(&feats, out);
            }
            mcache.insert(morph_key(wi.form, *t as usize), i as u32);
        }
        self.morph_cache = mcache;
        self.morph_cache_vecs = mvecs;
    }

    /// Greedy UPOS tagging of `sc.w` into `sc.tags`.
    #[inline(never)]
    fn tag_upos(&self, sc: &mut Scratch) {
        let n = sc.w.len() - 2 * PAD;
        let nt = self.tags.len();
        let stride = self.passes() * features::ROLES * nt;
        // Role vectors: from the cache for frequent words (offsets below `cache_vecs.len()`),
        // computed into `sc.gv` for the others (offsets past it).
        let base = self.cache_vecs.len();
        sc.gv.clear();
        sc.gref.clear();
        for q in 0..sc.w.len() {
            let wi = sc.w[q];
            match self.cache.get(&wi.form) {
                Some(&e) if (e as usize + 1) * stride <= base => sc.gref.push(e as usize * stride),
                _ => {
                    let o = sc.gv.len();
                    sc.gv.resize(o + stride, 0);
                    self.role_vectors(&wi, &mut sc.feats, &mut sc.gv[o..]);
                    sc.gref.push(base + o);
                }
            }
        }
        sc.tags.clear();
        sc.tags.resize(n, 0);
        sc.first.clear();
        for pass in 0..self.passes() {
            let model = self.pass_model(pass);
            if pass == 1 {
                sc.first.clone_from(&sc.tags);
            }
            for i in 0..n {
                let p = i + PAD;
                if let Some(&t) = self.tagdict.get(&sc.w[p].form) {
                    sc.tags[i] = t;
                    continue;
                }
                sc.scores.clear();
                sc.scores.resize(nt, 0);
                for (role, d) in features::ROLE_OFFSET.iter().enumerate() {
                    let q = (p as isize + d) as usize;
                    let o =
                        sc.gref.get(q).copied().unwrap_or(0) + (pass * features::ROLES + role) * nt;
                    let v = if o >= base {
                        sc.gv.get(o - base..o - base + nt)
                    } else {
                        self.cache_vecs.get(o..o + nt)
                    };
                    if let Some(v) = v {
                        for (s, x) in sc.scores.iter_mut().zip(v) {
                            *s += *x;
                        }
                    }
                }
                sc.feats.clear();
                features::upos_pairs(&sc.w, p, &mut sc.feats);
                let t1 = if i >= 1 { sc.tags[i - 1] as u64 } else { 98 };
                let t2 = if i >= 2 { sc.tags[i - 2] as u64 } else { 98 };
                let c = sc.w[p];
                features::upos_dynamic(&c, t1, t2, &mut sc.feats);
                if pass == 1 {
                    let n1 = sc.first.get(i + 1).map_or(97, |&t| t as u64);
                    let n2 = sc.first.get(i + 2).map_or(97, |&t| t as u64);
                    features::upos_lookahead(&c, n1, n2, t1, &mut sc.feats);
                }
                model.score(&sc.feats, &mut sc.scores);
                sc.tags[i] = argmax_masked(&sc.scores, |_| true) as u8;
            }
        }
    }

    /// Morphology and lemmas once `sc.tags` is set; emits the results.
    #[inline(never)]
    fn finish(&self, words: &[&str], sc: &mut Scratch, emit: &mut impl FnMut(usize, Tagged)) {
        sc.u.clear();
        sc.u.extend([98, 98]);
        sc.u.extend(sc.tags.iter().map(|&t| t as u64));
        sc.u.extend([97, 97]);
        let cols = self.feats_model.cols;
        for (i, word) in words.iter().enumerate() {
            let p = i + PAD;
            let tag = sc.tags[i] as usize;
            // Morphology.
            if let Some(f) = self
                .morphdict
                .get(&morph_key(sc.w[p].form, tag))
                .and_then(|&k| self.feat_strings.get(k as usize))
            {
                sc.fstr.clear();
                sc.fstr.push_str(f);
                self.emit_word(word, p, tag, sc, emit, i);
                continue;
            }
            sc.feats.clear();
            let cached = self
                .morph_cache
                .get(&morph_key(sc.w[p].form, tag))
                .and_then(|&e| {
                    let e = e as usize;
                    self.morph_cache_vecs.get(e * cols..(e + 1) * cols)
                });
            sc.scores.clear();
            match cached {
                Some(v) => sc.scores.extend_from_slice(v),
                None => {
                    sc.scores.resize(cols, 0);
                    features::feats_self(&sc.w[p], tag as u64, &mut sc.feats);
                }
            }
            features::feats_context(&sc.w, &sc.u, p, &mut sc.feats);
            let allowed = self
                .allowed
                .get(tag * cols..(tag + 1) * cols)
                .unwrap_or(&[]);
            let any = self.heads.iter().any(|h| {
                allowed
                    .get(h.offset + 1..h.offset + h.values.len())
                    .is_some_and(|a| a.iter().any(|&x| x))
            });
            if any {
                self.feats_model.score(&sc.feats, &mut sc.scores);
            }
            sc.fstr.clear();
            for h in &self.heads {
                let seg = sc
                    .scores
                    .get(h.offset..h.offset + h.values.len())
                    .unwrap_or(&[]);
                let al = allowed
                    .get(h.offset..h.offset + h.values.len())
                    .unwrap_or(&[]);
                if !al.iter().skip(1).any(|&x| x) {
                    continue;
                }
                let v = argmax_masked(seg, |j| al.get(j).copied().unwrap_or(false));
                if v > 0
                    && let Some(val) = h.values.get(v)
                {
                    if !sc.fstr.is_empty() {
                        sc.fstr.push('|');
                    }
                    sc.fstr.push_str(&h.name);
                    sc.fstr.push('=');
                    sc.fstr.push_str(val);
                }
            }
            self.emit_word(word, p, tag, sc, emit, i);
        }
    }

    /// Lemma of word `i` (padded index `p`) once `sc.fstr` holds its FEATS; emits the word.
    fn emit_word(
        &self,
        word: &str,
        p: usize,
        tag: usize,
        sc: &mut Scratch,
        emit: &mut impl FnMut(usize, Tagged),
        i: usize,
    ) {
        let feats = CompactString::from(sc.fstr.as_str());
        let fh = claimtrace_ml::hash::feat(5, &sc.fstr);
        let wi = sc.w[p];
        let lemma = self.lemma_of(word, &wi, tag, fh, sc);
        emit(
            i,
            Tagged {
                upos: CompactString::from(self.tags.get(tag).map_or("X", |s| s.as_str())),
                feats,
                lemma,
            },
        );
    }

    fn lexicon_lemma(&self, key: u64, tag: usize, exact: bool) -> Option<&CompactString> {
        self.lemma_index.get(&lemma_key(key, tag, exact))
    }

    #[inline(never)]
    fn lemma_of(
        &self,
        word: &str,
        wi: &WordInfo,
        tag: usize,
        fh: u64,
        sc: &mut Scratch,
    ) -> CompactString {
        if let Some(l) = self
            .lexicon_lemma(wi.form, tag, true)
            .or_else(|| self.lexicon_lemma(wi.lower, tag, false))
        {
            return l.clone();
        }
        // Candidate rules: those whose removed suffix ends the word and that were seen with
        // this tag.
        self.candidates(word, tag, &mut sc.cands, &mut sc.lbuf);
        if sc.cands.is_empty() {
            return CompactString::from(word);
        }
        sc.feats.clear();
        features::lemma_features(wi, tag as u64, fh, &mut sc.feats);
        let mut best = (f32::MIN, u32::MAX);
        for &r in &sc.cands {
            let s = self.lemma_model.score(&sc.feats, r);
            if best.1 == u32::MAX || s > best.0 {
                best = (s, r);
            }
        }
        match self.rules.get(best.1 as usize) {
            Some(rule) if lemma::apply(rule, word, &mut sc.lbuf, &mut sc.lout) => {
                CompactString::from(sc.lout.as_str())
            }
            _ => CompactString::from(word),
        }
    }

    /// Rules applicable to `word` and seen with `tag`.
    pub(crate) fn candidates(&self, word: &str, tag: usize, out: &mut Vec<u32>, lbuf: &mut String) {
        out.clear();
        let bit = 1u32.checked_shl(tag as u32).unwrap_or(0);
        lemma::lowercase_into(word, lbuf);
        let lower_differs = lbuf.as_str() != word;
        for (lower, base) in [(false, word), (true, lbuf.as_str())] {
            // Rules learned from lowercase words never lowercase (see `lemma::derive`).
            if lower && !lower_differs {
                continue;
            }
            let mut starts: [usize; 16] = [base.len(); 16];
            let mut k = 1;
            for (i, _) in base.char_indices().rev() {
                if k > self.max_del || k >= starts.len() {
                    break;
                }
                starts[k] = i;
                k += 1;
            }
            for &s in starts.iter().take(k) {
                let del = base.get(s..).unwrap_or("");
                if let Some(rs) = self.rule_index.get(&rule_key(lower, del)) {
                    for &r in rs {
                        if self.rule_tags.get(r as usize).is_some_and(|m| m & bit != 0) {
                            out.push(r);
                        }
                    }
                }
            }
        }
    }

    /// UPOS, UFeats and Lemma accuracy on gold-tokenised sentences, and tagging speed.
    pub fn evaluate(&self, sents: &[Sentence]) -> Scores {
        let mut sc = Scratch::default();
        let mut results: Vec<Vec<Tagged>> = Vec::with_capacity(sents.len());
        let start = std::time::Instant::now();
        for s in sents {
            let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            let mut out = Vec::with_capacity(words.len());
            self.run(&words, &mut sc, |_, t| out.push(t));
            results.push(out);
        }
        let secs = start.elapsed().as_secs_f64();
        let (mut n, mut up, mut uf, mut lm, mut unk, mut unk_ok) =
            (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
        let mut lb = String::new();
        for (s, out) in sents.iter().zip(&results) {
            for (w, t) in s.words.iter().zip(out) {
                n += 1;
                let ok = w.upos == t.upos;
                up += ok as usize;
                uf += (ufeats(&w.feats) == ufeats(&t.feats)) as usize;
                lm += (w.lemma == "_" || w.lemma == t.lemma) as usize;
                lemma::lowercase_into(&w.form, &mut lb);
                if !self.amb.contains_key(&features::lower_key(&lb)) {
                    unk += 1;
                    unk_ok += ok as usize;
                }
            }
        }
        let r = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        Scores {
            words: n,
            upos: r(up, n),
            ufeats: r(uf, n),
            lemma: r(lm, n),
            upos_unknown: r(unk_ok, unk),
            unknown_words: unk,
            tokens_per_sec: if secs > 0.0 { n as f64 / secs } else { 0.0 },
        }
    }

    fn write_body(&self, w: &mut dyn Write) -> std::io::Result<()> {
        use modelfile::write_str;
        write_str(w, &self.lang)?;
        w.write_all(&(self.tags.len() as u32).to_le_bytes())?;
        for t in &self.tags {
            write_str(w, t)?;
        }
        let mut amb: Vec<(u64, u32)> = self.amb.iter().map(|(&k, &v)| (k, v)).collect();
        amb.sort_unstable();
        w.write_all(&(amb.len() as u32).to_le_bytes())?;
        for (k, v) in amb {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&v.to_le_bytes())?;
        }
        self.upos1.write_to(w)?;
        w.write_all(&[self.upos2.is_some() as u8])?;
        if let Some(m) = &self.upos2 {
            m.write_to(w)?;
        }
        w.write_all(&(self.heads.len() as u32).to_le_bytes())?;
        for h in &self.heads {
            write_str(w, &h.name)?;
            w.write_all(&(h.offset as u32).to_le_bytes())?;
            w.write_all(&(h.values.len() as u32).to_le_bytes())?;
            for v in &h.values {
                write_str(w, v)?;
            }
        }
        let bits: Vec<u8> = self.allowed.iter().map(|&b| b as u8).collect();
        w.write_all(&(bits.len() as u32).to_le_bytes())?;
        w.write_all(&bits)?;
        self.feats_model.write_to(w)?;
        w.write_all(&(self.lemmas.len() as u32).to_le_bytes())?;
        for l in &self.lemmas {
            write_str(w, l)?;
        }
        for map in [&self.lem_exact, &self.lem_lower] {
            let mut v: Vec<_> = map.iter().collect();
            v.sort_unstable_by_key(|(k, _)| **k);
            w.write_all(&(v.len() as u32).to_le_bytes())?;
            for (k, es) in v {
                w.write_all(&k.to_le_bytes())?;
                w.write_all(&[es.len().min(255) as u8])?;
                for &(t, l) in es.iter().take(255) {
                    w.write_all(&[t])?;
                    w.write_all(&l.to_le_bytes())?;
                }
            }
        }
        w.write_all(&(self.rules.len() as u32).to_le_bytes())?;
        for (r, m) in self.rules.iter().zip(&self.rule_tags) {
            w.write_all(&[r.lower as u8])?;
            write_str(w, &r.del)?;
            write_str(w, &r.add)?;
            w.write_all(&m.to_le_bytes())?;
        }
        self.lemma_model.write_to(w)?;
        let mut td: Vec<(u64, u8)> = self.tagdict.iter().map(|(&k, &v)| (k, v)).collect();
        td.sort_unstable();
        w.write_all(&(td.len() as u32).to_le_bytes())?;
        for (k, v) in td {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&[v])?;
        }
        w.write_all(&(self.feat_strings.len() as u32).to_le_bytes())?;
        for f in &self.feat_strings {
            write_str(w, f)?;
        }
        let mut md: Vec<(u64, u32)> = self.morphdict.iter().map(|(&k, &v)| (k, v)).collect();
        md.sort_unstable();
        w.write_all(&(md.len() as u32).to_le_bytes())?;
        for (k, v) in md {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&v.to_le_bytes())?;
        }
        w.write_all(&(self.cache_forms.len() as u32).to_le_bytes())?;
        for f in &self.cache_forms {
            write_str(w, f)?;
        }
        w.write_all(&(self.morph_cache_forms.len() as u32).to_le_bytes())?;
        for (f, t) in &self.morph_cache_forms {
            write_str(w, f)?;
            w.write_all(&[*t])?;
        }
        Ok(())
    }

    fn read_body(r: &mut impl Read) -> std::io::Result<Tagger> {
        use claimtrace_ml::perceptron::{read_u32, read_u64};
        use model::bad;
        use modelfile::read_str;
        let count =
            |r: &mut dyn FnMut() -> std::io::Result<u32>, max: u32| -> std::io::Result<usize> {
                let n = r()?;
                if n > max {
                    return Err(bad("count is corrupt"));
                }
                Ok(n as usize)
            };
        let lang = read_str(r)?;
        let nt = count(&mut || read_u32(r), 32)?;
        let mut tags = Vec::with_capacity(nt);
        for _ in 0..nt {
            tags.push(read_str(r)?);
        }
        let na = count(&mut || read_u32(r), 1 << 26)?;
        let mut amb = FxHashMap::default();
        amb.reserve(na);
        for _ in 0..na {
            let k = read_u64(r)?;
            let v = read_u32(r)?;
            amb.insert(k, v);
        }
        let upos1 = Compact::read_from(r)?;
        let mut b = [0u8; 1];
        r.read_exact(&mut b)?;
        let upos2 = if b[0] == 1 {
            Some(Compact::read_from(r)?)
        } else {
            None
        };
        for m in std::iter::once(&upos1).chain(upos2.as_ref()) {
            if m.cols != nt {
                return Err(bad("UPOS table does not match the tag set"));
            }
        }
        let nh = count(&mut || read_u32(r), 1 << 12)?;
        let mut heads = Vec::with_capacity(nh);
        for _ in 0..nh {
            let name = read_str(r)?;
            let offset = read_u32(r)? as usize;
            let nv = count(&mut || read_u32(r), 1 << 12)?;
            let mut values = Vec::with_capacity(nv);
            for _ in 0..nv {
                values.push(read_str(r)?);
            }
            heads.push(Head {
                name,
                values,
                offset,
            });
        }
        let nb = count(&mut || read_u32(r), 1 << 24)?;
        let mut bits = vec![0u8; nb];
        r.read_exact(&mut bits)?;
        let allowed: Vec<bool> = bits.iter().map(|&x| x != 0).collect();
        let feats_model = Compact::read_from(r)?;
        if allowed.len() != nt * feats_model.cols
            || heads
                .iter()
                .any(|h| h.offset + h.values.len() > feats_model.cols)
        {
            return Err(bad("morphology tables do not match"));
        }
        let nl = count(&mut || read_u32(r), 1 << 26)?;
        let mut lemmas = Vec::with_capacity(nl);
        for _ in 0..nl {
            lemmas.push(read_str(r)?);
        }
        let mut maps = Vec::new();
        for _ in 0..2 {
            let n = count(&mut || read_u32(r), 1 << 26)?;
            let mut m: FxHashMap<u64, Vec<(u8, u32)>> = FxHashMap::default();
            m.reserve(n);
            for _ in 0..n {
                let k = read_u64(r)?;
                r.read_exact(&mut b)?;
                let mut es = Vec::with_capacity(b[0] as usize);
                for _ in 0..b[0] {
                    let mut t = [0u8; 1];
                    r.read_exact(&mut t)?;
                    es.push((t[0], read_u32(r)?));
                }
                m.insert(k, es);
            }
            maps.push(m);
        }
        let lem_lower = maps.pop().unwrap_or_default();
        let lem_exact = maps.pop().unwrap_or_default();
        let nr = count(&mut || read_u32(r), 1 << 24)?;
        let mut rules = Vec::with_capacity(nr);
        let mut rule_tags = Vec::with_capacity(nr);
        for _ in 0..nr {
            r.read_exact(&mut b)?;
            let del = read_str(r)?;
            let add = read_str(r)?;
            rules.push(Rule {
                lower: b[0] != 0,
                del,
                add,
            });
            rule_tags.push(read_u32(r)?);
        }
        let lemma_model = Flat::read_from(r)?;
        let n = count(&mut || read_u32(r), 1 << 26)?;
        let mut tagdict = FxHashMap::default();
        for _ in 0..n {
            let k = read_u64(r)?;
            r.read_exact(&mut b)?;
            if b[0] as usize >= nt {
                return Err(bad("tag dictionary entry out of range"));
            }
            tagdict.insert(k, b[0]);
        }
        let n = count(&mut || read_u32(r), 1 << 20)?;
        let mut feat_strings = Vec::with_capacity(n);
        for _ in 0..n {
            feat_strings.push(read_str(r)?);
        }
        let n = count(&mut || read_u32(r), 1 << 26)?;
        let mut morphdict = FxHashMap::default();
        for _ in 0..n {
            let k = read_u64(r)?;
            morphdict.insert(k, read_u32(r)?);
        }
        let n = count(&mut || read_u32(r), 1 << 22)?;
        let mut cache_forms = Vec::with_capacity(n);
        for _ in 0..n {
            cache_forms.push(read_str(r)?);
        }
        let n = count(&mut || read_u32(r), 1 << 22)?;
        let mut morph_cache_forms = Vec::with_capacity(n);
        for _ in 0..n {
            let f = read_str(r)?;
            r.read_exact(&mut b)?;
            morph_cache_forms.push((f, b[0]));
        }
        let mut t = Tagger {
            epoch: 0,
            morph_cache_forms,
            morph_cache: FxHashMap::default(),
            morph_cache_vecs: Vec::new(),
            cache_forms,
            cache: FxHashMap::default(),
            cache_vecs: Vec::new(),
            tagdict,
            morphdict,
            feat_strings,
            lang,
            tags,
            amb,
            upos1,
            upos2,
            heads,
            allowed,
            feats_model,
            lem_exact,
            lem_lower,
            lemmas,
            lemma_index: FxHashMap::default(),
            rules,
            rule_index: FxHashMap::default(),
            rule_tags,
            max_del: 0,
            lemma_model,
        };
        t.index_rules();
        t.build_cache();
        Ok(t)
    }

    pub(crate) fn index_rules(&mut self) {
        self.lemma_index.clear();
        for (map, exact) in [(&self.lem_exact, true), (&self.lem_lower, false)] {
            for (&k, v) in map {
                for &(t, l) in v {
                    if let Some(lemma) = self.lemmas.get(l as usize) {
                        self.lemma_index
                            .insert(lemma_key(k, t as usize, exact), CompactString::from(lemma));
                    }
                }
            }
        }
        self.rule_index.clear();
        self.max_del = 0;
        for (i, r) in self.rules.iter().enumerate() {
            self.rule_index
                .entry(rule_key(r.lower, &r.del))
                .or_default()
                .push(i as u32);
            self.max_del = self.max_del.max(r.del.chars().count());
        }
        self.max_del = self.max_del.min(14);
    }
}

/// UD's universal features (the CoNLL 2018 evaluation compares only these).
const UNIVERSAL_FEATURES: [&str; 21] = [
    "PronType", "NumType", "Poss", "Reflex", "Foreign", "Abbr", "Gender", "Animacy", "Number",
    "Case", "Definite", "Degree", "VerbForm", "Mood", "Tense", "Aspect", "Voice", "Evident",
    "Polarity", "Person", "Polite",
];

/// The universal features of a FEATS string, sorted (`_` = none).
pub fn ufeats(f: &str) -> Vec<&str> {
    let mut v: Vec<&str> = f
        .split('|')
        .filter(|x| {
            x.split_once('=')
                .is_some_and(|(k, _)| UNIVERSAL_FEATURES.contains(&k))
        })
        .collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests;

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
//! Weights are `i16` tables of the claimtrace-ml kernel; the model file (see
//! [`claimtrace_ml::blob`]) also holds the lexicons as frozen hash maps and the precomputed
//! score vectors of frequent words, so that a bundled model is read in place, not rebuilt.

mod features;
pub mod lemma;
mod model;
mod train;

pub use claimtrace_ml::conllu;
pub use train::{TrainOptions, train, train_with_log};

use claimtrace_core::Doc;
use claimtrace_ml::blob::{Bytes, Meta, Reader, Writer};
use claimtrace_ml::conllu::Sentence;
use claimtrace_ml::map::U64Map;
use claimtrace_ml::table::Table;
pub use claimtrace_ml::{Error, Result as MlResult};
use compact_str::CompactString;
use features::{Bufs, PAD, WordInfo};
use lemma::Rule;
use model::Lemma;
use rustc_hash::FxHashMap;
use std::path::Path;

const MAGIC: &[u8; 8] = b"CTTAGGER";
/// Version 3: the claimtrace-ml kernel's file (tables, lexicons and caches read in place);
/// version 2 was gzip'd and rebuilt its lexicons and caches at every load.
const VERSION: u32 = 3;

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
    pub(crate) amb: U64Map,
    pub(crate) upos1: Table<i16>,
    /// Second pass with look-ahead tags, if trained.
    pub(crate) upos2: Option<Table<i16>>,
    pub(crate) heads: Vec<Head>,
    /// `allowed[tag * cols + col]`.
    pub(crate) allowed: Vec<bool>,
    pub(crate) feats_model: Table<i16>,
    /// Training only (the sources of `lemma_index`; empty in a loaded model).
    pub(crate) lem_exact: FxHashMap<u64, Vec<(u8, u32)>>,
    pub(crate) lem_lower: FxHashMap<u64, Vec<(u8, u32)>>,
    pub(crate) lemmas: Vec<String>,
    /// `lemma_key(form or lowercase key, tag, exact)` → lemma (`offset << 32 | length` in
    /// `lemma_text`): both lexicons in one frozen map, built by `index_rules`.
    pub(crate) lemma_index: U64Map,
    pub(crate) lemma_text: Bytes,
    pub(crate) rules: Vec<Rule>,
    /// Key (lower flag, removed suffix) → rules (`offset << 32 | count` in `rule_lists`,
    /// `u32` rule numbers).
    pub(crate) rule_index: U64Map,
    pub(crate) rule_lists: Bytes,
    /// Per rule: mask of the tags it was seen with.
    pub(crate) rule_tags: Vec<u32>,
    pub(crate) max_del: usize,
    pub(crate) lemma_model: Lemma,
    /// Frequent words always seen with one tag (exact-form key → tag): no scoring needed.
    pub(crate) tagdict: U64Map,
    /// (exact form, tag) seen often with one FEATS string → index in `feat_strings`.
    pub(crate) morphdict: U64Map,
    pub(crate) feat_strings: Vec<String>,
    /// Training only: frequent training forms whose per-role UPOS score vectors are cached
    /// (`build_cache`; the cache itself is saved).
    pub(crate) cache_forms: Vec<String>,
    /// Exact-form key → entry in `cache_vecs` (`entry × passes × ROLES × tags` `i32`).
    pub(crate) cache: U64Map,
    pub(crate) cache_vecs: Bytes,
    /// Training only: frequent (form, tag) pairs whose own morphology feature sums are cached.
    pub(crate) morph_cache_forms: Vec<(String, u8)>,
    /// `morph_key` → entry in `morph_cache_vecs` (`entry × cols` `i32`).
    pub(crate) morph_cache: U64Map,
    pub(crate) morph_cache_vecs: Bytes,
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
    /// Reads a model from bytes that live for the whole program (the bundled models): its
    /// tables, lexicons and caches are read in place when the bytes are 64-byte aligned.
    pub fn from_static(bytes: &'static [u8]) -> MlResult<Tagger> {
        Tagger::read(Reader::open_static(bytes, MAGIC, VERSION)?)
    }

    /// Reads a model file's bytes (gzip'd or not; one aligned copy).
    pub fn from_bytes(bytes: &[u8]) -> MlResult<Tagger> {
        Tagger::read(Reader::open_bytes(bytes, MAGIC, VERSION)?)
    }

    /// Loads a model file.
    pub fn load(path: impl AsRef<Path>) -> MlResult<Tagger> {
        Tagger::read(Reader::open_path(path.as_ref(), MAGIC, VERSION)?)
    }

    /// Writes the model file.
    pub fn save(&self, path: impl AsRef<Path>) -> MlResult<()> {
        let path = path.as_ref();
        claimtrace_ml::blob::save_file(path, &self.to_bytes())
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
            wi.amb = self.amb.get(wi.lower).map_or(0, |v| v as u32);
            sc.w.push(wi);
        }
        sc.w.push(features::sentinel(3));
        sc.w.push(features::sentinel(4));
    }

    fn passes(&self) -> usize {
        1 + self.upos2.is_some() as usize
    }

    fn pass_model(&self, pass: usize) -> &Table<i16> {
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
                    m.sum_into(feats, v);
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
        let mut cache = Vec::with_capacity(n);
        let infos = (1..=4)
            .map(features::sentinel)
            .chain(self.cache_forms.iter().map(|f| {
                let mut wi = features::word_info(f, &mut bufs);
                wi.amb = self.amb.get(wi.lower).map_or(0, |v| v as u32);
                wi
            }));
        for (i, wi) in infos.enumerate() {
            if let Some(out) = vecs.get_mut(i * stride..(i + 1) * stride) {
                self.role_vectors(&wi, &mut feats, out);
            }
            cache.push((wi.form, i as u64));
        }
        self.cache = U64Map::build(cache);
        self.cache_vecs = i32_bytes(&vecs);
        let cols = self.feats_model.cols();
        let mut mvecs = vec![0i32; cols * self.morph_cache_forms.len()];
        let mut mcache = Vec::with_capacity(self.morph_cache_forms.len());
        for (i, (f, t)) in self.morph_cache_forms.iter().enumerate() {
            let mut wi = features::word_info(f, &mut bufs);
            wi.amb = self.amb.get(wi.lower).map_or(0, |v| v as u32);
            feats.clear();
            features::feats_self(&wi, *t as u64, &mut feats);
            if let Some(out) = mvecs.get_mut(i * cols..(i + 1) * cols) {
                self.feats_model.sum_into(&feats, out);
            }
            mcache.push((morph_key(wi.form, *t as usize), i as u64));
        }
        self.morph_cache = U64Map::build(mcache);
        self.morph_cache_vecs = i32_bytes(&mvecs);
    }

    /// Greedy UPOS tagging of `sc.w` into `sc.tags`.
    #[inline(never)]
    fn tag_upos(&self, sc: &mut Scratch) {
        let n = sc.w.len() - 2 * PAD;
        let nt = self.tags.len();
        let stride = self.passes() * features::ROLES * nt;
        // Role vectors: from the cache for frequent words (offsets below `cache_vecs.len()`),
        // computed into `sc.gv` for the others (offsets past it).
        let cached = self.cache_vecs.as_slice();
        let base = cached.len() / 4;
        sc.gv.clear();
        sc.gref.clear();
        for q in 0..sc.w.len() {
            let wi = sc.w[q];
            match self.cache.get(wi.form) {
                Some(e) if (e as usize + 1) * stride <= base => sc.gref.push(e as usize * stride),
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
                if let Some(t) = self.tagdict.get(sc.w[p].form) {
                    sc.tags[i] = t as u8;
                    continue;
                }
                sc.scores.clear();
                sc.scores.resize(nt, 0);
                for (role, d) in features::ROLE_OFFSET.iter().enumerate() {
                    let q = (p as isize + d) as usize;
                    let o =
                        sc.gref.get(q).copied().unwrap_or(0) + (pass * features::ROLES + role) * nt;
                    if o >= base {
                        if let Some(v) = sc.gv.get(o - base..o - base + nt) {
                            for (s, x) in sc.scores.iter_mut().zip(v) {
                                *s += *x;
                            }
                        }
                    } else if let Some(v) = cached.get(o * 4..(o + nt) * 4) {
                        add_i32s(&mut sc.scores, v);
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
                model.sum_into(&sc.feats, &mut sc.scores);
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
        let cols = self.feats_model.cols();
        let mvecs = self.morph_cache_vecs.as_slice();
        for (i, word) in words.iter().enumerate() {
            let p = i + PAD;
            let tag = sc.tags[i] as usize;
            // Morphology.
            if let Some(f) = self
                .morphdict
                .get(morph_key(sc.w[p].form, tag))
                .and_then(|k| self.feat_strings.get(k as usize))
            {
                sc.fstr.clear();
                sc.fstr.push_str(f);
                self.emit_word(word, p, tag, sc, emit, i);
                continue;
            }
            sc.feats.clear();
            let cached = self
                .morph_cache
                .get(morph_key(sc.w[p].form, tag))
                .and_then(|e| {
                    let e = e as usize;
                    mvecs.get(e * cols * 4..(e + 1) * cols * 4)
                });
            sc.scores.clear();
            match cached {
                Some(v) => {
                    sc.scores.resize(cols, 0);
                    add_i32s(&mut sc.scores, v);
                }
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
                self.feats_model.sum_into(&sc.feats, &mut sc.scores);
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

    fn lexicon_lemma(&self, key: u64, tag: usize, exact: bool) -> Option<&str> {
        let v = self.lemma_index.get(lemma_key(key, tag, exact))?;
        let (o, n) = ((v >> 32) as usize, (v & 0xffff_ffff) as usize);
        std::str::from_utf8(self.lemma_text.as_slice().get(o..o + n)?).ok()
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
            return CompactString::from(l);
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
                if let Some(v) = self.rule_index.get(rule_key(lower, del)) {
                    let (o, n) = ((v >> 32) as usize, (v & 0xffff_ffff) as usize);
                    let rs = self
                        .rule_lists
                        .as_slice()
                        .get(o * 4..(o + n) * 4)
                        .unwrap_or(&[]);
                    for r in rs.chunks_exact(4) {
                        let r = u32::from_le_bytes([r[0], r[1], r[2], r[3]]);
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
                if !self.amb.contains_key(features::lower_key(&lb)) {
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

    /// The model file's bytes: a metadata block (tags, heads, the allowed columns, rules,
    /// FEATS strings), the frozen lexicons and caches, then the weight tables.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION);
        let mut m = Meta::default();
        m.str(&self.lang).u32(self.tags.len() as u32);
        for t in &self.tags {
            m.str(t);
        }
        m.u32(self.heads.len() as u32);
        for h in &self.heads {
            m.str(&h.name)
                .u32(h.offset as u32)
                .u32(h.values.len() as u32);
            for v in &h.values {
                m.str(v);
            }
        }
        m.u32(self.allowed.len() as u32);
        for &a in &self.allowed {
            m.u8(a as u8);
        }
        m.u32(self.rules.len() as u32);
        for (r, t) in self.rules.iter().zip(&self.rule_tags) {
            m.u8(r.lower as u8).str(&r.del).str(&r.add).u32(*t);
        }
        m.u32(self.max_del as u32);
        m.u32(self.feat_strings.len() as u32);
        for f in &self.feat_strings {
            m.str(f);
        }
        m.u8(self.upos2.is_some() as u8);
        w.block(m);
        for map in [&self.amb, &self.tagdict, &self.morphdict] {
            map.write(&mut w);
        }
        self.lemma_index.write(&mut w);
        w.block(self.lemma_text.as_slice().to_vec());
        self.rule_index.write(&mut w);
        w.block(self.rule_lists.as_slice().to_vec());
        self.cache.write(&mut w);
        w.block(self.cache_vecs.as_slice().to_vec());
        self.morph_cache.write(&mut w);
        w.block(self.morph_cache_vecs.as_slice().to_vec());
        self.upos1.write(&mut w);
        if let Some(t) = &self.upos2 {
            t.write(&mut w);
        }
        self.feats_model.write(&mut w);
        self.lemma_model.quantised().write(&mut w);
        w.finish()
    }

    fn read(mut r: Reader) -> MlResult<Tagger> {
        let bad = |m: &str| Error::corrupt(format!("tagger: {m}"));
        let mut m = r.meta()?;
        let lang = m.str()?.to_string();
        let nt = m.count(32)?;
        let mut tags = Vec::with_capacity(nt);
        for _ in 0..nt {
            tags.push(m.str()?.to_string());
        }
        let nh = m.count(1 << 12)?;
        let mut heads = Vec::with_capacity(nh);
        for _ in 0..nh {
            let name = m.str()?.to_string();
            let offset = m.u32()? as usize;
            let nv = m.count(1 << 12)?;
            let mut values = Vec::with_capacity(nv);
            for _ in 0..nv {
                values.push(m.str()?.to_string());
            }
            heads.push(Head {
                name,
                values,
                offset,
            });
        }
        let na = m.count(1 << 24)?;
        let mut allowed = Vec::with_capacity(na);
        for _ in 0..na {
            allowed.push(m.u8()? != 0);
        }
        let nr = m.count(1 << 24)?;
        let mut rules = Vec::with_capacity(nr);
        let mut rule_tags = Vec::with_capacity(nr);
        for _ in 0..nr {
            let lower = m.u8()? != 0;
            let del = m.str()?.to_string();
            let add = m.str()?.to_string();
            rules.push(Rule { lower, del, add });
            rule_tags.push(m.u32()?);
        }
        let max_del = m.count(64)?;
        let nf = m.count(1 << 22)?;
        let mut feat_strings = Vec::with_capacity(nf);
        for _ in 0..nf {
            feat_strings.push(m.str()?.to_string());
        }
        let two = m.u8()? == 1;
        let amb = U64Map::read(&mut r)?;
        let tagdict = U64Map::read(&mut r)?;
        let morphdict = U64Map::read(&mut r)?;
        let lemma_index = U64Map::read(&mut r)?;
        let lemma_text = r.block()?;
        let rule_index = U64Map::read(&mut r)?;
        let rule_lists = r.block()?;
        let cache = U64Map::read(&mut r)?;
        let cache_vecs = r.block()?;
        let morph_cache = U64Map::read(&mut r)?;
        let morph_cache_vecs = r.block()?;
        let upos1 = Table::read(&mut r)?;
        let upos2 = if two {
            Some(Table::read(&mut r)?)
        } else {
            None
        };
        let feats_model: Table<i16> = Table::read(&mut r)?;
        let lemma_model = Lemma::I16(Table::read(&mut r)?);
        for t in std::iter::once(&upos1).chain(upos2.as_ref()) {
            if t.cols() != nt {
                return Err(bad("UPOS table does not match the tag set"));
            }
        }
        let cols = feats_model.cols();
        if allowed.len() != nt * cols || heads.iter().any(|h| h.offset + h.values.len() > cols) {
            return Err(bad("morphology tables do not match"));
        }
        if tagdict.iter().any(|(_, t)| t as usize >= nt) {
            return Err(bad("tag dictionary entry out of range"));
        }
        Ok(Tagger {
            lang,
            tags,
            amb,
            upos1,
            upos2,
            heads,
            allowed,
            feats_model,
            lem_exact: FxHashMap::default(),
            lem_lower: FxHashMap::default(),
            lemmas: Vec::new(),
            lemma_index,
            lemma_text,
            rules,
            rule_index,
            rule_lists,
            rule_tags,
            max_del,
            lemma_model,
            tagdict,
            morphdict,
            feat_strings,
            cache_forms: Vec::new(),
            cache,
            cache_vecs,
            morph_cache_forms: Vec::new(),
            morph_cache,
            morph_cache_vecs,
            epoch: 0,
        })
    }

    /// Builds the frozen lemma lexicon (from `lem_exact`, `lem_lower` and `lemmas`) and the
    /// rule index (from `rules`).
    pub(crate) fn index_rules(&mut self) {
        // Each lemma's text once; the lexicon maps to (offset, length) in it.
        let mut text: Vec<u8> = Vec::new();
        let mut at: Vec<Option<u64>> = vec![None; self.lemmas.len()];
        let mut entries: Vec<(u64, u64)> = Vec::new();
        for (map, exact) in [(&self.lem_exact, true), (&self.lem_lower, false)] {
            let mut keys: Vec<&u64> = map.keys().collect();
            keys.sort_unstable();
            for k in keys {
                for &(t, l) in map.get(k).map_or(&[][..], |v| &v[..]) {
                    let (Some(lemma), Some(slot)) =
                        (self.lemmas.get(l as usize), at.get_mut(l as usize))
                    else {
                        continue;
                    };
                    let o = *slot.get_or_insert_with(|| {
                        let o = text.len() as u64;
                        text.extend_from_slice(lemma.as_bytes());
                        o
                    });
                    entries.push((
                        lemma_key(*k, t as usize, exact),
                        o << 32 | lemma.len() as u64,
                    ));
                }
            }
        }
        self.lemma_index = U64Map::build(entries);
        self.lemma_text = Bytes::copy_of(&text);
        let mut by_key: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        self.max_del = 0;
        for (i, r) in self.rules.iter().enumerate() {
            by_key
                .entry(rule_key(r.lower, &r.del))
                .or_default()
                .push(i as u32);
            self.max_del = self.max_del.max(r.del.chars().count());
        }
        self.max_del = self.max_del.min(14);
        let mut keys: Vec<u64> = by_key.keys().copied().collect();
        keys.sort_unstable();
        let mut lists: Vec<u8> = Vec::new();
        let mut entries = Vec::with_capacity(keys.len());
        for k in keys {
            let rs = by_key.get(&k).map_or(&[][..], |v| &v[..]);
            entries.push((k, ((lists.len() / 4) as u64) << 32 | rs.len() as u64));
            for r in rs {
                lists.extend_from_slice(&r.to_le_bytes());
            }
        }
        self.rule_index = U64Map::build(entries);
        self.rule_lists = Bytes::copy_of(&lists);
    }
}

/// `i32`s as little-endian bytes (the caches' file layout).
fn i32_bytes(v: &[i32]) -> Bytes {
    let mut b = Vec::with_capacity(v.len() * 4);
    for x in v {
        b.extend_from_slice(&x.to_le_bytes());
    }
    Bytes::copy_of(&b)
}

/// Adds little-endian `i32`s into `out`.
#[inline]
fn add_i32s(out: &mut [i32], bytes: &[u8]) {
    for (s, x) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *s += i32::from_le_bytes([x[0], x[1], x[2], x[3]]);
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

//! A learned BIO tagger over source / cue / content (averaged perceptron, greedy left to
//! right), stacked on the rule system: its features include the rules' roles, the cue
//! lexicon, quotation state and distances to cues. Trained on PolNeAR (see the model notice).

#![allow(clippy::needless_range_loop)]

use crate::lexicon::Frame;
use crate::syntax::Syn;
use crate::tokens::Tok;
use crate::{Analysis, Attributor};
use claimtrace_core::Token;
use claimtrace_ml::hash::{feat, mix};
use claimtrace_ml::modelfile;
use claimtrace_ml::perceptron::Perceptron;
use std::io::Read;
use std::path::Path;

/// Fisher–Yates shuffle driven by a 64-bit LCG (Knuth's MMIX constants), the training order
/// of the passes, the refiner and the filter; `seed` carries on from one epoch to the next.
pub(crate) fn shuffle<T>(items: &mut [T], seed: &mut u64) {
    for i in (1..items.len()).rev() {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = (*seed >> 33) as usize % (i + 1);
        items.swap(i, j);
    }
}

pub const TAGS: [&str; 7] = [
    "O",
    "B-source",
    "I-source",
    "B-cue",
    "I-cue",
    "B-content",
    "I-content",
];
/// A training unit: a text (one paragraph) and its gold role spans (byte start, byte end,
/// role 0 source / 1 cue / 2 content).
pub type Unit = (String, Vec<(usize, usize, usize)>);

const MAGIC: &[u8; 8] = b"CTATTR\0\0";
const VERSION: u32 = 3;
/// Features relating a token to the current run's parse subtree (tried: 69.0 / 67.2 / 52.4
/// against 69.4 / 68.0 / 53.3 without; off).
const RUN_FEATS: bool = false;

/// Epochs of the span refiner (its training accuracy still rises at 8).
const REFINER_EPOCHS: usize = 16;

/// Skip the tagger on sentences with no lexicon cue, rule candidate or quote mark and no such
/// neighbour (tried: 30 % less model time, but dev exact F1 71.4 / 66.7 / 54.8 against
/// 71.9 / 67.5 / 55.4; off).
const GATE: bool = false;

/// Whether the second (stacked) pass keeps only the base templates in [`KEEP2`] (tried for
/// speed: dev exact F1 70.0 / 65.7 / 54.3 against 71.9 / 67.5 / 55.4 with all; off).
const PRUNE2: bool = false;

/// The base templates the second pass keeps under [`PRUNE2`].
const KEEP2: u128 = 0x31ae24000000016003f9206;

/// Train the refiner on jackknifed second-pass tags (else on first-pass tags).
const REFINER_ON_PASS2: bool = true;

/// Refiner candidates also start after a comma or sentence end up to two sentences back.
const REFINER_WIDE_STARTS: bool = true;

/// Skip the second pass on sentences more than `SKIP2 - 1` sentences away from any role the
/// first pass found (0: never skip). Speed: see docs/benchmarks/attribution.md.
/// (1: skip the sentences where the first pass found nothing: dev exact F1 unchanged,
/// 73.0 / 68.1 / 56.5.)
const SKIP2: usize = 1;

/// Refiner experiments (bit 1: candidates at the edges of the span root's dependents; bit 2:
/// features on the root's head — a cue? — and on dependents of the span's words left out
/// at either edge). Tried: dev exact F1 73.0 / 68.1 / 56.8 against 73.1 / 68.1 / 56.6 without
/// (noise; more candidates to score); off.
const REFINER_X: u32 = 0;

fn refiner_x(bit: u32) -> bool {
    REFINER_X.count_ones() > 0 && REFINER_X & bit == bit
}

/// The refiner scores every candidate start and end on its own features, then the pair
/// features only for the pairs of the `REFINER_K` best starts and ends (and the run's own
/// start and end). 0: every pair. Dev exact F1 with 2 (and 3): 73.1 / 68.1 / 56.6; with
/// every pair 73.0 / 68.1 / 56.5; with 1: 73.0 / 68.1 / 56.1.
const REFINER_K: usize = 2;

/// Whether the rules whose candidates are training features get the parse (the subject
/// frame). They do not: the committed model was trained so (dev exact F1 73.0 / 68.1 / 56.5
/// with the rules given the parse at run time); trained with it: 72.9 / 68.2 / 55.0.
const TRAIN_RULES_PARSE: bool = false;

/// Hash buckets per pass (2^20 rows × 7 classes).
pub const BITS: u32 = 20;

/// [`BITS`], or the developer knob `ATTR_BITS` (training experiments; the model file
/// records its own size).
fn bits() -> u32 {
    std::env::var("ATTR_BITS")
        .ok()
        .and_then(|x| x.parse().ok())
        .filter(|b| (10..=24).contains(b))
        .unwrap_or(BITS)
}

/// A weight table quantised to i8 (one scale per table), dense in memory, sparse on disk.
#[derive(Debug, Clone)]
pub struct QTable {
    n: usize,
    mask: u64,
    scale: f32,
    /// One row per bucket, padded to 8 classes (one aligned load per feature).
    w: Vec<[i8; 8]>,
}

/// One class of a [`QTable`] as a dense i8 column (the refiner ranks with class 1 only:
/// 1/8 of the table's bytes, so it stays in cache).
#[derive(Debug, Clone)]
struct Column {
    mask: u64,
    w: Vec<i8>,
}

impl Column {
    fn of(t: &QTable, c: usize) -> Column {
        Column {
            mask: t.mask,
            w: t.w.iter().map(|r| r.get(c).copied().unwrap_or(0)).collect(),
        }
    }

    /// The sum of the column's weights over the features.
    fn score(&self, feats: &[u64]) -> i32 {
        feats
            .iter()
            .map(|&f| {
                self.w
                    .get((f & self.mask) as usize)
                    .map_or(0, |&x| i32::from(x))
            })
            .sum()
    }
}

/// Anything that scores a feature vector over the 7 tags.
trait Scorer {
    fn best(&self, feats: &[u64], scratch: &mut Vec<f32>) -> usize;
}

impl Scorer for Perceptron {
    fn best(&self, feats: &[u64], scratch: &mut Vec<f32>) -> usize {
        self.predict(feats, scratch)
    }
}

impl Scorer for QTable {
    fn best(&self, feats: &[u64], _scratch: &mut Vec<f32>) -> usize {
        let mut s = [0i32; 8];
        let n = self.n.min(8);
        // i16 lanes (one 128-bit add per feature) for up to 256 features: |sum| <= 256 * 127
        // < 32767, so the sums are exact and equal the i32 ones. Two phases per chunk, as
        // `claimtrace_ml::rows::sum_into`: first a bare load of every row (their cache misses
        // start together instead of a few at a time behind the sums), then the sums.
        for chunk in feats.chunks(128) {
            let mut rows = [0u32; 128];
            let mut k = 0;
            for &f in chunk {
                let r = (f & self.mask) as usize;
                if r < self.w.len() {
                    rows[k] = r as u32;
                    k += 1;
                }
            }
            let rows = &rows[..k];
            for &r in rows {
                if let Some(row) = self.w.get(r as usize) {
                    std::hint::black_box(row[0]);
                }
            }
            let mut s16 = [0i16; 8];
            for &r in rows {
                if let Some(row) = self.w.get(r as usize) {
                    for c in 0..8 {
                        s16[c] += i16::from(row[c]);
                    }
                }
            }
            for c in 0..8 {
                s[c] += i32::from(s16[c]);
            }
        }
        let mut best = 0;
        for c in 1..n {
            if s[c] > s[best] {
                best = c;
            }
        }
        best
    }
}

impl QTable {
    /// A bare load of the row of every feature of `feats` (kept by
    /// [`std::hint::black_box`]): their cache misses start together.
    #[inline(always)]
    fn touch(&self, feats: &[u64]) {
        for &f in feats {
            if let Some(row) = self.w.get((f & self.mask) as usize) {
                std::hint::black_box(row[0]);
            }
        }
    }

    /// Adds the row of every feature of `feats` into `s`.
    #[inline(always)]
    fn add(&self, feats: &[u64], s: &mut [i16; 8]) {
        for &f in feats {
            if let Some(row) = self.w.get((f & self.mask) as usize) {
                for c in 0..8 {
                    s[c] += i16::from(row[c]);
                }
            }
        }
    }

    /// [`Scorer::best`] over the features `a` then `b` (the same sum in another order:
    /// integers, so the same tag), rows loaded bare first.
    #[inline]
    fn best2(&self, a: &[u64], b: &[u64]) -> usize {
        if a.len() + b.len() > 256 {
            let all: Vec<u64> = a.iter().chain(b).copied().collect();
            return self.best(&all, &mut Vec::new());
        }
        // at most 256 features: |sum| <= 256 * 127 < 32767, exact in i16
        self.touch(a);
        self.touch(b);
        let mut s16 = [0i16; 8];
        self.add(a, &mut s16);
        self.add(b, &mut s16);
        let n = self.n.min(8);
        let mut best = 0;
        for c in 1..n {
            if s16[c] > s16[best] {
                best = c;
            }
        }
        best
    }
}

fn io_err(m: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string())
}

fn rd_u32(r: &mut impl Read) -> std::io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

impl QTable {
    /// Quantises an averaged perceptron (weights below half a step become 0).
    pub fn from_perceptron(p: &Perceptron) -> std::io::Result<QTable> {
        // The perceptron's own sparse format: n u32, mask u64, count u32, rows u32 × count,
        // then count × n f32.
        let mut buf = Vec::new();
        p.write_to(&mut buf)?;
        let mut r = buf.as_slice();
        let n = rd_u32(&mut r)? as usize;
        let mut m = [0u8; 8];
        r.read_exact(&mut m)?;
        let mask = u64::from_le_bytes(m);
        let count = rd_u32(&mut r)? as usize;
        if n == 0 || n > 8 || mask >= 1 << 32 {
            return Err(io_err("unexpected perceptron shape"));
        }
        let mut rows = Vec::with_capacity(count);
        for _ in 0..count {
            rows.push(rd_u32(&mut r)? as usize);
        }
        let mut vals = Vec::with_capacity(count * n);
        for _ in 0..count * n {
            let mut b = [0u8; 4];
            r.read_exact(&mut b)?;
            vals.push(f32::from_le_bytes(b));
        }
        let maxabs = vals.iter().fold(0f32, |a, &x| a.max(x.abs()));
        let scale = if maxabs > 0.0 { maxabs / 127.0 } else { 1.0 };
        let mut w = vec![[0i8; 8]; (mask + 1) as usize];
        for (k, &row) in rows.iter().enumerate() {
            for c in 0..n {
                let v = vals.get(k * n + c).copied().unwrap_or(0.0);
                let q = (v / scale).round().clamp(-127.0, 127.0) as i8;
                if let Some(x) = w.get_mut(row).and_then(|r| r.get_mut(c)) {
                    *x = q;
                }
            }
        }
        Ok(QTable { n, mask, scale, w })
    }

    fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        let n = self.n;
        let rows = self.w.len();
        let nonzero: Vec<usize> = (0..rows)
            .filter(|&r| self.w.get(r).is_some_and(|x| x.iter().any(|&v| v != 0)))
            .collect();
        w.write_all(&(n as u32).to_le_bytes())?;
        w.write_all(&self.mask.to_le_bytes())?;
        w.write_all(&self.scale.to_le_bytes())?;
        w.write_all(&(nonzero.len() as u32).to_le_bytes())?;
        // row indices as LEB128 gaps (compress far better than raw u32)
        let mut prev = 0usize;
        let mut idx = Vec::with_capacity(nonzero.len() * 3);
        for &r in &nonzero {
            let mut g = (r - prev) as u64;
            prev = r;
            loop {
                let b = (g & 0x7f) as u8;
                g >>= 7;
                if g == 0 {
                    idx.push(b);
                    break;
                }
                idx.push(b | 0x80);
            }
        }
        w.write_all(&idx)?;
        // class-major columns compress better than rows
        for c in 0..n {
            let col: Vec<u8> = nonzero
                .iter()
                .map(|&r| self.w.get(r).and_then(|x| x.get(c)).copied().unwrap_or(0) as u8)
                .collect();
            w.write_all(&col)?;
        }
        Ok(())
    }

    fn read_from(r: &mut impl Read) -> std::io::Result<QTable> {
        let n = rd_u32(r)? as usize;
        let mut m = [0u8; 8];
        r.read_exact(&mut m)?;
        let mask = u64::from_le_bytes(m);
        let mut sc = [0u8; 4];
        r.read_exact(&mut sc)?;
        let scale = f32::from_le_bytes(sc);
        if n == 0 || n > 8 || mask >= 1 << 26 || !(mask + 1).is_power_of_two() {
            return Err(io_err("attribution table header is corrupt"));
        }
        let rows = (mask + 1) as usize;
        let count = rd_u32(r)? as usize;
        if count > rows {
            return Err(io_err("attribution table row count is corrupt"));
        }
        let mut idx = Vec::with_capacity(count);
        let mut prev = 0usize;
        for _ in 0..count {
            let mut g = 0u64;
            let mut shift = 0;
            loop {
                let mut b = [0u8; 1];
                r.read_exact(&mut b)?;
                g |= u64::from(b[0] & 0x7f) << shift;
                if b[0] & 0x80 == 0 {
                    break;
                }
                shift += 7;
                if shift > 35 {
                    return Err(io_err("attribution table index is corrupt"));
                }
            }
            prev += g as usize;
            if prev >= rows {
                return Err(io_err("attribution table index out of range"));
            }
            idx.push(prev);
        }
        let mut w = vec![[0i8; 8]; rows];
        let mut col = vec![0u8; count];
        for c in 0..n {
            r.read_exact(&mut col)?;
            for (k, &row) in idx.iter().enumerate() {
                if let (Some(x), Some(&v)) = (w.get_mut(row).and_then(|x| x.get_mut(c)), col.get(k))
                {
                    *x = v as i8;
                }
            }
        }
        Ok(QTable { n, mask, scale, w })
    }
}

/// The trained tagger: two quantised passes, the second stacked on the first pass's tags.
#[derive(Debug, Clone)]
pub struct Model {
    p: QTable,
    p2: Option<QTable>,
    /// Span refiner: re-chooses source and content boundaries (see [`Prep::span_cands`]).
    r: Option<QTable>,
    /// The refiner's class-1 column (what it scores with), built from `r` on load.
    r1: Option<Column>,
    /// Span filter ([`filter`]): drops predicted runs that are no role span at all.
    f: Option<QTable>,
    /// The filter's class-1 column, built from `f` on load.
    f1: Option<Column>,
}

mod filter;
mod seeds;

/// Per-token context computed once per text.
struct Prep<'a> {
    toks: &'a [Tok],
    qd: Vec<u8>,
    sent_of: Vec<u32>,
    sent_start: Vec<bool>,
    rule: Vec<u8>,
    lexcue: Vec<u8>,
    left_cue: Vec<u8>,
    right_cue: Vec<u8>,
    sent_has_rule: Vec<bool>,
    to_comma: Vec<u8>,
    to_end: Vec<u8>,
    from_comma: Vec<u8>,
    final_ahead: Vec<bool>,
    /// First-pass tags (stacking), when running the second pass.
    stack: Option<Vec<usize>>,
    /// [`Prep::around_at`] of every token on `stack` (`before * 8 + after`), when computed
    /// ([`around_all`]); else empty and computed per token.
    around: Vec<u8>,
    /// Per-token hashes of the surface: word, suffix, shape.
    wh: Vec<u64>,
    sufh: Vec<u64>,
    shp: Vec<u64>,
    /// Per-token syntactic features (hashes), all 0 when the text was not parsed.
    sx: Vec<SynFeats>,
    syn: &'a [Syn],
    /// [`kind_of`] per token; prefix counts of opening and closing quotes; the RMQ table.
    kinds: Vec<u8>,
    opens: Vec<u32>,
    closes: Vec<u32>,
    rmq: Vec<Vec<u32>>,
    /// Dependents of each token (CSR: `kids[kid_at[h]..kid_at[h + 1]]`).
    kid_at: Vec<u32>,
    kids: Vec<u32>,
    /// Tokens worth tagging at run time: sentences with a lexicon cue, a rule candidate or a
    /// quote mark, and their neighbours (elsewhere the tagger is skipped: all O).
    active: Vec<bool>,
}

/// Syntactic context of one token, as hashes ready to be conjoined.
#[derive(Debug, Clone, Copy, Default)]
struct SynFeats {
    upos: u64,
    lemma: u64,
    rel: u64,
    head_upos: u64,
    head_lemma: u64,
    head_rel: u64,
    /// own subtree edges (bit 0: leftmost, bit 1: rightmost) and head direction/distance
    own_edge: u64,
    head_dir: u64,
    /// nearest cue ancestor: relation of the child of the cue on the path, its subtree edges,
    /// the cue's lemma, direction and depth below the cue
    q_rel: u64,
    q_edge: u64,
    q_lemma: u64,
    q_dir: u64,
    /// nearest verb ancestor: relation of the constituent, its edges, the verb's lemma
    c_rel: u64,
    c_edge: u64,
    v_lemma: u64,
    /// the sentence root: constituent relation, its edges, root lemma, root has a cue child
    r_rel: u64,
    r_edge: u64,
    r_lemma: u64,
    r_cue: u64,
}

/// Decoding history within the current sentence.
#[derive(Debug, Clone, Copy, Default)]
struct Hist {
    p1: usize,
    p2: usize,
    seen: u8,
    since_cue: usize,
    run: usize,
    /// First token and shallowest token (in the parse) of the current role run.
    run_start: usize,
    run_root: usize,
}

impl Hist {
    /// Keeps the run's first and shallowest token up to date after tagging token `i`.
    fn track(&mut self, i: usize, prep: &Prep<'_>) {
        if self.p1 == 0 {
            return;
        }
        if self.run == 1 {
            self.run_start = i;
            self.run_root = i;
        } else if prep.depth(i) < prep.depth(self.run_root) {
            self.run_root = i;
        }
    }

    fn push(&mut self, t: usize, sent_start_next: bool) {
        let same = t != 0 && (t == self.p1 || t == self.p1 + 1 && self.p1 % 2 == 1);
        self.run = if same { self.run + 1 } else { 1 };
        self.p2 = self.p1;
        self.p1 = t;
        if t != 0 {
            self.seen |= 1 << ((t - 1) / 2);
        }
        if t == 3 || t == 4 {
            self.since_cue = 0;
        } else {
            self.since_cue = self.since_cue.saturating_add(1);
        }
        if sent_start_next {
            self.seen = 0;
            self.since_cue = 99;
        }
    }
}

fn bucket(d: usize) -> u8 {
    match d {
        0 => 0,
        1 => 1,
        2 => 2,
        3..=5 => 3,
        6..=10 => 4,
        11..=20 => 5,
        _ => 6,
    }
}

fn shape_of(t: &Tok, text: &str) -> &'static str {
    let s = text.get(t.start..t.end).unwrap_or("");
    if !t.word {
        return "p";
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return "d";
    }
    if t.cap {
        if s.chars()
            .skip(1)
            .all(|c| c.is_uppercase() || !c.is_alphabetic())
            && s.len() > 1
        {
            return "XX";
        }
        return "Xx";
    }
    "x"
}

fn hs(s: &str) -> u64 {
    feat(0, s)
}

fn edges(i: usize, s: Option<&Syn>) -> u64 {
    match s {
        Some(s) => 1 + u64::from(i == s.left) + 2 * u64::from(i == s.right),
        None => 0,
    }
}

fn is_pred(s: &Syn) -> bool {
    s.upos == "VERB" || s.upos == "AUX" && s.deprel != "aux" && s.deprel != "cop"
}

fn syn_feats(syn: &[Syn], lexcue: &[u8], rule: &[u8]) -> Vec<SynFeats> {
    let n = syn.len();
    let is_cue = |k: usize| {
        lexcue.get(k).is_some_and(|&x| x > 0) || rule.get(k).is_some_and(|&x| x == 3 || x == 4)
    };
    // each token's strings hashed once (the walks below look them up many times)
    let hup: Vec<u64> = syn.iter().map(|s| hs(&s.upos)).collect();
    let hlem: Vec<u64> = syn.iter().map(|s| hs(&s.lemma)).collect();
    let hrel: Vec<u64> = syn.iter().map(|s| hs(&s.deprel)).collect();
    let lemma = |k: usize| hlem.get(k).copied().unwrap_or(1);
    let rel = |k: usize| hrel.get(k).copied().unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for (i, s) in syn.iter().enumerate() {
        let mut f = SynFeats {
            upos: hup.get(i).copied().unwrap_or(1),
            lemma: lemma(i),
            rel: rel(i),
            own_edge: edges(i, Some(s)),
            ..SynFeats::default()
        };
        match s.head {
            Some(h) => {
                f.head_upos = hup.get(h).copied().unwrap_or(1);
                f.head_lemma = lemma(h);
                f.head_rel = rel(h);
                let d = h.abs_diff(i);
                f.head_dir = if h > i { 10 } else { 20 } + u64::from(bucket(d));
            }
            None => {
                f.head_upos = 2;
                f.head_lemma = 2;
                f.head_rel = 2;
                f.head_dir = 3;
            }
        }
        // walk the ancestors once
        let (mut got_q, mut got_c) = (false, false);
        let mut a = i;
        let mut depth = 0u64;
        for _ in 0..40 {
            let Some(h) = syn.get(a).and_then(|x| x.head) else {
                break;
            };
            depth += 1;
            let hsyn = syn.get(h);
            if !got_c && hsyn.is_some_and(is_pred) {
                got_c = true;
                f.c_rel = rel(a);
                f.c_edge = edges(i, syn.get(a));
                f.v_lemma = lemma(h);
            }
            if !got_q && is_cue(h) {
                got_q = true;
                f.q_rel = rel(a);
                f.q_edge = edges(i, syn.get(a));
                f.q_lemma = lemma(h);
                f.q_dir = u64::from(h > i) + 2 * depth.min(4);
            }
            if syn.get(h).and_then(|x| x.head).is_none() {
                // h is the root: a is its constituent
                f.r_rel = rel(a);
                f.r_edge = edges(i, syn.get(a));
                f.r_lemma = lemma(h);
                break;
            }
            a = h;
        }
        if s.head.is_none() {
            f.r_rel = 5;
            f.r_edge = 5;
            f.r_lemma = hs(&s.lemma);
        }
        if !got_q {
            f.q_rel = 7;
            f.q_edge = 7;
            f.q_lemma = 7;
            f.q_dir = if is_cue(i) { 8 } else { 7 };
        }
        if !got_c {
            f.c_rel = 7;
            f.c_edge = 7;
            f.v_lemma = 7;
        }
        out.push(f);
    }
    // whether the root of each token's tree has a cue among its children ("according to")
    let mut root_of = vec![usize::MAX; n];
    for i in 0..n {
        let mut a = i;
        for _ in 0..40 {
            match syn.get(a).and_then(|x| x.head) {
                Some(h) => a = h,
                None => break,
            }
        }
        root_of[i] = a;
    }
    let mut root_cue = vec![0u64; n];
    for k in 0..n {
        if is_cue(k)
            && let Some(h) = syn.get(k).and_then(|x| x.head)
            && syn.get(h).is_some_and(|x| x.head.is_none())
            && let Some(x) = root_cue.get_mut(h)
        {
            *x = 1 + u64::from(lexcue.get(k).copied().unwrap_or(0));
        }
    }
    for i in 0..n {
        let r = root_of.get(i).copied().unwrap_or(i);
        if let Some(f) = out.get_mut(i) {
            f.r_cue = 100 + root_cue.get(r).copied().unwrap_or(0);
        }
    }
    out
}

impl Prep<'_> {
    /// Roles of the stacked tags within 40 tokens before / after `i` in its sentence.
    fn around_at(&self, st: &[usize], i: usize) -> (u64, u64) {
        let (mut before, mut after) = (0u64, 0u64);
        let si = self.sent_of.get(i).copied();
        let mut k = i;
        while k > 0 && self.sent_of.get(k - 1).copied() == si && i - k < 40 {
            k -= 1;
            let t = st.get(k).copied().unwrap_or(0);
            if t > 0 {
                before |= 1 << ((t - 1) / 2);
            }
        }
        let mut k = i + 1;
        while k < st.len() && self.sent_of.get(k).copied() == si && k - i < 40 {
            let t = st.get(k).copied().unwrap_or(0);
            if t > 0 {
                after |= 1 << ((t - 1) / 2);
            }
            k += 1;
        }
        (before, after)
    }

    fn depth(&self, i: usize) -> u8 {
        self.syn.get(i).map(|s| s.depth).unwrap_or(0)
    }

    /// How token `i` relates to the current run in the parse: 0 no parse or no run; else
    /// bits: inside the subtree of the run's shallowest token, its head lies in the run,
    /// it governs the run's root, just past the subtree's right edge.
    fn run_rel(&self, i: usize, h: &Hist) -> u64 {
        if h.p1 == 0 || self.syn.is_empty() || h.run_start > i {
            return 0;
        }
        let Some(r) = self.syn.get(h.run_root) else {
            return 0;
        };
        let me = self.syn.get(i);
        let inside = u64::from(r.left <= i && i <= r.right);
        let attach = u64::from(
            me.and_then(|m| m.head)
                .is_some_and(|x| x >= h.run_start && x < i),
        );
        let gov = u64::from(r.head == Some(i));
        let past = u64::from(i == r.right + 1);
        1 + inside + 2 * attach + 4 * gov + 8 * past
    }

    fn new<'a>(att: &Attributor, an: &'a Analysis, text: &str) -> Prep<'a> {
        let n = an.toks.len();
        let mut sent_of = vec![0u32; n];
        let mut sent_start = vec![false; n];
        for (si, &(s, e)) in an.sentences.iter().enumerate() {
            for k in s..e.min(n) {
                if let Some(x) = sent_of.get_mut(k) {
                    *x = si as u32;
                }
            }
            if let Some(x) = sent_start.get_mut(s) {
                *x = true;
            }
        }
        let mut rule = vec![0u8; n];
        let mut sent_has_rule = vec![false; an.sentences.len()];
        for c in &an.cands {
            if let Some(x) = sent_has_rule.get_mut(c.sentence) {
                *x = true;
            }
            let mut mark = |r: (usize, usize), role: u8| {
                for k in r.0..r.1.min(n) {
                    if let Some(x) = rule.get_mut(k)
                        && *x == 0
                    {
                        *x = role * 2 - u8::from(k == r.0);
                    }
                }
            };
            mark(c.cue, 2);
            if let Some(s) = c.source {
                mark(s, 1);
            }
            mark(c.content, 3);
        }
        let lex = att.lexicon(an.lang);
        let mut lexcue = vec![0u8; n];
        for (k, t) in an.toks.iter().enumerate() {
            if let Some(es) = lex.and_then(|l| l.cues.get(&t.lower))
                && let Some(e) = es.last()
            {
                lexcue[k] = match e.frame {
                    Frame::Verb => 1,
                    Frame::Prep => 2,
                    Frame::Quoting => 3,
                };
            }
        }
        let mut left_cue = vec![7u8; n];
        let mut right_cue = vec![7u8; n];
        let mut last: Option<usize> = None;
        for k in 0..n {
            if k > 0 && sent_of.get(k) != sent_of.get(k - 1) {
                last = None;
            }
            if let Some(l) = last {
                left_cue[k] = bucket(k - l);
            }
            if lexcue[k] > 0 || rule[k] == 3 || rule[k] == 4 {
                last = Some(k);
            }
        }
        let mut next: Option<usize> = None;
        for k in (0..n).rev() {
            if k + 1 < n && sent_of.get(k) != sent_of.get(k + 1) {
                next = None;
            }
            if let Some(l) = next {
                right_cue[k] = bucket(l - k);
            }
            if lexcue[k] > 0 || rule[k] == 3 || rule[k] == 4 {
                next = Some(k);
            }
        }
        let mut to_comma = vec![7u8; n];
        let mut to_end = vec![7u8; n];
        let mut final_ahead = vec![false; n];
        let mut next_comma: Option<usize> = None;
        let mut next_final = false;
        // the last token of the run of tokens of k's sentence from k on
        let mut sent_last = n.saturating_sub(1);
        for k in (0..n).rev() {
            let last_in_sent = k + 1 >= n || sent_of.get(k) != sent_of.get(k + 1);
            if last_in_sent {
                next_comma = None;
                next_final = false;
                sent_last = k;
            }
            to_end[k] = bucket((sent_last - k).min(25));
            if let Some(c) = next_comma {
                to_comma[k] = bucket(c - k);
            }
            final_ahead[k] = next_final;
            let w = an.toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
            if crate::words::is_comma(w) || crate::words::is_close_quote(w) {
                next_comma = Some(k);
                // a cue within the next 5 tokens: "…, X said"
                next_final = (k + 1..(k + 6).min(n)).any(|j| lexcue.get(j).is_some_and(|x| *x > 0));
            }
        }
        let mut from_comma = vec![7u8; n];
        let mut last_comma: Option<usize> = None;
        for k in 0..n {
            if k > 0 && sent_of.get(k) != sent_of.get(k - 1) {
                last_comma = None;
            }
            if let Some(c) = last_comma {
                from_comma[k] = bucket(k - c);
            }
            let w = an.toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
            if crate::words::is_comma(w) {
                last_comma = Some(k);
            }
        }
        // each token's normalised word and its last three characters, hashed (a string is
        // built only for words with digits)
        let mut wh = Vec::with_capacity(n);
        let mut sufh = Vec::with_capacity(n);
        let mut digits = String::new();
        for t in &an.toks {
            let l = t.lower.as_str();
            let w: &str = if crate::words::is_open_quote(l)
                || crate::words::is_close_quote(l)
                || l == "``"
                || l == "''"
            {
                "\""
            } else if l.chars().any(|c| c.is_ascii_digit()) {
                digits.clear();
                digits.extend(l.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }));
                &digits
            } else if l == "n't" {
                "not"
            } else {
                l
            };
            wh.push(hs(w));
            let last3 = w.char_indices().rev().nth(2).map_or(0, |(k, _)| k);
            sufh.push(hs(w.get(last3..).unwrap_or("")));
        }
        let shapes = ["p", "d", "XX", "Xx", "x"].map(hs);
        let shp = an
            .toks
            .iter()
            .map(|t| match shape_of(t, text) {
                "p" => shapes[0],
                "d" => shapes[1],
                "XX" => shapes[2],
                "Xx" => shapes[3],
                "x" => shapes[4],
                other => hs(other),
            })
            .collect();
        let sx = if an.syn.len() == n {
            syn_feats(&an.syn, &lexcue, &rule)
        } else {
            vec![SynFeats::default(); n]
        };
        let kinds: Vec<u8> = an.toks.iter().map(kind_of).collect();
        let mut opens = vec![0u32; n + 1];
        let mut closes = vec![0u32; n + 1];
        for (k, &x) in kinds.iter().enumerate() {
            let (o, c) = (
                opens.get(k).copied().unwrap_or(0),
                closes.get(k).copied().unwrap_or(0),
            );
            if let Some(v) = opens.get_mut(k + 1) {
                *v = o + u32::from(x == 6);
            }
            if let Some(v) = closes.get_mut(k + 1) {
                *v = c + u32::from(x == 2);
            }
        }
        let rmq = if an.syn.len() == n {
            build_rmq(&an.syn)
        } else {
            Vec::new()
        };
        let (kid_at, kids) = children(&an.syn);
        let ns = an.sentences.len();
        let mut sent_on = vec![false; ns];
        for k in 0..n {
            let on = lexcue.get(k).is_some_and(|&x| x > 0)
                || rule.get(k).is_some_and(|&x| x > 0)
                || matches!(kinds.get(k), Some(2) | Some(6));
            if on && let Some(x) = sent_of.get(k).and_then(|&s| sent_on.get_mut(s as usize)) {
                *x = true;
            }
        }
        let near: Vec<bool> = (0..ns)
            .map(|i| {
                sent_on.get(i).copied().unwrap_or(false)
                    || i > 0 && sent_on.get(i - 1).copied().unwrap_or(false)
                    || sent_on.get(i + 1).copied().unwrap_or(false)
            })
            .collect();
        let active = (0..n)
            .map(|k| {
                !GATE
                    || sent_of
                        .get(k)
                        .and_then(|&s| near.get(s as usize))
                        .copied()
                        .unwrap_or(true)
            })
            .collect();
        Prep {
            kid_at,
            kids,
            active,
            kinds,
            opens,
            closes,
            rmq,
            syn: &an.syn,
            wh,
            sufh,
            shp,
            sx,
            stack: None,
            around: Vec::new(),
            to_comma,
            to_end,
            from_comma,
            final_ahead,
            toks: &an.toks,
            qd: claimtrace_text::quotes::depth(n, &an.quotes),
            sent_of,
            sent_start,
            rule,
            lexcue,
            left_cue,
            right_cue,
            sent_has_rule,
        }
    }

    fn feats(&self, i: usize, h: &Hist, out: &mut Vec<u64>) {
        out.clear();
        self.feats_sel::<{ ALL_GROUPS }>(i, h, out);
    }

    /// Appends the features of token `i` of the template groups in `SEL` ([`BASE`],
    /// [`STACKED`], [`HISTORY`]) in the order of [`Prep::feats`] (which takes them all).
    #[inline(always)]
    fn feats_sel<const SEL: u8>(&self, i: usize, h: &Hist, out: &mut Vec<u64>) {
        // the stacked pass keeps every base template unless PRUNE2
        let full = !PRUNE2 || self.stack.is_none();
        let take = |t: u32| (full || KEEP2 >> t & 1 == 1) && SEL & group(t) != 0;
        let (p1, p2) = (h.p1 as u64, h.p2 as u64);
        let ii = i as isize;
        let at = |v: &[u64], k: isize, edge: u64| -> u64 {
            if k < 0 {
                return edge;
            }
            v.get(k as usize).copied().unwrap_or(edge + 1)
        };
        let w = |k: isize| at(&self.wh, k, 11);
        let rule = |k: isize| -> u64 {
            if k < 0 {
                9
            } else {
                u64::from(self.rule.get(k as usize).copied().unwrap_or(9))
            }
        };
        let lc = |k: isize| -> u64 {
            if k < 0 {
                9
            } else {
                u64::from(self.lexcue.get(k as usize).copied().unwrap_or(9))
            }
        };
        let w0 = w(ii);
        let sh = self.shp.get(i).copied().unwrap_or(0);
        let suf = self.sufh.get(i).copied().unwrap_or(0);
        let r0 = rule(ii);
        let q = u64::from(self.qd.get(i).copied().unwrap_or(0).min(2));
        let lcd = u64::from(self.left_cue.get(i).copied().unwrap_or(7));
        let rcd = u64::from(self.right_cue.get(i).copied().unwrap_or(7));
        let ss = u64::from(self.sent_start.get(i).copied().unwrap_or(false));
        let has_rule = u64::from(
            self.sent_of
                .get(i)
                .and_then(|s| self.sent_has_rule.get(*s as usize))
                .copied()
                .unwrap_or(false),
        );
        let t1 = p1;
        let t12 = p1 * 8 + p2;
        if take(1) {
            out.push(f1(1, 0));
        }
        if take(2) {
            out.push(f1(2, w0));
        }
        if take(3) {
            out.push(f1(3, w(ii - 1)));
        }
        if take(4) {
            out.push(f1(4, w(ii + 1)));
        }
        if take(5) {
            out.push(f1(5, w(ii - 2)));
        }
        if take(6) {
            out.push(f1(6, w(ii + 2)));
        }
        if take(7) {
            out.push(f1(7, suf));
        }
        if take(8) {
            out.push(f1(8, sh));
        }
        if take(9) {
            out.push(f1(9, r0));
        }
        if take(10) {
            out.push(f1(10, rule(ii - 1)));
        }
        if take(11) {
            out.push(f1(11, rule(ii + 1)));
        }
        if take(12) {
            out.push(f1(12, lc(ii)));
        }
        if take(13) {
            out.push(f1(13, lc(ii - 1)));
        }
        if take(14) {
            out.push(f1(14, lc(ii + 1)));
        }
        if take(15) {
            out.push(f1(15, q));
        }
        if take(16) {
            out.push(f1(16, t1));
        }
        if take(17) {
            out.push(f1(17, t12));
        }
        if take(18) {
            out.push(f2(18, t1, w0));
        }
        if take(19) {
            out.push(f1(19, lcd));
        }
        if take(20) {
            out.push(f1(20, rcd));
        }
        if take(21) {
            out.push(f2(21, t1, r0));
        }
        if take(22) {
            out.push(f2(22, ss, t1));
        }
        if take(23) {
            out.push(f2(23, w(ii - 1), t1));
        }
        if take(24) {
            out.push(f2(24, sh, t1));
        }
        if take(25) {
            out.push(f2(25, has_rule, t1));
        }
        if take(26) {
            out.push(f3(26, t1, lcd, rcd));
        }
        if take(27) {
            out.push(f2(27, w(ii - 1), w0));
        }
        if take(28) {
            out.push(f2(28, w0, w(ii + 1)));
        }
        if take(29) {
            out.push(f3(29, t1, q, r0));
        }
        if take(30) {
            out.push(f3(30, lcd, rcd, r0));
        }
        if take(31) {
            out.push(f3(31, t1, lc(ii), lc(ii + 1)));
        }
        if take(32) {
            out.push(f2(32, t1, suf));
        }
        let tc = u64::from(self.to_comma.get(i).copied().unwrap_or(7));
        let te = u64::from(self.to_end.get(i).copied().unwrap_or(7));
        let fc = u64::from(self.from_comma.get(i).copied().unwrap_or(7));
        let fa = u64::from(self.final_ahead.get(i).copied().unwrap_or(false));
        let hist = u64::from(h.seen) * 100 + u64::from(bucket(h.since_cue.min(99))) * 10 + fa;
        if take(33) {
            out.push(f2(33, t1, hist));
        }
        if take(34) {
            out.push(f3(34, t1, tc, te));
        }
        if take(35) {
            out.push(f3(35, t1, fc, r0));
        }
        if take(36) {
            out.push(f2(36, hist, w0));
        }
        if take(37) {
            out.push(f3(37, t1, u64::from(bucket(h.run)), te));
        }
        if take(38) {
            out.push(f3(38, hist, lc(ii), r0));
        }
        if take(39) {
            out.push(f3(39, t1, w(ii + 1), w(ii + 2)));
        }
        if take(40) {
            out.push(f3(40, t1, fa, sh));
        }
        if take(41) {
            out.push(f1(41, w(ii + 3)));
        }
        if take(42) {
            out.push(f1(42, w(ii - 3)));
        }
        // syntax (all-zero hashes when the text was not parsed: they then act as one bias)
        let sx = |k: isize| -> SynFeats {
            if k < 0 {
                return SynFeats::default();
            }
            self.sx.get(k as usize).copied().unwrap_or_default()
        };
        let s0 = sx(ii);
        let sp = sx(ii - 1);
        let sn = sx(ii + 1);
        if take(70) {
            out.push(f1(70, s0.upos));
        }
        if take(71) {
            out.push(f2(71, sp.upos, s0.upos));
        }
        if take(72) {
            out.push(f2(72, s0.upos, sn.upos));
        }
        if take(73) {
            out.push(f1(73, s0.rel));
        }
        if take(74) {
            out.push(f2(74, s0.rel, s0.head_upos));
        }
        if take(75) {
            out.push(f2(75, s0.rel, s0.head_lemma));
        }
        if take(76) {
            out.push(f1(76, s0.lemma));
        }
        if take(77) {
            out.push(f2(77, t1, s0.upos));
        }
        if take(78) {
            out.push(f2(78, t1, s0.rel));
        }
        if take(79) {
            out.push(f2(79, s0.q_rel, s0.q_edge));
        }
        if take(80) {
            out.push(f2(80, s0.q_rel, s0.q_lemma));
        }
        if take(81) {
            out.push(f3(81, s0.q_rel, s0.q_edge, t1));
        }
        if take(82) {
            out.push(f2(82, s0.q_dir, s0.q_rel));
        }
        if take(83) {
            out.push(f2(83, s0.c_rel, s0.v_lemma));
        }
        if take(84) {
            out.push(f3(84, s0.c_rel, s0.c_edge, t1));
        }
        if take(85) {
            out.push(f3(85, s0.c_rel, s0.v_lemma, s0.c_edge));
        }
        if take(86) {
            out.push(f2(86, s0.r_rel, s0.r_edge));
        }
        if take(87) {
            out.push(f2(87, s0.r_rel, s0.r_lemma));
        }
        if take(88) {
            out.push(f3(88, s0.r_cue, s0.r_rel, t1));
        }
        if take(89) {
            out.push(f3(89, s0.own_edge, s0.rel, t1));
        }
        if take(90) {
            out.push(f3(90, s0.rel, s0.head_dir, s0.head_rel));
        }
        if take(91) {
            out.push(f2(91, s0.rel, s0.head_rel));
        }
        if take(92) {
            out.push(f3(92, s0.q_rel, s0.q_dir, r0));
        }
        if take(93) {
            out.push(f3(93, s0.q_rel, s0.c_rel, s0.r_rel));
        }
        if take(94) {
            out.push(f3(94, sn.own_edge, sn.rel, t1));
        }
        if take(95) {
            out.push(f3(95, sn.q_rel, sn.q_edge, t1));
        }
        if take(96) {
            out.push(f2(96, s0.upos, w0));
        }
        if take(97) {
            out.push(f3(97, s0.r_cue, s0.r_rel, s0.r_edge));
        }
        if take(98) {
            out.push(f3(98, hist, s0.q_rel, s0.q_edge));
        }
        if RUN_FEATS && SEL & HISTORY != 0 {
            let rr = self.run_rel(i, h);
            let rb = u64::from(bucket(h.run));
            out.push(f2(100, t1, rr));
            out.push(f3(101, t1, rr, s0.upos));
            out.push(f3(102, t1, rr, s0.rel));
            out.push(f3(103, t1, rr, w0));
            out.push(f3(104, t1, rr, rb));
            out.push(f3(105, t1, rr, sn.upos));
        }
        if let Some(st) = &self.stack
            && SEL & (STACKED | HISTORY) != 0
        {
            let sg = |k: isize| -> u64 {
                if k < 0 {
                    return 7;
                }
                st.get(k as usize).map(|&x| x as u64).unwrap_or(7)
            };
            let g0 = sg(ii);
            let (gm1, gm2, gp1, gp2, gp3) =
                (sg(ii - 1), sg(ii - 2), sg(ii + 1), sg(ii + 2), sg(ii + 3));
            let take = |t: u32| SEL & group(t) != 0;
            if take(50) {
                out.push(f1(50, g0));
            }
            if take(51) {
                out.push(f2(51, gm1, g0));
            }
            if take(52) {
                out.push(f2(52, g0, gp1));
            }
            if take(53) {
                out.push(f3(53, gm1, g0, gp1));
            }
            if take(54) {
                out.push(f2(54, gp1, gp2));
            }
            if take(55) {
                out.push(f2(55, gm2, gm1));
            }
            if take(56) {
                out.push(f3(56, t1, g0, gp1));
            }
            if take(57) {
                out.push(f2(57, w0, g0));
            }
            if take(58) {
                out.push(f3(58, gp1, gp2, gp3));
            }
            // roles present in the sentence before / after
            if take(59) || take(60) {
                let ba = match self.around.get(i) {
                    Some(&x) => u64::from(x),
                    None => {
                        let (before, after) = self.around_at(st, i);
                        before * 8 + after
                    }
                };
                if take(59) {
                    out.push(f3(59, t1, ba, g0));
                }
                if take(60) {
                    out.push(f3(60, ba, g0, gp1));
                }
            }
            if take(61) {
                out.push(f3(61, g0, s0.q_rel, s0.q_edge));
            }
            if take(62) {
                out.push(f3(62, g0, s0.c_rel, s0.c_edge));
            }
            if take(63) {
                out.push(f3(63, g0, gp1, s0.own_edge));
            }
        }
    }
}

/// Template groups of [`Prep::feats_sel`]: the base templates that do not read the decoding
/// history, the stacked ones (first-pass tags) that do not either, and those that do.
const BASE: u8 = 1;
const STACKED: u8 = 2;
const HISTORY: u8 = 4;
const ALL_GROUPS: u8 = BASE | STACKED | HISTORY;

/// The templates that read the decoding history ([`Hist`]: the previous tags, roles seen,
/// distance since the cue, run length), as bits.
const HISTORY_TEMPLATES: u128 = template_bits(&[
    16, 17, 18, 21, 22, 23, 24, 25, 26, 29, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 56, 59, 77, 78,
    81, 84, 88, 89, 94, 95, 98, 100, 101, 102, 103, 104, 105,
]);

const fn template_bits(ts: &[u32]) -> u128 {
    let mut b = 0u128;
    let mut k = 0;
    while k < ts.len() {
        b |= 1 << ts[k];
        k += 1;
    }
    b
}

/// The group of template `t`.
#[inline(always)]
const fn group(t: u32) -> u8 {
    if HISTORY_TEMPLATES >> t & 1 == 1 {
        HISTORY
    } else if t >= 50 && t <= 63 {
        STACKED
    } else {
        BASE
    }
}

#[inline]
fn f1(t: u64, a: u64) -> u64 {
    mix(t.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995, a)
}

#[inline]
fn f2(t: u64, a: u64, b: u64) -> u64 {
    mix(f1(t, a), b)
}

#[inline]
fn f3(t: u64, a: u64, b: u64, c: u64) -> u64 {
    mix(f2(t, a, b), c)
}

fn fix(prev: usize, t: usize) -> usize {
    // I-x after anything but B-x / I-x becomes B-x.
    if t == 2 || t == 4 || t == 6 {
        let b = t - 1;
        if prev != b && prev != t {
            return b;
        }
    }
    t
}

/// Role spans (byte start, byte end, role index 0=source 1=cue 2=content) from tags.
pub fn tags_to_spans(toks: &[Tok], tags: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize, usize)> = None;
    for (k, &t) in tags.iter().enumerate() {
        let Some(tok) = toks.get(k) else { break };
        let role = if t == 0 { None } else { Some((t - 1) / 2) };
        let begin = t % 2 == 1;
        match (cur, role) {
            (Some(c), Some(r)) if r == c.2 && !begin => cur = Some((c.0, tok.end, r)),
            (c, Some(r)) => {
                if let Some(c) = c {
                    out.push(c);
                }
                cur = Some((tok.start, tok.end, r));
            }
            (Some(c), None) => {
                out.push(c);
                cur = None;
            }
            (None, None) => {}
        }
    }
    if let Some(c) = cur {
        out.push(c);
    }
    out
}

/// Gold tags for tokens from byte spans (role index 0..3).
pub fn spans_to_tags(toks: &[Tok], spans: &[(usize, usize, usize)]) -> Vec<usize> {
    let mut tags = vec![0usize; toks.len()];
    for &(s, e, r) in spans {
        let mut first = true;
        for (k, t) in toks.iter().enumerate() {
            if t.start >= s && t.start < e && tags.get(k) == Some(&0) {
                if let Some(x) = tags.get_mut(k) {
                    *x = 1 + r * 2 + usize::from(!first);
                }
                first = false;
            }
        }
    }
    tags
}

impl Model {
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, String> {
        let mut r = modelfile::open_bytes(bytes, MAGIC, VERSION).map_err(|e| e.to_string())?;
        let p = QTable::read_from(&mut r).map_err(|e| e.to_string())?;
        let mut flag = [0u8; 1];
        let p2 = if r.read_exact(&mut flag).is_ok() && flag[0] == 1 {
            Some(QTable::read_from(&mut r).map_err(|e| e.to_string())?)
        } else {
            None
        };
        let rf = if r.read_exact(&mut flag).is_ok() && flag[0] == 1 {
            Some(QTable::read_from(&mut r).map_err(|e| e.to_string())?)
        } else {
            None
        };
        let r1 = rf.as_ref().map(|t| Column::of(t, 1));
        // the span filter (absent from older files)
        let f = if r.read_exact(&mut flag).is_ok() && flag[0] == 1 {
            Some(QTable::read_from(&mut r).map_err(|e| e.to_string())?)
        } else {
            None
        };
        let f1 = f.as_ref().map(|t| Column::of(t, 1));
        Ok(Model {
            p,
            p2,
            r: rf,
            r1,
            f,
            f1,
        })
    }

    pub fn load(path: &Path) -> Result<Model, String> {
        let b = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Model::from_bytes(&b)
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        modelfile::save(path, MAGIC, VERSION, |w| {
            self.p.write_to(w)?;
            for t in [&self.p2, &self.r] {
                match t {
                    Some(t) => {
                        w.write_all(&[1u8])?;
                        t.write_to(w)?;
                    }
                    None => w.write_all(&[0u8])?,
                }
            }
            // written only when present, so that a model without it keeps its old bytes
            if let Some(t) = &self.f {
                w.write_all(&[1u8])?;
                t.write_to(w)?;
            }
            Ok(())
        })
        .map_err(|e| e.to_string())
    }

    fn decode(&self, prep: &mut Prep<'_>) -> Vec<usize> {
        // the base templates read neither the history nor the first pass: hashed once for
        // both passes
        let (mut base, mut base_at) = base_feats(prep);
        let t1 = decode_q(&self.p, prep, &base, &base_at);
        match &self.p2 {
            Some(p2) => {
                if SKIP2 > 0 {
                    prep.active = second_pass_tokens(prep, &t1);
                }
                prep.around = around_all(&prep.sent_of, &t1);
                prep.stack = Some(t1);
                if PRUNE2 {
                    (base, base_at) = base_feats(prep);
                }
                decode_q(p2, prep, &base, &base_at)
            }
            None => t1,
        }
    }
}

/// The tokens the second pass tags: sentences within [`SKIP2`] − 1 sentences of one where
/// the first pass found a role (elsewhere both passes say O: the first pass's answer stands).
fn second_pass_tokens(prep: &Prep<'_>, t1: &[usize]) -> Vec<bool> {
    let ns = prep.sent_of.last().map_or(0, |&x| x as usize + 1);
    let mut on = vec![false; ns];
    for (k, &t) in t1.iter().enumerate() {
        if t != 0
            && let Some(x) = prep.sent_of.get(k).and_then(|&s| on.get_mut(s as usize))
        {
            *x = true;
        }
    }
    let reach = SKIP2.saturating_sub(1);
    let near: Vec<bool> = (0..ns)
        .map(|i| {
            (i.saturating_sub(reach)..=(i + reach).min(ns.saturating_sub(1)))
                .any(|j| on.get(j).copied().unwrap_or(false))
        })
        .collect();
    prep.sent_of
        .iter()
        .map(|&s| near.get(s as usize).copied().unwrap_or(true))
        .collect()
}

/// The features of the base templates ([`BASE`]) of every token, one after another, and
/// where each token's start (`at[i]..at[i + 1]`).
fn base_feats(prep: &Prep<'_>) -> (Vec<u64>, Vec<u32>) {
    let n = prep.toks.len();
    let mut out = Vec::with_capacity(n * 48);
    let mut at = Vec::with_capacity(n + 1);
    at.push(0u32);
    let h = Hist::default();
    for i in 0..n {
        prep.feats_sel::<{ BASE }>(i, &h, &mut out);
        at.push(out.len() as u32);
    }
    (out, at)
}

/// [`Prep::around_at`] of every token (`before * 8 + after`), in one sweep each way: the
/// roles of `st` in the 40 tokens before and the 39 after, within the token's sentence.
fn around_all(sent_of: &[u32], st: &[usize]) -> Vec<u8> {
    let n = st.len();
    if sent_of.len() != n {
        return Vec::new();
    }
    // tags are below 8: roles 0..=3
    let role = |t: usize| (t - 1) / 2;
    let mut out = vec![0u8; n];
    // the last token of each role before i, and the first after
    let mut last = [usize::MAX; 4];
    let mut lo_sent = 0;
    for i in 0..n {
        if i > 0 && sent_of.get(i - 1) != sent_of.get(i) {
            lo_sent = i;
        }
        let lo = lo_sent.max(i.saturating_sub(40));
        let mut before = 0u8;
        for (r, &k) in last.iter().enumerate() {
            if k != usize::MAX && k >= lo {
                before |= 1 << r;
            }
        }
        let t = st.get(i).copied().unwrap_or(0);
        if t > 0
            && let Some(x) = last.get_mut(role(t))
        {
            *x = i;
        }
        if let Some(x) = out.get_mut(i) {
            *x = before * 8;
        }
    }
    let mut next = [usize::MAX; 4];
    let mut hi_sent = n.saturating_sub(1);
    for i in (0..n).rev() {
        if i + 1 < n && sent_of.get(i + 1) != sent_of.get(i) {
            hi_sent = i;
        }
        let hi = hi_sent.min(i + 39);
        let mut after = 0u8;
        for (r, &k) in next.iter().enumerate() {
            if k != usize::MAX && k <= hi {
                after |= 1 << r;
            }
        }
        let t = st.get(i).copied().unwrap_or(0);
        if t > 0
            && let Some(x) = next.get_mut(role(t))
        {
            *x = i;
        }
        if let Some(x) = out.get_mut(i) {
            *x += after;
        }
    }
    out
}

/// [`decode_with`] for a quantised table (the same tags): the base templates' features come
/// from [`base_feats`]; per token, the rows of all its features are loaded bare first, then
/// summed ([`QTable::best2`]).
fn decode_q(p: &QTable, prep: &Prep<'_>, base: &[u64], base_at: &[u32]) -> Vec<usize> {
    let n = prep.toks.len();
    let mut tags = Vec::with_capacity(n);
    let mut feats = Vec::with_capacity(64);
    let mut h = Hist {
        since_cue: 99,
        ..Hist::default()
    };
    let stacked = prep.stack.is_some();
    let span = |i: usize| -> &[u64] {
        let (a, b) = (
            base_at.get(i).copied().unwrap_or(0) as usize,
            base_at.get(i + 1).copied().unwrap_or(0) as usize,
        );
        base.get(a..b).unwrap_or(&[])
    };
    for i in 0..n {
        if !prep.active.get(i).copied().unwrap_or(true) {
            tags.push(0);
            h.push(0, prep.sent_start.get(i + 1).copied().unwrap_or(false));
            continue;
        }
        feats.clear();
        if stacked {
            prep.feats_sel::<{ STACKED | HISTORY }>(i, &h, &mut feats);
        } else {
            prep.feats_sel::<{ HISTORY }>(i, &h, &mut feats);
        }
        let t = fix(h.p1, p.best2(span(i), &feats));
        tags.push(t);
        h.push(t, prep.sent_start.get(i + 1).copied().unwrap_or(false));
        h.track(i, prep);
    }
    tags
}

fn decode_with(p: &impl Scorer, prep: &Prep<'_>) -> Vec<usize> {
    let n = prep.toks.len();
    let mut tags = Vec::with_capacity(n);
    let mut feats = Vec::with_capacity(120);
    let mut scores = Vec::new();
    let mut h = Hist {
        since_cue: 99,
        ..Hist::default()
    };
    for i in 0..n {
        if !prep.active.get(i).copied().unwrap_or(true) {
            tags.push(0);
            h.push(0, prep.sent_start.get(i + 1).copied().unwrap_or(false));
            continue;
        }
        prep.feats(i, &h, &mut feats);
        let t = fix(h.p1, p.best(&feats, &mut scores));
        tags.push(t);
        h.push(t, prep.sent_start.get(i + 1).copied().unwrap_or(false));
        h.track(i, prep);
    }
    tags
}

impl Model {
    /// Role spans predicted for a text (byte ranges); `an` may carry the parse
    /// ([`Attributor::analyse_parsed`]), which the model was trained with.
    pub fn predict(
        &self,
        att: &Attributor,
        an: &Analysis,
        text: &str,
    ) -> Vec<(usize, usize, usize)> {
        tags_to_spans(&an.toks, &self.predict_tags(att, an, text))
    }

    /// Tags per attribution token (indices into [`TAGS`]).
    pub fn predict_tags(&self, att: &Attributor, an: &Analysis, text: &str) -> Vec<usize> {
        let mut prep = Prep::new(att, an, text);
        let mut tags = self.decode(&mut prep);
        if let Some(r) = &self.r1 {
            refine(r, &prep, &mut tags);
        }
        if let Some(f) = &self.f1 {
            filter::filter(f, &prep, &mut tags, prep.stack.as_deref());
        }
        // Quote marks hugging a content span belong to it (PolNeAR: 339 content spans start
        // with the opening mark, 5 start just after it).
        let n = tags.len();
        for k in 0..n {
            let t = tags.get(k).copied().unwrap_or(0);
            let w = |j: usize| an.toks.get(j).map(|t| t.lower.as_str()).unwrap_or("");
            if t == 5
                && k > 0
                && tags.get(k - 1) == Some(&0)
                && crate::words::is_open_quote(w(k - 1))
            {
                if let Some(x) = tags.get_mut(k - 1) {
                    *x = 5;
                }
                if let Some(x) = tags.get_mut(k) {
                    *x = 6;
                }
            }
            if (t == 5 || t == 6)
                && tags.get(k + 1) == Some(&0)
                && crate::words::is_close_quote(w(k + 1))
                && let Some(x) = tags.get_mut(k + 1)
            {
                *x = 6;
            }
        }
        tags
    }

    /// Trains on (text, gold byte spans) units, each with the pipeline's words for its text
    /// (`words[i]`, possibly empty): a first pass, then (with `stacked`) a second pass on the
    /// first pass's tags, those tags coming from 2-fold jackknifing on train. Both passes are
    /// quantised to i8 at the end.
    pub fn train(
        att: &Attributor,
        units: &[Unit],
        words: &[Vec<Token>],
        epochs: usize,
        stacked: bool,
        log: &mut dyn FnMut(&str, usize, f64),
    ) -> Result<Model, String> {
        let analyses: Vec<(Analysis, Vec<usize>)> = units
            .iter()
            .enumerate()
            .map(|(i, (t, sp))| {
                let w = words.get(i).map(|w| w.as_slice()).unwrap_or(&[]);
                let an = att.analyse_with(t, "en", w, &[], TRAIN_RULES_PARSE);
                let g = spans_to_tags(&an.toks, sp);
                (an, g)
            })
            .collect();
        // developer knob: ATTR_TAGGER_CACHE=FILE keeps the two passes and the refiner's
        // training tags in FILE (written when missing, read when present), so that refiner
        // experiments skip the tagger training; the model is the same either way
        let cache = std::env::var_os("ATTR_TAGGER_CACHE").map(std::path::PathBuf::from);
        let cached = cache.as_deref().and_then(|c| read_tagger_cache(c).ok());
        let (p, p2, stack2, stack1) = match cached {
            Some(x) => {
                log("tagger cache read", 0, 0.0);
                x
            }
            None => {
                let Some(x) = train_taggers(att, units, &analyses, epochs, stacked, log)? else {
                    let p = train_pass(
                        att,
                        units,
                        &analyses,
                        &(0..units.len()).collect::<Vec<_>>(),
                        None,
                        epochs,
                        &mut |e, a| log("pass 1", e, a),
                    );
                    return Ok(Model {
                        p: QTable::from_perceptron(&p).map_err(|e| e.to_string())?,
                        p2: None,
                        r: None,
                        r1: None,
                        f: None,
                        f1: None,
                    });
                };
                if let Some(c) = &cache {
                    write_tagger_cache(c, &x).map_err(|e| e.to_string())?;
                }
                x
            }
        };
        let rp = train_refiner(
            att,
            units,
            &analyses,
            &stack2,
            REFINER_EPOCHS,
            &mut |e, a| log("refiner", e, a),
        );
        let r = QTable::from_perceptron(&rp).map_err(|e| e.to_string())?;
        let r1 = Column::of(&r, 1);
        let (f, f1) = if filter::FILTER_ROLES != 0 {
            let fp =
                filter::train_filter(att, units, &analyses, &stack2, &stack1, &r1, &mut |e, a| {
                    log("filter", e, a)
                });
            let f = QTable::from_perceptron(&fp).map_err(|e| e.to_string())?;
            let f1 = Column::of(&f, 1);
            (Some(f), Some(f1))
        } else {
            (None, None)
        };
        Ok(Model {
            p,
            p2: Some(p2),
            r1: Some(r1),
            r: Some(r),
            f,
            f1,
        })
    }
}

/// The two quantised passes, the jackknifed second-pass tags the refiner trains on and the
/// jackknifed first-pass tags (the span filter reads both).
type Taggers = (QTable, QTable, Vec<Vec<usize>>, Vec<Vec<usize>>);

/// Trains both passes (None when `stacked` is off: the caller trains the single pass).
fn train_taggers(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    epochs: usize,
    stacked: bool,
    log: &mut dyn FnMut(&str, usize, f64),
) -> Result<Option<Taggers>, String> {
    if !stacked {
        return Ok(None);
    }
    let all: Vec<usize> = (0..units.len()).collect();
    let folds = seeds::folds();
    let q = |p: &Perceptron| QTable::from_perceptron(p).map_err(|e| e.to_string());
    let p = train_pass(att, units, analyses, &all, None, epochs, &mut |e, a| {
        log("pass 1", e, a)
    });
    // jackknife first-pass tags
    let mut stack: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for fold in 0..folds {
        let tr: Vec<usize> = all.iter().copied().filter(|i| i % folds != fold).collect();
        let pf = train_pass(att, units, analyses, &tr, None, epochs, &mut |e, a| {
            log(&format!("fold {fold}"), e, a)
        });
        for i in all.iter().copied().filter(|i| i % folds == fold) {
            if let (Some((an, _)), Some((text, _))) = (analyses.get(i), units.get(i)) {
                let prep = Prep::new(att, an, text);
                if let Some(x) = stack.get_mut(i) {
                    *x = decode_with(&pf, &prep);
                }
            }
        }
    }
    let p2 = train_pass(
        att,
        units,
        analyses,
        &all,
        Some(&stack),
        epochs,
        &mut |e, a| log("pass 2", e, a),
    );
    // the refiner learns on what it will see: jackknifed second-pass tags
    let mut stack2: Vec<Vec<usize>> = stack.clone();
    if REFINER_ON_PASS2 {
        for fold in 0..folds {
            let tr: Vec<usize> = all.iter().copied().filter(|i| i % folds != fold).collect();
            let pf = train_pass(
                att,
                units,
                analyses,
                &tr,
                Some(&stack),
                epochs,
                &mut |e, a| log(&format!("pass 2 fold {fold}"), e, a),
            );
            for i in all.iter().copied().filter(|i| i % folds == fold) {
                if let (Some((an, _)), Some((text, _))) = (analyses.get(i), units.get(i)) {
                    let mut prep = Prep::new(att, an, text);
                    prep.stack = stack.get(i).cloned();
                    if let Some(x) = stack2.get_mut(i) {
                        *x = decode_with(&pf, &prep);
                    }
                }
            }
        }
    }
    Ok(Some((q(&p)?, q(&p2)?, stack2, stack)))
}

fn write_tagger_cache(path: &Path, (p, p2, stack, stack1): &Taggers) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    use std::io::Write;
    p.write_to(&mut w)?;
    p2.write_to(&mut w)?;
    for st in [stack, stack1] {
        w.write_all(&(st.len() as u32).to_le_bytes())?;
        for t in st {
            w.write_all(&(t.len() as u32).to_le_bytes())?;
            let b: Vec<u8> = t.iter().map(|&x| x as u8).collect();
            w.write_all(&b)?;
        }
    }
    w.flush()
}

fn read_tagger_cache(path: &Path) -> std::io::Result<Taggers> {
    let mut r = std::io::BufReader::new(std::fs::File::open(path)?);
    let p = QTable::read_from(&mut r)?;
    let p2 = QTable::read_from(&mut r)?;
    let mut read_stack = || -> std::io::Result<Vec<Vec<usize>>> {
        let n = rd_u32(&mut r)? as usize;
        let mut stack = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let len = rd_u32(&mut r)? as usize;
            let mut b = vec![0u8; len.min(1 << 24)];
            r.read_exact(&mut b)?;
            stack.push(b.into_iter().map(usize::from).collect());
        }
        Ok(stack)
    };
    let stack = read_stack()?;
    let stack1 = read_stack()?;
    Ok((p, p2, stack, stack1))
}

/// Trains one pass ([`train_pass_seed`]) on [`seeds::pass_seeds`] shuffling seeds and
/// averages the weights.
#[allow(clippy::too_many_arguments)]
fn train_pass(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    subset: &[usize],
    stack: Option<&Vec<Vec<usize>>>,
    epochs: usize,
    log: &mut dyn FnMut(usize, f64),
) -> Perceptron {
    let ps = (0..seeds::pass_seeds())
        .map(|j| {
            let seed = seeds::nth_seed(0x2545_f491_4f6c_dd1d, j);
            train_pass_seed(att, units, analyses, subset, stack, epochs, seed, log)
        })
        .collect();
    seeds::mean(ps)
}

#[allow(clippy::too_many_arguments)]
fn train_pass_seed(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    subset: &[usize],
    stack: Option<&Vec<Vec<usize>>>,
    epochs: usize,
    mut seed: u64,
    log: &mut dyn FnMut(usize, f64),
) -> Perceptron {
    let mut p = Perceptron::new(TAGS.len(), bits());
    let mut order: Vec<usize> = subset.to_vec();
    let mut feats = Vec::with_capacity(128);
    let mut scores = Vec::new();
    // features are computed once per unit and epoch-independent except for the history,
    // so the preps are built once
    let mut inside = vec![false; units.len()];
    for &u in subset {
        if let Some(x) = inside.get_mut(u) {
            *x = true;
        }
    }
    let preps: Vec<Option<Prep<'_>>> = (0..units.len())
        .map(|u| {
            if !inside.get(u).copied().unwrap_or(false) {
                return None;
            }
            let (an, _) = analyses.get(u)?;
            let (text, _) = units.get(u)?;
            let mut prep = Prep::new(att, an, text);
            prep.stack = stack.and_then(|s| s.get(u)).cloned();
            Some(prep)
        })
        .collect();
    for ep in 0..epochs {
        shuffle(&mut order, &mut seed);
        let (mut right, mut total) = (0usize, 0usize);
        for &u in &order {
            let (Some((_, gold)), Some(Some(prep))) = (analyses.get(u), preps.get(u)) else {
                continue;
            };
            let mut h = Hist {
                since_cue: 99,
                ..Hist::default()
            };
            for (i, &g) in gold.iter().enumerate() {
                prep.feats(i, &h, &mut feats);
                let pr = p.predict(&feats, &mut scores);
                p.update(&feats, g, pr);
                right += usize::from(pr == g);
                total += 1;
                h.push(
                    fix(h.p1, pr),
                    prep.sent_start.get(i + 1).copied().unwrap_or(false),
                );
                h.track(i, prep);
            }
        }
        log(ep, right as f64 / total.max(1) as f64);
    }
    p.average();
    p
}

/// Token ranges `(start, end, role)` of the tag runs.
fn runs(tags: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (k, &t) in tags.iter().enumerate() {
        if t == 0 {
            continue;
        }
        let role = (t - 1) / 2;
        match out.last_mut() {
            Some(l) if t % 2 == 0 && l.2 == role && l.1 == k => l.1 = k + 1,
            _ => out.push((k, k + 1, role)),
        }
    }
    out
}

/// Attribution candidates for the cues the model found and the rules did not: each model cue
/// takes the nearest model content (after the cue first, else before it) and the nearest
/// model source in its sentence. Certainty comes from the cue lexicon.
pub fn model_cands(att: &Attributor, an: &Analysis, tags: &[usize]) -> Vec<crate::rules::Cand> {
    use crate::lexicon::Certainty;
    let rs = runs(tags);
    let sent_of = |k: usize| {
        an.sentences
            .iter()
            .position(|&(s, e)| s <= k && k < e)
            .unwrap_or(0)
    };
    let lex = att.lexicon(an.lang);
    let mut out = Vec::new();
    for &(cs, ce, role) in &rs {
        if role != 1 {
            continue;
        }
        let taken = an
            .cands
            .iter()
            .any(|c| c.cue.0 < ce && cs < c.cue.1 || c.content.0 <= cs && ce <= c.content.1);
        if taken {
            continue;
        }
        let sid = sent_of(cs);
        let (ss, se) = an.sentences.get(sid).copied().unwrap_or((cs, ce));
        let contents: Vec<&(usize, usize, usize)> = rs.iter().filter(|r| r.2 == 2).collect();
        let after = contents.iter().find(|r| r.0 >= ce && r.0 <= se.max(ce + 3));
        let before = contents
            .iter()
            .rev()
            .find(|r| r.1 <= cs && r.1 + 3 >= ss.min(cs));
        let Some(content) = after.or(before).map(|r| (r.0, r.1)) else {
            continue;
        };
        // the pipeline lists claims: a content with no verb and no quote (an object noun
        // phrase: "recalled an ISIS fighter") or one a rule already attributes is skipped
        let has_verb = an.syn.is_empty()
            || (content.0..content.1).any(|k| {
                an.syn
                    .get(k)
                    .is_some_and(|x| matches!(x.upos.as_str(), "VERB" | "AUX"))
            });
        let quoted = (content.0..content.1).any(|k| {
            an.toks
                .get(k)
                .is_some_and(|t| crate::words::is_open_quote(&t.lower))
        });
        let dup = an.cands.iter().any(|c| {
            let ov = c
                .content
                .1
                .min(content.1)
                .saturating_sub(c.content.0.max(content.0));
            2 * ov > content.1 - content.0
        });
        if !(has_verb || quoted) || dup {
            continue;
        }
        let final_frame = content.1 <= cs;
        let source = rs
            .iter()
            .filter(|r| r.2 == 0 && r.0 >= ss && r.1 <= se)
            .min_by_key(|r| {
                if r.1 <= cs {
                    cs - r.1
                } else {
                    r.0.saturating_sub(ce)
                }
            })
            .map(|r| (r.0, r.1));
        let cert = an
            .toks
            .get(cs)
            .and_then(|t| lex.and_then(|l| l.cues.get(&t.lower)))
            .and_then(|es| es.last())
            .map(|e| e.certainty)
            .unwrap_or(Certainty::Asserted);
        out.push(crate::rules::Cand {
            source,
            cue: (cs, ce),
            content,
            frame: Frame::Verb,
            final_frame,
            boundary: final_frame.then(|| cs.saturating_sub(1)),
            cue_certainty: cert,
            adverb_hedge: None,
            parent: None,
            channel: None,
            sentence: sid,
        });
    }
    out
}

/// What a token is, for span boundaries: 1 comma, 2 closing quote, 3 sentence end, 4 word,
/// 5 other punctuation, 6 opening quote (0 is kept for "outside the text").
fn kind_of(t: &Tok) -> u8 {
    let w = t.lower.as_str();
    if t.word {
        4
    } else if crate::words::is_comma(w) {
        1
    } else if crate::words::is_close_quote(w) || w == "''" {
        2
    } else if crate::words::is_open_quote(w) || w == "``" {
        6
    } else if crate::words::is_sentence_end(w) {
        3
    } else {
        5
    }
}

/// Dependents of each token as CSR offsets and indices (heads out of range are ignored).
fn children(syn: &[Syn]) -> (Vec<u32>, Vec<u32>) {
    let n = syn.len();
    let mut at = vec![0u32; n + 1];
    for s in syn {
        if let Some(h) = s.head
            && let Some(x) = at.get_mut(h + 1)
        {
            *x += 1;
        }
    }
    for k in 0..n {
        let p = at.get(k).copied().unwrap_or(0);
        if let Some(x) = at.get_mut(k + 1) {
            *x += p;
        }
    }
    let mut fill = at.clone();
    let mut kids = vec![0u32; at.get(n).copied().unwrap_or(0) as usize];
    for (k, s) in syn.iter().enumerate() {
        if let Some(h) = s.head
            && let Some(f) = fill.get_mut(h)
        {
            if let Some(x) = kids.get_mut(*f as usize) {
                *x = k as u32;
            }
            *f += 1;
        }
    }
    (at, kids)
}

/// Sparse table for range-minimum queries over (depth, index).
fn build_rmq(syn: &[Syn]) -> Vec<Vec<u32>> {
    let n = syn.len();
    if n == 0 {
        return Vec::new();
    }
    let key = |k: u32| (syn.get(k as usize).map(|s| s.depth).unwrap_or(0), k);
    let mut levels: Vec<Vec<u32>> = vec![(0..n as u32).collect()];
    let mut w = 1usize;
    while 2 * w <= n {
        let Some(prev) = levels.last() else { break };
        let next: Vec<u32> = (0..=n - 2 * w)
            .map(|i| {
                let (a, b) = (
                    prev.get(i).copied().unwrap_or(0),
                    prev.get(i + w).copied().unwrap_or(0),
                );
                if key(b) < key(a) { b } else { a }
            })
            .collect();
        levels.push(next);
        w *= 2;
    }
    levels
}

/// Signed distance, clamped to ±6.
fn sb(d: isize) -> u64 {
    (d.clamp(-6, 6) + 6) as u64
}

impl Prep<'_> {
    /// What token `k` is, for span boundaries: 0 outside, 1 comma, 2 closing quote, 3
    /// sentence end, 4 word, 5 other punctuation, 6 opening quote.
    fn punct_kind(&self, k: isize) -> u64 {
        if k < 0 {
            return 0;
        }
        u64::from(self.kinds.get(k as usize).copied().unwrap_or(0))
    }

    /// `out[d]` = how many tokens of `[a, a + d)` have their head in `[a, a + d)`, for every
    /// `a + d <= end` (one sweep: adding token `e` adds its own head link and its children's).
    fn inside_counts(&self, a: usize, end: usize, out: &mut Vec<usize>) {
        out.clear();
        out.push(0);
        let mut c = 0usize;
        for e in a..end {
            if let Some(h) = self.syn.get(e).and_then(|x| x.head)
                && a <= h
                && h < e
            {
                c += 1;
            }
            let (k0, k1) = (
                self.kid_at.get(e).copied().unwrap_or(0) as usize,
                self.kid_at.get(e + 1).copied().unwrap_or(0) as usize,
            );
            if let Some(ks) = self.kids.get(k0..k1) {
                c += ks
                    .iter()
                    .filter(|&&k| a <= k as usize && (k as usize) < e)
                    .count();
            }
            out.push(c);
        }
    }

    /// The shallowest token of `[s, e)` in the parse (the first on ties).
    fn span_root(&self, s: usize, e: usize) -> usize {
        if e <= s || self.rmq.is_empty() {
            return s;
        }
        let len = e - s;
        let lvl = (usize::BITS - 1 - len.leading_zeros()) as usize;
        let (Some(t), w) = (self.rmq.get(lvl), 1usize << lvl) else {
            return s;
        };
        let a = t.get(s).copied().unwrap_or(s as u32);
        let b = t.get(e - w).copied().unwrap_or(a);
        let key = |k: u32| (self.depth(k as usize), k);
        (if key(b) < key(a) { b } else { a }) as usize
    }

    /// Candidate boundaries for a predicted span `[s, e)`: small shifts, the edges of the
    /// subtree of its shallowest word, and the punctuation around its end.
    fn span_cands(&self, run: (usize, usize), others: &[(usize, usize)]) -> Vec<(usize, usize)> {
        let n = self.toks.len();
        let (s, e) = run;
        let mut starts: Vec<usize> =
            (s.saturating_sub(2)..=(s + 2).min(n.saturating_sub(1))).collect();
        let mut ends: Vec<usize> = (e.saturating_sub(3).max(1)..=(e + 3).min(n)).collect();
        if !self.syn.is_empty() {
            let root = self.span_root(s, e);
            if let Some(x) = self.syn.get(root) {
                starts.push(x.left);
                ends.push((x.right + 1).min(n));
            }
        }
        if refiner_x(1) && !self.syn.is_empty() {
            // the edges of the root's dependents: cut a trailing or leading constituent
            let root = self.span_root(s, e);
            let (k0, k1) = (
                self.kid_at.get(root).copied().unwrap_or(0) as usize,
                self.kid_at.get(root + 1).copied().unwrap_or(0) as usize,
            );
            for &c in self.kids.get(k0..k1).unwrap_or(&[]) {
                let Some(x) = self.syn.get(c as usize) else {
                    continue;
                };
                if x.left > s && x.left < e {
                    ends.push(x.left);
                }
                if x.right + 1 > s && x.right < e {
                    starts.push(x.right + 1);
                }
            }
        }
        for k in s + 1..(e + 15).min(n) {
            if matches!(self.punct_kind(k as isize), 1..=3) {
                ends.push(k);
                ends.push(k + 1);
            }
        }
        // further sentence ends and closing quotes (contents that run over sentences), and the
        // edges of neighbouring runs of the same role (merging)
        if REFINER_WIDE_STARTS {
            // earlier starts: after a comma or sentence end, up to two sentences back
            let mut seen = 0;
            let mut k = s;
            while k > 0 && s - k < 60 {
                k -= 1;
                match self.punct_kind(k as isize) {
                    1 => starts.push(k + 1),
                    3 => {
                        starts.push(k + 1);
                        seen += 1;
                        if seen >= 2 {
                            break;
                        }
                    }
                    6 => starts.push(k),
                    _ => {}
                }
            }
        }
        let mut sentences = 0;
        for k in (e + 15).min(n)..(e + 80).min(n) {
            match self.punct_kind(k as isize) {
                2 => ends.push(k + 1),
                3 => {
                    ends.push(k);
                    ends.push(k + 1);
                    sentences += 1;
                    if sentences >= 3 {
                        break;
                    }
                }
                _ => {}
            }
        }
        for &(a, b) in others {
            if b <= s && a + 80 >= s {
                starts.push(a);
            }
            if a >= e && b <= e + 80 {
                ends.push(b);
            }
        }
        starts.sort_unstable();
        starts.dedup();
        ends.sort_unstable();
        ends.dedup();
        let mut out = Vec::with_capacity(starts.len() * ends.len());
        for &a in &starts {
            for &b in &ends {
                if a < b && b <= n && b - a <= 300 {
                    out.push((a, b));
                }
            }
        }
        out
    }

    /// Features of the span `[s, e)` proposed for a predicted run of role `role`: those of
    /// its start, of its end and of the pair (the refiner scores the first two once per
    /// start / end and only the pair per candidate; the sum is the same).
    #[allow(clippy::too_many_arguments)]
    fn span_feats(
        &self,
        role: u64,
        run: (usize, usize),
        others: &[(usize, usize)],
        tags: &[usize],
        s: usize,
        e: usize,
        inside: Option<usize>,
        out: &mut Vec<u64>,
    ) {
        let mut f = Vec::with_capacity(52);
        self.start_feats(role, run, tags, s, &mut f);
        self.end_feats(role, run, tags, e, &mut f);
        let cues = (cue_before(tags, s), cue_after(tags, e));
        self.pair_feats(role, run, others, tags, (s, e), inside, cues, &mut f);
        // in the order the templates were first written (the perceptron's float sums in
        // training depend on it)
        out.clear();
        out.extend(
            SPAN_ORDER
                .iter()
                .filter_map(|&k| f.get(k as usize).copied()),
        );
        out.extend(f.iter().skip(SPAN_ORDER.len()).copied());
    }

    /// The role around a span edge (5: the run itself, 6: outside the text).
    fn role_at(run: (usize, usize), tags: &[usize], k: isize) -> u64 {
        if k < 0 {
            return 6;
        }
        let k = k as usize;
        if run.0 <= k && k < run.1 {
            return 5;
        }
        match tags.get(k) {
            None => 6,
            Some(0) => 0,
            Some(t) => 1 + ((*t as u64) - 1) / 2,
        }
    }

    fn wd(&self, k: isize) -> u64 {
        if k < 0 {
            return 11;
        }
        self.wh.get(k as usize).copied().unwrap_or(12)
    }

    fn sxf(&self, k: isize) -> SynFeats {
        if k < 0 {
            return SynFeats::default();
        }
        self.sx.get(k as usize).copied().unwrap_or_default()
    }

    fn qdep(&self, k: isize) -> u64 {
        if k < 0 {
            return 9;
        }
        u64::from(self.qd.get(k as usize).copied().unwrap_or(0).min(2))
    }

    /// Span features that depend on its start only (appended to `out`).
    fn start_feats(
        &self,
        role: u64,
        run: (usize, usize),
        tags: &[usize],
        s: usize,
        out: &mut Vec<u64>,
    ) {
        let si = s as isize;
        let w = |k: isize| self.wd(k);
        let ds = sb(si - run.0 as isize);
        let firstp = self.punct_kind(si);
        let prevp = self.punct_kind(si - 1);
        let (ss, sp) = (self.sxf(si), self.sxf(si - 1));
        let pr = Self::role_at(run, tags, si - 1);
        out.push(f2(200, role, ds));
        out.push(f3(205, role, ds, w(si)));
        out.push(f3(206, role, ds, w(si - 1)));
        out.push(f3(208, role, w(si - 1), w(si)));
        out.push(f3(210, role, sp.upos, ss.upos));
        out.push(f3(212, role, ss.rel, ss.upos));
        out.push(f3(218, role, firstp, prevp));
        out.push(f3(224, role, prevp, ds));
        out.push(f3(227, role, self.qdep(si - 1), self.qdep(si)));
        out.push(f3(231, role, ss.rel, ds));
        out.push(f3(241, role, pr, ds));
        out.push(f3(243, role, pr, w(si - 1)));
    }

    /// Span features that depend on its end only (appended to `out`).
    fn end_feats(
        &self,
        role: u64,
        run: (usize, usize),
        tags: &[usize],
        e: usize,
        out: &mut Vec<u64>,
    ) {
        let ei = e as isize;
        let w = |k: isize| self.wd(k);
        let de = sb(ei - run.1 as isize);
        let endp = self.punct_kind(ei);
        let lastp = self.punct_kind(ei - 1);
        let (se, sl) = (self.sxf(ei), self.sxf(ei - 1));
        let nr = Self::role_at(run, tags, ei);
        out.push(f2(201, role, de));
        out.push(f3(203, role, de, w(ei)));
        out.push(f3(204, role, de, w(ei - 1)));
        out.push(f3(207, role, w(ei - 1), w(ei)));
        out.push(f3(209, role, sl.upos, se.upos));
        out.push(f3(211, role, se.rel, se.upos));
        out.push(f3(217, role, endp, lastp));
        out.push(f3(223, role, endp, de));
        out.push(f3(225, role, w(ei), w(ei + 1)));
        out.push(f3(226, role, self.qdep(ei - 1), self.qdep(ei)));
        out.push(f3(230, role, se.rel, de));
        out.push(f3(232, role, sl.rel, lastp));
        out.push(f3(242, role, nr, de));
        out.push(f3(244, role, nr, w(ei)));
    }

    /// Span features of the start and end together (appended to `out`); `inside` is the
    /// number of tokens whose head lies in the span ([`Prep::inside_counts`], else counted
    /// here), `cues` the nearest cue tags before the start and after the end.
    #[allow(clippy::too_many_arguments)]
    fn pair_feats(
        &self,
        role: u64,
        run: (usize, usize),
        others: &[(usize, usize)],
        tags: &[usize],
        (s, e): (usize, usize),
        inside: Option<usize>,
        cues: (Option<usize>, Option<usize>),
        out: &mut Vec<u64>,
    ) {
        let absorbed = others.iter().filter(|o| o.0 < e && s < o.1).count().min(3) as u64;
        let w = |k: isize| self.wd(k);
        let (si, ei) = (s as isize, e as isize);
        let ds = sb(si - run.0 as isize);
        let de = sb(ei - run.1 as isize);
        let root = self.span_root(s, e);
        let (rl, rr) = self
            .syn
            .get(root)
            .map(|x| (x.left, x.right))
            .unwrap_or((usize::MAX, usize::MAX));
        let exact = u64::from(rl == s)
            + 2 * u64::from(rr.wrapping_add(1) == e)
            + 4 * u64::from(self.syn.is_empty());
        let outside = if self.syn.is_empty() {
            9
        } else if let Some(ins) = inside {
            u64::from(bucket((e - s).saturating_sub(ins)))
        } else {
            let c = (s..e)
                .filter(|&k| {
                    self.syn
                        .get(k)
                        .and_then(|x| x.head)
                        .is_none_or(|h| h < s || h >= e)
                })
                .count();
            u64::from(bucket(c))
        };
        let lb = u64::from(bucket(e - s));
        let endp = self.punct_kind(ei);
        let lastp = self.punct_kind(ei - 1);
        let sr = self.sxf(root as isize);
        let same = u64::from(self.sent_of.get(s) == self.sent_of.get(e.saturating_sub(1)));
        out.push(f3(202, role, ds, de));
        out.push(f3(213, role, exact, de));
        out.push(f3(214, role, exact, ds));
        out.push(f2(215, role, exact));
        out.push(f3(216, role, outside, exact));
        out.push(f3(219, role, lb, exact));
        out.push(f3(220, role, sr.rel, exact));
        out.push(f3(221, role, sr.upos, sr.rel));
        out.push(f3(222, role, sr.q_rel, exact));
        out.push(f2(228, role, same));
        out.push(f3(229, role, outside, de));
        // sentence boundaries inside, against the run's; quote balance; runs absorbed
        let sents = |a: usize, b: usize| -> i64 {
            let x = self.sent_of.get(a).copied().unwrap_or(0);
            let y = self.sent_of.get(b.saturating_sub(1)).copied().unwrap_or(0);
            i64::from(y) - i64::from(x)
        };
        let dsent = sb((sents(s, e) - sents(run.0, run.1)) as isize);
        let pre = |v: &[u32], k: usize| v.get(k).copied().unwrap_or(0);
        let opens = pre(&self.opens, e).saturating_sub(pre(&self.opens, s));
        let closes = pre(&self.closes, e).saturating_sub(pre(&self.closes, s));
        let bal = if opens == closes {
            0
        } else if opens > closes {
            1
        } else {
            2
        };
        out.push(f2(233, role, dsent));
        out.push(f3(234, role, bal, u64::from(opens > 0)));
        out.push(f3(235, role, bal, endp));
        out.push(f3(236, role, dsent, lastp));
        out.push(f3(237, role, absorbed, de));
        out.push(f3(238, role, absorbed, dsent));
        // the nearest cue of the tags around the span (its word), and on which side
        let cue_near = match cues {
            (Some(b), Some(a)) if a - e < s - b => (w(a as isize), 2u64),
            (Some(b), _) => (w(b as isize), 1),
            (None, Some(a)) => (w(a as isize), 2),
            (None, None) => (0, 0),
        };
        out.push(f3(245, role, cue_near.0, endp));
        out.push(f3(246, role, cue_near.0, de));
        out.push(f3(247, role, cue_near.1, exact));
        out.push(f3(248, role, cue_near.0, ds));
        out.push(f3(249, role, cue_near.1, dsent));
        let (pr, nr) = (
            Self::role_at(run, tags, si - 1),
            Self::role_at(run, tags, ei),
        );
        out.push(f3(240, role, pr, nr));
        if refiner_x(2) && !self.syn.is_empty() {
            // the span root's head: a cue of the tags (1), a lexicon cue (2), other (3), none (4)
            let rh = match self.syn.get(root).and_then(|x| x.head) {
                Some(h) if matches!(tags.get(h), Some(3) | Some(4)) => 1,
                Some(h) if self.lexcue.get(h).is_some_and(|&x| x > 0) => 2,
                Some(_) => 3,
                None => 4,
            };
            // dependents of the span's own words left out just after the end / before the start
            let cut_end = self
                .syn
                .get(e)
                .filter(|x| x.head.is_some_and(|h| s <= h && h < e))
                .map_or(0, |_| self.sxf(ei).rel);
            let cut_start = if s > 0 {
                self.syn
                    .get(s - 1)
                    .filter(|x| x.head.is_some_and(|h| s <= h && h < e))
                    .map_or(0, |_| self.sxf(si - 1).rel)
            } else {
                0
            };
            out.push(f3(250, role, rh, exact));
            out.push(f3(251, role, rh, sr.rel));
            out.push(f3(252, role, cut_end, endp));
            out.push(f3(253, role, cut_start, self.punct_kind(si - 1)));
            out.push(f3(254, role, cut_end, de));
            out.push(f3(255, role, cut_start, ds));
        }
    }
}

/// Positions in start + end + pair feature order of the span templates 200..=249 in the
/// order [`Prep::span_feats`] gives them.
const SPAN_ORDER: [u8; 49] = [
    0, 12, 26, 13, 14, 1, 2, 15, 3, 16, 4, 17, 5, 27, 28, 29, 30, 18, 6, 31, 32, 33, 34, 19, 7, 20,
    21, 8, 35, 36, 22, 9, 23, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 10, 24, 11, 25,
];

/// The nearest cue tag in the 12 tokens before `s`.
fn cue_before(tags: &[usize], s: usize) -> Option<usize> {
    (s.saturating_sub(12)..s)
        .rev()
        .find(|&k| matches!(tags.get(k), Some(3) | Some(4)))
}

/// The nearest cue tag in the 12 tokens from `e` on.
fn cue_after(tags: &[usize], e: usize) -> Option<usize> {
    (e..(e + 12).min(tags.len())).find(|&k| matches!(tags.get(k), Some(3) | Some(4)))
}

/// The source (0) and content (2) runs of a tag sequence.
fn role_runs(tags: &[usize]) -> Vec<(usize, usize, usize)> {
    runs(tags).into_iter().filter(|r| r.2 != 1).collect()
}

/// Re-chooses the boundaries of each source and content run (when the new tokens are free).
fn refine(r: &Column, prep: &Prep<'_>, tags: &mut [usize]) {
    let mut feats = Vec::with_capacity(64);
    let mut inside = Vec::new();
    let mut end_score: Vec<Option<(i32, Option<usize>)>> = Vec::new();
    let all = role_runs(tags);
    let snap = tags.to_vec();
    let mut touched = vec![false; tags.len()];
    for &(s, e, role) in &all {
        if (s..e).any(|k| touched.get(k).copied().unwrap_or(true)) {
            continue;
        }
        let others: Vec<(usize, usize)> = all
            .iter()
            .filter(|o| o.2 == role && (o.0, o.1) != (s, e))
            .map(|o| (o.0, o.1))
            .collect();
        let mut best = ((s, e), i32::MIN);
        let cands = prep.span_cands((s, e), &others);
        let max_end = cands.iter().map(|c| c.1).max().unwrap_or(0);
        let min_end = cands.iter().map(|c| c.1).min().unwrap_or(0);
        let min_start = cands.iter().map(|c| c.0).min().unwrap_or(0);
        // only the runs within reach of a candidate can be absorbed by one
        let near: Vec<(usize, usize)> = others
            .iter()
            .copied()
            .filter(|o| o.0 < max_end && min_start < o.1)
            .collect();
        // the score of the start's and of the end's own features, once each
        end_score.clear();
        end_score.resize(max_end + 1 - min_end.min(max_end), None);
        for &(_, b) in &cands {
            if let Some(v) = end_score.get_mut(b - min_end)
                && v.is_none()
            {
                feats.clear();
                prep.end_feats(role as u64, (s, e), &snap, b, &mut feats);
                *v = Some((r.score(&feats), cue_after(&snap, b)));
            }
        }
        let mut start_score: Vec<(usize, i32, Option<usize>)> = Vec::new();
        for &(a, _) in &cands {
            if start_score.last().is_none_or(|x| x.0 != a) {
                feats.clear();
                prep.start_feats(role as u64, (s, e), &snap, a, &mut feats);
                start_score.push((a, r.score(&feats), cue_before(&snap, a)));
            }
        }
        // search only the pairs of the best starts and ends by their own scores (and the
        // run's own start and end)
        let k = REFINER_K;
        let kth = |mut v: Vec<i32>| -> i32 {
            v.sort_unstable_by(|a, b| b.cmp(a));
            if k == 0 {
                i32::MIN
            } else {
                v.get(k - 1).copied().unwrap_or(i32::MIN)
            }
        };
        let s_floor = kth(start_score.iter().map(|x| x.1).collect());
        let e_floor = kth(end_score.iter().flatten().map(|x| x.0).collect());
        let (mut cur_start, mut s_score, mut s_cue) = (usize::MAX, 0i32, None);
        let mut si = 0usize;
        for &(a, b) in &cands {
            // candidates come sorted by start: one sweep per start gives every end's count
            if a != cur_start {
                cur_start = a;
                while start_score.get(si).is_some_and(|x| x.0 != a) {
                    si += 1;
                }
                let x = start_score.get(si).copied().unwrap_or((a, 0, None));
                s_score = x.1;
                s_cue = x.2;
                if s_score >= s_floor || a == s {
                    prep.inside_counts(a, max_end, &mut inside);
                }
            }
            if s_score < s_floor && a != s {
                continue;
            }
            let (e_score, e_cue) = end_score
                .get(b - min_end)
                .copied()
                .flatten()
                .unwrap_or((0, None));
            if e_score < e_floor && b != e {
                continue;
            }
            let ins = inside.get(b - a).copied();
            feats.clear();
            let cues = (s_cue, e_cue);
            prep.pair_feats(
                role as u64,
                (s, e),
                &near,
                &snap,
                (a, b),
                ins,
                cues,
                &mut feats,
            );
            let sc = s_score + e_score + r.score(&feats);
            if sc > best.1 {
                best = ((a, b), sc);
            }
        }
        let (a, b) = best.0;
        if (a, b) == (s, e) {
            continue;
        }
        // new tokens must be free or of the same role (merging runs), and untouched
        let same = |t: usize| t != 0 && (t - 1) / 2 == role;
        let free = (a..b).all(|k| {
            (s..e).contains(&k)
                || !touched.get(k).copied().unwrap_or(true)
                    && tags.get(k).is_some_and(|&t| t == 0 || same(t))
        });
        if !free {
            continue;
        }
        for k in s..e {
            if let Some(x) = tags.get_mut(k) {
                *x = 0;
            }
        }
        for k in a..b {
            if let Some(x) = tags.get_mut(k) {
                *x = 1 + role * 2 + usize::from(k > a);
            }
            if let Some(x) = touched.get_mut(k) {
                *x = true;
            }
        }
        // what remains of an absorbed or cut run starts afresh
        if let Some(x) = tags.get_mut(b)
            && *x == 2 + role * 2
        {
            *x = 1 + role * 2;
        }
    }
}

/// A refiner training item: unit, predicted run, gold span, role.
type RefinerItem = (usize, (usize, usize), (usize, usize), usize);

/// Trains the span refiner on jackknifed first-pass runs against the gold runs.
fn train_refiner(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    stack: &[Vec<usize>],
    epochs: usize,
    log: &mut dyn FnMut(usize, f64),
) -> Perceptron {
    let ps = (0..seeds::span_seeds())
        .map(|j| {
            let seed = seeds::nth_seed(0x9e37_79b9_7f4a_7c15, j);
            train_refiner_seed(att, units, analyses, stack, epochs, seed, log)
        })
        .collect();
    seeds::mean(ps)
}

fn train_refiner_seed(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    stack: &[Vec<usize>],
    epochs: usize,
    mut seed: u64,
    log: &mut dyn FnMut(usize, f64),
) -> Perceptron {
    let mut p = Perceptron::new(2, 18);
    // (unit, run, gold span, role)
    let mut items: Vec<RefinerItem> = Vec::new();
    let mut others_of: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); units.len()];
    let preps: Vec<Option<Prep<'_>>> = (0..units.len())
        .map(|u| {
            let (an, _) = analyses.get(u)?;
            let (text, _) = units.get(u)?;
            Some(Prep::new(att, an, text))
        })
        .collect();
    for (u, (_, gold)) in analyses.iter().enumerate() {
        let Some(pred) = stack.get(u) else { continue };
        let g = role_runs(gold);
        let pr = role_runs(pred);
        if let Some(x) = others_of.get_mut(u) {
            *x = pr.clone();
        }
        for (s, e, role) in pr {
            let best = g
                .iter()
                .filter(|x| x.2 == role && x.0 < e && s < x.1)
                .max_by_key(|x| x.1.min(e) - x.0.max(s));
            if let Some(&(gs, ge, _)) = best {
                items.push((u, (s, e), (gs, ge), role));
            }
        }
    }
    let mut fa = Vec::with_capacity(40);
    let mut fb = Vec::with_capacity(40);
    let mut scores = vec![0f32; 2];
    for ep in 0..epochs {
        shuffle(&mut items, &mut seed);
        let (mut right, mut total, mut covered) = (0usize, 0usize, 0usize);
        for &(u, run, gold, role) in &items {
            let (Some(Some(prep)), Some(pred)) = (preps.get(u), stack.get(u)) else {
                continue;
            };
            let others: Vec<(usize, usize)> = others_of
                .get(u)
                .map(|v| {
                    v.iter()
                        .filter(|o| o.2 == role && (o.0, o.1) != run)
                        .map(|o| (o.0, o.1))
                        .collect()
                })
                .unwrap_or_default();
            let cands = prep.span_cands(run, &others);
            total += 1;
            if !cands.contains(&gold) {
                continue;
            }
            covered += 1;
            let mut best = (run, f32::MIN);
            for &(a, b) in &cands {
                prep.span_feats(role as u64, run, &others, pred, a, b, None, &mut fa);
                scores.iter_mut().for_each(|x| *x = 0.0);
                p.score_into(&fa, &mut scores);
                let sc = scores.get(1).copied().unwrap_or(0.0);
                if sc > best.1 {
                    best = ((a, b), sc);
                }
            }
            if best.0 == gold {
                right += 1;
                p.update(&[], 0, 0);
            } else {
                prep.span_feats(
                    role as u64,
                    run,
                    &others,
                    pred,
                    gold.0,
                    gold.1,
                    None,
                    &mut fa,
                );
                prep.span_feats(
                    role as u64,
                    run,
                    &others,
                    pred,
                    best.0.0,
                    best.0.1,
                    None,
                    &mut fb,
                );
                p.update(&fa, 1, 0);
                p.update(&fb, 0, 1);
            }
        }
        if ep == 0 {
            eprintln!("refiner: {total} predicted runs, gold among the candidates for {covered}");
        }
        log(ep, right as f64 / covered.max(1) as f64);
    }
    p.average();
    p
}

#[cfg(test)]
mod speed_tests {
    use super::*;

    /// [`around_all`] gives [`Prep::around_at`] for every token.
    #[test]
    fn around_all_is_around_at() {
        let att = Attributor::new();
        let text = "The minister said on Tuesday that the plan, which critics called \"a disaster\", would go ahead. \
                    Officials said nothing. According to the report, prices rose. He added: \"We will see.\"";
        let an = att.analyse(text, "en");
        let mut prep = Prep::new(&att, &an, text);
        let n = an.toks.len();
        let mut seed = 7u64;
        for _ in 0..200 {
            let st: Vec<usize> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    let r = (seed >> 33) % 10;
                    if r < 6 {
                        0
                    } else {
                        (r - 5) as usize * 2 - 1 + (seed >> 40) as usize % 2
                    }
                })
                .collect();
            let all = around_all(&prep.sent_of, &st);
            prep.stack = Some(st.clone());
            for i in 0..n {
                let (b, a) = prep.around_at(&st, i);
                assert_eq!(u64::from(all[i]), b * 8 + a, "token {i}");
            }
        }
        // long sentences (windows cut at 40 before / 39 after)
        let long = "word ".repeat(120) + "said it.";
        let an = att.analyse(&long, "en");
        let prep = Prep::new(&att, &an, &long);
        let n = an.toks.len();
        for j in 0..n {
            let mut st = vec![0usize; n];
            st[j] = 5;
            let all = around_all(&prep.sent_of, &st);
            for i in 0..n {
                let (b, a) = prep.around_at(&st, i);
                assert_eq!(u64::from(all[i]), b * 8 + a, "token {i}, role at {j}");
            }
        }
    }
}

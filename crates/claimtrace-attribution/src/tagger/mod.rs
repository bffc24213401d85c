//! A learned BIO tagger over source / cue / content (averaged perceptron, greedy left to
//! right), stacked on the rule system: its features include the rules' roles, the cue
//! lexicon, quotation state and distances to cues. Trained on PolNeAR (see the model notice).

#![allow(clippy::needless_range_loop)]

use crate::lexicon::Frame;
use crate::syntax::Syn;
use crate::tokens::Tok;
use crate::{Analysis, Attributor};
use claimtrace_ml::blob::{Meta, Reader, Writer};
use claimtrace_ml::hash::{feat, mix};
use claimtrace_ml::table::Table;
#[cfg(feature = "train")]
use claimtrace_ml::train::{Trainer, Weights, argmax};
use std::path::Path;

mod decode;
mod features;
mod filter;
mod refine;
#[cfg(feature = "train")]
mod seeds;
mod table;
#[cfg(feature = "train")]
mod train;

use decode::*;
pub use decode::{align_cands, model_cands, spans_to_tags, tags_to_spans};
use features::*;
use refine::*;
pub use table::QTable;
use table::*;
#[cfg(feature = "train")]
use train::*;

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
/// 5: a claimtrace-ml kernel file (`blob`): a meta block (the training options,
/// [`TrainOptions::to_text`], and which tables follow), then dense `Table<i8>`s read in place:
/// pass 1, pass 2, the refiner's and the span filter's class-1 columns. (4 and 3, the gzip'd
/// sparse stream, no longer load: the committed model was converted.)
const VERSION: u32 = 5;
/// Features relating a token to the current run's parse subtree (tried: 69.0 / 67.2 / 52.4
/// against 69.4 / 68.0 / 53.3 without; off).
const RUN_FEATS: bool = false;

/// Skip the tagger on sentences with no lexicon cue, rule candidate or quote mark and no such
/// neighbour (tried: 30 % less model time, but dev exact F1 71.4 / 66.7 / 54.8 against
/// 71.9 / 67.5 / 55.4; off).
const GATE: bool = false;

/// Whether the second (stacked) pass keeps only the base templates in [`KEEP2`] (tried for
/// speed: dev exact F1 70.0 / 65.7 / 54.3 against 71.9 / 67.5 / 55.4 with all; off).
const PRUNE2: bool = false;

/// The base templates the second pass keeps under [`PRUNE2`].
const KEEP2: u128 = 0x31ae24000000016003f9206;

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

/// Hash buckets per pass (2^20 rows × 7 classes).
pub const BITS: u32 = 20;

/// How a model is trained: every choice of the training run (the experiment constants and the
/// developer knobs that were `ATTR_*` environment variables), recorded in the model file's
/// header. `Default` is the recipe of the committed model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainOptions {
    /// Epochs of each tagger pass.
    pub epochs: u32,
    /// A second pass stacked on the first pass's jackknifed tags, then the refiner and the
    /// span filter (else the first pass alone).
    pub stacked: bool,
    /// Hash buckets per tagger pass, as a power of two (10..=24; the file records its size).
    pub bits: u32,
    /// Folds of the jackknife that gives the stacked pass and the refiner their training tags.
    pub folds: u32,
    /// Shuffling seeds whose weights are averaged, per tagger pass and fold (1..=16).
    pub pass_seeds: u32,
    /// Shuffling seeds averaged for the refiner and for the span filter (1..=16).
    pub span_seeds: u32,
    /// 0: the committed model's seeds; k: every pass, fold, the refiner and the filter
    /// shuffled on other seeds (to measure how much retrains move).
    pub seed_shift: u32,
    /// Epochs of the span refiner (its training accuracy still rises at 8).
    pub refiner_epochs: u32,
    /// Epochs of the span filter (4: 74.6 / 69.9 / 57.9; 20: 74.3 / 69.6 / 57.9; 10:
    /// 74.3 / 69.7 / 58.0).
    pub filter_epochs: u32,
    /// Whether the rules whose candidates are training features get the parse (the subject
    /// frame). They do not: trained with it, 72.9 / 68.2 / 55.0 against 73.0 / 68.1 / 56.5
    /// (rules given the parse at run time either way).
    pub rules_parse: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 14,
            stacked: true,
            bits: BITS,
            folds: 2,
            pass_seeds: 1,
            span_seeds: 1,
            seed_shift: 0,
            refiner_epochs: 16,
            filter_epochs: 10,
            rules_parse: false,
        }
    }
}

impl TrainOptions {
    /// The options brought into their ranges.
    pub fn checked(&self) -> TrainOptions {
        TrainOptions {
            epochs: self.epochs.max(1),
            bits: self.bits.clamp(10, 24),
            folds: self.folds.clamp(2, 16),
            pass_seeds: self.pass_seeds.clamp(1, 16),
            span_seeds: self.span_seeds.clamp(1, 16),
            refiner_epochs: self.refiner_epochs.max(1),
            filter_epochs: self.filter_epochs.max(1),
            ..self.clone()
        }
    }

    /// `key=value` pairs separated by spaces (what the model file's header records).
    pub fn to_text(&self) -> String {
        format!(
            "epochs={} stacked={} bits={} folds={} pass_seeds={} span_seeds={} seed_shift={} \
             refiner_epochs={} filter_epochs={} rules_parse={}",
            self.epochs,
            u8::from(self.stacked),
            self.bits,
            self.folds,
            self.pass_seeds,
            self.span_seeds,
            self.seed_shift,
            self.refiner_epochs,
            self.filter_epochs,
            u8::from(self.rules_parse)
        )
    }

    /// Reads [`TrainOptions::to_text`]; keys it does not know, or missing, keep their default.
    pub fn from_text(s: &str) -> Result<TrainOptions, String> {
        let mut o = TrainOptions::default();
        for kv in s.split_whitespace() {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| format!("training option without a value: {kv}"))?;
            o.set(k, v)?;
        }
        Ok(o)
    }

    /// Sets one option by name (`epochs`, `stacked`, `bits`… as in [`TrainOptions::to_text`]).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let n = || {
            value
                .parse::<u32>()
                .map_err(|_| format!("training option {key}: not a number: {value}"))
        };
        match key {
            "epochs" => self.epochs = n()?,
            "stacked" => self.stacked = n()? != 0,
            "bits" => self.bits = n()?,
            "folds" => self.folds = n()?,
            "pass_seeds" => self.pass_seeds = n()?,
            "span_seeds" => self.span_seeds = n()?,
            "seed_shift" => self.seed_shift = n()?,
            "refiner_epochs" => self.refiner_epochs = n()?,
            "filter_epochs" => self.filter_epochs = n()?,
            "rules_parse" => self.rules_parse = n()? != 0,
            _ => {}
        }
        Ok(())
    }
}

/// The trained tagger: two quantised passes, the second stacked on the first pass's tags.
#[derive(Debug, Clone)]
pub struct Model {
    /// How it was trained (`None`: a file from before the options were recorded).
    pub options: Option<TrainOptions>,
    p: QTable,
    p2: Option<QTable>,
    /// Span refiner: re-chooses source and content boundaries (see [`Prep::span_cands`]);
    /// its class-1 column, what it scores with (the file stores only that column).
    r1: Option<Column>,
    /// Span filter ([`filter`]): drops predicted runs that are no role span at all; its
    /// class-1 column.
    f1: Option<Column>,
}

impl Model {
    /// The model compiled into a binary (`claimtrace_ml::aligned_bytes!`): its tables are
    /// read in place (no copy, no decompression). The bytes must be the unpacked file.
    pub fn from_static(bytes: &'static [u8]) -> claimtrace_ml::Result<Model> {
        Model::read_blob(Reader::open_static(bytes, MAGIC, VERSION)?)
    }

    /// A model from a file's bytes (gzip'd or not, copied once).
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, String> {
        Reader::open_bytes(bytes, MAGIC, VERSION)
            .and_then(Model::read_blob)
            .map_err(|e| e.to_string())
    }

    fn read_blob(mut r: Reader) -> claimtrace_ml::Result<Model> {
        let mut meta = r.meta()?;
        let o = TrainOptions::from_text(meta.str()?).map_err(claimtrace_ml::Error::corrupt)?;
        let (has_p2, has_r, has_f) = (meta.u8()? == 1, meta.u8()? == 1, meta.u8()? == 1);
        let p = QTable {
            t: Table::<i8>::read(&mut r)?,
        };
        let mut opt = |has: bool| -> claimtrace_ml::Result<Option<Table<i8>>> {
            if has {
                Ok(Some(Table::<i8>::read(&mut r)?))
            } else {
                Ok(None)
            }
        };
        let p2 = opt(has_p2)?.map(|t| QTable { t });
        let r1 = opt(has_r)?.map(|t| Column { t });
        let f1 = opt(has_f)?.map(|t| Column { t });
        Ok(Model {
            options: Some(o),
            p,
            p2,
            r1,
            f1,
        })
    }

    pub fn load(path: &Path) -> Result<Model, String> {
        let b = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Model::from_bytes(&b)
    }

    /// Writes the model (gzip'd, as kept in `models/`; the build unpacks it to embed it).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut w = Writer::new(MAGIC, VERSION);
        let mut meta = Meta::default();
        let o = self.options.clone().unwrap_or_default();
        meta.str(&o.to_text())
            .u8(u8::from(self.p2.is_some()))
            .u8(u8::from(self.r1.is_some()))
            .u8(u8::from(self.f1.is_some()));
        w.block(meta);
        self.p.t.write(&mut w);
        if let Some(t) = &self.p2 {
            t.t.write(&mut w);
        }
        for c in [&self.r1, &self.f1].into_iter().flatten() {
            c.t.write(&mut w);
        }
        w.save(path).map_err(|e| e.to_string())
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

//! A learned BIO tagger over source / cue / content (averaged perceptron, greedy left to
//! right), stacked on the rule system: its features include the rules' roles, the cue
//! lexicon, quotation state and distances to cues. Trained on PolNeAR (see the model notice).

#![allow(clippy::needless_range_loop)]

use crate::lexicon::Frame;
use crate::tokens::Tok;
use crate::{Analysis, Attributor};
use claimtrace_ml::hash::{feat, feat2};
use claimtrace_ml::modelfile;
use claimtrace_ml::perceptron::Perceptron;
use std::path::Path;

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
const VERSION: u32 = 1;
const BITS: u32 = 21;

/// The trained tagger.
#[derive(Debug, Clone)]
pub struct Model {
    p: Perceptron,
    /// Second pass, stacked on the first pass's tags.
    p2: Option<Perceptron>,
}

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
    /// Normalised word forms (quotes unified, digits → 0).
    norm: Vec<String>,
    /// First-pass tags (stacking), when running the second pass.
    stack: Option<Vec<usize>>,
}

/// Decoding history within the current sentence.
#[derive(Debug, Clone, Copy, Default)]
struct Hist {
    p1: usize,
    p2: usize,
    seen: u8,
    since_cue: usize,
    run: usize,
}

impl Hist {
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

fn shape(t: &Tok, text: &str) -> &'static str {
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

impl Prep<'_> {
    fn new<'a>(att: &Attributor, an: &'a Analysis) -> Prep<'a> {
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
        for k in (0..n).rev() {
            let last_in_sent = k + 1 >= n || sent_of.get(k) != sent_of.get(k + 1);
            if last_in_sent {
                next_comma = None;
                next_final = false;
            }
            let mut end = k;
            while end + 1 < n && sent_of.get(end + 1) == sent_of.get(k) && end - k < 25 {
                end += 1;
            }
            to_end[k] = bucket(end - k);
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
        let norm = an
            .toks
            .iter()
            .map(|t| {
                let l = t.lower.as_str();
                if crate::words::is_open_quote(l)
                    || crate::words::is_close_quote(l)
                    || l == "``"
                    || l == "''"
                {
                    "\"".to_string()
                } else if l.chars().any(|c| c.is_ascii_digit()) {
                    l.chars()
                        .map(|c| if c.is_ascii_digit() { '0' } else { c })
                        .collect()
                } else if l == "n't" {
                    "not".to_string()
                } else {
                    l.to_string()
                }
            })
            .collect();
        Prep {
            norm,
            stack: None,
            to_comma,
            to_end,
            from_comma,
            final_ahead,
            toks: &an.toks,
            qd: crate::tokens::quote_depth(n, &an.quotes),
            sent_of,
            sent_start,
            rule,
            lexcue,
            left_cue,
            right_cue,
            sent_has_rule,
        }
    }

    fn feats(&self, text: &str, i: usize, h: &Hist, out: &mut Vec<u64>) {
        out.clear();
        let (p1, p2) = (h.p1, h.p2);
        let w = |k: isize| -> &str {
            if k < 0 {
                return "<s>";
            }
            self.norm
                .get(k as usize)
                .map(|s| s.as_str())
                .unwrap_or("</s>")
        };
        let ii = i as isize;
        let t1 = TAGS.get(p1).copied().unwrap_or("O");
        let t2 = TAGS.get(p2).copied().unwrap_or("O");
        let rule = |k: isize| -> u8 {
            if k < 0 {
                9
            } else {
                self.rule.get(k as usize).copied().unwrap_or(9)
            }
        };
        let lc = |k: isize| -> u8 {
            if k < 0 {
                9
            } else {
                self.lexcue.get(k as usize).copied().unwrap_or(9)
            }
        };
        let w0 = w(ii);
        let tok = self.toks.get(i);
        let sh = tok.map(|t| shape(t, text)).unwrap_or("p");
        let suf: String = {
            let cs: Vec<char> = w0.chars().collect();
            cs.get(cs.len().saturating_sub(3)..)
                .map(|s| s.iter().collect())
                .unwrap_or_default()
        };
        let r0 = rule(ii);
        let q = self.qd.get(i).copied().unwrap_or(0).min(2);
        let lcd = self.left_cue.get(i).copied().unwrap_or(7);
        let rcd = self.right_cue.get(i).copied().unwrap_or(7);
        let ss = self.sent_start.get(i).copied().unwrap_or(false);
        let has_rule = self
            .sent_of
            .get(i)
            .and_then(|s| self.sent_has_rule.get(*s as usize))
            .copied()
            .unwrap_or(false);
        let b = |x: u8| -> String { x.to_string() };
        out.push(feat(1, ""));
        out.push(feat(2, w0));
        out.push(feat(3, w(ii - 1)));
        out.push(feat(4, w(ii + 1)));
        out.push(feat(5, w(ii - 2)));
        out.push(feat(6, w(ii + 2)));
        out.push(feat(7, &suf));
        out.push(feat(8, sh));
        out.push(feat(9, &b(r0)));
        out.push(feat(10, &b(rule(ii - 1))));
        out.push(feat(11, &b(rule(ii + 1))));
        out.push(feat(12, &b(lc(ii))));
        out.push(feat(13, &b(lc(ii - 1))));
        out.push(feat(14, &b(lc(ii + 1))));
        out.push(feat(15, &b(q)));
        out.push(feat(16, t1));
        out.push(feat2(17, t1, t2));
        out.push(feat2(18, t1, w0));
        out.push(feat(19, &b(lcd)));
        out.push(feat(20, &b(rcd)));
        out.push(feat2(21, t1, &b(r0)));
        out.push(feat2(22, if ss { "S" } else { "-" }, t1));
        out.push(feat2(23, w(ii - 1), t1));
        out.push(feat2(24, sh, t1));
        out.push(feat2(25, if has_rule { "R" } else { "-" }, t1));
        out.push(feat2(26, t1, &format!("{lcd}{rcd}")));
        out.push(feat2(27, w(ii - 1), w0));
        out.push(feat2(28, w0, w(ii + 1)));
        out.push(feat2(29, t1, &format!("{q}{r0}")));
        out.push(feat2(30, &format!("{lcd}{rcd}"), &b(r0)));
        out.push(feat2(31, t1, &format!("{}{}", lc(ii), lc(ii + 1))));
        out.push(feat2(32, t1, &suf));
        let tc = self.to_comma.get(i).copied().unwrap_or(7);
        let te = self.to_end.get(i).copied().unwrap_or(7);
        let fc = self.from_comma.get(i).copied().unwrap_or(7);
        let fa = self.final_ahead.get(i).copied().unwrap_or(false);
        let hs = format!("{}{}{}", h.seen, bucket(h.since_cue.min(99)), fa as u8);
        out.push(feat2(33, t1, &hs));
        out.push(feat2(34, t1, &format!("{tc}{te}")));
        out.push(feat2(35, t1, &format!("{fc}{r0}")));
        out.push(feat2(36, &hs, w0));
        out.push(feat2(37, t1, &format!("{}{}", bucket(h.run), te)));
        out.push(feat2(38, &hs, &format!("{}{}", lc(ii), r0)));
        out.push(feat2(39, t1, &format!("{}|{}", w(ii + 1), w(ii + 2))));
        out.push(feat2(40, &format!("{t1}{fa}"), sh));
        out.push(feat(41, w(ii + 3)));
        out.push(feat(42, w(ii - 3)));
        if let Some(st) = &self.stack {
            let sg = |k: isize| -> usize {
                if k < 0 {
                    return 7;
                }
                st.get(k as usize).copied().unwrap_or(7)
            };
            let s0 = sg(ii);
            out.push(feat(50, &format!("{s0}")));
            out.push(feat(51, &format!("{}{}", sg(ii - 1), s0)));
            out.push(feat(52, &format!("{}{}", s0, sg(ii + 1))));
            out.push(feat(53, &format!("{}{}{}", sg(ii - 1), s0, sg(ii + 1))));
            out.push(feat(54, &format!("{}{}", sg(ii + 1), sg(ii + 2))));
            out.push(feat(55, &format!("{}{}", sg(ii - 2), sg(ii - 1))));
            out.push(feat2(56, t1, &format!("{s0}{}", sg(ii + 1))));
            out.push(feat2(57, w0, &format!("{s0}")));
            out.push(feat(
                58,
                &format!("{}{}{}", sg(ii + 1), sg(ii + 2), sg(ii + 3)),
            ));
            // roles present in the sentence before / after
            let (mut before, mut after) = (0u8, 0u8);
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
            out.push(feat2(59, t1, &format!("{before}{after}{s0}")));
            out.push(feat(60, &format!("{before}{after}{s0}{}", sg(ii + 1))));
        }
    }
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
        let p = Perceptron::read_from(&mut r).map_err(|e| e.to_string())?;
        let mut flag = [0u8; 1];
        let p2 = if std::io::Read::read_exact(&mut r, &mut flag).is_ok() && flag[0] == 1 {
            Some(Perceptron::read_from(&mut r).map_err(|e| e.to_string())?)
        } else {
            None
        };
        Ok(Model { p, p2 })
    }

    pub fn load(path: &Path) -> Result<Model, String> {
        let b = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Model::from_bytes(&b)
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        modelfile::save(path, MAGIC, VERSION, |w| {
            let mut w = w;
            self.p.write_to(&mut w)?;
            match &self.p2 {
                Some(p2) => {
                    w.write_all(&[1u8])?;
                    p2.write_to(&mut w)
                }
                None => w.write_all(&[0u8]),
            }
        })
        .map_err(|e| e.to_string())
    }

    fn decode(&self, text: &str, prep: &mut Prep<'_>) -> Vec<usize> {
        let t1 = decode_with(&self.p, text, prep);
        match &self.p2 {
            Some(p2) => {
                prep.stack = Some(t1);
                decode_with(p2, text, prep)
            }
            None => t1,
        }
    }
}

fn decode_with(p: &Perceptron, text: &str, prep: &Prep<'_>) -> Vec<usize> {
    let n = prep.toks.len();
    let mut tags = Vec::with_capacity(n);
    let mut feats = Vec::with_capacity(40);
    let mut scores = Vec::new();
    let mut h = Hist {
        since_cue: 99,
        ..Hist::default()
    };
    for i in 0..n {
        prep.feats(text, i, &h, &mut feats);
        let t = fix(h.p1, p.predict(&feats, &mut scores));
        tags.push(t);
        h.push(t, prep.sent_start.get(i + 1).copied().unwrap_or(false));
    }
    tags
}

impl Model {
    /// Role spans predicted for a text (byte ranges).
    pub fn predict(
        &self,
        att: &Attributor,
        an: &Analysis,
        text: &str,
    ) -> Vec<(usize, usize, usize)> {
        let mut prep = Prep::new(att, an);
        let mut tags = self.decode(text, &mut prep);
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
        tags_to_spans(&an.toks, &tags)
    }

    /// Trains on (text, gold byte spans) units: a first pass, then (with `stacked`) a second
    /// pass on the first pass's tags, those tags coming from 2-fold jackknifing on train.
    pub fn train(
        att: &Attributor,
        units: &[Unit],
        epochs: usize,
        stacked: bool,
        log: &mut dyn FnMut(&str, usize, f64),
    ) -> Model {
        let analyses: Vec<(Analysis, Vec<usize>)> = units
            .iter()
            .map(|(t, sp)| {
                let an = att.analyse(t, "en");
                let g = spans_to_tags(&an.toks, sp);
                (an, g)
            })
            .collect();
        let all: Vec<usize> = (0..units.len()).collect();
        let p = train_pass(att, units, &analyses, &all, None, epochs, &mut |e, a| {
            log("pass 1", e, a)
        });
        if !stacked {
            return Model { p, p2: None };
        }
        // jackknife first-pass tags
        let mut stack: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        for fold in 0..2 {
            let tr: Vec<usize> = all.iter().copied().filter(|i| i % 2 != fold).collect();
            let pf = train_pass(att, units, &analyses, &tr, None, epochs, &mut |e, a| {
                log(&format!("fold {fold}"), e, a)
            });
            for i in all.iter().copied().filter(|i| i % 2 == fold) {
                if let (Some((an, _)), Some((text, _))) = (analyses.get(i), units.get(i)) {
                    let prep = Prep::new(att, an);
                    if let Some(x) = stack.get_mut(i) {
                        *x = decode_with(&pf, text, &prep);
                    }
                }
            }
        }
        let p2 = train_pass(
            att,
            units,
            &analyses,
            &all,
            Some(&stack),
            epochs,
            &mut |e, a| log("pass 2", e, a),
        );
        Model { p, p2: Some(p2) }
    }
}

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
    let mut p = Perceptron::new(TAGS.len(), BITS);
    let mut order: Vec<usize> = subset.to_vec();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut feats = Vec::with_capacity(64);
    let mut scores = Vec::new();
    for ep in 0..epochs {
        for i in (1..order.len()).rev() {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let j = (seed >> 33) as usize % (i + 1);
            order.swap(i, j);
        }
        let (mut right, mut total) = (0usize, 0usize);
        for &u in &order {
            let (Some((an, gold)), Some((text, _))) = (analyses.get(u), units.get(u)) else {
                continue;
            };
            let mut prep = Prep::new(att, an);
            prep.stack = stack.and_then(|s| s.get(u)).cloned();
            let mut h = Hist {
                since_cue: 99,
                ..Hist::default()
            };
            for (i, &g) in gold.iter().enumerate() {
                prep.feats(text, i, &h, &mut feats);
                let pr = p.predict(&feats, &mut scores);
                p.update(&feats, g, pr);
                right += usize::from(pr == g);
                total += 1;
                h.push(
                    fix(h.p1, pr),
                    prep.sent_start.get(i + 1).copied().unwrap_or(false),
                );
            }
        }
        log(ep, right as f64 / total.max(1) as f64);
    }
    p.average();
    p
}

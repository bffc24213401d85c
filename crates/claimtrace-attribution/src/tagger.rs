//! A learned BIO tagger over source / cue / content (averaged perceptron, greedy left to
//! right), stacked on the rule system: its features include the rules' roles, the cue
//! lexicon, quotation state and distances to cues. Trained on PolNeAR (see the model notice).

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
const MAGIC: &[u8; 8] = b"CTATTR\0\0";
const VERSION: u32 = 1;
const BITS: u32 = 19;

/// The trained tagger.
#[derive(Debug, Clone)]
pub struct Model {
    p: Perceptron,
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
        Prep {
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

    fn feats(&self, text: &str, i: usize, p1: usize, p2: usize, out: &mut Vec<u64>) {
        out.clear();
        let w = |k: isize| -> &str {
            if k < 0 {
                return "<s>";
            }
            self.toks
                .get(k as usize)
                .map(|t| t.lower.as_str())
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
        Ok(Model { p })
    }

    pub fn load(path: &Path) -> Result<Model, String> {
        let b = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Model::from_bytes(&b)
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        modelfile::save(path, MAGIC, VERSION, |w| {
            let mut w = w;
            self.p.write_to(&mut w)
        })
        .map_err(|e| e.to_string())
    }

    fn decode(&self, text: &str, prep: &Prep<'_>) -> Vec<usize> {
        let n = prep.toks.len();
        let mut tags = Vec::with_capacity(n);
        let mut feats = Vec::with_capacity(40);
        let mut scores = Vec::new();
        let (mut p1, mut p2) = (0, 0);
        for i in 0..n {
            prep.feats(text, i, p1, p2, &mut feats);
            let t = fix(p1, self.p.predict(&feats, &mut scores));
            tags.push(t);
            p2 = p1;
            p1 = t;
        }
        tags
    }

    /// Role spans predicted for a text (byte ranges).
    pub fn predict(
        &self,
        att: &Attributor,
        an: &Analysis,
        text: &str,
    ) -> Vec<(usize, usize, usize)> {
        let prep = Prep::new(att, an);
        let tags = self.decode(text, &prep);
        tags_to_spans(&an.toks, &tags)
    }

    /// Trains on (text, gold byte spans) units.
    pub fn train(
        att: &Attributor,
        units: &[(String, Vec<(usize, usize, usize)>)],
        epochs: usize,
        log: &mut dyn FnMut(usize, f64),
    ) -> Model {
        let mut p = Perceptron::new(TAGS.len(), BITS);
        let analyses: Vec<(Analysis, Vec<usize>)> = units
            .iter()
            .map(|(t, sp)| {
                let an = att.analyse(t, "en");
                let g = spans_to_tags(&an.toks, sp);
                (an, g)
            })
            .collect();
        let mut order: Vec<usize> = (0..units.len()).collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut feats = Vec::with_capacity(40);
        let mut scores = Vec::new();
        for ep in 0..epochs {
            // Fisher–Yates with a fixed LCG: reproducible.
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
                let prep = Prep::new(att, an);
                let (mut p1, mut p2) = (0, 0);
                for (i, &g) in gold.iter().enumerate() {
                    prep.feats(text, i, p1, p2, &mut feats);
                    let pr = p.predict(&feats, &mut scores);
                    p.update(&feats, g, pr);
                    right += usize::from(pr == g);
                    total += 1;
                    p2 = p1;
                    p1 = fix(p1, pr);
                }
            }
            log(ep, right as f64 / total.max(1) as f64);
        }
        p.average();
        Model { p }
    }
}

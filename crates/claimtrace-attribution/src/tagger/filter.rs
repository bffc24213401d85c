//! Span filter: a binary averaged perceptron over whole predicted runs (after the refiner)
//! that drops the runs it judges to be no role span at all ("not a content span"). It reads
//! what the token tagger cannot see at once: the nearest predicted cues and sources on both
//! sides, the run's root in the parse and whether its head is a predicted cue, quote balance,
//! the first pass's agreement, the rules' roles over the whole run.
//!
//! Trained on the jackknifed second-pass runs of train (refined by the trained refiner): a
//! run is positive when it overlaps a gold span of its role.

use super::*;

/// Which roles the filter judges (bit `r`: role `r`, 0 source, 1 cue, 2 content). Tried: content
/// only (0b100), dev exact F1 73.1 / 68.1 / 57.9; all three 74.3 / 69.5 / 57.8 (against
/// 73.1 / 68.1 / 56.6 without the filter, same passes).
pub(super) const FILTER_ROLES: u32 = 0b111;

/// Features on the nearer cue's confidence (lexicon, rules, first pass; dev exact F1 with
/// them 74.3 / 69.7 / 58.0, without 74.3 / 69.5 / 57.8).
const CUE_CONF: bool = true;

/// A run is dropped when its score is below this (in the quantised table's units; content
/// only, tried on dev: −30 57.7, −15 57.7, 0 57.9, 15 57.9, 30 58.2: flat, so 0).
const THRESHOLD: i32 = 0;

fn is_cue(t: usize) -> bool {
    t == 3 || t == 4
}

fn is_source(t: usize) -> bool {
    t == 1 || t == 2
}

/// How much of `[s, e)` carries tags `b` / `i` (one role's B and I) in `tags` (0 none, 1 under
/// half, 2 at least half, 3 all, 4 all and the same run).
fn cover<T: Copy + Into<usize>>(tags: &[T], s: usize, e: usize, b: usize, i: usize) -> u64 {
    let tag = |k: usize| tags.get(k).map(|&t| t.into());
    let c = (s..e)
        .filter(|&k| tag(k).is_some_and(|t| t == b || t == i))
        .count();
    let len = e - s;
    if c == 0 {
        0
    } else if 2 * c < len {
        1
    } else if c < len {
        2
    } else if tag(s) == Some(b) && tag(e) != Some(i) {
        4
    } else {
        3
    }
}

/// Per-text lookups of the filter, computed once: the runs of the tags and, per token, the
/// nearest cue / source token before it and from it on.
pub(super) struct Near {
    runs: Vec<(usize, usize, usize)>,
    cue_before: Vec<Option<usize>>,
    cue_from: Vec<Option<usize>>,
    src_before: Vec<Option<usize>>,
    src_from: Vec<Option<usize>>,
}

impl Near {
    pub(super) fn of(tags: &[usize]) -> Near {
        let n = tags.len();
        let scan = |f: fn(usize) -> bool| {
            let mut before = vec![None; n + 1];
            let mut last = None;
            for k in 0..n {
                before[k] = last;
                if tags.get(k).is_some_and(|&t| f(t)) {
                    last = Some(k);
                }
            }
            before[n] = last;
            let mut from = vec![None; n + 1];
            let mut next = None;
            for k in (0..n).rev() {
                if tags.get(k).is_some_and(|&t| f(t)) {
                    next = Some(k);
                }
                from[k] = next;
            }
            (before, from)
        };
        let (cue_before, cue_from) = scan(is_cue);
        let (src_before, src_from) = scan(is_source);
        Near {
            runs: runs(tags),
            cue_before,
            cue_from,
            src_before,
            src_from,
        }
    }
}

impl Prep<'_> {
    /// Features of the predicted run `[s, e)` of role `role` in `tags` (`near`: its lookups);
    /// `t1` the first pass's tags when known.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run_feats(
        &self,
        role: usize,
        (s, e): (usize, usize),
        tags: &[usize],
        near_: &Near,
        t1: Option<&[usize]>,
        out: &mut Vec<u64>,
    ) {
        out.clear();
        let n = self.toks.len();
        let r = role as u64;
        let (si, ei) = (s as isize, e as isize);
        let w = |k: isize| self.wd(k);
        let sent = |k: usize| self.sent_of.get(k).copied().unwrap_or(0);
        let (s0, s1) = (sent(s), sent(e.saturating_sub(1)));
        // sentence range of the run
        let mut ss = s;
        while ss > 0 && sent(ss - 1) == s0 {
            ss -= 1;
        }
        let mut se = e;
        while se < n && sent(se) == s1 {
            se += 1;
        }
        // nearest predicted cue and source on each side
        let at = |v: &[Option<usize>], k: usize| v.get(k).copied().flatten();
        let cb = at(&near_.cue_before, s);
        let ca = at(&near_.cue_from, e);
        let sb_ = at(&near_.src_before, s);
        let sa = at(&near_.src_from, e);
        let dist = |d: Option<usize>, same: bool| -> u64 {
            match d {
                None => 9,
                Some(d) => u64::from(bucket(d)) + if same { 0 } else { 10 },
            }
        };
        let dcb = dist(cb.map(|k| s - k - 1), cb.is_some_and(|k| sent(k) == s0));
        let dca = dist(ca.map(|k| k - e), ca.is_some_and(|k| sent(k) == s1));
        let dsb = dist(sb_.map(|k| s - k - 1), sb_.is_some_and(|k| sent(k) == s0));
        let dsa = dist(sa.map(|k| k - e), sa.is_some_and(|k| sent(k) == s1));
        // the nearer cue's word and lemma, and its side
        let near = match (cb, ca) {
            (Some(b), Some(a)) if a - e < s - b => Some((a, 2u64)),
            (Some(b), _) => Some((b, 1)),
            (None, Some(a)) => Some((a, 2)),
            (None, None) => None,
        };
        let (cw, cl, cside) = near.map_or((0, 0, 0), |(k, side)| {
            (w(k as isize), self.sxf(k as isize).lemma, side)
        });
        let len = u64::from(bucket(e - s));
        let root = self.span_root(s, e);
        let sr = self.sxf(root as isize);
        let head = self.syn.get(root).and_then(|x| x.head);
        let rh = match head {
            _ if self.syn.is_empty() => 5,
            Some(h) if tags.get(h).is_some_and(|&t| is_cue(t)) => 1,
            Some(h) if self.lexcue.get(h).is_some_and(|&x| x > 0) => 2,
            Some(h) if h >= s && h < e => 3,
            Some(_) => 4,
            None => 0,
        };
        let (b, i) = (1 + 2 * role, 2 + 2 * role);
        let agree = t1.map_or(9, |t| cover(t, s, e, b, i));
        let rule = cover(&self.rule, s, e, b, i);
        // (self.rule uses the same numbering: 1/2 source, 3/4 cue, 5/6 content)
        let pre = |v: &[u32], k: usize| v.get(k).copied().unwrap_or(0);
        let opens = pre(&self.opens, e).saturating_sub(pre(&self.opens, s));
        let closes = pre(&self.closes, e).saturating_sub(pre(&self.closes, s));
        let bal = u64::from(opens.min(2)) * 3 + u64::from(closes.min(2));
        let firstp = self.punct_kind(si);
        let lastp = self.punct_kind(ei - 1);
        let prevp = self.punct_kind(si - 1);
        let nextp = self.punct_kind(ei);
        let whole = u64::from(s <= ss + 1) + 2 * u64::from(e + 1 >= se);
        let lex_in = (ss..se).any(|k| self.lexcue.get(k).is_some_and(|&x| x > 0));
        let lex_run = (s..e).any(|k| self.lexcue.get(k).is_some_and(|&x| x > 0));
        let first = near_.runs.partition_point(|x| x.0 < ss);
        let same_role = near_.runs[first..]
            .iter()
            .take_while(|x| x.0 < se)
            .filter(|x| x.2 == role && x.1 <= se && (x.0, x.1) != (s, e))
            .count()
            .min(2) as u64;
        let nsent = u64::from((s1 - s0).min(3));
        out.push(f1(300, r));
        out.push(f2(301, r, len));
        out.push(f3(302, r, dcb, dca));
        out.push(f2(303, r, dcb));
        out.push(f2(304, r, dca));
        out.push(f3(305, r, dsb, dsa));
        out.push(f3(306, r, dcb.min(9), dsb.min(9)));
        out.push(f3(307, r, cw, cside));
        out.push(f3(308, r, cl, cside));
        out.push(f3(309, r, sr.rel, rh));
        out.push(f3(310, r, sr.upos, rh));
        out.push(f2(311, r, rh));
        out.push(f3(312, r, agree, len));
        out.push(f2(313, r, agree));
        out.push(f3(314, r, rule, agree));
        out.push(f3(315, r, bal, self.qdep(si)));
        out.push(f3(316, r, firstp, lastp));
        out.push(f3(317, r, prevp, nextp));
        out.push(f3(318, r, whole, len));
        out.push(f3(319, r, u64::from(lex_in), u64::from(lex_run)));
        out.push(f2(320, r, w(si)));
        out.push(f2(321, r, w(ei - 1)));
        out.push(f2(322, r, w(si - 1)));
        out.push(f2(323, r, w(ei)));
        out.push(f3(324, r, same_role, nsent));
        out.push(f3(325, r, sr.q_rel, sr.q_lemma));
        out.push(f3(326, r, sr.rel, sr.q_rel));
        out.push(f3(327, r, dcb, rh));
        out.push(f3(328, r, dca, rh));
        out.push(f3(329, r, cw, rh));
        out.push(f3(330, r, sr.r_cue, sr.r_rel));
        out.push(f3(331, r, agree, dcb.min(dca)));
        out.push(f3(332, r, self.sxf(si).upos, self.sxf(si - 1).upos));
        out.push(f3(333, r, w(si - 1), cw));
        if CUE_CONF {
            // how sure the nearer cue is: in the lexicon, found by the rules, by the first pass
            let conf = near.map_or(99, |(k, _)| {
                u64::from(self.lexcue.get(k).copied().unwrap_or(0))
                    + 4 * u64::from(matches!(self.rule.get(k), Some(3) | Some(4)))
                    + 8 * u64::from(t1.is_some_and(|t| matches!(t.get(k), Some(3) | Some(4))))
            });
            let clen = near.map_or(0, |(k, _)| {
                let mut b = k;
                while b + 1 < n && tags.get(b + 1) == Some(&4) {
                    b += 1;
                }
                let mut a = k;
                while a > 0 && tags.get(a) == Some(&4) {
                    a -= 1;
                }
                u64::from(bucket(b + 1 - a))
            });
            out.push(f3(334, r, conf, cside));
            out.push(f3(335, r, conf, dcb.min(dca)));
            out.push(f3(336, r, clen, cw));
            out.push(f3(337, r, conf, len));
        }
    }
}

/// Drops the runs of the roles in [`FILTER_ROLES`] the filter scores below the threshold.
pub(super) fn filter(c: &Column, prep: &Prep<'_>, tags: &mut [usize], t1: Option<&[usize]>) {
    let snap = tags.to_vec();
    let near = Near::of(&snap);
    let mut feats = Vec::with_capacity(40);
    for &(s, e, role) in &near.runs {
        if FILTER_ROLES & (1 << role) == 0 {
            continue;
        }
        prep.run_feats(role, (s, e), &snap, &near, t1, &mut feats);
        if c.score(&feats) < THRESHOLD {
            for k in s..e {
                if let Some(x) = tags.get_mut(k) {
                    *x = 0;
                }
            }
        }
    }
}

#[cfg(feature = "train")]
/// Trains the filter on the refined jackknifed second-pass runs of train (`stack2`, refined
/// with `refiner`), the first-pass tags `stack1` beside them.
pub(super) fn train_filter(
    att: &Attributor,
    units: &[Unit],
    analyses: &[(Analysis, Vec<usize>)],
    (stack2, stack1): (&[Vec<usize>], &[Vec<usize>]),
    refiner: &Column,
    o: &TrainOptions,
    log: &mut dyn FnMut(usize, f64),
) -> Weights {
    // (feature vector, label)
    let mut items: Vec<(Vec<u64>, usize)> = Vec::new();
    let mut feats = Vec::with_capacity(40);
    let (mut pos, mut neg) = (0usize, 0usize);
    for (u, (an, gold)) in analyses.iter().enumerate() {
        let (Some((text, _)), Some(pred)) = (units.get(u), stack2.get(u)) else {
            continue;
        };
        let mut prep = Prep::new(att, an, text);
        let mut tags = pred.clone();
        refine(refiner, &prep, &mut tags);
        let t1 = stack1.get(u).filter(|t| t.len() == tags.len());
        prep.stack = t1.cloned();
        let g = runs(gold);
        let near = Near::of(&tags);
        for &(s, e, role) in &near.runs {
            if FILTER_ROLES & (1 << role) == 0 {
                continue;
            }
            let hit = g.iter().any(|x| x.2 == role && x.0 < e && s < x.1);
            prep.run_feats(
                role,
                (s, e),
                &tags,
                &near,
                t1.map(|v| v.as_slice()),
                &mut feats,
            );
            items.push((feats.clone(), usize::from(hit)));
            if hit {
                pos += 1;
            } else {
                neg += 1;
            }
        }
    }
    eprintln!("filter: {pos} runs overlapping gold, {neg} not");
    let ps: Vec<Weights> = (0..o.span_seeds as usize)
        .map(|j| {
            let seed = seeds::nth_seed(0x517c_c1b7_2722_0a95, j, o.seed_shift);
            train_on(&mut items, o.filter_epochs as usize, seed, log)
        })
        .collect();
    Weights::mean(&ps.iter().collect::<Vec<_>>())
}

#[cfg(feature = "train")]
/// One filter model on one shuffling seed.
fn train_on(
    items: &mut [(Vec<u64>, usize)],
    epochs: usize,
    mut seed: u64,
    log: &mut dyn FnMut(usize, f64),
) -> Weights {
    let mut p = Trainer::new(2, 18);
    let mut scores = vec![0f32; 2];
    for ep in 0..epochs {
        shuffle(items, &mut seed);
        let mut right = 0usize;
        for (f, label) in items.iter() {
            scores.iter_mut().for_each(|x| *x = 0.0);
            p.score(f, &mut scores);
            let s1 = scores.get(1).copied().unwrap_or(0.0);
            let s0 = scores.first().copied().unwrap_or(0.0);
            let pred = usize::from(s1 > s0);
            p.tick();
            if pred == *label {
                right += 1;
            } else {
                p.update(f, *label, pred);
            }
        }
        log(ep, right as f64 / items.len().max(1) as f64);
    }
    p.averaged()
}

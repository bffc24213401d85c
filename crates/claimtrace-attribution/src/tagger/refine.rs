//! The span refiner: re-chooses the boundaries of each predicted source and content run.
use super::*;

impl Prep<'_> {
    /// What token `k` is, for span boundaries: 0 outside, 1 comma, 2 closing quote, 3
    /// sentence end, 4 word, 5 other punctuation, 6 opening quote.
    pub(super) fn punct_kind(&self, k: isize) -> u64 {
        if k < 0 {
            return 0;
        }
        u64::from(self.kinds.get(k as usize).copied().unwrap_or(0))
    }

    /// `out[d]` = how many tokens of `[a, a + d)` have their head in `[a, a + d)`, for every
    /// `a + d <= end` (one sweep: adding token `e` adds its own head link and its children's).
    pub(super) fn inside_counts(&self, a: usize, end: usize, out: &mut Vec<usize>) {
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
    pub(super) fn span_root(&self, s: usize, e: usize) -> usize {
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
    pub(super) fn span_cands(
        &self,
        run: (usize, usize),
        others: &[(usize, usize)],
    ) -> Vec<(usize, usize)> {
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

    #[cfg(feature = "train")]
    /// Features of the span `[s, e)` proposed for a predicted run of role `role`: those of
    /// its start, of its end and of the pair (the refiner scores the first two once per
    /// start / end and only the pair per candidate; the sum is the same).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn span_feats(
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
    pub(super) fn role_at(run: (usize, usize), tags: &[usize], k: isize) -> u64 {
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

    pub(super) fn wd(&self, k: isize) -> u64 {
        if k < 0 {
            return 11;
        }
        self.wh.get(k as usize).copied().unwrap_or(12)
    }

    pub(super) fn sxf(&self, k: isize) -> SynFeats {
        if k < 0 {
            return SynFeats::default();
        }
        self.sx.get(k as usize).copied().unwrap_or_default()
    }

    pub(super) fn qdep(&self, k: isize) -> u64 {
        if k < 0 {
            return 9;
        }
        u64::from(self.qd.get(k as usize).copied().unwrap_or(0).min(2))
    }

    /// Span features that depend on its start only (appended to `out`).
    pub(super) fn start_feats(
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
    pub(super) fn end_feats(
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
    pub(super) fn pair_feats(
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

#[cfg(feature = "train")]
/// Positions in start + end + pair feature order of the span templates 200..=249 in the
/// order [`Prep::span_feats`] gives them.
pub(super) const SPAN_ORDER: [u8; 49] = [
    0, 12, 26, 13, 14, 1, 2, 15, 3, 16, 4, 17, 5, 27, 28, 29, 30, 18, 6, 31, 32, 33, 34, 19, 7, 20,
    21, 8, 35, 36, 22, 9, 23, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 10, 24, 11, 25,
];

/// The nearest cue tag in the 12 tokens before `s`.
pub(super) fn cue_before(tags: &[usize], s: usize) -> Option<usize> {
    (s.saturating_sub(12)..s)
        .rev()
        .find(|&k| matches!(tags.get(k), Some(3) | Some(4)))
}

/// The nearest cue tag in the 12 tokens from `e` on.
pub(super) fn cue_after(tags: &[usize], e: usize) -> Option<usize> {
    (e..(e + 12).min(tags.len())).find(|&k| matches!(tags.get(k), Some(3) | Some(4)))
}

/// The source (0) and content (2) runs of a tag sequence.
pub(super) fn role_runs(tags: &[usize]) -> Vec<(usize, usize, usize)> {
    runs(tags).into_iter().filter(|r| r.2 != 1).collect()
}

/// Re-chooses the boundaries of each source and content run (when the new tokens are free).
pub(super) fn refine(r: &Column, prep: &Prep<'_>, tags: &mut [usize]) {
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

//! Per-text context ([`Prep`]) and the feature templates of the two tagger passes.
use super::*;

/// Per-token context computed once per text.
pub(super) struct Prep<'a> {
    pub(super) toks: &'a [Tok],
    pub(super) qd: Vec<u8>,
    pub(super) sent_of: Vec<u32>,
    pub(super) sent_start: Vec<bool>,
    pub(super) rule: Vec<u8>,
    pub(super) lexcue: Vec<u8>,
    pub(super) left_cue: Vec<u8>,
    pub(super) right_cue: Vec<u8>,
    pub(super) sent_has_rule: Vec<bool>,
    pub(super) to_comma: Vec<u8>,
    pub(super) to_end: Vec<u8>,
    pub(super) from_comma: Vec<u8>,
    pub(super) final_ahead: Vec<bool>,
    /// First-pass tags (stacking), when running the second pass.
    pub(super) stack: Option<Vec<usize>>,
    /// [`Prep::around_at`] of every token on `stack` (`before * 8 + after`), when computed
    /// ([`around_all`]); else empty and computed per token.
    pub(super) around: Vec<u8>,
    /// Per-token hashes of the surface: word, suffix, shape.
    pub(super) wh: Vec<u64>,
    pub(super) sufh: Vec<u64>,
    pub(super) shp: Vec<u64>,
    /// Per-token syntactic features (hashes), all 0 when the text was not parsed.
    pub(super) sx: Vec<SynFeats>,
    pub(super) syn: &'a [Syn],
    /// [`kind_of`] per token; prefix counts of opening and closing quotes; the RMQ table.
    pub(super) kinds: Vec<u8>,
    pub(super) opens: Vec<u32>,
    pub(super) closes: Vec<u32>,
    pub(super) rmq: Vec<Vec<u32>>,
    /// Dependents of each token (CSR: `kids[kid_at[h]..kid_at[h + 1]]`).
    pub(super) kid_at: Vec<u32>,
    pub(super) kids: Vec<u32>,
    /// Tokens worth tagging at run time: sentences with a lexicon cue, a rule candidate or a
    /// quote mark, and their neighbours (elsewhere the tagger is skipped: all O).
    pub(super) active: Vec<bool>,
}

/// Syntactic context of one token, as hashes ready to be conjoined.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SynFeats {
    pub(super) upos: u64,
    pub(super) lemma: u64,
    pub(super) rel: u64,
    pub(super) head_upos: u64,
    pub(super) head_lemma: u64,
    pub(super) head_rel: u64,
    /// own subtree edges (bit 0: leftmost, bit 1: rightmost) and head direction/distance
    pub(super) own_edge: u64,
    pub(super) head_dir: u64,
    /// nearest cue ancestor: relation of the child of the cue on the path, its subtree edges,
    /// the cue's lemma, direction and depth below the cue
    pub(super) q_rel: u64,
    pub(super) q_edge: u64,
    pub(super) q_lemma: u64,
    pub(super) q_dir: u64,
    /// nearest verb ancestor: relation of the constituent, its edges, the verb's lemma
    pub(super) c_rel: u64,
    pub(super) c_edge: u64,
    pub(super) v_lemma: u64,
    /// the sentence root: constituent relation, its edges, root lemma, root has a cue child
    pub(super) r_rel: u64,
    pub(super) r_edge: u64,
    pub(super) r_lemma: u64,
    pub(super) r_cue: u64,
}

/// Decoding history within the current sentence.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Hist {
    pub(super) p1: usize,
    pub(super) p2: usize,
    pub(super) seen: u8,
    pub(super) since_cue: usize,
    pub(super) run: usize,
    /// First token and shallowest token (in the parse) of the current role run.
    pub(super) run_start: usize,
    pub(super) run_root: usize,
}

impl Hist {
    /// Keeps the run's first and shallowest token up to date after tagging token `i`.
    pub(super) fn track(&mut self, i: usize, prep: &Prep<'_>) {
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

    pub(super) fn push(&mut self, t: usize, sent_start_next: bool) {
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

pub(super) fn bucket(d: usize) -> u8 {
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

pub(super) fn shape_of(t: &Tok, text: &str) -> &'static str {
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

pub(super) fn hs(s: &str) -> u64 {
    feat(0, s)
}

pub(super) fn edges(i: usize, s: Option<&Syn>) -> u64 {
    match s {
        Some(s) => 1 + u64::from(i == s.left) + 2 * u64::from(i == s.right),
        None => 0,
    }
}

pub(super) fn is_pred(s: &Syn) -> bool {
    s.upos == "VERB" || s.upos == "AUX" && s.deprel != "aux" && s.deprel != "cop"
}

pub(super) fn syn_feats(syn: &[Syn], lexcue: &[u8], rule: &[u8]) -> Vec<SynFeats> {
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
    pub(super) fn around_at(&self, st: &[usize], i: usize) -> (u64, u64) {
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

    pub(super) fn depth(&self, i: usize) -> u8 {
        self.syn.get(i).map(|s| s.depth).unwrap_or(0)
    }

    /// How token `i` relates to the current run in the parse: 0 no parse or no run; else
    /// bits: inside the subtree of the run's shallowest token, its head lies in the run,
    /// it governs the run's root, just past the subtree's right edge.
    pub(super) fn run_rel(&self, i: usize, h: &Hist) -> u64 {
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

    pub(super) fn new<'a>(att: &Attributor, an: &'a Analysis, text: &str) -> Prep<'a> {
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

    #[cfg(feature = "train")]
    pub(super) fn feats(&self, i: usize, h: &Hist, out: &mut Vec<u64>) {
        out.clear();
        self.feats_sel::<{ ALL_GROUPS }>(i, h, out);
    }

    /// Appends the features of token `i` of the template groups in `SEL` ([`BASE`],
    /// [`STACKED`], [`HISTORY`]) in the order of [`Prep::feats`] (which takes them all).
    #[inline(always)]
    pub(super) fn feats_sel<const SEL: u8>(&self, i: usize, h: &Hist, out: &mut Vec<u64>) {
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
pub(super) const BASE: u8 = 1;
pub(super) const STACKED: u8 = 2;
pub(super) const HISTORY: u8 = 4;
#[cfg(feature = "train")]
pub(super) const ALL_GROUPS: u8 = BASE | STACKED | HISTORY;

/// The templates that read the decoding history ([`Hist`]: the previous tags, roles seen,
/// distance since the cue, run length), as bits.
pub(super) const HISTORY_TEMPLATES: u128 = template_bits(&[
    16, 17, 18, 21, 22, 23, 24, 25, 26, 29, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 56, 59, 77, 78,
    81, 84, 88, 89, 94, 95, 98, 100, 101, 102, 103, 104, 105,
]);

pub(super) const fn template_bits(ts: &[u32]) -> u128 {
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
pub(super) const fn group(t: u32) -> u8 {
    if HISTORY_TEMPLATES >> t & 1 == 1 {
        HISTORY
    } else if t >= 50 && t <= 63 {
        STACKED
    } else {
        BASE
    }
}

#[inline]
pub(super) fn f1(t: u64, a: u64) -> u64 {
    mix(t.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995, a)
}

#[inline]
pub(super) fn f2(t: u64, a: u64, b: u64) -> u64 {
    mix(f1(t, a), b)
}

#[inline]
pub(super) fn f3(t: u64, a: u64, b: u64, c: u64) -> u64 {
    mix(f2(t, a, b), c)
}

/// What a token is, for span boundaries: 1 comma, 2 closing quote, 3 sentence end, 4 word,
/// 5 other punctuation, 6 opening quote (0 is kept for "outside the text").
pub(super) fn kind_of(t: &Tok) -> u8 {
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
pub(super) fn children(syn: &[Syn]) -> (Vec<u32>, Vec<u32>) {
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
pub(super) fn build_rmq(syn: &[Syn]) -> Vec<Vec<u32>> {
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
pub(super) fn sb(d: isize) -> u64 {
    (d.clamp(-6, 6) + 6) as u64
}

//! The arc-hybrid transition system (Kuhlmann et al. 2011), its feature templates (in the
//! style of Zhang & Nivre 2011) and the dynamic oracle (Goldberg & Nivre 2013).
//!
//! Positions: 0 is the artificial root, words are `1..=n`, `n + 1` is the "none" sentinel
//! (absent stack/buffer items and children point at it, so feature extraction never branches on
//! `Option`). The stack always starts with the root; the root may take its single dependent only
//! when the buffer is empty, so every parse is a projective tree with exactly one root word.

use claimtrace_ml::hash::mix;
use xxhash_rust::xxh3::xxh3_64;

pub(crate) const SHIFT: usize = 0;
pub(crate) const LEFT: usize = 1;
pub(crate) const RIGHT: usize = 2;
pub(crate) const N_MOVES: usize = 3;

/// Label id of a word that has no head yet.
pub(crate) const NO_LABEL: u16 = u16::MAX;

const UPOS: [&str; 17] = [
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X",
];
const P_ROOT: u64 = 18;
const P_NONE: u64 = 19;

/// Morphological features kept for the parser (the ones that decide attachments).
const MORPH_KEYS: [&str; 8] = [
    "VerbForm", "Mood", "PronType", "Case", "Tense", "Definite", "Poss", "Reflex",
];

/// One input word: what the tagger gives.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokenIn<'a> {
    pub form: &'a str,
    pub upos: &'a str,
    pub feats: &'a str,
    pub lemma: &'a str,
}

/// Per-word feature atoms, hashed once per sentence.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Atom {
    w: u64,
    p: u64,
    wp: u64,
    l: u64,
    s: u64,
    m: u64,
}

impl Atom {
    fn special(p: u64, name: &str) -> Atom {
        let w = xxh3_64(name.as_bytes());
        Atom {
            w,
            p,
            wp: mix(w, p),
            l: w,
            s: w,
            m: p,
        }
    }

    pub(crate) fn new(t: &TokenIn, norm: &mut String) -> Atom {
        norm.clear();
        for c in t.form.chars() {
            if c.is_ascii_digit() {
                norm.push('0');
            } else {
                norm.extend(c.to_lowercase());
            }
        }
        let w = xxh3_64(norm.as_bytes());
        let p = UPOS
            .iter()
            .position(|&u| u == t.upos)
            .map(|i| i as u64 + 1)
            .unwrap_or(0);
        let sfx_start = norm
            .char_indices()
            .rev()
            .nth(2)
            .map(|(i, _)| i)
            .unwrap_or(0);
        let s = xxh3_64(norm.get(sfx_start..).unwrap_or("").as_bytes()) ^ 0x5f;
        let l = if t.lemma.is_empty() || t.lemma == "_" {
            w
        } else {
            norm.clear();
            norm.extend(t.lemma.chars().flat_map(char::to_lowercase));
            xxh3_64(norm.as_bytes()) ^ 0x1e
        };
        let mut m = 0x3u64;
        for kv in t.feats.split('|') {
            let key = kv.split('=').next().unwrap_or("");
            if MORPH_KEYS.contains(&key) {
                m = mix(m, xxh3_64(kv.as_bytes()));
            }
        }
        Atom {
            w,
            p,
            wp: mix(w, p),
            l,
            s,
            m: mix(m, p),
        }
    }
}

// Feature conjunctions: every atom is already a well-spread 64-bit value (or a small integer,
// spread by the multiplications), so one multiply-fold per feature is enough.
const K1: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0xc2b2_ae3d_27d4_eb4f;
const K3: u64 = 0x1656_67b1_9e37_79f9;
const KT: u64 = 0x2545_f491_4f6c_dd1d;

#[inline]
fn fin(x: u64) -> u64 {
    let x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^ (x >> 31)
}
#[inline]
fn h1(t: u64, a: u64) -> u64 {
    fin(t.wrapping_mul(KT) ^ a.wrapping_mul(K1))
}
#[inline]
fn h2(t: u64, a: u64, b: u64) -> u64 {
    fin(t.wrapping_mul(KT) ^ a.wrapping_mul(K1) ^ b.wrapping_mul(K2).rotate_left(21))
}
#[inline]
fn h3(t: u64, a: u64, b: u64, c: u64) -> u64 {
    fin(t.wrapping_mul(KT)
        ^ a.wrapping_mul(K1)
        ^ b.wrapping_mul(K2).rotate_left(21)
        ^ c.wrapping_mul(K3).rotate_left(42))
}

/// Distance bucket between two positions (root and none get their own values).
#[inline]
fn dist(a: u32, b: u32, n: u32) -> u64 {
    if a == 0 || b == 0 || a > n || b > n {
        return 15;
    }
    match a.abs_diff(b) {
        d @ 0..=4 => d as u64,
        5..=6 => 5,
        7..=9 => 6,
        _ => 7,
    }
}

/// A parse in progress plus every buffer the parser needs, reused across sentences so that no
/// transition allocates.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    pub(crate) n: u32,
    pub(crate) atoms: Vec<Atom>,
    pub(crate) stack: Vec<u32>,
    pub(crate) b: u32,
    pub(crate) heads: Vec<u32>,
    pub(crate) labels: Vec<u16>,
    lc1: Vec<u32>,
    lc2: Vec<u32>,
    rc1: Vec<u32>,
    rc2: Vec<u32>,
    nl: Vec<u16>,
    nr: Vec<u16>,
    lset: Vec<u64>,
    rset: Vec<u64>,
    pub(crate) feats: Vec<u64>,
    pub(crate) lfeats: Vec<u64>,
    pub(crate) lscores: Vec<i32>,
    norm: String,
}

impl Workspace {
    /// Loads a sentence and resets the state.
    pub(crate) fn load<'a>(&mut self, words: impl Iterator<Item = TokenIn<'a>>) {
        self.atoms.clear();
        self.atoms.push(Atom::special(P_ROOT, "<root>"));
        for t in words {
            let a = Atom::new(&t, &mut self.norm);
            self.atoms.push(a);
        }
        let n = (self.atoms.len() - 1) as u32;
        self.atoms.push(Atom::special(P_NONE, "<none>"));
        self.reset(n);
    }

    /// Loads pre-hashed atoms (training).
    pub(crate) fn load_atoms(&mut self, atoms: &[Atom]) {
        self.atoms.clear();
        self.atoms.extend_from_slice(atoms);
        let n = atoms.len().saturating_sub(2) as u32;
        self.reset(n);
    }

    fn reset(&mut self, n: u32) {
        let len = n as usize + 2;
        let none = n + 1;
        self.n = n;
        self.stack.clear();
        self.stack.push(0);
        self.b = 1;
        for v in [
            &mut self.heads,
            &mut self.lc1,
            &mut self.lc2,
            &mut self.rc1,
            &mut self.rc2,
        ] {
            v.clear();
            v.resize(len, none);
        }
        self.labels.clear();
        self.labels.resize(len, NO_LABEL);
        for v in [&mut self.nl, &mut self.nr] {
            v.clear();
            v.resize(len, 0);
        }
        for v in [&mut self.lset, &mut self.rset] {
            v.clear();
            v.resize(len, 0);
        }
    }

    #[inline]
    pub(crate) fn done(&self) -> bool {
        self.b > self.n && self.stack.len() <= 1
    }

    #[inline]
    pub(crate) fn s(&self, i: usize) -> u32 {
        let len = self.stack.len();
        if i < len {
            self.stack.get(len - 1 - i).copied().unwrap_or(self.n + 1)
        } else {
            self.n + 1
        }
    }

    #[inline]
    fn bf(&self, i: u32) -> u32 {
        let x = self.b + i;
        if x <= self.n { x } else { self.n + 1 }
    }

    /// Which moves are allowed: `[shift, left, right]`.
    #[inline]
    pub(crate) fn valid(&self) -> [bool; N_MOVES] {
        let buf = self.b <= self.n;
        let deep = self.stack.len() >= 2;
        let s1_root = self.stack.len() == 2;
        [buf, deep && buf, deep && (!s1_root || !buf)]
    }

    /// The dependent and head of the arc a move would add.
    #[inline]
    pub(crate) fn arc(&self, mv: usize) -> (u32, u32) {
        match mv {
            LEFT => (self.s(0), self.b),
            _ => (self.s(0), self.s(1)),
        }
    }

    pub(crate) fn apply(&mut self, mv: usize, label: u16) {
        match mv {
            SHIFT => {
                self.stack.push(self.b);
                self.b += 1;
            }
            LEFT => {
                if let Some(d) = self.stack.pop() {
                    self.add_arc(self.b, d, label);
                }
            }
            _ => {
                if let Some(d) = self.stack.pop() {
                    let h = self.s(0);
                    self.add_arc(h, d, label);
                }
            }
        }
    }

    fn add_arc(&mut self, h: u32, d: u32, label: u16) {
        let (hu, du) = (h as usize, d as usize);
        let none = self.n + 1;
        if du >= self.heads.len() || hu >= self.heads.len() {
            return;
        }
        self.heads[du] = h;
        self.labels[du] = label;
        let bit = 1u64 << (label & 63);
        if d < h {
            self.nl[hu] = self.nl[hu].saturating_add(1);
            self.lset[hu] |= bit;
            let c1 = self.lc1[hu];
            if c1 == none || d < c1 {
                self.lc2[hu] = c1;
                self.lc1[hu] = d;
            } else if self.lc2[hu] == none || d < self.lc2[hu] {
                self.lc2[hu] = d;
            }
        } else {
            self.nr[hu] = self.nr[hu].saturating_add(1);
            self.rset[hu] |= bit;
            let c1 = self.rc1[hu];
            if c1 == none || d > c1 {
                self.rc2[hu] = c1;
                self.rc1[hu] = d;
            } else if self.rc2[hu] == none || d > self.rc2[hu] {
                self.rc2[hu] = d;
            }
        }
    }

    #[inline]
    fn a(&self, i: u32) -> Atom {
        self.atoms.get(i as usize).copied().unwrap_or_default()
    }
    #[inline]
    fn at<T: Copy + Default>(v: &[T], i: u32) -> T {
        v.get(i as usize).copied().unwrap_or_default()
    }
    #[inline]
    fn lab(&self, i: u32) -> u64 {
        self.labels.get(i as usize).copied().unwrap_or(NO_LABEL) as u64
    }

    /// Fills `self.feats` with the hashed features of the current state (for the move model).
    pub(crate) fn features(&mut self) {
        let n = self.n;
        let (s0, s1, s2) = (self.s(0), self.s(1), self.s(2));
        let (b0, b1, b2) = (self.bf(0), self.bf(1), self.bf(2));
        let (as0, as1, as2) = (self.a(s0), self.a(s1), self.a(s2));
        let (ab0, ab1, ab2) = (self.a(b0), self.a(b1), self.a(b2));
        let s0l = Self::at(&self.lc1, s0);
        let s0l2 = Self::at(&self.lc2, s0);
        let s0r = Self::at(&self.rc1, s0);
        let s0r2 = Self::at(&self.rc2, s0);
        let s1l = Self::at(&self.lc1, s1);
        let s1r = Self::at(&self.rc1, s1);
        let s1r2 = Self::at(&self.rc2, s1);
        let b0l = Self::at(&self.lc1, b0);
        let b0l2 = Self::at(&self.lc2, b0);
        let (a_s0l, a_s0r, a_s1r, a_s1l, a_b0l) = (
            self.a(s0l),
            self.a(s0r),
            self.a(s1r),
            self.a(s1l),
            self.a(b0l),
        );
        let (l_s0l, l_s0l2, l_s0r, l_s0r2) =
            (self.lab(s0l), self.lab(s0l2), self.lab(s0r), self.lab(s0r2));
        let (l_s1l, l_s1r, l_s1r2) = (self.lab(s1l), self.lab(s1r), self.lab(s1r2));
        let (l_b0l, l_b0l2) = (self.lab(b0l), self.lab(b0l2));
        let d = dist(s0, b0, n);
        let d1 = dist(s1, s0, n);
        let vl_s0 = Self::at(&self.nl, s0) as u64;
        let vr_s0 = Self::at(&self.nr, s0) as u64;
        let vl_s1 = Self::at(&self.nl, s1) as u64;
        let vr_s1 = Self::at(&self.nr, s1) as u64;
        let vl_b0 = Self::at(&self.nl, b0) as u64;
        let ls_s0 = Self::at(&self.lset, s0);
        let rs_s0 = Self::at(&self.rset, s0);
        let rs_s1 = Self::at(&self.rset, s1);
        let ls_b0 = Self::at(&self.lset, b0);
        // Linear neighbours of s0 and b0.
        let s0m1 = if s0 >= 1 && s0 <= n { s0 - 1 } else { n + 1 };
        let s0p1 = if s0 >= 1 && s0 < n { s0 + 1 } else { n + 1 };
        let b0m1 = if b0 >= 1 && b0 <= n { b0 - 1 } else { n + 1 };
        let (p_s0m1, p_s0p1, p_b0m1) = (self.a(s0m1).p, self.a(s0p1).p, self.a(b0m1).p);

        let f = &mut self.feats;
        f.clear();
        let mut push = |v: u64| f.push(v);
        push(h1(0, 0)); // bias
        // Unigrams.
        push(h1(1, as0.w));
        push(h1(2, as0.p));
        push(h1(3, as0.wp));
        push(h1(4, as1.w));
        push(h1(5, as1.p));
        push(h1(6, as1.wp));
        push(h1(7, ab0.w));
        push(h1(8, ab0.p));
        push(h1(9, ab0.wp));
        push(h1(10, ab1.w));
        push(h1(11, ab1.p));
        push(h1(12, ab1.wp));
        push(h1(14, ab2.p));
        push(h1(15, as2.p));
        // Pairs.
        push(h2(17, as0.wp, ab0.wp));
        push(h2(18, as0.wp, ab0.w));
        push(h2(19, as0.w, ab0.wp));
        push(h2(20, as0.wp, ab0.p));
        push(h2(21, as0.p, ab0.wp));
        push(h2(22, as0.w, ab0.w));
        push(h2(23, as0.p, ab0.p));
        push(h2(24, ab0.p, ab1.p));
        push(h2(25, as1.p, as0.p));
        push(h2(26, as1.w, as0.w));
        push(h2(27, as1.wp, as0.p));
        push(h2(28, as1.p, as0.wp));
        push(h2(29, as1.wp, as0.wp));
        push(h2(30, as1.p, ab0.p));
        push(h2(33, ab0.wp, ab1.p));
        // Triples.
        push(h3(34, ab0.p, ab1.p, ab2.p));
        push(h3(35, as0.p, ab0.p, ab1.p));
        push(h3(36, as1.p, as0.p, ab0.p));
        push(h3(37, as2.p, as1.p, as0.p));
        push(h3(38, as0.p, a_s0l.p, ab0.p));
        push(h3(39, as0.p, a_s0r.p, ab0.p));
        push(h3(40, as0.p, ab0.p, a_b0l.p));
        push(h3(41, as1.p, as0.p, a_s0l.p));
        push(h3(42, as1.p, a_s1r.p, as0.p));
        push(h3(43, as1.p, as0.p, a_s0r.p));
        push(h3(44, as1.p, a_s1l.p, as0.p));
        push(h3(45, as1.p, as0.p, ab1.p));
        push(h3(46, as0.w, ab0.p, ab1.p));
        push(h3(47, as0.p, ab0.w, ab1.p));
        // Distance.
        push(h2(48, as0.w, d));
        push(h2(49, as0.p, d));
        push(h2(50, ab0.w, d));
        push(h2(51, ab0.p, d));
        push(h3(52, as0.w, ab0.w, d));
        push(h3(53, as0.p, ab0.p, d));
        push(h3(54, as1.p, as0.p, d1));
        push(h3(57, as1.wp, as0.p, d1));
        push(h3(58, as1.p, as0.wp, d1));
        // Valency.
        push(h2(59, as0.w, vr_s0));
        push(h2(60, as0.p, vr_s0));
        push(h2(61, as0.w, vl_s0));
        push(h2(62, as0.p, vl_s0));
        push(h2(63, ab0.w, vl_b0));
        push(h2(64, ab0.p, vl_b0));
        push(h2(66, as1.p, vr_s1));
        push(h2(67, as1.p, vl_s1));
        // Children.
        push(h1(68, a_s0l.w));
        push(h1(69, a_s0l.p));
        push(h1(70, l_s0l));
        push(h1(71, a_s0r.w));
        push(h1(72, a_s0r.p));
        push(h1(73, l_s0r));
        push(h1(75, a_b0l.p));
        push(h1(76, l_b0l));
        push(h1(78, a_s1r.p));
        push(h1(79, l_s1r));
        push(h1(80, l_s1l));
        push(h2(81, as0.p, l_s0l));
        push(h2(82, as0.p, l_s0r));
        push(h2(83, ab0.p, l_b0l));
        push(h2(84, as1.p, l_s1r));
        push(h3(85, as0.p, l_s0l, l_s0l2));
        push(h3(86, as0.p, l_s0r, l_s0r2));
        push(h3(87, ab0.p, l_b0l, l_b0l2));
        push(h3(88, as1.p, l_s1r, l_s1r2));
        push(h3(89, as0.p, l_s0r, ab0.p));
        push(h3(90, as1.p, l_s1r, as0.p));
        // Label sets.
        push(h2(91, as0.w, ls_s0));
        push(h2(92, as0.p, ls_s0));
        push(h2(93, as0.w, rs_s0));
        push(h2(94, as0.p, rs_s0));
        push(h2(95, ab0.w, ls_b0));
        push(h2(96, ab0.p, ls_b0));
        push(h2(97, as1.p, rs_s1));
        // Lemmas, morphology, suffixes.
        push(h1(98, as0.l));
        push(h1(99, ab0.l));
        push(h1(100, as1.l));
        push(h1(101, as0.m));
        push(h1(102, ab0.m));
        push(h1(103, as1.m));
        push(h2(104, as0.m, ab0.m));
        push(h2(105, as1.m, as0.m));
        push(h1(106, as0.s));
        push(h1(107, ab0.s));
        push(h1(108, ab1.s));
        push(h1(109, as1.s));
        // Linear context.
        push(h3(113, p_s0m1, as0.p, ab0.p));
        push(h3(114, as0.p, p_s0p1, ab0.p));
        push(h3(115, as0.p, p_b0m1, ab0.p));
        push(h2(116, a_s0l.w, ab0.p));
        push(h3(117, a_b0l.w, ab0.p, as0.p));
    }

    /// Fills `self.lfeats` with the features for labelling the arc `head → dep`.
    pub(crate) fn label_features(&mut self, dep: u32, head: u32) {
        let n = self.n;
        let dir = if dep < head { 1u64 } else { 2u64 };
        let ad = self.a(dep);
        let ah = self.a(head);
        let dl = Self::at(&self.lc1, dep);
        let dr = Self::at(&self.rc1, dep);
        let hl = Self::at(&self.lc1, head);
        let (a_dl, a_dr) = (self.a(dl), self.a(dr));
        let (l_dl, l_dr, l_hl) = (self.lab(dl), self.lab(dr), self.lab(hl));
        let ls_d = Self::at(&self.lset, dep);
        let rs_d = Self::at(&self.rset, dep);
        let ls_h = Self::at(&self.lset, head);
        let rs_h = Self::at(&self.rset, head);
        let dd = dist(dep, head, n);
        let dm1 = if dep >= 1 && dep <= n { dep - 1 } else { n + 1 };
        let dp1 = if dep >= 1 && dep < n { dep + 1 } else { n + 1 };
        let (p_dm1, p_dp1) = (self.a(dm1).p, self.a(dp1).p);
        let b0 = self.bf(0);
        let ab0 = self.a(b0);

        let f = &mut self.lfeats;
        f.clear();
        let dir = dir.wrapping_mul(0xd6e8_feb8_6659_fd93);
        let mut push = |v: u64| f.push(v ^ dir);
        push(h1(0, 0));
        push(h1(1, ad.w));
        push(h1(2, ad.p));
        push(h1(4, ah.w));
        push(h1(5, ah.p));
        push(h2(7, ad.p, ah.p));
        push(h2(8, ad.w, ah.p));
        push(h2(9, ad.p, ah.w));
        push(h2(10, ad.w, ah.w));
        push(h3(11, ad.p, ah.p, dd));
        push(h1(13, ad.m));
        push(h1(14, ah.m));
        push(h2(15, ad.m, ah.p));
        push(h2(16, ad.m, ah.m));
        push(h1(17, ad.s));
        push(h2(18, ad.p, l_dl));
        push(h2(19, ad.p, l_dr));
        push(h2(20, ad.p, ls_d));
        push(h2(21, ad.p, rs_d));
        push(h2(22, ad.p, a_dl.p));
        push(h2(23, ah.p, ls_h));
        push(h2(24, ah.p, l_hl));
        push(h3(25, p_dm1, ad.p, ah.p));
        push(h3(26, ad.p, p_dp1, ah.p));
        push(h1(27, a_dl.w));
        push(h3(28, a_dl.w, ad.p, ah.p));
        push(h2(29, ah.l, ad.p));
        push(h3(31, ad.p, ah.p, ab0.p));
        push(h2(32, a_dr.w, ad.p));
        push(h2(33, ah.p, rs_h));
        push(h3(34, ad.wp, ah.p, dd));
    }
}

/// Gold tree of a training sentence, with children lists for the oracle.
pub(crate) struct Gold {
    /// `heads[i]` for positions `0..=n` (root's own entry unused).
    pub(crate) heads: Vec<u32>,
    pub(crate) labels: Vec<u16>,
    child_start: Vec<u32>,
    children: Vec<u32>,
}

impl Gold {
    pub(crate) fn new(heads: Vec<u32>, labels: Vec<u16>) -> Gold {
        let len = heads.len();
        let mut count = vec![0u32; len + 1];
        for (d, &h) in heads.iter().enumerate().skip(1) {
            if (h as usize) < len && d != h as usize {
                count[h as usize + 1] += 1;
            }
        }
        for i in 1..count.len() {
            count[i] += count[i - 1];
        }
        let child_start = count.clone();
        let mut fill = count;
        let mut children = vec![0u32; child_start.last().copied().unwrap_or(0) as usize];
        for (d, &h) in heads.iter().enumerate().skip(1) {
            if (h as usize) < len && d != h as usize {
                let slot = &mut fill[h as usize];
                if let Some(c) = children.get_mut(*slot as usize) {
                    *c = d as u32;
                }
                *slot += 1;
            }
        }
        Gold {
            heads,
            labels,
            child_start,
            children,
        }
    }

    fn kids(&self, h: u32) -> &[u32] {
        let a = self.child_start.get(h as usize).copied().unwrap_or(0) as usize;
        let b = self.child_start.get(h as usize + 1).copied().unwrap_or(0) as usize;
        self.children.get(a..b).unwrap_or(&[])
    }

    fn head(&self, d: u32) -> u32 {
        self.heads.get(d as usize).copied().unwrap_or(u32::MAX)
    }

    /// Arc-hybrid costs of each move (`u32::MAX` when not allowed): how many gold arcs it makes
    /// unreachable. Stack words never have heads in arc-hybrid, so every stack word counts.
    pub(crate) fn costs(&self, ws: &Workspace, on_stack: &[bool]) -> [u32; N_MOVES] {
        let valid = ws.valid();
        let mut c = [u32::MAX; N_MOVES];
        let b = ws.b;
        let n = ws.n;
        let in_buf = |x: u32| x >= b && x <= n;
        let stk = |x: u32| on_stack.get(x as usize).copied().unwrap_or(false);
        let s0 = ws.s(0);
        let s1 = ws.s(1);
        if valid[SHIFT] {
            let g = self.head(b);
            let mut k = u32::from(g != s0 && stk(g));
            k += self.kids(b).iter().filter(|&&d| stk(d)).count() as u32;
            c[SHIFT] = k;
        }
        if valid[LEFT] || valid[RIGHT] {
            let g = self.head(s0);
            let deps = self.kids(s0).iter().filter(|&&d| in_buf(d)).count() as u32;
            if valid[LEFT] {
                c[LEFT] = deps + u32::from(g != b && (g == s1 || in_buf(g)));
            }
            if valid[RIGHT] {
                c[RIGHT] = deps + u32::from(g != s1 && in_buf(g));
            }
        }
        c
    }
}

//! Per-word feature hashes (computed once per token) and the feature templates of the three
//! models. Context features only mix precomputed `u64`s: no string work per template.

use crate::lemma::lowercase_into;
use claimtrace_ml::hash::{feat, mix};

/// Everything the templates need about one word, as hashes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WordInfo {
    /// Lowercased word (also the key of the ambiguity-class lexicon).
    pub lower: u64,
    /// The exact form (key of the exact-form lemma lexicon).
    pub form: u64,
    pub pre: [u64; 3],
    /// Lowercased suffixes of 1..=5 characters.
    pub suf: [u64; 5],
    pub shape: u64,
    pub flags: u64,
    /// Bit mask of the UPOS tags seen with the lowercased word in training (0 = unknown).
    pub amb: u32,
    /// Whether the first character is uppercase (for lemma casing).
    pub cap: bool,
}

pub(crate) const PAD: usize = 2;

/// Stand-ins for the word hashes of training words treated as unknown.
pub(crate) const UNKNOWN_LOWER: u64 = 0x0123_4567_89ab_cdef;
pub(crate) const UNKNOWN_FORM: u64 = 0x0fed_cba9_8765_4321;

/// Scratch buffers for [`word_info`].
#[derive(Debug, Default)]
pub(crate) struct Bufs {
    pub lower: String,
    pub shape: String,
}

pub(crate) fn sentinel(kind: u64) -> WordInfo {
    let h = mix(0xdead_beef, kind);
    WordInfo {
        lower: h,
        form: h,
        pre: [h; 3],
        suf: [h; 5],
        shape: h,
        flags: h,
        amb: 0,
        cap: false,
    }
}

/// Hash of a word's lowercase form: the lexicon key.
pub(crate) fn lower_key(lower: &str) -> u64 {
    feat(1, lower)
}

pub(crate) fn form_key(form: &str) -> u64 {
    feat(2, form)
}

pub(crate) fn word_info(word: &str, b: &mut Bufs) -> WordInfo {
    lowercase_into(word, &mut b.lower);
    let lower = b.lower.as_str();
    let mut wi = WordInfo {
        lower: lower_key(lower),
        form: form_key(word),
        ..WordInfo::default()
    };
    // Prefixes and suffixes by characters.
    let mut ends = [lower.len(); 3];
    for (k, (i, c)) in lower.char_indices().take(3).enumerate() {
        if let Some(e) = ends.get_mut(k) {
            *e = i + c.len_utf8();
        }
    }
    for (k, (e, slot)) in ends.iter().zip(wi.pre.iter_mut()).enumerate() {
        *slot = feat(10 + k as u32, lower.get(..*e).unwrap_or(""));
    }
    let mut starts = [0usize; 5];
    for (k, (i, _)) in lower.char_indices().rev().take(5).enumerate() {
        if let Some(s) = starts.get_mut(k) {
            *s = i;
        }
    }
    // Words shorter than k characters use the whole word.
    let n = lower.chars().take(5).count();
    for (k, (&st, slot)) in starts.iter().zip(wi.suf.iter_mut()).enumerate() {
        let s = if k < n { st } else { 0 };
        *slot = feat(20 + k as u32, lower.get(s..).unwrap_or(""));
    }
    // Shape: X x d and punctuation kept, runs longer than 2 collapsed.
    b.shape.clear();
    let (mut last, mut run) = ('\0', 0);
    let (mut upper, mut lowerc, mut digit, mut hyphen, mut other) = (0, 0, 0, false, 0);
    let mut first_upper = false;
    for (i, c) in word.chars().enumerate() {
        let s = if c.is_uppercase() {
            upper += 1;
            if i == 0 {
                first_upper = true;
            }
            'X'
        } else if c.is_lowercase() {
            lowerc += 1;
            'x'
        } else if c.is_numeric() {
            digit += 1;
            'd'
        } else if c.is_ascii() {
            if c == '-' {
                hyphen = true;
            }
            other += 1;
            c
        } else {
            other += 1;
            'o'
        };
        if s == last {
            run += 1;
        } else {
            run = 1;
            last = s;
        }
        if run <= 2 && b.shape.len() < 32 {
            b.shape.push(s);
        }
    }
    wi.shape = feat(30, &b.shape);
    wi.cap = first_upper;
    let len = word.chars().take(12).count() as u64;
    let flags = (first_upper as u64)
        | ((upper > 1 && lowerc == 0) as u64) << 1
        | ((digit > 0) as u64) << 2
        | ((digit > 0 && upper + lowerc == 0) as u64) << 3
        | (hyphen as u64) << 4
        | ((other > 0 && upper + lowerc + digit == 0) as u64) << 5
        | (len.min(8)) << 6;
    wi.flags = mix(31, flags);
    wi
}

#[inline]
pub(crate) fn f1(t: u64, a: u64) -> u64 {
    mix(a, t)
}

#[inline]
pub(crate) fn f2(t: u64, a: u64, b: u64) -> u64 {
    mix(mix(a, t), b)
}

#[inline]
pub(crate) fn f3(t: u64, a: u64, b: u64, c: u64) -> u64 {
    mix(mix(mix(a, t), b), c)
}

/// Number of roles a word plays in the UPOS features of its neighbourhood: itself, the
/// previous word, the word before that, the next word, the word after that.
pub(crate) const ROLES: usize = 5;

/// The UPOS features that depend on one word only, in one role (see [`ROLES`]). Their sums can
/// be cached per word type.
pub(crate) fn upos_role(c: &WordInfo, role: usize, out: &mut Vec<u64>) {
    let amb = c.amb as u64;
    match role {
        0 => out.extend_from_slice(&[
            f1(100, 1),
            f1(101, c.lower),
            f1(102, c.form),
            f1(103, c.pre[0]),
            f1(104, c.pre[1]),
            f1(105, c.pre[2]),
            f1(106, c.suf[0]),
            f1(107, c.suf[1]),
            f1(108, c.suf[2]),
            f1(109, c.suf[3]),
            f1(110, c.suf[4]),
            f1(111, c.shape),
            f1(112, c.flags),
            f1(113, amb),
        ]),
        1 => out.extend_from_slice(&[f1(114, c.lower), f1(118, c.suf[2]), f1(124, c.shape)]),
        2 => out.push(f1(115, c.lower)),
        3 => out.extend_from_slice(&[
            f1(116, c.lower),
            f1(119, c.suf[2]),
            f1(120, amb),
            f1(123, c.shape),
        ]),
        _ => out.extend_from_slice(&[f1(117, c.lower), f1(121, amb)]),
    }
}

/// Offsets of the word playing each role, relative to the tagged word.
pub(crate) const ROLE_OFFSET: [isize; ROLES] = [0, -1, -2, 1, 2];

/// UPOS features over pairs of words (not cacheable per word).
pub(crate) fn upos_pairs(w: &[WordInfo], p: usize, out: &mut Vec<u64>) {
    let g = |d: isize| -> WordInfo {
        let i = p as isize + d;
        w.get(i.max(0) as usize).copied().unwrap_or_default()
    };
    let (m1, c, p1) = (g(-1), g(0), g(1));
    out.extend_from_slice(&[
        f2(122, c.amb as u64, p1.amb as u64),
        f2(125, c.lower, p1.lower),
        f2(126, m1.lower, c.lower),
        f2(127, c.flags, (p == PAD) as u64),
    ]);
}

/// All tag-independent UPOS features of word `p` (an index into the padded array).
pub(crate) fn upos_static(w: &[WordInfo], p: usize, out: &mut Vec<u64>) {
    for (role, d) in ROLE_OFFSET.iter().enumerate() {
        let i = (p as isize + d).max(0) as usize;
        let c = w.get(i).copied().unwrap_or_default();
        upos_role(&c, role, out);
    }
    upos_pairs(w, p, out);
}

/// Features that depend on the two previous tags.
#[inline]
pub(crate) fn upos_dynamic(c: &WordInfo, t1: u64, t2: u64, out: &mut Vec<u64>) {
    out.extend_from_slice(&[
        f1(140, t1),
        f1(141, t2),
        f2(142, t1, t2),
        f2(143, t1, c.lower),
        f2(144, t1, c.amb as u64),
        f2(145, t1, c.suf[2]),
    ]);
}

/// Right-context features from a first tagging pass (tags of the next two words).
#[inline]
pub(crate) fn upos_lookahead(c: &WordInfo, n1: u64, n2: u64, t1: u64, out: &mut Vec<u64>) {
    out.extend_from_slice(&[
        f1(150, n1),
        f1(151, n2),
        f2(152, n1, n2),
        f2(153, n1, c.lower),
        f3(154, t1, n1, c.amb as u64),
    ]);
}

/// Morphology features of word `p` given the UPOS tags `u` (padded like `w`): the features
/// of the word and its own tag (cacheable per (form, tag)), then the context ones.
pub(crate) fn feats_features(w: &[WordInfo], u: &[u64], p: usize, out: &mut Vec<u64>) {
    let c = w.get(p).copied().unwrap_or_default();
    let uc = u.get(p).copied().unwrap_or(99);
    feats_self(&c, uc, out);
    feats_context(w, u, p, out);
}

/// The morphology features of a word and its tag alone.
pub(crate) fn feats_self(c: &WordInfo, uc: u64, out: &mut Vec<u64>) {
    out.extend_from_slice(&[
        f1(200, uc),
        f2(201, uc, c.lower),
        f2(202, uc, c.suf[0]),
        f2(203, uc, c.suf[1]),
        f2(204, uc, c.suf[2]),
        f2(205, uc, c.suf[3]),
        f2(206, uc, c.suf[4]),
        f2(207, uc, c.shape),
        f2(208, uc, c.flags),
        f1(218, c.lower),
        f2(220, uc, c.amb as u64),
        f2(222, uc, c.pre[1]),
        f2(223, c.form, uc),
    ]);
}

/// The morphology features that look at the neighbours.
pub(crate) fn feats_context(w: &[WordInfo], u: &[u64], p: usize, out: &mut Vec<u64>) {
    let g = |d: isize| -> (WordInfo, u64) {
        let i = (p as isize + d).max(0) as usize;
        (
            w.get(i).copied().unwrap_or_default(),
            u.get(i).copied().unwrap_or(99),
        )
    };
    let ((m2, um2), (m1, um1), (_, uc), (p1, up1), (p2, up2)) = (g(-2), g(-1), g(0), g(1), g(2));
    out.extend_from_slice(&[
        f2(209, uc, um1),
        f2(210, uc, up1),
        f3(211, um1, uc, up1),
        f2(212, uc, m1.lower),
        f2(213, uc, p1.lower),
        f2(214, uc, m2.lower),
        f2(215, uc, p2.lower),
        f3(216, uc, m1.suf[1], um1),
        f3(217, uc, p1.suf[1], up1),
        f3(219, um2, um1, uc),
        f3(221, uc, um2, up2),
    ]);
}

/// Lemma-rule features (each is later mixed with the candidate rule).
pub(crate) fn lemma_features(c: &WordInfo, upos: u64, feats: u64, out: &mut Vec<u64>) {
    out.extend_from_slice(&[
        f1(300, upos),
        f1(301, c.suf[0]),
        f1(302, c.suf[1]),
        f1(303, c.suf[2]),
        f1(304, c.suf[3]),
        f1(305, c.suf[4]),
        f2(306, upos, c.suf[0]),
        f2(307, upos, c.suf[1]),
        f2(308, upos, c.suf[2]),
        f2(309, upos, c.suf[3]),
        f2(310, upos, feats),
        f2(311, upos, c.flags),
        f1(312, c.shape),
        f2(313, feats, c.suf[2]),
        f2(314, upos, c.pre[0]),
        f1(315, c.lower),
    ]);
}

//! Per-token features. Everything that does not depend on the previous labels is computed once
//! per sentence ("static" features, a flat list per token); the label-dependent ones are a few
//! mixes done at decoding time.

use crate::gazetteer::{Gazetteer, N_CATS, tok_hash};
use crate::lexicon::WordStats;
use claimtrace_ml::hash::mix;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Per-token precomputed values.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tok {
    pub lower: u64,
    pub word: u64,
    pub shape: u64,
    pub short: u64,
    pub pre3: u64,
    pub suf2: u64,
    pub suf3: u64,
    pub suf4: u64,
    pub gaz: u64,
    pub stats: u16,
    /// First character is uppercase.
    pub title: bool,
    pub all_caps: bool,
}

const PAD: u64 = 0x5151_5151_5151_5151;
const PAD2: u64 = 0x7272_7272_7272_7272;

fn shapes(w: &str, long: &mut String, short: &mut String) {
    long.clear();
    short.clear();
    let mut last = '\0';
    let mut run = 0;
    for ch in w.chars() {
        let c = if ch.is_ascii_lowercase() {
            'x'
        } else if ch.is_ascii_uppercase() {
            'X'
        } else if ch.is_ascii_digit() {
            'd'
        } else if ch.is_uppercase() {
            'X'
        } else if ch.is_lowercase() {
            'x'
        } else if ch.is_alphabetic() {
            'a'
        } else {
            ch
        };
        if c == last {
            run += 1;
        } else {
            run = 1;
            short.push(c);
        }
        if run <= 3 {
            long.push(c);
        }
        last = c;
        if long.len() > 12 {
            break;
        }
    }
}

/// Byte offset where the last `n` characters of `s` start.
fn last_chars(s: &str, n: usize) -> usize {
    s.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i)
}

/// Byte offset where the first `n` characters of `s` end.
fn first_chars(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// Precomputes token values (lowercase hashes, shapes, affixes, gazetteer bits, word stats).
pub fn prepare(
    words: &[&str],
    gaz: &Gazetteer,
    stats: &WordStats,
    toks: &mut Vec<Tok>,
    scratch_h: &mut Vec<u64>,
    scratch_g: &mut Vec<u64>,
    scratch_m: &mut Vec<u8>,
) {
    toks.clear();
    scratch_h.clear();
    let mut lower = String::new();
    let mut long = String::new();
    let mut short = String::new();
    for w in words {
        lower.clear();
        if w.is_ascii() {
            lower.push_str(w);
            lower.make_ascii_lowercase();
        } else {
            for c in w.chars() {
                lower.extend(c.to_lowercase());
            }
        }
        let lh = tok_hash(&lower);
        scratch_h.push(lh);
        shapes(w, &mut long, &mut short);
        let lb = lower.as_bytes();
        let pre3 = xxh3_64_with_seed(&lb[..first_chars(&lower, 3)], 11);
        let suf2 = xxh3_64_with_seed(&lb[last_chars(&lower, 2)..], 12);
        let suf3 = xxh3_64_with_seed(&lb[last_chars(&lower, 3)..], 13);
        let suf4 = xxh3_64_with_seed(&lb[last_chars(&lower, 4)..], 14);
        let title = w.chars().next().is_some_and(char::is_uppercase);
        let all_caps = w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase);
        toks.push(Tok {
            lower: lh,
            word: xxh3_64_with_seed(w.as_bytes(), 1),
            shape: xxh3_64_with_seed(long.as_bytes(), 2),
            short: xxh3_64_with_seed(short.as_bytes(), 3),
            pre3,
            suf2,
            suf3,
            suf4,
            gaz: 0,
            stats: stats.code(lh),
            title,
            all_caps,
        });
    }
    gaz.mark(scratch_h, scratch_g, scratch_m);
    for (t, g) in toks.iter_mut().zip(scratch_g.iter()) {
        t.gaz = *g;
    }
}

#[inline]
fn f(t: u64, v: u64) -> u64 {
    mix(t.wrapping_mul(0x2545_f491_4f6c_dd1d), v)
}

/// Sentence casing mode: 0 normal, 1 no uppercase letters at all, 2 mostly capitals.
pub fn case_mode(toks: &[Tok], words: &[&str]) -> u64 {
    let mut letters = 0usize;
    let mut caps_words = 0usize;
    let mut title_words = 0usize;
    for (t, w) in toks.iter().zip(words) {
        if w.chars().any(char::is_alphabetic) {
            letters += 1;
            if t.all_caps && w.chars().count() > 1 {
                caps_words += 1;
            }
            if t.title {
                title_words += 1;
            }
        }
    }
    if letters == 0 {
        0
    } else if title_words == 0 {
        1
    } else if caps_words * 2 > letters {
        2
    } else if title_words * 10 > letters * 7 && letters > 3 {
        3
    } else {
        0
    }
}

/// Static features of every token into `out` (flat), with `offsets[i]..offsets[i+1]` for token i.
pub fn static_features(toks: &[Tok], mode: u64, out: &mut Vec<u64>, offsets: &mut Vec<usize>) {
    out.clear();
    offsets.clear();
    let n = toks.len();
    let get = |i: isize| -> Option<&Tok> { if i < 0 { None } else { toks.get(i as usize) } };
    #[allow(clippy::needless_range_loop)]
    for i in 0..n {
        offsets.push(out.len());
        let t = &toks[i];
        let ii = i as isize;
        let p1 = get(ii - 1);
        let n1 = get(ii + 1);
        let p2 = get(ii - 2);
        let n2 = get(ii + 2);
        let lw = |x: Option<&Tok>, pad| x.map_or(pad, |t| t.lower);
        let ss = |x: Option<&Tok>, pad| x.map_or(pad, |t| t.short);
        out.push(f(1, 0));
        out.push(f(2, t.lower));
        out.push(f(3, t.word));
        out.push(f(4, t.shape));
        out.push(f(5, t.suf2));
        out.push(f(6, t.suf3));
        out.push(f(7, t.suf4));
        out.push(f(8, t.pre3));
        out.push(f(9, lw(p1, PAD)));
        out.push(f(10, lw(n1, PAD2)));
        out.push(f(11, lw(p2, PAD)));
        out.push(f(12, lw(n2, PAD2)));
        let sp = ss(p1, PAD);
        let sn = ss(n1, PAD2);
        out.push(f(13, mix(sp, t.short)));
        out.push(f(14, mix(t.short, sn)));
        out.push(f(15, mix(mix(sp, t.short), sn)));
        out.push(f(16, mix(lw(p1, PAD), t.lower)));
        out.push(f(17, mix(t.lower, lw(n1, PAD2))));
        let title = t.title as u64;
        if t.gaz != 0 {
            out.push(f(18, t.gaz));
            out.push(f(19, mix(t.gaz, title + 2 * mode)));
            // One feature per category present (any position), and the category with the
            // token's position in it.
            for c in 0..N_CATS as u64 {
                let bits = (t.gaz >> (c * 4)) & 0xF;
                if bits != 0 {
                    out.push(f(32, c * 2 + title));
                    out.push(f(33, c * 16 + bits));
                }
            }
        }
        if let Some(p) = p1.filter(|p| p.gaz != 0) {
            out.push(f(20, mix(p.gaz, title)));
        }
        if let Some(q) = n1.filter(|q| q.gaz != 0) {
            out.push(f(21, mix(q.gaz, title)));
        }
        out.push(f(22, t.stats as u64));
        out.push(f(23, mix(t.stats as u64, t.short)));
        out.push(f(24, p1.map_or(99_999, |t| t.stats as u64)));
        out.push(f(25, n1.map_or(99_999, |t| t.stats as u64)));
        out.push(f(26, mix((i == 0) as u64, t.short)));
        out.push(f(27, mix(mode, t.short)));
        out.push(f(28, mix(mode, t.stats as u64)));
        out.push(f(29, mix(p1.map_or(PAD, |t| t.word), t.short)));
        out.push(f(30, mix(t.short, n1.map_or(PAD2, |t| t.lower))));
        out.push(f(31, mix((i == 0) as u64, t.stats as u64)));
    }
    offsets.push(out.len());
}

/// Label-dependent features for token `i` given the previous label `p` and the one before `pp`
/// (label indices; `u32::MAX` before the sentence start).
#[inline]
pub fn dynamic_features(toks: &[Tok], i: usize, p: u32, pp: u32, out: &mut [u64; 4]) {
    let t = toks.get(i).copied().unwrap_or_default();
    out[0] = f(40, p as u64);
    out[1] = f(41, mix(p as u64, pp as u64));
    out[2] = f(42, mix(p as u64, t.lower));
    out[3] = f(43, mix(p as u64, t.short));
}

/// A stable hash of a label string (for feature templates that need one).
pub fn label_hash(l: &str) -> u64 {
    xxh3_64(l.as_bytes())
}

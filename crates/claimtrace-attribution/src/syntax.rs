//! The linguistic core's tags and dependency tree on the attribution tokens.
//!
//! The pipeline tokenizes, tags and parses a document before attribution runs
//! (`claimtrace-text`, `claimtrace-tag`, `claimtrace-parse`); the attribution tokens are that
//! tokenizer's surface tokens ([`crate::tokens`]), so each carries the tags of its first
//! word, with heads, relations and subtree boundaries in token indices. Nothing here is
//! required: a document without tags gives an empty layer and every consumer falls back to the
//! surface.

use claimtrace_core::Token;
use compact_str::CompactString;

/// Syntax of one attribution token (from the pipeline word that starts in it).
#[derive(Debug, Clone, Default)]
pub struct Syn {
    pub upos: CompactString,
    pub lemma: CompactString,
    pub deprel: CompactString,
    /// Head as an attribution-token index (`None` for the root or an unparsed word).
    pub head: Option<usize>,
    /// First and last attribution-token index of the subtree rooted here (inclusive).
    pub left: usize,
    pub right: usize,
    /// Depth in the tree (root = 0), capped.
    pub depth: u8,
}

/// The syntax of each surface token: `first_word[t]` is the index in `words` of token `t`'s
/// first word, `w2t[w]` the token of word `w`. Empty when no word carries a tag.
pub fn from_words(words: &[Token], first_word: &[usize], w2t: &[usize]) -> Vec<Syn> {
    if words.is_empty() || words.iter().all(|w| w.upos.is_empty()) {
        return Vec::new();
    }
    let mut out: Vec<Syn> = first_word
        .iter()
        .enumerate()
        .map(|(ti, &w)| {
            let Some(w) = words.get(w) else {
                return Syn {
                    left: ti,
                    right: ti,
                    ..Syn::default()
                };
            };
            let head = if w.head == Token::ROOT {
                None
            } else {
                w2t.get(w.head as usize).copied().filter(|&h| h != ti)
            };
            // CompactStrings: short strings stay inline, no allocation per token; an ASCII
            // lemma lowercased in place (what CompactString::to_lowercase gives it)
            let lemma = if w.lemma.is_ascii() {
                let mut l = w.lemma.clone();
                l.make_ascii_lowercase();
                l
            } else {
                w.lemma.to_lowercase()
            };
            Syn {
                upos: w.upos.clone(),
                lemma,
                deprel: w.deprel.clone(),
                head,
                left: ti,
                right: ti,
                depth: 0,
            }
        })
        .collect();
    // subtree edges and depths: walk each token's ancestors (bounded, cycle-safe)
    let n = out.len();
    for i in 0..n {
        let mut a = i;
        let mut d = 0u8;
        while let Some(h) = out.get(a).and_then(|s| s.head) {
            if d >= 40 || h >= n {
                break;
            }
            d += 1;
            if let Some(x) = out.get_mut(h) {
                x.left = x.left.min(i);
                x.right = x.right.max(i);
            }
            a = h;
        }
        if let Some(x) = out.get_mut(i) {
            x.depth = d;
        }
    }
    out
}

/// Whether `anc` is an ancestor of `i` (or `i` itself), within 40 steps.
pub fn dominates(syn: &[Syn], anc: usize, i: usize) -> bool {
    let mut a = i;
    for _ in 0..40 {
        if a == anc {
            return true;
        }
        match syn.get(a).and_then(|s| s.head) {
            Some(h) => a = h,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimtrace_core::Span;

    #[test]
    fn finds_subtrees() {
        let text = "Officials said it failed.";
        let mk = |s: usize, e: usize, upos: &str, head: u32, rel: &str| {
            let mut t = Token::new(Span::new(s, e));
            t.upos = upos.into();
            t.head = head;
            t.deprel = rel.into();
            t.lemma = text.get(s..e).unwrap_or("").into();
            t
        };
        let words = vec![
            mk(0, 9, "NOUN", 1, "nsubj"),
            mk(10, 14, "VERB", Token::ROOT, "root"),
            mk(15, 17, "PRON", 3, "nsubj"),
            mk(18, 24, "VERB", 1, "ccomp"),
            mk(24, 25, "PUNCT", 1, "punct"),
        ];
        let v = crate::tokens::build(text, "en", &words, &[]);
        let syn = &v.syn;
        assert_eq!(syn.len(), v.toks.len());
        assert_eq!(syn[3].deprel, "ccomp");
        assert_eq!((syn[3].left, syn[3].right), (2, 3));
        assert_eq!((syn[1].left, syn[1].right), (0, 4));
        assert!(dominates(syn, 1, 2));
        // garbage heads never panic
        let mut bad = words.clone();
        bad[0].head = 99;
        bad[1].head = 3;
        bad[3].head = 1;
        let _ = crate::tokens::build(text, "en", &bad, &[]);
    }
}

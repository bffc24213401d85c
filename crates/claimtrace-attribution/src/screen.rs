//! Checks on every candidate, whoever found it (rules or the learned tagger), before the
//! candidates become attributions: what is no claim ("declined to comment", "without
//! stating", "did not say whether"), what is no cue (a capitalised word inside a name: "the
//! United States"), what is no source (a bare verb, a weekday, a cue word), where a relative
//! clause after the source ends ("according to X, who …, CONTENT"), and what a cue does when
//! it is not an assertion (`act`: expectation, warning, call). The word lists are language data
//! (`lang/<xx>/attribution/acts.tsv`, `not_claims.txt`, `no_claim_before.txt`); a language
//! without them is screened by the language-neutral checks only.

use crate::Analysis;
use crate::rules::Cand;
use crate::words::*;
use claimtrace_text::data;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// One language's screening data.
#[derive(Debug, Default)]
pub struct Screens {
    /// First word → (the following words, act).
    acts: FxHashMap<String, Vec<(Vec<String>, &'static str)>>,
    /// Phrases (words) that make a content no claim.
    not_claims: Vec<Vec<String>>,
    /// Words before a cue that mean its content is not claimed.
    no_claim_before: Vec<String>,
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_lowercase).collect()
}

impl Screens {
    pub fn of(lang: &str) -> Screens {
        let mut s = Screens::default();
        for row in data::rows(&format!("{lang}/attribution/acts.tsv")) {
            let (Some(form), Some(act)) = (row.first(), row.get(1)) else {
                continue;
            };
            let act: &'static str = match *act {
                "expectation" => "expectation",
                "warning" => "warning",
                "call" => "call",
                _ => continue,
            };
            let ws = words(form);
            let Some((first, rest)) = ws.split_first() else {
                continue;
            };
            // "caution+ against": the first word carries the inflections
            let tail = rest.to_vec();
            for (f, _) in data::cue_forms(first) {
                s.acts.entry(f).or_default().push((tail.clone(), act));
            }
        }
        for v in s.acts.values_mut() {
            v.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
        }
        s.not_claims = data::list(&format!("{lang}/attribution/not_claims.txt"))
            .into_iter()
            .map(words)
            .filter(|w| !w.is_empty())
            .collect();
        s.not_claims.sort_by_key(|p| std::cmp::Reverse(p.len()));
        s.no_claim_before = data::list(&format!("{lang}/attribution/no_claim_before.txt"))
            .into_iter()
            .map(str::to_lowercase)
            .collect();
        s
    }

    /// The bundled screens of a language, built once.
    pub fn bundled(lang: &str) -> &'static Screens {
        static ALL: OnceLock<FxHashMap<&'static str, Screens>> = OnceLock::new();
        static NONE: OnceLock<Screens> = OnceLock::new();
        let all = ALL.get_or_init(|| data::LANGS.iter().map(|&l| (l, Screens::of(l))).collect());
        all.get(lang)
            .unwrap_or_else(|| NONE.get_or_init(Screens::default))
    }

    /// The act of the cue at `cue` (`None`: an assertion).
    pub fn act(&self, an: &Analysis, cue: (usize, usize)) -> Option<&'static str> {
        let w = |k: usize| an.toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
        for k in cue.0..cue.1 {
            if let Some(es) = self.acts.get(w(k)) {
                for (rest, act) in es {
                    if rest.iter().enumerate().all(|(j, r)| w(k + 1 + j) == r) {
                        return Some(act);
                    }
                }
            }
        }
        None
    }

    /// Whether a candidate is no claim: its content opens with a no-claim phrase, or a
    /// negation stands before its cue.
    fn no_claim(&self, an: &Analysis, c: &Cand) -> bool {
        let w = |k: usize| an.toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
        let st = c.content.0;
        if c.content.0 >= c.cue.1 {
            // a no-claim complement right after the cue (or its source: "…, said X")
            let starts = [c.cue.1, st];
            for p in &self.not_claims {
                for s0 in starts {
                    if s0 <= st && p.iter().enumerate().all(|(j, x)| w(s0 + j) == x) {
                        return true;
                    }
                }
            }
        }
        // a negation before the cue, with auxiliaries and adverbs between
        let mut k = c.cue.0;
        let mut steps = 0;
        while k > 0 && steps < 3 {
            k -= 1;
            steps += 1;
            let x = w(k);
            if self.no_claim_before.iter().any(|n| n == x) {
                return true;
            }
            if !(is_aux(x) || is_adverb_between(x) || matches!(x, "did" | "do" | "does")) {
                break;
            }
        }
        false
    }
}

/// A token range holds something a source can be: a noun, a proper noun, a pronoun or a
/// number by the parse (without the parse: a word that is not a cue, a weekday or a time
/// word).
fn nominal(an: &Analysis, lex: Option<&crate::lexicon::Lexicon>, r: (usize, usize)) -> bool {
    let mut any = false;
    for k in r.0..r.1 {
        let Some(t) = an.toks.get(k) else { continue };
        if !t.word {
            continue;
        }
        let cue_word = lex.is_some_and(|l| l.cues.contains_key(&t.lower));
        if is_time_word(&t.lower) || is_time_lead(&t.lower) || (cue_word && r.1 - r.0 == 1) {
            continue;
        }
        match an.syn.get(k).map(|s| s.upos.as_str()) {
            Some("NOUN" | "PROPN" | "PRON" | "NUM" | "X" | "SYM") => any = true,
            Some(_) => {}
            None => any = true,
        }
    }
    any
}

/// Screens the candidates in place (see the module text).
pub fn screen(att: &crate::Attributor, an: &Analysis, cands: &mut Vec<Cand>) {
    let sc = Screens::bundled(an.lang);
    let lex = att.lexicon(an.lang);
    let w = |k: usize| an.toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
    let sent_start = |k: usize| an.sentences.iter().any(|&(s, _)| s == k);
    let mut keep: Vec<bool> = cands
        .iter()
        .map(|c| {
            // a capitalised cue word inside a name: "the United States", "Reports Desk"
            let cue_cap = an.toks.get(c.cue.0).is_some_and(|t| t.cap)
                && !sent_start(c.cue.0)
                && c.cue.0 > 0
                && an
                    .toks
                    .get(c.cue.0 - 1)
                    .is_some_and(|p| p.word && p.cap && !sent_start(c.cue.0 - 1));
            !(cue_cap || sc.no_claim(an, c))
        })
        .collect();
    // two candidates with the same content: the one the model's cue and most evidence back
    let rank = |c: &Cand| {
        (
            c.evidence & crate::rules::MODEL_CUE != 0,
            c.evidence.count_ones(),
        )
    };
    let n = if cands.len() <= 5000 { cands.len() } else { 0 };
    for i in 0..n {
        for j in i + 1..n {
            let (Some(a), Some(b)) = (cands.get(i), cands.get(j)) else {
                continue;
            };
            if a.content != b.content
                || a.parent.is_some()
                || b.parent.is_some()
                || !keep.get(i).copied().unwrap_or(false)
                || !keep.get(j).copied().unwrap_or(false)
            {
                continue;
            }
            let drop = if rank(b) > rank(a) { i } else { j };
            if let Some(x) = keep.get_mut(drop) {
                *x = false;
            }
        }
    }
    let mut k = 0;
    cands.retain(|_| {
        k += 1;
        keep.get(k - 1).copied().unwrap_or(true)
    });
    // parents were indices: re-point them (a dropped parent leaves none)
    let mut new_index = vec![None; keep.len()];
    let mut j = 0;
    for (i, &kp) in keep.iter().enumerate() {
        if kp {
            if let Some(x) = new_index.get_mut(i) {
                *x = Some(j);
            }
            j += 1;
        }
    }
    for c in cands.iter_mut() {
        c.parent = c.parent.and_then(|p| new_index.get(p).copied().flatten());
        // no source is a bare verb, a weekday or a cue word
        // (a rumour noun is the source of its own frame: "claims surfaced that …")
        if let Some(s) = c.source
            && c.cue_certainty != crate::lexicon::Certainty::Rumour
            && !nominal(an, lex, s)
        {
            c.source = None;
        }
        // a relative pronoun closing the source belongs to a relative clause
        if let Some(s) = c.source
            && s.1 > s.0 + 1
            && is_relative(w(s.1 - 1))
        {
            c.source = Some((s.0, s.1 - 1));
        }
        // "according to X, who …, CONTENT": the content starts after the relative clause
        if let Some(s) = c.source {
            let mut p = s.1;
            if is_comma(w(p)) {
                p += 1;
            }
            let rel = is_relative(w(p));
            let opens = rel && c.content.0 >= s.1 && c.content.0 <= p + 1;
            // or the content was cut inside the relative clause (no comma between)
            let inside = rel
                && c.content.0 > p
                && c.content.0 < c.content.1
                && (p..c.content.0).all(|k| !is_comma(w(k)));
            if opens || inside {
                let mut q = p + 1;
                let end = c.content.1;
                while q < end && !is_comma(w(q)) {
                    q += 1;
                }
                let words_after = (q + 1..end)
                    .filter(|&k| an.toks.get(k).is_some_and(|t| t.word))
                    .count();
                if q < end && words_after >= 2 {
                    c.content = (q + 1, end);
                } else {
                    // the relative clause ends the sentence: the claim stands before the cue
                    let ss = an
                        .sentences
                        .iter()
                        .find(|&&(a, b)| a <= c.cue.0 && c.cue.0 < b)
                        .map_or(c.cue.0, |x| x.0);
                    let mut e = c.cue.0.min(s.0);
                    while e > ss && (is_comma(w(e - 1)) || w(e - 1) == "—") {
                        e -= 1;
                    }
                    let words_before = (ss..e)
                        .filter(|&k| an.toks.get(k).is_some_and(|t| t.word))
                        .count();
                    if words_before >= 2 {
                        c.content = (ss, e);
                        c.final_frame = true;
                    }
                }
            }
        }
    }
}

fn is_relative(w: &str) -> bool {
    matches!(w, "who" | "which" | "whose" | "whom")
}

//! Cue lexicon + frames: the rule-based attribution finder over the light tokens.

use crate::lexicon::{Certainty, Frame, Lexicon};
use crate::tokens::{Quote, Tok};
use crate::words::*;

/// Content range, whether a complement marker was seen, and the object before "that".
type RightContent = ((usize, usize), bool, Option<(usize, usize)>);

/// A found attribution in token indices (half-open ranges).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cand {
    pub source: Option<(usize, usize)>,
    pub cue: (usize, usize),
    pub content: (usize, usize),
    pub frame: Frame,
    /// Content stands before the cue ("…, X said"); `boundary` is the comma or quote where the
    /// source/cue part starts.
    pub final_frame: bool,
    pub boundary: Option<usize>,
    pub cue_certainty: Certainty,
    /// A hedging adverb next to the cue ("reportedly said").
    pub adverb_hedge: Option<(usize, usize)>,
    /// Explicit parent (index into the candidate list) for "…, quoting X".
    pub parent: Option<usize>,
    /// The medium spoken to ("told EFE", "Speaking to EFE").
    pub channel: Option<(usize, usize)>,
    pub sentence: usize,
    /// Who found it and who agrees: bits [`RULES`], [`MODEL_CUE`], [`MODEL_SOURCE`],
    /// [`MODEL_CONTENT`] (the attribution's `score` is read from them).
    pub evidence: u8,
}

/// The rules found the candidate.
pub const RULES: u8 = 1;
/// The learned tagger tags its cue as a cue.
pub const MODEL_CUE: u8 = 2;
/// The learned tagger tags its source (or, with no source, no source either).
pub const MODEL_SOURCE: u8 = 4;
/// The learned tagger tags its content as a content.
pub const MODEL_CONTENT: u8 = 8;

pub struct Ctx<'a> {
    pub text: &'a str,
    pub toks: &'a [Tok],
    pub quotes: &'a [Quote],
    pub qdepth: &'a [u8],
    pub lex: &'a Lexicon,
    /// The pipeline's parse on these tokens (empty when absent).
    pub syn: &'a [crate::syntax::Syn],
}

impl Ctx<'_> {
    fn w(&self, i: usize) -> &str {
        self.toks.get(i).map(|t| t.lower.as_str()).unwrap_or("")
    }

    fn cap(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.cap)
    }

    fn in_quote(&self, i: usize) -> bool {
        self.qdepth.get(i).is_some_and(|d| *d > 0)
    }

    /// The quote whose opening mark is at `i`.
    fn quote_opening_at(&self, i: usize) -> Option<&Quote> {
        self.quotes.iter().find(|q| q.open == i)
    }

    /// The outermost quote containing token `i`.
    fn quote_containing(&self, i: usize) -> Option<&Quote> {
        self.quotes
            .iter()
            .filter(|q| q.open <= i && i <= q.close)
            .min_by_key(|q| q.depth)
    }

    /// A hyphen at `k` written with no space on either side, between two words.
    fn glued_hyphen(&self, k: usize) -> bool {
        let (Some(p), Some(t), Some(n)) = (
            k.checked_sub(1).and_then(|j| self.toks.get(j)),
            self.toks.get(k),
            self.toks.get(k + 1),
        ) else {
            return false;
        };
        matches!(t.lower.as_str(), "-" | "‑" | "‐")
            && p.word
            && n.word
            && p.end == t.start
            && t.end == n.start
    }

    /// Noun phrase ending just before `end`, not reaching below `lo`.
    fn np_left(&self, end: usize, lo: usize) -> Option<(usize, usize)> {
        let mut i = end;
        let mut n = 0;
        while i > lo && n < 12 {
            let w = self.w(i - 1);
            let tok_is_word = self.toks.get(i - 1).is_some_and(|t| t.word);
            if pronoun(w).is_some() {
                if n == 0 {
                    return Some((i - 1, end));
                }
                break;
            }
            if w == ")" {
                // "(AP)"
                let mut j = i - 1;
                let mut found = None;
                while j > lo && i - j < 8 {
                    j -= 1;
                    if self.w(j) == "(" {
                        found = Some(j);
                        break;
                    }
                }
                match found {
                    Some(j) if n == 0 && j > lo => {
                        i = j;
                        n += 1;
                        continue;
                    }
                    _ => break,
                }
            }
            if !tok_is_word {
                // a hyphen inside a word the tokenizer split: "the Tetouan-native"
                if n > 0 && self.glued_hyphen(i - 1) {
                    i -= 1;
                    n += 1;
                    continue;
                }
                break;
            }
            if is_det(w) {
                i -= 1;
                // "the head of the organization"
                if i > lo && is_of(self.w(i - 1)) && i - 1 > lo {
                    i -= 1;
                    n += 2;
                    continue;
                }
                break;
            }
            if is_of(w) && n > 0 {
                i -= 1;
                n += 1;
                continue;
            }
            if w == "and" || w == "et" || w == "y" {
                if n > 0 && self.cap(i) && i >= 2 && self.cap(i - 2) {
                    i -= 1;
                    n += 1;
                    continue;
                }
                break;
            }
            if is_stop_left(w) || (n > 0 && self.cue_at(i - 1).is_some()) {
                break;
            }
            if w.chars().all(|c| c.is_ascii_digit()) && n == 0 {
                break;
            }
            i -= 1;
            n += 1;
        }
        if i < end { Some((i, end)) } else { None }
    }

    /// Noun phrase starting at `start`, up to a comma, a complementiser, a colon, a sentence end
    /// or `hi`. Quotes inside are kept when `allow_quotes`.
    fn np_right(&self, start: usize, hi: usize, allow_quotes: bool) -> Option<(usize, usize)> {
        let mut i = start;
        // inside quote marks (a quoted name: "إن إتش كيه" is NHK, not the complementiser إن)
        let mut in_quote = false;
        while i < hi && i - start < 14 {
            let w = self.w(i);
            let word = self.toks.get(i).is_some_and(|t| t.word);
            if !word {
                if allow_quotes && (is_open_quote(w) || is_close_quote(w)) {
                    in_quote = if is_open_quote(w) && is_close_quote(w) {
                        !in_quote
                    } else {
                        is_open_quote(w)
                    };
                    i += 1;
                    continue;
                }
                if w == "(" || w == ")" || w == "-" || w == "‑" {
                    i += 1;
                    continue;
                }
                break;
            }
            if i > start && !in_quote && (is_complementizer(w) || self.lex.np_stop.contains(w)) {
                break;
            }
            // "… ein Sprecher am Montag", "… un portavoce lunedì": the time is no part of it
            if i > start
                && self.lex.lang != "en"
                && (is_time_word(w) || is_time_lead(w) && is_time_word(self.w(i + 1)))
                && (start..i).any(|k| !is_time_lead(self.w(k)))
            {
                break;
            }
            if i > start && (is_linking_participle(w) || self.cue_at(i).is_some()) {
                break;
            }
            if i > start
                && matches!(
                    w,
                    "who"
                        | "which"
                        | "is"
                        | "was"
                        | "has"
                        | "had"
                        | "are"
                        | "were"
                        | "will"
                        | "on"
                        | "in"
                        | "to"
                        | "told"
                        | "when"
                        | "after"
                        | "and"
                )
            {
                break;
            }
            i += 1;
        }
        // trim trailing quote marks that open nothing inside
        let mut e = i;
        while e > start && {
            let w = self.w(e - 1);
            is_open_quote(w) || w == "(" || w == "-"
        } {
            e -= 1;
        }
        if e > start { Some((start, e)) } else { None }
    }

    /// [`Ctx::np_right`] that keeps a short quoted name inside the phrase (le journal
    /// « Clarín », محطة "إن إتش كيه" العامة): quote marks around at most five words, then
    /// the rest of the phrase.
    fn np_right_named(&self, start: usize, hi: usize) -> Option<(usize, usize)> {
        let mut r = self.np_right(start, hi, false)?;
        for _ in 0..2 {
            if !is_open_quote(self.w(r.1)) {
                break;
            }
            // only after a media noun ("le journal", "محطة", "لصحيفة"): a quote after any
            // other phrase is its content
            {
                let prev = self.w(r.1 - 1);
                let bare = prev
                    .strip_prefix('ل')
                    .or_else(|| prev.strip_prefix('ب'))
                    .unwrap_or(prev);
                let media = |w: &str| {
                    is_media_word(w) || self.lex.source_nouns.get(w).is_some_and(|t| t == "media")
                };
                if !media(prev) && !media(bare) {
                    break;
                }
            }
            let mut k = r.1 + 1;
            while k < hi && k - r.1 <= 6 && self.toks.get(k).is_some_and(|t| t.word) {
                k += 1;
            }
            if k == r.1 + 1 || k >= hi || !is_close_quote(self.w(k)) {
                break;
            }
            r.1 = k + 1;
            let w = self.w(r.1);
            if r.1 < hi
                && self.toks.get(r.1).is_some_and(|t| t.word)
                && !is_complementizer(w)
                && self.cue_at(r.1).is_none()
                && let Some(more) = self.np_right(r.1, hi, false)
            {
                r.1 = more.1;
            }
        }
        (r.1 > r.0).then_some(r)
    }

    /// A complementiser, colon or opening quote at `p`, or after a short comma-delimited
    /// adjunct ("قال المتحدث، الخميس، إن …"): its index.
    fn comp_ahead(&self, p: usize, hi: usize) -> Option<usize> {
        let mut j = p;
        let mut commas = 0;
        while j < hi && j - p < 8 {
            let w = self.w(j);
            if is_complementizer(w) || w == ":" || is_open_quote(w) {
                return Some(j);
            }
            if is_sentence_end(w) {
                return None;
            }
            if is_comma(w) {
                commas += 1;
                if commas > 2 {
                    return None;
                }
            } else if j == p {
                return None;
            }
            j += 1;
        }
        None
    }

    /// Matches a cue at token `i`: (end, frame, certainty, needs_complement).
    fn cue_at(&self, i: usize) -> Option<(usize, Frame, Certainty, bool)> {
        let first = self.w(i);
        let entries = self.lex.cues.get(first)?;
        for e in entries {
            let n = e.rest.len();
            let ok = e
                .rest
                .iter()
                .enumerate()
                .all(|(k, r)| self.w(i + 1 + k) == r.as_str());
            if ok {
                return Some((i + 1 + n, e.frame, e.certainty, e.needs_complement));
            }
        }
        None
    }

    fn trim_end(&self, s: usize, mut e: usize) -> usize {
        while e > s && {
            let w = self.w(e - 1);
            is_sentence_end(w) || is_comma(w) || w == ":"
        } {
            e -= 1;
        }
        e
    }

    /// The `nsubj` subtree of the verb at `v` when it lies before the verb within `lo..v` and
    /// is short (a noun phrase, not a clause).
    fn subject_of(&self, v: usize, lo: usize) -> Option<(usize, usize)> {
        if self.syn.is_empty() {
            return None;
        }
        let (k, sub) = self
            .syn
            .iter()
            .enumerate()
            .skip(lo)
            .take(v.saturating_sub(lo))
            .find(|(_, x)| {
                x.head == Some(v) && matches!(x.deprel.as_str(), "nsubj" | "nsubj:pass")
            })?;
        let (a, b) = (sub.left.min(k), sub.right.max(k) + 1);
        (a >= lo && b <= v && b - a <= 12 && !pronoun_or_empty(self.w(a), b - a)).then_some((a, b))
    }

    /// Content after position `p` (after a cue): skips ", indicating", an object before "that"
    /// (recording a channel), a colon. Returns (content range, has complement, channel).
    fn content_right(&self, p: usize, se: usize, clause_to_comma: bool) -> Option<RightContent> {
        let mut i = p;
        let mut channel = None;
        if is_comma(self.w(i)) && is_linking_participle(self.w(i + 1)) {
            i += 2;
        } else if is_comma(self.w(i)) && matches!(self.lex.lang.as_str(), "de" | "it" | "pt" | "id")
        {
            // "X sagte, dass …", "wie die dpa meldet, ist …": the comma opens the content
            i += 1;
        }
        // object / adjunct before a complementiser: "told EFE that", "said in a statement that"
        if !is_complementizer(self.w(i)) {
            let mut j = i;
            while j < se && j - i < 9 {
                let w = self.w(j);
                if is_comma(w) || is_sentence_end(w) || is_open_quote(w) || w == ":" {
                    break;
                }
                if is_complementizer(w)
                    && matches!(
                        w,
                        "that"
                            | "que"
                            | "إن"
                            | "أن"
                            | "بأن"
                            | "أنه"
                            | "إنه"
                            | "dass"
                            | "che"
                            | "bahwa"
                    )
                {
                    let first = self.w(i);
                    if j > i
                        && !matches!(
                            first,
                            "on" | "in"
                                | "at"
                                | "during"
                                | "after"
                                | "before"
                                | "last"
                                | "this"
                                | "that"
                                | "earlier"
                                | "later"
                                | "yesterday"
                                | "today"
                                | "ce"
                                | "el"
                                | "este"
                                | "le"
                                | "lundi"
                        )
                        && !is_adverb_between(first)
                        && !is_time_lead(first)
                    {
                        let st = if matches!(
                            first,
                            "to" | "à" | "a" | "al" | "au" | "ao" | "alla" | "kepada" | "gegenüber"
                        ) {
                            i + 1
                        } else {
                            i
                        };
                        if st < j {
                            channel = Some((st, j));
                        }
                    }
                    i = j;
                    break;
                }
                j += 1;
            }
        }
        let mut has_comp = false;
        if self.w(i) == ":" {
            i += 1;
            has_comp = true;
        }
        if i >= se {
            return None;
        }
        let w = self.w(i);
        if is_complementizer(w) || is_open_quote(w) {
            has_comp = true;
        }
        let mut e = se;
        if let Some(q) = self.quote_opening_at(i)
            && q.close + 1 > e
        {
            e = q.close + 1;
        }
        if clause_to_comma {
            let mut j = i + 1;
            while j < e {
                if is_comma(self.w(j)) && !self.in_quote(j) {
                    e = j;
                    break;
                }
                j += 1;
            }
        }
        // French and Spanish: a relative or comment clause after a comma is no longer the claim
        // ("…, al que calificó como …", "…, tal como este afirmó", "…, dont …")
        if matches!(self.lex.lang.as_str(), "es" | "fr") {
            let mut j = i + 2;
            while j + 1 < e {
                if is_comma(self.w(j)) && !self.in_quote(j) {
                    let (a, b) = (self.w(j + 1), self.w(j + 2));
                    let cut = match self.lex.lang.as_str() {
                        "es" => {
                            matches!(a, "quien" | "quienes" | "cuyo" | "cuya" | "donde")
                                || a == "al" && b == "que"
                                || a == "a" && matches!(b, "la" | "los" | "las" | "quien")
                                || a == "tal" && b == "como"
                                || a == "lo" && b == "que"
                        }
                        _ => matches!(a, "dont" | "lequel" | "laquelle" | "lesquels" | "où"),
                    };
                    if cut {
                        e = j;
                        break;
                    }
                }
                j += 1;
            }
        }
        let e = self.trim_end(i, e);
        if e <= i {
            return None;
        }
        Some(((i, e), has_comp, channel))
    }
}

/// Finds attribution candidates in one sentence (token range `s..e`).
pub fn sentence_cands(cx: &Ctx<'_>, s: usize, e: usize, sid: usize, out: &mut Vec<Cand>) {
    let first_new = out.len();
    let mut i = s;
    // Sentence-initial "Speaking to X," / "In an interview with X,"
    let mut opening_channel = None;
    if matches!(cx.w(s), "speaking" | "talking" | "interviewed")
        && matches!(cx.w(s + 1), "to" | "with" | "by")
        || (cx.w(s) == "in" && matches!(cx.w(s + 1), "an" | "a") && cx.w(s + 2) == "interview")
    {
        let mut j = s + 2;
        while j < e && !is_comma(cx.w(j)) {
            j += 1;
        }
        if j < e {
            let st = if cx.w(s) == "in" { s + 4 } else { s + 2 };
            if st < j {
                opening_channel = Some((st, j));
            }
        }
    }
    while i < e {
        if cx.in_quote(i) || !cx.toks.get(i).is_some_and(|t| t.word) {
            i += 1;
            continue;
        }
        let Some((ce, frame, cert, needs_comp)) = cx.cue_at(i) else {
            i += 1;
            continue;
        };
        let cs = i;
        i = ce;
        let prev = if cs > s { cx.w(cs - 1) } else { "" };
        match frame {
            Frame::Prep if is_postposition(cx.w(cs)) => {
                // de "der Zeitung zufolge, …" / "…, Berichten zufolge": the source before
                let Some(src) = cx.np_left(cs, s) else {
                    continue;
                };
                let mut rs = ce;
                while rs < e && is_comma(cx.w(rs)) {
                    rs += 1;
                }
                let re = cx.trim_end(rs, e);
                let right_words = (rs..re)
                    .filter(|&k| cx.toks.get(k).is_some_and(|t| t.word))
                    .count();
                let content = if right_words >= 2 {
                    (rs, re)
                } else {
                    (s, cx.trim_end(s, src.0))
                };
                if content.1 <= content.0 {
                    continue;
                }
                out.push(Cand {
                    source: Some(src),
                    cue: (cs, ce),
                    content,
                    frame,
                    final_frame: content.1 <= cs,
                    boundary: if content.1 <= cs {
                        Some(src.0.saturating_sub(1))
                    } else {
                        None
                    },
                    cue_certainty: cert,
                    adverb_hedge: None,
                    parent: None,
                    channel: None,
                    sentence: sid,
                    evidence: RULES,
                });
            }
            Frame::Prep => {
                // Arabic "وفقا لـX": the source is glued to ل.
                let Some(src) = cx.np_right(ce, e, true) else {
                    continue;
                };
                // content
                let before_has_words = (s..cs).any(|k| {
                    cx.toks.get(k).is_some_and(|t| t.word)
                        && !matches!(cx.w(k), "but" | "and" | "however" | "mais" | "pero" | "و")
                });
                let mut rs = src.1;
                while rs < e && is_comma(cx.w(rs)) {
                    rs += 1;
                }
                let re = cx.trim_end(rs, e);
                let right_words = (rs..re)
                    .filter(|&k| cx.toks.get(k).is_some_and(|t| t.word))
                    .count();
                let content =
                    if right_words >= 2 && (!before_has_words || (is_comma(prev) && rs > src.1)) {
                        (rs, re)
                    } else {
                        let mut st = s;
                        if let Some(q) = cx.quote_containing(s)
                            && q.open < s
                        {
                            st = q.open;
                        }
                        (st, cx.trim_end(st, cs))
                    };
                if content.1 <= content.0 {
                    continue;
                }
                out.push(Cand {
                    source: Some(src),
                    cue: (cs, ce),
                    content,
                    frame,
                    final_frame: content.1 <= cs,
                    boundary: if content.1 <= cs {
                        Some(cs.saturating_sub(1))
                    } else {
                        None
                    },
                    cue_certainty: cert,
                    adverb_hedge: None,
                    parent: None,
                    channel: None,
                    sentence: sid,
                    evidence: RULES,
                });
                i = src.1.max(ce);
            }
            Frame::Quoting => {
                let Some(src) = cx.np_right(ce, e, false) else {
                    continue;
                };
                // parent: the last candidate of this sentence whose cue is before
                let parent = (first_new..out.len())
                    .rev()
                    .find(|&k| out.get(k).is_some_and(|c| c.cue.0 < cs));
                let content = match parent.and_then(|k| out.get(k)) {
                    Some(p) => p.content,
                    None => {
                        let st = s;
                        (st, cx.trim_end(st, cs))
                    }
                };
                if content.1 <= content.0 {
                    continue;
                }
                out.push(Cand {
                    source: Some(src),
                    cue: (cs, ce),
                    content,
                    frame,
                    final_frame: true,
                    boundary: Some(cs.saturating_sub(1)),
                    cue_certainty: cert,
                    adverb_hedge: None,
                    parent,
                    channel: None,
                    sentence: sid,
                    evidence: RULES,
                });
                i = src.1.max(ce);
            }
            Frame::Verb
                if cs > s
                    && cs - s <= 2
                    && (s..cs).all(|k| is_anaphor_object(cx.w(k)))
                    && s > 0 =>
            {
                // "Lo ha comunicato l'agenzia Tass.", "Das berichtet das Portal X.": the
                // claim is the sentence before
                let Some(src) = cx.np_right_named(ce, e) else {
                    continue;
                };
                // (it ends the sentence, or another cue follows: "… l'agenzia Tass secondo
                // quanto ha riferito X")
                if !(src.1 >= e || is_sentence_end(cx.w(src.1)) || cx.cue_at(src.1).is_some()) {
                    continue;
                }
                let mut p = s - 1;
                while p > 0 && s - p < 80 && !is_sentence_end(cx.w(p - 1)) {
                    p -= 1;
                }
                let content = (p, cx.trim_end(p, s));
                if content.1 <= content.0 {
                    continue;
                }
                out.push(Cand {
                    source: Some(src),
                    cue: (cs, ce),
                    content,
                    frame,
                    final_frame: true,
                    boundary: Some(s - 1),
                    cue_certainty: cert,
                    adverb_hedge: None,
                    parent: None,
                    channel: None,
                    sentence: sid,
                    evidence: RULES,
                });
                i = src.1.max(ce);
            }
            Frame::Verb => {
                // Noun uses and non-reporting uses.
                if cs > s && (is_det(prev) || is_passive_aux(prev) || is_negation(prev)) {
                    continue;
                }
                if cx.cue_at(ce).is_some_and(|c| c.1 == Frame::Verb) && cx.lex.lang == "en" {
                    continue; // "reports suggested", "claims surfaced"
                }
                // skip adverbs/aux to the left
                let mut l = cs;
                let mut adverb_hedge = None;
                let mut cue_start = cs;
                while l > s {
                    let w = cx.w(l - 1);
                    if is_adverb_between(w) {
                        if matches!(w, "reportedly" | "allegedly") {
                            adverb_hedge = Some((l - 1, l));
                        }
                        l -= 1;
                    } else if is_aux(w) {
                        l -= 1;
                        if l + 1 == cue_start {
                            cue_start = l;
                        }
                    } else if is_negation(w) || is_passive_aux(w) {
                        l = usize::MAX;
                        break;
                    } else if is_time_word(w) && l - 1 > s {
                        // "The senator on Tuesday denied …": the time is no source
                        l -= 1;
                        while l > s && is_time_lead(cx.w(l - 1)) {
                            l -= 1;
                        }
                    } else {
                        break;
                    }
                }
                if l == usize::MAX {
                    continue;
                }
                let clause_to_comma = cx.w(ce).ends_with("ing")
                    || cx.toks.get(cs).is_some_and(|t| t.lower.ends_with("ing"))
                    || (s..cs).any(|k| is_subordinator(cx.w(k)) && k == s);
                // dependency frame: no noun phrase right before the cue, but the parse gives the
                // cue a subject before it ("Officials, citing the report, said …")
                let left_np = cx.np_left(l, s).or_else(|| cx.subject_of(cs, s));
                // Is the cue at the end of its clause ("…, X said.", "…, X said Tuesday.")?
                let mut ce_t = ce;
                while ce_t < e && ce_t - ce < 3 && is_time_lead(cx.w(ce_t)) && ce_t + 1 < e {
                    ce_t += 1;
                }
                if ce_t > ce && !is_time_word(cx.w(ce_t.saturating_sub(1))) {
                    ce_t = ce;
                }
                let after = cx.w(ce_t);
                // "…," she told the radio station Alder FM.
                let obj_then_end = cx.lex.lang == "en"
                    && cx.np_right(ce, e, false).is_some_and(|r| {
                        !is_stop_left(cx.w(r.0)) && (r.1 >= e || is_sentence_end(cx.w(r.1)))
                    })
                    && cx.cue_at(cs).is_some_and(|c| c.1 == Frame::Verb)
                    && matches!(cx.w(cs), "told" | "tells" | "tell" | "wrote" | "writes");
                let ends_clause = obj_then_end
                    || ce >= e
                    || is_sentence_end(after)
                    || (is_comma(after)
                        && !is_linking_participle(cx.w(ce_t + 1))
                        && !is_complementizer(cx.w(ce_t + 1)))
                    || is_close_quote(after);
                let boundary_before = |a: usize| -> Option<usize> {
                    if a > s {
                        let b = cx.w(a - 1);
                        if is_comma(b) || is_close_quote(b) {
                            return Some(a - 1);
                        }
                        // "…, wie die Agentur meldet." / "…, come riferisce X."
                        if is_as_word(b) && a > s + 1 && is_comma(cx.w(a - 2)) {
                            return Some(a - 2);
                        }
                    } else if a == s && a > 0 && is_close_quote(cx.w(a - 1)) {
                        // «… quote.» he said: the sentence ended inside the quote, so the
                        // quote that closes right before this sentence is its content
                        return Some(a - 1);
                    }
                    None
                };
                let mut pushed = false;
                // FINAL: "CONTENT, X said." / "CONTENT, said X."
                let left_adjacent = left_np.is_some_and(|np| np.1 == l);
                if ends_clause
                    || cx.lex.lang != "en"
                    || (!left_adjacent && boundary_before(l).is_some())
                {
                    // "“…,” the agency's head, Ana Ruiz, told reporters": the apposition between
                    // the quote and the cue is the source (the object after "told" is the
                    // audience, not the speaker)
                    let appos = if !left_adjacent && l > s + 1 && is_comma(cx.w(l - 1)) {
                        let mut b = None;
                        let mut k = l - 1;
                        while k > s && l - k < 16 {
                            k -= 1;
                            let x = cx.w(k);
                            if is_close_quote(x)
                                || (is_comma(x) && k > s && is_close_quote(cx.w(k - 1)))
                            {
                                b = Some(k);
                                break;
                            }
                            if cx.in_quote(k) || is_sentence_end(x) || cx.cue_at(k).is_some() {
                                break;
                            }
                        }
                        b.filter(|&b| {
                            (b + 1..l - 1).any(|k| cx.toks.get(k).is_some_and(|t| t.word))
                        })
                        .map(|b| ((b + 1, l - 1), b))
                    } else {
                        None
                    };
                    let (src, bpos) = match (left_np, appos) {
                        (Some(np), _) if np.1 == l => (Some(np), boundary_before(np.0)),
                        (_, Some((seg, b))) => (Some(seg), Some(b)),
                        _ => {
                            // inverted: "…, said the minister."
                            // (not en: after a time phrase, "…, informó este miércoles la
                            // cadena X")
                            let r = if cx.lex.lang == "en" {
                                cx.np_right(ce, e, false)
                            } else {
                                cx.np_right_named(ce_t, e)
                                    .or_else(|| cx.np_right_named(ce, e))
                            };
                            (r, boundary_before(l))
                        }
                    };
                    let inverted_ok = src.is_some_and(|sr| {
                        sr.0 >= ce
                            && (!is_stop_left(cx.w(sr.0))
                                || cx.lex.lang != "en" && is_det(cx.w(sr.0)))
                            && !is_of(cx.w(sr.0))
                    }) && {
                        let after_src = src.map(|x| x.1).unwrap_or(ce);
                        let front_follows = cx.comp_ahead(after_src, e).is_some();
                        !front_follows
                            && (after_src >= e
                                || is_sentence_end(cx.w(after_src))
                                || is_comma(cx.w(after_src)))
                    };
                    let incise = (cue_start..ce).any(|k| {
                        let w = cx.w(k);
                        w.ends_with("-il") || w.ends_with("-elle") || w.ends_with("-ils")
                    });
                    let src = if src.is_none() && incise {
                        Some((cue_start, ce))
                    } else {
                        src
                    };
                    let final_channel = if obj_then_end && src.is_some_and(|sr| sr.1 <= cs) {
                        cx.np_right(ce, e, false)
                    } else {
                        None
                    };
                    // after an apposition source the cue may take an adjunct to the end of the
                    // sentence ("said in a statement on Thursday."), but no complement
                    let appos_ok = appos.is_some_and(|(seg, _)| src == Some(seg))
                        && (ce..e).all(|k| {
                            let x = cx.w(k);
                            !is_complementizer(x)
                                && !is_open_quote(x)
                                && x != ":"
                                && cx.cue_at(k).is_none()
                        });
                    let ok = match src {
                        _ if appos_ok => true,
                        Some(sr) if incise && sr == (cue_start, ce) => ends_clause,
                        Some(sr) if sr.0 >= ce => inverted_ok,
                        Some(_) => ends_clause,
                        None => false,
                    };
                    if ok && let Some(b) = bpos {
                        let mut cst = s;
                        if let Some(q) = cx.quote_containing(b.saturating_sub(1))
                            && q.open < cst
                        {
                            cst = q.open;
                        }
                        if let Some(q) = cx.quote_containing(s)
                            && q.open < cst
                        {
                            cst = q.open;
                        }
                        let cend = if is_close_quote(cx.w(b)) { b + 1 } else { b };
                        let cend = cx.trim_end(cst, cend);
                        if cend > cst {
                            out.push(Cand {
                                source: src,
                                cue: (cue_start, ce),
                                content: (cst, cend),
                                frame,
                                final_frame: true,
                                boundary: Some(b),
                                cue_certainty: cert,
                                adverb_hedge,
                                parent: None,
                                channel: final_channel,
                                sentence: sid,
                                evidence: RULES,
                            });
                            pushed = true;
                            if let Some(sr) = src {
                                i = i.max(sr.1);
                            }
                        }
                    }
                }
                if pushed {
                    continue;
                }
                // FRONT: "X said (that) CONTENT"
                let mut src = match left_np {
                    Some(np) if np.1 == l => Some(np),
                    _ => None,
                };
                if src.is_none() && l > s && is_comma(cx.w(l - 1)) {
                    // "Mohamed A., revealed" / "A man, who …, said"
                    let c1 = l - 1;
                    let mut p = c1;
                    let mut prev_comma = None;
                    while p > s && c1 - p < 25 {
                        p -= 1;
                        if is_comma(cx.w(p)) {
                            prev_comma = Some(p);
                            break;
                        }
                    }
                    let seg_start = prev_comma.map(|x| x + 1).unwrap_or(s);
                    let rel = matches!(
                        cx.w(seg_start),
                        "who"
                            | "which"
                            | "whose"
                            | "a"
                            | "an"
                            | "the"
                            | "qui"
                            | "quien"
                            | "que"
                            | "الذي"
                    );
                    src = if rel {
                        prev_comma.and_then(|pc| cx.np_left(pc, s))
                    } else {
                        cx.np_left(c1, s)
                    };
                }
                let mut content_start = ce;
                let mut zero_subject = false;
                if cx.lex.lang == "ar" || (src.is_none() && cx.lex.lang != "en") {
                    // verb-first: "قال المتحدث إن …", "dijo el ministro que …"
                    if is_complementizer(cx.w(ce)) || cx.w(ce) == ":" {
                        // "وأكد أن …": the subject is dropped
                        if cx.lex.lang != "en" && src.is_none() || cx.lex.lang == "ar" {
                            src = None;
                            zero_subject = true;
                        }
                    } else if let Some(r) = cx.np_right_named(ce, e)
                        && let Some(c) = cx.comp_ahead(r.1, e)
                    {
                        src = Some(r);
                        content_start = c;
                    }
                }
                // fr incise "a-t-il dit": the pronoun is inside the cue
                if src.is_none()
                    && (cue_start..ce).any(|k| {
                        let w = cx.w(k);
                        w.ends_with("-il") || w.ends_with("-elle") || w.ends_with("-ils")
                    })
                {
                    src = Some((cue_start, ce));
                }
                if src.is_none() && !zero_subject {
                    continue;
                }
                let Some((content, has_comp, channel)) =
                    cx.content_right(content_start, e, clause_to_comma)
                else {
                    continue;
                };
                if needs_comp && !has_comp {
                    continue;
                }
                if !has_comp && content.1 - content.0 < 3 {
                    continue;
                }
                // "said in a statement" is an adjunct, not a channel; keep outlets/people only.
                let channel = channel.or(opening_channel);
                out.push(Cand {
                    source: src,
                    cue: (cue_start, ce),
                    content,
                    frame,
                    final_frame: false,
                    boundary: None,
                    cue_certainty: cert,
                    adverb_hedge,
                    parent: None,
                    channel,
                    sentence: sid,
                    evidence: RULES,
                });
                i = content.0.max(ce);
            }
        }
    }
    // Clip FRONT contents at the boundary of a later final/quoting frame of this sentence.
    let n = out.len();
    for k in first_new..n {
        let Some(c) = out.get(k).cloned() else {
            continue;
        };
        if c.final_frame {
            continue;
        }
        let mut end = c.content.1;
        for o in out.get(first_new..n).unwrap_or(&[]) {
            if let Some(b) = o.boundary
                && o.final_frame
                && b > c.content.0
                && b < end
                && o.cue.0 > c.cue.0
            {
                end = b;
            }
        }
        let end = cx.trim_end(c.content.0, end);
        if let Some(m) = out.get_mut(k) {
            m.content.1 = end.max(m.content.0 + 1).min(c.content.1);
        }
    }
    // Quoting frames take their (clipped) parent's content.
    for k in first_new..n {
        let p = out.get(k).and_then(|c| c.parent);
        if let Some(p) = p
            && let Some(pc) = out.get(p).map(|x| x.content)
            && let Some(m) = out.get_mut(k)
        {
            m.content = pc;
        }
    }
}

/// A one-word relative or demonstrative subject ("which", "that") is no source.
fn pronoun_or_empty(w: &str, len: usize) -> bool {
    len == 1 && matches!(w, "which" | "that" | "who" | "this" | "it" | "what")
}

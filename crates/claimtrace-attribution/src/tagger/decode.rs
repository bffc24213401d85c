//! Decoding: tags from the quantised passes, BIO repair, tags to spans and the model's
//! attribution candidates.
use super::*;

pub(super) fn fix(prev: usize, t: usize) -> usize {
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

/// The tokens the second pass tags: sentences within [`SKIP2`] − 1 sentences of one where
/// the first pass found a role (elsewhere both passes say O: the first pass's answer stands).
pub(super) fn second_pass_tokens(prep: &Prep<'_>, t1: &[usize]) -> Vec<bool> {
    let ns = prep.sent_of.last().map_or(0, |&x| x as usize + 1);
    let mut on = vec![false; ns];
    for (k, &t) in t1.iter().enumerate() {
        if t != 0
            && let Some(x) = prep.sent_of.get(k).and_then(|&s| on.get_mut(s as usize))
        {
            *x = true;
        }
    }
    let reach = SKIP2.saturating_sub(1);
    let near: Vec<bool> = (0..ns)
        .map(|i| {
            (i.saturating_sub(reach)..=(i + reach).min(ns.saturating_sub(1)))
                .any(|j| on.get(j).copied().unwrap_or(false))
        })
        .collect();
    prep.sent_of
        .iter()
        .map(|&s| near.get(s as usize).copied().unwrap_or(true))
        .collect()
}

/// The features of the base templates ([`BASE`]) of every token, one after another, and
/// where each token's start (`at[i]..at[i + 1]`).
pub(super) fn base_feats(prep: &Prep<'_>) -> (Vec<u64>, Vec<u32>) {
    let n = prep.toks.len();
    let mut out = Vec::with_capacity(n * 48);
    let mut at = Vec::with_capacity(n + 1);
    at.push(0u32);
    let h = Hist::default();
    for i in 0..n {
        prep.feats_sel::<{ BASE }>(i, &h, &mut out);
        at.push(out.len() as u32);
    }
    (out, at)
}

/// [`Prep::around_at`] of every token (`before * 8 + after`), in one sweep each way: the
/// roles of `st` in the 40 tokens before and the 39 after, within the token's sentence.
pub(super) fn around_all(sent_of: &[u32], st: &[usize]) -> Vec<u8> {
    let n = st.len();
    if sent_of.len() != n {
        return Vec::new();
    }
    // tags are below 8: roles 0..=3
    let role = |t: usize| (t - 1) / 2;
    let mut out = vec![0u8; n];
    // the last token of each role before i, and the first after
    let mut last = [usize::MAX; 4];
    let mut lo_sent = 0;
    for i in 0..n {
        if i > 0 && sent_of.get(i - 1) != sent_of.get(i) {
            lo_sent = i;
        }
        let lo = lo_sent.max(i.saturating_sub(40));
        let mut before = 0u8;
        for (r, &k) in last.iter().enumerate() {
            if k != usize::MAX && k >= lo {
                before |= 1 << r;
            }
        }
        let t = st.get(i).copied().unwrap_or(0);
        if t > 0
            && let Some(x) = last.get_mut(role(t))
        {
            *x = i;
        }
        if let Some(x) = out.get_mut(i) {
            *x = before * 8;
        }
    }
    let mut next = [usize::MAX; 4];
    let mut hi_sent = n.saturating_sub(1);
    for i in (0..n).rev() {
        if i + 1 < n && sent_of.get(i + 1) != sent_of.get(i) {
            hi_sent = i;
        }
        let hi = hi_sent.min(i + 39);
        let mut after = 0u8;
        for (r, &k) in next.iter().enumerate() {
            if k != usize::MAX && k <= hi {
                after |= 1 << r;
            }
        }
        let t = st.get(i).copied().unwrap_or(0);
        if t > 0
            && let Some(x) = next.get_mut(role(t))
        {
            *x = i;
        }
        if let Some(x) = out.get_mut(i) {
            *x += after;
        }
    }
    out
}

/// [`decode_with`] for a quantised table (the same tags): the base templates' features come
/// from [`base_feats`]; per token, the rows of all its features are loaded bare first, then
/// summed ([`QTable::best2`]).
pub(super) fn decode_q(p: &QTable, prep: &Prep<'_>, base: &[u64], base_at: &[u32]) -> Vec<usize> {
    let n = prep.toks.len();
    let mut tags = Vec::with_capacity(n);
    let mut feats = Vec::with_capacity(64);
    let mut h = Hist {
        since_cue: 99,
        ..Hist::default()
    };
    let stacked = prep.stack.is_some();
    let span = |i: usize| -> &[u64] {
        let (a, b) = (
            base_at.get(i).copied().unwrap_or(0) as usize,
            base_at.get(i + 1).copied().unwrap_or(0) as usize,
        );
        base.get(a..b).unwrap_or(&[])
    };
    for i in 0..n {
        if !prep.active.get(i).copied().unwrap_or(true) {
            tags.push(0);
            h.push(0, prep.sent_start.get(i + 1).copied().unwrap_or(false));
            continue;
        }
        feats.clear();
        if stacked {
            prep.feats_sel::<{ STACKED | HISTORY }>(i, &h, &mut feats);
        } else {
            prep.feats_sel::<{ HISTORY }>(i, &h, &mut feats);
        }
        let t = fix(h.p1, p.best2(span(i), &feats));
        tags.push(t);
        h.push(t, prep.sent_start.get(i + 1).copied().unwrap_or(false));
        h.track(i, prep);
    }
    tags
}

#[cfg(feature = "train")]
pub(super) fn decode_with(p: &impl Scorer, prep: &Prep<'_>) -> Vec<usize> {
    let n = prep.toks.len();
    let mut tags = Vec::with_capacity(n);
    let mut feats = Vec::with_capacity(120);
    let mut scores = Vec::new();
    let mut h = Hist {
        since_cue: 99,
        ..Hist::default()
    };
    for i in 0..n {
        if !prep.active.get(i).copied().unwrap_or(true) {
            tags.push(0);
            h.push(0, prep.sent_start.get(i + 1).copied().unwrap_or(false));
            continue;
        }
        prep.feats(i, &h, &mut feats);
        let t = fix(h.p1, p.best(&feats, &mut scores));
        tags.push(t);
        h.push(t, prep.sent_start.get(i + 1).copied().unwrap_or(false));
        h.track(i, prep);
    }
    tags
}

/// Token ranges `(start, end, role)` of the tag runs.
pub(super) fn runs(tags: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (k, &t) in tags.iter().enumerate() {
        if t == 0 {
            continue;
        }
        let role = (t - 1) / 2;
        match out.last_mut() {
            Some(l) if t % 2 == 0 && l.2 == role && l.1 == k => l.1 = k + 1,
            _ => out.push((k, k + 1, role)),
        }
    }
    out
}

/// The model's span boundaries on the rules' candidates: each role span of a candidate is
/// replaced by the model's run of that role that overlaps it most (the rules find the
/// attribution, the PolNeAR-trained model knows where PolNeAR's spans begin and end). A run
/// already given to another candidate's role is not given twice; a span the model leaves
/// untagged stays as the rules found it.
pub fn align_cands(cands: &mut [crate::rules::Cand], tags: &[usize]) {
    let rs = runs(tags);
    let mut used = vec![false; rs.len()];
    let best =
        |span: (usize, usize), role: usize, used: &mut Vec<bool>| -> Option<(usize, usize)> {
            let mut pick: Option<(usize, usize)> = None;
            for (k, r) in rs.iter().enumerate() {
                if r.2 != role || used.get(k).copied().unwrap_or(true) {
                    continue;
                }
                let ov = r.1.min(span.1).saturating_sub(r.0.max(span.0));
                if ov > 0 && pick.is_none_or(|(_, o)| ov > o) {
                    pick = Some((k, ov));
                }
            }
            let (k, _) = pick?;
            if let Some(u) = used.get_mut(k) {
                *u = true;
            }
            rs.get(k).map(|r| (r.0, r.1))
        };
    use crate::rules::{MODEL_CONTENT, MODEL_CUE, MODEL_SOURCE};
    for c in cands.iter_mut() {
        if let Some(r) = best(c.cue, 1, &mut used) {
            c.evidence |= MODEL_CUE;
            c.cue = r;
        }
        match c.source {
            Some(s) => {
                if let Some(r) = best(s, 0, &mut used) {
                    c.evidence |= MODEL_SOURCE;
                    c.source = Some(r);
                }
            }
            None => c.evidence |= MODEL_SOURCE,
        }
        if c.parent.is_none()
            && let Some(r) = best(c.content, 2, &mut used)
        {
            c.evidence |= MODEL_CONTENT;
            c.content = r;
            c.final_frame = c.content.1 <= c.cue.0;
        }
    }
}

/// Attribution candidates for the cues the model found and the rules did not: each model cue
/// takes the nearest model content (after the cue first, else before it) and the nearest
/// model source in its sentence. Certainty comes from the cue lexicon.
pub fn model_cands(att: &Attributor, an: &Analysis, tags: &[usize]) -> Vec<crate::rules::Cand> {
    use crate::lexicon::Certainty;
    let rs = runs(tags);
    let sent_of = |k: usize| {
        an.sentences
            .iter()
            .position(|&(s, e)| s <= k && k < e)
            .unwrap_or(0)
    };
    let lex = att.lexicon(an.lang);
    let mut out = Vec::new();
    for &(cs, ce, role) in &rs {
        if role != 1 {
            continue;
        }
        let taken = an.cands.iter().any(|c| c.cue.0 < ce && cs < c.cue.1);
        if taken {
            continue;
        }
        let sid = sent_of(cs);
        let (ss, se) = an.sentences.get(sid).copied().unwrap_or((cs, ce));
        let contents: Vec<&(usize, usize, usize)> = rs.iter().filter(|r| r.2 == 2).collect();
        let after = contents.iter().find(|r| r.0 >= ce && r.0 <= se.max(ce + 3));
        let before = contents
            .iter()
            .rev()
            .find(|r| r.1 <= cs && r.1 + 3 >= ss.min(cs));
        let Some(content) = after.or(before).map(|r| (r.0, r.1)) else {
            continue;
        };
        // the pipeline lists claims: a content with no verb and no quote (an object noun
        // phrase: "recalled an ISIS fighter") or one a rule already attributes is skipped
        let has_verb = an.syn.is_empty()
            || (content.0..content.1).any(|k| {
                an.syn
                    .get(k)
                    .is_some_and(|x| matches!(x.upos.as_str(), "VERB" | "AUX"))
            });
        let quoted = (content.0..content.1).any(|k| {
            an.toks
                .get(k)
                .is_some_and(|t| crate::words::is_open_quote(&t.lower))
        });
        let dup = an.cands.iter().any(|c| {
            let ov = c
                .content
                .1
                .min(content.1)
                .saturating_sub(c.content.0.max(content.0));
            2 * ov > content.1 - content.0
        });
        if dup && !(has_verb || quoted) {
            continue;
        }
        let final_frame = content.1 <= cs;
        let source = rs
            .iter()
            .filter(|r| r.2 == 0 && r.0 >= ss && r.1 <= se)
            .min_by_key(|r| {
                if r.1 <= cs {
                    cs - r.1
                } else {
                    r.0.saturating_sub(ce)
                }
            })
            .map(|r| (r.0, r.1));
        // the cue's certainty from the first of its words the lexicon knows ("have denied")
        let cert = (cs..ce)
            .filter_map(|k| an.toks.get(k))
            .find_map(|t| lex.and_then(|l| l.cues.get(&t.lower)))
            .and_then(|es| es.last())
            .map(|e| e.certainty)
            .unwrap_or(Certainty::Asserted);
        out.push(crate::rules::Cand {
            source,
            cue: (cs, ce),
            content,
            frame: Frame::Verb,
            final_frame,
            boundary: final_frame.then(|| cs.saturating_sub(1)),
            cue_certainty: cert,
            adverb_hedge: None,
            parent: None,
            channel: None,
            sentence: sid,
            evidence: crate::rules::MODEL_CUE
                | crate::rules::MODEL_CONTENT
                | if source.is_some() {
                    crate::rules::MODEL_SOURCE
                } else {
                    0
                },
        });
    }
    out
}

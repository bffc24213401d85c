//! Wording drift along an edge "b re-reports a".
//!
//! Every sentence of `a` that carries an attribution or a hedge is paired with the sentence
//! (or headline) of `b` that resembles it most; the pair is then compared: hedges dropped or
//! added, certainty words added, the source dropped (b states it without attribution) or
//! swapped (another kind of source), numbers changed, names changed (same language only),
//! quotations altered.
//!
//! Across languages only aligned claims are compared: certainty on one scale (hedged or not:
//! "believed" and "habría" are both hedged, no change), numbers by value and only when the pair
//! shares at least one number (the alignment's own evidence), sources only by kind and never
//! by span words. One item per kind per pair of sentences, and never the same item twice on
//! an edge.

use crate::analyse::{Art, Unit, similarity};
use crate::model::{Drift, DriftKind};
use crate::norm::fold_words;
use rustc_hash::{FxHashMap, FxHashSet};

/// Minimum similarity for two sentences to be the same claim (same script / across scripts).
pub const PAIR_SAME: f32 = 0.38;
pub const PAIR_CROSS: f32 = 0.30;
/// At most this many drift items per edge.
pub const MAX_PER_EDGE: usize = 16;

fn clip(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= 240 {
        return s.to_string();
    }
    let mut out: String = s.chars().take(240).collect();
    out.push('…');
    out
}

fn source_kind<'d>(art: &'d Art<'_>, u: &Unit) -> Option<(&'d str, String)> {
    let at = art.doc.attributions.get(u.attribution? as usize)?;
    let text = at.source.map(|s| art.doc.span_text(s)).unwrap_or("");
    Some((at.source_type.as_str(), text.to_string()))
}

fn certainty<'d>(art: &'d Art<'_>, u: &Unit) -> Option<&'d str> {
    let at = art.doc.attributions.get(u.attribution? as usize)?;
    Some(at.certainty.as_str())
}

/// Consonant skeletons of the capitalised words (3+ letters) of a source span, and of any
/// Arabic-script word (no capitals there).
fn source_names(span: &str) -> FxHashSet<String> {
    span.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .filter(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || ('\u{0600}'..='\u{06FF}').contains(&c))
        })
        .map(|w| crate::analyse::skeleton(&claimtrace_text::norm::fold(w)))
        .filter(|s| s.chars().count() >= 2)
        .collect()
}

/// Consonant skeletons of every word (3+ letters) of a text: a source named in one article
/// and described in the other ("Rosaviatsia" / "l'agence russe") is not a swap.
fn word_skeletons(text: &str) -> FxHashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(|w| crate::analyse::skeleton(&claimtrace_text::norm::fold(w)))
        .filter(|s| s.chars().count() >= 2)
        .collect()
}

/// A claim's certainty on one scale: 0 denied, 1 hedged (hedged, rumour, unknown, or a hedge
/// word), 2 asserted; `None` when the sentence carries no attribution and no hedge.
fn level(c: Option<&str>, hedge: bool) -> Option<u8> {
    let l = match c {
        Some("denied") => Some(0),
        Some("asserted") => Some(2),
        Some(_) => Some(1),
        None => None,
    };
    match (l, hedge) {
        (Some(2) | None, true) => Some(1),
        (l, _) => l,
    }
}

/// Drift between `a` (earlier) and `b` (re-reporter); `claims` maps (article index,
/// attribution) to a claim id, `ai`/`bi` are the articles' indices.
pub fn between(
    a: &Art<'_>,
    b: &Art<'_>,
    ai: usize,
    bi: usize,
    claims: &FxHashMap<(usize, u32), String>,
) -> Vec<Drift> {
    let cross = a.cross(b);
    let same_lang = a.doc.lang.is_some() && a.doc.lang == b.doc.lang;
    let claim_id = |art: usize, attr: Option<u32>| -> String {
        attr.and_then(|x| claims.get(&(art, x)))
            .cloned()
            .unwrap_or_default()
    };
    let skel_a = word_skeletons(&a.doc.text);
    let skel_b = word_skeletons(&b.doc.text);
    let mut out: Vec<Drift> = Vec::new();
    let mut seen: FxHashSet<(DriftKind, usize)> = FxHashSet::default();
    let mut seen_b: FxHashSet<(DriftKind, usize)> = FxHashSet::default();
    let mut seen_text: FxHashSet<(DriftKind, String, String)> = FxHashSet::default();
    for (ui, ua) in a.units.iter().enumerate() {
        let interesting =
            ua.attribution.is_some() || !ua.hedges.is_empty() || !ua.numbers.is_empty();
        if !interesting || ua.feats.len() < 3 {
            continue;
        }
        let th = if cross { PAIR_CROSS } else { PAIR_SAME };
        let best = b
            .units
            .iter()
            .enumerate()
            .filter(|(_, ub)| ub.feats.len() >= 3)
            .map(|(i, ub)| (similarity(&ua.feats, &ub.feats, cross), i, ub))
            .filter(|(s, _, _)| *s >= th)
            .max_by(|x, y| x.0.total_cmp(&y.0));
        let Some((sim, bi_unit, ub)) = best else {
            continue;
        };
        // Aligned claims only: `ua` must also be the unit of `a` most like `ub`.
        let mutual = a
            .units
            .iter()
            .enumerate()
            .filter(|(j, x)| *j != ui && x.feats.len() >= 3)
            .all(|(_, x)| similarity(&x.feats, &ub.feats, cross) <= sim);
        if !mutual {
            continue;
        }
        let claim = {
            let c = claim_id(bi, ub.attribution);
            if c.is_empty() {
                claim_id(ai, ua.attribution)
            } else {
                c
            }
        };
        let mut push = |kind: DriftKind, before: &str, after: &str| {
            let (ca, cb) = (clip(before), clip(after));
            if out.len() < MAX_PER_EDGE
                && !seen.contains(&(kind, ui))
                && !seen_b.contains(&(kind, bi_unit))
                && seen_text.insert((kind, ca.clone(), cb.clone()))
            {
                seen.insert((kind, ui));
                seen_b.insert((kind, bi_unit));
                out.push(Drift {
                    kind,
                    claim: claim.clone(),
                    before: ca,
                    after: cb,
                });
            }
        };
        // Hedges. Within one language by hedge words; across languages hedge lists are not
        // comparable, so only the attribution layer's certainty (one scale) speaks.
        let (ca, cb) = (certainty(a, ua), certainty(b, ub));
        let (la, lb) = (
            level(ca, !ua.hedges.is_empty()),
            level(cb, !ub.hedges.is_empty()),
        );
        let (ha, hb) = if same_lang {
            (!ua.hedges.is_empty(), !ub.hedges.is_empty())
        } else {
            (la == Some(1), lb == Some(1))
        };
        let both = la.is_some() && lb.is_some();
        if ha && !hb && (same_lang || (both && lb == Some(2))) {
            push(DriftKind::HedgeDropped, &ua.text, &ub.text);
        } else if !ha && hb && (same_lang || (both && la == Some(2))) {
            push(DriftKind::HedgeAdded, &ua.text, &ub.text);
        }
        // Certainty, on one scale across languages (denied < hedged/rumour/unknown <
        // asserted; a hedge word makes a sentence at most hedged): two hedged sentences
        // ("believed" / "habría") are no change. A hedge dropped or added is reported above.
        let firm_added = ub.firm.iter().any(|w| !ua.firm.contains(w)) && ua.firm.is_empty();
        let hedge_item = ha != hb;
        let differ = matches!((la, lb), (Some(x), Some(y)) if x != y);
        // Within one language the words speak: the same hedge and firm words on both sides
        // are no change whatever the attribution layer read.
        let same_words = ua.hedges == ub.hedges && ua.firm == ub.firm;
        let changed = (differ && !hedge_item && !(same_lang && same_words))
            || (same_lang && firm_added && !ua.hedges.is_empty() && !hedge_item);
        if changed {
            push(DriftKind::CertaintyChanged, &ua.text, &ub.text);
        }
        // Source.
        match (source_kind(a, ua), source_kind(b, ub)) {
            // Dropped: b states it with no attribution and names none of a's source words (a
            // source kept in a form the attribution layer missed, "dijo a Reuters", stays).
            (Some((ka, ta)), None) if ka != "self" && ka != "unnamed" => {
                let fb = format!(" {} ", fold_words(&ub.text).join(" "));
                let kept = fold_words(&ta)
                    .iter()
                    .filter(|w| w.chars().count() >= 3 && !crate::analyse::is_stopword(w))
                    .any(|w| fb.contains(&format!(" {w} ")));
                if !kept {
                    push(DriftKind::SourceDropped, &ua.text, &ub.text);
                }
            }
            // Swapped: both sources are named and share no name (compared by consonant
            // skeleton, so "Aldervik" / "Aldervik Police" or Latin / Arabic spellings of one
            // name are the same source); the span's other words are not compared.
            (Some((ka, ta)), Some((kb, tb))) if ka != "self" && kb != "self" => {
                let na = source_names(&ta);
                let nb = source_names(&tb);
                let elsewhere = |ns: &FxHashSet<String>, all: &FxHashSet<String>| {
                    ns.iter().any(|n| all.contains(n))
                };
                if !na.is_empty()
                    && !nb.is_empty()
                    && na.is_disjoint(&nb)
                    && !elsewhere(&nb, &skel_a)
                    && !elsewhere(&na, &skel_b)
                {
                    push(DriftKind::SourceSwapped, &ua.text, &ub.text);
                }
            }
            _ => {}
        }
        // Numbers.
        if !ua.numbers.is_empty() && !ub.numbers.is_empty() {
            let va: Vec<f64> = ua.numbers.iter().map(|n| n.0).collect();
            let vb: Vec<f64> = ub.numbers.iter().map(|n| n.0).collect();
            let new_b = vb.iter().any(|x| !va.contains(x));
            let gone_a = va.iter().any(|x| !vb.contains(x));
            // Across languages the pairing is looser: a number change counts only in a pair
            // that shares another number (the same claim, one figure changed).
            let shares = va.iter().any(|x| vb.contains(x));
            if new_b && gone_a && (same_lang || shares) {
                push(DriftKind::NumberChanged, &ua.text, &ub.text);
            }
        }
        // Names (same language: across languages names are spelled differently).
        if same_lang && !ua.names.is_empty() && !ub.names.is_empty() {
            let na: FxHashSet<&String> = ua.names.iter().collect();
            let nb: FxHashSet<&String> = ub.names.iter().collect();
            let shared = na.intersection(&nb).count();
            // A name changed only if each side's own name is nowhere in the other article
            // (not a fuller or shorter form of the same reference).
            // (not a fuller or shorter form of the same reference, "Sept" / "September").
            let absent = |n: &String, art: &Art<'_>| !art.folded.contains(&format!(" {n} "));
            let prefix = |n: &String, other: &FxHashSet<&String>| {
                let p: String = n.chars().take(3).collect();
                other.iter().any(|o| o.starts_with(&p))
            };
            let gone = na.difference(&nb).any(|n| absent(n, b) && !prefix(n, &nb));
            let new = nb.difference(&na).any(|n| absent(n, a) && !prefix(n, &na));
            if shared >= 1 && gone && new {
                push(DriftKind::EntityChanged, &ua.text, &ub.text);
            }
        }
        // Quotations.
        if same_lang {
            for qa in crate::graph::quotations(&ua.text) {
                let wa = fold_words(ua.text.get(qa.0..qa.1).unwrap_or(""));
                if wa.len() < 4 {
                    continue;
                }
                for qb in crate::graph::quotations(&ub.text) {
                    let wb = fold_words(ub.text.get(qb.0..qb.1).unwrap_or(""));
                    if wb.len() < 3 || wa == wb || wa.concat() == wb.concat() {
                        continue;
                    }
                    let sa: FxHashSet<&String> = wa.iter().collect();
                    let shared = wb.iter().filter(|w| sa.contains(w)).count();
                    if shared * 2 >= wa.len().min(wb.len()) {
                        push(DriftKind::QuoteAltered, &ua.text, &ub.text);
                    }
                }
            }
        }
    }
    out
}

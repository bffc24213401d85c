//! Claim matching: the attributions of a story that carry the same claim, across languages.
//!
//! Each attribution's content (plus its source words) becomes a feature set: 5-letter stems
//! of content words, numbers, consonant skeletons of names and Arabic words (see
//! [`crate::analyse::features`]). Attributions are taken in publication order; each joins the
//! claim whose members it resembles most (Dice ≥ a threshold, lower across scripts, where
//! only names and numbers count), else opens a claim. Claims carried by one article only are
//! not reported.

use crate::analyse::{Art, features, similarity};
use crate::norm::words;
use rustc_hash::FxHashSet;

/// Same-script and cross-script thresholds (fixed on the tuning half, see the benchmark doc).
pub const SAME_SCRIPT: f32 = 0.34;
pub const CROSS_SCRIPT: f32 = 0.30;

/// One attribution, ready for matching.
#[derive(Debug, Clone)]
pub struct Rep {
    pub art: usize,
    pub attr: u32,
    pub feats: crate::analyse::Feats,
    pub arabic: bool,
    pub lang: String,
}

/// A claim: its members (indices into the reps), earliest first.
#[derive(Debug, Clone)]
pub struct Group {
    pub members: Vec<usize>,
}

/// Feature sets of every attribution of every article (`order` gives articles in time order).
pub fn reps(arts: &[Art<'_>], order: &[usize]) -> Vec<Rep> {
    let mut out = Vec::new();
    for &ai in order {
        let Some(a) = arts.get(ai) else { continue };
        for (i, at) in a.doc.attributions.iter().enumerate() {
            let content = a.doc.span_text(at.content);
            let ws = words(content);
            if ws.len() < 3 {
                continue;
            }
            let feats = features(content, &ws);
            if feats.len() < 2 {
                continue;
            }
            out.push(Rep {
                art: ai,
                attr: i as u32,
                feats,
                arabic: a.arabic,
                lang: a.lang.clone(),
            });
        }
    }
    out
}

/// Groups reps (given in time order) into claims carried by at least two articles.
pub fn group(reps: &[Rep]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for (ri, r) in reps.iter().enumerate() {
        let mut best: Option<(f32, usize)> = None;
        for (gi, g) in groups.iter().enumerate() {
            let mut s = 0.0f32;
            for &m in &g.members {
                let Some(o) = reps.get(m) else { continue };
                if o.art == r.art {
                    continue;
                }
                let cross = o.arabic != r.arabic || o.lang != r.lang;
                let sim = similarity(&o.feats, &r.feats, cross);
                let th = if cross { CROSS_SCRIPT } else { SAME_SCRIPT };
                if sim >= th {
                    s = s.max(sim);
                }
            }
            if s > 0.0 && best.is_none_or(|(b, _)| s > b) {
                best = Some((s, gi));
            }
        }
        match best.and_then(|(_, gi)| groups.get_mut(gi)) {
            Some(g) => g.members.push(ri),
            None => groups.push(Group { members: vec![ri] }),
        }
    }
    groups.retain(|g| {
        let arts: FxHashSet<usize> = g
            .members
            .iter()
            .filter_map(|&m| reps.get(m).map(|r| r.art))
            .collect();
        arts.len() >= 2
    });
    groups
}

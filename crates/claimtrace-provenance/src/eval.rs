//! Scoring stories and provenance against the dev-stories labels (`labels.json`): B³ of the
//! story assignment, origins found, cited-outlet recall/precision, labelled drift found.

use crate::model::{DriftKind, EvidenceKind, NodeKind, Provenance};
use crate::outlets::Lexicon;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// One article's labels.
#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    pub story: String,
    #[serde(default)]
    pub origin: bool,
    #[serde(default)]
    pub cites: Vec<String>,
    #[serde(default)]
    pub reprint_of: Option<String>,
    #[serde(default)]
    pub drift: Vec<String>,
}

/// Parses `labels.json` (an object keyed by article id).
pub fn parse_labels(json: &str) -> Result<BTreeMap<String, Label>, String> {
    serde_json::from_str(json).map_err(|e| format!("labels: {e}"))
}

/// One stored article as the eval sees it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub outlet: Option<String>,
    /// Predicted story.
    pub story: u64,
}

/// B-cubed precision, recall and F1 of `pred` against `gold` (both: item → cluster label;
/// items missing from `pred` count as singletons).
pub fn bcubed(gold: &[(String, String)], pred: &FxHashMap<String, String>) -> (f64, f64, f64) {
    if gold.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let p_of = |id: &str| -> String {
        pred.get(id)
            .cloned()
            .unwrap_or_else(|| format!("\u{0}single:{id}"))
    };
    let mut g_sz: FxHashMap<&str, usize> = FxHashMap::default();
    let mut p_sz: FxHashMap<String, usize> = FxHashMap::default();
    let mut both: FxHashMap<(&str, String), usize> = FxHashMap::default();
    for (id, g) in gold {
        let p = p_of(id);
        *g_sz.entry(g.as_str()).or_default() += 1;
        *p_sz.entry(p.clone()).or_default() += 1;
        *both.entry((g.as_str(), p)).or_default() += 1;
    }
    let (mut prec, mut rec) = (0.0, 0.0);
    for (id, g) in gold {
        let p = p_of(id);
        let n = both.get(&(g.as_str(), p.clone())).copied().unwrap_or(0) as f64;
        prec += n / p_sz.get(&p).copied().unwrap_or(1) as f64;
        rec += n / g_sz.get(g.as_str()).copied().unwrap_or(1) as f64;
    }
    let k = gold.len() as f64;
    let (p, r) = (prec / k, rec / k);
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// The outlet key a labelled credit names, if it is a news outlet: the part before any
/// parenthesis must contain a name of the outlet lexicon ("Al Jazeera correspondent" →
/// `aljazeera`; "Mullah Jan Sayeq (to AFP)" → none: a person credited, AFP only the channel).
pub fn gold_outlet(cite: &str, lex: &Lexicon) -> Option<String> {
    let main = cite.split('(').next().unwrap_or(cite);
    let main = main.trim().trim_matches('\'');
    lex.find(main)
        .first()
        .map(|m| lex.key(m.outlet).to_string())
}

/// Kinds a free-text drift note describes (empty when it describes none of ours: new claims,
/// shared wire text, headline spin…).
pub fn classify_note(note: &str) -> Vec<DriftKind> {
    let n = note.to_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| n.contains(x));
    let mut k = Vec::new();
    if has(&[
        "hedge dropped",
        "drops the hedge",
        "hedge weakened",
        "stated as fact",
        "as fact",
        "hedge removed",
        "drops hedge",
        "hedge lost",
    ]) {
        k.push(DriftKind::HedgeDropped);
    }
    if has(&[
        "hedge added",
        "adds hedge",
        "added hedge",
        "hedge strengthened",
        "conditional",
        "adds a hedge",
        "added hedges",
    ]) {
        k.push(DriftKind::HedgeAdded);
    }
    if has(&[
        "source dropped",
        "credit removed",
        "drops the source",
        "unsourced",
        "no source",
    ]) {
        k.push(DriftKind::SourceDropped);
    }
    if has(&[
        "source swapped",
        "source obscured",
        "swapped",
        "attributed to",
    ]) {
        k.push(DriftKind::SourceSwapped);
    }
    if has(&[
        "confirmed",
        "confident",
        "certainty",
        "may have died' ->",
        "assert",
    ]) {
        k.push(DriftKind::CertaintyChanged);
    }
    let arrow = n.contains("->") || n.contains('→');
    let digits_both = n
        .split("->")
        .filter(|s| s.chars().any(|c| c.is_ascii_digit()))
        .count()
        >= 2;
    if has(&["number", "toll", "figure"]) || (arrow && digits_both) || has(&["millier"]) {
        k.push(DriftKind::NumberChanged);
    }
    if has(&[
        "place",
        "west",
        "east",
        "north",
        "south",
        "day",
        "wednesday",
        "tuesday",
        "renamed",
        "entity",
        "named",
        "added 'libyan",
        "libyan",
    ]) {
        k.push(DriftKind::EntityChanged);
    }
    if has(&["quote altered", "quote changed", "misquot", "quotation"]) {
        k.push(DriftKind::QuoteAltered);
    }
    k.sort();
    k.dedup();
    k
}

/// Figures of one evaluation run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub articles: usize,
    pub b3: (f64, f64, f64),
    /// (found, total) stories whose origin is the labelled article.
    pub origin: (usize, usize),
    /// Also counting an external origin naming the labelled origin's own outlet.
    pub origin_lenient: (usize, usize),
    pub missed_origins: Vec<String>,
    /// Cited outlets: true positives, gold, predicted.
    pub cites: (usize, usize, usize),
    pub cite_misses: Vec<String>,
    pub cite_extras: Vec<String>,
    /// Labelled drift per kind: (found, total); plus notes we do not classify.
    pub drift: BTreeMap<&'static str, (usize, usize)>,
    pub drift_unclassified: usize,
    /// Drift items output per kind.
    pub drift_output: BTreeMap<&'static str, usize>,
    /// Reprint pairs (either direction): found, gold, predicted; and of those found, how
    /// many point the labelled way (copy → original).
    pub reprints: (usize, usize, usize),
    pub reprints_directed: usize,
    pub reprint_misses: Vec<String>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (p, r, f1) = self.b3;
        writeln!(f, "articles: {}", self.articles)?;
        writeln!(f, "B3 precision {p:.3} recall {r:.3} F1 {f1:.3}")?;
        writeln!(
            f,
            "origin found: {}/{} ({:.3}); counting an external origin naming its outlet or by its closest stored copy: {}/{}",
            self.origin.0,
            self.origin.1,
            ratio(self.origin.0, self.origin.1),
            self.origin_lenient.0,
            self.origin_lenient.1
        )?;
        if !self.missed_origins.is_empty() {
            writeln!(f, "  missed: {}", self.missed_origins.join("; "))?;
        }
        let (tp, g, pr) = self.cites;
        let (tp_c, g_c) = (tp, g);
        writeln!(
            f,
            "cited outlets: recall {:.3} ({tp}/{g}) precision {:.3} ({tp}/{pr})",
            ratio(tp, g),
            ratio(tp, pr)
        )?;
        if !self.cite_misses.is_empty() {
            writeln!(f, "  missed: {}", self.cite_misses.join(", "))?;
        }
        if !self.cite_extras.is_empty() {
            writeln!(f, "  extra: {}", self.cite_extras.join(", "))?;
        }
        let (tp, g, pr) = self.reprints;
        writeln!(
            f,
            "reprints: recall {:.3} ({tp}/{g}) precision {:.3} ({tp}/{pr}); labelled direction {}/{tp}",
            ratio(tp, g),
            ratio(tp, pr),
            self.reprints_directed
        )?;
        if !self.reprint_misses.is_empty() {
            writeln!(f, "  {}", self.reprint_misses.join("; "))?;
        }
        let (found, total) = self
            .drift
            .values()
            .fold((0, 0), |(a, b), (x, y)| (a + x, b + y));
        writeln!(
            f,
            "labelled drift found: {found}/{total} ({} notes of other kinds not counted)",
            self.drift_unclassified
        )?;
        for (k, (x, y)) in &self.drift {
            let out = self.drift_output.get(k).copied().unwrap_or(0);
            writeln!(f, "  {k:<18} {x}/{y}  (output items: {out})")?;
        }
        // The targets: B³ F1 ≥ 0.90, an origin for every story, cited recall ≥ 0.90.
        let met = |ok: bool| if ok { "met" } else { "NOT met" };
        writeln!(
            f,
            "targets: B3 F1 >= 0.90 {}; origin for every story {}; cited-outlet recall >= 0.90 {}",
            met(f1 >= 0.90),
            met(self.origin.1 > 0 && self.origin.0 == self.origin.1),
            met(ratio(tp_c, g_c) >= 0.90)
        )?;
        Ok(())
    }
}

/// Drift kinds in the output that count for a labelled kind.
fn matches(label: DriftKind, out: DriftKind) -> bool {
    use DriftKind::*;
    label == out
        || matches!(
            (label, out),
            (HedgeDropped, CertaintyChanged)
                | (CertaintyChanged, HedgeDropped)
                | (CertaintyChanged, HedgeAdded)
                | (HedgeAdded, CertaintyChanged)
        )
}

/// Cited outlet keys of an article, read back from the `cites` evidence of a provenance.
pub fn cited_keys(p: &Provenance, article: &str, lex: &Lexicon) -> FxHashSet<String> {
    let mut keys = FxHashSet::default();
    for e in &p.edges {
        for x in &e.evidence {
            if x.kind == EvidenceKind::Cites && x.article == article {
                for m in lex.find(&x.text) {
                    keys.insert(lex.key(m.outlet).to_string());
                }
            }
        }
    }
    keys
}

/// Scores `articles` (with their predicted stories and the provenance of each story) against
/// `labels`; only articles for which `keep(id)` holds are counted.
pub fn evaluate(
    articles: &[Stored],
    provs: &FxHashMap<u64, Provenance>,
    labels: &BTreeMap<String, Label>,
    keep: &dyn Fn(&str, &Label) -> bool,
) -> Report {
    let lex = Lexicon::bundled();
    let mut rep = Report::default();
    let stored: FxHashMap<&str, &Stored> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut gold: Vec<(String, String)> = Vec::new();
    let mut pred: FxHashMap<String, String> = FxHashMap::default();
    for (id, l) in labels {
        if !keep(id, l) {
            continue;
        }
        // Distractors ("other") are singletons of their own.
        let g = if l.story == "other" {
            format!("other:{id}")
        } else {
            l.story.clone()
        };
        gold.push((id.clone(), g));
        if let Some(s) = stored.get(id.as_str()) {
            pred.insert(id.clone(), s.story.to_string());
        }
    }
    rep.articles = gold.len();
    rep.b3 = bcubed(&gold, &pred);

    // Origins.
    let mut origins: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, l) in labels {
        if l.origin && l.story != "other" && keep(id, l) {
            origins.insert(l.story.as_str(), id.as_str());
        }
    }
    for (story, oid) in &origins {
        rep.origin.1 += 1;
        rep.origin_lenient.1 += 1;
        // The predicted story holding most of the gold story's articles.
        let mut votes: BTreeMap<u64, usize> = BTreeMap::new();
        for (id, l) in labels {
            if l.story == *story
                && let Some(s) = stored.get(id.as_str())
            {
                *votes.entry(s.story).or_default() += 1;
            }
        }
        let best = votes
            .iter()
            .max_by_key(|(k, v)| (**v, std::cmp::Reverse(**k)));
        let prov = best.and_then(|(s, _)| provs.get(s));
        let got = prov.and_then(|p| p.origin.clone());
        // An external origin's closest stored copy: the first article (in the graph's order)
        // that credits it directly.
        let copy_of_ext = |g: &str| -> Option<String> {
            let p = prov?;
            p.nodes
                .iter()
                .find(|n| {
                    n.kind == crate::model::NodeKind::Article
                        && p.edges.iter().any(|e| {
                            e.from == g
                                && e.to == n.id
                                && e.evidence
                                    .iter()
                                    .any(|x| x.kind == crate::model::EvidenceKind::Cites)
                        })
                })
                .map(|n| n.id.clone())
        };
        let own: Vec<String> = stored
            .get(oid)
            .and_then(|s| s.outlet.as_deref())
            .map(|o| lex.keys_of_outlet_field(o))
            .unwrap_or_default();
        match got.as_deref() {
            Some(g) if g == *oid => {
                rep.origin.0 += 1;
                rep.origin_lenient.0 += 1;
            }
            Some(g)
                if g.strip_prefix("ext:")
                    .is_some_and(|k| own.iter().any(|o| o == k))
                    || (g.starts_with("ext:") && copy_of_ext(g).as_deref() == Some(*oid)) =>
            {
                rep.origin_lenient.0 += 1;
                rep.missed_origins
                    .push(format!("{story}: {g} (want {oid})"));
            }
            g => rep
                .missed_origins
                .push(format!("{story}: {} (want {oid})", g.unwrap_or("-"))),
        }
    }

    // Reprints: the oriented pairs of the traced stories against `reprint_of`.
    let mut pred_pairs: Vec<(&str, &str)> = Vec::new();
    for p in provs.values() {
        for r in &p.reprints {
            let keep_it = |id: &str| labels.get(id).is_none_or(|l| keep(id, l));
            if keep_it(&r.copy) && keep_it(&r.original) {
                pred_pairs.push((r.copy.as_str(), r.original.as_str()));
            }
        }
    }
    rep.reprints.2 = pred_pairs.len();
    for (id, l) in labels {
        let Some(orig) = l.reprint_of.as_deref() else {
            continue;
        };
        if !keep(id, l) {
            continue;
        }
        rep.reprints.1 += 1;
        if pred_pairs.contains(&(id.as_str(), orig)) {
            rep.reprints.0 += 1;
            rep.reprints_directed += 1;
        } else if pred_pairs.contains(&(orig, id.as_str())) {
            rep.reprints.0 += 1;
            rep.reprint_misses
                .push(format!("reversed: {orig} → {id} (want {id} → {orig})"));
        } else {
            rep.reprint_misses.push(format!("missed: {id} → {orig}"));
        }
    }
    for (c, o) in &pred_pairs {
        let gold_pair =
            |a: &str, b: &str| labels.get(a).and_then(|l| l.reprint_of.as_deref()) == Some(b);
        if !gold_pair(c, o) && !gold_pair(o, c) {
            rep.reprint_misses.push(format!("extra: {c} → {o}"));
        }
    }

    // Cited outlets and drift.
    for k in DriftKind::ALL {
        rep.drift.insert(k.as_str(), (0, 0));
    }
    for (id, l) in labels {
        if !keep(id, l) {
            continue;
        }
        let Some(s) = stored.get(id.as_str()) else {
            continue;
        };
        let p = provs.get(&s.story);
        // Credits of the article's own outlet or wire ("told NBC News" in an NBC copy) are
        // not counted: the labels list what an article credits besides itself.
        let own = s
            .outlet
            .as_deref()
            .map(|o| lex.keys_of_outlet_field(o))
            .unwrap_or_default();
        let got: FxHashSet<String> = p
            .map(|p| cited_keys(p, id, lex))
            .unwrap_or_default()
            .into_iter()
            .filter(|k| !own.contains(k))
            .collect();
        let want: FxHashSet<String> = l.cites.iter().filter_map(|c| gold_outlet(c, lex)).collect();
        rep.cites.0 += want.intersection(&got).count();
        rep.cites.1 += want.len();
        rep.cites.2 += got.len();
        let mut miss: Vec<&String> = want.difference(&got).collect();
        miss.sort();
        for m in miss {
            rep.cite_misses.push(format!("{id}:{m}"));
        }
        let mut extra: Vec<&String> = got.difference(&want).collect();
        extra.sort();
        for m in extra {
            rep.cite_extras.push(format!("{id}:{m}"));
        }
        // Drift into this article.
        let mut out_kinds: FxHashSet<DriftKind> = FxHashSet::default();
        if let Some(p) = p {
            for e in p.edges.iter().filter(|e| e.to == *id) {
                for d in &e.drift {
                    out_kinds.insert(d.kind);
                    *rep.drift_output.entry(d.kind.as_str()).or_default() += 1;
                }
            }
        }
        for note in &l.drift {
            let kinds = classify_note(note);
            if kinds.is_empty() {
                rep.drift_unclassified += 1;
            }
            for k in kinds {
                let found = out_kinds.iter().any(|&o| matches(k, o));
                if let Some(e) = rep.drift.get_mut(k.as_str()) {
                    e.1 += 1;
                    if found {
                        e.0 += 1;
                    }
                }
            }
        }
    }
    let _ = NodeKind::External;
    rep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcubed_basics() {
        let gold: Vec<(String, String)> = [("a", "1"), ("b", "1"), ("c", "2")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let mut pred = FxHashMap::default();
        for (a, b) in [("a", "x"), ("b", "x"), ("c", "y")] {
            pred.insert(a.to_string(), b.to_string());
        }
        assert_eq!(bcubed(&gold, &pred), (1.0, 1.0, 1.0));
        pred.insert("c".into(), "x".into());
        let (p, r, _) = bcubed(&gold, &pred);
        assert!((p - 5.0 / 9.0).abs() < 1e-9 && (r - 1.0).abs() < 1e-9);
    }

    #[test]
    fn gold_outlets_and_notes() {
        let l = Lexicon::bundled();
        assert_eq!(gold_outlet("NBC News", l), gold_outlet("NBC", l));
        assert_eq!(gold_outlet("Mullah Zed (to AFP)", l), None);
        assert_eq!(gold_outlet("three officials (anonymous)", l), None);
        assert_eq!(
            classify_note("hedge dropped in headline: stated as fact"),
            [DriftKind::HedgeDropped]
        );
        assert!(classify_note("toll 12 -> 15").contains(&DriftKind::NumberChanged));
    }
}

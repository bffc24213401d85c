//! Per-language scores on the dev-stories corpora, split by article into a dev part (tuned on)
//! and a scored part (only scored): span F1 on claimtrace's own stand-off gold
//! (`eval/gold/attribution/<lang>.jsonl`) and cited-outlet recall and precision against the
//! corpora's `labels.json` `cites` (which cite names which outlet:
//! `eval/gold/attribution/cited_outlets.tsv`).

use claimtrace_core::Doc;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// FNV-1a 64 of an article id (`eval/split.py`): even → dev, odd → scored.
pub fn fnv1a64(s: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    h
}

/// The part an article belongs to: `dev` or `scored`.
pub fn part(id: &str) -> &'static str {
    if fnv1a64(id).is_multiple_of(2) {
        "dev"
    } else {
        "scored"
    }
}

/// Articles of one or more corpus folders (`articles.jsonl` + `labels.json`).
#[derive(Debug, Default)]
pub struct Corpus {
    /// id → (text, lang).
    pub texts: BTreeMap<String, (String, String)>,
    /// id → the `cites` of its label.
    pub cites: BTreeMap<String, Vec<String>>,
}

impl Corpus {
    /// Reads the folders that exist (a missing one is skipped).
    pub fn read(dirs: &[&Path]) -> Result<Corpus, String> {
        let mut c = Corpus::default();
        for d in dirs {
            let a = d.join("articles.jsonl");
            let Ok(s) = std::fs::read_to_string(&a) else {
                continue;
            };
            for line in s.lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                    let g = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
                    c.texts.insert(g("id"), (g("text"), g("lang")));
                }
            }
            if let Ok(s) = std::fs::read_to_string(d.join("labels.json")) {
                let v: serde_json::Value = serde_json::from_str(&s)
                    .map_err(|e| format!("{}: {e}", d.join("labels.json").display()))?;
                if let Some(o) = v.as_object() {
                    for (id, l) in o {
                        let cites = l
                            .get("cites")
                            .and_then(|x| x.as_array())
                            .map(|a| {
                                a.iter()
                                    .filter_map(|x| x.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_default();
                        c.cites.insert(id.clone(), cites);
                    }
                }
            }
        }
        Ok(c)
    }
}

/// Per role (source, cue, content): gold, predicted, exact, overlapping predicted, overlapping
/// gold spans; and the number of paragraphs.
type Cell = ([[f64; 5]; 3], usize);

fn f1(tp_p: f64, tp_r: f64, p: f64, g: f64) -> f64 {
    let pr = if p > 0.0 { tp_p / p } else { 0.0 };
    let rc = if g > 0.0 { tp_r / g } else { 0.0 };
    if pr + rc > 0.0 {
        2.0 * pr * rc / (pr + rc)
    } else {
        0.0
    }
}

/// Span F1 (exact / overlap) of the rules on the stand-off gold, per language and part.
pub fn gold_spans_by_part(
    att: &crate::Attributor,
    gold_dir: &Path,
    corpus: &Corpus,
) -> Result<String, String> {
    let mut rep = String::new();
    let rd = std::fs::read_dir(gold_dir).map_err(|e| format!("{}: {e}", gold_dir.display()))?;
    // (lang, part) → per role [gold, pred, exact, overlap-pred, overlap-gold]; paragraphs
    let mut by: BTreeMap<(String, &'static str), Cell> = BTreeMap::new();
    let mut files: Vec<std::path::PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for f in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
    {
        let s = std::fs::read_to_string(f).map_err(|e| e.to_string())?;
        for line in s.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("{}: {e}", f.display()))?;
            let id = v.get("id").and_then(|x| x.as_str()).unwrap_or("");
            let Some((text, lang)) = corpus.texts.get(id) else {
                let _ = writeln!(rep, "gold article {id} not in the corpus");
                continue;
            };
            let c2b = crate::eval::char_to_byte(text);
            let range = |x: &serde_json::Value| -> Option<(usize, usize)> {
                let a = x.get(0)?.as_u64()? as usize;
                let b = x.get(1)?.as_u64()? as usize;
                Some((*c2b.get(a)?, *c2b.get(b)?))
            };
            let Some((ps, pe)) = v.get("para").and_then(range) else {
                continue;
            };
            let para = text.get(ps..pe).unwrap_or("");
            let mut gold: Vec<(usize, usize, usize)> = Vec::new();
            if let Some(a) = v.get("attributions").and_then(|x| x.as_array()) {
                for at in a {
                    for (r, k) in ["source", "cue", "content"].iter().enumerate() {
                        if let Some((s, e)) = at.get(k).and_then(range) {
                            gold.push((s.saturating_sub(ps), e.saturating_sub(ps), r));
                        }
                    }
                }
            }
            let lang = crate::pick_lang(Some(lang.as_str()), para);
            let pred = crate::eval::predict_spans(att, None, para, lang, &[]);
            let (e, n) = by.entry((lang.to_owned(), part(id))).or_default();
            *n += 1;
            for (r, er) in e.iter_mut().enumerate() {
                let g: Vec<_> = gold.iter().filter(|x| x.2 == r).collect();
                let p: Vec<_> = pred.iter().filter(|x| x.2 == r).collect();
                let exact = p
                    .iter()
                    .filter(|x| g.iter().any(|y| y.0 == x.0 && y.1 == x.1))
                    .count();
                let ov_p = p
                    .iter()
                    .filter(|x| g.iter().any(|y| y.0 < x.1 && x.0 < y.1))
                    .count();
                let ov_g = g
                    .iter()
                    .filter(|y| p.iter().any(|x| y.0 < x.1 && x.0 < y.1))
                    .count();
                er[0] += g.len() as f64;
                er[1] += p.len() as f64;
                er[2] += exact as f64;
                er[3] += ov_p as f64;
                er[4] += ov_g as f64;
            }
        }
    }
    if by.is_empty() {
        return Ok(rep);
    }
    let _ = writeln!(
        rep,
        "\nclaimtrace gold (rules), span F1 per language and part (FNV-1a of the article id: even dev, odd scored): exact / overlap"
    );
    let _ = writeln!(
        rep,
        "lang  part    paras  source          cue             content         (gold spans s/c/c)"
    );
    for ((l, p), (e, n)) in &by {
        let mut line = format!("{l:<5} {p:<7} {n:>5} ");
        for er in e {
            line.push_str(&format!(
                " {:.3} / {:.3}  ",
                f1(er[2], er[2], er[1], er[0]),
                f1(er[3], er[4], er[1], er[0])
            ));
        }
        line.push_str(&format!("({}/{}/{})", e[0][0], e[1][0], e[2][0]));
        let _ = writeln!(rep, "{line}");
    }
    Ok(rep)
}

/// Reads `cited_outlets.tsv`: cite label → outlet key (`None` for "-").
pub fn read_cite_map(path: &Path) -> Result<BTreeMap<String, Option<String>>, String> {
    let s = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut m = BTreeMap::new();
    for l in s
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut c = l.split('\t');
        let (Some(label), Some(key)) = (c.next(), c.next()) else {
            continue;
        };
        let key = key.trim();
        m.insert(
            label.to_owned(),
            (key != "-" && !key.is_empty()).then(|| key.to_owned()),
        );
    }
    Ok(m)
}

/// The outlets (table keys) an annotated article credits: the outlet named by the source of
/// an attribution, or its channel.
pub fn cited_outlets(doc: &Doc) -> BTreeSet<String> {
    let table = claimtrace_text::outlets::Outlets::bundled();
    let mut out = BTreeSet::new();
    for a in &doc.attributions {
        let src = a
            .source_id
            .and_then(|i| doc.sources.get(i as usize))
            .map(|s| s.entity.as_str());
        for name in [src, a.channel.as_deref()].into_iter().flatten() {
            if let Some(k) = table.normalise(name) {
                out.insert(k.to_owned());
            }
        }
        // every outlet a source or channel phrase names ("las agencias EFE y AFP")
        for sp in [a.source, a.channel_span].into_iter().flatten() {
            for m in table.find(sp.text(&doc.text)) {
                out.insert(table.key(m.outlet).to_owned());
            }
        }
    }
    out
}

/// Counts of the cited-outlet comparison of one (language, part).
#[derive(Debug, Default, Clone, Copy)]
pub struct OutletCounts {
    pub articles: usize,
    pub gold: usize,
    pub pred: usize,
    pub tp: usize,
}

/// Cited-outlet recall and precision per language and part: every corpus article (with a
/// label) is annotated by `annotate` and its [`cited_outlets`] compared with the outlets its
/// `cites` name. `errors` collects the dev part's misses and false outlets (never the scored
/// part's).
pub fn eval_cited_outlets(
    corpus: &Corpus,
    map: &BTreeMap<String, Option<String>>,
    annotate: &dyn Fn(&mut Doc),
    errors: &mut Vec<String>,
) -> (BTreeMap<(String, &'static str), OutletCounts>, usize) {
    let mut by: BTreeMap<(String, &'static str), OutletCounts> = BTreeMap::new();
    let mut unsupported = 0;
    for (id, (text, lang)) in &corpus.texts {
        let Some(cites) = corpus.cites.get(id) else {
            continue;
        };
        let gold: BTreeSet<String> = cites
            .iter()
            .filter_map(|c| map.get(c).cloned().flatten())
            .collect();
        let mut d = Doc::from_text(id, text);
        d.lang = Some(lang.clone());
        annotate(&mut d);
        if d.lang_supported == Some(false) {
            unsupported += 1;
            continue;
        }
        let pred = cited_outlets(&d);
        let p = part(id);
        let c = by.entry((lang.clone(), p)).or_default();
        c.articles += 1;
        c.gold += gold.len();
        c.pred += pred.len();
        c.tp += pred.intersection(&gold).count();
        if p == "dev" {
            for m in gold.difference(&pred) {
                errors.push(format!("{lang} {id}: missed {m}"));
            }
            for m in pred.difference(&gold) {
                errors.push(format!("{lang} {id}: false {m}"));
            }
        }
    }
    (by, unsupported)
}

/// The table of [`eval_cited_outlets`].
pub fn outlet_report(by: &BTreeMap<(String, &'static str), OutletCounts>) -> String {
    let mut rep = String::new();
    let _ = writeln!(
        rep,
        "\ncited outlets (labels.json `cites` naming an outlet) per language and part: recall / precision"
    );
    let _ = writeln!(
        rep,
        "lang  part    articles  gold  pred    tp  recall  precision"
    );
    let mut tot: BTreeMap<&'static str, OutletCounts> = BTreeMap::new();
    let ratio = |a: usize, b: usize| {
        if b == 0 {
            "    -".to_owned()
        } else {
            format!("{:.3}", a as f64 / b as f64)
        }
    };
    for ((l, p), c) in by {
        let _ = writeln!(
            rep,
            "{l:<5} {p:<7} {:>8} {:>5} {:>5} {:>5}  {:>6}  {:>9}",
            c.articles,
            c.gold,
            c.pred,
            c.tp,
            ratio(c.tp, c.gold),
            ratio(c.tp, c.pred)
        );
        let t = tot.entry(p).or_default();
        t.articles += c.articles;
        t.gold += c.gold;
        t.pred += c.pred;
        t.tp += c.tp;
    }
    for (p, c) in &tot {
        let _ = writeln!(
            rep,
            "all   {p:<7} {:>8} {:>5} {:>5} {:>5}  {:>6}  {:>9}",
            c.articles,
            c.gold,
            c.pred,
            c.tp,
            ratio(c.tp, c.gold),
            ratio(c.tp, c.pred)
        );
    }
    rep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_matches_the_python_rule() {
        assert_eq!(fnv1a64(""), 0xCBF2_9CE4_8422_2325);
        assert_eq!(fnv1a64("a"), 0xAF63_DC4C_8601_EC8C);
        assert_eq!(part("a"), "dev");
    }
}

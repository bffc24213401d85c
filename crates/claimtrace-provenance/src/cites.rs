//! Which outlets an article credits for its claims.
//!
//! Two signals: the attribution layer (an outlet named as a source, or as the channel a
//! source spoke to) and credit cues near an outlet name ("according to", "citing", "told",
//! "selon", "a rapporté", "informó", "recoge", "según", "نقلا عن", "بحسب", "ذكرت"). Photo
//! credits, copyright lines and bare wire datelines are not credits.

use crate::norm::{Word, fold_words, words};
use crate::outlets::{Lexicon, Mention};
use claimtrace_core::Doc;
use claimtrace_text::data::{self, WordList};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// One credited outlet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedOutlet {
    /// Lexicon key (`nbc`, `afp`).
    pub key: String,
    /// Canonical display name.
    pub name: String,
    /// Byte range of the name in the text.
    pub start: usize,
    pub end: usize,
    /// Byte range of the credit (cue and name) in the text.
    pub credit_start: usize,
    pub credit_end: usize,
    /// Key of the outlet this one is said to have taken the claim from, when the text gives
    /// a chain ("RTVE, citing NBC" → `rtve` has `via: nbc`).
    pub via: Option<String>,
}

/// Credit cues, folded, as word sequences. Matched within a few words of the name.
static CUES: WordList = WordList::new("mul/provenance/credit_cues.txt");

/// Words in the same short window that make an outlet name a picture or copyright credit.
static NOT_CREDIT: WordList = WordList::new("mul/provenance/not_credit.txt");

/// Chain cues taking the earlier outlet as object: "X, citing Y", "X, which cited Y" → X
/// via Y.
static CHAIN: WordList = WordList::new("mul/provenance/chain.txt");

/// Chain cues with the later outlet as subject or agent: "informó Y, y recoge X", "citado
/// por X" → X via Y.
static CHAIN_BACK: WordList = WordList::new("mul/provenance/chain_back.txt");

/// Credit cues as folded word sequences, indexed by their first word: [`CUES`] (credit words
/// proper: "agency", "via", "told") and every reporting cue of the attribution lexicons
/// (`lang/{en,fr,es,ar}/attribution/cues.tsv`: "señaló", "a évoqué", "أفاد"), so that a verb
/// added there for attribution also credits an outlet.
fn cue_table() -> &'static FxHashMap<String, Vec<Vec<String>>> {
    static T: OnceLock<FxHashMap<String, Vec<Vec<String>>>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t: FxHashMap<String, Vec<Vec<String>>> = FxHashMap::default();
        let mut add = |ws: Vec<String>| {
            if let Some(first) = ws.first().cloned() {
                let v = t.entry(first).or_default();
                if !v.contains(&ws) {
                    v.push(ws);
                }
            }
        };
        for c in CUES.all() {
            add(c.split(' ').map(str::to_string).collect());
        }
        for lang in data::LANGS {
            for f in data::rows(&format!("{lang}/attribution/cues.tsv")) {
                let (Some(form), Some(frame)) = (f.first(), f.get(1)) else {
                    continue;
                };
                let verb = !matches!(*frame, "prep" | "quoting");
                for (form, _) in data::cue_forms(form) {
                    let ws = fold_words(&form);
                    // Arabic verbs also start with the conjunctions و / ف.
                    if *lang == "ar" && verb && ws.len() == 1 {
                        add(fold_words(&format!("و{form}")));
                        add(fold_words(&format!("ف{form}")));
                    }
                    add(ws);
                }
            }
        }
        for v in t.values_mut() {
            v.sort_by_key(|c| std::cmp::Reverse(c.len()));
        }
        t
    })
}

/// The number of words of the longest credit cue starting at word `i` (0: none).
fn cue_at(ws: &[Word], i: usize) -> usize {
    let Some(w) = ws.get(i) else {
        return 0;
    };
    let table = cue_table();
    let firsts = std::iter::once(w.fold.as_str()).chain(crate::norm::arabic_stems(&w.fold));
    for first in firsts {
        let Some(cands) = table.get(first) else {
            continue;
        };
        for cue in cands {
            let rest_ok = cue
                .iter()
                .enumerate()
                .skip(1)
                .all(|(k, p)| ws.get(i + k).is_some_and(|x| x.fold == *p));
            if rest_ok {
                return cue.len();
            }
        }
    }
    0
}

/// Conjunctions that coordinate two outlet names ("CBS and Newsweek", "CBS y Newsweek").
static COORD: WordList = WordList::new("mul/provenance/coord.txt");

fn in_layer(doc: &Doc, s: usize, e: usize) -> bool {
    let ov = |a: u32, b: u32| (a as usize) < e && s < (b as usize);
    doc.attributions.iter().any(|a| {
        a.source.is_some_and(|sp| ov(sp.start, sp.end))
            || a.channel_span.is_some_and(|sp| ov(sp.start, sp.end))
    }) || doc
        .sources
        .iter()
        .filter(|src| src.kind == "media" || src.kind == "organization")
        .flat_map(|src| src.mentions.iter())
        .any(|sp| ov(sp.start, sp.end))
}

/// The outlets `doc` credits, in text order (one entry per credit; a name credited twice
/// appears twice).
pub fn cited_outlets(doc: &Doc, lex: &Lexicon) -> Vec<CitedOutlet> {
    let text = doc.text.as_str();
    let ws = words(text);
    let mentions = lex.find_in_words(text, &ws);
    let mut credits: Vec<Option<(usize, usize)>> = mentions
        .iter()
        .map(|m| credit_of(text, &ws, m, &mentions, doc))
        .collect();
    // Coordinated names share their credit: "CBS and Newsweek reported", "según EFE y AFP".
    for _ in 0..2 {
        for mi in 1..mentions.len() {
            let (p, m) = (&mentions[mi - 1], &mentions[mi]);
            let coordinated = ws.get(p.w1..m.w0).is_some_and(|between| {
                between.len() == 1 && COORD.contains(&between[0].fold)
                    || between.is_empty()
                        && text.get(p.end..m.start).is_some_and(|g| g.trim() == ",")
            }) && !picture_or_copyright(text, &ws, m)
                && !picture_or_copyright(text, &ws, p);
            if !coordinated {
                continue;
            }
            match (credits[mi - 1], credits[mi]) {
                (Some(c), None) => credits[mi] = Some(c),
                (None, Some(c)) => credits[mi - 1] = Some(c),
                _ => {}
            }
        }
    }
    let mut out: Vec<CitedOutlet> = Vec::new();
    for (mi, m) in mentions.iter().enumerate() {
        let Some((cs, ce)) = credits[mi] else {
            continue;
        };
        let key = lex.key(m.outlet).to_string();
        let name = lex
            .outlet(m.outlet)
            .map(|o| o.name.clone())
            .unwrap_or_default();
        // A chain: this outlet cites the next named outlet ("X, citing Y").
        let via = mentions.get(mi + 1).and_then(|n| {
            let between = ws.get(m.w1..n.w0)?;
            let close = between.len() <= 6
                && between.iter().any(|w| CHAIN.contains(&w.fold))
                && !text.get(m.end..n.start)?.contains(['.', '\n']);
            (close && lex.key(n.outlet) != key).then(|| lex.key(n.outlet).to_string())
        });
        let prev_via = mi
            .checked_sub(1)
            .and_then(|p| mentions.get(p))
            .and_then(|p| {
                // "informó NBC, y recoge RTVE": the later name took it from the earlier one.
                let between = ws.get(p.w1..m.w0)?;
                let close = between.len() <= 4
                    && between.iter().any(|w| CHAIN_BACK.contains(&w.fold))
                    && !text.get(p.end..m.start)?.contains(['.', '\n']);
                (close && lex.key(p.outlet) != key).then(|| lex.key(p.outlet).to_string())
            });
        out.push(CitedOutlet {
            key,
            name,
            start: m.start,
            end: m.end,
            credit_start: cs,
            credit_end: ce,
            via: via.or(prev_via),
        });
    }
    out
}

/// Whether the mention sits in a short parenthesis on one line that reads as a picture
/// credit: "(Korea News Service via AP)", "(Jane Roe/Reuters)" — a slash or "via" inside,
/// the name closing it, and no sentence punctuation.
fn picture_credit(text: &str, m: &Mention) -> bool {
    let before = text.get(..m.start).unwrap_or("");
    let after = text.get(m.end..).unwrap_or("");
    let Some(open) = before.rfind(['(', ')', '\n']) else {
        return false;
    };
    if !before.get(open..).is_some_and(|s| s.starts_with('(')) {
        return false;
    }
    // The name closes the parenthesis (allowing "Photo", "File" and the like is left to
    // NOT_CREDIT).
    if !after.trim_start().starts_with(')') {
        return false;
    }
    let inside = before.get(open + 1..).unwrap_or("");
    if inside.len() > 120 || inside.contains(['.', ',', ';', '\n']) {
        return false;
    }
    inside.contains('/')
        || inside
            .split_whitespace()
            .any(|w| w.eq_ignore_ascii_case("via"))
}

/// Whether a picture or copyright word stands within a few words of the mention, or the
/// mention reads as a picture credit ("(Jane Roe/Reuters)").
fn picture_or_copyright(text: &str, ws: &[Word], m: &Mention) -> bool {
    let lo = m.w0.saturating_sub(3);
    let hi = (m.w1 + 2).min(ws.len());
    ws.get(lo..hi)
        .unwrap_or(&[])
        .iter()
        .any(|w| NOT_CREDIT.contains(&w.fold))
        || picture_credit(text, m)
}

/// The credit span (cue + name) if the mention is a credit.
fn credit_of(
    text: &str,
    ws: &[Word],
    m: &Mention,
    all: &[Mention],
    doc: &Doc,
) -> Option<(usize, usize)> {
    // Picture / copyright credits and datelines.
    if picture_or_copyright(text, ws, m) {
        return None;
    }
    if closing_credit(text, ws, m, all) {
        return Some((m.start, m.end));
    }
    let before = text.get(..m.start).unwrap_or("");
    let after = text.get(m.end..).unwrap_or("");
    let b = before.trim_end();
    if b.ends_with('©') || b.ends_with('/') || after.starts_with('/') {
        return None;
    }
    // "HERAT, Afghanistan (AP) —": a wire dateline, the article's own origin.
    if b.ends_with('(') && after.trim_start().starts_with(')') {
        let rest = after.trim_start().trim_start_matches(')').trim_start();
        if rest.starts_with(['—', '-', '–']) {
            return None;
        }
    }
    if picture_credit(text, m) {
        return None;
    }
    if in_layer(doc, m.start, m.end) {
        return Some((m.start, m.end));
    }
    // A cue within 5 words before or 3 after, in the same sentence.
    let sent_lo = ws[..m.w0]
        .iter()
        .rposition(|w| {
            let gap = text.get(w.end..).unwrap_or("");
            let g = gap.trim_start_matches([' ', '"', '\'', '»', '”']);
            g.starts_with('\n')
                || (g.starts_with('.')
                    && g.get(1..)
                        .unwrap_or("")
                        .chars()
                        .next()
                        .is_none_or(|c| c.is_whitespace() || c == '"'))
        })
        .map(|p| p + 1)
        .unwrap_or(0);
    let from = m.w0.saturating_sub(5).max(sent_lo);
    for i in from..m.w0 {
        let n = cue_at(ws, i);
        if n > 0 && i + n <= m.w0 {
            let s = ws.get(i).map(|w| w.start).unwrap_or(m.start);
            return Some((s, m.end));
        }
    }
    // Arabic proclitic on the name itself: "لرويترز" (told Reuters), "بحسب" handled above.
    if let Some(w) = ws.get(m.w0)
        && (w.fold.starts_with('ل') || w.fold.starts_with("لل"))
        && crate::norm::arabic_stems(&w.fold).next().is_some()
    {
        return Some((m.start, m.end));
    }
    let to = (m.w1 + 5).min(ws.len());
    for i in m.w1..to {
        if text
            .get(ws.get(m.w1.saturating_sub(1))?.end..ws.get(i)?.start)
            .is_some_and(|g| g.contains(['.', '\n']))
        {
            break;
        }
        let n = cue_at(ws, i);
        if n > 0 {
            let e = ws.get(i + n - 1).map(|w| w.end).unwrap_or(m.end);
            return Some((m.start, e));
        }
    }
    // An apposition between the name and its verb: "Daily NK, a site run by defectors,
    // reports that…" — the verb right after the closing comma.
    if let Some(i) = after_apposition(text, ws, m) {
        let n = cue_at(ws, i);
        if n > 0 {
            let e = ws.get(i + n - 1).map(|w| w.end).unwrap_or(m.end);
            return Some((m.start, e));
        }
    }
    None
}

/// The index of the first word after an apposition that directly follows the mention
/// ("X, <at most 15 words without sentence punctuation>, …"), if there is one.
fn after_apposition(text: &str, ws: &[Word], m: &Mention) -> Option<usize> {
    let after = text.get(m.end..)?;
    if !after.starts_with(',') {
        return None;
    }
    let open = m.end;
    let mut i = m.w1;
    while i < ws.len() && i < m.w1 + 15 {
        let prev_end = if i == m.w1 {
            open + 1
        } else {
            ws.get(i - 1)?.end
        };
        let gap = text.get(prev_end..ws.get(i)?.start)?;
        if gap.contains(['.', '\n', ';', ':', '(', ')', '"', '«', '»', '“', '”']) {
            return None;
        }
        if i > m.w1 && gap.contains(',') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Words that introduce a closing credit line: "M. T. avec AFP", "With AFP", "Con EFE".
static CLOSING: WordList = WordList::new("mul/provenance/closing.txt");

/// Whether the mention is an agency credit closing a paragraph: "… plates. — AP", "M. T.
/// avec AFP", "afp/dpa/Reuters/rr". The line ends with the name (or with a list of names and
/// initials), and the name follows a dash, a closing-credit word on a short line, or
/// belongs to a slash list of agencies outside any parenthesis.
fn closing_credit(text: &str, ws: &[Word], m: &Mention, all: &[Mention]) -> bool {
    let line_start = text
        .get(..m.start)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |p| p + 1);
    let line_end = text
        .get(m.end..)
        .and_then(|a| a.find('\n'))
        .map_or(text.len(), |p| m.end + p);
    let (Some(before), Some(rest)) = (text.get(line_start..m.start), text.get(m.end..line_end))
    else {
        return false;
    };
    // The rest of the line holds only more names, initials and list punctuation.
    let rest_ok = rest.chars().count() <= 40
        && rest
            .chars()
            .all(|c| c.is_alphanumeric() || " /,.&-–—".contains(c))
        && !rest.trim_start().starts_with(['.', '-'])
        || rest.trim().is_empty();
    if !rest_ok || rest.contains(['(', ')']) {
        return false;
    }
    let b = before.trim_end();
    // "… the last sentence. — AP"
    if (b.ends_with('—') || b.ends_with('–') || b.ends_with(" -")) && rest.trim().is_empty() {
        return true;
    }
    let first_on_line = ws.partition_point(|w| w.start < line_start);
    let line_words = ws.get(first_on_line..m.w0).unwrap_or(&[]);
    // "M. T. avec AFP": a short line whose last word before the name is a credit word.
    if line_words.len() <= 6 && line_words.last().is_some_and(|w| CLOSING.contains(&w.fold)) {
        return true;
    }
    // "afp/dpa/Reuters/rr/DW Noticias": a slash-joined list of short credits on its own
    // line, naming at least two outlets (a picture credit "Jane Roe/AP" names one).
    let line = text.get(line_start..line_end).unwrap_or("");
    line.matches('/').count() >= 2
        && !line.contains(['(', ')'])
        && line
            .split('/')
            .all(|part| part.split_whitespace().count() <= 3)
        && all
            .iter()
            .filter(|o| o.start >= line_start && o.end <= line_end)
            .count()
            >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(t: &str) -> Vec<(String, Option<String>)> {
        let d = Doc::from_text("x", t);
        cited_outlets(&d, Lexicon::bundled())
            .into_iter()
            .map(|c| (c.key, c.via))
            .collect()
    }

    #[test]
    fn credits_not_pictures() {
        assert_eq!(
            keys("The mayor is dead, according to the Guardian."),
            [("guardian".into(), None)]
        );
        assert!(keys("(AP Photo/Jane Roe) A view of the town.").is_empty());
        assert!(keys("ZORLAND, Vexia (AP) — A quake hit.").is_empty());
        // Picture credits: "via X" or "Name/X" closing a parenthesis.
        assert!(keys("The leader at a rally. (Vexian State Agency via AP)\nThe mayor").is_empty());
        assert!(keys("The square at dawn. (Jane Roe/Reuters)").is_empty());
        // ... but a credit in a parenthesis is still one.
        assert_eq!(
            keys("The mayor died (as the Guardian reported)."),
            [("guardian".into(), None)]
        );
        assert_eq!(
            keys("Le maire est mort, a rapporté l'AFP."),
            [("afp".into(), None)]
        );
        assert_eq!(
            keys("El alcalde murió, informó NBC, y recoge RTVE."),
            [("nbc".into(), None), ("rtve".into(), Some("nbc".into()))]
        );
        assert_eq!(
            keys("The paper, citing Reuters, said the mayor died. Reuters reported it first."),
            [("reuters".into(), None), ("reuters".into(), None)]
        );
    }
}

#[cfg(test)]
mod credit_forms {
    use super::*;

    fn keys(t: &str) -> Vec<String> {
        let d = Doc::from_text("x", t);
        cited_outlets(&d, Lexicon::bundled())
            .into_iter()
            .map(|c| c.key)
            .collect()
    }

    #[test]
    fn coordinated_names_share_the_credit() {
        assert_eq!(
            keys("Medios como CBS y Newsweek señalaron que el avión fue derribado."),
            ["cbs", "newsweek"]
        );
        assert_eq!(
            keys("The mayor resigned, according to Reuters and the Guardian."),
            ["reuters", "guardian"]
        );
        // Two names in one sentence without a credit stay uncredited.
        assert!(keys("CBS and Newsweek were both founded long ago.").is_empty());
    }

    #[test]
    fn verbs_from_the_attribution_lexicons() {
        // "explicó" and "ont révélé" are not in the credit list but in the cue lexicons.
        assert_eq!(keys("La agencia EFE explicó que el puente cayó."), ["efe"]);
        assert_eq!(
            keys("Le Monde et Libération ont révélé l'affaire."),
            ["lemonde", "liberation"]
        );
        // Title-case acronyms in Italian and Spanish house style.
        assert_eq!(keys("Lo sostiene la Cnn citando fonti anonime."), ["cnn"]);
    }

    #[test]
    fn apposition_between_name_and_verb() {
        assert_eq!(
            keys("Le Daily NK, un site géré par des exilés, affirme que le dirigeant est malade."),
            ["dailynk"]
        );
        // An apposition that ends the sentence credits nothing.
        assert!(keys("Il lit le Daily NK, fondé par des exilés. Il part.").is_empty());
    }

    #[test]
    fn closing_credit_lines() {
        assert_eq!(
            keys("Le pont s'est effondré mardi.\n\nJ. D. avec AFP"),
            ["afp"]
        );
        assert_eq!(keys("The bridge fell on Tuesday. — AP\n\n#bridge"), ["ap"]);
        assert_eq!(
            keys("El puente cayó el martes.\nAFP/dpa/Reuters/jd"),
            ["afp", "dpa", "reuters"]
        );
        // Picture credits are not closing credits.
        assert!(keys("The bridge at dawn.\nJane Roe/AP").is_empty());
        assert!(keys("The bridge at dawn. (Jane Roe/AP/Pool)").is_empty());
        // A dateline is the article's own origin, not a credit.
        assert!(keys("ZORLAND, Vexia — (AP) — A bridge fell.").is_empty());
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn debug_after_cue() {
        let d = Doc::from_text(
            "x",
            "Boko Haram leader Zed Zorb is dead, HumAngle has been able to gather from multiple sources.",
        );
        let c = cited_outlets(&d, Lexicon::bundled());
        assert_eq!(c.len(), 1, "{c:?}");
    }
}

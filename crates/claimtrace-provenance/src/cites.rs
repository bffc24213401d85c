//! Which outlets an article credits for its claims.
//!
//! Two signals: the attribution layer (an outlet named as a source, or as the channel a
//! source spoke to) and credit cues near an outlet name ("according to", "citing", "told",
//! "selon", "a rapporté", "informó", "recoge", "según", "نقلا عن", "بحسب", "ذكرت"). Photo
//! credits, copyright lines and bare wire datelines are not credits.

use crate::norm::{Word, words};
use crate::outlets::{Lexicon, Mention};
use claimtrace_core::Doc;

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
const CUES: &[&str] = &[
    "according to",
    "citing",
    "cited",
    "cites",
    "told",
    "tells",
    "reported",
    "reports",
    "report",
    "reporting",
    "said",
    "says",
    "quoted",
    "quoting",
    "per",
    "via",
    "revealed",
    "first reported",
    "broke",
    "confirmed to",
    "in an interview with",
    "speaking",
    "spoke",
    "talking",
    "interview",
    "gathered",
    "gather",
    "learnt",
    "learned",
    "understands",
    "reveals",
    "claimed",
    "claims",
    "wrote",
    "writes",
    "published",
    "agency",
    "network",
    "newspaper",
    "selon",
    "d apres",
    "rapporte",
    "rapportent",
    "rapportait",
    "indique",
    "indiquait",
    "citant",
    "cite",
    "revele",
    "revelait",
    "relaye",
    "relayee",
    "annonce",
    "informe",
    "a declare",
    "a confie",
    "confie",
    "souligne",
    "precise",
    "ajoute",
    "explique",
    "ecrit",
    "repris",
    "reprise",
    "interroge",
    "joint",
    "contacte",
    "agence",
    "site",
    "journal",
    "quotidien",
    "chaine",
    "segun",
    "informo",
    "informa",
    "recoge",
    "recogio",
    "reporto",
    "reporta",
    "publico",
    "publica",
    "dijo",
    "dice",
    "afirmo",
    "revelo",
    "revela",
    "citado",
    "citada",
    "citando",
    "cita",
    "cito",
    "aseguro",
    "confirmo",
    "senalo",
    "indico",
    "de acuerdo con",
    "apunto",
    "portal",
    "agencia",
    "cadena",
    "diario",
    "periodico",
    "medio",
    "entregada",
    "entregado",
    "secondo",
    "riporta",
    "riferisce",
    "agenzia",
    "rilasciato",
    "rilasciata",
    "remis",
    "remise",
    "transmis",
    "transmise",
    "fourni",
    "segundo",
    "informou",
    "نقلا",
    "نقلت",
    "بحسب",
    "حسب",
    "وفقا",
    "وفق",
    "ذكرت",
    "ذكر",
    "افادت",
    "افاد",
    "قالت",
    "قال",
    "اوردت",
    "اورد",
    "كشفت",
    "كشف",
    "اكدت",
    "نشرت",
    "لشبكه",
    "لوكاله",
    "لصحيفه",
    "لقناه",
    "صرح",
    "صرحت",
    "اعلنت",
    "تقرير",
    "شبكه",
    "وكاله",
    "صحيفه",
    "قناه",
    "موقع",
];

/// Words in the same short window that make an outlet name a picture or copyright credit.
const NOT_CREDIT: &[&str] = &[
    "photo",
    "photos",
    "foto",
    "fotos",
    "image",
    "images",
    "file",
    "copyright",
    "getty",
    "pool",
    "video",
    "afptv",
    "archives",
    "archivo",
    "illustration",
    "صوره",
    "ارشيفيه",
];

/// Chain cues taking the earlier outlet as object: "X, citing Y", "X, which cited Y" → X
/// via Y.
const CHAIN: &[&str] = &[
    "citing",
    "cited",
    "quoting",
    "citant",
    "citando",
    "reprenant",
    "relayant",
    "نقلا",
];

/// Chain cues with the later outlet as subject or agent: "informó Y, y recoge X", "citado
/// por X" → X via Y.
const CHAIN_BACK: &[&str] = &[
    "recoge",
    "recogio",
    "recogen",
    "relayed",
    "picked",
    "citado",
    "citada",
    "repris",
    "reprise",
    "نقلته",
    "نقلها",
];

fn cue_match(ws: &[Word], i: usize, cue: &str) -> usize {
    let parts: Vec<&str> = cue.split(' ').collect();
    for (k, p) in parts.iter().enumerate() {
        match ws.get(i + k) {
            Some(w) if w.fold == *p => {}
            Some(w) if k == 0 && crate::norm::arabic_stems(&w.fold).any(|s| s == *p) => {}
            _ => return 0,
        }
    }
    parts.len()
}

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
    let mut out: Vec<CitedOutlet> = Vec::new();
    for (mi, m) in mentions.iter().enumerate() {
        let Some((cs, ce)) = credit_of(text, &ws, m, doc) else {
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
                && between.iter().any(|w| CHAIN.contains(&w.fold.as_str()))
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
                    && between
                        .iter()
                        .any(|w| CHAIN_BACK.contains(&w.fold.as_str()))
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

/// The credit span (cue + name) if the mention is a credit.
fn credit_of(text: &str, ws: &[Word], m: &Mention, doc: &Doc) -> Option<(usize, usize)> {
    // Picture / copyright credits and datelines.
    let lo = m.w0.saturating_sub(3);
    let hi = (m.w1 + 2).min(ws.len());
    if ws
        .get(lo..hi)
        .unwrap_or(&[])
        .iter()
        .any(|w| NOT_CREDIT.contains(&w.fold.as_str()))
    {
        return None;
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
        for cue in CUES {
            let n = cue_match(ws, i, cue);
            if n > 0 && i + n <= m.w0 {
                let s = ws.get(i).map(|w| w.start).unwrap_or(m.start);
                return Some((s, m.end));
            }
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
        for cue in CUES {
            let n = cue_match(ws, i, cue);
            if n > 0 {
                let e = ws.get(i + n - 1).map(|w| w.end).unwrap_or(m.end);
                return Some((m.start, e));
            }
        }
    }
    None
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

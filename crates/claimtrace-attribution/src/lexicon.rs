//! Language data: cue lexicons with frames, certainty markers, source nouns and outlets.
//! The files live in `lang/<lang>/attribution/` (outlets: `lang/mul/outlets.tsv`), read through
//! the shared loader [`claimtrace_text::data`].

use claimtrace_text::data::{self, WordList};
use rustc_hash::FxHashMap;

/// How a cue relates its source and content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// A reporting verb: subject = source, complement or quote = content ("X said that …",
    /// "…, X said", "…, said X"; Arabic "قال X إن …").
    Verb,
    /// A preposition: "according to X, …" / "…, according to X".
    Prep,
    /// A participle that names the source of the claim it follows: "…, quoting X".
    Quoting,
}

/// Certainty classes, weakest last in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Certainty {
    Asserted,
    Hedged,
    Rumour,
    Unknown,
    Denied,
}

impl Certainty {
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Asserted => "asserted",
            Certainty::Hedged => "hedged",
            Certainty::Rumour => "rumour",
            Certainty::Unknown => "unknown",
            Certainty::Denied => "denied",
        }
    }

    pub fn parse(s: &str) -> Option<Certainty> {
        Some(match s {
            "asserted" => Certainty::Asserted,
            "hedged" => Certainty::Hedged,
            "rumour" | "rumor" => Certainty::Rumour,
            "unknown" => Certainty::Unknown,
            "denied" => Certainty::Denied,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct CueEntry {
    /// Lowercase words after the first.
    pub rest: Vec<String>,
    pub frame: Frame,
    pub certainty: Certainty,
    /// Needs a complement ("that", ":", a quote) or a sentence-final frame to count.
    pub needs_complement: bool,
}

#[derive(Debug, Clone)]
pub struct Phrase {
    pub rest: Vec<String>,
    pub class: Certainty,
}

/// The lexicons of one language.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub lang: String,
    /// First word (lowercase) → entries, longest first.
    pub cues: FxHashMap<String, Vec<CueEntry>>,
    pub hedges: FxHashMap<String, Vec<Phrase>>,
    pub source_nouns: FxHashMap<String, String>,
    /// Words that end a source phrase written without a comma before its clause (de "Laut
    /// der Agentur dpa wurde …": finite verbs in second place), from `np_stop.txt` when the
    /// language has one.
    pub np_stop: rustc_hash::FxHashSet<String>,
}

/// Outlets and agencies (all languages): the shared outlet table of `lang/mul/outlets.tsv`
/// ([`claimtrace_text::outlets`]), matched on source phrases.
#[derive(Debug, Clone)]
pub struct Outlets {
    table: &'static claimtrace_text::outlets::Outlets,
    /// (canonical name, source type) of each outlet, by index.
    pub canonical: Vec<(String, String)>,
}

static EN_NEEDS_COMPLEMENT: WordList = WordList::new("en/attribution/needs_complement.txt");

fn data_lines(s: &str) -> impl Iterator<Item = Vec<&str>> {
    s.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_lowercase).collect()
}

impl Lexicon {
    pub fn from_data(lang: &str, cues: &str, hedges: &str, nouns: &str) -> Lexicon {
        let mut lx = Lexicon {
            lang: lang.to_owned(),
            ..Lexicon::default()
        };
        for f in data_lines(cues) {
            let (Some(form), Some(frame)) = (f.first(), f.get(1)) else {
                continue;
            };
            let frame = match *frame {
                "prep" => Frame::Prep,
                "quoting" => Frame::Quoting,
                _ => Frame::Verb,
            };
            let certainty = f
                .get(2)
                .and_then(|c| Certainty::parse(c))
                .unwrap_or(Certainty::Asserted);
            for (form, lemma) in data::cue_forms(form) {
                let ws = words(&form);
                let Some((first, rest)) = ws.split_first() else {
                    continue;
                };
                let needs_complement = lang == "en"
                    && frame == Frame::Verb
                    && (EN_NEEDS_COMPLEMENT.contains(&lemma)
                        || EN_NEEDS_COMPLEMENT.contains(first));
                let e = CueEntry {
                    rest: rest.to_vec(),
                    frame,
                    certainty,
                    needs_complement,
                };
                let mut keys = vec![first.clone()];
                if lang == "ar" && frame == Frame::Verb && rest.is_empty() {
                    keys.push(format!("و{first}"));
                    keys.push(format!("ف{first}"));
                }
                for k in keys {
                    let v = lx.cues.entry(k).or_default();
                    if !v.iter().any(|x: &CueEntry| x.rest == e.rest) {
                        v.push(e.clone());
                    }
                }
            }
        }
        for v in lx.cues.values_mut() {
            v.sort_by_key(|e| std::cmp::Reverse(e.rest.len()));
        }
        for f in data_lines(hedges) {
            let (Some(p), Some(c)) = (f.first(), f.get(1)) else {
                continue;
            };
            let ws = words(p);
            let Some((first, rest)) = ws.split_first() else {
                continue;
            };
            let class = Certainty::parse(c).unwrap_or(Certainty::Hedged);
            lx.hedges.entry(first.clone()).or_default().push(Phrase {
                rest: rest.to_vec(),
                class,
            });
        }
        for v in lx.hedges.values_mut() {
            v.sort_by_key(|e| std::cmp::Reverse(e.rest.len()));
        }
        for f in data_lines(nouns) {
            if let (Some(w), Some(t)) = (f.first(), f.get(1)) {
                lx.source_nouns.insert(w.to_lowercase(), t.to_string());
            }
        }
        lx
    }

    /// The bundled lexicon of a language (one of [`LANGS`]); English for others.
    pub fn bundled(lang: &str) -> Lexicon {
        let l = LANGS.iter().copied().find(|l| *l == lang).unwrap_or("en");
        let f = |name: &str| data::file(&format!("{l}/attribution/{name}"));
        let mut lx = Lexicon::from_data(l, f("cues.tsv"), f("hedges.tsv"), f("source_nouns.tsv"));
        lx.np_stop = data::list(&format!("{l}/attribution/np_stop.txt"))
            .into_iter()
            .map(str::to_lowercase)
            .collect();
        lx
    }
}

/// The languages with attribution lexicons (`lang/<code>/attribution/`); text in any other
/// language is not read (the article says `"lang_supported": false`).
pub const LANGS: [&str; 8] = ["en", "fr", "es", "ar", "de", "it", "pt", "id"];

impl Outlets {
    pub fn bundled() -> Outlets {
        let table = claimtrace_text::outlets::Outlets::bundled();
        Outlets {
            table,
            canonical: table
                .all()
                .iter()
                .map(|o| (o.name.clone(), "media".to_owned()))
                .collect(),
        }
    }

    /// Longest outlet alias starting at word `i` of `words` (as written: case-sensitive aliases
    /// such as "=Bild" need their capitals): (canonical index, length).
    pub fn match_at(&self, words: &[&str], i: usize) -> Option<(usize, usize)> {
        self.table
            .match_tokens_cased(words, i)
            .map(|(o, n)| (o as usize, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lexicons_load() {
        for l in LANGS {
            let lx = Lexicon::bundled(l);
            assert!(lx.cues.len() > 20, "{l}");
            assert!(!lx.hedges.is_empty(), "{l}");
        }
        let en = Lexicon::bundled("en");
        assert!(en.cues.contains_key("stressed"));
        assert!(en.cues.contains_key("according"));
        let ar = Lexicon::bundled("ar");
        assert!(ar.cues.contains_key("وقال"));
        let o = Outlets::bundled();
        assert!(o.canonical.iter().any(|(n, _)| n == "EFE"));
        let ws = ["the", "associated", "press", "said"];
        let (i, n) = o.match_at(&ws, 0).unwrap_or_default();
        assert_eq!((o.canonical[i].0.as_str(), n), ("Associated Press", 3));
    }

    #[test]
    fn inflections() {
        let forms = |l: &str| {
            data::cue_forms(l)
                .into_iter()
                .map(|x| x.0)
                .collect::<Vec<_>>()
        };
        assert!(forms("state+").contains(&"stated".to_string()));
        assert!(forms("deny+").contains(&"denied".to_string()));
        assert!(forms("stress+").contains(&"stresses".to_string()));
    }
}

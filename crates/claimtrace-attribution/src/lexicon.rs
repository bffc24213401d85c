//! Language data: cue lexicons with frames, certainty markers, source nouns and outlets.
//! The files live in `lang/<lang>/attribution/` and are embedded at build time.

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
}

/// Outlets and agencies (all languages).
#[derive(Debug, Clone, Default)]
pub struct Outlets {
    /// Alias words (lowercase) → (canonical index); first word → entries, longest first.
    pub by_first: FxHashMap<String, Vec<(Vec<String>, usize)>>,
    pub canonical: Vec<(String, String)>,
}

const EN_NEEDS_COMPLEMENT: &[&str] = &[
    "find",
    "found",
    "show",
    "shown",
    "learn",
    "learnt",
    "hope",
    "expect",
    "fear",
    "agree",
    "ask",
    "urge",
    "indicate",
    "post",
    "charge",
    "accuse",
    "worry",
    "worried",
    "worries",
    "doubt",
    "add",
    "note",
    "state",
    "recall",
    "believe",
    "think",
    "thought",
    "estimate",
    "suggest",
    "surface",
    "know",
    "knew",
    "maintain",
    "observe",
    "comment",
    "complain",
    "promise",
    "vow",
    "pledge",
    "predict",
    "reveal",
    "show",
    "write",
    "wrote",
    "written",
    "tell",
    "told",
    "confirm",
    "announce",
    "declare",
    "report",
    "explain",
    "respond",
    "reply",
    "replied",
    "conclude",
    "acknowledge",
    "admit",
    "admitted",
    "admitting",
    "remark",
    "recount",
    "tweet",
    "testify",
    "testified",
    "contend",
    "assert",
    "argue",
    "warn",
    "insist",
    "stress",
    "emphasize",
    "emphasise",
    "claim",
    "allege",
    "speculate",
    "suspect",
    "deny",
    "denies",
    "denied",
    "reject",
    "dismiss",
    "refute",
];

/// English regular inflections of a lemma ("state" → states, stated, stating).
fn en_inflect(lemma: &str) -> Vec<String> {
    let mut v = vec![lemma.to_owned()];
    let cons_y = lemma.ends_with('y')
        && !matches!(
            lemma.chars().rev().nth(1),
            Some('a' | 'e' | 'i' | 'o' | 'u')
        );
    let stem_y = lemma.strip_suffix('y').unwrap_or(lemma);
    if cons_y {
        v.push(format!("{stem_y}ies"));
        v.push(format!("{stem_y}ied"));
    } else if lemma.ends_with('s')
        || lemma.ends_with("sh")
        || lemma.ends_with("ch")
        || lemma.ends_with('x')
        || lemma.ends_with('z')
    {
        v.push(format!("{lemma}es"));
    } else {
        v.push(format!("{lemma}s"));
    }
    if !cons_y {
        if lemma.ends_with('e') {
            v.push(format!("{lemma}d"));
        } else {
            v.push(format!("{lemma}ed"));
        }
    }
    if lemma.ends_with('e') && !lemma.ends_with("ee") {
        v.push(format!("{}ing", &lemma[..lemma.len() - 1]));
    } else {
        v.push(format!("{lemma}ing"));
    }
    v
}

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
            let mut forms = Vec::new();
            if let Some(lemma) = form.strip_suffix('+') {
                forms.extend(en_inflect(lemma).into_iter().map(|x| (x, lemma.to_owned())));
            } else {
                forms.push((form.to_string(), form.to_string()));
            }
            for (form, lemma) in forms {
                let ws = words(&form);
                let Some((first, rest)) = ws.split_first() else {
                    continue;
                };
                let needs_complement = lang == "en"
                    && frame == Frame::Verb
                    && (EN_NEEDS_COMPLEMENT.contains(&lemma.as_str())
                        || EN_NEEDS_COMPLEMENT.contains(&first.as_str()));
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

    /// The bundled lexicon of a language (`en`, `fr`, `es`, `ar`); English for others.
    pub fn bundled(lang: &str) -> Lexicon {
        match lang {
            "fr" => Lexicon::from_data(
                "fr",
                include_str!("../../../lang/fr/attribution/cues.tsv"),
                include_str!("../../../lang/fr/attribution/hedges.tsv"),
                include_str!("../../../lang/fr/attribution/source_nouns.tsv"),
            ),
            "es" => Lexicon::from_data(
                "es",
                include_str!("../../../lang/es/attribution/cues.tsv"),
                include_str!("../../../lang/es/attribution/hedges.tsv"),
                include_str!("../../../lang/es/attribution/source_nouns.tsv"),
            ),
            "ar" => Lexicon::from_data(
                "ar",
                include_str!("../../../lang/ar/attribution/cues.tsv"),
                include_str!("../../../lang/ar/attribution/hedges.tsv"),
                include_str!("../../../lang/ar/attribution/source_nouns.tsv"),
            ),
            _ => Lexicon::from_data(
                "en",
                include_str!("../../../lang/en/attribution/cues.tsv"),
                include_str!("../../../lang/en/attribution/hedges.tsv"),
                include_str!("../../../lang/en/attribution/source_nouns.tsv"),
            ),
        }
    }
}

impl Outlets {
    pub fn from_data(s: &str) -> Outlets {
        let mut o = Outlets::default();
        for f in data_lines(s) {
            let (Some(name), Some(kind)) = (f.first(), f.get(1)) else {
                continue;
            };
            let idx = o.canonical.len();
            o.canonical.push((name.to_string(), kind.to_string()));
            let mut aliases: Vec<&str> =
                f.get(2).map(|a| a.split('|').collect()).unwrap_or_default();
            aliases.push(name);
            for a in aliases {
                let ws: Vec<String> = crate::tokens::words(a, "en");
                let ws: Vec<String> = match ws.split_first() {
                    Some((f, rest)) if f == "the" && !rest.is_empty() => rest.to_vec(),
                    _ => ws,
                };
                let Some((first, _)) = ws.split_first() else {
                    continue;
                };
                let v = o.by_first.entry(first.clone()).or_default();
                if !v.iter().any(|(w, _)| *w == ws) {
                    v.push((ws.clone(), idx));
                }
            }
        }
        for v in o.by_first.values_mut() {
            v.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
        }
        o
    }

    pub fn bundled() -> Outlets {
        Outlets::from_data(include_str!("../../../lang/mul/attribution/outlets.tsv"))
    }

    /// Longest outlet alias starting at word `i` of `words` (lowercase): (canonical index, length).
    pub fn match_at(&self, words: &[&str], i: usize) -> Option<(usize, usize)> {
        let first = words.get(i)?;
        let cands = self.by_first.get(*first)?;
        for (ws, idx) in cands {
            let n = ws.len();
            if words
                .get(i..i + n)
                .is_some_and(|s| s.iter().zip(ws).all(|(a, b)| *a == b))
            {
                return Some((*idx, n));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lexicons_load() {
        for l in ["en", "fr", "es", "ar"] {
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
    }

    #[test]
    fn inflections() {
        assert!(en_inflect("state").contains(&"stated".to_string()));
        assert!(en_inflect("deny").contains(&"denied".to_string()));
        assert!(en_inflect("stress").contains(&"stresses".to_string()));
    }
}

//! The outlet lexicon (`data/outlets.tsv`) and a matcher over text.

use crate::norm::{Word, arabic_stems, words};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// One outlet of the lexicon.
#[derive(Debug, Clone)]
pub struct Outlet {
    /// Normalised key (`ap`, `guardian`): external node ids are `ext:<key>`.
    pub key: String,
    /// Display name ("The Guardian").
    pub name: String,
}

#[derive(Debug, Clone)]
struct Alias {
    outlet: u32,
    /// Folded words.
    words: Vec<String>,
    /// Original words, when the alias only matches that capitalisation.
    exact: Option<Vec<String>>,
}

/// The outlet names and aliases, indexed by their first folded word.
#[derive(Debug, Default)]
pub struct Lexicon {
    outlets: Vec<Outlet>,
    by_first: FxHashMap<String, Vec<Alias>>,
    by_key: FxHashMap<String, u32>,
}

/// A matched outlet mention: byte range in the text and outlet index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    /// Index of the first and one-past-last word (in [`words`] of the same text).
    pub w0: usize,
    pub w1: usize,
    pub outlet: u32,
}

const BUNDLED: &str = include_str!("../data/outlets.tsv");

impl Lexicon {
    /// The bundled lexicon, parsed once.
    pub fn bundled() -> &'static Lexicon {
        static L: OnceLock<Lexicon> = OnceLock::new();
        L.get_or_init(|| Lexicon::parse(BUNDLED))
    }

    /// Parses the TSV (`key TAB name TAB alias|alias…`; `#` comments). Bad lines are skipped.
    pub fn parse(tsv: &str) -> Lexicon {
        let mut lex = Lexicon::default();
        for line in tsv.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(key), Some(name)) = (cols.next(), cols.next()) else {
                continue;
            };
            let aliases = cols.next().unwrap_or("");
            let idx = lex.outlets.len() as u32;
            lex.outlets.push(Outlet {
                key: key.trim().to_string(),
                name: name.trim().to_string(),
            });
            lex.by_key.insert(key.trim().to_string(), idx);
            let listed: Vec<&str> = aliases.split('|').map(str::trim).collect();
            // The name is an alias too, unless listed as a case-sensitive one.
            let name_alias = (!listed
                .iter()
                .any(|a| a.strip_prefix('=') == Some(name.trim())))
            .then_some(name);
            for a in listed.iter().copied().chain(name_alias) {
                let a = a.trim();
                let (exact, a) = match a.strip_prefix('=') {
                    Some(rest) => (true, rest),
                    None => (
                        a.len() <= 5
                            && a.chars()
                                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                        a,
                    ),
                };
                let ws = words(a);
                if ws.is_empty() {
                    continue;
                }
                let folded: Vec<String> = ws.iter().map(|w| w.fold.clone()).collect();
                let exact = exact.then(|| {
                    ws.iter()
                        .map(|w| a.get(w.start..w.end).unwrap_or("").to_string())
                        .collect()
                });
                let first = folded[0].clone();
                lex.by_first.entry(first).or_default().push(Alias {
                    outlet: idx,
                    words: folded,
                    exact,
                });
            }
        }
        for v in lex.by_first.values_mut() {
            v.sort_by_key(|a| std::cmp::Reverse(a.words.len()));
        }
        lex
    }

    pub fn outlet(&self, i: u32) -> Option<&Outlet> {
        self.outlets.get(i as usize)
    }

    pub fn key(&self, i: u32) -> &str {
        self.outlet(i).map(|o| o.key.as_str()).unwrap_or("")
    }

    pub fn by_key(&self, key: &str) -> Option<&Outlet> {
        self.by_key.get(key).and_then(|&i| self.outlet(i))
    }

    /// Every outlet mention in `text`, left to right, longest alias first, no overlaps.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let ws = words(text);
        self.find_in_words(text, &ws)
    }

    /// Same as [`Lexicon::find`] on words already computed for `text`.
    pub fn find_in_words(&self, text: &str, ws: &[Word]) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < ws.len() {
            match self.match_at(text, ws, i) {
                Some(m) => {
                    i = m.w1;
                    out.push(m);
                }
                None => i += 1,
            }
        }
        out
    }

    fn match_at(&self, text: &str, ws: &[Word], i: usize) -> Option<Mention> {
        let w = ws.get(i)?;
        let mut firsts: Vec<(&str, usize)> = vec![(w.fold.as_str(), 0)];
        for s in arabic_stems(&w.fold) {
            firsts.push((s, w.fold.len() - s.len()));
        }
        for (first, skip) in firsts {
            let Some(cands) = self.by_first.get(first) else {
                continue;
            };
            'alias: for a in cands {
                let n = a.words.len();
                if i + n > ws.len() {
                    continue;
                }
                for (k, aw) in a.words.iter().enumerate().skip(1) {
                    if ws.get(i + k).map(|x| x.fold.as_str()) != Some(aw.as_str()) {
                        continue 'alias;
                    }
                }
                if let Some(exact) = &a.exact {
                    for (k, ew) in exact.iter().enumerate() {
                        let Some(x) = ws.get(i + k) else {
                            continue 'alias;
                        };
                        let orig = text.get(x.start..x.end).unwrap_or("");
                        // Arabic has no case: a stripped proclitic never matches exactly.
                        if (k == 0 && skip > 0) || orig != ew {
                            continue 'alias;
                        }
                    }
                }
                let last = ws.get(i + n - 1)?;
                return Some(Mention {
                    start: w.start,
                    end: last.end,
                    w0: i,
                    w1: i + n,
                    outlet: a.outlet,
                });
            }
        }
        None
    }

    /// The outlet keys an article's own outlet field names ("NBC Bay Area (NBC News)" gives
    /// `nbc`; "National Post (Reuters wire)" gives `nationalpost` and `reuters`).
    pub fn keys_of_outlet_field(&self, outlet: &str) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for m in self.find(outlet) {
            let k = self.key(m.outlet).to_string();
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys
    }

    /// Normalises an outlet name to its key, if the lexicon knows it.
    pub fn normalise(&self, name: &str) -> Option<&str> {
        self.find(name).first().map(|m| self.key(m.outlet))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_aliases_in_four_languages() {
        let l = Lexicon::bundled();
        let keys = |t: &str| -> Vec<String> {
            l.find(t)
                .into_iter()
                .map(|m| l.key(m.outlet).to_string())
                .collect()
        };
        assert_eq!(
            keys("according to The Associated Press and CNN"),
            ["ap", "cnn"]
        );
        assert_eq!(keys("a rapporté l'AFP, selon le Figaro"), ["afp", "figaro"]);
        assert_eq!(keys("informó NBC News, y recoge RTVE"), ["nbc", "rtve"]);
        assert_eq!(keys("نقلا عن وكالة فرانس برس ولرويترز"), ["afp", "reuters"]);
        // Case-sensitive acronyms.
        assert!(keys("a gap in the map").is_empty());
        assert_eq!(l.normalise("NBC News"), l.normalise("NBC"));
        assert_eq!(
            l.keys_of_outlet_field("National Post (Reuters wire)"),
            ["nationalpost", "reuters"]
        );
    }
}

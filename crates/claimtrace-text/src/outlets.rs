//! The outlet table (`lang/mul/outlets.tsv`) and the one matcher over it.
//!
//! In: a text (or the words of a source phrase). Out: the outlets it names, longest alias
//! first, no overlaps. Attribution (source phrases) and provenance (whole articles) both match
//! outlets here.

use crate::norm::{Word, arabic_stems, fold, folded_words, words};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// What kind of outlet it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Agency,
    Newspaper,
    Broadcaster,
    Online,
}

impl Kind {
    pub fn parse(s: &str) -> Kind {
        match s {
            "agency" => Kind::Agency,
            "broadcaster" => Kind::Broadcaster,
            "online" => Kind::Online,
            _ => Kind::Newspaper,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Agency => "agency",
            Kind::Newspaper => "newspaper",
            Kind::Broadcaster => "broadcaster",
            Kind::Online => "online",
        }
    }
}

/// One outlet of the table.
#[derive(Debug, Clone)]
pub struct Outlet {
    /// Stable key (`ap`, `guardian`): provenance's external node ids are `ext:<key>`.
    pub key: String,
    /// Display name ("Associated Press").
    pub name: String,
    pub kind: Kind,
    /// Its copy is syndicated to others: a credit to it is a wire credit.
    pub wire: bool,
    /// ISO 3166-1 alpha-2 code of its home country.
    pub country: String,
}

#[derive(Debug, Clone)]
struct Alias {
    outlet: u32,
    /// Folded words.
    words: Vec<String>,
    /// Original words, when the alias only matches that capitalisation.
    exact: Option<Vec<String>>,
}

/// The outlets and their aliases, indexed by their first folded word.
#[derive(Debug, Default)]
pub struct Outlets {
    outlets: Vec<Outlet>,
    by_first: FxHashMap<String, Vec<Alias>>,
    by_key: FxHashMap<String, u32>,
}

/// A matched outlet mention: byte range in the text and outlet index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    /// Index of the first and one-past-last word (in [`folded_words`] of the same text).
    pub w0: usize,
    pub w1: usize,
    pub outlet: u32,
}

/// The path of the table under `lang/`.
pub const PATH: &str = "mul/outlets.tsv";

impl Outlets {
    /// The bundled table, parsed once.
    pub fn bundled() -> &'static Outlets {
        static L: OnceLock<Outlets> = OnceLock::new();
        L.get_or_init(|| Outlets::parse(crate::data::file(PATH)))
    }

    /// Parses the TSV (`key TAB name TAB type TAB wire TAB country TAB alias|alias…`; `#`
    /// comments). Bad lines are skipped.
    pub fn parse(tsv: &str) -> Outlets {
        let mut lex = Outlets::default();
        for line in tsv.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let (Some(&key), Some(&name)) = (cols.first(), cols.get(1)) else {
                continue;
            };
            let col = |i: usize| cols.get(i).copied().unwrap_or("");
            let idx = lex.outlets.len() as u32;
            lex.outlets.push(Outlet {
                key: key.to_string(),
                name: name.to_string(),
                kind: Kind::parse(col(2)),
                wire: col(3) == "1",
                country: col(4).to_string(),
            });
            lex.by_key.insert(key.to_string(), idx);
            let listed: Vec<&str> = col(5).split('|').map(str::trim).collect();
            // The name is an alias too, unless listed as a case-sensitive one.
            let name_alias =
                (!listed.iter().any(|a| a.strip_prefix('=') == Some(name))).then_some(name);
            for a in listed.iter().copied().chain(name_alias) {
                let (exact, a) = match a.strip_prefix('=') {
                    Some(rest) => (true, rest),
                    None => (
                        a.len() <= 5
                            && a.chars()
                                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                        a,
                    ),
                };
                let ws: Vec<(usize, usize)> = words(a).collect();
                let folded: Vec<String> = ws
                    .iter()
                    .map(|&(s, e)| fold(a.get(s..e).unwrap_or("")))
                    .collect();
                let Some(first) = folded.first().cloned() else {
                    continue;
                };
                let exact = exact.then(|| {
                    ws.iter()
                        .map(|&(s, e)| a.get(s..e).unwrap_or("").to_string())
                        .collect()
                });
                let v = lex.by_first.entry(first).or_default();
                if !v
                    .iter()
                    .any(|x| x.outlet == idx && x.words == folded && x.exact == exact)
                {
                    v.push(Alias {
                        outlet: idx,
                        words: folded,
                        exact,
                    });
                }
            }
        }
        for v in lex.by_first.values_mut() {
            v.sort_by_key(|a| std::cmp::Reverse(a.words.len()));
        }
        lex
    }

    /// Every outlet, in table order (the index is the outlet's index).
    pub fn all(&self) -> &[Outlet] {
        &self.outlets
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

    /// Whether the outlet of this key is a wire.
    pub fn is_wire(&self, key: &str) -> bool {
        self.by_key(key).is_some_and(|o| o.wire)
    }

    /// Every outlet mention in `text`, left to right, longest alias first, no overlaps.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let ws = folded_words(text);
        self.find_in_words(text, &ws)
    }

    /// Same as [`Outlets::find`] on words already computed for `text` ([`folded_words`]).
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

    /// The longest alias starting at word `i` of `ws` (the [`folded_words`] of `text`),
    /// honouring case-sensitive aliases.
    pub fn match_at(&self, text: &str, ws: &[Word], i: usize) -> Option<Mention> {
        let w = ws.get(i)?;
        let (outlet, n) = self.match_seq(
            |k| ws.get(k).map(|x| x.fold.as_str()),
            Some(&|k| ws.get(k).and_then(|x| text.get(x.start..x.end))),
            i,
        )?;
        let last = ws.get(i + n - 1)?;
        Some(Mention {
            start: w.start,
            end: last.end,
            w0: i,
            w1: i + n,
            outlet,
        })
    }

    /// The longest alias starting at token `i` of `tokens` (a source phrase's word tokens,
    /// any case; case-sensitive aliases match regardless of case). A token may hold several
    /// words ("france-presse"); the alias must start at the token's first word and end at a
    /// token's last word. Returns the outlet index and the number of tokens matched.
    pub fn match_tokens(&self, tokens: &[&str], i: usize) -> Option<(u32, usize)> {
        self.match_tokens_case(tokens, i, false)
    }

    /// [`Outlets::match_tokens`] on tokens as written: case-sensitive aliases ("=Tempo",
    /// "=Bild") only match the same capitalisation, so "tempo" or "bild" in a phrase is no
    /// outlet.
    pub fn match_tokens_cased(&self, tokens: &[&str], i: usize) -> Option<(u32, usize)> {
        self.match_tokens_case(tokens, i, true)
    }

    fn match_tokens_case(&self, tokens: &[&str], i: usize, cased: bool) -> Option<(u32, usize)> {
        // The words of the tokens from i on, each with its token (and its original form).
        let mut flat: Vec<(String, usize, bool)> = Vec::new();
        let mut orig: Vec<&str> = Vec::new();
        for (t, tok) in tokens.iter().enumerate().skip(i) {
            let ws: Vec<(usize, usize)> = words(tok).collect();
            let n = ws.len();
            for (k, (s, e)) in ws.into_iter().enumerate() {
                let w = tok.get(s..e).unwrap_or("");
                flat.push((fold(w), t, k + 1 == n));
                orig.push(w);
            }
            if n == 0 {
                // A token without words (punctuation) ends the run.
                break;
            }
        }
        if flat.first().is_none_or(|f| f.1 != i) {
            return None;
        }
        let mut best: Option<(u32, usize)> = None;
        let firsts = self.candidates(&flat[0].0);
        for (first, _) in firsts {
            let Some(cands) = self.by_first.get(first) else {
                continue;
            };
            for a in cands {
                let n = a.words.len();
                let Some(end) = flat.get(n - 1) else { continue };
                if !end.2 {
                    continue;
                }
                if a.words
                    .iter()
                    .enumerate()
                    .skip(1)
                    .all(|(k, aw)| flat.get(k).is_some_and(|x| x.0 == *aw))
                    && (!cased
                        || a.exact.as_ref().is_none_or(|ex| {
                            ex.iter()
                                .enumerate()
                                .all(|(k, ew)| orig.get(k).is_some_and(|o| *o == ew.as_str()))
                        }))
                {
                    best = Some((a.outlet, end.1 + 1 - i));
                    break;
                }
            }
            if best.is_some() {
                break;
            }
        }
        best
    }

    /// The first word itself, then its Arabic stems (with the bytes stripped).
    fn candidates<'w>(&self, w: &'w str) -> Vec<(&'w str, usize)> {
        let mut firsts: Vec<(&str, usize)> = vec![(w, 0)];
        for s in arabic_stems(w) {
            firsts.push((s, w.len() - s.len()));
        }
        firsts
    }

    /// The core matcher: folded word `k` from `fold_at(k)`, the original from `orig_at(k)`
    /// when case matters. Returns (outlet, number of words).
    fn match_seq<'t>(
        &self,
        fold_at: impl Fn(usize) -> Option<&'t str>,
        orig_at: Option<&dyn Fn(usize) -> Option<&'t str>>,
        i: usize,
    ) -> Option<(u32, usize)> {
        let w = fold_at(i)?;
        for (first, skip) in self.candidates(w) {
            let Some(cands) = self.by_first.get(first) else {
                continue;
            };
            'alias: for a in cands {
                let n = a.words.len();
                for (k, aw) in a.words.iter().enumerate().skip(1) {
                    if fold_at(i + k) != Some(aw.as_str()) {
                        continue 'alias;
                    }
                }
                if let (Some(exact), Some(orig_at)) = (&a.exact, orig_at) {
                    for (k, ew) in exact.iter().enumerate() {
                        // Arabic has no case: a stripped proclitic never matches exactly.
                        if (k == 0 && skip > 0) || orig_at(i + k) != Some(ew.as_str()) {
                            continue 'alias;
                        }
                    }
                }
                return Some((a.outlet, n));
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

    /// Normalises an outlet name to its key, if the table knows it.
    pub fn normalise(&self, name: &str) -> Option<&str> {
        self.find(name).first().map(|m| self.key(m.outlet))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_aliases_in_four_languages() {
        let l = Outlets::bundled();
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
        assert!(l.is_wire("reuters"));
        assert!(!l.is_wire("guardian"));
        assert_eq!(l.by_key("efe").map(|o| o.country.as_str()), Some("ES"));
    }

    #[test]
    fn matches_source_phrase_tokens() {
        let l = Outlets::bundled();
        let m = |ws: &[&str], i| l.match_tokens(ws, i).map(|(o, n)| (l.key(o), n));
        assert_eq!(m(&["the", "associated", "press"], 0), Some(("ap", 3)));
        assert_eq!(m(&["agence", "france-presse"], 0), Some(("afp", 2)));
        assert_eq!(m(&["associated", ",", "press"], 0), None);
        assert_eq!(m(&["the", "guardian"], 1), Some(("guardian", 1)));
    }
}

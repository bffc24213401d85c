//! Multi-word tokens: the syntactic words of a surface token ("du" = "de" + "le",
//! "don't" = "do" + "n't", "dárselo" = "dar" + "se" + "lo").

use crate::data::{Lang, LangData};
use compact_str::CompactString;

/// Reusable buffers for [`Expander::expand`].
#[derive(Default)]
pub(crate) struct Expander {
    lower: String,
    key: String,
}

const EN_SUFFIXES: &[&str] = &[
    "n't", "n’t", "'s", "’s", "'m", "’m", "'re", "’re", "'ll", "’ll", "'ve", "’ve", "'d", "’d",
];

impl Expander {
    /// Writes the words of surface token `tok` to `out` and returns true when it is a
    /// multi-word token; `prev`/`next` are the neighbouring surface tokens in the sentence
    /// (`None` at its edges).
    pub fn expand(
        &mut self,
        lang: Lang,
        d: &LangData,
        tok: &str,
        prev: Option<&str>,
        next: Option<&str>,
        out: &mut Vec<CompactString>,
    ) -> bool {
        out.clear();
        if tok.len() > 64 || !tok.chars().any(char::is_alphabetic) {
            return false;
        }
        let first = tok.bytes().next().unwrap_or(0).to_ascii_lowercase();
        let table =
            tok.len() <= d.mwt_max_len && d.mwt_first.get(first as usize).copied().unwrap_or(false);
        if table || lang == Lang::Es {
            self.lower.clear();
            for c in tok.chars() {
                if c == '’' {
                    self.lower.push('\'');
                } else {
                    self.lower.extend(c.to_lowercase());
                }
            }
        }
        if table && let Some(e) = d.mwt.get(self.lower.as_str()) {
            let split = if e.as_plain == 0 {
                true
            } else if e.as_mwt >= 3
                && e.as_plain >= 3
                && 10 * e.as_mwt.min(e.as_plain) >= e.as_mwt + e.as_plain
            {
                // Truly ambiguous ("des" = "de les" or the article): decide from the context.
                self.context_score(d, e.as_mwt, e.as_plain, prev, next) > 0.0
            } else {
                e.as_mwt > e.as_plain
            };
            if !split {
                return false;
            }
            let parts: Vec<&str> = e.parts.iter().map(String::as_str).collect();
            with_case(tok, &parts, out);
            return true;
        }
        match lang {
            Lang::En => {
                for suf in EN_SUFFIXES {
                    if let Some(stem) = tok.strip_suffix(suf)
                        && stem.chars().count() >= 1
                        && stem.chars().all(char::is_alphanumeric)
                    {
                        out.push(stem.into());
                        out.push((*suf).into());
                        return true;
                    }
                }
                // Plural possessive "Thames'" -> "Thames" + "'".
                if let Some(stem) = tok.strip_suffix(['\'', '’'])
                    && stem.ends_with(['s', 'S'])
                    && stem.chars().all(char::is_alphanumeric)
                {
                    out.push(stem.into());
                    out.push(tok[stem.len()..].into());
                    return true;
                }
                false
            }
            Lang::Es => self.spanish_clitics(d, tok, out),
            _ => false,
        }
    }

    /// Naive-Bayes log-odds of "multi-word" from the previous and next word.
    fn context_score(
        &mut self,
        d: &LangData,
        m: u32,
        p: u32,
        prev: Option<&str>,
        next: Option<&str>,
    ) -> f64 {
        let (mf, pf) = (f64::from(m), f64::from(p));
        let mut s = (mf / pf).ln();
        for (side, w) in [('P', prev.unwrap_or("<s>")), ('N', next.unwrap_or("</s>"))] {
            self.key.clear();
            self.key.push_str(&self.lower);
            self.key.push('\t');
            self.key.push(side);
            self.key.push('\t');
            self.key.extend(w.chars().flat_map(char::to_lowercase));
            if let Some(&(cm, cp)) = d.mwt_ctx.get(self.key.as_str()) {
                s += ((f64::from(cm) + 0.5) / (mf + 1.0)).ln()
                    - ((f64::from(cp) + 0.5) / (pf + 1.0)).ln();
            }
        }
        s
    }

    /// Spanish verb + enclitic pronouns (infinitive or gerund): "dárselo" -> "dar se lo".
    fn spanish_clitics(&mut self, d: &LangData, tok: &str, out: &mut Vec<CompactString>) -> bool {
        let w = self.lower.as_str();
        if w.chars().count() < 5
            || !w.chars().all(char::is_alphabetic)
            || d.clitic_exceptions.contains(w)
        {
            return false;
        }
        let mut rest = w;
        let mut found: [&str; 2] = ["", ""];
        let mut nf = 0;
        while nf < 2 {
            match d.clitics.iter().find(|c| rest.ends_with(c.as_str())) {
                Some(c) => {
                    let stem = &rest[..rest.len() - c.len()];
                    if nf == 0
                        || is_verb_stem(stem)
                        || d.clitics.iter().any(|c2| stem.ends_with(c2.as_str()))
                    {
                        found[nf] = c.as_str();
                        nf += 1;
                        rest = stem;
                        if is_verb_stem(rest) {
                            break;
                        }
                    } else {
                        break;
                    }
                }
                None => break,
            }
        }
        if nf == 0 || !is_verb_stem(rest) || rest.chars().count() < 3 {
            return false;
        }
        let verb = deaccent_verb(rest);
        let mut parts: Vec<&str> = Vec::with_capacity(3);
        parts.push(verb.as_str());
        for c in found[..nf].iter().rev() {
            parts.push(c);
        }
        with_case(tok, &parts, out);
        true
    }
}

fn is_verb_stem(s: &str) -> bool {
    const ENDS: &[&str] = &[
        "ar", "er", "ir", "ár", "ér", "ír", "ando", "endo", "ándo", "éndo", "yendo", "yéndo",
    ];
    ENDS.iter().any(|e| s.ends_with(e))
}

/// "dár" -> "dar", "encontrándo" -> "encontrando".
fn deaccent_verb(s: &str) -> String {
    let mut v: Vec<char> = s.chars().collect();
    let n = v.len();
    let tail = if s.ends_with("ndo") { 4 } else { 2 };
    for c in v.iter_mut().skip(n.saturating_sub(tail)) {
        *c = match *c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            x => x,
        };
    }
    v.into_iter().collect()
}

/// Writes `parts` (lowercase) with the case of the surface token: slices of the surface when
/// they spell it, else lowercase with the surface's capitalisation.
fn with_case(tok: &str, parts: &[&str], out: &mut Vec<CompactString>) {
    out.clear();
    let total: usize = parts.iter().map(|p| p.chars().count()).sum();
    if total == tok.chars().count() {
        let mut rest = tok;
        let mut ok = true;
        for p in parts {
            let n = p.chars().count();
            let cut = rest.char_indices().nth(n).map_or(rest.len(), |x| x.0);
            let (a, b) = rest.split_at(cut);
            let same = a
                .chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == '’' { '\'' } else { c })
                .eq(p.chars().map(|c| if c == '’' { '\'' } else { c }));
            if !same {
                ok = false;
                break;
            }
            out.push(a.into());
            rest = b;
        }
        if ok {
            return;
        }
        out.clear();
    }
    let upper_all = tok.chars().filter(|c| c.is_alphabetic()).count() > 1
        && tok
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    let cap = tok.chars().next().is_some_and(char::is_uppercase);
    for (i, p) in parts.iter().enumerate() {
        if upper_all {
            out.push(p.to_uppercase().into());
        } else if cap && i == 0 {
            let mut s = CompactString::default();
            let mut cs = p.chars();
            if let Some(f) = cs.next() {
                s.extend(f.to_uppercase());
            }
            s.push_str(cs.as_str());
            out.push(s);
        } else {
            out.push((*p).into());
        }
    }
}

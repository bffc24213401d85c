//! Language data: the plain files of `lang/<xx>/`, embedded in the binary with `include_str!`
//! and parsed once per language.

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

/// The languages with their own data. Anything else is tokenized with the generic rules
/// (the English data is not applied to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
    Es,
    Ar,
    Other,
}

impl Lang {
    /// From an ISO 639-1 code (`en`, `fr-CA`, `ES`…). Unknown codes give [`Lang::Other`].
    pub fn from_code(code: &str) -> Lang {
        let c = code.trim();
        let base = c.split(['-', '_']).next().unwrap_or("");
        match base.to_ascii_lowercase().as_str() {
            "en" | "eng" => Lang::En,
            "fr" | "fra" | "fre" => Lang::Fr,
            "es" | "spa" => Lang::Es,
            "ar" | "ara" => Lang::Ar,
            _ => Lang::Other,
        }
    }
}

/// How an abbreviation behaves at a possible sentence end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbrevKind {
    /// Never ends a sentence ("Mr.", "Gen.", "p.").
    Inner,
    /// May end one ("etc.", "U.S.", "Inc.").
    MayEnd,
}

/// A multi-word token expansion with its training counts.
#[derive(Debug, Clone)]
pub struct MwtEntry {
    pub parts: Vec<String>,
    pub as_mwt: u32,
    pub as_plain: u32,
}

#[derive(Debug, Default)]
pub struct LangData {
    /// Exact forms (with the final '.').
    pub abbrevs: FxHashMap<String, AbbrevKind>,
    /// Lowercased forms, for case-insensitive look-up.
    pub abbrevs_lower: FxHashMap<String, AbbrevKind>,
    /// Lowercased surface -> expansion.
    pub mwt: FxHashMap<String, MwtEntry>,
    /// "surface\tP\tprevious word" or "surface\tN\tnext word" -> (as_mwt, as_plain).
    pub mwt_ctx: FxHashMap<String, (u32, u32)>,
    /// Longest MWT key in bytes, and the first bytes keys start with (ASCII-lowercased).
    pub mwt_max_len: usize,
    pub mwt_first: Vec<bool>,
    /// en: first parts of hyphenated words kept whole ("e" in "e-mail").
    pub hyphen_keep: FxHashSet<String>,
    /// fr: elided words split after the apostrophe.
    pub elision: FxHashSet<String>,
    pub no_elision: FxHashSet<String>,
    /// fr: pronouns split after a hyphen ("-il").
    pub hyphen_clitics: FxHashSet<String>,
    /// es: enclitic pronouns, and words that only look like verb + clitic.
    pub clitics: Vec<String>,
    pub clitic_exceptions: FxHashSet<String>,
    /// en: naive-Bayes counts for sentence ends without final punctuation before a capitalised
    /// token: feature -> (at a sentence end, inside a sentence); `boundary_total` = totals.
    pub boundary: FxHashMap<String, f64>,
    pub boundary_total: (u32, u32),
    /// The log-odds term of a feature never seen, and the prior log-odds.
    pub boundary_unseen: f64,
    pub boundary_prior: f64,
    /// Lowercased words that commonly start a sentence (after an abbreviation that may end one).
    pub starters: FxHashSet<String>,
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn num(s: Option<&str>) -> u32 {
    s.and_then(|x| x.trim().parse().ok()).unwrap_or(0)
}

struct Files {
    abbrev_tsv: &'static str,
    abbrev_extra: &'static str,
    mwt: &'static str,
    mwt_ctx: &'static str,
    hyphen: &'static str,
    elision: &'static str,
    no_elision: &'static str,
    hyphen_clitics: &'static str,
    clitics: &'static str,
    clitic_exceptions: &'static str,
    starters: &'static str,
    boundary: &'static str,
}

const EMPTY: Files = Files {
    abbrev_tsv: "",
    abbrev_extra: "",
    mwt: "",
    mwt_ctx: "",
    hyphen: "",
    elision: "",
    no_elision: "",
    hyphen_clitics: "",
    clitics: "",
    clitic_exceptions: "",
    starters: "",
    boundary: "",
};

fn files(lang: Lang) -> Files {
    match lang {
        Lang::En => Files {
            abbrev_tsv: include_str!("../../../lang/en/abbrev.tsv"),
            abbrev_extra: include_str!("../../../lang/en/abbrev_extra.txt"),
            mwt: include_str!("../../../lang/en/mwt.tsv"),
            mwt_ctx: include_str!("../../../lang/en/mwt_ctx.tsv"),
            hyphen: include_str!("../../../lang/en/hyphen.tsv"),
            starters: include_str!("../../../lang/en/starters.txt"),
            boundary: include_str!("../../../lang/en/boundary.tsv"),
            ..EMPTY
        },
        Lang::Fr => Files {
            abbrev_tsv: include_str!("../../../lang/fr/abbrev.tsv"),
            abbrev_extra: include_str!("../../../lang/fr/abbrev_extra.txt"),
            mwt: include_str!("../../../lang/fr/mwt.tsv"),
            mwt_ctx: include_str!("../../../lang/fr/mwt_ctx.tsv"),
            elision: include_str!("../../../lang/fr/elision.txt"),
            no_elision: include_str!("../../../lang/fr/no_elision.txt"),
            hyphen_clitics: include_str!("../../../lang/fr/hyphen_clitics.txt"),
            starters: include_str!("../../../lang/fr/starters.txt"),
            ..EMPTY
        },
        Lang::Es => Files {
            abbrev_tsv: include_str!("../../../lang/es/abbrev.tsv"),
            abbrev_extra: include_str!("../../../lang/es/abbrev_extra.txt"),
            mwt: include_str!("../../../lang/es/mwt.tsv"),
            mwt_ctx: include_str!("../../../lang/es/mwt_ctx.tsv"),
            clitics: include_str!("../../../lang/es/clitics.txt"),
            clitic_exceptions: include_str!("../../../lang/es/clitic_exceptions.txt"),
            starters: include_str!("../../../lang/es/starters.txt"),
            ..EMPTY
        },
        Lang::Ar => Files {
            abbrev_extra: include_str!("../../../lang/ar/abbrev_extra.txt"),
            ..EMPTY
        },
        Lang::Other => EMPTY,
    }
}

fn parse(lang: Lang) -> LangData {
    let f = files(lang);
    let mut d = LangData {
        mwt_first: vec![false; 256],
        ..LangData::default()
    };
    for l in lines(f.abbrev_tsv) {
        let mut c = l.split('\t');
        let form = c.next().unwrap_or("");
        let inside = num(c.next());
        let fin = num(c.next());
        if form.len() < 2 || !form.ends_with('.') {
            continue;
        }
        // One-off forms mined from web text are often typos: keep those seen twice, or once
        // when short (initials, "p.").
        if inside + fin < 2 && form.chars().count() > 3 {
            continue;
        }
        let kind = if fin > 0 {
            AbbrevKind::MayEnd
        } else {
            AbbrevKind::Inner
        };
        d.abbrevs.insert(form.to_string(), kind);
    }
    for l in lines(f.abbrev_extra) {
        let (form, kind) = match l.strip_suffix('*') {
            Some(x) => (x, AbbrevKind::MayEnd),
            None => (l, AbbrevKind::Inner),
        };
        d.abbrevs.insert(form.to_string(), kind);
    }
    for (k, v) in &d.abbrevs {
        d.abbrevs_lower.entry(k.to_lowercase()).or_insert(*v);
    }
    for l in lines(f.mwt) {
        let mut c = l.split('\t');
        let surf = c.next().unwrap_or("").to_string();
        let parts: Vec<String> = c
            .next()
            .unwrap_or("")
            .split(' ')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let as_mwt = num(c.next());
        let as_plain = num(c.next());
        if surf.is_empty() || parts.len() < 2 {
            continue;
        }
        d.mwt_max_len = d.mwt_max_len.max(surf.len());
        if let Some(b) = surf.as_bytes().first()
            && let Some(x) = d.mwt_first.get_mut(*b as usize)
        {
            *x = true;
        }
        d.mwt.insert(
            surf,
            MwtEntry {
                parts,
                as_mwt,
                as_plain,
            },
        );
    }
    for l in lines(f.mwt_ctx) {
        let mut c = l.split('\t');
        let surf = c.next().unwrap_or("");
        let side = c.next().unwrap_or("");
        let word = c.next().unwrap_or("");
        let m = num(c.next());
        let p = num(c.next());
        d.mwt_ctx.insert(format!("{surf}\t{side}\t{word}"), (m, p));
    }
    for l in lines(f.hyphen) {
        let mut c = l.split('\t');
        let w = c.next().unwrap_or("");
        let kept = num(c.next());
        let split = num(c.next());
        if kept > split {
            d.hyphen_keep.insert(w.to_string());
        }
    }
    d.elision = lines(f.elision).map(str::to_string).collect();
    d.no_elision = lines(f.no_elision).map(str::to_string).collect();
    d.hyphen_clitics = lines(f.hyphen_clitics).map(str::to_string).collect();
    d.clitics = lines(f.clitics).map(str::to_string).collect();
    // Longest first, so "los" is tried before "lo".
    d.clitics.sort_by_key(|c| std::cmp::Reverse(c.len()));
    d.clitic_exceptions = lines(f.clitic_exceptions).map(str::to_string).collect();
    d.starters = lines(f.starters).map(str::to_string).collect();
    let mut counts = Vec::new();
    for l in lines(f.boundary) {
        let mut c = l.split('\t');
        let feat = c.next().unwrap_or("");
        let t = num(c.next());
        let n = num(c.next());
        if feat == "__total__" {
            d.boundary_total = (t, n);
        } else {
            counts.push((feat.to_string(), t, n));
        }
    }
    // Naive-Bayes log-odds terms, smoothed (+0.1), computed once.
    let (tt, tn) = (f64::from(d.boundary_total.0), f64::from(d.boundary_total.1));
    let term = |t: f64, n: f64| ((t + 0.1) / (tt + 1.0)).ln() - ((n + 0.1) / (tn + 1.0)).ln();
    d.boundary_unseen = term(0.0, 0.0);
    d.boundary_prior = if tt > 0.0 && tn > 0.0 {
        (tt / tn).ln()
    } else {
        0.0
    };
    for (feat, t, n) in counts {
        d.boundary.insert(feat, term(f64::from(t), f64::from(n)));
    }
    d
}

/// The parsed data of a language (parsed on first use, then shared).
pub fn lang_data(lang: Lang) -> &'static LangData {
    static EN: OnceLock<LangData> = OnceLock::new();
    static FR: OnceLock<LangData> = OnceLock::new();
    static ES: OnceLock<LangData> = OnceLock::new();
    static AR: OnceLock<LangData> = OnceLock::new();
    static OTHER: OnceLock<LangData> = OnceLock::new();
    let cell = match lang {
        Lang::En => &EN,
        Lang::Fr => &FR,
        Lang::Es => &ES,
        Lang::Ar => &AR,
        Lang::Other => &OTHER,
    };
    cell.get_or_init(|| parse(lang))
}

//! Language data: the one loader of the plain files under `lang/` (`lang/<xx>/` per language,
//! `lang/mul/` for data of every language: outlets, countries, months). Every crate reads its
//! word lists through [`file`] / [`list`]; the files are embedded in the binary with
//! `include_str!` (the table [`FILES`]) and the tokenizer's are parsed once per language.

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

/// Every embedded file of `lang/`, by its path under `lang/`.
pub static FILES: &[(&str, &str)] = &[
    (
        "ar/abbrev_extra.txt",
        include_str!("../../../lang/ar/abbrev_extra.txt"),
    ),
    (
        "ar/attribution/cues.tsv",
        include_str!("../../../lang/ar/attribution/cues.tsv"),
    ),
    (
        "ar/attribution/hedges.tsv",
        include_str!("../../../lang/ar/attribution/hedges.tsv"),
    ),
    (
        "ar/attribution/source_nouns.tsv",
        include_str!("../../../lang/ar/attribution/source_nouns.tsv"),
    ),
    ("en/abbrev.tsv", include_str!("../../../lang/en/abbrev.tsv")),
    (
        "en/abbrev_extra.txt",
        include_str!("../../../lang/en/abbrev_extra.txt"),
    ),
    (
        "en/attribution/cues.tsv",
        include_str!("../../../lang/en/attribution/cues.tsv"),
    ),
    (
        "en/attribution/hedges.tsv",
        include_str!("../../../lang/en/attribution/hedges.tsv"),
    ),
    (
        "en/attribution/needs_complement.txt",
        include_str!("../../../lang/en/attribution/needs_complement.txt"),
    ),
    (
        "en/attribution/source_nouns.tsv",
        include_str!("../../../lang/en/attribution/source_nouns.tsv"),
    ),
    (
        "en/boundary.tsv",
        include_str!("../../../lang/en/boundary.tsv"),
    ),
    ("en/hyphen.tsv", include_str!("../../../lang/en/hyphen.tsv")),
    ("en/mwt.tsv", include_str!("../../../lang/en/mwt.tsv")),
    (
        "en/mwt_ctx.tsv",
        include_str!("../../../lang/en/mwt_ctx.tsv"),
    ),
    (
        "en/starters.txt",
        include_str!("../../../lang/en/starters.txt"),
    ),
    ("es/abbrev.tsv", include_str!("../../../lang/es/abbrev.tsv")),
    (
        "es/abbrev_extra.txt",
        include_str!("../../../lang/es/abbrev_extra.txt"),
    ),
    (
        "es/attribution/cues.tsv",
        include_str!("../../../lang/es/attribution/cues.tsv"),
    ),
    (
        "es/attribution/hedges.tsv",
        include_str!("../../../lang/es/attribution/hedges.tsv"),
    ),
    (
        "es/attribution/source_nouns.tsv",
        include_str!("../../../lang/es/attribution/source_nouns.tsv"),
    ),
    (
        "es/clitic_exceptions.txt",
        include_str!("../../../lang/es/clitic_exceptions.txt"),
    ),
    (
        "es/clitics.txt",
        include_str!("../../../lang/es/clitics.txt"),
    ),
    ("es/mwt.tsv", include_str!("../../../lang/es/mwt.tsv")),
    (
        "es/mwt_ctx.tsv",
        include_str!("../../../lang/es/mwt_ctx.tsv"),
    ),
    (
        "es/starters.txt",
        include_str!("../../../lang/es/starters.txt"),
    ),
    ("fr/abbrev.tsv", include_str!("../../../lang/fr/abbrev.tsv")),
    (
        "fr/abbrev_extra.txt",
        include_str!("../../../lang/fr/abbrev_extra.txt"),
    ),
    (
        "fr/attribution/cues.tsv",
        include_str!("../../../lang/fr/attribution/cues.tsv"),
    ),
    (
        "fr/attribution/hedges.tsv",
        include_str!("../../../lang/fr/attribution/hedges.tsv"),
    ),
    (
        "fr/attribution/source_nouns.tsv",
        include_str!("../../../lang/fr/attribution/source_nouns.tsv"),
    ),
    (
        "fr/elision.txt",
        include_str!("../../../lang/fr/elision.txt"),
    ),
    (
        "fr/hyphen_clitics.txt",
        include_str!("../../../lang/fr/hyphen_clitics.txt"),
    ),
    ("fr/mwt.tsv", include_str!("../../../lang/fr/mwt.tsv")),
    (
        "fr/mwt_ctx.tsv",
        include_str!("../../../lang/fr/mwt_ctx.tsv"),
    ),
    (
        "fr/no_elision.txt",
        include_str!("../../../lang/fr/no_elision.txt"),
    ),
    (
        "fr/starters.txt",
        include_str!("../../../lang/fr/starters.txt"),
    ),
    (
        "mul/attribution/adverb_between.txt",
        include_str!("../../../lang/mul/attribution/adverb_between.txt"),
    ),
    (
        "mul/attribution/anaphor_media.txt",
        include_str!("../../../lang/mul/attribution/anaphor_media.txt"),
    ),
    (
        "mul/attribution/anaphor_source.txt",
        include_str!("../../../lang/mul/attribution/anaphor_source.txt"),
    ),
    (
        "mul/attribution/aux.txt",
        include_str!("../../../lang/mul/attribution/aux.txt"),
    ),
    (
        "mul/attribution/complementizer.txt",
        include_str!("../../../lang/mul/attribution/complementizer.txt"),
    ),
    (
        "mul/attribution/det.txt",
        include_str!("../../../lang/mul/attribution/det.txt"),
    ),
    (
        "mul/attribution/linking_participle.txt",
        include_str!("../../../lang/mul/attribution/linking_participle.txt"),
    ),
    (
        "mul/attribution/media_word.txt",
        include_str!("../../../lang/mul/attribution/media_word.txt"),
    ),
    (
        "mul/attribution/name_particle.txt",
        include_str!("../../../lang/mul/attribution/name_particle.txt"),
    ),
    (
        "mul/attribution/negation.txt",
        include_str!("../../../lang/mul/attribution/negation.txt"),
    ),
    (
        "mul/attribution/of.txt",
        include_str!("../../../lang/mul/attribution/of.txt"),
    ),
    (
        "mul/attribution/org_word.txt",
        include_str!("../../../lang/mul/attribution/org_word.txt"),
    ),
    (
        "mul/attribution/passive_aux.txt",
        include_str!("../../../lang/mul/attribution/passive_aux.txt"),
    ),
    (
        "mul/attribution/pronoun_plural.txt",
        include_str!("../../../lang/mul/attribution/pronoun_plural.txt"),
    ),
    (
        "mul/attribution/pronoun_singular.txt",
        include_str!("../../../lang/mul/attribution/pronoun_singular.txt"),
    ),
    (
        "mul/attribution/stop_left.txt",
        include_str!("../../../lang/mul/attribution/stop_left.txt"),
    ),
    (
        "mul/attribution/subordinator.txt",
        include_str!("../../../lang/mul/attribution/subordinator.txt"),
    ),
    (
        "mul/attribution/time_lead.txt",
        include_str!("../../../lang/mul/attribution/time_lead.txt"),
    ),
    (
        "mul/attribution/time_word.txt",
        include_str!("../../../lang/mul/attribution/time_word.txt"),
    ),
    (
        "mul/calendar.tsv",
        include_str!("../../../lang/mul/calendar.tsv"),
    ),
    (
        "mul/countries.tsv",
        include_str!("../../../lang/mul/countries.tsv"),
    ),
    (
        "mul/outlets.tsv",
        include_str!("../../../lang/mul/outlets.tsv"),
    ),
    (
        "mul/places/connectors.txt",
        include_str!("../../../lang/mul/places/connectors.txt"),
    ),
    (
        "mul/places/stop.txt",
        include_str!("../../../lang/mul/places/stop.txt"),
    ),
    (
        "mul/provenance/chain.txt",
        include_str!("../../../lang/mul/provenance/chain.txt"),
    ),
    (
        "mul/provenance/chain_back.txt",
        include_str!("../../../lang/mul/provenance/chain_back.txt"),
    ),
    (
        "mul/provenance/closing.txt",
        include_str!("../../../lang/mul/provenance/closing.txt"),
    ),
    (
        "mul/provenance/coord.txt",
        include_str!("../../../lang/mul/provenance/coord.txt"),
    ),
    (
        "mul/provenance/credit_cues.txt",
        include_str!("../../../lang/mul/provenance/credit_cues.txt"),
    ),
    (
        "mul/provenance/firm.txt",
        include_str!("../../../lang/mul/provenance/firm.txt"),
    ),
    (
        "mul/provenance/hedges.txt",
        include_str!("../../../lang/mul/provenance/hedges.txt"),
    ),
    (
        "mul/provenance/not_credit.txt",
        include_str!("../../../lang/mul/provenance/not_credit.txt"),
    ),
    (
        "mul/provenance/stopwords.txt",
        include_str!("../../../lang/mul/provenance/stopwords.txt"),
    ),
    (
        "mul/story/aliases.tsv",
        include_str!("../../../lang/mul/story/aliases.tsv"),
    ),
    (
        "mul/story/stopwords.txt",
        include_str!("../../../lang/mul/story/stopwords.txt"),
    ),
];

/// The text of an embedded file of `lang/` (`"en/attribution/cues.tsv"`); empty when the
/// binary does not embed it.
pub fn file(path: &str) -> &'static str {
    FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or("", |(_, t)| *t)
}

/// The entries of a word-list file: its lines, trimmed, without blank lines and `#` comments.
pub fn list(path: &str) -> Vec<&'static str> {
    file(path)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The entries of a word list for each of several languages, in order
/// (`list_langs(&["en", "fr"], "provenance/hedges.txt")` reads `en/…` then `fr/…`).
pub fn list_langs(langs: &[&str], name: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for l in langs {
        out.extend(list(&format!("{l}/{name}")));
    }
    out
}

/// The languages with their own data directory, in the order lists are read.
pub const LANGS: &[&str] = &["en", "fr", "es", "ar"];

/// The rows of a TSV file: trimmed columns of each line that is neither blank nor a comment.
pub fn rows(path: &str) -> impl Iterator<Item = Vec<&'static str>> {
    file(path)
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// A word list of `lang/`, read on first use: `static STOP: WordList =
/// WordList::new("mul/places/stop.txt");` then `STOP.contains(w)`.
pub struct WordList {
    one: &'static str,
    many: &'static [&'static str],
    cell: OnceLock<(Vec<&'static str>, FxHashSet<&'static str>)>,
}

impl WordList {
    /// The list of one file.
    pub const fn new(path: &'static str) -> WordList {
        WordList {
            one: path,
            many: &[],
            cell: OnceLock::new(),
        }
    }

    /// The lists of several files, concatenated in order (one list over several languages).
    pub const fn of(paths: &'static [&'static str]) -> WordList {
        WordList {
            one: "",
            many: paths,
            cell: OnceLock::new(),
        }
    }

    fn get(&self) -> &(Vec<&'static str>, FxHashSet<&'static str>) {
        self.cell.get_or_init(|| {
            let v: Vec<&'static str> = std::iter::once(self.one)
                .chain(self.many.iter().copied())
                .filter(|p| !p.is_empty())
                .flat_map(list)
                .collect();
            let set = v.iter().copied().collect();
            (v, set)
        })
    }

    pub fn contains(&self, w: &str) -> bool {
        self.get().1.contains(w)
    }

    /// The entries in file order.
    pub fn all(&self) -> &[&'static str] {
        &self.get().0
    }
}

/// The written forms of a cue of `lang/<xx>/attribution/cues.tsv`, each with its lemma: a form
/// ending in `+` is an English lemma and stands for its regular inflections ("state+" →
/// state, states, stated, stating); any other form stands for itself.
pub fn cue_forms(form: &str) -> Vec<(String, String)> {
    match form.strip_suffix('+') {
        Some(lemma) => inflect_en(lemma)
            .into_iter()
            .map(|x| (x, lemma.to_owned()))
            .collect(),
        None => vec![(form.to_owned(), form.to_owned())],
    }
}

/// English regular inflections of a lemma ("state" → states, stated, stating).
pub fn inflect_en(lemma: &str) -> Vec<String> {
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
            abbrev_tsv: file("en/abbrev.tsv"),
            abbrev_extra: file("en/abbrev_extra.txt"),
            mwt: file("en/mwt.tsv"),
            mwt_ctx: file("en/mwt_ctx.tsv"),
            hyphen: file("en/hyphen.tsv"),
            starters: file("en/starters.txt"),
            boundary: file("en/boundary.tsv"),
            ..EMPTY
        },
        Lang::Fr => Files {
            abbrev_tsv: file("fr/abbrev.tsv"),
            abbrev_extra: file("fr/abbrev_extra.txt"),
            mwt: file("fr/mwt.tsv"),
            mwt_ctx: file("fr/mwt_ctx.tsv"),
            elision: file("fr/elision.txt"),
            no_elision: file("fr/no_elision.txt"),
            hyphen_clitics: file("fr/hyphen_clitics.txt"),
            starters: file("fr/starters.txt"),
            ..EMPTY
        },
        Lang::Es => Files {
            abbrev_tsv: file("es/abbrev.tsv"),
            abbrev_extra: file("es/abbrev_extra.txt"),
            mwt: file("es/mwt.tsv"),
            mwt_ctx: file("es/mwt_ctx.tsv"),
            clitics: file("es/clitics.txt"),
            clitic_exceptions: file("es/clitic_exceptions.txt"),
            starters: file("es/starters.txt"),
            ..EMPTY
        },
        Lang::Ar => Files {
            abbrev_extra: file("ar/abbrev_extra.txt"),
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

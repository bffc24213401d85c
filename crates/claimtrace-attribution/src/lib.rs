//! Attribution and certainty: every reported claim in an article with its source, cue,
//! content, kind (direct / indirect / mixed), nesting, channel and certainty.
//!
//! In: a [`Doc`] with its body text and, when the pipeline ran, its `tokens` and `sentences`
//! layers (with tags and the dependency tree when it parsed; `entities` are not needed). Out:
//! `doc.attributions` and `doc.sources`.
//!
//! How: the attribution tokens are the pipeline's surface tokens and its sentences the
//! `sentences` layer ([`tokens`]; a Doc without tokens is tokenized by `claimtrace-text`, the
//! pipeline's tokenizer, first), quotations come from `claimtrace_text::quotes` (every common
//! style: nested, unbalanced, never closed), a cue lexicon with frames per cue
//! (`lang/*/attribution/`, embedded, its phrases cut by the same tokenizer): "X said (that) …",
//! "…, X said", "…, said X", "according to X, …", "…, quoting X", Arabic and Spanish
//! verb-first order, French "a-t-il dit"; then certainty from cue, source and hedge markers,
//! source typing, and coreference of pronouns and descriptions within the article.
//!
//! With the parse, the rules take a verb's `nsubj` subtree as its source when no noun phrase
//! stands right before it ([`syntax`]), and the learned English tagger ([`tagger`],
//! [`annotate_with_model`]; PolNeAR-trained, optional) reads UPOS, relations and
//! cue/clause/root constituents, then a span refiner re-chooses source and content
//! boundaries and a span filter drops runs that are no role span.
//!
//! Feature `train` (default): [`eval`] (PolNeAR / CofeNet readers, metrics, own gold) and
//! `tagger::Model::train`; annotating needs neither.

#[cfg(feature = "train")]
pub mod eval;
pub mod eval_lang;
pub mod lexicon;
pub mod print;
pub mod rules;
pub mod screen;
pub mod syntax;
pub mod tagger;
pub mod tokens;
pub mod words;

use claimtrace_core::{Attribution, Doc, Source, Span};
use lexicon::{Certainty, Frame, Lexicon, Outlets};
use rules::{Cand, Ctx};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;
use tokens::{Quote, Tok};
use words::*;

/// What to produce.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also list unattributed claims in the article's own voice, with source type `self`.
    pub include_self: bool,
}

/// Lexicons for every supported language, loaded once.
#[derive(Debug)]
pub struct Attributor {
    lexicons: FxHashMap<String, Lexicon>,
    outlets: Outlets,
}

impl Default for Attributor {
    fn default() -> Self {
        Attributor::new()
    }
}

static DEFAULT: OnceLock<Attributor> = OnceLock::new();

/// Annotates `doc` with the bundled lexicons (built once per process).
pub fn annotate(doc: &mut Doc, opts: &Options) {
    DEFAULT.get_or_init(Attributor::new).annotate(doc, opts);
}

/// [`annotate`] plus a learned tagger (English): the attributions the rules find, and those
/// whose cue only the model finds. Use the pipeline's parse in `doc.tokens` when present.
pub fn annotate_with_model(doc: &mut Doc, opts: &Options, model: Option<&tagger::Model>) {
    DEFAULT
        .get_or_init(Attributor::new)
        .annotate_model(doc, opts, model);
}

pub use claimtrace_text::lang::pick as pick_lang;

/// The analysis of one text: tokens, quotes, sentences and the rule candidates.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub lang: &'static str,
    pub toks: Vec<Tok>,
    pub quotes: Vec<Quote>,
    pub sentences: Vec<(usize, usize)>,
    pub cands: Vec<Cand>,
    /// The linguistic core's tags and tree on these tokens (empty when the text was not parsed).
    pub syn: Vec<syntax::Syn>,
    /// The learned tagger read the text (the candidates' `evidence` carries its agreement).
    pub model: bool,
}

/// Attributions scored below this (0–1) keep their source span but not its entity: the
/// source is `unknown` (`source_id` none). Chosen on the even-numbered half of the PolNeAR dev
/// articles (`claimtrace eval attribution --articles`), reported on the odd half: see
/// docs/benchmarks/attribution.md.
pub const ABSTAIN_BELOW: f64 = 0.5;

/// A lexicon whose phrases are cut as the tokenizer cuts the text they are matched against
/// ("didn't know whether" → did / n't / know / whether; fr "d'après" → d' / après): the
/// entries are written as words between spaces in `lang/<xx>/attribution/`.
fn tokenized_lexicon(mut lx: Lexicon, lang: &str) -> Lexicon {
    let cut = |first: &str, rest: &[String]| -> Option<(String, Vec<String>)> {
        let mut phrase = first.to_owned();
        for w in rest {
            phrase.push(' ');
            phrase.push_str(w);
        }
        let mut ws = tokens::tokens(&phrase, lang);
        if ws.is_empty() {
            return None;
        }
        let first = ws.remove(0);
        Some((first, ws))
    };
    let mut cues: FxHashMap<String, Vec<lexicon::CueEntry>> = FxHashMap::default();
    for (first, es) in std::mem::take(&mut lx.cues) {
        for mut e in es {
            let Some((f, rest)) = cut(&first, &e.rest) else {
                continue;
            };
            e.rest = rest;
            let v = cues.entry(f).or_default();
            if !v.iter().any(|x| x.rest == e.rest) {
                v.push(e);
            }
        }
    }
    for v in cues.values_mut() {
        v.sort_by_key(|e| std::cmp::Reverse(e.rest.len()));
    }
    lx.cues = cues;
    let mut hedges: FxHashMap<String, Vec<lexicon::Phrase>> = FxHashMap::default();
    for (first, ps) in std::mem::take(&mut lx.hedges) {
        for mut p in ps {
            let Some((f, rest)) = cut(&first, &p.rest) else {
                continue;
            };
            p.rest = rest;
            hedges.entry(f).or_default().push(p);
        }
    }
    for v in hedges.values_mut() {
        v.sort_by_key(|e| std::cmp::Reverse(e.rest.len()));
    }
    lx.hedges = hedges;
    lx
}

/// How a source mention was described.
#[derive(Debug, Clone)]
struct SourceDesc {
    kind: String,
    /// Canonical key/name when the mention itself names it.
    name: Option<String>,
    /// `he`/`she` (person), `same source`, `media`, `description` (the Tetouan-native).
    anaphor: Option<&'static str>,
}

impl Attributor {
    pub fn new() -> Attributor {
        let mut lexicons = FxHashMap::default();
        for l in lexicon::LANGS {
            lexicons.insert(l.to_owned(), tokenized_lexicon(Lexicon::bundled(l), l));
        }
        Attributor {
            lexicons,
            outlets: Outlets::bundled(),
        }
    }

    pub fn lexicon(&self, lang: &str) -> Option<&Lexicon> {
        self.lexicons.get(lang).or_else(|| self.lexicons.get("en"))
    }

    /// Tokens, quotes, sentences and rule candidates of a text that has not been tokenized
    /// (it is, by `claimtrace-text`, the pipeline's tokenizer).
    pub fn analyse(&self, text: &str, lang: &'static str) -> Analysis {
        self.analyse_with(text, lang, &[], &[], true)
    }

    /// [`Attributor::analyse`] of a document's text with its `tokens` and `sentences` layers
    /// (tags, lemmas and the dependency tree when the pipeline parsed it).
    pub fn analyse_doc(&self, doc: &Doc, lang: &'static str) -> Analysis {
        self.analyse_with(&doc.text, lang, &doc.tokens, &doc.sentences, true)
    }

    /// [`Attributor::analyse`] with the pipeline's words (`Doc::tokens`) for `text` but not
    /// its sentences (those `claimtrace-text` gives the text); `words` may be empty.
    pub fn analyse_parsed(
        &self,
        text: &str,
        lang: &'static str,
        words: &[claimtrace_core::Token],
    ) -> Analysis {
        self.analyse_with(text, lang, words, &[], true)
    }

    /// The analysis, with or without the parse for the rules (the learned tagger is trained
    /// on the rules' candidates found without it; see `tagger::Model::train`).
    pub(crate) fn analyse_with(
        &self,
        text: &str,
        lang: &'static str,
        words: &[claimtrace_core::Token],
        sentences: &[claimtrace_core::Sentence],
        rules_parse: bool,
    ) -> Analysis {
        let tokens::View {
            toks,
            sentences,
            quotes,
            syn,
        } = tokens::build(text, lang, words, sentences);
        let qdepth = claimtrace_text::quotes::depth(toks.len(), &quotes);
        let mut cands = Vec::new();
        if let Some(lex) = self.lexicon(lang) {
            let cx = Ctx {
                text,
                toks: &toks,
                quotes: &quotes,
                qdepth: &qdepth,
                lex,
                syn: if rules_parse { &syn } else { &[] },
            };
            for (sid, &(s, e)) in sentences.iter().enumerate() {
                rules::sentence_cands(&cx, s, e, sid, &mut cands);
            }
        }
        Analysis {
            lang,
            toks,
            quotes,
            sentences,
            cands,
            syn,
            model: false,
        }
    }

    /// Fills `doc.attributions` and `doc.sources` (replacing what was there).
    pub fn annotate(&self, doc: &mut Doc, opts: &Options) {
        self.annotate_model(doc, opts, None);
    }

    /// [`Attributor::annotate`] with an optional learned tagger (used for English only).
    pub fn annotate_model(&self, doc: &mut Doc, opts: &Options, model: Option<&tagger::Model>) {
        let Some(lang) = claimtrace_text::lang::pick_supported(doc.lang.as_deref(), &doc.text)
        else {
            // a language without lexicons: say so rather than read it with another's
            doc.attributions.clear();
            doc.sources.clear();
            doc.lang_supported = Some(false);
            return;
        };
        doc.lang_supported = None;
        let mut an = self.analyse_doc(doc, lang);
        if let Some(m) = model
            && lang == "en"
        {
            let tags = m.predict_tags(self, &an, &doc.text);
            tagger::align_cands(&mut an.cands, &tags);
            an.model = true;
            let extra = tagger::model_cands(self, &an, &tags);
            an.cands.extend(extra);
        }
        let mut cands = std::mem::take(&mut an.cands);
        screen::screen(self, &an, &mut cands);
        an.cands = cands;
        let (attributions, sources) = self.resolve(doc, &an, opts);
        doc.attributions = attributions;
        doc.sources = sources;
    }

    fn span(toks: &[Tok], r: (usize, usize)) -> Span {
        let s = toks.get(r.0).map(|t| t.start).unwrap_or(0);
        let e = toks
            .get(r.1.saturating_sub(1))
            .map(|t| t.end)
            .unwrap_or(s)
            .max(s);
        Span::new(s, e)
    }

    /// The part of a source phrase that names it: a person the recogniser found inside it,
    /// else of comma-separated appositions ("Tomas Brell, a crane operator who …"; "the
    /// authority's chief executive, Daniel Okafor") the first that holds a capitalised word
    /// (not the sentence's first), else the first.
    fn head_segment(doc: &Doc, an: &Analysis, r: (usize, usize)) -> (usize, usize) {
        let toks = &an.toks;
        let (bs, be) = (
            toks.get(r.0).map_or(0, |t| t.start),
            toks.get(r.1.saturating_sub(1)).map_or(0, |t| t.end),
        );
        let w = |k: usize| toks.get(k).map_or("", |t| t.lower.as_str());
        // a person followed by an apposition or "of …" inside the phrase ("Dr. Ana Ruiz of the
        // University of the North Coast"): the person
        let pers: Vec<&claimtrace_core::Entity> = doc
            .entities
            .iter()
            .filter(|e| {
                e.label == "PER" && e.span.start as usize >= bs && e.span.end as usize <= be
            })
            .collect();
        if let [e] = pers.as_slice() {
            let a = (r.0..r.1).find(|&k| {
                toks.get(k)
                    .is_some_and(|t| t.start >= e.span.start as usize)
            });
            let b = (r.0..r.1)
                .rev()
                .find(|&k| toks.get(k).is_some_and(|t| t.end <= e.span.end as usize));
            if let (Some(a), Some(b)) = (a, b)
                && a <= b
                && (is_comma(w(b + 1)) || is_of(w(b + 1)))
            {
                return (a, b + 1);
            }
        }
        // without the recogniser: a full name (two capitalised words) before "of"
        if let Some(o) = (r.0 + 2..r.1).find(|&k| is_of(w(k))) {
            let caps = (r.0..o)
                .rev()
                .take_while(|&k| toks.get(k).is_some_and(|t| t.cap && t.word))
                .count();
            let named_caps = (r.0..o)
                .rev()
                .take(caps)
                .filter(|&k| !is_det(w(k)) && !an.sentences.iter().any(|&(s, _)| s == k))
                .count();
            // "X Y of the Z" (an affiliation), not "Junta de Aguas" (one name)
            if named_caps >= 2 && is_det(w(o + 1)) && !(r.0..o).any(|k| is_comma(w(k))) {
                return (r.0, o);
            }
        }
        let mut segs = Vec::new();
        let mut st = r.0;
        for k in r.0..r.1 {
            if is_comma(w(k)) {
                if k > st {
                    segs.push((st, k));
                }
                st = k + 1;
            }
        }
        if r.1 > st {
            segs.push((st, r.1));
        }
        if segs.len() < 2 {
            return r;
        }
        let sent_start = |k: usize| an.sentences.iter().any(|&(s, _)| s == k);
        let name_at = |k: usize| {
            toks.get(k)
                .is_some_and(|t| t.word && t.cap && !sent_start(k) && !is_det(&t.lower))
        };
        // an apposition that opens with a name, else any segment holding one, else the first
        segs.iter()
            .find(|g| name_at(g.0))
            .or_else(|| segs.iter().find(|g| (g.0..g.1).any(name_at)))
            .or(segs.first())
            .copied()
            .unwrap_or(r)
    }

    fn describe(&self, doc: &Doc, an: &Analysis, r: (usize, usize)) -> SourceDesc {
        let r = Self::head_segment(doc, an, r);
        let toks = &an.toks;
        let ws: Vec<&str> = (r.0..r.1)
            .filter_map(|k| toks.get(k))
            .filter(|t| t.word || t.lower == "(" || t.lower == ")")
            .map(|t| t.lower.as_str())
            .filter(|w| *w != "(" && *w != ")")
            .collect();
        // the same words as written (for outlet names with case-sensitive aliases)
        let ow: Vec<&str> = (r.0..r.1)
            .filter_map(|k| toks.get(k))
            .filter(|t| t.word)
            .map(|t| doc.text.get(t.start..t.end).unwrap_or(t.lower.as_str()))
            .collect();
        let lex = self.lexicon(an.lang);
        // French incise inside the cue: "a-t-il dit".
        if ws
            .iter()
            .any(|w| w.ends_with("-il") || w.ends_with("-elle"))
        {
            return SourceDesc {
                kind: "person".into(),
                name: None,
                anaphor: Some("pronoun"),
            };
        }
        if ws.len() == 1
            && let Some(sing) = ws.first().and_then(|w| pronoun(w))
        {
            return SourceDesc {
                kind: if sing { "person" } else { "unnamed" }.into(),
                name: None,
                anaphor: if sing { Some("pronoun") } else { None },
            };
        }
        if let Some(a) = anaphor(&ws) {
            return SourceDesc {
                kind: if a == "media" { "media" } else { "unnamed" }.into(),
                name: None,
                anaphor: Some(a),
            };
        }
        // Outlets anywhere in the phrase.
        for k in 0..ow.len() {
            if let Some((idx, _)) = self.outlets.match_at(&ow, k)
                && let Some((name, kind)) = self.outlets.canonical.get(idx)
            {
                return SourceDesc {
                    kind: kind.clone(),
                    name: Some(name.clone()),
                    anaphor: None,
                };
            }
        }
        // A trailing run of capitalised words (with name particles): a name.
        let idx: Vec<usize> = (r.0..r.1)
            .filter(|&k| toks.get(k).is_some_and(|t| t.word))
            .collect();
        let mut run_start = idx.len();
        let mut k = idx.len();
        // a capital after an elided article ("de l'État", "l'Agence") starts a common noun
        let elided = |i: usize| {
            i > 0
                && toks.get(i - 1).zip(toks.get(i)).is_some_and(|(p, t)| {
                    p.word
                        && p.end == t.start
                        && (p.lower.ends_with('\'') || p.lower.ends_with('’'))
                })
        };
        while k > 0 {
            let Some((i, t)) = idx.get(k - 1).and_then(|&i| Some((i, toks.get(i)?))) else {
                break;
            };
            let part = is_name_particle(&t.lower)
                || t.lower.starts_with("al-")
                || t.lower.starts_with("el-");
            if (t.cap && !elided(i)) || (part && run_start < idx.len()) {
                run_start = k - 1;
                k -= 1;
            } else {
                break;
            }
        }
        // drop leading particles/determiners of the run
        while run_start < idx.len()
            && idx
                .get(run_start)
                .and_then(|&i| toks.get(i))
                .is_some_and(|t| is_det(&t.lower) || is_name_particle(&t.lower) && !t.cap)
        {
            run_start += 1;
        }
        let head_word = |stop_at_name: bool| -> Option<&str> {
            // head: the last word before "of"/"for" (or before the name).
            let mut last = None;
            for (j, &i) in idx.iter().enumerate() {
                if stop_at_name && j >= run_start {
                    break;
                }
                let w = toks.get(i).map(|t| t.lower.as_str()).unwrap_or("");
                if is_of(w) && last.is_some() {
                    break;
                }
                if !is_det(w) {
                    last = Some(w);
                }
            }
            last
        };
        let noun_type = |w: Option<&str>| -> Option<String> {
            let w = w?;
            let lx = lex?;
            lx.source_nouns
                .get(w)
                .cloned()
                .or_else(|| lx.source_nouns.get(w.trim_end_matches('s')).cloned())
        };
        let anonymous = ws.iter().any(|w| {
            matches!(
                *w,
                "anonymous" | "unnamed" | "anonymity" | "anonymat" | "anónimo" | "anónimos"
            )
        });
        let all_cap_first_only = run_start == 0
            && ((idx.len() > 1 && {
                // sentence-initial capital on a common noun: "Regional intelligence officials"
                idx.get(1)
                    .and_then(|&i| toks.get(i))
                    .is_some_and(|t| !t.cap)
            }) || (idx.len() == 1
                && ws
                    .first()
                    .is_some_and(|w| lex.is_some_and(|l| l.source_nouns.contains_key(*w)))));
        let first_lw = ws.first().copied().unwrap_or("");
        let hyphen_description = run_start + 1 == idx.len()
            && matches!(first_lw, "the" | "le" | "la" | "el")
            && idx
                .get(run_start)
                .and_then(|&i| toks.get(i))
                .is_some_and(|t| {
                    t.lower
                        .rsplit_once('-')
                        .is_some_and(|(_, b)| b.chars().all(|c| c.is_lowercase()))
                });
        if run_start < idx.len() && !all_cap_first_only && !hyphen_description {
            let a = idx.get(run_start).copied().unwrap_or(r.0);
            let b = idx.last().map(|x| x + 1).unwrap_or(r.1);
            let name = Self::span(toks, (a, b)).text(&doc.text).to_owned();
            let name_lw: Vec<&str> = (a..b)
                .filter_map(|i| toks.get(i))
                .map(|t| t.lower.as_str())
                .collect();
            // entity label from NER if any
            let sp = Self::span(toks, (a, b));
            let ner = doc
                .entities
                .iter()
                .find(|e| e.span.overlaps(sp))
                .map(|e| e.label.as_str());
            let pre_type = noun_type(head_word(true));
            let kind = match (ner, pre_type.as_deref()) {
                (_, Some("media")) => "media".to_string(),
                _ if name_lw.iter().any(|w| is_media_word(w)) => "media".to_string(),
                (Some("ORG"), _) => "organization".to_string(),
                (Some("PER"), Some("official")) => "official".to_string(),
                (Some("PER"), _) => "person".to_string(),
                (_, Some("official")) => "official".to_string(),
                _ if name_lw.iter().any(|w| is_org_word(w)) => "organization".to_string(),
                _ if name_lw.len() == 1 && name.chars().all(|c| !c.is_lowercase()) => {
                    "organization".to_string()
                }
                _ => "person".to_string(),
            };
            return SourceDesc {
                kind,
                name: Some(name),
                anaphor: None,
            };
        }
        let head = head_word(false);
        let kind = match noun_type(head) {
            Some(t) if anonymous && (t == "official" || t == "anonymous_official") => {
                "anonymous_official".to_string()
            }
            Some(t) => t,
            None => {
                if anonymous {
                    "anonymous_official".into()
                } else {
                    String::new()
                }
            }
        };
        let first = ws.first().copied().unwrap_or("");
        // (an elided "l'" is no sign of a description: "l'Agence régionale de presse")
        let definite = matches!(first, "the" | "le" | "la" | "el") || first.starts_with("ال");
        let text_key: Vec<&str> = ws.iter().copied().skip_while(|w| is_det(w)).collect();
        let key = text_key.join(" ");
        let display = {
            let mut a = r.0;
            while a < r.1 && toks.get(a).is_some_and(|t| is_det(&t.lower)) {
                a += 1;
            }
            Self::span(toks, (a, r.1)).text(&doc.text).to_owned()
        };
        if kind.is_empty() {
            // "the Tetouan-native", "the Moroccan jihadist": a description of someone named
            // before; "a man": someone new.
            return SourceDesc {
                kind: if definite { "person" } else { "unnamed" }.into(),
                name: if definite { None } else { Some(display) },
                anaphor: if definite { Some("description") } else { None },
            };
        }
        let _ = key;
        // "the station", "the broadcaster": a description of the last medium
        if definite && kind == "media" {
            return SourceDesc {
                kind,
                name: None,
                anaphor: Some("media"),
            };
        }
        SourceDesc {
            kind,
            name: Some(display),
            anaphor: None,
        }
    }

    fn certainty(
        &self,
        an: &Analysis,
        c: &Cand,
        source_kind: &str,
    ) -> (Certainty, Option<(usize, usize)>) {
        let mut best = (Certainty::Asserted, None);
        let mut bump = |cl: Certainty, r: (usize, usize)| {
            if cl > best.0 {
                best = (cl, Some(r));
            }
        };
        if source_kind == "rumour"
            && let Some(s) = c.source
        {
            let r = if s.0 < c.cue.0 {
                (s.0, c.cue.1)
            } else {
                (c.cue.0, s.1)
            };
            bump(Certainty::Rumour, r);
        }
        if c.cue_certainty != Certainty::Asserted {
            bump(c.cue_certainty, c.cue);
        }
        if let Some(h) = c.adverb_hedge {
            bump(Certainty::Hedged, h);
        }
        let Some(lex) = self.lexicon(an.lang) else {
            return best;
        };
        let w = |k: usize| an.toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
        let (a, b) = c.content;
        let mut k = a;
        while k < b {
            // stop at a relative clause: ", which …", ", who …"
            if is_comma(w(k))
                && matches!(
                    w(k + 1),
                    "which" | "who" | "qui" | "quien" | "cuyo" | "الذي" | "التي"
                )
            {
                break;
            }
            if let Some(ps) = lex.hedges.get(w(k)) {
                let cap = an.toks.get(k).is_some_and(|t| t.cap);
                for p in ps {
                    let n = p.rest.len();
                    if k + n < b
                        && p.rest.iter().enumerate().all(|(j, r)| w(k + 1 + j) == r)
                        && !(cap && n == 0 && matches!(w(k), "may"))
                    {
                        bump(p.class, (k, k + 1 + n));
                        break;
                    }
                }
            }
            k += 1;
        }
        // rumour nouns right before the cue's subject: "Despite rumours suggesting"
        best
    }

    /// Another person named (by the recogniser) after the last mention of `s` and before the
    /// pronoun at `at`: "he" has two candidates, and stays unknown rather than a guess.
    /// Persons named inside reported content or quotes do not count (the speaker's own
    /// words name others: "… he said" still refers to the speaker).
    fn other_person_between(doc: &Doc, an: &Analysis, s: Option<&Source>, at: Span) -> bool {
        let Some(s) = s else { return false };
        let reported = |e: Span| {
            an.cands.iter().any(|c| {
                let sp = Self::span(&an.toks, c.content);
                sp.start <= e.start && e.end <= sp.end
            }) || an.quotes.iter().any(|q| {
                let sp = Self::span(&an.toks, (q.open, q.close + 1));
                sp.start <= e.start && e.end <= sp.end
            })
        };
        let last = s.mentions.iter().map(|m| m.end).max().unwrap_or(0);
        let surname = s
            .entity
            .split_whitespace()
            .last()
            .unwrap_or("")
            .to_lowercase();
        // the sentence of the antecedent's last mention: persons it names alongside are no rivals
        let byte_sent = |b: u32| {
            an.sentences.iter().position(|&(x, y)| {
                let sp = Self::span(&an.toks, (x, y));
                sp.start <= b && b < sp.end.max(sp.start + 1)
            })
        };
        // the sentences of its mentions and the next one (an initial, "Ana R.", may close a
        // sentence for the splitter; what follows is still the same statement)
        let mut own: Vec<usize> = Vec::new();
        for m in &s.mentions {
            if let Some(k) = byte_sent(m.start) {
                own.push(k);
                own.push(k + 1);
            }
        }
        let channel = |e: Span| {
            an.cands.iter().any(|c| {
                c.channel
                    .is_some_and(|ch| Self::span(&an.toks, ch).overlaps(e))
            })
        };
        doc.entities.iter().any(|e| {
            e.label == "PER"
                && !reported(e.span)
                && !channel(e.span)
                && byte_sent(e.span.start).is_none_or(|k| {
                    // a rival is named in narration: not in a sentence that reports a claim
                    !own.contains(&k) && !an.cands.iter().any(|c| c.sentence == k)
                })
                && e.span.start >= last
                && e.span.end <= at.start
                && e.span
                    .text(&doc.text)
                    .split_whitespace()
                    .last()
                    .is_none_or(|w| w.to_lowercase() != surname)
        })
    }

    /// The attribution's confidence (0–1) from its evidence: the rules alone (no model ran)
    /// score 0.7; with the model, agreement on cue, source and content adds up.
    fn score(an: &Analysis, c: &Cand, resolved_pronoun: bool) -> f64 {
        use rules::{MODEL_CONTENT, MODEL_CUE, MODEL_SOURCE, RULES};
        let e = c.evidence;
        let mut s = if !an.model {
            0.7
        } else {
            let bit = |b: u8, w: f64| if e & b != 0 { w } else { 0.0 };
            0.2 + bit(RULES, 0.2)
                + bit(MODEL_CUE, 0.25)
                + bit(MODEL_SOURCE, 0.2)
                + bit(MODEL_CONTENT, 0.15)
        };
        if resolved_pronoun {
            s -= 0.1;
        }
        s.clamp(0.0, 1.0)
    }

    fn kind(an: &Analysis, c: &Cand) -> &'static str {
        let (a, b) = c.content;
        let mut first = a;
        while first < b
            && an
                .toks
                .get(first)
                .is_some_and(|t| is_complementizer(&t.lower) || t.lower == ":")
        {
            first += 1;
        }
        let mut quoted = false;
        for q in &an.quotes {
            if q.depth > 0 {
                continue;
            }
            if q.open <= first && q.close + 1 >= b {
                return "direct";
            }
            if q.open >= a && q.close < b {
                // ignore quoted names: up to three capitalised words
                let inner: Vec<&Tok> = (q.open + 1..q.close)
                    .filter_map(|k| an.toks.get(k))
                    .filter(|t| t.word)
                    .collect();
                let name = !inner.is_empty() && inner.len() <= 3 && inner.iter().all(|t| t.cap);
                if !name {
                    quoted = true;
                }
            }
        }
        if quoted { "mixed" } else { "indirect" }
    }

    /// Turns candidates into the `attributions` and `sources` layers.
    pub fn resolve(
        &self,
        doc: &Doc,
        an: &Analysis,
        opts: &Options,
    ) -> (Vec<Attribution>, Vec<Source>) {
        let cands = &an.cands;
        let n = cands.len();
        // Nesting: explicit (quoting) or the smallest other content holding the cue.
        let mut parent: Vec<Option<usize>> = cands.iter().map(|c| c.parent).collect();
        if n <= 5000 {
            for (k, c) in cands.iter().enumerate() {
                if parent.get(k).copied().flatten().is_some() {
                    continue;
                }
                let mut best: Option<(usize, usize)> = None;
                for (j, o) in cands.iter().enumerate() {
                    if j == k || o.parent == Some(k) {
                        continue;
                    }
                    let holds = o.content.0 <= c.cue.0
                        && c.cue.1 <= o.content.1
                        && c.source
                            .is_none_or(|s| o.content.0 <= s.0 && s.1 <= o.content.1);
                    let len = o.content.1 - o.content.0;
                    if holds && best.is_none_or(|(_, l)| len < l) && len > c.content.1 - c.content.0
                    {
                        best = Some((j, len));
                    }
                }
                if let Some(p) = parent.get_mut(k) {
                    *p = best.map(|x| x.0);
                }
            }
        }
        // Sources in text order with coreference.
        let mut sources: Vec<Source> = Vec::new();
        let mut key_of: FxHashMap<String, usize> = FxHashMap::default();
        // (source index, sentence, top-level?)
        let mut history: Vec<(usize, usize, bool)> = Vec::new();
        let mut src_of: Vec<Option<usize>> = vec![None; n];
        let mut type_of: Vec<String> = vec![String::new(); n];
        let mut via_anaphor: Vec<bool> = vec![false; n];
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&k| {
            cands
                .get(k)
                .map(|c| (c.sentence, c.source.map(|s| s.0).unwrap_or(c.cue.0)))
                .unwrap_or_default()
        });
        for &k in &order {
            let Some(c) = cands.get(k) else { continue };
            let Some(sr) = c.source else {
                // dropped subject ("وأكد أن …", "Afirmó que …"): the last top-level source
                if c.frame == Frame::Verb
                    && an.lang != "en"
                    && let Some(&(si, _, _)) = history.iter().rev().find(|h| h.2)
                {
                    if let Some(x) = src_of.get_mut(k) {
                        *x = Some(si);
                    }
                    if let Some(x) = type_of.get_mut(k) {
                        *x = sources
                            .get(si)
                            .map(|s| s.kind.to_string())
                            .unwrap_or_default();
                    }
                }
                continue;
            };
            let d = self.describe(doc, an, sr);
            let mut kind = d.kind.clone();
            let sp = Self::span(&an.toks, sr);
            let top = parent.get(k).copied().flatten().is_none();
            // "the adviser": the last source whose name holds the description's head noun
            let head = (sr.0..sr.1)
                .rev()
                .filter_map(|i| an.toks.get(i))
                .find(|t| t.word)
                .map(|t| t.lower.clone())
                .unwrap_or_default();
            let by_head = (d.anaphor == Some("description") && head.len() > 2)
                .then(|| {
                    history
                        .iter()
                        .rev()
                        .find(|(si, _, _)| {
                            sources.get(*si).is_some_and(|s| {
                                s.entity
                                    .to_lowercase()
                                    .split_whitespace()
                                    .any(|w| w == head)
                            })
                        })
                        .map(|x| x.0)
                })
                .flatten();
            let target: Option<usize> = match d.anaphor {
                Some("description") if by_head.is_some() => by_head,
                Some("pronoun") | Some("description") => history
                    .iter()
                    .rev()
                    .find(|(si, _, _)| {
                        sources.get(*si).is_some_and(|s| {
                            // a person, or an official named as one ("spokeswoman Ana Ruiz")
                            (s.kind == "person"
                                || s.kind == "official"
                                    && s.entity.chars().next().is_some_and(char::is_uppercase))
                                && !s.entity.is_empty()
                        })
                    })
                    .map(|x| x.0)
                    .filter(|&t| !Self::other_person_between(doc, an, sources.get(t), sp)),
                Some("source") => history
                    .iter()
                    .rev()
                    .find(|(si, sent, t)| {
                        *sent < c.sentence
                            && *t
                            && sources.get(*si).is_some_and(|s| !s.entity.is_empty())
                    })
                    .map(|x| x.0),
                Some("media") => history
                    .iter()
                    .rev()
                    .find(|(si, _, _)| sources.get(*si).is_some_and(|s| s.kind == "media"))
                    .map(|x| x.0),
                _ => None,
            };
            if target.is_some()
                && let Some(x) = via_anaphor.get_mut(k)
            {
                *x = true;
            }
            let si = if let Some(t) = target {
                if let Some(s) = sources.get_mut(t) {
                    s.mentions.push(sp);
                    kind = s.kind.to_string();
                }
                t
            } else if d.anaphor.is_some() {
                // unresolved: an unknown entity
                sources.push(Source {
                    entity: String::new(),
                    kind: kind.as_str().into(),
                    mentions: vec![sp],
                });
                sources.len() - 1
            } else {
                let name = d.name.clone().unwrap_or_default();
                let key = name.to_lowercase();
                // person names: "Baghdadi" → "Abu Bakr al Baghdadi"
                let found = key_of.get(&key).copied().or_else(|| {
                    if kind != "person" {
                        return None;
                    }
                    let last = key.split_whitespace().last()?;
                    sources.iter().position(|s| {
                        s.kind == "person"
                            && s.entity.to_lowercase().split_whitespace().last() == Some(last)
                    })
                });
                match found {
                    Some(i) => {
                        if let Some(s) = sources.get_mut(i) {
                            s.mentions.push(sp);
                        }
                        i
                    }
                    None => {
                        sources.push(Source {
                            entity: name,
                            kind: kind.as_str().into(),
                            mentions: vec![sp],
                        });
                        key_of.insert(key, sources.len() - 1);
                        sources.len() - 1
                    }
                }
            };
            history.push((si, c.sentence, top));
            if let Some(x) = src_of.get_mut(k) {
                *x = Some(si);
            }
            if let Some(x) = type_of.get_mut(k) {
                *x = kind;
            }
        }
        // Channels.
        let mut channel_of: Vec<Option<(String, Span)>> = vec![None; n];
        for (k, c) in cands.iter().enumerate() {
            let Some(ch) = c.channel else { continue };
            let ws: Vec<&str> = (ch.0..ch.1)
                .filter_map(|i| an.toks.get(i))
                .filter(|t| t.word)
                .map(|t| t.lower.as_str())
                .collect();
            let ow: Vec<&str> = (ch.0..ch.1)
                .filter_map(|i| an.toks.get(i))
                .filter(|t| t.word)
                .map(|t| doc.text.get(t.start..t.end).unwrap_or(t.lower.as_str()))
                .collect();
            let mut name = None;
            for j in 0..ow.len() {
                if let Some((idx, _)) = self.outlets.match_at(&ow, j) {
                    name = self.outlets.canonical.get(idx).map(|x| x.0.clone());
                    break;
                }
            }
            if name.is_none() && (ch.0..ch.1).any(|i| an.toks.get(i).is_some_and(|t| t.cap)) {
                let skip = ws
                    .first()
                    .is_some_and(|w| matches!(*w, "reporters" | "journalists"));
                if !skip {
                    let mut a = ch.1;
                    while a > ch.0 && an.toks.get(a - 1).is_some_and(|t| t.cap || !t.word) {
                        a -= 1;
                    }
                    let ch = if a < ch.1 { (a, ch.1) } else { ch };
                    let t = Self::span(&an.toks, ch).text(&doc.text);
                    let t = t
                        .strip_prefix("the ")
                        .or_else(|| t.strip_prefix("The "))
                        .unwrap_or(t);
                    name = Some(t.to_owned());
                }
            }
            if let (Some(nm), Some(x)) = (name, channel_of.get_mut(k)) {
                *x = Some((nm, Self::span(&an.toks, ch)));
            }
        }
        // A person who spoke to one medium: their other statements went through it too.
        let mut person_channel: FxHashMap<usize, Option<String>> = FxHashMap::default();
        for k in 0..n {
            if let (Some(Some(si)), Some(Some((ch, _)))) = (src_of.get(k), channel_of.get(k)) {
                let e = person_channel
                    .entry(*si)
                    .or_insert_with(|| Some(ch.clone()));
                if e.as_deref() != Some(ch.as_str()) {
                    *e = None;
                }
            }
        }
        let mut out = Vec::with_capacity(n);
        for (k, c) in cands.iter().enumerate() {
            let kind_s = type_of.get(k).cloned().unwrap_or_default();
            let (cert, hedge) = self.certainty(an, c, &kind_s);
            let si = src_of.get(k).copied().flatten();
            let (channel, channel_span) = match channel_of.get(k).cloned().flatten() {
                Some((nm, sp)) => (Some(nm), Some(sp)),
                None => (
                    si.and_then(|s| person_channel.get(&s).cloned().flatten())
                        .filter(|_| {
                            si.and_then(|s| sources.get(s))
                                .is_some_and(|s| s.kind == "person")
                        }),
                    None,
                ),
            };
            let score = Self::score(an, c, via_anaphor.get(k).copied().unwrap_or(false));
            // below the threshold the source span stays, its entity does not
            let si = si.filter(|_| score >= ABSTAIN_BELOW);
            out.push(Attribution {
                source: c.source.map(|r| Self::span(&an.toks, r)),
                source_type: if kind_s.is_empty() {
                    "unnamed".into()
                } else {
                    kind_s.as_str().into()
                },
                source_id: si.map(|x| x as u32),
                cue: Some(Self::span(&an.toks, c.cue)),
                content: Self::span(&an.toks, c.content),
                kind: Self::kind(an, c).into(),
                parent: parent.get(k).copied().flatten().map(|p| p as u32),
                channel,
                channel_span,
                certainty: cert.as_str().into(),
                hedge: hedge.map(|r| Self::span(&an.toks, r)),
                act: screen::Screens::bundled(an.lang)
                    .act(an, c.cue)
                    .map(Into::into),
                score: (score * 1000.0).round() as u16,
            });
        }
        if opts.include_self {
            self.add_self(doc, an, &mut out, &mut sources);
        }
        (out, sources)
    }

    /// Sentences with no attribution and outside quotes: claims in the article's own voice.
    fn add_self(
        &self,
        doc: &Doc,
        an: &Analysis,
        out: &mut Vec<Attribution>,
        sources: &mut Vec<Source>,
    ) {
        let covered: Vec<Span> = out.iter().map(|a| a.content).collect();
        let mut self_id = None;
        for &(s, e) in &an.sentences {
            let words = (s..e)
                .filter(|&k| an.toks.get(k).is_some_and(|t| t.word))
                .count();
            if words < 5 {
                continue;
            }
            let sp = Self::span(&an.toks, (s, e));
            if covered.iter().any(|c| c.overlaps(sp)) {
                continue;
            }
            if an.quotes.iter().any(|q| q.open <= s && e <= q.close + 1) {
                continue;
            }
            // a headline-like line without final punctuation is not a claim
            let last = an
                .toks
                .get(e.saturating_sub(1))
                .map(|t| t.lower.as_str())
                .unwrap_or("");
            if !is_sentence_end(last) {
                continue;
            }
            let id = *self_id.get_or_insert_with(|| {
                sources.push(Source {
                    entity: doc.outlet.clone().unwrap_or_else(|| "the article".into()),
                    kind: "self".into(),
                    mentions: Vec::new(),
                });
                sources.len() - 1
            });
            let c = Cand {
                source: None,
                cue: (s, s),
                content: (s, e.saturating_sub(1).max(s + 1)),
                frame: Frame::Verb,
                final_frame: false,
                boundary: None,
                cue_certainty: Certainty::Asserted,
                adverb_hedge: None,
                parent: None,
                channel: None,
                sentence: 0,
                evidence: rules::RULES,
            };
            let (cert, hedge) = self.certainty(an, &c, "self");
            out.push(Attribution {
                source: None,
                source_type: "self".into(),
                source_id: Some(id as u32),
                cue: None,
                content: Self::span(&an.toks, c.content),
                kind: "indirect".into(),
                parent: None,
                channel: None,
                channel_span: None,
                certainty: cert.as_str().into(),
                hedge: hedge.map(|r| Self::span(&an.toks, r)),
                act: None,
                score: 0,
            });
        }
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_lang;

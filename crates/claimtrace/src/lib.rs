//! The claimtrace engine: the per-article pipeline over all stages.
//!
//! In: a [`Doc`] with metadata and body text (from `claimtrace-ingest`).
//! Out: the same `Doc` with the layers of every stage that is switched on: `sentences` and
//! `tokens` (claimtrace-text), UPOS/features/lemmas (claimtrace-tag), dependencies
//! (claimtrace-parse), `entities` (claimtrace-ner)…
//!
//! Models are embedded in the binary at build time (see `build.rs`, 64-byte aligned) and
//! loaded lazily: each model (tagger, parser, recogniser of one language; the attribution
//! model) the first time a stage needs it, reading its tables in place from the embedded
//! bytes. A pipeline that annotates nothing loads nothing. A [`Pipeline`] is `Sync` and meant
//! to be shared by all threads.

pub mod conll;

pub use claimtrace_core::{self as core, Doc};
use std::sync::OnceLock;

/// The models bundled at build time (`None` where `models/<name>.bin` was absent).
pub mod bundled {
    include!(concat!(env!("OUT_DIR"), "/models.rs"));
}

/// Which stages run. The default runs every stage that has a model for the document's
/// language.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub tokenize: bool,
    pub tag: bool,
    pub parse: bool,
    pub ner: bool,
    /// Temporal expressions (`times`).
    pub times: bool,
    /// Places (`places`, `focus_countries`).
    pub places: bool,
    /// Attributions (`attributions`, `sources`).
    pub attribution: bool,
    /// Also list claims in the article's own voice (source `self`).
    pub include_self: bool,
    /// Language used when a document has none.
    pub default_lang: &'static str,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tokenize: true,
            tag: true,
            parse: true,
            ner: true,
            times: true,
            places: true,
            attribution: true,
            include_self: false,
            default_lang: "en",
        }
    }
}

/// The languages with language data; other documents get the generic tokenizer only.
const LANGS: [&str; 4] = ["en", "fr", "es", "ar"];

/// One language's models, each loaded on first use (`None`: not bundled or not loadable).
#[derive(Default)]
struct LangModels {
    tagger: OnceLock<Option<claimtrace_tag::Tagger>>,
    parser: OnceLock<Option<claimtrace_parse::Parser>>,
    ner: OnceLock<Option<claimtrace_ner::Ner>>,
}

/// The per-article stages, loaded once and shared by all threads.
pub struct Pipeline {
    opts: Options,
    langs: [LangModels; 4],
    gazetteer: OnceLock<Option<claimtrace_timegeo::Gazetteer>>,
    /// The learned attribution tagger (English), when bundled.
    attribution_model: OnceLock<Option<claimtrace_attribution::tagger::Model>>,
    /// Errors met while loading bundled models (reported once, then the stage is skipped).
    load_errors: std::sync::Mutex<Vec<String>>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::new()
    }
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("opts", &self.opts)
            .finish()
    }
}

fn bundled_model(kind: &str, lang: &str) -> Option<&'static [u8]> {
    use bundled::*;
    match (kind, lang) {
        ("tagger", "en") => TAGGER_EN,
        ("tagger", "fr") => TAGGER_FR,
        ("tagger", "es") => TAGGER_ES,
        ("parser", "en") => PARSER_EN,
        ("parser", "fr") => PARSER_FR,
        ("parser", "es") => PARSER_ES,
        ("ner", "en") => NER_EN,
        ("ner", "fr") => NER_FR,
        ("ner", "es") => NER_ES,
        _ => None,
    }
}

impl Pipeline {
    /// The default pipeline with the models bundled in the binary.
    pub fn new() -> Self {
        Pipeline::with_options(Options::default())
    }

    pub fn with_options(opts: Options) -> Self {
        Pipeline {
            opts,
            langs: Default::default(),
            gazetteer: OnceLock::new(),
            attribution_model: OnceLock::new(),
            load_errors: Default::default(),
        }
    }

    pub fn options(&self) -> Options {
        self.opts
    }

    /// Model-loading problems met so far (a corrupt bundled model, say): each is reported
    /// here once and its stage skipped, rather than failing every document.
    pub fn load_errors(&self) -> Vec<String> {
        self.load_errors
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }

    fn models(&self, lang: &str) -> Option<(&'static str, &LangModels)> {
        let i = LANGS.iter().position(|l| *l == lang)?;
        Some((LANGS[i], &self.langs[i]))
    }

    /// The bundled model `kind` of `lang`, loaded on first use.
    fn model<'a, T>(
        &self,
        cell: &'a OnceLock<Option<T>>,
        kind: &str,
        lang: &str,
        load: fn(&'static [u8]) -> claimtrace_ml::Result<T>,
    ) -> Option<&'a T> {
        cell.get_or_init(|| {
            bundled_model(kind, lang).and_then(|b| self.loaded(kind, lang, load(b)))
        })
        .as_ref()
    }

    fn loaded<T, E: std::fmt::Display>(
        &self,
        kind: &str,
        lang: &str,
        r: Result<T, E>,
    ) -> Option<T> {
        r.map_err(|e| self.note(format!("bundled {kind}-{lang}: {e}")))
            .ok()
    }

    fn gazetteer(&self) -> Option<&claimtrace_timegeo::Gazetteer> {
        self.gazetteer
            .get_or_init(|| {
                claimtrace_timegeo::Gazetteer::load()
                    .map_err(|e| self.note(format!("bundled gazetteer: {e}")))
                    .ok()
            })
            .as_ref()
    }

    fn note(&self, e: String) {
        if let Ok(mut v) = self.load_errors.lock() {
            v.push(e);
        }
    }

    /// The language a document is read in: its own (`lang`, normalised to its primary
    /// subtag), else the default.
    pub fn lang_of<'a>(&self, doc: &'a Doc) -> &'a str {
        match doc.lang.as_deref() {
            Some(l) if !l.is_empty() => claimtrace_text::lang::primary(l),
            _ => self.opts.default_lang,
        }
    }

    /// Runs every stage on one document.
    pub fn annotate(&self, doc: &mut Doc) {
        if !self.opts.tokenize {
            return;
        }
        let lang = self.lang_of(doc).to_ascii_lowercase();
        claimtrace_text::tokenize(doc, &lang);
        self.annotate_pretokenized(doc);
    }

    /// Runs the stages after tokenization on a document whose `sentences` and `tokens` are
    /// already set (gold tokens from CoNLL-U, say).
    pub fn annotate_pretokenized(&self, doc: &mut Doc) {
        let lang = self.lang_of(doc).to_ascii_lowercase();
        if let Some((l, m)) = self.models(&lang) {
            use claimtrace_ner::Ner;
            use claimtrace_parse::Parser;
            use claimtrace_tag::Tagger;
            if self.opts.tag
                && let Some(t) = self.model(&m.tagger, "tagger", l, Tagger::from_static)
            {
                t.tag(doc);
            }
            if self.opts.parse
                && let Some(p) = self.model(&m.parser, "parser", l, Parser::from_static)
            {
                p.parse(doc);
            }
            if self.opts.ner
                && let Some(n) = self.model(&m.ner, "ner", l, Ner::from_static)
            {
                n.annotate(doc);
            }
        }
        if self.opts.times {
            claimtrace_timegeo::annotate_times(doc);
        }
        if self.opts.places
            && let Some(g) = self.gazetteer()
        {
            claimtrace_timegeo::annotate_places(doc, g);
        }
        if self.opts.attribution {
            let o = claimtrace_attribution::Options {
                include_self: self.opts.include_self,
            };
            let model = if lang == "en" {
                self.attribution_model
                    .get_or_init(|| {
                        bundled::ATTRIBUTION_EN.and_then(|b| {
                            self.loaded(
                                "attribution",
                                "en",
                                claimtrace_attribution::tagger::Model::from_static(b),
                            )
                        })
                    })
                    .as_ref()
            } else {
                None
            };
            claimtrace_attribution::annotate_with_model(doc, &o, model);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotates_english() {
        let p = Pipeline::new();
        let mut d = Doc::from_text(
            "t",
            "The minister said that the talks failed. Nobody knew why.",
        );
        p.annotate(&mut d);
        assert_eq!(d.sentences.len(), 2);
        assert!(!d.tokens.is_empty());
        assert!(p.load_errors().is_empty(), "{:?}", p.load_errors());
        if bundled::TAGGER_EN.is_some() {
            let said = d
                .tokens
                .iter()
                .find(|t| t.form(&d.text) == "said")
                .map(|t| t.upos.as_str());
            assert_eq!(said, Some("VERB"));
        }
        assert!(p.load_errors().is_empty());
    }

    #[test]
    fn empty_and_unknown_languages_are_fine() {
        let p = Pipeline::new();
        let mut d = Doc::from_text("t", "");
        p.annotate(&mut d);
        assert!(d.tokens.is_empty());
        let mut d = Doc::from_text("t", "Привет, мир. Как дела?");
        d.lang = Some("ru".into());
        p.annotate(&mut d);
        assert!(!d.tokens.is_empty());
    }
}

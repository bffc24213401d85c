//! The claimtrace engine: the per-article pipeline over all stages.
//!
//! In: a [`Doc`] with metadata and body text (from `claimtrace-ingest`).
//! Out: the same `Doc` with the layers of every stage that is switched on: `sentences` and
//! `tokens` (claimtrace-text), UPOS/features/lemmas (claimtrace-tag), dependencies
//! (claimtrace-parse), `entities` (claimtrace-ner)…
//!
//! Models are embedded in the binary at build time (see `build.rs`) and loaded lazily, once
//! per language, on first use; a [`Pipeline`] is `Sync` and meant to be shared by all threads.

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
            default_lang: "en",
        }
    }
}

/// The languages with language data; other documents get the generic tokenizer only.
const LANGS: [&str; 4] = ["en", "fr", "es", "ar"];

#[derive(Default)]
struct LangModels {
    tagger: Option<claimtrace_tag::Tagger>,
}

/// The per-article stages, loaded once and shared by all threads.
pub struct Pipeline {
    opts: Options,
    langs: [OnceLock<LangModels>; 4],
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

fn bundled_tagger(lang: &str) -> Option<&'static [u8]> {
    match lang {
        "en" => bundled::TAGGER_EN,
        "fr" => bundled::TAGGER_FR,
        "es" => bundled::TAGGER_ES,
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

    fn models(&self, lang: &str) -> Option<&LangModels> {
        let i = LANGS.iter().position(|l| *l == lang)?;
        Some(self.langs[i].get_or_init(|| self.load(lang)))
    }

    fn load(&self, lang: &str) -> LangModels {
        let mut m = LangModels::default();
        if self.opts.tag
            && let Some(b) = bundled_tagger(lang)
        {
            match claimtrace_tag::Tagger::from_bytes(b) {
                Ok(t) => m.tagger = Some(t),
                Err(e) => self.note(format!("bundled tagger-{lang}: {e}")),
            }
        }
        m
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
            Some(l) if !l.is_empty() => l.split(['-', '_']).next().unwrap_or(l),
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
        let Some(models) = self.models(&lang) else {
            return;
        };
        if let Some(t) = &models.tagger {
            t.tag(doc);
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

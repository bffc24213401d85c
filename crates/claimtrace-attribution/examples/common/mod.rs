//! The linguistic core (tokenizer, tagger, parser from `models/`) for the examples, so that
//! training and scoring see the same words as `claimtrace extract`.

use claimtrace_core::{Doc, Token};
use std::path::PathBuf;

pub struct Core {
    pub tagger: Option<claimtrace_tag::Tagger>,
    pub parser: Option<claimtrace_parse::Parser>,
}

impl Core {
    /// Loads `models/tagger-en.bin` and `models/parser-en.bin` (either may be absent).
    pub fn load() -> Core {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models"));
        let tagger = claimtrace_tag::Tagger::load(dir.join("tagger-en.bin"))
            .map_err(|e| eprintln!("no tagger: {e}"))
            .ok();
        let parser = claimtrace_parse::Parser::load(dir.join("parser-en.bin"))
            .map_err(|e| eprintln!("no parser: {e}"))
            .ok();
        Core { tagger, parser }
    }

    /// Words of `text` with tags, lemmas and the dependency tree.
    #[allow(dead_code)]
    pub fn words(&self, text: &str) -> Vec<Token> {
        let mut d = Doc::from_text("x", text);
        d.lang = Some("en".into());
        claimtrace_text::tokenize(&mut d, "en");
        if let Some(t) = &self.tagger {
            t.tag(&mut d);
        }
        if let Some(p) = &self.parser {
            p.parse(&mut d);
        }
        d.tokens
    }
}

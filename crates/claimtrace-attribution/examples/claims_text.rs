//! Prints the attributions of a text read on stdin (rules, and the model when given, on the
//! linguistic core's parse): `echo "…" | cargo run --release -p claimtrace-attribution
//! --example claims_text -- [MODEL]`

mod common;

use claimtrace_attribution::{Attributor, Options, print, tagger::Model};
use claimtrace_core::Doc;
use std::io::Read;

fn main() {
    let model = std::env::args()
        .nth(1)
        .and_then(|p| Model::load(std::path::Path::new(&p)).ok());
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        return;
    }
    let core = common::Core::load();
    let mut d = Doc::from_text("stdin", text.clone());
    d.lang = Some("en".into());
    d.tokens = core.words(&text);
    Attributor::new().annotate_model(&mut d, &Options::default(), model.as_ref());
    print!("{}", print::claims(&d, 200));
}

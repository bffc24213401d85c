//! Time to load each bundled model from the binary (what the pipeline does on first use), and
//! whether its tables are read in place.
//!
//! `cargo run --release -p claimtrace --example load_times`

use claimtrace::bundled;
use std::time::Instant;

fn time<T, E: std::fmt::Display>(name: &str, f: impl FnOnce() -> Result<T, E>) {
    let t = Instant::now();
    let r = f();
    let ms = t.elapsed().as_secs_f64() * 1e3;
    match r {
        Ok(_) => println!("{name:<16} {ms:8.2} ms"),
        Err(e) => println!("{name:<16} {ms:8.2} ms  error: {e}"),
    }
}

fn main() {
    let models: [(&str, Option<&'static [u8]>); 9] = [
        ("tagger-en", bundled::TAGGER_EN),
        ("tagger-fr", bundled::TAGGER_FR),
        ("tagger-es", bundled::TAGGER_ES),
        ("parser-en", bundled::PARSER_EN),
        ("parser-fr", bundled::PARSER_FR),
        ("parser-es", bundled::PARSER_ES),
        ("ner-en", bundled::NER_EN),
        ("ner-fr", bundled::NER_FR),
        ("ner-es", bundled::NER_ES),
    ];
    for (name, b) in models {
        let Some(b) = b else {
            println!("{name:<16} not bundled");
            continue;
        };
        if name.starts_with("tagger") {
            time(name, || claimtrace_tag::Tagger::from_static(b));
        } else if name.starts_with("parser") {
            time(name, || claimtrace_parse::Parser::from_static(b));
        } else {
            time(name, || claimtrace_ner::Ner::from_static(b));
        }
    }
    if let Some(b) = bundled::ATTRIBUTION_EN {
        time("attribution-en", || {
            claimtrace_attribution::tagger::Model::from_static(b)
        });
    }
    time("timegeo gazetteer", claimtrace_timegeo::Gazetteer::load);
}

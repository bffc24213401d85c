//! CofeNet dev paragraphs with an optional tagger model (run on the linguistic core's parse; what `claimtrace eval attribution`
//! prints first). `cargo run --release -p claimtrace-attribution --example eval_cofenet -- [MODEL] [--parse]`
//! (`--parse`: give the rules the linguistic core's parse too; the model always gets it;
//! `--raw`: read each paragraph from its article's own text instead of detokenising)
mod common;

use claimtrace_attribution::{Attributor, eval, tagger::Model};

fn main() {
    let model = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|p| Model::load(std::path::Path::new(&p)).ok());
    let with_parse = model.is_some() || std::env::args().any(|a| a == "--parse");
    let att = Attributor::new();
    let paras = match eval::read_cofenet(std::path::Path::new(
        "../shared/data/attribution/polnear/cofenet-paragraphs/valid.txt",
    )) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    // the tagger model needs the parse; the rules alone do not use it
    let core = with_parse.then(common::Core::load);
    let parse = |t: &str| core.as_ref().map(|c| c.words(t)).unwrap_or_default();
    let t = std::time::Instant::now();
    let s = if std::env::args().any(|a| a == "--raw") {
        // each paragraph as its article's own text (the data README's other option)
        let raw = eval::raw_paragraphs(
            std::path::Path::new("../shared/data/attribution/polnear/dev"),
            &paras,
        );
        let (s, n) = eval::eval_cofenet_raw(&att, model.as_ref(), &paras, &raw, Some(&parse));
        println!(
            "{n} of {} paragraphs read from the original text",
            paras.len()
        );
        s
    } else {
        eval::eval_cofenet(&att, model.as_ref(), &paras, Some(&parse))
    };
    let secs = t.elapsed().as_secs_f64();
    print!("{}", s.report());
    println!(
        "{} paragraphs, {} tokens, {:.2}s, {:.0} tokens/s",
        s.paragraphs,
        s.tokens,
        secs,
        s.tokens as f64 / secs.max(1e-9)
    );
}

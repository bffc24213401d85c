//! Prints gold and predicted spans side by side for CofeNet dev paragraphs (error analysis).
//! `cargo run --release -p claimtrace-attribution --example dump_attribution -- MODEL [N]`

mod common;

use claimtrace_attribution::{Attributor, eval, tagger::Model};

fn main() {
    let mut a = std::env::args().skip(1);
    let model = a
        .next()
        .and_then(|p| Model::load(std::path::Path::new(&p)).ok());
    let n: usize = a.next().and_then(|x| x.parse().ok()).unwrap_or(40);
    let role: usize = a.next().and_then(|x| x.parse().ok()).unwrap_or(2);
    let att = Attributor::new();
    let paras = eval::read_cofenet(std::path::Path::new(
        "../shared/data/attribution/polnear/cofenet-paragraphs/valid.txt",
    ))
    .unwrap_or_default();
    let core = common::Core::load();
    let rname = eval::ROLES.get(role).copied().unwrap_or("content");
    for p in paras.iter().take(n) {
        let (text, offs) = eval::detok(&p.tokens);
        let spans = eval::predict_spans(&att, model.as_ref(), &text, "en", &core.words(&text));
        let pred = eval::project(&spans, &offs);
        let g = eval::role_spans(&p.labels, rname);
        let pr = eval::role_spans(&pred, rname);
        let show = |s: &(usize, usize)| p.tokens[s.0..s.1].join(" ");
        for x in &g {
            if !pr.contains(x) {
                println!("MISS  {}", show(x));
            }
        }
        for x in &pr {
            if !g.contains(x) {
                println!("FALSE {}", show(x));
            }
        }
        println!("--");
    }
}

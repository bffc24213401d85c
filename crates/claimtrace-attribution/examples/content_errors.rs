//! Error breakdown of content spans on CofeNet dev (developer analysis).
//! `cargo run --release -p claimtrace-attribution --example content_errors -- MODEL [DUMP]`
//! (DUMP: print examples of each error type)

mod common;

use claimtrace_attribution::{Attributor, eval, tagger::Model};
use std::collections::BTreeMap;

fn main() {
    let mut a = std::env::args().skip(1);
    let model = a
        .next()
        .and_then(|p| Model::load(std::path::Path::new(&p)).ok());
    let dump = a.next().is_some();
    let att = Attributor::new();
    let paras = eval::read_cofenet(std::path::Path::new(
        "../shared/data/attribution/polnear/cofenet-paragraphs/valid.txt",
    ))
    .unwrap_or_default();
    let core = common::Core::load();
    let mut c: BTreeMap<String, usize> = BTreeMap::new();
    let mut inc = |k: String| *c.entry(k).or_insert(0) += 1;
    for p in &paras {
        let (text, offs) = eval::detok(&p.tokens);
        let spans = eval::predict_spans(&att, model.as_ref(), &text, "en", &core.words(&text));
        let pred = eval::project(&spans, &offs);
        // The tokens a..b, with gold|predicted labels where either is not O.
        let context = |a: usize, b: usize| -> Vec<String> {
            (a..b)
                .map(|k| {
                    let (t, gl, pl) = (&p.tokens[k], &p.labels[k], &pred[k]);
                    if gl == "O" && pl == "O" {
                        t.clone()
                    } else {
                        format!("{t}[{}|{}]", short(gl), short(pl))
                    }
                })
                .collect()
        };
        let g = eval::role_spans(&p.labels, "content");
        let pr = eval::role_spans(&pred, "content");
        let gc = eval::role_spans(&p.labels, "cue");
        let pc = eval::role_spans(&pred, "cue");
        let show = |s: &(usize, usize)| p.tokens[s.0..s.1].join(" ");
        let ov = |a: &(usize, usize), b: &(usize, usize)| a.0 < b.1 && b.0 < a.1;
        let near = |s: &(usize, usize), cues: &[(usize, usize)], d: usize| {
            cues.iter().any(|c| c.1 + d >= s.0 && c.0 <= s.1 + d)
        };
        for x in &g {
            if pr.contains(x) {
                inc("gold exact".into());
                continue;
            }
            let o: Vec<_> = pr.iter().filter(|y| ov(x, y)).collect();
            let kind = if o.is_empty() {
                // is the gold cue nearby predicted?
                let gcue = near(x, &gc, 3);
                let pcue = near(x, &pc, 3);
                format!("gold missed: gold cue near {gcue}, pred cue near {pcue}")
            } else if o.len() > 1 {
                "gold split".into()
            } else {
                let y = o[0];
                match (x.0 == y.0, x.1 == y.1) {
                    (true, _) => format!(
                        "gold right start, end {}",
                        if y.1 > x.1 { "long" } else { "short" }
                    ),
                    (_, true) => format!(
                        "gold right end, start {}",
                        if y.0 < x.0 { "early" } else { "late" }
                    ),
                    _ => "gold both wrong".into(),
                }
            };
            if dump {
                let a = x.0.saturating_sub(10);
                let b = (x.1 + 10).min(p.tokens.len());
                let ctx = context(a, b);
                println!(
                    "{kind}\tGOLD {}\tPRED {}\tCTX {}",
                    show(x),
                    o.iter().map(|y| show(y)).collect::<Vec<_>>().join(" | "),
                    ctx.join(" ")
                );
            }
            inc(kind);
        }
        for y in &pr {
            if g.iter().any(|x| ov(x, y)) {
                continue;
            }
            let gcue = near(y, &gc, 3);
            let pcue = near(y, &pc, 3);
            let kind = format!("pred spurious: gold cue near {gcue}, pred cue near {pcue}");
            if dump {
                // context: the sentence-ish window
                let a = y.0.saturating_sub(8);
                let b = (y.1 + 8).min(p.tokens.len());
                let ctx = context(a, b);
                println!("{kind}\t{}\tCTX {}", show(y), ctx.join(" "));
            }
            inc(kind);
        }
    }
    for (k, v) in &c {
        eprintln!("{v:6} {k}");
    }
}

fn short(l: &str) -> String {
    match l {
        "O" => "O".into(),
        _ => {
            let (b, r) = l.split_once('-').unwrap_or(("", l));
            format!(
                "{}{}",
                b,
                match r {
                    "source" => "S",
                    "cue" => "Q",
                    _ => "C",
                }
            )
        }
    }
}

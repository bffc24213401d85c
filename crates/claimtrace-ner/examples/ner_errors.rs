//! Prints span errors of a model on an IOB2 file: `cargo run --release --example ner_errors -- MODEL FILE`.
use claimtrace_ner::{Ner, iob2};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (Some(m), Some(f)) = (a.get(1), a.get(2)) else {
        eprintln!("usage: ner_errors MODEL FILE");
        return;
    };
    let ner = match Ner::load(std::path::Path::new(m)) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let Ok(file) = std::fs::File::open(f) else {
        return;
    };
    let Ok(sents) = iob2::read(std::io::BufReader::new(file)) else {
        return;
    };
    for s in &sents {
        let w: Vec<&str> = s.words.iter().map(String::as_str).collect();
        let p = ner.tag_words(&w);
        let g = iob2::spans(&s.tags);
        let q = iob2::spans(&p);
        for x in &g {
            if !q.contains(x) {
                println!("MISS {}\t{}", x.2, w[x.0..x.1].join(" "));
            }
        }
        for x in &q {
            if !g.contains(x) {
                println!("FP   {}\t{}", x.2, w[x.0..x.1].join(" "));
            }
        }
    }
}

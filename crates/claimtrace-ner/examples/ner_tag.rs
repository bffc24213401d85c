//! Tags whitespace-separated sentences from stdin: `ner_tag MODEL`.
use claimtrace_ner::Ner;
use std::io::BufRead;

fn main() {
    let Some(m) = std::env::args().nth(1) else {
        return;
    };
    let ner = match Ner::load(std::path::Path::new(&m)) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let w: Vec<&str> = line.split_whitespace().collect();
        let t = ner.tag_words(&w);
        let out: Vec<String> = w
            .iter()
            .zip(&t)
            .map(|(w, t)| {
                if t == "O" {
                    w.to_string()
                } else {
                    format!("{w}/{t}")
                }
            })
            .collect();
        println!("{}", out.join(" "));
        if std::env::var("GAZ").is_ok() {
            println!("{:?}", ner.gazetteer_bits(&w));
        }
    }
}

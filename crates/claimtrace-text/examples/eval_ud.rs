//! `cargo run --release -p claimtrace-text --example eval_ud -- LANG FILE.conllu [--errors]`:
//! the same scores as `claimtrace eval tokenizer`, plus (with --errors) a sample of token and
//! sentence errors for development.
use claimtrace_text::eval;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(lang), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: eval_ud LANG FILE [--errors]");
        return;
    };
    let Ok(conllu) = std::fs::read_to_string(path) else {
        eprintln!("cannot read {path}");
        return;
    };
    let e = eval::evaluate(&conllu, lang);
    print!("{}", eval::format_eval(&e));
    if args.iter().any(|a| a == "--errors") {
        let gold = eval::read_gold(&conllu);
        let mut tok = claimtrace_text::Tokenizer::new(lang);
        let sys = eval::run_system(&mut tok, &gold.text);
        let chars: Vec<char> = gold.text.chars().filter(|c| !c.is_whitespace()).collect();
        let show =
            |s: (usize, usize)| -> String { chars.get(s.0..s.1).unwrap_or(&[]).iter().collect() };
        let ctx = |s: (usize, usize)| -> String {
            chars
                .get(s.0.saturating_sub(15)..(s.1 + 15).min(chars.len()))
                .unwrap_or(&[])
                .iter()
                .collect()
        };
        let gs: std::collections::HashSet<_> = gold.tokens.iter().copied().collect();
        let ss: std::collections::HashSet<_> = sys.tokens.iter().copied().collect();
        for s in sys.tokens.iter().filter(|s| !gs.contains(s)) {
            println!("SYS-ONLY tok [{}]   ctx {}", show(*s), ctx(*s));
        }
        for s in gold.tokens.iter().filter(|s| !ss.contains(s)) {
            println!("GOLD-ONLY tok [{}]   ctx {}", show(*s), ctx(*s));
        }
        let gss: std::collections::HashSet<_> = gold.sentences.iter().map(|s| s.1).collect();
        let sss: std::collections::HashSet<_> = sys.sentences.iter().map(|s| s.1).collect();
        for s in sys.sentences.iter().filter(|s| !gss.contains(&s.1)) {
            println!("SYS-ONLY end  ...{}", ctx((s.1, s.1)));
        }
        for s in gold.sentences.iter().filter(|s| !sss.contains(&s.1)) {
            println!("GOLD-ONLY end ...{}", ctx((s.1, s.1)));
        }
        let mut gw = std::collections::HashMap::new();
        for w in &gold.words {
            gw.entry(w.span)
                .or_insert_with(Vec::new)
                .push(w.form.clone());
        }
        let mut sw = std::collections::HashMap::new();
        for w in &sys.words {
            sw.entry(w.span)
                .or_insert_with(Vec::new)
                .push(w.form.clone());
        }
        for (span, g) in &gw {
            if let Some(s) = sw.get(span)
                && s != g
            {
                println!("WORDS gold {:?} sys {:?}", g, s);
            }
        }
    }
}

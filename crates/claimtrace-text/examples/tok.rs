//! `cargo run -p claimtrace-text --example tok -- LANG "text"`: prints surface tokens, words
//! and sentences (for development).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let lang = args.get(1).map_or("en", String::as_str);
    let text = args.get(2).cloned().unwrap_or_default();
    let mut doc = claimtrace_core::Doc::from_text("x", text);
    claimtrace_text::tokenize(&mut doc, lang);
    for s in &doc.sentences {
        let w: Vec<String> = doc
            .sentence_tokens(s)
            .iter()
            .map(|t| {
                format!(
                    "{}{}",
                    t.form(&doc.text),
                    if t.form.is_some() { "*" } else { "" }
                )
            })
            .collect();
        println!("{}", w.join(" | "));
    }
}

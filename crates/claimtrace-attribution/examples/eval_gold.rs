//! claimtrace's own stand-off gold, rules only, per language and part (the span table that
//! `claimtrace eval attribution` prints).
fn main() {
    use claimtrace_attribution::eval_lang;
    let att = claimtrace_attribution::Attributor::new();
    let dirs = [
        std::path::Path::new("../shared/corpus/dev-stories"),
        std::path::Path::new("../shared/corpus/dev-stories-2"),
    ];
    let r = eval_lang::Corpus::read(&dirs).and_then(|corpus| {
        eval_lang::gold_spans_by_part(&att, std::path::Path::new("eval/gold/attribution"), &corpus)
    });
    match r {
        Ok(r) => print!("{r}"),
        Err(e) => eprintln!("{e}"),
    }
}

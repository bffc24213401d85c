//! claimtrace's own fr/es/ar gold, rules only (what `claimtrace eval attribution` prints last).
fn main() {
    let att = claimtrace_attribution::Attributor::new();
    match claimtrace_attribution::eval::eval_own_gold(
        &att,
        std::path::Path::new("eval/gold/attribution"),
        std::path::Path::new("../shared/corpus/dev-stories/articles.jsonl"),
    ) {
        Ok(r) => print!("{r}"),
        Err(e) => eprintln!("{e}"),
    }
}

//! One module per subcommand. Each has `Args` (clap) and `run(Args) -> anyhow::Result<ExitCode>`:
//! exit 0 when all went well, 1 when some inputs were skipped (each reported on stderr),
//! 2 for usage errors (returned as `Err`).

pub mod claims;
pub mod eval_aeb;
pub mod eval_attribution;
pub mod eval_boilerplate;
pub mod eval_dates;
pub mod eval_geo;
pub mod eval_match;
pub mod eval_match_gold;
pub mod eval_ner;
pub mod eval_stories;
pub mod eval_time;
pub mod eval_tokenizer;
pub mod eval_ud;
pub mod export;
pub mod extract;
pub mod ingest;
pub mod match_;
pub mod report;
pub mod serve;
pub mod stories;
pub mod tag;
pub mod trace;
pub mod train_ner;
pub mod train_parser;
pub mod train_tagger;

/// The `dev`, `scored` and `all` lines of a page-level evaluation (`eval dates`,
/// `eval boilerplate`); `tp` counts are padded to `tp_width`.
pub(crate) fn print_parts(
    dev: claimtrace_extract::eval::Counts,
    scored: claimtrace_extract::eval::Counts,
    tp_width: usize,
) {
    let mut all = dev;
    all.add(scored);
    for (name, c) in [("dev", dev), ("scored", scored), ("all", all)] {
        println!(
            "{name:7} pages {:4}  tp {:tp_width$} fp {:4} fn {:4}  P {:.4} R {:.4} F1 {:.4}",
            c.pages,
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
}

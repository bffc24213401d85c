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

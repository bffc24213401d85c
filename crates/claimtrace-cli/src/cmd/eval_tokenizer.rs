//! `claimtrace eval tokenizer --lang en --test FILE.conllu`: tokens, sentences and words F1
//! (CoNLL 2018 shared task definitions) of the tokenizer on a UD test file's raw text, and
//! its speed.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Language code (en, fr, es, ar).
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// A UD CoNLL-U file; its `# text` comments give the raw text (default: the UD test file of
    /// the language under ../shared/data/ud: en_ewt, fr_gsd, es_gsd).
    #[arg(long)]
    pub test: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = match args.test {
        Some(p) => p,
        None => {
            let f = match args.lang.as_str() {
                "en" => "en_ewt/en_ewt-ud-test.conllu",
                "fr" => "fr_gsd/fr_gsd-ud-test.conllu",
                "es" => "es_gsd/es_gsd-ud-test.conllu",
                other => anyhow::bail!("no default test file for {other:?}: pass --test"),
            };
            PathBuf::from("../shared/data/ud").join(f)
        }
    };
    let conllu = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let e = claimtrace_text::eval::evaluate(&conllu, &args.lang);
    println!("{} ({})", path.display(), args.lang);
    print!("{}", claimtrace_text::eval::format_eval(&e));
    Ok(ExitCode::SUCCESS)
}

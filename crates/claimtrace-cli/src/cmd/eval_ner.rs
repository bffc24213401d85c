//! `claimtrace eval ner`: per-label and overall span P/R/F1 (exact match, CoNLL style) and
//! tokens/s of the entity recogniser on an IOB2 file.

use anyhow::Context;
use claimtrace_ner::Ner;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Gold IOB2 file.
    #[arg(long)]
    test: PathBuf,
    /// Model file (default: models/ner-<lang>.bin).
    #[arg(long)]
    model: Option<PathBuf>,
    #[arg(long, default_value = "en")]
    lang: String,
    /// Turn off the document-level consistency pass.
    #[arg(long)]
    no_doc_pass: bool,
    /// Score only the documents whose `# meta::genre = GENRE` comment matches (GUM: `news`
    /// for its Wikinews documents); documents start at `# newdoc` comments.
    #[arg(long)]
    genre: Option<String>,
    /// Repeat tagging N times for a steadier speed figure.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let path = a
        .model
        .clone()
        .unwrap_or_else(|| claimtrace_ner::default_model_path(&a.lang));
    let mut ner = Ner::load(&path).map_err(|e| anyhow::anyhow!(e))?;
    if a.no_doc_pass {
        ner.set_doc_consistency(false);
    }
    let f = std::fs::File::open(&a.test).with_context(|| format!("{}", a.test.display()))?;
    let mut sents = claimtrace_ner::iob2::read(std::io::BufReader::new(f))
        .map_err(|e| anyhow::anyhow!("{}: {e}", a.test.display()))?;
    if let Some(g) = &a.genre {
        let want = format!("meta::genre = {g}");
        let mut keep = false;
        sents.retain(|s| {
            if s.comments.iter().any(|c| c.starts_with("newdoc")) {
                keep = s.comments.iter().any(|c| c.trim() == want);
            }
            keep
        });
        anyhow::ensure!(
            !sents.is_empty(),
            "no document of genre `{g}` in the test file"
        );
    }
    let mut sc = ner.evaluate(&sents);
    for _ in 1..a.repeat {
        let s2 = ner.evaluate(&sents);
        sc.seconds = sc.seconds.min(s2.seconds);
    }
    println!(
        "model {} ({}), test {}{}",
        path.display(),
        if ner.is_trained() { "trained" } else { "rules" },
        a.test.display(),
        a.genre
            .as_deref()
            .map_or(String::new(), |g| format!(" (genre {g})"))
    );
    print!("{}", sc.report());
    Ok(ExitCode::SUCCESS)
}

//! `claimtrace eval aeb`: main-text extraction on the article-extraction benchmark.
//!
//! Prints precision, recall and F1 (with bootstrap standard deviations) and the speed:
//! pages/s and MB/s on one thread (wall clock and the thread's CPU time), extraction only
//! (pages are decompressed before timing). `--jobs N` adds a parallel run; `--dump DIR`
//! writes one `<id>.txt` per page and a `scores.tsv`.

use anyhow::Context;
use claimtrace_extract::eval;
use rayon::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Benchmark directory (ground-truth.json + html/<id>.html.gz).
    #[arg(long, default_value = "../shared/data/article-extraction")]
    data: PathBuf,
    /// Also time a parallel run on N threads.
    #[arg(long)]
    jobs: Option<usize>,
    /// Timed passes over the pages (the speed is their average).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Write predictions (`<id>.txt`) and per-page scores (`scores.tsv`) here.
    #[arg(long)]
    dump: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let pages = eval::load_dataset(&args.data)
        .with_context(|| format!("loading {}", args.data.display()))?;
    anyhow::ensure!(!pages.is_empty(), "no pages in {}", args.data.display());
    // Warm-up pass (lazy statics, allocator), not timed.
    if let Some(p) = pages.first() {
        let _ = claimtrace_extract::extract(&p.html, None);
    }
    let r = eval::run_single(&pages, args.rounds);
    let s = r.summary;
    let n = pages.len() as f64;
    let mb = r.bytes as f64 / 1e6;
    println!("pages      {}", s.pages);
    println!("precision  {:.4} ± {:.4}", s.precision, s.precision_std);
    println!("recall     {:.4} ± {:.4}", s.recall, s.recall_std);
    println!("F1         {:.4} ± {:.4}", s.f1, s.f1_std);
    println!(
        "speed (1 thread, wall)  {:.0} pages/s  {:.1} MB/s  ({:.3} s per pass, {} passes)",
        n / r.wall_seconds,
        mb / r.wall_seconds,
        r.wall_seconds,
        args.rounds
    );
    if let Some(cpu) = r.cpu_seconds.filter(|c| *c > 0.0) {
        println!(
            "speed (1 thread, CPU)   {:.0} pages/s  {:.1} MB/s",
            n / cpu,
            mb / cpu
        );
    }
    if let Some(j) = args.jobs {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build()?;
        let t0 = std::time::Instant::now();
        let preds: Vec<_> = pool.install(|| {
            pages
                .par_iter()
                .map(|p| claimtrace_extract::extract(&p.html, Some(&p.url)))
                .collect()
        });
        let wall = t0.elapsed().as_secs_f64();
        drop(preds);
        println!(
            "speed ({j} threads, wall) {:.0} pages/s  {:.1} MB/s",
            n / wall,
            mb / wall
        );
    }
    if let Some(dir) = &args.dump {
        std::fs::create_dir_all(dir)?;
        let mut tsv = String::from("id\tprecision\trecall\turl\n");
        for (p, e) in pages.iter().zip(&r.predictions) {
            std::fs::write(dir.join(format!("{}.txt", p.id)), &e.text)?;
            let sc = eval::score_page(&p.truth, &e.text);
            let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
            tsv.push_str(&format!(
                "{}\t{}\t{}\t{}\n",
                p.id,
                f(sc.precision),
                f(sc.recall),
                p.url
            ));
        }
        std::fs::write(dir.join("scores.tsv"), tsv)?;
    }
    Ok(ExitCode::SUCCESS)
}

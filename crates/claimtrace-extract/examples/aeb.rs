//! Quick benchmark driver for tuning: `cargo run --release -p claimtrace-extract --example aeb -- DIR [DUMPDIR]`.
use claimtrace_extract::{body::Params, eval, extract_with};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "../shared/data/article-extraction".into());
    let pages = eval::load_dataset(std::path::Path::new(&dir)).expect("load");
    let mut p = Params::default();
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f32>().ok());
    if let Some(v) = env("PEN") {
        p.penalty = v;
    }
    if let Some(v) = env("LW") {
        p.link_weight = v;
    }
    if let Some(v) = env("POSB") {
        p.pos_bonus = v;
    }
    if let Some(v) = env("MLD") {
        p.max_link_density = v;
    }
    let t = Instant::now();
    let preds: Vec<String> = pages
        .iter()
        .map(|pg| extract_with(&pg.html, Some(&pg.url), &p).text)
        .collect();
    let secs = t.elapsed().as_secs_f64();
    let scores: Vec<eval::PageScore> = pages
        .iter()
        .zip(&preds)
        .map(|(pg, pr)| eval::score_page(&pg.truth, pr))
        .collect();
    if let Some(d) = args.get(2) {
        std::fs::create_dir_all(d).ok();
        for ((pg, pr), s) in pages.iter().zip(&preds).zip(&scores) {
            std::fs::write(format!("{d}/{}.txt", pg.id), pr).ok();
            println!(
                "{:.3} {:.3} {} {}",
                s.precision.unwrap_or(-1.0),
                s.recall.unwrap_or(-1.0),
                pg.id,
                pg.url
            );
        }
    }
    let s = eval::summarize(&scores, 1000);
    let mb: f64 = pages.iter().map(|p| p.html.len()).sum::<usize>() as f64 / 1e6;
    println!(
        "P {:.4}±{:.4} R {:.4}±{:.4} F1 {:.4}±{:.4}  {:.0} pages/s {:.1} MB/s",
        s.precision,
        s.precision_std,
        s.recall,
        s.recall_std,
        s.f1,
        s.f1_std,
        pages.len() as f64 / secs,
        mb / secs
    );
}

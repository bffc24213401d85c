//! CPU time per pipeline stage over the benchmark: `stages DIR`.
use claimtrace_extract::{body, dom, eval, meta, prepass};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/article-extraction".into());
    let pages = eval::load_dataset(std::path::Path::new(&dir)).expect("load");
    let cpu = || eval::thread_cpu_seconds().unwrap_or(0.0);
    let (mut tp, mut tparse, mut tflat, mut tbody) = (0.0, 0.0, 0.0, 0.0);
    for _ in 0..3 {
        for pg in &pages {
            let a = cpu();
            let pre = prepass::run(&pg.html);
            let b = cpu();
            let doc = dom_query::Document::from(pre.html.as_str());
            let c = cpu();
            let d = dom::flatten(&doc);
            drop(doc);
            let e = cpu();
            let ld = meta::parse_json_ld(&pre.json_ld);
            let t = meta::title(&d, &ld);
            let r = body::extract_body(&d, t.as_deref(), &body::Params::default());
            let _ = (
                meta::published(&d, &ld, None),
                meta::authors(&d, &ld),
                r.paras.len(),
            );
            let f = cpu();
            tp += b - a;
            tparse += c - b;
            tflat += e - c;
            tbody += f - e;
        }
    }
    let n = 3.0 * pages.len() as f64;
    println!(
        "per page ms: prepass {:.3} parse {:.3} flatten {:.3} body+meta {:.3}",
        tp / n * 1e3,
        tparse / n * 1e3,
        tflat / n * 1e3,
        tbody / n * 1e3
    );
}

//! How often each metadata field is found on the benchmark pages: `meta_coverage DIR`.
use claimtrace_extract::{eval, extract};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/article-extraction".into());
    let pages = eval::load_dataset(std::path::Path::new(&dir)).expect("load");
    let (mut t, mut p, mut pt, mut a, mut s, mut c, mut l) = (0, 0, 0, 0, 0, 0, 0);
    for pg in &pages {
        let e = extract(&pg.html, Some(&pg.url));
        t += usize::from(e.title.is_some());
        p += usize::from(e.published.is_some());
        pt += usize::from(e.published.as_deref().is_some_and(|d| d.len() > 10));
        a += usize::from(!e.authors.is_empty());
        s += usize::from(e.site_name.is_some());
        c += usize::from(e.canonical_url.is_some());
        l += usize::from(e.lang.is_some());
        if std::env::var("SHOW").is_ok() {
            println!(
                "{:?} | {:?} | {:?} | {:?} | {:?}",
                e.title, e.published, e.authors, e.site_name, e.lang
            );
        }
    }
    println!(
        "pages {} title {t} published {p} (with time+offset {pt}) authors {a} site {s} canonical {c} lang {l}",
        pages.len()
    );
}

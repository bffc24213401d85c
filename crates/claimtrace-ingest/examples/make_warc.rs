//! Builds a WARC file (one gzip member per record, like Common Crawl) from HTML pages.
//!
//! ```text
//! cargo run --release -p claimtrace-ingest --example make_warc -- OUT.warc.gz [--plain] [--repeat N] FILE_OR_DIR...
//! ```
//!
//! Pages may be `.html`, `.htm` or gzip-compressed `.html.gz`. Each becomes a `response`
//! record with an HTTP 200 header; the target URI is the page's `<link rel=canonical>` when it
//! has one, else `https://example.invalid/<file name>`. `--repeat N` writes the list N times
//! (URIs get `?copy=i`), to build big files for benchmarks. `--plain` writes no gzip.

use claimtrace_ingest::warc::WarcWriter;
use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};

fn canonical(html: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(html.get(..html.len().min(64 * 1024)).unwrap_or(html));
    let lower = head.to_ascii_lowercase();
    let i = lower.find("rel=\"canonical\"")?;
    let tag_start = lower[..i].rfind('<')?;
    let tag_end = i + lower[i..].find('>')?;
    let tag = &head[tag_start..tag_end];
    let h = tag.to_ascii_lowercase().find("href=\"")?;
    let rest = &tag[h + 6..];
    Some(rest[..rest.find('"')?].to_owned())
}

fn collect(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut v: Vec<_> = std::fs::read_dir(p)
            .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        v.sort();
        for e in v {
            collect(&e, out);
        }
    } else {
        let n = p.to_string_lossy().to_ascii_lowercase();
        if n.ends_with(".html") || n.ends_with(".htm") || n.ends_with(".html.gz") {
            out.push(p.to_owned());
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: make_warc OUT.warc.gz [--plain] [--repeat N] FILE_OR_DIR...")?;
    let (mut gzip, mut repeat, mut files) = (true, 1usize, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--plain" => gzip = false,
            "--repeat" => repeat = args.next().ok_or("--repeat needs a number")?.parse()?,
            _ => collect(Path::new(&a), &mut files),
        }
    }
    let mut pages = Vec::new();
    for f in &files {
        let raw = std::fs::read(f)?;
        let html = if raw.starts_with(&[0x1f, 0x8b]) {
            let mut v = Vec::new();
            flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut v)?;
            v
        } else {
            raw
        };
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let url = canonical(&html).unwrap_or_else(|| format!("https://example.invalid/{name}"));
        let charset = claimtrace_ingest::charset::meta_charset(&html).map(|e| e.name().to_owned());
        pages.push((url, html, charset));
    }
    let file = std::fs::File::create(&out)?;
    let mut w = WarcWriter::new(BufWriter::with_capacity(1 << 20, file), gzip);
    let date = "2026-05-01T12:00:00Z";
    w.warcinfo(
        date,
        "software: claimtrace make_warc\r\nformat: WARC File Format 1.0\r\n",
    )?;
    let mut n = 0u64;
    for copy in 0..repeat {
        for (url, html, charset) in &pages {
            let url = if repeat > 1 {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}copy={copy}")
            } else {
                url.clone()
            };
            w.html_response(&url, date, html, charset.as_deref())?;
            n += 1;
        }
    }
    use std::io::Write;
    w.into_inner().flush()?;
    eprintln!("{out}: {n} response records from {} pages", pages.len());
    Ok(())
}

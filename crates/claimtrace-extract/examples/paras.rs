//! Debugging aid: every paragraph of one page (gzipped or plain HTML) with its owner, tag,
//! sizes and whether it was kept: `paras FILE`.
use claimtrace_extract::{body, dom, meta, prepass};
use std::io::Read;

fn main() {
    let path = std::env::args().nth(1).expect("usage: paras FILE");
    let raw = std::fs::read(&path).expect("read");
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut v = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut v)
            .expect("gunzip");
        v
    } else {
        raw
    };
    let html = String::from_utf8_lossy(&bytes);
    let pre = prepass::run(&html);
    let doc = dom_query::Document::from(pre.html.as_str());
    let d = dom::flatten(&doc);
    let ld = meta::parse_json_ld(&pre.json_ld);
    let t = meta::title(&d, &ld);
    let params = body::Params {
        debug: true,
        ..body::Params::default()
    };
    let r = body::extract_body(&d, t.as_deref(), &params);
    println!(
        "container {} {:?}",
        r.container,
        d.nodes.get(r.container as usize).map(|n| n.tag)
    );
    for p in &r.all {
        let kept = r
            .paras
            .iter()
            .any(|q| q.owner == p.owner && q.text == p.text);
        println!(
            "{} owner {:6} {:?} chars {:5} link {:5} flags {:3} | {}",
            if kept { "+" } else { "-" },
            p.owner,
            p.tag,
            p.chars,
            p.link_chars,
            p.flags,
            p.text.chars().take(100).collect::<String>()
        );
    }
}

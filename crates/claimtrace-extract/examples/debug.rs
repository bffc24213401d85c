//! Prints the paragraphs of one page with their scores: `debug FILE.html[.gz]`.
use claimtrace_extract::{body, dom, meta, prepass};
use std::io::Read;

fn main() {
    let path = std::env::args().nth(1).expect("file");
    let mut bytes = Vec::new();
    let f = std::fs::File::open(&path).expect("open");
    if path.ends_with(".gz") {
        flate2::read::MultiGzDecoder::new(f)
            .read_to_end(&mut bytes)
            .expect("read");
    } else {
        std::io::BufReader::new(f)
            .read_to_end(&mut bytes)
            .expect("read");
    }
    let html = String::from_utf8_lossy(&bytes);
    let pre = prepass::run(&html);
    let doc = dom_query::Document::from(pre.html.as_str());
    let d = dom::flatten(&doc);
    let ld = meta::parse_json_ld(&pre.json_ld);
    let title = meta::title(&d, &ld);
    let p = body::Params {
        debug: true,
        ..Default::default()
    };
    let r = body::extract_body(&d, title.as_deref(), &p);
    let c = r.container as usize;
    let cend = d.nodes.get(c).map_or(0, |n| n.end);
    if std::env::var("NODES").is_ok() {
        for (i, n) in d.nodes.iter().enumerate().take(80) {
            if n.tag != dom::Tag::Text {
                println!("{i} {:?} p{} e{} f{}", n.tag, n.parent, n.end, n.flags);
            }
        }
    }
    println!("container {c}..{cend} {:?}", d.nodes.get(c).map(|n| n.tag));
    for para in &r.all {
        let inside = para.owner as usize >= c && para.owner < cend;
        let mut path = String::new();
        let mut a = para.owner as usize;
        let mut k = 0;
        while let Some(n) = d.nodes.get(a) {
            path.push_str(&format!("{:?}{}<", n.tag, a));
            a = n.parent as usize;
            k += 1;
            if k > 6 {
                break;
            }
        }
        let t: String = para.text.chars().take(90).collect();
        println!(
            "{} {:5} l{:4} f{:3} {:?} [{}] {}",
            if inside { '*' } else { ' ' },
            para.chars,
            para.link_chars,
            para.flags,
            para.tag,
            path,
            t
        );
    }
}

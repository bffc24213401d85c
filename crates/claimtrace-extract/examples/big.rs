//! Extracts one generated page of about N MB (default 100) and prints the time:
//! `/usr/bin/time -v big 100` gives the peak memory.
fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let para = "<p>The committee met on Tuesday and agreed, after a long debate, that the new rules would take effect next spring.</p>\n";
    let mut html = String::with_capacity(mb << 20);
    html.push_str("<html><body><nav><a href='/'>Home</a></nav><article>");
    while html.len() < mb << 20 {
        html.push_str(para);
    }
    html.push_str("</article></body></html>");
    let t = std::time::Instant::now();
    let e = claimtrace_extract::extract(&html, None);
    println!(
        "{} MB in, {} chars out, {:.2} s",
        html.len() >> 20,
        e.text.len(),
        t.elapsed().as_secs_f64()
    );
}

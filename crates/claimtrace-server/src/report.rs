//! `claimtrace report`: one self-contained HTML file with a story's view.
//!
//! The data goes in a `<script type="application/json">` block (read by the page with
//! `textContent`, never executed; `<`, `>` and `&` are escaped as `\u003c`... so no text can
//! close the block). The page's script and style are inlined, and the file's own
//! `Content-Security-Policy` allows exactly those two blocks by their SHA-256 hashes and
//! nothing else: no other script, no network.

use crate::assets;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn sha256_b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
}

/// Escape text for an HTML text node or a double-quoted attribute (single quotes stay).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside a `<script type="application/json">` element.
pub fn json_for_script(v: &Value) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// The report page. `data` is `{"story": ..., "provenance": ..., "articles": [...]}` (the
/// same JSON the API serves); `title` is shown in the tab.
pub fn render(data: &Value, title: &str) -> String {
    let js = assets::APP_JS;
    let css = assets::APP_CSS;
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        sha256_b64(js),
        sha256_b64(css)
    );
    let mut html = String::with_capacity(js.len() + css.len() + 4096);
    html.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"");
    html.push_str(&escape_html(&csp));
    html.push_str(
        "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    html.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    html.push_str(&escape_html(title));
    html.push_str("</title>\n<style>");
    html.push_str(css);
    html.push_str("</style>\n</head>\n<body data-mode=\"report\">\n");
    html.push_str("<a class=\"skip\" href=\"#main\">Skip to content</a>\n");
    html.push_str("<header class=\"top\"><span class=\"brand\">claimtrace</span><span class=\"tag\">story report</span></header>\n");
    html.push_str("<main id=\"main\" tabindex=\"-1\"><noscript>This report needs JavaScript to draw the story.</noscript></main>\n");
    html.push_str("<script type=\"application/json\" id=\"report-data\">");
    html.push_str(&json_for_script(data));
    html.push_str("</script>\n<script>");
    html.push_str(js);
    html.push_str("</script>\n</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cannot_close_its_block() {
        let v = serde_json::json!({"t": "</script><script>alert(1)</script><!--"});
        let s = json_for_script(&v);
        assert!(!s.contains('<'));
        assert!(!s.contains('>'));
        let back: Value = serde_json::from_str(&s).unwrap_or(Value::Null);
        assert_eq!(back, v);
    }

    #[test]
    fn report_has_hash_csp_and_no_external_urls() {
        let html = render(&serde_json::json!({"story": {"id": 1}}), "a <b> & c");
        assert!(html.contains("script-src 'sha256-"));
        assert!(html.contains("<title>a &lt;b&gt; &amp; c</title>"));
        assert!(!html.contains(" src="));
        assert!(!html.contains("href=\"http"));
        assert!(!assets::APP_JS.contains("innerHTML"));
        assert!(!assets::APP_JS.contains("</script"));
        assert!(!assets::APP_CSS.contains("</style"));
    }
}

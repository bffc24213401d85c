//! Hostile inputs: deep nesting, huge pages, garbage. Nothing may panic or overflow the stack.

use claimtrace_extract::extract;

const PARA: &str = "The committee met on Tuesday and agreed, after a long debate, that the new rules would take effect next spring.";

#[test]
fn deep_nesting_100k() {
    for tag in ["div", "span", "b", "a", "table", "section", "ul", "font"] {
        let n = 100_000;
        let mut html = String::with_capacity(n * 16);
        html.push_str("<html><body>");
        for _ in 0..n {
            html.push('<');
            html.push_str(tag);
            html.push('>');
        }
        html.push_str("<p>");
        html.push_str(PARA);
        html.push_str("</p>");
        for _ in 0..n {
            html.push_str("</");
            html.push_str(tag);
            html.push('>');
        }
        html.push_str("</body></html>");
        let e = extract(&html, None);
        assert!(e.text.len() < html.len(), "{tag}");
    }
    // Unclosed and mixed nesting.
    let html = format!("{}{}", "<div><span><li><p><b><i>".repeat(20_000), PARA);
    let _ = extract(&html, None);
}

#[test]
fn huge_page_100mb() {
    let mut html = String::with_capacity(101 << 20);
    html.push_str("<html><body><article>");
    while html.len() < 100 << 20 {
        html.push_str("<p>");
        html.push_str(PARA);
        html.push_str("</p>\n");
    }
    html.push_str("</article></body></html>");
    let e = extract(&html, None);
    assert!(!e.text.is_empty());
}

#[test]
fn garbage_inputs() {
    let cases = [
        "",
        "<",
        ">",
        "<<<<>>>>",
        "<!--",
        "<!DOCTYPE",
        "<script>",
        "<p",
        "</p></div></body>",
        "\u{0}\u{feff}<p>\u{202e}x",
        "<html lang=''><meta name=date content='9999-99-99'><time datetime='2019-13-45T99:99'>",
        "<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"author\":[[[[[]]]]],\"datePublished\":7}</script>",
        "<script type=application/ld+json>[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[</script>",
        "<svg><p>in svg</p></svg><math><mi>x</mi></math><template><p>t</p></template>",
        "<table><td><table><td><table><td>x</table></table></table>",
        "<p>é</p><p>日本語のテキストです。これは長い段落です。</p>",
    ];
    for c in cases {
        let _ = extract(c, Some("not a url"));
    }
    // Byte soup made of tag fragments.
    let parts = [
        "<div",
        ">",
        "</div>",
        "<p>",
        "text ",
        "<a href='",
        "'",
        "\"",
        "<!--",
        "-->",
        "<script>",
        "</script>",
        "&amp;",
        "&#x",
        "<br/>",
        "é",
        "<",
        "=",
        " ",
    ];
    let mut seed: u64 = 7;
    for _ in 0..300 {
        let mut s = String::new();
        for _ in 0..200 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push_str(parts[(seed >> 33) as usize % parts.len()]);
        }
        let _ = extract(&s, None);
    }
}

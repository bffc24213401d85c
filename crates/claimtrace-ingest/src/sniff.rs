//! What an input is, from its first bytes (and its name as a tie-breaker).

/// The formats the readers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Warc,
    Html,
    Jsonl,
    /// A JSON array of article objects.
    JsonArray,
    Text,
    /// NUL bytes or control characters: not something we can read.
    Binary,
    Empty,
}

fn skip_ws(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    b.get(n..).unwrap_or(&[])
}

/// Whether bytes look like the start of an HTML page.
pub fn looks_like_html(b: &[u8]) -> bool {
    let head = skip_ws(b);
    let head = head.get(..head.len().min(2048)).unwrap_or(head);
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    const MARKS: [&[u8]; 12] = [
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
        b"<title",
        b"<div",
        b"<article",
        b"<p>",
        b"<p ",
        b"<script",
        b"<link",
    ];
    if lower.starts_with(b"<?xml") && contains(&lower, b"<html") {
        return true;
    }
    if lower.starts_with(b"<!--") || lower.starts_with(b"<") {
        return MARKS.iter().any(|m| contains(&lower, m));
    }
    false
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Binary content: NUL bytes or many control characters (UTF-16 with a BOM is text).
pub fn looks_binary(b: &[u8]) -> bool {
    if b.starts_with(b"\xFF\xFE") || b.starts_with(b"\xFE\xFF") {
        return false;
    }
    let head = b.get(..b.len().min(8192)).unwrap_or(b);
    if head.contains(&0) {
        return true;
    }
    let ctrl = head
        .iter()
        .filter(|&&c| c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    ctrl * 20 > head.len().max(1)
}

/// The format of (decompressed) content, given its first bytes and the file name.
pub fn sniff(head: &[u8], name: &str) -> Format {
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let body = skip_ws(head);
    if body.is_empty() {
        return if head.is_empty() || head.len() < 8192 {
            Format::Empty
        } else {
            Format::Text
        };
    }
    if body.starts_with(b"WARC/") {
        return Format::Warc;
    }
    if looks_binary(head) {
        return Format::Binary;
    }
    if body.starts_with(b"{") {
        return Format::Jsonl;
    }
    if body.starts_with(b"[")
        && (name.ends_with(".json")
            || body
                .get(1..)
                .map(skip_ws)
                .is_some_and(|r| r.starts_with(b"{") || r.starts_with(b"]")))
    {
        return Format::JsonArray;
    }
    if looks_like_html(body) {
        return Format::Html;
    }
    if body.starts_with(b"<")
        && (name.ends_with(".html") || name.ends_with(".htm") || name.ends_with(".xhtml"))
    {
        return Format::Html;
    }
    Format::Text
}

/// File names a directory walk picks up (explicit file arguments are always read).
pub fn wanted_in_dir(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    if n.starts_with('.') {
        return false;
    }
    let n = n.strip_suffix(".gz").unwrap_or(&n);
    [
        ".html", ".htm", ".xhtml", ".shtml", ".warc", ".arc", ".jsonl", ".ndjson", ".json", ".txt",
        ".text",
    ]
    .iter()
    .any(|e| n.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(sniff(b"WARC/1.0\r\n", "x"), Format::Warc);
        assert_eq!(sniff(b"  <!DOCTYPE html><html>", "a.txt"), Format::Html);
        assert_eq!(sniff(b"<foo>bar</foo>", "a.htm"), Format::Html);
        assert_eq!(sniff(b"{\"text\":\"x\"}\n", "a"), Format::Jsonl);
        assert_eq!(sniff(b"[{\"text\":\"x\"}]", "a"), Format::JsonArray);
        assert_eq!(sniff(b"[Breaking] News", "a.txt"), Format::Text);
        assert_eq!(sniff(b"Title\n\nBody.", "a.html"), Format::Text);
        assert_eq!(
            sniff(b"\x7fELF\x02\x01\x01\0\0\0", "a.html"),
            Format::Binary
        );
        assert_eq!(sniff(b"", "a.html"), Format::Empty);
        assert_eq!(sniff(b" \n ", "a.html"), Format::Empty);
        assert!(
            wanted_in_dir("a.warc.gz") && wanted_in_dir("b.HTML") && !wanted_in_dir("README.md")
        );
    }
}

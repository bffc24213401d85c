//! A byte-level pre-pass over the raw HTML, before the DOM parse.
//!
//! It copies the page while dropping what never carries article text and only costs parse time:
//! comments, `<script>` (keeping JSON-LD bodies aside for the metadata), `<style>`, `<svg>`,
//! `<math>`, `<iframe>`, `<noscript>`, `<template>`, `<object>`, `<canvas>`, form controls,
//! `<nav>` and media elements (`<picture>`, `<video>`, `<audio>`, `<map>`). It also bounds the
//! nesting depth (tags past [`MAX_DEPTH`] open elements are dropped, their text kept), so the
//! tree builder, whose scope checks walk the stack of open elements, stays linear, and it
//! truncates what is left past [`MAX_BYTES`].
//!
//! The scan is linear, iterative and works on bytes; it never panics (every slice is taken at
//! an ASCII byte, so at a `char` boundary).

/// Open elements kept; deeper start tags (and their end tags) are dropped.
pub const MAX_DEPTH: usize = 256;
/// Bytes of stripped HTML handed to the parser; the rest is cut at a tag start.
pub const MAX_BYTES: usize = 8 << 20;

/// What the pre-pass produces.
#[derive(Debug, Default)]
pub struct Prepass {
    /// The stripped HTML.
    pub html: String,
    /// Bodies of `<script type="application/ld+json">` elements.
    pub json_ld: Vec<String>,
}

/// Elements dropped with their whole content.
const SKIP: &[&[u8]] = &[
    b"script",
    b"style",
    b"svg",
    b"math",
    b"iframe",
    b"noscript",
    b"template",
    b"object",
    b"canvas",
    b"textarea",
    b"select",
];

/// Elements that never count towards depth: void elements and those whose end tag is implied.
const NO_DEPTH: &[&[u8]] = &[
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"param",
    b"source",
    b"track",
    b"wbr",
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"option",
    b"optgroup",
    b"tr",
    b"td",
    b"th",
    b"thead",
    b"tbody",
    b"tfoot",
    b"rb",
    b"rt",
    b"rp",
    b"html",
    b"head",
    b"body",
    b"colgroup",
    b"caption",
    b"keygen",
    b"image",
];

fn find_from(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let h = hay.get(from..)?;
    if needle.is_empty() {
        return Some(from);
    }
    let first = *needle.first()?;
    let mut i = 0;
    while let Some(p) = h.get(i..).and_then(|s| s.iter().position(|&b| b == first)) {
        let at = i + p;
        if h.get(at..at + needle.len()) == Some(needle) {
            return Some(from + at);
        }
        i = at + 1;
    }
    None
}

/// Finds `</name` (ASCII case-insensitive) from `from`; returns the index of `<`.
fn find_end_tag(hay: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    loop {
        let p = find_from(hay, i, b"</")?;
        let start = p + 2;
        let cand = hay.get(start..start + name.len());
        if let Some(c) = cand
            && c.eq_ignore_ascii_case(name)
        {
            let after = hay.get(start + name.len()).copied();
            if matches!(
                after,
                None | Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/')
            ) {
                return Some(p);
            }
        }
        i = p + 2;
    }
}

/// Scans a tag from `<` at `start`; returns (index after `>`, name range).
fn scan_tag(b: &[u8], start: usize) -> (usize, usize, usize) {
    let mut i = start + 1;
    if b.get(i) == Some(&b'/') {
        i += 1;
    }
    let ns = i;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b':' {
            i += 1;
        } else {
            break;
        }
    }
    let ne = i;
    // Attributes: a quote opens a value only right after `=` (spaces allowed).
    let mut after_eq = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'>' => return (i + 1, ns, ne),
            b'=' => {
                after_eq = true;
                i += 1;
            }
            b'"' | b'\'' if after_eq => {
                match b.get(i + 1..).and_then(|s| s.iter().position(|&x| x == c)) {
                    Some(p) => i = i + 1 + p + 1,
                    None => return (b.len(), ns, ne),
                }
                after_eq = false;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => i += 1,
            _ => {
                after_eq = false;
                i += 1;
            }
        }
    }
    (b.len(), ns, ne)
}

fn lower_eq_any(name: &[u8], set: &[&[u8]]) -> Option<usize> {
    set.iter().position(|s| s.eq_ignore_ascii_case(name))
}

/// Runs the pre-pass.
pub fn run(html: &str) -> Prepass {
    let b = html.as_bytes();
    let mut out = Prepass {
        html: String::with_capacity(html.len().min(MAX_BYTES) / 2),
        json_ld: Vec::new(),
    };
    let mut copied = 0usize; // start of the pending range to copy
    let mut i = 0usize;
    let mut depth = 0usize;
    let push = |out: &mut Prepass, from: usize, to: usize| {
        if let Some(s) = html.get(from..to) {
            out.html.push_str(s);
        }
    };
    while let Some(p) = b.get(i..).and_then(|s| s.iter().position(|&c| c == b'<')) {
        let lt = i + p;
        if out.html.len() + (lt - copied) > MAX_BYTES {
            push(&mut out, copied, lt);
            copied = b.len();
            break;
        }
        let next = b.get(lt + 1).copied();
        match next {
            Some(b'!') => {
                if b.get(lt..lt + 4) == Some(b"<!--") {
                    push(&mut out, copied, lt);
                    let end = find_from(b, lt + 4, b"-->").map_or(b.len(), |e| e + 3);
                    copied = end;
                    i = end;
                } else {
                    // doctype, CDATA: keep, move past '>'
                    let end = b
                        .get(lt..)
                        .and_then(|s| s.iter().position(|&c| c == b'>'))
                        .map_or(b.len(), |e| lt + e + 1);
                    i = end;
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let (end, ns, ne) = scan_tag(b, lt);
                let name = b.get(ns..ne).unwrap_or(b"");
                if let Some(k) = lower_eq_any(name, SKIP) {
                    push(&mut out, copied, lt);
                    let sname = SKIP.get(k).copied().unwrap_or(b"script");
                    let self_closed = end >= 2 && b.get(end - 2) == Some(&b'/') && sname == b"svg";
                    let close = if self_closed {
                        None
                    } else {
                        find_end_tag(b, end, sname)
                    };
                    match close {
                        Some(c) => {
                            if sname == b"script" {
                                let tag = b.get(lt..end).unwrap_or(b"");
                                if contains_ci(tag, b"ld+json")
                                    && let Some(body) = html.get(end..c)
                                {
                                    out.json_ld.push(body.to_string());
                                }
                            }
                            let after = b
                                .get(c..)
                                .and_then(|s| s.iter().position(|&x| x == b'>'))
                                .map_or(b.len(), |e| c + e + 1);
                            copied = after;
                            i = after;
                        }
                        None => {
                            copied = end;
                            i = end;
                        }
                    }
                } else if lower_eq_any(name, NO_DEPTH).is_some() {
                    i = end;
                } else {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        push(&mut out, copied, lt);
                        copied = end;
                    }
                    i = end;
                }
            }
            Some(b'/') => {
                let (end, ns, ne) = scan_tag(b, lt);
                let name = b.get(ns..ne).unwrap_or(b"");
                if !name.is_empty()
                    && lower_eq_any(name, NO_DEPTH).is_none()
                    && lower_eq_any(name, SKIP).is_none()
                {
                    if depth > MAX_DEPTH {
                        push(&mut out, copied, lt);
                        copied = end;
                    }
                    depth = depth.saturating_sub(1);
                }
                i = end;
            }
            _ => i = lt + 1,
        }
    }
    if copied < b.len() {
        let rest = b.len() - copied;
        if out.html.len() + rest > MAX_BYTES {
            let room = MAX_BYTES.saturating_sub(out.html.len());
            let mut cut = copied + room;
            while cut > copied && !html.is_char_boundary(cut) {
                cut -= 1;
            }
            push(&mut out, copied, cut);
        } else {
            push(&mut out, copied, b.len());
        }
    }
    out
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_scripts_and_comments() {
        let p = run(
            "<p>a<!-- x -->b</p><script>if (a<b) {}</script><style>p{}</style><p title='x>y'>c</p>",
        );
        assert_eq!(p.html, "<p>ab</p><p title='x>y'>c</p>");
    }

    #[test]
    fn keeps_json_ld() {
        let p = run(r#"<script type="application/ld+json">{"a":1}</script><p>x</p>"#);
        assert_eq!(p.json_ld, vec![r#"{"a":1}"#.to_string()]);
        assert_eq!(p.html, "<p>x</p>");
    }

    #[test]
    fn bounds_depth() {
        let n = 1000;
        let html = format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        let p = run(&html);
        assert_eq!(p.html.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(p.html.matches("</div>").count(), MAX_DEPTH);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for s in [
            "<",
            "<!",
            "<!--",
            "<script",
            "<script>",
            "</",
            "<a href='",
            "<a b=\"",
            "é<é>",
            "<svg/>x",
        ] {
            let _ = run(s);
        }
    }
}

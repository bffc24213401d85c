//! Character sets: byte-order mark, then the HTTP `Content-Type` charset, then
//! `<meta charset>` / `http-equiv`, then a guess (chardetng); decoding with encoding_rs.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How many leading bytes of a page are searched for a `<meta>` charset declaration (the
/// WHATWG pre-scan looks at 1024; real pages often put it later, after long `<script>`s).
const META_SCAN: usize = 8192;

/// The charset named in a `Content-Type` value (`text/html; charset=ISO-8859-1`).
pub fn charset_param(content_type: &str) -> Option<&str> {
    let lower = content_type.to_ascii_lowercase();
    let i = lower.find("charset")?;
    let rest = content_type.get(i + 7..)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace() || c == ',')
        .unwrap_or(rest.len());
    let v = rest.get(..end)?;
    (!v.is_empty()).then_some(v)
}

/// An encoding from a label, with the WHATWG rules for HTML: UTF-16 labels in a page mean
/// UTF-8, `x-user-defined` means windows-1252.
fn html_label(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(UTF_8);
    }
    if enc == encoding_rs::X_USER_DEFINED {
        return Some(WINDOWS_1252);
    }
    Some(enc)
}

/// The charset declared by a `<meta>` element near the start of the page.
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(META_SCAN)).unwrap_or(bytes);
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"<meta") {
        let start = from + i + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = trim_ascii_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_ascii_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let len = rest
                    .iter()
                    .position(|&b| {
                        !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                    })
                    .unwrap_or(rest.len());
                if let Some(label) = rest.get(..len).and_then(|l| std::str::from_utf8(l).ok())
                    && let Some(enc) = html_label(label)
                {
                    return Some(enc);
                }
            }
        }
        from = end.max(start);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    b.get(n..).unwrap_or(&[])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The top-level domain of a URL, as a hint for the guesser.
fn tld(url: Option<&str>) -> Option<Vec<u8>> {
    let host = url::Url::parse(url?).ok()?.host_str()?.to_ascii_lowercase();
    let t = host.rsplit('.').next()?;
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_alphabetic())).then(|| t.as_bytes().to_vec())
}

/// Which encoding a page is in, and how that was decided (for tests and diagnostics).
pub fn html_encoding(
    bytes: &[u8],
    http_charset: Option<&str>,
    url: Option<&str>,
) -> (&'static Encoding, &'static str) {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return (enc, "bom");
    }
    if let Some(enc) = http_charset.and_then(html_label) {
        return (enc, "http");
    }
    if let Some(enc) = meta_charset(bytes) {
        // A page that says UTF-8 but is not valid UTF-8 is common; one that declares a legacy
        // charset and is valid non-ASCII UTF-8 is too. Trust valid UTF-8 over the label.
        if enc != UTF_8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
            return (UTF_8, "valid-utf8");
        }
        return (enc, "meta");
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (UTF_8, "valid-utf8");
    }
    (guess(bytes, url), "guess")
}

/// A chardetng guess over (the start of) the bytes.
pub fn guess(bytes: &[u8], url: Option<&str>) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = bytes.get(..bytes.len().min(256 * 1024)).unwrap_or(bytes);
    det.feed(sample, sample.len() == bytes.len());
    let t = tld(url);
    det.guess(t.as_deref(), chardetng::Utf8Detection::Allow)
}

/// Decodes a page to a string with the charset rules above. Malformed sequences become
/// U+FFFD; never fails.
pub fn decode_html(bytes: &[u8], http_charset: Option<&str>, url: Option<&str>) -> String {
    let (enc, _) = html_encoding(bytes, http_charset, url);
    decode_with(enc, bytes)
}

/// Decodes plain text: BOM, else UTF-8 if valid, else a guess.
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return decode_with(enc, bytes);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    decode_with(guess(bytes, None), bytes)
}

fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> String {
    if enc == UTF_8 {
        let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        return String::from_utf8_lossy(b).into_owned();
    }
    let (s, _, _) = enc.decode(bytes);
    s.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_param() {
        assert_eq!(
            charset_param("text/html; charset=ISO-8859-1"),
            Some("ISO-8859-1")
        );
        assert_eq!(charset_param("text/html;charset=\"utf-8\""), Some("utf-8"));
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(charset_param("text/html; charset="), None);
    }

    #[test]
    fn meta_forms() {
        let a = b"<html><head><meta charset=\"windows-1252\"></head>";
        assert_eq!(meta_charset(a), Some(WINDOWS_1252));
        let b = b"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=iso-8859-1\">";
        assert_eq!(meta_charset(b), Some(WINDOWS_1252)); // WHATWG: latin1 = windows-1252
        let c = b"<meta name=x><meta charset='shift_jis'>";
        assert_eq!(meta_charset(c), Some(encoding_rs::SHIFT_JIS));
        assert_eq!(meta_charset(b"<meta charset=utf-16>"), Some(UTF_8));
        assert_eq!(meta_charset(b"<meta charset"), None);
        assert_eq!(meta_charset(b"<meta"), None);
    }

    #[test]
    fn decoding_order() {
        // Latin-1 é without a label: guessed.
        let page = b"<html><body><p>Le pr\xe9sident a d\xe9clar\xe9 que l'\xe9t\xe9 serait chaud.</p></body></html>";
        let s = decode_html(page, None, None);
        assert!(s.contains("président"), "{s}");
        // HTTP charset wins over meta.
        let page = b"<meta charset=utf-8><p>\x93quoted\x94</p>";
        let s = decode_html(page, Some("windows-1252"), None);
        assert!(s.contains("\u{201c}quoted\u{201d}"), "{s}");
        // BOM wins over everything.
        let page = b"\xEF\xBB\xBF<meta charset=windows-1252><p>\xc3\xa9</p>";
        assert!(decode_html(page, Some("iso-8859-2"), None).contains("<p>é</p>"));
        // Shift-JIS declared in meta.
        let (enc, how) = html_encoding(
            b"<meta charset=shift_jis><p>\x93\xfa\x96\x7b</p>",
            None,
            None,
        );
        assert_eq!((enc, how), (encoding_rs::SHIFT_JIS, "meta"));
        assert!(
            decode_html(
                b"<meta charset=shift_jis><p>\x93\xfa\x96\x7b</p>",
                None,
                None
            )
            .contains("日本")
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = decode_html(&b, None, Some("http://x.fr/"));
            let _ = decode_text(&b);
            let _ = meta_charset(&b);
        }
    }
}

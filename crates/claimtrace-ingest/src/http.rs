//! The HTTP response inside a WARC `response` record: status line and headers, chunked
//! transfer-encoding, gzip / deflate content-encoding.

use crate::io::{LimitError, read_limited};
use std::io::Read;

/// A parsed HTTP response (body decoded).
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Why a payload could not be turned into a body.
#[derive(Debug, PartialEq, Eq)]
pub enum HttpError {
    /// Not an HTTP response at all.
    NotHttp,
    /// The header block never ends.
    BadHeaders,
    TooBig,
    Encoding(String),
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Splits and decodes an HTTP response. `max` bounds the decoded body.
pub fn parse_response(payload: &[u8], max: u64) -> Result<HttpResponse, HttpError> {
    if !payload.starts_with(b"HTTP/") {
        return Err(HttpError::NotHttp);
    }
    // Header block ends with CRLFCRLF (or LFLF from sloppy writers).
    let (head_end, body_start) = match (find(payload, b"\r\n\r\n"), find(payload, b"\n\n")) {
        (Some(a), Some(b)) if b + 2 < a + 4 => (b, b + 2),
        (Some(a), _) => (a, a + 4),
        (None, Some(b)) => (b, b + 2),
        (None, None) => {
            // Headers only (e.g. a 304): no body.
            if payload.len() < 64 * 1024 {
                (payload.len(), payload.len())
            } else {
                return Err(HttpError::BadHeaders);
            }
        }
    };
    let head = String::from_utf8_lossy(payload.get(..head_end).unwrap_or(&[]));
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    let mut content_type = None;
    let mut chunked = false;
    let mut encoding: Option<String> = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        match name.as_str() {
            "content-type" => content_type = Some(value.to_owned()),
            "transfer-encoding" => chunked |= value.to_ascii_lowercase().contains("chunked"),
            "content-encoding" => {
                let v = value.to_ascii_lowercase();
                if v != "identity" && !v.is_empty() {
                    encoding = Some(v);
                }
            }
            _ => {}
        }
    }
    let raw = payload.get(body_start..).unwrap_or(&[]);
    let mut body = if chunked {
        // Some archives store the body already de-chunked but keep the header.
        dechunk(raw, max).unwrap_or_else(|| raw.to_vec())
    } else {
        raw.to_vec()
    };
    if let Some(enc) = encoding {
        body = decode_content(&body, &enc, max)?;
    }
    if body.len() as u64 > max {
        return Err(HttpError::TooBig);
    }
    Ok(HttpResponse {
        status,
        content_type,
        body,
    })
}

/// Decodes a chunked body; `None` if it is not validly chunked.
pub fn dechunk(mut raw: &[u8], max: u64) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    loop {
        let eol = find(raw, b"\n")?;
        let line = std::str::from_utf8(raw.get(..eol)?).ok()?.trim();
        let size_str = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_str, 16).ok()?;
        raw = raw.get(eol + 1..)?;
        if size == 0 {
            return Some(out);
        }
        if (out.len() + size) as u64 > max {
            // Keep what fits; the size check downstream reports it.
            out.extend_from_slice(raw.get(..size.min(raw.len()))?);
            return Some(out);
        }
        match raw.get(..size) {
            Some(chunk) => out.extend_from_slice(chunk),
            None => {
                // Truncated last chunk: keep what there is.
                out.extend_from_slice(raw);
                return Some(out);
            }
        }
        raw = raw.get(size..)?;
        raw = raw
            .strip_prefix(b"\r\n")
            .or_else(|| raw.strip_prefix(b"\n"))
            .unwrap_or(raw);
        if raw.is_empty() {
            return Some(out);
        }
    }
}

fn decode_content(body: &[u8], enc: &str, max: u64) -> Result<Vec<u8>, HttpError> {
    let limited = |r: &mut dyn Read| match read_limited(r, max) {
        Ok(v) => Ok(v),
        Err(LimitError::TooBig) => Err(HttpError::TooBig),
        Err(LimitError::Io(e)) => Err(HttpError::Encoding(e.to_string())),
    };
    let looks_decoded = || {
        let t = body.iter().take(64).find(|b| !b.is_ascii_whitespace());
        t == Some(&b'<')
    };
    let res = if enc.contains("gzip") {
        limited(&mut flate2::read::MultiGzDecoder::new(body))
    } else if enc.contains("deflate") {
        limited(&mut flate2::read::ZlibDecoder::new(body))
            .or_else(|_| limited(&mut flate2::read::DeflateDecoder::new(body)))
    } else if looks_decoded() {
        return Ok(body.to_vec());
    } else {
        return Err(HttpError::Encoding(format!(
            "unsupported Content-Encoding `{enc}`"
        )));
    };
    match res {
        Err(HttpError::Encoding(_)) if looks_decoded() => Ok(body.to_vec()),
        Err(HttpError::Encoding(e)) => Err(HttpError::Encoding(format!(
            "cannot decode Content-Encoding `{enc}`: {e}"
        ))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn plain() {
        let r = parse_response(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>hi</p>",
            1000,
        )
        .ok();
        let r = r.as_ref();
        assert_eq!(r.map(|r| r.status), Some(200));
        assert_eq!(r.map(|r| r.body.as_slice()), Some(&b"<p>hi</p>"[..]));
    }

    #[test]
    fn chunked_gzip() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<html><p>compressed</p></html>").ok();
        let z = gz.finish().unwrap_or_default();
        let (a, b) = z.split_at(10);
        let mut p =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
        p.extend_from_slice(format!("{:x}\r\n", a.len()).as_bytes());
        p.extend_from_slice(a);
        p.extend_from_slice(format!("\r\n{:x};ext=1\r\n", b.len()).as_bytes());
        p.extend_from_slice(b);
        p.extend_from_slice(b"\r\n0\r\n\r\n");
        let r = parse_response(&p, 1000).ok();
        assert_eq!(
            r.map(|r| r.body),
            Some(b"<html><p>compressed</p></html>".to_vec())
        );
    }

    #[test]
    fn already_decoded() {
        let r = parse_response(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n<html>x</html>",
            1000,
        )
        .ok();
        assert_eq!(r.map(|r| r.body), Some(b"<html>x</html>".to_vec()));
    }

    #[test]
    fn bomb_bounded() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&vec![b'a'; 1 << 20]).ok();
        let z = gz.finish().unwrap_or_default();
        let mut p = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        p.extend_from_slice(&z);
        assert_eq!(parse_response(&p, 1000).err(), Some(HttpError::TooBig));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let mut p = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: deflate\r\n\r\n".to_vec();
            p.extend_from_slice(&b);
            let _ = parse_response(&p, 100);
            let _ = dechunk(&b, 100);
        }
    }
}

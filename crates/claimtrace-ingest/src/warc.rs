//! A streaming WARC reader (WARC/1.0 and 1.1; plain, or gzip per record as Common Crawl and
//! CC-NEWS ship it) and a small writer.
//!
//! Every `response` record whose HTTP payload is an HTML page (and every `resource` record of
//! type `text/html`) becomes a [`RawDoc`]; other records (`request`, `metadata`, `warcinfo`,
//! images, redirects…) are passed over. Damage stays local: a corrupt gzip member is skipped
//! by looking for the next member; a truncated record, a `Content-Length` that lies, or
//! garbage between records is reported with its byte offset and reading goes on at the next
//! record.

use crate::io::{Src, read_line_limited};
use crate::{Body, RawDoc};
use claimtrace_core::InputError;
use flate2::bufread::GzDecoder;
use std::io::{self, BufRead, BufReader, Read, Write};

/// Longest header line kept (longer ones are cut).
const MAX_LINE: usize = 64 * 1024;
/// Largest header block.
const MAX_HEADERS: usize = 1024 * 1024;

/// The records of one WARC file, as documents.
pub struct WarcReader<R: BufRead> {
    input: String,
    max: u64,
    state: State<R>,
    /// Records seen, and records passed over because they are not HTML pages.
    pub records: u64,
    pub ignored: u64,
}

type Member<R> = Src<BufReader<GzDecoder<Src<R>>>>;

enum State<R: BufRead> {
    Plain(Src<R>),
    Between(Src<R>),
    Member {
        src: Box<Member<R>>,
        start: u64,
        nrec: u32,
    },
    Done,
}

struct Record {
    offset: u64,
    headers: Vec<(String, String)>,
    payload: Vec<u8>,
}

enum RecErr {
    /// A read error of the underlying stream (or of gzip decoding).
    Io(io::Error),
    /// A bad record: report it and go on.
    Skip {
        offset: u64,
        reason: String,
        /// Look for the next `WARC/` line before reading on.
        resync: bool,
        /// The record is too big to read (its payload, of this size, is still to skip).
        oversize: Option<u64>,
    },
}

impl From<io::Error> for RecErr {
    fn from(e: io::Error) -> Self {
        RecErr::Io(e)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

impl<R: BufRead> WarcReader<R> {
    /// A reader over the raw bytes of a WARC file (gzipped or not: detected). `input` names
    /// the file in errors; `max` bounds the payload of one record.
    pub fn new(input: impl Into<String>, reader: Src<R>, max: u64) -> Self {
        let mut reader = reader;
        let gz = matches!(reader.fill_buf(), Ok(b) if b.starts_with(&[0x1f, 0x8b]));
        WarcReader {
            input: input.into(),
            max,
            state: if gz {
                State::Between(reader)
            } else {
                State::Plain(reader)
            },
            records: 0,
            ignored: 0,
        }
    }

    fn err(&self, location: String, reason: impl Into<String>) -> InputError {
        InputError::new(self.input.clone(), reason).at(location)
    }

    fn skip_reason(&self, reason: String, oversize: Option<u64>) -> String {
        match oversize {
            Some(n) => format!(
                "record of {} is over the size limit of {} (raise it with --max-size)",
                crate::io::human_size(n),
                crate::io::human_size(self.max)
            ),
            None => reason,
        }
    }
}

fn member_location(start: u64, nrec: u32, offset: u64) -> String {
    if nrec == 0 {
        format!("record at byte {start}")
    } else {
        format!("record at byte {offset} of the gzip member at byte {start}")
    }
}

impl<R: BufRead> Iterator for WarcReader<R> {
    type Item = Result<RawDoc, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return None,
                State::Plain(mut src) => match read_record(&mut src, self.max) {
                    Ok(None) => return None,
                    Ok(Some(rec)) => {
                        self.state = State::Plain(src);
                        let loc = format!("record at byte {}", rec.offset);
                        if let Some(item) = self.record_doc(rec, loc) {
                            return Some(item);
                        }
                    }
                    Err(RecErr::Skip {
                        offset,
                        reason,
                        resync,
                        oversize,
                    }) => {
                        let reason = self.skip_reason(reason, oversize);
                        let mut ok = true;
                        if let Some(n) = oversize {
                            ok = io::copy(&mut (&mut src).take(n), &mut io::sink()).is_ok();
                            ok = ok && end_of_record(&mut src).unwrap_or(false);
                        }
                        if resync || !ok {
                            ok = resync_lines(&mut src, u64::MAX).is_ok();
                        }
                        if ok {
                            self.state = State::Plain(src);
                        }
                        return Some(Err(self.err(format!("record at byte {offset}"), reason)));
                    }
                    Err(RecErr::Io(e)) => {
                        let at = src.pos();
                        return Some(Err(
                            self.err(format!("byte {at}"), format!("read error: {e}"))
                        ));
                    }
                },
                State::Between(mut src) => {
                    // Skip padding between members (NULs, whitespace).
                    loop {
                        let (n, done) = match src.fill_buf() {
                            Ok([]) => return None,
                            Ok(b) => {
                                let n = b
                                    .iter()
                                    .take_while(|&&c| c == 0 || c.is_ascii_whitespace())
                                    .count();
                                (n, n < b.len())
                            }
                            Err(e) => {
                                let at = src.pos();
                                return Some(Err(
                                    self.err(format!("byte {at}"), format!("read error: {e}"))
                                ));
                            }
                        };
                        src.consume(n);
                        if done {
                            break;
                        }
                    }
                    let start = src.pos();
                    let magic = matches!(src.fill_buf(), Ok(b) if b.starts_with(&[0x1f, 0x8b]) || b == [0x1f]);
                    if magic {
                        let dec = BufReader::with_capacity(64 * 1024, GzDecoder::new(src));
                        self.state = State::Member {
                            src: Box::new(Src::new(dec)),
                            start,
                            nrec: 0,
                        };
                    } else {
                        let found = resync_gzip(&mut src);
                        if found {
                            self.state = State::Between(src);
                        }
                        return Some(Err(self.err(
                            format!("byte {start}"),
                            "not gzip data where a gzip member should start (skipped to the next member)",
                        )));
                    }
                }
                State::Member {
                    mut src,
                    start,
                    nrec,
                } => match read_record(&mut src, self.max) {
                    Ok(None) => {
                        self.state = State::Between((*src).into_inner().into_inner().into_inner());
                    }
                    Ok(Some(rec)) => {
                        let loc = member_location(start, nrec, rec.offset);
                        self.state = State::Member {
                            src,
                            start,
                            nrec: nrec + 1,
                        };
                        if let Some(item) = self.record_doc(rec, loc) {
                            return Some(item);
                        }
                    }
                    Err(RecErr::Skip {
                        offset,
                        reason,
                        resync,
                        oversize,
                    }) => {
                        let reason = self.skip_reason(reason, oversize);
                        let loc = member_location(start, nrec, offset);
                        // An oversized record that starts its member (the usual one record per
                        // member): skip the whole member without decompressing it.
                        let mut abandon = oversize.is_some() && nrec == 0;
                        if !abandon {
                            if let Some(n) = oversize {
                                abandon = io::copy(&mut (&mut src).take(n), &mut io::sink())
                                    .is_err()
                                    || !end_of_record(&mut src).unwrap_or(false);
                            }
                            if resync || abandon {
                                abandon = resync_lines(&mut src, self.max).is_err();
                            }
                        }
                        if abandon {
                            let mut raw = (*src).into_inner().into_inner().into_inner();
                            if resync_gzip(&mut raw) {
                                self.state = State::Between(raw);
                            }
                        } else {
                            self.state = State::Member {
                                src,
                                start,
                                nrec: nrec + 1,
                            };
                        }
                        return Some(Err(self.err(loc, reason)));
                    }
                    Err(RecErr::Io(e)) => {
                        let loc = member_location(start, nrec, src.pos());
                        let mut raw = (*src).into_inner().into_inner().into_inner();
                        let at_eof = matches!(raw.fill_buf(), Ok([]));
                        let reason = if e.kind() == io::ErrorKind::UnexpectedEof || at_eof {
                            format!("truncated gzip data ({e})")
                        } else {
                            format!("corrupt gzip member ({e}); skipped to the next member")
                        };
                        if resync_gzip(&mut raw) {
                            self.state = State::Between(raw);
                        }
                        return Some(Err(self.err(loc, reason)));
                    }
                },
            }
        }
    }
}

impl<R: BufRead> WarcReader<R> {
    /// The document of a record, `None` for records that are not HTML pages.
    fn record_doc(&mut self, rec: Record, location: String) -> Option<Result<RawDoc, InputError>> {
        self.records += 1;
        let h = |name: &str| {
            rec.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let wtype = h("WARC-Type").unwrap_or("").to_ascii_lowercase();
        let ctype = h("Content-Type").unwrap_or("").to_ascii_lowercase();
        let url = h("WARC-Target-URI")
            .map(|u| {
                u.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
            .filter(|u| !u.is_empty());
        let fetched = h("WARC-Date").map(str::to_owned);
        let (body, charset) = match wtype.as_str() {
            "response" if rec.payload.starts_with(b"HTTP/") => {
                match crate::http::parse_response(&rec.payload, self.max) {
                    Ok(resp) => {
                        if !(200..300).contains(&resp.status) {
                            self.ignored += 1;
                            return None;
                        }
                        let ct = resp.content_type.as_deref().unwrap_or("");
                        if !is_html(ct, &resp.body) {
                            self.ignored += 1;
                            return None;
                        }
                        let cs = crate::charset::charset_param(ct).map(str::to_owned);
                        (resp.body, cs)
                    }
                    Err(e) => {
                        let reason = match e {
                            crate::http::HttpError::TooBig => format!(
                                "decoded page is over the size limit of {} (raise it with --max-size)",
                                crate::io::human_size(self.max)
                            ),
                            crate::http::HttpError::Encoding(m) => m,
                            crate::http::HttpError::BadHeaders => {
                                "HTTP headers of the response never end".to_owned()
                            }
                            crate::http::HttpError::NotHttp => {
                                "response record without an HTTP response".to_owned()
                            }
                        };
                        return Some(Err(self.err(location, reason)));
                    }
                }
            }
            "response" | "resource"
                if is_html(&ctype, &rec.payload) && !ctype.contains("application/http") =>
            {
                let cs = crate::charset::charset_param(&ctype).map(str::to_owned);
                (rec.payload, cs)
            }
            _ => {
                self.ignored += 1;
                return None;
            }
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            self.ignored += 1;
            return None;
        }
        Some(Ok(RawDoc {
            input: self.input.clone(),
            location,
            url,
            fetched,
            body: Body::Html {
                bytes: body,
                charset,
            },
            ..RawDoc::default()
        }))
    }
}

/// Whether a payload is an HTML page: by its content type, or by sniffing when it has none.
fn is_html(content_type: &str, body: &[u8]) -> bool {
    let ct = content_type.to_ascii_lowercase();
    if ct.contains("html") {
        return true;
    }
    if !ct.trim().is_empty() && !ct.starts_with("text/plain") && !ct.contains("octet-stream") {
        return false;
    }
    crate::sniff::looks_like_html(body)
}

fn read_record<B: BufRead>(src: &mut Src<B>, max: u64) -> Result<Option<Record>, RecErr> {
    let mut line = Vec::new();
    // The version line, after any blank lines.
    let offset = loop {
        let (n, _) = read_line_limited(src, &mut line, MAX_LINE)?;
        if n == 0 {
            return Ok(None);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        break src.pos() - n;
    };
    if !line.starts_with(b"WARC/") {
        return Err(RecErr::Skip {
            offset,
            reason: "not a WARC record (no `WARC/1.x` line where a record should start)".into(),
            resync: true,
            oversize: None,
        });
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut total = 0usize;
    loop {
        let (n, _) = read_line_limited(src, &mut line, MAX_LINE)?;
        if n == 0 {
            return Err(RecErr::Skip {
                offset,
                reason: "truncated record: the input ends inside its headers".into(),
                resync: false,
                oversize: None,
            });
        }
        total += n as usize;
        if total > MAX_HEADERS {
            return Err(RecErr::Skip {
                offset,
                reason: "record header block is too long (over 1 MiB)".into(),
                resync: true,
                oversize: None,
            });
        }
        let l = String::from_utf8_lossy(&line);
        let l = l.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        if l.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(l.trim());
            }
            continue;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
        .and_then(|(_, v)| v.parse::<u64>().ok());
    let Some(len) = len else {
        return Err(RecErr::Skip {
            offset,
            reason: "record has no valid Content-Length".into(),
            resync: true,
            oversize: None,
        });
    };
    let h = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_default()
    };
    let wtype = h("WARC-Type");
    let wanted = wtype == "response" || (wtype == "resource" && h("Content-Type").contains("html"));
    if !wanted {
        let n = io::copy(&mut (&mut *src).take(len), &mut io::sink())?;
        if n < len {
            return Err(RecErr::Skip {
                offset,
                reason: format!(
                    "truncated record: Content-Length says {len} bytes, the input ends after {n}"
                ),
                resync: false,
                oversize: None,
            });
        }
        if !end_of_record(src)? {
            return Err(mismatch(src, offset, len));
        }
        return Ok(Some(Record {
            offset,
            headers,
            payload: Vec::new(),
        }));
    }
    if len > max {
        return Err(RecErr::Skip {
            offset,
            reason: String::new(),
            resync: false,
            oversize: Some(len),
        });
    }
    let mut payload = Vec::with_capacity(len.min(1 << 20) as usize);
    (&mut *src).take(len).read_to_end(&mut payload)?;
    // A Content-Length that is too big swallows the start of the next record.
    if let Some(i) = find(&payload, b"\r\n\r\nWARC/1.") {
        if let Some(rest) = payload.get(i + 4..) {
            src.unread(rest);
        }
        return Err(RecErr::Skip {
            offset,
            reason: format!(
                "Content-Length ({len}) runs into the next record: the record is {} bytes",
                i
            ),
            resync: false,
            oversize: None,
        });
    }
    if (payload.len() as u64) < len {
        return Err(RecErr::Skip {
            offset,
            reason: format!(
                "truncated record: Content-Length says {len} bytes, the input ends after {}",
                payload.len()
            ),
            resync: false,
            oversize: None,
        });
    }
    if !end_of_record(src)? {
        return Err(mismatch(src, offset, len));
    }
    Ok(Some(Record {
        offset,
        headers,
        payload,
    }))
}

fn mismatch<B: BufRead>(src: &mut Src<B>, offset: u64, len: u64) -> RecErr {
    // Let the resync see a record that starts right here.
    src.unread(b"\n");
    RecErr::Skip {
        offset,
        reason: format!(
            "Content-Length ({len}) does not match the record: no record end (CRLF CRLF) after it"
        ),
        resync: true,
        oversize: None,
    }
}

/// Consumes the CRLF CRLF that ends a record; false when something else follows the payload.
fn end_of_record<B: BufRead>(src: &mut Src<B>) -> io::Result<bool> {
    let mut seen = 0;
    loop {
        let b = match src.fill_buf()? {
            [] => return Ok(true),
            b => b.first().copied().unwrap_or(0),
        };
        if (b == b'\r' || b == b'\n') && seen < 4 {
            src.consume(1);
            seen += 1;
            continue;
        }
        return Ok(b == b'W' && seen >= 2);
    }
}

/// Skips to the next line that starts a WARC record (left unread). Fails after `cap` bytes.
fn resync_lines<B: BufRead>(src: &mut Src<B>, cap: u64) -> io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut scanned = 0u64;
    loop {
        let chunk = {
            let b = src.fill_buf()?;
            if b.is_empty() {
                return Ok(());
            }
            b.to_vec()
        };
        src.consume(chunk.len());
        scanned += chunk.len() as u64;
        let mut hay = carry;
        hay.extend_from_slice(&chunk);
        if let Some(i) = find(&hay, b"\nWARC/") {
            if let Some(rest) = hay.get(i + 1..) {
                src.unread(rest);
            }
            return Ok(());
        }
        if scanned > cap {
            return Err(io::Error::other("no record found"));
        }
        carry = hay
            .get(hay.len().saturating_sub(6)..)
            .unwrap_or(&[])
            .to_vec();
    }
}

/// Skips to the next gzip member header (left unread). False at the end of the input.
fn resync_gzip<B: BufRead>(src: &mut Src<B>) -> bool {
    let mut carry: Vec<u8> = Vec::new();
    let mut first = true;
    loop {
        let chunk = match src.fill_buf() {
            Ok([]) | Err(_) => return false,
            Ok(b) => b.to_vec(),
        };
        src.consume(chunk.len());
        let mut hay = carry;
        let skip = usize::from(first); // never re-find the member we are leaving
        first = false;
        hay.extend_from_slice(&chunk);
        if let Some(i) = hay
            .get(skip..)
            .and_then(|h| find(h, &[0x1f, 0x8b, 0x08]))
            .map(|i| i + skip)
        {
            if let Some(rest) = hay.get(i..) {
                src.unread(rest);
            }
            return true;
        }
        carry = hay
            .get(hay.len().saturating_sub(2)..)
            .unwrap_or(&[])
            .to_vec();
    }
}

/// Writes WARC records, each in its own gzip member (like Common Crawl), or plain.
pub struct WarcWriter<W: Write> {
    out: W,
    gzip: bool,
    n: u64,
}

impl<W: Write> WarcWriter<W> {
    pub fn new(out: W, gzip: bool) -> Self {
        WarcWriter { out, gzip, n: 0 }
    }

    /// Writes one record with the given WARC headers (besides `WARC/1.0`, `WARC-Record-ID`
    /// and `Content-Length`, which are added) and payload.
    pub fn record(&mut self, headers: &[(&str, &str)], payload: &[u8]) -> io::Result<()> {
        self.n += 1;
        let mut rec = Vec::with_capacity(payload.len() + 512);
        rec.extend_from_slice(b"WARC/1.0\r\n");
        for (k, v) in headers {
            rec.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        rec.extend_from_slice(
            format!(
                "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{:012x}>\r\n",
                self.n
            )
            .as_bytes(),
        );
        rec.extend_from_slice(format!("Content-Length: {}\r\n\r\n", payload.len()).as_bytes());
        rec.extend_from_slice(payload);
        rec.extend_from_slice(b"\r\n\r\n");
        if self.gzip {
            let mut gz =
                flate2::write::GzEncoder::new(&mut self.out, flate2::Compression::default());
            gz.write_all(&rec)?;
            gz.finish()?;
        } else {
            self.out.write_all(&rec)?;
        }
        Ok(())
    }

    /// A `response` record holding an HTTP 200 response with an HTML body.
    pub fn html_response(
        &mut self,
        url: &str,
        date: &str,
        html: &[u8],
        charset: Option<&str>,
    ) -> io::Result<()> {
        let ct = match charset {
            Some(c) => format!("text/html; charset={c}"),
            None => "text/html".to_owned(),
        };
        let mut http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
            html.len()
        )
        .into_bytes();
        http.extend_from_slice(html);
        self.record(
            &[
                ("WARC-Type", "response"),
                ("WARC-Date", date),
                ("WARC-Target-URI", url),
                ("Content-Type", "application/http; msgtype=response"),
            ],
            &http,
        )
    }

    /// A `warcinfo` record.
    pub fn warcinfo(&mut self, date: &str, info: &str) -> io::Result<()> {
        self.record(
            &[
                ("WARC-Type", "warcinfo"),
                ("WARC-Date", date),
                ("Content-Type", "application/warc-fields"),
            ],
            info.as_bytes(),
        )
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

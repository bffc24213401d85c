//! Readers: HTML, WARC, JSONL, text, directories and stdin, with charsets and limits.
//!
//! In: file names, directories (walked recursively in sorted order) or `-` for standard input.
//! The format of each file is sniffed from its content (the extension only breaks ties):
//! WARC (plain or gzip per record), HTML (plain or `.gz`, any charset), JSONL (`text` or
//! `html` per line), a JSON array of such objects, or plain text (first line as title).
//!
//! Out: a stream of `Result<`[`RawDoc`]`, InputError>`, one per article, read lazily so that
//! memory stays bounded whatever the input size; [`RawDoc::into_doc`] turns one into a
//! [`claimtrace_core::Doc`] (decoding the charset and extracting the article from HTML), and is
//! meant to run in parallel. Bad input never panics: each problem is an [`InputError`] naming
//! the file and the record (byte offset) or line, and reading goes on.
//!
//! ```no_run
//! use claimtrace_ingest::{read_inputs, Options};
//! let opts = Options::default();
//! for item in read_inputs(&["examples/".to_string()], &opts) {
//!     match item.and_then(|raw| raw.into_doc(&opts)) {
//!         Ok(doc) => println!("{}", doc.title.unwrap_or_default()),
//!         Err(e) => eprintln!("skipped: {e}"),
//!     }
//! }
//! ```

pub mod charset;
pub mod http;
pub mod io;
pub mod jsonl;
pub mod sniff;
pub mod text;
pub mod warc;

use claimtrace_core::{Doc, InputError};
use io::{LimitError, Src, human_size, read_limited};
use sniff::Format;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// Default bound on one record, page or line, decompressed: 64 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 64 << 20;

/// Reading options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest decompressed page / WARC record / JSONL line / text file, in bytes. Beyond it
    /// the input is skipped with a clear error (this also defuses gzip bombs).
    pub max_size: u64,
    /// The publication date given to articles whose input and page carry none.
    pub default_published: Option<String>,
    /// Raw input bytes read so far (compressed bytes for gzip files), for progress bars.
    pub progress: Option<Arc<AtomicU64>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_size: DEFAULT_MAX_SIZE,
            default_published: None,
            progress: None,
        }
    }
}

/// The content of an article as read, before extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// A raw HTML page, not yet decoded; `charset` is the one declared by the transport
    /// (HTTP `Content-Type` in a WARC; UTF-8 for JSONL strings).
    Html {
        bytes: Vec<u8>,
        charset: Option<String>,
    },
    /// Plain body text (already decoded).
    Text(String),
}

impl Default for Body {
    fn default() -> Self {
        Body::Text(String::new())
    }
}

/// One article as read from an input, with the metadata the input itself gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawDoc {
    /// The input's name as given (`-` for stdin).
    pub input: String,
    /// Where in the input: `record at byte 1234`, `line 7`, or empty for a whole file.
    pub location: String,
    pub id: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    pub authors: Vec<String>,
    /// When the page was fetched (`WARC-Date`): not the publication date.
    pub fetched: Option<String>,
    pub body: Body,
}

impl RawDoc {
    /// Size of the content in bytes (to bound batches by memory).
    pub fn size(&self) -> usize {
        match &self.body {
            Body::Html { bytes, .. } => bytes.len(),
            Body::Text(t) => t.len(),
        }
    }

    fn error(&self, reason: impl Into<String>) -> InputError {
        InputError::new(self.input.clone(), reason).at(self.location.clone())
    }

    /// Builds the document: HTML is decoded (BOM, HTTP charset, `<meta>`, then a guess) and
    /// goes through [`claimtrace_extract::extract`]; metadata given by the input wins over
    /// metadata found in the page. Fails when there is no article text.
    pub fn into_doc(self, opts: &Options) -> Result<Doc, InputError> {
        let mut doc = Doc {
            id: self.id.clone().unwrap_or_default(),
            url: self.url.clone(),
            outlet: self.outlet.clone(),
            title: self.title.clone(),
            authors: self.authors.clone(),
            published: self.published.clone(),
            date_source: self.published.as_ref().map(|_| "input".into()),
            fetched: self.fetched.clone(),
            lang: self.lang.clone(),
            ..Doc::default()
        };
        match &self.body {
            Body::Html { bytes, charset } => {
                let html = charset::decode_html(bytes, charset.as_deref(), self.url.as_deref());
                let ex = claimtrace_extract::extract(&html, self.url.as_deref());
                doc.text = ex.text;
                doc.url = doc.url.or(ex.canonical_url);
                doc.outlet = doc.outlet.or(ex.site_name);
                doc.title = doc.title.or(ex.title);
                if doc.authors.is_empty() {
                    doc.author_types = ex.authors.iter().map(|a| a.kind.into()).collect();
                    doc.authors = ex.authors.into_iter().map(|a| a.name).collect();
                }
                if doc.published.is_none() {
                    doc.published = ex.published;
                    doc.date_source = ex.date_source.map(Into::into);
                    doc.date_note = ex.date_note;
                }
                doc.modified = ex.modified;
                doc.lang = doc.lang.or(ex.lang);
            }
            Body::Text(t) => doc.text = t.clone(),
        }
        if doc.text.trim().is_empty() {
            return Err(self.error(match self.body {
                Body::Html { .. } => "no article text found in the page",
                Body::Text(_) => "empty article text",
            }));
        }
        if doc.published.is_none() && opts.default_published.is_some() {
            doc.published = opts.default_published.clone();
            doc.date_source = Some("default".into());
        }
        if doc.lang.is_none() {
            doc.lang = claimtrace_extract::lang::detect(&doc.text);
        }
        if doc.id.is_empty() {
            doc.id = doc_id(doc.url.as_deref(), doc.title.as_deref(), &doc.text);
        }
        Ok(doc)
    }
}

/// A URL normalised for identity: no fragment, no `utm_*` tracking parameters, `https`,
/// lowercase host, no trailing slash.
pub fn normalize_url(u: &str) -> String {
    let Ok(mut url) = url::Url::parse(u.trim()) else {
        return u.trim().to_owned();
    };
    url.set_fragment(None);
    if url.scheme() == "http" {
        let _ = url.set_scheme("https");
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let path = url.path().to_owned();
    if path.len() > 1 && path.ends_with('/') {
        url.set_path(path.trim_end_matches('/'));
    }
    url.to_string()
}

/// A stable id: xxh3 (hex) of the normalised URL, else of the title and text.
pub fn doc_id(url: Option<&str>, title: Option<&str>, text: &str) -> String {
    use xxhash_rust::xxh3::Xxh3;
    let mut h = Xxh3::new();
    match url.filter(|u| !u.trim().is_empty()) {
        Some(u) => h.update(normalize_url(u).as_bytes()),
        None => {
            h.update(title.unwrap_or("").as_bytes());
            h.update(b"\n");
            h.update(text.as_bytes());
        }
    }
    format!("{:016x}", h.digest())
}

/// A boxed stream of articles.
pub type DocIter = Box<dyn Iterator<Item = Result<RawDoc, InputError>> + Send>;

fn one(item: Result<RawDoc, InputError>) -> DocIter {
    Box::new(std::iter::once(item))
}

fn too_big(name: &str, max: u64) -> InputError {
    InputError::new(
        name,
        format!(
            "over the size limit of {} (raise it with --max-size)",
            human_size(max)
        ),
    )
}

/// Articles from one stream (a file's content or stdin), sniffing its format.
pub fn read_stream(name: &str, reader: Box<dyn Read + Send>, opts: &Options) -> DocIter {
    let mut src =
        Src::new(BufReader::with_capacity(256 * 1024, reader)).with_progress(opts.progress.clone());
    let head = match src.fill_buf() {
        Ok(h) => h.to_vec(),
        Err(e) => return one(Err(InputError::new(name, format!("cannot read: {e}")))),
    };
    if head.starts_with(&[0x1f, 0x8b]) {
        // Peek at the decompressed start to know what is inside.
        let mut dhead = Vec::new();
        let _ = flate2::read::GzDecoder::new(&head[..])
            .take(8192)
            .read_to_end(&mut dhead);
        let fmt = sniff::sniff(&dhead, name);
        if fmt == Format::Warc {
            return Box::new(warc::WarcReader::new(name, src, opts.max_size));
        }
        let dec = BufReader::with_capacity(256 * 1024, flate2::bufread::MultiGzDecoder::new(src));
        return read_format(name, fmt, Box::new(dec), opts, true);
    }
    let fmt = sniff::sniff(&head, name);
    if fmt == Format::Warc {
        return Box::new(warc::WarcReader::new(name, src, opts.max_size));
    }
    read_format(name, fmt, Box::new(src), opts, false)
}

fn read_format(
    name: &str,
    fmt: Format,
    reader: Box<dyn BufRead + Send>,
    opts: &Options,
    gz: bool,
) -> DocIter {
    let max = opts.max_size;
    let read_all = |r: Box<dyn BufRead + Send>| -> Result<Vec<u8>, InputError> {
        read_limited(r, max).map_err(|e| match e {
            LimitError::TooBig => too_big(name, max),
            LimitError::Io(e) if gz => {
                InputError::new(name, format!("truncated or corrupt gzip data ({e})"))
            }
            LimitError::Io(e) => InputError::new(name, format!("read error: {e}")),
        })
    };
    let raw = |body: Body| RawDoc {
        input: name.to_owned(),
        body,
        ..RawDoc::default()
    };
    match fmt {
        Format::Empty => {
            // A gzip stream whose start decompressed to nothing may still be damaged.
            match read_all(reader) {
                Err(e) => one(Err(e)),
                Ok(b) if !b.iter().all(u8::is_ascii_whitespace) => {
                    one(Err(InputError::new(name, "unrecognised content")))
                }
                Ok(_) => one(Err(InputError::new(name, "empty file"))),
            }
        }
        Format::Binary => one(Err(InputError::new(
            name,
            "binary data: not HTML, WARC, JSONL or text",
        ))),
        Format::Html => one(read_all(reader).map(|bytes| {
            raw(Body::Html {
                bytes,
                charset: None,
            })
        })),
        Format::Text => one(read_all(reader).map(|bytes| {
            let (title, body) = text::split_title(&charset::decode_text(&bytes));
            RawDoc {
                title,
                ..raw(Body::Text(body))
            }
        })),
        Format::Jsonl => Box::new(jsonl::JsonlReader::new(name, reader, max)),
        Format::JsonArray => {
            let bytes = match read_all(reader) {
                Ok(b) => b,
                Err(e) => return one(Err(e)),
            };
            match serde_json::from_slice::<Vec<serde_json::Value>>(&bytes) {
                Ok(items) => {
                    let name = name.to_owned();
                    Box::new(
                        items.into_iter().enumerate().map(move |(i, v)| {
                            jsonl::from_value(&v, &name, format!("item {}", i + 1))
                        }),
                    )
                }
                Err(e) => one(Err(InputError::new(
                    name,
                    format!("invalid JSON array: {e}"),
                ))),
            }
        }
        Format::Warc => one(Err(InputError::new(name, "WARC inside a non-WARC stream"))),
    }
}

/// Articles from one path: a file, a directory (recursively, sorted), or `-` (stdin).
pub fn read_path(path: &str, opts: &Options) -> DocIter {
    let opts = opts.clone();
    let mut inputs = Inputs::new(&[path.to_owned()], &opts);
    Box::new(std::iter::from_fn(move || inputs.next()))
}

/// Articles from many paths, in order: see [`read_path`].
pub fn read_inputs(paths: &[String], opts: &Options) -> Inputs {
    Inputs::new(paths, opts)
}

/// A file found in a directory and left out without being an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    /// `extension`: a known non-article extension (images, styles, scripts, archives…), not
    /// opened; `content`: another extension, whose first bytes were sniffed and are not HTML
    /// or WARC.
    pub why: &'static str,
}

/// The stream of articles of a list of inputs.
pub struct Inputs {
    pending: VecDeque<(String, bool)>,
    current: Option<DocIter>,
    opts: Options,
    /// Files opened so far.
    pub files: u64,
    /// Files of directories left out while walking, by extension or by content ([`Skipped`]).
    /// A file named explicitly is never left out: its problems are errors.
    pub skipped: Vec<Skipped>,
}

impl Inputs {
    pub fn new(paths: &[String], opts: &Options) -> Self {
        Inputs {
            pending: paths.iter().map(|p| (p.clone(), true)).collect(),
            current: None,
            opts: opts.clone(),
            files: 0,
            skipped: Vec::new(),
        }
    }

    fn open(&mut self, name: &str, explicit: bool) -> Option<DocIter> {
        if name == "-" {
            self.files += 1;
            return Some(read_stream("-", Box::new(std::io::stdin()), &self.opts));
        }
        let path = Path::new(name);
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return Some(one(Err(InputError::new(name, format!("cannot open: {e}"))))),
        };
        if meta.is_dir() {
            match walk_with_skips(path) {
                Ok((files, left_out)) => {
                    for f in files.into_iter().rev() {
                        self.pending.push_front((f.display().to_string(), false));
                    }
                    self.skipped.extend(left_out);
                    None
                }
                Err(e) => Some(one(Err(InputError::new(
                    name,
                    format!("cannot list directory: {e}"),
                )))),
            }
        } else {
            let _ = explicit;
            self.files += 1;
            match std::fs::File::open(path) {
                Ok(f) => Some(read_stream(name, Box::new(f), &self.opts)),
                Err(e) => Some(one(Err(InputError::new(name, format!("cannot open: {e}"))))),
            }
        }
    }
}

/// The readable files under a directory, recursively, in sorted order (hidden files and
/// unknown extensions are left out).
pub fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    walk_with_skips(dir).map(|(files, _)| files)
}

/// [`walk`], and the (non-hidden) files it left out ([`Skipped`]). Files of other
/// extensions (none, `.php`, `.asp`, …) are sniffed: HTML and WARC are read, the rest left out.
pub fn walk_with_skips(dir: &Path) -> std::io::Result<(Vec<PathBuf>, Vec<Skipped>)> {
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    walk_into(dir, &mut out, &mut left_out)?;
    Ok((out, left_out))
}

/// Extensions never read in a directory (not opened).
const NOT_ARTICLES: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "bmp", "tif", "tiff", "avif", "mp3", "mp4",
    "m4a", "webm", "ogg", "wav", "avi", "mov", "pdf", "css", "js", "mjs", "map", "woff", "woff2",
    "ttf", "otf", "eot", "zip", "tar", "tgz", "bz2", "xz", "zst", "7z", "rar", "exe", "dll", "so",
    "o", "a", "bin", "db", "sqlite", "sqlite3", "wal", "shm", "lock", "py", "rs", "toml", "yaml",
    "yml", "csv", "tsv", "xml", "md", "conllu", "iob2", "parquet", "arrow", "npy", "pt", "onnx",
];

/// Whether an unknown-extension file's first bytes are HTML or WARC (gzip looked into).
fn sniffs_as_page(p: &Path, name: &str) -> bool {
    let mut head = Vec::with_capacity(8192);
    let Ok(f) = std::fs::File::open(p) else {
        return false;
    };
    if f.take(8192).read_to_end(&mut head).is_err() {
        return false;
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut d = Vec::new();
        let _ = flate2::read::GzDecoder::new(&head[..])
            .take(8192)
            .read_to_end(&mut d);
        head = d;
    }
    matches!(sniff::sniff(&head, name), Format::Html | Format::Warc)
}

fn walk_into(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    left_out: &mut Vec<Skipped>,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let p = e.path();
        let is_dir = std::fs::metadata(&p).map(|m| m.is_dir()).unwrap_or(false);
        if is_dir {
            // Unreadable subdirectories are left out rather than failing the walk.
            let _ = walk_into(&p, out, left_out);
        } else if sniff::wanted_in_dir(&name) {
            out.push(p);
        } else {
            let lower = name.to_ascii_lowercase();
            let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
            let why = if NOT_ARTICLES.contains(&ext) {
                "extension"
            } else if sniffs_as_page(&p, &name) {
                out.push(p);
                continue;
            } else {
                "content"
            };
            left_out.push(Skipped {
                path: p.display().to_string(),
                why,
            });
        }
    }
    Ok(())
}

impl Iterator for Inputs {
    type Item = Result<RawDoc, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(cur) = &mut self.current {
                if let Some(item) = cur.next() {
                    return Some(item);
                }
                self.current = None;
            }
            let (name, explicit) = self.pending.pop_front()?;
            self.current = self.open(&name, explicit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(
            normalize_url("http://Example.com/a/b/?utm_source=x&id=3#frag"),
            "https://example.com/a/b?id=3"
        );
        assert_eq!(
            doc_id(Some("http://example.com/a"), None, "x"),
            doc_id(Some("https://example.com/a/#c"), Some("t"), "y")
        );
        assert_eq!(doc_id(None, Some("t"), "x").len(), 16);
        assert_ne!(doc_id(None, Some("t"), "x"), doc_id(None, Some("t"), "y"));
    }

    #[test]
    fn text_doc() {
        let opts = Options {
            default_published: Some("2026-01-02".into()),
            ..Options::default()
        };
        let r: Vec<_> = read_stream(
            "a.txt",
            Box::new(&b"Headline here\n\nBody one.\n\nBody two."[..]),
            &opts,
        )
        .collect();
        assert_eq!(r.len(), 1);
        let doc = r
            .into_iter()
            .next()
            .and_then(|r| r.ok())
            .and_then(|r| r.into_doc(&opts).ok());
        let doc = doc.unwrap_or_default();
        assert_eq!(doc.title.as_deref(), Some("Headline here"));
        assert_eq!(doc.text, "Body one.\n\nBody two.");
        assert_eq!(doc.published.as_deref(), Some("2026-01-02"));
        assert_eq!(doc.id.len(), 16);
    }
}

#[cfg(test)]
mod walk_tests {
    use super::*;

    #[test]
    fn directories_say_what_they_left_out() {
        let dir = std::env::temp_dir().join(format!("ct-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).ok();
        let w = |n: &str, b: &[u8]| std::fs::write(dir.join(n), b).ok();
        w("a.html", b"<html><body><p>x</p></body></html>");
        w("b.png", b"\x89PNG\r\n");
        w(
            "c",
            b"<!DOCTYPE html><html><body><p>saved page</p></body></html>",
        );
        w("d.dat", b"\x00\x01\x02binary");
        w(".hidden.html", b"<p>x</p>");
        let (files, left) = walk_with_skips(&dir).unwrap_or_default();
        let names: Vec<String> = files
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(names, ["a.html", "c"]);
        let why: Vec<(&str, &str)> = left
            .iter()
            .map(|s| (s.path.rsplit('/').next().unwrap_or(""), s.why))
            .collect();
        assert_eq!(why, [("b.png", "extension"), ("d.dat", "content")]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! Columnar output: one table of articles and one flat table of claims, as Parquet or CSV.
//!
//! **In:** [`Doc`]s (or their claimtrace JSON, the JSONL schema of `claimtrace-core/src/json.rs`).
//! **Out:** two files written side by side (see [`claims_path`]):
//!
//! - `out.parquet` (or `out.csv`): one row per article. Metadata columns keep the JSON names
//!   (`id, url, outlet, title, authors, author_types, published, modified, date_source,
//!   date_note, fetched, lang, text, focus_countries`; `authors`, `author_types` and
//!   `focus_countries` are lists of strings in Parquet, JSON arrays in CSV). The nested layers
//!   (`sentences, tokens, entities, times, places, attributions, sources`) are **JSON-string
//!   columns** holding exactly the arrays of the JSONL output (null when the layer is empty or,
//!   for `tokens`, not asked for): every reader parses them with its JSON function
//!   (`json.loads`, DuckDB `->>`, Spark `from_json`).
//! - `out.claims.parquet` (or `out.claims.csv`): one row per attribution, flat:
//!   `article_id, index` (position in the article's `attributions`), `source, source_start,
//!   source_end, source_type, source_entity, source_id, cue, cue_start, cue_end, content,
//!   content_start, content_end, kind, certainty, hedge, hedge_start, hedge_end, parent,
//!   channel, channel_start, channel_end, act, score` (`act` and `score` are null when the JSON
//!   has none). Spans are a text column plus `_start`/`_end`
//!   **character** offsets into the article's `text`, as in the JSONL.
//!
//! Writing streams: rows are buffered for at most [`Writer::batch_rows`] articles (or 64 MiB of
//! text) and then written as one Parquet row group, so a whole crawl is never held in memory.
//! Parquet needs the `parquet` feature (on by default); CSV is always there.

use claimtrace_core::Doc;
use claimtrace_core::json::JsonOptions;
use serde_json::Value;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

#[cfg(feature = "parquet")]
mod arrow;

/// Names of the layer columns of the articles table, in order (JSON-string columns).
pub const LAYERS: [&str; 7] = [
    "sentences",
    "tokens",
    "entities",
    "times",
    "places",
    "attributions",
    "sources",
];

/// Names of the columns of the articles table, in order.
pub const ARTICLE_COLUMNS: [&str; 21] = [
    "id",
    "url",
    "outlet",
    "title",
    "authors",
    "author_types",
    "published",
    "modified",
    "date_source",
    "date_note",
    "fetched",
    "lang",
    "text",
    "focus_countries",
    "sentences",
    "tokens",
    "entities",
    "times",
    "places",
    "attributions",
    "sources",
];

/// Names of the columns of the claims table, in order.
pub const CLAIM_COLUMNS: [&str; 25] = [
    "article_id",
    "index",
    "source",
    "source_start",
    "source_end",
    "source_type",
    "source_entity",
    "source_id",
    "cue",
    "cue_start",
    "cue_end",
    "content",
    "content_start",
    "content_end",
    "kind",
    "certainty",
    "hedge",
    "hedge_start",
    "hedge_end",
    "parent",
    "channel",
    "channel_start",
    "channel_end",
    "act",
    "score",
];

/// Output format of the two tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Parquet,
    Csv,
}

impl Kind {
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Parquet => "parquet",
            Kind::Csv => "csv",
        }
    }
}

/// Why a table could not be written.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error(e.to_string())
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        Error(e.to_string())
    }
}

/// The claims file written beside `articles`: `out.parquet` → `out.claims.parquet`,
/// `out.csv` → `out.claims.csv`; a name without that extension gets `.claims.<ext>` appended
/// (`out` → `out.claims.parquet`).
pub fn claims_path(articles: &Path, kind: Kind) -> PathBuf {
    let ext = kind.extension();
    let name = articles
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = match name.rsplit_once('.') {
        Some((stem, e)) if e.eq_ignore_ascii_case(ext) && !stem.is_empty() => stem.to_owned(),
        _ => name,
    };
    articles.with_file_name(format!("{stem}.claims.{ext}"))
}

/// One row of the articles table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleRow {
    pub id: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub author_types: Vec<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub date_source: Option<String>,
    pub date_note: Option<String>,
    pub fetched: Option<String>,
    pub lang: Option<String>,
    pub text: String,
    pub focus_countries: Vec<String>,
    /// One JSON array per entry of [`LAYERS`], `None` when absent or empty.
    pub layers: [Option<String>; 7],
}

/// A span as a text and its character offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanCols {
    pub text: String,
    pub start: i64,
    pub end: i64,
}

/// One row of the claims table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimRow {
    pub article_id: String,
    pub index: u32,
    pub source: Option<SpanCols>,
    pub source_type: String,
    pub source_entity: Option<String>,
    pub source_id: Option<i64>,
    pub cue: Option<SpanCols>,
    pub content: SpanCols,
    pub kind: String,
    pub certainty: String,
    pub hedge: Option<SpanCols>,
    pub parent: Option<i64>,
    pub channel: Option<String>,
    pub channel_span: Option<SpanCols>,
    /// `expectation`, `warning`, `call` when the cue does not assert the content (JSON `act`).
    pub act: Option<String>,
    /// Confidence 0–1 (JSON `score`), when the writer gives one.
    pub score: Option<f64>,
}

fn s(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(x) => Some(x.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn span(v: Option<&Value>) -> Option<SpanCols> {
    let v = v?;
    let start = v.get("start")?.as_i64()?;
    let end = v.get("end")?.as_i64()?;
    Some(SpanCols {
        text: s(v, "text").unwrap_or_default(),
        start,
        end,
    })
}

/// The rows of one article from its claimtrace JSON (an object of the JSONL schema). Fields
/// of the wrong type are read as their JSON text or left empty: this never fails.
pub fn rows_from_json(v: &Value) -> (ArticleRow, Vec<ClaimRow>) {
    let mut layers: [Option<String>; 7] = Default::default();
    for (slot, name) in layers.iter_mut().zip(LAYERS) {
        *slot = v
            .get(name)
            .filter(|x| x.as_array().is_none_or(|a| !a.is_empty()) && !x.is_null())
            .map(Value::to_string);
    }
    let article = ArticleRow {
        id: s(v, "id").unwrap_or_default(),
        url: s(v, "url"),
        outlet: s(v, "outlet"),
        title: s(v, "title"),
        authors: strings(v, "authors"),
        author_types: strings(v, "author_types"),
        published: s(v, "published"),
        modified: s(v, "modified"),
        date_source: s(v, "date_source"),
        date_note: s(v, "date_note"),
        fetched: s(v, "fetched"),
        lang: s(v, "lang"),
        text: s(v, "text").unwrap_or_default(),
        focus_countries: strings(v, "focus_countries"),
        layers,
    };
    let claims = v
        .get("attributions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .enumerate()
                .map(|(i, c)| {
                    let src = c.get("source").unwrap_or(&Value::Null);
                    ClaimRow {
                        article_id: article.id.clone(),
                        index: u32::try_from(i).unwrap_or(u32::MAX),
                        source: span(Some(src)),
                        source_type: s(src, "type").unwrap_or_default(),
                        source_entity: s(src, "entity"),
                        source_id: src.get("id").and_then(Value::as_i64),
                        cue: span(c.get("cue")),
                        content: span(c.get("content")).unwrap_or_default(),
                        kind: s(c, "kind").unwrap_or_default(),
                        certainty: s(c, "certainty").unwrap_or_default(),
                        hedge: span(c.get("hedge")),
                        parent: c.get("parent").and_then(Value::as_i64),
                        channel: s(c, "channel"),
                        channel_span: span(c.get("channel_span")),
                        act: s(c, "act"),
                        score: c.get("score").and_then(Value::as_f64),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    (article, claims)
}

/// The rows of one article: its JSON form ([`Doc::json`], so names and character offsets are
/// those of the JSONL output) cut into columns.
pub fn rows(doc: &Doc, opts: JsonOptions) -> (ArticleRow, Vec<ClaimRow>) {
    let v = serde_json::to_value(doc.json(opts)).unwrap_or(Value::Null);
    rows_from_json(&v)
}

enum Sink {
    #[cfg(feature = "parquet")]
    Parquet(Box<arrow::ParquetSink>),
    Csv(Box<CsvSink>),
}

/// Writes the two tables, a row group at a time. Call [`Writer::finish`] at the end: without it
/// a Parquet file has no footer.
pub struct Writer {
    sink: Sink,
    articles: Vec<ArticleRow>,
    claims: Vec<ClaimRow>,
    bytes: usize,
    /// Articles per row group (and per CSV flush).
    pub batch_rows: usize,
    written_articles: u64,
    written_claims: u64,
    paths: (PathBuf, PathBuf),
}

const BATCH_BYTES: usize = 64 << 20;

impl Writer {
    /// Creates `path` (articles) and [`claims_path`]`(path)` (claims).
    pub fn create(path: &Path, kind: Kind, batch_rows: usize) -> Result<Writer, Error> {
        let cpath = claims_path(path, kind);
        let open = |p: &Path| {
            File::create(p)
                .map(|f| BufWriter::with_capacity(1 << 20, f))
                .map_err(|e| Error(format!("cannot create {}: {e}", p.display())))
        };
        let (a, c) = (open(path)?, open(&cpath)?);
        let sink = match kind {
            #[cfg(feature = "parquet")]
            Kind::Parquet => Sink::Parquet(Box::new(arrow::ParquetSink::new(a, c, batch_rows)?)),
            #[cfg(not(feature = "parquet"))]
            Kind::Parquet => {
                return Err(Error(
                    "this claimtrace was built without the `parquet` feature; use --format csv"
                        .into(),
                ));
            }
            Kind::Csv => Sink::Csv(Box::new(CsvSink::new(a, c)?)),
        };
        Ok(Writer {
            sink,
            articles: Vec::new(),
            claims: Vec::new(),
            bytes: 0,
            batch_rows: batch_rows.max(1),
            written_articles: 0,
            written_claims: 0,
            paths: (path.to_owned(), cpath),
        })
    }

    /// The two files: articles, claims.
    pub fn paths(&self) -> (&Path, &Path) {
        (&self.paths.0, &self.paths.1)
    }

    /// Adds one article.
    pub fn push_doc(&mut self, doc: &Doc, opts: JsonOptions) -> Result<(), Error> {
        let (a, c) = rows(doc, opts);
        self.push_rows(a, c)
    }

    /// Adds one article given as claimtrace JSON.
    pub fn push_json(&mut self, v: &Value) -> Result<(), Error> {
        let (a, c) = rows_from_json(v);
        self.push_rows(a, c)
    }

    /// Adds one article's rows; writes a row group when the buffer is full.
    pub fn push_rows(&mut self, a: ArticleRow, c: Vec<ClaimRow>) -> Result<(), Error> {
        self.bytes += a.text.len() + a.layers.iter().flatten().map(String::len).sum::<usize>();
        self.articles.push(a);
        self.claims.extend(c);
        if self.articles.len() >= self.batch_rows || self.bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows (one row group per table in Parquet).
    pub fn flush(&mut self) -> Result<(), Error> {
        if self.articles.is_empty() && self.claims.is_empty() {
            return Ok(());
        }
        match &mut self.sink {
            #[cfg(feature = "parquet")]
            Sink::Parquet(p) => p.write(&self.articles, &self.claims)?,
            Sink::Csv(c) => c.write(&self.articles, &self.claims)?,
        }
        self.written_articles += self.articles.len() as u64;
        self.written_claims += self.claims.len() as u64;
        self.articles.clear();
        self.claims.clear();
        self.bytes = 0;
        Ok(())
    }

    /// Writes what is left and closes both files. Returns (articles, claims) written.
    pub fn finish(mut self) -> Result<(u64, u64), Error> {
        self.flush()?;
        match self.sink {
            #[cfg(feature = "parquet")]
            Sink::Parquet(p) => p.finish()?,
            Sink::Csv(c) => c.finish()?,
        }
        Ok((self.written_articles, self.written_claims))
    }
}

struct CsvSink {
    articles: csv::Writer<BufWriter<File>>,
    claims: csv::Writer<BufWriter<File>>,
}

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

fn span_fields(sp: &Option<SpanCols>) -> [String; 3] {
    match sp {
        Some(x) => [x.text.clone(), x.start.to_string(), x.end.to_string()],
        None => Default::default(),
    }
}

fn num(v: Option<i64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

impl CsvSink {
    fn new(a: BufWriter<File>, c: BufWriter<File>) -> Result<CsvSink, Error> {
        let mut articles = csv::Writer::from_writer(a);
        let mut claims = csv::Writer::from_writer(c);
        articles.write_record(ARTICLE_COLUMNS)?;
        claims.write_record(CLAIM_COLUMNS)?;
        Ok(CsvSink { articles, claims })
    }

    fn write(&mut self, articles: &[ArticleRow], claims: &[ClaimRow]) -> Result<(), Error> {
        for a in articles {
            let mut rec: Vec<String> = vec![
                a.id.clone(),
                opt(&a.url).into(),
                opt(&a.outlet).into(),
                opt(&a.title).into(),
                json_list(&a.authors),
                json_list(&a.author_types),
                opt(&a.published).into(),
                opt(&a.modified).into(),
                opt(&a.date_source).into(),
                opt(&a.date_note).into(),
                opt(&a.fetched).into(),
                opt(&a.lang).into(),
                a.text.clone(),
                json_list(&a.focus_countries),
            ];
            rec.extend(a.layers.iter().map(|l| opt(l).to_owned()));
            self.articles.write_record(&rec)?;
        }
        for c in claims {
            let [src, src_s, src_e] = span_fields(&c.source);
            let [cue, cue_s, cue_e] = span_fields(&c.cue);
            let [hedge, hedge_s, hedge_e] = span_fields(&c.hedge);
            let [_, ch_s, ch_e] = span_fields(&c.channel_span);
            self.claims.write_record([
                c.article_id.as_str(),
                &c.index.to_string(),
                &src,
                &src_s,
                &src_e,
                &c.source_type,
                opt(&c.source_entity),
                &num(c.source_id),
                &cue,
                &cue_s,
                &cue_e,
                &c.content.text,
                &c.content.start.to_string(),
                &c.content.end.to_string(),
                &c.kind,
                &c.certainty,
                &hedge,
                &hedge_s,
                &hedge_e,
                &num(c.parent),
                opt(&c.channel),
                &ch_s,
                &ch_e,
                opt(&c.act),
                &c.score.map(|x| x.to_string()).unwrap_or_default(),
            ])?;
        }
        self.articles.flush()?;
        self.claims.flush()?;
        Ok(())
    }

    fn finish(mut self) -> Result<(), Error> {
        self.articles.flush()?;
        self.claims.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_file_names() {
        let p = |s: &str, k| claims_path(Path::new(s), k);
        assert_eq!(
            p("out/x.parquet", Kind::Parquet),
            PathBuf::from("out/x.claims.parquet")
        );
        assert_eq!(p("x.CSV", Kind::Csv), PathBuf::from("x.claims.csv"));
        assert_eq!(p("x", Kind::Parquet), PathBuf::from("x.claims.parquet"));
        assert_eq!(p("x.json", Kind::Csv), PathBuf::from("x.json.claims.csv"));
        assert_eq!(p(".csv", Kind::Csv), PathBuf::from(".csv.claims.csv"));
    }

    #[test]
    fn act_and_score_when_given() {
        let v = serde_json::json!({"id": "x", "text": "ab", "attributions": [
            {"content": {"text": "b", "start": 1, "end": 2}, "act": "warning", "score": 0.25}]});
        let (_, c) = rows_from_json(&v);
        assert_eq!(
            (c[0].act.as_deref(), c[0].score),
            (Some("warning"), Some(0.25))
        );
        assert_eq!((c[0].content.start, c[0].content.end), (1, 2));
    }

    #[test]
    fn odd_json_never_fails() {
        let v =
            serde_json::json!({"id": 7, "authors": [1, "A"], "attributions": [{"source": 3}, 5]});
        let (a, c) = rows_from_json(&v);
        assert_eq!(a.id, "7");
        assert_eq!(a.authors, vec!["1", "A"]);
        assert_eq!(c.len(), 2);
        assert!(c[0].source.is_none() && c[1].content.text.is_empty());
    }
}

//! Rows → Arrow record batches → Parquet row groups (zstd).

use crate::{ARTICLE_COLUMNS, ArticleRow, CLAIM_COLUMNS, ClaimRow, Error, SpanCols};
use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::io::BufWriter;
use std::sync::Arc;

impl From<parquet::errors::ParquetError> for Error {
    fn from(e: parquet::errors::ParquetError) -> Self {
        Error(format!("parquet: {e}"))
    }
}

impl From<arrow_schema::ArrowError> for Error {
    fn from(e: arrow_schema::ArrowError) -> Self {
        Error(format!("arrow: {e}"))
    }
}

/// Columns of the articles table that are lists of strings (the rest are strings).
const LIST_COLUMNS: [&str; 3] = ["authors", "author_types", "focus_countries"];

fn list_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

/// The Arrow schema of the articles table.
pub fn article_schema() -> SchemaRef {
    let fields: Vec<Field> = ARTICLE_COLUMNS
        .iter()
        .map(|&name| {
            if LIST_COLUMNS.contains(&name) {
                Field::new(name, list_type(), false)
            } else {
                Field::new(name, DataType::Utf8, !matches!(name, "id" | "text"))
            }
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// The Arrow schema of the claims table.
pub fn claim_schema() -> SchemaRef {
    let fields: Vec<Field> = CLAIM_COLUMNS
        .iter()
        .map(|&name| {
            let non_null = matches!(
                name,
                "article_id"
                    | "index"
                    | "source_type"
                    | "content"
                    | "content_start"
                    | "content_end"
                    | "kind"
                    | "certainty"
            );
            let ty = if name == "index" {
                DataType::UInt32
            } else if name == "score" {
                DataType::Float64
            } else if name.ends_with("_start")
                || name.ends_with("_end")
                || name == "source_id"
                || name == "parent"
            {
                DataType::Int64
            } else {
                DataType::Utf8
            };
            Field::new(name, ty, !non_null)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

fn strs<'a, T: 'a>(rows: &'a [T], f: impl Fn(&'a T) -> Option<&'a str>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<StringArray>())
}

fn ints<T>(rows: &[T], f: impl Fn(&T) -> Option<i64>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<Int64Array>())
}

fn lists<T>(rows: &[T], f: impl Fn(&T) -> &[String]) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for r in rows {
        for s in f(r) {
            b.values().append_value(s);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

/// One record batch of articles.
pub fn article_batch(rows: &[ArticleRow]) -> Result<RecordBatch, Error> {
    let mut cols: Vec<ArrayRef> = vec![
        strs(rows, |r| Some(r.id.as_str())),
        strs(rows, |r| r.url.as_deref()),
        strs(rows, |r| r.outlet.as_deref()),
        strs(rows, |r| r.title.as_deref()),
        lists(rows, |r| &r.authors),
        lists(rows, |r| &r.author_types),
        strs(rows, |r| r.published.as_deref()),
        strs(rows, |r| r.modified.as_deref()),
        strs(rows, |r| r.date_source.as_deref()),
        strs(rows, |r| r.date_note.as_deref()),
        strs(rows, |r| r.fetched.as_deref()),
        strs(rows, |r| r.lang.as_deref()),
        strs(rows, |r| Some(r.text.as_str())),
        lists(rows, |r| &r.focus_countries),
    ];
    for i in 0..crate::LAYERS.len() {
        cols.push(strs(rows, |r| r.layers[i].as_deref()));
    }
    Ok(RecordBatch::try_new(article_schema(), cols)?)
}

fn span_cols(
    rows: &[ClaimRow],
    f: impl Fn(&ClaimRow) -> Option<&SpanCols> + Copy,
) -> [ArrayRef; 3] {
    [
        strs(rows, move |r| f(r).map(|s| s.text.as_str())),
        ints(rows, move |r| f(r).map(|s| s.start)),
        ints(rows, move |r| f(r).map(|s| s.end)),
    ]
}

/// One record batch of claims.
pub fn claim_batch(rows: &[ClaimRow]) -> Result<RecordBatch, Error> {
    let [src, src_s, src_e] = span_cols(rows, |r| r.source.as_ref());
    let [cue, cue_s, cue_e] = span_cols(rows, |r| r.cue.as_ref());
    let [con, con_s, con_e] = span_cols(rows, |r| Some(&r.content));
    let [hedge, hedge_s, hedge_e] = span_cols(rows, |r| r.hedge.as_ref());
    let [_, ch_s, ch_e] = span_cols(rows, |r| r.channel_span.as_ref());
    let cols: Vec<ArrayRef> = vec![
        strs(rows, |r| Some(r.article_id.as_str())),
        Arc::new(rows.iter().map(|r| r.index).collect::<UInt32Array>()),
        src,
        src_s,
        src_e,
        strs(rows, |r| Some(r.source_type.as_str())),
        strs(rows, |r| r.source_entity.as_deref()),
        ints(rows, |r| r.source_id),
        cue,
        cue_s,
        cue_e,
        con,
        con_s,
        con_e,
        strs(rows, |r| Some(r.kind.as_str())),
        strs(rows, |r| Some(r.certainty.as_str())),
        hedge,
        hedge_s,
        hedge_e,
        ints(rows, |r| r.parent),
        strs(rows, |r| r.channel.as_deref()),
        ch_s,
        ch_e,
        strs(rows, |r| r.act.as_deref()),
        Arc::new(rows.iter().map(|r| r.score).collect::<Float64Array>()),
    ];
    Ok(RecordBatch::try_new(claim_schema(), cols)?)
}

pub(crate) struct ParquetSink {
    articles: ArrowWriter<BufWriter<File>>,
    claims: ArrowWriter<BufWriter<File>>,
}

impl ParquetSink {
    pub(crate) fn new(
        a: BufWriter<File>,
        c: BufWriter<File>,
        batch_rows: usize,
    ) -> Result<Self, Error> {
        let props = |rows: Option<usize>| {
            WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::default()))
                .set_max_row_group_row_count(rows)
                .set_created_by(format!("claimtrace {}", env!("CARGO_PKG_VERSION")))
                .build()
        };
        Ok(ParquetSink {
            articles: ArrowWriter::try_new(
                a,
                article_schema(),
                Some(props(Some(batch_rows.max(1)))),
            )?,
            // Claims: one row group per batch of articles, whatever its number of claims.
            claims: ArrowWriter::try_new(c, claim_schema(), Some(props(None)))?,
        })
    }

    pub(crate) fn write(&mut self, a: &[ArticleRow], c: &[ClaimRow]) -> Result<(), Error> {
        if !a.is_empty() {
            self.articles.write(&article_batch(a)?)?;
            self.articles.flush()?;
        }
        if !c.is_empty() {
            self.claims.write(&claim_batch(c)?)?;
            self.claims.flush()?;
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<(), Error> {
        let mut a = self.articles.into_inner()?;
        let mut c = self.claims.into_inner()?;
        use std::io::Write;
        a.flush()?;
        c.flush()?;
        Ok(())
    }
}

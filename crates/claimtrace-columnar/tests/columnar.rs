//! Writes the two tables for a few fictional articles and reads them back: with the parquet
//! crate's reader, with the csv crate, and with pyarrow when python3 has it.

use claimtrace_columnar::{ARTICLE_COLUMNS, CLAIM_COLUMNS, Kind, Writer, claims_path};
use claimtrace_core::json::JsonOptions;
use claimtrace_core::{Attribution, Doc, Source, Span};

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("needle in fictional text");
    Span::new(start, start + needle.len())
}

/// Three fictional articles; the first has two claims (one nested), the second has none, the
/// third has non-ASCII text so character and byte offsets differ.
fn docs() -> Vec<Doc> {
    let t1 = "Mayor Ilse Varenholt said the ferry to Quillon would run again in May. \
              The harbour office believes, according to a clerk, that repairs are late.";
    let mut d1 = Doc::from_text("art-1", t1);
    d1.url = Some("https://example.org/ferry".into());
    d1.outlet = Some("Quillon Courier".into());
    d1.title = Some("Ferry to return".into());
    d1.authors = vec!["Ana Pérez".into(), "Desk".into()];
    d1.published = Some("2026-03-17".into());
    d1.lang = Some("en".into());
    d1.sources = vec![Source {
        entity: "Ilse Varenholt".into(),
        kind: "person".into(),
        mentions: vec![span_of(t1, "Mayor Ilse Varenholt")],
    }];
    d1.attributions = vec![
        Attribution {
            source: Some(span_of(t1, "Mayor Ilse Varenholt")),
            source_type: "person".into(),
            source_id: Some(0),
            cue: Some(span_of(t1, "said")),
            content: span_of(t1, "the ferry to Quillon would run again in May"),
            kind: "indirect".into(),
            certainty: "asserted".into(),
            ..Attribution::default()
        },
        Attribution {
            source: Some(span_of(t1, "a clerk")),
            source_type: "unnamed".into(),
            cue: Some(span_of(t1, "according to")),
            content: span_of(t1, "that repairs are late"),
            kind: "indirect".into(),
            parent: Some(0),
            certainty: "hedged".into(),
            hedge: Some(span_of(t1, "believes")),
            ..Attribution::default()
        },
    ];
    let d2 = Doc::from_text("art-2", "Nothing is claimed here.");
    let t3 = "Élodie Maréchal a déclaré que le pont était fermé.";
    let mut d3 = Doc::from_text("art-3", t3);
    d3.lang = Some("fr".into());
    d3.attributions = vec![Attribution {
        source: Some(span_of(t3, "Élodie Maréchal")),
        source_type: "person".into(),
        cue: Some(span_of(t3, "a déclaré")),
        content: span_of(t3, "que le pont était fermé"),
        kind: "indirect".into(),
        certainty: "asserted".into(),
        ..Attribution::default()
    }];
    vec![d1, d2, d3]
}

fn write(kind: Kind, dir: &std::path::Path, batch: usize) -> std::path::PathBuf {
    let path = dir.join(format!("out.{}", kind.extension()));
    let mut w = Writer::create(&path, kind, batch).expect("create");
    for d in docs() {
        w.push_doc(&d, JsonOptions::default()).expect("push");
    }
    assert_eq!(w.finish().expect("finish"), (3, 3));
    path
}

#[cfg(feature = "parquet")]
mod pq {
    use arrow_array::{Array, Int64Array, RecordBatch, StringArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    /// Column names and batches of a Parquet file, read with the parquet crate's reader.
    pub fn read(p: &std::path::Path) -> (Vec<String>, Vec<RecordBatch>) {
        let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(p).expect("open"))
            .expect("reader");
        let names = b
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let batches = b
            .build()
            .expect("build")
            .collect::<Result<_, _>>()
            .expect("batches");
        (names, batches)
    }

    pub fn strings(batches: &[RecordBatch], name: &str) -> Vec<Option<String>> {
        let mut out = Vec::new();
        for b in batches {
            let a = b.column_by_name(name).expect("column");
            let a = a.as_any().downcast_ref::<StringArray>().expect("strings");
            out.extend((0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i).to_owned())));
        }
        out
    }

    pub fn ints(batches: &[RecordBatch], name: &str) -> Vec<Option<i64>> {
        let mut out = Vec::new();
        for b in batches {
            let a = b.column_by_name(name).expect("column");
            let a = a.as_any().downcast_ref::<Int64Array>().expect("ints");
            out.extend((0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i))));
        }
        out
    }
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_reads_back() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = tempfile::tempdir().expect("tempdir");
    // Two articles per row group: the three articles make two row groups.
    let path = write(Kind::Parquet, dir.path(), 2);
    let cpath = claims_path(&path, Kind::Parquet);
    assert!(cpath.ends_with("out.claims.parquet"));
    let file = SerializedFileReader::new(std::fs::File::open(&path).expect("open")).expect("file");
    assert_eq!(file.metadata().num_row_groups(), 2);

    let (names, a) = pq::read(&path);
    assert_eq!(names, ARTICLE_COLUMNS);
    assert_eq!(a.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        pq::strings(&a, "id"),
        vec![some("art-1"), some("art-2"), some("art-3")]
    );
    assert_eq!(
        pq::strings(&a, "outlet")[..2],
        [some("Quillon Courier"), None]
    );
    let atts = pq::strings(&a, "attributions");
    assert!(
        atts[0]
            .as_deref()
            .is_some_and(|j| j.contains("\"certainty\":\"hedged\""))
    );
    assert!(atts[1].is_none());

    let (names, c) = pq::read(&cpath);
    assert_eq!(names, CLAIM_COLUMNS);
    assert_eq!(c.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
    assert_eq!(pq::strings(&c, "source")[0], some("Mayor Ilse Varenholt"));
    assert_eq!(
        pq::strings(&c, "source_entity")[..2],
        [some("Ilse Varenholt"), None]
    );
    assert_eq!(pq::strings(&c, "article_id")[2], some("art-3"));
    assert_eq!(pq::ints(&c, "parent"), vec![None, Some(0), None]);
    // Character offsets, as in the JSONL: "Élodie Maréchal" is 15 characters, 17 bytes.
    assert_eq!(
        (
            pq::ints(&c, "source_start")[2],
            pq::ints(&c, "source_end")[2]
        ),
        (Some(0), Some(15))
    );
    assert_eq!(pq::strings(&c, "hedge")[1], some("believes"));
    assert_eq!(pq::strings(&c, "act")[0], None);
}

#[test]
fn csv_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(Kind::Csv, dir.path(), 1);
    let mut r = csv::Reader::from_path(&path).expect("articles csv");
    let headers: Vec<String> = r
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers, ARTICLE_COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][0], "art-1");
    assert_eq!(&rows[0][4], "[\"Ana Pérez\",\"Desk\"]");

    let mut r = csv::Reader::from_path(claims_path(&path, Kind::Csv)).expect("claims csv");
    let headers: Vec<String> = r
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers, CLAIM_COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][2], "Mayor Ilse Varenholt");
    assert_eq!(&rows[1][19], "0"); // parent
    assert_eq!(&rows[0][19], ""); // no parent
    assert_eq!((&rows[2][3], &rows[2][4]), ("0", "15"));
}

/// pyarrow (and pandas, when there) read what we write. Skips with a note when python3 or
/// pyarrow is missing; `CLAIMTRACE_PYTHON` names another interpreter (a virtualenv's).
#[cfg(feature = "parquet")]
#[test]
fn pyarrow_reads_parquet() {
    let python = std::env::var("CLAIMTRACE_PYTHON").unwrap_or_else(|_| "python3".into());
    let has = std::process::Command::new(&python)
        .args(["-c", "import pyarrow.parquet"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        eprintln!(
            "note: skipping pyarrow_reads_parquet: `{python}` with pyarrow not found \
             (set CLAIMTRACE_PYTHON to a python that has it)"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(Kind::Parquet, dir.path(), 2);
    let script = r#"
import json, sys
import pyarrow.parquet as pq
a = pq.read_table(sys.argv[1])
c = pq.read_table(sys.argv[2])
assert a.num_rows == 3, a.num_rows
assert c.num_rows == 3, c.num_rows
assert a.column("id").to_pylist() == ["art-1", "art-2", "art-3"]
assert a.column("authors").to_pylist()[0] == ["Ana Pérez", "Desk"]
atts = json.loads(a.column("attributions").to_pylist()[0])
assert atts[1]["source"]["text"] == "a clerk", atts
row = c.slice(0, 1).to_pylist()[0]
assert row["source"] == "Mayor Ilse Varenholt" and row["source_entity"] == "Ilse Varenholt", row
assert c.column("parent").to_pylist() == [None, 0, None]
print("ok")
"#;
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(&path)
        .arg(claims_path(&path, Kind::Parquet))
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "pyarrow failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
}

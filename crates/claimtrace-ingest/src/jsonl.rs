//! JSONL: one article per line, with `text` (plain) or `html` (a raw page) and optional
//! `id, url, outlet, title, published, lang, authors`.

use crate::io::read_line_limited;
use crate::{Body, RawDoc};
use claimtrace_core::InputError;
use serde_json::Value;
use std::io::BufRead;

/// The articles of a JSONL stream. A bad line is an error naming the line; the others go on.
pub struct JsonlReader<R> {
    input: String,
    reader: R,
    line: u64,
    max: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(input: impl Into<String>, reader: R, max: u64) -> Self {
        JsonlReader {
            input: input.into(),
            reader,
            line: 0,
            max,
            buf: Vec::new(),
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<RawDoc, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.line += 1;
            let loc = format!("line {}", self.line);
            let max = usize::try_from(self.max).unwrap_or(usize::MAX);
            let (n, cut) = match read_line_limited(&mut self.reader, &mut self.buf, max) {
                Ok(x) => x,
                Err(e) => {
                    self.done = true;
                    return Some(Err(InputError::new(
                        &self.input,
                        format!("read error: {e}"),
                    )
                    .at(loc)));
                }
            };
            if n == 0 {
                self.done = true;
                return None;
            }
            if cut {
                return Some(Err(InputError::new(
                    &self.input,
                    format!(
                        "line is over the size limit of {} (raise it with --max-size)",
                        crate::io::human_size(self.max)
                    ),
                )
                .at(loc)));
            }
            let line = self.buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&self.buf);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let v: Value = match serde_json::from_slice(line) {
                Ok(v) => v,
                Err(e) => {
                    return Some(Err(InputError::new(
                        &self.input,
                        format!("invalid JSON: {e}"),
                    )
                    .at(loc)));
                }
            };
            return Some(from_value(&v, &self.input, loc));
        }
        None
    }
}

fn str_field(v: &Value, key: &str) -> Result<Option<String>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok((!s.trim().is_empty()).then(|| s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(format!("field `{key}` should be a string")),
    }
}

/// An article from one JSON object.
pub fn from_value(v: &Value, input: &str, location: String) -> Result<RawDoc, InputError> {
    let err = |r: String| InputError::new(input, r).at(location.clone());
    if !v.is_object() {
        return Err(err("expected a JSON object (one article per line)".into()));
    }
    let f = |k: &str| str_field(v, k).map_err(err);
    let authors = match v.get("authors").or_else(|| v.get("author")) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        Some(_) => return Err(err("field `authors` should be an array of strings".into())),
    };
    let body = match (f("text")?, f("html")?) {
        (Some(t), _) => Body::Text(t),
        (None, Some(h)) => Body::Html {
            bytes: h.into_bytes(),
            charset: Some("utf-8".into()),
        },
        (None, None) => return Err(err("no `text` or `html` field (or it is empty)".into())),
    };
    Ok(RawDoc {
        input: input.to_owned(),
        location: location.clone(),
        id: f("id")?,
        url: f("url")?,
        outlet: f("outlet")?,
        title: f("title")?,
        published: f("published")?,
        lang: f("lang")?,
        authors,
        fetched: None,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let data = "{\"id\":\"a\",\"text\":\"Hello.\",\"authors\":[\"X\"]}\n\nnot json\n{\"html\":\"<p>x</p>\",\"id\":7}\n[1]\n{\"title\":\"no body\"}\n";
        let r: Vec<_> = JsonlReader::new("f.jsonl", data.as_bytes(), 1000).collect();
        assert_eq!(r.len(), 5);
        assert!(matches!(&r[0], Ok(d) if d.id.as_deref() == Some("a") && d.authors == ["X"]));
        assert!(matches!(&r[1], Err(e) if e.location == "line 3"));
        assert!(
            matches!(&r[2], Ok(d) if d.id.as_deref() == Some("7") && matches!(d.body, Body::Html{..}))
        );
        assert!(matches!(&r[3], Err(e) if e.location == "line 5"));
        assert!(matches!(&r[4], Err(e) if e.reason.contains("no `text`")));
    }

    #[test]
    fn long_line() {
        let data = format!(
            "{{\"text\":\"{}\"}}\n{{\"text\":\"ok\"}}\n",
            "x".repeat(500)
        );
        let r: Vec<_> = JsonlReader::new("f", data.as_bytes(), 100).collect();
        assert!(matches!(&r[0], Err(e) if e.reason.contains("size limit")));
        assert!(r[1].is_ok());
    }
}

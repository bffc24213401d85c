//! JSON (JSONL) form of a [`Doc`]: the lingua franca between stages, tools and users.
//!
//! Written: `id, url, outlet, title, authors, [author_types], published, [modified,
//! date_source, date_note, fetched], lang, [lang_supported], text` (bracketed fields only when set), then one array per
//! non-empty layer. Spans are `{text, start, end}` in **character** offsets into `text`.
//! Read: the same (layers are optional), so JSON written by `claimtrace extract` reads back.

use crate::charmap::CharMap;
use crate::doc::{Attribution, Doc, Entity, Place, Sentence, Source, TimeExpr, Token};
use crate::span::Span;
use compact_str::CompactString;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// What to include in the JSON of a document.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonOptions {
    /// Write the `tokens` layer (big: off by default).
    pub tokens: bool,
}

/// A serialisable view of a document with char offsets. Build one with [`Doc::json`].
pub struct DocJson<'a> {
    doc: &'a Doc,
    map: CharMap,
    opts: JsonOptions,
}

impl Doc {
    /// A view that serialises this document as claimtrace JSON.
    pub fn json(&self, opts: JsonOptions) -> DocJson<'_> {
        DocJson {
            doc: self,
            map: CharMap::new(&self.text),
            opts,
        }
    }

    /// One JSON line (no trailing newline).
    pub fn to_json_line(&self, opts: JsonOptions) -> String {
        serde_json::to_string(&self.json(opts)).unwrap_or_else(|e| {
            // Serialising strings and numbers cannot fail; keep a valid line regardless.
            format!("{{\"id\":{:?},\"error\":{:?}}}", self.id, e.to_string())
        })
    }
}

/// `{text, start, end}` with char offsets.
pub struct JsonSpan<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

impl Serialize for JsonSpan<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("text", self.text)?;
        m.serialize_entry("start", &self.start)?;
        m.serialize_entry("end", &self.end)?;
        m.end()
    }
}

impl<'a> DocJson<'a> {
    /// The JSON form of a span of this document.
    pub fn span(&self, span: Span) -> JsonSpan<'a> {
        JsonSpan {
            text: span.text(&self.doc.text),
            start: self.map.char_of(span.start as usize),
            end: self.map.char_of(span.end as usize),
        }
    }
}

struct Seq<'b, 'a, T>(&'b DocJson<'a>, &'b [T]);

impl Serialize for Seq<'_, '_, Sentence> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for x in self.1 {
            seq.serialize_element(&self.0.span(x.span))?;
        }
        seq.end()
    }
}

struct TokenJson<'b, 'a>(&'b DocJson<'a>, &'b Token);

impl Serialize for TokenJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (dj, t) = (self.0, self.1);
        let sp = dj.span(t.span);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("text", sp.text)?;
        m.serialize_entry("start", &sp.start)?;
        m.serialize_entry("end", &sp.end)?;
        if let Some(f) = &t.form {
            m.serialize_entry("form", f.as_str())?;
        }
        if !t.upos.is_empty() {
            m.serialize_entry("upos", t.upos.as_str())?;
        }
        if !t.feats.is_empty() {
            m.serialize_entry("feats", t.feats.as_str())?;
        }
        if !t.lemma.is_empty() {
            m.serialize_entry("lemma", t.lemma.as_str())?;
        }
        if !t.deprel.is_empty() {
            let head: i64 = if t.head == Token::ROOT {
                -1
            } else {
                t.head as i64
            };
            m.serialize_entry("head", &head)?;
            m.serialize_entry("deprel", t.deprel.as_str())?;
        }
        m.end()
    }
}

impl Serialize for Seq<'_, '_, Token> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for t in self.1 {
            seq.serialize_element(&TokenJson(self.0, t))?;
        }
        seq.end()
    }
}

impl Serialize for Seq<'_, '_, Entity> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for e in self.1 {
            let sp = self.0.span(e.span);
            seq.serialize_element(&EntityJson(sp, e.label.as_str()))?;
        }
        seq.end()
    }
}

struct EntityJson<'a>(JsonSpan<'a>, &'a str);

impl Serialize for EntityJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("text", self.0.text)?;
        m.serialize_entry("start", &self.0.start)?;
        m.serialize_entry("end", &self.0.end)?;
        m.serialize_entry("label", self.1)?;
        m.end()
    }
}

impl Serialize for Seq<'_, '_, TimeExpr> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for t in self.1 {
            seq.serialize_element(&TimeJson(self.0.span(t.span), t))?;
        }
        seq.end()
    }
}

struct TimeJson<'a>(JsonSpan<'a>, &'a TimeExpr);

impl Serialize for TimeJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("text", self.0.text)?;
        m.serialize_entry("start", &self.0.start)?;
        m.serialize_entry("end", &self.0.end)?;
        m.serialize_entry("type", self.1.kind.as_str())?;
        m.serialize_entry("value", &self.1.value)?;
        m.serialize_entry("anchor", self.1.anchor.as_str())?;
        m.end()
    }
}

impl Serialize for Seq<'_, '_, Place> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for p in self.1 {
            seq.serialize_element(&PlaceJson(self.0.span(p.span), p))?;
        }
        seq.end()
    }
}

struct PlaceJson<'a>(JsonSpan<'a>, &'a Place);

impl Serialize for PlaceJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.1;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("text", self.0.text)?;
        m.serialize_entry("start", &self.0.start)?;
        m.serialize_entry("end", &self.0.end)?;
        m.serialize_entry("geonameid", &p.geonameid)?;
        m.serialize_entry("name", &p.name)?;
        m.serialize_entry("country", p.country.as_str())?;
        m.serialize_entry("admin1", p.admin1.as_str())?;
        m.serialize_entry("lat", &p.lat)?;
        m.serialize_entry("lon", &p.lon)?;
        m.serialize_entry("confidence", &p.confidence)?;
        if let Some(r) = &p.relation {
            m.serialize_entry("relation", r.as_str())?;
        }
        if let Some(w) = &p.within {
            m.serialize_entry("within", w)?;
        }
        m.end()
    }
}

impl Serialize for Seq<'_, '_, Attribution> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for a in self.1 {
            seq.serialize_element(&AttributionJson(self.0, a))?;
        }
        seq.end()
    }
}

struct AttributionJson<'b, 'a>(&'b DocJson<'a>, &'b Attribution);

struct SourceRefJson<'a> {
    span: Option<JsonSpan<'a>>,
    kind: &'a str,
    entity: Option<&'a str>,
    id: Option<u32>,
}

impl Serialize for SourceRefJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(sp) = &self.span {
            m.serialize_entry("text", sp.text)?;
            m.serialize_entry("start", &sp.start)?;
            m.serialize_entry("end", &sp.end)?;
        }
        m.serialize_entry("type", self.kind)?;
        m.serialize_entry("entity", &self.entity)?;
        if let Some(id) = self.id {
            m.serialize_entry("id", &id)?;
        }
        m.end()
    }
}

impl Serialize for AttributionJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (dj, a) = (self.0, self.1);
        let entity = a
            .source_id
            .and_then(|i| dj.doc.sources.get(i as usize))
            .map(|x| x.entity.as_str())
            .filter(|e| !e.is_empty());
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(
            "source",
            &SourceRefJson {
                span: a.source.map(|sp| dj.span(sp)),
                kind: a.source_type.as_str(),
                entity,
                id: a.source_id,
            },
        )?;
        m.serialize_entry("cue", &a.cue.map(|sp| dj.span(sp)))?;
        m.serialize_entry("content", &dj.span(a.content))?;
        m.serialize_entry("kind", a.kind.as_str())?;
        m.serialize_entry("parent", &a.parent)?;
        m.serialize_entry("channel", &a.channel)?;
        if let Some(sp) = a.channel_span {
            m.serialize_entry("channel_span", &dj.span(sp))?;
        }
        m.serialize_entry("certainty", a.certainty.as_str())?;
        m.serialize_entry("hedge", &a.hedge.map(|sp| dj.span(sp)))?;
        if let Some(act) = &a.act {
            m.serialize_entry("act", act.as_str())?;
        }
        m.serialize_entry("score", &(f64::from(a.score) / 1000.0))?;
        m.end()
    }
}

impl Serialize for Seq<'_, '_, Source> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for x in self.1 {
            seq.serialize_element(&SourceJson(self.0, x))?;
        }
        seq.end()
    }
}

struct SourceJson<'b, 'a>(&'b DocJson<'a>, &'b Source);

impl Serialize for SourceJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (dj, x) = (self.0, self.1);
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("entity", &x.entity)?;
        m.serialize_entry("type", x.kind.as_str())?;
        let mentions: Vec<JsonSpan<'_>> = x.mentions.iter().map(|sp| dj.span(*sp)).collect();
        m.serialize_entry("mentions", &mentions)?;
        m.end()
    }
}

impl Serialize for DocJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.doc;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &d.id)?;
        m.serialize_entry("url", &d.url)?;
        m.serialize_entry("outlet", &d.outlet)?;
        m.serialize_entry("title", &d.title)?;
        m.serialize_entry("authors", &d.authors)?;
        if !d.author_types.is_empty() {
            let t: Vec<&str> = d.author_types.iter().map(|x| x.as_str()).collect();
            m.serialize_entry("author_types", &t)?;
        }
        m.serialize_entry("published", &d.published)?;
        if d.modified.is_some() {
            m.serialize_entry("modified", &d.modified)?;
        }
        if let Some(src) = &d.date_source {
            m.serialize_entry("date_source", src.as_str())?;
        }
        if d.date_note.is_some() {
            m.serialize_entry("date_note", &d.date_note)?;
        }
        if d.fetched.is_some() {
            m.serialize_entry("fetched", &d.fetched)?;
        }
        m.serialize_entry("lang", &d.lang)?;
        if let Some(sup) = d.lang_supported {
            m.serialize_entry("lang_supported", &sup)?;
        }
        m.serialize_entry("text", &d.text)?;
        if !d.sentences.is_empty() {
            m.serialize_entry("sentences", &Seq(self, &d.sentences))?;
        }
        if self.opts.tokens && !d.tokens.is_empty() {
            m.serialize_entry("tokens", &Seq(self, &d.tokens))?;
        }
        if !d.entities.is_empty() {
            m.serialize_entry("entities", &Seq(self, &d.entities))?;
        }
        if !d.times.is_empty() {
            m.serialize_entry("times", &Seq(self, &d.times))?;
        }
        if !d.places.is_empty() {
            m.serialize_entry("places", &Seq(self, &d.places))?;
        }
        if !d.focus_countries.is_empty() {
            m.serialize_entry("focus_countries", &d.focus_countries)?;
        }
        if !d.attributions.is_empty() {
            m.serialize_entry("attributions", &Seq(self, &d.attributions))?;
        }
        if !d.sources.is_empty() {
            m.serialize_entry("sources", &Seq(self, &d.sources))?;
        }
        m.end()
    }
}

/// Why a JSON object could not be read as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonDocError(pub String);

impl std::fmt::Display for JsonDocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn opt_str(v: &Value, key: &str) -> Result<Option<String>, JsonDocError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(JsonDocError(format!(
            "field `{key}` should be a string, found {}",
            kind(other)
        ))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Converts char offsets of one text to byte offsets, in one pass for sorted queries.
struct ByteMap<'t> {
    text: &'t str,
    /// byte offset of every char, plus the end.
    starts: Vec<u32>,
}

impl<'t> ByteMap<'t> {
    fn new(text: &'t str) -> Self {
        let starts = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(b, _)| b as u32)
                .chain(std::iter::once(text.len() as u32))
                .collect()
        };
        ByteMap { text, starts }
    }

    fn byte(&self, ch: u64) -> Option<usize> {
        if self.starts.is_empty() {
            return (ch as usize <= self.text.len()).then_some(ch as usize);
        }
        self.starts.get(ch as usize).map(|&b| b as usize)
    }

    fn span(&self, v: &Value, what: &str) -> Result<Span, JsonDocError> {
        let get = |k: &str| {
            v.get(k)
                .and_then(Value::as_u64)
                .ok_or_else(|| JsonDocError(format!("{what}: `{k}` missing or not a number")))
        };
        let (s, e) = (get("start")?, get("end")?);
        match (self.byte(s), self.byte(e)) {
            (Some(s), Some(e)) if s <= e => Ok(Span::new(s, e)),
            _ => Err(JsonDocError(format!(
                "{what}: span {s}..{e} does not fit the text ({} characters)",
                self.text.chars().count()
            ))),
        }
    }
}

impl Doc {
    /// Reads a document from a JSON object in claimtrace's schema. `text` is required; layers
    /// are optional. Offsets are character offsets.
    pub fn from_json(v: &Value) -> Result<Doc, JsonDocError> {
        if !v.is_object() {
            return Err(JsonDocError(format!(
                "expected a JSON object, found {}",
                kind(v)
            )));
        }
        let text =
            opt_str(v, "text")?.ok_or_else(|| JsonDocError("field `text` is missing".into()))?;
        let authors = match v.get("authors") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            Some(other) => {
                return Err(JsonDocError(format!(
                    "field `authors` should be an array of strings, found {}",
                    kind(other)
                )));
            }
        };
        let mut doc = Doc {
            id: opt_str(v, "id")?.unwrap_or_default(),
            url: opt_str(v, "url")?,
            outlet: opt_str(v, "outlet")?,
            title: opt_str(v, "title")?,
            author_types: match v.get("author_types") {
                Some(Value::Array(a)) if a.len() == authors.len() => a
                    .iter()
                    .map(|x| CompactString::from(x.as_str().unwrap_or("")))
                    .collect(),
                _ => Vec::new(),
            },
            authors,
            published: opt_str(v, "published")?,
            modified: opt_str(v, "modified")?,
            date_source: opt_str(v, "date_source")?.map(CompactString::from),
            date_note: opt_str(v, "date_note")?,
            fetched: opt_str(v, "fetched")?,
            lang: opt_str(v, "lang")?,
            lang_supported: v.get("lang_supported").and_then(Value::as_bool),
            text,
            ..Doc::default()
        };
        let bm = ByteMap::new(&doc.text);
        let mut tokens = Vec::new();
        if let Some(Value::Array(a)) = v.get("tokens") {
            for (i, t) in a.iter().enumerate() {
                let span = bm.span(t, &format!("tokens[{i}]"))?;
                let s = |k: &str| {
                    t.get(k)
                        .and_then(Value::as_str)
                        .map(compact_str::CompactString::from)
                        .unwrap_or_default()
                };
                let head = match t.get("head").and_then(Value::as_i64) {
                    Some(h) if h >= 0 => h as u32,
                    _ => Token::ROOT,
                };
                tokens.push(Token {
                    span,
                    form: t
                        .get("form")
                        .and_then(Value::as_str)
                        .map(compact_str::CompactString::from),
                    upos: s("upos"),
                    feats: s("feats"),
                    lemma: s("lemma"),
                    head,
                    deprel: s("deprel"),
                });
            }
        }
        let mut sentences = Vec::new();
        if let Some(Value::Array(a)) = v.get("sentences") {
            for (i, s) in a.iter().enumerate() {
                let span = bm.span(s, &format!("sentences[{i}]"))?;
                let ts = tokens.partition_point(|t: &Token| t.span.start < span.start) as u32;
                let te = tokens.partition_point(|t: &Token| t.span.start < span.end) as u32;
                sentences.push(Sentence {
                    span,
                    token_start: ts,
                    token_end: te,
                });
            }
        }
        let mut entities = Vec::new();
        if let Some(Value::Array(a)) = v.get("entities") {
            for (i, e) in a.iter().enumerate() {
                let span = bm.span(e, &format!("entities[{i}]"))?;
                let ts = tokens.partition_point(|t: &Token| t.span.start < span.start) as u32;
                let te = tokens.partition_point(|t: &Token| t.span.start < span.end) as u32;
                entities.push(Entity {
                    span,
                    label: e
                        .get("label")
                        .and_then(Value::as_str)
                        .map(compact_str::CompactString::from)
                        .unwrap_or_default(),
                    token_start: ts,
                    token_end: te,
                });
            }
        }
        let mut times = Vec::new();
        if let Some(Value::Array(a)) = v.get("times") {
            for (i, t) in a.iter().enumerate() {
                let span = bm.span(t, &format!("times[{i}]"))?;
                let s = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or_default();
                times.push(TimeExpr {
                    span,
                    kind: s("type").into(),
                    value: s("value").to_owned(),
                    anchor: s("anchor").into(),
                });
            }
        }
        let mut places = Vec::new();
        if let Some(Value::Array(a)) = v.get("places") {
            for (i, p) in a.iter().enumerate() {
                let span = bm.span(p, &format!("places[{i}]"))?;
                let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or_default();
                let f = |k: &str| p.get(k).and_then(Value::as_f64).unwrap_or_default();
                places.push(Place {
                    span,
                    geonameid: p
                        .get("geonameid")
                        .and_then(Value::as_u64)
                        .and_then(|x| u32::try_from(x).ok())
                        .unwrap_or(0),
                    name: s("name").to_owned(),
                    country: s("country").into(),
                    admin1: s("admin1").into(),
                    lat: f("lat"),
                    lon: f("lon"),
                    confidence: f("confidence") as f32,
                    relation: p.get("relation").and_then(Value::as_str).map(Into::into),
                    within: p.get("within").and_then(Value::as_str).map(str::to_owned),
                });
            }
        }
        if let Some(Value::Array(a)) = v.get("focus_countries") {
            doc.focus_countries = a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect();
        }
        let mut sources = Vec::new();
        if let Some(Value::Array(a)) = v.get("sources") {
            for (i, x) in a.iter().enumerate() {
                let mut mentions = Vec::new();
                if let Some(Value::Array(ms)) = x.get("mentions") {
                    for (j, mv) in ms.iter().enumerate() {
                        mentions.push(bm.span(mv, &format!("sources[{i}].mentions[{j}]"))?);
                    }
                }
                sources.push(Source {
                    entity: x
                        .get("entity")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    kind: x
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                    mentions,
                });
            }
        }
        let mut attributions = Vec::new();
        if let Some(Value::Array(a)) = v.get("attributions") {
            for (i, x) in a.iter().enumerate() {
                let what = format!("attributions[{i}]");
                let opt_span = |k: &str| -> Result<Option<Span>, JsonDocError> {
                    match x.get(k) {
                        Some(sv) if sv.get("start").is_some() => {
                            bm.span(sv, &format!("{what}.{k}")).map(Some)
                        }
                        _ => Ok(None),
                    }
                };
                let src = x.get("source");
                let s_str = |v: Option<&Value>, k: &str| {
                    v.and_then(|v| v.get(k))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                let idx = |v: Option<&Value>| {
                    v.and_then(Value::as_u64)
                        .and_then(|n| u32::try_from(n).ok())
                };
                attributions.push(Attribution {
                    source: opt_span("source")?,
                    source_type: s_str(src, "type").into(),
                    source_id: idx(src.and_then(|s| s.get("id"))),
                    cue: opt_span("cue")?,
                    content: opt_span("content")?.unwrap_or_default(),
                    kind: s_str(Some(x), "kind").into(),
                    parent: idx(x.get("parent")),
                    channel: x.get("channel").and_then(Value::as_str).map(str::to_owned),
                    channel_span: opt_span("channel_span")?,
                    certainty: s_str(Some(x), "certainty").into(),
                    hedge: opt_span("hedge")?,
                    act: x.get("act").and_then(Value::as_str).map(Into::into),
                    score: x
                        .get("score")
                        .and_then(Value::as_f64)
                        .map_or(0, |f| (f.clamp(0.0, 1.0) * 1000.0).round() as u16),
                });
            }
        }
        doc.tokens = tokens;
        doc.sentences = sentences;
        doc.entities = entities;
        doc.times = times;
        doc.places = places;
        doc.attributions = attributions;
        doc.sources = sources;
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_with_char_offsets() {
        let mut d = Doc::from_text("a1", "«Hé» said Ana.");
        d.lang = Some("en".into());
        let text = d.text.clone();
        let b = |s: &str| text.find(s).unwrap();
        d.sentences.push(Sentence {
            span: Span::new(0, text.len()),
            token_start: 0,
            token_end: 0,
        });
        d.entities.push(Entity {
            span: Span::new(b("Ana"), b("Ana") + 3),
            label: "PER".into(),
            ..Entity::default()
        });
        let line = d.to_json_line(JsonOptions::default());
        let v: Value = serde_json::from_str(&line).unwrap();
        // "«Hé» said " is 10 characters but 12 bytes.
        assert_eq!(v["entities"][0]["start"], 10);
        assert_eq!(v["entities"][0]["text"], "Ana");
        let back = Doc::from_json(&v).unwrap();
        assert_eq!(back.entities[0].span, d.entities[0].span);
        assert!(v.get("times").is_none() && v.get("places").is_none());
        assert_eq!(back.text, d.text);
    }

    #[test]
    fn times_and_places_roundtrip() {
        let mut d = Doc::from_text("t", "Hé, in Hajin yesterday.");
        let text = d.text.clone();
        let b = |s: &str| text.find(s).unwrap();
        d.times.push(TimeExpr {
            span: Span::new(b("yesterday"), b("yesterday") + 9),
            kind: "DATE".into(),
            value: "2019-03-05".into(),
            anchor: "dct".into(),
        });
        d.places.push(Place {
            span: Span::new(b("Hajin"), b("Hajin") + 5),
            geonameid: 174506,
            name: "Hajīn".into(),
            country: "SY".into(),
            admin1: "07".into(),
            lat: 34.69508,
            lon: 40.83138,
            confidence: 0.75,
            relation: Some("near".into()),
            within: None,
        });
        d.focus_countries.push("SY".into());
        let v: Value = serde_json::from_str(&d.to_json_line(JsonOptions::default())).unwrap();
        assert_eq!(v["times"][0]["start"], 13);
        assert_eq!(v["times"][0]["type"], "DATE");
        assert_eq!(v["places"][0]["geonameid"], 174506);
        assert_eq!(v["places"][0]["relation"], "near");
        assert!(v["places"][0].get("within").is_none());
        let back = Doc::from_json(&v).unwrap();
        assert_eq!(back.times, d.times);
        assert_eq!(back.places, d.places);
        assert_eq!(back.focus_countries, d.focus_countries);
    }

    #[test]
    fn attributions_roundtrip() {
        let mut d = Doc::from_text("a", "«Hé», Ana said.");
        let text = d.text.clone();
        let b = |s: &str| text.find(s).unwrap();
        d.sources.push(Source {
            entity: "Ana".into(),
            kind: "person".into(),
            mentions: vec![Span::new(b("Ana"), b("Ana") + 3)],
        });
        d.attributions.push(Attribution {
            source: Some(Span::new(b("Ana"), b("Ana") + 3)),
            source_type: "person".into(),
            source_id: Some(0),
            cue: Some(Span::new(b("said"), b("said") + 4)),
            content: Span::new(0, b(",")),
            kind: "direct".into(),
            parent: None,
            channel: Some("EFE".into()),
            channel_span: None,
            certainty: "asserted".into(),
            hedge: None,
            act: None,
            score: 870,
        });
        let v: Value = serde_json::from_str(&d.to_json_line(JsonOptions::default())).unwrap();
        assert_eq!(v["attributions"][0]["source"]["start"], 6);
        assert_eq!(v["attributions"][0]["source"]["entity"], "Ana");
        assert_eq!(v["sources"][0]["mentions"][0]["text"], "Ana");
        let back = Doc::from_json(&v).unwrap();
        assert_eq!(back.attributions, d.attributions);
        assert_eq!(back.sources, d.sources);
    }

    #[test]
    fn bad_json_docs_are_errors() {
        assert!(Doc::from_json(&serde_json::json!([1])).is_err());
        assert!(Doc::from_json(&serde_json::json!({"title": "x"})).is_err());
        assert!(Doc::from_json(&serde_json::json!({"text": 3, "title": {}})).is_err());
        let e = Doc::from_json(
            &serde_json::json!({"text": "ab", "entities": [{"start": 1, "end": 9}]}),
        );
        assert!(e.unwrap_err().0.contains("does not fit"));
    }

    #[test]
    fn date_and_author_fields_roundtrip() {
        let mut d = Doc::from_text("x", "Body.");
        d.authors = vec!["Ann Lee".into(), "AFP".into()];
        d.author_types = vec!["person".into(), "agency".into()];
        d.published = Some("2020-01-02".into());
        d.modified = Some("2020-01-05".into());
        d.date_source = Some("json-ld".into());
        d.fetched = Some("2026-05-01T12:00:00Z".into());
        let line = d.to_json_line(JsonOptions::default());
        let v: Value = serde_json::from_str(&line).unwrap_or_default();
        assert_eq!(Doc::from_json(&v).ok(), Some(d));
        // Old JSON (no new fields) still reads; a plain document writes none of them.
        let plain = Doc::from_text("y", "Body.").to_json_line(JsonOptions::default());
        assert!(!plain.contains("modified") && !plain.contains("fetched"));
    }
}

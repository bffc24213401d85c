//! The claims table: one row per attribution of every stored article (source as written and
//! resolved, source type, certainty, content, the article's outlet, language, date and story),
//! indexed for the filters of [`ClaimQuery`], with a full-text index of the content.
//!
//! Rows are written with their article ([`insert_article`], called by `write_batch`) and, for
//! a store made before the table existed, by the migration ([`backfill`]), from the article's
//! JSON line.

use crate::error::{Error, Result};
use crate::types::{ClaimQuery, ClaimRow, Page};
use claimtrace_text::norm::phrase_key;
use claimtrace_text::outlets::Outlets;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde::Deserialize;

/// Certainty values the attribution stage writes.
pub const CERTAINTIES: &[&str] = &["asserted", "hedged", "rumour", "denied", "unknown"];

/// The key an outlet is matched by: the outlet table's key when it knows the name or an
/// alias ("The Guardian", "guardian.co.uk" → `guardian`), else the folded name.
pub fn outlet_key(outlet: Option<&str>) -> String {
    let Some(o) = outlet.map(str::trim).filter(|o| !o.is_empty()) else {
        return String::new();
    };
    let table = Outlets::bundled();
    match table.keys_of_outlet_field(o).into_iter().next() {
        Some(k) => k,
        None => phrase_key(o),
    }
}

/// The key a source is matched by: its folded words joined by one space ("Mohamed A." →
/// "mohamed a").
pub fn source_key(s: &str) -> String {
    phrase_key(s)
}

/// Most words of a name whose every run of words is a key (longer names: their first words).
const NAME_WORDS: usize = 6;

/// The keys a source is found by: every run of consecutive words of its folded name
/// ("mohamed a" → "mohamed", "mohamed a", "a"), so that a filter by a name, its first words
/// or its last is one exact index look-up.
fn name_keys(key: &str) -> Vec<String> {
    let w: Vec<&str> = key.split(' ').filter(|x| !x.is_empty()).take(12).collect();
    let mut out = Vec::new();
    for i in 0..w.len() {
        if i > 0 && w.len() > NAME_WORDS {
            break;
        }
        for j in i + 1..=w.len() {
            out.push(w[i..j].join(" "));
        }
    }
    out
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonSpan {
    text: String,
    start: i64,
    end: i64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonSource {
    text: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    entity: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonAttribution {
    source: JsonSource,
    cue: Option<JsonSpan>,
    content: JsonSpan,
    parent: Option<i64>,
    certainty: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonDoc {
    attributions: Vec<JsonAttribution>,
}

/// Writes the claim rows of one stored article (`seq`) from its JSON line. A line that does
/// not parse has no rows (the article itself is stored as it came).
pub(crate) fn insert_article(
    tx: &Connection,
    seq: i64,
    story: Option<i64>,
    pub_key: &str,
    lang: Option<&str>,
    outlet_key: &str,
    json: &str,
) -> rusqlite::Result<()> {
    let Ok(doc) = serde_json::from_str::<JsonDoc>(json) else {
        return Ok(());
    };
    if doc.attributions.is_empty() {
        return Ok(());
    }
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO attributions(article, idx, story, pub_key, lang, outlet_key, \
         source, entity, source_key, text_key, source_type, certainty, cue, content, start, \
         end, parent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, \
         ?16, ?17)",
    )?;
    let mut fts =
        tx.prepare_cached("INSERT INTO attributions_fts(rowid, content) VALUES (?1, ?2)")?;
    let mut keys = tx.prepare_cached(
        "INSERT OR IGNORE INTO attribution_sources(key, pub_key, id) VALUES (?1, ?2, ?3)",
    )?;
    if !outlet_key.is_empty() {
        tx.prepare_cached("INSERT OR IGNORE INTO outlet_keys(key) VALUES (?1)")?
            .execute([outlet_key])?;
    }
    let lang = lang.and_then(claimtrace_text::lang::normalize_tag);
    for (i, a) in doc.attributions.iter().enumerate() {
        let text = a.source.text.as_deref().filter(|t| !t.trim().is_empty());
        let entity = a.source.entity.as_deref().filter(|t| !t.trim().is_empty());
        let text_key = text.map(source_key).unwrap_or_default();
        let key = entity.map(source_key).unwrap_or_else(|| text_key.clone());
        let n = ins.execute(params![
            seq,
            i as i64,
            story,
            pub_key,
            lang,
            outlet_key,
            text,
            entity,
            key,
            text_key,
            a.source.kind,
            a.certainty,
            a.cue.as_ref().map(|c| c.text.as_str()),
            a.content.text,
            a.content.start,
            a.content.end,
            a.parent,
        ])?;
        if n > 0 {
            let id = tx.last_insert_rowid();
            fts.execute(params![id, a.content.text])?;
            for k in name_keys(&key).into_iter().chain(name_keys(&text_key)) {
                keys.execute(params![k, pub_key, id])?;
            }
        }
    }
    Ok(())
}

/// Fills the claims table and the articles' outlet keys from the stored articles (the
/// migration that adds them).
pub(crate) fn backfill(tx: &Connection) -> rusqlite::Result<()> {
    let mut st =
        tx.prepare("SELECT seq, story, pub_key, lang, outlet, json FROM articles ORDER BY seq")?;
    let mut rows = st.query([])?;
    let mut keys: Vec<(i64, String)> = Vec::new();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let story: Option<i64> = r.get(1)?;
        let pub_key: String = r.get(2)?;
        let lang: Option<String> = r.get(3)?;
        let outlet: Option<String> = r.get(4)?;
        let json = r.get_ref(5)?.as_str()?;
        let key = outlet_key(outlet.as_deref());
        insert_article(tx, seq, story, &pub_key, lang.as_deref(), &key, json)?;
        keys.push((seq, key));
    }
    let mut upd = tx.prepare("UPDATE articles SET outlet_key = ?2 WHERE seq = ?1")?;
    for (seq, key) in keys {
        upd.execute(params![seq, key])?;
    }
    Ok(())
}

/// A language filter, normalised (`EN-gb` → `en`); an error for what is not a language code.
pub(crate) fn check_lang(l: &str) -> Result<String> {
    claimtrace_text::lang::known_code(l).ok_or_else(|| {
        Error::InvalidQuery(format!(
            "unknown language `{}`: use an ISO 639-1 code such as en, fr, es or ar",
            l.chars().take(40).collect::<String>()
        ))
    })
}

/// The outlet filter as SQL on a table aliased `t` with an `outlet_key` column: the outlet
/// the name or alias stands for, or any outlet whose name has these words at a word start.
pub(crate) fn outlet_condition(o: &str, cond: &mut Vec<String>, args: &mut Vec<Value>, t: &str) {
    let key = outlet_key(Some(o));
    let words = phrase_key(o);
    cond.push(format!(
        "({t}.outlet_key = ? OR instr(' ' || {t}.outlet_key, ?) > 0)"
    ));
    args.push(Value::Text(key));
    args.push(Value::Text(format!(" {words}")));
}

/// The outlet keys of stored claims that an outlet filter names (see [`outlet_condition`]).
pub(crate) fn outlet_keys_matching(c: &Connection, o: &str) -> rusqlite::Result<Vec<String>> {
    let key = outlet_key(Some(o));
    let words = format!(" {}", phrase_key(o));
    c.prepare_cached("SELECT key FROM outlet_keys WHERE key = ?1 OR instr(' ' || key, ?2) > 0")?
        .query_map(params![key, words], |r| r.get(0))?
        .collect()
}

const ROW_COLS: &str = "r.id, a.id, r.idx, r.story, a.published, r.lang, a.outlet, a.url, \
    a.title, r.source, r.entity, r.source_type, r.certainty, r.cue, r.content, r.start, r.end, \
    r.parent, (SELECT m.claim FROM claim_members m WHERE m.article = a.id AND m.attribution = r.idx \
    LIMIT 1), r.pub_key";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(ClaimRow, i64, String)> {
    Ok((
        ClaimRow {
            article: r.get(1)?,
            index: r.get::<_, i64>(2)?.max(0) as u32,
            story: r.get::<_, Option<i64>>(3)?.map(|s| s as u64),
            published: r.get(4)?,
            lang: r.get(5)?,
            outlet: r.get(6)?,
            url: r.get(7)?,
            title: r.get(8)?,
            source: r.get(9)?,
            entity: r.get(10)?,
            source_type: r.get(11)?,
            certainty: r.get(12)?,
            cue: r.get(13)?,
            content: r.get(14)?,
            start: r.get::<_, i64>(15)?.max(0) as u64,
            end: r.get::<_, i64>(16)?.max(0) as u64,
            parent: r.get::<_, Option<i64>>(17)?.map(|p| p.max(0) as u32),
            claim: r.get(18)?,
        },
        r.get(0)?,
        r.get(19)?,
    ))
}

fn trimmed(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The SQL and arguments of a claims page: the `(id, pub_key)` of the matching rows, newest
/// first (keyset cursor `c:<id>:<pub_key>`), at most `limit + 1`. The outlet filter needs the
/// keys of [`outlet_keys_matching`].
pub(crate) fn page_sql(
    q: &ClaimQuery,
    limit: usize,
    outlets: Option<&[String]>,
    fts_as_set: bool,
) -> Result<(String, Vec<Value>)> {
    let mut cond: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut join_args: Vec<Value> = Vec::new();
    let mut from = String::from("attributions r");
    // The ordering columns: of the table that drives the walk.
    let mut o = "r";
    let fts = match trimmed(&q.query) {
        Some(words) => crate::ftsq::parse(words)?,
        None => None,
    };
    let source = match trimmed(&q.source) {
        Some(s) => {
            let key = source_key(s);
            if key.is_empty() {
                return Err(Error::InvalidQuery(
                    "`source` must hold a name or words".into(),
                ));
            }
            Some(key)
        }
        None => None,
    };
    match (&fts, &source) {
        (Some(p), _) if fts_as_set => {
            // Many matches: the matching ids as a set (built once), checked along the walk in
            // date order, which stops at the page's end.
            if let Some(key) = &source {
                from =
                    String::from("attribution_sources s CROSS JOIN attributions r ON r.id = s.id");
                cond.push("s.key = ?".into());
                join_args.push(Value::Text(key.clone()));
                o = "s";
            }
            cond.push(
                "r.id IN (SELECT rowid FROM attributions_fts WHERE attributions_fts MATCH ?)"
                    .into(),
            );
            args.push(Value::Text(p.fts()));
        }
        (Some(p), _) => {
            from = String::from("attributions_fts f JOIN attributions r ON r.id = f.rowid");
            cond.push("attributions_fts MATCH ?".into());
            args.push(Value::Text(p.fts()));
            if let Some(key) = &source {
                cond.push(
                    "EXISTS (SELECT 1 FROM attribution_sources s WHERE s.key = ? \
                     AND s.pub_key = r.pub_key AND s.id = r.id)"
                        .into(),
                );
                args.push(Value::Text(key.clone()));
            }
        }
        (None, Some(key)) => {
            // The name's index drives the walk, in date order.
            from = String::from("attribution_sources s CROSS JOIN attributions r ON r.id = s.id");
            cond.push("s.key = ?".into());
            join_args.push(Value::Text(key.clone()));
            o = "s";
        }
        (None, None) => {}
    }
    if let Some(t) = trimmed(&q.source_type) {
        cond.push("r.source_type = ?".into());
        args.push(Value::Text(t.to_ascii_lowercase()));
    }
    if let Some(c) = trimmed(&q.certainty) {
        let c = c.to_ascii_lowercase();
        if !CERTAINTIES.contains(&c.as_str()) {
            return Err(Error::InvalidQuery(format!(
                "`certainty` must be one of {}",
                CERTAINTIES.join(", ")
            )));
        }
        cond.push("r.certainty = ?".into());
        args.push(Value::Text(c));
    }
    if let Some(l) = trimmed(&q.lang) {
        cond.push("r.lang = ?".into());
        args.push(Value::Text(check_lang(l)?));
    }
    if trimmed(&q.outlet).is_some() {
        match outlets.unwrap_or(&[]) {
            [] => cond.push("0".into()),
            [one] => {
                cond.push("r.outlet_key = ?".into());
                args.push(Value::Text(one.clone()));
            }
            many => {
                // Several outlets: checked row by row along the date order (an IN list on the
                // outlet index would sort every match).
                cond.push(format!(
                    "+r.outlet_key IN ({})",
                    vec!["?"; many.len()].join(", ")
                ));
                args.extend(many.iter().map(|k| Value::Text(k.clone())));
            }
        }
    }
    if let Some(f) = trimmed(&q.from) {
        cond.push(format!("{o}.pub_key >= ?"));
        args.push(Value::Text(crate::sqlite::check_date("from", f)?));
    }
    if let Some(t) = trimmed(&q.to) {
        cond.push(format!("{o}.pub_key <= ? AND {o}.pub_key <> ''"));
        args.push(Value::Text(format!(
            "{}Z",
            crate::sqlite::check_date("to", t)?
        )));
    }
    if let Some(s) = q.story {
        cond.push("r.story = ?".into());
        args.push(Value::Integer(s.min(i64::MAX as u64) as i64));
    }
    if let Some(c) = q.cursor.as_deref().filter(|c| !c.is_empty()) {
        let bad =
            || Error::InvalidQuery("invalid `cursor` (use the `next` of the previous page)".into());
        let mut it = c.splitn(3, ':');
        let (Some("c"), Some(id), Some(key)) = (it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        let id: i64 = id.parse().map_err(|_| bad())?;
        if key.len() > 60 {
            return Err(bad());
        }
        cond.push(format!(
            "({o}.pub_key < ? OR ({o}.pub_key = ? AND {o}.id < ?))"
        ));
        args.push(Value::Text(key.to_owned()));
        args.push(Value::Text(key.to_owned()));
        args.push(Value::Integer(id));
    }
    let mut sql = format!("SELECT {o}.id, {o}.pub_key FROM {from}");
    if !cond.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&cond.join(" AND "));
    }
    sql.push_str(&format!(" ORDER BY {o}.pub_key DESC, {o}.id DESC LIMIT ?"));
    join_args.extend(args);
    join_args.push(Value::Integer(limit as i64 + 1));
    Ok((sql, join_args))
}

/// From this many matches of `query`, the claims walk goes in date order with the matches as
/// a set instead of sorting every match.
const FTS_SET_FROM: i64 = 2000;

/// One page of claims: the matching ids first (no other table read), then their rows.
pub(crate) fn page(
    c: &Connection,
    q: &ClaimQuery,
    limit: usize,
) -> rusqlite::Result<std::result::Result<Page<ClaimRow>, Error>> {
    let tx = c.unchecked_transaction()?;
    let outlets = match trimmed(&q.outlet) {
        Some(o) => Some(outlet_keys_matching(&tx, o)?),
        None => None,
    };
    // Words with many matches: walk in date order with the matches as a set; few matches:
    // walk the matches and sort them.
    let mut fts_as_set = false;
    if let Some(words) = trimmed(&q.query)
        && let Ok(Some(p)) = crate::ftsq::parse(words)
    {
        let n: i64 = tx
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM attributions_fts WHERE attributions_fts MATCH ?1 LIMIT ?2)",
            )?
            .query_row(params![p.fts(), FTS_SET_FROM], |r| r.get(0))?;
        fts_as_set = n >= FTS_SET_FROM;
    }
    let (sql, args) = match page_sql(q, limit, outlets.as_deref(), fts_as_set) {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let ids: Vec<(i64, String)> = tx
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let more = ids.len() > limit;
    let mut items = Vec::with_capacity(limit.min(ids.len()));
    let mut last = None;
    {
        let mut st = tx.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM attributions r JOIN articles a ON a.seq = r.article \
             WHERE r.id = ?1"
        ))?;
        for (id, key) in ids.into_iter().take(limit) {
            if let Some((r, _, _)) = st.query_row([id], row).optional()? {
                items.push(r);
            }
            last = Some((id, key));
        }
    }
    tx.commit()?;
    let next = match (more, last) {
        (true, Some((id, key))) => Some(format!("c:{id}:{key}")),
        _ => None,
    };
    Ok(Ok(Page { items, next }))
}

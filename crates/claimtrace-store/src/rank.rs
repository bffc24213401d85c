//! Relevance scores for the full-text index: `ct_bm25(articles_fts, df₀, df₁, …)`.
//!
//! In: an FTS5 row being matched and, as arguments, the number of documents that hold each
//! phrase of the query. Out: the row's BM25 score, negated like FTS5's own `bm25()` (lower is
//! better), with the same formula and constants (k1 = 1.2, b = 0.75, idf floored at 1e-6).
//!
//! Why not `bm25()` itself: on its first row it counts, for every phrase, every document of
//! the whole index that holds it (a full walk of the phrase's doclist), on every query. For a
//! frequent word that walk is most of a search's cost. The store keeps those counts in a small
//! cache ([`DfCache`]), refreshed as the index grows, and hands them to this function, which
//! then only reads the current row (its phrase frequencies and its length).
//!
//! The function is registered on each connection with SQLite's FTS5 C API, which `rusqlite`
//! does not wrap; the `unsafe` blocks below are that boundary, each with the reason it holds.

use rusqlite::{Connection, ffi};
use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::sync::{Arc, Mutex, PoisonError};

/// The SQL name of the function.
pub(crate) const FUNCTION: &str = "ct_bm25";
/// Phrases scored per query (the store passes at most 32 words).
const MAX_PHRASES: usize = 64;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Registers `ct_bm25` on `conn` (FTS5 auxiliary functions are per connection), with the
/// row-length cache `lengths` shared by the store's connections.
pub(crate) fn register(conn: &Connection, lengths: &Arc<Lengths>) -> rusqlite::Result<()> {
    let misuse = |why: &str| {
        rusqlite::Error::SqliteFailure(
            ffi::Error::new(ffi::SQLITE_MISUSE),
            Some(format!("registering {FUNCTION}: {why}")),
        )
    };
    let mut api: *mut ffi::fts5_api = std::ptr::null_mut();
    // SAFETY: `conn.handle()` is the live `sqlite3*` of `conn`, which outlives this function.
    // We only prepare, bind, step and finalize one statement on it, from this thread (the
    // connection is borrowed, so no other thread uses it meanwhile).
    let db = unsafe { conn.handle() };
    let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
    // SAFETY: `db` is valid (above); the SQL is a NUL-terminated literal; `stmt` is a valid
    // out-pointer. On failure `stmt` stays null, and `sqlite3_finalize(NULL)` is a no-op.
    let rc = unsafe {
        ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut stmt,
            std::ptr::null_mut(),
        )
    };
    if rc != ffi::SQLITE_OK {
        // SAFETY: `stmt` is null or a statement prepared on `db`, finalized once.
        unsafe { ffi::sqlite3_finalize(stmt) };
        return Err(misuse("FTS5 is not available"));
    }
    // SAFETY: this is the documented way to obtain the `fts5_api*` (FTS5 docs, "Extending
    // FTS5"): bind a pointer to our `api` variable under the type name "fts5_api_ptr"; the
    // `fts5()` SQL function writes the API pointer through it during `sqlite3_step`. `api`
    // lives on this stack frame until after `sqlite3_finalize`, and no destructor is given,
    // so SQLite never frees it. The type-name string is a static literal, as required.
    unsafe {
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        ffi::sqlite3_finalize(stmt);
    }
    if api.is_null() {
        return Err(misuse("no FTS5 API pointer"));
    }
    // SAFETY: `api` is non-null and points to the FTS5 global API object owned by the
    // connection `db`, valid as long as the connection is open (we use it only here).
    let create = unsafe { (*api).xCreateFunction };
    let Some(create) = create else {
        return Err(misuse("FTS5 API without xCreateFunction"));
    };
    let name = std::ffi::CString::new(FUNCTION).map_err(|_| misuse("bad name"))?;
    let user = Arc::into_raw(Arc::clone(lengths))
        .cast_mut()
        .cast::<c_void>();
    // SAFETY: `create` is FTS5's own `xCreateFunction`, called with its own `api` object, a
    // NUL-terminated name (copied by FTS5), `ct_bm25` (whose signature is
    // `fts5_extension_function`'s) and as user data one strong count of `lengths`, which FTS5
    // hands back to `ct_bm25` and gives to `release_lengths` when the connection closes.
    let rc = unsafe {
        create(
            api,
            name.as_ptr(),
            user,
            Some(ct_bm25),
            Some(release_lengths),
        )
    };
    if rc != ffi::SQLITE_OK {
        // SAFETY: on failure FTS5 keeps nothing and does not call the destructor
        // (fts5CreateAux), so the strong count made above is released here, once.
        unsafe { release_lengths(user) };
        return Err(misuse("xCreateFunction failed"));
    }
    Ok(())
}

/// Releases the strong count of a [`Lengths`] given to FTS5 as user data.
unsafe extern "C" fn release_lengths(p: *mut c_void) {
    if !p.is_null() {
        // SAFETY: `p` was made by `Arc::into_raw` in `register`, and each such pointer is
        // released once: by FTS5's destructor call, or by `register` when FTS5 refused it.
        drop(unsafe { Arc::from_raw(p.cast_const().cast::<Lengths>()) });
    }
}

/// Lengths (tokens, all columns) of indexed rows by rowid, shared by a store's connections,
/// so that ranking reads a row's length from memory instead of FTS5's `docsize` table (one
/// B-tree search per row, the largest part of a score). The store never rewrites or deletes
/// a row of the index, so a length never goes stale; the cache is emptied when full.
#[derive(Debug, Default)]
pub(crate) struct Lengths {
    rows: Mutex<HashMap<i64, u32>>,
}

impl Lengths {
    const CAPACITY: usize = 1 << 20;

    fn get(&self, rowid: i64) -> Option<u32> {
        self.rows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&rowid)
            .copied()
    }

    fn put(&self, rowid: i64, len: u32) {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        if rows.len() >= Self::CAPACITY {
            rows.clear();
        }
        rows.insert(rowid, len);
    }
}

/// The BM25 score of one row for document counts `df` (one per phrase) and the row's phrase
/// frequencies `tf`, its length `len` (tokens, all columns), the number of rows `rows` and
/// the average row length `avgdl`. Returned positive (higher is better); the SQL function
/// returns it negated, as `bm25()` does.
pub(crate) fn bm25(tf: &[f64], df: &[f64], len: f64, rows: f64, avgdl: f64) -> f64 {
    let norm = K1 * (1.0 - B + B * len / avgdl.max(f64::MIN_POSITIVE));
    tf.iter()
        .zip(df)
        .map(|(&f, &n)| {
            let idf = ((rows - n + 0.5) / (n + 0.5)).ln();
            let idf = if idf > 0.0 { idf } else { 1e-6 };
            idf * (f * (K1 + 1.0)) / (f + norm)
        })
        .sum()
}

/// An FTS5 API call's result code as a `Result`.
fn check(rc: c_int) -> Result<(), c_int> {
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rc)
    }
}

/// The FTS5 auxiliary function. Never unwinds: every failure becomes an SQL error.
unsafe extern "C" fn ct_bm25(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    nval: c_int,
    vals: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 calls this with its API object, the current row's context, the SQL
    // function context and `nval` argument values, all valid for the duration of the call
    // (the `fts5_extension_function` contract); `score` uses them only within it.
    let r = unsafe { score(api, fts, nval, vals) };
    match r {
        // SAFETY: `ctx` is the live function context of this call.
        Ok(s) => unsafe { ffi::sqlite3_result_double(ctx, -s) },
        Err(rc) => unsafe { ffi::sqlite3_result_error_code(ctx, rc) },
    }
}

/// # Safety
/// The arguments must be those FTS5 passes to an auxiliary function, during that call.
unsafe fn score(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    nval: c_int,
    vals: *mut *mut ffi::sqlite3_value,
) -> Result<f64, c_int> {
    if api.is_null() || fts.is_null() {
        return Err(ffi::SQLITE_MISUSE);
    }
    // SAFETY: non-null and valid for the call (the caller's contract).
    let api = unsafe { &*api };
    let (Some(phrase_count), Some(inst_count), Some(inst)) =
        (api.xPhraseCount, api.xInstCount, api.xInst)
    else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY (for each call below): FTS5's own functions, called with its own context `fts`
    // and valid out-pointers to locals, as the Fts5ExtensionApi documentation prescribes.
    let phrases = usize::try_from(unsafe { phrase_count(fts) }).unwrap_or(0);
    let nval = usize::try_from(nval).unwrap_or(0);
    if phrases > MAX_PHRASES || nval < phrases || (nval > 0 && vals.is_null()) {
        return Err(ffi::SQLITE_MISUSE);
    }
    let mut df = [0f64; MAX_PHRASES];
    for (i, d) in df.iter_mut().enumerate().take(phrases) {
        // SAFETY: `vals` holds `nval` ≥ `phrases` > i valid value pointers (checked above).
        *d = unsafe { ffi::sqlite3_value_double(*vals.add(i)) }.max(0.0);
    }
    let mut tf = [0f64; MAX_PHRASES];
    let mut n: c_int = 0;
    check(unsafe { inst_count(fts, &mut n) })?;
    for i in 0..n {
        let (mut ip, mut ic, mut io): (c_int, c_int, c_int) = (0, 0, 0);
        check(unsafe { inst(fts, i, &mut ip, &mut ic, &mut io) })?;
        if let Some(f) = usize::try_from(ip).ok().and_then(|p| tf.get_mut(p)) {
            *f += 1.0;
        }
    }
    // SAFETY: the caller's contract, passed on.
    let len = unsafe { row_length(api, fts) }?;
    // SAFETY: as above; `totals` reads and sets this query's auxiliary data.
    let t = unsafe { totals(api, fts) }?;
    Ok(bm25(
        &tf[..phrases],
        &df[..phrases],
        f64::from(len),
        t.rows,
        t.avgdl,
    ))
}

/// The current row's length in tokens (all columns), from the store's [`Lengths`] if known.
///
/// # Safety
/// `api` and `fts` as given by FTS5 to an auxiliary function, during that call.
unsafe fn row_length(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
) -> Result<u32, c_int> {
    let (Some(user_data), Some(rowid), Some(column_size)) =
        (api.xUserData, api.xRowid, api.xColumnSize)
    else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY: FTS5's own accessors on its own context. The user data is the pointer given in
    // `register`: a strong count of a `Lengths` that FTS5 holds until the connection closes,
    // so it is live during this call, and `Lengths` is `Sync` (a mutex inside).
    let (cache, id) = unsafe {
        (
            user_data(fts).cast_const().cast::<Lengths>().as_ref(),
            rowid(fts),
        )
    };
    if let Some(len) = cache.and_then(|c| c.get(id)) {
        return Ok(len);
    }
    let mut len: c_int = 0;
    // SAFETY: as above, with an out-pointer to a local.
    check(unsafe { column_size(fts, -1, &mut len) })?;
    let len = u32::try_from(len).unwrap_or(0);
    if let Some(c) = cache {
        c.put(id, len);
    }
    Ok(len)
}

/// The index's size for one query: computed on its first row, kept as the query's FTS5
/// auxiliary data (asking FTS5 for them on every row costs as much as the rest of the score).
#[derive(Clone, Copy)]
struct Totals {
    rows: f64,
    avgdl: f64,
}

/// Frees a [`Totals`] that FTS5 held as auxiliary data.
unsafe extern "C" fn free_totals(p: *mut c_void) {
    if !p.is_null() {
        // SAFETY: the only pointer ever given to FTS5 with this destructor is the one made by
        // `Box::into_raw` in `totals`; FTS5 calls the destructor once, when the query ends or
        // when the data is replaced, so the box is rebuilt and dropped exactly once.
        drop(unsafe { Box::from_raw(p.cast::<Totals>()) });
    }
}

/// # Safety
/// `api` and `fts` as given by FTS5 to an auxiliary function, during that call.
unsafe fn totals(api: &ffi::Fts5ExtensionApi, fts: *mut ffi::Fts5Context) -> Result<Totals, c_int> {
    let (Some(get), Some(set), Some(row_count), Some(total_size)) = (
        api.xGetAuxdata,
        api.xSetAuxdata,
        api.xRowCount,
        api.xColumnTotalSize,
    ) else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY: FTS5's own accessor on its own context. It returns null or the pointer this
    // function stored below for the same query (aux data is per function and per query).
    let p = unsafe { get(fts, 0) }.cast::<Totals>();
    if !p.is_null() {
        // SAFETY: set below from a live `Box<Totals>` that FTS5 keeps until the query ends,
        // which is after this call returns; we only copy the value out.
        return Ok(unsafe { *p });
    }
    let mut rows: i64 = 0;
    // SAFETY: FTS5's own functions with its context and out-pointers to locals.
    check(unsafe { row_count(fts, &mut rows) })?;
    let mut total: i64 = 0;
    check(unsafe { total_size(fts, -1, &mut total) })?;
    let rows = rows.max(1) as f64;
    let t = Totals {
        rows,
        avgdl: total as f64 / rows,
    };
    let p = Box::into_raw(Box::new(t));
    // SAFETY: hands FTS5 ownership of `p` with its destructor; on failure FTS5 calls the
    // destructor itself (xSetAuxdata's documented contract), so we must not free it here.
    check(unsafe { set(fts, p.cast::<c_void>(), Some(free_totals)) })?;
    Ok(t)
}

/// Document counts of query phrases, shared by a store's connections. A count is reused
/// until the index has grown by more than 1/64 of what it was when counted (idf moves little
/// meanwhile); the cache is emptied when it holds [`DfCache::CAPACITY`] phrases.
#[derive(Debug, Default)]
pub(crate) struct DfCache {
    counts: HashMap<String, (i64, i64)>,
}

impl DfCache {
    const CAPACITY: usize = 65_536;

    /// The cached count of `phrase` if still fresh for an index whose newest row is `top`.
    pub(crate) fn get(&self, phrase: &str, top: i64) -> Option<i64> {
        let &(df, at) = self.counts.get(phrase)?;
        (top >= at && top - at <= (at / 64).max(64)).then_some(df)
    }

    pub(crate) fn put(&mut self, phrase: &str, top: i64, df: i64) {
        if self.counts.len() >= Self::CAPACITY {
            self.counts.clear();
        }
        self.counts.insert(phrase.to_owned(), (df, top));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(title, text, content='', contentless_delete=1,
                 tokenize='unicode61 remove_diacritics 2');",
        )
        .unwrap();
        let docs = [
            ("Port strike", "The port strike goes on, the union said."),
            (
                "Harbour",
                "Ships wait in the harbour; the strike hits the port.",
            ),
            ("Elections", "The council meets after the election."),
            (
                "Port",
                "port port port: a long text about the port and nothing else at all here",
            ),
            ("Weather", "Rain and wind on the coast, the État said."),
        ];
        for (i, (t, x)) in docs.iter().enumerate() {
            c.execute(
                "INSERT INTO t(rowid, title, text) VALUES (?1, ?2, ?3)",
                rusqlite::params![i as i64 + 1, t, x],
            )
            .unwrap();
        }
        register(&c, &Arc::default()).unwrap();
        c
    }

    #[test]
    fn same_scores_as_fts5_bm25() {
        let c = db();
        for (q, dfs) in [
            ("\"port\"", vec![3.0]),
            ("\"port\" \"strike\"", vec![3.0, 2.0]),
            ("\"etat\"", vec![1.0]),
        ] {
            let ph = vec!["?"; dfs.len()].join(", ");
            let sql = format!(
                "SELECT rowid, bm25(t), {FUNCTION}(t, {ph}) FROM t WHERE t MATCH ? ORDER BY rowid"
            );
            let mut st = c.prepare(&sql).unwrap();
            let mut args: Vec<rusqlite::types::Value> = dfs
                .iter()
                .map(|&d| rusqlite::types::Value::Real(d))
                .collect();
            args.push(rusqlite::types::Value::Text(q.into()));
            let rows: Vec<(i64, f64, f64)> = st
                .query_map(rusqlite::params_from_iter(args), |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(!rows.is_empty(), "{q}");
            for (id, want, got) in rows {
                assert!(
                    (want - got).abs() < 1e-9,
                    "{q} row {id}: bm25 {want} ct {got}"
                );
            }
        }
    }

    #[test]
    fn missing_counts_are_an_error_not_a_crash() {
        let c = db();
        let r: rusqlite::Result<Vec<f64>> = c
            .prepare(&format!(
                "SELECT {FUNCTION}(t) FROM t WHERE t MATCH '\"port\"'"
            ))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect();
        assert!(r.is_err());
    }

    #[test]
    fn cache_refreshes_as_the_index_grows() {
        let mut c = DfCache::default();
        c.put("port", 1000, 7);
        assert_eq!(c.get("port", 1000), Some(7));
        assert_eq!(c.get("port", 1064), Some(7));
        assert_eq!(c.get("port", 1065), None);
        assert_eq!(c.get("port", 999), None);
        assert_eq!(c.get("harbour", 1000), None);
    }
}

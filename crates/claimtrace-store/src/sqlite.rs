//! [`SqliteStore`]: the embedded backend (SQLite with WAL and FTS5).

use crate::error::{Error, Result};
use crate::rank::{self, DfCache, Lengths};
use crate::schema::{self, APPLICATION_ID, SCHEMA_VERSION};
use crate::types::*;
use crate::{DEFAULT_PAGE, MAX_PAGE, MAX_STORY_ARTICLES, RELEVANCE_BLOCK, Store};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params, params_from_iter};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

mod factchecks;
pub use factchecks::FactCheckMatch;

/// Full-text index segments from which [`Store::optimize_search`] merges without `force`.
const MERGE_SEGMENTS: i64 = 8;
/// Read connections open at once, per core (at least 4 in all). More readers than cores do
/// not search faster; each has its own page cache, and fewer, warmer caches read fewer pages.
const READERS_PER_CORE: usize = 2;
/// Characters of text kept as the snippet.
const SNIPPET_CHARS: usize = 300;

const SUMMARY_COLS: &str =
    "a.id, a.url, a.outlet, a.title, a.published, a.lang, a.story, a.reprint_of, a.snippet";

/// The embedded SQLite store. Cheap to share (`&SqliteStore` is `Send + Sync`): writes go
/// through one connection behind a mutex, reads through a pool.
pub struct SqliteStore {
    path: PathBuf,
    writer: Option<Mutex<Connection>>,
    readers: Mutex<Readers>,
    /// Signalled when a read connection goes back to the pool.
    reader_free: Condvar,
    /// Document counts of searched phrases, for relevance ranking (see [`rank`]).
    df: Mutex<DfCache>,
    /// Lengths of indexed rows, for relevance ranking, shared by the read connections.
    lengths: Arc<Lengths>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("read_only", &self.writer.is_none())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the first 100 bytes of a file (the SQLite header) say, read before SQLite opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    /// No such file.
    Missing,
    /// An empty file (SQLite treats it as a new database).
    Empty,
    /// An SQLite database with this `application_id` and `user_version`, and whether a
    /// non-empty `-wal` lies beside it (then the header may be out of date: SQLite must read
    /// the WAL to tell).
    Sqlite { app: i64, version: u32, wal: bool },
}

/// Reads the SQLite header of `path` before SQLite touches it, so that a file that is not a
/// store (a JSONL file given as `--db` by mistake, another program's database) is neither
/// modified nor given `-wal`/`-shm` files.
fn read_header(path: &Path) -> Result<Header> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Header::Missing),
        Err(e) => return Err(io(e)),
    };
    if meta.is_dir() {
        return Err(Error::NotSqlite {
            path: path.to_path_buf(),
        });
    }
    if meta.len() == 0 {
        return Ok(Header::Empty);
    }
    let mut head = [0u8; 100];
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]).map_err(io)? {
            0 => break,
            k => n += k,
        }
    }
    if n < 100 || &head[..16] != b"SQLite format 3\0" {
        return Err(Error::NotSqlite {
            path: path.to_path_buf(),
        });
    }
    let be32 = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let mut wal_name = path.as_os_str().to_owned();
    wal_name.push("-wal");
    let wal = std::fs::metadata(PathBuf::from(wal_name)).is_ok_and(|m| m.len() > 0);
    Ok(Header::Sqlite {
        app: i64::from(be32(68) as i32),
        version: be32(60),
        wal,
    })
}

/// Refuses, from its header alone, an SQLite file that belongs to another program. A file
/// with a pending WAL is left to [`identify`] (its header may predate the WAL).
fn check_foreign(path: &Path, header: Header) -> Result<()> {
    if let Header::Sqlite {
        app,
        version,
        wal: false,
    } = header
        && app != APPLICATION_ID
        && (app != 0 || version != 0)
    {
        return Err(Error::NotClaimtrace {
            path: path.to_path_buf(),
            why: if app == 0 {
                format!("user version {version}")
            } else {
                format!("application id {app:#x}")
            },
        });
    }
    Ok(())
}

impl SqliteStore {
    /// Opens the store for reading and writing, creating it (and applying migrations) if
    /// needed. Errors name the file: not SQLite, SQLite but not claimtrace, newer schema,
    /// read-only.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let path = path.as_ref().to_path_buf();
        check_foreign(&path, read_header(&path)?)?;
        let err = |e| Error::sqlite(&path, e);
        let mut conn = Connection::open(&path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(err)?;
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(err)? {
            return Err(Error::ReadOnly { path });
        }
        let version = identify(&conn, &path)?;
        if version > SCHEMA_VERSION {
            return Err(Error::TooNew {
                path,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        // WAL: readers never block the writer; a killed process loses only its open
        // transaction. synchronous=NORMAL keeps every committed transaction across a process
        // crash (only a power cut may lose the last ones, never corrupting the file).
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Sqlite {
                path: path.clone(),
                source: rusqlite::Error::InvalidParameterName(format!(
                    "cannot switch to WAL mode (got {mode})"
                )),
            });
        }
        conn.execute_batch(
            "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
        )
        .map_err(err)?;
        if version < SCHEMA_VERSION {
            schema::migrate(&mut conn, version).map_err(err)?;
        }
        Ok(SqliteStore {
            path,
            writer: Some(Mutex::new(conn)),
            readers: Mutex::new(Readers::new(None)),
            reader_free: Condvar::new(),
            df: Mutex::default(),
            lengths: Arc::default(),
        })
    }

    /// Checks, from its header alone and without creating anything beside it, that `path` is
    /// a claimtrace store, an empty or missing file (a store to create), or a database that
    /// [`SqliteStore::open`] must look into (a pending WAL). Refuses anything else, as
    /// [`SqliteStore::open`] would.
    pub fn check_file(path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        check_foreign(path, read_header(path)?)
    }

    /// Opens an existing store for reading only (a server beside a running ingest).
    ///
    /// A file that is not a store (empty, another program's database, not SQLite) is refused
    /// from its header, before SQLite opens it: no `-wal`/`-shm` files appear beside it.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let path = path.as_ref().to_path_buf();
        let header = read_header(&path)?;
        match header {
            Header::Missing => return Err(Error::Missing { path }),
            Header::Empty => {
                return Err(Error::NotClaimtrace {
                    path,
                    why: "the file is empty".into(),
                });
            }
            Header::Sqlite {
                app: 0,
                version: 0,
                wal: false,
            } => {
                return Err(Error::NotClaimtrace {
                    path,
                    why: "an empty database, or another program's".into(),
                });
            }
            Header::Sqlite { .. } => check_foreign(&path, header)?,
        }
        let lengths = Arc::default();
        let conn = open_reader(&path, &lengths)?;
        let version = identify(&conn, &path)?;
        if version > SCHEMA_VERSION {
            return Err(Error::TooNew {
                path,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version == 0 {
            return Err(Error::NotClaimtrace {
                path,
                why: "an empty database".into(),
            });
        }
        if version < SCHEMA_VERSION {
            return Err(Error::NotClaimtrace {
                path,
                why: format!(
                    "schema version {version} is older than {SCHEMA_VERSION}; open it once with `claimtrace ingest` to upgrade it"
                ),
            });
        }
        Ok(SqliteStore {
            path,
            writer: None,
            readers: Mutex::new(Readers::new(Some(conn))),
            reader_free: Condvar::new(),
            df: Mutex::default(),
            lengths,
        })
    }

    /// Moves everything into the database file of the store at `path` and, when no other
    /// process has it open, removes its `-wal` and `-shm` files, so that the `.db` file alone
    /// is the whole store (copy it while no one writes). For a process that only read the
    /// store (`claimtrace serve` without `--allow-store`): call it after closing the store.
    /// Does nothing to a file that is not a claimtrace store or that cannot be written.
    pub fn checkpoint_file(path: impl AsRef<Path>) -> Result<()> {
        fold_wal(path.as_ref(), true)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA integrity_check`: `"ok"` when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        self.read(|c| {
            let mut st = c.prepare("PRAGMA integrity_check")?;
            let rows: Vec<String> = st
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows.join("; "))
        })
    }

    /// Bounds the database size (in pages of 4 KiB) so that writes beyond it fail as if the
    /// disk were full. For tests of the disk-full path.
    pub fn set_max_pages(&self, pages: u64) -> Result<()> {
        self.write(|c| {
            let _: i64 =
                c.pragma_update_and_check(None, "max_page_count", pages as i64, |r| r.get(0))?;
            Ok(())
        })
    }

    /// Moves the WAL into the database file (done automatically as it grows, and when a
    /// writable store is dropped; useful before measuring the file size).
    pub fn checkpoint(&self) -> Result<()> {
        self.write(|c| c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);"))
    }

    /// Runs `f` on a read connection from the pool, waiting for one when all are busy.
    fn read<R>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<R>) -> Result<R> {
        let idle = {
            let mut pool = lock(&self.readers);
            loop {
                if let Some(c) = pool.idle.pop() {
                    break Some(c);
                }
                if pool.open < pool.max {
                    pool.open += 1;
                    break None;
                }
                pool = self
                    .reader_free
                    .wait(pool)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let conn = match idle {
            Some(c) => c,
            None => open_reader(&self.path, &self.lengths).inspect_err(|_| {
                lock(&self.readers).open -= 1;
                self.reader_free.notify_one();
            })?,
        };
        // Back to the pool even if `f` panics.
        let lease = Lease {
            store: self,
            conn: Some(conn),
        };
        let Some(conn) = lease.conn.as_ref() else {
            unreachable!("a lease holds its connection until dropped");
        };
        f(conn).map_err(|e| Error::sqlite(&self.path, e))
    }

    fn write<R>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<R>) -> Result<R> {
        let Some(w) = &self.writer else {
            return Err(Error::ReadOnly {
                path: self.path.clone(),
            });
        };
        let mut conn = lock(w);
        f(&mut conn).map_err(|e| Error::sqlite(&self.path, e))
    }
}

/// A writable store is left whole in its `.db` file: the read connections are closed first,
/// then the WAL is checkpointed, and the writer, closing last, removes the `-wal` and `-shm`
/// files (when no other process has the store open). A killed process skips this; the next
/// open replays the WAL.
///
/// A read-only store, closing, tidies up the same way when it can without waiting (no other
/// process has the store open, and the file is writable): reading a store does not leave
/// `-wal`/`-shm` files behind.
impl Drop for SqliteStore {
    fn drop(&mut self) {
        lock(&self.readers).idle.clear();
        match &self.writer {
            Some(w) => {
                let _ = lock(w).execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
            }
            None => {
                let _ = fold_wal(&self.path, false);
            }
        }
    }
}

/// Folds the WAL of the store at `path` into its database file and, as the last connection
/// to close, lets SQLite remove the `-wal` and `-shm` files. `wait`: a full (TRUNCATE)
/// checkpoint that waits for a running writer; else a passive one that never blocks (a
/// reader's exit beside a running ingest). Not a claimtrace store, or not writable: nothing.
fn fold_wal(path: &Path, wait: bool) -> Result<()> {
    let header = read_header(path)?;
    if !matches!(
        header,
        Header::Sqlite {
            app: APPLICATION_ID,
            ..
        } | Header::Sqlite { wal: true, .. }
    ) {
        return Ok(());
    }
    let err = |e| Error::sqlite(path, e);
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return Ok(());
    };
    let wait_for = Duration::from_secs(if wait { 10 } else { 0 });
    conn.busy_timeout(wait_for).map_err(err)?;
    if identify(&conn, path).is_err() {
        return Ok(());
    }
    let mode = if wait { "TRUNCATE" } else { "PASSIVE" };
    conn.execute_batch(&format!("PRAGMA wal_checkpoint({mode});"))
        .map_err(err)?;
    // Closing the last connection removes the WAL and the shared-memory file.
    conn.close().map_err(|(_, e)| err(e))
}

/// The read connections: idle ones, and how many are open (idle or lent) of at most `max`.
struct Readers {
    idle: Vec<Connection>,
    open: usize,
    max: usize,
}

impl Readers {
    fn new(first: Option<Connection>) -> Readers {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Readers {
            open: usize::from(first.is_some()),
            idle: first.into_iter().collect(),
            max: (cores * READERS_PER_CORE).max(4),
        }
    }
}

/// A read connection lent by the pool; goes back on drop.
struct Lease<'a> {
    store: &'a SqliteStore,
    conn: Option<Connection>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take() {
            lock(&self.store.readers).idle.push(c);
            self.store.reader_free.notify_one();
        }
    }
}

fn open_reader(path: &Path, lengths: &Arc<Lengths>) -> Result<Connection> {
    let err = |e| Error::sqlite(path, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(err)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(err)?;
    // 16 MiB of page cache per reader (SQLite's default is 2 MiB): the full-text index pages
    // of frequent words stay parsed in memory instead of being read again on every search.
    conn.pragma_update(None, "cache_size", -16384)
        .map_err(err)?;
    conn.set_prepared_statement_cache_capacity(64);
    rank::register(&conn, lengths).map_err(err)?;
    Ok(conn)
}

/// The schema version of a claimtrace store (0 for a new, empty file), or why it is not one.
fn identify(conn: &Connection, path: &Path) -> Result<u32> {
    let err = |e| Error::sqlite(path, e);
    let app: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(err)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(err)?;
    if app == APPLICATION_ID {
        return Ok(u32::try_from(version).unwrap_or(u32::MAX));
    }
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(err)?;
    if app == 0 && version == 0 && tables == 0 {
        return Ok(0);
    }
    Err(Error::NotClaimtrace {
        path: path.to_path_buf(),
        why: if app == 0 {
            format!("it holds {tables} other table(s) or index(es)")
        } else {
            format!("application id {app:#x}")
        },
    })
}

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: r.get(0)?,
        url: r.get(1)?,
        outlet: r.get(2)?,
        title: r.get(3)?,
        published: r.get(4)?,
        lang: r.get(5)?,
        story: r.get::<_, Option<i64>>(6)?.map(|s| s as u64),
        reprint_of: r.get(7)?,
        snippet: r.get(8)?,
        hit: None,
    })
}

fn story_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<StorySummary> {
    let nonempty = |s: String| (!s.is_empty()).then_some(s);
    let list = |s: Option<String>| -> Vec<String> {
        s.and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    };
    Ok(StorySummary {
        id: r.get::<_, i64>(0)? as u64,
        articles: r.get::<_, i64>(1)?.max(0) as u64,
        first: nonempty(r.get(2)?),
        last: nonempty(r.get(3)?),
        languages: list(r.get(4)?),
        title: r.get(5)?,
        origin: r.get(6)?,
        top_entities: list(r.get(7)?),
    })
}

const STORY_COLS: &str =
    "s.id, s.articles, s.first_date, s.last_date, s.languages, s.title, s.origin, s.top_entities";

/// A filter date: `YYYY-MM-DD` optionally followed by more (time).
pub(crate) fn check_date(what: &str, s: &str) -> Result<String> {
    let t = s.trim();
    let b = t.as_bytes();
    let ok = b.len() >= 10
        && b.len() <= 40
        && b.iter().take(10).enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !ok {
        return Err(Error::InvalidQuery(format!(
            "`{what}` must be a date YYYY-MM-DD, got `{}`",
            t.chars().take(40).collect::<String>()
        )));
    }
    Ok(t.to_owned())
}

fn page_size(limit: usize) -> usize {
    if limit == 0 {
        DEFAULT_PAGE
    } else {
        limit.min(MAX_PAGE)
    }
}

fn bad_cursor() -> Error {
    Error::InvalidQuery("invalid `cursor` (use the `next` of the previous page)".into())
}

/// `n:<seq>:<key>` (keyset, newest first) or `r:<hi>:<off>` (relevance: the block of the
/// matches at or below `seq` `hi`, from its `off`-th ranked item).
enum Cursor {
    Keyset(i64, String),
    Ranked { hi: i64, off: usize },
}

fn parse_cursor(c: &str) -> Result<Cursor> {
    let mut it = c.splitn(3, ':');
    match (it.next(), it.next(), it.next()) {
        (Some("r"), Some(hi), Some(off)) => match (hi.parse::<i64>(), off.parse::<usize>()) {
            (Ok(hi), Ok(off)) if hi >= 0 && off < RELEVANCE_BLOCK => Ok(Cursor::Ranked { hi, off }),
            _ => Err(bad_cursor()),
        },
        (Some("n"), Some(n), Some(k)) if k.len() <= 60 => n
            .parse()
            .map(|n| Cursor::Keyset(n, k.to_owned()))
            .map_err(|_| bad_cursor()),
        _ => Err(bad_cursor()),
    }
}

fn trimmed(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The article filters of a [`Query`] (everything but the words), as SQL conditions on
/// `articles a` and their arguments.
#[derive(Debug, Default)]
struct Filters {
    cond: Vec<String>,
    args: Vec<Value>,
    /// The story filter, also used to bound the full-text walk.
    story: Option<i64>,
}

fn filters(q: &Query) -> Result<Filters> {
    let mut f = Filters::default();
    if let Some(l) = trimmed(&q.lang) {
        f.cond.push("a.lang = ?".into());
        f.args.push(Value::Text(crate::claims::check_lang(l)?));
    }
    if let Some(o) = trimmed(&q.outlet) {
        crate::claims::outlet_condition(o, &mut f.cond, &mut f.args, "a");
    }
    if let Some(from) = trimmed(&q.from) {
        f.cond.push("a.pub_key >= ?".into());
        f.args.push(Value::Text(check_date("from", from)?));
    }
    if let Some(t) = trimmed(&q.to) {
        f.cond.push("a.pub_key <= ? AND a.pub_key <> ''".into());
        f.args
            .push(Value::Text(format!("{}Z", check_date("to", t)?)));
    }
    if let Some(s) = q.story {
        let s = s.min(i64::MAX as u64) as i64;
        f.cond.push("a.story = ?".into());
        f.args.push(Value::Integer(s));
        f.story = Some(s);
    }
    Ok(f)
}

/// The words of a relevance search: the FTS5 query and the number of documents holding each
/// of its phrases (for [`rank`]).
struct Words<'a> {
    fts: &'a str,
    df: &'a [i64],
}

/// The SQL of one relevance block: the newest `LIMIT` matches (store order, `seq` descending)
/// at or below a `seq`, with their BM25 score when `scored` holds the number of phrases. FTS5
/// walks its doclists in rowid order and stops at the LIMIT, so the cost is bounded by the
/// block size, not by the number of matches (the phrases' document counts come from the
/// store's cache, see [`rank`]). Filters join `articles` inside the walk; a story filter also
/// bounds the walk to the story's range of `seq`.
fn block_sql(f: &Filters, scored: Option<usize>) -> String {
    let mut sql = String::from("SELECT articles_fts.rowid");
    match scored {
        Some(n) => {
            sql.push_str(", ");
            sql.push_str(rank::FUNCTION);
            sql.push_str("(articles_fts");
            for _ in 0..n {
                sql.push_str(", ?");
            }
            sql.push_str(") FROM articles_fts");
        }
        None => sql.push_str(" FROM articles_fts"),
    }
    if !f.cond.is_empty() {
        // CROSS JOIN: the full-text walk stays the outer loop (its order is the block's).
        sql.push_str(" CROSS JOIN articles a ON a.seq = articles_fts.rowid");
    }
    if f.story.is_some() {
        // One upper bound (FTS5 takes one of each kind), the lower one from the story.
        sql.push_str(
            " WHERE articles_fts MATCH ? \
             AND articles_fts.rowid <= min(?, coalesce((SELECT max(seq) FROM articles WHERE story = ?), -1)) \
             AND articles_fts.rowid >= (SELECT min(seq) FROM articles WHERE story = ?)",
        );
    } else {
        sql.push_str(" WHERE articles_fts MATCH ? AND articles_fts.rowid <= ?");
    }
    for c in &f.cond {
        sql.push_str(" AND ");
        sql.push_str(c);
    }
    sql.push_str(" ORDER BY articles_fts.rowid DESC LIMIT ?");
    sql
}

/// Matches at or below `hi`: the newest `n` of them, ranked by BM25 (best first, then newest
/// first) when `scored`, else just their `seq`s, newest first.
fn match_block(
    c: &Connection,
    w: &Words<'_>,
    f: &Filters,
    hi: i64,
    n: usize,
    scored: bool,
) -> rusqlite::Result<Vec<(i64, f64)>> {
    let mut st = c.prepare_cached(&block_sql(f, scored.then_some(w.df.len())))?;
    let mut args: Vec<Value> = Vec::with_capacity(w.df.len() + 8 + f.args.len());
    if scored {
        args.extend(w.df.iter().map(|&d| Value::Integer(d)));
    }
    args.push(Value::Text(w.fts.to_owned()));
    args.push(Value::Integer(hi));
    if let Some(s) = f.story {
        args.push(Value::Integer(s));
        args.push(Value::Integer(s));
    }
    args.extend(f.args.iter().cloned());
    args.push(Value::Integer(n as i64));
    let mut rows: Vec<(i64, f64)> = st
        .query_map(params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, if scored { r.get(1)? } else { 0.0 }))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if scored {
        // Scores are lower for better matches (as bm25()); ties (and NaN, never expected)
        // newest first.
        rows.sort_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    }
    Ok(rows)
}

/// The number of documents holding each phrase, from `cache` when fresh, else counted (and
/// cached) on `c`, which must be in the read transaction of the search.
fn phrase_counts(
    c: &Connection,
    cache: &Mutex<DfCache>,
    phrases: &[String],
) -> rusqlite::Result<Vec<i64>> {
    let top: i64 = c
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM articles")?
        .query_row([], |r| r.get(0))?;
    let mut out = Vec::with_capacity(phrases.len());
    for p in phrases {
        let cached = lock(cache).get(p, top);
        let df = match cached {
            Some(df) => df,
            None => {
                let df: i64 = c
                    .prepare_cached("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?")?
                    .query_row([p], |r| r.get(0))?;
                lock(cache).put(p, top, df);
                df
            }
        };
        out.push(df);
    }
    Ok(out)
}

/// One page in relevance order: matches in blocks of [`RELEVANCE_BLOCK`], newest block
/// first, by bm25 within a block. `at` is `(hi, off)`: the block of the matches at or below
/// `seq` `hi`, from its `off`-th ranked item. The first page pins `hi` to the newest match, so
/// articles stored later do not shift the following pages.
fn ranked_page(
    c: &Connection,
    cache: &Mutex<DfCache>,
    fts: &str,
    phrases: &[String],
    f: &Filters,
    at: Option<(i64, usize)>,
    limit: usize,
) -> rusqlite::Result<Page<ArticleSummary>> {
    // One read transaction: every block and summary from the same snapshot.
    let tx = c.unchecked_transaction()?;
    let df = phrase_counts(&tx, cache, phrases)?;
    let w = Words { fts, df: &df };
    let (mut hi, mut off) = at.unwrap_or((i64::MAX, 0));
    let mut block = match_block(&tx, &w, f, hi, RELEVANCE_BLOCK, true)?;
    if at.is_none()
        && let Some(top) = block.iter().map(|r| r.0).max()
    {
        hi = top;
    }
    let mut seqs: Vec<i64> = Vec::with_capacity(limit);
    let next = loop {
        while off < block.len() && seqs.len() < limit {
            seqs.push(block[off].0);
            off += 1;
        }
        if off < block.len() {
            break Some(format!("r:{hi}:{off}"));
        }
        // This block is used up: older matches exist only if it was full.
        let oldest = block.iter().map(|r| r.0).min();
        let (true, Some(oldest)) = (block.len() >= RELEVANCE_BLOCK, oldest) else {
            break None;
        };
        hi = oldest.saturating_sub(1);
        off = 0;
        if seqs.len() >= limit {
            let more = !match_block(&tx, &w, f, hi, 1, false)?.is_empty();
            break more.then(|| format!("r:{hi}:0"));
        }
        block = match_block(&tx, &w, f, hi, RELEVANCE_BLOCK, true)?;
    };
    let mut items = Vec::with_capacity(seqs.len());
    {
        let mut st = tx.prepare_cached(&format!(
            "SELECT {SUMMARY_COLS} FROM articles a WHERE a.seq = ?1"
        ))?;
        for seq in seqs {
            if let Some(a) = st.query_row([seq], summary).optional()? {
                items.push(a);
            }
        }
    }
    tx.commit()?;
    Ok(Page { items, next })
}

/// Matching articles from which [`StoryQuery::q`] collects its stories.
const STORY_SEARCH_ARTICLES: usize = 100;

impl SqliteStore {
    /// [`StoryQuery`] with words: the stories of the best-ranked matching articles (the
    /// first page of a relevance search, [`STORY_SEARCH_ARTICLES`] articles), each once, in
    /// the order of their best article. One page only (`next` is `None`).
    fn stories_matching(
        &self,
        words: &str,
        q: &StoryQuery,
        limit: usize,
    ) -> Result<Page<StorySummary>> {
        let page = self.search(&Query {
            q: Some(words.to_owned()),
            lang: q.lang.clone(),
            from: q.from.clone(),
            to: q.to.clone(),
            limit: STORY_SEARCH_ARTICLES,
            ..Query::default()
        })?;
        let mut seen = BTreeSet::new();
        let mut items = Vec::new();
        for a in page.items {
            let Some(s) = a.story else { continue };
            if !seen.insert(s) || items.len() >= limit {
                continue;
            }
            if let Some(st) = self.story(s)?
                && q.min_articles.is_none_or(|n| st.summary.articles >= n)
            {
                items.push(st.summary);
            }
        }
        Ok(Page { items, next: None })
    }

    /// A page newest first (publication date, then store order; undated last), with or
    /// without words; keyset cursor `n:<seq>:<pub_key>`.
    fn newest_page(
        &self,
        fts: Option<&str>,
        f: Filters,
        at: Option<(i64, String)>,
        limit: usize,
    ) -> Result<Page<ArticleSummary>> {
        let Filters {
            mut cond,
            args: fargs,
            ..
        } = f;
        let mut args: Vec<Value> = Vec::new();
        let mut sql = format!("SELECT {SUMMARY_COLS}, a.seq, a.pub_key");
        if let Some(m) = fts {
            sql.push_str(" FROM articles_fts f JOIN articles a ON a.seq = f.rowid");
            cond.insert(0, "articles_fts MATCH ?".into());
            args.push(Value::Text(m.to_owned()));
        } else {
            sql.push_str(" FROM articles a");
        }
        args.extend(fargs);
        if let Some((seq, key)) = at {
            cond.push("(a.pub_key < ? OR (a.pub_key = ? AND a.seq < ?))".into());
            args.push(Value::Text(key.clone()));
            args.push(Value::Text(key));
            args.push(Value::Integer(seq));
        }
        if !cond.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&cond.join(" AND "));
        }
        sql.push_str(" ORDER BY a.pub_key DESC, a.seq DESC LIMIT ?");
        args.push(Value::Integer(limit as i64 + 1));
        let rows: Vec<(ArticleSummary, i64, String)> = self.read(|c| {
            let mut st = c.prepare_cached(&sql)?;
            st.query_map(params_from_iter(args.iter()), |r| {
                Ok((summary(r)?, r.get(9)?, r.get(10)?))
            })?
            .collect()
        })?;
        let more = rows.len() > limit;
        let mut items = Vec::with_capacity(limit.min(rows.len()));
        let mut last = None;
        for (s, seq, key) in rows.into_iter().take(limit) {
            items.push(s);
            last = Some((seq, key));
        }
        let next = match (more, last) {
            (true, Some((seq, key))) => Some(format!("n:{seq}:{key}")),
            _ => None,
        };
        Ok(Page { items, next })
    }
}

impl SqliteStore {
    /// Adds to each article of a page the passage around its first hit.
    fn with_hits(
        &self,
        mut page: Page<ArticleSummary>,
        q: &crate::ftsq::Parsed,
    ) -> Page<ArticleSummary> {
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct TextOnly {
            title: Option<String>,
            text: String,
        }
        for a in &mut page.items {
            let Ok(Some(json)) = self.article(&a.id) else {
                continue;
            };
            let Ok(t) = serde_json::from_str::<TextOnly>(&json) else {
                continue;
            };
            a.hit = crate::hit::hit(&t.text, q).or_else(|| {
                t.title
                    .as_deref()
                    .and_then(|title| crate::hit::hit(title, q))
            });
        }
        page
    }
}

impl Store for SqliteStore {
    fn claims(&self, q: &ClaimQuery) -> Result<Page<ClaimRow>> {
        let limit = page_size(q.limit);
        self.read(|c| crate::claims::page(c, q, limit))?
    }

    fn article(&self, id: &str) -> Result<Option<String>> {
        self.read(|c| {
            c.prepare_cached("SELECT json FROM articles WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()
        })
    }

    fn article_summary(&self, id: &str) -> Result<Option<ArticleSummary>> {
        self.read(|c| {
            c.prepare_cached(&format!(
                "SELECT {SUMMARY_COLS} FROM articles a WHERE a.id = ?1"
            ))?
            .query_row([id], summary)
            .optional()
        })
    }

    fn search(&self, q: &Query) -> Result<Page<ArticleSummary>> {
        let limit = page_size(q.limit);
        let parsed = match q.q.as_deref() {
            Some(words) => crate::ftsq::parse(words)?,
            None => None,
        };
        let filters = filters(q)?;
        let cursor = q
            .cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(parse_cursor)
            .transpose()?;
        let page = match (parsed.as_ref(), q.sort) {
            (Some(p), None | Some(Sort::Relevance)) => {
                let at = match cursor {
                    None => None,
                    Some(Cursor::Ranked { hi, off }) => Some((hi, off)),
                    Some(Cursor::Keyset(..)) => return Err(bad_cursor()),
                };
                let (fts, phrases) = (p.fts(), p.phrases());
                self.read(|c| ranked_page(c, &self.df, &fts, &phrases, &filters, at, limit))?
            }
            (p, _) => {
                let at = match cursor {
                    None => None,
                    Some(Cursor::Keyset(seq, key)) => Some((seq, key)),
                    Some(Cursor::Ranked { .. }) => return Err(bad_cursor()),
                };
                let m = p.map(crate::ftsq::Parsed::fts);
                self.newest_page(m.as_deref(), filters, at, limit)?
            }
        };
        Ok(match parsed {
            Some(p) => self.with_hits(page, &p),
            None => page,
        })
    }

    fn stories(&self, q: &StoryQuery) -> Result<Page<StorySummary>> {
        let limit = page_size(q.limit);
        if let Some(words) = trimmed(&q.q) {
            return self.stories_matching(words, q, limit);
        }
        let mut sql = format!("SELECT {STORY_COLS} FROM stories s");
        let mut args: Vec<Value> = Vec::new();
        let mut cond: Vec<String> = Vec::new();
        if let Some(l) = trimmed(&q.lang) {
            if l.contains(['"', '\\']) {
                return Err(Error::InvalidQuery("invalid `lang`".into()));
            }
            cond.push("instr(s.languages, ?) > 0".into());
            args.push(Value::Text(format!("\"{l}\"")));
        }
        if let Some(f) = trimmed(&q.from) {
            cond.push("s.last_date >= ?".into());
            args.push(Value::Text(check_date("from", f)?));
        }
        if let Some(t) = trimmed(&q.to) {
            cond.push("s.first_date <= ? AND s.first_date <> ''".into());
            args.push(Value::Text(format!("{}Z", check_date("to", t)?)));
        }
        if let Some(n) = q.min_articles {
            cond.push("s.articles >= ?".into());
            args.push(Value::Integer(n.min(i64::MAX as u64) as i64));
        }
        if let Some(c) = q.cursor.as_deref().filter(|c| !c.is_empty()) {
            let Cursor::Keyset(id, key) = parse_cursor(c)? else {
                return Err(bad_cursor());
            };
            cond.push("(s.last_date < ? OR (s.last_date = ? AND s.id < ?))".into());
            args.push(Value::Text(key.clone()));
            args.push(Value::Text(key));
            args.push(Value::Integer(id));
        }
        if !cond.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&cond.join(" AND "));
        }
        sql.push_str(" ORDER BY s.last_date DESC, s.id DESC LIMIT ?");
        args.push(Value::Integer(limit as i64 + 1));
        let rows: Vec<StorySummary> = self.read(|c| {
            let mut st = c.prepare_cached(&sql)?;
            st.query_map(params_from_iter(args.iter()), story_summary)?
                .collect()
        })?;
        let more = rows.len() > limit;
        let items: Vec<StorySummary> = rows.into_iter().take(limit).collect();
        let next = match (more, items.last()) {
            (true, Some(s)) => Some(format!(
                "n:{}:{}",
                s.id as i64,
                s.last.as_deref().unwrap_or("")
            )),
            _ => None,
        };
        Ok(Page { items, next })
    }

    fn story(&self, id: u64) -> Result<Option<Story>> {
        self.read(|c| {
            let Some(head) = c
                .prepare_cached(&format!(
                    "SELECT {STORY_COLS} FROM stories s WHERE s.id = ?1"
                ))?
                .query_row([id as i64], story_summary)
                .optional()?
            else {
                return Ok(None);
            };
            let mut st = c.prepare_cached(&format!(
                "SELECT {SUMMARY_COLS} FROM articles a WHERE a.story = ?1 \
                 ORDER BY a.pub_key = '', a.pub_key, a.seq LIMIT ?2"
            ))?;
            let mut list: Vec<ArticleSummary> = st
                .query_map(params![id as i64, MAX_STORY_ARTICLES as i64 + 1], summary)?
                .collect::<rusqlite::Result<_>>()?;
            let truncated = list.len() > MAX_STORY_ARTICLES;
            list.truncate(MAX_STORY_ARTICLES);
            Ok(Some(Story {
                summary: head,
                article_list: list,
                truncated,
            }))
        })
    }

    fn provenance(&self, story: u64) -> Result<Option<String>> {
        self.read(|c| {
            c.prepare_cached("SELECT provenance FROM stories WHERE id = ?1")?
                .query_row([story as i64], |r| r.get::<_, Option<String>>(0))
                .optional()
                .map(Option::flatten)
        })
    }

    fn claim_story(&self, claim_id: &str) -> Result<Option<u64>> {
        self.read(|c| {
            c.prepare_cached("SELECT story FROM claims WHERE id = ?1")?
                .query_row([claim_id], |r| r.get::<_, i64>(0))
                .optional()
                .map(|s| s.map(|s| s as u64))
        })
    }

    fn stats(&self) -> Result<Stats> {
        let mut s = self.read(|c| {
            let count = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0));
            Ok(Stats {
                articles: count("SELECT count(*) FROM articles")?.max(0) as u64,
                stories: count("SELECT count(*) FROM stories")?.max(0) as u64,
                stale_stories: count("SELECT count(*) FROM stories WHERE stale > 0")?.max(0) as u64,
                claims: count("SELECT count(*) FROM claims")?.max(0) as u64,
                edges: count("SELECT count(*) FROM edges")?.max(0) as u64,
                bytes: 0,
                schema_version: count("PRAGMA user_version")?.max(0) as u32,
            })
        })?;
        s.bytes = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        Ok(s)
    }

    fn find_existing(&self, key: &ArticleKey<'_>) -> Result<Option<Existing>> {
        let hash = key.content_hash as i64;
        self.read(|c| {
            let same_or_changed = |id: String, h: i64| {
                if h == hash {
                    Existing::Same { id }
                } else {
                    Existing::Changed { id }
                }
            };
            if let Some((id, h)) = c
                .prepare_cached("SELECT id, content_hash FROM articles WHERE id = ?1")?
                .query_row([key.id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .optional()?
            {
                return Ok(Some(same_or_changed(id, h)));
            }
            if let Some(url) = key.url
                && let Some((id, h)) = c
                    .prepare_cached("SELECT id, content_hash FROM articles WHERE url = ?1")?
                    .query_row([url], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                    .optional()?
            {
                return Ok(Some(same_or_changed(id, h)));
            }
            let mut st = c.prepare_cached(
                "SELECT id, outlet FROM articles WHERE content_hash = ?1 LIMIT 1000",
            )?;
            let mut rows = st.query([hash])?;
            while let Some(r) = rows.next()? {
                let outlet: Option<String> = r.get(1)?;
                if same_outlet(outlet.as_deref(), key.outlet) {
                    return Ok(Some(Existing::Same { id: r.get(0)? }));
                }
            }
            Ok(None)
        })
    }

    fn write_batch(&self, articles: &[NewArticle]) -> Result<usize> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut inserted = 0usize;
            let mut touched: BTreeMap<u64, StoryAgg> = BTreeMap::new();
            {
                let mut ins = tx.prepare_cached(
                    "INSERT INTO articles(id, url, content_hash, outlet, title, published, pub_key, \
                     lang, story, reprint_of, snippet, json, fingerprint, outlet_key) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
                     ON CONFLICT DO NOTHING",
                )?;
                let mut fts =
                    tx.prepare_cached("INSERT INTO articles_fts(rowid, title, text) VALUES (?1, ?2, ?3)")?;
                for a in articles {
                    let snippet: String = a.text.trim().chars().take(SNIPPET_CHARS).collect();
                    let okey = crate::claims::outlet_key(a.outlet.as_deref());
                    let n = ins.execute(params![
                        a.id,
                        a.url,
                        a.content_hash as i64,
                        a.outlet,
                        a.title,
                        a.published,
                        crate::published_key(a.published.as_deref()),
                        a.lang,
                        a.story.map(|s| s as i64),
                        a.reprint_of,
                        snippet,
                        a.json,
                        a.fingerprint,
                        okey,
                    ])?;
                    if n == 0 {
                        continue;
                    }
                    inserted += 1;
                    let seq = tx.last_insert_rowid();
                    fts.execute(params![seq, a.title.as_deref().unwrap_or(""), a.text])?;
                    crate::claims::insert_article(
                        &tx,
                        seq,
                        a.story.map(|s| s as i64),
                        crate::published_key(a.published.as_deref()),
                        a.lang.as_deref(),
                        &okey,
                        &a.json,
                    )?;
                    if let Some(s) = a.story {
                        touched.entry(s).or_default().add(a);
                    }
                }
            }
            {
                let mut get = tx.prepare_cached(
                    "SELECT articles, first_date, last_date, languages, title FROM stories WHERE id = ?1",
                )?;
                let mut put = tx.prepare_cached(
                    "INSERT OR REPLACE INTO stories(id, articles, first_date, last_date, languages, \
                     title, origin, top_entities, provenance, stale) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, \
                       (SELECT origin FROM stories WHERE id = ?1), \
                       coalesce((SELECT top_entities FROM stories WHERE id = ?1), '[]'), \
                       (SELECT provenance FROM stories WHERE id = ?1), 1)",
                )?;
                for (id, agg) in touched {
                    let old = get
                        .query_row([id as i64], |r| {
                            Ok(StoryAgg {
                                articles: r.get::<_, i64>(0)?.max(0) as u64,
                                first: r.get(1)?,
                                last: r.get(2)?,
                                languages: r
                                    .get::<_, String>(3)
                                    .ok()
                                    .and_then(|s| serde_json::from_str(&s).ok())
                                    .unwrap_or_default(),
                                title: r.get(4)?,
                            })
                        })
                        .optional()?;
                    let mut merged = old.unwrap_or_default();
                    merged.merge(agg);
                    let langs = serde_json::to_string(&merged.languages).unwrap_or_else(|_| "[]".into());
                    put.execute(params![
                        id as i64,
                        merged.articles as i64,
                        merged.first,
                        merged.last,
                        langs,
                        merged.title
                    ])?;
                }
            }
            tx.commit()?;
            Ok(inserted)
        })
    }

    fn stale_stories(&self, limit: usize) -> Result<Vec<u64>> {
        self.read(|c| {
            c.prepare_cached("SELECT id FROM stories WHERE stale > 0 ORDER BY id LIMIT ?1")?
                .query_map([limit.min(i64::MAX as usize) as i64], |r| {
                    r.get::<_, i64>(0).map(|v| v as u64)
                })?
                .collect()
        })
    }

    fn story_articles(&self, story: u64, limit: usize) -> Result<Vec<StoredArticle>> {
        self.read(|c| {
            c.prepare_cached(
                "SELECT id, json, reprint_of FROM articles WHERE story = ?1 \
                 ORDER BY pub_key = '', pub_key, seq LIMIT ?2",
            )?
            .query_map(
                params![story as i64, limit.min(i64::MAX as usize) as i64],
                |r| {
                    Ok(StoredArticle {
                        id: r.get(0)?,
                        json: r.get(1)?,
                        reprint_of: r.get(2)?,
                    })
                },
            )?
            .collect()
        })
    }

    fn put_provenance(&self, items: &[StoryProvenance]) -> Result<()> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            {
                let mut upd = tx.prepare_cached(
                    "UPDATE stories SET provenance = ?2, origin = ?3, top_entities = ?4, stale = 0 \
                     WHERE id = ?1",
                )?;
                let mut del_members = tx.prepare_cached(
                    "DELETE FROM claim_members WHERE claim IN (SELECT id FROM claims WHERE story = ?1)",
                )?;
                let mut del_claims = tx.prepare_cached("DELETE FROM claims WHERE story = ?1")?;
                let mut del_edges = tx.prepare_cached("DELETE FROM edges WHERE story = ?1")?;
                let mut ins_claim = tx.prepare_cached(
                    "INSERT OR REPLACE INTO claims(id, story, text, origin) VALUES (?1, ?2, ?3, ?4)",
                )?;
                let mut ins_member = tx.prepare_cached(
                    "INSERT OR IGNORE INTO claim_members(claim, article, attribution) VALUES (?1, ?2, ?3)",
                )?;
                let mut ins_edge = tx.prepare_cached(
                    "INSERT OR REPLACE INTO edges(story, src, dst, kinds) VALUES (?1, ?2, ?3, ?4)",
                )?;
                let mut set_reprint = tx.prepare_cached(
                    "UPDATE articles SET reprint_of = ?2 WHERE id = ?1 AND story = ?3",
                )?;
                for p in items {
                    let sid = p.story as i64;
                    let ents = serde_json::to_string(&p.top_entities).unwrap_or_else(|_| "[]".into());
                    upd.execute(params![sid, p.json, p.origin, ents])?;
                    del_members.execute([sid])?;
                    del_claims.execute([sid])?;
                    del_edges.execute([sid])?;
                    for cl in &p.claims {
                        ins_claim.execute(params![cl.id, sid, cl.text, cl.origin])?;
                        for (art, att) in &cl.members {
                            ins_member.execute(params![cl.id, art, *att as i64])?;
                        }
                    }
                    for e in &p.edges {
                        let kinds = serde_json::to_string(&e.kinds).unwrap_or_else(|_| "[]".into());
                        ins_edge.execute(params![sid, e.from, e.to, kinds])?;
                    }
                    // Originals first (cleared), then their copies (pointed at them).
                    for (_, orig) in &p.reprints {
                        set_reprint.execute(params![orig, None::<&str>, sid])?;
                    }
                    for (copy, orig) in &p.reprints {
                        set_reprint.execute(params![copy, orig, sid])?;
                    }
                }
            }
            tx.commit()
        })
    }

    fn for_each_fingerprint(
        &self,
        after: u64,
        f: &mut dyn FnMut(FingerprintRow<'_>),
    ) -> Result<()> {
        self.read(|c| {
            let mut st = c.prepare(
                "SELECT id, story, reprint_of, published, fingerprint, seq FROM articles \
                 WHERE seq > ?1 ORDER BY seq",
            )?;
            let mut rows = st.query([after.min(i64::MAX as u64) as i64])?;
            while let Some(r) = rows.next()? {
                let id = r.get_ref(0)?.as_str()?;
                let story = r.get::<_, Option<i64>>(1)?.map(|s| s as u64);
                let reprint_of = r.get_ref(2)?.as_str_or_null()?;
                let published = r.get_ref(3)?.as_str_or_null()?;
                let fingerprint = r.get_ref(4)?.as_blob()?;
                let seq = r.get::<_, i64>(5)?.max(0) as u64;
                f(FingerprintRow {
                    seq,
                    id,
                    story,
                    reprint_of,
                    published,
                    fingerprint,
                });
            }
            Ok(())
        })
    }

    fn last_seq(&self) -> Result<u64> {
        self.read(|c| {
            c.query_row("SELECT coalesce(max(seq), 0) FROM articles", [], |r| {
                r.get::<_, i64>(0).map(|v| v.max(0) as u64)
            })
        })
    }

    fn optimize_search(&self, force: bool) -> Result<bool> {
        self.write(|c| {
            let segments: i64 = c.query_row(
                "SELECT count(DISTINCT segid) FROM articles_fts_idx",
                [],
                |r| r.get(0),
            )?;
            if segments < 2 || (!force && segments < MERGE_SEGMENTS) {
                return Ok(false);
            }
            c.execute_batch("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")?;
            Ok(true)
        })
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| {
            c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()
        })
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
                [key, value],
            )
            .map(|_| ())
        })
    }
}

fn same_outlet(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
        _ => false,
    }
}

/// What a batch adds to a story (and, merged, what the story row holds).
#[derive(Default)]
struct StoryAgg {
    articles: u64,
    first: String,
    last: String,
    languages: BTreeSet<String>,
    title: Option<String>,
}

impl StoryAgg {
    fn add(&mut self, a: &NewArticle) {
        let key = crate::published_key(a.published.as_deref());
        self.articles += 1;
        let earliest = self.articles == 1
            || (!key.is_empty() && (self.first.is_empty() || key < self.first.as_str()));
        if earliest && (a.title.is_some() || self.title.is_none()) {
            self.title = a.title.clone();
        }
        if !key.is_empty() {
            if self.first.is_empty() || key < self.first.as_str() {
                self.first = key.to_owned();
            }
            if key > self.last.as_str() {
                self.last = key.to_owned();
            }
        }
        if let Some(l) = &a.lang {
            self.languages.insert(l.clone());
        }
    }

    fn merge(&mut self, b: StoryAgg) {
        let b_earlier = self.articles == 0
            || (!b.first.is_empty() && (self.first.is_empty() || b.first < self.first));
        if (b_earlier && b.title.is_some()) || self.title.is_none() {
            self.title = b.title;
        }
        self.articles += b.articles;
        if !b.first.is_empty() && (self.first.is_empty() || b.first < self.first) {
            self.first = b.first;
        }
        if b.last > self.last {
            self.last = b.last;
        }
        self.languages.extend(b.languages);
    }
}

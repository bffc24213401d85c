//! Store errors. Every error that concerns the file names it.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: not an SQLite database (is this the right file?)", .path.display())]
    NotSqlite { path: PathBuf },
    #[error("{}: an SQLite database, but not a claimtrace store ({why})", .path.display())]
    NotClaimtrace { path: PathBuf, why: String },
    #[error(
        "{}: written by a newer claimtrace (schema version {found}; this build knows up to {supported}); upgrade claimtrace",
        .path.display()
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{}: no such store", .path.display())]
    Missing { path: PathBuf },
    #[error("{}: the store is read-only (file or directory permissions, or opened read-only)", .path.display())]
    ReadOnly { path: PathBuf },
    #[error("{}: disk full (or the store reached its size limit); the last batch was rolled back and the store is intact", .path.display())]
    DiskFull { path: PathBuf },
    #[error("{}: the database file is damaged: {detail}", .path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("{}: the store is busy (another process holds a write lock)", .path.display())]
    Busy { path: PathBuf },
    #[error("{}: {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A bad query parameter (a server maps it to 400).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
}

impl Error {
    /// Classifies an SQLite error on the file at `path`.
    pub(crate) fn sqlite(path: &std::path::Path, e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode as C;
        let path = path.to_path_buf();
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            match f.code {
                C::NotADatabase => return Error::NotSqlite { path },
                C::ReadOnly => return Error::ReadOnly { path },
                C::DiskFull => return Error::DiskFull { path },
                C::DatabaseBusy | C::DatabaseLocked => return Error::Busy { path },
                C::DatabaseCorrupt => {
                    return Error::Corrupt {
                        path,
                        detail: msg.clone().unwrap_or_else(|| "corrupt".into()),
                    };
                }
                _ => {}
            }
        }
        Error::Sqlite { path, source: e }
    }

    /// True for errors the caller caused (bad query), as opposed to store failures.
    pub fn is_invalid_query(&self) -> bool {
        matches!(self, Error::InvalidQuery(_))
    }
}

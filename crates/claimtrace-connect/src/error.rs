//! Errors of the connect stage. Every error that concerns the store names its file.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] claimtrace_store::Error),
    /// Another live process holds the writer lock.
    #[error("{}: another claimtrace process{} is writing to this store; wait for it to finish",
        .db.display(), .pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Locked { db: PathBuf, pid: Option<u32> },
    #[error("{}: cannot use the writer lock: {source}", .path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The story settings asked for differ from those the store was built with.
    #[error("{}: this store was built with {}; this ingest asks for {}. Fingerprints made with other settings do not compare: ingest into a new store, or leave the option out to go on with the store's settings",
        .db.display(),
        .diffs.iter().map(|(k, stored, _)| format!("{k} = {stored}")).collect::<Vec<_>>().join(", "),
        .diffs.iter().map(|(k, _, asked)| format!("{k} = {asked}")).collect::<Vec<_>>().join(", "))]
    ConfigMismatch {
        db: PathBuf,
        /// `(setting, value in the store, value asked for)`.
        diffs: Vec<(String, String, String)>,
    },
    #[error("{}: the stored story settings are unreadable ({why})", .db.display())]
    BadConfig { db: PathBuf, why: String },
    /// A write was attempted after [`crate::Ingester::unlock`] without
    /// [`crate::Ingester::relock`].
    #[error("{}: the writer lock was released", .db.display())]
    Unlocked { db: PathBuf },
}

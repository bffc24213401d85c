//! [`WriterLock`]: one writer per store, across processes.
//!
//! `<db>.ingest-lock` is held with an OS file lock (released by the OS when the process dies,
//! even by `kill -9`) and names the holder's process id. A lock file whose OS lock is free
//! but that still names a process was left by a process that did not exit cleanly: it is
//! taken over, and [`WriterLock::taken_over`] says from which process, for the caller to
//! report. A clean release removes the file.

use crate::{Error, Result};
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The writer lock of one store, held until dropped.
#[derive(Debug)]
pub struct WriterLock {
    file: File,
    path: PathBuf,
    taken_over: Option<u32>,
}

/// `<db>.ingest-lock`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".ingest-lock");
    PathBuf::from(name)
}

/// Whether the open file is still the one at `path` (not removed or replaced meanwhile by
/// the holder's release).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// The process id written in a lock file, if any.
fn holder(file: &mut File) -> Option<u32> {
    let mut s = String::new();
    file.rewind().ok()?;
    file.take(64).read_to_string(&mut s).ok()?;
    s.trim().parse().ok()
}

impl WriterLock {
    /// Takes the writer lock of the store `db`, or fails at once with [`Error::Locked`] when
    /// another live process holds it.
    pub fn acquire(db: &Path) -> Result<WriterLock> {
        let path = lock_path(db);
        let io = |source| Error::Lock {
            path: path.clone(),
            source,
        };
        // A few rounds: the holder may release (and remove the file) between our open and
        // our lock; then the file we locked is no longer the lock file.
        for _ in 0..8 {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Locked {
                        db: db.to_path_buf(),
                        pid: holder(&mut file),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            let me = std::process::id();
            let taken_over = holder(&mut file).filter(|&p| p != me);
            file.set_len(0).map_err(io)?;
            file.rewind().map_err(io)?;
            writeln!(file, "{me}").map_err(io)?;
            file.sync_data().map_err(io)?;
            return Ok(WriterLock {
                file,
                path,
                taken_over,
            });
        }
        Err(Error::Locked {
            db: db.to_path_buf(),
            pid: None,
        })
    }

    /// The process that left this lock behind without releasing it (killed, crashed), when
    /// the lock was taken over from it.
    pub fn taken_over(&self) -> Option<u32> {
        self.taken_over
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        // Removed while still locked, so no one locks the removed file believing it current
        // (they check `same_file` after locking); the OS lock goes with the handle.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_release_and_stale_takeover() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let a = WriterLock::acquire(&db).unwrap();
        assert_eq!(a.taken_over(), None);
        let text = std::fs::read_to_string(lock_path(&db)).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
        match WriterLock::acquire(&db) {
            Err(Error::Locked { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
        drop(a);
        assert!(!lock_path(&db).exists(), "a clean release removes the file");
        // A file left by a killed process: its OS lock is gone, its pid is still written.
        std::fs::write(lock_path(&db), "4000000\n").unwrap();
        let b = WriterLock::acquire(&db).unwrap();
        assert_eq!(b.taken_over(), Some(4_000_000));
    }
}

//! One sync at a time per database, across connections and processes: the app's background
//! sync, its button, the CLI, an enrolment, forgetting the hub, and restoring a backup (which
//! rewrites the database under a round's feet).
//!
//! The guard is an advisory lock on `<database file name>.sync-lock` beside the database
//! (`flock` on Unix, `LockFileEx` on Windows), held for the whole operation; the OS drops it when
//! its process dies, so a crash never leaves it taken. The file itself is never deleted (that
//! would let two holders lock two different files). The app also keeps its in-process guard
//! (`sync_worker`), which orders its own threads before they reach this one. An in-memory store
//! needs none: it has one connection, and `&mut Store` already serialises.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Code, Error, Result};
use crate::store::Store;

/// What follows the database file name.
pub const SUFFIX: &str = ".sync-lock";

/// Held while a sync round (or an enrolment, a restore...) runs; released when dropped.
#[derive(Debug)]
pub struct SyncGuard {
    _file: Option<File>,
}

/// `<database>.sync-lock`, in the database's folder.
pub fn path_for(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(SUFFIX);
    database.with_file_name(name)
}

fn open(database: &Path) -> Result<File> {
    Ok(crate::owner_only::open_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path_for(database))?)
}

/// Takes the guard, waiting as long as another holder keeps it (a round or a restore ends).
pub fn acquire(store: &Store) -> Result<SyncGuard> {
    let Some(database) = store.path() else {
        return Ok(SyncGuard { _file: None });
    };
    let file = open(database)?;
    file.lock()?;
    Ok(SyncGuard { _file: Some(file) })
}

/// Takes the guard, waiting at most `wait`; then `SYNC_RUNNING`.
pub fn acquire_within(store: &Store, wait: Duration) -> Result<SyncGuard> {
    let Some(database) = store.path() else {
        return Ok(SyncGuard { _file: None });
    };
    let file = open(database)?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(SyncGuard { _file: Some(file) }),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Error::invalid(
                    Code::SyncRunning,
                    "sync",
                    "a sync with the hub is running on this database: try again when it ends",
                ))
            }
            Err(TryLockError::Error(e)) => return Err(e.into()),
        }
    }
}

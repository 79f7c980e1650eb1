//! The app's managed state: the one database connection, opened at startup.
//!
//! Opening can fail (a file that is not ours, a schema from a newer Rapportino, a folder we cannot
//! write). The app still starts: the error is kept here and every command returns it, so the UI can
//! show the code and an Italian sentence instead of a window that never appears.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use rapportino_core::{ErrorPayload, Store};

use crate::error::{CmdResult, CommandError};
use crate::paths::{self, AllowedPaths};

pub struct AppState {
    db: Result<Mutex<Store>, ErrorPayload>,
    /// The paths commands accept from the web view (see [`crate::paths`]).
    allowed: AllowedPaths,
    /// The backup file last refused as another device's (FOREIGN_BACKUP), which "restore as a
    /// new device" takes without asking again; this app's, never another window's or test's.
    refused_foreign: Mutex<Option<PathBuf>>,
}

impl AppState {
    /// Opens the database at `path` (or keeps why it could not be found or opened). The path is
    /// made absolute first ([`paths::database_location`]): the app's folders derive from it.
    pub fn open(path: rapportino_core::Result<PathBuf>) -> Self {
        let path = path.map(|p| paths::database_location(&p));
        let allowed = AllowedPaths::new(path.as_deref().ok());
        let db = path
            .and_then(Store::open)
            .map(Mutex::new)
            .map_err(|e| e.to_payload());
        AppState {
            db,
            allowed,
            refused_foreign: Mutex::new(None),
        }
    }

    /// Opens the database the app and the CLI share: `RAPPORTINO_DB`, else the OS data folder.
    pub fn open_default() -> Self {
        Self::open(rapportino_core::paths::default_database_path())
    }

    pub fn from_store(store: Store) -> Self {
        AppState {
            allowed: AllowedPaths::new(store.path()),
            db: Ok(Mutex::new(store)),
            refused_foreign: Mutex::new(None),
        }
    }

    /// The paths picked in dialogs this session and the app's folders.
    pub fn allowed_paths(&self) -> &AllowedPaths {
        &self.allowed
    }

    /// The backup last refused as another device's (see the field).
    pub fn refused_foreign(&self) -> MutexGuard<'_, Option<PathBuf>> {
        self.refused_foreign
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Why the database is unavailable, if it is.
    pub fn open_error(&self) -> Option<&ErrorPayload> {
        self.db.as_ref().err()
    }

    /// Runs one core use case with the store locked; maps its error for the UI.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> rapportino_core::Result<T>,
    ) -> CmdResult<T> {
        let mut store = self.lock()?;
        f(&mut store).map_err(CommandError::from)
    }

    fn lock(&self) -> CmdResult<MutexGuard<'_, Store>> {
        let mutex = self.db.as_ref().map_err(|p| CommandError(p.clone()))?;
        // A panic while the lock was held rolled its SQLite transaction back: the store is usable.
        Ok(mutex
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

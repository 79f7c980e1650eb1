//! The local database: opening, schema migrations, and the one write path.
//!
//! Reads go through [`Store::conn`]. Every write goes through [`Store::write`], which hands a
//! [`WriteTx`]: its `insert`/`update` helpers change a row *and* append the change record in the
//! same SQLite transaction, so nothing is written that sync would not see.
//!
//! How to add a table: add a migration file under `migrations/` (never edit a shipped one), list
//! it in [`migrations::MIGRATIONS`], add its variant to [`Entity`], and write through `WriteTx`.

pub mod archive;
pub mod credential;
pub mod keychain;
pub mod keys;
pub mod migrations;
pub mod settings;
mod write;

pub use rapportino_model::Entity;
pub use write::{field, read_change_log, ChangeRecord, Fields, Stamp, WriteTx};
pub(crate) use write::{to_sql, update_sql};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::ids::DeviceId;
use crate::time::{Clock, SystemClock, DEFAULT_TZ};

/// `PRAGMA application_id` of a Rapportino database ("RPTN").
pub const APPLICATION_ID: i32 = 0x5250_544E;

pub struct Store {
    conn: Connection,
    clock: Arc<dyn Clock>,
    path: Option<PathBuf>,
    /// The hub token of an in-memory store (a file store keeps it beside its file:
    /// `sync::credential`).
    memory_token: Option<String>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Refuses a file that is not a Rapportino database, and one written by a newer binary.
    ///
    /// A folder it creates is owner-only (0700 on Unix), and so is a new database file (0600,
    /// created before SQLite opens it: SQLite gives its `-wal` and `-shm` files the database
    /// file's permissions).
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::owner_only::create_dir_all(parent)?;
        }
        if path.as_os_str() != ":memory:" {
            crate::owner_only::precreate(path)?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// A private in-memory database (tests, benchmarks).
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        let label = path
            .as_ref()
            .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string());
        conn.busy_timeout(Duration::from_secs(5))?;
        // The first read of a non-SQLite file fails with NOTADB: that file is not ours.
        let app_id: i32 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| not_ours_or(e, &label))?;
        let table_count: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(|e| not_ours_or(e, &label))?;
        if app_id != APPLICATION_ID && !(app_id == 0 && table_count == 0) {
            return Err(Error::DatabaseNotOurs(label));
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Room for every statement of a write path (rusqlite keeps 16 by default: the intake's
        // one mail runs about 30, so with 16 each was prepared again every time).
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        migrations::apply(&conn)?;
        let mut store = Store {
            conn,
            clock: Arc::new(SystemClock),
            path,
            memory_token: None,
        };
        store.ensure_device_identity()?;
        credential::move_out_of_database(&mut store)?;
        Ok(store)
    }

    /// Replaces the clock (tests move time by hand).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The shop's time zone (local dates, yearly numbering).
    pub fn tz(&self) -> Tz {
        DEFAULT_TZ
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn memory_token(&self) -> Option<&str> {
        self.memory_token.as_deref()
    }

    pub(crate) fn set_memory_token(&mut self, token: Option<String>) {
        self.memory_token = token;
    }

    /// Read access. Writes must use [`Store::write`].
    /// For restoring a backup into the open connection (`crate::backup`).
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one SQLite transaction; every row it changes is recorded in the change log.
    /// Nothing is written if `f` fails.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut WriteTx<'_>) -> Result<T>) -> Result<T> {
        let now = self.clock.now();
        let tz = self.tz();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut wtx = WriteTx::begin(tx, now, tz)?;
        let out = f(&mut wtx)?;
        wtx.commit()?;
        Ok(out)
    }

    /// This device's id, created with the database.
    pub fn device_id(&self) -> Result<DeviceId> {
        let s = local_get(&self.conn, "device_id")?.ok_or(Error::NotOnboarded)?;
        s.parse()
    }

    fn ensure_device_identity(&mut self) -> Result<()> {
        if local_get(&self.conn, "device_id")?.is_none() {
            local_set(&self.conn, "device_id", &DeviceId::new().to_string())?;
            local_set(&self.conn, "hlc", "0")?;
        }
        Ok(())
    }
}

fn not_ours_or(e: rusqlite::Error, label: &str) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::DatabaseNotOurs(label.to_owned()),
        _ => Error::Database(e),
    }
}

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;

/// Device-local key/value (never synced).
pub(crate) fn local_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM local_state WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn local_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO local_state (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    #[test]
    fn a_file_that_is_not_sqlite_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("notes.db");
        std::fs::write(
            &p,
            b"this is a shopping list, not a database, and it is long enough",
        )
        .unwrap();
        let err = Store::open(&p).unwrap_err();
        assert_eq!(err.code(), Code::DatabaseNotOurs);
    }

    #[test]
    fn another_apps_sqlite_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("other.db");
        {
            let c = Connection::open(&p).unwrap();
            c.execute("CREATE TABLE recipes (name TEXT)", []).unwrap();
        }
        let err = Store::open(&p).unwrap_err();
        assert_eq!(err.code(), Code::DatabaseNotOurs);
        let c = Connection::open(&p).unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "nothing was added to the foreign database");
    }

    #[test]
    fn reopening_keeps_the_device_identity() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.db");
        let a = Store::open(&p).unwrap().device_id().unwrap();
        let b = Store::open(&p).unwrap().device_id().unwrap();
        assert_eq!(a, b);
    }
}

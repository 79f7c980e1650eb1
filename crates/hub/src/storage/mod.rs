//! Hub storage: one SQLite file (default) or a PostgreSQL database, behind one interface so the
//! sync engine (`crate::engine`) is written once and the same test suite runs against both.

use rapportino_core::sync::merge::RowState;
use rapportino_core::sync::protocol::ServerChange;

use crate::error::HubError;

/// A mutation the hub has seen but that produced no change (refused, or all of its fields lost).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOutcome {
    pub mutation_id: String,
    pub device_id: String,
    /// `rejected` or `superseded`.
    pub outcome: String,
    pub code: Option<String>,
}

/// A mutation already applied: where it went.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    Applied { server_seq: i64 },
    NoChange(StoredOutcome),
}

/// Operations of one write transaction. Pushes are serialised (one writer at a time) so that
/// `next_seq` is gapless and in commit order.
pub trait HubTx {
    /// For each id, how it was handled before (absent when never seen).
    fn seen(&mut self, mutation_ids: &[String]) -> Result<Vec<(String, Seen)>, HubError>;
    fn load_row(&mut self, entity: &str, entity_id: &str) -> Result<Option<RowState>, HubError>;
    fn save_row(&mut self, entity: &str, entity_id: &str, row: &RowState) -> Result<(), HubError>;
    /// The next server sequence (last committed + 1; the transaction holds the write lock).
    fn next_seq(&mut self) -> Result<i64, HubError>;
    fn append_change(&mut self, change: &ServerChange) -> Result<(), HubError>;
    fn save_outcome(&mut self, outcome: &StoredOutcome) -> Result<(), HubError>;
    /// Records a refused write (a signed report edited...) for the admin: also logged.
    fn log_refusal(
        &mut self,
        device_id: &str,
        mutation_id: &str,
        code: &str,
        detail: &str,
    ) -> Result<(), HubError>;
    /// Marks a device whose clock was found far ahead.
    fn flag_clock_skew(&mut self, device_id: &str, skew_ms: i64) -> Result<(), HubError>;
}

/// Read operations (no write lock; pulls and snapshots run concurrently with pushes).
pub trait HubRead {
    /// Changes with `server_seq > after`, at most `limit`, in order.
    fn changes_after(&mut self, after: i64, limit: i64) -> Result<Vec<ServerChange>, HubError>;
    /// The last committed server sequence (0 when empty).
    fn max_seq(&mut self) -> Result<i64, HubError>;
    /// Live (not deleted) rows of `entity` with id > `after_id`, by id, at most `limit`.
    fn rows_page(
        &mut self,
        entity: &str,
        after_id: &str,
        limit: i64,
    ) -> Result<Vec<(String, RowState)>, HubError>;
}

// ---------------------------------------------------------------------------------------------
// The storage handle the server and the CLI open, and the device registry.

pub mod postgres;
mod registry;
pub mod sqlite;
mod tables;

use std::path::{Path, PathBuf};

use rapportino_core::sync::protocol::Op;
use serde_json::{Map, Value};

pub use registry::{DeviceAuth, NewDevice, Refusal, Registry};

/// The version of the hub's own schema (tables `hub_*`), kept in `hub_meta.schema_version`.
/// A database written by a newer hub is refused.
pub const HUB_SCHEMA_VERSION: i64 = 1;

/// Where the hub keeps its data, parsed from `--storage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl StorageUrl {
    /// `sqlite:/path/hub.db`, `sqlite:///path/hub.db`, a plain path, or
    /// `postgres://user@host:port/db` (also `postgresql://`, or a `host=... dbname=...` string
    /// after `postgres:`).
    pub fn parse(url: &str) -> Result<StorageUrl, HubError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(HubError::Config("empty storage URL".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(StorageUrl::Postgres(url.to_string()));
        }
        if let Some(rest) = url.strip_prefix("postgres:") {
            return Ok(StorageUrl::Postgres(rest.to_string()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(HubError::Config(format!("no file in storage URL {url:?}")));
            }
            return Ok(StorageUrl::Sqlite(PathBuf::from(path)));
        }
        if url.contains("://") {
            return Err(HubError::Config(format!(
                "unknown storage URL {url:?}: use sqlite:/path/hub.db or postgres://..."
            )));
        }
        Ok(StorageUrl::Sqlite(PathBuf::from(url)))
    }
}

/// The hub's storage: one SQLite file or one PostgreSQL database. Blocking: async code calls it
/// from `tokio::task::spawn_blocking`.
pub enum Storage {
    Sqlite(sqlite::SqliteStorage),
    Postgres(postgres::PgStorage),
}

impl Storage {
    /// Opens (and creates or checks the schema of) the storage named by `url`.
    pub fn open(url: &str) -> Result<Storage, HubError> {
        match StorageUrl::parse(url)? {
            StorageUrl::Sqlite(path) => Ok(Storage::Sqlite(sqlite::SqliteStorage::open(&path)?)),
            StorageUrl::Postgres(url) => Ok(Storage::Postgres(postgres::PgStorage::open(&url)?)),
        }
    }

    /// `sqlite` or `postgres` (as in [`rapportino_core::sync::protocol::Health::storage`]).
    pub fn kind(&self) -> &'static str {
        match self {
            Storage::Sqlite(_) => "sqlite",
            Storage::Postgres(_) => "postgres",
        }
    }

    /// This hub's id (a UUID made when its storage was created).
    pub fn hub_id(&self) -> &str {
        match self {
            Storage::Sqlite(s) => s.hub_id(),
            Storage::Postgres(s) => s.hub_id(),
        }
    }

    /// Runs `f` in one write transaction, committed when `f` returns `Ok` and rolled back
    /// otherwise. Writers are serialised (one at a time) so `next_seq` is gapless and
    /// sequences commit in order.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn HubTx) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        match self {
            Storage::Sqlite(s) => s.write(f),
            Storage::Postgres(s) => s.write(f),
        }
    }

    /// Runs `f` in one consistent read-only transaction (a snapshot); it does not wait for
    /// writers.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn HubRead) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        match self {
            Storage::Sqlite(s) => s.read(f),
            Storage::Postgres(s) => s.read(f),
        }
    }

    /// Devices and enrolment codes.
    pub fn registry(&self) -> &dyn Registry {
        match self {
            Storage::Sqlite(s) => s,
            Storage::Postgres(s) => s,
        }
    }

    /// A cheap round trip to the storage (health check).
    pub fn ping(&self) -> Result<(), HubError> {
        self.read(|r| r.max_seq().map(|_| ()))
    }

    /// Writes a consistent copy of the whole hub into a new SQLite file at `out` (refused when
    /// `out` exists). From SQLite: the online backup API. From PostgreSQL: the hub's tables
    /// copied, in one repeatable-read snapshot, into a SQLite hub file of the same schema, which
    /// `rapportino-hub serve --storage sqlite:FILE` can serve as it is.
    pub fn backup_to(&self, out: &Path) -> Result<BackupSummary, HubError> {
        if out.exists() {
            return Err(HubError::Config(format!(
                "{} exists: choose a new file for the backup",
                out.display()
            )));
        }
        let partial = partial_path(out);
        let _ = std::fs::remove_file(&partial);
        let result = match self {
            Storage::Sqlite(s) => s.backup_to(&partial),
            Storage::Postgres(s) => s.backup_to(&partial),
        };
        if let Err(e) = result {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        std::fs::rename(&partial, out)
            .map_err(|e| HubError::Config(format!("cannot write {}: {e}", out.display())))?;
        let copy = sqlite::SqliteStorage::open(out)?;
        copy.summary()
    }
}

/// What a backup holds (printed by the CLI, checked by the tests).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackupSummary {
    pub hub_id: String,
    pub max_seq: i64,
    pub rows: i64,
    pub devices: i64,
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// Now, as stored (`2026-11-22T09:30:00Z`).
pub(crate) fn now_text() -> String {
    rapportino_core::time::format_instant(chrono::Utc::now())
}

/// The JSON columns of `hub_rows`: fields, versions, deleted (null when live).
pub(crate) fn encode_row(row: &RowState) -> Result<(String, String, Option<String>), HubError> {
    let deleted = match &row.deleted {
        Some(v) => Some(serde_json::to_string(v)?),
        None => None,
    };
    Ok((
        serde_json::to_string(&row.fields)?,
        serde_json::to_string(&row.versions)?,
        deleted,
    ))
}

pub(crate) fn decode_row(
    fields: &str,
    versions: &str,
    deleted: Option<&str>,
    origin_device: String,
) -> Result<RowState, HubError> {
    Ok(RowState {
        fields: serde_json::from_str(fields)?,
        versions: serde_json::from_str(versions)?,
        deleted: match deleted {
            Some(d) => Some(serde_json::from_str(d)?),
            None => None,
        },
        origin_device,
    })
}

pub(crate) fn parse_op(s: &str) -> Result<Op, HubError> {
    Op::parse(s).ok_or_else(|| HubError::Storage(format!("unknown op {s:?} in hub_changes")))
}

pub(crate) fn parse_fields(s: &str) -> Result<Map<String, Value>, HubError> {
    Ok(serde_json::from_str(s)?)
}

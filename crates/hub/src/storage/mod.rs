//! Hub storage: one SQLite file (default) or a PostgreSQL database, behind one interface so the
//! sync engine (`crate::engine`) is written once and the same test suite runs against both.

use std::collections::BTreeMap;

use rapportino_model::merge::{FieldVersion, RowState};
use rapportino_model::protocol::ServerChange;
use serde_json::json;

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

/// A row's key: (entity, id).
pub type RowKey = (String, String);
/// Rows with their keys, as a bulk load answers them.
pub type KeyedRows = Vec<(RowKey, RowState)>;

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
    /// Wrong extra-time PINs logged under `scope` (`extra-time:<ticket id>`, the refusal's
    /// mutation id) after `since` (RFC 3339).
    fn wrong_pins_since(&mut self, scope: &str, since: &str) -> Result<i64, HubError>;
    /// Who else holds the code of technician `claim` (a live technician row with that code and
    /// another id, or the claim of another enrolled device than `device_id`): see
    /// [`registry::technician_code_holder`]. Checked on every pushed technician code.
    fn technician_code_holder(
        &mut self,
        device_id: &str,
        claim: &TechnicianClaim,
    ) -> Result<Option<String>, HubError>;
    /// Live rows of `entity` whose field `field` is the text `value`, by id, at most `limit`
    /// (the intake's look-ups: a ticket by number, a contact by address...).
    fn rows_where(
        &mut self,
        entity: &str,
        field: &str,
        value: &str,
        limit: i64,
    ) -> Result<Vec<(String, RowState)>, HubError>;
    /// Adds one to the counter `key` (kept in `hub_meta`, starting at 0) and returns it: the
    /// hub's own ticket numbers.
    fn bump_counter(&mut self, key: &str) -> Result<i64, HubError>;
    /// Keeps an attachment's content by its SHA-256 (hex), once; not synced.
    fn keep_attachment(&mut self, sha256: &str, content: &[u8]) -> Result<(), HubError>;
    /// Marks a device whose clock was found far ahead.
    fn flag_clock_skew(&mut self, device_id: &str, skew_ms: i64) -> Result<(), HubError>;
    /// Live time entries of `technician_id` that started strictly between the two instants
    /// (RFC 3339 text), through the `hub_rows_timer_by_technician` index.
    fn time_entries_started(
        &mut self,
        technician_id: &str,
        after: &str,
        before: &str,
    ) -> Result<Vec<(String, RowState)>, HubError>;
    /// [`HubTx::save_row`], the row given (a batch keeps it without a copy).
    fn put_row(&mut self, entity: &str, entity_id: &str, row: RowState) -> Result<(), HubError> {
        self.save_row(entity, entity_id, &row)
    }
    /// [`HubTx::append_change`], the change given (a batch keeps it without a copy).
    fn put_change(&mut self, change: ServerChange) -> Result<(), HubError> {
        self.append_change(&change)
    }
    /// The rows of `keys` (entity, id) that exist, in one statement where the engine can (a
    /// push batch's rows, [`batched::Batched`]).
    fn load_rows(&mut self, keys: &[RowKey]) -> Result<KeyedRows, HubError> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            if let Some(row) = self.load_row(&k.0, &k.1)? {
                out.push((k.clone(), row));
            }
        }
        Ok(out)
    }
    /// [`HubTx::save_row`] for each row (no key twice), in multi-row statements where the
    /// engine can.
    fn save_rows(&mut self, rows: &[(&str, &str, &RowState)]) -> Result<(), HubError> {
        for (entity, id, row) in rows {
            self.save_row(entity, id, row)?;
        }
        Ok(())
    }
    /// [`HubTx::append_change`] for each change, in order, in multi-row statements where the
    /// engine can.
    fn append_changes(&mut self, changes: &[ServerChange]) -> Result<(), HubError> {
        for c in changes {
            self.append_change(c)?;
        }
        Ok(())
    }
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
    /// The customer messages the hub sends that are queued or deferred, at most `limit`.
    fn messages_to_send(&mut self, limit: i64) -> Result<Vec<(String, RowState)>, HubError>;
    /// The live attachments of message `message_id`.
    fn attachments_of(&mut self, message_id: &str) -> Result<Vec<(String, RowState)>, HubError>;
    /// The engine's plan (EXPLAIN) for the mail round's two statements, one line per step: what
    /// to look at when a round is slow, and how the tests check that it reads its indexes.
    fn mail_round_plan(&mut self) -> Result<Vec<String>, HubError>;
    /// The engine's plan (EXPLAIN) of each of the intake's indexed look-ups
    /// (`tables::INTAKE_LOOKUPS`): (entity.field, its plan's lines joined).
    fn intake_lookup_plans(&mut self) -> Result<Vec<(String, String)>, HubError>;
    /// The kept content of an attachment a live listing of this hub names (None: unknown here,
    /// or not kept).
    fn attachment_content(&mut self, sha256: &str) -> Result<Option<Vec<u8>>, HubError>;
}

// ---------------------------------------------------------------------------------------------
// The storage handle the server and the CLI open, and the device registry.

pub mod batched;
mod pg_connect;
pub mod plain;
pub mod postgres;
mod registry;
pub mod sql;
pub mod sqlite;
mod tables;
pub use tables::INTAKE_LOOKUPS;

use std::path::{Path, PathBuf};

use rapportino_model::protocol::Op;
use serde_json::{Map, Value};

pub use pg_connect::PgConnect;
pub use registry::{DeviceAuth, NewDevice, Refusal, Registry, TechnicianClaim};

/// The version of the hub's own schema (tables `hub_*`), kept in `hub_meta.schema_version`.
/// A database written by a newer hub is refused.
pub const HUB_SCHEMA_VERSION: i64 = 2;

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

    /// Whether the URL carries a password (`postgres://user:secret@...`, `password=...`).
    pub fn has_password(&self) -> bool {
        match self {
            StorageUrl::Sqlite(_) => false,
            StorageUrl::Postgres(url) => {
                match pg_connect::split_tls_params(url)
                    .ok()
                    .and_then(|split| split.rest.parse::<::postgres::Config>().ok())
                {
                    Some(config) => config.get_password().is_some(),
                    // Unparsable: look for the password's place in either form.
                    None => match url.split_once("://") {
                        Some((_, rest)) => rest
                            .split(['/', '?'])
                            .next()
                            .and_then(|authority| authority.rsplit_once('@'))
                            .is_some_and(|(userinfo, _)| userinfo.contains(':')),
                        None => url.contains("password"),
                    },
                }
            }
        }
    }
}

/// The hub's storage: one SQLite file or one PostgreSQL database. Blocking: async code calls it
/// from `tokio::task::spawn_blocking`.
pub enum Storage {
    Sqlite(sqlite::SqliteStorage),
    Postgres(postgres::PgStorage),
}

/// How to open a storage (see [`Storage::open_with`]).
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Refuse a storage that holds no hub yet instead of creating one (a missing SQLite file, a
    /// PostgreSQL database without the hub's tables): the admin commands.
    pub existing_only: bool,
    /// How long to wait for a lock held by another process (SQLite's busy timeout, PostgreSQL's
    /// `lock_timeout`) before failing with `STORAGE_BUSY`. `None`: 10 s on SQLite, no limit on
    /// PostgreSQL.
    pub lock_timeout: Option<std::time::Duration>,
    /// PostgreSQL only: password and CA file.
    pub pg: PgConnect,
}

impl Storage {
    /// Opens (and creates or checks the schema of) the storage named by `url`.
    pub fn open(url: &str) -> Result<Storage, HubError> {
        Storage::open_with(url, &OpenOptions::default())
    }

    /// [`Storage::open`] with options.
    pub fn open_with(url: &str, options: &OpenOptions) -> Result<Storage, HubError> {
        match StorageUrl::parse(url)? {
            StorageUrl::Sqlite(path) => Ok(Storage::Sqlite(sqlite::SqliteStorage::open_with(
                &path,
                options.existing_only,
                options.lock_timeout,
            )?)),
            StorageUrl::Postgres(url) => {
                let pg = PgConnect {
                    existing_only: options.existing_only,
                    lock_timeout: options.lock_timeout,
                    ..options.pg.clone()
                };
                Ok(Storage::Postgres(postgres::PgStorage::open_with(
                    &url, &pg,
                )?))
            }
        }
    }

    /// `sqlite` or `postgres` (as in [`rapportino_model::protocol::Health::storage`]).
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

    /// The key of extra-time grants (`hub_meta.extra_time_key`, made with the storage; never
    /// synced nor sent).
    pub fn grant_key(&self) -> &[u8] {
        match self {
            Storage::Sqlite(s) => s.grant_key(),
            Storage::Postgres(s) => s.grant_key(),
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
    /// `rapportino-hub serve --storage sqlite:FILE` can serve as it is. The file is owner-only
    /// (0600 on Unix).
    pub fn backup_to(&self, out: &Path) -> Result<BackupSummary, HubError> {
        if out.exists() {
            return Err(HubError::Config(format!(
                "{} exists: choose a new file for the backup",
                out.display()
            )));
        }
        let partial = partial_path(out);
        let _ = std::fs::remove_file(&partial);
        // Owner-only (0600 on Unix) before any byte is copied; the rename keeps it.
        rapportino_model::owner_only::create_new(&partial)
            .map_err(|e| HubError::Config(format!("cannot write {}: {e}", partial.display())))?;
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

/// The `hub_meta` key of the extra-time grant key.
pub(crate) const GRANT_KEY: &str = "extra_time_key";

pub(crate) fn decode_key(hex_key: &str) -> Result<Vec<u8>, HubError> {
    match hex::decode(hex_key.trim()) {
        Ok(key) if key.len() >= 32 => Ok(key),
        _ => Err(HubError::Storage(format!(
            "hub_meta.{GRANT_KEY} is not a key of 32 bytes or more in hex"
        ))),
    }
}

/// Now, as stored (`2026-11-22T09:30:00Z`).
pub(crate) fn now_text() -> String {
    format_instant(chrono::Utc::now())
}

/// The JSON columns of `hub_rows`: fields, versions, deleted (null when live).
///
/// Versions are written compactly (see [`encode_versions`]); both forms are read.
pub(crate) fn encode_row(row: &RowState) -> Result<(String, String, Option<String>), HubError> {
    let deleted = match &row.deleted {
        Some(v) => Some(serde_json::to_string(v)?),
        None => None,
    };
    Ok((
        serde_json::to_string(&row.fields)?,
        encode_versions(row),
        deleted,
    ))
}

pub(crate) fn decode_row(
    fields: &str,
    versions: &str,
    deleted: Option<&str>,
    origin_device: String,
) -> Result<RowState, HubError> {
    let fields: Map<String, Value> = serde_json::from_str(fields)?;
    let versions = decode_versions(versions, &fields)?;
    Ok(RowState {
        fields,
        versions,
        deleted: match deleted {
            Some(d) => Some(serde_json::from_str(d)?),
            None => None,
        },
        origin_device,
    })
}

/// A row's field versions, grouped: most fields of a row share one version (the insert, or
/// the update that wrote them together), so the version is written once per group instead of
/// once per field (a client's versions took 1.3 KB as one object per field).
///
/// Form: a JSON array. Element 0 is the base version `[hlc, "device", seq]` — it belongs to
/// every field of `fields` not named in a later group — or `null` when there is no base (then
/// every field is named). Each later element is `[hlc, "device", seq, "field", ...]`.
/// The older form, an object `{"field": {"hlc", "device", "seq"}, ...}`, is still read.
pub(crate) fn encode_versions(row: &RowState) -> String {
    let mut groups: Vec<(&FieldVersion, Vec<&str>)> = Vec::new();
    for (field, v) in &row.versions {
        match groups.iter_mut().find(|(g, _)| *g == v) {
            Some((_, names)) => names.push(field),
            None => groups.push((v, vec![field.as_str()])),
        }
    }
    // The base must cover exactly the fields of `fields` it is not named for: only when every
    // field has a version and every version's field is in `fields`.
    let same_keys = row.versions.len() == row.fields.len()
        && row.versions.keys().all(|k| row.fields.contains_key(k));
    let base = if same_keys {
        groups
            .iter()
            .enumerate()
            .max_by_key(|(_, (_, names))| names.len())
            .map(|(i, _)| i)
    } else {
        None
    };
    let triple = |v: &FieldVersion| vec![json!(v.hlc), json!(v.device), json!(v.seq)];
    let mut out: Vec<Value> = Vec::with_capacity(groups.len() + 1);
    out.push(match base {
        Some(i) => Value::Array(triple(groups[i].0)),
        None => Value::Null,
    });
    for (i, (v, names)) in groups.iter().enumerate() {
        if Some(i) == base {
            continue;
        }
        let mut g = triple(v);
        g.extend(names.iter().map(|n| json!(n)));
        out.push(Value::Array(g));
    }
    Value::Array(out).to_string()
}

pub(crate) fn decode_versions(
    text: &str,
    fields: &Map<String, Value>,
) -> Result<BTreeMap<String, FieldVersion>, HubError> {
    if !text.trim_start().starts_with('[') {
        return Ok(serde_json::from_str(text)?);
    }
    let bad = || HubError::Storage(format!("unreadable field versions in hub_rows: {text}"));
    let groups: Vec<Vec<Value>> = match serde_json::from_str::<Vec<Value>>(text)?.as_slice() {
        [] => return Err(bad()),
        all => all
            .iter()
            .map(|g| match g {
                Value::Null => Ok(Vec::new()),
                Value::Array(a) => Ok(a.clone()),
                _ => Err(bad()),
            })
            .collect::<Result<_, _>>()?,
    };
    let version = |g: &[Value]| -> Result<FieldVersion, HubError> {
        match g {
            [Value::Number(hlc), Value::String(device), Value::Number(seq), ..] => {
                Ok(FieldVersion {
                    hlc: hlc.as_i64().ok_or_else(bad)?,
                    device: device.clone(),
                    seq: seq.as_i64().ok_or_else(bad)?,
                })
            }
            _ => Err(bad()),
        }
    };
    let mut out = BTreeMap::new();
    for g in &groups[1..] {
        let v = version(g)?;
        for name in &g[3..] {
            let name = name.as_str().ok_or_else(bad)?;
            out.insert(name.to_owned(), v.clone());
        }
    }
    if !groups[0].is_empty() {
        let base = version(&groups[0])?;
        for key in fields.keys() {
            if !out.contains_key(key) {
                out.insert(key.clone(), base.clone());
            }
        }
    }
    Ok(out)
}

pub(crate) fn parse_op(s: &str) -> Result<Op, HubError> {
    Op::parse(s).ok_or_else(|| HubError::Storage(format!("unknown op {s:?} in hub_changes")))
}

pub(crate) fn parse_fields(s: &str) -> Result<Map<String, Value>, HubError> {
    Ok(serde_json::from_str(s)?)
}

/// An instant as the hub writes it: UTC, RFC 3339, whole seconds (as devices do).
pub fn format_instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(hlc: i64, device: &str, seq: i64) -> FieldVersion {
        FieldVersion {
            hlc,
            device: device.into(),
            seq,
        }
    }

    fn row(fields: Value, versions: &[(&str, FieldVersion)]) -> RowState {
        RowState {
            fields: fields.as_object().cloned().unwrap_or_default(),
            versions: versions
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            deleted: None,
            origin_device: "d1".into(),
        }
    }

    #[test]
    fn versions_round_trip_in_the_compact_form() {
        let a = v(100, "d1", 1);
        let b = v(200, "d2", 7);
        let cases = [
            row(json!({}), &[]),
            row(
                json!({"name": "x", "city": "y"}),
                &[("name", a.clone()), ("city", a.clone())],
            ),
            row(
                json!({"name": "x", "city": "y", "notes": null}),
                &[
                    ("name", a.clone()),
                    ("city", b.clone()),
                    ("notes", a.clone()),
                ],
            ),
            // A version for a field not in `fields`, and a field without a version.
            row(
                json!({"name": "x"}),
                &[("name", a.clone()), ("gone", b.clone())],
            ),
            row(json!({"name": "x", "city": "y"}), &[("name", a.clone())]),
        ];
        for r in cases {
            let (fields, versions, deleted) = encode_row(&r).unwrap();
            assert!(versions.starts_with('['), "{versions}");
            let back = decode_row(&fields, &versions, deleted.as_deref(), "d1".into()).unwrap();
            assert_eq!(back, r, "{versions}");
        }
    }

    #[test]
    fn versions_in_the_older_form_are_read() {
        let r = row(json!({"name": "x"}), &[("name", v(100, "d1", 1))]);
        let old = serde_json::to_string(&r.versions).unwrap();
        let back = decode_row(r#"{"name":"x"}"#, &old, None, "d1".into()).unwrap();
        assert_eq!(back, r);
    }
}

//! The SQLite hub: one file in WAL mode, one writer connection behind a mutex (writers are
//! serialised, which makes `next_seq` gapless), and a few reader connections that read
//! snapshots without waiting for the writer.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rapportino_model::merge::RowState;
use rapportino_model::protocol::ServerChange;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

mod bulk;

use super::registry::technician_code_holder;
use super::sql::{Dialect, Statements};
use super::tables::SQLITE_SCHEMA;
use super::{decode_key, TechnicianClaim};
use super::{
    decode_row, encode_row, now_text, parse_fields, parse_op, BackupSummary, HubRead, HubTx, Seen,
    StoredOutcome, GRANT_KEY, HUB_SCHEMA_VERSION,
};
use crate::error::HubError;
use crate::log_text::Escaped;

mod registry;

/// The shared statements, in SQLite's spelling.
fn sql() -> &'static Statements {
    Dialect::Sqlite.statements()
}

/// Reader connections kept open between reads (more are opened under load, then closed).
const MAX_IDLE_READERS: usize = 4;
/// How long a statement waits for another connection's lock by default.
const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct SqliteStorage {
    path: PathBuf,
    /// How long a statement waits for another connection's (or process's) lock.
    busy_timeout: Duration,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    hub_id: String,
    grant_key: Vec<u8>,
}

fn open_connection(path: &Path, busy_timeout: Duration) -> Result<Connection, HubError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(busy_timeout)?;
    // An acknowledged push must survive a power cut: the device deletes its outbox after it.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in another request must not take the hub down: the connection is still sound
    // (its transaction was rolled back when the guard's owner unwound).
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SqliteStorage {
    /// Opens (creating if needed) the hub file at `path`. A new file is created owner-only
    /// (0600 on Unix) before SQLite opens it, and SQLite gives its `-wal` and `-shm` files the
    /// same permissions: the hub holds every device's data and the enrolment records.
    pub fn open(path: &Path) -> Result<SqliteStorage, HubError> {
        SqliteStorage::open_with(path, false, None)
    }

    /// With `existing_only`, a missing file, a file that is not a SQLite database or a database
    /// without a hub in it is refused (nothing is created). `busy_timeout`: how long to wait for
    /// another process's lock (default 10 s) before failing with `STORAGE_BUSY`.
    pub fn open_with(
        path: &Path,
        existing_only: bool,
        busy_timeout: Option<Duration>,
    ) -> Result<SqliteStorage, HubError> {
        let busy_timeout = busy_timeout.unwrap_or(DEFAULT_BUSY_TIMEOUT);
        if existing_only {
            check_existing_hub(path, busy_timeout)?;
        } else {
            rapportino_model::owner_only::precreate(path)
                .map_err(|e| HubError::Storage(format!("cannot create {}: {e}", path.display())))?;
        }
        let mut writer = open_connection(path, busy_timeout)?;
        // 64 MiB of page cache for the writer (the default is 2 MiB): a push looks up and
        // rewrites rows all over `hub_rows`, whose upper levels should stay in memory rather
        // than be read again from the OS for every mutation. Readers keep the default: their
        // cache is dropped whenever the writer commits.
        writer.pragma_update(None, "cache_size", -65_536)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(HubError::Storage(format!(
                "{}: cannot switch to WAL (journal mode {mode})",
                path.display()
            )));
        }
        let (hub_id, grant_key) = {
            let tx = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
            for sql in SQLITE_SCHEMA {
                tx.execute(sql, [])?;
            }
            let version: Option<String> = tx
                .query_row(&sql().meta_get, ["schema_version"], |r| r.get(0))
                .optional()?;
            match version.as_deref().map(str::parse::<i64>) {
                None => {
                    tx.execute(
                        &sql().meta_insert,
                        params!["schema_version", HUB_SCHEMA_VERSION.to_string()],
                    )?;
                }
                Some(Ok(v)) if v < HUB_SCHEMA_VERSION => {
                    // This hub writes field versions in a form an older hub cannot read.
                    tx.execute(
                        &sql().meta_update,
                        params!["schema_version", HUB_SCHEMA_VERSION.to_string()],
                    )?;
                }
                Some(Ok(_)) => {}
                Some(_) => {
                    return Err(HubError::Config(format!(
                        "{} was written by a newer hub (schema {}): upgrade rapportino-hub",
                        path.display(),
                        version.unwrap_or_default()
                    )))
                }
            }
            let id: Option<String> = tx
                .query_row(&sql().meta_get, ["hub_id"], |r| r.get(0))
                .optional()?;
            let id = match id {
                Some(id) => id,
                None => {
                    let id = uuid::Uuid::now_v7().to_string();
                    tx.execute(&sql().meta_insert, ["hub_id", id.as_str()])?;
                    id
                }
            };
            let key: Option<String> = tx
                .query_row(&sql().meta_get, [GRANT_KEY], |r| r.get(0))
                .optional()?;
            let key = match key {
                Some(key) => key,
                None => {
                    let key = crate::grant::new_key();
                    tx.execute(&sql().meta_insert, [GRANT_KEY, key.as_str()])?;
                    key
                }
            };
            tx.commit()?;
            (id, decode_key(&key)?)
        };
        Ok(SqliteStorage {
            path: path.to_path_buf(),
            busy_timeout,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            hub_id,
            grant_key,
        })
    }

    pub fn hub_id(&self) -> &str {
        &self.hub_id
    }

    pub fn grant_key(&self) -> &[u8] {
        &self.grant_key
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn HubTx) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        self.with_write_tx(|tx| {
            f(&mut SqliteTx {
                conn: tx,
                last_seq: None,
            })
        })
    }

    /// One IMMEDIATE transaction on the writer connection, committed when `f` succeeds.
    pub(crate) fn with_write_tx<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?; // dropping `tx` rolls back
        tx.commit()?;
        Ok(value)
    }

    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn HubRead) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        self.with_read_tx(|tx| f(&mut SqliteRead { conn: tx }))
    }

    /// One deferred transaction on a reader connection: its first read fixes the snapshot.
    fn with_read_tx<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        let pooled = lock(&self.readers).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => {
                let c = open_connection(&self.path, self.busy_timeout)?;
                c.pragma_update(None, "query_only", true)?;
                c
            }
        };
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        let mut idle = lock(&self.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    /// A consistent copy through the online backup API, from a connection of its own (all
    /// pages in one step: one read snapshot, writers are not blocked in WAL mode).
    pub(crate) fn backup_to(&self, out: &Path) -> Result<(), HubError> {
        let src = open_connection(&self.path, self.busy_timeout)?;
        let mut dst = Connection::open(out)?;
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        for _ in 0..100 {
            match backup.step(-1)? {
                rusqlite::backup::StepResult::Done => return Ok(()),
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        Err(HubError::Storage("backup: the database stayed busy".into()))
    }

    /// Counts for a backup report.
    pub fn summary(&self) -> Result<BackupSummary, HubError> {
        self.with_read_tx(|tx| {
            let (max_seq, rows, devices) = tx.query_row(
                "SELECT (SELECT COALESCE(MAX(server_seq), 0) FROM hub_changes),
                        (SELECT COUNT(*) FROM hub_rows),
                        (SELECT COUNT(*) FROM hub_devices)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            Ok(BackupSummary {
                hub_id: self.hub_id.clone(),
                max_seq,
                rows,
                devices,
            })
        })
    }
}

/// Refuses anything but an existing hub file: read-only, nothing created.
fn check_existing_hub(path: &Path, busy_timeout: Duration) -> Result<(), HubError> {
    if !path.is_file() {
        return Err(HubError::Config(format!(
            "no hub at {} (`rapportino-hub init` or `serve` creates one; is the path right?)",
            path.display()
        )));
    }
    let unreadable = |e: rusqlite::Error| {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => HubError::from(e),
            _ => HubError::Config(format!("{} is not a readable hub: {e}", path.display())),
        }
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(unreadable)?;
    conn.busy_timeout(busy_timeout).map_err(unreadable)?;
    let hub: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hub_meta')",
            [],
            |r| r.get(0),
        )
        .map_err(unreadable)?;
    if !hub {
        return Err(HubError::Config(format!(
            "{} is a SQLite database but not a hub",
            path.display()
        )));
    }
    Ok(())
}

struct SqliteTx<'c> {
    conn: &'c Connection,
    /// The last sequence appended in this transaction (saves a MAX per mutation).
    last_seq: Option<i64>,
}

impl HubTx for SqliteTx<'_> {
    fn load_rows(&mut self, keys: &[super::RowKey]) -> Result<super::KeyedRows, HubError> {
        let bulk::Loaded {
            rows: mut out,
            rest,
        } = bulk::load_rows(self.conn, keys)?;
        for k in rest {
            if let Some(row) = self.load_row(&k.0, &k.1)? {
                out.push((k.clone(), row));
            }
        }
        Ok(out)
    }

    fn save_rows(&mut self, rows: &[(&str, &str, &RowState)]) -> Result<(), HubError> {
        for (entity, id, row) in bulk::save_rows(self.conn, rows)? {
            self.save_row(entity, id, row)?;
        }
        Ok(())
    }

    fn append_changes(&mut self, changes: &[ServerChange]) -> Result<(), HubError> {
        for c in bulk::append_changes(self.conn, changes)? {
            self.append_change(c)?;
        }
        if let Some(last) = changes.last() {
            self.last_seq = Some(last.server_seq);
        }
        Ok(())
    }

    fn seen(&mut self, mutation_ids: &[String]) -> Result<Vec<(String, Seen)>, HubError> {
        if mutation_ids.is_empty() {
            return Ok(Vec::new());
        }
        // One statement for the whole batch: the ids travel as one JSON array.
        let ids = serde_json::to_string(mutation_ids)?;
        let mut stmt = self.conn.prepare_cached(&sql().seen)?;
        let rows = stmt.query_map([ids], |r| {
            let id: String = r.get(0)?;
            let seq: Option<i64> = r.get(1)?;
            let seen = match seq {
                Some(server_seq) => Seen::Applied { server_seq },
                None => Seen::NoChange(StoredOutcome {
                    mutation_id: id.clone(),
                    device_id: r.get(2)?,
                    outcome: r.get(3)?,
                    code: r.get(4)?,
                }),
            };
            Ok((id, seen))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn time_entries_started(
        &mut self,
        technician_id: &str,
        after: &str,
        before: &str,
    ) -> Result<Vec<(String, RowState)>, HubError> {
        // The expressions are the index's, word for word, so SQLite uses it.
        let mut stmt = self.conn.prepare_cached(&sql().time_entries_started)?;
        let raw = stmt
            .query_map(params![technician_id, after, before], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(id, f, v, d, o)| Ok((id, decode_row(&f, &v, d.as_deref(), o)?)))
            .collect()
    }

    fn rows_where(
        &mut self,
        entity: &str,
        field: &str,
        value: &str,
        limit: i64,
    ) -> Result<Vec<(String, RowState)>, HubError> {
        let row = |r: &rusqlite::Row<'_>| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        };
        let raw = if let Some(indexed) = sql().lookup(entity, field) {
            let mut stmt = self.conn.prepare_cached(indexed)?;
            let found = stmt.query_map(params![value, limit], row)?;
            found.collect::<Result<Vec<_>, _>>()?
        } else {
            let mut stmt = self.conn.prepare_cached(&sql().rows_where)?;
            let found = stmt.query_map(params![entity, field, value, limit], row)?;
            found.collect::<Result<Vec<_>, _>>()?
        };
        raw.into_iter()
            .map(|(id, f, v, d, o)| Ok((id, decode_row(&f, &v, d.as_deref(), o)?)))
            .collect()
    }

    fn keep_attachment(&mut self, sha256: &str, content: &[u8]) -> Result<(), HubError> {
        use base64::Engine as _;
        let text = base64::engine::general_purpose::STANDARD.encode(content);
        let mut stmt = self.conn.prepare_cached(&sql().keep_attachment)?;
        stmt.execute(params![sha256, content.len() as i64, text])?;
        Ok(())
    }

    fn bump_counter(&mut self, key: &str) -> Result<i64, HubError> {
        let current: Option<String> = self
            .conn
            .prepare_cached(&sql().meta_get)?
            .query_row([key], |r| r.get(0))
            .optional()?;
        let next = current.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) + 1;
        let statement = if next == 1 {
            &sql().meta_insert
        } else {
            &sql().meta_update
        };
        self.conn
            .prepare_cached(statement)?
            .execute(params![key, next.to_string()])?;
        Ok(next)
    }

    fn load_row(&mut self, entity: &str, entity_id: &str) -> Result<Option<RowState>, HubError> {
        let mut stmt = self.conn.prepare_cached(&sql().load_row)?;
        let raw = stmt
            .query_row(params![entity, entity_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .optional()?;
        raw.map(|(f, v, d, o)| decode_row(&f, &v, d.as_deref(), o))
            .transpose()
    }

    fn save_row(&mut self, entity: &str, entity_id: &str, row: &RowState) -> Result<(), HubError> {
        let (fields, versions, deleted) = encode_row(row)?;
        let mut stmt = self.conn.prepare_cached(&sql().save_row)?;
        stmt.execute(params![
            entity,
            entity_id,
            fields,
            versions,
            deleted,
            row.origin_device
        ])?;
        Ok(())
    }

    fn next_seq(&mut self) -> Result<i64, HubError> {
        if let Some(last) = self.last_seq {
            return Ok(last + 1);
        }
        let mut stmt = self.conn.prepare_cached(&sql().next_seq)?;
        Ok(stmt.query_row([], |r| r.get(0))?)
    }

    fn append_change(&mut self, c: &ServerChange) -> Result<(), HubError> {
        let fields = serde_json::to_string(&c.fields)?;
        let mut stmt = self.conn.prepare_cached(&sql().append_change)?;
        stmt.execute(params![
            c.server_seq,
            c.mutation_id,
            c.entity,
            c.entity_id,
            c.op.as_str(),
            fields,
            c.hlc,
            c.device_id,
            c.recorded_at
        ])?;
        self.last_seq = Some(c.server_seq);
        Ok(())
    }

    fn save_outcome(&mut self, o: &StoredOutcome) -> Result<(), HubError> {
        let mut stmt = self.conn.prepare_cached(&sql().save_outcome)?;
        stmt.execute(params![o.mutation_id, o.device_id, o.outcome, o.code])?;
        Ok(())
    }

    fn log_refusal(
        &mut self,
        device_id: &str,
        mutation_id: &str,
        code: &str,
        detail: &str,
    ) -> Result<(), HubError> {
        tracing::warn!(
            device = %Escaped(device_id),
            mutation_id = %Escaped(mutation_id),
            code = %Escaped(code),
            detail = %Escaped(detail),
            "write refused"
        );
        let mut stmt = self.conn.prepare_cached(&sql().log_refusal)?;
        stmt.execute(params![now_text(), device_id, mutation_id, code, detail])?;
        Ok(())
    }

    fn technician_code_holder(
        &mut self,
        device_id: &str,
        claim: &TechnicianClaim,
    ) -> Result<Option<String>, HubError> {
        let rows = self
            .conn
            .prepare_cached(&sql().technician_rows)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<(String, String)>, _>>()?;
        let claims = self
            .conn
            .prepare_cached(&sql().technician_claims)?
            .query_map([device_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<(String, String, String)>, _>>()?;
        technician_code_holder(Some(claim), rows, claims)
    }

    fn wrong_pins_since(&mut self, scope: &str, since: &str) -> Result<i64, HubError> {
        let mut stmt = self.conn.prepare_cached(&sql().wrong_pins_since)?;
        Ok(stmt.query_row(params![scope, since], |r| r.get(0))?)
    }

    fn flag_clock_skew(&mut self, device_id: &str, skew_ms: i64) -> Result<(), HubError> {
        tracing::warn!(
            device = %Escaped(device_id),
            skew_ms,
            "device clock far ahead: clamped"
        );
        let mut stmt = self.conn.prepare_cached(&sql().flag_clock_skew)?;
        stmt.execute(params![device_id, now_text()])?;
        Ok(())
    }
}

struct SqliteRead<'c> {
    conn: &'c Connection,
}

impl HubRead for SqliteRead<'_> {
    fn changes_after(&mut self, after: i64, limit: i64) -> Result<Vec<ServerChange>, HubError> {
        let mut stmt = self.conn.prepare_cached(&sql().changes_after)?;
        let mut rows = stmt.query(params![after, limit])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let op: String = r.get(4)?;
            let fields: String = r.get(5)?;
            out.push(ServerChange {
                server_seq: r.get(0)?,
                mutation_id: r.get(1)?,
                entity: r.get(2)?,
                entity_id: r.get(3)?,
                op: parse_op(&op)?,
                fields: parse_fields(&fields)?,
                hlc: r.get(6)?,
                device_id: r.get(7)?,
                recorded_at: r.get(8)?,
            });
        }
        Ok(out)
    }

    fn max_seq(&mut self) -> Result<i64, HubError> {
        let mut stmt = self.conn.prepare_cached(&sql().max_seq)?;
        Ok(stmt.query_row([], |r| r.get(0))?)
    }

    fn rows_page(
        &mut self,
        entity: &str,
        after_id: &str,
        limit: i64,
    ) -> Result<Vec<(String, RowState)>, HubError> {
        let mut stmt = self.conn.prepare_cached(&sql().rows_page)?;
        let rows = stmt.query(params![entity, after_id, limit])?;
        live_rows(rows)
    }

    fn messages_to_send(&mut self, limit: i64) -> Result<Vec<(String, RowState)>, HubError> {
        let mut stmt = self.conn.prepare_cached(&sql().messages_to_send)?;
        let rows = stmt.query(params![limit])?;
        live_rows(rows)
    }

    fn attachments_of(&mut self, message_id: &str) -> Result<Vec<(String, RowState)>, HubError> {
        let mut stmt = self.conn.prepare_cached(&sql().attachments_of)?;
        let rows = stmt.query(params![message_id])?;
        live_rows(rows)
    }

    fn attachment_content(&mut self, sha256: &str) -> Result<Option<Vec<u8>>, HubError> {
        use base64::Engine as _;
        let text: Option<String> = self
            .conn
            .prepare_cached(&sql().attachment_content)?
            .query_row([sha256], |r| r.get(0))
            .optional()?;
        text.map(|t| {
            base64::engine::general_purpose::STANDARD
                .decode(t)
                .map_err(|e| HubError::Storage(format!("attachment {sha256}: {e}")))
        })
        .transpose()
    }

    fn intake_lookup_plans(&mut self) -> Result<Vec<(String, String)>, HubError> {
        let mut plans = Vec::new();
        for (entity, field, _) in super::tables::INTAKE_LOOKUPS {
            let statement = sql().lookup(entity, field).unwrap_or_default();
            let mut stmt = self
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {statement}"))?;
            let mut rows = stmt.query(params!["", 1])?;
            let mut lines = Vec::new();
            while let Some(r) = rows.next()? {
                lines.push(r.get::<_, String>(3)?);
            }
            plans.push((format!("{entity}.{field}"), lines.join("\n")));
        }
        Ok(plans)
    }

    fn mail_round_plan(&mut self) -> Result<Vec<String>, HubError> {
        let mut lines = Vec::new();
        for (statement, param) in [
            (&sql().messages_to_send, rusqlite::types::Value::Integer(1)),
            (
                &sql().attachments_of,
                rusqlite::types::Value::Text(String::new()),
            ),
        ] {
            let mut stmt = self
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {statement}"))?;
            let mut rows = stmt.query(params![param])?;
            while let Some(r) = rows.next()? {
                lines.push(r.get::<_, String>(3)?);
            }
        }
        Ok(lines)
    }
}

/// Rows of `entity_id, fields, versions, origin_device` (live rows: no tombstone).
fn live_rows(mut rows: rusqlite::Rows<'_>) -> Result<Vec<(String, RowState)>, HubError> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let fields: String = r.get(1)?;
        let versions: String = r.get(2)?;
        out.push((id, decode_row(&fields, &versions, None, r.get(3)?)?));
    }
    Ok(out)
}

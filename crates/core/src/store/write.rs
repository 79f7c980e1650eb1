//! The one write path: row changes and their change records, in one transaction.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use super::Entity;
use super::{local_get, local_set};
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::ids::{DeviceId, MutationId, TechnicianId};
use crate::time::format_instant;
use rapportino_model::numbers::MAX_SEQUENCE;

/// A change as recorded in the local change log (what sync will push).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ChangeRecord {
    pub seq: i64,
    pub mutation_id: String,
    pub entity: String,
    pub entity_id: String,
    pub op: String,
    pub fields: Value,
    pub hlc: Hlc,
    pub device_id: String,
    pub recorded_at: String,
}

/// A write transaction. Dropping it without [`WriteTx::commit`] rolls everything back.
pub struct WriteTx<'c> {
    tx: Transaction<'c>,
    now: DateTime<Utc>,
    now_text: String,
    tz: Tz,
    device_id: DeviceId,
    hlc: Hlc,
    /// The hub sequence pulled so far (0 before any sync), recorded with every change.
    base_seq: i64,
    /// What [`WriteTx::local_fixed`] and [`WriteTx::setting_text`] read, kept for the rest of
    /// the transaction (an intake batch opens hundreds of tickets in one).
    memo: RefCell<Memo>,
}

#[derive(Default)]
struct Memo {
    local: Vec<(&'static str, Option<String>)>,
    settings: Vec<(String, Option<String>)>,
}

pub type Fields = Vec<(&'static str, Value)>;

/// When a row was written and under which mutation id.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub at_text: String,
    pub mutation_id: MutationId,
}

impl<'c> WriteTx<'c> {
    pub(super) fn begin(tx: Transaction<'c>, now: DateTime<Utc>, tz: Tz) -> Result<Self> {
        let device_id: DeviceId = local_get(&tx, "device_id")?
            .ok_or(Error::NotOnboarded)?
            .parse()?;
        let hlc = Hlc(local_get(&tx, "hlc")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0));
        let base_seq = local_get(&tx, super::keys::CURSOR)?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok(WriteTx {
            base_seq,
            tx,
            now_text: format_instant(now),
            now,
            tz,
            device_id,
            hlc,
            memo: RefCell::default(),
        })
    }

    pub(super) fn commit(self) -> Result<()> {
        local_set(&self.tx, "hlc", &self.hlc.0.to_string())?;
        self.tx.commit()?;
        Ok(())
    }

    /// Runs `f` under a savepoint: when it fails, what it wrote is undone and its error
    /// returned, and the transaction goes on (the intake's batch: one refused ticket does not
    /// undo the batch). The clock is not wound back: later writes stay newer.
    pub fn savepoint<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.tx
            .prepare_cached("SAVEPOINT write_step")?
            .execute([])?;
        match f(self) {
            Ok(v) => {
                self.tx.prepare_cached("RELEASE write_step")?.execute([])?;
                Ok(v)
            }
            Err(e) => {
                self.tx
                    .prepare_cached("ROLLBACK TO write_step")?
                    .execute([])?;
                self.tx.prepare_cached("RELEASE write_step")?.execute([])?;
                Err(e)
            }
        }
    }

    /// The instant of this transaction (one value for every row it writes).
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn now_text(&self) -> &str {
        &self.now_text
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    pub fn device_id(&self) -> DeviceId {
        self.device_id
    }

    /// Reads inside the transaction.
    pub fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }

    /// A device-local value that no write of the write path changes (this device's code and
    /// technician, the numbering hold), read once per transaction. [`WriteTx::set_local`]
    /// forgets what it overwrites.
    pub(crate) fn local_fixed(&self, key: &'static str) -> Result<Option<String>> {
        if let Some((_, v)) = self.memo.borrow().local.iter().find(|(k, _)| *k == key) {
            return Ok(v.clone());
        }
        let v = local_get(&self.tx, key)?;
        self.memo.borrow_mut().local.push((key, v.clone()));
        Ok(v)
    }

    /// This device's code; `NOT_ONBOARDED` before onboarding.
    pub(crate) fn device_code(&self) -> Result<String> {
        self.local_fixed("device_code")?.ok_or(Error::NotOnboarded)
    }

    /// This device's technician; `NOT_ONBOARDED` before onboarding.
    pub(crate) fn technician(&self) -> Result<TechnicianId> {
        self.local_fixed("technician_id")?
            .ok_or(Error::NotOnboarded)?
            .parse()
    }

    /// A shop setting's stored text (`settings.value`), read once per transaction: a write of
    /// a setting through this transaction forgets them all.
    pub(crate) fn setting_text(&self, key: &str) -> Result<Option<String>> {
        if let Some((_, v)) = self.memo.borrow().settings.iter().find(|(k, _)| k == key) {
            return Ok(v.clone());
        }
        let v: Option<String> = self
            .tx
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?;
        self.memo
            .borrow_mut()
            .settings
            .push((key.to_owned(), v.clone()));
        Ok(v)
    }

    /// A shop setting read through [`WriteTx::setting_text`]; `None` when missing or
    /// unreadable (as `get_setting_conn`).
    pub(crate) fn setting<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        Ok(self
            .setting_text(key)?
            .and_then(|s| serde_json::from_str(&s).ok()))
    }

    /// A row of `entity` is about to change: what the memo holds of it is forgotten.
    fn forget(&self, entity: Entity) {
        if entity == Entity::Setting {
            self.memo.borrow_mut().settings.clear();
        }
    }

    /// Inserts a row and records it. `created_at`/`updated_at` are added when the table has them.
    pub fn insert(&mut self, entity: Entity, id: &str, fields: Fields) -> Result<()> {
        let stamp = Stamp {
            at: self.now,
            at_text: self.now_text.clone(),
            mutation_id: MutationId::new(),
        };
        self.insert_stamped(entity, id, fields, stamp)
    }

    /// Inserts a row that happened at another instant (imported history, demo data): `created_at`,
    /// the change record's instant and its clock come from `stamp`.
    pub fn insert_stamped(
        &mut self,
        entity: Entity,
        id: &str,
        mut fields: Fields,
        stamp: Stamp,
    ) -> Result<()> {
        if entity.has_created_at() {
            fields.push(("created_at", Value::String(stamp.at_text.clone())));
        }
        if entity.has_updated_at() {
            fields.push(("updated_at", Value::String(stamp.at_text.clone())));
        }
        let mut cols = String::from(entity.key_column());
        let mut marks = String::from("?1");
        for (i, (col, _)) in fields.iter().enumerate() {
            cols.push_str(", ");
            cols.push_str(col);
            marks.push_str(&format!(", ?{}", i + 2));
        }
        self.forget(entity);
        let sql = format!("INSERT INTO {} ({cols}) VALUES ({marks})", entity.table());
        let values = std::iter::once(SqlValue::Text(id.to_owned()))
            .chain(fields.iter().map(|(_, v)| to_sql(v)));
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(values))
            .map_err(|e| constraint_error(e, entity))?;
        self.record_stamped(entity, id, "insert", fields, &stamp)
    }

    /// Updates the given fields of a row, recording only those whose value actually changes.
    /// Returns whether anything changed. Fails with `NOT_FOUND` when the row does not exist.
    pub fn update(&mut self, entity: Entity, id: &str, fields: Fields) -> Result<bool> {
        let key = entity.key_column();
        let cols: Vec<&str> = fields.iter().map(|(c, _)| *c).collect();
        let select = format!(
            "SELECT {} FROM {} WHERE {key} = ?1",
            cols.join(", "),
            entity.table()
        );
        let current: Option<Vec<SqlValue>> = self
            .tx
            .prepare_cached(&select)?
            .query_row([id], |r| {
                (0..cols.len()).map(|i| r.get::<_, SqlValue>(i)).collect()
            })
            .optional()?;
        let current = current.ok_or_else(|| Error::not_found(entity.name(), id))?;
        let mut changed: Fields = fields
            .into_iter()
            .zip(current)
            .filter(|((_, new), old)| to_sql(new) != *old)
            .map(|(f, _)| f)
            .collect();
        if changed.is_empty() {
            return Ok(false);
        }
        if entity.has_updated_at() {
            changed.push(("updated_at", Value::String(self.now_text.clone())));
        }
        self.forget(entity);
        let sql = update_sql(entity, changed.iter().map(|(c, _)| *c));
        let values = std::iter::once(SqlValue::Text(id.to_owned()))
            .chain(changed.iter().map(|(_, v)| to_sql(v)));
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(values))
            .map_err(|e| constraint_error(e, entity))?;
        self.record(entity, id, "update", changed)?;
        Ok(true)
    }

    /// Deletes a row and records a tombstone. Fails with `NOT_FOUND` when the row does not exist.
    pub fn delete(&mut self, entity: Entity, id: &str) -> Result<()> {
        self.forget(entity);
        let sql = format!(
            "DELETE FROM {} WHERE {} = ?1",
            entity.table(),
            entity.key_column()
        );
        let n = self
            .tx
            .prepare_cached(&sql)?
            .execute([id])
            .map_err(|e| constraint_error(e, entity))?;
        if n == 0 {
            return Err(Error::not_found(entity.name(), id));
        }
        self.record(entity, id, "delete", Vec::new())
    }

    /// Inserts or updates a settings-like row keyed by `id`.
    pub fn upsert(&mut self, entity: Entity, id: &str, fields: Fields) -> Result<()> {
        let exists: bool = self
            .tx
            .prepare_cached(&format!(
                "SELECT 1 FROM {} WHERE {} = ?1",
                entity.table(),
                entity.key_column()
            ))?
            .exists([id])?;
        if exists {
            self.update(entity, id, fields).map(|_| ())
        } else {
            self.insert(entity, id, fields)
        }
    }

    fn record(&mut self, entity: Entity, id: &str, op: &str, fields: Fields) -> Result<()> {
        let stamp = Stamp {
            at: self.now,
            at_text: self.now_text.clone(),
            mutation_id: MutationId::new(),
        };
        self.record_stamped(entity, id, op, fields, &stamp)
    }

    fn record_stamped(
        &mut self,
        entity: Entity,
        id: &str,
        op: &str,
        fields: Fields,
        stamp: &Stamp,
    ) -> Result<()> {
        self.hlc = self.hlc.tick(stamp.at.timestamp_millis());
        let json = fields_json(&fields)?;
        self.tx
            .prepare_cached(
                "INSERT INTO change_log (mutation_id, entity, entity_id, op, fields, hlc, device_id, recorded_at, base_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(rusqlite::params![
                stamp.mutation_id.to_string(),
                entity.name(),
                id,
                op,
                json,
                self.hlc.0,
                self.device_id.to_string(),
                stamp.at_text,
                self.base_seq,
            ])?;
        Ok(())
    }

    /// Allocates the next number of a per-device, per-year sequence (`scope` is e.g. `T`). Runs in
    /// this transaction, so a number is consumed only if the row using it is committed. Past
    /// [`MAX_SEQUENCE`] (what a number may carry) it fails with `NUMBERING_EXHAUSTED`.
    pub fn next_sequence(&mut self, scope: &str, year: i32) -> Result<i64> {
        if self.local_fixed(super::keys::NUMBERING_HOLD)?.is_some() {
            return Err(Error::invalid(
                crate::error::Code::SyncRequired,
                "number",
                "this device was restored from a backup: sync with the hub once before issuing \
                 new ticket or report numbers, so that none is issued twice",
            ));
        }
        let next: i64 = self
            .tx
            .prepare_cached("SELECT next FROM number_sequences WHERE scope = ?1 AND year = ?2")?
            .query_row(rusqlite::params![scope, year], |r| r.get(0))
            .optional()?
            .unwrap_or(1)
            .max(1);
        let after = next
            .checked_add(1)
            .filter(|_| next <= MAX_SEQUENCE)
            .ok_or_else(|| {
                Error::invalid(
                    crate::error::Code::NumberingExhausted,
                    "number",
                    format!(
                        "the {scope} numbers of this device for {year} are used up (the last \
                         one is {MAX_SEQUENCE})"
                    ),
                )
            })?;
        self.tx
            .prepare_cached(
                "INSERT INTO number_sequences (scope, year, next) VALUES (?1, ?2, ?3)
                 ON CONFLICT (scope, year) DO UPDATE SET next = excluded.next",
            )?
            .execute(rusqlite::params![scope, year, after])?;
        Ok(next)
    }

    /// Sets a sequence so the next number issued is `next` (after importing history).
    pub fn set_sequence(&mut self, scope: &str, year: i32, next: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO number_sequences (scope, year, next) VALUES (?1, ?2, ?3)
             ON CONFLICT (scope, year) DO UPDATE SET next = max(next, excluded.next)",
            )?
            .execute(rusqlite::params![scope, year, next])?;
        Ok(())
    }

    /// Writes device-local state (never synced).
    pub fn set_local(&mut self, key: &str, value: &str) -> Result<()> {
        self.memo.get_mut().local.retain(|(k, _)| *k != key);
        local_set(&self.tx, key, value)
    }
}

/// The fields as the change log keeps them: a JSON object, keys in byte order and the last
/// value of a repeated key kept — the text a `serde_json::Map` (a B-tree) gives, written
/// without building one (no key copied, no tree).
pub(crate) fn fields_json(fields: &[(&'static str, Value)]) -> Result<String> {
    use serde::ser::{SerializeMap, Serializer};
    let mut order: Vec<usize> = (0..fields.len()).collect();
    // By key; for a repeated key the later field first, so that it is the one kept.
    order.sort_unstable_by(|a, b| fields[*a].0.cmp(fields[*b].0).then(b.cmp(a)));
    order.dedup_by(|later, kept| fields[*later].0 == fields[*kept].0);
    let mut out = Vec::with_capacity(32 * fields.len() + 2);
    let fail = |e: serde_json::Error| Error::Inconsistent(e.to_string());
    let mut ser = serde_json::Serializer::new(&mut out);
    let mut map = ser.serialize_map(Some(order.len())).map_err(fail)?;
    for i in order {
        map.serialize_entry(fields[i].0, &fields[i].1)
            .map_err(fail)?;
    }
    map.end().map_err(fail)?;
    String::from_utf8(out).map_err(|e| Error::Inconsistent(e.to_string()))
}

/// `UPDATE table SET c1 = ?2, c2 = ?3 … WHERE key = ?1`: the row's key is the first parameter,
/// then the columns' values in order.
pub(crate) fn update_sql<'a>(entity: Entity, columns: impl Iterator<Item = &'a str>) -> String {
    let sets: Vec<String> = columns
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 2))
        .collect();
    format!(
        "UPDATE {} SET {} WHERE {} = ?1",
        entity.table(),
        sets.join(", "),
        entity.key_column()
    )
}

/// JSON field value → SQLite value. Booleans are stored as 0/1.
pub(crate) fn to_sql(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map_or_else(
            || SqlValue::Real(n.as_f64().unwrap_or(0.0)),
            SqlValue::Integer,
        ),
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// Unique-constraint violations become `ALREADY_EXISTS`, foreign keys `NOT_FOUND`.
fn constraint_error(e: rusqlite::Error, entity: Entity) -> Error {
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        let msg = msg.clone().unwrap_or_default();
        match f.extended_code {
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                return Error::AlreadyExists {
                    what: entity.name(),
                    value: msg,
                };
            }
            rusqlite::ffi::SQLITE_CONSTRAINT_TRIGGER if msg == "REPORT_SIGNED" => {
                return Error::invalid(
                    crate::error::Code::ReportSigned,
                    "report",
                    "a signed report can never change: make an amendment instead",
                );
            }
            rusqlite::ffi::SQLITE_CONSTRAINT_TRIGGER if msg == "QUOTE_FINAL" => {
                return Error::invalid(
                    crate::error::Code::QuoteFinal,
                    "quote",
                    "an accepted or refused quote can never change: make a new quote instead",
                );
            }
            rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                return Error::Inconsistent(format!(
                    "{}: a referenced record does not exist",
                    entity.name()
                ));
            }
            _ => {}
        }
    }
    Error::Database(e)
}

/// Helpers to build field lists tersely.
pub mod field {
    use serde_json::Value;

    pub fn text(v: impl Into<String>) -> Value {
        Value::String(v.into())
    }
    pub fn opt_text(v: Option<impl Into<String>>) -> Value {
        v.map_or(Value::Null, |s| Value::String(s.into()))
    }
    /// An address's four columns (check it first: [`crate::address::Address::validated`]).
    pub fn address(a: crate::address::Address) -> [(&'static str, Value); 4] {
        a.columns().map(|(column, value)| (column, opt_text(value)))
    }
    pub fn int(v: i64) -> Value {
        Value::from(v)
    }
    pub fn real(v: f64) -> Value {
        Value::from(v)
    }
    pub fn flag(v: bool) -> Value {
        Value::Bool(v)
    }
    pub fn opt_id(v: Option<impl ToString>) -> Value {
        v.map_or(Value::Null, |s| Value::String(s.to_string()))
    }
}

/// Reads the change log after `after_seq` (sync and tests).
pub fn read_change_log(
    conn: &rusqlite::Connection,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<ChangeRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, mutation_id, entity, entity_id, op, fields, hlc, device_id, recorded_at
         FROM change_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map([after_seq, limit], |r| {
        let fields: String = r.get(5)?;
        Ok(ChangeRecord {
            seq: r.get(0)?,
            mutation_id: r.get(1)?,
            entity: r.get(2)?,
            entity_id: r.get(3)?,
            op: r.get(4)?,
            fields: serde_json::from_str(&fields).unwrap_or(Value::Null),
            hlc: Hlc(r.get(6)?),
            device_id: r.get(7)?,
            recorded_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_json_is_the_text_of_a_json_map() {
        let fields: Fields = vec![
            ("title", field::text("Stampante \"rotta\" è ferma")),
            ("urgent", field::flag(true)),
            ("b", Value::Null),
            ("size", field::int(-3)),
            ("amount", field::real(1.5)),
            ("title", field::text("the later one")),
            ("Z", field::text("upper case sorts first")),
        ];
        let map: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        assert_eq!(
            fields_json(&fields).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        assert_eq!(fields_json(&[]).unwrap(), "{}");
    }
}

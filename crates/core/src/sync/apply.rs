//! Device side of the protocol on the local database: the outbox to push, the acknowledgements,
//! and the application of what the hub sends (pulled changes, snapshot rows, corrections).
//!
//! Remote data is written straight to the tables, never to the change log (it is not a local
//! change), with foreign keys off for the transaction: the hub's order is authoritative and a
//! child may legitimately arrive for a parent that another device deleted.
//!
//! Each row is written in a savepoint of its own: a row this device cannot store (a constraint,
//! a type, a unique index) is rolled back alone and kept in quarantine ([`super::quarantine`]),
//! the rest applies and the cursor moves on. After every page (and a snapshot) the quarantined
//! rows are tried again; a later change to a row that is not here is merged into its entry.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Transaction};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

use super::keys;
use super::merge::beats;
use super::protocol::{Correction, Mutation, Op, PushResponse, ServerChange, SnapshotRow};
use super::quarantine::{self, Held, Incoming};
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::store::{local_get, local_set, to_sql, update_sql, Entity, Store};
use crate::time::format_instant;

/// The oldest `limit` entries of the outbox, as mutations.
pub fn outbox(conn: &Connection, limit: i64) -> Result<Vec<Mutation>> {
    outbox_within(conn, limit, usize::MAX)
}

/// The oldest entries of the outbox, at most `limit`, and past the first one no more than
/// `max_bytes` of fields (their JSON text).
pub fn outbox_within(conn: &Connection, limit: i64, max_bytes: usize) -> Result<Vec<Mutation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT mutation_id, entity, entity_id, op, fields, hlc, device_id, recorded_at, base_seq
         FROM change_log ORDER BY seq LIMIT ?1",
    )?;
    let mut rows = stmt.query([limit])?;
    let mut out = Vec::new();
    let mut bytes = 0usize;
    while let Some(r) = rows.next()? {
        let op: String = r.get(3)?;
        let fields: String = r.get(4)?;
        bytes = bytes.saturating_add(fields.len());
        if bytes > max_bytes && !out.is_empty() {
            break;
        }
        out.push(Mutation {
            mutation_id: r.get(0)?,
            entity: r.get(1)?,
            entity_id: r.get(2)?,
            op: Op::parse(&op).unwrap_or(Op::Update),
            fields: serde_json::from_str(&fields).unwrap_or_default(),
            hlc: r.get(5)?,
            device_id: r.get(6)?,
            recorded_at: r.get(7)?,
            base_seq: r.get(8)?,
        });
    }
    Ok(out)
}

pub fn pending_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))?)
}

/// Runs `f` in one transaction that writes remote data: foreign keys off, no change records.
pub(crate) fn remote_write<T>(
    store: &mut Store,
    f: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let conn = store.conn_mut();
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let out = (|| {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    })();
    conn.pragma_update(None, "foreign_keys", "ON")?;
    out
}

/// Removes acknowledged mutations from the outbox and puts back what the hub decided for the
/// ones that lost or were refused. Returns (acknowledged, rejected).
pub fn acknowledge(
    store: &mut Store,
    pushed: &[Mutation],
    response: &PushResponse,
) -> Result<(i64, i64)> {
    let now = store.now();
    let now_text = format_instant(now);
    let sent: HashSet<&str> = pushed.iter().map(|m| m.mutation_id.as_str()).collect();
    let answered: HashSet<&str> = response
        .results
        .iter()
        .map(|r| r.mutation_id.as_str())
        .filter(|id| sent.contains(id))
        .collect();
    remote_write(store, |tx| {
        let mut w = RemoteWriter::new(tx, &now_text)?;
        let cursor = local_get(tx, keys::CURSOR)?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        // Every mutation sent was answered: the batch is the outbox's oldest entries (read in
        // sequence order; the outbox only grows at its end), so one range delete removes it —
        // when the range holds exactly the batch, else one delete per mutation.
        let range = match pushed.last() {
            Some(last) if answered.len() == sent.len() && sent.len() == pushed.len() => {
                outbox_range(tx, &last.mutation_id, pushed.len())?
            }
            _ => None,
        };
        let mut acked = 0;
        let mut rejected = 0;
        for result in &response.results {
            if !sent.contains(result.mutation_id.as_str()) {
                continue;
            }
            for c in &result.corrections {
                w.correction(c, cursor, &result.mutation_id, response.hub_hlc)?;
            }
            if result.outcome == super::protocol::Outcome::Rejected {
                rejected += 1;
            }
            if range.is_none() {
                acked += tx
                    .prepare_cached("DELETE FROM change_log WHERE mutation_id = ?1")?
                    .execute([&result.mutation_id])? as i64;
            }
        }
        if let Some(last_seq) = range {
            acked += tx
                .prepare_cached("DELETE FROM change_log WHERE seq <= ?1")?
                .execute([last_seq])? as i64;
        }
        merge_clock(tx, response.hub_hlc, now.timestamp_millis())?;
        match response.clock_skew_ms {
            Some(ms) => local_set(tx, keys::CLOCK_SKEW_MS, &ms.to_string())?,
            None => {
                tx.execute(
                    "DELETE FROM local_state WHERE key = ?1",
                    [keys::CLOCK_SKEW_MS],
                )?;
            }
        }
        Ok((acked, rejected))
    })
}

/// The outbox sequence of `last` when the entries up to it are exactly `len` (the batch just
/// pushed): the range one delete acknowledges.
fn outbox_range(tx: &Transaction<'_>, last: &str, len: usize) -> Result<Option<i64>> {
    let Some(last_seq) = tx
        .prepare_cached("SELECT seq FROM change_log WHERE mutation_id = ?1")?
        .query_row([last], |r| r.get::<_, i64>(0))
        .optional()?
    else {
        return Ok(None);
    };
    let held: i64 = tx
        .prepare_cached("SELECT count(*) FROM change_log WHERE seq <= ?1")?
        .query_row([last_seq], |r| r.get(0))?;
    Ok((held == len as i64).then_some(last_seq))
}

/// Applies a page of pulled changes and moves the cursor past them, in one transaction. A row
/// this device cannot store is quarantined and the rest applies; then the quarantined rows are
/// tried again.
pub fn apply_changes(store: &mut Store, changes: &[ServerChange], next_cursor: i64) -> Result<()> {
    let now = store.now();
    let now_text = format_instant(now);
    remote_write(store, |tx| {
        let mut w = RemoteWriter::new(tx, &now_text)?;
        let mut max_hlc = 0;
        for c in changes {
            max_hlc = max_hlc.max(c.hlc);
            let Some(entity) = Entity::from_name(&c.entity) else {
                continue; // a kind this version does not know: a newer device wrote it
            };
            let Some(fields) =
                unshadowed(tx, &c.entity, &c.entity_id, &c.fields, c.hlc, &c.device_id)?
            else {
                continue;
            };
            w.incoming(
                entity,
                &Incoming {
                    op: c.op,
                    entity_id: &c.entity_id,
                    fields,
                    server_seq: c.server_seq,
                    mutation_id: &c.mutation_id,
                    hlc: c.hlc,
                    device_id: &c.device_id,
                },
            )?;
        }
        w.retry_quarantined()?;
        merge_clock(tx, max_hlc, now.timestamp_millis())?;
        local_set(tx, keys::CURSOR, &next_cursor.to_string())?;
        Ok(())
    })
}

/// Applies rows of a snapshot consistent with hub sequence `cursor` (upserts; a row this device
/// cannot store is quarantined). The cursor is set by [`finish_snapshot`].
pub fn apply_snapshot_rows(store: &mut Store, rows: &[SnapshotRow], cursor: i64) -> Result<()> {
    let now_text = format_instant(store.now());
    remote_write(store, |tx| {
        let mut w = RemoteWriter::new(tx, &now_text)?;
        for row in rows {
            let Some(entity) = Entity::from_name(&row.entity) else {
                continue;
            };
            w.incoming(
                entity,
                &Incoming {
                    op: Op::Insert,
                    entity_id: &row.entity_id,
                    fields: row.fields.clone(),
                    server_seq: cursor,
                    mutation_id: "",
                    hlc: 0,
                    device_id: "",
                },
            )?;
        }
        Ok(())
    })
}

/// Ends a snapshot: the quarantined rows are tried again and the cursor is set.
pub fn finish_snapshot(store: &mut Store, cursor: i64) -> Result<()> {
    let now_text = format_instant(store.now());
    remote_write(store, |tx| {
        RemoteWriter::new(tx, &now_text)?.retry_quarantined()?;
        local_set(tx, keys::CURSOR, &cursor.to_string())
    })
}

/// Writes remote rows in one transaction, each in a savepoint of its own.
struct RemoteWriter<'t, 'c> {
    tx: &'t Transaction<'c>,
    own: OwnNumbering,
    columns: Columns,
    now: &'t str,
}

impl<'t, 'c> RemoteWriter<'t, 'c> {
    fn new(tx: &'t Transaction<'c>, now: &'t str) -> Result<Self> {
        Ok(RemoteWriter {
            own: own_numbering(tx)?,
            tx,
            columns: Columns::default(),
            now,
        })
    }

    /// A pulled change or snapshot row: stored, or quarantined. A change to a row that is not
    /// here while an earlier change of it is quarantined completes that entry instead.
    fn incoming(&mut self, entity: Entity, c: &Incoming<'_>) -> Result<()> {
        let held = quarantine::get(self.tx, entity, c.entity_id)?;
        if let Some(h) = &held {
            if c.op != Op::Delete
                && h.op != Op::Delete
                && !row_exists(self.tx, entity, c.entity_id)?
            {
                return quarantine::merge(self.tx, entity, c, None, self.now);
            }
        }
        match self.attempt(entity, c.op, c.entity_id, &c.fields, true)? {
            Write::Stored => match held {
                Some(h) if c.op == Op::Delete => {
                    quarantine::release(self.tx, &h.entity, &h.entity_id)
                }
                Some(h) => quarantine::supersede(self.tx, &h, c.fields.keys()),
                None => Ok(()),
            },
            Write::Refused(error) => quarantine::merge(self.tx, entity, c, Some(&error), self.now),
        }
    }

    /// The hub's values for a mutation of this device that lost or was refused.
    fn correction(
        &mut self,
        c: &Correction,
        cursor: i64,
        mutation_id: &str,
        hub_hlc: i64,
    ) -> Result<()> {
        let Some(entity) = Entity::from_name(&c.entity) else {
            return Ok(());
        };
        let op = if c.deleted { Op::Delete } else { Op::Update };
        if let Write::Refused(error) = self.attempt(entity, op, &c.entity_id, &c.fields, false)? {
            let incoming = Incoming {
                op,
                entity_id: &c.entity_id,
                fields: c.fields.clone(),
                server_seq: cursor,
                mutation_id,
                hlc: hub_hlc,
                device_id: "hub",
            };
            quarantine::merge(self.tx, entity, &incoming, Some(&error), self.now)?;
        }
        Ok(())
    }

    /// Tries every quarantined row again, oldest first; one that stores leaves quarantine.
    fn retry_quarantined(&mut self) -> Result<()> {
        if quarantine::is_empty(self.tx)? {
            return Ok(());
        }
        for h in quarantine::all(self.tx)? {
            self.retry(&h)?;
        }
        Ok(())
    }

    fn retry(&mut self, h: &Held) -> Result<()> {
        let Some(entity) = Entity::from_name(&h.entity) else {
            return Ok(());
        };
        // An unsent newer local change of the row still wins over the hub's older values.
        let Some(fields) = unshadowed(
            self.tx,
            &h.entity,
            &h.entity_id,
            &h.fields,
            h.hlc,
            &h.device_id,
        )?
        else {
            return Ok(());
        };
        match self.attempt(entity, h.op, &h.entity_id, &fields, true)? {
            Write::Stored => quarantine::release(self.tx, &h.entity, &h.entity_id),
            Write::Refused(error) => quarantine::failed_again(self.tx, h, &error, self.now),
        }
    }

    /// Writes one row (and, for an insert, moves this device's counters past its number) in a
    /// savepoint: rolled back alone when the row cannot be stored.
    fn attempt(
        &mut self,
        entity: Entity,
        op: Op,
        id: &str,
        fields: &Map<String, Value>,
        insert_missing: bool,
    ) -> Result<Write> {
        self.tx.execute("SAVEPOINT remote_row", [])?;
        let outcome = (|| {
            let w = match op {
                Op::Delete => delete_row(self.tx, entity, id)?,
                Op::Insert | Op::Update => write_row(
                    self.tx,
                    &mut self.columns,
                    entity,
                    id,
                    fields,
                    insert_missing,
                )?,
            };
            if w == Write::Stored && op == Op::Insert {
                self.own.bump(self.tx, entity, fields)?;
            }
            Ok(w)
        })();
        match &outcome {
            Ok(Write::Stored) => {}
            // Refused, or failed for good (the whole transaction is dropped then anyway).
            _ => {
                self.tx.execute("ROLLBACK TO remote_row", [])?;
            }
        }
        self.tx.execute("RELEASE remote_row", [])?;
        outcome
    }
}

/// What became of one remote row.
#[derive(Debug, PartialEq)]
enum Write {
    Stored,
    /// This device cannot store it: why (SQLite's message).
    Refused(String),
}

/// A statement's outcome: a constraint, a type or a size this device's schema refuses is the
/// row's problem (quarantine); anything else (disk full, I/O) is the device's (the round fails
/// and is run again).
fn storing(entity: Entity, id: &str, r: rusqlite::Result<usize>) -> Result<Write> {
    use rusqlite::ErrorCode as E;
    match r {
        Ok(_) => Ok(Write::Stored),
        Err(e) => match e.sqlite_error_code() {
            Some(E::ConstraintViolation | E::TypeMismatch | E::TooBig) => {
                Ok(Write::Refused(e.to_string()))
            }
            _ => Err(Error::Inconsistent(format!(
                "the hub's {} {id} could not be written on this device: {e}",
                entity.name()
            ))),
        },
    }
}

fn row_exists(conn: &Connection, entity: Entity, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT 1 FROM {} WHERE {} = ?1",
            entity.table(),
            entity.key_column()
        ))?
        .exists([id])?)
}

/// A pulled change's fields minus those a newer local change, not yet pushed, will overwrite
/// (`None`: a pending local delete of the row wins over it).
fn unshadowed(
    conn: &Connection,
    entity: &str,
    entity_id: &str,
    fields: &Map<String, Value>,
    hlc: i64,
    device_id: &str,
) -> Result<Option<Map<String, Value>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT op, fields, hlc, device_id FROM change_log WHERE entity = ?1 AND entity_id = ?2",
    )?;
    let pending = stmt
        .query_map([entity, entity_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut fields = fields.clone();
    for (op, json, local_hlc, device) in pending {
        if !beats(local_hlc, &device, hlc, device_id) {
            continue;
        }
        if op == "delete" {
            return Ok(None);
        }
        let local: Map<String, Value> = serde_json::from_str(&json).unwrap_or_default();
        for key in local.keys() {
            fields.remove(key);
        }
    }
    Ok(Some(fields))
}

/// A signed report, or an accepted or refused quote: final, never touched again (the SQL
/// triggers would refuse it; the hub refuses any later edit).
fn is_final(conn: &Connection, entity: Entity, id: &str) -> Result<bool> {
    let sql = match entity {
        Entity::Report => "SELECT 1 FROM reports WHERE id = ?1 AND status = 'signed'",
        Entity::Quote => "SELECT 1 FROM quotes WHERE id = ?1 AND status IN ('accepted', 'refused')",
        _ => return Ok(false),
    };
    Ok(conn.prepare_cached(sql)?.exists([id])?)
}

fn delete_row(tx: &Transaction<'_>, entity: Entity, id: &str) -> Result<Write> {
    if is_final(tx, entity, id)? {
        return Ok(Write::Stored);
    }
    let sql = format!(
        "DELETE FROM {} WHERE {} = ?1",
        entity.table(),
        entity.key_column()
    );
    storing(entity, id, tx.prepare_cached(&sql)?.execute([id]))
}

/// The columns of each table, so that a field this version does not know is ignored rather
/// than breaking the statement (and nothing but a column name is ever put into SQL).
/// For each column, the value a NULL from the hub stands for: the column's default when it has
/// one and cannot be NULL (the hub sends NULL for a field nobody wrote since the insert).
#[derive(Default)]
struct Columns(HashMap<Entity, HashMap<String, Option<SqlValue>>>);

impl Columns {
    fn of(
        &mut self,
        conn: &Connection,
        entity: Entity,
    ) -> Result<&HashMap<String, Option<SqlValue>>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(entity) {
            let mut stmt = conn.prepare(&format!("PRAGMA table_info({})", entity.table()))?;
            let names = stmt
                .query_map([], |r| {
                    let name: String = r.get(1)?;
                    let not_null: bool = r.get(3)?;
                    let default: Option<String> = r.get(4)?;
                    Ok((
                        name,
                        default.filter(|_| not_null).map(|d| parse_default(&d)),
                    ))
                })?
                .collect::<Result<HashMap<_, _>, _>>()?;
            slot.insert(names);
        }
        Ok(&self.0[&entity])
    }
}

/// A column default as SQLite reports it (`0`, `'none'`) as a value.
fn parse_default(text: &str) -> SqlValue {
    if let Some(s) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return SqlValue::Text(s.replace("''", "'"));
    }
    text.parse::<i64>()
        .map(SqlValue::Integer)
        .unwrap_or_else(|_| {
            text.parse::<f64>()
                .map_or_else(|_| SqlValue::Text(text.to_owned()), SqlValue::Real)
        })
}

/// Writes the given fields of a row: only those that differ from the stored values (a signed
/// report is never touched by an echo of itself); inserts the row when it is missing and
/// `insert_missing` (else there is nothing to write: `Stored`).
fn write_row(
    tx: &Transaction<'_>,
    columns: &mut Columns,
    entity: Entity,
    id: &str,
    fields: &Map<String, Value>,
    insert_missing: bool,
) -> Result<Write> {
    let key = entity.key_column();
    if is_final(tx, entity, id)? {
        // Signed (accepted, refused) is final: older states of it (this device's own echoes, replayed in order)
        // never overwrite it, and the hub refuses any later edit.
        return Ok(Write::Stored);
    }
    let known = columns.of(tx, entity)?;
    let cols: Vec<(&str, SqlValue)> = fields
        .iter()
        .filter(|(k, _)| k.as_str() != key && k.as_str() != "rid")
        .filter_map(|(k, v)| {
            let default = known.get(k.as_str())?;
            let value = match (to_sql(v), default) {
                (SqlValue::Null, Some(d)) => d.clone(),
                (value, _) => value,
            };
            Some((k.as_str(), value))
        })
        .collect();
    let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
    let select = format!(
        "SELECT 1{} FROM {} WHERE {key} = ?1",
        names.iter().map(|c| format!(", {c}")).collect::<String>(),
        entity.table()
    );
    let current: Option<Vec<SqlValue>> = tx
        .prepare_cached(&select)?
        .query_row([id], |r| (1..=names.len()).map(|i| r.get(i)).collect())
        .optional()?;
    match current {
        Some(current) => {
            let changed: Vec<(&str, SqlValue)> = cols
                .iter()
                .zip(current)
                .map(|((c, v), old)| (*c, v.clone(), old))
                .filter(|(_, new, old)| new != old)
                .map(|(c, new, _)| (c, new))
                .collect();
            if changed.is_empty() {
                return Ok(Write::Stored);
            }
            let sql = update_sql(entity, changed.iter().map(|(c, _)| *c));
            let values = std::iter::once(SqlValue::Text(id.to_owned()))
                .chain(changed.into_iter().map(|(_, v)| v));
            storing(
                entity,
                id,
                tx.prepare_cached(&sql)?.execute(params_from_iter(values)),
            )
        }
        None if insert_missing => {
            let marks: String = (0..names.len()).map(|i| format!(", ?{}", i + 2)).collect();
            let sql = format!(
                "INSERT INTO {} ({key}{}) VALUES (?1{marks})",
                entity.table(),
                names.iter().map(|c| format!(", {c}")).collect::<String>()
            );
            let values = std::iter::once(SqlValue::Text(id.to_owned()))
                .chain(cols.into_iter().map(|(_, v)| v));
            storing(
                entity,
                id,
                tx.prepare_cached(&sql)?.execute(params_from_iter(values)),
            )
        }
        None => Ok(Write::Stored),
    }
}

/// Moves this device's hybrid clock past a clock seen from the hub.
fn merge_clock(conn: &Connection, remote: i64, now_ms: i64) -> Result<()> {
    if remote <= 0 {
        return Ok(());
    }
    let local = Hlc(local_get(conn, "hlc")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0));
    let merged = local.receive(Hlc(remote), now_ms);
    local_set(conn, "hlc", &merged.0.to_string())
}

/// This device's code, to recognise its own ticket and report numbers coming back from the hub
/// (after a restore from an old backup the local counters are behind them).
struct OwnNumbering(Option<String>);

fn own_numbering(conn: &Connection) -> Result<OwnNumbering> {
    Ok(OwnNumbering(local_get(conn, "device_code")?))
}

impl OwnNumbering {
    fn bump(&self, conn: &Connection, entity: Entity, fields: &Map<String, Value>) -> Result<()> {
        let (Some(code), Some(number)) = (
            self.0.as_deref(),
            fields.get("number").and_then(Value::as_str),
        ) else {
            return Ok(());
        };
        let Some(scope) = rapportino_model::numbers::prefix_of(entity) else {
            return Ok(());
        };
        // Only a sane number moves the counter: a pulled one near i64::MAX (another device's
        // bug, or a hostile one) would otherwise end this device's numbering.
        let Some(n) = rapportino_model::numbers::parse(number) else {
            return Ok(());
        };
        if n.device_code == code && n.prefix == scope {
            conn.prepare_cached(
                "INSERT INTO number_sequences (scope, year, next) VALUES (?1, ?2, ?3)
                 ON CONFLICT (scope, year) DO UPDATE SET next = max(next, excluded.next)",
            )?
            .execute(rusqlite::params![scope, n.year, n.seq + 1])?;
        }
        Ok(())
    }
}

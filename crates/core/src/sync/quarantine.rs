//! Rows from the hub this device cannot store (a NOT NULL or CHECK constraint, a value of the
//! wrong type, a unique index): kept aside in the local table `sync_quarantine` (never synced)
//! instead of halting sync. The rest of the page applies and the cursor moves on; the entries
//! are tried again after every pulled page and snapshot ([`super::apply`]), and one that stores
//! leaves. Listed by `sync status` (a count), `rapportino-cli sync quarantine` and the app's
//! Sync settings.

use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

use super::protocol::Op;
use crate::error::{Error, Result};
use crate::store::{Entity, Store};

/// A quarantined row, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QuarantinedRow {
    pub entity: String,
    pub entity_id: String,
    /// What the record is, in words, when its fields say (name, number, title, code).
    pub label: Option<String>,
    pub op: Op,
    /// The row's values as the hub sent them, later changes merged in.
    #[ts(type = "Record<string, unknown>")]
    pub fields: Map<String, Value>,
    /// The hub sequence of the first change kept (a snapshot row: the snapshot's cursor).
    pub server_seq: i64,
    /// The hub sequence of the latest change merged in.
    pub last_seq: i64,
    /// The device that wrote the latest change merged in, and its code when known here.
    pub device_id: String,
    pub device_code: Option<String>,
    /// Why this device could not store it (at the last attempt).
    pub error: String,
    pub quarantined_at: String,
    pub last_tried_at: String,
    pub attempts: i64,
}

/// Every quarantined row, in the order they are retried (oldest hub sequence first).
pub fn list(store: &Store) -> Result<Vec<QuarantinedRow>> {
    let mut stmt = store.conn().prepare(
        "SELECT q.entity, q.entity_id, q.op, q.fields, q.server_seq, q.last_seq, q.device_id,
                d.code, q.error, q.quarantined_at, q.last_tried_at, q.attempts
         FROM sync_quarantine q LEFT JOIN devices d ON d.id = q.device_id
         ORDER BY q.server_seq, q.rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        let fields = parse_fields(&r.get::<_, String>(3)?);
        Ok(QuarantinedRow {
            entity: r.get(0)?,
            entity_id: r.get(1)?,
            label: label(&fields),
            op: parse_op(r, 2)?,
            fields,
            server_seq: r.get(4)?,
            last_seq: r.get(5)?,
            device_id: r.get(6)?,
            device_code: r.get(7)?,
            error: r.get(8)?,
            quarantined_at: r.get(9)?,
            last_tried_at: r.get(10)?,
            attempts: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM sync_quarantine", [], |r| r.get(0))?)
}

fn label(fields: &Map<String, Value>) -> Option<String> {
    ["name", "number", "title", "code", "key", "description"]
        .iter()
        .find_map(|k| fields.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

fn parse_fields(json: &str) -> Map<String, Value> {
    serde_json::from_str(json).unwrap_or_default()
}

fn parse_op(r: &Row<'_>, i: usize) -> rusqlite::Result<Op> {
    let text: String = r.get(i)?;
    Op::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown op {text:?}").into(),
        )
    })
}

/// A change from the hub about to be written (a pulled change, a snapshot row, a correction).
#[derive(Debug, Clone)]
pub(crate) struct Incoming<'a> {
    pub op: Op,
    pub entity_id: &'a str,
    pub fields: Map<String, Value>,
    pub server_seq: i64,
    pub mutation_id: &'a str,
    pub hlc: i64,
    pub device_id: &'a str,
}

/// A quarantine entry as the apply path reads it.
#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub entity: String,
    pub entity_id: String,
    pub op: Op,
    pub fields: Map<String, Value>,
    pub server_seq: i64,
    pub last_seq: i64,
    pub mutation_id: String,
    pub hlc: i64,
    pub device_id: String,
    pub error: String,
    pub quarantined_at: String,
    pub last_tried_at: String,
    pub attempts: i64,
}

const HELD: &str = "SELECT entity, entity_id, op, fields, server_seq, last_seq, mutation_id, hlc,
        device_id, error, quarantined_at, last_tried_at, attempts FROM sync_quarantine";

fn held_from(r: &Row<'_>) -> rusqlite::Result<Held> {
    Ok(Held {
        entity: r.get(0)?,
        entity_id: r.get(1)?,
        op: parse_op(r, 2)?,
        fields: parse_fields(&r.get::<_, String>(3)?),
        server_seq: r.get(4)?,
        last_seq: r.get(5)?,
        mutation_id: r.get(6)?,
        hlc: r.get(7)?,
        device_id: r.get(8)?,
        error: r.get(9)?,
        quarantined_at: r.get(10)?,
        last_tried_at: r.get(11)?,
        attempts: r.get(12)?,
    })
}

pub(crate) fn get(conn: &Connection, entity: Entity, id: &str) -> Result<Option<Held>> {
    Ok(conn
        .prepare_cached(&format!("{HELD} WHERE entity = ?1 AND entity_id = ?2"))?
        .query_row([entity.name(), id], held_from)
        .optional()?)
}

/// Every entry, in retry order.
pub(crate) fn all(conn: &Connection) -> Result<Vec<Held>> {
    let mut stmt = conn.prepare_cached(&format!("{HELD} ORDER BY server_seq, rowid"))?;
    let rows = stmt.query_map([], held_from)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn is_empty(conn: &Connection) -> Result<bool> {
    Ok(!conn
        .prepare_cached("SELECT 1 FROM sync_quarantine LIMIT 1")?
        .exists([])?)
}

/// Keeps `c` in the entry of its row, merged with what is there: later values win, an insert
/// stays an insert, a delete replaces everything. `error` is the reason it could not be stored
/// just now; `None` keeps the entry's reason (a change routed to it without an attempt).
pub(crate) fn merge(
    conn: &Connection,
    entity: Entity,
    c: &Incoming<'_>,
    error: Option<&str>,
    now: &str,
) -> Result<()> {
    let held = match get(conn, entity, c.entity_id)? {
        Some(mut h) => {
            if c.op == Op::Delete || h.op == Op::Delete {
                h.op = c.op;
                h.fields = c.fields.clone();
            } else {
                if c.op == Op::Insert {
                    h.op = Op::Insert;
                }
                h.fields
                    .extend(c.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            h.last_seq = h.last_seq.max(c.server_seq);
            h.mutation_id = c.mutation_id.to_owned();
            h.hlc = h.hlc.max(c.hlc);
            h.device_id = c.device_id.to_owned();
            if let Some(e) = error {
                h.error = e.to_owned();
                h.last_tried_at = now.to_owned();
                h.attempts += 1;
            }
            h
        }
        None => Held {
            entity: entity.name().to_owned(),
            entity_id: c.entity_id.to_owned(),
            op: c.op,
            fields: c.fields.clone(),
            server_seq: c.server_seq,
            last_seq: c.server_seq,
            mutation_id: c.mutation_id.to_owned(),
            hlc: c.hlc,
            device_id: c.device_id.to_owned(),
            error: error.unwrap_or_default().to_owned(),
            quarantined_at: now.to_owned(),
            last_tried_at: now.to_owned(),
            attempts: 1,
        },
    };
    put(conn, &held)
}

fn put(conn: &Connection, h: &Held) -> Result<()> {
    let fields =
        serde_json::to_string(&h.fields).map_err(|e| Error::Inconsistent(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO sync_quarantine (entity, entity_id, op, fields, server_seq, last_seq,
             mutation_id, hlc, device_id, error, quarantined_at, last_tried_at, attempts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (entity, entity_id) DO UPDATE SET op = excluded.op,
             fields = excluded.fields, server_seq = excluded.server_seq,
             last_seq = excluded.last_seq, mutation_id = excluded.mutation_id,
             hlc = excluded.hlc, device_id = excluded.device_id, error = excluded.error,
             quarantined_at = excluded.quarantined_at, last_tried_at = excluded.last_tried_at,
             attempts = excluded.attempts",
    )?
    .execute(rusqlite::params![
        h.entity,
        h.entity_id,
        h.op.as_str(),
        fields,
        h.server_seq,
        h.last_seq,
        h.mutation_id,
        h.hlc,
        h.device_id,
        h.error,
        h.quarantined_at,
        h.last_tried_at,
        h.attempts,
    ])?;
    Ok(())
}

/// Another failed attempt at an entry.
pub(crate) fn failed_again(conn: &Connection, h: &Held, error: &str, now: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_quarantine SET error = ?3, last_tried_at = ?4, attempts = attempts + 1
         WHERE entity = ?1 AND entity_id = ?2",
    )?
    .execute(rusqlite::params![h.entity, h.entity_id, error, now])?;
    Ok(())
}

/// A later change of the row stored on its own: the entry's values of the same fields are
/// superseded (the hub's order is authoritative). An entry left with nothing leaves.
pub(crate) fn supersede<'a>(
    conn: &Connection,
    h: &Held,
    keys: impl Iterator<Item = &'a String>,
) -> Result<()> {
    let mut left = h.clone();
    for k in keys {
        left.fields.remove(k);
    }
    if left.fields.is_empty() || left.op == Op::Delete {
        release(conn, &h.entity, &h.entity_id)
    } else if left.fields.len() != h.fields.len() {
        put(conn, &left)
    } else {
        Ok(())
    }
}

/// The entry leaves quarantine (stored, or deleted on the hub).
pub(crate) fn release(conn: &Connection, entity: &str, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM sync_quarantine WHERE entity = ?1 AND entity_id = ?2")?
        .execute([entity, id])?;
    Ok(())
}

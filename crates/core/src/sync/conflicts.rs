//! Review of the values the merge rules kept aside. Conflicts are created by the hub and synced
//! to every device; resolving one is an ordinary synced change.

use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::merge::is_bookkeeping;
pub use super::merge::ConflictReason;
use crate::error::{Code, Error, Result};
use crate::store::{field, Entity, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The value in place stays; the conflict is closed.
    KeepCurrent,
    /// The lost value is written back (a new change, which wins over the current one).
    RestoreLost,
}

impl Resolution {
    fn as_str(self) -> &'static str {
        match self {
            Resolution::KeepCurrent => "keep_current",
            Resolution::RestoreLost => "restore_lost",
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Conflict {
    pub id: String,
    pub entity: String,
    pub entity_id: String,
    /// What the record is, in words (client name, ticket number...).
    pub label: String,
    pub field: String,
    #[ts(type = "unknown")]
    pub current_value: Value,
    #[ts(type = "unknown")]
    pub lost_value: Value,
    pub reason: ConflictReason,
    pub lost_device_code: Option<String>,
    pub winner_device_code: Option<String>,
    pub lost_at: String,
    pub created_at: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    /// Whether the lost value may be written back ([`Resolution::RestoreLost`]): only a value
    /// lost to a concurrent edit of one field, not one refused by a rule.
    pub restorable: bool,
}

const SELECT: &str = "SELECT c.id, c.entity, c.entity_id, c.field, c.reason, c.winner_value,
        c.lost_value, lost.code, win.code, c.lost_at, c.created_at, c.resolved_at, c.resolution
     FROM sync_conflicts c
     LEFT JOIN devices lost ON lost.id = c.lost_device_id
     LEFT JOIN devices win ON win.id = c.winner_device_id";

pub fn list(store: &Store, include_resolved: bool) -> Result<Vec<Conflict>> {
    let sql = format!(
        "{SELECT} {} ORDER BY c.created_at DESC, c.id LIMIT 1000",
        if include_resolved {
            ""
        } else {
            "WHERE c.resolved_at IS NULL"
        }
    );
    let conn = store.conn();
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|c| complete(conn, c)).collect()
}

pub fn get(store: &Store, id: &str) -> Result<Conflict> {
    let conn = store.conn();
    let c = conn
        .query_row(&format!("{SELECT} WHERE c.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("conflict", id))?;
    complete(conn, c)
}

/// Closes a conflict, writing the lost value back when asked. One transaction.
pub fn resolve(store: &mut Store, id: &str, resolution: Resolution) -> Result<Conflict> {
    let c = get(store, id)?;
    if c.resolved_at.is_some() {
        return Err(Error::invalid(
            Code::ConflictResolved,
            "conflict",
            "this conflict was already resolved",
        ));
    }
    let entity = Entity::from_name(&c.entity);
    if resolution == Resolution::RestoreLost && !c.restorable {
        return Err(Error::invalid(
            Code::Inconsistent,
            "resolution",
            "only a value lost to a concurrent edit can be restored: this one was refused by a \
             rule (signed report, ticket status, time entry)",
        ));
    }
    store.write(|tx| {
        if let (Resolution::RestoreLost, Some(entity)) = (resolution, entity) {
            let name: &'static str = column_name(tx.conn(), entity, &c.field)?;
            tx.update(entity, &c.entity_id, vec![(name, c.lost_value.clone())])?;
        }
        tx.update(
            Entity::SyncConflict,
            &c.id,
            vec![
                ("resolved_at", field::text(tx.now_text().to_owned())),
                ("resolution", field::text(resolution.as_str())),
            ],
        )?;
        Ok(())
    })?;
    get(store, id)
}

pub(crate) fn open_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

pub(crate) fn total_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM sync_conflicts", [], |r| r.get(0))?)
}

/// The column as a static name (the write path takes `&'static str`), checked against the
/// table so that nothing else reaches SQL.
fn column_name(conn: &Connection, entity: Entity, field: &str) -> Result<&'static str> {
    if !has_column(conn, entity, field)? {
        return Err(Error::invalid(
            Code::Inconsistent,
            "resolution",
            format!("{} has no field {field}", entity.name()),
        ));
    }
    // Only on an explicit resolve, and only names of real columns: the leak is bounded.
    Ok(Box::leak(field.to_owned().into_boxed_str()))
}

fn has_column(conn: &Connection, entity: Entity, field: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached(&format!("PRAGMA table_info({})", entity.table()))?;
    let known = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(known.iter().any(|c| c == field))
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Conflict> {
    let json = |i: usize| -> rusqlite::Result<Value> {
        let s: String = r.get(i)?;
        Ok(serde_json::from_str(&s).unwrap_or(Value::String(s)))
    };
    let reason: String = r.get(4)?;
    Ok(Conflict {
        id: r.get(0)?,
        entity: r.get(1)?,
        entity_id: r.get(2)?,
        label: String::new(),
        field: r.get(3)?,
        current_value: json(5)?,
        lost_value: json(6)?,
        reason: serde_json::from_value(Value::String(reason))
            .unwrap_or(ConflictReason::ConcurrentEdit),
        lost_device_code: r.get(7)?,
        winner_device_code: r.get(8)?,
        lost_at: r.get(9)?,
        created_at: r.get(10)?,
        resolved_at: r.get(11)?,
        resolution: r.get(12)?,
        restorable: false,
    })
}

/// Fills the label and the live current value of the field.
fn complete(conn: &Connection, mut c: Conflict) -> Result<Conflict> {
    let Some(entity) = Entity::from_name(&c.entity) else {
        c.label = c.entity_id.clone();
        return Ok(c);
    };
    let label_sql = match entity {
        Entity::Client | Entity::Site | Entity::Contact | Entity::Technician => "name",
        Entity::Ticket => "number || ' ' || title",
        Entity::Report | Entity::Quote => "number",
        Entity::Contract => "name",
        Entity::Article => "code || ' ' || description",
        _ => "NULL",
    };
    let sql = format!(
        "SELECT {label_sql} FROM {} WHERE {} = ?1",
        entity.table(),
        entity.key_column()
    );
    let label: Option<Option<String>> = conn
        .query_row(&sql, [&c.entity_id], |r| r.get(0))
        .optional()
        .unwrap_or(None);
    c.label = label.flatten().unwrap_or_else(|| c.entity_id.clone());
    if has_column(conn, entity, &c.field)? {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} = ?1",
            c.field,
            entity.table(),
            entity.key_column()
        );
        if let Some(v) = conn
            .query_row(&sql, [&c.entity_id], |r| {
                r.get::<_, rusqlite::types::Value>(0)
            })
            .optional()?
        {
            c.current_value = sql_to_json(v);
        }
        c.restorable = c.resolved_at.is_none()
            && c.reason == ConflictReason::ConcurrentEdit
            && !is_bookkeeping(&c.field);
    }
    Ok(c)
}

fn sql_to_json(v: rusqlite::types::Value) -> Value {
    use rusqlite::types::Value as V;
    match v {
        V::Null => Value::Null,
        V::Integer(i) => Value::from(i),
        V::Real(f) => Value::from(f),
        V::Text(s) => Value::String(s),
        V::Blob(_) => Value::Null,
    }
}

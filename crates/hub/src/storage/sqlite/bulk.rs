//! A push batch's rows and changes in multi-row statements ([`super::super::batched`]): full
//! chunks of [`CHUNK`] rows share one cached statement; the rest go one by one through the
//! single-row statements (a statement per remainder size would churn the statement cache).

use std::sync::LazyLock;

use rapportino_model::merge::RowState;
use rapportino_model::protocol::ServerChange;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};

use super::super::{decode_row, encode_row};
use crate::error::HubError;

/// Rows per multi-row statement.
pub(super) const CHUNK: usize = 100;

/// `(?1, ?2, ...), (...)`: `rows` tuples of `cols` placeholders.
fn tuples(cols: usize, rows: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 6);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            s.push('?');
            s.push_str(&(r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

static LOAD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH k(e, i) AS (VALUES {}) SELECT k.e, k.i, h.fields, h.versions, h.deleted,
                h.origin_device
         FROM k JOIN hub_rows h ON h.entity = k.e AND h.entity_id = k.i",
        tuples(2, CHUNK)
    )
});

static SAVE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO hub_rows (entity, entity_id, fields, versions, deleted, origin_device)
         VALUES {}
         ON CONFLICT (entity, entity_id) DO UPDATE SET fields = excluded.fields,
             versions = excluded.versions, deleted = excluded.deleted,
             origin_device = excluded.origin_device",
        tuples(6, CHUNK)
    )
});

static APPEND: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO hub_changes (server_seq, mutation_id, entity, entity_id, op, fields, hlc,
             device_id, recorded_at)
         VALUES {}",
        tuples(9, CHUNK)
    )
});

type Key = super::super::RowKey;

/// The full chunks' rows, and the keys left over (fewer than a chunk) for the caller.
pub(super) struct Loaded<'k> {
    pub rows: super::super::KeyedRows,
    pub rest: &'k [Key],
}

/// The full chunks' rows; the keys left over (fewer than a chunk) for the caller.
pub(super) fn load_rows<'k>(conn: &Connection, keys: &'k [Key]) -> Result<Loaded<'k>, HubError> {
    let mut out = Vec::with_capacity(keys.len());
    let mut chunks = keys.chunks_exact(CHUNK);
    let mut stmt = conn.prepare_cached(&LOAD)?;
    for chunk in &mut chunks {
        let params = chunk.iter().flat_map(|(e, i)| [e.as_str(), i.as_str()]);
        let mut rows = stmt.query(params_from_iter(params))?;
        while let Some(r) = rows.next()? {
            let key: Key = (r.get(0)?, r.get(1)?);
            let fields: String = r.get(2)?;
            let versions: String = r.get(3)?;
            let deleted: Option<String> = r.get(4)?;
            let row = decode_row(&fields, &versions, deleted.as_deref(), r.get(5)?)?;
            out.push((key, row));
        }
    }
    Ok(Loaded {
        rows: out,
        rest: chunks.remainder(),
    })
}

/// Writes the full chunks; the rows left over for the caller.
pub(super) fn save_rows<'r, 'a>(
    conn: &Connection,
    rows: &'r [(&'a str, &'a str, &'a RowState)],
) -> Result<&'r [(&'a str, &'a str, &'a RowState)], HubError> {
    let mut chunks = rows.chunks_exact(CHUNK);
    let mut stmt = conn.prepare_cached(&SAVE)?;
    let mut params: Vec<SqlValue> = Vec::with_capacity(CHUNK * 6);
    for chunk in &mut chunks {
        params.clear();
        for (entity, id, row) in chunk {
            let (fields, versions, deleted) = encode_row(row)?;
            params.push(SqlValue::Text((*entity).to_owned()));
            params.push(SqlValue::Text((*id).to_owned()));
            params.push(SqlValue::Text(fields));
            params.push(SqlValue::Text(versions));
            params.push(deleted.map_or(SqlValue::Null, SqlValue::Text));
            params.push(SqlValue::Text(row.origin_device.clone()));
        }
        stmt.execute(params_from_iter(params.drain(..)))?;
    }
    Ok(chunks.remainder())
}

/// Appends the full chunks; the changes left over for the caller.
pub(super) fn append_changes<'c>(
    conn: &Connection,
    changes: &'c [ServerChange],
) -> Result<&'c [ServerChange], HubError> {
    let mut chunks = changes.chunks_exact(CHUNK);
    let mut stmt = conn.prepare_cached(&APPEND)?;
    let mut params: Vec<SqlValue> = Vec::with_capacity(CHUNK * 9);
    for chunk in &mut chunks {
        params.clear();
        for c in chunk {
            params.push(SqlValue::Integer(c.server_seq));
            params.push(SqlValue::Text(c.mutation_id.clone()));
            params.push(SqlValue::Text(c.entity.clone()));
            params.push(SqlValue::Text(c.entity_id.clone()));
            params.push(SqlValue::Text(c.op.as_str().to_owned()));
            params.push(SqlValue::Text(serde_json::to_string(&c.fields)?));
            params.push(SqlValue::Integer(c.hlc));
            params.push(SqlValue::Text(c.device_id.clone()));
            params.push(SqlValue::Text(c.recorded_at.clone()));
        }
        stmt.execute(params_from_iter(params.drain(..)))?;
    }
    Ok(chunks.remainder())
}

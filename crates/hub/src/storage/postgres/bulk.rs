//! A push batch's rows and changes in one statement each ([`super::super::batched`]): the
//! values travel as arrays, one per column, and `unnest` turns them back into rows, so one
//! prepared statement serves any number of rows and the batch costs three round trips instead
//! of three per mutation.

use rapportino_model::merge::RowState;
use rapportino_model::protocol::ServerChange;

use super::super::{decode_row, encode_row};
use super::PgTx;
use crate::error::HubError;

const LOAD: &str = "SELECT k.e, k.i, h.fields, h.versions, h.deleted, h.origin_device
    FROM unnest($1::text[], $2::text[]) AS k(e, i)
    JOIN hub_rows h ON h.entity = k.e AND h.entity_id = k.i";

const SAVE: &str =
    "INSERT INTO hub_rows (entity, entity_id, fields, versions, deleted, origin_device)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
    ON CONFLICT (entity, entity_id) DO UPDATE SET fields = excluded.fields,
        versions = excluded.versions, deleted = excluded.deleted,
        origin_device = excluded.origin_device";

const APPEND: &str = "INSERT INTO hub_changes (server_seq, mutation_id, entity, entity_id, op,
        fields, hlc, device_id, recorded_at)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
        $6::text[], $7::bigint[], $8::text[], $9::text[])";

type Key = super::super::RowKey;

pub(super) fn load_rows(
    tx: &mut PgTx<'_>,
    keys: &[Key],
) -> Result<super::super::KeyedRows, HubError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let entities: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    let ids: Vec<&str> = keys.iter().map(|k| k.1.as_str()).collect();
    let stmt = tx.stmt(LOAD)?;
    let mut out = Vec::with_capacity(keys.len());
    for r in tx.tx.query(&stmt, &[&entities, &ids])? {
        let key: Key = (r.try_get(0)?, r.try_get(1)?);
        let fields: String = r.try_get(2)?;
        let versions: String = r.try_get(3)?;
        let deleted: Option<String> = r.try_get(4)?;
        let row = decode_row(&fields, &versions, deleted.as_deref(), r.try_get(5)?)?;
        out.push((key, row));
    }
    Ok(out)
}

pub(super) fn save_rows(
    tx: &mut PgTx<'_>,
    rows: &[(&str, &str, &RowState)],
) -> Result<(), HubError> {
    if rows.is_empty() {
        return Ok(());
    }
    let n = rows.len();
    let (mut entities, mut ids, mut origins) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut fields, mut versions, mut deleted) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (entity, id, row) in rows {
        let (f, v, d) = encode_row(row)?;
        entities.push(*entity);
        ids.push(*id);
        origins.push(row.origin_device.as_str());
        fields.push(f);
        versions.push(v);
        deleted.push(d);
    }
    let stmt = tx.stmt(SAVE)?;
    tx.tx.execute(
        &stmt,
        &[&entities, &ids, &fields, &versions, &deleted, &origins],
    )?;
    Ok(())
}

pub(super) fn append_changes(tx: &mut PgTx<'_>, changes: &[ServerChange]) -> Result<(), HubError> {
    let Some(last) = changes.last() else {
        return Ok(());
    };
    let seqs: Vec<i64> = changes.iter().map(|c| c.server_seq).collect();
    let mutation_ids: Vec<&str> = changes.iter().map(|c| c.mutation_id.as_str()).collect();
    let entities: Vec<&str> = changes.iter().map(|c| c.entity.as_str()).collect();
    let entity_ids: Vec<&str> = changes.iter().map(|c| c.entity_id.as_str()).collect();
    let ops: Vec<&str> = changes.iter().map(|c| c.op.as_str()).collect();
    let fields: Vec<String> = changes
        .iter()
        .map(|c| serde_json::to_string(&c.fields))
        .collect::<Result<_, _>>()?;
    let hlcs: Vec<i64> = changes.iter().map(|c| c.hlc).collect();
    let devices: Vec<&str> = changes.iter().map(|c| c.device_id.as_str()).collect();
    let recorded: Vec<&str> = changes.iter().map(|c| c.recorded_at.as_str()).collect();
    let stmt = tx.stmt(APPEND)?;
    tx.tx.execute(
        &stmt,
        &[
            &seqs,
            &mutation_ids,
            &entities,
            &entity_ids,
            &ops,
            &fields,
            &hlcs,
            &devices,
            &recorded,
        ],
    )?;
    tx.last_seq = Some(last.server_seq);
    Ok(())
}

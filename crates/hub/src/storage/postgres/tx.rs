//! One transaction on a pooled connection: the engine's reads and writes ([`HubTx`],
//! [`HubRead`]) in PostgreSQL's spelling, each statement prepared once per connection.

use std::collections::HashMap;

use postgres::{Statement, Transaction};
use rapportino_model::merge::RowState;
use rapportino_model::protocol::ServerChange;

use super::super::registry::technician_code_holder;
use super::super::TechnicianClaim;
use super::super::{
    decode_row, encode_row, now_text, parse_fields, parse_op, HubRead, HubTx, Seen, StoredOutcome,
};
use super::bulk;
use super::sql;
use crate::error::HubError;
use crate::log_text::Escaped;

pub(super) fn fallible_next(
    rows: &mut postgres::RowIter<'_>,
) -> Result<Option<postgres::Row>, HubError> {
    use postgres::fallible_iterator::FallibleIterator;
    Ok(rows.next()?)
}

pub(super) struct PgTx<'c> {
    pub(super) tx: Transaction<'c>,
    pub(super) statements: &'c mut HashMap<&'static str, Statement>,
    /// The last sequence appended in this transaction (saves a MAX per mutation).
    pub(super) last_seq: Option<i64>,
}

impl PgTx<'_> {
    /// The prepared statement for `sql`, prepared once per connection.
    pub(super) fn stmt(&mut self, text: &'static str) -> Result<Statement, HubError> {
        if let Some(s) = self.statements.get(text) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(text)?;
        self.statements.insert(text, s.clone());
        Ok(s)
    }
}

impl HubTx for PgTx<'_> {
    fn load_rows(
        &mut self,
        keys: &[super::super::RowKey],
    ) -> Result<super::super::KeyedRows, HubError> {
        bulk::load_rows(self, keys)
    }

    fn save_rows(&mut self, rows: &[(&str, &str, &RowState)]) -> Result<(), HubError> {
        bulk::save_rows(self, rows)
    }

    fn append_changes(&mut self, changes: &[ServerChange]) -> Result<(), HubError> {
        bulk::append_changes(self, changes)
    }

    fn seen(&mut self, mutation_ids: &[String]) -> Result<Vec<(String, Seen)>, HubError> {
        if mutation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let stmt = self.stmt(&sql().seen)?;
        let rows = self.tx.query(&stmt, &[&mutation_ids])?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get(0)?;
            let seen = match r.try_get::<_, Option<i64>>(1)? {
                Some(server_seq) => Seen::Applied { server_seq },
                None => Seen::NoChange(StoredOutcome {
                    mutation_id: id.clone(),
                    device_id: r.try_get(2)?,
                    outcome: r.try_get(3)?,
                    code: r.try_get(4)?,
                }),
            };
            out.push((id, seen));
        }
        Ok(out)
    }

    fn time_entries_started(
        &mut self,
        technician_id: &str,
        after: &str,
        before: &str,
    ) -> Result<Vec<(String, RowState)>, HubError> {
        // The expressions are the index's, word for word, so PostgreSQL uses it.
        let stmt = self.stmt(&sql().time_entries_started)?;
        let rows = self.tx.query(&stmt, &[&technician_id, &after, &before])?;
        rows.iter()
            .map(|r| {
                let fields: String = r.try_get(1)?;
                let versions: String = r.try_get(2)?;
                let deleted: Option<String> = r.try_get(3)?;
                Ok((
                    r.try_get(0)?,
                    decode_row(&fields, &versions, deleted.as_deref(), r.try_get(4)?)?,
                ))
            })
            .collect()
    }

    fn rows_where(
        &mut self,
        entity: &str,
        field: &str,
        value: &str,
        limit: i64,
    ) -> Result<Vec<(String, RowState)>, HubError> {
        let rows = if let Some(indexed) = sql().lookup(entity, field) {
            let stmt = self.stmt(indexed)?;
            self.tx.query(&stmt, &[&value, &limit])?
        } else {
            let stmt = self.stmt(&sql().rows_where)?;
            self.tx.query(&stmt, &[&entity, &field, &value, &limit])?
        };
        rows.iter()
            .map(|r| {
                let fields: String = r.try_get(1)?;
                let versions: String = r.try_get(2)?;
                let deleted: Option<String> = r.try_get(3)?;
                Ok((
                    r.try_get(0)?,
                    decode_row(&fields, &versions, deleted.as_deref(), r.try_get(4)?)?,
                ))
            })
            .collect()
    }

    fn keep_attachment(&mut self, sha256: &str, content: &[u8]) -> Result<(), HubError> {
        use base64::Engine as _;
        let text = base64::engine::general_purpose::STANDARD.encode(content);
        let stmt = self.stmt(&sql().keep_attachment)?;
        self.tx
            .execute(&stmt, &[&sha256, &(content.len() as i64), &text])?;
        Ok(())
    }

    fn bump_counter(&mut self, key: &str) -> Result<i64, HubError> {
        let get = self.stmt(&sql().meta_get)?;
        let current: Option<String> = self
            .tx
            .query_opt(&get, &[&key])?
            .map(|r| r.try_get(0))
            .transpose()?;
        let next = current.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) + 1;
        let statement = if next == 1 {
            self.stmt(&sql().meta_insert)?
        } else {
            self.stmt(&sql().meta_update)?
        };
        self.tx.execute(&statement, &[&key, &next.to_string()])?;
        Ok(next)
    }

    fn load_row(&mut self, entity: &str, entity_id: &str) -> Result<Option<RowState>, HubError> {
        let stmt = self.stmt(&sql().load_row)?;
        match self.tx.query_opt(&stmt, &[&entity, &entity_id])? {
            None => Ok(None),
            Some(r) => {
                let fields: String = r.try_get(0)?;
                let versions: String = r.try_get(1)?;
                let deleted: Option<String> = r.try_get(2)?;
                decode_row(&fields, &versions, deleted.as_deref(), r.try_get(3)?).map(Some)
            }
        }
    }

    fn save_row(&mut self, entity: &str, entity_id: &str, row: &RowState) -> Result<(), HubError> {
        let (fields, versions, deleted) = encode_row(row)?;
        let stmt = self.stmt(&sql().save_row)?;
        self.tx.execute(
            &stmt,
            &[
                &entity,
                &entity_id,
                &fields,
                &versions,
                &deleted,
                &row.origin_device,
            ],
        )?;
        Ok(())
    }

    fn next_seq(&mut self) -> Result<i64, HubError> {
        if let Some(last) = self.last_seq {
            return Ok(last + 1);
        }
        let stmt = self.stmt(&sql().next_seq)?;
        Ok(self.tx.query_one(&stmt, &[])?.try_get(0)?)
    }

    fn append_change(&mut self, c: &ServerChange) -> Result<(), HubError> {
        let fields = serde_json::to_string(&c.fields)?;
        let stmt = self.stmt(&sql().append_change)?;
        self.tx.execute(
            &stmt,
            &[
                &c.server_seq,
                &c.mutation_id,
                &c.entity,
                &c.entity_id,
                &c.op.as_str(),
                &fields,
                &c.hlc,
                &c.device_id,
                &c.recorded_at,
            ],
        )?;
        self.last_seq = Some(c.server_seq);
        Ok(())
    }

    fn save_outcome(&mut self, o: &StoredOutcome) -> Result<(), HubError> {
        let stmt = self.stmt(&sql().save_outcome)?;
        self.tx
            .execute(&stmt, &[&o.mutation_id, &o.device_id, &o.outcome, &o.code])?;
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
        let stmt = self.stmt(&sql().log_refusal)?;
        self.tx.execute(
            &stmt,
            &[&now_text(), &device_id, &mutation_id, &code, &detail],
        )?;
        Ok(())
    }

    fn technician_code_holder(
        &mut self,
        device_id: &str,
        claim: &TechnicianClaim,
    ) -> Result<Option<String>, HubError> {
        let stmt = self.stmt(&sql().technician_rows)?;
        let rows = self
            .tx
            .query(&stmt, &[])?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<(String, String)>, HubError>>()?;
        let stmt = self.stmt(&sql().technician_claims)?;
        let claims = self
            .tx
            .query(&stmt, &[&device_id])?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<Vec<(String, String, String)>, HubError>>()?;
        technician_code_holder(Some(claim), rows, claims)
    }

    fn wrong_pins_since(&mut self, scope: &str, since: &str) -> Result<i64, HubError> {
        let stmt = self.stmt(&sql().wrong_pins_since)?;
        Ok(self.tx.query_one(&stmt, &[&scope, &since])?.try_get(0)?)
    }

    fn flag_clock_skew(&mut self, device_id: &str, skew_ms: i64) -> Result<(), HubError> {
        tracing::warn!(
            device = %Escaped(device_id),
            skew_ms,
            "device clock far ahead: clamped"
        );
        let stmt = self.stmt(&sql().flag_clock_skew)?;
        self.tx.execute(&stmt, &[&device_id, &now_text()])?;
        Ok(())
    }
}

impl HubRead for PgTx<'_> {
    fn changes_after(&mut self, after: i64, limit: i64) -> Result<Vec<ServerChange>, HubError> {
        let stmt = self.stmt(&sql().changes_after)?;
        let rows = self.tx.query(&stmt, &[&after, &limit])?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let op: &str = r.try_get(4)?;
            let fields: &str = r.try_get(5)?;
            out.push(ServerChange {
                server_seq: r.try_get(0)?,
                mutation_id: r.try_get(1)?,
                entity: r.try_get(2)?,
                entity_id: r.try_get(3)?,
                op: parse_op(op)?,
                fields: parse_fields(fields)?,
                hlc: r.try_get(6)?,
                device_id: r.try_get(7)?,
                recorded_at: r.try_get(8)?,
            });
        }
        Ok(out)
    }

    fn max_seq(&mut self) -> Result<i64, HubError> {
        let stmt = self.stmt(&sql().max_seq)?;
        Ok(self.tx.query_one(&stmt, &[])?.try_get(0)?)
    }

    fn rows_page(
        &mut self,
        entity: &str,
        after_id: &str,
        limit: i64,
    ) -> Result<Vec<(String, RowState)>, HubError> {
        let stmt = self.stmt(&sql().rows_page)?;
        let rows = self.tx.query(&stmt, &[&entity, &after_id, &limit])?;
        live_rows(rows)
    }

    fn messages_to_send(&mut self, limit: i64) -> Result<Vec<(String, RowState)>, HubError> {
        let stmt = self.stmt(&sql().messages_to_send)?;
        let rows = self.tx.query(&stmt, &[&limit])?;
        live_rows(rows)
    }

    fn attachments_of(&mut self, message_id: &str) -> Result<Vec<(String, RowState)>, HubError> {
        let stmt = self.stmt(&sql().attachments_of)?;
        let rows = self.tx.query(&stmt, &[&message_id])?;
        live_rows(rows)
    }

    fn attachment_content(&mut self, sha256: &str) -> Result<Option<Vec<u8>>, HubError> {
        use base64::Engine as _;
        let stmt = self.stmt(&sql().attachment_content)?;
        let Some(row) = self.tx.query_opt(&stmt, &[&sha256])? else {
            return Ok(None);
        };
        let text: String = row.try_get(0)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Some)
            .map_err(|e| HubError::Storage(format!("attachment {sha256}: {e}")))
    }

    fn intake_lookup_plans(&mut self) -> Result<Vec<(String, String)>, HubError> {
        let mut plans = Vec::new();
        let (value, limit) = ("", 1i64);
        for (entity, field, _) in super::super::tables::INTAKE_LOOKUPS {
            let statement = sql().lookup(entity, field).unwrap_or_default();
            let mut lines = Vec::new();
            for r in self
                .tx
                .query(&format!("EXPLAIN {statement}"), &[&value, &limit])?
            {
                lines.push(r.try_get::<_, String>(0)?);
            }
            plans.push((format!("{entity}.{field}"), lines.join("\n")));
        }
        Ok(plans)
    }

    fn mail_round_plan(&mut self) -> Result<Vec<String>, HubError> {
        let limit: i64 = 1;
        let message_id = "";
        let mut lines = Vec::new();
        for (statement, param) in [
            (
                &sql().messages_to_send,
                &limit as &(dyn postgres::types::ToSql + Sync),
            ),
            (&sql().attachments_of, &message_id),
        ] {
            for r in self.tx.query(&format!("EXPLAIN {statement}"), &[param])? {
                lines.push(r.try_get::<_, String>(0)?);
            }
        }
        Ok(lines)
    }
}

/// Rows of `entity_id, fields, versions, origin_device` (live rows: no tombstone).
fn live_rows(rows: Vec<postgres::Row>) -> Result<Vec<(String, RowState)>, HubError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let fields: &str = r.try_get(1)?;
        let versions: &str = r.try_get(2)?;
        out.push((
            r.try_get(0)?,
            decode_row(fields, versions, None, r.try_get(3)?)?,
        ));
    }
    Ok(out)
}

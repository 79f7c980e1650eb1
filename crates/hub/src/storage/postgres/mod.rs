//! The PostgreSQL hub, through the synchronous `postgres` client and a small pool of its own
//! (each pooled connection keeps its prepared statements).
//!
//! Writers are serialised by a transaction-scoped advisory lock taken first in every write
//! transaction: the next writer starts only after the previous one committed, so
//! `MAX(server_seq) + 1` is gapless and sequences become visible in commit order. Reads are
//! REPEATABLE READ READ ONLY snapshots and never wait for writers.
//!
//! The connection is plain TCP unless the URL asks for TLS (`sslmode=require`, `verify-ca` or
//! `verify-full`: rustls with the ring provider, the server's certificate always checked against
//! the CA file given; see [`super::pg_connect`]). The password comes from [`PgConnect::password`] (the
//! CLI reads it from a file or the environment), or from the URL. Each `postgres::Client`
//! drives its own small runtime, so this module must be called from blocking threads
//! (`spawn_blocking`), never from async code.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, NoTls, Statement, Transaction};
use rapportino_model::merge::RowState;
use rapportino_model::protocol::ServerChange;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_connect::{connect_config, PgConnect};
use super::registry::technician_code_holder;
use super::sql::{Dialect, Statements};
use super::tables::{Kind, POSTGRES_SCHEMA, TABLES};
use super::{decode_key, TechnicianClaim, GRANT_KEY};
use super::{
    decode_row, encode_row, now_text, parse_fields, parse_op, sqlite::SqliteStorage, HubRead,
    HubTx, Seen, StoredOutcome, HUB_SCHEMA_VERSION,
};
use crate::error::HubError;
use crate::log_text::Escaped;

mod bulk;
mod registry;

/// The shared statements, in PostgreSQL's spelling.
fn sql() -> &'static Statements {
    Dialect::Postgres.statements()
}

/// Advisory lock keys ("RPTN" + a number).
const WRITE_LOCK: i64 = 0x5250_544e_0001;
const REGISTRY_LOCK: i64 = 0x5250_544e_0002;
const SCHEMA_LOCK: i64 = 0x5250_544e_0003;

/// Connections open at most at once (PostgreSQL's default limit is 100).
const MAX_CONNECTIONS: usize = 24;
const POOL_WAIT: Duration = Duration::from_secs(30);

struct PgConn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

struct PoolState {
    idle: Vec<PgConn>,
    open: usize,
}

pub struct PgStorage {
    config: postgres::Config,
    tls: Option<MakeRustlsConnect>,
    pool: Mutex<PoolState>,
    returned: Condvar,
    hub_id: String,
    grant_key: Vec<u8>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A connection taken from the pool; back to it when dropped (unless broken).
struct Lease<'p> {
    storage: &'p PgStorage,
    conn: Option<PgConn>,
}

impl Lease<'_> {
    fn get(&mut self) -> Result<&mut PgConn, HubError> {
        self.conn
            .as_mut()
            .ok_or_else(|| HubError::Internal("pool lease used after release".into()))
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut pool = lock(&self.storage.pool);
        match self.conn.take() {
            Some(c) if !c.client.is_closed() => pool.idle.push(c),
            _ => pool.open = pool.open.saturating_sub(1),
        }
        drop(pool);
        self.storage.returned.notify_one();
    }
}

impl PgStorage {
    pub fn open(url: &str) -> Result<PgStorage, HubError> {
        PgStorage::open_with(url, &PgConnect::default())
    }

    pub fn open_with(url: &str, options: &PgConnect) -> Result<PgStorage, HubError> {
        let (config, tls) = connect_config(url, options)?;
        let mut storage = PgStorage {
            config,
            tls,
            pool: Mutex::new(PoolState {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
            hub_id: String::new(),
            grant_key: Vec::new(),
        };
        (storage.hub_id, storage.grant_key) = storage.create_schema(options.existing_only)?;
        Ok(storage)
    }

    fn create_schema(&self, existing_only: bool) -> Result<(String, Vec<u8>), HubError> {
        let mut lease = self.lease()?;
        let client = &mut lease.get()?.client;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
        if existing_only {
            let hub: bool = tx
                .query_one("SELECT to_regclass('hub_meta') IS NOT NULL", &[])?
                .try_get(0)?;
            if !hub {
                return Err(HubError::Config(
                    "no hub in this PostgreSQL database (`rapportino-hub init` or `serve` creates one)"
                        .into(),
                ));
            }
        }
        for sql in POSTGRES_SCHEMA {
            tx.batch_execute(sql)?;
        }
        let version = tx
            .query_opt(&sql().meta_get, &[&"schema_version"])?
            .map(|r| r.get::<_, String>(0));
        match version.as_deref().map(str::parse::<i64>) {
            None => {
                tx.execute(
                    &sql().meta_insert,
                    &[&"schema_version", &HUB_SCHEMA_VERSION.to_string()],
                )?;
            }
            Some(Ok(v)) if v < HUB_SCHEMA_VERSION => {
                // This hub writes field versions in a form an older hub cannot read.
                tx.execute(
                    &sql().meta_update,
                    &[&"schema_version", &HUB_SCHEMA_VERSION.to_string()],
                )?;
            }
            Some(Ok(_)) => {}
            Some(_) => {
                return Err(HubError::Config(format!(
                    "the database was written by a newer hub (schema {}): upgrade rapportino-hub",
                    version.unwrap_or_default()
                )))
            }
        }
        let id = match tx.query_opt(&sql().meta_get, &[&"hub_id"])? {
            Some(r) => r.get(0),
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                tx.execute(&sql().meta_insert, &[&"hub_id", &id])?;
                id
            }
        };
        let key: String = match tx.query_opt(&sql().meta_get, &[&GRANT_KEY])? {
            Some(r) => r.get(0),
            None => {
                let key = crate::grant::new_key();
                tx.execute(&sql().meta_insert, &[&GRANT_KEY, &key])?;
                key
            }
        };
        tx.commit()?;
        Ok((id, decode_key(&key)?))
    }

    fn lease(&self) -> Result<Lease<'_>, HubError> {
        let mut pool = lock(&self.pool);
        loop {
            if let Some(conn) = pool.idle.pop() {
                return Ok(Lease {
                    storage: self,
                    conn: Some(conn),
                });
            }
            if pool.open < MAX_CONNECTIONS {
                pool.open += 1;
                drop(pool);
                let connected = match &self.tls {
                    Some(tls) => self.config.connect(tls.clone()),
                    None => self.config.connect(NoTls),
                };
                return match connected {
                    Ok(client) => Ok(Lease {
                        storage: self,
                        conn: Some(PgConn {
                            client,
                            statements: HashMap::new(),
                        }),
                    }),
                    Err(e) => {
                        lock(&self.pool).open -= 1;
                        self.returned.notify_one();
                        Err(e.into())
                    }
                };
            }
            let (guard, timeout) = self
                .returned
                .wait_timeout(pool, POOL_WAIT)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            pool = guard;
            if timeout.timed_out() && pool.idle.is_empty() && pool.open >= MAX_CONNECTIONS {
                return Err(HubError::Storage(
                    "no PostgreSQL connection free for 30 s".into(),
                ));
            }
        }
    }

    pub fn hub_id(&self) -> &str {
        &self.hub_id
    }

    pub fn grant_key(&self) -> &[u8] {
        &self.grant_key
    }

    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn HubTx) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        let mut lease = self.lease()?;
        let PgConn { client, statements } = lease.get()?;
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
        let mut htx = PgTx {
            tx,
            statements,
            last_seq: None,
        };
        let value = f(&mut htx)?; // dropping the transaction rolls it back
        htx.tx.commit()?;
        Ok(value)
    }

    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn HubRead) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        let mut lease = self.lease()?;
        let PgConn { client, statements } = lease.get()?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let mut htx = PgTx {
            tx,
            statements,
            last_seq: None,
        };
        let value = f(&mut htx)?;
        htx.tx.commit()?;
        Ok(value)
    }

    /// A registry transaction: short, serialised among registry writers.
    fn registry_tx<T>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        let mut lease = self.lease()?;
        let client = &mut lease.get()?.client;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&REGISTRY_LOCK])?;
        let value = f(&mut tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Copies every hub table, from one REPEATABLE READ snapshot, into a new SQLite hub file.
    pub(crate) fn backup_to(&self, out: &Path) -> Result<(), HubError> {
        let copy = SqliteStorage::open(out)?;
        let mut lease = self.lease()?;
        let client = &mut lease.get()?.client;
        let mut src = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        copy.with_write_tx(|dst| {
            for (table, columns, key) in TABLES {
                let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
                let list = names.join(", ");
                let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
                let mut insert = dst.prepare(&format!(
                    "INSERT OR REPLACE INTO {table} ({list}) VALUES ({})",
                    marks.join(", ")
                ))?;
                let select = format!("SELECT {list} FROM {table} ORDER BY {key}");
                let params: [&(dyn ToSql + Sync); 0] = [];
                let mut rows = src.query_raw(select.as_str(), params)?;
                while let Some(row) = fallible_next(&mut rows)? {
                    let mut values = Vec::with_capacity(columns.len());
                    for (i, (_, kind)) in columns.iter().enumerate() {
                        values.push(match kind {
                            Kind::Text => match row.try_get::<_, Option<String>>(i)? {
                                Some(s) => rusqlite::types::Value::Text(s),
                                None => rusqlite::types::Value::Null,
                            },
                            Kind::Int => match row.try_get::<_, Option<i64>>(i)? {
                                Some(n) => rusqlite::types::Value::Integer(n),
                                None => rusqlite::types::Value::Null,
                            },
                        });
                    }
                    insert.execute(rusqlite::params_from_iter(values))?;
                }
            }
            Ok(())
        })?;
        src.commit()?;
        Ok(())
    }
}

fn fallible_next(rows: &mut postgres::RowIter<'_>) -> Result<Option<postgres::Row>, HubError> {
    use postgres::fallible_iterator::FallibleIterator;
    Ok(rows.next()?)
}

struct PgTx<'c> {
    tx: Transaction<'c>,
    statements: &'c mut HashMap<&'static str, Statement>,
    /// The last sequence appended in this transaction (saves a MAX per mutation).
    last_seq: Option<i64>,
}

impl PgTx<'_> {
    /// The prepared statement for `sql`, prepared once per connection.
    fn stmt(&mut self, text: &'static str) -> Result<Statement, HubError> {
        if let Some(s) = self.statements.get(text) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(text)?;
        self.statements.insert(text, s.clone());
        Ok(s)
    }
}

impl HubTx for PgTx<'_> {
    fn load_rows(&mut self, keys: &[super::RowKey]) -> Result<super::KeyedRows, HubError> {
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
        for (entity, field, _) in super::tables::INTAKE_LOOKUPS {
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

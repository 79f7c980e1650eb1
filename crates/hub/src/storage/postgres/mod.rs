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
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_connect::{connect_config, PgConnect};
use super::sql::{Dialect, Statements};
use super::tables::{Kind, POSTGRES_SCHEMA, TABLES};
use super::{decode_key, GRANT_KEY};
use super::{sqlite::SqliteStorage, HubRead, HubTx, HUB_SCHEMA_VERSION};
use crate::error::HubError;

mod bulk;
mod registry;
mod tx;

use tx::{fallible_next, PgTx};

/// The shared statements, in PostgreSQL's spelling.
pub(super) fn sql() -> &'static Statements {
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

    /// A plain READ COMMITTED transaction on a pooled connection (the hub-only tables of
    /// `storage::plain`).
    pub(crate) fn plain_tx<T>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        let mut lease = self.lease()?;
        let client = &mut lease.get()?.client;
        let mut tx = client.transaction()?;
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

//! Plain statements on the hub's own tables, for the parts of the hub that keep hub-only data
//! (the customer's reserved area: `crate::web::portal`): one short transaction, statements in
//! PostgreSQL's spelling rendered per [`Dialect`], parameters and columns as [`SqlValue`]
//! (text, integer or NULL). The sync engine's hot paths keep their own typed statements.

use super::sql::Dialect;
use super::Storage;
use crate::error::HubError;

/// A parameter or a column's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    Null,
    Int(i64),
    Text(String),
}

impl SqlValue {
    pub fn text(&self) -> Option<&str> {
        match self {
            SqlValue::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            SqlValue::Int(n) => Some(*n),
            _ => None,
        }
    }
}

impl From<&str> for SqlValue {
    fn from(s: &str) -> SqlValue {
        SqlValue::Text(s.to_owned())
    }
}

impl From<String> for SqlValue {
    fn from(s: String) -> SqlValue {
        SqlValue::Text(s)
    }
}

impl From<i64> for SqlValue {
    fn from(n: i64) -> SqlValue {
        SqlValue::Int(n)
    }
}

/// One transaction's statements.
pub trait PlainTx {
    fn dialect(&self) -> Dialect;
    /// Runs a statement; the number of rows it changed.
    fn exec(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, HubError>;
    /// Runs a query; its rows.
    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, HubError>;
}

impl Storage {
    /// Runs `f` in one transaction on the hub's own tables (committed when `f` returns `Ok`).
    /// On SQLite it is the writer's (serialised with pushes); on PostgreSQL a pooled
    /// connection's, READ COMMITTED.
    pub fn plain<T>(
        &self,
        f: impl FnOnce(&mut dyn PlainTx) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        match self {
            Storage::Sqlite(s) => s.with_write_tx(|tx| f(&mut SqlitePlain { tx })),
            Storage::Postgres(s) => s.plain_tx(|tx| f(&mut PgPlain { tx })),
        }
    }
}

struct SqlitePlain<'a, 'c> {
    tx: &'a rusqlite::Transaction<'c>,
}

impl rusqlite::ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match self {
            SqlValue::Null => ToSqlOutput::Owned(Value::Null),
            SqlValue::Int(n) => ToSqlOutput::Owned(Value::Integer(*n)),
            SqlValue::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

impl PlainTx for SqlitePlain<'_, '_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn exec(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, HubError> {
        let mut stmt = self.tx.prepare_cached(&Dialect::Sqlite.render(sql))?;
        let n = stmt.execute(rusqlite::params_from_iter(params.iter()))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, HubError> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.tx.prepare_cached(&Dialect::Sqlite.render(sql))?;
        let width = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null => SqlValue::Null,
                    ValueRef::Integer(n) => SqlValue::Int(n),
                    ValueRef::Real(f) => SqlValue::Int(f as i64),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        SqlValue::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(values);
        }
        Ok(out)
    }
}

struct PgPlain<'a, 'c> {
    tx: &'a mut postgres::Transaction<'c>,
}

fn pg_params(params: &[SqlValue]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|p| -> Box<dyn postgres::types::ToSql + Sync> {
            match p {
                SqlValue::Null => Box::new(None::<String>),
                SqlValue::Int(n) => Box::new(*n),
                SqlValue::Text(s) => Box::new(s.clone()),
            }
        })
        .collect()
}

impl PlainTx for PgPlain<'_, '_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn exec(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, HubError> {
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        Ok(self.tx.execute(sql, &refs)?)
    }

    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, HubError> {
        use postgres::types::Type;
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        let rows = self.tx.query(sql, &refs)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let ty = column.type_();
                let v = if *ty == Type::INT8 {
                    row.try_get::<_, Option<i64>>(i)?.map(SqlValue::Int)
                } else if *ty == Type::INT4 {
                    row.try_get::<_, Option<i32>>(i)?
                        .map(|n| SqlValue::Int(i64::from(n)))
                } else if *ty == Type::BOOL {
                    row.try_get::<_, Option<bool>>(i)?
                        .map(|b| SqlValue::Int(i64::from(b)))
                } else {
                    row.try_get::<_, Option<String>>(i)?.map(SqlValue::Text)
                };
                values.push(v.unwrap_or(SqlValue::Null));
            }
            out.push(values);
        }
        Ok(out)
    }
}

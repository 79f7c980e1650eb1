//! The engine's questions answered from this device's database.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use rapportino_intake::{Directory, IntakeError, TicketRef};
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::time::format_instant;

/// The database, keeping the first SQLite error so that it is reported as itself.
pub(super) struct Dir<'c> {
    conn: &'c Connection,
    failure: RefCell<Option<rusqlite::Error>>,
}

impl<'c> Dir<'c> {
    pub(super) fn new(conn: &'c Connection) -> Self {
        Dir {
            conn,
            failure: RefCell::new(None),
        }
    }

    /// The engine's answer, or the database error that stopped it.
    pub(super) fn into_result<T>(self, r: std::result::Result<T, IntakeError>) -> Result<T> {
        match (r, self.failure.into_inner()) {
            (Ok(v), _) => Ok(v),
            (Err(_), Some(e)) => Err(Error::Database(e)),
            (Err(e), None) => Err(Error::Inconsistent(e.to_string())),
        }
    }

    fn run<T>(
        &self,
        q: impl FnOnce() -> rusqlite::Result<T>,
    ) -> std::result::Result<T, IntakeError> {
        q().map_err(|e| {
            let text = e.to_string();
            self.failure.borrow_mut().get_or_insert(e);
            IntakeError::Directory(text)
        })
    }

    fn ticket_where(&self, clause: &str, value: &str) -> rusqlite::Result<Option<TicketRef>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT id, number, client_id, status FROM tickets WHERE {clause}"
            ))?
            .query_row([value], |r| {
                Ok(TicketRef {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    client_id: r.get(2)?,
                    status: r.get(3)?,
                })
            })
            .optional()
    }
}

impl Directory for Dir<'_> {
    fn already_recorded(&self, key: &str) -> std::result::Result<bool, IntakeError> {
        self.run(|| {
            self.conn
                .prepare_cached("SELECT 1 FROM incoming_requests WHERE idempotency_key = ?1")?
                .query_row([key], |_| Ok(()))
                .optional()
                .map(|o| o.is_some())
        })
    }

    fn ticket_by_number(
        &self,
        number: &str,
    ) -> std::result::Result<Option<TicketRef>, IntakeError> {
        self.run(|| self.ticket_where("number = ?1", number))
    }

    fn our_message(
        &self,
        message_id: &str,
    ) -> std::result::Result<Option<Option<TicketRef>>, IntakeError> {
        self.run(|| {
            let found: Option<Option<String>> = self
                .conn
                .prepare_cached("SELECT ticket_id FROM messages WHERE message_id = ?1")?
                .query_row([format!("<{message_id}>")], |r| r.get(0))
                .optional()?;
            match found {
                None => Ok(None),
                Some(None) => Ok(Some(None)),
                Some(Some(t)) => Ok(Some(self.ticket_where("id = ?1", &t)?)),
            }
        })
    }

    fn authorising(&self, email: &str) -> std::result::Result<Vec<(String, String)>, IntakeError> {
        self.run(|| {
            let mut stmt = self.conn.prepare_cached(
                "SELECT client_id, min(id) FROM contacts
                 WHERE email = ?1 AND authorised = 1 AND archived = 0
                 GROUP BY client_id ORDER BY client_id",
            )?;
            let rows = stmt.query_map([email.trim().to_lowercase()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect()
        })
    }

    fn requests_since(
        &self,
        email: &str,
        since: DateTime<Utc>,
    ) -> std::result::Result<u32, IntakeError> {
        self.run(|| {
            self.conn
                .prepare_cached(
                    "SELECT count(*) FROM incoming_requests
                     WHERE sender_email = ?1 AND received_at >= ?2",
                )?
                .query_row([email, &format_instant(since)], |r| r.get(0))
        })
    }
}

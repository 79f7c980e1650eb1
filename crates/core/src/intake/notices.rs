//! Which incoming requests warrant a desktop notification, each once on this device.
//!
//! A request warrants one when it is **urgent** and became a ticket or waits in triage (never
//! an ignored mail or a reply appended to a ticket), arrived at most [`FRESH_HOURS`] ago, and
//! reached this database (taken here or pulled by a sync) after the last look. "Once" is a
//! device-local mark (`local_state`, never synced): the highest rowid of `incoming_requests`
//! already looked at. Rows pulled by a sync get new rowids, so a request the hub took an hour
//! ago is still news when it arrives here. The very first look only sets the mark: a device
//! that joins a shop is not greeted by every urgent request of the past.

use chrono::Duration;
use rapportino_model::vocab::RequestStatus;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::ids::TicketId;
use crate::store::{local_get, local_set, Store};
use crate::time::format_instant;

/// `local_state` key of the mark.
const MARK: &str = "intake.notified_rowid";
/// An urgent request older than this is not news any more (a device back after a week away).
pub const FRESH_HOURS: i64 = 24;

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UrgentNotice {
    pub request_id: String,
    pub subject: String,
    pub sender_email: Option<String>,
    pub sender_name: Option<String>,
    pub received_at: String,
    pub status: RequestStatus,
    pub ticket_id: Option<TicketId>,
    pub ticket_number: Option<String>,
}

/// The urgent requests to notify now, oldest first; the mark moves past everything looked at,
/// so each is returned once.
pub fn take_urgent(store: &Store) -> Result<Vec<UrgentNotice>> {
    let conn = store.conn();
    let max: i64 = conn.query_row(
        "SELECT coalesce(max(rowid), 0) FROM incoming_requests",
        [],
        |r| r.get(0),
    )?;
    let mark = local_get(conn, MARK)?.and_then(|v| v.parse::<i64>().ok());
    let Some(mark) = mark else {
        local_set(conn, MARK, &max.to_string())?;
        return Ok(Vec::new());
    };
    if max <= mark {
        return Ok(Vec::new());
    }
    let since = format_instant(store.now() - Duration::hours(FRESH_HOURS));
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.subject, r.sender_email, r.sender_name, r.received_at, r.status,
                r.ticket_id, t.number
         FROM incoming_requests r LEFT JOIN tickets t ON t.id = r.ticket_id
         WHERE r.rowid > ?1 AND r.rowid <= ?2 AND r.urgent = 1
           AND r.status IN ('new', 'ticketed') AND r.received_at >= ?3
         ORDER BY r.rowid",
    )?;
    let rows = stmt.query_map(rusqlite::params![mark, max, since], |r| {
        Ok(UrgentNotice {
            request_id: r.get(0)?,
            subject: r.get(1)?,
            sender_email: r.get(2)?,
            sender_name: r.get(3)?,
            received_at: r.get(4)?,
            status: r.get(5)?,
            ticket_id: r.get(6)?,
            ticket_number: r.get(7)?,
        })
    })?;
    let notices = rows.collect::<Result<Vec<_>, _>>()?;
    local_set(conn, MARK, &max.to_string())?;
    Ok(notices)
}

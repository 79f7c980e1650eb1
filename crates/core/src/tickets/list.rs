//! The tickets list: pages cut from `tickets` alone in index order, then joined.

use super::{TicketFilter, TicketStatus, TicketSummary};
use crate::error::Result;
use crate::paging::{Page, PageRequest};
use crate::store::Store;

/// Tickets, newest first.
pub fn list(
    store: &Store,
    filter: &TicketFilter,
    page: &PageRequest,
) -> Result<Page<TicketSummary>> {
    // The page is cut from `tickets` alone (in index order, see migration 0007), then joined: an
    // offset skips index entries instead of joining every skipped ticket to its client.
    // The open list alone names its index: without statistics SQLite prefers `tickets_status`
    // and sorts every open ticket (60-90 ms a page on the 1M demo, docs/BENCHMARKS.md).
    let open_list = filter.open_only == Some(true)
        && filter.status.is_none()
        && filter.client_id.is_none()
        && filter.technician_id.is_none();
    let mut sql = String::from(if open_list {
        "SELECT id FROM tickets t INDEXED BY tickets_open_opened WHERE 1 = 1"
    } else {
        "SELECT id FROM tickets t WHERE 1 = 1"
    });
    let mut params: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(c) = filter.client_id {
        params.push(c.to_string().into());
        sql.push_str(&format!(" AND t.client_id = ?{}", params.len()));
    }
    if let Some(t) = filter.technician_id {
        params.push(t.to_string().into());
        sql.push_str(&format!(
            " AND t.assigned_technician_id = ?{}",
            params.len()
        ));
    }
    if let Some(s) = filter.status {
        params.push(s.as_str().to_owned().into());
        sql.push_str(&format!(" AND t.status = ?{}", params.len()));
    }
    if filter.open_only == Some(true) {
        // Word for word the partial index's WHERE (0019), so the page is read from it.
        sql.push_str(" AND t.status IN ");
        sql.push_str(TicketStatus::OPEN_SQL);
    }
    if filter.closed_only == Some(true) {
        sql.push_str(" AND t.status IN ('resolved', 'closed', 'cancelled')");
    }
    params.push(page.sql_limit().into());
    params.push(page.sql_offset().into());
    sql.push_str(&format!(
        " ORDER BY t.opened_at DESC, t.id DESC LIMIT ?{} OFFSET ?{}",
        params.len() - 1,
        params.len()
    ));
    let sql = format!(
        "SELECT t.id, t.number, t.client_id, c.name, t.title, t.origin, t.severity, t.urgent, t.status, t.opened_at, tech.code
         FROM tickets t JOIN clients c ON c.id = t.client_id
         LEFT JOIN technicians tech ON tech.id = t.assigned_technician_id
         WHERE t.id IN ({sql}) ORDER BY t.opened_at DESC, t.id DESC"
    );
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params), |r| {
            Ok(TicketSummary {
                id: r.get(0)?,
                number: r.get(1)?,
                client_id: r.get(2)?,
                client_name: r.get(3)?,
                title: r.get(4)?,
                origin: r.get(5)?,
                severity: r.get(6)?,
                urgent: r.get(7)?,
                status: r.get(8)?,
                opened_at: r.get(9)?,
                assigned_technician_code: r.get(10)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(rows, page))
}

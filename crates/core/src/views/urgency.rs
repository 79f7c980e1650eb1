//! The urgency list: every open ticket with its SLA, most urgent first.

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::ids::TicketId;
use crate::paging::{Page, PageRequest};
use crate::sla::{self, Context, TicketSla};
use crate::store::Store;
use crate::tickets::{TicketFilter, TicketSummary};
use rapportino_model::vocab::Severity;

/// A row of the urgency list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UrgentTicket {
    pub ticket: TicketSummary,
    pub sla: TicketSla,
}

/// Every open ticket matching the filter with its SLA, most urgent first: tickets with a running
/// intervention clock by minutes left (breached first), then the others by urgency flag, severity
/// and age.
pub fn urgency_list(
    store: &Store,
    filter: &TicketFilter,
    page: &PageRequest,
) -> Result<Page<UrgentTicket>> {
    let all = open_tickets_with_sla(store, filter)?;
    let from = (page.offset() as usize).min(all.len());
    let to = (from + page.limit() as usize + 1).min(all.len());
    let rows = all.into_iter().skip(from).take(to - from).collect();
    Ok(Page::from_rows(rows, page))
}

/// All open tickets with their SLA, sorted by urgency (the benchmark's "recompute").
pub fn open_tickets_with_sla(store: &Store, filter: &TicketFilter) -> Result<Vec<UrgentTicket>> {
    let conn = store.conn();
    let rows = sla::context::open_tickets(conn, filter)?;
    // Only contracts valid when the oldest open ticket was reported can govern any of them.
    let oldest = rows
        .iter()
        .map(|(t, _)| sla::reported_on(t, store.tz()))
        .min()
        .unwrap_or_else(|| crate::time::local_date(store.now(), store.tz()));
    let ctx = Context::for_all_since(conn, oldest)?;
    let ids: Vec<TicketId> = rows.iter().map(|(t, _)| t.id).collect();
    let pauses = sla::context::pauses_of(conn, &ids)?;
    let now = store.now();
    let empty = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (ticket, summary) in rows {
        let p = pauses.get(&ticket.id).unwrap_or(&empty);
        let sla = ctx.ticket_sla(&ticket, p, now, store.tz())?;
        out.push(UrgentTicket {
            ticket: summary,
            sla,
        });
    }
    out.sort_by_cached_key(urgency_key);
    Ok(out)
}

fn urgency_key(u: &UrgentTicket) -> (u8, i64, u8, u8, String) {
    let severity = match u.ticket.severity {
        Severity::Blocking => 0,
        Severity::Degraded => 1,
        Severity::Request => 2,
    };
    match u.sla.open_clock() {
        Some(c) => (0, c.left_minutes, 0, severity, u.ticket.opened_at.clone()),
        None => (
            1,
            0,
            u8::from(!u.ticket.urgent),
            severity,
            u.ticket.opened_at.clone(),
        ),
    }
}

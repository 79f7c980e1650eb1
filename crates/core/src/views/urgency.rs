//! The urgency list: every open ticket with its SLA, most urgent first.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::ids::TicketId;
use crate::paging::{Page, PageRequest};
use crate::sla::{self, Context, SlaState, TicketSla};
use crate::store::Store;
use crate::tickets::{TicketFilter, TicketSummary};
use rapportino_model::vocab::Severity;

/// A row of the urgency list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UrgentTicket {
    pub ticket: TicketSummary,
    pub sla: TicketSla,
    /// The priority of the client's customer class (higher is served first; 0 without a class).
    pub class_priority: i64,
}

/// Every open ticket matching the filter with its SLA, most urgent first (ARCHITECTURE.md, "The
/// urgency order"):
/// 1. the state of the open clock (intervention or resolution, the one with fewer minutes left):
///    breached, then at risk, then on time, then tickets with no open clock;
/// 2. within a state, the customer class priority, higher first;
/// 3. then minutes left (fewest first) for tickets with an open clock, and for the others the
///    urgent flag, severity, then age (oldest first).
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
    let priorities = class_priorities(conn)?;
    let ids: Vec<TicketId> = rows.iter().map(|(t, _)| t.id).collect();
    let pauses = sla::context::pauses_of(conn, &ids)?;
    let now = store.now();
    let empty = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (ticket, summary) in rows {
        let p = pauses.get(&ticket.id).unwrap_or(&empty);
        let sla = ctx.ticket_sla(&ticket, p, now, store.tz())?;
        let class_priority = priorities
            .get(ctx.client_class(ticket.client_id))
            .copied()
            .unwrap_or(0);
        out.push(UrgentTicket {
            ticket: summary,
            sla,
            class_priority,
        });
    }
    out.sort_by_cached_key(urgency_key);
    Ok(out)
}

/// Customer class code → priority (archived classes too: a client may still carry one).
fn class_priorities(conn: &rusqlite::Connection) -> Result<HashMap<String, i64>> {
    let mut stmt = conn.prepare_cached("SELECT code, priority FROM customer_classes")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

type UrgencyKey = (u8, std::cmp::Reverse<i64>, i64, u8, u8, String);

fn urgency_key(u: &UrgentTicket) -> UrgencyKey {
    let severity = match u.ticket.severity {
        Severity::Blocking => 0,
        Severity::Degraded => 1,
        Severity::Request => 2,
    };
    let class = std::cmp::Reverse(u.class_priority);
    match u.sla.open_clock() {
        Some(c) => {
            let state = match c.state {
                SlaState::Breached => 0,
                SlaState::AtRisk => 1,
                SlaState::OnTime | SlaState::Met => 2,
            };
            let age = u.ticket.opened_at.clone();
            (state, class, c.left_minutes, 0, severity, age)
        }
        None => (
            3,
            class,
            0,
            u8::from(!u.ticket.urgent),
            severity,
            u.ticket.opened_at.clone(),
        ),
    }
}

//! SLA clocks on tickets: response due and intervention due, in business time of the governing
//! contract's calendar, paused while waiting for the client; on time / at risk / breached with the
//! minutes left. Derived on every read from the ticket, its events and the contract: nothing is
//! stored, so a changed calendar or contract re-times every ticket at once.
//!
//! - [`clock`]: one clock, pure;
//! - [`context`]: what a batch needs loaded once (contracts per client, calendars, patron days).

pub mod clock;
mod context;

pub use clock::{ClockKind, SlaClock, SlaState};
pub use context::Context;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::contracts::governing::{Governing, GoverningReason};
use crate::contracts::ContractKind;
use crate::error::Result;
use crate::ids::{ContractId, TicketId};
use crate::paging::{Page, PageRequest};
use crate::store::Store;
use crate::tickets::{Severity, Ticket, TicketFilter, TicketSummary};
use crate::time::{local_date, parse_instant};

/// A ticket's SLA, as the ticket page and the urgency list show it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TicketSla {
    pub ticket_id: TicketId,
    pub contract_id: Option<ContractId>,
    pub contract_name: Option<String>,
    pub contract_kind: Option<ContractKind>,
    pub governing_reason: GoverningReason,
    pub calendar_name: Option<String>,
    /// Extra time, or a calendar open around the clock: clocks run at once in wall-clock time.
    pub wall_clock: bool,
    /// None when the contract sets no target for the ticket's severity (or there is no SLA).
    pub response: Option<SlaClock>,
    pub intervention: Option<SlaClock>,
}

impl TicketSla {
    /// The clock that decides urgency: the running (or paused) intervention clock.
    pub fn open_clock(&self) -> Option<&SlaClock> {
        self.intervention
            .as_ref()
            .filter(|c| c.stopped_at.is_none())
    }

    pub fn is_breached(&self) -> bool {
        [&self.response, &self.intervention]
            .into_iter()
            .flatten()
            .any(|c| c.state == SlaState::Breached)
    }
}

/// A row of the urgency list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UrgentTicket {
    pub ticket: TicketSummary,
    pub sla: TicketSla,
}

/// The SLA of one ticket now.
pub fn for_ticket(store: &Store, id: TicketId) -> Result<TicketSla> {
    let ticket = crate::tickets::get(store, id)?;
    let ctx = Context::for_client(store.conn(), ticket.client_id)?;
    let pauses = context::pauses_of(store.conn(), &[id])?;
    let empty = Vec::new();
    ctx.ticket_sla(
        &ticket,
        pauses.get(&id).unwrap_or(&empty),
        store.now(),
        store.tz(),
    )
}

/// The governing contract of a ticket, with the reason.
pub fn governing(store: &Store, ticket: &Ticket) -> Result<Governing> {
    let ctx = Context::for_client(store.conn(), ticket.client_id)?;
    Ok(ctx.governing(ticket, store.tz()))
}

/// Computes the SLA of a ticket from loaded facts.
pub(crate) fn compute(
    ticket: &Ticket,
    governing: Governing,
    calendar: Option<(&crate::calendars::BusinessCalendar, String)>,
    pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
    now: DateTime<Utc>,
) -> Result<TicketSla> {
    let contract = governing.contract.as_ref();
    let mut sla = TicketSla {
        ticket_id: ticket.id,
        contract_id: contract.map(|c| c.id),
        contract_name: contract.map(|c| c.name.clone()),
        contract_kind: contract.map(|c| c.kind),
        governing_reason: governing.reason,
        calendar_name: None,
        wall_clock: false,
        response: None,
        intervention: None,
    };
    let (Some(contract), Some((business, calendar_name))) = (contract, calendar) else {
        return Ok(sla);
    };
    if contract.kind != ContractKind::Sla {
        return Ok(sla);
    }
    let always = crate::calendars::BusinessCalendar::always_open();
    let cal = if ticket.extra_time { &always } else { business };
    sla.calendar_name = Some(calendar_name);
    sla.wall_clock = ticket.extra_time;
    let target = contract.targets.for_severity(ticket.severity);
    let reported = parse_instant(&ticket.reported_at)?;
    let opened = parse_instant(&ticket.opened_at)?;
    if let Some(minutes) = target.response_minutes {
        sla.response = Some(clock::compute(
            &clock::ClockFacts {
                kind: ClockKind::Response,
                target_minutes: minutes,
                start: reported,
                stop: Some(opened),
                pauses: &[],
                now,
            },
            cal,
        ));
    }
    if let Some(minutes) = target.intervention_minutes {
        let stop = match (&ticket.taken_at, &ticket.cancelled_at) {
            (Some(t), _) => Some(parse_instant(t)?),
            (None, Some(c)) => Some(parse_instant(c)?),
            (None, None) => None,
        };
        sla.intervention = Some(clock::compute(
            &clock::ClockFacts {
                kind: ClockKind::Intervention,
                target_minutes: minutes,
                start: opened,
                stop,
                pauses,
                now,
            },
            cal,
        ));
    }
    Ok(sla)
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
    let rows = context::open_tickets(conn, filter)?;
    // Only contracts valid when the oldest open ticket was reported can govern any of them.
    let oldest = rows
        .iter()
        .map(|(t, _)| reported_on(t, store.tz()))
        .min()
        .unwrap_or_else(|| crate::time::local_date(store.now(), store.tz()));
    let ctx = Context::for_all_since(conn, oldest)?;
    let ids: Vec<TicketId> = rows.iter().map(|(t, _)| t.id).collect();
    let pauses = context::pauses_of(conn, &ids)?;
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

/// The local date a ticket was reported on (the governing contract must be valid then).
pub(crate) fn reported_on(ticket: &Ticket, tz: crate::time::Tz) -> chrono::NaiveDate {
    parse_instant(&ticket.reported_at).map_or(chrono::NaiveDate::MIN, |t| local_date(t, tz))
}

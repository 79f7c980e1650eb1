//! SLA clocks on tickets: response due, intervention due and (when the contract sets it) resolution
//! due, in business time of the governing contract's calendar for the ticket's severity (a
//! severity may have its own, `ContractTerms::calendar_for`), paused while waiting for the
//! client; on time / at risk / breached with the minutes left. Derived on every read from the ticket, its events and the contract: nothing is
//! stored, so a changed calendar or contract re-times every ticket at once.
//!
//! - [`clock`]: one clock, pure;
//! - [`context`]: what a batch needs loaded once (contracts per client, calendars, patron days).

pub mod clock;
pub(crate) mod context;

pub use clock::{ClockKind, SlaClock, SlaState};
pub use context::Context;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::contracts::governing::{Governing, GoverningReason};
use crate::error::Result;
use crate::ids::{ContractId, TicketId};
use crate::store::Store;
use crate::tickets::Ticket;
use crate::time::{local_date, parse_instant};
use rapportino_model::vocab::ContractKind;

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
    /// Opened → resolved; None when the contract sets no resolution target for the severity.
    pub resolution: Option<SlaClock>,
    /// The clock that decides urgency ([`TicketSla::open_clock`]), for the screens.
    pub deciding: Option<ClockKind>,
}

impl TicketSla {
    /// The clock that decides urgency: of the intervention and resolution clocks still running
    /// (or paused), the one with the fewest minutes left.
    pub fn open_clock(&self) -> Option<&SlaClock> {
        [&self.intervention, &self.resolution]
            .into_iter()
            .flatten()
            .filter(|c| c.stopped_at.is_none())
            .min_by_key(|c| c.left_minutes)
    }

    pub fn is_breached(&self) -> bool {
        [&self.response, &self.intervention, &self.resolution]
            .into_iter()
            .flatten()
            .any(|c| c.state == SlaState::Breached)
    }
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
        contract_kind: contract.map(|c| c.terms.kind),
        governing_reason: governing.reason,
        calendar_name: None,
        wall_clock: false,
        response: None,
        intervention: None,
        resolution: None,
        deciding: None,
    };
    let (Some(contract), Some((business, calendar_name))) = (contract, calendar) else {
        return Ok(sla);
    };
    if contract.terms.kind != ContractKind::Sla {
        return Ok(sla);
    }
    let always = crate::calendars::BusinessCalendar::always_open();
    let cal = if ticket.extra_time { &always } else { business };
    sla.calendar_name = Some(calendar_name);
    sla.wall_clock = ticket.extra_time;
    let target = contract.terms.targets.for_severity(ticket.severity);
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
    if let Some(minutes) = target.resolution_minutes {
        let stop = match (&ticket.resolved_at, &ticket.cancelled_at) {
            (Some(t), _) => Some(parse_instant(t)?),
            (None, Some(c)) => Some(parse_instant(c)?),
            (None, None) => None,
        };
        sla.resolution = Some(clock::compute(
            &clock::ClockFacts {
                kind: ClockKind::Resolution,
                target_minutes: minutes,
                start: opened,
                stop,
                pauses,
                now,
            },
            cal,
        ));
    }
    sla.deciding = sla.open_clock().map(|c| c.kind);
    Ok(sla)
}

/// The local date a ticket was reported on (the governing contract must be valid then).
pub(crate) fn reported_on(ticket: &Ticket, tz: crate::time::Tz) -> chrono::NaiveDate {
    parse_instant(&ticket.reported_at).map_or(chrono::NaiveDate::MIN, |t| local_date(t, tz))
}

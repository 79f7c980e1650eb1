//! The ticket page: the ticket, the names to show, its history, its interventions, the moves it
//! may make, its SLA and what the customer is entitled to.

use rusqlite::OptionalExtension;
use serde::Serialize;
use ts_rs::TS;

use crate::entitlement::{self, Entitlement};
use crate::error::Result;
use crate::ids::TicketId;
use crate::interventions::{self, InterventionFilter, InterventionSummary};
use crate::paging::{PageRequest, MAX_LIMIT};
use crate::sla::{self, TicketSla};
use crate::store::Store;
use crate::tickets::{self, Ticket, TicketEvent};
use rapportino_model::status::{StatusStep, TicketStatus};

#[derive(Debug, Clone, Serialize, TS)]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub client_name: String,
    pub contact_name: Option<String>,
    pub assigned_technician_name: Option<String>,
    pub events: Vec<TicketEvent>,
    pub interventions: Vec<InterventionSummary>,
    /// The statuses this ticket may move to now.
    pub next_statuses: Vec<TicketStatus>,
    /// The same moves with what each asks of the user (estimate, note), for the ticket page.
    pub next_steps: Vec<StatusStep>,
    pub sla: TicketSla,
    pub entitlement: Entitlement,
}

/// The ticket page: the ticket, names to show, its history and its interventions.
pub fn ticket_detail(store: &Store, id: TicketId) -> Result<TicketDetail> {
    let ticket = tickets::get(store, id)?;
    let conn = store.conn();
    let client_name: String = conn.query_row(
        "SELECT name FROM clients WHERE id = ?1",
        [ticket.client_id],
        |r| r.get(0),
    )?;
    let contact_name: Option<String> = match ticket.contact_id {
        Some(c) => conn
            .query_row("SELECT name FROM contacts WHERE id = ?1", [c], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let assigned_technician_name: Option<String> = match ticket.assigned_technician_id {
        Some(t) => conn
            .query_row("SELECT name FROM technicians WHERE id = ?1", [t], |r| {
                r.get(0)
            })
            .optional()?,
        None => None,
    };
    let events = tickets::events(conn, id)?;
    let interventions = interventions::list(
        store,
        &InterventionFilter {
            ticket_id: Some(id),
            ..Default::default()
        },
        &PageRequest::new(MAX_LIMIT, 0),
    )?
    .items;
    Ok(TicketDetail {
        next_statuses: ticket.status.next_states().to_vec(),
        next_steps: ticket.status.steps(),
        sla: sla::for_ticket(store, id)?,
        entitlement: entitlement::for_ticket(store, &ticket)?,
        ticket,
        client_name,
        contact_name,
        assigned_technician_name,
        events,
        interventions,
    })
}

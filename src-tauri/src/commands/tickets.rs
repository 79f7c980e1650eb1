//! Tickets: list, open, the ticket page, status changes, commercial terms, SLA and urgency.

use rapportino_core::ids::TicketId;
use rapportino_core::sla::{self, TicketSla};
use rapportino_core::sync::extra_time;
use rapportino_core::tickets::{
    self, NewTicket, Ticket, TicketFilter, TicketPatch, TicketSummary, TicketTerms, TransitionInput,
};
use rapportino_core::views::{self, TicketDetail, UrgentTicket};
use rapportino_core::{Page, PageRequest};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_tickets(
    state: State<'_, AppState>,
    filter: TicketFilter,
    page: PageRequest,
) -> CmdResult<Page<TicketSummary>> {
    state.with(|s| tickets::list(s, &filter, &page))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn ticket_detail(state: State<'_, AppState>, id: String) -> CmdResult<TicketDetail> {
    let id: TicketId = id.parse()?;
    state.with(|s| views::ticket_detail(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn open_ticket(state: State<'_, AppState>, input: NewTicket) -> CmdResult<Ticket> {
    // A PIN the hub checks (technician's device): the store is not locked while it answers.
    match state.with(|s| extra_time::prepare_open(s, &input))? {
        None => state.with(|s| tickets::open(s, &input)),
        Some(ask) => {
            let answer = ask.send(&rapportino_sync_http::HttpClient);
            state.with(|s| extra_time::finish_open(s, &input, &ask, answer))
        }
    }
}

/// Edits a ticket's details after opening (title, description, severity, urgent, category, bug,
/// assignee, requester); absent fields are left as they are.
#[tauri::command(async, rename_all = "snake_case")]
pub fn update_ticket(
    state: State<'_, AppState>,
    id: String,
    patch: TicketPatch,
) -> CmdResult<Ticket> {
    let id: TicketId = id.parse()?;
    state.with(|s| tickets::update(s, id, &patch))
}

/// The categories already used, most used first (suggested by the ticket forms).
#[tauri::command(async, rename_all = "snake_case")]
pub fn ticket_categories(state: State<'_, AppState>) -> CmdResult<Vec<String>> {
    state.with(|s| tickets::categories(s))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn transition_ticket(
    state: State<'_, AppState>,
    id: String,
    input: TransitionInput,
) -> CmdResult<Ticket> {
    let id: TicketId = id.parse()?;
    state.with(|s| tickets::transition(s, id, &input))
}

/// Replaces a ticket's terms (contract chosen by hand, priority on demand, out of scope, service).
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_ticket_terms(
    state: State<'_, AppState>,
    id: String,
    terms: TicketTerms,
) -> CmdResult<Ticket> {
    let id: TicketId = id.parse()?;
    state.with(|s| tickets::set_terms(s, id, &terms))
}

/// Puts a ticket under extra time when the caller's PIN matches the contract's (checked by the
/// hub on a technician's device; the store is not locked while it answers).
#[tauri::command(async, rename_all = "snake_case")]
pub fn claim_extra_time(state: State<'_, AppState>, id: String, pin: String) -> CmdResult<Ticket> {
    let id: TicketId = id.parse()?;
    match state.with(|s| extra_time::prepare_claim(s, id, &pin))? {
        None => state.with(|s| tickets::claim_extra_time(s, id, &pin)),
        Some(ask) => {
            let answer = ask.send(&rapportino_sync_http::HttpClient);
            state.with(|s| extra_time::finish_claim(s, &ask, answer))
        }
    }
}

/// The SLA clocks of one ticket now (the ticket page refreshes them while open).
#[tauri::command(async, rename_all = "snake_case")]
pub fn ticket_sla(state: State<'_, AppState>, id: String) -> CmdResult<TicketSla> {
    let id: TicketId = id.parse()?;
    state.with(|s| sla::for_ticket(s, id))
}

/// Open tickets with their SLA, most urgent first.
#[tauri::command(async, rename_all = "snake_case")]
pub fn urgency_list(
    state: State<'_, AppState>,
    filter: TicketFilter,
    page: PageRequest,
) -> CmdResult<Page<UrgentTicket>> {
    state.with(|s| views::urgency_list(s, &filter, &page))
}

//! Tickets: list, open, the ticket page, status changes.

use rapportino_core::ids::TicketId;
use rapportino_core::tickets::{
    self, NewTicket, Ticket, TicketDetail, TicketFilter, TicketSummary, TransitionInput,
};
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
    state.with(|s| tickets::detail(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn open_ticket(state: State<'_, AppState>, input: NewTicket) -> CmdResult<Ticket> {
    state.with(|s| tickets::open(s, &input))
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

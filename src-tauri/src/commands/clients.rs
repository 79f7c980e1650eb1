//! Clients: list, create, edit, the client page.

use rapportino_core::clients::{self, Client, ClientFilter, ClientInput, ClientOverview};
use rapportino_core::ids::ClientId;
use rapportino_core::{Page, PageRequest};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_clients(
    state: State<'_, AppState>,
    filter: ClientFilter,
    page: PageRequest,
) -> CmdResult<Page<Client>> {
    state.with(|s| clients::list(s, &filter, &page))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_client(state: State<'_, AppState>, input: ClientInput) -> CmdResult<Client> {
    state.with(|s| clients::create(s, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_client(
    state: State<'_, AppState>,
    id: String,
    input: ClientInput,
) -> CmdResult<Client> {
    let id: ClientId = id.parse()?;
    state.with(|s| clients::update(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn client_overview(state: State<'_, AppState>, id: String) -> CmdResult<ClientOverview> {
    let id: ClientId = id.parse()?;
    state.with(|s| clients::overview(s, id))
}

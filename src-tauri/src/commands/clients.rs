//! Clients: list, create, edit, the client page; their sites and contacts; fields checked as typed.

use rapportino_core::clients::{self, Client, ClientFilter, ClientInput};
use rapportino_core::contacts::{self, Contact, ContactInput};
use rapportino_core::ids::{ClientId, ContactId, SiteId};
use rapportino_core::sites::{self, Site, SiteInput};
use rapportino_core::views::{self, ClientOverview};
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
    state.with(|s| views::client_overview(s, id))
}

/// Checks one client field as it is typed (P.IVA, codice fiscale, postcode…) with core's rule.
#[tauri::command(async, rename_all = "snake_case")]
pub fn check_client_field(field: String, value: String) -> CmdResult<()> {
    Ok(clients::check_field(&field, &value)?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_site(
    state: State<'_, AppState>,
    client_id: String,
    input: SiteInput,
) -> CmdResult<Site> {
    let client: ClientId = client_id.parse()?;
    state.with(|s| sites::create(s, client, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_site(state: State<'_, AppState>, id: String, input: SiteInput) -> CmdResult<Site> {
    let id: SiteId = id.parse()?;
    state.with(|s| sites::update(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn archive_site(state: State<'_, AppState>, id: String, archived: bool) -> CmdResult<Site> {
    let id: SiteId = id.parse()?;
    state.with(|s| sites::set_archived(s, id, archived))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_contact(
    state: State<'_, AppState>,
    client_id: String,
    input: ContactInput,
) -> CmdResult<Contact> {
    let client: ClientId = client_id.parse()?;
    state.with(|s| contacts::create(s, client, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_contact(
    state: State<'_, AppState>,
    id: String,
    input: ContactInput,
) -> CmdResult<Contact> {
    let id: ContactId = id.parse()?;
    state.with(|s| contacts::update(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn archive_contact(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> CmdResult<Contact> {
    let id: ContactId = id.parse()?;
    state.with(|s| contacts::set_archived(s, id, archived))
}

//! Contracts of a client: list, create, edit (client and kind are fixed), archive.

use rapportino_core::contracts::{self, Contract, ContractInput};
use rapportino_core::ids::{ClientId, ContractId};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Every contract of a client, archived included, newest first.
#[tauri::command(async, rename_all = "snake_case")]
pub fn client_contracts(state: State<'_, AppState>, client_id: String) -> CmdResult<Vec<Contract>> {
    let id: ClientId = client_id.parse()?;
    state.with(|s| contracts::for_client(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn get_contract(state: State<'_, AppState>, id: String) -> CmdResult<Contract> {
    let id: ContractId = id.parse()?;
    state.with(|s| contracts::get(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_contract(state: State<'_, AppState>, input: ContractInput) -> CmdResult<Contract> {
    state.with(|s| contracts::create(s, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_contract(
    state: State<'_, AppState>,
    id: String,
    input: ContractInput,
) -> CmdResult<Contract> {
    let id: ContractId = id.parse()?;
    state.with(|s| contracts::update(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn archive_contract(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> CmdResult<Contract> {
    let id: ContractId = id.parse()?;
    state.with(|s| contracts::set_archived(s, id, archived))
}

//! Contract templates: list, create, edit, archive (the rules are the contracts', in core).

use rapportino_core::contracts::templates::{self, ContractTemplate, ContractTemplateInput};
use rapportino_core::ids::ContractTemplateId;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Templates by name; archived ones only when `include_archived`.
#[tauri::command(async, rename_all = "snake_case")]
pub fn list_contract_templates(
    state: State<'_, AppState>,
    include_archived: bool,
) -> CmdResult<Vec<ContractTemplate>> {
    state.with(|s| templates::list(s, include_archived))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_contract_template(
    state: State<'_, AppState>,
    input: ContractTemplateInput,
) -> CmdResult<ContractTemplate> {
    state.with(|s| templates::create(s, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_contract_template(
    state: State<'_, AppState>,
    id: String,
    input: ContractTemplateInput,
) -> CmdResult<ContractTemplate> {
    let id: ContractTemplateId = id.parse()?;
    state.with(|s| templates::update(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn archive_contract_template(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> CmdResult<ContractTemplate> {
    let id: ContractTemplateId = id.parse()?;
    state.with(|s| templates::set_archived(s, id, archived))
}

/// The end date (`YYYY-MM-DD`) of a contract of `duration_months` months from a template,
/// starting on `starts_on`: what "Da modello" puts in the contract form.
#[tauri::command(async, rename_all = "snake_case")]
pub fn contract_template_end(starts_on: String, duration_months: i64) -> CmdResult<String> {
    Ok(templates::end_date(&starts_on, duration_months)?)
}

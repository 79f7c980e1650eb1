//! Customer classes (settings): the channel × service matrix, free hours, the preset classes.

use rapportino_core::classes::{self, CustomerClass, CustomerClassInput};
use rapportino_core::ids::CustomerClassId;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_customer_classes(state: State<'_, AppState>) -> CmdResult<Vec<CustomerClass>> {
    state.with(|s| classes::list(s))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_customer_class(
    state: State<'_, AppState>,
    input: CustomerClassInput,
) -> CmdResult<CustomerClass> {
    state.with(|s| classes::create(s, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_customer_class(
    state: State<'_, AppState>,
    id: String,
    input: CustomerClassInput,
) -> CmdResult<CustomerClass> {
    let id: CustomerClassId = id.parse()?;
    state.with(|s| classes::update(s, id, &input))
}

/// Creates the preset classes that are missing; returns every class.
#[tauri::command(async, rename_all = "snake_case")]
pub fn install_class_presets(state: State<'_, AppState>) -> CmdResult<Vec<CustomerClass>> {
    state.with(classes::install_presets)
}

/// Archived classes stay on their clients but leave the pickers.
#[tauri::command(async, rename_all = "snake_case")]
pub fn archive_customer_class(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> CmdResult<CustomerClass> {
    let id: CustomerClassId = id.parse()?;
    state.with(|s| classes::set_archived(s, id, archived))
}

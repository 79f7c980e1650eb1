//! First start: setup status, onboarding (or the technician of a device that joined from the
//! hub), demo data; the shop's data and its technicians.

use rapportino_core::ids::TechnicianId;
use rapportino_core::setup::{self, OnboardingInput, SetupStatus, SeverityLabels, ShopProfile};
use rapportino_core::technicians::{self, Technician, TechnicianInput};
use rapportino_demo::{DemoOptions, DemoReport};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Whether this device is set up. Fails with the open error (e.g. `DATABASE_TOO_NEW`) when the
/// database could not be opened: the UI's first call, so the UI learns it at once.
#[tauri::command(async, rename_all = "snake_case")]
pub fn setup_status(state: State<'_, AppState>) -> CmdResult<SetupStatus> {
    state.with(|s| setup::status(s))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn onboard(state: State<'_, AppState>, input: OnboardingInput) -> CmdResult<SetupStatus> {
    state.with(|s| setup::onboard(s, &input))
}

/// The last step of joining a shop from its hub: this device works as technician `id` (one of
/// the shop's active technicians, from the snapshot).
#[tauri::command(async, rename_all = "snake_case")]
pub fn choose_technician(state: State<'_, AppState>, id: String) -> CmdResult<SetupStatus> {
    let id: TechnicianId = id.parse()?;
    state.with(|s| setup::choose_technician(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn load_demo_data(state: State<'_, AppState>) -> CmdResult<DemoReport> {
    state.with(|s| rapportino_demo::generate(s, &DemoOptions::default()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_technicians(state: State<'_, AppState>) -> CmdResult<Vec<Technician>> {
    state.with(|s| technicians::list(s))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_shop(state: State<'_, AppState>, profile: ShopProfile) -> CmdResult<ShopProfile> {
    state.with(|s| setup::update_shop(s, &profile))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn set_severity_labels(
    state: State<'_, AppState>,
    labels: SeverityLabels,
) -> CmdResult<SeverityLabels> {
    state.with(|s| setup::set_severity_labels(s, &labels))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_technician(
    state: State<'_, AppState>,
    input: TechnicianInput,
) -> CmdResult<Technician> {
    state.with(|s| technicians::create(s, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_technician(
    state: State<'_, AppState>,
    id: String,
    input: TechnicianInput,
) -> CmdResult<Technician> {
    let id: TechnicianId = id.parse()?;
    state.with(|s| technicians::update(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn set_technician_active(
    state: State<'_, AppState>,
    id: String,
    active: bool,
) -> CmdResult<Technician> {
    let id: TechnicianId = id.parse()?;
    state.with(|s| technicians::set_active(s, id, active))
}

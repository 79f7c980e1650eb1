//! First start: setup status, onboarding, demo data; the shop's technicians.

use rapportino_core::demo::{self, DemoOptions, DemoReport};
use rapportino_core::setup::{self, OnboardingInput, SetupStatus};
use rapportino_core::technicians::{self, Technician};
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

#[tauri::command(async, rename_all = "snake_case")]
pub fn load_demo_data(state: State<'_, AppState>) -> CmdResult<DemoReport> {
    state.with(|s| demo::generate(s, &DemoOptions::default()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_technicians(state: State<'_, AppState>) -> CmdResult<Vec<Technician>> {
    state.with(|s| technicians::list(s))
}

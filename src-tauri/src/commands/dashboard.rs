//! The home screen.

use rapportino_core::views::dashboard::{self, BalanceAlert, Dashboard};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// This device's technician's dashboard (`NOT_ONBOARDED` before onboarding).
#[tauri::command(async, rename_all = "snake_case")]
pub fn dashboard(state: State<'_, AppState>) -> CmdResult<Dashboard> {
    state.with(|s| dashboard::overview(s, None))
}

/// The balances to watch (a second call: the ledger replay is the slow part of the dashboard).
#[tauri::command(async, rename_all = "snake_case")]
pub fn dashboard_balances(state: State<'_, AppState>) -> CmdResult<Vec<BalanceAlert>> {
    state.with(|s| dashboard::balance_alerts(s, None))
}

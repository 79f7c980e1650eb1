//! The hour ledger: a client's balances, who paid for an intervention, the monthly statement, the
//! shop's billing defaults.

use rapportino_core::ids::{ClientId, ContractId, InterventionId};
use rapportino_core::ledger::{
    self, BillingDefaults, ClientBalances, ClientHours, InterventionAllocation,
};
use rapportino_core::views::statements::{self, StatementData};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// A client's balances today.
#[tauri::command(async, rename_all = "snake_case")]
pub fn client_balances(state: State<'_, AppState>, client_id: String) -> CmdResult<ClientBalances> {
    let id: ClientId = client_id.parse()?;
    state.with(|s| ledger::client_balances(s, id, None))
}

/// A client's hours per contract for the last twelve months (the client page's chart).
#[tauri::command(async, rename_all = "snake_case")]
pub fn client_monthly_hours(
    state: State<'_, AppState>,
    client_id: String,
) -> CmdResult<ClientHours> {
    let id: ClientId = client_id.parse()?;
    state.with(|s| ledger::client_monthly_hours(s, id, None))
}

/// Which contract or package paid for an intervention's minutes, and why (a preview while the
/// intervention is not finished).
#[tauri::command(async, rename_all = "snake_case")]
pub fn intervention_allocation(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<InterventionAllocation> {
    let id: InterventionId = id.parse()?;
    state.with(|s| ledger::intervention_allocation(s, id))
}

/// Makes a contract or package pay first for an intervention (`contract_id` null: the automatic
/// order again); returns the new allocation.
#[tauri::command(async, rename_all = "snake_case")]
pub fn pay_intervention_from(
    state: State<'_, AppState>,
    id: String,
    contract_id: Option<String>,
) -> CmdResult<InterventionAllocation> {
    let id: InterventionId = id.parse()?;
    let contract: Option<ContractId> = contract_id.as_deref().map(str::parse).transpose()?;
    state.with(|s| ledger::pay_from(s, id, contract))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn billing_defaults(state: State<'_, AppState>) -> CmdResult<BillingDefaults> {
    state.with(|s| ledger::defaults::get(s))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn set_billing_defaults(
    state: State<'_, AppState>,
    defaults: BillingDefaults,
) -> CmdResult<BillingDefaults> {
    state.with(|s| ledger::defaults::set(s, &defaults))
}

/// A client's monthly statement data (`month` 1–12).
#[tauri::command(async, rename_all = "snake_case")]
pub fn monthly_statement(
    state: State<'_, AppState>,
    client_id: String,
    year: i32,
    month: u32,
) -> CmdResult<StatementData> {
    let id: ClientId = client_id.parse()?;
    state.with(|s| statements::monthly(s, id, year, month))
}

//! Interventions and their timer. Timer commands return nothing: the UI reloads the intervention
//! (and the running timer) after each, so what it shows is always what the database holds.

use rapportino_core::ids::{InterventionId, MaterialId, TimeEntryId};
use rapportino_core::interventions::{
    self, Intervention, InterventionDetail, InterventionFilter, InterventionPatch,
    InterventionSummary, ManualTimeInput, Material, MaterialInput, NewIntervention, RunningTimer,
};
use rapportino_core::{Page, PageRequest};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Interventions, newest first (a client's, a ticket's, a technician's), a page at a time.
#[tauri::command(async, rename_all = "snake_case")]
pub fn list_interventions(
    state: State<'_, AppState>,
    filter: InterventionFilter,
    page: PageRequest,
) -> CmdResult<Page<InterventionSummary>> {
    state.with(|s| interventions::list(s, &filter, &page))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_intervention(
    state: State<'_, AppState>,
    input: NewIntervention,
) -> CmdResult<Intervention> {
    state.with(|s| interventions::create(s, &input))
}

/// A new intervention with its timer already running ("Inizia intervento in sede").
#[tauri::command(async, rename_all = "snake_case")]
pub fn start_intervention(
    state: State<'_, AppState>,
    input: NewIntervention,
) -> CmdResult<Intervention> {
    state.with(|s| interventions::create_started(s, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn intervention_detail(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<InterventionDetail> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::detail(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_intervention(
    state: State<'_, AppState>,
    id: String,
    patch: InterventionPatch,
) -> CmdResult<Intervention> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::update(s, id, &patch))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn timer_start(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::start(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn timer_pause(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::pause(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn timer_resume(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::resume(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn timer_stop(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::stop(s, id))
}

/// This device's technician's running timer, if any (`null` before onboarding).
#[tauri::command(async, rename_all = "snake_case")]
pub fn running_timer(state: State<'_, AppState>) -> CmdResult<Option<RunningTimer>> {
    state.with(|s| interventions::running_timer(s, None))
}

/// Escalates a remote intervention to on-site in one action; returns the new on-site one.
#[tauri::command(async, rename_all = "snake_case")]
pub fn escalate_intervention(state: State<'_, AppState>, id: String) -> CmdResult<Intervention> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::escalate(s, id, None))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_material(
    state: State<'_, AppState>,
    id: String,
    input: MaterialInput,
) -> CmdResult<Material> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::add_material(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn remove_material(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let id: MaterialId = id.parse()?;
    state.with(|s| interventions::remove_material(s, id))
}

/// Logs work done without the timer.
#[tauri::command(async, rename_all = "snake_case")]
pub fn add_manual_time(
    state: State<'_, AppState>,
    id: String,
    input: ManualTimeInput,
) -> CmdResult<()> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::add_manual(s, id, &input))
}

/// Adds (negative: removes) minutes with a reason.
#[tauri::command(async, rename_all = "snake_case")]
pub fn adjust_time(
    state: State<'_, AppState>,
    id: String,
    minutes: i64,
    note: String,
) -> CmdResult<()> {
    let id: InterventionId = id.parse()?;
    state.with(|s| interventions::adjust(s, id, minutes, &note))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn void_time_entry(
    state: State<'_, AppState>,
    entry_id: String,
    note: String,
) -> CmdResult<()> {
    let entry_id: TimeEntryId = entry_id.parse()?;
    state.with(|s| interventions::void_entry(s, entry_id, &note))
}

/// Accepts a segment over 12 hours that is waiting for review.
#[tauri::command(async, rename_all = "snake_case")]
pub fn approve_time_entry(state: State<'_, AppState>, entry_id: String) -> CmdResult<()> {
    let entry_id: TimeEntryId = entry_id.parse()?;
    state.with(|s| interventions::approve(s, entry_id))
}

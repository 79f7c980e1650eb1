//! Coverage calendars (settings): list, presets, create, edit, archive; Italian holidays.

use rapportino_core::calendars::holidays::{self, Holiday};
use rapportino_core::calendars::{self, Calendar, CalendarInput, CalendarPreset};
use rapportino_core::ids::CalendarId;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// A preset by its name (`5x8`, `7x8`, `24x7`, `desk`); anything else is `INVALID_FORMAT` on the
/// field `preset` (a string argument, so a bad value is core's error, not a serde message).
fn parse_preset(preset: &str) -> CmdResult<CalendarPreset> {
    Ok(preset.parse::<CalendarPreset>()?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_calendars(state: State<'_, AppState>) -> CmdResult<Vec<Calendar>> {
    state.with(|s| calendars::list(s))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn get_calendar(state: State<'_, AppState>, id: String) -> CmdResult<Calendar> {
    let id: CalendarId = id.parse()?;
    state.with(|s| calendars::get(s, id))
}

/// The input a preset stands for, to start a new calendar's form from (nothing is written).
#[tauri::command(async, rename_all = "snake_case")]
pub fn calendar_preset_input(preset: String) -> CmdResult<CalendarInput> {
    Ok(calendars::preset_input(parse_preset(&preset)?))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_calendar(state: State<'_, AppState>, input: CalendarInput) -> CmdResult<Calendar> {
    state.with(|s| calendars::create(s, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_calendar_from_preset(
    state: State<'_, AppState>,
    preset: String,
) -> CmdResult<Calendar> {
    let preset = parse_preset(&preset)?;
    state.with(|s| calendars::create_from_preset(s, preset))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_calendar(
    state: State<'_, AppState>,
    id: String,
    input: CalendarInput,
) -> CmdResult<Calendar> {
    let id: CalendarId = id.parse()?;
    state.with(|s| calendars::update(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn archive_calendar(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> CmdResult<Calendar> {
    let id: CalendarId = id.parse()?;
    state.with(|s| calendars::set_archived(s, id, archived))
}

/// The Italian national holidays of a year, in date order (shown beside the calendar editor).
#[tauri::command(async, rename_all = "snake_case")]
pub fn italian_holidays(year: i32) -> CmdResult<Vec<Holiday>> {
    Ok(holidays::holidays_of(year))
}

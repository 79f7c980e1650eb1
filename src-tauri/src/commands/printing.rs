//! Printing from the app: the printers CUPS lists on this computer, this device's choice of
//! printer and copies (remembered, never synced), and one client's monthly statement printed from
//! the client page. The report's own print is `print_report` (reports.rs); both print with the
//! remembered choice through `rapportino_pdf::print` (a program and its arguments, never a shell).

use std::path::Path;

use rapportino_core::documents::{ExportedFile, PrinterList};
use rapportino_core::ids::ClientId;
use rapportino_core::store::settings::{self, PrintPreferences};
use rapportino_pdf::{export, print, printers, Renderer};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// One client's statement for a month, rendered into the month's statements folder and printed
/// on this device's chosen printer and copies.
#[tauri::command(async, rename_all = "snake_case")]
pub fn print_statement(
    state: State<'_, AppState>,
    client_id: String,
    year: i32,
    month: u32,
) -> CmdResult<ExportedFile> {
    let client: ClientId = client_id.parse()?;
    let (file, prefs) = state.with(|s| {
        Ok((
            export::statement_to_library(s, &Renderer::new()?, client, year, month)?,
            settings::print_preferences(s)?,
        ))
    })?;
    print::print_file_with(Path::new(&file.path), &prefs)?;
    Ok(file)
}

/// The printers CUPS lists on this computer (none, said so, without CUPS) and this device's
/// printing choice.
#[tauri::command(async, rename_all = "snake_case")]
pub fn list_printers(state: State<'_, AppState>) -> CmdResult<PrinterList> {
    let prefs = state.with(|s| settings::print_preferences(s))?;
    Ok(printers::list(prefs))
}

/// Remembers this device's printing choice (printer, copies 1–99) for the next print.
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_print_preferences(
    state: State<'_, AppState>,
    preferences: PrintPreferences,
) -> CmdResult<PrintPreferences> {
    state.with(|s| settings::set_print_preferences(s, &preferences))
}

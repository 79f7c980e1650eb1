//! Rapporti d'intervento and statements in the app: create, preview (the HTML page the PDF engine's
//! twin renders), sign, verify, amend, list; and the PDF's way out — print (CUPS `lp`), save as
//! (native dialog), open in the system viewer — plus the monthly batch with progress events.
//!
//! Rendered files live in the `rapporti/` and `rendiconti/` folders beside the database (core's
//! `documents`), so opening or printing a report again needs no dialog and tests never touch a
//! real user's folders. A path the web view sends must have been picked in a dialog or lie in
//! those folders ([`crate::paths`]); printing runs a program with an argument list, never a shell
//! (`rapportino_pdf::print`).

use std::path::Path;

use rapportino_core::documents::{self, ReportPreview};
use rapportino_core::ids::{ClientId, InterventionId, ReportId, TechnicianId};
use rapportino_core::interventions::InterventionPatch;
use rapportino_core::reports::own_signature::{self, OwnSignature};
use rapportino_core::reports::{
    self, logo, Report, ReportFilter, ReportSummary, SignInput, Signature, Verification,
};
use rapportino_core::store::settings;
use rapportino_core::{Code, Error, Page, PageRequest};
use rapportino_pdf::export::{self, BatchOptions, BatchSummary, ExportedFile};
use rapportino_pdf::{html, print, Renderer};
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::error::{CmdResult, CommandError};
use crate::paths;
use crate::state::AppState;

/// The event the statement batch emits after each client.
pub const BATCH_PROGRESS_EVENT: &str = "statements-progress";

fn parse<T: std::str::FromStr<Err = Error>>(s: &str) -> CmdResult<T> {
    s.parse::<T>().map_err(CommandError::from)
}

/// The report of an intervention: its open draft or a new numbered one.
#[tauri::command(async, rename_all = "snake_case")]
pub fn create_report(state: State<'_, AppState>, intervention_id: String) -> CmdResult<Report> {
    let id: InterventionId = parse(&intervention_id)?;
    state.with(|s| reports::create(s, id))
}

/// "Termina e firma": saves what was typed and not saved, stops the timer, opens the report.
#[tauri::command(async, rename_all = "snake_case")]
pub fn finish_and_open_report(
    state: State<'_, AppState>,
    intervention_id: String,
    pending: InterventionPatch,
) -> CmdResult<Report> {
    let id: InterventionId = parse(&intervention_id)?;
    state.with(|s| reports::finish_and_open(s, id, &pending))
}

/// The technician's own signature kept on this device, if any.
#[tauri::command(async, rename_all = "snake_case")]
pub fn own_signature(
    state: State<'_, AppState>,
    technician_id: String,
) -> CmdResult<Option<OwnSignature>> {
    let id: TechnicianId = parse(&technician_id)?;
    state.with(|s| own_signature::get(s, id))
}

/// Keeps the technician's signature on this device (only with `consent`).
#[tauri::command(async, rename_all = "snake_case")]
pub fn save_own_signature(
    state: State<'_, AppState>,
    technician_id: String,
    signature: Signature,
    consent: bool,
) -> CmdResult<OwnSignature> {
    let id: TechnicianId = parse(&technician_id)?;
    state.with(|s| own_signature::save(s, id, &signature, consent))
}

/// Deletes the technician's stored signature from this device.
#[tauri::command(async, rename_all = "snake_case")]
pub fn forget_own_signature(state: State<'_, AppState>, technician_id: String) -> CmdResult<()> {
    let id: TechnicianId = parse(&technician_id)?;
    state.with(|s| own_signature::forget(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn report_preview(state: State<'_, AppState>, id: String) -> CmdResult<ReportPreview> {
    let id: ReportId = parse(&id)?;
    state.with(|s| html::report_preview(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn sign_report(state: State<'_, AppState>, id: String, input: SignInput) -> CmdResult<Report> {
    let id: ReportId = parse(&id)?;
    state.with(|s| reports::sign(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn verify_report(state: State<'_, AppState>, id: String) -> CmdResult<Verification> {
    let id: ReportId = parse(&id)?;
    state.with(|s| reports::verify(s, id))
}

/// A new draft superseding a signed report.
#[tauri::command(async, rename_all = "snake_case")]
pub fn amend_report(state: State<'_, AppState>, id: String) -> CmdResult<Report> {
    let id: ReportId = parse(&id)?;
    state.with(|s| {
        let number = reports::get(s, id)?.number;
        reports::amend(s, &number)
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_reports(
    state: State<'_, AppState>,
    filter: ReportFilter,
    page: PageRequest,
) -> CmdResult<Page<ReportSummary>> {
    state.with(|s| reports::list(s, &filter, &page))
}

/// Writes the report's PDF to the file chosen in the native Save dialog, or to `path` when it
/// was picked in a dialog before or is in the app's folders (`PATH_NOT_ALLOWED` otherwise).
/// Returns null when the user cancels.
#[tauri::command(async, rename_all = "snake_case")]
pub fn save_report_as<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    path: Option<String>,
) -> CmdResult<Option<ExportedFile>> {
    let id: ReportId = parse(&id)?;
    let number = state.with(|s| Ok(reports::get(s, id)?.number))?;
    let file_name = reports::pdf_file_name(&number)?;
    let target = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_title(format!("Salva il rapporto {number}"))
            .set_file_name(file_name)
            .add_filter("PDF", &["pdf"])
            .blocking_save_file()
    })?;
    let Some(target) = target else {
        return Ok(None);
    };
    state.with(|s| export::report_to_file(s, &Renderer::new()?, id, &target).map(Some))
}

/// Renders the report and opens it in the system's PDF viewer.
#[tauri::command(async, rename_all = "snake_case")]
pub fn open_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<ExportedFile> {
    let id: ReportId = parse(&id)?;
    let file = state.with(|s| export::report_to_library(s, &Renderer::new()?, id))?;
    open_with_system(&app, &file.path)?;
    Ok(file)
}

/// Opens a file (in the system's PDF viewer) or a folder (in the file manager); `IO` when the
/// system cannot.
pub(crate) fn open_with_system<R: Runtime>(app: &AppHandle<R>, path: &str) -> CmdResult<()> {
    app.opener().open_path(path, None::<&str>).map_err(|e| {
        CommandError::from(Error::invalid(
            Code::Io,
            "path",
            format!("cannot open {path}: {e}"),
        ))
    })
}

/// Renders the report and prints it on this device's chosen printer and copies (`lp`, or
/// `RAPPORTINO_PRINT_COMMAND`; see `rapportino_pdf::print`).
#[tauri::command(async, rename_all = "snake_case")]
pub fn print_report(state: State<'_, AppState>, id: String) -> CmdResult<ExportedFile> {
    let id: ReportId = parse(&id)?;
    let (file, prefs) = state.with(|s| {
        Ok((
            export::report_to_library(s, &Renderer::new()?, id)?,
            settings::print_preferences(s)?,
        ))
    })?;
    print::print_file_with(Path::new(&file.path), &prefs)?;
    Ok(file)
}

/// One client's statement as PDF, saved where the user chooses (or to `path`: picked before in
/// a dialog or in the app's folders).
#[tauri::command(async, rename_all = "snake_case")]
pub fn save_statement_as<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    client_id: String,
    year: i32,
    month: u32,
    path: Option<String>,
) -> CmdResult<Option<ExportedFile>> {
    let client: ClientId = parse(&client_id)?;
    let name = match path {
        Some(_) => String::new(),
        None => state.with(|s| Ok(rapportino_core::clients::get(s, client)?.name))?,
    };
    let target = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_file_name(export::file_name(
                "Rendiconto",
                &format!("{year}-{month:02}"),
                &name,
                "pdf",
            ))
            .add_filter("PDF", &["pdf"])
            .blocking_save_file()
    })?;
    let Some(target) = target else {
        return Ok(None);
    };
    state.with(|s| {
        export::statement_to_file(s, &Renderer::new()?, client, year, month, &target).map(Some)
    })
}

/// Every client's statement for a month into `dir` (default: `rendiconti/YYYY-MM` beside the
/// database; a given `dir` must be in the app's folders or picked in a dialog), emitting
/// [`BATCH_PROGRESS_EVENT`] with a [`BatchProgress`] after each client.
#[tauri::command(async, rename_all = "snake_case")]
pub fn statements_batch<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    year: i32,
    month: u32,
    dir: Option<String>,
) -> CmdResult<BatchSummary> {
    let dir = match dir {
        Some(d) => Some(state.allowed_paths().check(&d, "dir")?),
        None => None,
    };
    state.with(|s| {
        // The month is checked first, before any folder is made.
        let dir = dir.unwrap_or_else(|| documents::statements_folder(s, year, month));
        export::statements_batch(s, year, month, &dir, &BatchOptions::default(), |p| {
            let _ = app.emit(BATCH_PROGRESS_EVENT, p.clone());
        })
    })
}

/// Opens a folder (the batch's output) in the file manager: one of the app's folders or a path
/// picked in a dialog (`PATH_NOT_ALLOWED` otherwise).
#[tauri::command(async, rename_all = "snake_case")]
pub fn open_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
) -> CmdResult<()> {
    let folder = state.allowed_paths().check(&path, "path")?;
    if !folder.is_dir() {
        return Err(CommandError::from(Error::invalid(
            Code::Io,
            "path",
            format!("{} is not a folder", folder.display()),
        )));
    }
    open_with_system(&app, &folder.to_string_lossy())
}

/// Sets the shop logo from the file chosen in the native Open dialog, or from `path` (picked
/// before or in the app's folders); null when cancelled. Returns the stored size.
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_shop_logo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
) -> CmdResult<Option<(u32, u32)>> {
    let path = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .add_filter("Immagini", &["png", "jpg", "jpeg"])
            .blocking_pick_file()
    })?;
    let Some(path) = path else {
        return Ok(None);
    };
    let bytes = logo::read_file(&path)?;
    state.with(|s| logo::set(s, &bytes).map(|l| Some((l.width, l.height))))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn clear_shop_logo(state: State<'_, AppState>) -> CmdResult<()> {
    state.with(logo::clear)
}

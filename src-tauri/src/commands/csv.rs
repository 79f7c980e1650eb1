//! CSV import and export in the app (issue 20, items 1–2): the import wizard's steps and the
//! export buttons. Thin adapters over core's `import`, `export` and `csvfile`; a file picked in a
//! native dialog is remembered as allowed (`paths`), so the wizard's later steps name it again.

use rapportino_core::csvfile;
use rapportino_core::export::{self, ExportKindInfo, ExportOptions, SavedExport};
use rapportino_core::import::{
    self, FileInfo, ImportEntity, ImportKind, ImportOptions, ImportReport,
};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::CmdResult;
use crate::paths;
use crate::state::AppState;

/// What the wizard can import: each entity with its fields and presets.
#[tauri::command(async, rename_all = "snake_case")]
pub fn import_catalogue() -> CmdResult<Vec<ImportKind>> {
    Ok(import::catalogue())
}

/// The CSV file chosen in the Open dialog (remembered as picked); null when cancelled.
#[tauri::command(async, rename_all = "snake_case")]
pub fn pick_import_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<Option<String>> {
    let chosen = app
        .dialog()
        .file()
        .set_title("Scegli il file CSV da importare")
        .add_filter("CSV", &["csv", "txt"])
        .blocking_pick_file();
    Ok(paths::picked(state.allowed_paths(), chosen).map(|p| p.display().to_string()))
}

/// The file at `path` (picked in a dialog, or in the app's folders): its header, first rows and
/// the mapping proposed for `entity`.
#[tauri::command(async, rename_all = "snake_case")]
pub fn inspect_import(
    state: State<'_, AppState>,
    path: String,
    entity: ImportEntity,
    separator: Option<String>,
) -> CmdResult<FileInfo> {
    let path = state.allowed_paths().check(&path, "path")?;
    let bytes = csvfile::read_file(&path)?;
    state.with(|s| import::inspect(s, &bytes, entity, separator.as_deref()))
}

/// Imports the file at `path` as `options` say: a dry run writes nothing; a real run writes
/// every row or, when a row is refused, none.
#[tauri::command(async, rename_all = "snake_case")]
pub fn run_import(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
) -> CmdResult<ImportReport> {
    let path = state.allowed_paths().check(&path, "path")?;
    let bytes = csvfile::read_file(&path)?;
    state.with(|s| import::run(s, &bytes, &options))
}

/// The exports the app offers.
#[tauri::command(async, rename_all = "snake_case")]
pub fn export_kinds() -> CmdResult<Vec<ExportKindInfo>> {
    Ok(export::kinds())
}

/// Writes the export `options` asks for to the file chosen in the Save dialog (or to `path`,
/// picked before or in the app's folders). Null when the dialog was cancelled.
#[tauri::command(async, rename_all = "snake_case")]
pub fn save_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    options: ExportOptions,
    path: Option<String>,
) -> CmdResult<Option<SavedExport>> {
    let name = match &options.month {
        Some(m) => format!("rapportino-{}-{}.csv", options.kind, m.replace('/', "-")),
        None => format!("rapportino-{}.csv", options.kind),
    };
    let target = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_title("Salva l'esportazione CSV")
            .set_file_name(&name)
            .add_filter("CSV", &["csv"])
            .blocking_save_file()
    })?;
    let Some(target) = target else {
        return Ok(None);
    };
    let done = state.with(|s| export::export(s, &options))?;
    rapportino_pdf::write_atomic(&target, &done.bytes)?;
    Ok(Some(SavedExport {
        kind: done.kind,
        rows: done.rows,
        path: target.display().to_string(),
    }))
}

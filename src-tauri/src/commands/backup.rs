//! Backups: now (native Save dialog), restore (native Open dialog), the automatic daily ones.
//! Copies read the database file through a connection of their own, so the app stays usable while
//! a large database is copied; restoring holds the store's lock (it rewrites the open database).

use std::path::{Path, PathBuf};

use rapportino_core::backup::{self, BackupFile, Restored};
use rapportino_core::time::local_date;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::CmdResult;
use crate::paths;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct Backups {
    pub folder: String,
    pub keep_days: i64,
    pub files: Vec<BackupFile>,
}

fn database_path(state: &AppState) -> CmdResult<PathBuf> {
    state.with(|s| {
        s.path()
            .map(Path::to_path_buf)
            .ok_or_else(|| rapportino_core::Error::NotOnboarded)
    })
}

/// The backups folder and what it holds, newest first.
#[tauri::command(async, rename_all = "snake_case")]
pub fn list_backups(state: State<'_, AppState>) -> CmdResult<Backups> {
    let folder = backup::folder_for(&database_path(&state)?);
    Ok(Backups {
        files: backup::list(&folder)?,
        folder: folder.display().to_string(),
        keep_days: backup::KEEP_DAYS,
    })
}

/// Copies the database to the file chosen in the Save dialog, or to `path` (picked in a dialog
/// before, or in the backups folder: `PATH_NOT_ALLOWED` otherwise); null when the user cancels.
#[tauri::command(async, rename_all = "snake_case")]
pub fn backup_now<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
) -> CmdResult<Option<BackupFile>> {
    let database = database_path(&state)?;
    let today = state.with(|s| Ok(local_date(s.now(), s.tz())))?;
    let target = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_title("Salva un backup di Rapportino")
            .set_file_name(format!("rapportino-backup-{today}.db"))
            .add_filter("Database Rapportino", &["db"])
            .blocking_save_file()
    })?;
    match target {
        Some(target) => Ok(Some(backup::backup_file(&database, &target)?)),
        None => Ok(None),
    }
}

/// Replaces the data with the backup chosen in the Open dialog, or at `path` (a listed backup
/// in the backups folder, or a file picked in a dialog before); null when cancelled. Keeps a
/// safety copy of the current data in the backups folder.
#[tauri::command(async, rename_all = "snake_case")]
pub fn restore_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
) -> CmdResult<Option<Restored>> {
    let source = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_title("Ripristina un backup di Rapportino")
            .add_filter("Database Rapportino", &["db"])
            .blocking_pick_file()
    })?;
    let Some(source) = source else {
        return Ok(None);
    };
    state
        .with(|s| {
            let folder = backup::folder_of(s)?;
            backup::restore_from(s, &source, &folder)
        })
        .map(Some)
}

/// Today's automatic backup (if missing) and the 14-day retention; run at start and every hour.
pub fn run_daily(state: &AppState) -> CmdResult<backup::AutoBackup> {
    let database = database_path(state)?;
    let today = state.with(|s| Ok(local_date(s.now(), s.tz())))?;
    Ok(backup::auto_backup(
        &database,
        &backup::folder_for(&database),
        today,
        backup::KEEP_DAYS,
    )?)
}

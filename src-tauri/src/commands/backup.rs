//! Backups: now (native Save dialog), restore (native Open dialog; another device's backup as a
//! new device after asking), the automatic daily ones.
//! Copies read the database file through a connection of their own, so the app stays usable while
//! a large database is copied; restoring holds the store's lock (it rewrites the open database).

use std::path::{Path, PathBuf};

use rapportino_core::backup::{self, BackupFile, Backups, RestoreOptions, Restored};
use rapportino_core::time::local_date;
use rapportino_core::Code;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::CmdResult;
use crate::paths;
use crate::state::AppState;

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
    Ok(backup::overview(&database_path(&state)?)?)
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
///
/// Another device's backup on a device linked to a hub is refused (`FOREIGN_BACKUP`); with
/// `as_new_device` it is restored and this computer becomes a new device (set it up and link it
/// to the hub again). `as_new_device` with a null `path` takes the file just refused, when there
/// is one, rather than the dialog.
#[tauri::command(async, rename_all = "snake_case")]
pub fn restore_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
    as_new_device: Option<bool>,
) -> CmdResult<Option<Restored>> {
    let as_new_device = as_new_device.unwrap_or(false);
    let refused = if as_new_device && path.is_none() {
        state.refused_foreign().take()
    } else {
        None
    };
    let source = match refused {
        Some(p) => Some(p),
        None => paths::resolve(state.allowed_paths(), path, "path", || {
            app.dialog()
                .file()
                .set_title("Ripristina un backup di Rapportino")
                .add_filter("Database Rapportino", &["db"])
                .blocking_pick_file()
        })?,
    };
    let Some(source) = source else {
        return Ok(None);
    };
    let options = RestoreOptions {
        as_new_device,
        ..RestoreOptions::default()
    };
    let result = state.with(|s| {
        let folder = backup::folder_of(s)?;
        backup::restore_with(s, &source, &folder, &options)
    });
    *state.refused_foreign() = match &result {
        Err(e) if e.0.code == Code::ForeignBackup => Some(source),
        _ => None,
    };
    result.map(Some)
}

/// Today's automatic backup (if missing) and the 14-day retention; run at start and every hour.
/// The outcome is noted for the notifications and cleared by the next backup that works.
pub fn run_daily(state: &AppState) -> CmdResult<backup::AutoBackup> {
    let database = database_path(state)?;
    let today = state.with(|s| Ok(local_date(s.now(), s.tz())))?;
    let outcome = backup::auto_backup(
        &database,
        &backup::folder_for(&database),
        today,
        backup::KEEP_DAYS,
    );
    let failure = outcome.as_ref().err().map(|e| backup::AutoBackupFailure {
        day: today.to_string(),
        message: e.to_string(),
    });
    state.with(|s| backup::record_auto_outcome(s, failure.as_ref()))?;
    Ok(outcome?)
}

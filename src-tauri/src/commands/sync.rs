//! Sync with the office hub: the state, enrolment (or joining the shop from the hub at first
//! start), sync now, forget the hub, the conflicts, the rows this device could not store
//! (quarantine).
//!
//! Anything that talks to the hub (enrol, join, sync now) runs on a blocking thread with a store of its
//! own and the process-wide sync guard (see [`crate::sync_worker`]), so the window never waits for
//! the network; the rest is one core call on the app's store.

use rapportino_core::sync::certificate;
use rapportino_core::sync::conflicts::{self, Conflict, Resolution};
use rapportino_core::sync::join::{JoinHubInput, Joined};
use rapportino_core::sync::quarantine::{self, QuarantinedRow};
use rapportino_core::sync::schedule::SyncDone;
use rapportino_core::sync::{self, SyncStatus};
use rapportino_core::{Code, Error};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{CmdResult, CommandError};
use crate::paths;
use crate::state::AppState;
use crate::sync_worker;

/// Configured or not, the hub, the last sync, changes waiting, open conflicts.
#[tauri::command(async, rename_all = "snake_case")]
pub fn sync_status(state: State<'_, AppState>) -> CmdResult<SyncStatus> {
    state.with(|s| sync::status(s))
}

/// Enrols this device with the hub at `hub_url` using an enrolment code from the office;
/// `ca_pem` is the hub's own certificate when it is self-signed.
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_enrol<R: Runtime>(
    app: AppHandle<R>,
    hub_url: String,
    code: String,
    device_name: String,
    ca_pem: Option<String>,
) -> CmdResult<SyncStatus> {
    sync_worker::blocking(move || {
        sync_worker::with_guard(&app, |state| {
            let ca = ca_pem.as_deref().map(str::trim).filter(|p| !p.is_empty());
            sync_worker::with_own_store(state, |s| {
                rapportino_sync_http::enrol(s, hub_url.trim(), code.trim(), device_name.trim(), ca)
            })
        })
    })
    .await
}

/// Sets this computer up from the hub (first start, no shop setup): enrols it with a device code
/// derived from `input.technician_code`, takes the shop's data and binds it to that technician
/// when the shop has one; otherwise `Joined.technicians` lists whom to pick with
/// `choose_technician`. Called again on a device that joined but is not set up, it resumes.
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_join<R: Runtime>(app: AppHandle<R>, input: JoinHubInput) -> CmdResult<Joined> {
    sync_worker::blocking(move || {
        sync_worker::with_guard(&app, |state| {
            let input = JoinHubInput {
                ca_pem: input
                    .ca_pem
                    .as_deref()
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
                ..input
            };
            sync_worker::with_own_store(state, |s| rapportino_sync_http::join_hub(s, &input))
        })
    })
    .await
}

/// Pushes the changes waiting and pulls the hub's, now (waits for a sync already running).
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> CmdResult<SyncDone> {
    sync_worker::blocking(move || sync_worker::run_sync(&app)).await
}

/// Forgets the hub: this device stops syncing (its data stays).
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_forget<R: Runtime>(app: AppHandle<R>) -> CmdResult<SyncStatus> {
    sync_worker::blocking(move || {
        sync_worker::with_guard(&app, |state| {
            state.with(|s| {
                sync::forget_hub(s)?;
                sync::status(s)
            })
        })
    })
    .await
}

/// The conflicts, newest first: the open ones, or all with `include_resolved`.
#[tauri::command(async, rename_all = "snake_case")]
pub fn sync_conflicts(
    state: State<'_, AppState>,
    include_resolved: Option<bool>,
) -> CmdResult<Vec<Conflict>> {
    state.with(|s| conflicts::list(s, include_resolved.unwrap_or(false)))
}

/// The rows from the hub this device could not store, kept aside and tried again at every sync
/// (oldest first).
#[tauri::command(async, rename_all = "snake_case")]
pub fn sync_quarantine(state: State<'_, AppState>) -> CmdResult<Vec<QuarantinedRow>> {
    state.with(|s| quarantine::list(s))
}

/// Resolves one conflict: `keep_current` or `restore_lost` (the lost value becomes a new change).
#[tauri::command(async, rename_all = "snake_case")]
pub fn sync_resolve_conflict<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    resolution: String,
) -> CmdResult<Conflict> {
    let resolution = parse_resolution(&resolution)?;
    let resolved = state.with(|s| conflicts::resolve(s, &id, resolution))?;
    sync_worker::notify_status(&app);
    Ok(resolved)
}

fn parse_resolution(value: &str) -> CmdResult<Resolution> {
    match value {
        "keep_current" => Ok(Resolution::KeepCurrent),
        "restore_lost" => Ok(Resolution::RestoreLost),
        other => Err(CommandError::from(Error::invalid(
            Code::InvalidFormat,
            "resolution",
            format!("unknown resolution {other:?}: use keep_current or restore_lost"),
        ))),
    }
}

/// The text of the hub's certificate (PEM) from the file chosen in the Open dialog, or from
/// `path` (picked in a dialog before, or in the app's folders: `PATH_NOT_ALLOWED` otherwise);
/// null when the user cancels.
#[tauri::command(async, rename_all = "snake_case")]
pub fn sync_read_certificate<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
) -> CmdResult<Option<String>> {
    let path = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_title("Certificato dell’hub")
            .add_filter("Certificato PEM", &["pem", "crt", "cer"])
            .blocking_pick_file()
    })?;
    Ok(path.map(|p| certificate::read_pem_file(&p)).transpose()?)
}

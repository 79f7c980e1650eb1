//! Sync with the office hub off the UI's store: one sync at a time in the whole process, on a
//! connection of its own, and the background loop that syncs while the hub is reachable.
//!
//! Network sync can take seconds (or a timeout when the hub is away): it never holds the
//! [`AppState`] mutex. It opens its own `Store` on the same database file (SQLite's WAL lets the
//! window keep reading and writing meanwhile) and runs `sync::sync_now` there, on a blocking
//! thread. [`SYNC_GUARD`] makes a second request wait for the running one.
//!
//! Every attempt — from the button or from the loop — emits [`SYNC_CHANGED_EVENT`] twice: when it
//! starts (`running: true`) and when it ends (the new status, the report or the error).
//!
//! The rules — which errors mean "try again later", how long to wait — are core's
//! (`rapportino_core::sync::schedule`); this module only runs them on threads.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use rapportino_core::sync;
use rapportino_core::sync::schedule::{self, Attempt, Backoff, SyncDone, SyncEvent};
use rapportino_core::{Code, ErrorPayload, Store};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::{CmdResult, CommandError};
use crate::state::AppState;

/// The event after every sync attempt (and when one starts); payload [`SyncEvent`].
pub const SYNC_CHANGED_EVENT: &str = "sync-changed";

/// One sync at a time in the whole process (button, background loop, enrolment, forget).
static SYNC_GUARD: Mutex<()> = Mutex::new(());

fn guard() -> MutexGuard<'static, ()> {
    // A panic in a sync rolled its transaction back: the next one may run.
    SYNC_GUARD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn emit<R: Runtime>(app: &AppHandle<R>, event: SyncEvent) {
    let _ = app.emit(SYNC_CHANGED_EVENT, event);
}

/// The database file behind the app's store (`None` for an in-memory store: tests).
fn database_path(state: &AppState) -> CmdResult<Option<PathBuf>> {
    state.with(|s| Ok(s.path().map(std::path::Path::to_path_buf)))
}

/// Runs `f` on a store of its own over the app's database file, or on the app's store when it
/// has no file (an in-memory store in tests).
pub fn with_own_store<T>(
    state: &AppState,
    f: impl FnOnce(&mut Store) -> rapportino_core::Result<T>,
) -> CmdResult<T> {
    match database_path(state)? {
        Some(path) => {
            let mut store = Store::open(path)?;
            f(&mut store).map_err(CommandError::from)
        }
        None => state.with(f),
    }
}

/// One sync (waiting for a running one first), with its two events. Blocking: call it from a
/// blocking thread.
pub fn run_sync<R: Runtime>(app: &AppHandle<R>) -> CmdResult<SyncDone> {
    let _one = guard();
    let state = app.state::<AppState>();
    emit(app, SyncEvent::started());
    let result = with_own_store(&state, rapportino_sync_http::sync_and_status);
    let status_after = match &result {
        Ok(_) => None,
        Err(_) => state.with(|s| sync::status(s)).ok(),
    };
    emit(
        app,
        SyncEvent::finished(result.as_ref().map_err(|e| &e.0), status_after),
    );
    result
}

/// Runs `f` on the app's side with the sync guard held (enrol, forget: never in the middle of a
/// sync), then emits the new status. Blocking.
pub fn with_guard<R: Runtime, T>(
    app: &AppHandle<R>,
    f: impl FnOnce(&AppState) -> CmdResult<T>,
) -> CmdResult<T> {
    let _one = guard();
    let state = app.state::<AppState>();
    let result = f(&state);
    notify_status(app);
    result
}

/// Emits the current status (after a conflict was resolved, after enrolment).
pub fn notify_status<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    if let Ok(status) = state.with(|s| sync::status(s)) {
        emit(app, SyncEvent::status(status));
    }
}

/// Runs a blocking job on Tauri's blocking pool, mapping a panic to an error.
pub async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> CmdResult<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(job)
        .await
        .unwrap_or_else(|e| {
            Err(CommandError(ErrorPayload {
                code: Code::Io,
                message: format!("the sync task stopped unexpectedly: {e}"),
                field: None,
            }))
        })
}

/// Starts the background loop on a thread of its own (from the app's setup).
pub fn start<R: Runtime>(app: AppHandle<R>) {
    std::thread::spawn(move || background(&app));
}

fn background<R: Runtime>(app: &AppHandle<R>) {
    let mut backoff = Backoff::default();
    let mut next_at = Instant::now() + schedule::FIRST_DELAY;
    let mut pending_after_last = 0;
    let mut was_configured = false;
    std::thread::sleep(schedule::FIRST_DELAY);
    loop {
        let state = app.state::<AppState>();
        // Read through a connection of our own: the window's store stays free.
        match with_own_store(&state, |s| sync::status(s)) {
            Ok(status) if status.configured => {
                if !was_configured {
                    // Just enrolled (or the app just started): sync now.
                    next_at = Instant::now();
                    was_configured = true;
                }
                let now = Instant::now();
                if schedule::due(
                    now,
                    next_at,
                    status.pending_changes,
                    pending_after_last,
                    backoff.failing(),
                ) {
                    let result = run_sync(app);
                    let attempt = Attempt::of(result.as_ref().map_err(|e| e.0.code));
                    // At least as long as the hub asked (`Retry-After` of a busy hub).
                    let hub_wait = with_own_store(&state, |s| schedule::hub_wait(s))
                        .ok()
                        .flatten();
                    pending_after_last = match &result {
                        Ok(done) => done.status.pending_changes,
                        Err(_) => status.pending_changes,
                    };
                    next_at = Instant::now() + backoff.after(attempt, hub_wait);
                }
            }
            Ok(_) => {
                was_configured = false;
                backoff = Backoff::default();
            }
            // No database (the window explains why) or a passing error: look again later.
            Err(_) => {}
        }
        std::thread::sleep(schedule::TICK);
    }
}

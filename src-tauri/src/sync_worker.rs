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

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rapportino_core::sync::{self, SyncReport, SyncStatus};
use rapportino_core::{Code, ErrorPayload, Store};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::{CmdResult, CommandError};
use crate::state::AppState;

/// The event after every sync attempt (and when one starts); payload [`SyncEvent`].
pub const SYNC_CHANGED_EVENT: &str = "sync-changed";

/// Between two automatic syncs while the hub answers.
pub const INTERVAL: Duration = Duration::from_secs(60);
/// The longest wait between two attempts while the hub is unreachable (or refuses us).
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// The first automatic sync after the app starts.
pub const FIRST_DELAY: Duration = Duration::from_secs(5);
/// How often the loop wakes to look for new local changes (and for a hub just configured).
pub const TICK: Duration = Duration::from_secs(15);

/// One sync at a time in the whole process (button, background loop, enrolment, forget).
static SYNC_GUARD: Mutex<()> = Mutex::new(());

fn guard() -> MutexGuard<'static, ()> {
    // A panic in a sync rolled its transaction back: the next one may run.
    SYNC_GUARD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a finished sync returns to the button.
#[derive(Debug, Clone, Serialize)]
pub struct SyncDone {
    pub report: SyncReport,
    pub status: SyncStatus,
}

/// The payload of [`SYNC_CHANGED_EVENT`].
#[derive(Debug, Clone, Serialize)]
pub struct SyncEvent {
    /// A sync is under way (the indicator says "syncing…").
    pub running: bool,
    /// The status after the attempt (absent while running, or if it could not be read).
    pub status: Option<SyncStatus>,
    /// What the attempt did, when it succeeded.
    pub report: Option<SyncReport>,
    /// Why the attempt failed, when it did.
    pub error: Option<ErrorPayload>,
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
    emit(
        app,
        SyncEvent {
            running: true,
            status: None,
            report: None,
            error: None,
        },
    );
    let result = with_own_store(&state, |s| {
        let report = sync::sync_now(s)?;
        Ok(SyncDone {
            report,
            status: sync::status(s)?,
        })
    });
    let event = match &result {
        Ok(done) => SyncEvent {
            running: false,
            status: Some(done.status.clone()),
            report: Some(done.report.clone()),
            error: None,
        },
        Err(e) => SyncEvent {
            running: false,
            status: state.with(|s| sync::status(s)).ok(),
            report: None,
            error: Some(e.0.clone()),
        },
    };
    emit(app, event);
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
        emit(
            app,
            SyncEvent {
                running: false,
                status: Some(status),
                report: None,
                error: None,
            },
        );
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

/// How an attempt went, for the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Synced,
    /// The hub did not answer (or answered with an error of its own): try again, less often.
    Unreachable,
    /// The hub will keep refusing until someone acts (device revoked, app too old).
    Refused,
}

impl Attempt {
    pub fn of(result: &Result<SyncDone, CommandError>) -> Attempt {
        match result {
            Ok(_) => Attempt::Synced,
            Err(e) => match e.0.code.as_str() {
                "DEVICE_REVOKED" | "UPGRADE_REQUIRED" | "ENROLMENT_REFUSED" => Attempt::Refused,
                _ => Attempt::Unreachable,
            },
        }
    }
}

/// The automatic schedule: every minute while the hub answers; after failures 1, 2, 4 min, then
/// at most every 5 min; a refusal waits the longest.
#[derive(Debug, Clone, Default)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The wait before the next automatic attempt, after `attempt`.
    pub fn after(&mut self, attempt: Attempt) -> Duration {
        match attempt {
            Attempt::Synced => {
                self.failures = 0;
                INTERVAL
            }
            Attempt::Unreachable => {
                let factor = 1u32 << self.failures.min(8);
                self.failures = self.failures.saturating_add(1);
                (INTERVAL * factor).min(MAX_BACKOFF)
            }
            Attempt::Refused => {
                self.failures = self.failures.saturating_add(1);
                MAX_BACKOFF
            }
        }
    }

    /// The last attempts failed (local changes then wait for the timer, not for the tick).
    pub fn failing(&self) -> bool {
        self.failures > 0
    }
}

/// Whether the loop syncs now: the timer is due, or new local changes appeared since the last
/// attempt while the hub was answering.
pub fn due(
    now: Instant,
    next_at: Instant,
    pending: i64,
    pending_after_last: i64,
    failing: bool,
) -> bool {
    now >= next_at || (!failing && pending > pending_after_last)
}

/// Starts the background loop on a thread of its own (from the app's setup).
pub fn start<R: Runtime>(app: AppHandle<R>) {
    std::thread::spawn(move || background(&app));
}

fn background<R: Runtime>(app: &AppHandle<R>) {
    let mut backoff = Backoff::default();
    let mut next_at = Instant::now() + FIRST_DELAY;
    let mut pending_after_last = 0;
    let mut was_configured = false;
    std::thread::sleep(FIRST_DELAY);
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
                if due(
                    now,
                    next_at,
                    status.pending_changes,
                    pending_after_last,
                    backoff.failing(),
                ) {
                    let result = run_sync(app);
                    let attempt = Attempt::of(&result);
                    pending_after_last = match &result {
                        Ok(done) => done.status.pending_changes,
                        Err(_) => status.pending_changes,
                    };
                    next_at = Instant::now() + backoff.after(attempt);
                }
            }
            Ok(_) => {
                was_configured = false;
                backoff = Backoff::default();
            }
            // No database (the window explains why) or a passing error: look again later.
            Err(_) => {}
        }
        std::thread::sleep(TICK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_to_five_minutes_and_recovers() {
        let mut b = Backoff::default();
        assert_eq!(b.after(Attempt::Synced), INTERVAL);
        let waits: Vec<u64> = (0..5)
            .map(|_| b.after(Attempt::Unreachable).as_secs())
            .collect();
        assert_eq!(waits, [60, 120, 240, 300, 300]);
        assert!(b.failing());
        assert_eq!(b.after(Attempt::Synced), INTERVAL);
        assert!(!b.failing());
        assert_eq!(b.after(Attempt::Refused), MAX_BACKOFF);
    }

    #[test]
    fn new_local_changes_sync_early_only_while_the_hub_answers() {
        let now = Instant::now();
        let later = now + INTERVAL;
        assert!(!due(now, later, 0, 0, false));
        assert!(due(now, later, 3, 0, false));
        assert!(!due(now, later, 3, 3, false));
        assert!(!due(now, later, 3, 0, true));
        assert!(due(later, later, 0, 0, true));
    }
}

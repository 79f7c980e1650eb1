//! The intake of a device working alone (no hub, a mailbox set in Settings › Posta in arrivo):
//! a round on every mailbox each minute and on "Controlla ora", on a `Store` of its own (never
//! the window's mutex: a round talks to mail servers), one round at a time in the process. An
//! enrolled device's rounds do nothing (core's `intake::collects_here`): its hub collects.
//! A round that took mail emits [`INTAKE_CHANGED_EVENT`] and looks for urgent requests to
//! notify at once (see [`crate::notify_worker`]).

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rapportino_core::intake::{self, InboxRound};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::CmdResult;
use crate::notify_worker::{self, INTAKE_CHANGED_EVENT};
use crate::state::AppState;
use crate::sync_worker::with_own_store;

const FIRST_DELAY: Duration = Duration::from_secs(15);
const EVERY: Duration = Duration::from_secs(intake::POLL_SECS);

static INTAKE_GUARD: Mutex<()> = Mutex::new(());

fn guard() -> MutexGuard<'static, ()> {
    INTAKE_GUARD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `f` on a plain thread of its own and waits for it. The collector drives its IMAP session
/// on a small Tokio runtime of its own (`block_on`), which Tokio refuses inside another runtime's
/// thread — and Tauri runs `async` commands on its runtime's blocking pool.
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| match scope.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// One round on every mailbox. Blocking.
pub fn round<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Vec<InboxRound>> {
    let rounds = {
        let _one = guard();
        let state = app.state::<AppState>();
        off_runtime(|| with_own_store(&state, intake::collect_here))?
    };
    if rounds.iter().any(|r| r.fetched > 0) {
        let _ = app.emit(INTAKE_CHANGED_EVENT, &rounds);
        if let Err(e) = notify_worker::round(app) {
            log::warn!("urgent requests: {}", e.0.message);
        }
    }
    Ok(rounds)
}

/// Starts the background rounds on a thread of their own (from the app's setup).
pub fn start<R: Runtime>(app: AppHandle<R>) {
    std::thread::spawn(move || {
        std::thread::sleep(FIRST_DELAY);
        loop {
            if let Err(e) = round(&app) {
                log::warn!("intake: {} ({})", e.0.message, e.0.code.as_str());
            }
            std::thread::sleep(EVERY);
        }
    });
}

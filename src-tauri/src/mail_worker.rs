//! Customer mail off the UI's store: render the PDFs messages wait for and, on a device that
//! sends its own mail (no hub, an account set: core's `sending::sends_here`), send what is due.
//! An enrolled device only renders: its hub sends.
//!
//! Sending talks to a mail server (seconds, or a timeout): like sync it never holds the
//! [`AppState`] mutex; it opens its own `Store` on the database file. [`MAIL_GUARD`] keeps one
//! round at a time in the process (two rounds rendering the same PDF would attach it twice);
//! core's sync guard keeps the CLI and this app from sending the same message at once.
//! Every round that did something emits [`MAIL_CHANGED_EVENT`] so open screens reload.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rapportino_core::sending::{self, SendReport};
use rapportino_core::Store;
use rapportino_pdf::{attachments, Renderer};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::CmdResult;
use crate::state::AppState;
use crate::sync_worker::with_own_store;

/// The event after a round that rendered or sent something; payload [`SendReport`].
pub const MAIL_CHANGED_EVENT: &str = "mail-changed";

/// The first round, after the window has settled.
const FIRST_DELAY: Duration = Duration::from_secs(10);
/// Then one round a minute.
const EVERY: Duration = Duration::from_secs(60);

static MAIL_GUARD: Mutex<()> = Mutex::new(());

fn guard() -> MutexGuard<'static, ()> {
    MAIL_GUARD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One background round: the PDFs, then the sending when this device sends. Blocking.
pub fn round<R: Runtime>(app: &AppHandle<R>) -> CmdResult<SendReport> {
    run(app, |s| {
        let renderer = Renderer::new()?;
        if sending::sends_here(s)? {
            attachments::prepare_and_send(s, &renderer)
        } else {
            Ok((attachments::prepare(s, &renderer)?, SendReport::default()))
        }
    })
}

/// "Invia ora": the PDFs, then whatever this device owes (`MAIL_NOT_CONFIGURED` when something
/// is due and there is no account). Blocking.
pub fn send_now<R: Runtime>(app: &AppHandle<R>) -> CmdResult<SendReport> {
    run(app, |s| attachments::prepare_and_send(s, &Renderer::new()?))
}

fn run<R: Runtime>(
    app: &AppHandle<R>,
    f: impl FnOnce(&mut Store) -> rapportino_core::Result<(usize, SendReport)>,
) -> CmdResult<SendReport> {
    let _one = guard();
    let state = app.state::<AppState>();
    let result = with_own_store(&state, f);
    if let Ok((prepared, report)) = &result {
        if prepared + report.sent + report.deferred + report.failed > 0 {
            let _ = app.emit(MAIL_CHANGED_EVENT, report.clone());
        }
    }
    result.map(|(_, report)| report)
}

/// Starts the background rounds on a thread of their own (from the app's setup).
pub fn start<R: Runtime>(app: AppHandle<R>) {
    std::thread::spawn(move || {
        std::thread::sleep(FIRST_DELAY);
        loop {
            if let Err(e) = round(&app) {
                log::warn!("mail: {} ({})", e.0.message, e.0.code.as_str());
            }
            std::thread::sleep(EVERY);
        }
    });
}

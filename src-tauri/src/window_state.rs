//! The window's size and position, saved while the user moves and resizes it.
//!
//! tauri-plugin-window-state restores them at start but writes them only when the app exits
//! normally; a laptop whose battery dies, a session logged out or a killed process would forget
//! them. Here every move or resize schedules a save half a second after the last one (one thread
//! waits for the events; dragging does not write a file per pixel).

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

const QUIET: Duration = Duration::from_millis(500);

/// The managed handle of the saving thread.
pub struct WindowSaver(Mutex<Sender<()>>);

/// Starts the saving thread and makes it reachable from window events.
pub fn install<R: Runtime>(app: &AppHandle<R>) {
    let (tx, rx) = mpsc::channel::<()>();
    let handle = app.clone();
    std::thread::spawn(move || {
        // Each burst of events: wait until QUIET passes without one, then save once.
        while rx.recv().is_ok() {
            loop {
                match rx.recv_timeout(QUIET) {
                    Ok(()) => continue,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            if let Err(e) = handle.save_window_state(StateFlags::all()) {
                log::warn!("window size and position not saved: {e}");
            }
        }
    });
    app.manage(WindowSaver(Mutex::new(tx)));
}

/// The window event hook: a move or a resize schedules a save.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
        return;
    }
    if let Some(saver) = window.try_state::<WindowSaver>() {
        let tx = saver
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = tx.send(());
    }
}

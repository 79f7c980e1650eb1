//! # rapportino-app
//!
//! The desktop shell of Rapportino: a Tauri 2 window over `rapportino-core`. It holds no business
//! rules. Layout:
//! - [`state`]: the managed [`state::AppState`] — the one `Store`, opened before the window shows
//!   (or the error that prevented it, which every command then returns);
//! - [`commands`]: one file per area, each command parses its arguments, calls one core function
//!   and maps the error;
//! - [`error`]: [`error::CommandError`], core's `ErrorPayload {code, message, field}` on the wire;
//! - [`paths`]: which paths a command accepts from the web view (picked in a dialog this session,
//!   or the app's own folders);
//! - [`sync_worker`]: sync with the office hub on a connection of its own, one at a time, and the
//!   background loop (every minute while the hub answers, backing off to 5 min when it does not);
//! - [`mail_worker`]: customer mail on a connection of its own — the PDFs messages wait for, and
//!   the sending on a device that works alone (a round a minute, "Invia ora");
//! - [`intake_worker`]: the mailboxes of a device working alone, a round a minute ("Controlla
//!   ora"), on a connection of its own;
//! - [`notify_worker`]: a desktop notification for each new urgent request (core decides which,
//!   once each);
//! - [`logging`]: the rotated log file in the log folder (Tauri's log plugin), redacted.
//!
//! The UI (`ui/`, Svelte) is embedded from `ui/dist` at compile time; build it first.

pub mod commands;
pub mod error;
pub mod intake_worker;
pub mod logging;
pub mod mail_worker;
pub mod notify_worker;
pub mod paths;
pub mod state;
pub mod sync_worker;
pub mod tray;
pub mod window_state;

use tauri::{Manager, Runtime};

use crate::state::AppState;

/// The label of the one window (capabilities are granted to it by label).
pub const MAIN_WINDOW: &str = "main";

/// Opens the database and runs the app until its window closes.
pub fn run() {
    // Opened before the builder: the store (or the reason it could not be opened) is in the state
    // before any window exists.
    let state = match database_argument(std::env::args().skip(1)) {
        Some(path) => AppState::open(Ok(path)),
        None => AppState::open_default(),
    };
    if let Some(e) = state.open_error() {
        eprintln!(
            "rapportino: the database could not be opened: {} ({})",
            e.message,
            e.code.as_str()
        );
    }
    let builder = tauri::Builder::default()
        // First: a second launch focuses the running window instead of opening the database twice.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window(MAIN_WINDOW) {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(logging::plugin())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Native Save/Open dialogs (rfd) and the system viewer, used from Rust commands only.
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        // Shown from Rust only (notify_worker): the web view has no notification permission.
        .plugin(tauri_plugin_notification::init())
        // "Copia diagnostica", written from Rust only.
        .plugin(tauri_plugin_clipboard_manager::init())
        .on_window_event(window_state::on_event)
        .setup(|app| {
            log::info!(
                "Rapportino {} started ({} {})",
                app.package_info().version,
                std::env::consts::OS,
                std::env::consts::ARCH
            );
            if let Some(e) = app.state::<AppState>().open_error() {
                log::error!(
                    "the database could not be opened: {} ({})",
                    e.message,
                    e.code.as_str()
                );
            }
            window_state::install(app.handle());
            start_daily_backups(app.handle().clone());
            sync_worker::start(app.handle().clone());
            mail_worker::start(app.handle().clone());
            notify_worker::start(app.handle().clone());
            intake_worker::start(app.handle().clone());
            // Without a tray (no status-notifier host) the timer is still in the window title.
            if let Err(e) = tray::install(app.handle()) {
                log::warn!("no tray icon: {e}");
            }
            Ok(())
        });
    let result = wire(builder, state).run(context());
    if let Err(e) = result {
        eprintln!("rapportino: could not start: {e}");
        std::process::exit(1);
    }
}

/// The automatic daily backup: at start and then every hour (a shop leaves the app open for
/// days), on a thread of its own; the copy reads the file through its own connection.
fn start_daily_backups<R: Runtime>(app: tauri::AppHandle<R>) {
    std::thread::spawn(move || loop {
        match commands::backup::run_daily(&app.state::<AppState>()) {
            Ok(done) => {
                if let Some(made) = done.made {
                    log::info!("daily backup {}", made.name);
                }
            }
            Err(e) => log::error!("no daily backup: {} ({})", e.0.message, e.0.code.as_str()),
        }
        std::thread::sleep(std::time::Duration::from_secs(3600));
    });
}

/// `--db PATH` (or `--db=PATH`) on the command line: open that database instead of
/// `RAPPORTINO_DB` or the data folder's (a second shop, a copy to look at, the benchmarks).
pub fn database_argument(args: impl IntoIterator<Item = String>) -> Option<std::path::PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--db" {
            return args.next().filter(|p| !p.is_empty()).map(Into::into);
        }
        if let Some(path) = arg.strip_prefix("--db=").filter(|p| !p.is_empty()) {
            return Some(path.into());
        }
    }
    None
}

/// The state and the commands: everything but the plugins, shared with the tests (which run it
/// on Tauri's mock runtime).
pub fn wire<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder.manage(state).invoke_handler(commands::handler())
}

/// The compiled-in context: tauri.conf.json, the embedded UI (`ui/dist`) and the access control
/// list resolved from `capabilities/`. Generic so the tests check the real capabilities.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

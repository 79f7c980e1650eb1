//! The desktop shell around the window: the tray's language follows the UI's; "Copia
//! diagnostica"; this device's choice of desktop notifications.

use rapportino_core::diagnostics::{self, DiagnosticsCopy};
use rapportino_core::labels::Locale;
use rapportino_core::views::notices::{self, NoticePreferences};
use rapportino_core::{Code, Error};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::error::CmdResult;
use crate::state::AppState;
use crate::tray;

/// The UI's language (`it` or `en`), for the tray menu and tooltip.
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_ui_locale(locale: String) -> CmdResult<()> {
    let locale = locale
        .parse::<Locale>()
        .map_err(|e| Error::invalid(Code::InvalidFormat, e.field, e.message))?;
    tray::set_locale(locale);
    Ok(())
}

/// This device's choice of desktop notifications (Settings › Generale).
#[tauri::command(async, rename_all = "snake_case")]
pub fn notice_preferences(state: State<'_, AppState>) -> CmdResult<NoticePreferences> {
    state.with(|s| notices::preferences(s))
}

/// Remembers this device's choice of desktop notifications (a long timer: 1–24 hours).
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_notice_preferences(
    state: State<'_, AppState>,
    preferences: NoticePreferences,
) -> CmdResult<NoticePreferences> {
    state.with(|s| notices::set_preferences(s, &preferences))
}

/// "Copia diagnostica" (Settings): version, system, the database's health, sync, backups and the
/// log's last lines, redacted by core, put on the clipboard and returned to be shown.
#[tauri::command(async, rename_all = "snake_case")]
pub fn copy_diagnostics<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<DiagnosticsCopy> {
    let log = crate::logging::log_file(&app)
        .and_then(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_default();
    let version = app.package_info().version.to_string();
    let text = state.with(|s| diagnostics::bundle(s, &version, &os_name(), &log))?;
    let copied = match app.clipboard().write_text(text.as_str()) {
        Ok(()) => true,
        Err(e) => {
            log::warn!("diagnostics not copied to the clipboard: {e}");
            false
        }
    };
    Ok(DiagnosticsCopy { text, copied })
}

/// `PRETTY_NAME` of os-release (Linux), else the platform's name; and the architecture.
fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_owned())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned());
    format!("{pretty} ({})", std::env::consts::ARCH)
}

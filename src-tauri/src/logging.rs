//! The app's log: a file in the app's log folder (`~/.local/share/it.rapportino.desktop/logs/
//! rapportino.log` on Linux) rotated at 1 MiB with five files kept, and stderr; Tauri's log
//! plugin. Every line is redacted by core (`diagnostics::redact`: no e-mail addresses, no home
//! folder), so the log holds nothing personal beyond ids. "Copia diagnostica" reads its tail.

use std::path::PathBuf;

use rapportino_core::diagnostics::redact;
use tauri::plugin::TauriPlugin;
use tauri::{Manager, Runtime};
use tauri_plugin_log::{RotationStrategy, Target, TargetKind, TimezoneStrategy};

/// The log file's name without `.log`.
pub const LOG_FILE: &str = "rapportino";
/// Bytes before the file is rotated (`RAPPORTINO_LOG_MAX_BYTES` overrides it, for the tests).
pub const MAX_BYTES: u128 = 1024 * 1024;
/// Rotated files kept beside the current one.
pub const KEEP_FILES: usize = 5;

pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    let max_bytes = std::env::var("RAPPORTINO_LOG_MAX_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MAX_BYTES);
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .target(Target::new(TargetKind::Stderr))
        .target(Target::new(TargetKind::LogDir {
            file_name: Some(LOG_FILE.into()),
        }))
        .max_file_size(max_bytes)
        .rotation_strategy(RotationStrategy::KeepSome(KEEP_FILES))
        .timezone_strategy(TimezoneStrategy::UseLocal)
        .level(log::LevelFilter::Info)
        // The web view's and windowing's chatter stays out.
        .level_for("tao", log::LevelFilter::Warn)
        .level_for("wry", log::LevelFilter::Warn)
        .format(|out, message, record| {
            out.finish(format_args!(
                "{} {:<5} {}",
                chrono::Local::now().format("%Y-%m-%d %H:%M:%S%.3f"),
                record.level(),
                redact(&message.to_string())
            ))
        })
        .build()
}

/// The current log file.
pub fn log_file<R: Runtime>(app: &tauri::AppHandle<R>) -> Option<PathBuf> {
    app.path()
        .app_log_dir()
        .ok()
        .map(|d| d.join(format!("{LOG_FILE}.log")))
}

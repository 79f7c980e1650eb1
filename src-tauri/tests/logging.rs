//! The app's log (issue 20): a file in the app's log folder, redacted (no e-mail addresses), rotated
//! at its size limit with a bounded number of files; "Copia diagnostica" carries its last lines.
//! One test in its own process: the logger is global.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness_on;
use rapportino_app::logging::{self, KEEP_FILES};
use rapportino_app::state::AppState;
use serde_json::json;

#[test]
fn the_log_file_is_written_redacted_and_rotated() {
    let home = tempfile::tempdir().unwrap();
    // The log folder is under the data folder: never the real user's.
    std::env::set_var("HOME", home.path());
    std::env::set_var("XDG_DATA_HOME", home.path().join("data"));
    std::env::set_var("RAPPORTINO_LOG_MAX_BYTES", "4000");
    let h = harness_on(
        tauri::test::mock_builder()
            .plugin(logging::plugin())
            .plugin(tauri_plugin_clipboard_manager::init()),
        |dir| AppState::open(Ok(dir.join("test.db"))),
        "main",
    );
    h.onboard();
    let file = logging::log_file(&h.app()).unwrap();
    assert!(
        file.starts_with(home.path()),
        "{} outside the test's folder",
        file.display()
    );

    log::warn!("mail: 550 5.1.1 <anna.ferri@ferri.it> refused");
    log::logger().flush();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("WARN  mail: 550 5.1.1 <<e-mail>> refused"),
        "{text}"
    );
    assert!(!text.contains("ferri.it"));

    // "Copia diagnostica": the bundle with the log's last lines (the clipboard may be missing
    // here: no display).
    let copy = h.ok("copy_diagnostics", json!({}));
    let bundle = copy["text"].as_str().unwrap();
    assert!(bundle.contains("database quick_check: ok"), "{bundle}");
    assert!(
        bundle.contains("mail: 550 5.1.1 <<e-mail>> refused"),
        "{bundle}"
    );
    assert!(copy["copied"].is_boolean());

    // Past the size limit the file is rotated; at most KEEP_FILES files stay.
    for i in 0..400 {
        log::info!("round {i}: {}", "x".repeat(80));
    }
    log::logger().flush();
    let dir = file.parent().unwrap();
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(logging::LOG_FILE)
        })
        .collect();
    assert!(files.len() >= 2, "never rotated: {files:?}");
    assert!(
        files.len() <= KEEP_FILES,
        "{} files kept: {files:?}",
        files.len()
    );
    let current = std::fs::metadata(&file).unwrap().len();
    assert!(current <= 4000 + 200, "current file {current} bytes");
    let last = std::fs::read_to_string(&file).unwrap();
    assert!(
        last.contains("round 399"),
        "the newest line is in the current file"
    );
}

//! A bare Tauri 2 window: the same Tauri version, features and build profile as Rapportino, a
//! static page and nothing else. `scripts/bench-app.sh` starts it beside the app to measure what
//! Rapportino adds to the start time and the memory of the web view.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("bare-window: {e}");
        std::process::exit(1);
    }
}

//! Fails when a committed file generated from the app's commands (the capability grant, the UI's
//! typed wrappers) differs from a fresh generation. Rewrite them with:
//!   UPDATE_COMMANDS=1 cargo test -p rapportino-commandgen

use std::path::Path;

use rapportino_commandgen::{scan, write_committed, Layout};

fn layout() -> Layout {
    Layout::of_repository(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

#[test]
fn generated_files_are_fresh() {
    let layout = layout();
    if std::env::var_os("UPDATE_COMMANDS").is_some() {
        match write_committed(&layout) {
            Ok(written) => {
                for path in written {
                    eprintln!("rewrote {}", path.display());
                }
            }
            Err(e) => panic!("{e}"),
        }
        return;
    }
    let stale = layout.stale().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        stale.is_empty(),
        "generated from src-tauri/src/commands but stale: {stale:?}\n\
         run: UPDATE_COMMANDS=1 cargo test -p rapportino-commandgen"
    );
}

#[test]
fn the_app_has_its_commands() {
    let commands = scan(&layout().commands_dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(commands.len() > 100, "{} commands", commands.len());
    for c in &commands {
        assert!(
            c.args.iter().all(|a| a.key == a.name),
            "{}: the app's arguments are snake_case on the wire (rename_all = \"snake_case\")",
            c.name
        );
    }
}

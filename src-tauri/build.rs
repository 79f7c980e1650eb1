//! Generates, from the `#[tauri::command]` functions in src/commands/ (the one declaration of
//! each command, read by `rapportino-commandgen`): `COMMANDS` and the invoke handler (included by
//! src/commands/mod.rs), and one `allow-<command>` permission per command (tauri-build's app
//! manifest). Then the Tauri context: the config, the capability (capabilities/default.json,
//! itself generated from the same commands and committed), the embedded UI.

use std::path::{Path, PathBuf};

use rapportino_commandgen as commandgen;

fn main() {
    println!("cargo:rerun-if-changed=src/commands");
    let commands = match commandgen::scan(Path::new("src/commands")) {
        Ok(c) => c,
        Err(e) => fail(&format!("cannot read the app's commands: {e}")),
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = std::fs::write(out.join("commands.rs"), commandgen::handler_rs(&commands)) {
        fail(&format!("cannot write the command list: {e}"));
    }
    // The committed capability must grant what is declared (the test in rapportino-commandgen
    // fails otherwise): say so here too, where a stale grant would first show.
    let capability = Path::new("capabilities/default.json");
    println!("cargo:rerun-if-changed={}", capability.display());
    if std::fs::read_to_string(capability).ok() != Some(commandgen::capability_json(&commands)) {
        println!(
            "cargo:warning=capabilities/default.json is stale: run \
             UPDATE_COMMANDS=1 cargo test -p rapportino-commandgen"
        );
    }
    // tauri-build keeps the names for the whole build.
    let names: &'static [&'static str] = Box::leak(
        commands
            .into_iter()
            .map(|c| &*Box::leak(c.name.into_boxed_str()))
            .collect::<Vec<&'static str>>()
            .into_boxed_slice(),
    );
    let manifest = tauri_build::AppManifest::new().commands(names);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        // The usual cause: the UI has not been built yet (frontendDist = ../ui/dist).
        fail(&format!(
            "tauri-build failed: {e:#}\nIf ../ui/dist is missing, run `npm ci && npm run build` in ui/ first."
        ));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1);
}

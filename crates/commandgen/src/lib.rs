//! # rapportino-commandgen
//!
//! One declaration per app command: the `#[tauri::command]` functions in
//! `src-tauri/src/commands/*.rs` are the only list of commands. This crate reads them as source
//! (with `syn`, nothing is compiled, no Tauri needed) and generates everything else from them:
//!
//! - [`handler_rs`]: the `generate_handler![…]` list and `COMMANDS`, written into `OUT_DIR` by
//!   `src-tauri/build.rs` and included by `src-tauri/src/commands/mod.rs`; build.rs also passes
//!   [`Command::name`]s to `tauri_build::AppManifest::commands` (one `allow-<command>`
//!   permission each);
//! - [`capability_json`]: `src-tauri/capabilities/default.json`, granting each command to the main
//!   window (committed: Tauri's build reads it);
//! - [`typescript`]: `ui/src/lib/commands.generated.ts`, one typed function per command, its
//!   argument and result types from the ts-rs bindings in `ui/src/bindings` (committed: the UI is
//!   built before cargo runs).
//!
//! The test `tests/generated.rs` fails when a committed file differs from a fresh generation;
//! `UPDATE_COMMANDS=1 cargo test -p rapportino-commandgen` rewrites them ([`write_committed`]).
//!
//! What a command may look like: any `fn` (async or not) with `#[tauri::command(…)]` in a file of
//! the commands folder; arguments of the types the UI sends (strings, numbers, booleans, `Option`,
//! `Vec`, and types with a ts-rs binding) besides Tauri's injected `State`, `AppHandle`, `Window`,
//! `Webview`, `WebviewWindow`; the result `CmdResult<T>` (or `Result<T, _>`, or `T`), `T` a type
//! the bindings know. The argument keys on the wire follow `rename_all` (this app:
//! `snake_case`, like the bindings; Tauri's default is camelCase).

use std::fmt;
use std::path::{Path, PathBuf};

mod scan;
mod tauri;
mod typescript;

pub use scan::{camel_case, parse_file, scan, Arg, Command};
pub use tauri::{capability_json, handler_rs};
pub use typescript::typescript;

/// The permissions the main window has besides its own commands: set its title (the running
/// timer) and listen to the app's events (sync state, the statements batch's progress).
pub const WINDOW_PERMISSIONS: [&str; 3] = [
    "core:window:allow-set-title",
    "core:event:allow-listen",
    "core:event:allow-unlisten",
];

/// The label of the window the commands are granted to.
pub const WINDOW: &str = "main";

/// Why the commands could not be read or typed: the file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for Error {}

fn error(file: &Path, message: impl Into<String>) -> Error {
    Error {
        file: file.to_path_buf(),
        message: message.into(),
    }
}

// ---- The committed files ----

/// Where the generated files live, from the repository's root.
#[derive(Debug, Clone)]
pub struct Layout {
    pub commands_dir: PathBuf,
    pub bindings_dir: PathBuf,
    pub capability: PathBuf,
    pub typescript: PathBuf,
}

impl Layout {
    pub fn of_repository(root: &Path) -> Layout {
        Layout {
            commands_dir: root.join("src-tauri/src/commands"),
            bindings_dir: root.join("ui/src/bindings"),
            capability: root.join("src-tauri/capabilities/default.json"),
            typescript: root.join("ui/src/lib/commands.generated.ts"),
        }
    }

    /// Each committed file with what it should hold now.
    pub fn generate(&self) -> Result<Vec<(PathBuf, String)>, Error> {
        let commands = scan(&self.commands_dir)?;
        Ok(vec![
            (self.capability.clone(), capability_json(&commands)),
            (
                self.typescript.clone(),
                typescript(&commands, &self.bindings_dir)?,
            ),
        ])
    }

    /// The committed files that differ from a fresh generation (missing ones included).
    pub fn stale(&self) -> Result<Vec<PathBuf>, Error> {
        Ok(self
            .generate()?
            .into_iter()
            .filter(|(path, text)| std::fs::read_to_string(path).ok().as_deref() != Some(text))
            .map(|(path, _)| path)
            .collect())
    }
}

/// Rewrites the committed files that are stale; returns them.
pub fn write_committed(layout: &Layout) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    for (path, text) in layout.generate()? {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(|e| error(&path, e.to_string()))?;
            written.push(path);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const SAMPLE: &str = r#"
        use tauri::State;

        /// The backups folder and what it holds.
        ///
        /// Newest first; `*/` stays inside the comment.
        #[tauri::command(async, rename_all = "snake_case")]
        pub fn list_backups(state: State<'_, AppState>) -> CmdResult<Backups> { todo!() }

        #[tauri::command(rename_all = "snake_case")]
        pub async fn restore_backup<R: Runtime>(
            app: AppHandle<R>,
            client_id: String,
            path: Option<String>,
            as_new_device: Option<bool>,
        ) -> CmdResult<Option<Restored>> { todo!() }

        #[tauri::command]
        pub fn set_logo(logo_path: Option<String>, size: u32) -> Result<Option<(u32, u32)>, E> { todo!() }

        #[tauri::command(async)]
        pub fn pages(list: Vec<Option<String>>, p: Page<Client>) -> CmdResult<Vec<Client>> { todo!() }

        #[tauri::command]
        pub fn nothing() {}

        pub fn not_a_command(x: u32) {}
    "#;

    fn sample() -> Vec<Command> {
        parse_file(Path::new("backup.rs"), "backup", SAMPLE).unwrap()
    }

    fn bindings() -> tempfile_dir::Dir {
        tempfile_dir::Dir::with(&["Backups", "Restored", "Page", "Client"])
    }

    /// A throw-away folder of empty binding files (no dev-dependency needed).
    mod tempfile_dir {
        use std::path::PathBuf;

        pub struct Dir(pub PathBuf);

        impl Dir {
            pub fn with(names: &[&str]) -> Dir {
                let dir = std::env::temp_dir().join(format!(
                    "commandgen-{}-{:?}",
                    std::process::id(),
                    std::thread::current().id()
                ));
                std::fs::create_dir_all(&dir).unwrap();
                for n in names {
                    std::fs::write(dir.join(format!("{n}.ts")), "").unwrap();
                }
                Dir(dir)
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn reads_commands_their_arguments_and_results() {
        let c = sample();
        let names: Vec<&str> = c.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "list_backups",
                "restore_backup",
                "set_logo",
                "pages",
                "nothing"
            ]
        );
        assert!(c[0].args.is_empty(), "State is injected");
        assert_eq!(
            c[0].docs,
            [
                "The backups folder and what it holds.",
                "",
                "Newest first; `*/` stays inside the comment."
            ]
        );
        let keys: Vec<&str> = c[1].args.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["client_id", "path", "as_new_device"], "snake_case");
        assert_eq!(c[2].args[0].key, "logoPath", "Tauri's default: camelCase");
        assert_eq!(c[1].permission(), "allow-restore-backup");
        assert_eq!(c[1].ts_name(), "restoreBackup");
    }

    #[test]
    fn types_and_defaults_in_typescript() {
        let dir = bindings();
        let ts = typescript(&sample(), &dir.0).unwrap();
        assert!(ts.contains("import type { Backups } from '../bindings/Backups';"));
        assert!(ts.contains("export const listBackups = () => call<Backups>('list_backups');"));
        assert!(ts.contains(
            "export const restoreBackup = (clientId: string, path: string | null = null, \
             asNewDevice: boolean | null = null) => call<Restored | null>('restore_backup', \
             { client_id: clientId, path, as_new_device: asNewDevice });"
        ));
        // An Option before a required argument has no default.
        assert!(ts.contains(
            "export const setLogo = (logoPath: string | null, size: number) => \
             call<[number, number] | null>('set_logo', { logoPath, size });"
        ));
        assert!(ts.contains(
            "export const pages = (list: (string | null)[], p: Page<Client>) => \
             call<Client[]>('pages', { list, p });"
        ));
        assert!(ts.contains("export const nothing = () => call<null>('nothing');"));
        assert!(ts.contains("`*\\/` stays inside"));
        assert!(!ts.contains("not_a_command") && !ts.contains("notACommand"));
    }

    #[test]
    fn a_type_without_a_binding_is_an_error() {
        let dir = tempfile_dir::Dir::with(&["Backups"]);
        let e = typescript(&sample(), &dir.0).unwrap_err();
        assert!(e.message.contains("restore_backup"), "{e}");
        assert!(e.message.contains("Restored"), "{e}");
    }

    #[test]
    fn the_handler_and_the_capability_list_every_command() {
        let c = sample();
        let rs = handler_rs(&c);
        assert!(rs.contains("\"restore_backup\",\n"));
        assert!(rs.contains("backup::restore_backup,\n"));
        syn::parse_file(&rs).unwrap();
        let json = capability_json(&c);
        assert!(json.contains("\"allow-list-backups\""));
        assert!(json.contains("\"core:window:allow-set-title\""));
        assert_eq!(json.matches("\"allow-").count(), c.len());
    }

    #[test]
    fn commands_must_be_public_and_named_once() {
        let private = "#[tauri::command] fn hidden() {}";
        let e = parse_file(Path::new("x.rs"), "x", private).unwrap_err();
        assert!(e.message.contains("pub"), "{e}");
        let odd = r#"#[tauri::command(rename_all = "kebab-case")] pub fn a() {}"#;
        assert!(parse_file(Path::new("x.rs"), "x", odd).is_err());
    }

    #[test]
    fn camel_case_of_snake_case() {
        assert_eq!(camel_case("list_backups"), "listBackups");
        assert_eq!(camel_case("search"), "search");
        assert_eq!(camel_case("as_new_device"), "asNewDevice");
    }
}

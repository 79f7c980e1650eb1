//! Rapporti d'intervento and statements in the app: create, preview (the HTML page the PDF engine's
//! twin renders), sign, verify, amend, list; and the PDF's way out — print (CUPS `lp`), save as
//! (native dialog), open in the system viewer — plus the monthly batch with progress events.
//!
//! Rendered files live in the `rapporti/` and `rendiconti/` folders beside the database, so opening
//! or printing a report again needs no dialog and tests never touch a real user's folders. A path
//! the web view sends must have been picked in a dialog or lie in those folders
//! ([`crate::paths`]); printing runs a program with an argument list, never a shell.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rapportino_core::ids::{ClientId, InterventionId, ReportId};
use rapportino_core::reports::{
    self, logo, Report, ReportDocument, ReportFilter, ReportSummary, SignInput, Verification,
};
use rapportino_core::views::statements;
use rapportino_core::{Code, Error, Page, PageRequest, Store};
use rapportino_pdf::export::{self, BatchOptions, BatchSummary, ExportedFile};
use rapportino_pdf::{html, Renderer};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::error::{CmdResult, CommandError};
use crate::paths;
use crate::state::AppState;

/// The event the statement batch emits after each client.
pub const BATCH_PROGRESS_EVENT: &str = "statements-progress";

/// What the report screen shows: the document and its HTML preview.
#[derive(Debug, Clone, Serialize)]
pub struct ReportPreview {
    pub report: Report,
    pub document: ReportDocument,
    pub html: String,
}

fn parse<T: std::str::FromStr<Err = Error>>(s: &str) -> CmdResult<T> {
    s.parse::<T>().map_err(CommandError::from)
}

/// The report of an intervention: its open draft or a new numbered one.
#[tauri::command(async, rename_all = "snake_case")]
pub fn create_report(state: State<'_, AppState>, intervention_id: String) -> CmdResult<Report> {
    let id: InterventionId = parse(&intervention_id)?;
    state.with(|s| reports::create(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn report_preview(state: State<'_, AppState>, id: String) -> CmdResult<ReportPreview> {
    let id: ReportId = parse(&id)?;
    state.with(|s| {
        let document = reports::document(s, id)?;
        let html = html::report(&document, logo::get(s.conn())?.as_ref());
        Ok(ReportPreview {
            report: reports::get(s, id)?,
            document,
            html,
        })
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn sign_report(state: State<'_, AppState>, id: String, input: SignInput) -> CmdResult<Report> {
    let id: ReportId = parse(&id)?;
    state.with(|s| reports::sign(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn verify_report(state: State<'_, AppState>, id: String) -> CmdResult<Verification> {
    let id: ReportId = parse(&id)?;
    state.with(|s| reports::verify(s, id))
}

/// A new draft superseding a signed report.
#[tauri::command(async, rename_all = "snake_case")]
pub fn amend_report(state: State<'_, AppState>, id: String) -> CmdResult<Report> {
    let id: ReportId = parse(&id)?;
    state.with(|s| {
        let number = reports::get(s, id)?.number;
        reports::amend(s, &number)
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_reports(
    state: State<'_, AppState>,
    filter: ReportFilter,
    page: PageRequest,
) -> CmdResult<Page<ReportSummary>> {
    state.with(|s| reports::list(s, &filter, &page))
}

/// A folder beside the database (`rapporti`, `rendiconti`).
fn beside_database(store: &Store, folder: &str) -> rapportino_core::Result<PathBuf> {
    let base = store
        .path()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    Ok(base.join(folder))
}

/// Renders the report into the `rapporti` folder beside the database (created owner-only);
/// returns the file. The file name is the report's number, checked first
/// (`REPORT_NUMBER_INVALID`): a number that came by sync names no file outside the folder.
fn render_to_library(store: &Store, id: ReportId) -> rapportino_core::Result<ExportedFile> {
    let name = reports::pdf_file_name(&reports::get(store, id)?.number)?;
    let dir = beside_database(store, paths::REPORTS_FOLDER)?;
    rapportino_core::owner_only::create_dir_all(&dir).map_err(|e| {
        Error::invalid(
            Code::OutputUnwritable,
            "path",
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    export::report_to_file(store, &Renderer::new()?, id, &dir.join(name))
}

/// Writes the report's PDF to the file chosen in the native Save dialog, or to `path` when it
/// was picked in a dialog before or is in the app's folders (`PATH_NOT_ALLOWED` otherwise).
/// Returns null when the user cancels.
#[tauri::command(async, rename_all = "snake_case")]
pub fn save_report_as<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    path: Option<String>,
) -> CmdResult<Option<ExportedFile>> {
    let id: ReportId = parse(&id)?;
    let number = state.with(|s| Ok(reports::get(s, id)?.number))?;
    let file_name = reports::pdf_file_name(&number)?;
    let target = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_title(format!("Salva il rapporto {number}"))
            .set_file_name(file_name)
            .add_filter("PDF", &["pdf"])
            .blocking_save_file()
    })?;
    let Some(target) = target else {
        return Ok(None);
    };
    state.with(|s| export::report_to_file(s, &Renderer::new()?, id, &target).map(Some))
}

/// Renders the report and opens it in the system's PDF viewer.
#[tauri::command(async, rename_all = "snake_case")]
pub fn open_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<ExportedFile> {
    let id: ReportId = parse(&id)?;
    let file = state.with(|s| render_to_library(s, id))?;
    app.opener()
        .open_path(&file.path, None::<&str>)
        .map_err(|e| {
            CommandError::from(Error::invalid(
                Code::Io,
                "path",
                format!("cannot open {}: {e}", file.path),
            ))
        })?;
    Ok(file)
}

/// Renders the report and sends it to the default printer (see [`print_invocation`]).
#[tauri::command(async, rename_all = "snake_case")]
pub fn print_report(state: State<'_, AppState>, id: String) -> CmdResult<ExportedFile> {
    let id: ReportId = parse(&id)?;
    let file = state.with(|s| render_to_library(s, id))?;
    print_file(Path::new(&file.path))?;
    Ok(file)
}

/// The environment variable that replaces the print command (`lp -d Ufficio`).
pub const PRINT_COMMAND_ENV: &str = "RAPPORTINO_PRINT_COMMAND";
/// The environment variable that carries the file to the Windows print script.
pub const PRINT_FILE_ENV: &str = "RAPPORTINO_PRINT_FILE";

/// The Windows print script: ShellExecute with the `print` verb through .NET's `Process.Start`
/// (`UseShellExecute`), the file's path read from [`PRINT_FILE_ENV`]. The script is a constant
/// and the path is never part of any command line that PowerShell parses: a path holding
/// `; & $( ) ' "` stays a string. Why not ShellExecute from Rust: it needs `unsafe` (forbidden
/// in this workspace) or a new dependency; tauri-plugin-opener has no print verb; `cmd /c` and
/// `rundll32` parse their command line. Not `Start-Process`, which expands wildcards in paths.
pub const WINDOWS_PRINT_SCRIPT: &str = "$ErrorActionPreference = 'Stop'; \
$s = New-Object System.Diagnostics.ProcessStartInfo; \
$s.FileName = $env:RAPPORTINO_PRINT_FILE; $s.Verb = 'print'; $s.UseShellExecute = $true; \
[void][System.Diagnostics.Process]::Start($s)";

/// A program and its arguments, run directly (no shell), with extra environment variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub program: OsString,
    pub args: Vec<OsString>,
    pub env: Vec<(&'static str, OsString)>,
}

/// How to print `file` (an absolute path, so it never reads as an option):
/// - `custom` ([`PRINT_COMMAND_ENV`], when set): its words ([`split_command`]: quotes group,
///   nothing is expanded) followed by the file as one more argument;
/// - on Windows: PowerShell (from `system_root`, else the `PATH`) running
///   [`WINDOWS_PRINT_SCRIPT`], the file in [`PRINT_FILE_ENV`];
/// - elsewhere: CUPS `lp FILE`.
pub fn print_invocation(
    custom: Option<&str>,
    file: &Path,
    windows: bool,
    system_root: Option<&Path>,
) -> rapportino_core::Result<Invocation> {
    if let Some(words) = custom.filter(|c| !c.trim().is_empty()) {
        let mut words = split_command(words).map_err(|why| {
            Error::invalid(
                Code::PrintFailed,
                "printer",
                format!("{PRINT_COMMAND_ENV}: {why}"),
            )
        })?;
        let program = words.remove(0);
        let mut args: Vec<OsString> = words.into_iter().map(OsString::from).collect();
        args.push(file.into());
        return Ok(Invocation {
            program: program.into(),
            args,
            env: Vec::new(),
        });
    }
    if windows {
        let program = system_root.map_or_else(
            || OsString::from("powershell.exe"),
            |root| {
                root.join("System32")
                    .join("WindowsPowerShell")
                    .join("v1.0")
                    .join("powershell.exe")
                    .into()
            },
        );
        return Ok(Invocation {
            program,
            args: [
                "-NoProfile",
                "-NonInteractive",
                "-Command",
                WINDOWS_PRINT_SCRIPT,
            ]
            .map(OsString::from)
            .to_vec(),
            env: vec![(PRINT_FILE_ENV, file.into())],
        });
    }
    Ok(Invocation {
        program: "lp".into(),
        args: vec![file.into()],
        env: Vec::new(),
    })
}

/// Splits a command line into words as a user would write it, without a shell: blanks separate
/// words; `'...'` and `"..."` keep blanks inside a word (and join with the text around them);
/// nothing else is special — no variables, no escapes (a backslash is a backslash, as in
/// `C:\Tools\stampa.exe`), no globbing, no redirection.
pub fn split_command(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some(other) => w.push(other),
                        None => return Err(format!("the quote {c} is not closed")),
                    }
                }
            }
            c if c.is_whitespace() => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    if words.is_empty() {
        return Err("no command".into());
    }
    Ok(words)
}

fn print_file(path: &Path) -> rapportino_core::Result<()> {
    let failed = |msg: String| Error::invalid(Code::PrintFailed, "printer", msg);
    let file = std::path::absolute(path)?;
    let custom = std::env::var(PRINT_COMMAND_ENV).ok();
    let system_root = std::env::var_os("SystemRoot").map(PathBuf::from);
    let how = print_invocation(
        custom.as_deref(),
        &file,
        cfg!(windows),
        system_root.as_deref(),
    )?;
    let mut command = std::process::Command::new(&how.program);
    command
        .args(&how.args)
        .envs(how.env.iter().map(|(k, v)| (*k, v)));
    #[cfg(windows)]
    {
        // No console window flashing up behind the app.
        use std::os::windows::process::CommandExt;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        command.creation_flags(CREATE_NO_WINDOW);
    }
    let output = command.output().map_err(|e| {
        failed(format!(
            "the print command could not start ({e}): is a printing system (CUPS) installed?"
        ))
    })?;
    if !output.status.success() {
        return Err(failed(format!(
            "the printing system refused the file: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(())
}

/// One client's statement as PDF, saved where the user chooses (or to `path`: picked before in
/// a dialog or in the app's folders).
#[tauri::command(async, rename_all = "snake_case")]
pub fn save_statement_as<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    client_id: String,
    year: i32,
    month: u32,
    path: Option<String>,
) -> CmdResult<Option<ExportedFile>> {
    let client: ClientId = parse(&client_id)?;
    let name = match path {
        Some(_) => String::new(),
        None => state.with(|s| Ok(rapportino_core::clients::get(s, client)?.name))?,
    };
    let target = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_file_name(export::file_name(
                "Rendiconto",
                &format!("{year}-{month:02}"),
                &name,
                "pdf",
            ))
            .add_filter("PDF", &["pdf"])
            .blocking_save_file()
    })?;
    let Some(target) = target else {
        return Ok(None);
    };
    state.with(|s| {
        export::statement_to_file(s, &Renderer::new()?, client, year, month, &target).map(Some)
    })
}

/// Every client's statement for a month into `dir` (default: `rendiconti/YYYY-MM` beside the
/// database; a given `dir` must be in the app's folders or picked in a dialog), emitting
/// [`BATCH_PROGRESS_EVENT`] with a [`BatchProgress`] after each client.
#[tauri::command(async, rename_all = "snake_case")]
pub fn statements_batch<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    year: i32,
    month: u32,
    dir: Option<String>,
) -> CmdResult<BatchSummary> {
    let dir = match dir {
        Some(d) => Some(state.allowed_paths().check(&d, "dir")?),
        None => None,
    };
    state.with(|s| {
        statements::month_bounds(year, month)?;
        let dir = match dir {
            Some(d) => d,
            None => {
                beside_database(s, paths::STATEMENTS_FOLDER)?.join(format!("{year}-{month:02}"))
            }
        };
        export::statements_batch(s, year, month, &dir, &BatchOptions::default(), |p| {
            let _ = app.emit(BATCH_PROGRESS_EVENT, p.clone());
        })
    })
}

/// Opens a folder (the batch's output) in the file manager: one of the app's folders or a path
/// picked in a dialog (`PATH_NOT_ALLOWED` otherwise).
#[tauri::command(async, rename_all = "snake_case")]
pub fn open_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
) -> CmdResult<()> {
    let folder = state.allowed_paths().check(&path, "path")?;
    if !folder.is_dir() {
        return Err(CommandError::from(Error::invalid(
            Code::Io,
            "path",
            format!("{} is not a folder", folder.display()),
        )));
    }
    app.opener()
        .open_path(folder.to_string_lossy(), None::<&str>)
        .map_err(|e| {
            CommandError::from(Error::invalid(
                Code::Io,
                "path",
                format!("cannot open {}: {e}", folder.display()),
            ))
        })
}

/// Sets the shop logo from the file chosen in the native Open dialog, or from `path` (picked
/// before or in the app's folders); null when cancelled. Returns the stored size.
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_shop_logo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
) -> CmdResult<Option<(u32, u32)>> {
    let path = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .add_filter("Immagini", &["png", "jpg", "jpeg"])
            .blocking_pick_file()
    })?;
    let Some(path) = path else {
        return Ok(None);
    };
    let bytes = logo::read_file(&path)?;
    state.with(|s| logo::set(s, &bytes).map(|l| Some((l.width, l.height))))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn clear_shop_logo(state: State<'_, AppState>) -> CmdResult<()> {
    state.with(logo::clear)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A file whose path a shell (or PowerShell's parser) would run or split.
    fn hostile_file() -> PathBuf {
        std::env::temp_dir()
            .join("dati $(touch pwned); & 'x' \"y\" `z`")
            .join("RI-2026-MR-0001.pdf")
    }

    #[test]
    fn lp_gets_the_file_as_its_only_argument() {
        let file = hostile_file();
        let how = print_invocation(None, &file, false, None).unwrap();
        assert_eq!(how.program, "lp");
        assert_eq!(how.args, vec![OsString::from(&file)]);
        assert!(how.env.is_empty());
        // An empty setting is no setting.
        assert_eq!(
            print_invocation(Some("  "), &file, false, None).unwrap(),
            how
        );
    }

    #[test]
    fn the_print_command_setting_is_split_into_words_not_run_by_a_shell() {
        let file = hostile_file();
        let how = print_invocation(
            Some(r#"lp -d "Ufficio 2" -o 'media=A4' -t"Rapporto $HOME""#),
            &file,
            false,
            None,
        )
        .unwrap();
        assert_eq!(how.program, "lp");
        let args: Vec<&str> = how.args.iter().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(
            args,
            [
                "-d",
                "Ufficio 2",
                "-o",
                "media=A4",
                "-tRapporto $HOME",
                file.to_str().unwrap()
            ]
        );
        let windows_path =
            print_invocation(Some(r"C:\Strumenti\stampa.exe /p"), &file, true, None).unwrap();
        assert_eq!(windows_path.program, r"C:\Strumenti\stampa.exe");
        assert!(
            windows_path.env.is_empty(),
            "the setting wins on Windows too"
        );
        let e = print_invocation(Some("lp -d 'Ufficio"), &file, false, None).unwrap_err();
        assert_eq!((e.code(), e.field()), (Code::PrintFailed, Some("printer")));
    }

    #[test]
    fn windows_prints_through_shell_execute_with_the_path_outside_the_script() {
        let file = hostile_file();
        let root = Path::new(r"C:\Windows");
        let how = print_invocation(None, &file, true, Some(root)).unwrap();
        assert_eq!(
            how.program,
            root.join("System32")
                .join("WindowsPowerShell")
                .join("v1.0")
                .join("powershell.exe")
                .into_os_string()
        );
        assert_eq!(
            how.args,
            [
                "-NoProfile",
                "-NonInteractive",
                "-Command",
                WINDOWS_PRINT_SCRIPT
            ]
            .map(OsString::from)
        );
        assert_eq!(how.env, vec![(PRINT_FILE_ENV, OsString::from(&file))]);
        // The path travels only in the environment; the script reads it as a value.
        for arg in &how.args {
            assert!(!arg.to_string_lossy().contains("pwned"));
        }
        assert!(WINDOWS_PRINT_SCRIPT.contains(&format!("$env:{PRINT_FILE_ENV}")));
        assert!(WINDOWS_PRINT_SCRIPT.contains("UseShellExecute = $true"));
        assert!(!WINDOWS_PRINT_SCRIPT.contains("Start-Process"));
        assert!(
            !WINDOWS_PRINT_SCRIPT.contains('"'),
            "no quoting for Windows to get wrong"
        );
        let no_root = print_invocation(None, &file, true, None).unwrap();
        assert_eq!(no_root.program, "powershell.exe");
    }

    #[test]
    fn command_words_follow_quotes_and_nothing_else() {
        assert_eq!(split_command("lp").unwrap(), ["lp"]);
        assert_eq!(
            split_command("  cp   -t  '/tmp/stampati ufficio' ").unwrap(),
            ["cp", "-t", "/tmp/stampati ufficio"]
        );
        assert_eq!(split_command(r#"a"b c"'d'e"#).unwrap(), ["ab cde"]);
        assert_eq!(split_command(r#"x "" y"#).unwrap(), ["x", "", "y"]);
        assert_eq!(
            split_command(r"a\ b $(c) ; d|e > f").unwrap(),
            [r"a\", "b", "$(c)", ";", "d|e", ">", "f"]
        );
        assert!(split_command("").is_err());
        assert!(split_command("  ").is_err());
        assert!(split_command("lp \"x").is_err());
    }
}

//! Printing a PDF: the system's print command, run directly — never through a shell.
//!
//! The policy ([`print_invocation`]): `RAPPORTINO_PRINT_COMMAND` when set (its words, split as a
//! user writes them, followed by the file); on Windows ShellExecute's `print` verb through
//! PowerShell with the path outside the script; elsewhere CUPS `lp FILE`. [`print_file`] runs it.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use rapportino_core::store::settings::PrintPreferences;
use rapportino_core::{Code, Error};

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

/// Where the file goes in [`PRINT_COMMAND_ENV`] (`cp {file} /srv/stampe/`); without it, the file
/// is the last argument.
pub const FILE_PLACEHOLDER: &str = "{file}";
/// The number of copies chosen, in [`PRINT_COMMAND_ENV`] (`lp -n {copies}`).
pub const COPIES_PLACEHOLDER: &str = "{copies}";
/// The printer chosen (empty for the system's default), in [`PRINT_COMMAND_ENV`].
pub const PRINTER_PLACEHOLDER: &str = "{printer}";

/// `word` with each placeholder replaced by its value (the file's path, the copies, the printer),
/// kept as one argument (spaces and any byte of the path included: no shell ever splits it).
fn with_values(word: &str, file: &Path, prefs: &PrintPreferences) -> OsString {
    let copies = prefs.copies.to_string();
    let printer = prefs.printer.clone().unwrap_or_default();
    let mut out = OsString::new();
    let mut rest = word;
    while let Some((at, placeholder, value)) = [
        (FILE_PLACEHOLDER, file.as_os_str()),
        (COPIES_PLACEHOLDER, OsStr::new(&copies)),
        (PRINTER_PLACEHOLDER, OsStr::new(&printer)),
    ]
    .into_iter()
    .filter_map(|(p, v)| rest.find(p).map(|at| (at, p, v)))
    .min_by_key(|(at, _, _)| *at)
    {
        out.push(&rest[..at]);
        out.push(value);
        rest = &rest[at + placeholder.len()..];
    }
    out.push(rest);
    out
}

/// A program and its arguments, run directly (no shell), with extra environment variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub program: OsString,
    pub args: Vec<OsString>,
    pub env: Vec<(&'static str, OsString)>,
}

/// How to print `file` (an absolute path, so it never reads as an option):
/// - `custom` ([`PRINT_COMMAND_ENV`], when set): its words ([`split_command`]: quotes group,
///   nothing is expanded) with the file where [`FILE_PLACEHOLDER`] stands, else after them;
/// - on Windows: PowerShell (from `system_root`, else the `PATH`) running
///   [`WINDOWS_PRINT_SCRIPT`], the file in [`PRINT_FILE_ENV`];
/// - elsewhere: CUPS `lp FILE`.
pub fn print_invocation(
    custom: Option<&str>,
    file: &Path,
    windows: bool,
    system_root: Option<&Path>,
) -> rapportino_core::Result<Invocation> {
    print_invocation_with(
        custom,
        file,
        windows,
        system_root,
        &PrintPreferences::default(),
    )
}

/// [`print_invocation`] with this device's choice: `lp -d PRINTER -n COPIES FILE` (each only when
/// chosen); a custom command gets them through [`COPIES_PLACEHOLDER`] and
/// [`PRINTER_PLACEHOLDER`]; Windows' `print` verb prints one copy on the default printer.
pub fn print_invocation_with(
    custom: Option<&str>,
    file: &Path,
    windows: bool,
    system_root: Option<&Path>,
    prefs: &PrintPreferences,
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
        let placed = words.iter().any(|w| w.contains(FILE_PLACEHOLDER));
        let mut args: Vec<OsString> = words.iter().map(|w| with_values(w, file, prefs)).collect();
        if !placed {
            args.push(file.into());
        }
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
    let mut args: Vec<OsString> = Vec::new();
    if let Some(printer) = &prefs.printer {
        // Checked again: the name is one argument after -d, never an option of its own.
        let printer = rapportino_core::store::settings::printer_name(printer)?;
        args.extend(["-d".into(), printer.into()]);
    }
    if prefs.copies > 1 {
        args.extend(["-n".into(), prefs.copies.to_string().into()]);
    }
    args.push(file.into());
    Ok(Invocation {
        program: "lp".into(),
        args,
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

/// Sends `path` to the default printer (see [`print_invocation`]); `PRINT_FAILED` when the
/// print command cannot start or refuses the file.
pub fn print_file(path: &Path) -> rapportino_core::Result<()> {
    print_file_with(path, &PrintPreferences::default())
}

/// Sends `path` to the printer and with the copies of `prefs` (see [`print_invocation_with`]).
pub fn print_file_with(path: &Path, prefs: &PrintPreferences) -> rapportino_core::Result<()> {
    let failed = |msg: String| Error::invalid(Code::PrintFailed, "printer", msg);
    let file = std::path::absolute(path)?;
    let custom = std::env::var(PRINT_COMMAND_ENV).ok();
    let system_root = std::env::var_os("SystemRoot").map(PathBuf::from);
    let how = print_invocation_with(
        custom.as_deref(),
        &file,
        cfg!(windows),
        system_root.as_deref(),
        prefs,
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
    fn the_file_goes_where_the_setting_puts_it_as_one_argument() {
        let file = PathBuf::from("/home/anna/Rapporti d'intervento/RI 2026 MR 0001.pdf");
        let how =
            print_invocation(Some("cp {file} '/srv/stampe ufficio/'"), &file, false, None).unwrap();
        assert_eq!(how.program, "cp");
        assert_eq!(
            how.args,
            [file.as_os_str(), "/srv/stampe ufficio/".as_ref()],
            "the path with its spaces is one argument, not appended again"
        );
        let inline = print_invocation(Some("stampa --in={file} -n 2"), &file, false, None).unwrap();
        let first = inline.args[0].to_str().unwrap();
        assert_eq!(first, format!("--in={}", file.display()));
        assert_eq!(inline.args.len(), 3);
    }

    #[test]
    fn the_chosen_printer_and_copies_reach_lp_or_the_custom_command() {
        let file = hostile_file();
        let office = PrintPreferences {
            printer: Some("Ufficio".into()),
            copies: 3,
        };
        let how = print_invocation_with(None, &file, false, None, &office).unwrap();
        assert_eq!(how.program, "lp");
        let args: Vec<&OsStr> = how.args.iter().map(OsString::as_os_str).collect();
        assert_eq!(
            args,
            [
                "-d".as_ref(),
                "Ufficio".as_ref(),
                "-n".as_ref(),
                "3".as_ref(),
                file.as_os_str()
            ]
        );
        // A hostile printer name never reaches lp.
        let bad = PrintPreferences {
            printer: Some("-oraw".into()),
            copies: 1,
        };
        let e = print_invocation_with(None, &file, false, None, &bad).unwrap_err();
        assert_eq!(e.field(), Some("printer"));
        // The custom command takes them through placeholders, each an argument of its own.
        let custom = print_invocation_with(
            Some("stampa -P {printer} -n{copies} {file}"),
            &file,
            false,
            None,
            &office,
        )
        .unwrap();
        let args: Vec<&OsStr> = custom.args.iter().map(OsString::as_os_str).collect();
        assert_eq!(
            args,
            [
                "-P".as_ref(),
                "Ufficio".as_ref(),
                "-n3".as_ref(),
                file.as_os_str()
            ]
        );
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

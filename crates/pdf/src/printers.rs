//! The printers this computer can print to, as CUPS lists them: `lpstat -e` (one destination a
//! line) and `lpstat -d` (the system default), run in the C locale so the words parsed are
//! CUPS's English ones. A machine without CUPS (no `lpstat`, or its scheduler not running) lists
//! none and says so ([`PrinterList::cups`] false); printing then goes to the system's default
//! (`lp`, ShellExecute on Windows, or `RAPPORTINO_PRINT_COMMAND`).

use std::ffi::OsStr;
use std::process::Command;

use rapportino_core::documents::PrinterList;
use rapportino_core::store::settings::{printer_name, PrintPreferences};

/// What `lpstat -d` says when a default is set (C locale).
const DEFAULT_PREFIX: &str = "system default destination:";

/// Destination names from `lpstat -e`: one a line; what is not a usable name (CUPS's own
/// messages such as `lpstat: No destinations added.`, blanks) is left out, repeats once.
pub fn parse_destinations(out: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in out.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("lpstat:") {
            continue;
        }
        if let Ok(name) = printer_name(line) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// The default destination from `lpstat -d` (`system default destination: Ufficio`); `None` for
/// `no system default destination` or anything else.
pub fn parse_default(out: &str) -> Option<String> {
    out.lines()
        .find_map(|l| l.trim().strip_prefix(DEFAULT_PREFIX))
        .and_then(|name| printer_name(name).ok())
}

/// Runs `program` (lpstat) with `args` in the C locale; its output when it ran and succeeded.
fn run(program: &OsStr, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The printers as `program` (normally `lpstat`) lists them, with this device's preferences; a
/// remembered printer that is no longer listed is dropped from them (the default is preselected).
pub fn list_with(
    program: &OsStr,
    custom_command: bool,
    preferences: PrintPreferences,
) -> PrinterList {
    let Some(destinations) = run(program, &["-e"]) else {
        return PrinterList {
            cups: false,
            custom_command,
            preferences: PrintPreferences {
                printer: None,
                ..preferences
            },
            ..PrinterList::default()
        };
    };
    let printers = parse_destinations(&destinations);
    let default = run(program, &["-d"])
        .as_deref()
        .and_then(parse_default)
        .filter(|d| printers.contains(d));
    let printer = preferences.printer.filter(|p| printers.contains(p));
    PrinterList {
        cups: true,
        printers,
        default,
        custom_command,
        preferences: PrintPreferences {
            printer,
            copies: preferences.copies,
        },
    }
}

/// The printers CUPS lists on this computer (`lpstat`), with this device's preferences.
pub fn list(preferences: PrintPreferences) -> PrinterList {
    let custom = std::env::var(crate::print::PRINT_COMMAND_ENV).is_ok_and(|c| !c.trim().is_empty());
    list_with(OsStr::new("lpstat"), custom, preferences)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn lpstat_output_is_read_into_names_and_the_default() {
        let e = "Ufficio\nHP_LaserJet_M404\n\nUfficio/fronte-retro\nUfficio\n";
        assert_eq!(
            parse_destinations(e),
            ["Ufficio", "HP_LaserJet_M404", "Ufficio/fronte-retro"]
        );
        assert_eq!(
            parse_default("system default destination: HP_LaserJet_M404\n").as_deref(),
            Some("HP_LaserJet_M404")
        );
        assert_eq!(parse_default("no system default destination\n"), None);
        // CUPS's messages and hostile lines are not printers.
        assert!(parse_destinations("lpstat: No destinations added.\n").is_empty());
        assert!(parse_destinations("-oInjected\n/etc/passwd\nbad name\n").is_empty());
    }

    #[test]
    fn a_machine_without_cups_lists_no_printer_and_says_so() {
        let remembered = PrintPreferences {
            printer: Some("Ufficio".into()),
            copies: 2,
        };
        let list = list_with(OsStr::new("rapportino-no-such-lpstat"), false, remembered);
        assert!(!list.cups);
        assert!(list.printers.is_empty() && list.default.is_none());
        // The copies stay remembered; a printer that is not there is not offered.
        assert_eq!(list.preferences.copies, 2);
        assert_eq!(list.preferences.printer, None);
        // `false` runs and fails: CUPS's scheduler not running reads the same.
        assert!(!list_with(OsStr::new("false"), false, PrintPreferences::default()).cups);
    }

    /// A stand-in for CUPS's lpstat answering as a shop's would: two printers, one the default.
    #[cfg(unix)]
    #[test]
    fn cups_with_two_printers_lists_them_with_the_default() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let lpstat = dir.path().join("lpstat");
        std::fs::write(
            &lpstat,
            "#!/bin/sh\ncase \"$1\" in\n-e) printf 'Ufficio\\nMagazzino\\n';;\n\
             -d) echo 'system default destination: Magazzino';;\nesac\n",
        )
        .unwrap();
        std::fs::set_permissions(&lpstat, std::fs::Permissions::from_mode(0o755)).unwrap();
        let gone = PrintPreferences {
            printer: Some("Vecchia".into()),
            copies: 1,
        };
        // Another test's process forked while the script was still open for writing can keep it
        // busy for a moment (ETXTBSY on exec, read as "no CUPS"): give it a few tries.
        let listed = |custom: bool, prefs: &PrintPreferences| {
            let mut list = list_with(lpstat.as_os_str(), custom, prefs.clone());
            for _ in 0..20 {
                if list.cups {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
                list = list_with(lpstat.as_os_str(), custom, prefs.clone());
            }
            list
        };
        let list = listed(false, &gone);
        assert!(list.cups);
        assert_eq!(list.printers, ["Ufficio", "Magazzino"]);
        assert_eq!(list.default.as_deref(), Some("Magazzino"));
        assert_eq!(list.preferences.printer, None, "a printer no longer there");
        let kept = PrintPreferences {
            printer: Some("Ufficio".into()),
            copies: 2,
        };
        let list = listed(true, &kept);
        assert_eq!((list.preferences, list.custom_command), (kept, true));
    }
}

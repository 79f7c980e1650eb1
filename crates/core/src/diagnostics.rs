//! "Copia diagnostica" (Settings) and what the app writes to its log: a text an IT person can
//! paste into a support request — the version, the system, the database's health, sync and
//! backups, the last log lines — with nothing personal beyond ids.
//!
//! [`redact`] is applied to every log line the app writes and again to the bundle: e-mail
//! addresses become `<e-mail>` and the user's home folder `~` (file paths name the person).

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::store::Store;
use crate::{backup, sync};

/// What "Copia diagnostica" did: the text (shown, to read before sending it) and whether it is on
/// the clipboard.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DiagnosticsCopy {
    pub text: String,
    pub copied: bool,
}

/// How many log lines the bundle carries at most.
pub const LOG_TAIL_LINES: usize = 200;

/// `text` without e-mail addresses and with the home folder as `~`.
pub fn redact(text: &str) -> String {
    let home = std::env::var("HOME").ok().filter(|h| h.len() > 1);
    let text = match &home {
        Some(home) => text.replace(home.as_str(), "~"),
        None => text.to_string(),
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find('@') {
        // The address runs from the last separator before `@` to the first one after it.
        let is_part = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
        let start = rest[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_part(c))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        let after = &rest[at + 1..];
        let domain_len = after
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '.' || c == '-'))
            .map(|(i, _)| i)
            .unwrap_or(after.len());
        let domain = after[..domain_len].trim_end_matches('.');
        if start < at && domain.contains('.') {
            out.push_str(&rest[..start]);
            out.push_str("<e-mail>");
            rest = &after[domain.len()..];
        } else {
            out.push_str(&rest[..=at]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The last `max` lines of `log` (a log file's text).
pub fn tail(log: &str, max: usize) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(max)..].join("\n")
}

/// The bundle "Copia diagnostica" copies: `app_version` and `os` from the shell, the store's
/// health, sync and backups, and `log` (the last lines of the log file), all redacted.
pub fn bundle(store: &Store, app_version: &str, os: &str, log: &str) -> Result<String> {
    let conn = store.conn();
    let mut t = String::new();
    let _ = writeln!(t, "Rapportino {app_version} — diagnostica / diagnostics");
    let _ = writeln!(t, "system: {os}");
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let _ = writeln!(t, "schema: {schema}");
    let quick: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    let _ = writeln!(t, "database quick_check: {quick}");
    if let Some(path) = store.path() {
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let _ = writeln!(
            t,
            "database size: {} bytes (WAL {} bytes)",
            size(path),
            size(Path::new(&wal))
        );
        let backups = backup::overview(path)?;
        let _ = writeln!(
            t,
            "backups: {} (newest {})",
            backups.files.len(),
            backups
                .files
                .first()
                .map(|b| b.name.as_str())
                .unwrap_or("none")
        );
    }
    for (label, table) in [
        ("clients", "clients"),
        ("tickets", "tickets"),
        ("interventions", "interventions"),
        ("messages", "messages"),
    ] {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        let _ = writeln!(t, "{label}: {n}");
    }
    let s = sync::status(store)?;
    let _ = writeln!(
        t,
        "sync: {} · device {} · last {} · pending {} · conflicts {} · quarantined {}{}",
        if s.configured { "configured" } else { "off" },
        s.device_code.as_deref().unwrap_or("-"),
        s.last_sync_at.as_deref().unwrap_or("never"),
        s.pending_changes,
        s.open_conflicts,
        s.quarantined,
        s.last_error
            .as_ref()
            .map(|e| format!(" · last error {}", e.code.as_str()))
            .unwrap_or_default()
    );
    let _ = writeln!(t, "\n--- log (last {LOG_TAIL_LINES} lines) ---");
    t.push_str(&tail(log, LOG_TAIL_LINES));
    t.push('\n');
    Ok(redact(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_home_are_hidden() {
        assert_eq!(
            redact("550 5.1.1 <anna.ferri@ferri-srl.it>: refused"),
            "550 5.1.1 <<e-mail>>: refused"
        );
        assert_eq!(
            redact("to anna@ferri.it, cc mario+x@example.co.uk."),
            "to <e-mail>, cc <e-mail>."
        );
        // Not addresses: a lone @, a user@host without a dot, a handle.
        assert_eq!(redact("@ at user@localhost @x"), "@ at user@localhost @x");
        assert_eq!(redact("città@bologna.it"), "<e-mail>");
        if let Ok(home) = std::env::var("HOME") {
            if home.len() > 1 {
                assert_eq!(
                    redact(&format!("backup {home}/backups/x.db")),
                    "backup ~/backups/x.db"
                );
            }
        }
    }

    #[test]
    fn the_tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 5), "");
    }
}

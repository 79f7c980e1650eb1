//! Output: human-readable by default, JSON with `--json`. Errors go to stderr as
//! `errore [CODE]: message` (or `{"error": {code, message, field}}` with `--json`), exit code 1.

use rapportino_core::Error;
use serde::Serialize;
use std::io::Write;

/// Writes a line to stdout; a closed pipe (`rapportino-cli ticket list | head`) is not an error.
fn print_line(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

#[derive(Clone, Copy)]
pub struct Out {
    pub json: bool,
}

impl Out {
    /// Prints `value` as JSON, or as the text `human` renders.
    pub fn emit<T: Serialize>(&self, value: &T, human: impl FnOnce(&T) -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(s) => print_line(&s),
                Err(e) => eprintln!("cannot serialise the output: {e}"),
            }
        } else {
            let text = human(value);
            if !text.is_empty() {
                print_line(text.trim_end());
            }
        }
    }

    pub fn error(&self, err: &Error) {
        let payload = err.to_payload();
        if self.json {
            let v = serde_json::json!({ "error": payload });
            eprintln!("{v}");
        } else {
            eprintln!("errore [{}]: {}", payload.code.as_str(), payload.message);
        }
    }
}

/// Pads/truncates a cell for the human tables.
pub fn cell(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n > width {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    } else {
        format!("{s:width$}")
    }
}

pub fn or_dash(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("—")
}

pub fn more(has_more: bool, offset: u32, limit: u32) -> String {
    if has_more {
        format!("\n… altri risultati: --offset {}", offset + limit)
    } else {
        String::new()
    }
}

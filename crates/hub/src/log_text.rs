//! Device-supplied text in the hub's log lines (mutation ids, entity names and ids, refusal
//! details, device and technician codes, error messages that quote a request): written through
//! [`Escaped`], so a newline, a carriage return or an ANSI escape from a device comes out as
//! `\n`, `\r`, `\u{1b}` and cannot forge a log line or drive the admin's terminal. The JSON log
//! (`--log-json`) escapes as JSON on top of it.

use std::fmt;

/// Text escaped for a log line (Rust's `escape_debug`: control characters and quotes as
/// escapes, printable text as it is). Log it with `%`: `field = %Escaped(text)`.
pub struct Escaped<T>(pub T);

impl<T: fmt::Display> fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        write!(f, "{}", text.escape_debug())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_come_out_as_escapes() {
        let forged = "x\n2026-12-07T10:00:00Z  INFO device enrolled\r\u{1b}[31mred";
        let shown = Escaped(forged).to_string();
        assert!(!shown.contains(['\n', '\r', '\u{1b}']), "{shown}");
        assert!(
            shown.contains("\\n") && shown.contains("\\u{1b}"),
            "{shown}"
        );
        assert_eq!(
            Escaped("Portatile di Marco è qui").to_string(),
            "Portatile di Marco è qui"
        );
    }
}

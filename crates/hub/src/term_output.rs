//! What the admin commands print: text devices wrote, made safe for a terminal, and JSON.

use std::borrow::Cow;

use crate::error::HubError;

/// Text that came from devices (or from a storage they wrote), made safe for a terminal:
/// control characters (C0, DEL, C1: escape sequences, carriage returns, bells), bidirectional
/// overrides and isolates, and the backslash itself become `\u{..}` / `\\` escapes.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c == '\\' || c.is_control() || is_bidi_control(c)
}

/// Characters that reorder the text around them on screen (Trojan Source).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// JSON for the terminal: serde_json escapes C0 controls already; DEL, C1 controls and
/// bidirectional controls are escaped as `\uXXXX` too (they occur only inside strings, so the
/// document means the same).
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), HubError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| HubError::Internal(format!("JSON output: {e}")))?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\\' && needs_escape(c) && !matches!(c, '\n' | '\t') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    println!("{out}");
    Ok(())
}

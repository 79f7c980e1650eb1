//! Settings read at every level: this device's identity (`local_state`, never synced) and the
//! shop's synced settings (`settings`, JSON values), with the sync configuration flag.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{credential, keys, local_get, local_set, Store};
use crate::error::{Code, Error, Result};
use crate::ids::TechnicianId;

/// `local_state` key of this device's printing choice (never synced: printers are per computer).
const PRINT_PREFERENCES: &str = "print.preferences";
/// The most copies one print asks for.
pub const MAX_COPIES: u32 = 99;

/// This device's printing choice: the printer (a CUPS destination; `None`: the system's
/// default) and the number of copies, remembered for the next print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PrintPreferences {
    #[ts(optional)]
    pub printer: Option<String>,
    pub copies: u32,
}

impl Default for PrintPreferences {
    fn default() -> Self {
        PrintPreferences {
            printer: None,
            copies: 1,
        }
    }
}

/// A CUPS destination name as the print command receives it (one argument, never a shell word):
/// 1–127 printable characters without blanks or `#` (CUPS refuses those in names), an instance
/// after one `/` (`Ufficio/fronte-retro`), not starting with `-` (it would read as an option).
pub fn printer_name(value: &str) -> Result<String> {
    let v = value.trim();
    let bad = v.is_empty()
        || v.chars().count() > 127
        || v.starts_with(['-', '/'])
        || v.ends_with('/')
        || v.matches('/').count() > 1
        || v.chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '#');
    if bad {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "printer",
            format!("{v:?} is not a printer name"),
        ));
    }
    Ok(v.to_owned())
}

/// This device's printing choice (the default: the system's printer, one copy). A stored value
/// that no longer reads is the default.
pub fn print_preferences(store: &Store) -> Result<PrintPreferences> {
    let raw = local_get(store.conn(), PRINT_PREFERENCES)?;
    Ok(raw
        .and_then(|s| serde_json::from_str::<PrintPreferences>(&s).ok())
        .and_then(|p| checked(&p).ok())
        .unwrap_or_default())
}

/// Remembers this device's printing choice, checked first (`printer`, `copies` 1–99).
pub fn set_print_preferences(store: &Store, p: &PrintPreferences) -> Result<PrintPreferences> {
    let p = checked(p)?;
    let text = serde_json::to_string(&p).map_err(|e| Error::Inconsistent(e.to_string()))?;
    local_set(store.conn(), PRINT_PREFERENCES, &text)?;
    Ok(p)
}

fn checked(p: &PrintPreferences) -> Result<PrintPreferences> {
    if !(1..=MAX_COPIES).contains(&p.copies) {
        return Err(Error::invalid(
            Code::OutOfRange,
            "copies",
            format!("{} copies: between 1 and {MAX_COPIES}", p.copies),
        ));
    }
    let printer = match p.printer.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => Some(printer_name(name)?),
    };
    Ok(PrintPreferences {
        printer,
        copies: p.copies,
    })
}

/// The technician using this device; `NOT_ONBOARDED` before onboarding.
pub fn current_technician(conn: &rusqlite::Connection) -> Result<TechnicianId> {
    local_get(conn, "technician_id")?
        .ok_or(Error::NotOnboarded)?
        .parse()
}

/// This device's code; `NOT_ONBOARDED` before onboarding.
pub fn device_code(conn: &rusqlite::Connection) -> Result<String> {
    local_get(conn, "device_code")?.ok_or(Error::NotOnboarded)
}

/// Whether this device is connected to a hub (an address and a token).
pub fn hub_configured(store: &Store) -> Result<bool> {
    Ok(local_get(store.conn(), keys::HUB_URL)?.is_some() && credential::token(store)?.is_some())
}

/// A shop setting (`settings` table, JSON text); `None` when missing or unreadable.
pub(crate) fn get_setting_conn<T: serde::de::DeserializeOwned>(
    conn: &rusqlite::Connection,
    key: &str,
) -> Result<Option<T>> {
    let raw: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(raw.and_then(|s| serde_json::from_str(&s).ok()))
}

/// A setting's value as stored: JSON text in a JSON string.
pub(crate) fn to_json_text<T: Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_string(v)
        .map(serde_json::Value::String)
        .map_err(|e| Error::Inconsistent(e.to_string()))
}

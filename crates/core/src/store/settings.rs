//! Settings read at every level: this device's identity (`local_state`, never synced) and the
//! shop's synced settings (`settings`, JSON values), with the sync configuration flag.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{credential, keys, local_get, Store};
use crate::error::{Error, Result};
use crate::ids::TechnicianId;

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
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(raw.and_then(|s| serde_json::from_str(&s).ok()))
}

/// A setting's value as stored: JSON text in a JSON string.
pub(crate) fn to_json_text<T: Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_string(v)
        .map(serde_json::Value::String)
        .map_err(|e| Error::Inconsistent(e.to_string()))
}

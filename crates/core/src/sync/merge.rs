//! The merge rules, in one place, used by the hub (to apply pushed mutations) and by devices (to
//! decide whether a pulled value beats a local change still waiting to be pushed).
//!
//! Per kind of record (see ../shared/ARCHITECTURE.md, "Sync"):
//! - every field: last writer wins, ordered by (hybrid logical clock, device id); a concurrent
//!   write that loses, or is overwritten, is kept as a conflict for review;
//! - time entries: append-only; only the device that opened an entry may close it;
//! - signed reports: write-once, any later edit is refused;
//! - tickets: a status change must be a legal move from the hub's current status;
//! - deletes: tombstones (the row stays known as deleted; later edits to it are refused).
//! Clocks: a mutation stamped far in the future is clamped to the hub's time and flagged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Who set a field's current value, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldVersion {
    pub hlc: i64,
    pub device: String,
    /// The server sequence of the change that set it.
    pub seq: i64,
}

/// A row as the hub holds it: current values, each with its version, or a tombstone.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RowState {
    pub fields: Map<String, Value>,
    pub versions: BTreeMap<String, FieldVersion>,
    /// Set once the row is deleted (the tombstone's version).
    pub deleted: Option<FieldVersion>,
    /// The device that inserted the row.
    pub origin_device: String,
}

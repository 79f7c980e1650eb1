//! The wire protocol between a device and the office hub (JSON over HTTPS).
//!
//! Endpoints (all under `/v1`, JSON bodies, `Authorization: Bearer <token>` except where noted):
//! - `GET  /v1/health` (no auth) → [`Health`]
//! - `POST /v1/enrol` (no auth; the enrolment code is the credential) [`EnrolRequest`] → [`EnrolResponse`]
//! - `POST /v1/push` [`PushRequest`] → [`PushResponse`]
//! - `GET  /v1/changes?after=N&limit=M` → [`PullResponse`]
//! - `GET  /v1/snapshot` → NDJSON: one [`SnapshotHeader`] line, [`SnapshotRow`] lines, one
//!   [`SnapshotEnd`] line
//! - `POST /v1/extra-time` [`ExtraTimeRequest`] → [`ExtraTimeGrant`] (a technician's device
//!   has the hub check a client's extra-time PIN)
//! - admin role only: `POST /v1/admin/enrolment-codes` [`NewEnrolmentCode`] → [`EnrolmentCode`],
//!   `GET /v1/admin/devices` → `Vec<DeviceInfo>`, `POST /v1/admin/devices/{id}/revoke` → [`DeviceInfo`]
//!
//! Every error answer is an [`ErrorBody`] with a stable code (see [`wire_code`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The version of this protocol; bumped only on incompatible changes.
pub const PROTOCOL_VERSION: u32 = 1;

/// The oldest device schema a hub built from this source accepts. A device below it is told to
/// upgrade (HTTP 426, `UPGRADE_REQUIRED`) and nothing of its batch is applied.
pub const MIN_CLIENT_SCHEMA: i64 = 9;

/// Largest number of mutations in one push; larger batches are refused with `BATCH_TOO_LARGE`.
pub const MAX_BATCH: usize = 2_000;

/// Largest page of a pull.
pub const MAX_PULL_PAGE: i64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Insert,
    Update,
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
    pub fn parse(s: &str) -> Option<Op> {
        match s {
            "insert" => Some(Op::Insert),
            "update" => Some(Op::Update),
            "delete" => Some(Op::Delete),
            _ => None,
        }
    }
}

/// One entry of a device's change log, as pushed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub mutation_id: String,
    pub entity: String,
    pub entity_id: String,
    pub op: Op,
    /// Column → new value (all columns for an insert, the changed ones for an update).
    pub fields: Map<String, Value>,
    /// The device's hybrid logical clock when it made the change.
    pub hlc: i64,
    pub device_id: String,
    pub recorded_at: String,
    /// The hub sequence the device had pulled up to when it made the change: a value the hub
    /// set after it was unseen by the device, so overwriting it is a concurrent edit (a conflict).
    #[serde(default)]
    pub base_seq: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    /// The device's database schema version (its latest migration).
    pub schema_version: i64,
    pub mutations: Vec<Mutation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Applied now (possibly with some fields losing to newer values: see `corrections`).
    Applied,
    /// Seen before: this is the stored result of the first application.
    Duplicate,
    /// Refused by a merge rule (`code` says which); nothing of it was applied.
    Rejected,
}

/// The hub's current values for a row the device must put back (a field it wrote lost, or a
/// mutation was refused).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    pub entity: String,
    pub entity_id: String,
    /// Authoritative values for the fields concerned (empty when `deleted`).
    pub fields: Map<String, Value>,
    /// The row does not exist on the hub (deleted, or an insert that was refused).
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationResult {
    pub mutation_id: String,
    pub outcome: Outcome,
    /// The server sequence of the change it produced, when it produced one.
    pub server_seq: Option<i64>,
    /// Why it was refused (`REPORT_SIGNED`, `ILLEGAL_TRANSITION`, `NOT_OWNER`, ...).
    pub code: Option<String>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<MutationResult>,
    /// The hub's clock, which the device merges into its own.
    pub hub_hlc: i64,
    /// Set when the device's clock is ahead of the hub's by more than the allowed skew: its
    /// timestamps were clamped to the hub's time.
    pub clock_skew_ms: Option<i64>,
}

/// A change as the hub stores and serves it: what survived the merge, in commit order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerChange {
    pub server_seq: i64,
    pub mutation_id: String,
    pub entity: String,
    pub entity_id: String,
    pub op: Op,
    pub fields: Map<String, Value>,
    pub hlc: i64,
    pub device_id: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<ServerChange>,
    /// The cursor to ask from next time (the last `server_seq` served, or `after` when none).
    pub next_cursor: i64,
    /// More changes are waiting after `next_cursor`.
    pub more: bool,
}

/// First line of a snapshot stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotHeader {
    pub schema_version: i64,
    /// The server sequence the snapshot is consistent with: pull after it.
    pub cursor: i64,
}

/// Last line of a snapshot stream: a stream cut before it is incomplete.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotEnd {
    pub end_rows: u64,
}

/// One live row of a snapshot (rows come parents first: clients before their tickets...).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotRow {
    pub entity: String,
    pub entity_id: String,
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A technician's laptop: their own time, interventions, tickets, clients' contact data.
    Technician,
    /// The office: every data write (approvals, deletions, billing terms, shop settings).
    Office,
    /// The office plus the hub's administration (enrolment codes, devices, revocation).
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Technician => "technician",
            Role::Office => "office",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "technician" => Some(Role::Technician),
            "office" => Some(Role::Office),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub device_id: String,
    /// The device's short code (MR), for the admin's list.
    pub device_code: String,
    pub name: String,
    /// The technician this device is set up for (its id and code), when it has one: the hub
    /// refuses the enrolment with `TECHNICIAN_CODE_TAKEN` when another technician of the shop
    /// already has that code (or another enrolled device claimed it for another technician).
    /// Absent for a device joining from the hub (it picks its technician after the snapshot)
    /// and from older devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technician_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technician_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub device_id: String,
    /// The device's credential: shown once, stored hashed on the hub.
    pub token: String,
    pub role: Role,
    pub hub_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewEnrolmentCode {
    pub role: Role,
    /// Minutes before the code expires (default 24 hours).
    pub valid_minutes: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolmentCode {
    pub code: String,
    pub role: Role,
    pub expires_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceInfo {
    pub device_id: String,
    pub device_code: String,
    pub name: String,
    pub role: Role,
    pub enrolled_at: String,
    pub last_seen_at: Option<String>,
    pub revoked_at: Option<String>,
    /// Set when the device's clock was found far ahead of the hub's.
    pub clock_skew_flagged_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub protocol: u32,
    pub schema_version: i64,
    pub storage: String,
}

/// A technician's device asks the hub to check a client's extra-time PIN for a ticket under a
/// contract (the governing SLA contract the device chose).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExtraTimeRequest {
    pub ticket_id: String,
    pub contract_id: String,
    pub pin: String,
}

/// The hub's answer to a right PIN: a grant the device writes with the ticket's `extra_time`
/// (column `extra_time_grant`); the hub refuses a technician's `extra_time` without a grant of
/// its own for that ticket (`EXTRA_TIME_NOT_GRANTED`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExtraTimeGrant {
    pub grant: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// Stable codes the hub answers with.
pub mod wire_code {
    pub const MALFORMED_BODY: &str = "MALFORMED_BODY";
    pub const BODY_TOO_LARGE: &str = "BODY_TOO_LARGE";
    pub const BATCH_TOO_LARGE: &str = "BATCH_TOO_LARGE";
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const DEVICE_REVOKED: &str = "DEVICE_REVOKED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const ENROLMENT_CODE_INVALID: &str = "ENROLMENT_CODE_INVALID";
    /// `POST /v1/enrol` with a device code (MR...) another enrolled device already uses: the
    /// device tries MR2, MR3...
    pub const DEVICE_CODE_TAKEN: &str = "DEVICE_CODE_TAKEN";
    /// `POST /v1/enrol` for a device set up with a technician code that another technician of
    /// the shop already has: the device should join the shop from the hub and pick that
    /// technician instead of bringing a second one.
    pub const TECHNICIAN_CODE_TAKEN: &str = "TECHNICIAN_CODE_TAKEN";
    pub const UPGRADE_REQUIRED: &str = "UPGRADE_REQUIRED";
    pub const HUB_TOO_OLD: &str = "HUB_TOO_OLD";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const STORAGE: &str = "STORAGE";
    // Per-mutation refusals (MutationResult.code).
    pub const REPORT_SIGNED: &str = "REPORT_SIGNED";
    /// An edit of a quote already accepted or refused.
    pub const QUOTE_FINAL: &str = "QUOTE_FINAL";
    pub const ILLEGAL_TRANSITION: &str = "ILLEGAL_TRANSITION";
    pub const NOT_OWNER: &str = "NOT_OWNER";
    pub const APPEND_ONLY: &str = "APPEND_ONLY";
    pub const ROW_DELETED: &str = "ROW_DELETED";
    pub const UNKNOWN_ENTITY: &str = "UNKNOWN_ENTITY";
    pub const DEVICE_MISMATCH: &str = "DEVICE_MISMATCH";
    pub const SUPERSEDED: &str = "SUPERSEDED";
    // Refused by the validator (`validate::check_mutation`) or the role rules: never applied,
    // logged under `refusals`.
    pub const INVALID_ID: &str = "INVALID_ID";
    pub const INVALID_CLOCK: &str = "INVALID_CLOCK";
    pub const BASE_SEQ_AHEAD: &str = "BASE_SEQ_AHEAD";
    pub const TOO_LONG: &str = "TOO_LONG";
    pub const TOO_MANY_FIELDS: &str = "TOO_MANY_FIELDS";
    pub const UNKNOWN_FIELD: &str = "UNKNOWN_FIELD";
    pub const MISSING_FIELD: &str = "MISSING_FIELD";
    pub const WRONG_TYPE: &str = "WRONG_TYPE";
    pub const BAD_ENUM: &str = "BAD_ENUM";
    pub const BAD_NUMBER: &str = "BAD_NUMBER";
    pub const FOREIGN_NUMBER: &str = "FOREIGN_NUMBER";
    pub const FORBIDDEN_ROLE: &str = "FORBIDDEN_ROLE";
    pub const REPORT_HASH_MISMATCH: &str = "REPORT_HASH_MISMATCH";
    /// A technician's device set a ticket's `extra_time` without a valid grant of the hub for
    /// that ticket (the PIN is checked by the hub for technicians).
    pub const EXTRA_TIME_NOT_GRANTED: &str = "EXTRA_TIME_NOT_GRANTED";
    // `POST /v1/extra-time`.
    /// The PIN is not the contract's (the try is counted and logged).
    pub const WRONG_PIN: &str = "WRONG_PIN";
    /// Too many wrong PINs for this ticket lately (`Retry-After` says how long to wait).
    pub const PIN_LOCKED: &str = "PIN_LOCKED";
    /// The contract does not allow extra time, has no PIN, is not the ticket's client's, or is
    /// unknown to the hub.
    pub const EXTRA_TIME_NOT_ALLOWED: &str = "EXTRA_TIME_NOT_ALLOWED";
    /// A connection past the hub's per-address cap (closed at once, before TLS: the code is the
    /// hub's log's).
    pub const TOO_MANY_CONNECTIONS: &str = "TOO_MANY_CONNECTIONS";
}

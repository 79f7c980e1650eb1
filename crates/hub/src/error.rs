//! One error type for the hub. Every variant has a stable wire code (the `code` of
//! [`ErrorBody`]) and an HTTP status; the CLI prints the same code and exits non-zero.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapportino_model::protocol::{wire_code, ErrorBody};

use crate::log_text::Escaped;

/// Codes the hub answers with that are not (yet) in `protocol::wire_code`.
pub mod hub_code {
    /// `POST /v1/enrol` for a device id that is already enrolled (a device keeps its identity;
    /// enrolling it again would let a code take over another device's id).
    pub const DEVICE_ALREADY_ENROLLED: &str = "DEVICE_ALREADY_ENROLLED";
    /// `POST /v1/enrol` with a device code (MR...) another enrolled device already uses (the
    /// same text as `wire_code::DEVICE_CODE_TAKEN`, which devices match on).
    pub const DEVICE_CODE_TAKEN: &str = super::wire_code::DEVICE_CODE_TAKEN;
    pub const NOT_IMPLEMENTED: &str = "NOT_IMPLEMENTED";
    pub const INTERNAL: &str = "INTERNAL";
    /// Bad configuration: storage URL, TLS files, listen address (CLI and start-up only).
    pub const CONFIG: &str = "CONFIG";
    /// 503 with `Retry-After`: every snapshot stream (or the request's time) is taken; the
    /// device tries again later.
    pub const HUB_BUSY: &str = "HUB_BUSY";
    /// 408: the request (its body) did not arrive in time; the connection is closed.
    pub const REQUEST_TIMEOUT: &str = "REQUEST_TIMEOUT";
    /// The storage is locked by another process (or transaction) for longer than the hub
    /// waits: the admin commands refuse to run; a request gets 503 with `Retry-After`.
    pub const STORAGE_BUSY: &str = "STORAGE_BUSY";
    /// 429 with `Retry-After`: a monitoring webhook source posted more than its rate allows.
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    /// `release add`: the version, signature or package was refused (nothing stored).
    pub const RELEASE_INVALID: &str = "RELEASE_INVALID";
}

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("malformed request: {0}")]
    MalformedBody(String),
    #[error("request body too large (limit {limit} bytes)")]
    BodyTooLarge { limit: usize },
    #[error("batch of {len} mutations is over the limit of {max}")]
    BatchTooLarge { len: usize, max: usize },
    #[error("{0}")]
    Unauthenticated(String),
    #[error("this device has been revoked")]
    DeviceRevoked,
    #[error("this endpoint needs the admin role")]
    Forbidden,
    #[error("the enrolment code is unknown, used or expired")]
    EnrolmentCodeInvalid,
    #[error("device {0} is already enrolled")]
    DeviceAlreadyEnrolled(String),
    #[error("device code {0} is used by another device")]
    DeviceCodeTaken(String),
    #[error(
        "technician code {code} is {holder}: set this computer up from the hub instead (join \
         the existing shop and pick that technician)"
    )]
    TechnicianCodeTaken { code: String, holder: String },
    #[error("device schema {client} is older than the oldest this hub accepts ({min}): upgrade Rapportino")]
    UpgradeRequired { client: i64, min: i64 },
    #[error("device schema {client} is newer than this hub knows ({hub}): upgrade the hub")]
    HubTooOld { client: i64, hub: i64 },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("storage error: {0}")]
    Storage(String),
    #[error("not implemented: {0}")]
    NotImplemented(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("the hub is busy ({what}): try again in {retry_after_secs} s")]
    Busy { what: String, retry_after_secs: u64 },
    #[error("request timed out: {0}")]
    Timeout(String),
    #[error("the storage is locked by another process or transaction: {0}")]
    StorageBusy(String),
    #[error("the extra-time PIN is wrong")]
    WrongPin,
    #[error("too many wrong extra-time PINs for this ticket: try again in {} min", retry_after_secs.div_ceil(60))]
    PinLocked { retry_after_secs: u64 },
    #[error("extra time not allowed: {0}")]
    ExtraTimeNotAllowed(String),
    #[error("too many requests from this source: try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("release refused: {0}")]
    ReleaseInvalid(String),
}

impl HubError {
    /// The stable code (also printed by the CLI).
    pub fn code(&self) -> &'static str {
        match self {
            HubError::MalformedBody(_) => wire_code::MALFORMED_BODY,
            HubError::BodyTooLarge { .. } => wire_code::BODY_TOO_LARGE,
            HubError::BatchTooLarge { .. } => wire_code::BATCH_TOO_LARGE,
            HubError::Unauthenticated(_) => wire_code::UNAUTHENTICATED,
            HubError::DeviceRevoked => wire_code::DEVICE_REVOKED,
            HubError::Forbidden => wire_code::FORBIDDEN,
            HubError::EnrolmentCodeInvalid => wire_code::ENROLMENT_CODE_INVALID,
            HubError::DeviceAlreadyEnrolled(_) => hub_code::DEVICE_ALREADY_ENROLLED,
            HubError::DeviceCodeTaken(_) => hub_code::DEVICE_CODE_TAKEN,
            HubError::TechnicianCodeTaken { .. } => wire_code::TECHNICIAN_CODE_TAKEN,
            HubError::UpgradeRequired { .. } => wire_code::UPGRADE_REQUIRED,
            HubError::HubTooOld { .. } => wire_code::HUB_TOO_OLD,
            HubError::NotFound(_) => wire_code::NOT_FOUND,
            HubError::Storage(_) => wire_code::STORAGE,
            HubError::NotImplemented(_) => hub_code::NOT_IMPLEMENTED,
            HubError::Internal(_) => hub_code::INTERNAL,
            HubError::Config(_) => hub_code::CONFIG,
            HubError::Busy { .. } => hub_code::HUB_BUSY,
            HubError::Timeout(_) => hub_code::REQUEST_TIMEOUT,
            HubError::StorageBusy(_) => hub_code::STORAGE_BUSY,
            HubError::WrongPin => wire_code::WRONG_PIN,
            HubError::PinLocked { .. } => wire_code::PIN_LOCKED,
            HubError::ExtraTimeNotAllowed(_) => wire_code::EXTRA_TIME_NOT_ALLOWED,
            HubError::RateLimited { .. } => hub_code::RATE_LIMITED,
            HubError::ReleaseInvalid(_) => hub_code::RELEASE_INVALID,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            HubError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            HubError::BodyTooLarge { .. } | HubError::BatchTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            HubError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            HubError::DeviceRevoked | HubError::Forbidden | HubError::EnrolmentCodeInvalid => {
                StatusCode::FORBIDDEN
            }
            HubError::DeviceAlreadyEnrolled(_)
            | HubError::DeviceCodeTaken(_)
            | HubError::TechnicianCodeTaken { .. } => StatusCode::CONFLICT,
            HubError::UpgradeRequired { .. } => StatusCode::UPGRADE_REQUIRED,
            // The device is fine; the hub must be upgraded before it can take this batch.
            HubError::HubTooOld { .. } => StatusCode::CONFLICT,
            HubError::NotFound(_) => StatusCode::NOT_FOUND,
            HubError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            HubError::Storage(_) | HubError::Internal(_) | HubError::Config(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            HubError::Busy { .. } | HubError::StorageBusy(_) => StatusCode::SERVICE_UNAVAILABLE,
            HubError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            HubError::WrongPin => StatusCode::FORBIDDEN,
            HubError::PinLocked { .. } => StatusCode::TOO_MANY_REQUESTS,
            HubError::ExtraTimeNotAllowed(_) => StatusCode::CONFLICT,
            HubError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            HubError::ReleaseInvalid(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// Seconds a device should wait before trying again (sent as `Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            HubError::Busy {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            HubError::StorageBusy(_) => Some(STORAGE_RETRY_AFTER_SECS),
            HubError::PinLocked { retry_after_secs }
            | HubError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let message = match self {
            // Details of server-side failures go to the log, not to the device.
            HubError::Storage(_) => "the hub's storage failed; try again later".to_string(),
            HubError::Internal(_) => "internal error; try again later".to_string(),
            HubError::StorageBusy(_) => "the hub's storage is busy; try again shortly".to_string(),
            other => other.to_string(),
        };
        ErrorBody {
            code: self.code().to_string(),
            message,
        }
    }
}

/// `Retry-After` of a [`HubError::StorageBusy`] answer.
const STORAGE_RETRY_AFTER_SECS: u64 = 5;

impl HubError {
    /// The answer for this error, without consuming it.
    pub fn to_response(&self) -> Response {
        let status = self.status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(code = self.code(), error = %Escaped(self), "request refused: busy");
        } else if status.is_server_error() {
            tracing::error!(code = self.code(), error = %Escaped(self), "request failed");
        }
        let mut response = (status, Json(self.body())).into_response();
        if let Some(secs) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        self.to_response()
    }
}

impl From<rusqlite::Error> for HubError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match e.sqlite_error_code() {
            // The busy timeout ran out: another process holds the lock.
            Some(DatabaseBusy | DatabaseLocked) => HubError::StorageBusy(format!("sqlite: {e}")),
            _ => HubError::Storage(format!("sqlite: {e}")),
        }
    }
}

impl From<postgres::Error> for HubError {
    fn from(e: postgres::Error) -> Self {
        // `lock_timeout` ran out (the admin commands set one).
        if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) {
            return HubError::StorageBusy(format!("postgres: {e}"));
        }
        // The causes too: "error performing TLS handshake" alone does not say the certificate
        // was for another name.
        HubError::Storage(format!("postgres: {}", with_causes(&e)))
    }
}

/// An error's text followed by its causes' (`a: b: c`).
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// JSON columns of the hub's own tables (never request bodies: those map to `MalformedBody`).
impl From<serde_json::Error> for HubError {
    fn from(e: serde_json::Error) -> Self {
        HubError::Storage(format!("stored JSON: {e}"))
    }
}

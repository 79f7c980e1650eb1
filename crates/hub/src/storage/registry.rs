//! Devices and enrolment codes: each operation is its own short transaction (they are rare next
//! to pushes and pulls). Secrets never reach storage: codes and tokens are stored as SHA-256.

use rapportino_model::protocol::{DeviceInfo, Role};

use crate::error::HubError;

/// What authentication needs to know about a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuth {
    pub device_id: String,
    pub device_code: String,
    pub role: Role,
    /// SHA-256 of the device's token, hex.
    pub token_hash: String,
    pub revoked: bool,
}

/// A write the hub refused (a signed report edited, an illegal ticket move...).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refusal {
    pub at: String,
    pub device_id: String,
    pub mutation_id: String,
    pub code: String,
    pub detail: String,
}

/// A device being enrolled.
#[derive(Debug, Clone)]
pub struct NewDevice {
    pub device_id: String,
    pub device_code: String,
    pub name: String,
    pub token_hash: String,
}

pub trait Registry: Send + Sync {
    /// Stores a new enrolment code (by its hash).
    fn insert_code(
        &self,
        code_hash: &str,
        role: Role,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), HubError>;

    /// In one transaction: checks that the code is known, unused and not expired at `now`,
    /// that the device id is new or revoked and the device code is not another device's, marks
    /// the code used and registers the device with the code's role (a revoked device is
    /// re-enrolled with a new token). Nothing changes when it fails.
    fn enrol(&self, code_hash: &str, now: &str, device: &NewDevice) -> Result<Role, HubError>;

    fn device_auth(&self, device_id: &str) -> Result<Option<DeviceAuth>, HubError>;

    /// Sets `last_seen_at`.
    fn touch(&self, device_id: &str, now: &str) -> Result<(), HubError>;

    /// Every device ever enrolled, revoked ones included, by enrolment time.
    fn devices(&self) -> Result<Vec<DeviceInfo>, HubError>;

    /// Revokes a device (its token stops working at once). Revoking twice keeps the first
    /// time. `None` when the device is unknown.
    fn revoke(&self, device_id: &str, now: &str) -> Result<Option<DeviceInfo>, HubError>;

    /// The latest refused writes, newest first.
    fn refusals(&self, limit: i64) -> Result<Vec<Refusal>, HubError>;
}

/// An enrolment code as stored.
pub(crate) struct CodeRow {
    pub role: String,
    pub expires_at: String,
    pub used_at: Option<String>,
}

/// The rule both engines apply inside their enrolment transaction.
pub(crate) fn check_enrolment(
    code: Option<CodeRow>,
    now: &str,
    existing_device: Option<bool>,
    device_code_taken: bool,
    device: &NewDevice,
) -> Result<Role, HubError> {
    let code = code.ok_or(HubError::EnrolmentCodeInvalid)?;
    // Instants are fixed-width RFC 3339 UTC text: comparing the text compares the instants.
    if code.used_at.is_some() || code.expires_at.as_str() <= now {
        return Err(HubError::EnrolmentCodeInvalid);
    }
    let role = parse_role(&code.role)?;
    // A revoked device may come back with a new code from the admin (a laptop found again, a
    // database restored): it gets a new token, the old one stays dead. An active device keeps
    // its enrolment: a code must not take over a device that is in use.
    if existing_device == Some(false) {
        return Err(HubError::DeviceAlreadyEnrolled(device.device_id.clone()));
    }
    if device_code_taken {
        return Err(HubError::DeviceCodeTaken(device.device_code.clone()));
    }
    Ok(role)
}

pub(crate) fn parse_role(s: &str) -> Result<Role, HubError> {
    Role::parse(s).ok_or_else(|| HubError::Storage(format!("unknown role {s:?} in storage")))
}

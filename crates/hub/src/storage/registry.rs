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
    /// Whether the device made an authenticated request since it was (last) enrolled.
    pub seen_since_enrolment: bool,
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
    /// The technician the device is set up for, when it says (see [`technician_code_holder`]).
    pub technician: Option<TechnicianClaim>,
}

/// A technician a device is set up for, as it enrols: its id and its code (upper case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechnicianClaim {
    pub id: String,
    pub code: String,
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

    /// In one transaction: checks the code and the device by [`check_enrolment`] (the
    /// technician's code by [`technician_code_holder`], against the shop's technician rows and
    /// the claims of the other enrolled devices), marks the code used, registers the device with
    /// the code's role and `device.token_hash` (a revoked device is re-enrolled with a new token;
    /// a retry replaces the token the lost answer carried) and records its technician claim.
    /// Nothing changes when it fails.
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
    /// The device that used it.
    pub used_by: Option<String>,
}

/// The device id of an enrolment, when the hub already knows it.
pub(crate) struct KnownDevice {
    pub revoked: bool,
    pub enrolled_at: String,
    /// `last_seen_at >= enrolled_at`: an authenticated request since it was enrolled.
    pub seen_since_enrolment: bool,
}

/// What the engine writes when [`check_enrolment`] lets an enrolment through.
#[derive(Debug)]
pub(crate) struct Enrolment {
    pub role: Role,
    /// `used_at` of the code and `enrolled_at` of the device: now, or for a retry the time of
    /// the first use (so a second retry is still recognised).
    pub at: String,
}

/// The rule both engines apply inside their enrolment transaction.
///
/// A code is single use, with an expiry. One exception makes enrolment idempotent for a retry:
/// when the device's request reached the hub but the answer (its token) was lost, the device
/// sends the same code with the same device id again. That is accepted, within the code's
/// validity, when the code was used by this very device id, the device's current enrolment is
/// the one that code made (`enrolled_at` = the code's `used_at`), it is not revoked, and it has
/// not been seen since (no authenticated request: it cannot have had the token). The device gets
/// a new token; the lost one stops working.
///
/// Then the codes the device brings: its technician's code must not be another technician's
/// (`technician_holder`, from [`technician_code_holder`]: `TECHNICIAN_CODE_TAKEN`), and its
/// device code must be free (`DEVICE_CODE_TAKEN`).
pub(crate) fn check_enrolment(
    code: Option<CodeRow>,
    now: &str,
    existing_device: Option<KnownDevice>,
    device_code_taken: bool,
    technician_holder: Option<String>,
    device: &NewDevice,
) -> Result<Enrolment, HubError> {
    let enrolment = check_code_and_device(code, now, existing_device, device)?;
    // The technician first: a device set up as a second copy of a technician usually took the
    // technician's device code too, and joining from the hub is the answer to both.
    if let (Some(holder), Some(claim)) = (technician_holder, &device.technician) {
        return Err(HubError::TechnicianCodeTaken {
            code: claim.code.clone(),
            holder,
        });
    }
    // The hub's own code numbers the tickets its intake opens (`T-2026-HUB-0001`).
    if device_code_taken || device.device_code == crate::intake::HUB_CODE {
        return Err(HubError::DeviceCodeTaken(device.device_code.clone()));
    }
    Ok(enrolment)
}

fn check_code_and_device(
    code: Option<CodeRow>,
    now: &str,
    existing_device: Option<KnownDevice>,
    device: &NewDevice,
) -> Result<Enrolment, HubError> {
    let code = code.ok_or(HubError::EnrolmentCodeInvalid)?;
    // Instants are fixed-width RFC 3339 UTC text: comparing the text compares the instants.
    if code.expires_at.as_str() <= now {
        return Err(HubError::EnrolmentCodeInvalid);
    }
    let role = parse_role(&code.role)?;
    if let Some(used_at) = code.used_at {
        let retry = code.used_by.as_deref() == Some(device.device_id.as_str())
            && existing_device
                .is_some_and(|d| !d.revoked && d.enrolled_at == used_at && !d.seen_since_enrolment);
        if !retry {
            return Err(HubError::EnrolmentCodeInvalid);
        }
        return Ok(Enrolment { role, at: used_at });
    }
    // A revoked device may come back with a new code from the admin (a laptop found again, a
    // database restored): it gets a new token, the old one stays dead. An active device keeps
    // its enrolment: a code must not take over a device that is in use.
    if existing_device.is_some_and(|d| !d.revoked) {
        return Err(HubError::DeviceAlreadyEnrolled(device.device_id.clone()));
    }
    Ok(Enrolment {
        role,
        at: now.to_owned(),
    })
}

/// Technician codes are unique across the shop (each device's database has a unique index on
/// them): who else holds the code of the technician a device enrols for, if anyone — a
/// technician row of the shop with that code and another id (`rows`: the live `technician`
/// rows, id and fields JSON), or another enrolled, not revoked device that enrolled for another
/// technician with that code and may not have pushed it yet (`claims`: their technician id,
/// technician code and device code). `None` when the device names no technician (a device
/// joining from the hub, an older device) or nobody else has the code. The answer says who, for
/// the refusal's message.
pub(crate) fn technician_code_holder(
    claim: Option<&TechnicianClaim>,
    rows: impl IntoIterator<Item = (String, String)>,
    claims: impl IntoIterator<Item = (String, String, String)>,
) -> Result<Option<String>, HubError> {
    let Some(claim) = claim else {
        return Ok(None);
    };
    let same = |code: &str| code.trim().eq_ignore_ascii_case(&claim.code);
    for (id, fields) in rows {
        if id == claim.id {
            continue;
        }
        let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&fields)?;
        if fields
            .get("code")
            .and_then(serde_json::Value::as_str)
            .is_some_and(same)
        {
            let name = fields.get("name").and_then(serde_json::Value::as_str);
            return Ok(Some(match name.map(str::trim).filter(|n| !n.is_empty()) {
                Some(n) => format!("the code of {n:?}, another technician of this shop"),
                None => "the code of another technician of this shop".to_owned(),
            }));
        }
    }
    for (technician_id, code, device_code) in claims {
        if technician_id != claim.id && same(&code) {
            return Ok(Some(format!(
                "taken by device {device_code:?}, enrolled with this hub for another technician \
                 (if that device is gone, revoke it first)"
            )));
        }
    }
    Ok(None)
}

pub(crate) fn parse_role(s: &str) -> Result<Role, HubError> {
    Role::parse(s).ok_or_else(|| HubError::Storage(format!("unknown role {s:?} in storage")))
}

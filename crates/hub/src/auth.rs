//! Enrolment codes, device tokens and the check every authenticated request goes through.
//!
//! - An enrolment code is 16 characters of a 32-letter alphabet without look-alikes (80 bits),
//!   shown as `ABCD-EFGH-JKLM-NPQR`, single use, with an expiry. Typing is forgiving: case,
//!   spaces and dashes do not matter. A retry by the same device whose answer was lost (it has
//!   not used its token yet) is accepted within the expiry, with a new token.
//! - A device token is `<device_id>.<64 hex digits>` (32 random bytes). The hub stores only the
//!   SHA-256 of codes and tokens, and compares digests in constant time.

use crate::storage::format_instant;
use chrono::{DateTime, Duration, Utc};
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;
use rand::Rng;
use rapportino_model::protocol::{EnrolRequest, EnrolResponse, EnrolmentCode, Role};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::HubError;
use crate::log_text::Escaped;
use crate::storage::{NewDevice, Storage, TechnicianClaim};

/// A device the request was authenticated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthedDevice {
    pub device_id: String,
    pub device_code: String,
    pub role: Role,
}

const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 16;
pub const DEFAULT_CODE_MINUTES: i64 = 24 * 60;
pub const MAX_CODE_MINUTES: i64 = 30 * 24 * 60;

/// SHA-256, hex.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A fresh enrolment code, grouped for reading aloud.
pub fn new_enrolment_code() -> String {
    let mut bytes = [0u8; CODE_LEN];
    UnwrapErr(SysRng).fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(b & 31)]))
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The canonical form of a typed code (upper case, no separators), or `None` when it cannot be
/// one.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b));
    valid.then_some(code)
}

/// Creates an enrolment code for `role`, valid `valid_minutes` (default a day, at most 30 days).
pub fn create_code(
    storage: &Storage,
    role: Role,
    valid_minutes: Option<i64>,
    now: DateTime<Utc>,
) -> Result<EnrolmentCode, HubError> {
    let minutes = valid_minutes.unwrap_or(DEFAULT_CODE_MINUTES);
    if !(1..=MAX_CODE_MINUTES).contains(&minutes) {
        return Err(HubError::MalformedBody(format!(
            "valid_minutes must be between 1 and {MAX_CODE_MINUTES}"
        )));
    }
    let code = new_enrolment_code();
    let canonical = normalise_code(&code)
        .ok_or_else(|| HubError::Internal("generated code does not normalise".into()))?;
    let expires_at = format_instant(now + Duration::minutes(minutes));
    storage.registry().insert_code(
        &hash_secret(&canonical),
        role,
        &format_instant(now),
        &expires_at,
    )?;
    Ok(EnrolmentCode {
        code,
        role,
        expires_at,
    })
}

fn check_text(
    field: &str,
    value: &str,
    max: usize,
    ok: impl Fn(char) -> bool,
) -> Result<(), HubError> {
    let len = value.chars().count();
    if len == 0 || len > max || !value.chars().all(ok) {
        return Err(HubError::MalformedBody(format!(
            "{field} must be 1 to {max} characters of the allowed set"
        )));
    }
    Ok(())
}

/// Registers the device with a valid code and gives it its token (shown once). A retry of the
/// same code by the same device that has not used its token yet (the answer was lost) gets a
/// new token instead of a refusal: see `storage::registry::check_enrolment`. A device set up
/// for a technician whose code another technician of the shop has is refused
/// (`TECHNICIAN_CODE_TAKEN`): it should join the shop from the hub instead.
pub fn enrol(
    storage: &Storage,
    req: &EnrolRequest,
    now: DateTime<Utc>,
) -> Result<EnrolResponse, HubError> {
    check_text("device_id", &req.device_id, 64, |c| {
        c.is_ascii_alphanumeric() || c == '-' || c == '_'
    })?;
    check_text("device_code", &req.device_code, 16, |c| {
        c.is_ascii_alphanumeric()
    })?;
    let name = req.name.trim();
    check_text("name", name, 100, |c| !c.is_control())?;
    let technician = match (&req.technician_id, &req.technician_code) {
        (None, None) => None,
        (Some(id), Some(code)) => {
            check_text("technician_id", id, 64, |c| {
                c.is_ascii_alphanumeric() || c == '-' || c == '_'
            })?;
            let code = code.trim().to_ascii_uppercase();
            check_text("technician_code", &code, 16, |c| c.is_ascii_uppercase())?;
            Some(TechnicianClaim {
                id: id.clone(),
                code,
            })
        }
        _ => {
            return Err(HubError::MalformedBody(
                "technician_id and technician_code go together".into(),
            ))
        }
    };
    let code = normalise_code(&req.code).ok_or(HubError::EnrolmentCodeInvalid)?;

    let mut secret = [0u8; 32];
    UnwrapErr(SysRng).fill_bytes(&mut secret);
    let token = format!("{}.{}", req.device_id, hex::encode(secret));
    let device = NewDevice {
        device_id: req.device_id.clone(),
        device_code: req.device_code.clone(),
        name: name.to_string(),
        token_hash: hash_secret(&token),
        technician,
    };
    let role = storage
        .registry()
        .enrol(&hash_secret(&code), &format_instant(now), &device)?;
    tracing::info!(
        device = %Escaped(&req.device_id),
        device_code = %Escaped(&req.device_code),
        technician_code = %Escaped(req.technician_code.as_deref().unwrap_or("")),
        role = role.as_str(),
        "device enrolled"
    );
    Ok(EnrolResponse {
        device_id: req.device_id.clone(),
        token,
        role,
        hub_id: storage.hub_id().to_string(),
    })
}

/// Checks an `Authorization` header: `Bearer <device_id>.<secret>`.
/// Missing, malformed or wrong → `Unauthenticated`; a revoked device → `DeviceRevoked`.
pub fn authenticate(storage: &Storage, header: Option<&str>) -> Result<AuthedDevice, HubError> {
    let header = header.ok_or_else(|| HubError::Unauthenticated("no credential".into()))?;
    let token = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .ok_or_else(|| HubError::Unauthenticated("expected a Bearer token".into()))?;
    let (device_id, secret) = token
        .split_once('.')
        .ok_or_else(|| HubError::Unauthenticated("malformed token".into()))?;
    if device_id.is_empty() || secret.is_empty() {
        return Err(HubError::Unauthenticated("malformed token".into()));
    }
    let wrong = || HubError::Unauthenticated("unknown device or wrong token".into());
    let auth = storage
        .registry()
        .device_auth(device_id)?
        .ok_or_else(wrong)?;
    let presented = Sha256::digest(token.as_bytes());
    let stored = hex::decode(&auth.token_hash).map_err(|_| wrong())?;
    if !bool::from(presented.as_slice().ct_eq(stored.as_slice())) {
        return Err(wrong());
    }
    if auth.revoked {
        return Err(HubError::DeviceRevoked);
    }
    // The first use of a token is recorded at once (later ones at most once a minute, by the
    // routes): from then on a retry of its enrolment code is refused.
    if !auth.seen_since_enrolment {
        storage
            .registry()
            .touch(&auth.device_id, &crate::storage::now_text())?;
    }
    Ok(AuthedDevice {
        device_id: auth.device_id,
        device_code: auth.device_code,
        role: auth.role,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalise_and_hash_stably() {
        let code = new_enrolment_code();
        assert_eq!(code.len(), 19);
        let canonical = normalise_code(&code).expect("a generated code is valid");
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalise_code(&typed), Some(canonical.clone()));
        assert_eq!(hash_secret(&canonical).len(), 64);
        assert_eq!(normalise_code("ABCD-EFGH"), None);
        assert_eq!(normalise_code("0000-1111-IIII-OOOO"), None);
    }
}

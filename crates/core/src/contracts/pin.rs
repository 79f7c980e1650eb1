//! Extra-time PINs are stored as argon2id hashes (PHC strings), never in clear: a copied
//! database, a backup or a sync log does not reveal them, and guessing one from a stolen hash
//! costs a slow hash per try. Parameters (OWASP's minimum for argon2id): 19 MiB of memory,
//! 2 passes, 1 lane — about 20 ms a verification on a laptop. A PIN is 4 to 8 digits, so the
//! hash alone cannot protect it against a determined offline attacker (10⁴–10⁸ tries): the
//! defence in the app is the attempt limit below, and on the wire the roles: technician
//! devices never receive the hashes; the hub checks the PIN for them online (core's
//! `sync::extra_time`, the hub's `POST /v1/extra-time`) — see ARCHITECTURE.md. The
//! verification itself is the model crate's (`rapportino_model::pin`), shared with the hub.
//!
//! Hashes written before this version (`salt$sha256(salt:pin)`) still verify; the next PIN set
//! on the contract is stored as argon2id.
//!
//! Wrong attempts are limited per ticket (or per client when the PIN is given while opening a
//! ticket): after [`MAX_WRONG`] wrong PINs within [`WINDOW_MINUTES`], every try is refused with
//! `PIN_LOCKED` until the window has passed. The attempts are kept in `local_state` (this
//! device's, never synced) so that they survive a restart.

use argon2::password_hash::{PasswordHasher, SaltString};
use chrono::{DateTime, Duration, Utc};
use rapportino_model::pin::{argon2, is_well_formed};
pub use rapportino_model::pin::{verify_pin, MAX_WRONG, WINDOW_MINUTES};

use crate::error::{Code, Error, Result};
use crate::store::{local_get, local_set};

fn check_format(pin: &str) -> Result<()> {
    if !is_well_formed(pin) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "extra_time_pin",
            "a PIN is 4 to 8 digits",
        ));
    }
    Ok(())
}

/// The argon2id PHC string of `pin` with a salt of the given bytes. Public (as
/// `contracts::hash_pin_with_salt`) for the demo crate, which hashes each PIN once with a salt
/// from its seed so that its output is deterministic.
pub fn hash_with_salt(pin: &str, salt: &[u8; 16]) -> Result<String> {
    check_format(pin)?;
    let salt =
        SaltString::encode_b64(salt).map_err(|e| Error::Inconsistent(format!("PIN salt: {e}")))?;
    argon2()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Inconsistent(format!("PIN hash: {e}")))
}

/// The stored form of a new PIN, with a fresh random salt.
pub(crate) fn hash_new(pin: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::Rng::fill_bytes(
        &mut rand::rand_core::UnwrapErr(rand::rngs::SysRng),
        &mut salt,
    );
    hash_with_salt(pin, &salt)
}

/// Whether the hub checks extra-time PINs for this device: a technician's device enrolled with a
/// hub never holds the PIN hashes (the hub does not send them to the technician role).
pub(crate) fn checked_by_hub(conn: &rusqlite::Connection) -> Result<bool> {
    use crate::store::keys;
    Ok(local_get(conn, keys::HUB_URL)?.is_some()
        && local_get(conn, keys::ROLE)?.as_deref() == Some("technician"))
}

/// The error of a PIN that only the hub can check, here where it cannot be asked.
pub(crate) fn needs_hub(why: &str) -> Error {
    Error::invalid(
        Code::PinNeedsHub,
        "extra_time_pin",
        format!("on a technician's device the hub checks the extra-time PIN: {why}"),
    )
}

fn attempts_key(scope: &str) -> String {
    format!("pin_attempts.{scope}")
}

fn recent_wrong(conn: &rusqlite::Connection, scope: &str, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let since = (now - Duration::minutes(WINDOW_MINUTES)).timestamp();
    let stored = local_get(conn, &attempts_key(scope))?.unwrap_or_default();
    Ok(serde_json::from_str::<Vec<i64>>(&stored)
        .unwrap_or_default()
        .into_iter()
        .filter(|t| *t > since)
        .collect())
}

/// Refuses with `PIN_LOCKED` while `scope` (`ticket:<id>`, `client:<id>`) has had
/// [`MAX_WRONG`] wrong PINs within the window.
pub(crate) fn check_not_locked(
    conn: &rusqlite::Connection,
    scope: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let wrong = recent_wrong(conn, scope, now)?;
    if wrong.len() >= MAX_WRONG {
        let oldest = wrong.iter().min().copied().unwrap_or(now.timestamp());
        let wait = (oldest + WINDOW_MINUTES * 60 - now.timestamp()).max(60) / 60;
        return Err(Error::invalid(
            Code::PinLocked,
            "extra_time_pin",
            format!("{MAX_WRONG} wrong PINs in {WINDOW_MINUTES} minutes: try again in {wait} min"),
        ));
    }
    Ok(())
}

/// Records the outcome of a PIN check for `scope`: a wrong PIN is kept (with its time), a
/// right one clears the count. Called after the check's own transaction, so a refused write
/// still counts.
pub(crate) fn record<T>(
    conn: &rusqlite::Connection,
    scope: &str,
    now: DateTime<Utc>,
    outcome: &Result<T>,
) -> Result<()> {
    match outcome {
        Err(e) if e.code() == Code::WrongPin => {
            let mut wrong = recent_wrong(conn, scope, now)?;
            wrong.push(now.timestamp());
            let json = serde_json::to_string(&wrong).unwrap_or_else(|_| "[]".into());
            local_set(conn, &attempts_key(scope), &json)
        }
        Ok(_) => {
            conn.execute(
                "DELETE FROM local_state WHERE key = ?1",
                [attempts_key(scope)],
            )?;
            Ok(())
        }
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_verifies_only_itself() {
        let h = hash_new("4711").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_pin("4711", &h));
        assert!(!verify_pin("4712", &h));
        assert_ne!(hash_new("4711").unwrap(), h, "salted");
        assert_eq!(hash_new("12a4").unwrap_err().code(), Code::InvalidFormat);
    }

    #[test]
    fn hashes_of_earlier_versions_still_verify() {
        use sha2::{Digest, Sha256};
        let salt = "0123456789abcdef";
        let legacy = format!(
            "{salt}${}",
            hex::encode(Sha256::digest(format!("{salt}:4711").as_bytes()))
        );
        assert!(verify_pin("4711", &legacy));
        assert!(!verify_pin("4712", &legacy));
    }
}

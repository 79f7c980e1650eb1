//! Extra-time PINs: the verification shared by the devices that hold a contract's PIN hash
//! (office, admin, a device without a hub) and by the hub, which checks the PIN for technician
//! devices (they never receive the hash: see [`crate::reads`]).
//!
//! A PIN is stored as an argon2id PHC string (19 MiB, 2 passes, 1 lane: about 20 ms a
//! verification); hashes of earlier versions (`salt$sha256(salt:pin)`) still verify.

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// Wrong PINs allowed within [`WINDOW_MINUTES`] before tries are refused (`PIN_LOCKED`), on a
/// device and on the hub alike.
pub const MAX_WRONG: usize = 5;
pub const WINDOW_MINUTES: i64 = 15;

/// The argon2id instance PINs are hashed and verified with.
pub fn argon2() -> Argon2<'static> {
    // 19 MiB, 2 passes, 1 lane: valid constants, so `Params::new` cannot fail.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether `pin` matches a stored hash (argon2id, or the salted SHA-256 of earlier versions).
pub fn verify_pin(pin: &str, stored: &str) -> bool {
    let pin = pin.trim();
    if let Ok(hash) = PasswordHash::new(stored) {
        return argon2().verify_password(pin.as_bytes(), &hash).is_ok();
    }
    match stored.split_once('$') {
        Some((salt, hash)) => {
            let mut h = Sha256::new();
            h.update(salt.as_bytes());
            h.update(b":");
            h.update(pin.as_bytes());
            hex::encode(h.finalize()) == hash
        }
        None => false,
    }
}

/// A PIN as typed: 4 to 8 digits.
pub fn is_well_formed(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_of_earlier_versions_still_verify() {
        let salt = "0123456789abcdef";
        let legacy = format!(
            "{salt}${}",
            hex::encode(Sha256::digest(format!("{salt}:4711").as_bytes()))
        );
        assert!(verify_pin("4711", &legacy));
        assert!(!verify_pin("4712", &legacy));
        assert!(!verify_pin("4711", "not a hash"));
    }
}

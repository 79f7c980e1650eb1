//! Extra-time PINs are stored salted and hashed (SHA-256), never in clear: a copied database or
//! a sync log does not reveal them. A PIN is 4 to 8 digits.

use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Result};

fn digest(salt: &str, pin: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(b":");
    h.update(pin.as_bytes());
    hex::encode(h.finalize())
}

/// `salt$hash` for a new PIN.
pub(crate) fn hash_new(pin: &str) -> Result<String> {
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "extra_time_pin",
            "a PIN is 4 to 8 digits",
        ));
    }
    // A fresh UUIDv7 carries 74 random bits: enough to make equal PINs hash differently.
    let salt = uuid::Uuid::now_v7().simple().to_string();
    Ok(format!("{salt}${}", digest(&salt, pin)))
}

/// Whether `pin` matches a stored `salt$hash`.
pub fn verify_pin(pin: &str, stored: &str) -> bool {
    match stored.split_once('$') {
        Some((salt, hash)) => digest(salt, pin.trim()) == hash,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_verifies_only_itself() {
        let h = hash_new("4711").unwrap();
        assert!(verify_pin("4711", &h));
        assert!(!verify_pin("4712", &h));
        assert_ne!(hash_new("4711").unwrap(), h, "salted");
        assert_eq!(hash_new("12a4").unwrap_err().code(), Code::InvalidFormat);
    }
}

//! Extra-time grants: the hub's proof that it checked a client's extra-time PIN for a ticket
//! (`POST /v1/extra-time`). A technician's device never holds the PIN hash; it writes the grant
//! with the ticket's `extra_time`, and the hub accepts a technician's `extra_time` only with a
//! grant it made for that ticket.
//!
//! Form: `v1.<contract id>.<unix seconds>.<HMAC-SHA256, hex>`, the HMAC over
//! `extra-time|v1|<ticket id>|<contract id>|<seconds>` with the hub's grant key (32 random
//! bytes made with the hub's storage, kept in `hub_meta`, never synced nor sent). The ticket id
//! is not in the text: a grant copied onto another ticket does not verify.

use ring::hmac;

/// The grant made for `ticket_id` under `contract_id` at `issued` (unix seconds).
pub fn issue(key: &[u8], ticket_id: &str, contract_id: &str, issued: i64) -> String {
    let tag = hmac::sign(
        &key_of(key),
        message(ticket_id, contract_id, issued).as_bytes(),
    );
    format!("v1.{contract_id}.{issued}.{}", hex::encode(tag.as_ref()))
}

/// The contract id a grant was made under, when `grant` is the hub's own for `ticket_id`.
pub fn verify(key: &[u8], ticket_id: &str, grant: &str) -> Option<String> {
    let mut parts = grant.split('.');
    let (Some("v1"), Some(contract), Some(issued), Some(tag), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let issued: i64 = issued.parse().ok()?;
    let tag = hex::decode(tag).ok()?;
    hmac::verify(
        &key_of(key),
        message(ticket_id, contract, issued).as_bytes(),
        &tag,
    )
    .ok()?;
    Some(contract.to_owned())
}

fn key_of(key: &[u8]) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, key)
}

fn message(ticket_id: &str, contract_id: &str, issued: i64) -> String {
    format!("extra-time|v1|{ticket_id}|{contract_id}|{issued}")
}

/// A new grant key (hex of 32 random bytes).
pub fn new_key() -> String {
    let mut key = [0u8; 32];
    rand::Rng::fill_bytes(
        &mut rand::rand_core::UnwrapErr(rand::rngs::SysRng),
        &mut key,
    );
    hex::encode(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_verifies_only_for_its_ticket_and_key() {
        let key = [7u8; 32];
        let g = issue(&key, "t1", "k1", 1_765_000_000);
        assert!(g.len() <= 200, "fits the column: {g}");
        assert_eq!(verify(&key, "t1", &g).as_deref(), Some("k1"));
        assert_eq!(verify(&key, "t2", &g), None, "another ticket");
        assert_eq!(verify(&[8u8; 32], "t1", &g), None, "another hub");
        let forged = g.replace(".k1.", ".k2.");
        assert_eq!(verify(&key, "t1", &forged), None, "another contract");
        for junk in ["", "v1", "v1.k1.x.00", "v2.k1.1.00", &format!("{g}.x")] {
            assert_eq!(verify(&key, "t1", junk), None, "{junk}");
        }
    }
}

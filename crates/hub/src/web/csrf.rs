//! CSRF tokens of the public forms: a double-submit token signed by the hub and bound to a
//! cookie and a time.
//!
//! The browser gets a cookie (`rapportino_form`: 32 random hex characters, `HttpOnly`,
//! `SameSite=Strict`, `Secure` over TLS) and, in the form, the token
//! `v1.<unix seconds>.<nonce>.<HMAC-SHA256, hex>`, the HMAC over
//! `web-form|v1|<cookie>|<seconds>|<nonce>`. The key is derived from the hub's own secret key (32
//! random bytes made with the storage, kept in `hub_meta` beside the database, never synced nor
//! sent) with a label of its own, so a form token is never an extra-time grant or the reverse.
//! A post is accepted only with the cookie and a token made for that cookie within the token's
//! lifetime. The nonce is also the post's idempotency key: a double submit of one form makes
//! one request.

use rand::Rng;
use ring::hmac;

/// The cookie's name.
pub const COOKIE: &str = "rapportino_form";

/// Why a post's token is refused (the codes are stable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfError {
    /// No cookie, or no token.
    Missing,
    /// Not a token this hub made for this cookie.
    Invalid,
    /// Made for this cookie, but too long ago.
    Expired,
}

impl CsrfError {
    pub fn code(self) -> &'static str {
        match self {
            CsrfError::Missing => "CSRF_MISSING",
            CsrfError::Invalid => "CSRF_INVALID",
            CsrfError::Expired => "CSRF_EXPIRED",
        }
    }
}

/// The signing key and the tokens' lifetime.
pub struct Csrf {
    key: hmac::Key,
    ttl_secs: i64,
}

impl Csrf {
    /// Tokens signed with a key derived from the hub's secret `hub_key`, valid `ttl_secs`.
    pub fn new(hub_key: &[u8], ttl_secs: i64) -> Csrf {
        let derived = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, hub_key),
            b"rapportino|web-form-csrf|v1",
        );
        Csrf {
            key: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()),
            ttl_secs: ttl_secs.max(1),
        }
    }

    /// A new cookie value.
    pub fn new_cookie() -> String {
        random_hex()
    }

    /// A token for `cookie`, made at `now` (unix seconds).
    pub fn issue(&self, cookie: &str, now: i64) -> String {
        let nonce = random_hex();
        let tag = hmac::sign(&self.key, message(cookie, now, &nonce).as_bytes());
        format!("v1.{now}.{nonce}.{}", hex::encode(tag.as_ref()))
    }

    /// The token's nonce when `token` is this hub's for `cookie` and still valid at `now`.
    pub fn verify(
        &self,
        cookie: Option<&str>,
        token: Option<&str>,
        now: i64,
    ) -> Result<String, CsrfError> {
        let (Some(cookie), Some(token)) = (
            cookie.filter(|c| !c.is_empty()),
            token.map(str::trim).filter(|t| !t.is_empty()),
        ) else {
            return Err(CsrfError::Missing);
        };
        let mut parts = token.split('.');
        let (Some("v1"), Some(issued), Some(nonce), Some(tag), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(CsrfError::Invalid);
        };
        let issued: i64 = issued.parse().map_err(|_| CsrfError::Invalid)?;
        let tag = hex::decode(tag).map_err(|_| CsrfError::Invalid)?;
        if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CsrfError::Invalid);
        }
        hmac::verify(&self.key, message(cookie, issued, nonce).as_bytes(), &tag)
            .map_err(|_| CsrfError::Invalid)?;
        // A minute of clock slack forward; none past the lifetime.
        if issued > now + 60 {
            return Err(CsrfError::Invalid);
        }
        if now - issued > self.ttl_secs {
            return Err(CsrfError::Expired);
        }
        Ok(nonce.to_owned())
    }
}

fn message(cookie: &str, issued: i64, nonce: &str) -> String {
    format!("web-form|v1|{cookie}|{issued}|{nonce}")
}

fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    rand::rand_core::UnwrapErr(rand::rngs::SysRng).fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_holds_only_for_its_cookie_key_and_time() {
        let csrf = Csrf::new(b"the hub's key", 3600);
        let cookie = Csrf::new_cookie();
        let token = csrf.issue(&cookie, 1_000_000);
        let nonce = csrf.verify(Some(&cookie), Some(&token), 1_000_100).unwrap();
        assert_eq!(nonce.len(), 32);
        assert_eq!(
            csrf.verify(Some(&cookie), Some(&token), 1_003_601),
            Err(CsrfError::Expired)
        );
        assert_eq!(
            csrf.verify(Some("another"), Some(&token), 1_000_100),
            Err(CsrfError::Invalid)
        );
        let other = Csrf::new(b"another hub's key", 3600);
        assert_eq!(
            other.verify(Some(&cookie), Some(&token), 1_000_100),
            Err(CsrfError::Invalid)
        );
        let forged = token.replacen("v1.1000000.", "v1.1000500.", 1);
        assert_eq!(
            csrf.verify(Some(&cookie), Some(&forged), 1_000_600),
            Err(CsrfError::Invalid)
        );
        assert_eq!(
            csrf.verify(None, Some(&token), 1_000_100),
            Err(CsrfError::Missing)
        );
        assert_eq!(
            csrf.verify(Some(&cookie), Some(" "), 1_000_100),
            Err(CsrfError::Missing)
        );
        assert_eq!(
            csrf.verify(Some(&cookie), Some(&token), 999_000),
            Err(CsrfError::Invalid),
            "made in the future"
        );
    }
}

//! The session cookie and what a signed-in page knows.
//!
//! A session's id is 32 random bytes (hex) from the operating system, given to the browser in
//! the cookie `rapportino_portal` (`HttpOnly`, `Secure`, `SameSite=Strict`, path `/portal`) and
//! stored only as its SHA-256: a copy of the database opens no session. Strict is enough: the
//! mailed link is opened by a GET that shows a confirm button, and the cookie is set by that
//! same-site POST. A session ends after `idle` without a page, `absolute` after sign-in, at sign
//! out, at "sign out everywhere", and as soon as its contact stops being an authorised, live
//! contact of the session's client (checked on every page, before anything is read).

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use sha2::{Digest, Sha256};

use super::store::{self, Contact};
use super::Portal;
use crate::error::HubError;
use crate::routes::blocking;
use crate::storage::Storage;

/// The session cookie's name.
pub const COOKIE: &str = "rapportino_portal";

/// 32 random bytes, hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rand_core::UnwrapErr(rand::rngs::SysRng).fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a secret, hex: what the hub stores of links and sessions.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `s` looks like one of our secrets (64 hex characters).
pub fn well_formed(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The session cookie the browser sent, when well formed.
pub fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| well_formed(v))
}

/// `Set-Cookie` for a new session (`Some`) or to forget it (`None`).
pub fn set_cookie(portal: &Portal, value: Option<&str>) -> HeaderValue {
    let mut c = cookie::Cookie::build((COOKIE, value.unwrap_or_default().to_owned()))
        .path(super::PREFIX)
        .http_only(true)
        .secure(portal.tls)
        .same_site(cookie::SameSite::Strict);
    if value.is_none() {
        c = c.max_age(time::Duration::ZERO);
    }
    HeaderValue::from_str(&c.build().to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// A signed-in page's context.
#[derive(Debug, Clone)]
pub struct Signed {
    pub contact: Contact,
    pub client_name: String,
    pub session_hash: String,
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The open session of this request, its contact still authorised for its client; else the
/// answer to give (to the sign-in page; an ended session's cookie forgotten).
pub async fn signed(
    storage: &std::sync::Arc<Storage>,
    portal: &Portal,
    headers: &HeaderMap,
) -> Result<Signed, Response> {
    let to_sign_in = |forget: bool| {
        let mut r = (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, "/portal/sign-in")],
        )
            .into_response();
        if forget {
            r.headers_mut()
                .insert(header::SET_COOKIE, set_cookie(portal, None));
        }
        r
    };
    let Some(secret) = cookie(headers) else {
        return Err(to_sign_in(false));
    };
    let session_hash = hash(&secret);
    let idle = portal.config.idle.as_secs() as i64;
    let storage = storage.clone();
    let found = blocking(move || -> Result<Option<Signed>, HubError> {
        storage.plain(|tx| {
            let now = now();
            let Some((contact_id, client_id)) = store::open_session(tx, &session_hash, now, idle)?
            else {
                return Ok(None);
            };
            match store::live_contact(tx, &contact_id, &client_id)? {
                Some(contact) => Ok(Some(Signed {
                    client_name: store::client_name(tx, &client_id)?,
                    contact,
                    session_hash,
                })),
                None => {
                    // No longer authorised (or moved, archived, deleted): every session of
                    // the contact ends now.
                    store::end_all_sessions(tx, &contact_id, now)?;
                    Ok(None)
                }
            }
        })
    })
    .await;
    match found {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(to_sign_in(true)),
        Err(e) => Err(e.to_response()),
    }
}

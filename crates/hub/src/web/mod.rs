//! The hub's public web pages, served by the hub's own listener (same binary, same TLS) when
//! `serve --web-form` enables them. Today: the request form (`GET`/`POST /request`, see
//! [`form`]); the customer's reserved area will grow here with the same pieces:
//!
//! - [`layout`]: the page frame (maud, which escapes every value), one stylesheet served from
//!   `/assets/web.css`, no inline script or style;
//! - [`i18n`]: Italian first and English, from `?lang=`, the form, `Accept-Language`;
//! - [`csrf`]: cookie-bound, time-limited, HMAC-signed tokens (a key derived from the hub's
//!   own secret in `hub_meta`, never synced);
//! - [`security_headers`]: a strict CSP (`default-src 'self'`, `frame-ancestors 'none'`),
//!   `X-Content-Type-Options`, `Referrer-Policy`, `Cache-Control: no-store`, HSTS over TLS;
//! - [`Window`]: fixed-window rate limits (per client address, per e-mail address). An IPv6
//!   client is counted by its /64 ([`ip_key`]: one subscriber's network, not one of its 2^64
//!   addresses), and each map holds at most [`Window::CAP`] keys: past that, the finished
//!   windows are forgotten and then the oldest tenth, so a spray of addresses or e-mails
//!   cannot grow the memory without bound (an evicted key starts afresh: the cap trades a
//!   limit's memory for a bounded map);
//! - [`read_limited`]: the body under the page's own limit, refused with 413 before anything
//!   else is done; at most `max_uploads` posts read at once (503 `HUB_BUSY` past them), so
//!   strangers cannot fill the memory with large bodies. The client address's rate limit is
//!   checked before a slot is taken: a limited sender never holds one.
//!
//! These routes sit outside the device API's body reader (whose unauthenticated limit is a few
//! KiB): each page reads its own body with its own limit.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::routes::{close_after, AppState};
use crate::storage::Storage;

pub mod csrf;
pub mod form;
pub mod i18n;
pub mod layout;
pub mod portal;

/// The web form's settings (`serve --web-form` and its `--web-*` options).
#[derive(Debug, Clone)]
pub struct WebFormConfig {
    /// Largest whole request body (fields, attachment and multipart framing), in bytes.
    pub max_body: usize,
    /// Largest attachment, in bytes.
    pub max_attachment: usize,
    /// Posts one client address may make per window.
    pub per_ip: u32,
    /// Requests one e-mail address may send per window.
    pub per_email: u32,
    /// The rate limits' window.
    pub window: Duration,
    /// Posts whose bodies are read at once (each may hold `max_body` in memory); more get 503
    /// `HUB_BUSY` with `Retry-After`.
    pub max_uploads: usize,
    /// How long a form (its CSRF token) stays valid, in seconds.
    pub token_ttl_secs: i64,
    /// Largest attachment whose content is kept for a request that opens no ticket (a stranger's,
    /// waiting in the triage queue): name, size and SHA-256 are listed whatever the size, the
    /// content only up to this (and never past `max_attachment`).
    pub triage_max_attachment: usize,
    /// The tickets' category and service, as a mailbox's.
    pub category: Option<String>,
    pub service: Option<String>,
    /// The intake rules (the engine's own per-sender limit among them).
    pub rules: rapportino_intake::Rules,
}

/// Default largest attachment: 10 MiB.
pub const DEFAULT_MAX_ATTACHMENT: usize = 10 * 1024 * 1024;

/// Default largest attachment kept for a stranger's request: 1 MiB.
pub const DEFAULT_TRIAGE_MAX_ATTACHMENT: usize = 1024 * 1024;

impl Default for WebFormConfig {
    fn default() -> Self {
        WebFormConfig {
            max_body: DEFAULT_MAX_ATTACHMENT + 256 * 1024,
            max_attachment: DEFAULT_MAX_ATTACHMENT,
            triage_max_attachment: DEFAULT_TRIAGE_MAX_ATTACHMENT,
            per_ip: 20,
            per_email: 5,
            window: Duration::from_secs(3600),
            max_uploads: 8,
            token_ttl_secs: 4 * 3600,
            category: None,
            service: None,
            rules: rapportino_intake::Rules::default(),
        }
    }
}

/// The web pages' shared state.
pub struct Web {
    pub config: WebFormConfig,
    pub csrf: csrf::Csrf,
    /// Whether pages are served over TLS (HSTS, `Secure` cookies).
    pub tls: bool,
    pub per_ip: Window,
    pub per_email: Window,
    /// One permit per post being read and handled.
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// The shop's name, as last read.
    pub shop: Cached,
}

/// A value read from the storage, kept for a minute.
#[derive(Default)]
pub struct Cached {
    value: Mutex<Option<(Instant, Option<String>)>>,
}

impl Cached {
    const FOR: Duration = Duration::from_secs(60);

    /// The value when read less than a minute ago.
    pub fn fresh(&self) -> Option<Option<String>> {
        let value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        value
            .as_ref()
            .filter(|(at, _)| at.elapsed() < Self::FOR)
            .map(|(_, v)| v.clone())
    }

    pub fn keep(&self, v: Option<String>) {
        *self.value.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), v));
    }
}

/// The shop's name (the synced `shop` setting), when set; read at most once a minute, so a
/// flood of page views does not queue on the storage.
pub async fn shop_name(state: &AppState, cache: &Cached) -> Option<String> {
    if let Some(name) = cache.fresh() {
        return name;
    }
    let storage = state.storage.clone();
    let name = crate::routes::blocking(move || {
        storage.write(|tx| {
            Ok(tx
                .load_row(rapportino_model::Entity::Setting.name(), "shop")?
                .filter(|r| r.deleted.is_none())
                .and_then(|r| {
                    let value = r.fields.get("value")?.as_str()?.to_owned();
                    let shop: serde_json::Value = serde_json::from_str(&value).ok()?;
                    shop.get("name")?.as_str().map(str::to_owned)
                }))
        })
    })
    .await
    .ok()
    .flatten();
    cache.keep(name.clone());
    name
}

impl std::fmt::Debug for Web {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Web").field("config", &self.config).finish()
    }
}

impl Web {
    pub fn new(storage: &Storage, config: WebFormConfig, tls: bool) -> Web {
        Web {
            csrf: csrf::Csrf::new(storage.grant_key(), config.token_ttl_secs),
            tls,
            per_ip: Window::new(config.per_ip, config.window),
            per_email: Window::new(config.per_email, config.window),
            uploads: Arc::new(tokio::sync::Semaphore::new(config.max_uploads.max(1))),
            shop: Cached::default(),
            config,
        }
    }
}

/// The key a client address is counted under: an IPv4 address as it is, an IPv6 one by its /64
/// (`2001:db8:1:2::/64`; an IPv4-mapped one as the IPv4 address).
pub fn ip_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let net = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(net))
            }
        },
    }
}

/// A fixed-window counter per key (an address, an e-mail): at most `limit` per `window`, and at
/// most `cap` keys held.
pub struct Window {
    limit: u32,
    window: Duration,
    cap: usize,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Window {
    /// Most keys a window holds by default.
    pub const CAP: usize = 50_000;

    pub fn new(limit: u32, window: Duration) -> Window {
        Window::with_cap(limit, window, Window::CAP)
    }

    pub fn with_cap(limit: u32, window: Duration, cap: usize) -> Window {
        Window {
            limit,
            window: window.max(Duration::from_secs(1)),
            cap: cap.max(10),
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Keys held now.
    pub fn len(&self) -> usize {
        self.counts.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `key` has used its whole limit in the current window (nothing counted).
    pub fn exhausted(&self, key: &str) -> bool {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts
            .get(key)
            .is_some_and(|(start, n)| start.elapsed() < self.window && *n >= self.limit)
    }

    /// Counts one for `key`; `Err(seconds to wait)` when it is over the limit.
    pub fn admit(&self, key: &str) -> Result<(), u64> {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if counts.len() >= self.cap && !counts.contains_key(key) {
            // Full: forget the finished windows, then (still full) the oldest tenth.
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
            if counts.len() >= self.cap {
                let mut starts: Vec<Instant> = counts.values().map(|(s, _)| *s).collect();
                let nth = self.cap / 10;
                let (_, cut, _) = starts.select_nth_unstable(nth);
                let cut = *cut;
                counts.retain(|_, (start, _)| *start > cut);
                // Equal instants (a burst within the clock's resolution): drop any to fit.
                while counts.len() >= self.cap {
                    let Some(k) = counts.keys().next().cloned() else {
                        break;
                    };
                    counts.remove(&k);
                }
            }
        }
        let entry = counts.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let left = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The public pages of the main listener (the request form, and the reserved area unless it
/// has a listener of its own), each with the security headers; `None` when none is served.
pub fn routes(state: &AppState) -> Option<Router<AppState>> {
    let form = state.web.clone().map(|web| {
        Router::new()
            .route("/request", get(form::show).post(form::submit))
            .layer(DefaultBodyLimit::max(web.config.max_body))
    });
    let portal = if portal::own_listener(state).is_some() {
        None
    } else {
        portal::routes(state)
    };
    let pages = match (form, portal) {
        (None, None) => return None,
        (Some(f), None) => f,
        (None, Some(p)) => p,
        (Some(f), Some(p)) => f.merge(p),
    };
    Some(with_assets(state, pages))
}

/// The pages of the reserved area's own listener (`[portal] listen`): the reserved area alone,
/// with the security headers; `None` when it has no listener of its own.
pub fn portal_routes(state: &AppState) -> Option<Router<AppState>> {
    portal::own_listener(state)?;
    Some(with_assets(state, portal::routes(state)?))
}

fn with_assets(state: &AppState, pages: Router<AppState>) -> Router<AppState> {
    pages
        .route("/assets/web.css", get(layout::stylesheet))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
}

/// The headers of every public page.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.web.as_ref().is_some_and(|w| w.tls) || state.portal.as_ref().is_some_and(|p| p.tls) {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// The client's address (the connection's peer).
pub fn client_ip(req_extensions: &axum::http::Extensions) -> Option<IpAddr> {
    req_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// Why a body was not read.
pub enum BodyError {
    /// Over the limit (declared or streamed).
    TooLarge,
    /// Not all there within the body timeout.
    Timeout,
    /// The connection failed while reading.
    Broken,
}

/// Reads the whole body, at most `limit` bytes within `timeout`: a declared length over the
/// limit is refused before a byte is read, a stream that passes it as soon as it does.
pub async fn read_limited(
    req: Request,
    limit: usize,
    timeout: Duration,
) -> Result<(axum::http::request::Parts, Bytes), BodyError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let next = tokio::time::timeout_at(deadline, futures_util::StreamExt::next(&mut stream));
        match next.await {
            Err(_) => return Err(BodyError::Timeout),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(chunk))) => {
                if buf.len() + chunk.len() > limit {
                    return Err(BodyError::TooLarge);
                }
                buf.extend_from_slice(&chunk);
            }
        }
    }
    Ok((parts, Bytes::from(buf)))
}

/// A request rebuilt from its head and a body already read.
pub fn rebuilt(parts: axum::http::request::Parts, body: Bytes) -> Request {
    Request::from_parts(parts, Body::from(body))
}

/// An answer that also closes the connection (a body left unread).
pub fn closing(response: impl IntoResponse) -> Response {
    close_after(response.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ip_key(a), "2001:db8:1:2::/64");
        assert_eq!(ip_key(a), ip_key(b));
        assert_ne!(ip_key(a), ip_key(other));
        assert_eq!(ip_key("192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(ip_key("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
        // One /64 spraying its addresses is one sender.
        let w = Window::new(3, Duration::from_secs(3600));
        for i in 0..3u16 {
            let ip = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, i, i, i, i));
            assert!(w.admit(&ip_key(ip)).is_ok());
        }
        let fourth = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 9, 9, 9, 9));
        assert!(w.admit(&ip_key(fourth)).is_err());
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn a_spray_of_keys_keeps_the_map_capped() {
        let w = Window::with_cap(1, Duration::from_secs(3600), 1000);
        for i in 0..100_000u32 {
            let net = IpAddr::V6(Ipv6Addr::new(
                0x2001,
                0xdb8,
                (i >> 16) as u16,
                i as u16,
                0,
                0,
                0,
                1,
            ));
            assert!(w.admit(&ip_key(net)).is_ok());
            assert!(w.len() <= 1000, "{} keys after {i}", w.len());
        }
        // The newest keys are still counted (the oldest were evicted).
        let last = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 0x869f, 0, 0, 0, 1));
        assert_eq!(ip_key(last), "2001:db8:1:869f::/64");
        assert!(w.admit(&ip_key(last)).is_err());
    }
}

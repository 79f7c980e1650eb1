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
//! - [`Window`]: fixed-window rate limits (per client address, per e-mail address);
//! - [`read_limited`]: the body under the page's own limit, refused with 413 before anything
//!   else is done; at most `max_uploads` posts read at once (503 `HUB_BUSY` past them), so
//!   strangers cannot fill the memory with large bodies.
//!
//! These routes sit outside the device API's body reader (whose unauthenticated limit is a few
//! KiB): each page reads its own body with its own limit.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
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
    /// The tickets' category and service, as a mailbox's.
    pub category: Option<String>,
    pub service: Option<String>,
    /// The intake rules (the engine's own per-sender limit among them).
    pub rules: rapportino_intake::Rules,
}

/// Default largest attachment: 10 MiB.
pub const DEFAULT_MAX_ATTACHMENT: usize = 10 * 1024 * 1024;

impl Default for WebFormConfig {
    fn default() -> Self {
        WebFormConfig {
            max_body: DEFAULT_MAX_ATTACHMENT + 256 * 1024,
            max_attachment: DEFAULT_MAX_ATTACHMENT,
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

/// A fixed-window counter per key (an address, an e-mail): at most `limit` per `window`.
pub struct Window {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Window {
    pub fn new(limit: u32, window: Duration) -> Window {
        Window {
            limit,
            window: window.max(Duration::from_secs(1)),
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one for `key`; `Err(seconds to wait)` when it is over the limit.
    pub fn admit(&self, key: &str) -> Result<(), u64> {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        // Forget finished windows now and then, so the map stays small.
        if counts.len() > 10_000 {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
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

/// The public pages, each with the security headers; `None` when the form is off.
pub fn routes(state: &AppState) -> Option<Router<AppState>> {
    let web = state.web.clone()?;
    let max_body = web.config.max_body;
    Some(
        Router::new()
            .route("/request", get(form::show).post(form::submit))
            .route("/assets/web.css", get(layout::stylesheet))
            .layer(DefaultBodyLimit::max(max_body))
            .layer(middleware::from_fn_with_state(
                state.clone(),
                security_headers,
            )),
    )
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
    if state.web.as_ref().is_some_and(|w| w.tls) {
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

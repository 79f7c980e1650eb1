//! The customer's reserved area ("Area riservata", issue 19, first part): a contact of a client
//! signs in with a one-time link mailed to its address, sees its client's tickets and their
//! customer-visible history, and opens new requests that go through the intake.
//!
//! - [`auth`]: the sign-in page, the link (a GET that shows a confirm button, the POST that
//!   spends it), sign out and sign out everywhere;
//! - [`session`]: the session cookie, checked on every page (the contact must still be an
//!   authorised, live contact of the same client);
//! - [`tickets`]: the client's tickets, one ticket's history, a new request;
//! - [`store`]: every statement (links, sessions, the access log, the tenancy-filtered reads
//!   of the synced rows), on both engines through `storage::plain`;
//! - [`mailbox`]: the sign-in mails waiting for the hub's mail round (in memory only);
//! - [`views`] and [`words`]: the pages, Italian first and English.
//!
//! Tenancy: the session gives the contact and its client; every read of a synced row filters
//! by that client in its SQL; an id of another client's record answers exactly like a missing
//! one (404 `NOT_FOUND`).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use super::csrf::Csrf;
use super::Window;
use crate::routes::AppState;
use crate::storage::Storage;

pub mod args;
pub mod auth;
pub mod log;
pub mod mailbox;
pub mod session;
pub mod store;
pub mod tickets;
pub mod views;
pub mod words;

/// Where the reserved area lives.
pub const PREFIX: &str = "/portal";

/// Every stable code a reserved-area page can show.
pub const CODES: &[&str] = &[
    "EMAIL_REQUIRED",
    "EMAIL_INVALID",
    "SUBJECT_REQUIRED",
    "DESCRIPTION_REQUIRED",
    "SEVERITY_INVALID",
    "FIELD_TOO_LONG",
    "BODY_TOO_LARGE",
    "MALFORMED_BODY",
    "CSRF_MISSING",
    "CSRF_INVALID",
    "CSRF_EXPIRED",
    "RATE_LIMITED",
    "LINK_INVALID",
    "LINK_USED",
    "LINK_EXPIRED",
    "LOCKED_OUT",
    "PAGE_INVALID",
    "NOT_FOUND",
];

/// The reserved area's settings (`serve --portal` and its `--portal-*` options, or the
/// `[portal]` table of hub.toml).
#[derive(Debug, Clone)]
pub struct PortalConfig {
    /// The address customers reach the hub at (`https://assistenza.example.it:8443`): the
    /// links in the sign-in mails start with it. Never taken from a request's `Host`.
    pub base_url: String,
    /// How long a sign-in link is valid.
    pub link_ttl: Duration,
    /// A session ends after this long without a page view...
    pub idle: Duration,
    /// ...and this long after sign-in, whatever happens.
    pub absolute: Duration,
    /// Sign-in requests one client address may make per window.
    pub per_ip: u32,
    /// Sign-in mails one e-mail address may get per window.
    pub per_email: u32,
    /// Wrong, used or expired links one client address may present per window before it is
    /// locked out (every link refused, good ones too, until the window ends).
    pub bad_links: u32,
    /// The windows of the three limits above.
    pub window: Duration,
    /// Tickets per page.
    pub page_size: i64,
    /// The intake rules of the requests opened here (the engine's per-sender limit among them).
    pub rules: rapportino_intake::Rules,
    /// A listener of its own (`[portal] listen`, same TLS certificate): the reserved area is
    /// served there only, not on the hub's main listener. None: on the main listener.
    pub listen: Option<std::net::SocketAddr>,
}

impl PortalConfig {
    pub fn new(base_url: &str) -> PortalConfig {
        PortalConfig {
            base_url: base_url.trim_end_matches('/').to_owned(),
            link_ttl: Duration::from_secs(15 * 60),
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(8 * 3600),
            per_ip: 20,
            per_email: 5,
            bad_links: 10,
            window: Duration::from_secs(3600),
            page_size: 20,
            rules: rapportino_intake::Rules::default(),
            listen: None,
        }
    }
}

/// The reserved area's shared state.
pub struct Portal {
    pub config: PortalConfig,
    pub csrf: Csrf,
    /// Always true when serving (the hub refuses the reserved area without TLS); kept for the
    /// cookies' `Secure` and HSTS.
    pub tls: bool,
    pub per_ip: Window,
    pub per_email: Window,
    pub bad_links: Window,
    /// The hub's id: the key of its sign-in mails in [`mailbox`].
    pub hub_id: String,
    /// The shop's name, as last read (the pages' frame).
    pub shop: super::Cached,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Portal")
            .field("config", &self.config)
            .finish()
    }
}

impl Portal {
    pub fn new(storage: &Storage, config: PortalConfig, tls: bool) -> Portal {
        Portal {
            csrf: Csrf::new(storage.grant_key(), 4 * 3600),
            tls,
            per_ip: Window::new(config.per_ip, config.window),
            per_email: Window::new(config.per_email, config.window),
            bad_links: Window::new(config.bad_links, config.window),
            hub_id: storage.hub_id().to_owned(),
            shop: super::Cached::default(),
            config,
        }
    }
}

/// Largest body of a reserved-area post (the new request's text and the form's own fields).
pub const MAX_POST: usize = 64 * 1024;

/// The reserved area's own listener, when it is on and has one.
pub fn own_listener(state: &AppState) -> Option<std::net::SocketAddr> {
    state.portal.as_ref()?.config.listen
}

/// The reserved area's own listener in a server's configuration.
pub fn own_listener_of(config: &crate::server::ServerConfig) -> Option<std::net::SocketAddr> {
    config.portal.as_ref()?.listen
}

/// The reserved area's pages; `None` when it is off.
pub fn routes(state: &AppState) -> Option<Router<AppState>> {
    let _portal: Arc<Portal> = state.portal.clone()?;
    Some(
        Router::new()
            .route(PREFIX, get(auth::home))
            .route(
                "/portal/sign-in",
                get(auth::sign_in_page).post(auth::sign_in),
            )
            .route(
                "/portal/link",
                get(auth::link_page).post(auth::link_confirm),
            )
            .route("/portal/sign-out", post(auth::sign_out))
            .route(
                "/portal/sign-out-everywhere",
                post(auth::sign_out_everywhere),
            )
            .route("/portal/tickets", get(tickets::list))
            .route("/portal/tickets/{id}", get(tickets::show))
            .route(
                "/portal/request",
                get(tickets::request_page).post(tickets::request),
            )
            .layer(DefaultBodyLimit::max(MAX_POST))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                views::with_shop,
            )),
    )
}

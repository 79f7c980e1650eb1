//! The hub's HTTP server: the router, TLS (rustls with the ring provider, certificate and key
//! from PEM files), one log line per request, graceful shutdown, and the limits that keep one
//! client from wedging the hub for the others.
//!
//! Plain HTTP is served only when [`ServerConfig::tls`] is `None`, which the CLI allows only
//! with `--insecure-http` (tests, or a TLS-terminating proxy on the same machine).
//!
//! Limits (each a field of [`ServerConfig`] and a flag of `serve`):
//! - at most `max_connections` connections at once (more wait in the kernel's backlog);
//! - a new connection must finish its TLS handshake and start a request within
//!   `header_read_timeout`, and each request's head must arrive within it (hyper's timer; this
//!   also closes keep-alive connections idle for that long);
//! - a request body: at most `unauth_body_limit` bytes unless the request carries a valid
//!   device token (checked before any of the body is read), `body_limit` with one; all of it
//!   within `body_read_timeout` (else 408 `REQUEST_TIMEOUT`);
//! - the whole request until its answer starts: `request_timeout` (else 503 `HUB_BUSY`);
//! - a response that makes no write progress for `write_timeout` closes the connection;
//! - at most `max_snapshot_streams` snapshots at once (else 503 `HUB_BUSY` with
//!   `Retry-After`), each sent within `snapshot_timeout`.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_server::accept::NoDelayAcceptor;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use axum_server::Handle;
use hyper_util::rt::TokioTimer;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::task::JoinHandle;

use crate::error::HubError;
use crate::log_text::Escaped;
use crate::routes::{self, AppState, LoggedDevice};
use crate::storage::Storage;
use crate::transport::{ConnLimits, ConnectionSlots, GuardAcceptor, PerIpAcceptor};

/// Default largest request body of an authenticated device: a full batch of large mutations
/// fits well under it.
pub const DEFAULT_BODY_LIMIT: usize = 32 * 1024 * 1024;
/// Default largest request body without a valid device token (an enrolment is < 1 KiB).
pub const DEFAULT_UNAUTH_BODY_LIMIT: usize = 16 * 1024;
/// Default time in-flight requests get to finish after a shutdown signal.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// Default time for the TLS handshake, then for each request's head (and keep-alive idle time).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for a whole request body (32 MiB at 1 MB/s is 32 s).
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time from a request's head to the start of its answer.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Default time a response write may make no progress.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default number of connections open at once. Each is one file descriptor: with the usual
/// limit of 1024 this leaves room for the storage and the snapshot spools.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Default number of connections open at once from one client address (a shop's devices
/// behind one NAT share an address: a device uses one or two).
pub const DEFAULT_MAX_CONNECTIONS_PER_IP: usize = 64;
/// Default number of snapshots streamed at once.
pub const DEFAULT_MAX_SNAPSHOT_STREAMS: usize = 8;
/// Default time to send one snapshot.
pub const DEFAULT_SNAPSHOT_TIMEOUT: Duration = Duration::from_secs(600);

/// PEM files: the certificate chain (leaf first) and its private key (PKCS#8, PKCS#1 or SEC1).
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on (`127.0.0.1:0` picks a free port: see [`RunningHub::addr`]).
    pub listen: SocketAddr,
    /// `None` serves plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Largest request body with a valid device token, in bytes (larger ones get 413
    /// `BODY_TOO_LARGE`).
    pub body_limit: usize,
    /// Largest request body without a valid device token (enrolment, or a refused token).
    pub unauth_body_limit: usize,
    /// After the shutdown signal, how long in-flight requests may still take.
    pub shutdown_grace: Duration,
    /// TLS handshake, the start of the first request, then each request head.
    pub header_read_timeout: Duration,
    /// A whole request body.
    pub body_read_timeout: Duration,
    /// A whole request, until its answer starts.
    pub request_timeout: Duration,
    /// A response write without progress.
    pub write_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// Connections open at once from one client address (more are closed at once).
    pub max_connections_per_ip: usize,
    /// Snapshots streamed at once.
    pub max_snapshot_streams: usize,
    /// One snapshot stream, from its first byte to its last.
    pub snapshot_timeout: Duration,
    /// The monitoring webhook's sources (`POST /intake/webhook/{source}`); none: every source
    /// is unknown (404).
    pub webhooks: Option<Arc<crate::intake::webhook::Webhooks>>,
    /// The public request form (`GET`/`POST /request`); none: those pages are not served.
    pub web_form: Option<crate::web::WebFormConfig>,
    /// The customer's reserved area (`/portal/...`); none: not served. Needs TLS.
    pub portal: Option<crate::web::portal::PortalConfig>,
    /// The releases folder the updater endpoints serve (`/v1/updates/...`); none: every
    /// device is told there is nothing newer.
    pub releases_dir: Option<PathBuf>,
}

impl ServerConfig {
    pub fn new(listen: SocketAddr, tls: Option<TlsFiles>) -> ServerConfig {
        ServerConfig {
            listen,
            tls,
            body_limit: DEFAULT_BODY_LIMIT,
            unauth_body_limit: DEFAULT_UNAUTH_BODY_LIMIT,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_ip: DEFAULT_MAX_CONNECTIONS_PER_IP,
            max_snapshot_streams: DEFAULT_MAX_SNAPSHOT_STREAMS,
            snapshot_timeout: DEFAULT_SNAPSHOT_TIMEOUT,
            webhooks: None,
            web_form: None,
            portal: None,
            releases_dir: None,
        }
    }
}

/// A hub running in this process.
pub struct RunningHub {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Whether it speaks TLS.
    pub tls: bool,
    /// The reserved area's own listener (`[portal] listen`), when it has one.
    pub portal_addr: Option<SocketAddr>,
    handle: Handle,
    task: JoinHandle<std::io::Result<()>>,
    /// The reserved area's own server, when it has one.
    portal: Option<(Handle, JoinHandle<std::io::Result<()>>)>,
}

impl RunningHub {
    /// `https://127.0.0.1:PORT` or `http://...`.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Requests a graceful shutdown now (as the shutdown future does).
    pub fn shutdown(&self, grace: Duration) {
        self.handle.graceful_shutdown(Some(grace));
        if let Some((handle, _)) = &self.portal {
            handle.graceful_shutdown(Some(grace));
        }
    }

    /// `https://127.0.0.1:PORT` of the reserved area's own listener, when it has one.
    pub fn portal_url(&self) -> Option<String> {
        self.portal_addr.map(|a| format!("https://{a}"))
    }

    /// Waits until the server stopped (after the shutdown future completed and in-flight
    /// requests finished).
    pub async fn wait(self) -> Result<(), HubError> {
        let joined = |r: Result<std::io::Result<()>, tokio::task::JoinError>| {
            r.map_err(|e| HubError::Internal(format!("server task: {e}")))?
                .map_err(|e| HubError::Internal(format!("server: {e}")))
        };
        let main = joined(self.task.await);
        if let Some((_, task)) = self.portal {
            joined(task.await)?;
        }
        main
    }
}

/// Every route, with the authentication layers and the request log.
pub fn router(state: AppState) -> Router {
    let device = Router::new()
        .route("/v1/push", post(routes::push))
        .route("/v1/changes", get(routes::changes))
        .route("/v1/snapshot", get(routes::snapshot))
        .route("/v1/extra-time", post(routes::extra_time))
        .route(
            "/v1/attachments/{sha256}",
            get(crate::intake::attachments::route),
        )
        .route(
            "/v1/updates/{target}/{arch}/{current}",
            get(crate::release::routes::check),
        )
        .route(
            "/v1/updates/files/{version}/{file}",
            get(crate::release::routes::download),
        );
    let admin = Router::new()
        .route("/v1/admin/enrolment-codes", post(routes::create_code))
        .route("/v1/admin/devices", get(routes::devices))
        .route("/v1/admin/devices/{id}/revoke", post(routes::revoke))
        .route_layer(middleware::from_fn(routes::require_admin));
    // The reserved area's access log: admin and office devices (checked in the handler).
    let device = device.route("/v1/admin/portal-log", get(crate::web::portal::log::route));
    let authenticated = device
        .merge(admin)
        .route_layer(middleware::from_fn(routes::require_device));
    // The public pages read their own bodies (their limit is not the device API's).
    let web = crate::web::routes(&state);
    let api = Router::new()
        .route("/v1/health", get(routes::health))
        .route("/v1/enrol", post(routes::enrol))
        .route(
            "/intake/webhook/{source}",
            post(crate::intake::webhook::route),
        )
        .merge(authenticated)
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(state.body_limit))
        // Authentication (from the headers), then the body with the limit that follows.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            routes::read_body,
        ));
    let all = match web {
        Some(web) => web.merge(api),
        None => api,
    };
    all.layer(middleware::from_fn_with_state(
        state.clone(),
        request_deadline,
    ))
    .layer(middleware::from_fn(log_request))
    .with_state(state)
}

/// The routes of the reserved area's own listener: its pages only (anything else is 404), with
/// the request deadline and the request log; `None` when it has no listener of its own.
pub fn portal_router(state: AppState) -> Option<Router> {
    let pages = crate::web::portal_routes(&state)?
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed);
    Some(
        pages
            .layer(middleware::from_fn_with_state(
                state.clone(),
                request_deadline,
            ))
            .layer(middleware::from_fn(log_request))
            .with_state(state),
    )
}

/// The whole-request timeout: from the request head to the start of the answer (a snapshot's
/// body is bounded by its own timeout). Work already handed to a blocking thread (a push in its
/// transaction) still finishes; the device's retry of it is answered as a duplicate.
/// A deadline of zero is already past: every request is answered busy, rather than only those
/// whose handler happens not to finish on its first poll.
async fn request_deadline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let answer = if state.request_timeout.is_zero() {
        Err(())
    } else {
        tokio::time::timeout(state.request_timeout, next.run(req))
            .await
            .map_err(|_| ())
    };
    match answer {
        Ok(response) => response,
        Err(()) => {
            let busy = HubError::Busy {
                what: format!(
                    "the request took more than {} s",
                    state.request_timeout.as_secs()
                ),
                retry_after_secs: 5,
            };
            routes::close_after(busy.into_response())
        }
    }
}

/// One line per request: method, route, status, device, latency.
async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| req.uri().path().to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16();
    let device = response
        .extensions()
        .get::<LoggedDevice>()
        .map(|d| d.0.clone())
        .unwrap_or_else(|| "-".into());
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (method, route, device) = (method.as_str(), Escaped(route), Escaped(device));
    if status >= 500 {
        tracing::error!(method, %route, status, %device, latency_ms, "request");
    } else if status >= 400 {
        tracing::warn!(method, %route, status, %device, latency_ms, "request");
    } else {
        tracing::info!(method, %route, status, %device, latency_ms, "request");
    }
    response
}

/// A rustls server configuration from PEM files, with the ring provider.
pub fn load_tls(files: &TlsFiles) -> Result<rustls::ServerConfig, HubError> {
    let read_err = |path: &Path, e: rustls_pki_types::pem::Error| {
        HubError::Config(format!("TLS file {}: {e}", path.display()))
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| read_err(&files.cert, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| read_err(&files.cert, e))?;
    if certs.is_empty() {
        return Err(HubError::Config(format!(
            "TLS file {}: no certificate in it",
            files.cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| read_err(&files.key, e))?;
    // ring, not aws-lc-rs: no cmake/NASM in the build. rustls 0.23.48 deprecated it only for
    // lacking post-quantum key exchange, which devices on the shop's LAN do not need yet.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HubError::Config(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| HubError::Config(format!("TLS certificate and key: {e}")))?;
    // HTTP/1.1 only: the devices speak it, and HTTP/2 has no header-read timeout (a connection
    // that opens with the HTTP/2 preface anyway is closed: see `transport`).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Binds, starts serving in the background and returns at once with the bound address. When
/// `shutdown` completes the hub stops accepting connections; in-flight requests get
/// `config.shutdown_grace` to finish. Must be called inside a tokio runtime.
pub async fn start(
    storage: Arc<Storage>,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<RunningHub, HubError> {
    if config.portal.is_some() && config.tls.is_none() {
        return Err(HubError::Config(
            "the reserved area (--portal) is served over HTTPS only: give --tls-cert and --tls-key"
                .into(),
        ));
    }
    let tls = config.tls.as_ref().map(load_tls).transpose()?;
    let (listener, addr) = bind(config.listen)?;
    let portal_listener = match crate::web::portal::own_listener_of(&config) {
        Some(at) => Some(bind(at)?),
        None => None,
    };
    let state = AppState::new(storage.clone(), &config);
    let handle = Handle::new();
    let is_tls = tls.is_some();
    let task = serve_on(
        listener,
        router(state.clone()),
        tls.clone(),
        &config,
        &handle,
    );
    let portal = match (portal_listener, portal_router(state)) {
        (Some((listener, at)), Some(app)) => {
            let handle = Handle::new();
            let task = serve_on(listener, app, tls, &config, &handle);
            tracing::info!(addr = %at, "reserved area listening");
            Some((at, handle, task))
        }
        _ => None,
    };
    let portal_addr = portal.as_ref().map(|p| p.0);
    let portal = portal.map(|(_, h, t)| (h, t));
    let portal_handle = portal.as_ref().map(|p| p.0.clone());
    let grace = config.shutdown_grace;
    let shutdown_handle = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        // The shutdown first, the log line after: whatever happens to the log (stderr closed or
        // stuck), the hub stops.
        shutdown_handle.graceful_shutdown(Some(grace));
        if let Some(h) = portal_handle {
            h.graceful_shutdown(Some(grace));
        }
        tracing::info!("shutting down: finishing in-flight requests");
    });
    tracing::info!(
        %addr,
        tls = is_tls,
        storage = storage.kind(),
        hub_id = storage.hub_id(),
        max_connections = config.max_connections,
        max_connections_per_ip = config.max_connections_per_ip,
        max_snapshot_streams = config.max_snapshot_streams,
        "hub listening"
    );
    Ok(RunningHub {
        addr,
        tls: is_tls,
        portal_addr,
        handle,
        task,
        portal,
    })
}

fn bind(at: SocketAddr) -> Result<(std::net::TcpListener, SocketAddr), HubError> {
    let listener = std::net::TcpListener::bind(at)
        .map_err(|e| HubError::Config(format!("cannot listen on {at}: {e}")))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| HubError::Config(format!("listener: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| HubError::Config(format!("listener: {e}")))?;
    Ok((listener, addr))
}

/// Serves `app` on `listener` in the background, with the connection limits and timeouts of
/// `config`, over TLS when `tls` is given.
fn serve_on(
    listener: std::net::TcpListener,
    app: Router,
    tls: Option<rustls::ServerConfig>,
    config: &ServerConfig,
    handle: &Handle,
) -> JoinHandle<std::io::Result<()>> {
    // The peer's address reaches the handlers (the web form's per-address limit).
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let app = ConnectionSlots::new(app, config.max_connections);
    let limits = ConnLimits {
        first_bytes: config.header_read_timeout,
        write_stall: config.write_timeout,
    };
    let mut server = axum_server::from_tcp(listener).handle(handle.clone());
    server
        .http_builder()
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    // TCP_NODELAY on every connection: a response goes out in several small writes (TLS
    // records), and with Nagle's algorithm the last one waited for the client's delayed ACK —
    // about 40 ms added to half of the small pushes in the benchmark.
    match tls {
        Some(tls) => {
            let tls = RustlsAcceptor::new(RustlsConfig::from_config(Arc::new(tls)))
                .handshake_timeout(config.header_read_timeout)
                .acceptor(PerIpAcceptor::new(
                    NoDelayAcceptor::new(),
                    config.max_connections_per_ip,
                ));
            let server = server.acceptor(GuardAcceptor::new(tls, limits));
            tokio::spawn(server.serve(app))
        }
        None => {
            let per_ip = PerIpAcceptor::new(NoDelayAcceptor::new(), config.max_connections_per_ip);
            let server = server.acceptor(GuardAcceptor::new(per_ip, limits));
            tokio::spawn(server.serve(app))
        }
    }
}

/// [`start`], then wait until it stopped.
pub async fn serve(
    storage: Arc<Storage>,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HubError> {
    start(storage, config, shutdown).await?.wait().await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    // The handlers are installed now (inside the runtime), not when the future is first polled:
    // a SIGTERM arriving right after "hub listening" must stop the hub gracefully, never by the
    // signal's default action (a flaky test showed that window).
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        async fn wait(s: Option<Signal>) {
            match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        let term = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            tokio::select! {
                _ = wait(term) => {},
                _ = wait(interrupt) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

//! The HTTP endpoints (see `rapportino_model::protocol` for the list), the JSON body
//! extractor with the hub's own error answers, and the authentication middleware.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use rapportino_model::protocol::{
    DeviceInfo, EnrolRequest, EnrolResponse, EnrolmentCode, ExtraTimeGrant, ExtraTimeRequest,
    Health, NewEnrolmentCode, PullResponse, PushRequest, PushResponse, Role, MAX_BATCH,
    MAX_PULL_PAGE, MIN_CLIENT_SCHEMA, PROTOCOL_VERSION,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tokio::sync::Semaphore;

use crate::auth::{self, AuthedDevice};
use crate::engine;
use crate::error::HubError;
use crate::extra_time;
use crate::log_text::Escaped;
use crate::server::ServerConfig;
use crate::storage::{now_text, Storage};

/// How often at most `last_seen_at` is written for one device.
const TOUCH_EVERY: Duration = Duration::from_secs(60);
/// Snapshot bytes read from the spool per chunk sent to the client.
const SNAPSHOT_CHUNK: usize = 64 * 1024;
/// Snapshot bytes kept in memory before the spool moves to a temporary file.
const SNAPSHOT_SPOOL_MEMORY: usize = 1024 * 1024;
/// How long a device refused for lack of a snapshot slot should wait.
const SNAPSHOT_RETRY_AFTER_SECS: u64 = 10;
/// How much of an oversized body is read (and thrown away) without a valid token, so that a
/// client that writes its whole body before reading can still read the answer. Past it the
/// connection is closed at once.
const UNAUTH_DRAIN_CAP: usize = 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<Storage>,
    /// Largest request body accepted with a valid device token, in bytes.
    pub body_limit: usize,
    /// Largest request body accepted without one.
    pub unauth_body_limit: usize,
    pub body_read_timeout: Duration,
    pub request_timeout: Duration,
    pub snapshot_timeout: Duration,
    /// The monitoring webhook's sources.
    pub webhooks: Option<Arc<crate::intake::webhook::Webhooks>>,
    /// The public web pages (`serve --web-form`).
    pub web: Option<Arc<crate::web::Web>>,
    /// The customer's reserved area (`serve --portal`).
    pub portal: Option<Arc<crate::web::portal::Portal>>,
    /// The releases offered to the devices' updater (`serve --releases-dir`).
    pub releases: Option<Arc<crate::release::routes::Releases>>,
    /// One permit per snapshot being spooled or streamed.
    snapshot_slots: Arc<Semaphore>,
    touched: Arc<Mutex<HashMap<String, Instant>>>,
}

impl AppState {
    pub fn new(storage: Arc<Storage>, config: &ServerConfig) -> AppState {
        let web = config
            .web_form
            .clone()
            .map(|c| Arc::new(crate::web::Web::new(&storage, c, config.tls.is_some())));
        let portal = config.portal.clone().map(|c| {
            Arc::new(crate::web::portal::Portal::new(
                &storage,
                c,
                config.tls.is_some(),
            ))
        });
        AppState {
            portal,
            storage,
            body_limit: config.body_limit,
            unauth_body_limit: config.unauth_body_limit.min(config.body_limit),
            body_read_timeout: config.body_read_timeout,
            request_timeout: config.request_timeout,
            snapshot_timeout: config.snapshot_timeout,
            webhooks: config.webhooks.clone(),
            web,
            releases: config.releases_dir.clone().map(|dir| {
                Arc::new(crate::release::routes::Releases {
                    store: crate::release::ReleaseStore::new(dir),
                    https: config.tls.is_some(),
                })
            }),
            snapshot_slots: Arc::new(Semaphore::new(config.max_snapshot_streams.max(1))),
            touched: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Records that the device was seen (at most once a minute per device).
    async fn touch(&self, device_id: &str) {
        let due = {
            let mut touched = self
                .touched
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let now = Instant::now();
            match touched.get(device_id) {
                Some(t) if now.duration_since(*t) < TOUCH_EVERY => false,
                _ => {
                    touched.insert(device_id.to_string(), now);
                    true
                }
            }
        };
        if due {
            let storage = self.storage.clone();
            let id = device_id.to_string();
            if let Err(e) = blocking(move || storage.registry().touch(&id, &now_text())).await {
                tracing::warn!(
                    device = %Escaped(device_id),
                    error = %Escaped(&e),
                    "could not record last_seen_at"
                );
            }
        }
    }
}

/// Runs blocking storage work off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, HubError> + Send + 'static,
) -> Result<T, HubError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| HubError::Internal(format!("worker thread: {e}")))?
}

/// Why a request that carried a credential was not authenticated (for [`require_device`]).
#[derive(Clone)]
struct AuthFailure(Arc<HubError>);

/// Authenticates the request's bearer token, when it has one, from the headers alone; then
/// reads the whole body before routing — up to the device limit with a valid token, up to the
/// small unauthenticated limit without — within the body timeout. Reading it all keeps any
/// answer (a 401 included) from leaving the connection unusable: a body left unread makes the
/// server close a keep-alive connection under a client that is about to reuse it.
///
/// A body over its limit is read on and discarded up to a cap ([`drain_cap`] with a valid
/// token, [`UNAUTH_DRAIN_CAP`] without), then answered with 413 `BODY_TOO_LARGE`, so a client
/// that writes its whole body before reading gets the answer rather than a broken pipe. A body
/// that declares more than the cap is answered at once, nothing of it read, and the connection
/// closed; so is one that streams past the cap. Without a valid token, a refused credential's
/// own answer (401, 403) goes before 413.
///
/// A post to a configured monitoring webhook source (`/intake/webhook/{name}`) is the
/// exception: its bearer token is the source's secret, not a device token, so it is not looked
/// up here; its body is read up to the source's own limit and an oversized one is answered 413
/// before its secret is checked (by the handler).
pub async fn read_body(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let webhook_limit = state
        .webhooks
        .as_ref()
        .and_then(|w| w.body_limit_for(req.uri().path()))
        // Never past the device limit: the handler's body extractor holds to it.
        .map(|l| l.min(state.body_limit));
    let credential = req
        .headers()
        .get(header::AUTHORIZATION)
        .filter(|_| webhook_limit.is_none())
        .map(|v| v.to_str().map(str::to_owned).unwrap_or_default());
    let mut device_id = None;
    let mut failure: Option<Arc<HubError>> = None;
    if let Some(credential) = credential {
        let storage = state.storage.clone();
        match blocking(move || auth::authenticate(&storage, Some(&credential))).await {
            Ok(device) => {
                state.touch(&device.device_id).await;
                device_id = Some(device.device_id.clone());
                req.extensions_mut().insert(device);
            }
            Err(e) => {
                let e = Arc::new(e);
                req.extensions_mut().insert(AuthFailure(e.clone()));
                failure = Some(e);
            }
        }
    }
    let (limit, cap) = if let Some(limit) = webhook_limit {
        (limit, UNAUTH_DRAIN_CAP.max(limit))
    } else if device_id.is_some() {
        (state.body_limit, drain_cap(state.body_limit))
    } else {
        let limit = state.unauth_body_limit;
        (limit, UNAUTH_DRAIN_CAP.max(limit))
    };
    let too_large = || match &failure {
        Some(e) => e.to_response(),
        None => HubError::BodyTooLarge { limit }.into_response(),
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > cap as u64) {
        return close_after(too_large());
    }
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    let mut total = 0usize;
    let deadline = tokio::time::Instant::now() + state.body_read_timeout;
    loop {
        let chunk =
            match tokio::time::timeout_at(deadline, futures_util::StreamExt::next(&mut stream))
                .await
            {
                Err(_) => {
                    let answer = HubError::Timeout(format!(
                        "the request body did not arrive within {} s",
                        state.body_read_timeout.as_secs()
                    ));
                    return close_after(answer.into_response());
                }
                Ok(None) => break,
                Ok(Some(Ok(chunk))) => chunk,
                Ok(Some(Err(e))) => {
                    let answer = HubError::MalformedBody(format!("reading the body: {e}"));
                    return close_after(answer.into_response());
                }
            };
        total = total.saturating_add(chunk.len());
        if total > cap {
            return close_after(too_large());
        }
        if total <= limit {
            buf.extend_from_slice(&chunk);
        }
    }
    if total > limit {
        return too_large();
    }
    let mut response = next.run(Request::from_parts(parts, Body::from(buf))).await;
    if let Some(id) = device_id {
        response.extensions_mut().insert(LoggedDevice(id));
    }
    response
}

/// How much of an oversized body is read (and thrown away) so the client can read the 413.
pub fn drain_cap(limit: usize) -> usize {
    limit
        .saturating_mul(2)
        .max(limit.saturating_add(8 * 1024 * 1024))
}

/// Marks an answer as the connection's last.
pub fn close_after(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    response
}

/// A JSON request body (already read by [`read_body`]) with the hub's error answer:
/// `MALFORMED_BODY` (400) for anything that is not the expected JSON. The content type is not
/// checked.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = HubError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, HubError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                HubError::BodyTooLarge {
                    limit: state.body_limit,
                }
            } else {
                HubError::MalformedBody(e.body_text())
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| HubError::MalformedBody(format!("invalid JSON body: {e}")))
    }
}

/// The device a response was for, for the request log.
#[derive(Clone)]
pub struct LoggedDevice(pub String);

/// Lets through only requests that [`read_body`] authenticated; the handlers get an
/// `Extension<AuthedDevice>`.
pub async fn require_device(req: Request, next: Next) -> Response {
    if req.extensions().get::<AuthedDevice>().is_some() {
        return next.run(req).await;
    }
    match req.extensions().get::<AuthFailure>() {
        Some(AuthFailure(e)) => e.to_response(),
        None => HubError::Unauthenticated("no credential".into()).into_response(),
    }
}

/// Lets only admins through (after [`require_device`]).
pub async fn require_admin(req: Request, next: Next) -> Response {
    match req.extensions().get::<AuthedDevice>() {
        Some(d) if d.role == Role::Admin => next.run(req).await,
        Some(_) => HubError::Forbidden.into_response(),
        None => HubError::Unauthenticated("no credential".into()).into_response(),
    }
}

pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, HubError> {
    let storage = state.storage.clone();
    blocking(move || storage.ping()).await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        protocol: PROTOCOL_VERSION,
        schema_version: rapportino_model::SCHEMA_VERSION,
        storage: state.storage.kind().into(),
    }))
}

pub async fn enrol(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<EnrolRequest>,
) -> Result<Json<EnrolResponse>, HubError> {
    let storage = state.storage.clone();
    let answer = blocking(move || auth::enrol(&storage, &req, chrono::Utc::now())).await?;
    Ok(Json(answer))
}

pub async fn create_code(
    State(state): State<AppState>,
    Extension(admin): Extension<AuthedDevice>,
    JsonBody(req): JsonBody<NewEnrolmentCode>,
) -> Result<Json<EnrolmentCode>, HubError> {
    let storage = state.storage.clone();
    let code = blocking(move || {
        auth::create_code(&storage, req.role, req.valid_minutes, chrono::Utc::now())
    })
    .await?;
    tracing::info!(
        by = %Escaped(&admin.device_id),
        role = code.role.as_str(),
        expires_at = %code.expires_at,
        "enrolment code created"
    );
    Ok(Json(code))
}

pub async fn devices(State(state): State<AppState>) -> Result<Json<Vec<DeviceInfo>>, HubError> {
    let storage = state.storage.clone();
    Ok(Json(blocking(move || storage.registry().devices()).await?))
}

pub async fn revoke(
    State(state): State<AppState>,
    Extension(admin): Extension<AuthedDevice>,
    Path(device_id): Path<String>,
) -> Result<Json<DeviceInfo>, HubError> {
    let storage = state.storage.clone();
    let id = device_id.clone();
    let info = blocking(move || storage.registry().revoke(&id, &now_text()))
        .await?
        .ok_or_else(|| HubError::NotFound(format!("device {device_id}")))?;
    tracing::warn!(
        by = %Escaped(&admin.device_id),
        device = %Escaped(&device_id),
        "device revoked"
    );
    Ok(Json(info))
}

/// The checks made before a batch reaches the engine (nothing of a refused batch is applied).
pub fn check_push(req: &PushRequest) -> Result<(), HubError> {
    if req.mutations.len() > MAX_BATCH {
        return Err(HubError::BatchTooLarge {
            len: req.mutations.len(),
            max: MAX_BATCH,
        });
    }
    if req.schema_version < MIN_CLIENT_SCHEMA {
        return Err(HubError::UpgradeRequired {
            client: req.schema_version,
            min: MIN_CLIENT_SCHEMA,
        });
    }
    Ok(())
}

pub async fn push(
    State(state): State<AppState>,
    Extension(device): Extension<AuthedDevice>,
    JsonBody(req): JsonBody<PushRequest>,
) -> Result<Json<PushResponse>, HubError> {
    check_push(&req)?;
    let storage = state.storage.clone();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let answer = blocking(move || engine::push(&storage, &device, req, now_ms)).await?;
    Ok(Json(answer))
}

/// A technician's device has the hub check a client's extra-time PIN (see
/// [`crate::extra_time`]).
pub async fn extra_time(
    State(state): State<AppState>,
    Extension(device): Extension<AuthedDevice>,
    JsonBody(req): JsonBody<ExtraTimeRequest>,
) -> Result<Json<ExtraTimeGrant>, HubError> {
    let storage = state.storage.clone();
    let grant =
        blocking(move || extra_time::claim(&storage, &device, &req, chrono::Utc::now())).await?;
    Ok(Json(grant))
}

#[derive(Debug, Deserialize)]
pub struct ChangesParams {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

pub async fn changes(
    State(state): State<AppState>,
    Extension(device): Extension<AuthedDevice>,
    params: Result<Query<ChangesParams>, QueryRejection>,
) -> Result<Json<PullResponse>, HubError> {
    let Query(params) = params.map_err(|e| HubError::MalformedBody(e.body_text()))?;
    if params.after < 0 {
        return Err(HubError::MalformedBody("after must be 0 or more".into()));
    }
    let limit = params
        .limit
        .unwrap_or(MAX_PULL_PAGE)
        .clamp(1, MAX_PULL_PAGE);
    let storage = state.storage.clone();
    let answer =
        blocking(move || engine::pull_as(&storage, device.role, params.after, limit)).await?;
    Ok(Json(answer))
}

/// The snapshot (NDJSON: header, rows, end line). The engine writes it from one read
/// transaction into a spool (memory up to [`SNAPSHOT_SPOOL_MEMORY`], then a temporary file that
/// is deleted with it); the transaction and its pool connection are released before the first
/// byte goes out, so a slow reader holds only its spool. At most `max_snapshot_streams` at once:
/// past that, 503 `HUB_BUSY` with `Retry-After`. A stream that is not done within the snapshot
/// timeout is cut (the missing `SnapshotEnd` trailer tells the device it is incomplete).
pub async fn snapshot(
    State(state): State<AppState>,
    Extension(device): Extension<AuthedDevice>,
) -> Result<Response, HubError> {
    let slot = state
        .snapshot_slots
        .clone()
        .try_acquire_owned()
        .map_err(|_| HubError::Busy {
            what: "every snapshot stream is taken".into(),
            retry_after_secs: SNAPSHOT_RETRY_AFTER_SECS,
        })?;
    let storage = state.storage.clone();
    let spool = blocking(move || {
        let mut spool = tempfile::SpooledTempFile::new(SNAPSHOT_SPOOL_MEMORY);
        engine::snapshot_as(&storage, device.role, &mut |bytes| spool.write_all(bytes))?;
        spool
            .seek(SeekFrom::Start(0))
            .map_err(|e| HubError::Internal(format!("snapshot spool: {e}")))?;
        Ok(spool)
    })
    .await?;
    let deadline = tokio::time::Instant::now() + state.snapshot_timeout;
    let timeout = state.snapshot_timeout;
    let chunks = futures_util::stream::try_unfold((spool, slot), move |(spool, slot)| async move {
        if tokio::time::Instant::now() >= deadline {
            tracing::warn!(
                timeout_s = timeout.as_secs(),
                "snapshot stream cut: too slow"
            );
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "snapshot not read in time",
            ));
        }
        let (spool, chunk) = read_chunk(spool).await?;
        if chunk.is_empty() {
            return Ok(None); // the slot and the spool go with the state
        }
        Ok(Some((chunk, (spool, slot))))
    });
    let body = Body::from_stream(chunks);
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response())
}

/// The next chunk of a spool (from memory at once, from its file on a blocking thread).
async fn read_chunk(
    mut spool: tempfile::SpooledTempFile,
) -> std::io::Result<(tempfile::SpooledTempFile, Bytes)> {
    fn read(spool: &mut tempfile::SpooledTempFile) -> std::io::Result<Bytes> {
        let mut buf = vec![0u8; SNAPSHOT_CHUNK];
        let mut filled = 0;
        while filled < buf.len() {
            match spool.read(&mut buf[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        buf.truncate(filled);
        Ok(Bytes::from(buf))
    }
    if !spool.is_rolled() {
        let chunk = read(&mut spool)?;
        return Ok((spool, chunk));
    }
    tokio::task::spawn_blocking(move || {
        let chunk = read(&mut spool)?;
        Ok((spool, chunk))
    })
    .await
    .map_err(std::io::Error::other)?
}

pub async fn not_found() -> HubError {
    HubError::NotFound("no such endpoint".into())
}

pub async fn method_not_allowed() -> Response {
    let mut r = HubError::NotFound("method not allowed on this endpoint".into()).into_response();
    *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    r
}

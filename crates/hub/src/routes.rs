//! The HTTP endpoints (see `rapportino_model::protocol` for the list), the JSON body
//! extractor with the hub's own error answers, and the authentication middleware.

use std::collections::HashMap;
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
    DeviceInfo, EnrolRequest, EnrolResponse, EnrolmentCode, Health, NewEnrolmentCode, PullResponse,
    PushRequest, PushResponse, Role, MAX_BATCH, MAX_PULL_PAGE, MIN_CLIENT_SCHEMA, PROTOCOL_VERSION,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::auth::{self, AuthedDevice};
use crate::engine;
use crate::error::HubError;
use crate::storage::{now_text, Storage};

/// How often at most `last_seen_at` is written for one device.
const TOUCH_EVERY: Duration = Duration::from_secs(60);
/// Snapshot bytes gathered before a chunk goes to the client.
const SNAPSHOT_CHUNK: usize = 64 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<Storage>,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    touched: Arc<Mutex<HashMap<String, Instant>>>,
}

impl AppState {
    pub fn new(storage: Arc<Storage>, body_limit: usize) -> AppState {
        AppState {
            storage,
            body_limit,
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
                tracing::warn!(device = device_id, error = %e, "could not record last_seen_at");
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

/// Reads every request body before routing, up to the limit, so that any answer (a 401 from
/// authentication included) leaves the connection reusable: a body left unread makes the server
/// close a keep-alive connection under a client that is about to reuse it.
///
/// A body over the limit is read on and discarded up to [`drain_cap`], then answered with 413
/// `BODY_TOO_LARGE`, so the client gets the answer rather than a broken pipe; past the cap the
/// connection is closed after the answer.
pub async fn read_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = state.body_limit;
    let cap = drain_cap(limit);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || HubError::BodyTooLarge { limit }.into_response();
    if declared.is_some_and(|n| n > cap as u64) {
        return close_after(too_large());
    }
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
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
    next.run(Request::from_parts(parts, Body::from(buf))).await
}

/// How much of an oversized body is read (and thrown away) so the client can read the 413.
pub fn drain_cap(limit: usize) -> usize {
    limit
        .saturating_mul(2)
        .max(limit.saturating_add(8 * 1024 * 1024))
}

fn close_after(mut response: Response) -> Response {
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

/// Authenticates every request of the routes it wraps; the handlers get an
/// `Extension<AuthedDevice>`.
pub async fn require_device(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let storage = state.storage.clone();
    match blocking(move || auth::authenticate(&storage, header.as_deref())).await {
        Ok(device) => {
            state.touch(&device.device_id).await;
            let id = device.device_id.clone();
            req.extensions_mut().insert(device);
            let mut response = next.run(req).await;
            response.extensions_mut().insert(LoggedDevice(id));
            response
        }
        Err(e) => e.into_response(),
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
        by = %admin.device_id,
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
    tracing::warn!(by = %admin.device_id, device = %device_id, "device revoked");
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

#[derive(Debug, Deserialize)]
pub struct ChangesParams {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

pub async fn changes(
    State(state): State<AppState>,
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
    let answer = blocking(move || engine::pull(&storage, params.after, limit)).await?;
    Ok(Json(answer))
}

/// Streams the engine's NDJSON as it is produced (never the whole snapshot in memory). An
/// error before the first byte is an ordinary error answer; a later one cuts the stream (the
/// missing `SnapshotEnd` trailer tells the device it is incomplete).
pub async fn snapshot(State(state): State<AppState>) -> Result<Response, HubError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, HubError>>(8);
    let storage = state.storage.clone();
    tokio::task::spawn_blocking(move || {
        let mut buf: Vec<u8> = Vec::with_capacity(SNAPSHOT_CHUNK);
        let result = {
            let mut sink = |bytes: &[u8]| -> std::io::Result<()> {
                buf.extend_from_slice(bytes);
                if buf.len() >= SNAPSHOT_CHUNK {
                    let chunk = Bytes::from(std::mem::replace(
                        &mut buf,
                        Vec::with_capacity(SNAPSHOT_CHUNK),
                    ));
                    tx.blocking_send(Ok(chunk)).map_err(|_| {
                        std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away")
                    })?;
                }
                Ok(())
            };
            engine::snapshot(&storage, &mut sink)
        };
        let last = match result {
            Ok(()) if buf.is_empty() => return,
            Ok(()) => Ok(Bytes::from(buf)),
            Err(e) => Err(e),
        };
        let _ = tx.blocking_send(last);
    });
    let first = match rx.recv().await {
        None => Bytes::new(),
        Some(Err(e)) => return Err(e),
        Some(Ok(bytes)) => bytes,
    };
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await? {
            Ok(bytes) => Some((Ok(bytes), rx)),
            Err(e) => {
                tracing::error!(error = %e, "snapshot stream cut");
                Some((Err(std::io::Error::other(e.to_string())), rx))
            }
        }
    });
    let first = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) });
    let body = Body::from_stream(futures_util::StreamExt::chain(first, rest));
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response())
}

pub async fn not_found() -> HubError {
    HubError::NotFound("no such endpoint".into())
}

pub async fn method_not_allowed() -> Response {
    let mut r = HubError::NotFound("method not allowed on this endpoint".into()).into_response();
    *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    r
}

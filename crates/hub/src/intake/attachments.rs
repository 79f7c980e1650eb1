//! `GET /v1/attachments/{sha256}`: the content of an attachment the intake kept at the hub, for
//! an enrolled device that may read attachment listings (`rapportino_model::reads`), by its
//! SHA-256. Only a hash that a live listing of this hub names is served: any other — unknown,
//! not kept (over the size limit), or malformed — is 404, saying nothing about what else the
//! hub holds. The device checks the hash of what it receives before keeping it.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use rapportino_model::reads::may_read;
use rapportino_model::Entity;

use crate::auth::AuthedDevice;
use crate::error::HubError;
use crate::routes::{blocking, AppState};

/// Whether `s` is a SHA-256 in lower-case hex.
fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub async fn route(
    State(state): State<AppState>,
    Extension(device): Extension<AuthedDevice>,
    Path(sha256): Path<String>,
) -> Result<Response, HubError> {
    if !may_read(device.role, Entity::IncomingAttachment.name(), "sha256") {
        return Err(HubError::Forbidden);
    }
    let unknown = || HubError::NotFound("attachment".into());
    if !is_hash(&sha256) {
        return Err(unknown());
    }
    let storage = state.storage.clone();
    let hash = sha256.clone();
    let content = blocking(move || storage.read(|r| r.attachment_content(&hash)))
        .await?
        .ok_or_else(unknown)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::ETAG, format!("\"{sha256}\"")),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
        ],
        content,
    )
        .into_response())
}

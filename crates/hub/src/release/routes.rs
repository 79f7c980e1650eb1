//! The updater's endpoints, for enrolled devices only (the device's bearer token: the updater
//! plugin sends the headers it is built with on both requests):
//!
//! - `GET /v1/updates/{target}/{arch}/{current_version}`: 204 when the hub has nothing newer
//!   for this target, else the updater's dynamic JSON (`version`, `notes`, `pub_date`, `url`,
//!   `signature`), the URL on this hub under the address the device reached it by;
//! - `GET /v1/updates/files/{version}/{file}`: the package, only a name the release list holds.
//!
//! Neither checks the device's protocol or schema version: a device too old to sync must still
//! be able to update.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::{parse_version, Release, ReleaseStore, ARCH, TARGET};
use crate::error::HubError;
use crate::routes::{blocking, AppState};

/// Where the releases are and how this hub is reached.
#[derive(Debug, Clone)]
pub struct Releases {
    pub store: ReleaseStore,
    /// Whether the hub speaks TLS (the scheme of the package's URL).
    pub https: bool,
}

/// The updater plugin's dynamic answer.
#[derive(Debug, Serialize)]
pub struct UpdateAnswer {
    pub version: String,
    pub notes: String,
    pub pub_date: String,
    pub url: String,
    pub signature: String,
}

fn releases(state: &AppState) -> Result<Arc<Releases>, HubError> {
    state
        .releases
        .clone()
        .ok_or_else(|| HubError::NotFound("this hub offers no updates".into()))
}

/// The authority the device used (`Host`), checked to be one: it goes into a URL.
fn authority(headers: &HeaderMap) -> Result<String, HubError> {
    let bad = || HubError::MalformedBody("the request has no usable Host header".into());
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .ok_or_else(bad)?;
    let parsed: axum::http::uri::Authority = host.parse().map_err(|_| bad())?;
    if parsed.as_str().contains('@') {
        return Err(bad());
    }
    Ok(parsed.as_str().to_string())
}

pub async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((target, arch, current)): Path<(String, String, String)>,
) -> Result<Response, HubError> {
    // A hub without a releases folder has nothing newer for anyone.
    let Some(releases) = state.releases.clone() else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let current = parse_version(&current).map_err(|_| {
        HubError::MalformedBody(format!("current version {current:?} is not semver"))
    })?;
    // Only the .deb for x86_64 Linux exists: any other target has nothing newer.
    if target != TARGET || arch != ARCH {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let host = authority(&headers)?;
    let store = releases.store.clone();
    let Some(release) = blocking(move || store.newer_than(&current)).await? else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let scheme = if releases.https { "https" } else { "http" };
    let url = format!(
        "{scheme}://{host}/v1/updates/files/{}/{}",
        release.version, release.file
    );
    Ok(Json(UpdateAnswer {
        version: release.version,
        notes: release.notes,
        pub_date: release.pub_date,
        url,
        signature: release.signature,
    })
    .into_response())
}

pub async fn download(
    State(state): State<AppState>,
    Path((version, file)): Path<(String, String)>,
) -> Result<Response, HubError> {
    let releases = releases(&state)?;
    let store = releases.store.clone();
    let unknown = || HubError::NotFound("release".into());
    let release: Release = blocking(move || store.list())
        .await?
        .into_iter()
        .find(|r| r.version == version && r.file == file)
        .ok_or_else(unknown)?;
    let path = releases.store.package_path(&release);
    let handle = tokio::fs::File::open(&path)
        .await
        .map_err(|e| HubError::Internal(format!("release package {}: {e}", path.display())))?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(handle));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.debian.binary-package".to_owned(),
            ),
            (header::CONTENT_LENGTH, release.size.to_string()),
            (header::ETAG, format!("\"{}\"", release.sha256)),
        ],
        body,
    )
        .into_response())
}

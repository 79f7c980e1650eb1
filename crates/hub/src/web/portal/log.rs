//! The office's view of the access log: `GET /v1/admin/portal-log?limit=N` (an admin or office
//! device's token), newest first, as JSON; `rapportino-hub portal-log` prints the same.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use rapportino_model::protocol::Role;

use super::store::{access_log, Access};
use crate::auth::AuthedDevice;
use crate::error::HubError;
use crate::routes::{blocking, AppState};

/// `GET /v1/admin/portal-log`.
pub async fn route(
    State(state): State<AppState>,
    Extension(device): Extension<AuthedDevice>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if !matches!(device.role, Role::Admin | Role::Office) {
        return HubError::Forbidden.into_response();
    }
    let limit = match query.get("limit").map(|l| l.parse::<i64>()) {
        None => 200,
        Some(Ok(n)) if (1..=10_000).contains(&n) => n,
        Some(_) => {
            return HubError::MalformedBody("limit must be 1..=10000".into()).into_response()
        }
    };
    let storage = state.storage.clone();
    match blocking(move || access_log(&storage, limit)).await {
        Ok(lines) => Json::<Vec<Access>>(lines).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `rapportino-hub portal-log`: the latest `limit` lines, as text or JSON.
pub fn print(storage: &crate::storage::Storage, limit: i64, json: bool) -> Result<(), HubError> {
    let lines = access_log(storage, limit)?;
    if json {
        let text = serde_json::to_string_pretty(&lines)?;
        println!("{text}");
        return Ok(());
    }
    for l in &lines {
        let at = chrono::DateTime::from_timestamp(l.at, 0)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default();
        println!(
            "{at}  {}  contact {}  client {}  {}  {}",
            crate::log_text::Escaped(&l.ip),
            crate::log_text::Escaped(&l.contact_id),
            crate::log_text::Escaped(&l.client_id),
            crate::log_text::Escaped(&l.action),
            crate::log_text::Escaped(l.record_id.as_deref().unwrap_or("-")),
        );
    }
    Ok(())
}

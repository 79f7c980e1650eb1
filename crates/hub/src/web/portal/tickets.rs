//! The client's tickets, one ticket, a new request. Every read filters by the session's client
//! in its SQL (`store`); an id of another client's ticket answers exactly like a missing one.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use rapportino_intake::IncomingRequest;
use rapportino_model::vocab::{Origin, Severity};

use super::super::client_ip;
use super::super::i18n::Lang;
use super::auth::{lang_of, log, read_post};
use super::session::{signed, Signed};
use super::store;
use super::views::{self, RequestValues};
use crate::error::HubError;
use crate::intake::{take_from, Channel};
use crate::routes::{blocking, AppState};

/// Highest page number accepted.
const MAX_PAGE: i64 = 100_000;

fn ip_of(req_ext: &axum::http::Extensions) -> String {
    client_ip(req_ext)
        .map(|i| i.to_string())
        .unwrap_or_else(|| "-".into())
}

/// What every page of a signed-in contact starts with: the area (404 when it is off), the
/// page's language and the open session (else the answer that sends to the sign-in page).
async fn signed_page(
    state: &AppState,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<(std::sync::Arc<super::Portal>, Lang, Signed), Response> {
    let Some(portal) = state.portal.clone() else {
        return Err(HubError::NotFound("page".into()).to_response());
    };
    let lang = lang_of(query, headers);
    let s = signed(&state.storage, &portal, headers).await?;
    Ok((portal, lang, s))
}

/// `GET /portal/tickets?page=N` (from 1).
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let (portal, lang, s) = match signed_page(&state, &query, &headers).await {
        Ok(open) => open,
        Err(r) => return r,
    };
    let page_no = match query.get("page").map(|p| p.parse::<i64>()) {
        None => 1,
        Some(Ok(n)) if (1..=MAX_PAGE).contains(&n) => n,
        Some(_) => return views::refusal(lang, StatusCode::BAD_REQUEST, "PAGE_INVALID"),
    };
    let size = portal.config.page_size.max(1);
    let storage = state.storage.clone();
    let client = s.contact.client_id.clone();
    let read =
        blocking(move || storage.plain(|tx| store::tickets_page(tx, &client, page_no - 1, size)))
            .await;
    let mut lines = match read {
        Ok(l) => l,
        Err(e) => return views::refusal(lang, e.status(), e.code()),
    };
    let more = lines.len() as i64 > size;
    lines.truncate(size as usize);
    let ip = ip_of(req.extensions());
    log(&state, &s, &ip, "tickets", Some(&page_no.to_string())).await;
    views::tickets(&portal, &headers, lang, &s, &lines, page_no, more)
}

/// `GET /portal/tickets/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let (portal, lang, s) = match signed_page(&state, &query, &headers).await {
        Ok(open) => open,
        Err(r) => return r,
    };
    let ip = ip_of(req.extensions());
    let id: String = id.chars().take(64).collect();
    let storage = state.storage.clone();
    let (client, tid) = (s.contact.client_id.clone(), id.clone());
    let read = blocking(move || {
        storage.plain(|tx| match store::ticket_of_client(tx, &client, &tid)? {
            Some(t) => Ok(Some((store::history(tx, &client, &tid)?, t))),
            None => Ok(None),
        })
    })
    .await;
    match read {
        Ok(Some((history, t))) => {
            log(&state, &s, &ip, "ticket", Some(&id)).await;
            views::ticket(&portal, &headers, lang, &s, &t, &history)
        }
        Ok(None) => {
            log(&state, &s, &ip, "ticket_denied", Some(&id)).await;
            views::refusal(lang, StatusCode::NOT_FOUND, "NOT_FOUND")
        }
        Err(e) => views::refusal(lang, e.status(), e.code()),
    }
}

/// `GET /portal/request`.
pub async fn request_page(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (portal, lang, s) = match signed_page(&state, &query, &headers).await {
        Ok(open) => open,
        Err(r) => return r,
    };
    let values = RequestValues {
        severity: Severity::Request.as_str().into(),
        ..Default::default()
    };
    views::request(&portal, &headers, lang, &s, &values, &[], StatusCode::OK)
}

fn request_limit(name: &str) -> usize {
    use super::super::form::{MAX_DESCRIPTION, MAX_SUBJECT};
    match name {
        "subject" => MAX_SUBJECT,
        "description" => MAX_DESCRIPTION,
        _ => 200,
    }
}

/// `POST /portal/request`: the request goes through the intake like the public form's (origin
/// `web_form`, source `portal`, keyed `portal:<token nonce>` so a double submit makes one),
/// from the signed-in contact's own address and for the session's client only
/// (`Channel::client_id`): an authorised contact's, so it becomes a ticket of that client with
/// its acknowledgement, never a triage item (also when the address is authorised for several
/// clients).
pub async fn request(State(state): State<AppState>, req: Request) -> Response {
    let Some(portal) = state.portal.clone() else {
        return HubError::NotFound("page".into()).to_response();
    };
    let s = match signed(&state.storage, &portal, req.headers()).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let post = match read_post(&state, &portal, req, request_limit).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let lang = post.lang;
    let field = |k: &str| post.fields.get(k).cloned().unwrap_or_default();
    let values = RequestValues {
        subject: field("subject")
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
        description: field("description"),
        severity: field("severity"),
    };
    let mut errors: Vec<(&str, &'static str)> = Vec::new();
    if values.subject.trim().is_empty() {
        errors.push(("subject", "SUBJECT_REQUIRED"));
    }
    if values.description.trim().is_empty() {
        errors.push(("description", "DESCRIPTION_REQUIRED"));
    }
    let severity = values.severity.parse::<Severity>().ok();
    if severity.is_none() {
        errors.push(("severity", "SEVERITY_INVALID"));
    }
    let (Some(severity), true) = (severity, errors.is_empty()) else {
        return views::request(
            &portal,
            &post.headers,
            lang,
            &s,
            &values,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let key = format!("portal:{}", post.nonce);
    let mut body = values.description.trim().to_owned();
    body.push_str("\n\n--\n");
    body.push_str(&format!(
        "Dall'area riservata · Gravità indicata: {}\nLingua: {}",
        severity.label(rapportino_model::labels::Locale::It),
        lang.code()
    ));
    let incoming = IncomingRequest {
        idempotency_key: key.clone(),
        origin: Origin::WebForm,
        source: "portal".into(),
        sender_email: Some(s.contact.email.clone()),
        sender_name: Some(s.contact.name.clone()).filter(|n| !n.is_empty()),
        subject: values.subject.trim().to_owned(),
        body,
        received_at: Utc::now(),
        sent_at: None,
        message_id: None,
        references: Vec::new(),
        attachments: Vec::new(),
        loop_signal: None,
        category: None,
        service: None,
    };
    let channel = Channel {
        client_id: Some(s.contact.client_id.clone()),
        severity: Some(severity),
        note: Some("Dall'area riservata".into()),
        language: Some(lang.code()),
        triage_kept_max: None,
    };
    let storage = state.storage.clone();
    let rules = portal.config.rules.clone();
    let taken =
        blocking(move || take_from(&storage, &incoming, &rules, Utc::now(), &channel)).await;
    match taken {
        Ok(_) => {
            log(&state, &s, &post.ip, "request", Some(&key)).await;
            views::request_done(&portal, &post.headers, lang, &s)
        }
        Err(e) => views::refusal(lang, e.status(), e.code()),
    }
}

//! The public request form: `GET /request` shows it, `POST /request` (multipart) takes it.
//!
//! A post goes through, in this order, and stops at the first refusal:
//! 0. the client address's rate limit (an IPv6 client by its /64; 429 `RATE_LIMITED`,
//!    `Retry-After`, nothing read): before the upload slot, so a limited sender never holds one;
//! 1. a free upload slot (503 `HUB_BUSY`, `Retry-After`);
//! 2. the body under `max_body` (declared length first; 413 `BODY_TOO_LARGE`, nothing read);
//! 3. the multipart form: every text field under its limit (413 `FIELD_TOO_LONG`), the
//!    attachment under `max_attachment` (413 `ATTACHMENT_TOO_LARGE`);
//! 4. the honeypot: filled, the answer looks like a received request and nothing is stored;
//! 5. the CSRF token (403 `CSRF_MISSING` / `CSRF_INVALID` / `CSRF_EXPIRED`);
//! 6. a token already used: the thank-you page again (a double submit makes one request);
//! 7. the fields (422, the form shown again with the visitor's values and the errors);
//! 8. the e-mail address's rate limit (429 `RATE_LIMITED`);
//! 9. the intake engine, as a request of origin `web_form` keyed `form:<token nonce>`: an
//!    authorised contact's becomes a hub ticket (severity from the form, urgent when blocking
//!    or when the subject says URGENTE) with its acknowledgement queued for the hub's mail
//!    round; anyone else's waits in the triage queue ("Da smistare").
//!
//! The thank-you page is one and the same whatever became of the request (ticket, triage,
//! honeypot, double submit): it must not tell a visitor whether an address is one of the shop's
//! authorised contacts. The ticket's number travels only in the acknowledgement, mailed to that
//! contact's own address. A stranger's request gets no mail at all: the address is unverified,
//! and mailing it would let anyone send the shop's mail to any address they type in; the office
//! answers after triage.
//!
//! A stranger's attachment is listed (name, size, SHA-256) whatever its size, but its content
//! is kept only up to `triage_max_attachment` (1 MiB by default, below `max_attachment`): an
//! unverified sender cannot park large files at the hub. An authorised contact's is kept up to
//! `max_attachment`.
//!
//! Refusals are HTML pages in the visitor's language with the stable code in
//! `data-code`; every value is escaped by maud.

use std::collections::HashMap;

use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use rapportino_intake::{Attachment, IncomingRequest};
use rapportino_model::vocab::{Origin, RequestStatus, Severity};

use super::csrf::COOKIE;
use super::i18n::Lang;
use super::{client_ip, closing, ip_key, read_limited, rebuilt, BodyError, Web};

mod view;
use crate::error::HubError;
use crate::intake::{outcome, take_from, Channel};
use crate::routes::{blocking, AppState};
use crate::storage::Storage;
use view::{done_page, error_page, failure_page, form_page};

/// The form's path.
pub const PATH: &str = "/request";

/// Every stable code a form page can show.
pub const CODES: &[&str] = &[
    "EMAIL_REQUIRED",
    "EMAIL_INVALID",
    "NAME_REQUIRED",
    "SUBJECT_REQUIRED",
    "DESCRIPTION_REQUIRED",
    "SEVERITY_INVALID",
    "FIELD_TOO_LONG",
    "ATTACHMENT_TOO_LARGE",
    "BODY_TOO_LARGE",
    "CSRF_MISSING",
    "CSRF_INVALID",
    "CSRF_EXPIRED",
    "RATE_LIMITED",
    "MALFORMED_BODY",
];

/// Longest value of each text field, in characters.
pub const MAX_EMAIL: usize = 254;
pub const MAX_NAME: usize = 120;
pub const MAX_CLIENT: usize = 200;
pub const MAX_SUBJECT: usize = 200;
pub const MAX_DESCRIPTION: usize = 10_000;
/// Longest value of the form's own fields (token, language, honeypot).
const MAX_SMALL: usize = 200;

/// What the visitor typed.
#[derive(Debug, Default, Clone)]
pub struct Values {
    pub email: String,
    pub name: String,
    pub client: String,
    pub subject: String,
    pub description: String,
    pub severity: String,
}

/// A post as read.
#[derive(Default)]
struct Posted {
    values: Values,
    lang: Option<String>,
    token: Option<String>,
    trap: String,
    attachment: Option<Attachment>,
}

/// The severities in the form's order, with their hints' index.
const SEVERITIES: [Severity; 3] = [Severity::Blocking, Severity::Degraded, Severity::Request];

/// `GET /request`.
pub async fn show(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(web) = state.web.clone() else {
        return HubError::NotFound("page".into()).to_response();
    };
    let lang = Lang::choose(query.get("lang").map(String::as_str), accept(&headers));
    let shop = super::shop_name(&state, &web.shop).await;
    let values = Values {
        severity: Severity::Request.as_str().into(),
        ..Values::default()
    };
    form_page(
        &web,
        &headers,
        lang,
        shop.as_deref(),
        &values,
        &[],
        StatusCode::OK,
        None,
    )
}

/// `POST /request`.
pub async fn submit(State(state): State<AppState>, req: Request) -> Response {
    let Some(web) = state.web.clone() else {
        return HubError::NotFound("page".into()).to_response();
    };
    let headers = req.headers().clone();
    let ip = client_ip(req.extensions())
        .map(ip_key)
        .unwrap_or_else(|| "-".into());
    let header_lang = Lang::choose(None, accept(&headers));
    // The address's limit first: a limited sender is answered without a byte read and never
    // holds an upload slot.
    if let Err(wait) = web.per_ip.admit(&ip) {
        let mut limited = error_page(
            header_lang,
            None,
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
        );
        if let Ok(v) = axum::http::HeaderValue::from_str(&wait.to_string()) {
            limited.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return closing(limited);
    }
    // Each post read holds its body in memory: only so many at once.
    let Ok(_upload) = web.uploads.clone().try_acquire_owned() else {
        let busy = HubError::Busy {
            what: "too many forms being sent at once".into(),
            retry_after_secs: 5,
        };
        return closing(failure_page(header_lang, None, &busy));
    };
    let (parts, body) = match read_limited(req, web.config.max_body, state.body_read_timeout).await
    {
        Ok(read) => read,
        Err(BodyError::TooLarge) => {
            return closing(error_page(
                header_lang,
                None,
                StatusCode::PAYLOAD_TOO_LARGE,
                "BODY_TOO_LARGE",
            ))
        }
        Err(BodyError::Timeout) => {
            return closing(
                HubError::Timeout("the form did not arrive in time".into()).to_response(),
            )
        }
        Err(BodyError::Broken) => {
            return closing(error_page(
                header_lang,
                None,
                StatusCode::BAD_REQUEST,
                "MALFORMED_BODY",
            ))
        }
    };
    let posted = match read_form(rebuilt(parts, body), &state, &web).await {
        Ok(p) => p,
        Err((status, code)) => return error_page(header_lang, None, status, code),
    };
    let lang = Lang::choose(posted.lang.as_deref(), accept(&headers));
    let shop = super::shop_name(&state, &web.shop).await;
    let shop = shop.as_deref();
    let reshow = |status: StatusCode, errors: &[(&str, &'static str)], retry: Option<u64>| {
        form_page(
            &web,
            &headers,
            lang,
            shop,
            &posted.values,
            errors,
            status,
            retry,
        )
    };
    // After the address's limit: a bot filling the trap is limited like anyone else.
    if !posted.trap.trim().is_empty() {
        tracing::info!(peer = %ip, "web form: honeypot filled, nothing stored");
        return done_page(lang, shop);
    }
    let nonce = match web.csrf.verify(
        cookie(&headers).as_deref(),
        posted.token.as_deref(),
        Utc::now().timestamp(),
    ) {
        Ok(nonce) => nonce,
        Err(e) => {
            tracing::info!(peer = %ip, code = e.code(), "web form: token refused");
            return reshow(StatusCode::FORBIDDEN, &[("", e.code())], None);
        }
    };
    let key = format!("form:{nonce}");
    match lookup(&state.storage, &key).await {
        Ok(Some(_)) => return done_page(lang, shop),
        Ok(None) => {}
        Err(e) => return failure_page(lang, shop, &e),
    }
    let (email, severity, errors) = validate(&posted.values);
    let (Some(email), Some(severity), true) = (email, severity, errors.is_empty()) else {
        return reshow(StatusCode::UNPROCESSABLE_ENTITY, &errors, None);
    };
    if let Err(wait) = web.per_email.admit(&email) {
        return reshow(
            StatusCode::TOO_MANY_REQUESTS,
            &[("", "RATE_LIMITED")],
            Some(wait),
        );
    }
    let request = incoming(&web, &posted, key.clone(), email, severity, lang);
    let channel = Channel {
        client_id: None,
        severity: Some(severity),
        note: Some("Dal modulo web".into()),
        language: Some(lang.code()),
        triage_kept_max: Some(
            web.config
                .triage_max_attachment
                .min(web.config.max_attachment) as u64,
        ),
    };
    let storage = state.storage.clone();
    let rules = web.config.rules.clone();
    let taken = blocking(move || take_from(&storage, &request, &rules, Utc::now(), &channel)).await;
    match taken {
        Ok(_) => done_page(lang, shop),
        Err(e) => failure_page(lang, shop, &e),
    }
}

fn accept(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
}

/// The form cookie the browser sent, when it looks like one of ours.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The multipart form, each field under its limit.
async fn read_form(
    req: Request,
    state: &AppState,
    web: &Web,
) -> Result<Posted, (StatusCode, &'static str)> {
    let malformed = (StatusCode::BAD_REQUEST, "MALFORMED_BODY");
    let too_long = (StatusCode::PAYLOAD_TOO_LARGE, "FIELD_TOO_LONG");
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(|_| malformed)?;
    let mut posted = Posted::default();
    while let Some(field) = form.next_field().await.map_err(|_| malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "attachment" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mime = field.content_type().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|_| malformed)?;
            if bytes.len() > web.config.max_attachment {
                return Err((StatusCode::PAYLOAD_TOO_LARGE, "ATTACHMENT_TOO_LARGE"));
            }
            // A file input left empty still sends a part, with no name and no bytes.
            if !bytes.is_empty() || !file_name.is_empty() {
                // Within the form's own limit: the hub keeps the content (devices fetch it by
                // its hash, as a mail's).
                let kept_max = web.config.max_attachment as u64;
                posted.attachment = Some(Attachment::new(&file_name, &mime, &bytes, kept_max));
            }
            continue;
        }
        let limit = match name.as_str() {
            "email" => MAX_EMAIL,
            "name" => MAX_NAME,
            "client" => MAX_CLIENT,
            "subject" => MAX_SUBJECT,
            "description" => MAX_DESCRIPTION,
            _ => MAX_SMALL,
        };
        let text = field.text().await.map_err(|_| malformed)?;
        // Browsers send line breaks as CR LF: count them as one character.
        let text = text.replace("\r\n", "\n");
        if text.chars().count() > limit {
            return Err(too_long);
        }
        let v = &mut posted.values;
        match name.as_str() {
            "email" => v.email = one_line(&text),
            "name" => v.name = one_line(&text),
            "client" => v.client = one_line(&text),
            // The subject becomes the ticket's title and the acknowledgement's subject: a control
            // character there would make that mail unsendable.
            "subject" => v.subject = one_line(&text),
            "description" => v.description = text,
            "severity" => v.severity = text,
            "lang" => posted.lang = Some(text),
            "csrf" => posted.token = Some(text),
            "website" => posted.trap = text,
            _ => {}
        }
    }
    Ok(posted)
}

/// A one-line field: control characters (line breaks, tabs, escapes) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The e-mail (lower case) and severity when valid, and every field's error.
fn validate(
    v: &Values,
) -> (
    Option<String>,
    Option<Severity>,
    Vec<(&'static str, &'static str)>,
) {
    let mut errors = Vec::new();
    let raw = v.email.trim();
    let email = if raw.is_empty() {
        errors.push(("email", "EMAIL_REQUIRED"));
        None
    } else {
        let bare = !raw.contains(['<', '>', ' ', ',']);
        match rapportino_mail::parse_address(raw, "sender") {
            Ok(mailbox) if bare && mailbox.email.domain().contains('.') => {
                Some(mailbox.email.to_string().to_lowercase())
            }
            _ => {
                errors.push(("email", "EMAIL_INVALID"));
                None
            }
        }
    };
    if v.name.trim().is_empty() {
        errors.push(("name", "NAME_REQUIRED"));
    }
    if v.subject.trim().is_empty() {
        errors.push(("subject", "SUBJECT_REQUIRED"));
    }
    if v.description.trim().is_empty() {
        errors.push(("description", "DESCRIPTION_REQUIRED"));
    }
    let severity = v.severity.parse::<Severity>().ok();
    if severity.is_none() {
        errors.push(("severity", "SEVERITY_INVALID"));
    }
    (email, severity, errors)
}

/// The request the intake engine takes: the visitor's words verbatim; the company they named
/// and the severity they chose closing the body (the office reads them in the triage queue).
fn incoming(
    web: &Web,
    posted: &Posted,
    key: String,
    email: String,
    severity: Severity,
    lang: Lang,
) -> IncomingRequest {
    let v = &posted.values;
    let locale = Lang::It.locale();
    let mut body = v.description.trim().to_owned();
    body.push_str("\n\n--\n");
    if !v.client.trim().is_empty() {
        body.push_str(&format!("Azienda indicata: {}\n", v.client.trim()));
    }
    body.push_str(&format!("Gravità indicata: {}\n", severity.label(locale)));
    body.push_str(&format!("Lingua del modulo: {}", lang.code()));
    IncomingRequest {
        idempotency_key: key,
        origin: Origin::WebForm,
        source: "web".into(),
        sender_email: Some(email),
        sender_name: Some(v.name.trim().to_owned()).filter(|n| !n.is_empty()),
        subject: v.subject.trim().to_owned(),
        body,
        received_at: Utc::now(),
        sent_at: None,
        message_id: None,
        references: Vec::new(),
        attachments: posted.attachment.iter().cloned().collect(),
        loop_signal: None,
        category: web.config.category.clone(),
        service: web.config.service.clone(),
    }
}

/// What became of the request keyed `key`, if it is recorded.
async fn lookup(
    storage: &std::sync::Arc<Storage>,
    key: &str,
) -> Result<Option<(RequestStatus, Option<String>)>, HubError> {
    let (storage, key) = (storage.clone(), key.to_owned());
    blocking(move || outcome(&storage, &key)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_fields_lose_their_control_characters() {
        assert_eq!(
            one_line("Stampante\nguasta\r\t\u{1b}[31m"),
            "Stampante guasta   [31m"
        );
        assert_eq!(one_line("Caffè è già pronto"), "Caffè è già pronto");
    }

    #[test]
    fn the_fields_are_checked_with_stable_codes() {
        let (email, severity, errors) = validate(&Values::default());
        assert_eq!((email, severity), (None, None));
        let codes: Vec<&str> = errors.iter().map(|(_, c)| *c).collect();
        assert_eq!(
            codes,
            [
                "EMAIL_REQUIRED",
                "NAME_REQUIRED",
                "SUBJECT_REQUIRED",
                "DESCRIPTION_REQUIRED",
                "SEVERITY_INVALID"
            ]
        );
        let good = Values {
            email: " Anna@Ferri.IT ".into(),
            name: "Anna".into(),
            client: String::new(),
            subject: "La cassa".into(),
            description: "Non stampa".into(),
            severity: "blocking".into(),
        };
        let (email, severity, errors) = validate(&good);
        assert_eq!(email.as_deref(), Some("anna@ferri.it"));
        assert_eq!(severity, Some(Severity::Blocking));
        assert!(errors.is_empty());
        for bad in [
            "anna",
            "anna@ferri",
            "Anna <anna@ferri.it>",
            "a@b.it, c@d.it",
            "a b@c.it",
        ] {
            let (email, _, errors) = validate(&Values {
                email: bad.into(),
                ..good.clone()
            });
            assert_eq!(
                (email, errors),
                (None, vec![("email", "EMAIL_INVALID")]),
                "{bad}"
            );
        }
    }
}

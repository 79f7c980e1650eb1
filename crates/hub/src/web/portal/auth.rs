//! Signing in and out.
//!
//! - `GET /portal/sign-in` asks the address; `POST` (CSRF, per-address and per-e-mail limits)
//!   answers at once, the same page whatever the address, then in a background task
//!   ([`spawn_links`]) makes one single-use link per client the address is an authorised contact
//!   of (32 random bytes, stored as SHA-256, valid `link_ttl`) and queues the mail for the hub's
//!   mail round. Neither the page nor its timing tells who is a contact, also when the e-mail's
//!   own limit is reached (then nothing is sent).
//! - `GET /portal/link?t=` only shows a confirm button (a mail scanner prefetching the link
//!   spends nothing); its `POST` (CSRF) spends the link and opens a session in one transaction
//!   (`store::spend_link`). Invalid, used or expired links count against the client address;
//!   past `bad_links` in a window the address is locked out (`LOCKED_OUT`, good links too).
//! - `POST /portal/sign-out` ends this session, `POST /portal/sign-out-everywhere` every session
//!   of the contact.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rapportino_mail::OutgoingMessage;

use super::super::i18n::Lang;
use super::super::{client_ip, ip_key, read_limited, BodyError};
use super::session::{self, hash, new_secret, now, set_cookie, signed, Signed};
use super::store::{self, Access};
use super::words::words;
use super::{views, Portal, MAX_POST};
use crate::error::HubError;
use crate::routes::{blocking, AppState};

/// A post as read: its fields, checked against the CSRF token.
pub struct Post {
    pub fields: HashMap<String, String>,
    pub lang: Lang,
    pub headers: HeaderMap,
    /// The client address as counted (`ip_key`) and as logged.
    pub ip_key: String,
    pub ip: String,
    /// The CSRF token's nonce (the post's idempotency key).
    pub nonce: String,
}

pub fn accept(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
}

pub fn lang_of(query: &HashMap<String, String>, headers: &HeaderMap) -> Lang {
    Lang::choose(query.get("lang").map(String::as_str), accept(headers))
}

fn portal_of(state: &AppState) -> Result<Arc<Portal>, Box<Response>> {
    state
        .portal
        .clone()
        .ok_or_else(|| Box::new(HubError::NotFound("page".into()).to_response()))
}

/// Reads a form post (urlencoded, under [`MAX_POST`], every field under `limit_of`) and checks
/// its CSRF token. A refusal is the page to answer.
pub async fn read_post(
    state: &AppState,
    portal: &Portal,
    req: Request,
    limit_of: fn(&str) -> usize,
) -> Result<Post, Response> {
    let headers = req.headers().clone();
    let lang0 = Lang::choose(None, accept(&headers));
    let ip = client_ip(req.extensions());
    let ip_text = ip.map(|i| i.to_string()).unwrap_or_else(|| "-".into());
    let key = ip.map(ip_key).unwrap_or_else(|| "-".into());
    let (_, body) = match read_limited(req, MAX_POST, state.body_read_timeout).await {
        Ok(read) => read,
        Err(BodyError::TooLarge) => {
            return Err(super::super::closing(views::refusal(
                lang0,
                StatusCode::PAYLOAD_TOO_LARGE,
                "BODY_TOO_LARGE",
            )))
        }
        Err(_) => {
            return Err(super::super::closing(views::refusal(
                lang0,
                StatusCode::BAD_REQUEST,
                "MALFORMED_BODY",
            )))
        }
    };
    let mut fields = HashMap::new();
    for (k, v) in form_urlencoded::parse(&body) {
        let v = v.replace("\r\n", "\n");
        if v.chars().count() > limit_of(&k) {
            return Err(views::refusal(
                lang0,
                StatusCode::PAYLOAD_TOO_LARGE,
                "FIELD_TOO_LONG",
            ));
        }
        fields.insert(k.into_owned(), v);
    }
    let lang = Lang::choose(fields.get("lang").map(String::as_str), accept(&headers));
    let nonce = portal
        .csrf
        .verify(
            views::form_cookie(&headers).as_deref(),
            fields.get("csrf").map(String::as_str),
            now(),
        )
        .map_err(|e| {
            tracing::info!(peer = %ip_text, code = e.code(), "portal: token refused");
            views::refusal(lang, StatusCode::FORBIDDEN, e.code())
        })?;
    Ok(Post {
        fields,
        lang,
        headers,
        ip_key: key,
        ip: ip_text,
        nonce,
    })
}

/// Writes one line of the access log (a failure is logged, never shown).
pub async fn log(state: &AppState, signed: &Signed, ip: &str, action: &str, record: Option<&str>) {
    let access = Access {
        at: now(),
        contact_id: signed.contact.id.clone(),
        client_id: signed.contact.client_id.clone(),
        ip: ip.to_owned(),
        action: action.to_owned(),
        record_id: record.map(str::to_owned),
    };
    let storage = state.storage.clone();
    if let Err(e) = blocking(move || storage.plain(|tx| store::log_access(tx, &access))).await {
        tracing::warn!(code = e.code(), "portal: access not logged");
    }
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// `GET /portal`.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let portal = match portal_of(&state) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    match signed(&state.storage, &portal, &headers).await {
        Ok(_) => see_other("/portal/tickets"),
        Err(r) => r,
    }
}

/// `GET /portal/sign-in`.
pub async fn sign_in_page(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let portal = match portal_of(&state) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    views::sign_in(
        &portal,
        &headers,
        lang_of(&query, &headers),
        "",
        None,
        StatusCode::OK,
    )
}

/// The key the per-IP limits count this request under (an IPv6 address by its /64).
fn limit_key(req: &Request) -> String {
    client_ip(req.extensions())
        .map(ip_key)
        .unwrap_or_else(|| "-".into())
}

fn small_limit(name: &str) -> usize {
    match name {
        "email" => super::super::form::MAX_EMAIL,
        _ => 200,
    }
}

/// `POST /portal/sign-in`.
pub async fn sign_in(State(state): State<AppState>, req: Request) -> Response {
    let portal = match portal_of(&state) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let ip = limit_key(&req);
    if let Err(wait) = portal.per_ip.admit(&ip) {
        let lang = Lang::choose(None, accept(req.headers()));
        let mut r = views::refusal(lang, StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED");
        if let Ok(v) = header::HeaderValue::from_str(&wait.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return super::super::closing(r);
    }
    let post = match read_post(&state, &portal, req, small_limit).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let lang = post.lang;
    let raw = post.fields.get("email").map(|e| e.trim()).unwrap_or("");
    let email = if raw.is_empty() {
        Err("EMAIL_REQUIRED")
    } else {
        let bare = !raw.contains(['<', '>', ' ', ',']);
        match rapportino_mail::parse_address(raw, "sender") {
            Ok(m) if bare && m.email.domain().contains('.') => {
                Ok(m.email.to_string().to_lowercase())
            }
            _ => Err("EMAIL_INVALID"),
        }
    };
    let email = match email {
        Ok(e) => e,
        Err(code) => {
            return views::sign_in(
                &portal,
                &post.headers,
                lang,
                raw,
                Some(code),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let w = words(lang);
    // The answer is ready before anything depends on the address: the look-up, the links and
    // the mails are made after it, in a task of their own (no timing oracle of who is a contact).
    spawn_links(state.storage.clone(), portal, email, lang);
    views::notice(lang, w.link_sent_title, w.link_sent, "link-sent")
}

/// Everything of a sign-in that depends on the address, in the background: the per-e-mail
/// limit, the contacts' look-up, the links and the queued mails. A failure is logged only (the
/// answer is already the same page for everyone).
fn spawn_links(
    storage: Arc<crate::storage::Storage>,
    portal: Arc<Portal>,
    email: String,
    lang: Lang,
) {
    tokio::spawn(async move {
        if portal.per_email.admit(&email).is_err() {
            tracing::info!("portal: sign-in mails of one address over its limit, none sent");
            return;
        }
        let made = blocking(move || make_links(&storage, &portal, &email, lang)).await;
        if let Err(e) = made {
            tracing::warn!(code = e.code(), "portal: sign-in link not made");
        }
    });
}

/// One link per client `email` is an authorised contact of, each mailed (queued for the round).
fn make_links(
    storage: &crate::storage::Storage,
    portal: &Portal,
    email: &str,
    lang: Lang,
) -> Result<(), HubError> {
    let ttl = portal.config.link_ttl;
    let w = words(lang);
    let mails = storage.plain(|tx| {
        let now = now();
        let shop = shop_name(tx)?;
        let mut mails = Vec::new();
        for contact in store::contacts_by_email(tx, email)? {
            let secret = new_secret();
            store::insert_link(
                tx,
                &hash(&secret),
                &contact,
                now,
                now + ttl.as_secs() as i64,
            )?;
            let link = format!(
                "{}/portal/link?t={secret}&lang={}",
                portal.config.base_url,
                lang.code()
            );
            let client = store::client_name(tx, &contact.client_id)?;
            let body = w
                .mail_body
                .replace("{name}", &contact.name)
                .replace("{client}", &client)
                .replace("{minutes}", &(ttl.as_secs() / 60).to_string())
                .replace("{link}", &link)
                .replace("{shop}", &shop);
            mails.push(OutgoingMessage {
                message_id: format!("<{}@rapportino.invalid>", uuid::Uuid::now_v7()),
                in_reply_to: None,
                references: Vec::new(),
                to: vec![contact.email.clone()],
                cc: Vec::new(),
                subject: w.mail_subject.to_owned(),
                text: body,
                html: None,
                attachments: Vec::new(),
                attempt: 1,
            });
        }
        Ok(mails)
    })?;
    for m in mails {
        super::mailbox::queue(&portal.hub_id, m, ttl);
    }
    Ok(())
}

fn shop_name(tx: &mut dyn crate::storage::plain::PlainTx) -> Result<String, HubError> {
    let rows = tx.query(
        "SELECT fields FROM hub_rows WHERE entity = 'setting' AND entity_id = 'shop' AND deleted IS NULL",
        &[],
    )?;
    Ok(rows
        .first()
        .and_then(|r| r[0].text())
        .and_then(|f| serde_json::from_str::<serde_json::Value>(f).ok())
        .and_then(|f| f.get("value")?.as_str().map(str::to_owned))
        .and_then(|v| serde_json::from_str::<serde_json::Value>(&v).ok())
        .and_then(|v| v.get("name")?.as_str().map(str::to_owned))
        .unwrap_or_default())
}

/// `GET /portal/link?t=`: a confirm button, nothing spent.
pub async fn link_page(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let portal = match portal_of(&state) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let lang = lang_of(&query, &headers);
    match query.get("t").filter(|t| session::well_formed(t)) {
        Some(t) => views::link(&portal, &headers, lang, t),
        None => views::refusal(lang, StatusCode::BAD_REQUEST, "LINK_INVALID"),
    }
}

fn link_limit(name: &str) -> usize {
    match name {
        "t" => 64,
        _ => 200,
    }
}

/// `POST /portal/link`: spends the link, opens the session.
pub async fn link_confirm(State(state): State<AppState>, req: Request) -> Response {
    let portal = match portal_of(&state) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let ip = limit_key(&req);
    if portal.bad_links.exhausted(&ip) {
        let lang = Lang::choose(None, accept(req.headers()));
        return super::super::closing(views::refusal(
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            "LOCKED_OUT",
        ));
    }
    let post = match read_post(&state, &portal, req, link_limit).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let lang = post.lang;
    let token = post.fields.get("t").cloned().unwrap_or_default();
    let refused = |code: &str| {
        let _ = portal.bad_links.admit(&post.ip_key);
        tracing::info!(peer = %post.ip, code, "portal: link refused");
        let status = if code == "LINK_INVALID" {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::GONE
        };
        views::refusal(lang, status, code)
    };
    if !session::well_formed(&token) {
        return refused("LINK_INVALID");
    }
    let session_secret = new_secret();
    let (storage, session_hash) = (state.storage.clone(), hash(&session_secret));
    let absolute = portal.config.absolute.as_secs() as i64;
    let sh = session_hash.clone();
    let spent = blocking(move || {
        storage.plain(|tx| store::spend_link(tx, &hash(&token), &sh, now(), absolute))
    })
    .await;
    match spent {
        Ok(Ok(contact)) => {
            let signed = Signed {
                contact,
                client_name: String::new(),
                session_hash,
            };
            log(&state, &signed, &post.ip, "sign_in", None).await;
            let mut r = see_other("/portal/tickets");
            r.headers_mut().insert(
                header::SET_COOKIE,
                set_cookie(&portal, Some(&session_secret)),
            );
            r
        }
        Ok(Err(refusal)) => refused(refusal.code()),
        Err(e) => views::refusal(lang, e.status(), e.code()),
    }
}

async fn end(state: AppState, req: Request, everywhere: bool) -> Response {
    let portal = match portal_of(&state) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let s = match signed(&state.storage, &portal, req.headers()).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let post = match read_post(&state, &portal, req, |_| 200).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let storage = state.storage.clone();
    let (hash, contact) = (s.session_hash.clone(), s.contact.id.clone());
    let ended = blocking(move || {
        storage.plain(|tx| {
            if everywhere {
                store::end_all_sessions(tx, &contact, now()).map(|_| ())
            } else {
                store::end_session(tx, &hash, now())
            }
        })
    })
    .await;
    if let Err(e) = ended {
        return views::refusal(post.lang, e.status(), e.code());
    }
    let action = if everywhere {
        "sign_out_everywhere"
    } else {
        "sign_out"
    };
    log(&state, &s, &post.ip, action, None).await;
    let w = words(post.lang);
    let mut r = views::notice(post.lang, w.area, w.signed_out, "signed-out");
    r.headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&portal, None));
    r
}

/// `POST /portal/sign-out`.
pub async fn sign_out(State(state): State<AppState>, req: Request) -> Response {
    end(state, req, false).await
}

/// `POST /portal/sign-out-everywhere`.
pub async fn sign_out_everywhere(State(state): State<AppState>, req: Request) -> Response {
    end(state, req, true).await
}

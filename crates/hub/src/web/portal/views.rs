//! The reserved area's pages. Every value goes through maud, which escapes it; no script, no
//! inline style (the one stylesheet is `/assets/web.css`).

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use rapportino_model::labels::Locale;
use rapportino_model::status::TicketStatus;
use rapportino_model::vocab::Severity;

use super::super::csrf::{Csrf, COOKIE as FORM_COOKIE};
use super::super::i18n::Lang;
use super::super::layout::{answer, page, Frame};
use super::session::Signed;
use super::store::{Entry, TicketLine};
use super::words::{error_text, words};
use super::Portal;
use crate::routes::AppState;

tokio::task_local! {
    /// The shop's name for the page being answered (set by [`with_shop`] around every request of
    /// the area), shown in the frame instead of "Rapportino".
    static SHOP: Option<String>;
}

/// Reads the shop's name (the synced `shop` setting, at most once a minute) and answers the
/// request with it in scope for [`frame`].
pub async fn with_shop(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let shop = match &state.portal {
        Some(portal) => super::super::shop_name(&state, &portal.shop).await,
        None => None,
    };
    SHOP.scope(shop, next.run(req)).await
}

/// A CSRF token for this browser, and the form cookie to set when it has none.
pub fn csrf(portal: &Portal, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    let existing = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == FORM_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()));
    let (value, new) = match existing {
        Some(v) => (v, false),
        None => (Csrf::new_cookie(), true),
    };
    let token = portal.csrf.issue(&value, Utc::now().timestamp());
    let set = new.then(|| {
        let c = cookie::Cookie::build((FORM_COOKIE, value))
            .path("/")
            .http_only(true)
            .secure(portal.tls)
            .same_site(cookie::SameSite::Strict)
            .build();
        HeaderValue::from_str(&c.to_string()).unwrap_or(HeaderValue::from_static(""))
    });
    (token, set)
}

/// The form cookie the browser sent.
pub fn form_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == FORM_COOKIE)
        .map(|c| c.value().to_owned())
}

fn locale(lang: Lang) -> Locale {
    lang.locale()
}

/// An instant shown in the shop's time zone.
pub fn when(text: &str) -> String {
    DateTime::parse_from_rfc3339(text)
        .map(|t| {
            t.with_timezone(&chrono_tz::Europe::Rome)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| text.to_owned())
}

fn status_label(lang: Lang, s: &str) -> String {
    s.parse::<TicketStatus>()
        .map(|t| t.label(locale(lang)).to_owned())
        .unwrap_or_else(|_| s.to_owned())
}

fn severity_label(lang: Lang, s: &str) -> String {
    s.parse::<Severity>()
        .map(|t| t.label(locale(lang)).to_owned())
        .unwrap_or_else(|_| s.to_owned())
}

/// A page of the area, with the signed-in bar when there is a session.
pub fn frame(
    lang: Lang,
    title: &str,
    path: &str,
    signed: Option<(&Signed, &str)>,
    content: Markup,
) -> Markup {
    let w = words(lang);
    let body = html! {
        @if let Some((s, token)) = signed {
            div.portal-bar {
                p.who { (w.signed_in_as) " " strong { (s.contact.name) } " · " (s.client_name) }
                nav.portal-nav {
                    a href="/portal/tickets" { (w.tickets_title) }
                    " · "
                    a href="/portal/request" { (w.new_request) }
                }
                form.inline method="post" action="/portal/sign-out" {
                    input type="hidden" name="csrf" value=(token);
                    button.link type="submit" { (w.sign_out) }
                }
                form.inline method="post" action="/portal/sign-out-everywhere" {
                    input type="hidden" name="csrf" value=(token);
                    button.link type="submit" { (w.sign_out_everywhere) }
                }
            }
        }
        (content)
    };
    let shop = SHOP.try_with(Clone::clone).ok().flatten();
    page(
        &Frame {
            lang,
            title,
            shop: shop.as_deref(),
            path,
        },
        body,
    )
}

/// A page as an answer, with the form cookie when new.
pub fn respond(status: StatusCode, markup: Markup, set: Option<HeaderValue>) -> Response {
    let mut r = answer(status, markup);
    if let Some(v) = set {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// A refusal, with its stable code.
pub fn refusal(lang: Lang, status: StatusCode, code: &str) -> Response {
    let w = words(lang);
    let content = html! {
        div.alert role="alert" {
            p data-code=(code) { (error_text(lang, code)) }
            p.code { "Codice / code: " (code) }
        }
        p { a.button href="/portal/sign-in" { (w.sign_in_title) } }
    };
    answer(
        status,
        frame(lang, w.error_title, "/portal/sign-in", None, content),
    )
}

pub fn sign_in(
    portal: &Portal,
    headers: &HeaderMap,
    lang: Lang,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let w = words(lang);
    let (token, set) = csrf(portal, headers);
    let content = html! {
        p.intro { (w.sign_in_intro) }
        @if let Some(code) = error {
            div.alert role="alert" { p data-code=(code) { (error_text(lang, code)) } }
        }
        form method="post" action="/portal/sign-in" novalidate {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="lang" value=(lang.code());
            div.field {
                label for="email" { (w.email) }
                input type="email" id="email" name="email" value=(email) autocomplete="email"
                    required maxlength=(super::super::form::MAX_EMAIL);
            }
            div.actions { button type="submit" id="send-link" { (w.send_link) } }
        }
    };
    respond(
        status,
        frame(lang, w.sign_in_title, "/portal/sign-in", None, content),
        set,
    )
}

pub fn notice(lang: Lang, title: &str, text: &str, id: &str) -> Response {
    let content = html! {
        div.done id=(id) {
            div.mark aria-hidden="true" { "✓" }
            p { (text) }
        }
    };
    answer(
        StatusCode::OK,
        frame(lang, title, "/portal/sign-in", None, content),
    )
}

pub fn link(portal: &Portal, headers: &HeaderMap, lang: Lang, secret: &str) -> Response {
    let w = words(lang);
    let (token, set) = csrf(portal, headers);
    let content = html! {
        p.intro { (w.link_intro) }
        form method="post" action="/portal/link" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="lang" value=(lang.code());
            input type="hidden" name="t" value=(secret);
            div.actions { button type="submit" id="confirm" { (w.link_confirm) } }
        }
    };
    respond(
        StatusCode::OK,
        frame(lang, w.link_title, "/portal/sign-in", None, content),
        set,
    )
}

pub fn tickets(
    portal: &Portal,
    headers: &HeaderMap,
    lang: Lang,
    signed: &Signed,
    lines: &[TicketLine],
    page_no: i64,
    more: bool,
) -> Response {
    let w = words(lang);
    let (token, set) = csrf(portal, headers);
    let content = html! {
        p { a.button href="/portal/request" id="new-request" { (w.new_request) } }
        @if lines.is_empty() {
            p.empty { (w.no_tickets) }
        } @else {
            ul.tickets id="tickets" {
                @for t in lines {
                    li class={ "ticket " (t.status) } {
                        a href={ "/portal/tickets/" (t.id) } {
                            span.number { (t.number) }
                            " "
                            span.title { (t.title) }
                        }
                        div.meta {
                            span.status data-status=(t.status) { (status_label(lang, &t.status)) }
                            " · "
                            span.severity { (severity_label(lang, &t.severity)) }
                            @if t.urgent { " · " strong.urgent { (w.urgent) } }
                            " · "
                            span.sla { (sla(lang, t)) }
                        }
                    }
                }
            }
        }
        nav.pager aria-label=(w.page) {
            @if page_no > 1 {
                a href={ "/portal/tickets?page=" (page_no - 1) } rel="prev" { "← " (w.previous) }
            }
            " " span { (w.page) " " (page_no) } " "
            @if more {
                a href={ "/portal/tickets?page=" (page_no + 1) } rel="next" { (w.next) " →" }
            }
        }
    };
    respond(
        StatusCode::OK,
        frame(
            lang,
            w.tickets_title,
            "/portal/tickets",
            Some((signed, &token)),
            content,
        ),
        set,
    )
}

/// The ticket's times as stored: the estimate while open, the resolution once resolved.
fn sla(lang: Lang, t: &TicketLine) -> String {
    let w = words(lang);
    if let Some(r) = t.resolved_at.as_deref().or(t.closed_at.as_deref()) {
        format!("{} {}", w.resolved_on, when(r))
    } else if let Some(e) = t.estimated_resolution_at.as_deref() {
        format!("{}: {}", w.estimate, when(e))
    } else {
        format!("{} {}", w.reported, when(&t.reported_at))
    }
}

pub fn ticket(
    portal: &Portal,
    headers: &HeaderMap,
    lang: Lang,
    signed: &Signed,
    t: &TicketLine,
    history: &[Entry],
) -> Response {
    let w = words(lang);
    let (token, set) = csrf(portal, headers);
    let title = format!("{} · {}", t.number, t.title);
    let content = html! {
        dl.facts id="ticket" {
            dt { (w.status) } dd data-status=(t.status) { (status_label(lang, &t.status)) }
            dt { (w.severity) } dd { (severity_label(lang, &t.severity)) @if t.urgent { " · " (w.urgent) } }
            dt { (w.reported) } dd { (when(&t.reported_at)) }
            @if t.estimated_resolution_at.is_some() || t.resolved_at.is_some() || t.closed_at.is_some() {
                dt { (w.sla) } dd { (sla(lang, t)) }
            }
        }
        h2 { (w.history) }
        @if history.is_empty() {
            p.empty { (w.no_history) }
        } @else {
            ol.history id="history" {
                @for e in history {
                    @match e {
                        Entry::Status { at, from, to } => {
                            li.status {
                                time { (when(at)) } " — " (w.moved) ": "
                                @if let Some(f) = from { (status_label(lang, f)) " → " }
                                strong { (status_label(lang, to)) }
                            }
                        }
                        Entry::FromCustomer { at, name, subject, body } => {
                            li.from-customer {
                                time { (when(at)) } " — " (w.from_you) " (" (name) ")"
                                @if !subject.is_empty() { p.subject { (subject) } }
                                p.body { (body) }
                            }
                        }
                        Entry::ToCustomer { at, subject, body } => {
                            li.to-customer {
                                time { (when(at)) } " — " (w.to_you)
                                p.subject { (subject) }
                                p.body { (body) }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/portal/tickets" { "← " (w.back_to_tickets) } }
    };
    respond(
        StatusCode::OK,
        frame(
            lang,
            &title,
            "/portal/tickets",
            Some((signed, &token)),
            content,
        ),
        set,
    )
}

/// The new request's values and errors.
#[derive(Debug, Default, Clone)]
pub struct RequestValues {
    pub subject: String,
    pub description: String,
    pub severity: String,
}

pub fn request(
    portal: &Portal,
    headers: &HeaderMap,
    lang: Lang,
    signed: &Signed,
    values: &RequestValues,
    errors: &[(&str, &'static str)],
    status: StatusCode,
) -> Response {
    let w = words(lang);
    let form_words = lang.t();
    let (token, set) = csrf(portal, headers);
    let error_of = |f: &str| errors.iter().find(|(n, _)| *n == f).map(|(_, c)| *c);
    let content = html! {
        p.intro { (w.request_intro) }
        @if !errors.is_empty() {
            div.alert role="alert" {
                ul { @for (_, code) in errors { li data-code=(code) { (error_text(lang, code)) } } }
            }
        }
        form method="post" action="/portal/request" novalidate {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="lang" value=(lang.code());
            div class=(if error_of("subject").is_some() { "field invalid" } else { "field" }) {
                label for="subject" { (w.subject) }
                input type="text" id="subject" name="subject" value=(values.subject)
                    required maxlength=(super::super::form::MAX_SUBJECT);
            }
            div class=(if error_of("description").is_some() { "field invalid" } else { "field" }) {
                label for="description" { (w.description) }
                textarea id="description" name="description" rows="6" required
                    maxlength=(super::super::form::MAX_DESCRIPTION) { (values.description) }
            }
            fieldset.field id="severity" {
                legend { (w.severity) }
                div.choices {
                    @for (i, s) in [Severity::Blocking, Severity::Degraded, Severity::Request].iter().enumerate() {
                        label class={ "choice " (s.as_str()) } {
                            input type="radio" name="severity" value=(s.as_str()) checked[values.severity == s.as_str()];
                            span {
                                strong { (s.label(lang.locale())) }
                                small { (form_words.severity_hints[i]) }
                            }
                        }
                    }
                }
            }
            div.actions { button type="submit" id="send-request" { (w.send) } }
        }
    };
    respond(
        status,
        frame(
            lang,
            w.new_request,
            "/portal/request",
            Some((signed, &token)),
            content,
        ),
        set,
    )
}

pub fn request_done(portal: &Portal, headers: &HeaderMap, lang: Lang, signed: &Signed) -> Response {
    let w = words(lang);
    let (token, set) = csrf(portal, headers);
    let content = html! {
        div.done id="received" {
            div.mark aria-hidden="true" { "✓" }
            p { (w.request_sent) }
            p { a.button href="/portal/tickets" { (w.back_to_tickets) } }
        }
    };
    respond(
        StatusCode::OK,
        frame(
            lang,
            w.new_request,
            "/portal/request",
            Some((signed, &token)),
            content,
        ),
        set,
    )
}

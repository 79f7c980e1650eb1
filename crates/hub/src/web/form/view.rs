//! The form's pages: the form (with the visitor's values and errors), the thank-you page, a
//! refusal. Every value goes through maud, which escapes it.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::Utc;
use maud::html;

use super::super::csrf::{Csrf, COOKIE};
use super::super::i18n::{error_text, Lang};
use super::super::layout::{answer, page, Frame};
use super::super::Web;
use super::{
    cookie, Values, MAX_CLIENT, MAX_DESCRIPTION, MAX_EMAIL, MAX_NAME, MAX_SUBJECT, PATH, SEVERITIES,
};
use crate::error::HubError;

/// The form, with a fresh token (and a new cookie when the browser has none).
#[allow(clippy::too_many_arguments)]
pub(super) fn form_page(
    web: &Web,
    headers: &HeaderMap,
    lang: Lang,
    shop: Option<&str>,
    values: &Values,
    errors: &[(&str, &'static str)],
    status: StatusCode,
    retry_after: Option<u64>,
) -> Response {
    let (cookie_value, new_cookie) = match cookie(headers) {
        Some(c) => (c, false),
        None => (Csrf::new_cookie(), true),
    };
    let token = web.csrf.issue(&cookie_value, Utc::now().timestamp());
    let w = lang.t();
    let error_of = |field: &str| errors.iter().find(|(f, _)| *f == field).map(|(_, c)| *c);
    let field_class = |field: &str| {
        if error_of(field).is_some() {
            "field invalid"
        } else {
            "field"
        }
    };
    let described = |field: &str, hint: bool| {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{field}-hint"));
        }
        if error_of(field).is_some() {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    };
    let field_error = |field: &str| {
        html! {
            @if let Some(code) = error_of(field) {
                span.field-error id={ (field) "-error" } data-code=(code) { (error_text(lang, code)) }
            }
        }
    };
    let mib = web.config.max_attachment as f64 / (1024.0 * 1024.0);
    let content = html! {
        p.intro { (w.form_intro) }
        @if !errors.is_empty() {
            div.alert role="alert" {
                @if errors.iter().any(|(f, _)| f.is_empty()) {
                    @for (_, code) in errors.iter().filter(|(f, _)| f.is_empty()) {
                        p data-code=(code) { (error_text(lang, code)) }
                        p.code { (w.code) ": " (code) }
                    }
                } @else {
                    p { (w.errors_title) }
                    ul {
                        @for (field, code) in errors {
                            li data-code=(code) { a href={ "#" (field) } { (error_text(lang, code)) } }
                        }
                    }
                }
            }
        }
        form method="post" action=(PATH) enctype="multipart/form-data" novalidate {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="lang" value=(lang.code());
            div.two {
                div class=(field_class("email")) {
                    label for="email" { (w.email) }
                    input type="email" id="email" name="email" value=(values.email) autocomplete="email"
                        required maxlength=(MAX_EMAIL) aria-describedby=(described("email", true))
                        aria-invalid=[error_of("email").map(|_| "true")];
                    span.hint id="email-hint" { (w.email_hint) }
                    (field_error("email"))
                }
                div class=(field_class("name")) {
                    label for="name" { (w.name) }
                    input type="text" id="name" name="name" value=(values.name) autocomplete="name"
                        required maxlength=(MAX_NAME) aria-describedby=(described("name", false))
                        aria-invalid=[error_of("name").map(|_| "true")];
                    (field_error("name"))
                }
            }
            div class=(field_class("client")) {
                label for="client" { (w.client) " " span.opt { "(" (w.optional) ")" } }
                input type="text" id="client" name="client" value=(values.client) autocomplete="organization"
                    maxlength=(MAX_CLIENT) aria-describedby="client-hint";
                span.hint id="client-hint" { (w.client_hint) }
            }
            div class=(field_class("subject")) {
                label for="subject" { (w.subject) }
                input type="text" id="subject" name="subject" value=(values.subject)
                    required maxlength=(MAX_SUBJECT) aria-describedby=(described("subject", false))
                    aria-invalid=[error_of("subject").map(|_| "true")];
                (field_error("subject"))
            }
            div class=(field_class("description")) {
                label for="description" { (w.description) }
                textarea id="description" name="description" rows="6" required maxlength=(MAX_DESCRIPTION)
                    aria-describedby=(described("description", true))
                    aria-invalid=[error_of("description").map(|_| "true")] { (values.description) }
                span.hint id="description-hint" { (w.description_hint) }
                (field_error("description"))
            }
            fieldset class=(field_class("severity")) id="severity" {
                legend { (w.severity) }
                div.choices {
                    @for (i, s) in SEVERITIES.iter().enumerate() {
                        label class={ "choice " (s.as_str()) } {
                            input type="radio" name="severity" value=(s.as_str()) checked[values.severity == s.as_str()];
                            span {
                                strong { (s.label(lang.locale())) }
                                small { (w.severity_hints[i]) }
                            }
                        }
                    }
                }
                (field_error("severity"))
            }
            div.field {
                label for="attachment" { (w.attachment) " " span.opt { "(" (w.optional) ")" } }
                input type="file" id="attachment" name="attachment" aria-describedby="attachment-hint";
                span.hint id="attachment-hint" { (w.attachment_hint) " " (format!("{mib:.0}")) " MB." }
            }
            div.trap aria-hidden="true" {
                label for="website" { (w.honeypot) }
                input type="text" id="website" name="website" tabindex="-1" autocomplete="off";
            }
            div.actions {
                button type="submit" { (w.submit) }
            }
        }
    };
    let frame = Frame {
        lang,
        title: w.form_title,
        shop,
        path: PATH,
    };
    let mut response = answer(status, page(&frame, content));
    if new_cookie {
        let c = cookie::Cookie::build((COOKIE, cookie_value))
            .path("/")
            .http_only(true)
            .secure(web.tls)
            .same_site(cookie::SameSite::Strict)
            .build();
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    if let Some(secs) = retry_after {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

/// The thank-you page: one and the same for every request taken (a ticket, the triage queue,
/// the honeypot, a double submit), so that it says nothing about whether the address is an
/// authorised contact's. The ticket's number goes only in the acknowledgement mail.
pub(super) fn done_page(lang: Lang, shop: Option<&str>) -> Response {
    let w = lang.t();
    let content = html! {
        div.done id="received" {
            div.mark aria-hidden="true" { "✓" }
            p { (w.thanks_mail) }
            p { (w.thanks_next) }
            p { a.button href={ (PATH) "?lang=" (lang.code()) } { (w.new_request) } }
        }
    };
    let frame = Frame {
        lang,
        title: w.thanks_title,
        shop,
        path: PATH,
    };
    answer(StatusCode::OK, page(&frame, content))
}

/// A refusal that is not about the visitor's values (the body, the storage).
pub(super) fn error_page(
    lang: Lang,
    shop: Option<&str>,
    status: StatusCode,
    code: &str,
) -> Response {
    let w = lang.t();
    let content = html! {
        div.alert role="alert" {
            p data-code=(code) { (error_text(lang, code)) }
            p.code { (w.code) ": " (code) }
        }
        p { a.button href={ (PATH) "?lang=" (lang.code()) } { (w.back) } }
    };
    let frame = Frame {
        lang,
        title: w.error_title,
        shop,
        path: PATH,
    };
    answer(status, page(&frame, content))
}

pub(super) fn failure_page(lang: Lang, shop: Option<&str>, e: &HubError) -> Response {
    tracing::warn!(code = e.code(), error = %crate::log_text::Escaped(e), "web form: request not recorded");
    let mut response = error_page(lang, shop, e.status(), e.code());
    if let Some(secs) = e.retry_after() {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

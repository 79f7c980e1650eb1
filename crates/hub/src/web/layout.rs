//! The frame of every public page: the shop's name, the language switch, the content, a
//! footer; one stylesheet (`/assets/web.css`), no script, no inline style.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use super::i18n::Lang;

/// The stylesheet of the public pages.
const STYLESHEET: &str = include_str!("web.css");

/// What a page needs besides its content.
pub struct Frame<'a> {
    pub lang: Lang,
    /// The page's title (and its heading).
    pub title: &'a str,
    /// The shop's name, when the office set it.
    pub shop: Option<&'a str>,
    /// The page's own path, for the language switch.
    pub path: &'a str,
}

/// The whole page.
pub fn page(frame: &Frame<'_>, content: Markup) -> Markup {
    let w = frame.lang.t();
    let brand = frame
        .shop
        .filter(|s| !s.trim().is_empty())
        .unwrap_or("Rapportino");
    html! {
        (DOCTYPE)
        html lang=(frame.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (frame.title) " · " (brand) }
                link rel="stylesheet" href="/assets/web.css";
            }
            body {
                header.top {
                    div.top-inner {
                        span.brand { (brand) }
                        nav.lang aria-label=(w.switch_label) {
                            @for lang in Lang::ALL {
                                @if lang == frame.lang {
                                    span.current aria-current="true" lang=(lang.code()) { (lang.code().to_uppercase()) }
                                } @else {
                                    a href={ (frame.path) "?lang=" (lang.code()) } lang=(lang.code()) hreflang=(lang.code()) {
                                        (lang.code().to_uppercase())
                                    }
                                }
                            }
                        }
                    }
                }
                main.sheet {
                    h1 { (frame.title) }
                    (content)
                }
                footer.foot {
                    p { (w.privacy) }
                }
            }
        }
    }
}

/// A page as an answer with its status.
pub fn answer(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// `GET /assets/web.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

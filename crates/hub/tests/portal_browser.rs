//! The reserved area in a real browser: Debian's headless Chromium through chromedriver (W3C
//! WebDriver), over the hub's HTTPS. A contact asks for a link, reads it from the real SMTP
//! server the hub's mail round sent it to, confirms it, sees the client's tickets, opens one,
//! sends a new request; on a 360 px phone and a 1280 px desktop, nothing wider than the
//! screen. With `UPDATE_SCREENSHOTS=1` the screenshots go to docs/screenshots (portal-*.png).
//! Without chromium the test says so and passes, except under `CI=true`.
#![allow(clippy::unwrap_used)]

mod common;
mod portal_support;
mod webdriver;

use portal_support::*;
use rapportino_hub::mail;
use rapportino_mail::testing::{Mode, TestServer};
use rapportino_mail::{MailAccount, Secret, Security};
use webdriver::*;

fn seed(s: &rapportino_hub::Storage) {
    client(s, "cl-a", "Ottica Ferri");
    client(s, "cl-b", "Studio Bianchi");
    contact(s, "co-anna", "cl-a", "Anna Ferri", "anna@ferri.it", true);
    ticket(
        s,
        "t-a1",
        "cl-a",
        "T-2026-MR-0012",
        "Stampante fiscale della cassa 2 in errore",
        "in_progress",
        "2026-11-12T08:30:00Z",
    );
    ticket(
        s,
        "t-a2",
        "cl-a",
        "T-2026-MR-0009",
        "Rete Wi-Fi lenta in magazzino",
        "waiting_client",
        "2026-11-05T14:00:00Z",
    );
    ticket(
        s,
        "t-a3",
        "cl-a",
        "T-2026-MR-0003",
        "Nuovo PC per la reception",
        "resolved",
        "2026-10-20T09:00:00Z",
    );
    ticket(
        s,
        "t-b1",
        "cl-b",
        "T-2026-MR-0010",
        "Server Bianchi",
        "new",
        "2026-11-03T09:00:00Z",
    );
    event(
        s,
        "ev-1",
        "t-a1",
        None,
        "new",
        "2026-11-12T08:30:00Z",
        "NOTA INTERNA",
    );
    event(
        s,
        "ev-2",
        "t-a1",
        Some("new"),
        "taken",
        "2026-11-12T09:10:00Z",
        "NOTA INTERNA",
    );
    event(
        s,
        "ev-3",
        "t-a1",
        Some("taken"),
        "in_progress",
        "2026-11-12T10:00:00Z",
        "NOTA INTERNA",
    );
    sent_message(s, "m-1", "cl-a", "t-a1", "[T-2026-MR-0012] Presa in carico: Stampante fiscale della cassa 2 in errore",
        "Gentile Ottica Ferri,\n\nil ticket T-2026-MR-0012 è stato preso in carico da Marco Rinaldi.", "sent");
}

/// Asks a link for Anna in `browser` and returns it, read from the SMTP server.
fn ask_link(
    browser: &Session<'_>,
    hub_url: &str,
    smtp: &TestServer,
    storage: &rapportino_hub::Storage,
) -> String {
    browser.go(&format!("{hub_url}/portal/sign-in"));
    browser.wait("#email");
    browser.type_in("#email", "anna@ferri.it");
    browser.click("#send-link");
    browser.wait("#link-sent");
    let mut account = MailAccount::new(
        "127.0.0.1",
        Security::Plain,
        "hub@rinaldi.it",
        Secret::new("segreta"),
        "assistenza@rinaldi.it",
        "Assistenza Rinaldi",
    );
    account.port = Some(smtp.port);
    wait_for_sign_in_mails(storage, 1);
    assert_eq!(
        mail::send_round(storage, &account, chrono::Utc::now())
            .unwrap()
            .sent,
        1
    );
    let last = smtp.delivered_text().pop().unwrap();
    let text = last
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = text.find("https://").unwrap();
    let end = start + text[start..].find(char::is_whitespace).unwrap();
    text[start..end].to_owned()
}

#[test]
fn a_contact_uses_the_reserved_area_from_headless_chromium() {
    let (Some(chromium), Some(chromedriver)) = (
        find_binary(&["chromium", "chromium-browser"]),
        find_binary(&["chromedriver"]),
    ) else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "chromium and chromium-driver are not installed (scripts/install-deps.sh)"
        );
        eprintln!("SKIPPED: chromium or chromedriver not installed (scripts/install-deps.sh)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let storage = storage(dir.path(), None);
    seed(&storage);
    let smtp = TestServer::start(Mode::Accept, "hub@rinaldi.it", "segreta");
    let hub = hub(storage.clone(), |_| {});
    let driver = Driver::start(&chromedriver);

    // A phone: sign in by the link, the tickets, one ticket.
    let phone = Session::open(&driver, &chromium, 360, 1100);
    let link = ask_link(&phone, &hub.url, &smtp, &storage);
    assert!(
        link.starts_with(&format!("{}/portal/link?t=", hub.url)),
        "{link}"
    );
    phone.go(&link);
    phone.wait("#confirm");
    phone.click("#confirm");
    phone.wait("#tickets");
    assert_eq!(phone.inner_width(), 360);
    assert_eq!(phone.content_width(), 360, "nothing wider than the phone");
    let list = phone.text("#tickets");
    assert!(
        list.contains("T-2026-MR-0012") && !list.contains("Server Bianchi"),
        "{list}"
    );
    let shot = phone.screenshot();
    assert_eq!(png_width(&shot), 360);
    keep("portal-phone-tickets.png", &shot);
    phone.click("#tickets li a");
    phone.wait("#history");
    assert_eq!(phone.content_width(), 360);
    let history = phone.text("#history");
    assert!(
        history.contains("Presa in carico") && !history.contains("NOTA INTERNA"),
        "{history}"
    );
    keep("portal-phone-ticket.png", &phone.screenshot());
    drop(phone);

    // A desktop: the tickets, then a new request.
    let desk = Session::open(&driver, &chromium, 1280, 900);
    let link = ask_link(&desk, &hub.url, &smtp, &storage);
    desk.go(&link);
    desk.wait("#confirm");
    desk.click("#confirm");
    desk.wait("#tickets");
    assert_eq!(desk.content_width(), 1280);
    let shot = desk.screenshot();
    assert_eq!(png_width(&shot), 1280);
    keep("portal-desktop-tickets.png", &shot);
    desk.click("#new-request");
    desk.wait("#subject");
    desk.type_in("#subject", "Lo scanner non invia le scansioni");
    desk.type_in(
        "#description",
        "Da ieri lo scanner dell'ufficio non invia più le scansioni per e-mail.",
    );
    desk.click("label.choice.degraded");
    keep("portal-desktop-request.png", &desk.screenshot());
    desk.click("#send-request");
    desk.wait("#received");
    let tickets = storage
        .plain(|tx| rapportino_hub::web::portal::store::tickets_page(tx, "cl-a", 0, 100))
        .unwrap();
    assert!(tickets
        .iter()
        .any(|t| t.title == "Lo scanner non invia le scansioni"));
    desk.click("#received a");
    desk.wait("#tickets");
    assert!(desk
        .text("#tickets")
        .contains("Lo scanner non invia le scansioni"));
}

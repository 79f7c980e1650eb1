//! The web request form in a real browser: Debian's headless Chromium driven through
//! chromedriver (W3C WebDriver) opens `/request`, fills it in as a customer would (no
//! JavaScript of ours: the page has none) and sees the thank-you page (the same for everyone:
//! the ticket's number, read here from the hub's storage, goes only in the mail);
//! screenshots at 360 px (a phone) and 1280 px (a desktop) are checked for their width and,
//! with `UPDATE_SCREENSHOTS=1`, written to docs/screenshots (webform-phone.png,
//! webform-desktop.png, webform-errors.png, webform-done.png).
//!
//! Chromium and chromedriver come from `scripts/install-deps.sh` (`chromium`,
//! `chromium-driver`). Without them the test says so and passes, except under `CI=true`, where
//! it fails.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;
mod webdriver;

use rapportino_hub::web::WebFormConfig;
use rapportino_model::protocol::Role;
use sync_support::*;
use webdriver::*;

#[test]
fn a_customer_sends_the_form_from_headless_chromium() {
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
    let hub = TestHub::start_with(None, false, |c| c.web_form = Some(WebFormConfig::default()));
    let dir = tempfile::tempdir().unwrap();
    let mut uf = Device::onboarded(dir.path(), "UF", rome(2026, 11, 16, 8, 0));
    let client = uf.client("Ottica Ferri");
    uf.authorised_contact(&client, "Anna Ferri", "anna@ferri.it");
    rapportino_sync_http::enrol(
        &mut uf.store,
        &hub.url,
        &hub.code(Role::Office),
        "Ufficio",
        None,
    )
    .unwrap();
    uf.sync();

    let driver = Driver::start(&chromedriver);
    let form = format!("{}/request", hub.url.replace("localhost", "127.0.0.1"));

    // A phone.
    let phone_browser = Session::open(&driver, &chromium, 360, 1460);
    let browser = &phone_browser;
    browser.go(&form);
    assert_eq!(browser.inner_width(), 360, "the phone's viewport");
    assert_eq!(browser.content_width(), 360, "nothing wider than the phone");
    assert_eq!(browser.text("h1"), "Richiesta di assistenza");
    let phone = browser.screenshot();
    assert_eq!(png_width(&phone), 360);
    keep("webform-phone.png", &phone);

    drop(phone_browser);

    // A desktop, then the request sent from it.
    let browser = Session::open(&driver, &chromium, 1280, 1300);
    browser.go(&form);
    assert_eq!(browser.inner_width(), 1280, "the desktop's viewport");
    assert_eq!(browser.content_width(), 1280);
    // Sent empty: the hub's own checks answer (no script in the page, no browser validation).
    browser.type_in("#subject", "Stampante <b>ferma</b>");
    browser.click("button[type=submit]");
    assert_eq!(browser.text(".alert p"), "Controlli i campi indicati:");
    assert_eq!(
        browser.text("#email-error"),
        "Indichi il suo indirizzo e-mail."
    );
    let kept = browser.find("#subject");
    let value = browser.cmd("GET", &format!("/element/{kept}/property/value"), None);
    assert_eq!(value, "Stampante <b>ferma</b>", "the value kept, as text");
    keep("webform-errors.png", &browser.screenshot());
    browser.go(&form);
    browser.type_in("#email", "anna@ferri.it");
    browser.type_in("#name", "Anna Ferri");
    browser.type_in("#client", "Ottica Ferri");
    browser.type_in("#subject", "La cassa non stampa gli scontrini");
    browser.type_in(
        "#description",
        "Da stamattina la stampante fiscale della cassa 2 dà errore 3.\nAbbiamo già provato a riaccenderla.",
    );
    browser.click("label.choice.blocking");
    let desktop = browser.screenshot();
    assert_eq!(png_width(&desktop), 1280);
    keep("webform-desktop.png", &desktop);
    browser.click("button[type=submit]");
    assert_eq!(
        browser.text("#received p"),
        "Richiesta ricevuta: riceverà una conferma via e-mail."
    );
    let found = hub
        .storage
        .write(|tx: &mut dyn rapportino_hub::storage::HubTx| {
            tx.rows_where(
                rapportino_model::Entity::Ticket.name(),
                "origin",
                "web_form",
                10,
            )
        })
        .unwrap();
    assert_eq!(found.len(), 1);
    let number = found[0].1.fields["number"].as_str().unwrap().to_owned();
    assert!(
        number.starts_with("T-") && number.ends_with("-HUB-0001"),
        "{number}"
    );
    assert_eq!(browser.text("h1"), "Richiesta ricevuta");
    keep("webform-done.png", &browser.screenshot());

    // The office sees the ticket the browser opened.
    uf.sync();
    let t = rapportino_core::tickets::get_by_number(&uf.store, &number).unwrap();
    assert_eq!(t.origin.as_str(), "web_form");
    assert!(t.urgent);
}

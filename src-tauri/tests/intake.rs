//! The intake in the app through its commands on the mock runtime: "Da smistare" (the waiting
//! requests and their count, attachments, assign with a new authorised contact, reject, the
//! errors' codes), the customer's messages and attachments on a ticket, saving an attachment
//! (only to a picked path), and the urgent-request notifications — each once, never hanging
//! where there is no notification server.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::{harness, harness_on, Harness};
use rapportino_app::notify_worker;
use rapportino_app::state::AppState;
use rapportino_core::intake::{self, Envelope, Rules};
use rapportino_core::labels::Locale;
use rapportino_core::views::notices::{Notice, NoticePreferences};
use serde_json::json;

fn take(h: &Harness, raw: &str) -> intake::Taken {
    let envelope = Envelope {
        source: "assistenza".into(),
        received_at: Utc::now() - chrono::Duration::minutes(5),
        fallback_key: Envelope::imap_key("INBOX", 1, 1),
        category: None,
        service: None,
        kept_max: 1 << 20,
    };
    let request = rapportino_intake::from_mime(raw.as_bytes(), &envelope);
    h.with_store(|s| intake::take(s, &request, &Rules::default()))
        .unwrap()
}

fn with_attachment(from: &str, subject: &str, id: &str) -> String {
    format!(
        "From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/plain\r\n\r\nBuongiorno, in allegato il log.\r\n--b\r\n\
         Content-Type: text/plain; name=\"../errori.log\"\r\n\
         Content-Disposition: attachment; filename=\"../errori.log\"\r\n\r\nERRORE 42\r\n--b--\r\n"
    )
}

#[test]
fn a_stranger_is_assigned_with_a_new_contact_and_the_ticket_shows_the_attachment() {
    let h = harness();
    h.onboard();
    let client = h.ok("create_client", json!({"input": {"name": "Ottica Ferri"}}));
    let client_id = client["id"].as_str().unwrap().to_owned();
    assert_eq!(h.ok("intake_waiting_count", json!({})), 0);

    let taken = take(
        &h,
        &with_attachment(
            "Luca Neri <luca@nuovo.it>",
            "URGENTE stampante",
            "s1@nuovo.it",
        ),
    );
    let spam = take(&h, "From: x@spam.example\r\nSubject: Offerta\r\nMessage-ID: <o@spam.example>\r\n\r\nCompra\r\n");
    assert_eq!(h.ok("intake_waiting_count", json!({})), 2);
    let waiting = h.ok("intake_waiting", json!({}));
    let waiting = waiting.as_array().unwrap();
    assert_eq!(waiting.len(), 2);
    assert_eq!(waiting[0]["subject"], "URGENTE stampante", "urgent first");
    assert_eq!(waiting[0]["urgent"], true);
    assert_eq!(waiting[0]["sender_email"], "luca@nuovo.it");
    assert_eq!(waiting[0]["attachments"], 1);
    let id = taken.request_id.unwrap();
    let atts = h.ok("intake_request_attachments", json!({"id": id}));
    assert_eq!(atts[0]["name"], "../errori.log", "listed as it came");
    assert_eq!(atts[0]["here"], true);

    // Errors carry their codes and change nothing.
    let e = h.err(
        "intake_assign",
        json!({"id": id, "assignment": {"client_id": "0190a0a0-0000-7000-8000-000000000000", "add_contact": true}}),
    );
    assert_eq!(e["code"], "NOT_FOUND");
    let e = h.err(
        "intake_reject",
        json!({"id": spam.request_id.clone().unwrap(), "reason": "  "}),
    );
    assert_eq!(e["code"], "REQUIRED");
    assert_eq!(h.ok("intake_waiting_count", json!({})), 2);

    let assigned = h.ok(
        "intake_assign",
        json!({"id": id, "assignment": {"client_id": client_id, "add_contact": true}}),
    );
    assert_eq!(assigned["status"], "assigned");
    let ticket_id = assigned["ticket_id"].as_str().unwrap().to_owned();
    let contacts = h.ok("client_overview", json!({"id": client_id}))["contacts"].clone();
    assert!(
        contacts
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["email"] == "luca@nuovo.it" && c["authorised"] == true),
        "{contacts}"
    );
    let e = h.err(
        "intake_assign",
        json!({"id": id, "assignment": {"client_id": client_id, "add_contact": false}}),
    );
    assert_eq!(e["code"], "INCONSISTENT", "triaged once");
    let rejected = h.ok(
        "intake_reject",
        json!({"id": spam.request_id.unwrap(), "reason": "Pubblicità"}),
    );
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(h.ok("intake_waiting_count", json!({})), 0);

    // The ticket: urgent, reported at the arrival; the opening request's attachment listed.
    let detail = h.ok("ticket_detail", json!({"id": ticket_id}));
    assert_eq!(detail["ticket"]["urgent"], true);
    assert_eq!(detail["ticket"]["origin"], "email");
    let on_ticket = h.ok(
        "ticket_customer_attachments",
        json!({"ticket_id": ticket_id}),
    );
    assert_eq!(on_ticket.as_array().unwrap().len(), 1);
    assert_eq!(on_ticket[0]["sha256"], atts[0]["sha256"]);

    // A reply from the new contact joins the ticket's history with its attachment.
    let number = detail["ticket"]["number"].as_str().unwrap();
    let reply = take(
        &h,
        &with_attachment(
            "luca@nuovo.it",
            &format!("Re: [{number}] stampante"),
            "s2@nuovo.it",
        ),
    );
    assert_eq!(
        reply.ticket_id.map(|t| t.to_string()),
        Some(ticket_id.clone())
    );
    let messages = h.ok("ticket_customer_messages", json!({"ticket_id": ticket_id}));
    assert_eq!(messages.as_array().unwrap().len(), 1);
    assert_eq!(messages[0]["from_email"], "luca@nuovo.it");
    let on_ticket = h.ok(
        "ticket_customer_attachments",
        json!({"ticket_id": ticket_id}),
    );
    assert_eq!(on_ticket.as_array().unwrap().len(), 2);

    // Saved only to a path picked in a dialog; the hostile name never chose the folder.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("errori.log");
    let sha = on_ticket[0]["sha256"].clone();
    let e = h.err(
        "intake_save_attachment",
        json!({"sha256": sha, "name": "../errori.log", "path": target.to_str().unwrap()}),
    );
    assert_eq!(e["code"], "PATH_NOT_ALLOWED");
    assert!(!target.exists());
    h.pick(&target);
    let saved = h.ok(
        "intake_save_attachment",
        json!({"sha256": sha, "name": "../errori.log", "path": target.to_str().unwrap()}),
    );
    assert!(saved.as_str().unwrap().ends_with("errori.log"));
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .contains("ERRORE 42"));
    let missing = dir.path().join("altro.log");
    h.pick(&missing);
    let e = h.err(
        "intake_save_attachment",
        json!({"sha256": "0".repeat(64), "name": "altro.log", "path": missing.to_str().unwrap()}),
    );
    assert_eq!(e["code"], "NOT_FOUND", "kept at the hub, not here");
}

#[test]
fn each_new_urgent_request_is_notified_once_without_a_notification_server() {
    // No session bus: the notification has nowhere to go, and the round must not care.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/rapportino-bus",
    );
    let h = harness_on(
        tauri::test::mock_builder().plugin(tauri_plugin_notification::init()),
        |dir| AppState::open(Ok(dir.join("test.db"))),
        "main",
    );
    h.onboard();
    let app = h.app();
    assert!(notify_worker::round(&app).unwrap().is_empty(), "first look");
    let taken = take(
        &h,
        "From: Luca Neri <luca@nuovo.it>\r\nSubject: URGENTE: rete giù\r\nMessage-ID: <n1@nuovo.it>\r\n\r\nAiuto\r\n",
    );
    take(
        &h,
        "From: luca@nuovo.it\r\nSubject: Domanda\r\nMessage-ID: <n2@nuovo.it>\r\n\r\nCiao\r\n",
    );
    let started = Instant::now();
    let shown = notify_worker::round(&app).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(shown.len(), 1);
    let Notice::Urgent(urgent) = &shown[0] else {
        panic!("{shown:?}")
    };
    assert_eq!(Some(urgent.request_id.clone()), taken.request_id);
    assert!(notify_worker::round(&app).unwrap().is_empty(), "once");

    let (title, body) = notify_worker::notice_words(&shown[0], Locale::It);
    assert_eq!(title, "Richiesta URGENTE da smistare");
    assert_eq!(body, "URGENTE: rete giù\nLuca Neri");
    let (title, _) = notify_worker::notice_words(&shown[0], Locale::En);
    assert_eq!(title, "Urgent request to sort");

    // Switched off in Settings: the next urgent request is not shown.
    let mut prefs: NoticePreferences =
        serde_json::from_value(h.ok("notice_preferences", json!({}))).unwrap();
    assert!(prefs.urgent_requests);
    prefs.urgent_requests = false;
    h.ok("set_notice_preferences", json!({ "preferences": prefs }));
    take(
        &h,
        "From: luca@nuovo.it\r\nSubject: urgente stampante\r\nMessage-ID: <n3@nuovo.it>\r\n\r\nx\r\n",
    );
    assert!(
        notify_worker::round(&app).unwrap().is_empty(),
        "switched off"
    );
    prefs.long_timer_hours = 30;
    let e = h.err("set_notice_preferences", json!({ "preferences": prefs }));
    assert_eq!(e["code"], "OUT_OF_RANGE");
}

#[test]
fn settings_inbox_tests_a_real_mailbox_and_checks_it_now() {
    use rapportino_intake::testing::{TestImap, PASSWORD, USER};
    let server = TestImap::start();
    let h = harness();
    h.onboard();
    let inbox = h.ok("intake_inbox", json!({}));
    assert_eq!(inbox["managed_by_hub"], false);
    assert_eq!(inbox["mailboxes"], json!([]));
    let ca = std::fs::read_to_string(server.ca_file()).unwrap();
    let settings = json!({"name": "assistenza", "host": "localhost", "port": server.port,
        "security": "implicit", "user": USER, "extra_ca_pem": ca, "category": "Assistenza"});
    let e = h.err(
        "intake_set_mailbox",
        json!({"settings": {"name": "Assistenza!", "host": "localhost", "security": "implicit", "user": USER}, "password": PASSWORD}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_FORMAT"), Some("name"))
    );
    let view = h.ok(
        "intake_set_mailbox",
        json!({"settings": settings, "password": PASSWORD}),
    );
    assert_eq!(view["mailboxes"][0]["has_password"], true);
    assert!(
        !view.to_string().contains(PASSWORD),
        "the password never comes back"
    );

    let check = h.ok("intake_test_mailbox", json!({"name": "assistenza"}));
    assert_eq!(check["messages"], 0);
    server.append(&[
        b"From: luca@nuovo.it\r\nSubject: URGENTE rete\r\nMessage-ID: <i1@nuovo.it>\r\n\r\nFerma.\r\n",
    ]);
    let rounds = h.ok("intake_collect_now", json!({}));
    assert_eq!(rounds[0]["fetched"], 1);
    assert_eq!(rounds[0]["triage"], 1);
    assert_eq!(h.ok("intake_waiting_count", json!({})), 1);
    let inbox = h.ok("intake_inbox", json!({}));
    assert!(inbox["mailboxes"][0]["last_poll"].is_string());
    assert_eq!(inbox["mailboxes"][0]["last_error_code"], json!(null));
    assert_eq!(server.counts().0, 0, "taken and flagged");

    let e = h.err("intake_test_mailbox", json!({"name": "nessuna"}));
    assert_eq!(e["code"], "NOT_FOUND");
    h.ok("intake_remove_mailbox", json!({"name": "assistenza"}));
    assert_eq!(h.ok("intake_inbox", json!({}))["mailboxes"], json!([]));
}

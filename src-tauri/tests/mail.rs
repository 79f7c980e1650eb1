//! Customer mail through the app's commands on the mock runtime, against a real SMTP server (the
//! mail crate's test server on Debian's python3-aiosmtpd): the account, "Invia al cliente" on a
//! signed report, "Invia ora" and the background round, the outbox list, retry/cancel, the
//! templates' live preview, a client's choices, "Invia a tutti" for a month.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use mail_parser::MimeHeaders;
use rapportino_mail::testing::{Mode, TestServer};
use serde_json::{json, Value};

const USER: &str = "officina@example.it";
const PASSWORD: &str = "segreta-è-lunga-4711";

fn pad(name: &str, n: usize) -> Value {
    let points: Vec<Value> = (0..n)
        .map(|k| json!({"x": 10.0 + k as f64 * 9.0, "y": 40.0 + (k % 3) as f64 * 20.0, "pressure": 0.5, "t": k * 16}))
        .collect();
    json!({"signer_name": name, "width": 480.0, "height": 170.0, "strokes": [{"points": points}]})
}

/// The account to save; first, no D-Bus session for this process, so its password goes to the
/// owner-only file and never to the keyring of the user running the tests (libdbus reads the
/// address once per process; every test sets the same).
fn account(port: u16, from: &str) -> Value {
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/rapportino-tests-no-bus",
    );
    json!({"host": "127.0.0.1", "port": port, "security": "plain", "username": USER,
           "from_address": from, "from_name": "Assistenza Rossi"})
}

#[test]
fn a_signed_report_goes_to_the_customer_with_its_pdf_and_the_outbox_shows_it_sent() {
    let server = TestServer::start(Mode::Accept, USER, PASSWORD);
    let h = harness();
    h.onboard();
    let settings = h.ok("mail_settings", json!({}));
    assert_eq!(settings["enabled"], false, "off until the shop turns it on");
    h.ok(
        "mail_set_settings",
        json!({"settings": {"enabled": true, "kinds": ["report_signed"], "cc_shop": false, "language": "it"}}),
    );

    // The account: an invalid address is refused at entry, the password never comes back.
    let e = h.err(
        "mail_set_account",
        json!({"account": account(server.port, "officina@@example"), "password": PASSWORD}),
    );
    assert_eq!(e["code"], "MAIL_ADDRESS_INVALID");
    assert!(
        h.ok("mail_account", json!({}))["account"].is_null(),
        "nothing half-written"
    );
    let view = h.ok(
        "mail_set_account",
        json!({"account": account(server.port, USER), "password": PASSWORD}),
    );
    assert_eq!(view["has_password"], true);
    assert_eq!(view["password_store"], "file");
    assert!(!view.to_string().contains(PASSWORD));
    let reply = h.ok("mail_send_test", json!({"to": "prova@example.it"}));
    assert!(reply.as_str().unwrap().starts_with("250"), "{reply}");
    assert_eq!(server.delivered().len(), 1);

    let client = h.ok(
        "create_client",
        json!({"input": {"name": "Studio Bellè", "email": "segreteria@studiobelle.it"}}),
    );
    let ticket = h.ok(
        "open_ticket",
        json!({"input": {"client_id": client["id"], "origin": "phone", "severity": "blocking", "urgent": false,
                         "is_bug": false, "title": "Server fermo"}}),
    );
    let i = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": ticket["id"], "mode": "on_site"}}),
    );
    h.ok("timer_start", json!({"id": i["id"]}));
    h.ok("timer_stop", json!({"id": i["id"]}));
    let r = h.ok("create_report", json!({"intervention_id": i["id"]}));
    let e = h.err("mail_send_report", json!({"report_id": r["id"]}));
    assert_eq!(e["code"], "REPORT_NOT_SIGNED");
    // Signing queues the report's message (the shop sends reports); "Invia al cliente" finds it.
    h.ok(
        "sign_report",
        json!({"id": r["id"], "input": {"customer": pad("Anna Bellè", 30), "technician": pad("", 20)}}),
    );
    let m = h.ok("mail_send_report", json!({"report_id": r["id"]}));
    assert_eq!(m["status"], "queued");
    assert_eq!(m["attachments_ready"], false);
    let listed = h.ok("mail_list", json!({"filter": {"ticket_id": ticket["id"]}}));
    assert_eq!(listed.as_array().unwrap().len(), 1, "one message, not two");

    let done = h.ok("mail_send_now", json!({}));
    assert_eq!(done["sent"], 1, "{done}");
    let sent = h.ok("mail_get", json!({"id": m["id"]}));
    assert_eq!(sent["status"], "sent");
    assert!(sent["last_reply"].as_str().unwrap().starts_with("250"));
    let e = h.err("mail_retry", json!({"id": m["id"]}));
    assert_eq!(
        e["code"], "ILLEGAL_TRANSITION",
        "a sent message is not sent again"
    );

    let delivered = server.delivered();
    assert_eq!(delivered.len(), 2);
    let parsed = mail_parser::MessageParser::default()
        .parse(&delivered[1])
        .unwrap();
    let number = r["number"].as_str().unwrap();
    assert!(parsed.subject().unwrap().contains(number));
    let pdf = parsed.attachments().next().expect("the PDF attached");
    assert_eq!(
        pdf.attachment_name(),
        Some(format!("{number}.pdf").as_str())
    );
    let printed = h
        .with_store(|s| {
            rapportino_pdf::export::report_bytes(
                s,
                &rapportino_pdf::Renderer::new()?,
                r["id"].as_str().unwrap().parse()?,
            )
        })
        .unwrap();
    assert_eq!(
        pdf.contents(),
        printed.as_slice(),
        "the printed PDF, byte for byte"
    );
}

#[test]
fn the_background_round_sends_here_only_with_an_account_and_tells_the_window() {
    let server = TestServer::start(Mode::Accept, USER, PASSWORD);
    let h = harness();
    h.onboard();
    h.ok(
        "mail_set_settings",
        json!({"settings": {"enabled": true, "kinds": ["ticket_opened", "statement"], "cc_shop": false, "language": "it"}}),
    );
    let client = h.ok(
        "create_client",
        json!({"input": {"name": "Ottica Ferri", "email": "info@otticaferri.it"}}),
    );
    let ticket = h.ok(
        "open_ticket",
        json!({"input": {"client_id": client["id"], "origin": "email", "severity": "request", "urgent": false,
                         "is_bug": false, "title": "Nuova stampante"}}),
    );
    let queued = h.ok("mail_list", json!({"filter": {"status": "queued"}}));
    assert_eq!(queued.as_array().unwrap().len(), 1);
    let id = queued[0]["id"].clone();

    // No account: the round leaves it waiting (no error: nothing to send from here).
    let app = h.app();
    let round = rapportino_app::mail_worker::round(&app).unwrap();
    assert_eq!(round.sent, 0);
    assert_eq!(h.ok("mail_get", json!({"id": id}))["status"], "queued");
    let e = h.err("mail_send_now", json!({}));
    assert_eq!(e["code"], "MAIL_NOT_CONFIGURED", "Invia ora says why");

    h.ok(
        "mail_set_account",
        json!({"account": account(server.port, USER), "password": PASSWORD}),
    );
    let round = rapportino_app::mail_worker::round(&app).unwrap();
    assert_eq!(round.sent, 1);
    let m = h.ok("mail_get", json!({"id": id}));
    assert_eq!(m["status"], "sent");
    assert_eq!(server.delivered().len(), 1);
    assert_eq!(
        h.ok(
            "mail_list",
            json!({"filter": {"ticket_id": ticket["id"], "status": "sent"}})
        )
        .as_array()
        .unwrap()
        .len(),
        1
    );

    // Cancel and retry on a message not sent yet; "Invia a tutti" for a month with no work.
    let one = h
        .ok(
            "mail_queue_statement",
            json!({"client_id": client["id"], "year": 2026, "month": 11}),
        )
        .clone();
    assert_eq!(one["kind"], "statement");
    assert_eq!(
        h.ok("mail_cancel", json!({"id": one["id"]}))["status"],
        "cancelled"
    );
    let e = h.err("mail_retry", json!({"id": one["id"]}));
    assert_eq!(e["code"], "ILLEGAL_TRANSITION");
    let all = h.ok("mail_queue_statements", json!({"year": 2026, "month": 11}));
    assert!(
        all.as_array().unwrap().is_empty(),
        "no client worked in November: {all}"
    );
    let e = h.err("mail_queue_statements", json!({"year": 2026, "month": 13}));
    assert_eq!(e["code"], "INVALID_FORMAT");

    h.ok("mail_forget_account", json!({}));
    assert!(h.ok("mail_account", json!({}))["account"].is_null());
}

#[test]
fn templates_preview_live_and_a_client_chooses_what_it_gets() {
    let h = harness();
    h.onboard();
    let names = h.ok("mail_placeholders", json!({}));
    assert!(names.as_array().unwrap().contains(&json!("ticket")));
    let t = h.ok(
        "mail_template",
        json!({"kind": "ticket_opened", "language": "it"}),
    );
    assert!(t["subject"].as_str().unwrap().starts_with("[{ticket}]"));
    let p = h.ok(
        "mail_preview_template",
        json!({"kind": "ticket_opened", "language": "it", "template": {"subject": "[{ticket}] Ciao", "body": "Per {client}"}}),
    );
    assert_eq!(p["subject"], "[T-2026-MR-0042] Ciao");
    let bad = json!({"subject": "Ciao {tcket}", "body": "x"});
    let e = h.err(
        "mail_preview_template",
        json!({"kind": "ticket_opened", "language": "it", "template": bad}),
    );
    assert_eq!(e["code"], "INVALID_FORMAT");
    assert_eq!(e["field"], "template");
    let e = h.err(
        "mail_set_template",
        json!({"kind": "ticket_opened", "language": "it", "template": bad}),
    );
    assert_eq!(e["code"], "INVALID_FORMAT");
    let e = h.err(
        "mail_template",
        json!({"kind": "postcard", "language": "it"}),
    );
    assert_eq!(e["code"], "INVALID_FORMAT");
    let mine = json!({"subject": "[{ticket}] Ricevuto", "body": "Grazie, {client}."});
    h.ok(
        "mail_set_template",
        json!({"kind": "ticket_opened", "language": "en", "template": mine}),
    );
    assert_eq!(
        h.ok(
            "mail_template",
            json!({"kind": "ticket_opened", "language": "en"})
        ),
        mine
    );
    let back = h.ok(
        "mail_reset_template",
        json!({"kind": "ticket_opened", "language": "en"}),
    );
    assert!(back["subject"]
        .as_str()
        .unwrap()
        .contains("Request received"));

    let client = h.ok(
        "create_client",
        json!({"input": {"name": "Pizzeria Da Gino"}}),
    );
    let prefs = json!({"off": ["ticket_opened", "ticket_taken"], "to_pec": true, "language": "en"});
    h.ok(
        "mail_set_client_prefs",
        json!({"client_id": client["id"], "prefs": prefs}),
    );
    assert_eq!(
        h.ok("mail_client_prefs", json!({"client_id": client["id"]})),
        prefs
    );
    let e = h.err("mail_client_prefs", json!({"client_id": "nope"}));
    assert_eq!(e["code"], "INVALID_FORMAT");
}

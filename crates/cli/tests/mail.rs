//! `mail`: the outbox from the command line — settings, the message a ticket queues, its whole
//! text, templates refused with a code, retry refused for a sent one, statements queued.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

#[test]
fn the_outbox_from_the_command_line() {
    let s = shop();
    let db = &s.db;
    json(
        db,
        &[
            "client",
            "edit",
            &s.client,
            "--email",
            "farmacia@centrale.it",
        ],
    );
    let status = json(db, &["mail", "status"]);
    assert_eq!(status["settings"]["enabled"], false);
    json(db, &["mail", "settings", "--on", "--cc-shop", "false"]);

    let t = json(
        db,
        &[
            "ticket",
            "open",
            "--client",
            &s.client,
            "--title",
            "Etichettatrice ferma",
            "--origin",
            "email",
            "--severity",
            "request",
        ],
    );
    let number = t["number"].as_str().unwrap().to_owned();
    let list = json(db, &["mail", "list", "--status", "queued"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let m = &list[0];
    assert_eq!(m["kind"], "ticket_opened");
    assert_eq!(m["recipients"][0], "farmacia@centrale.it");
    assert_eq!(
        m["subject"],
        format!("[{number}] Richiesta ricevuta: Etichettatrice ferma")
    );
    let id = m["id"].as_str().unwrap().to_owned();
    let shown = text(db, &["mail", "show", &id]);
    assert!(shown.contains("Canale: E-mail"), "{shown}");
    assert!(shown.contains("Message-ID: <"), "{shown}");

    // A template that loses the ticket number is refused; a good one is used.
    assert_eq!(
        error_code(
            db,
            &[
                "mail",
                "template",
                "set",
                "ticket_opened",
                "--subject",
                "Ricevuto",
                "--body",
                "Ok"
            ]
        ),
        "INVALID_FORMAT"
    );
    json(
        db,
        &[
            "mail",
            "template",
            "set",
            "ticket_opened",
            "--subject",
            "[{ticket}] Ricevuto",
            "--body",
            "Ciao {client}",
        ],
    );
    let shown = text(db, &["mail", "template", "show", "ticket_opened"]);
    assert!(
        shown.contains("[{ticket}] Ricevuto") && shown.contains("{technician}"),
        "{shown}"
    );

    // The client wants only reports and statements.
    json(
        db,
        &[
            "mail",
            "client",
            &s.client,
            "--off",
            "ticket_opened",
            "--off",
            "ticket_taken",
            "--off",
            "ticket_resolved",
        ],
    );
    json(
        db,
        &[
            "ticket",
            "open",
            "--client",
            &s.client,
            "--title",
            "Altro",
            "--origin",
            "phone",
            "--severity",
            "request",
        ],
    );
    assert_eq!(json(db, &["mail", "list"]).as_array().unwrap().len(), 1);

    let queued = json(db, &["mail", "statement", &s.client, "2026-11"]);
    assert_eq!(queued["kind"], "statement");
    assert_eq!(queued["attachments_ready"], false);
    let prepared = json(db, &["mail", "prepare"]);
    assert_eq!(prepared, 1);
    json(db, &["mail", "cancel", &id]);
    assert_eq!(
        error_code(db, &["mail", "retry", &id]),
        "ILLEGAL_TRANSITION"
    );
    assert_eq!(error_code(db, &["mail", "show", "nope"]), "NOT_FOUND");
}

#[test]
fn a_shop_without_a_hub_sends_from_the_command_line() {
    use rapportino_mail::testing::{Mode, TestServer};
    use std::process::Command;

    let smtp = TestServer::start(Mode::Accept, "officina@example.it", "segreta");
    let port = smtp.port.to_string();

    let s = shop();
    let db = &s.db;
    json(
        db,
        &[
            "client",
            "edit",
            &s.client,
            "--email",
            "farmacia@centrale.it",
        ],
    );
    json(db, &["mail", "settings", "--on"]);
    assert_eq!(
        error_code(db, &["mail", "test", "a@b.it"]),
        "MAIL_NOT_CONFIGURED"
    );
    let set = |pw_var: &str| {
        Command::new(env!("CARGO_BIN_EXE_rapportino-cli"))
            .args(["--json", "--db", db.to_str().unwrap(), "mail", "account"])
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--security",
                "plain",
            ])
            .args([
                "--username",
                "officina@example.it",
                "--from",
                "officina@example.it",
            ])
            .args(["--password-env", pw_var])
            .env("MAIL_PW", "segreta")
            .env("DBUS_SESSION_BUS_ADDRESS", common::NO_BUS)
            .output()
            .unwrap()
    };
    assert!(!set("NOT_SET_ANYWHERE").status.success());
    let ok = set("MAIL_PW");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let view: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(view["has_password"], true);
    // No keyring answers (no D-Bus session): the owner-only file, and the output says so.
    assert_eq!(view["password_store"], "file");
    assert!(!String::from_utf8_lossy(&ok.stdout).contains("segreta"));
    let text = cli(db, &["mail", "account"]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("in un file leggibile solo dal tuo utente"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );

    json(
        db,
        &[
            "ticket",
            "open",
            "--client",
            &s.client,
            "--title",
            "Lettore badge",
            "--origin",
            "email",
            "--severity",
            "request",
        ],
    );
    let sent = json(db, &["mail", "send"]);
    assert_eq!(sent["sent"], 1, "{sent}");
    assert_eq!(smtp.delivered().len(), 1);
    let listed = json(db, &["mail", "list", "--status", "sent"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

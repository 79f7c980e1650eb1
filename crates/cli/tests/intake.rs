//! `intake`: e-mail to ticket on a shop without a hub, from the command line — a real Dovecot
//! mailbox collected by `intake run` (known sender → ticket, unknown → triage), `intake test`,
//! `intake import` of a saved message, the triage list, assign with the contact added, reject,
//! the status counts, and a configuration holding a password refused.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use rapportino_intake::testing::{TestImap, PASSWORD};

fn mail(from: &str, subject: &str, id: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\nTesto della richiesta.\r\n"
    )
    .into_bytes()
}

#[test]
fn intake_from_the_command_line() {
    let server = TestImap::start();
    let s = shop();
    let db = &s.db;
    json(
        db,
        &[
            "contact",
            "add",
            &s.client,
            "--name",
            "Anna Ferri",
            "--email",
            "anna@farmacia.it",
            "--authorised",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("password");
    std::fs::write(&password, format!("{PASSWORD}\n")).unwrap();
    let mut mailbox = serde_json::to_value(server.mailbox("assistenza")).unwrap();
    mailbox["password_file"] = password.display().to_string().into();
    mailbox["category"] = "Assistenza".into();
    let config = dir.path().join("intake.json");
    std::fs::write(
        &config,
        serde_json::json!({"mailboxes": [mailbox]}).to_string(),
    )
    .unwrap();
    let config = config.display().to_string();

    server.append(&[
        &mail("anna@farmacia.it", "URGENTE: cassa ferma", "a1@farmacia.it"),
        &mail("Luca Neri <luca@nuovo.it>", "Preventivo", "u1@nuovo.it"),
    ]);
    let checked = json(db, &["intake", "test", "--config", &config]);
    assert_eq!(checked[0]["unseen"], 2);
    assert_eq!(checked[0]["idle"], true);
    let run = json(db, &["intake", "run", "--config", &config]);
    assert_eq!(run[0]["fetched"], 2);
    assert_eq!(run[0]["ticketed"], 1);
    assert_eq!(run[0]["triage"], 1);
    let again = json(db, &["intake", "run", "--config", &config]);
    assert_eq!(again[0]["fetched"], 0, "flagged once taken");

    let tickets = json(db, &["ticket", "list"]);
    let list = tickets["items"].as_array().or(tickets.as_array()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["urgent"], true);
    assert_eq!(list[0]["origin"], "email");

    let waiting = json(db, &["intake", "triage", "list"]);
    assert_eq!(waiting.as_array().unwrap().len(), 1);
    let id = waiting[0]["id"].as_str().unwrap().to_owned();
    let assigned = json(
        db,
        &[
            "intake",
            "triage",
            "assign",
            &id,
            "--client",
            &s.client,
            "--add-contact",
        ],
    );
    assert_eq!(assigned["status"], "assigned");
    assert!(assigned["ticket_id"].is_string());
    let authorised = json(db, &["contact", "authorised", "luca@nuovo.it"]);
    assert_eq!(authorised.as_array().unwrap().len(), 1);
    assert_eq!(
        error_code(db, &["intake", "triage", "reject", &id, "--reason", "no"]),
        "INCONSISTENT",
        "triaged once"
    );

    // A saved message, from someone unknown: triage, then rejected.
    let saved = dir.path().join("spam.eml");
    std::fs::write(&saved, mail("x@spam.example", "Offerta", "s1@spam.example")).unwrap();
    let imported = json(db, &["intake", "import", &saved.display().to_string()]);
    assert_eq!(imported[0]["status"], "new");
    let spam = json(db, &["intake", "triage", "list"]);
    let spam_id = spam[0]["id"].as_str().unwrap().to_owned();
    let rejected = json(
        db,
        &[
            "intake",
            "triage",
            "reject",
            &spam_id,
            "--reason",
            "Pubblicità",
        ],
    );
    assert_eq!(rejected["status"], "rejected");
    let status = json(db, &["intake", "status"]);
    let counts: std::collections::BTreeMap<String, u64> = status["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].as_str().unwrap().to_owned(), c[1].as_u64().unwrap()))
        .collect();
    assert_eq!(counts["ticketed"], 1);
    assert_eq!(counts["assigned"], 1);
    assert_eq!(counts["rejected"], 1);
    assert_eq!(counts["new"], 0);

    // A password in the file is refused.
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        serde_json::json!({"mailboxes": [{"name": "x", "host": "h", "user": "u", "password": "p"}]})
            .to_string(),
    )
    .unwrap();
    assert_eq!(
        error_code(
            db,
            &["intake", "run", "--config", &bad.display().to_string()]
        ),
        "MAIL_CONFIG_INVALID"
    );
}

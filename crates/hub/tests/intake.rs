//! E-mail to ticket at the hub: a real Dovecot mailbox (Debian's dovecot-imapd) collected by the
//! hub's intake, on SQLite and on PostgreSQL. A known sender's mail becomes a ticket numbered
//! with the hub's code, reported at the mail's arrival, urgent from the subject, with its
//! acknowledgement queued for the hub's mail round (and sent through a real SMTP server); a
//! stranger's waits for triage, which the office does on its laptop and syncs back; an
//! auto-reply is ignored; replies — by the number in the subject or answering the
//! acknowledgement — join the ticket; the same mail twice is one request; every device pulls
//! it all. No device may enrol with the hub's code.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::path::Path;

use rapportino_core::intake::{self as device_intake, Assignment};
use rapportino_core::outbox::{self, MessageFilter, MessageKind, MessageStatus};
use rapportino_core::tickets;
use rapportino_hub::intake::{HubSink, HUB_CODE};
use rapportino_hub::mail;
use rapportino_intake::imap;
use rapportino_intake::testing::TestImap;
use rapportino_intake::Rules;
use rapportino_mail::testing::{Mode, TestServer};
use rapportino_mail::{MailAccount, Secret, Security};
use rapportino_model::protocol::Role;
use rapportino_model::vocab::RequestStatus;
use sync_support::*;

fn mail(from: &str, subject: &str, id: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: assistenza@rinaldi.it\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         {extra}Content-Type: text/plain; charset=UTF-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn office(dir: &Path, hub: &TestHub) -> Device {
    let mut d = Device::onboarded(dir, "UF", rome(2026, 11, 16, 8, 0));
    rapportino_sync_http::enrol(
        &mut d.store,
        &hub.url,
        &hub.code(Role::Office),
        "Ufficio",
        hub.ca_pem.as_deref(),
    )
    .unwrap();
    d
}

fn collect(server: &TestImap, hub: &TestHub) -> imap::RoundReport {
    let mut sink = HubSink {
        storage: hub.storage.clone(),
        rules: Rules::default(),
    };
    imap::collect_once_blocking(&server.mailbox("assistenza"), &mut sink).unwrap()
}

#[test]
fn the_hub_turns_its_mailbox_into_tickets_that_every_device_pulls() {
    intake_at_the_hub(None);
}

#[test]
fn the_hub_turns_its_mailbox_into_tickets_on_postgresql_too() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    intake_at_the_hub(Some(&db.url));
}

fn intake_at_the_hub(storage_url: Option<&str>) {
    let server = TestImap::start();
    let smtp = TestServer::start(Mode::Accept, "hub@rinaldi.it", "segreta");
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut uf = office(dir.path(), &hub);
    uf.mail_on();
    let client = uf.client("Ottica Ferri");
    uf.authorised_contact(&client, "Anna Ferri", "anna@ferri.it");
    uf.sync();
    let mut mr = Device::enrolled(dir.path(), &hub, "MR", rome(2026, 11, 16, 8, 0));

    server.append_at(
        &[
            &mail(
                "Anna Ferri <anna@ferri.it>",
                "URGENTE: la cassa non stampa",
                "a1@ferri.it",
                "",
                "Da stamattina.",
            ),
            &mail(
                "luca@nuovo.it",
                "Preventivo",
                "u1@nuovo.it",
                "",
                "Un preventivo?",
            ),
            &mail(
                "anna@ferri.it",
                "Fuori ufficio",
                "ooo@ferri.it",
                "Auto-Submitted: auto-replied\r\n",
                "Torno lunedì.",
            ),
        ],
        Some("16-Nov-2026 08:41:00 +0000"),
    );
    let round = collect(&server, &hub);
    assert_eq!(
        (round.fetched, round.ticketed, round.triage, round.ignored),
        (3, 1, 1, 1),
        "{round:?}"
    );
    assert_eq!(server.counts().0, 0, "all flagged");

    uf.sync();
    mr.sync();
    let number = format!("T-2026-{HUB_CODE}-0001");
    for d in [&uf, &mr] {
        let t = tickets::get_by_number(&d.store, &number).unwrap();
        assert!(t.urgent);
        assert_eq!(t.reported_at, "2026-11-16T08:41:00Z", "the arrival");
        assert_eq!(t.client_id, client.id);
        assert_eq!(t.origin.as_str(), "email");
        assert_eq!(t.description.as_deref(), Some("Da stamattina."));
    }
    let ticket = tickets::get_by_number(&uf.store, &number).unwrap();
    let ack = outbox::list(
        &uf.store,
        &MessageFilter {
            ticket_id: Some(ticket.id),
            ..Default::default()
        },
    )
    .unwrap()
    .remove(0);
    assert_eq!(ack.kind, MessageKind::TicketOpened);
    assert_eq!(ack.sender, "hub");
    assert_eq!(ack.recipients, ["anna@ferri.it"]);
    assert!(
        ack.subject.starts_with(&format!("[{number}]")),
        "{}",
        ack.subject
    );

    // The hub's mail round sends the acknowledgement.
    let mut account = MailAccount::new(
        "127.0.0.1",
        Security::Plain,
        "hub@rinaldi.it",
        Secret::new("segreta"),
        "assistenza@rinaldi.it",
        "Assistenza Rinaldi",
    );
    account.port = Some(smtp.port);
    let sent = mail::send_round(&hub.storage, &account, chrono::Utc::now()).unwrap();
    assert_eq!(sent.sent, 1);
    assert!(smtp.delivered_text()[0].contains(&number));

    // Replies: by the number in the subject, and answering the acknowledgement.
    let threaded = format!("In-Reply-To: {}\r\n", ack.message_id);
    server.append(&[
        &mail(
            "anna@ferri.it",
            &format!("Re: [{number}] la cassa non stampa"),
            "a2@ferri.it",
            "",
            "Ora stampa a metà.\n> Da stamattina.",
        ),
        &mail(
            "collega@ferri.it",
            "R: Richiesta ricevuta",
            "c1@ferri.it",
            &threaded,
            "Aggiungo il modello: TM-T20.",
        ),
        // The first mail again (copied to a second folder and back, say): one request.
        &mail(
            "Anna Ferri <anna@ferri.it>",
            "URGENTE: la cassa non stampa",
            "a1@ferri.it",
            "",
            "Da stamattina.",
        ),
    ]);
    let round = collect(&server, &hub);
    assert_eq!(
        (
            round.fetched,
            round.appended,
            round.duplicates,
            round.ticketed
        ),
        (3, 2, 1, 0),
        "{round:?}"
    );
    uf.sync();
    let history = device_intake::ticket_messages(&uf.store, ticket.id).unwrap();
    let bodies: Vec<&str> = history.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["Ora stampa a metà.", "Aggiungo il modello: TM-T20."]
    );

    // The office triages the stranger on its laptop; the hub accepts it and MR pulls it.
    let waiting = device_intake::list(&uf.store, Some(RequestStatus::New)).unwrap();
    assert_eq!(waiting.len(), 1);
    let assigned = device_intake::assign(
        &mut uf.store,
        &waiting[0].id,
        &Assignment {
            client_id: client.id,
            add_contact: true,
            contact_name: Some("Luca Neri".into()),
        },
    )
    .unwrap();
    let report = uf.sync();
    assert_eq!(report.rejected, 0, "{report:?}");
    mr.sync();
    let seen = device_intake::get(&mr.store, &assigned.id).unwrap();
    assert_eq!(seen.status, RequestStatus::Assigned);
    assert!(device_intake::list(&mr.store, Some(RequestStatus::Ignored))
        .unwrap()
        .iter()
        .any(|r| r.reason.as_deref() == Some("auto_submitted")));

    // How the acknowledgement went reached the technician's laptop too.
    assert_eq!(
        outbox::list(&mr.store, &MessageFilter::default())
            .unwrap()
            .iter()
            .filter(|m| m.status == MessageStatus::Sent)
            .count(),
        1
    );

    // A stranger the office declines gets one polite reply: queued on the laptop without a
    // client (the hub's validator accepts it), sent by the hub's mail round to that sender only.
    server.append(&[&mail(
        "Marta Blu <marta@altrove.it>",
        "Offerta fibra",
        "m1@altrove.it",
        "",
        "Vi proponiamo...",
    )]);
    assert_eq!(collect(&server, &hub).triage, 1);
    uf.sync();
    let stranger = device_intake::list(&uf.store, Some(RequestStatus::New)).unwrap();
    device_intake::reject(&mut uf.store, &stranger[0].id, "Pubblicità").unwrap();
    let report = uf.sync();
    assert_eq!(report.rejected, 0, "{report:?}");
    let reply = outbox::list(&uf.store, &MessageFilter::default())
        .unwrap()
        .into_iter()
        .find(|m| m.kind == MessageKind::RequestDeclined)
        .expect("the polite reply");
    assert_eq!(reply.client_id, None);
    assert_eq!(reply.recipients, ["marta@altrove.it"]);
    assert_eq!(reply.in_reply_to.as_deref(), Some("<m1@altrove.it>"));
    // This round sends it, and the acknowledgement of the ticket the office opened by
    // assigning Luca's request above.
    let sent = mail::send_round(&hub.storage, &account, chrono::Utc::now()).unwrap();
    assert_eq!(sent.sent, 2, "{sent:?}");
    let delivered = smtp.delivered_text();
    let to_marta: Vec<&String> = delivered
        .iter()
        .filter(|m| m.contains("marta@altrove.it"))
        .collect();
    assert_eq!(to_marta.len(), 1, "one reply, once");
    let reply_mail = to_marta[0];
    assert!(reply_mail.contains("Offerta fibra"), "{reply_mail}");
    assert!(
        reply_mail.contains("In-Reply-To: <m1@altrove.it>"),
        "{reply_mail}"
    );
    assert!(!reply_mail.contains("anna@ferri.it") && !reply_mail.contains("luca@nuovo.it"));
}

#[test]
fn no_device_enrols_with_the_hubs_code() {
    let hub = TestHub::start(None, false);
    let code = hub.code(Role::Technician);
    let (status, body) = common::answer(
        common::plain_agent()
            .post(&format!("{}/v1/enrol", hub.url))
            .send_json(serde_json::json!({
                "code": code,
                "device_id": "dev-hub-like",
                "device_code": HUB_CODE,
                "name": "Impostore",
            })),
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(common::code_of(&body), "DEVICE_CODE_TAKEN");
}

#[test]
fn the_hub_binary_collects_beside_the_server_and_tests_its_mailboxes() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let server = TestImap::start();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("hub.db").display());
    let code = {
        let storage = rapportino_hub::storage::Storage::open(&db).unwrap();
        rapportino_hub::auth::create_code(&storage, Role::Office, None, chrono::Utc::now())
            .unwrap()
            .code
    };
    let mut mailbox = serde_json::to_value(server.mailbox("assistenza")).unwrap();
    mailbox["password_env"] = "TEST_IMAP_PASSWORD".into();
    let config = dir.path().join("intake.json");
    std::fs::write(
        &config,
        serde_json::json!({"mailboxes": [mailbox]}).to_string(),
    )
    .unwrap();

    let tested = Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
        .args(["intake-test", "--intake-config"])
        .arg(&config)
        .env("TEST_IMAP_PASSWORD", rapportino_intake::testing::PASSWORD)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&tested.stdout);
    assert!(
        tested.status.success(),
        "{}",
        String::from_utf8_lossy(&tested.stderr)
    );
    assert!(
        said.contains("assistenza: 0 messages, 0 unseen") && said.contains("IDLE yes"),
        "{said}"
    );
    let refused = Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
        .args(["intake-test", "--intake-config"])
        .arg(&config)
        .env("TEST_IMAP_PASSWORD", "sbagliata")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("INTAKE_LOGIN"));

    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut hub = Running(
        Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
            .args(["serve", "--storage", &db, "--listen", "127.0.0.1:0"])
            .args(["--insecure-http", "--log-json", "--intake-config"])
            .arg(&config)
            .env("TEST_IMAP_PASSWORD", rapportino_intake::testing::PASSWORD)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stderr = hub.0.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                if v["message"] == "hub listening" {
                    let _ = tx.send(v["addr"].as_str().unwrap_or_default().to_owned());
                }
            }
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    let mut uf = Device::onboarded(dir.path(), "UF", rome(2026, 11, 16, 8, 0));
    rapportino_sync_http::enrol(
        &mut uf.store,
        &format!("http://{addr}"),
        &code,
        "Ufficio",
        None,
    )
    .unwrap();
    let client = uf.client("Bar Sport");
    uf.authorised_contact(&client, "Gino", "gino@barsport.it");
    uf.sync();
    server.append(&[&mail(
        "gino@barsport.it",
        "POS fermo",
        "pos@barsport.it",
        "",
        "Non legge le carte.",
    )]);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        uf.sync();
        if tickets::get_by_number(&uf.store, &format!("T-2026-{HUB_CODE}-0001")).is_ok() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the hub's intake brought nothing in"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &hub.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = hub.0.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "the hub did not stop with its collector"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit}");
}

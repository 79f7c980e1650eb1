//! The hub sends the messages of enrolled devices, once: two devices and the hub all see the
//! message, only the hub sends it (to a real SMTP server, Debian's python3-aiosmtpd), and the
//! outcome syncs back to every device. The account's password comes from the configuration's
//! password file or the environment, never from the file itself.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::path::Path;
use std::process::Command;

use rapportino_core::clients::{self, ClientInput};
use rapportino_core::outbox::{self, MailSettings, MessageFilter, MessageStatus};
use rapportino_core::tickets;
use rapportino_hub::mail;
use rapportino_mail::testing::{Mode, TestServer};
use rapportino_mail::{MailAccount, Secret, Security};
use rapportino_model::protocol::Role;
use sync_support::*;

fn smtp(mode: Mode) -> TestServer {
    TestServer::start(mode, "hub@example.it", "segreta")
}

fn account(server: &TestServer) -> MailAccount {
    let mut a = MailAccount::new(
        "127.0.0.1",
        Security::Plain,
        "hub@example.it",
        Secret::new("segreta"),
        "hub@example.it",
        "Assistenza Rinaldi",
    );
    a.port = Some(server.port);
    a
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

/// Customer mail on, every kind (the office's setting).
fn mail_on(d: &mut Device) {
    outbox::set_settings(
        &mut d.store,
        &MailSettings {
            enabled: true,
            ..Default::default()
        },
    )
    .unwrap();
}

fn client_with_email(d: &mut Device, name: &str, email: &str) -> clients::Client {
    clients::create(
        &mut d.store,
        &ClientInput {
            name: name.into(),
            email: Some(email.into()),
            ..Default::default()
        },
    )
    .unwrap()
}

fn messages(d: &Device) -> Vec<outbox::Message> {
    outbox::list(&d.store, &MessageFilter::default()).unwrap()
}

#[test]
fn the_hub_sends_each_message_once_and_every_device_learns_how_it_went() {
    sends_once(None);
}

#[test]
fn the_hub_sends_each_message_once_on_postgresql_too() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    sends_once(Some(&db.url));
}

fn sends_once(storage_url: Option<&str>) {
    let smtp = smtp(Mode::Accept);
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut uf = office(dir.path(), &hub);
    mail_on(&mut uf);
    let client = client_with_email(&mut uf, "Ottica Bassi", "ottica@bassi.it");
    uf.sync();

    let mut mr = Device::enrolled(dir.path(), &hub, "MR", rome(2026, 11, 16, 9, 0));
    mr.sync();
    let ticket = tickets::open(&mut mr.store, &new_ticket(client.id, "Stampante in rete")).unwrap();
    let m = messages(&mr).remove(0);
    assert_eq!(
        m.sender, "hub",
        "an enrolled device leaves the sending to the hub"
    );
    assert!(outbox::due(&mr.store, mr.store.now()).unwrap().is_empty());
    mr.sync();
    uf.sync();
    assert_eq!(messages(&uf).len(), 1, "the office sees it too");
    assert!(outbox::due(&uf.store, uf.store.now()).unwrap().is_empty());

    let report = mail::send_round(&hub.storage, &account(&smtp), chrono::Utc::now()).unwrap();
    assert_eq!((report.sent, report.deferred, report.failed), (1, 0, 0));
    let delivered = smtp.delivered_text();
    assert_eq!(delivered.len(), 1);
    assert!(delivered[0].contains(&format!("Message-ID: {}", m.message_id)));
    assert!(delivered[0].contains(&ticket.number));
    // Again: nothing owed.
    let again = mail::send_round(&hub.storage, &account(&smtp), chrono::Utc::now()).unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(smtp.delivered_text().len(), 1, "sent once");

    for d in [&mut mr, &mut uf] {
        d.sync();
        let m = messages(d).remove(0);
        assert_eq!(m.status, MessageStatus::Sent);
        assert_eq!(m.attempts, 1);
        assert!(m.last_reply.unwrap().starts_with("250"));
    }
}

#[test]
fn a_refusal_at_the_hub_is_recorded_and_a_retry_from_a_device_queues_it_again() {
    let smtp = smtp(Mode::Reject);
    let hub = TestHub::start(None, true);
    let dir = tempfile::tempdir().unwrap();
    let mut uf = office(dir.path(), &hub);
    mail_on(&mut uf);
    let client = client_with_email(&mut uf, "Bar Sport", "bar@sport.it");
    tickets::open(&mut uf.store, &new_ticket(client.id, "POS")).unwrap();
    uf.sync();
    let report = mail::send_round(&hub.storage, &account(&smtp), chrono::Utc::now()).unwrap();
    assert_eq!(report.failed, 1);
    uf.sync();
    let m = messages(&uf).remove(0);
    assert_eq!(m.status, MessageStatus::Failed);
    assert!(m.last_reply.unwrap().contains("550"));
    // "Rinvia" on the office's laptop: queued again for the hub.
    outbox::retry(&mut uf.store, &m.id).unwrap();
    uf.sync();
    let report = mail::send_round(&hub.storage, &account(&smtp), chrono::Utc::now()).unwrap();
    assert_eq!(report.failed, 1, "tried again");
}

#[test]
fn the_account_s_password_comes_from_a_file_or_the_environment_never_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("mail.json");
    std::fs::write(
        &config,
        r#"{"host":"smtp.example.it","security":"starttls","username":"u","password":"x","from_address":"hub@example.it"}"#,
    )
    .unwrap();
    let err = mail::load_account(&config).unwrap_err();
    assert!(err.to_string().contains("no password in the file"), "{err}");
    let secret = dir.path().join("smtp-password");
    std::fs::write(&secret, "segreta\n").unwrap();
    std::fs::write(
        &config,
        format!(
            r#"{{"host":"smtp.example.it","security":"starttls","username":"u","from_address":"hub@example.it","password_file":{:?}}}"#,
            secret.display().to_string()
        ),
    )
    .unwrap();
    let account = mail::load_account(&config).unwrap();
    assert_eq!(account.password.expose(), "segreta");
    assert!(!format!("{account:?}").contains("segreta"), "never printed");
    // Plain text to a remote server is refused at load.
    std::fs::write(
        &config,
        r#"{"host":"smtp.example.it","security":"plain","from_address":"hub@example.it"}"#,
    )
    .unwrap();
    assert!(mail::load_account(&config).is_err());
}

#[test]
fn mail_test_sends_through_the_configured_account() {
    let smtp = smtp(Mode::Accept);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("mail.json");
    std::fs::write(
        &config,
        format!(
            r#"{{"host":"127.0.0.1","port":{},"security":"plain","username":"hub@example.it","from_address":"hub@example.it","from_name":"Assistenza"}}"#,
            smtp.port
        ),
    )
    .unwrap();
    let run = |password: &str| {
        Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
            .args(["mail-test", "--mail-config", config.to_str().unwrap()])
            .args(["--to", "ufficio@example.it"])
            .env(mail::PASSWORD_ENV, password)
            .output()
            .unwrap()
    };
    let wrong = run("sbagliata");
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("MAIL_AUTH_FAILED"));
    let ok = run("segreta");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("250"));
    assert_eq!(smtp.delivered_text().len(), 1);
}

#[test]
fn messages_queued_before_enrolment_are_handed_to_the_hub() {
    let smtp = smtp(Mode::Accept);
    let hub = TestHub::start(None, true);
    let dir = tempfile::tempdir().unwrap();
    // A one-person shop: mail on, a message queued while it worked alone (no account, nothing
    // sent), then it gets an office hub.
    let mut uf = Device::onboarded(dir.path(), "UF", rome(2026, 11, 16, 8, 0));
    mail_on(&mut uf);
    let client = client_with_email(&mut uf, "Cartoleria Esposito", "info@esposito.it");
    tickets::open(&mut uf.store, &new_ticket(client.id, "Stampante")).unwrap();
    assert_eq!(messages(&uf)[0].sender, "UF");
    rapportino_sync_http::enrol(
        &mut uf.store,
        &hub.url,
        &hub.code(Role::Office),
        "Ufficio",
        hub.ca_pem.as_deref(),
    )
    .unwrap();
    assert_eq!(messages(&uf)[0].sender, "hub", "handed over at enrolment");
    uf.sync();
    let report = mail::send_round(&hub.storage, &account(&smtp), chrono::Utc::now()).unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(smtp.delivered().len(), 1);
}

/// The hub binary itself: `serve --mail-config` sends what an office laptop queued, by itself,
/// and stops cleanly on SIGTERM with its mail thread.
#[test]
fn serve_with_a_mail_config_sends_on_its_own() {
    use std::io::BufRead;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let smtp = smtp(Mode::Accept);
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("hub.db").display());
    let code = {
        let storage = rapportino_hub::storage::Storage::open(&db).unwrap();
        rapportino_hub::auth::create_code(&storage, Role::Office, None, chrono::Utc::now())
            .unwrap()
            .code
    };
    let config = dir.path().join("mail.json");
    std::fs::write(
        &config,
        format!(
            r#"{{"host":"127.0.0.1","port":{},"security":"plain","username":"hub@example.it","from_address":"hub@example.it"}}"#,
            smtp.port
        ),
    )
    .unwrap();
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut hub = Running(
        Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
            .args([
                "serve",
                "--storage",
                &db,
                "--listen",
                "127.0.0.1:0",
                "--insecure-http",
            ])
            .args(["--log-json", "--mail-every-secs", "1", "--mail-config"])
            .arg(&config)
            .env(mail::PASSWORD_ENV, "segreta")
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
    mail_on(&mut uf);
    let client = client_with_email(&mut uf, "Farmacia Centrale", "farmacia@centrale.it");
    tickets::open(&mut uf.store, &new_ticket(client.id, "Etichettatrice")).unwrap();
    uf.sync();
    let deadline = Instant::now() + Duration::from_secs(20);
    while smtp.delivered().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the hub's mail thread sent nothing"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(smtp.delivered().len(), 1);
    uf.sync();
    assert_eq!(messages(&uf)[0].status, MessageStatus::Sent);

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
            "the hub did not stop with its mail thread"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit}");
}

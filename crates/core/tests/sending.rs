//! A device working alone sends its own messages to a real SMTP server (Debian's
//! python3-aiosmtpd, the mail crate's test server): delivered with their Message-ID, deferred by
//! greylisting and sent on the retry with the same one, refused for good with the server's reply.
//! The password stays out of the database.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use chrono::{Duration, TimeZone, Utc};
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::outbox::{self, MailSettings, MessageFilter, MessageStatus};
use rapportino_core::sending::{self, AccountSettings, Security};
use rapportino_core::store::keychain::SecretStore;
use rapportino_core::time::ManualClock;
use rapportino_core::{tickets, Code, Store};
use rapportino_mail::testing::{Mode, TestServer};

const USER: &str = "officina@example.it";
const PASSWORD: &str = "segreta-è-lunga-4711";

fn account(port: u16) -> AccountSettings {
    AccountSettings {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: Security::Plain,
        username: USER.into(),
        from_address: USER.into(),
        from_name: "Assistenza Rinaldi".into(),
        reply_to: None,
        extra_ca_pem: None,
    }
}

fn shop(dir: &Path) -> (Store, std::sync::Arc<ManualClock>) {
    // No D-Bus session: the password goes to the owner-only file, never to the keyring of the
    // user running the tests (tests/mail_keyring.rs tests the keyring on a private one).
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", dir.join("no-bus").display()),
    );
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap());
    let mut s = Store::open(dir.join("r.db"))
        .unwrap()
        .with_clock(clock.clone());
    common::onboard(&mut s, "MR");
    outbox::set_settings(
        &mut s,
        &MailSettings {
            enabled: true,
            ..Default::default()
        },
    )
    .unwrap();
    (s, clock)
}

fn open_ticket(s: &mut Store, title: &str) -> String {
    let c = clients::create(
        s,
        &ClientInput {
            name: "Studio Bellè".into(),
            email: Some("segreteria@studiobelle.it".into()),
            ..Default::default()
        },
    )
    .unwrap();
    tickets::open(s, &common::new_ticket(&c, title))
        .unwrap()
        .number
}

fn only(s: &Store) -> outbox::Message {
    let all = outbox::list(s, &MessageFilter::default()).unwrap();
    assert_eq!(all.len(), 1);
    all.into_iter().next().unwrap()
}

fn header<'a>(mail: &'a str, name: &str) -> &'a str {
    mail.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_default()
}

#[test]
fn a_device_alone_sends_its_messages_and_keeps_the_password_out_of_the_database() {
    let server = TestServer::start(Mode::Accept, USER, PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = shop(dir.path());
    let number = open_ticket(&mut s, "Il NAS non risponde più");

    let err = sending::send_due(&mut s).unwrap_err();
    assert_eq!(err.code(), Code::MailNotConfigured);

    // A plain connection is refused to anything but this computer.
    let mut remote = account(server.port);
    remote.host = "smtp.example.it".into();
    let err = sending::set_account(&mut s, &remote, Some(PASSWORD)).unwrap_err();
    assert_eq!(err.code(), Code::MailConfigInvalid);

    let view = sending::set_account(&mut s, &account(server.port), Some(PASSWORD)).unwrap();
    assert!(view.has_password);
    assert_eq!(view.password_store, Some(SecretStore::File));
    let db_bytes = std::fs::read(dir.path().join("r.db")).unwrap();
    let needle = PASSWORD.as_bytes();
    assert!(
        !db_bytes.windows(needle.len()).any(|w| w == needle),
        "the password is not in the database"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("r.db.mail-secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let report = sending::send_due(&mut s).unwrap();
    assert_eq!((report.sent, report.deferred, report.failed), (1, 0, 0));
    let m = only(&s);
    assert_eq!(m.status, MessageStatus::Sent);
    assert!(m
        .last_reply
        .as_deref()
        .unwrap_or_default()
        .starts_with("250"));
    let delivered = server.delivered_text();
    assert_eq!(delivered.len(), 1);
    assert_eq!(header(&delivered[0], "Message-ID"), m.message_id);
    assert!(
        delivered[0].contains(&number),
        "the number is in the subject"
    );
    assert_eq!(header(&delivered[0], "Auto-Submitted"), "auto-generated");
    // Nothing owed any more.
    assert_eq!(sending::send_due(&mut s).unwrap().sent, 0);
}

#[test]
fn greylisting_defers_and_the_retry_carries_the_same_message_id() {
    let server = TestServer::start(Mode::Greylist, USER, PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let (mut s, clock) = shop(dir.path());
    sending::set_account(&mut s, &account(server.port), Some(PASSWORD)).unwrap();
    open_ticket(&mut s, "Stampante");
    let report = sending::send_due(&mut s).unwrap();
    assert_eq!(report.deferred, 1);
    let m = only(&s);
    assert_eq!(m.status, MessageStatus::Deferred);
    assert!(
        m.last_reply.unwrap().contains("451"),
        "the server's reply is kept"
    );
    assert_eq!(
        sending::send_due(&mut s).unwrap().sent,
        0,
        "not before its time"
    );
    clock.advance(Duration::minutes(2));
    assert_eq!(sending::send_due(&mut s).unwrap().sent, 1);
    let after = only(&s);
    assert_eq!(after.status, MessageStatus::Sent);
    assert_eq!(after.attempts, 2);
    assert_eq!(
        header(&server.delivered_text()[0], "Message-ID"),
        m.message_id
    );
}

#[test]
fn a_refusal_is_final_and_a_wrong_password_says_so() {
    let server = TestServer::start(Mode::Reject, USER, PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = shop(dir.path());
    sending::set_account(&mut s, &account(server.port), Some("sbagliata")).unwrap();
    open_ticket(&mut s, "Router");
    let report = sending::send_due(&mut s).unwrap();
    assert_eq!(report.failed, 1);
    let m = only(&s);
    assert_eq!(m.status, MessageStatus::Failed);
    assert!(m.last_reply.unwrap().contains("MAIL_AUTH_FAILED"));
    let err = sending::send_test(&s, "segreteria@studiobelle.it").unwrap_err();
    assert_eq!(err.code(), Code::MailAuthFailed);

    // The right password: the server refuses the recipient for good (550).
    sending::set_account(&mut s, &account(server.port), Some(PASSWORD)).unwrap();
    outbox::retry(&mut s, &m.id).unwrap();
    assert_eq!(sending::send_due(&mut s).unwrap().failed, 1);
    let m = only(&s);
    assert!(m.last_reply.unwrap().contains("550"), "the refusal is kept");
    assert!(server.delivered_text().is_empty());
}

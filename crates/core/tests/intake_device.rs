//! The intake of a device working alone as the app sets it up (Settings › Posta in arrivo):
//! mailboxes kept on this device with their passwords beside the database (never in the
//! database, never synced), checked at entry; a connection test and rounds against a real
//! Dovecot, each mailbox's last poll and last error kept; an enrolled device never collects.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use rapportino_core::contacts::{self, ContactInput};
use rapportino_core::intake::{self, InboxSecurity, MailboxSettings};
use rapportino_core::store::keychain::SecretStore;
use rapportino_core::store::{credential, keys};
use rapportino_core::{Code, Store};
use rapportino_intake::testing::{TestImap, PASSWORD, USER};

fn file_store(dir: &std::path::Path) -> Store {
    let mut s = Store::open(dir.join("negozio.db")).unwrap();
    onboard(&mut s, "MR");
    s
}

fn settings(server: &TestImap) -> MailboxSettings {
    MailboxSettings {
        name: "assistenza".into(),
        host: "localhost".into(),
        port: Some(server.port),
        security: InboxSecurity::Implicit,
        user: USER.into(),
        category: Some("Assistenza".into()),
        extra_ca_pem: Some(std::fs::read_to_string(server.ca_file()).unwrap()),
        ..Default::default()
    }
}

#[test]
fn mailboxes_are_checked_at_entry_and_their_passwords_kept_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    let good = MailboxSettings {
        name: "assistenza".into(),
        host: "imap.negozio.it".into(),
        user: "assistenza@negozio.it".into(),
        ..Default::default()
    };
    for (bad, field) in [
        (
            MailboxSettings {
                name: "Assistenza Clienti".into(),
                ..good.clone()
            },
            "name",
        ),
        (
            MailboxSettings {
                name: "../x".into(),
                ..good.clone()
            },
            "name",
        ),
        (
            MailboxSettings {
                host: " ".into(),
                ..good.clone()
            },
            "host",
        ),
        (
            MailboxSettings {
                host: "imap.x/y".into(),
                ..good.clone()
            },
            "host",
        ),
        (
            MailboxSettings {
                user: "".into(),
                ..good.clone()
            },
            "user",
        ),
        (
            MailboxSettings {
                port: Some(0),
                ..good.clone()
            },
            "port",
        ),
        (
            MailboxSettings {
                extra_ca_pem: Some("not a pem".into()),
                ..good.clone()
            },
            "extra_ca_pem",
        ),
    ] {
        let e = intake::set_mailbox(&mut s, &bad, Some("x")).unwrap_err();
        assert_eq!(e.field(), Some(field), "{bad:?}");
    }
    assert!(
        intake::inbox(&s).unwrap().mailboxes.is_empty(),
        "nothing half-written"
    );
    assert!(!intake::collects_here(&s).unwrap());

    let view = intake::set_mailbox(&mut s, &good, Some("segreta")).unwrap();
    assert_eq!(view.mailboxes.len(), 1);
    assert!(view.mailboxes[0].has_password);
    assert!(!view.managed_by_hub);
    assert!(intake::collects_here(&s).unwrap());
    // Kept like the SMTP password: the keyring where one answers, else an owner-only file.
    let secret = dir.path().join("negozio.db.intake-secret");
    match view.password_store {
        Some(SecretStore::File) => {
            assert!(std::fs::read_to_string(&secret)
                .unwrap()
                .contains("segreta"));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&secret).unwrap().permissions().mode();
                assert_eq!(mode & 0o077, 0, "owner-only");
            }
        }
        Some(SecretStore::Keyring) => assert!(!secret.exists()),
        None => panic!("a password was saved"),
    }
    // Never in the database (nor, so, in backups or sync).
    let in_db: i64 = s
        .conn()
        .query_row(
            "SELECT count(*) FROM local_state WHERE value LIKE '%segreta%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_db, 0);
    // Saved again without a password: the kept one stays; "" forgets it.
    let view = intake::set_mailbox(
        &mut s,
        &MailboxSettings {
            folder: Some("Supporto".into()),
            ..good.clone()
        },
        None,
    )
    .unwrap();
    assert!(view.mailboxes[0].has_password);
    assert_eq!(
        view.mailboxes[0].settings.folder.as_deref(),
        Some("Supporto")
    );
    let view = intake::set_mailbox(&mut s, &good, Some("")).unwrap();
    assert!(!view.mailboxes[0].has_password);
    assert_eq!(
        view.password_store, None,
        "the last password gone, nothing kept"
    );
    assert!(!secret.exists());
    let e = intake::test_mailbox(&s, "assistenza").unwrap_err();
    assert_eq!(e.code(), Code::MailNotConfigured);

    // Enrolled (a hub address and a token): the hub collects, this device never does.
    s.conn()
        .execute(
            "INSERT INTO local_state (key, value) VALUES (?1, 'https://hub.negozio.it:8443')",
            [keys::HUB_URL],
        )
        .unwrap();
    std::fs::write(
        credential::path_for(&dir.path().join("negozio.db")),
        "token",
    )
    .unwrap();
    assert!(intake::inbox(&s).unwrap().managed_by_hub);
    assert!(!intake::collects_here(&s).unwrap());
    assert!(intake::collect_here(&mut s).unwrap().is_empty());

    let view = intake::remove_mailbox(&mut s, "assistenza").unwrap();
    assert!(view.mailboxes.is_empty());
    assert_eq!(
        intake::remove_mailbox(&mut s, "assistenza")
            .unwrap_err()
            .code(),
        Code::NotFound
    );
}

#[test]
fn a_round_turns_the_mailbox_into_tickets_and_keeps_its_last_poll_and_error() {
    let server = TestImap::start();
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    let c = client(&mut s, "Ottica Ferri");
    contacts::create(
        &mut s,
        c.id,
        &ContactInput {
            name: "Anna Ferri".into(),
            email: Some("anna@ferri.it".into()),
            authorised: true,
            ..Default::default()
        },
    )
    .unwrap();
    intake::set_mailbox(&mut s, &settings(&server), Some(PASSWORD)).unwrap();
    let check = intake::test_mailbox(&s, "assistenza").unwrap();
    assert_eq!(check.messages, 0);
    assert!(check.idle);

    server.append_at(
        &[
            b"From: anna@ferri.it\r\nSubject: URGENTE server\r\nMessage-ID: <d1@ferri.it>\r\n\r\nFermi.\r\n",
            b"From: luca@nuovo.it\r\nSubject: Preventivo\r\nMessage-ID: <d2@nuovo.it>\r\n\r\nSalve.\r\n",
        ],
        Some("16-Nov-2026 08:41:00 +0000"),
    );
    let rounds = intake::collect_here(&mut s).unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(
        (rounds[0].fetched, rounds[0].ticketed, rounds[0].triage),
        (2, 1, 1)
    );
    assert_eq!(rounds[0].error_code, None);
    let (reported, urgent, category): (String, bool, Option<String>) = s
        .conn()
        .query_row(
            "SELECT reported_at, urgent, category FROM tickets",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(reported, "2026-11-16T08:41:00Z", "the arrival");
    assert!(urgent);
    assert_eq!(category.as_deref(), Some("Assistenza"));
    let view = intake::inbox(&s).unwrap();
    assert!(view.mailboxes[0].last_poll.is_some());
    assert_eq!(view.mailboxes[0].last_fetched, Some(2));
    assert_eq!(view.mailboxes[0].last_error_code, None);

    // A wrong password: the round keeps the error, and the next good one clears it.
    intake::set_mailbox(&mut s, &settings(&server), Some("sbagliata")).unwrap();
    let rounds = intake::collect_here(&mut s).unwrap();
    assert_eq!(rounds[0].error_code.as_deref(), Some("MAIL_AUTH_FAILED"));
    let view = intake::inbox(&s).unwrap();
    assert_eq!(
        view.mailboxes[0].last_error_code.as_deref(),
        Some("MAIL_AUTH_FAILED")
    );
    assert_eq!(
        intake::test_mailbox(&s, "assistenza").unwrap_err().code(),
        Code::MailAuthFailed
    );
    intake::set_mailbox(&mut s, &settings(&server), Some(PASSWORD)).unwrap();
    intake::collect_here(&mut s).unwrap();
    assert_eq!(
        intake::inbox(&s).unwrap().mailboxes[0].last_error_code,
        None
    );
    assert_eq!(count(&s, "incoming_requests"), 2, "nothing taken twice");
}

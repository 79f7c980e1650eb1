//! The IMAP collector against a real Dovecot (Debian's dovecot-imapd, started here on a loopback
//! port with TLS): mails put in the test mailbox with IMAP APPEND become tickets, customer
//! messages, requests to triage or nothing, each mail flagged once taken; a crash between the
//! ticket and the flag leaves no duplicate; IDLE wakes the collector for new mail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use rapportino_core::contacts::{self, ContactInput};
use rapportino_core::intake::{self, Rules, StoreSink};
use rapportino_core::outbox::{self, MailSettings};
use rapportino_core::tickets;
use rapportino_core::Store;
use rapportino_intake::imap::{self, Recorded, Sink};
use rapportino_intake::testing::TestImap;
use rapportino_intake::{IncomingRequest, IntakeError};
use rapportino_model::vocab::RequestStatus;

fn mail(from: &str, subject: &str, id: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: assistenza@negozio.it\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         Date: Mon, 16 Nov 2026 09:30:00 +0100\r\n{extra}\
         Content-Type: text/plain; charset=UTF-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn shop(s: &mut Store) {
    outbox::set_settings(
        s,
        &MailSettings {
            enabled: true,
            ..Default::default()
        },
    )
    .unwrap();
    let c = client(s, "Ottica Ferri");
    contacts::create(
        s,
        c.id,
        &ContactInput {
            name: "Anna Ferri".into(),
            email: Some("anna@ferri.it".into()),
            authorised: true,
            ..Default::default()
        },
    )
    .unwrap();
}

fn collect(server: &TestImap, s: &mut Store) -> imap::RoundReport {
    let mut sink = StoreSink {
        store: s,
        rules: Rules::default(),
    };
    imap::collect_once_blocking(&server.mailbox("assistenza"), &mut sink).unwrap()
}

#[test]
fn the_mailbox_becomes_tickets_messages_and_triage_each_flagged_once() {
    let server = TestImap::start();
    let (mut s, _) = store();
    shop(&mut s);
    server.append(&[&mail(
        "anna@ferri.it",
        "Stampante",
        "first@ferri.it",
        "",
        "Non stampa.",
    )]);
    let first = collect(&server, &mut s);
    assert_eq!((first.fetched, first.ticketed), (1, 1));
    assert!(first.idle, "Dovecot offers IDLE");
    let number: String = s
        .conn()
        .query_row("SELECT number FROM tickets", [], |r| r.get(0))
        .unwrap();

    let attachment =
        b"From: anna@ferri.it\r\nSubject: Log allegato\r\nMessage-ID: <att@ferri.it>\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
        Content-Type: text/plain\r\n\r\nEcco il log.\r\n--b\r\n\
        Content-Type: application/octet-stream; name=\"errori.log\"\r\n\
        Content-Transfer-Encoding: base64\r\n\
        Content-Disposition: attachment; filename=\"errori.log\"\r\n\r\nRVJST1JFIDQy\r\n--b--\r\n";
    server.append_at(
        &[
            &mail(
                "Luca Neri <luca@nuovo.it>",
                "Preventivo",
                "unknown@nuovo.it",
                "",
                "Vorrei un preventivo.",
            ),
            &mail(
                "anna@ferri.it",
                "urgente: server fermo",
                "urgent@ferri.it",
                "",
                "Nessuno lavora.",
            ),
            &mail(
                "anna@ferri.it",
                &format!("Re: [{number}] Stampante"),
                "reply@ferri.it",
                "",
                "Ora fa anche rumore.\n> Non stampa.",
            ),
            &mail(
                "anna@ferri.it",
                "Fuori ufficio",
                "ooo@ferri.it",
                "Auto-Submitted: auto-replied\r\n",
                "Torno lunedì.",
            ),
            attachment,
        ],
        Some("16-Nov-2026 08:41:00 +0000"),
    );
    let round = collect(&server, &mut s);
    assert_eq!(round.fetched, 5, "{round:?}");
    assert_eq!(
        round.ticketed, 2,
        "the urgent one and the attachment: {round:?}"
    );
    assert_eq!(round.appended, 1, "{round:?}");
    assert_eq!(round.triage, 1, "{round:?}");
    assert_eq!(round.ignored, 1, "{round:?}");
    assert_eq!(server.counts(), (0, 6), "everything flagged \\Seen");

    let urgent: (bool, String) = s
        .conn()
        .query_row(
            "SELECT urgent, reported_at FROM tickets WHERE title = 'urgente: server fermo'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(urgent.0);
    // The reported time is the mailbox's arrival time (INTERNALDATE), not the Date header.
    assert_eq!(urgent.1, "2026-11-16T08:41:00Z");
    let ticket = tickets::get_by_number(&s, &number).unwrap();
    let history = intake::ticket_messages(&s, ticket.id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].body, "Ora fa anche rumore.");
    let waiting = intake::list(&s, Some(RequestStatus::New)).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].sender_email.as_deref(), Some("luca@nuovo.it"));
    let listed: (String, i64) = s
        .conn()
        .query_row("SELECT name, size FROM incoming_attachments", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(listed, ("errori.log".to_owned(), 9));
    assert_eq!(count(&s, "tickets"), 3);

    // Nothing unseen: a further round does nothing.
    assert_eq!(collect(&server, &mut s).fetched, 0);
}

/// Records like the real sink, then "crashes" before the collector can flag the mail.
struct CrashAfterRecord<'s>(StoreSink<'s>);

impl Sink for CrashAfterRecord<'_> {
    fn take(&mut self, request: &IncomingRequest) -> Result<Recorded, IntakeError> {
        self.0.take(request)?;
        Err(IntakeError::Record("the process died here".into()))
    }
}

#[test]
fn a_crash_between_the_ticket_and_the_flag_leaves_no_duplicate() {
    let server = TestImap::start();
    let (mut s, _) = store();
    shop(&mut s);
    server.append(&[&mail(
        "anna@ferri.it",
        "Rete lenta",
        "crash@ferri.it",
        "",
        "Da ieri.",
    )]);
    let mut crashing = CrashAfterRecord(StoreSink {
        store: &mut s,
        rules: Rules::default(),
    });
    let err = imap::collect_once_blocking(&server.mailbox("assistenza"), &mut crashing)
        .expect_err("the round stops at the crash");
    assert_eq!(err.code(), "INTAKE_RECORD");
    assert_eq!(count(&s, "tickets"), 1, "the ticket was committed");
    assert_eq!(server.counts().0, 1, "the mail is still unseen");
    // The restart: the mail comes again, its key is known, it is only flagged now.
    let round = collect(&server, &mut s);
    assert_eq!((round.fetched, round.duplicates), (1, 1));
    assert_eq!(count(&s, "tickets"), 1, "no duplicate");
    assert_eq!(count(&s, "incoming_requests"), 1);
    assert_eq!(server.counts().0, 0);
}

#[test]
fn idle_wakes_the_collector_for_new_mail() {
    let server = TestImap::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    {
        let mut s = Store::open(&path).unwrap();
        onboard(&mut s, "MR");
        shop(&mut s);
    }
    let mut cfg = server.mailbox("assistenza");
    cfg.poll_secs = 120; // only IDLE can bring the mail in within the test's wait
    let stop = Arc::new(AtomicBool::new(false));
    let worker = {
        let stop = stop.clone();
        let path = path.clone();
        std::thread::spawn(move || {
            let mut s = Store::open(&path).unwrap();
            let mut sink = StoreSink {
                store: &mut s,
                rules: Rules::default(),
            };
            let mut rounds = Vec::new();
            imap::run_blocking(&cfg, &mut sink, &|| stop.load(Ordering::SeqCst), &mut |r| {
                rounds.push(r.map(|r| r.fetched).map_err(|e| e.to_string()))
            })
            .unwrap();
            rounds
        })
    };
    std::thread::sleep(Duration::from_secs(1)); // the first (empty) round, then IDLE
    server.append(&[&mail(
        "anna@ferri.it",
        "Wi-Fi",
        "idle@ferri.it",
        "",
        "Non va.",
    )]);
    let reader = Store::open(&path).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while count(&reader, "tickets") == 0 {
        assert!(Instant::now() < deadline, "IDLE did not bring the mail in");
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::SeqCst);
    let rounds = worker.join().unwrap();
    assert!(rounds.iter().all(|r| r.is_ok()), "{rounds:?}");
    assert_eq!(
        rounds.iter().filter_map(|r| r.as_ref().ok()).sum::<usize>(),
        1
    );
}

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

/// Records like the real sink (the whole fetched batch, committed in one transaction), then
/// "crashes" before the collector can flag any of it.
struct CrashAfterRecord<'s>(StoreSink<'s>);

impl Sink for CrashAfterRecord<'_> {
    fn take(&mut self, request: &IncomingRequest) -> Result<Recorded, IntakeError> {
        self.0.take(request)?;
        Err(IntakeError::Record("the process died here".into()))
    }

    fn take_batch(
        &mut self,
        requests: &[(u32, IncomingRequest)],
    ) -> (Vec<(u32, Recorded)>, Option<IntakeError>) {
        let (done, failure) = self.0.take_batch(requests);
        assert!(failure.is_none() && done.len() == requests.len());
        (
            Vec::new(),
            Some(IntakeError::Record("the process died here".into())),
        )
    }
}

#[test]
fn a_crash_between_the_ticket_and_the_flag_leaves_no_duplicate() {
    let server = TestImap::start();
    let (mut s, _) = store();
    shop(&mut s);
    server.append(&[
        &mail(
            "anna@ferri.it",
            "Rete lenta",
            "crash@ferri.it",
            "",
            "Da ieri.",
        ),
        &mail(
            "anna@ferri.it",
            "Stampante",
            "crash2@ferri.it",
            "",
            "Inceppata.",
        ),
        &mail(
            "chi@altrove.it",
            "Preventivo",
            "crash3@altrove.it",
            "",
            "Quanto costa?",
        ),
    ]);
    let mut crashing = CrashAfterRecord(StoreSink {
        store: &mut s,
        rules: Rules::default(),
    });
    let err = imap::collect_once_blocking(&server.mailbox("assistenza"), &mut crashing)
        .expect_err("the round stops at the crash");
    assert_eq!(err.code(), "INTAKE_RECORD");
    assert_eq!(count(&s, "tickets"), 2, "the batch was committed");
    assert_eq!(server.counts().0, 3, "the mails are still unseen");
    // The restart: the mails come again, their keys are known, they are only flagged now.
    let round = collect(&server, &mut s);
    assert_eq!((round.fetched, round.duplicates), (3, 3));
    assert_eq!(count(&s, "tickets"), 2, "no duplicate");
    assert_eq!(count(&s, "incoming_requests"), 3);
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

#[test]
fn a_mail_over_the_size_cap_is_not_fetched_its_header_becomes_the_ticket() {
    let server = TestImap::start();
    let (mut s, _) = store();
    shop(&mut s);
    let attachment = "QUJD".repeat(20_000); // 80 KB of base64
    let big = mail(
        "anna@ferri.it",
        "URGENTE: log del server",
        "big@ferri.it",
        "MIME-Version: 1.0\r\n",
        "",
    );
    let big = String::from_utf8(big).unwrap().replace(
        "Content-Type: text/plain; charset=UTF-8\r\n\r\n",
        &format!(
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
                 Content-Type: text/plain\r\n\r\nIn allegato il log.\r\n--b\r\n\
                 Content-Type: application/octet-stream; name=\"server.log\"\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--b--\r\n"
        ),
    );
    server.append(&[
        big.as_bytes(),
        &mail(
            "anna@ferri.it",
            "Piccola",
            "small@ferri.it",
            "",
            "Due righe.",
        ),
    ]);
    let mut cfg = server.mailbox("assistenza");
    cfg.message_max = 50_000;
    let mut sink = StoreSink {
        store: &mut s,
        rules: Rules::default(),
    };
    let round = imap::collect_once_blocking(&cfg, &mut sink).unwrap();
    assert_eq!((round.fetched, round.ticketed), (2, 2), "{round:?}");
    assert_eq!(server.counts().0, 0, "both flagged");
    // The big one: a ticket from its header (sender, subject, urgent), saying it is too large;
    // its body never fetched, so no attachment is listed.
    let (description, urgent): (String, bool) = s
        .conn()
        .query_row(
            "SELECT description, urgent FROM tickets WHERE title LIKE '%log del server%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        description.starts_with("Messaggio troppo grande: 0,1 MB (limite 0,0 MB)"),
        "{description}"
    );
    assert!(urgent);
    assert_eq!(count(&s, "incoming_attachments"), 0);
    // The small one, as usual.
    let small: String = s
        .conn()
        .query_row(
            "SELECT description FROM tickets WHERE title = 'Piccola'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(small, "Due righe.");
}

#[test]
fn watching_follows_every_configured_mailbox() {
    let (support, telecoms) = (TestImap::start(), TestImap::start());
    let (mut s, _) = store();
    shop(&mut s);
    let mut second = telecoms.mailbox("telefonia");
    second.category = Some("telefonia".into());
    let config = imap::IntakeConfig {
        mailboxes: vec![support.mailbox("assistenza"), second],
        rules: Rules::default(),
    };
    support.append(&[&mail(
        "anna@ferri.it",
        "PC lento",
        "a@ferri.it",
        "",
        "Lento.",
    )]);
    telecoms.append(&[&mail(
        "anna@ferri.it",
        "Centralino",
        "b@ferri.it",
        "",
        "Muto.",
    )]);
    let seen = std::sync::Mutex::new(Vec::new());
    let started = Instant::now();
    let stop = || {
        let seen = seen.lock().unwrap();
        seen.len() >= 2 || started.elapsed() > Duration::from_secs(30)
    };
    intake::watch(&mut s, &config, &stop, &|r| {
        if let Ok(r) = r {
            if r.fetched > 0 {
                seen.lock().unwrap().push(r.mailbox);
            }
        }
    })
    .unwrap();
    let mut seen = seen.into_inner().unwrap();
    seen.sort();
    assert_eq!(seen, ["assistenza", "telefonia"]);
    assert_eq!(count(&s, "tickets"), 2);
    let category: Option<String> = s
        .conn()
        .query_row(
            "SELECT category FROM tickets WHERE title = 'Centralino'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(category.as_deref(), Some("telefonia"));
    assert_eq!((support.counts().0, telecoms.counts().0), (0, 0));
}

/// The real sink, stopping at its `fails_at`-th batch (nothing of that batch recorded), and
/// counting the mails of the batches it was given.
struct FailsAtBatch<'s> {
    sink: StoreSink<'s>,
    fails_at: usize,
    batches: Vec<usize>,
}

impl Sink for FailsAtBatch<'_> {
    fn take(&mut self, request: &IncomingRequest) -> Result<Recorded, IntakeError> {
        self.sink.take(request)
    }

    fn take_batch(
        &mut self,
        requests: &[(u32, IncomingRequest)],
    ) -> (Vec<(u32, Recorded)>, Option<IntakeError>) {
        self.batches.push(requests.len());
        if self.batches.len() == self.fails_at {
            return (Vec::new(), Some(IntakeError::Record("disk full".into())));
        }
        self.sink.take_batch(requests)
    }
}

#[test]
fn batches_of_500_pipelined_and_a_failure_mid_way_flags_only_what_was_recorded() {
    let server = TestImap::start();
    let (mut s, _) = store();
    shop(&mut s);
    let mails: Vec<Vec<u8>> = (0..620)
        .map(|i| {
            mail(
                "anna@ferri.it",
                &format!("Guasto {i}"),
                &format!("batch-{i}@ferri.it"),
                "",
                "Non parte.",
            )
        })
        .collect();
    let refs: Vec<&[u8]> = mails.iter().map(Vec::as_slice).collect();
    server.append(&refs);
    let cfg = server.mailbox("assistenza");
    // One sender for all of them: past the default rate limit.
    let rules = Rules {
        rate_limit: 1_000,
        ..Rules::default()
    };

    // The first batch fails: the second was already fetched (the pipeline), nothing is flagged.
    let mut failing = FailsAtBatch {
        sink: StoreSink {
            store: &mut s,
            rules: rules.clone(),
        },
        fails_at: 1,
        batches: Vec::new(),
    };
    let err = imap::collect_once_blocking(&cfg, &mut failing).expect_err("the sink failed");
    assert_eq!(err.code(), "INTAKE_RECORD");
    assert_eq!(failing.batches, [500]);
    assert_eq!(server.counts().0, 620, "nothing flagged");
    assert_eq!(count(&s, "incoming_requests"), 0);

    // The second batch fails after the first was recorded: exactly the first 500 are flagged,
    // each with its ticket.
    let mut failing = FailsAtBatch {
        sink: StoreSink {
            store: &mut s,
            rules: rules.clone(),
        },
        fails_at: 2,
        batches: Vec::new(),
    };
    imap::collect_once_blocking(&cfg, &mut failing).expect_err("the sink failed");
    assert_eq!(failing.batches, [500, 120]);
    assert_eq!(
        server.counts().0,
        120,
        "the first batch flagged, not the second"
    );
    assert_eq!(count(&s, "incoming_requests"), 500);
    assert_eq!(count(&s, "tickets"), 500);
    let first_500: i64 = s
        .conn()
        .query_row(
            "SELECT count(*) FROM incoming_requests r JOIN tickets t ON t.id = r.ticket_id
             WHERE CAST(substr(r.subject, 8) AS INTEGER) < 500",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first_500, 500, "the recorded ones are the first batch's");

    // The next round takes the rest, once.
    let mut sink = StoreSink {
        store: &mut s,
        rules,
    };
    let round = imap::collect_once_blocking(&cfg, &mut sink).unwrap();
    assert_eq!(
        (round.fetched, round.ticketed, round.duplicates),
        (120, 120, 0)
    );
    assert_eq!(count(&s, "tickets"), 620);
    assert_eq!(server.counts().0, 0);
}

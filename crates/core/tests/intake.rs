//! The intake on a device working alone: mails become tickets (with the acknowledgement
//! queued), customer messages on their ticket, requests to triage or nothing — each recorded
//! once, through the write path, in the transaction of what it caused.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use rapportino_core::contacts::{self, ContactInput};
use rapportino_core::intake::{self, Assignment, Envelope, Rules};
use rapportino_core::outbox::{self, MailSettings, MessageFilter, MessageKind};
use rapportino_core::tickets::{self, TicketStatus, TransitionInput};
use rapportino_core::{Code, Store};
use rapportino_intake::from_mime;
use rapportino_model::vocab::{Origin, RequestStatus};

fn arrival() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 8, 55, 0).unwrap()
}

fn envelope(uid: u32) -> Envelope {
    Envelope {
        source: "assistenza".into(),
        received_at: arrival(),
        fallback_key: Envelope::imap_key("INBOX", 1, uid),
        category: Some("Assistenza".into()),
        service: None,
        kept_max: 1 << 20,
    }
}

fn mail(from: &str, subject: &str, id: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: assistenza@negozio.it\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn take(s: &mut Store, raw: &[u8]) -> intake::Taken {
    intake::take(s, &from_mime(raw, &envelope(1)), &Rules::default()).unwrap()
}

fn shop(s: &mut Store) -> rapportino_core::clients::Client {
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
    c
}

#[test]
fn an_authorised_contacts_mail_becomes_a_ticket_once_with_its_acknowledgement() {
    let (mut s, _) = store();
    let c = shop(&mut s);
    let raw = mail(
        "Anna Ferri <Anna@Ferri.it>",
        "URGENTE: il server non risponde",
        "m1@ferri.it",
        "Da stamattina nessuno riesce a lavorare.",
    );
    let taken = take(&mut s, &raw);
    assert_eq!(taken.status, Some(RequestStatus::Ticketed));
    assert!(taken.urgent);
    let t = tickets::get(&s, taken.ticket_id.unwrap()).unwrap();
    assert_eq!(t.client_id, c.id);
    assert_eq!(t.origin, Origin::Email);
    assert!(t.urgent);
    assert_eq!(
        t.reported_at, "2026-11-16T08:55:00Z",
        "the arrival, not the processing"
    );
    assert_eq!(t.title, "URGENTE: il server non risponde");
    assert_eq!(
        t.description.as_deref(),
        Some("Da stamattina nessuno riesce a lavorare.")
    );
    assert!(t.contact_id.is_some());
    assert_eq!(taken.ticket_number.as_deref(), Some(t.number.as_str()));
    let acks = outbox::list(
        &s,
        &MessageFilter {
            ticket_id: Some(t.id),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].kind, MessageKind::TicketOpened);
    assert!(acks[0].subject.contains(&t.number), "{}", acks[0].subject);
    // The same mail again (another run, another mailbox, after a crash before flagging).
    let again = take(&mut s, &raw);
    assert_eq!(again.request_id, None);
    assert_eq!(count(&s, "tickets"), 1);
    assert_eq!(count(&s, "incoming_requests"), 1);
    // Everything written is in the change log (it syncs).
    let logged: i64 = s
        .conn()
        .query_row(
            "SELECT count(*) FROM change_log WHERE entity = 'incoming_request'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1);
}

#[test]
fn a_reply_joins_its_ticket_and_reopens_it_when_resolved() {
    let (mut s, _) = store();
    shop(&mut s);
    let first = take(
        &mut s,
        &mail("anna@ferri.it", "Stampante", "m1@ferri.it", "Non stampa."),
    );
    let ticket = first.ticket_id.unwrap();
    for to in [
        TicketStatus::Taken,
        TicketStatus::InProgress,
        TicketStatus::Resolved,
    ] {
        tickets::transition(&mut s, ticket, &TransitionInput::to(to)).unwrap();
    }
    let number = first.ticket_number.unwrap();
    let reply = take(
        &mut s,
        &mail(
            "anna@ferri.it",
            &format!("Re: [{number}] Stampante"),
            "m2@ferri.it",
            "Ha smesso di nuovo.\n\nIl giorno lun ha scritto:\n> risolto",
        ),
    );
    assert_eq!(reply.status, Some(RequestStatus::Appended));
    assert_eq!(reply.ticket_id, Some(ticket));
    let history = intake::ticket_messages(&s, ticket).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].body, "Ha smesso di nuovo.");
    assert_eq!(history[0].from_email, "anna@ferri.it");
    assert_eq!(history[0].request_id, reply.request_id);
    assert_eq!(
        tickets::get(&s, ticket).unwrap().status,
        TicketStatus::InProgress
    );
    assert_eq!(count(&s, "tickets"), 1, "a reply is never a new ticket");
}

#[test]
fn an_unknown_sender_waits_to_be_assigned_or_rejected() {
    let (mut s, _) = store();
    let c = shop(&mut s);
    let first = take(
        &mut s,
        &mail(
            "Luca Neri <luca@nuovo.it>",
            "Preventivo",
            "u1@nuovo.it",
            "Vorrei un preventivo.",
        ),
    );
    assert_eq!(first.status, Some(RequestStatus::New));
    assert_eq!(first.reason.as_deref(), Some("unknown_sender"));
    assert_eq!(count(&s, "tickets"), 0);
    let spam = take(
        &mut s,
        &mail("x@spam.example", "Offerta", "s1@spam.example", "Compra"),
    );
    let waiting = intake::list(&s, Some(RequestStatus::New)).unwrap();
    assert_eq!(waiting.len(), 2);

    let id = first.request_id.unwrap();
    let assigned = intake::assign(
        &mut s,
        &id,
        &Assignment {
            client_id: c.id,
            add_contact: true,
            contact_name: None,
        },
    )
    .unwrap();
    assert_eq!(assigned.status, RequestStatus::Assigned);
    let t = tickets::get(&s, assigned.ticket_id.unwrap()).unwrap();
    assert_eq!(t.reported_at, "2026-11-16T08:55:00Z");
    assert_eq!(t.origin, Origin::Email);
    let added = contacts::list_for_client(&s, c.id).unwrap();
    assert!(added
        .iter()
        .any(|k| k.email.as_deref() == Some("luca@nuovo.it")
            && k.authorised
            && k.name == "Luca Neri"));
    // Triaged once: a second assignment is refused, and nothing changes.
    let err = intake::assign(
        &mut s,
        &id,
        &Assignment {
            client_id: c.id,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::Inconsistent);
    assert_eq!(count(&s, "tickets"), 1);
    // Now a known contact: the next mail becomes a ticket by itself.
    let next = take(
        &mut s,
        &mail("luca@nuovo.it", "Altro", "u2@nuovo.it", "Secondo."),
    );
    assert_eq!(next.status, Some(RequestStatus::Ticketed));

    let declined = |s: &Store| {
        outbox::list(s, &MessageFilter::default())
            .unwrap()
            .into_iter()
            .filter(|m| m.kind == MessageKind::RequestDeclined)
            .collect::<Vec<_>>()
    };
    assert!(declined(&s).is_empty());
    let rejected = intake::reject(&mut s, &spam.request_id.unwrap(), "Pubblicità").unwrap();
    assert_eq!(rejected.status, RequestStatus::Rejected);
    assert_eq!(rejected.reason.as_deref(), Some("Pubblicità"));
    assert!(intake::list(&s, Some(RequestStatus::New))
        .unwrap()
        .is_empty());
    // One polite reply to the one sender, no client, answering their mail, in Italian; the
    // office's reason stays inside.
    let replies = declined(&s);
    assert_eq!(replies.len(), 1);
    let r = &replies[0];
    assert_eq!(r.client_id, None);
    assert_eq!(r.recipients, ["x@spam.example"]);
    assert!(r.cc.is_empty());
    assert_eq!(r.in_reply_to.as_deref(), Some("<s1@spam.example>"));
    assert_eq!(r.subject, "Re: Offerta");
    assert!(r.body.starts_with("Gentile x@spam.example,"), "{}", r.body);
    assert!(
        r.body.contains("«Offerta» del 16/11/2026 09:55"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Pubblicità"));
    assert_eq!(r.status, outbox::MessageStatus::Queued);

    // A shop that does not send that kind sends nothing.
    let quiet = take(
        &mut s,
        &mail(
            "y@spam.example",
            "Altra offerta",
            "s2@spam.example",
            "Compra",
        ),
    );
    let mut settings = outbox::settings(s.conn()).unwrap();
    settings
        .kinds
        .retain(|k| *k != MessageKind::RequestDeclined);
    outbox::set_settings(&mut s, &settings).unwrap();
    intake::reject(&mut s, &quiet.request_id.unwrap(), "Pubblicità").unwrap();
    assert_eq!(declined(&s).len(), 1);
}

#[test]
fn auto_replies_are_recorded_and_ignored() {
    let (mut s, _) = store();
    shop(&mut s);
    let raw = b"From: anna@ferri.it\r\nSubject: Fuori ufficio\r\nMessage-ID: <ooo@ferri.it>\r\n\
        Auto-Submitted: auto-replied\r\n\r\nTorno lunedi.\r\n";
    let taken = take(&mut s, raw);
    assert_eq!(taken.status, Some(RequestStatus::Ignored));
    assert_eq!(taken.reason.as_deref(), Some("auto_submitted"));
    assert_eq!(count(&s, "tickets"), 0);
    assert_eq!(count(&s, "messages"), 0, "never answered");
}

#[test]
fn attachments_are_listed_and_their_content_kept_by_hash() {
    let (mut s, _) = store();
    shop(&mut s);
    let raw = b"From: anna@ferri.it\r\nSubject: Log\r\nMessage-ID: <att@ferri.it>\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
        Content-Type: text/plain\r\n\r\nIn allegato.\r\n--b\r\n\
        Content-Type: text/plain; name=\"errori.log\"\r\n\
        Content-Disposition: attachment; filename=\"errori.log\"\r\n\r\nERRORE 42\r\n--b--\r\n";
    let taken = take(&mut s, raw);
    let (name, size, sha, kept): (String, i64, String, bool) = s
        .conn()
        .query_row(
            "SELECT name, size, sha256, kept FROM incoming_attachments WHERE request_id = ?1",
            [taken.request_id.unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(name, "errori.log");
    assert!(kept);
    let content = intake::attachment_content(&s, &sha).unwrap().unwrap();
    assert_eq!(content.len() as i64, size);
    assert!(String::from_utf8_lossy(&content).contains("ERRORE 42"));
}

#[test]
fn an_arrival_ahead_of_the_clock_is_reported_now() {
    let (mut s, _) = store();
    shop(&mut s);
    let mut env = envelope(9);
    // The store's clock reads 09:00; the mail claims 11:00.
    env.received_at = Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap() + Duration::hours(2);
    let request = from_mime(
        &mail("anna@ferri.it", "Rete", "skew@ferri.it", "Lenta."),
        &env,
    );
    let taken = intake::take(&mut s, &request, &Rules::default()).unwrap();
    let t = tickets::get(&s, taken.ticket_id.unwrap()).unwrap();
    assert_eq!(t.reported_at, "2026-11-16T09:00:00Z");
}

#[test]
fn a_refused_ticket_in_a_batch_goes_to_triage_and_the_rest_of_the_batch_is_taken_once() {
    let (mut s, _) = store();
    shop(&mut s);
    let raw = |i: u32| {
        mail(
            "anna@ferri.it",
            &format!("Guasto {i}"),
            &format!("refused-{i}@ferri.it"),
            "Non parte.",
        )
    };
    let mut requests: Vec<_> = (1..=3).map(|i| from_mime(&raw(i), &envelope(i))).collect();
    // The ticket rules refuse the second one's category (longer than a category may be).
    requests[1].category = Some("c".repeat(500));
    let refs: Vec<_> = requests.iter().collect();
    let taken = intake::take_batch(&mut s, &refs, &Rules::default()).unwrap();

    let statuses: Vec<_> = taken.iter().map(|t| t.status).collect();
    assert_eq!(
        statuses,
        [
            Some(RequestStatus::Ticketed),
            Some(RequestStatus::New),
            Some(RequestStatus::Ticketed)
        ]
    );
    assert!(taken[1]
        .reason
        .as_deref()
        .is_some_and(|r| r.starts_with("ticket_refused: ")));
    assert_eq!(taken[1].ticket_id, None);
    // Nothing of the first attempt is left: two tickets numbered one after the other, three
    // requests, and a change-log entry for each row written.
    let numbers: Vec<String> = taken
        .iter()
        .filter_map(|t| t.ticket_number.clone())
        .collect();
    assert_eq!(numbers.len(), 2);
    assert!(
        numbers[0].ends_with("0001") && numbers[1].ends_with("0002"),
        "{numbers:?}"
    );
    let count =
        |s: &Store, sql: &str| -> i64 { s.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count(&s, "SELECT count(*) FROM tickets"), 2);
    assert_eq!(count(&s, "SELECT count(*) FROM incoming_requests"), 3);
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM change_log WHERE entity = 'ticket'"
        ),
        2
    );
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM change_log WHERE entity = 'incoming_request'"
        ),
        3
    );
    // Taken again, the batch is only found: nothing is recorded twice.
    let again = intake::take_batch(&mut s, &refs, &Rules::default()).unwrap();
    assert!(again.iter().all(|t| t.status.is_none()));
    assert_eq!(count(&s, "SELECT count(*) FROM incoming_requests"), 3);
}

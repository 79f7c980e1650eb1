//! What the app shows of the intake: a ticket's attachments (from the request that opened it
//! and from the replies), the "Da smistare" count, and which urgent requests get a desktop
//! notification — each once.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use rapportino_core::contacts::{self, ContactInput};
use rapportino_core::intake::{self, Envelope, Rules};
use rapportino_core::Store;
use rapportino_intake::from_mime;
use rapportino_model::vocab::RequestStatus;

fn envelope(at: chrono::DateTime<Utc>) -> Envelope {
    Envelope {
        source: "assistenza".into(),
        received_at: at,
        fallback_key: Envelope::imap_key("INBOX", 1, 1),
        category: None,
        service: None,
        kept_max: 1 << 20,
    }
}

fn arrival() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 8, 55, 0).unwrap()
}

fn mail(from: &str, subject: &str, id: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\nTesto.\r\n"
    )
    .into_bytes()
}

fn with_attachment(from: &str, subject: &str, id: &str, file: &str, text: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/plain\r\n\r\nIn allegato.\r\n--b\r\n\
         Content-Type: text/plain; name=\"{file}\"\r\n\
         Content-Disposition: attachment; filename=\"{file}\"\r\n\r\n{text}\r\n--b--\r\n"
    )
    .into_bytes()
}

fn take_at(s: &mut Store, raw: &[u8], at: chrono::DateTime<Utc>) -> intake::Taken {
    intake::take(s, &from_mime(raw, &envelope(at)), &Rules::default()).unwrap()
}

fn take(s: &mut Store, raw: &[u8]) -> intake::Taken {
    take_at(s, raw, arrival())
}

fn shop(s: &mut Store) {
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

#[test]
fn a_tickets_attachments_come_from_its_request_and_its_replies() {
    let (mut s, _) = store();
    shop(&mut s);
    let first = take(
        &mut s,
        &with_attachment(
            "anna@ferri.it",
            "Log",
            "a1@ferri.it",
            "errori.log",
            "ERRORE 42",
        ),
    );
    let ticket = first.ticket_id.unwrap();
    let number = first.ticket_number.unwrap();
    let reply = take(
        &mut s,
        &with_attachment(
            "anna@ferri.it",
            &format!("Re: [{number}] Log"),
            "a2@ferri.it",
            "schermata.txt",
            "ancora",
        ),
    );
    assert_eq!(reply.status, Some(RequestStatus::Appended));
    // Another ticket's attachment is not listed here.
    take(
        &mut s,
        &with_attachment("anna@ferri.it", "Altro", "a3@ferri.it", "altro.txt", "x"),
    );

    let listed = intake::ticket_attachments(&s, ticket).unwrap();
    let names: Vec<_> = listed.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["errori.log", "schermata.txt"]);
    assert!(listed.iter().all(|a| a.kept && a.here));
    assert_eq!(listed[0].request_id, first.request_id.clone().unwrap());
    assert_eq!(listed[0].sha256.len(), 64);
    let content = intake::attachment_content(&s, &listed[0].sha256)
        .unwrap()
        .unwrap();
    assert_eq!(content.len() as i64, listed[0].size);
    assert_eq!(
        intake::request_attachments(&s, &first.request_id.unwrap()).unwrap(),
        listed[..1]
    );

    // Content this device does not hold (collected by the hub): listed, not here.
    s.conn()
        .execute(
            "DELETE FROM incoming_attachment_content WHERE sha256 = ?1",
            [&listed[1].sha256],
        )
        .unwrap();
    let listed = intake::ticket_attachments(&s, ticket).unwrap();
    assert!(listed[0].here);
    assert!(!listed[1].here, "kept at the hub");
}

#[test]
fn the_waiting_count_is_the_new_requests() {
    let (mut s, _) = store();
    shop(&mut s);
    assert_eq!(intake::waiting_count(&s).unwrap(), 0);
    let a = take(&mut s, &mail("luca@nuovo.it", "Preventivo", "u1@nuovo.it"));
    take(
        &mut s,
        &mail("x@spam.example", "Offerta", "s1@spam.example"),
    );
    take(&mut s, &mail("anna@ferri.it", "Stampante", "k1@ferri.it"));
    assert_eq!(intake::waiting_count(&s).unwrap(), 2);
    assert_eq!(intake::waiting(&s).unwrap().len(), 2);
    intake::reject(&mut s, &a.request_id.unwrap(), "Non è un cliente").unwrap();
    assert_eq!(intake::waiting_count(&s).unwrap(), 1);
}

#[test]
fn an_urgent_request_is_notified_once_and_nothing_else_is() {
    let (mut s, _) = store();
    shop(&mut s);
    // Before the first look: history, never announced.
    take(
        &mut s,
        &mail("anna@ferri.it", "URGENTE vecchia", "old@ferri.it"),
    );
    assert!(intake::take_urgent(&s).unwrap().is_empty(), "first look");

    let urgent = take(
        &mut s,
        &mail("anna@ferri.it", "urgente: server giù", "u1@ferri.it"),
    );
    take(&mut s, &mail("anna@ferri.it", "Stampante", "n1@ferri.it"));
    let stranger = take(
        &mut s,
        &mail("luca@nuovo.it", "URGENTE rete", "u2@nuovo.it"),
    );
    // An urgent auto-reply is ignored, so it is not news.
    let auto = b"From: anna@ferri.it\r\nSubject: URGENTE fuori ufficio\r\n\
        Message-ID: <ooo@ferri.it>\r\nAuto-Submitted: auto-replied\r\n\r\nTorno.\r\n";
    assert_eq!(take(&mut s, auto).status, Some(RequestStatus::Ignored));
    // Two days old (a device back after a while): not news either.
    take_at(
        &mut s,
        &mail("anna@ferri.it", "URGENTE stantia", "stale@ferri.it"),
        arrival() - Duration::hours(48),
    );

    let notices = intake::take_urgent(&s).unwrap();
    let ids: Vec<_> = notices.iter().map(|n| n.request_id.clone()).collect();
    assert_eq!(
        ids,
        [urgent.request_id.unwrap(), stranger.request_id.unwrap()]
    );
    assert_eq!(notices[0].status, RequestStatus::Ticketed);
    assert_eq!(notices[0].ticket_number, urgent.ticket_number);
    assert_eq!(notices[0].subject, "urgente: server giù");
    assert_eq!(notices[1].status, RequestStatus::New);
    assert_eq!(notices[1].ticket_id, None);
    assert!(intake::take_urgent(&s).unwrap().is_empty(), "once");

    // The mark is this device's own: it never enters the change log.
    let logged: i64 = s
        .conn()
        .query_row(
            "SELECT count(*) FROM change_log WHERE entity = 'local_state'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 0);
    let next = take(
        &mut s,
        &mail("anna@ferri.it", "URGENTE ancora", "u3@ferri.it"),
    );
    let notices = intake::take_urgent(&s).unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(Some(notices[0].request_id.clone()), next.request_id);
}

#[test]
fn an_attachment_is_saved_under_a_harmless_name_only_when_it_is_here() {
    assert_eq!(intake::safe_file_name("../../etc/passwd"), "passwd");
    assert_eq!(intake::safe_file_name("C:\\x\\a<b>.txt"), "a_b_.txt");
    assert_eq!(intake::safe_file_name(".."), "allegato");
    assert_eq!(
        intake::safe_file_name("\u{7}rapporto\n.pdf"),
        "rapporto.pdf"
    );
    assert_eq!(intake::safe_file_name(""), "allegato");

    let (mut s, _) = store();
    shop(&mut s);
    let t = take(
        &mut s,
        &with_attachment(
            "anna@ferri.it",
            "Log",
            "f1@ferri.it",
            "errori.log",
            "ERRORE 42",
        ),
    );
    let a = intake::ticket_attachments(&s, t.ticket_id.unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("errori.log");
    let n = intake::attachment_to_file(&s, &a[0].sha256, &path).unwrap();
    assert_eq!(n as i64, a[0].size);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("ERRORE 42"));
    let err = intake::attachment_to_file(&s, &"0".repeat(64), &dir.path().join("x")).unwrap_err();
    assert_eq!(err.code(), rapportino_core::Code::NotFound);
    assert!(!dir.path().join("x").exists(), "nothing written");
}

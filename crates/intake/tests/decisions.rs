//! The decision's rules beyond the corpus: once per key, the per-sender rate, our own messages,
//! replies to closed tickets, the reopen choice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{arrival, envelope, TestDirectory};
use rapportino_intake::{decide, from_mime, Decision, IgnoreReason, LoopSignal, Rules};
use rapportino_model::status::TicketStatus;
use rapportino_model::vocab::RequestStatus;

fn mail(headers: &str, body: &str) -> Vec<u8> {
    format!("{headers}\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{body}\r\n").into_bytes()
}

#[test]
fn a_request_is_decided_once_per_key() {
    let dir = TestDirectory::new();
    let raw = mail(
        "From: anna@cliente.it\r\nSubject: Stampante\r\nMessage-ID: <once@cliente.it>",
        "Non stampa.",
    );
    let request = from_mime(&raw, &envelope());
    let first = decide(&request, &dir, &Rules::default()).unwrap();
    assert_eq!(first.status(), Some(RequestStatus::Ticketed));
    dir.record(&request.idempotency_key, Some("anna@cliente.it"), arrival());
    // The same Message-ID fetched from another mailbox, or after a crash: nothing new.
    let mut other = envelope();
    other.source = "telefonia".into();
    other.fallback_key = "imap:telefonia/1/1".into();
    let again = from_mime(&raw, &other);
    assert_eq!(
        decide(&again, &dir, &Rules::default()).unwrap(),
        Decision::Duplicate
    );
}

#[test]
fn a_sender_over_the_rate_is_ignored() {
    let dir = TestDirectory::new();
    let rules = Rules {
        rate_limit: 3,
        ..Rules::default()
    };
    let mut outcomes = Vec::new();
    for i in 0..5 {
        let raw = mail(
            &format!("From: anna@cliente.it\r\nSubject: Richiesta {i}\r\nMessage-ID: <r{i}@c.it>"),
            "testo",
        );
        let request = from_mime(&raw, &envelope());
        let d = decide(&request, &dir, &rules).unwrap();
        dir.record(
            &request.idempotency_key,
            request.sender_email.as_deref(),
            arrival(),
        );
        outcomes.push(d.status().unwrap());
    }
    use RequestStatus::*;
    assert_eq!(outcomes, [Ticketed, Ticketed, Ticketed, Ignored, Ignored]);
    // An hour later the sender is welcome again.
    let mut later = envelope();
    later.received_at = arrival() + chrono::Duration::minutes(61);
    let raw = mail(
        "From: anna@cliente.it\r\nSubject: Dopo\r\nMessage-ID: <later@c.it>",
        "x",
    );
    let d = decide(&from_mime(&raw, &later), &dir, &rules).unwrap();
    assert_eq!(d.status(), Some(Ticketed));
}

#[test]
fn our_own_message_coming_back_is_ignored() {
    let raw = mail(
        "From: assistenza@negozio.it\r\nSubject: [T-2026-MR-0001] Ticket aperto\r\nMessage-ID: <0193a-opened@negozio.it>",
        "Abbiamo aperto il ticket.",
    );
    let d = decide(
        &from_mime(&raw, &envelope()),
        &TestDirectory::new(),
        &Rules::default(),
    )
    .unwrap();
    assert_eq!(
        d,
        Decision::Ignore {
            reason: IgnoreReason::Loop(LoopSignal::OurOwn)
        }
    );
}

#[test]
fn a_reply_to_a_closed_ticket_opens_a_new_one() {
    let raw = mail(
        "From: anna@cliente.it\r\nSubject: Re: [T-2026-MR-0003] Rete\r\nMessage-ID: <closed@c.it>",
        "Di nuovo lenta.",
    );
    let d = decide(
        &from_mime(&raw, &envelope()),
        &TestDirectory::new(),
        &Rules::default(),
    )
    .unwrap();
    assert!(
        matches!(&d, Decision::Open { client_id, .. } if client_id == "c-1"),
        "{d:?}"
    );
}

#[test]
fn reopening_a_resolved_ticket_is_the_shops_choice() {
    let raw = mail(
        "From: anna@cliente.it\r\nSubject: Re: [T-2026-MR-0002] Rete\r\nMessage-ID: <res@c.it>",
        "Ancora lenta.",
    );
    let request = from_mime(&raw, &envelope());
    let dir = TestDirectory::new();
    let reopen = decide(&request, &dir, &Rules::default()).unwrap();
    assert!(matches!(
        reopen,
        Decision::Append {
            move_to: Some(TicketStatus::InProgress),
            ..
        }
    ));
    let keep = Rules {
        reopen_resolved: false,
        ..Rules::default()
    };
    assert!(matches!(
        decide(&request, &dir, &keep).unwrap(),
        Decision::Append { move_to: None, .. }
    ));
}

/// On the web form an address is only typed: a ticket number in the subject does not let it
/// write into that client's ticket (the office sorts it), as a mail from the same address would.
#[test]
fn a_web_form_naming_a_ticket_waits_for_the_office() {
    let raw = mail(
        "From: anna@cliente.it\r\nSubject: Re: [T-2026-MR-0002] Rete\r\nMessage-ID: <wf@c.it>",
        "Chiudete pure.",
    );
    let mut request = from_mime(&raw, &envelope());
    let dir = TestDirectory::new();
    assert!(matches!(
        decide(&request, &dir, &Rules::default()).unwrap(),
        Decision::Append { .. }
    ));
    request.origin = rapportino_model::vocab::Origin::WebForm;
    assert!(matches!(
        decide(&request, &dir, &Rules::default()).unwrap(),
        Decision::Triage { .. }
    ));
}

#[test]
fn a_message_without_a_sender_waits_for_the_office() {
    let raw = mail("Subject: ???\r\nMessage-ID: <nosender@x>", "chi sono?");
    let d = decide(
        &from_mime(&raw, &envelope()),
        &TestDirectory::new(),
        &Rules::default(),
    )
    .unwrap();
    assert_eq!(d.reason().as_deref(), Some("no_sender"));
    assert_eq!(d.status(), Some(RequestStatus::New));
}

//! The outbox: customer messages written with the events that cause them, one sender each,
//! attempts recorded with the server's reply, nothing queued until the shop turns mail on.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Duration;
use common::*;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::contacts::{self, ContactInput};
use rapportino_core::interventions::{self, InterventionMode, InterventionPatch, Outcome};
use rapportino_core::labels::Locale;
use rapportino_core::outbox::templates::{self, Template};
use rapportino_core::outbox::{
    self, Attempt, ClientMailPrefs, MailSettings, MessageFilter, MessageKind, MessageStatus,
};
use rapportino_core::setup::{self, ShopProfile};
use rapportino_core::tickets::{self, TicketStatus, TransitionInput};
use rapportino_core::{Code, Store};

fn mail_on(s: &mut Store) {
    outbox::set_settings(
        s,
        &MailSettings {
            enabled: true,
            ..Default::default()
        },
    )
    .unwrap();
}

fn messages(s: &Store, ticket: rapportino_core::ids::TicketId) -> Vec<outbox::Message> {
    let mut m = outbox::list(
        s,
        &MessageFilter {
            ticket_id: Some(ticket),
            ..Default::default()
        },
    )
    .unwrap();
    m.reverse(); // oldest first
    m
}

fn take(s: &mut Store, t: rapportino_core::ids::TicketId, estimate: Option<&str>) {
    tickets::transition(
        s,
        t,
        &TransitionInput {
            estimated_resolution_at: estimate.map(Into::into),
            ..TransitionInput::to(TicketStatus::Taken)
        },
    )
    .unwrap();
}

#[test]
fn nothing_is_queued_until_the_shop_turns_mail_on() {
    let (mut s, _) = store();
    let c = client(&mut s, "Ottica Ferri");
    let t = ticket(&mut s, &c, "Stampante ferma");
    take(&mut s, t, None);
    assert!(messages(&s, t).is_empty());
    assert_eq!(count(&s, "messages"), 0);
}

#[test]
fn the_ticket_s_life_reaches_its_requester_threaded_by_number() {
    let (mut s, _) = store();
    let shop = setup::status(&s).unwrap().shop.unwrap_or_default();
    setup::update_shop(
        &mut s,
        &ShopProfile {
            email: Some("assistenza@rinaldi.it".into()),
            ..shop
        },
    )
    .unwrap();
    mail_on(&mut s);
    let c = clients::create(
        &mut s,
        &ClientInput {
            name: "Studio Bellè".into(),
            email: Some("segreteria@studiobelle.it".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let who = contacts::create(
        &mut s,
        c.id,
        &ContactInput {
            name: "Anna Bellè".into(),
            email: Some("anna@studiobelle.it".into()),
            authorised: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut input = new_ticket(&c, "Il NAS non risponde");
    input.contact_id = Some(who.id);
    let t = tickets::open(&mut s, &input).unwrap();

    let opened = messages(&s, t.id);
    assert_eq!(
        opened.len(),
        1,
        "one message with the ticket, same transaction"
    );
    let m = &opened[0];
    assert_eq!(m.kind, MessageKind::TicketOpened);
    assert_eq!(m.status, MessageStatus::Queued);
    assert_eq!(m.recipients, ["anna@studiobelle.it"], "the requester first");
    assert_eq!(m.sender, "MR", "a device working alone sends its own");
    assert_eq!(
        m.subject,
        format!("[{}] Richiesta ricevuta: Il NAS non risponde", t.number)
    );
    assert!(m.body.contains("Gentile Studio Bellè"), "{}", m.body);
    assert!(m.body.contains("Gravità: Disservizio") && m.body.contains("Canale: Telefono"));
    assert!(
        m.message_id.starts_with('<') && m.message_id.ends_with("@rinaldi.it>"),
        "{}",
        m.message_id
    );
    assert!(!m.attachments_ready || m.kind != MessageKind::ReportSigned);

    // Taken in charge with an estimate: a reply in the same thread.
    take(&mut s, t.id, Some("2026-11-17T16:00:00Z"));
    let both = messages(&s, t.id);
    assert_eq!(both.len(), 2);
    let taken = &both[1];
    assert_eq!(taken.kind, MessageKind::TicketTaken);
    assert_eq!(taken.in_reply_to.as_deref(), Some(m.message_id.as_str()));
    assert!(taken.body.contains("Marco Rinaldi"), "{}", taken.body);
    assert!(taken.body.contains("17/11/2026 17:00"), "{}", taken.body);

    // The client wants no "resolved" notices.
    outbox::set_client_prefs(
        &mut s,
        c.id,
        &ClientMailPrefs {
            off: vec![MessageKind::TicketResolved],
            ..Default::default()
        },
    )
    .unwrap();
    tickets::transition(&mut s, t.id, &TransitionInput::to(TicketStatus::InProgress)).unwrap();
    tickets::transition(&mut s, t.id, &TransitionInput::to(TicketStatus::Resolved)).unwrap();
    assert_eq!(messages(&s, t.id).len(), 2);
}

#[test]
fn starting_work_on_a_new_ticket_is_the_take_in_charge_and_an_outside_cause_is_told() {
    let (mut s, _) = store();
    mail_on(&mut s);
    let c = client(&mut s, "Ferramenta Galli"); // no e-mail, no requester
    let t = ticket(&mut s, &c, "Cassa ferma");
    let i = intervention(&mut s, t, InterventionMode::OnSite);
    interventions::start(&mut s, i.id).unwrap();
    let kinds: Vec<_> = messages(&s, t).iter().map(|m| (m.kind, m.status)).collect();
    assert_eq!(
        kinds,
        [
            (MessageKind::TicketOpened, MessageStatus::Held),
            (MessageKind::TicketTaken, MessageStatus::Held)
        ],
        "nobody to send to: held, not dropped"
    );
    interventions::update(
        &mut s,
        i.id,
        &InterventionPatch {
            outcome: Some(Outcome::OutOfContract),
            outcome_reason: Some("UPS del fornitore".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let last = messages(&s, t).pop().unwrap();
    assert_eq!(last.kind, MessageKind::OutOfContract);
    assert!(last.body.contains("UPS del fornitore"));
    // Held: "Rinvia" asks for an address first.
    let err = outbox::retry(&mut s, &last.id).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (Code::Required, Some("recipients"))
    );
}

#[test]
fn attempts_are_recorded_with_the_reply_and_backoff_then_given_up() {
    let (mut s, clock) = store();
    mail_on(&mut s);
    let c = clients::create(
        &mut s,
        &ClientInput {
            name: "Bar Sport".into(),
            email: Some("bar@sport.it".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let t = ticket(&mut s, &c, "POS offline");
    let m = messages(&s, t).remove(0);
    assert_eq!(outbox::due(&s, s.now()).unwrap().len(), 1);

    let d = outbox::record(
        &mut s,
        &m.id,
        &Attempt::Deferred {
            reply: "451 4.7.1 greylisted, try again".into(),
        },
    )
    .unwrap();
    assert_eq!(d.status, MessageStatus::Deferred);
    assert_eq!(d.attempts, 1);
    assert_eq!(
        d.message_id, m.message_id,
        "a retry carries the same Message-ID"
    );
    assert!(
        outbox::due(&s, s.now()).unwrap().is_empty(),
        "not before its time"
    );
    clock.advance(Duration::minutes(2));
    assert_eq!(outbox::due(&s, s.now()).unwrap().len(), 1);
    let sent = outbox::record(
        &mut s,
        &m.id,
        &Attempt::Sent {
            reply: "250 2.0.0 Ok: queued as 4F2A1".into(),
        },
    )
    .unwrap();
    assert_eq!(sent.status, MessageStatus::Sent);
    assert!(sent.sent_at.is_some());
    assert_eq!(
        outbox::retry(&mut s, &m.id).unwrap_err().code(),
        Code::IllegalTransition
    );

    // A 5xx is final; "Rinvia" queues it again.
    take(&mut s, t, None);
    let taken = messages(&s, t).pop().unwrap();
    let failed = outbox::record(
        &mut s,
        &taken.id,
        &Attempt::Failed {
            reply: "550 5.1.1 <bar@sport.it>: mailbox unavailable".into(),
        },
    )
    .unwrap();
    assert_eq!(failed.status, MessageStatus::Failed);
    assert!(failed.last_reply.unwrap().starts_with("550 5.1.1"));
    assert_eq!(
        outbox::retry(&mut s, &taken.id).unwrap().status,
        MessageStatus::Queued
    );

    // Temporary failures stop after MAX_ATTEMPTS.
    assert!(outbox::backoff(outbox::MAX_ATTEMPTS).is_none());
    assert_eq!(outbox::backoff(1), Some(Duration::minutes(1)));
    assert_eq!(outbox::backoff(7), Some(Duration::hours(4)));
}

#[test]
fn a_pdf_message_waits_for_its_attachment() {
    let (mut s, _clock) = store();
    mail_on(&mut s);
    let c = clients::create(
        &mut s,
        &ClientInput {
            name: "Farmacia Centrale".into(),
            email: Some("farmacia@centrale.it".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let m = outbox::queue_statement(&mut s, c.id, 2026, 11)
        .unwrap()
        .unwrap();
    assert_eq!(m.subject, "Rendiconto di novembre 2026 — Farmacia Centrale");
    assert!(!m.attachments_ready);
    assert!(outbox::due(&s, s.now()).unwrap().is_empty(), "no PDF yet");
    assert_eq!(outbox::awaiting_attachment(&s).unwrap().len(), 1);
    let pdf = b"%PDF-1.7 rendiconto".to_vec();
    let info = outbox::add_attachment(
        &mut s,
        &m.id,
        "Rendiconto-2026-11.pdf",
        "application/pdf",
        &pdf,
    )
    .unwrap();
    assert_eq!(info.size, pdf.len() as i64);
    let due = outbox::due(&s, s.now()).unwrap();
    assert_eq!(due.len(), 1);
    let stored = outbox::attachment_bytes(&s, &m.id).unwrap();
    assert_eq!(stored[0].1, pdf, "byte for byte");
    let huge = vec![0u8; outbox::MAX_ATTACHMENT_BYTES + 1];
    let err = outbox::add_attachment(&mut s, &m.id, "x.pdf", "application/pdf", &huge).unwrap_err();
    assert_eq!(err.code(), Code::OutOfRange);
}

#[test]
fn the_shop_s_own_wording_is_checked_and_used() {
    let (mut s, _) = store();
    mail_on(&mut s);
    let bad = Template {
        subject: "Richiesta {title}".into(),
        body: "Ciao".into(),
    };
    let err = templates::set(&mut s, MessageKind::TicketOpened, Locale::It, &bad).unwrap_err();
    assert_eq!(err.code(), Code::InvalidFormat);
    let mine = Template {
        subject: "[{ticket}] Ricevuto".into(),
        body: "Ciao {client}, ci pensa {technician}.".into(),
    };
    templates::set(&mut s, MessageKind::TicketOpened, Locale::It, &mine).unwrap();
    let c = clients::create(
        &mut s,
        &ClientInput {
            name: "Pizzeria Da Gino".into(),
            email: Some("gino@pizzeria.it".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let t = ticket(&mut s, &c, "Wi-Fi lento");
    let m = messages(&s, t).remove(0);
    assert!(m.subject.ends_with("] Ricevuto"));
    assert_eq!(m.body, "Ciao Pizzeria Da Gino, ci pensa Marco Rinaldi.");
    // English for a client who asked for it.
    outbox::set_client_prefs(
        &mut s,
        c.id,
        &ClientMailPrefs {
            language: Some(Locale::En),
            ..Default::default()
        },
    )
    .unwrap();
    let t2 = ticket(&mut s, &c, "Printer");
    let m2 = messages(&s, t2).remove(0);
    assert!(m2.subject.contains("Request received"), "{}", m2.subject);
    assert_eq!(m2.language, Locale::En);
}

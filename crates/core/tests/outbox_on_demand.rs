//! Messages asked for by hand: "Invia al cliente" on a signed report, "Invia a tutti" for a
//! month's statements; and the template preview of Settings › Posta.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Duration;
use common::*;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::ids::ReportId;
use rapportino_core::interventions::{self, InterventionMode, InterventionPatch};
use rapportino_core::labels::Locale;
use rapportino_core::outbox::templates::{self, Template};
use rapportino_core::outbox::{self, MailSettings, MessageFilter, MessageKind, MessageStatus};
use rapportino_core::reports::statement_mail::{self, StatementMailOutcome};
use rapportino_core::reports::{self, SignInput, Signature, Stroke, StrokePoint};
use rapportino_core::time::ManualClock;
use rapportino_core::{Code, Store};

fn mail(s: &mut Store, enabled: bool, kinds: &[MessageKind]) {
    outbox::set_settings(
        s,
        &MailSettings {
            enabled,
            kinds: kinds.to_vec(),
            ..Default::default()
        },
    )
    .unwrap();
}

fn signature(name: &str) -> Signature {
    Signature {
        signer_name: name.into(),
        width: 400.0,
        height: 150.0,
        strokes: vec![Stroke {
            points: (0..30)
                .map(|i| StrokePoint {
                    x: 10.0 + f64::from(i) * 12.0,
                    y: 70.0 + (f64::from(i) / 3.0).sin() * 40.0,
                    pressure: 0.5,
                    t: i64::from(i) * 10,
                })
                .collect(),
        }],
    }
}

/// A client (with `email`), a ticket and 40 minutes of work; the report open, not signed.
fn worked(
    s: &mut Store,
    clock: &ManualClock,
    name: &str,
    email: Option<&str>,
) -> (rapportino_core::ids::ClientId, ReportId) {
    let c = clients::create(
        s,
        &ClientInput {
            name: name.into(),
            email: email.map(Into::into),
            ..Default::default()
        },
    )
    .unwrap();
    let t = ticket(s, &c, "Il NAS non risponde");
    let i = intervention(s, t, InterventionMode::Remote);
    interventions::start(s, i.id).unwrap();
    clock.advance(Duration::minutes(40));
    interventions::update(
        s,
        i.id,
        &InterventionPatch {
            work_done: Some("Riavviato il NAS, dischi controllati.".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let r = reports::finish_and_open(s, i.id, &InterventionPatch::default()).unwrap();
    (c.id, r.id)
}

fn sign(s: &mut Store, r: ReportId) {
    reports::sign(
        s,
        r,
        &SignInput {
            customer: Some(signature("Anna Bellè")),
            technician: signature(""),
            customer_absence: None,
        },
    )
    .unwrap();
}

#[test]
fn invia_al_cliente_queues_a_signed_report_once_and_refuses_a_draft() {
    let (mut s, clock) = store();
    // Mail on, but the shop does not send reports automatically.
    mail(&mut s, true, &[MessageKind::TicketResolved]);
    let (_, r) = worked(&mut s, &clock, "Studio Bellè", Some("studio@belle.it"));

    let err = outbox::queue_report(&mut s, r).unwrap_err();
    assert_eq!(err.code(), Code::ReportNotSigned);
    assert_eq!(count(&s, "messages"), 0, "nothing written for a draft");

    sign(&mut s, r);
    assert_eq!(
        count(&s, "messages"),
        0,
        "reports are not sent automatically"
    );
    let m = outbox::queue_report(&mut s, r).unwrap();
    assert_eq!(m.kind, MessageKind::ReportSigned);
    assert_eq!(m.report_id, Some(r));
    assert_eq!(m.status, MessageStatus::Queued);
    assert_eq!(m.recipients, ["studio@belle.it"]);
    assert!(!m.attachments_ready, "waits for its PDF");
    let number = reports::get(&s, r).unwrap().number;
    assert!(m.subject.contains(&number), "{}", m.subject);

    let again = outbox::queue_report(&mut s, r).unwrap();
    assert_eq!(again.id, m.id, "asked twice, queued once");
    outbox::cancel(&mut s, &m.id).unwrap();
    let third = outbox::queue_report(&mut s, r).unwrap();
    assert_ne!(third.id, m.id, "after a cancel it can be asked again");

    // Mail off: refused with the code that sends the user to Settings.
    mail(&mut s, false, MessageKind::ALL);
    let err = outbox::queue_report(&mut s, r).unwrap_err();
    assert_eq!(err.code(), Code::MailNotConfigured);
}

#[test]
fn invia_a_tutti_queues_each_client_s_statement_once_with_a_result_each() {
    let (mut s, clock) = store();
    let (belle, r1) = worked(&mut s, &clock, "Studio Bellè", Some("studio@belle.it"));
    let (ferri, r2) = worked(&mut s, &clock, "Ottica Ferri", None);
    sign(&mut s, r1);
    sign(&mut s, r2);
    client(&mut s, "Nessun lavoro Srl");

    let err = statement_mail::queue_month(&mut s, 2026, 11, |_| {}).unwrap_err();
    assert_eq!(err.code(), Code::MailNotConfigured, "mail off: refused");
    mail(&mut s, true, &[MessageKind::ReportSigned]);
    let err = statement_mail::queue_month(&mut s, 2026, 11, |_| {}).unwrap_err();
    assert_eq!(err.code(), Code::MailNotConfigured, "statements not sent");
    let before = count(&s, "messages");
    mail(&mut s, true, &[MessageKind::Statement]);
    let err = statement_mail::queue_month(&mut s, 2026, 13, |_| {}).unwrap_err();
    assert_eq!(err.code(), Code::InvalidFormat, "month 13");
    assert_eq!(count(&s, "messages"), before);

    let mut seen = Vec::new();
    let results = statement_mail::queue_month(&mut s, 2026, 11, |p| {
        seen.push((p.done, p.total, p.last.client_name.clone()))
    })
    .unwrap();
    assert_eq!(results.len(), 2, "the client without work has no statement");
    assert_eq!(seen.len(), 2);
    assert_eq!((seen[1].0, seen[1].1), (2, 2));
    let of = |c| results.iter().find(|r| r.client_id == c).unwrap();
    assert_eq!(of(belle).outcome, StatementMailOutcome::Queued);
    assert_eq!(of(ferri).outcome, StatementMailOutcome::Held, "no address");
    let m = outbox::get(&s, of(belle).message_id.as_deref().unwrap()).unwrap();
    assert_eq!(m.period.as_deref(), Some("2026-11"));

    let again = statement_mail::queue_month(&mut s, 2026, 11, |_| {}).unwrap();
    assert!(again
        .iter()
        .all(|r| r.outcome == StatementMailOutcome::AlreadyQueued));
    let statements = outbox::list(&s, &MessageFilter::default())
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::Statement)
        .count();
    assert_eq!(statements, 2, "run twice, queued once");
}

#[test]
fn the_preview_fills_a_template_with_sample_facts_after_checking_it() {
    let t = Template {
        subject: "[{ticket}] Ricevuta".into(),
        body: "Gentile {client}, gravità {severity}.".into(),
    };
    let p = templates::preview(MessageKind::TicketOpened, Locale::It, &t).unwrap();
    assert_eq!(p.subject, "[T-2026-MR-0042] Ricevuta");
    assert_eq!(
        p.body,
        "Gentile Studio Dentistico Bellè, gravità Disservizio."
    );
    let en = templates::preview(MessageKind::TicketOpened, Locale::En, &t).unwrap();
    assert!(en.body.ends_with("Degraded."), "{}", en.body);
    let bad = Template {
        subject: "Ricevuta".into(),
        ..t
    };
    let err = templates::preview(MessageKind::TicketOpened, Locale::It, &bad).unwrap_err();
    assert_eq!(err.code(), Code::InvalidFormat);
}

//! The PDFs of customer messages: rendered on the device, byte-identical to the printed file.
#![allow(clippy::unwrap_used)]

use rapportino_core::clients::{self, ClientInput};
use rapportino_core::interventions::{self, InterventionMode, InterventionPatch, NewIntervention};
use rapportino_core::outbox::{self, MailSettings, MessageFilter, MessageKind};
use rapportino_core::reports::{self, SignInput, Signature, Stroke, StrokePoint};
use rapportino_core::setup::{self, OnboardingInput};
use rapportino_core::tickets::{self, NewTicket, Origin, Severity};
use rapportino_pdf::{attachments, export, Renderer};

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

#[test]
fn a_signed_report_and_a_statement_get_their_pdf_and_become_ready() {
    let mut s = rapportino_core::Store::open_in_memory().unwrap();
    setup::onboard(
        &mut s,
        &OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: "Marco Rinaldi".into(),
            technician_code: "MR".into(),
            device_code: None,
        },
    )
    .unwrap();
    outbox::set_settings(
        &mut s,
        &MailSettings {
            enabled: true,
            ..Default::default()
        },
    )
    .unwrap();
    let c = clients::create(
        &mut s,
        &ClientInput {
            name: "Cartoleria Esposito".into(),
            email: Some("info@esposito.it".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let t = tickets::open(
        &mut s,
        &NewTicket {
            client_id: c.id,
            contact_id: None,
            site_id: None,
            origin: Origin::Email,
            severity: Severity::Request,
            urgent: false,
            category: None,
            is_bug: false,
            title: "Toner".into(),
            description: None,
            reported_at: None,
            assigned_technician_id: None,
            contract_id: None,
            extra_time_pin: None,
            priority_requested: false,
            out_of_scope: false,
            service: None,
        },
    )
    .unwrap();
    let i = interventions::create_started(
        &mut s,
        &NewIntervention {
            ticket_id: t.id,
            mode: InterventionMode::OnSite,
            site_id: None,
            technician_id: None,
        },
    )
    .unwrap();
    interventions::update(
        &mut s,
        i.id,
        &InterventionPatch {
            work_done: Some("Sostituito il toner; stampa di prova perfetta.".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let r = reports::finish_and_open(&mut s, i.id, &InterventionPatch::default()).unwrap();
    reports::sign(
        &mut s,
        r.id,
        &SignInput {
            customer: Some(signature("Lucia Esposito")),
            technician: signature(""),
            customer_absence: None,
        },
    )
    .unwrap();
    outbox::queue_statement(&mut s, c.id, 2026, 11)
        .unwrap()
        .unwrap();
    assert_eq!(outbox::awaiting_attachment(&s).unwrap().len(), 2);

    let renderer = Renderer::new().unwrap();
    assert_eq!(attachments::prepare(&mut s, &renderer).unwrap(), 2);
    assert!(outbox::awaiting_attachment(&s).unwrap().is_empty());
    assert_eq!(attachments::prepare(&mut s, &renderer).unwrap(), 0, "once");

    let all = outbox::list(&s, &MessageFilter::default()).unwrap();
    let report_msg = all
        .iter()
        .find(|m| m.kind == MessageKind::ReportSigned)
        .unwrap();
    let stored = outbox::attachment_bytes(&s, &report_msg.id).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].0.name, format!("{}.pdf", r.number));
    let printed = export::report_bytes(&s, &renderer, r.id).unwrap();
    assert_eq!(stored[0].1, printed, "the mailed PDF is the printed one");
    let statement = all
        .iter()
        .find(|m| m.kind == MessageKind::Statement)
        .unwrap();
    let pdf = &outbox::attachment_bytes(&s, &statement.id).unwrap()[0];
    assert_eq!(pdf.0.name, "Rendiconto-2026-11.pdf");
    assert!(pdf.1.starts_with(b"%PDF"));
}

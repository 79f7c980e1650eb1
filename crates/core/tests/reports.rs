//! Rapporti d'intervento: numbering, content, signing, the frozen snapshot, verify, amendments,
//! and every way of changing a signed report being refused.
#![allow(clippy::unwrap_used)]

mod common;

use common::services::*;
use common::*;
use rapportino_core::contracts::PackageMode;
use rapportino_core::ids::{InterventionId, ReportId};
use rapportino_core::interventions::{
    self, InterventionMode, InterventionPatch, MaterialInput, Outcome, TimerState,
};
use rapportino_core::reports::{
    self, CustomerAbsence, ReportFilter, ReportStatus, SignInput, Signature, SignatureAbsence,
    Stroke, StrokePoint,
};
use rapportino_core::store::{field, Entity};
use rapportino_core::tickets::Severity;
use rapportino_core::{Code, PageRequest, Store};

fn signature(name: &str) -> Signature {
    Signature {
        signer_name: name.into(),
        width: 400.0,
        height: 150.0,
        strokes: vec![Stroke {
            points: (0..40)
                .map(|i| StrokePoint {
                    x: 20.0 + i as f64 * 8.0,
                    y: 75.0 + (i as f64 / 3.0).sin() * 40.0,
                    pressure: 0.3 + (i % 5) as f64 * 0.1,
                    t: i * 12,
                })
                .collect(),
        }],
    }
}

fn sign_input() -> SignInput {
    SignInput {
        customer: Some(signature("Anna Bianchi")),
        technician: signature(""),
        customer_absence: None,
    }
}

/// A client with a 10-hour remote package, a ticket and one finished remote intervention of 50
/// minutes on Tuesday 17 Nov 2026 at 09:00, with work done, a material and an outcome.
fn finished_work(s: &mut Store, clock: &rapportino_core::time::ManualClock) -> InterventionId {
    let c = client(s, "Studio Dentistico Bellè");
    package(s, &c, "2026-01-01", 10, PackageMode::Remote);
    let t = open_ticket(s, &c, Severity::Degraded, None);
    let i = work(
        s,
        clock,
        t,
        InterventionMode::Remote,
        "2026-11-17 09:00",
        50,
    );
    interventions::update(
        s,
        i,
        &InterventionPatch {
            work_done: Some(
                "Reinstallato il driver; è tornata a stampare. Perché: aggiornamento.".into(),
            ),
            outcome: Some(Outcome::Resolved),
            ..Default::default()
        },
    )
    .unwrap();
    interventions::add_material(
        s,
        i,
        &MaterialInput {
            description: "Cavo USB 3 m".into(),
            quantity: 1.0,
            unit_price_cents: 1250,
            ..Default::default()
        },
    )
    .unwrap();
    i
}

#[test]
fn reports_are_numbered_offline_and_a_draft_is_reused() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    assert_eq!(r.number, "RI-2026-MR-0001");
    assert_eq!(r.status, ReportStatus::Draft);
    assert_eq!(r.work_date, "2026-11-17");
    assert_eq!(
        reports::create(&mut s, i).unwrap().id,
        r.id,
        "the open draft is reused"
    );
    let c = client(&mut s, "Altro Cliente");
    let t = open_ticket(&mut s, &c, Severity::Degraded, None);
    let j = work(
        &mut s,
        &clock,
        t,
        InterventionMode::OnSite,
        "2026-11-18 10:00",
        30,
    );
    assert_eq!(
        reports::create(&mut s, j).unwrap().number,
        "RI-2026-MR-0002"
    );
}

#[test]
fn a_running_or_paused_timer_refuses_the_report() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Cliente");
    let t = open_ticket(&mut s, &c, Severity::Degraded, None);
    clock.set(local("2026-11-17 09:00"));
    let i = intervention(&mut s, t, InterventionMode::OnSite).id;
    interventions::start(&mut s, i).unwrap();
    let before = snapshot(&s);
    let err = reports::create(&mut s, i).unwrap_err();
    assert_eq!(err.code(), Code::TimerRunning);
    assert_eq!(snapshot(&s), before, "nothing written");
    interventions::pause(&mut s, i).unwrap();
    assert_eq!(
        reports::create(&mut s, i).unwrap_err().code(),
        Code::TimerRunning
    );
    interventions::stop(&mut s, i).unwrap();
    assert!(reports::create(&mut s, i).is_ok());
}

#[test]
fn the_draft_holds_every_field_of_the_intervention() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    let doc = reports::document(&s, r.id).unwrap();
    let c = &doc.content;
    assert!(doc.signed.is_none());
    assert_eq!(c.shop.name, "Assistenza Rinaldi");
    assert_eq!(c.client.name, "Studio Dentistico Bellè");
    assert_eq!(c.mode.label, "Da remoto");
    assert_eq!(c.technician_name, "Marco Rinaldi");
    assert_eq!(c.date, "17/11/2026");
    assert_eq!(c.periods.len(), 1);
    assert_eq!(
        (c.periods[0].start.as_str(), c.periods[0].end.as_str()),
        ("09:00", "09:50")
    );
    assert_eq!(c.total_minutes, 50);
    assert_eq!(c.outcome.as_ref().unwrap().label, "Risolto");
    assert_eq!(c.materials[0].total_cents, 1250);
    assert_eq!(c.billing.billed_minutes, 60, "15-minute rounding");
    let line = &c.billing.lines[0];
    assert_eq!(line.source.label, "Pacchetto ore");
    assert_eq!(line.minutes, 60);
    assert_eq!(c.billing.balances_after[0].remaining_minutes, Some(540));
    assert_eq!(c.time_zone, "Europe/Rome");
}

#[test]
fn the_balance_after_ignores_later_work_of_the_same_day() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    // Same client, same day, later: another hour from the same package.
    let c =
        rapportino_core::clients::get(&s, interventions::get(&s, i).unwrap().client_id).unwrap();
    let t = open_ticket(&mut s, &c, Severity::Degraded, None);
    work(
        &mut s,
        &clock,
        t,
        InterventionMode::Remote,
        "2026-11-17 15:00",
        60,
    );
    let r = reports::create(&mut s, i).unwrap();
    let doc = reports::document(&s, r.id).unwrap();
    assert_eq!(
        doc.content.billing.balances_after[0].remaining_minutes,
        Some(540)
    );
}

#[test]
fn signing_freezes_the_snapshot_and_verify_matches() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    clock.set(local("2026-11-17 10:05"));
    let signed = reports::sign(&mut s, r.id, &sign_input()).unwrap();
    assert_eq!(signed.status, ReportStatus::Signed);
    assert_eq!(signed.signer_name.as_deref(), Some("Anna Bianchi"));
    let hash = signed.snapshot_sha256.clone().unwrap();
    assert_eq!(hash.len(), 64);

    let doc = reports::document(&s, r.id).unwrap();
    let block = doc.signed.as_ref().unwrap();
    assert_eq!(block.sha256, hash);
    assert_eq!(block.signed_at, "17/11/2026 10:05");
    assert_eq!(
        block.technician.signer_name, "Marco Rinaldi",
        "defaults to the technician"
    );
    assert_eq!(block.customer.as_ref().unwrap().strokes[0].points.len(), 40);
    assert_eq!(block.customer_absence, None);

    let v = reports::verify(&s, r.id).unwrap();
    assert!(v.matches && v.canonical);
    assert_eq!(v.computed_sha256, hash);

    // The intervention changes afterwards: the signed report does not.
    interventions::update(
        &mut s,
        i,
        &InterventionPatch {
            work_done: Some("Testo cambiato dopo la firma".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let again = reports::document(&s, r.id).unwrap();
    assert_eq!(again.content, doc.content);
    assert!(reports::verify(&s, r.id).unwrap().matches);
}

#[test]
fn bad_signatures_write_nothing() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    let before = snapshot(&s);
    let mut no_name = sign_input();
    no_name.customer.as_mut().unwrap().signer_name = " ".into();
    let mut empty = sign_input();
    empty.customer.as_mut().unwrap().strokes.clear();
    let mut tech_empty = sign_input();
    tech_empty.technician.strokes = vec![Stroke {
        points: vec![StrokePoint::default()],
    }];
    for (input, code, field) in [
        (no_name, Code::Required, "customer_signer_name"),
        (empty, Code::SignatureEmpty, "customer_signature"),
        (tech_empty, Code::SignatureEmpty, "technician_signature"),
    ] {
        let err = reports::sign(&mut s, r.id, &input).unwrap_err();
        assert_eq!((err.code(), err.field()), (code, Some(field)));
    }
    assert_eq!(snapshot(&s), before);
    assert_eq!(reports::get(&s, r.id).unwrap().status, ReportStatus::Draft);
}

#[test]
fn a_report_signed_by_the_technician_alone_says_why() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    let before = snapshot(&s);
    // Neither a signature nor a reason: refused, nothing written.
    let mut neither = sign_input();
    neither.customer = None;
    let err = reports::sign(&mut s, r.id, &neither).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (Code::Required, Some("customer_signature"))
    );
    assert_eq!(snapshot(&s), before);

    clock.set(local("2026-11-17 10:05"));
    let alone = SignInput {
        customer: None,
        technician: signature(""),
        customer_absence: Some(CustomerAbsence {
            reason: SignatureAbsence::Absent,
            note: " ufficio chiuso alla fine del lavoro ".into(),
        }),
    };
    let signed = reports::sign(&mut s, r.id, &alone).unwrap();
    assert_eq!(signed.status, ReportStatus::Signed);
    assert_eq!(
        signed.signer_name.as_deref(),
        Some("Marco Rinaldi"),
        "the technician signed alone"
    );
    let doc = reports::document(&s, r.id).unwrap();
    let block = doc.signed.unwrap();
    assert!(block.customer.is_none());
    let why = block.customer_absence.unwrap();
    assert_eq!(why.reason, SignatureAbsence::Absent);
    assert_eq!(
        why.sentence(),
        "Cliente assente: ufficio chiuso alla fine del lavoro"
    );
    assert!(reports::verify(&s, r.id).unwrap().matches);
}

#[test]
fn finishing_saves_what_was_typed_stops_the_timer_and_opens_the_report() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    // Back at work: the timer runs again, and new text is typed but not saved.
    interventions::resume(&mut s, i).unwrap();
    clock.advance(chrono::Duration::minutes(7));
    let typed = InterventionPatch {
        work_done: Some("Sostituito il disco; backup verificato".into()),
        travel_km: Some(12.5),
        ..Default::default()
    };
    // A draft cannot be opened while the timer runs; a wrong field refuses it all.
    assert_eq!(
        reports::create(&mut s, i).unwrap_err().code(),
        Code::TimerRunning
    );
    let before = snapshot(&s);
    let bad = InterventionPatch {
        travel_km: Some(-1.0),
        ..typed.clone()
    };
    let err = reports::finish_and_open(&mut s, i, &bad).unwrap_err();
    assert_eq!(err.field(), Some("travel_km"));
    assert_eq!(snapshot(&s), before, "nothing saved, the timer still runs");

    let r = reports::finish_and_open(&mut s, i, &typed).unwrap();
    assert_eq!(r.status, ReportStatus::Draft);
    let doc = reports::document(&s, r.id).unwrap();
    assert_eq!(
        doc.content.work_done,
        "Sostituito il disco; backup verificato"
    );
    assert_eq!(doc.content.travel_km, 12.5);
    assert_eq!(
        interventions::detail(&s, i).unwrap().timer_state,
        TimerState::Stopped
    );
    // The signing view offers the intervention's technician's own signature.
    let ctx = rapportino_core::documents::signing_context(&s, r.id).unwrap();
    assert_eq!(
        ctx.technician_id,
        interventions::get(&s, i).unwrap().technician_id
    );
    assert_eq!(ctx.requester_name, None, "the ticket names no requester");
    // Again (nothing pending): the same draft.
    let again = reports::finish_and_open(&mut s, i, &InterventionPatch::default()).unwrap();
    assert_eq!(again.id, r.id);
}

#[test]
fn every_change_to_a_signed_report_is_refused() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    reports::sign(&mut s, r.id, &sign_input()).unwrap();
    let before = snapshot(&s);

    let err = reports::sign(&mut s, r.id, &sign_input()).unwrap_err();
    assert_eq!(err.code(), Code::ReportAlreadySigned);
    assert_eq!(
        reports::create(&mut s, i).unwrap_err().code(),
        Code::ReportSigned
    );
    // Through the write path (what sync will use).
    let err = s
        .write(|tx| {
            tx.update(
                Entity::Report,
                &r.id.to_string(),
                vec![("signer_name", field::text("Altro"))],
            )
        })
        .unwrap_err();
    assert_eq!(err.code(), Code::ReportSigned);
    let err = s
        .write(|tx| tx.delete(Entity::Report, &r.id.to_string()))
        .unwrap_err();
    assert_eq!(err.code(), Code::ReportSigned);
    // And raw SQL.
    for sql in [
        "UPDATE reports SET snapshot = 'x' WHERE id = ?1",
        "UPDATE reports SET status = 'draft' WHERE id = ?1",
        "DELETE FROM reports WHERE id = ?1",
    ] {
        let e = s.conn().execute(sql, [r.id]).unwrap_err();
        assert!(e.to_string().contains("REPORT_SIGNED"), "{sql}: {e}");
    }
    assert_eq!(snapshot(&s), before);
    assert!(reports::verify(&s, r.id).unwrap().matches);
}

#[test]
fn an_amendment_is_a_new_report_naming_the_old_one() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    assert_eq!(
        reports::amend(&mut s, &r.number).unwrap_err().code(),
        Code::Inconsistent
    );
    reports::sign(&mut s, r.id, &sign_input()).unwrap();
    let a = reports::amend(&mut s, "ri-2026-mr-0001").unwrap();
    assert_eq!(a.number, "RI-2026-MR-0002");
    assert_eq!(a.supersedes_id, Some(r.id));
    assert_eq!(
        reports::amend(&mut s, &r.number).unwrap_err().code(),
        Code::AlreadyExists
    );
    let doc = reports::document(&s, a.id).unwrap();
    assert_eq!(doc.content.supersedes.as_deref(), Some("RI-2026-MR-0001"));
    let old = reports::document(&s, r.id).unwrap();
    assert_eq!(old.superseded_by.as_deref(), Some("RI-2026-MR-0002"));
    // The amendment is the intervention's open draft now.
    assert_eq!(reports::create(&mut s, i).unwrap().id, a.id);
}

fn tamper(s: &Store, id: ReportId, from: &str, to: &str) {
    // What someone with the database file and sqlite3 could do: drop the guard, edit the row.
    s.conn()
        .execute("DROP TRIGGER reports_signed_no_update", [])
        .unwrap();
    let n = s
        .conn()
        .execute(
            "UPDATE reports SET snapshot = replace(snapshot, ?2, ?3) WHERE id = ?1",
            rusqlite::params![id, from, to],
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn tampering_with_the_snapshot_makes_verify_fail() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    reports::sign(&mut s, r.id, &sign_input()).unwrap();
    tamper(&s, r.id, "\"billed_minutes\":60", "\"billed_minutes\":30");
    let v = reports::verify(&s, r.id).unwrap();
    assert!(!v.matches);
    assert_ne!(v.computed_sha256, v.stored_sha256);
    // Still readable (to show what was changed), still flagged.
    assert_eq!(
        reports::document(&s, r.id)
            .unwrap()
            .content
            .billing
            .billed_minutes,
        30
    );
}

#[test]
fn tampering_with_the_strokes_makes_verify_fail() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    reports::sign(&mut s, r.id, &sign_input()).unwrap();
    tamper(&s, r.id, "\"x\":20.0,", "\"x\":21.0,");
    assert!(!reports::verify(&s, r.id).unwrap().matches);
}

#[test]
fn verify_a_draft_is_refused() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r = reports::create(&mut s, i).unwrap();
    assert_eq!(
        reports::verify(&s, r.id).unwrap_err().code(),
        Code::Inconsistent
    );
}

#[test]
fn the_list_searches_by_number_client_and_date() {
    let (mut s, clock) = store();
    let i = finished_work(&mut s, &clock);
    let r1 = reports::create(&mut s, i).unwrap();
    reports::sign(&mut s, r1.id, &sign_input()).unwrap();
    let c = client(&mut s, "Ferramenta Rossi");
    let t = open_ticket(&mut s, &c, Severity::Degraded, None);
    let j = work(
        &mut s,
        &clock,
        t,
        InterventionMode::OnSite,
        "2026-11-19 10:00",
        30,
    );
    let r2 = reports::create(&mut s, j).unwrap();
    let find = |s: &Store, f: ReportFilter| -> Vec<String> {
        reports::list(s, &f, &PageRequest::default())
            .unwrap()
            .items
            .into_iter()
            .map(|r| r.report.number)
            .collect()
    };
    assert_eq!(
        find(&s, ReportFilter::default()),
        [r2.number.as_str(), r1.number.as_str()]
    );
    let q = |q: &str| ReportFilter {
        query: Some(q.into()),
        ..Default::default()
    };
    assert_eq!(find(&s, q("0001")), [r1.number.as_str()]);
    assert_eq!(
        find(&s, q("bellè")),
        [r1.number.as_str()],
        "client name, accents"
    );
    assert_eq!(find(&s, q("Rossi")), [r2.number.as_str()]);
    assert_eq!(
        find(&s, q("100%")),
        Vec::<String>::new(),
        "LIKE wildcards are literal"
    );
    let dates = ReportFilter {
        from: Some("18/11/2026".into()),
        to: Some("2026-11-30".into()),
        ..Default::default()
    };
    assert_eq!(find(&s, dates), [r2.number.as_str()]);
    let signed = ReportFilter {
        status: Some(ReportStatus::Signed),
        ..Default::default()
    };
    let page = reports::list(&s, &signed, &PageRequest::default()).unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].client_name, "Studio Dentistico Bellè");
    assert!(page.items[0].report.snapshot_sha256.is_some());
    let bad = ReportFilter {
        from: Some("ieri".into()),
        ..Default::default()
    };
    assert_eq!(
        reports::list(&s, &bad, &PageRequest::default())
            .unwrap_err()
            .code(),
        Code::InvalidFormat
    );
}

#[test]
fn only_a_canonical_report_number_becomes_a_file_name() {
    use rapportino_core::reports::pdf_file_name;
    assert_eq!(
        pdf_file_name("RI-2026-MR-0001").unwrap(),
        "RI-2026-MR-0001.pdf"
    );
    assert_eq!(
        pdf_file_name("RI-2999-ABCDEFGH-999999").unwrap(),
        "RI-2999-ABCDEFGH-999999.pdf"
    );
    let long = format!("RI-2026-MR-{}", "0".repeat(5000));
    for hostile in [
        "../../etc/x",
        "RI-2026-MR-0001/../x",
        "RI-2026-MR-0001/../../x",
        "RI-2026-MR\0-0001",
        "RI-2026-MR-0001\0",
        "RI-2026-MR-0001\\..\\x",
        "/etc/passwd",
        "..",
        "",
        long.as_str(),
        "RI-2026-MR-1",        // parses, but not how the app writes it
        "RI-2026-MR-00001",    // idem
        "T-2026-MR-0001",      // a ticket's number
        "RI-2026-mr-0001",     // not a device code
        "RI-2026-MR-0001.pdf", // would give .pdf.pdf
        "RI-2026-MR-0001 ",    // trailing space
    ] {
        let err = pdf_file_name(hostile).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (Code::ReportNumberInvalid, Some("number")),
            "{hostile:?}"
        );
        assert!(err.to_string().len() < 300, "the message stays short");
    }
}

/// Half a minute of work: the time table, the total and the charge all say one minute (the
/// report used to print "Totale 0 min" beside "fatturato 1 min").
#[test]
fn the_time_table_and_the_charge_round_alike() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Ottica Bassi");
    let t = ticket(&mut s, &c, "Scanner fermo");
    let i = intervention(&mut s, t, InterventionMode::Remote).id;
    interventions::start(&mut s, i).unwrap();
    clock.advance(chrono::Duration::seconds(30));
    interventions::stop(&mut s, i).unwrap();
    let r = reports::create(&mut s, i).unwrap();
    let doc = reports::document(&s, r.id).unwrap();
    let c = &doc.content;
    assert_eq!(c.periods[0].minutes, 1);
    assert_eq!(c.total_minutes, 1);
    assert!(c.billing.billed_minutes >= c.total_minutes);
    assert_eq!(c.billing.worked_minutes, c.total_minutes);
}

//! Issue 17, item 1 (the catalogue and material lines of item 8: catalogue.rs): quotes
//! (numbered offline, totals per VAT rate, sent through the outbox, accepted with the
//! customer's signature and frozen, refused, expired), and the ledger charging an out-of-scope
//! ticket per its accepted quote — never from packages. Numbers worked out by hand in comments.
#![allow(clippy::unwrap_used)]

mod common;

use common::services::*;
use common::sync_helpers::*;
use common::*;
use rapportino_core::contracts::PackageMode;
use rapportino_core::interventions::{self, InterventionMode, NewIntervention};
use rapportino_core::ledger::{self, AllocationReason, Source};
use rapportino_core::outbox::{self, MailSettings, MessageKind};
use rapportino_core::quotes::{
    self, AcceptInput, NewQuote, QuoteFilter, QuoteLineInput, QuoteLineKind, QuotePatch,
    QuoteState, RefuseInput,
};
use rapportino_core::reports::{Signature, Stroke, StrokePoint};
use rapportino_core::sync::apply;
use rapportino_core::tickets::{self, Severity, TicketTerms};
use rapportino_core::{Code, Store};

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
                    pressure: 0.5,
                    t: i * 12,
                })
                .collect(),
        }],
    }
}

fn line(kind: QuoteLineKind) -> QuoteLineInput {
    QuoteLineInput {
        kind,
        ..Default::default()
    }
}

/// A quote with three lines, worked by hand:
/// - labour 2,5 h at the shop's on-site rate 50,00 €/h = 125,00 € at 22%;
/// - 2 × SSD-500 at 89,90 € = 179,80 € at 22% (the article's price and rate);
/// - a fixed item of 50,00 € at 10%.
///
/// 22%: taxable 125,00 + 179,80 = 304,80, VAT 67,056 → 67,06; 10%: taxable 50,00, VAT 5,00.
/// Imponibile 354,80, IVA 72,06, totale 426,86.
fn three_line_quote(s: &mut Store, c: &rapportino_core::clients::Client) -> quotes::Quote {
    let ssd = article(s, "SSD-500", "SSD 500 GB SATA", 8_990, None);
    let q = quotes::create(
        s,
        &NewQuote {
            client_id: c.id,
            notes: Some("Tempi di consegna: 3 giorni lavorativi.".into()),
            ..Default::default()
        },
    )
    .unwrap();
    quotes::add_line(
        s,
        q.id,
        &QuoteLineInput {
            description: Some("Sostituzione disco e reinstallazione".into()),
            quantity: Some(2.5),
            ..line(QuoteLineKind::Labour)
        },
    )
    .unwrap();
    quotes::add_line(
        s,
        q.id,
        &QuoteLineInput {
            quantity: Some(2.0),
            article_id: Some(ssd.id),
            ..line(QuoteLineKind::Material)
        },
    )
    .unwrap();
    quotes::add_line(
        s,
        q.id,
        &QuoteLineInput {
            description: Some("Smaltimento RAEE".into()),
            unit_price_cents: Some(5_000),
            vat_rate: Some(10),
            ..line(QuoteLineKind::Fixed)
        },
    )
    .unwrap()
}

#[test]
fn a_quote_is_numbered_offline_and_totals_its_vat_per_rate() {
    let (mut s, _) = store();
    let c = client(&mut s, "Studio Legale Neri");
    let q = three_line_quote(&mut s, &c);
    assert_eq!(q.number, "P-2026-MR-0001");
    assert_eq!(q.state, QuoteState::Draft);
    // Valid 30 days from Monday 16/11/2026 unless told otherwise.
    assert_eq!(q.valid_until, "2026-12-16");
    let l: Vec<(i64, i64, &str)> = q
        .lines
        .iter()
        .map(|l| (l.total_cents, l.vat_rate, l.unit.as_str()))
        .collect();
    assert_eq!(
        l,
        [(12_500, 22, "h"), (17_980, 22, "pz"), (5_000, 10, "pz")]
    );
    assert_eq!(q.lines[1].description, "SSD 500 GB SATA");
    let rates: Vec<(i64, i64, i64)> = q
        .totals
        .per_rate
        .iter()
        .map(|r| (r.rate, r.taxable_cents, r.vat_cents))
        .collect();
    assert_eq!(rates, [(22, 30_480, 6_706), (10, 5_000, 500)]);
    assert_eq!(
        (
            q.totals.taxable_cents,
            q.totals.vat_cents,
            q.totals.total_cents
        ),
        (35_480, 7_206, 42_686)
    );
    // Quotes and tickets number apart: the next ticket is still T-…-0001.
    assert_eq!(number(&mut s, &c, "Altro"), "T-2026-MR-0001");
    let q2 = quotes::create(
        &mut s,
        &NewQuote {
            client_id: c.id,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(q2.number, "P-2026-MR-0002");

    // Bad lines and headers: refused, nothing written.
    let before = quotes::get(&s, q2.id).unwrap();
    for (bad, code) in [
        (line(QuoteLineKind::Fixed), Code::Required),
        (
            QuoteLineInput {
                quantity: Some(0.0),
                ..line(QuoteLineKind::Labour)
            },
            Code::InvalidFormat,
        ),
        (
            QuoteLineInput {
                unit_price_cents: Some(100),
                description: Some("x".into()),
                vat_rate: Some(-4),
                ..line(QuoteLineKind::Fixed)
            },
            Code::OutOfRange,
        ),
    ] {
        assert_eq!(
            quotes::add_line(&mut s, q2.id, &bad).unwrap_err().code(),
            code
        );
    }
    assert_eq!(quotes::get(&s, q2.id).unwrap(), before);
    let past = QuotePatch {
        valid_until: Some("2026-11-15".into()),
        ..Default::default()
    };
    assert_eq!(
        quotes::update(&mut s, q2.id, &past).unwrap_err().code(),
        Code::OutOfRange
    );
    let q2 = quotes::remove_line(&mut s, q.id, 2).unwrap();
    assert_eq!(q2.totals.total_cents, 30_480 + 6_706);
}

#[test]
fn sent_then_accepted_with_the_customers_signature_and_frozen() {
    let (mut s, clock) = store();
    outbox::set_settings(
        &mut s,
        &MailSettings {
            enabled: true,
            ..Default::default()
        },
    )
    .unwrap();
    let c = client(&mut s, "Studio Legale Neri");
    let q = three_line_quote(&mut s, &c);

    // An empty quote is not sent; this one is, with its message (PDF to be attached).
    let empty = quotes::create(
        &mut s,
        &NewQuote {
            client_id: c.id,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        quotes::send(&mut s, empty.id).unwrap_err().code(),
        Code::Required
    );
    clock.set(local("2026-11-16 11:00"));
    let (sent, message) = quotes::send(&mut s, q.id).unwrap();
    assert_eq!(sent.state, QuoteState::Sent);
    assert_eq!(
        sent.sent_at.as_deref(),
        Some(rfc("2026-11-16 11:00").as_str())
    );
    let m = outbox::get(&s, &message.unwrap()).unwrap();
    assert_eq!((m.kind, m.quote_id), (MessageKind::Quote, Some(q.id)));
    assert!(!m.attachments_ready, "waits for its PDF");
    assert_eq!(m.subject, "Preventivo P-2026-MR-0001 — Studio Legale Neri");
    assert!(m.body.contains("426,86 €"), "{}", m.body);
    assert!(m.body.contains("16/12/2026"), "{}", m.body);

    // A sent quote is not edited.
    let edit = quotes::add_line(&mut s, q.id, &line(QuoteLineKind::Labour)).unwrap_err();
    assert_eq!(edit.code(), Code::QuoteState);

    // The customer signs on the laptop: frozen, hashed, verifiable.
    clock.set(local("2026-11-18 15:30"));
    let bad = AcceptInput {
        customer: Signature {
            strokes: vec![],
            ..signature("Avv. Neri")
        },
    };
    assert_eq!(
        quotes::accept(&mut s, q.id, &bad).unwrap_err().code(),
        Code::SignatureEmpty
    );
    let accepted = quotes::accept(
        &mut s,
        q.id,
        &AcceptInput {
            customer: signature("Avv. Giulia Neri"),
        },
    )
    .unwrap();
    assert_eq!(accepted.state, QuoteState::Accepted);
    assert_eq!(accepted.signer_name.as_deref(), Some("Avv. Giulia Neri"));
    let v = quotes::verify(&s, q.id).unwrap();
    assert!(v.matches && v.canonical, "{v:?}");
    let doc = quotes::document(&s, q.id).unwrap();
    let block = doc.accepted.clone().unwrap();
    assert_eq!(block.accepted_at, "18/11/2026 15:30");
    assert_eq!(block.sha256, accepted.snapshot_sha256.clone().unwrap());
    assert_eq!(doc.content.totals.total_cents, 42_686);

    // Final: the API refuses, the triggers refuse raw SQL, the document does not move when the
    // catalogue or the client change.
    let refuse = quotes::refuse(&mut s, q.id, &RefuseInput::default()).unwrap_err();
    assert_eq!(refuse.code(), Code::QuoteFinal);
    let again = quotes::accept(
        &mut s,
        q.id,
        &AcceptInput {
            customer: signature("x"),
        },
    )
    .unwrap_err();
    assert_eq!(again.code(), Code::QuoteFinal);
    let raw = s
        .conn()
        .execute("UPDATE quotes SET notes = 'x' WHERE id = ?1", [q.id])
        .unwrap_err();
    assert!(raw.to_string().contains("QUOTE_FINAL"), "{raw}");
    assert!(s
        .conn()
        .execute("DELETE FROM quotes WHERE id = ?1", [q.id])
        .is_err());
    rapportino_core::clients::update(
        &mut s,
        c.id,
        &rapportino_core::clients::ClientInput {
            name: "Neri & Associati".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(quotes::document(&s, q.id).unwrap(), doc);

    // The client's quotes, newest first; by state.
    let all = quotes::list(
        &s,
        &QuoteFilter {
            client_id: Some(c.id),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(all.len(), 2);
    let accepted_only = quotes::list(
        &s,
        &QuoteFilter {
            state: Some(QuoteState::Accepted),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(accepted_only.len(), 1);
}

#[test]
fn a_sent_quote_expires_and_a_refusal_keeps_its_date_and_reason() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Panificio Gallo");
    let q = three_line_quote(&mut s, &c);
    let q = quotes::update(
        &mut s,
        q.id,
        &QuotePatch {
            valid_until: Some("30/11/2026".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(q.valid_until, "2026-11-30");
    quotes::send(&mut s, q.id).unwrap();
    clock.set(local("2026-11-30 23:59"));
    assert_eq!(quotes::get(&s, q.id).unwrap().state, QuoteState::Sent);
    clock.set(local("2026-12-01 00:01"));
    assert_eq!(quotes::get(&s, q.id).unwrap().state, QuoteState::Expired);
    let err = quotes::accept(
        &mut s,
        q.id,
        &AcceptInput {
            customer: signature("Mario Gallo"),
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::QuoteExpired);

    let other = three_line_quote_again(&mut s, &c);
    quotes::send(&mut s, other).unwrap();
    assert_eq!(
        quotes::refuse(
            &mut s,
            other,
            &RefuseInput {
                date: Some("2026-12-02".into()),
                reason: None,
            }
        )
        .unwrap_err()
        .code(),
        Code::OutOfRange,
        "not in the future"
    );
    let refused = quotes::refuse(
        &mut s,
        other,
        &RefuseInput {
            date: Some("28/11/2026".into()),
            reason: Some("Preferisce acquistare un PC nuovo".into()),
        },
    )
    .unwrap();
    assert_eq!(refused.state, QuoteState::Refused);
    assert_eq!(
        refused.refused_at.as_deref(),
        Some(rfc("2026-11-28 12:00").as_str())
    );
    let doc = quotes::document(&s, other).unwrap();
    let r = doc.refused.unwrap();
    assert_eq!(r.refused_on, "28/11/2026");
    assert_eq!(
        r.reason.as_deref(),
        Some("Preferisce acquistare un PC nuovo")
    );
    assert_eq!(
        quotes::delete_draft(&mut s, other).unwrap_err().code(),
        Code::QuoteFinal
    );
}

fn three_line_quote_again(
    s: &mut Store,
    c: &rapportino_core::clients::Client,
) -> rapportino_core::ids::QuoteId {
    let q = quotes::create(
        s,
        &NewQuote {
            client_id: c.id,
            ..Default::default()
        },
    )
    .unwrap();
    quotes::add_line(
        s,
        q.id,
        &QuoteLineInput {
            quantity: Some(1.0),
            ..line(QuoteLineKind::Labour)
        },
    )
    .unwrap()
    .id
}

/// The scenario, in the ledger: a client with a 10-hour package (any mode). A request
/// outside the contract (a new printer to install) is flagged out of scope.
/// - Started with no accepted quote: the app is warned (QUOTE_REQUIRED) and nothing starts.
/// - Quote for the ticket, two lines (1,5 h labour at 50,00 €; a fixed 80,00 € item), accepted.
/// - 2 h of on-site work: charged per the quote — one line, source `quote`, 120 minutes,
///   0,00 € on the intervention (the quote is billed as the quote) — and the package is
///   untouched: used 0 of 600 minutes.
/// - Another out-of-scope ticket, no quote, 90 minutes remote, confirmed: billed at the shop's
///   remote rate 40,00 €/h = 60,00 €, still nothing from the package.
/// - An ordinary ticket, 60 minutes remote: the package pays (used 60).
#[test]
fn out_of_scope_work_is_charged_per_the_quote_and_never_drawn_from_the_package() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Agenzia Viaggi Sole");
    let p = package(&mut s, &c, "2026-01-01", 10, PackageMode::Any);
    let t = open_ticket(&mut s, &c, Severity::Request, None);
    tickets::set_terms(
        &mut s,
        t,
        &TicketTerms {
            out_of_scope: true,
            ..Default::default()
        },
    )
    .unwrap();

    let start = NewIntervention {
        ticket_id: t,
        mode: InterventionMode::OnSite,
        site_id: None,
        technician_id: None,
    };
    let warning = interventions::quote_warning(&s, t).unwrap().unwrap();
    assert_eq!(warning.code(), Code::QuoteRequired);
    let before = count(&s, "interventions");
    let err = interventions::create_started_confirmed(&mut s, &start, false).unwrap_err();
    assert_eq!(err.code(), Code::QuoteRequired);
    assert_eq!(count(&s, "interventions"), before, "nothing started");

    let q = quotes::create(
        &mut s,
        &NewQuote {
            client_id: c.id,
            ticket_id: Some(t),
            ..Default::default()
        },
    )
    .unwrap();
    quotes::add_line(
        &mut s,
        q.id,
        &QuoteLineInput {
            quantity: Some(1.5),
            description: Some("Installazione stampante di rete".into()),
            ..line(QuoteLineKind::Labour)
        },
    )
    .unwrap();
    quotes::add_line(
        &mut s,
        q.id,
        &QuoteLineInput {
            description: Some("Configurazione scansione su e-mail".into()),
            unit_price_cents: Some(8_000),
            ..line(QuoteLineKind::Fixed)
        },
    )
    .unwrap();
    let q = quotes::accept(
        &mut s,
        q.id,
        &AcceptInput {
            customer: signature("Laura Sole"),
        },
    )
    .unwrap();
    // 1,5 × 50,00 = 75,00 + 80,00 = 155,00 taxable; VAT 22% 34,10; total 189,10.
    assert_eq!(
        (
            q.totals.taxable_cents,
            q.totals.vat_cents,
            q.totals.total_cents
        ),
        (15_500, 3_410, 18_910)
    );
    assert!(interventions::quote_warning(&s, t).unwrap().is_none());
    assert_eq!(
        quotes::accepted_for_ticket(&s, t)
            .unwrap()
            .map(|q| q.number),
        Some("P-2026-MR-0001".into())
    );

    let i = work(
        &mut s,
        &clock,
        t,
        InterventionMode::OnSite,
        "2026-11-17 09:00",
        120,
    );
    let a = ledger::intervention_allocation(&s, i).unwrap();
    assert_eq!(a.lines.len(), 1, "{:?}", a.lines);
    let l = &a.lines[0];
    assert_eq!(
        (l.source, l.reason, l.minutes, l.amount_cents, l.contract_id),
        (Source::Quote, AllocationReason::QuoteAccepted, 120, 0, None)
    );
    assert_eq!(l.quote_number.as_deref(), Some("P-2026-MR-0001"));
    assert_eq!(a.charges_cents, 0);

    let no_quote = open_ticket(&mut s, &c, Severity::Request, None);
    tickets::set_terms(
        &mut s,
        no_quote,
        &TicketTerms {
            out_of_scope: true,
            ..Default::default()
        },
    )
    .unwrap();
    let i2 = work(
        &mut s,
        &clock,
        no_quote,
        InterventionMode::Remote,
        "2026-11-18 09:00",
        90,
    );
    assert_eq!(
        lines(&s, i2),
        [(
            Source::Overage,
            AllocationReason::OutOfScopeNoQuote,
            None,
            90,
            6_000
        )]
    );

    let balance = |s: &Store| {
        let b = ledger::client_balances(s, c.id, Some(day("2026-11-30"))).unwrap();
        let b = b.balances.into_iter().find(|b| b.contract_id == p).unwrap();
        (b.used_minutes, b.remaining_minutes)
    };
    assert_eq!(balance(&s), (0, Some(600)), "the package is untouched");

    let ordinary = open_ticket(&mut s, &c, Severity::Request, None);
    work(
        &mut s,
        &clock,
        ordinary,
        InterventionMode::Remote,
        "2026-11-19 09:00",
        60,
    );
    assert_eq!(balance(&s), (60, Some(540)));

    // Flipping the flag afterwards re-allocates (the checkpoints are dropped): the quote's work
    // would then draw from the package.
    tickets::set_terms(&mut s, t, &TicketTerms::default()).unwrap();
    assert_eq!(balance(&s), (180, Some(420)));
}

#[test]
fn quote_numbers_from_the_hub_move_the_counter_only_when_sane() {
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    quotes::create(
        &mut a,
        &NewQuote {
            client_id: c.id,
            ..Default::default()
        },
    )
    .unwrap();
    let mut b = second_device("BB");
    let numbered = |number: &str| {
        let mut changes = served(&a, 1);
        for ch in &mut changes {
            if ch.entity == "quote" {
                ch.fields.insert("number".into(), number.into());
            }
        }
        changes
    };
    for insane in [
        "P-2026-BB-9223372036854775806",
        "P-2026-BB-1000000",
        "P-2026-BB-0",
    ] {
        let changes = numbered(insane);
        apply::apply_changes(&mut b, &changes, changes.len() as i64).unwrap();
    }
    let new = |b: &mut Store| {
        quotes::create(
            b,
            &NewQuote {
                client_id: c.id,
                ..Default::default()
            },
        )
        .unwrap()
        .number
    };
    assert_eq!(new(&mut b), "P-2026-BB-0001");
    let changes = numbered("P-2026-BB-0041");
    apply::apply_changes(&mut b, &changes, changes.len() as i64).unwrap();
    assert_eq!(new(&mut b), "P-2026-BB-0042");
    // The counter is the quotes' own: tickets on B still start at 0001.
    assert_eq!(number(&mut b, &c, "Rete"), "T-2026-BB-0001");
}

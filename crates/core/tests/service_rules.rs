//! Service-model rules beyond the five stories: the governing contract, bad input, late-logged
//! work, contracts chosen by hand, extra-time rounding, class codes.
#![allow(clippy::unwrap_used)] // helpers outside #[test]: a failure is the test failing

mod common;

use common::services::*;
use common::*;
use rapportino_core::calendars::CalendarPreset;
use rapportino_core::classes;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::contracts::{self, ContractInput, ContractKind, PackageMode, Rates};
use rapportino_core::interventions::{self, InterventionMode};
use rapportino_core::ledger::{self, AllocationReason, Source};
use rapportino_core::sla::{self};
use rapportino_core::tickets::{self, Severity};
use rapportino_core::views::{self, statements};
use rapportino_core::{Code, Store};

/// The governing contract: the SLA over a package, unless chosen by hand; a contract that is not
/// valid on the day of the report cannot be chosen. Flags: priority on demand, out of scope.
#[test]
fn governing_contract_and_entitlement_flags() {
    let (mut s, _clock) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Comune di Vimodrone");
    let k = sla_contract(&mut s, &c, cal);
    let p = package(&mut s, &c, "2026-01-01", 24, PackageMode::Any);
    let old = package(&mut s, &c, "2024-01-01", 12, PackageMode::Any);
    let t = open_ticket(&mut s, &c, Severity::Request, None);
    let sla = sla::for_ticket(&s, t).unwrap();
    assert_eq!(
        (sla.contract_id, sla.governing_reason.as_str()),
        (Some(k), "automatic")
    );
    let terms = tickets::TicketTerms {
        contract_id: Some(p),
        priority_requested: true,
        out_of_scope: true,
        service: None,
    };
    tickets::set_terms(&mut s, t, &terms).unwrap();
    let d = views::ticket_detail(&s, t).unwrap();
    assert_eq!(
        (d.sla.contract_id, d.sla.governing_reason.as_str()),
        (Some(p), "manual")
    );
    assert!(d.sla.intervention.is_none(), "a package has no SLA clock");
    assert!(d.entitlement.quote_required && d.entitlement.billable_extra);
    let err = tickets::set_terms(
        &mut s,
        t,
        &tickets::TicketTerms {
            contract_id: Some(old),
            ..terms
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::ContractExpired);
}

#[test]
fn bad_contracts_are_refused_and_write_nothing() {
    let (mut s, _clock) = store();
    let c = client(&mut s, "Lavanderia Sole");
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let before = (snapshot(&s), count(&s, "contracts"));
    let bad = |input: ContractInput| input;
    let cases = [
        (
            bad(ContractInput {
                included_minutes: Some(-60),
                package_mode: Some(PackageMode::Remote),
                ..base(&c, ContractKind::HourPackage, "2026-01-01")
            }),
            Code::OutOfRange,
            "included_minutes",
        ),
        (
            bad(ContractInput {
                included_minutes: Some(600),
                ends_on: Some("2025-12-31".into()),
                ..base(&c, ContractKind::HourPackage, "2026-01-01")
            }),
            Code::InvalidPeriod,
            "ends_on",
        ),
        (
            bad(ContractInput {
                client_id: rapportino_core::ids::ClientId::new(),
                included_minutes: Some(600),
                ..base(&c, ContractKind::HourPackage, "2026-01-01")
            }),
            Code::NotFound,
            "client_id",
        ),
        (
            bad(ContractInput {
                ..base(&c, ContractKind::Sla, "2026-01-01")
            }),
            Code::Required,
            "calendar_id",
        ),
        (
            bad(ContractInput {
                calendar_id: Some(cal),
                extra_time_allowed: true,
                ..base(&c, ContractKind::Sla, "2026-01-01")
            }),
            Code::Required,
            "extra_time_pin",
        ),
        (
            bad(ContractInput {
                calendar_id: Some(cal),
                extra_time_allowed: true,
                extra_time_pin: Some("12".into()),
                ..base(&c, ContractKind::Sla, "2026-01-01")
            }),
            Code::InvalidFormat,
            "extra_time_pin",
        ),
        (
            bad(ContractInput {
                incident_tickets: Some(0),
                ..base(&c, ContractKind::IncidentPack, "2026-01-01")
            }),
            Code::OutOfRange,
            "incident_tickets",
        ),
        (
            bad(ContractInput {
                rates: Rates {
                    overage_rate_cents: Some(-1),
                    ..Default::default()
                },
                ..base(&c, ContractKind::TimeMaterials, "2026-01-01")
            }),
            Code::OutOfRange,
            "overage_rate_cents",
        ),
    ];
    for (input, code, field) in cases {
        let err = contracts::create(&mut s, &input).unwrap_err();
        assert_eq!((err.code(), err.field()), (code, Some(field)), "{err}");
    }
    assert_eq!((snapshot(&s), count(&s, "contracts")), before);
}

/// Time logged by hand afterwards counts on the day the work was done: an hour done on 20/11 and
/// logged on 05/12 is paid by the package valid on 20/11 and appears in November's statement.
#[test]
fn manual_time_counts_on_the_day_it_was_done() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Tipografia Conti");
    let old = package(&mut s, &c, "2025-12-01", 12, PackageMode::Any);
    let new = package(&mut s, &c, "2026-12-01", 12, PackageMode::Any);
    clock.set(local("2026-12-05 09:00"));
    let t = open_ticket(&mut s, &c, Severity::Request, None);
    let i = intervention(&mut s, t, InterventionMode::OnSite).id;
    let manual = interventions::ManualTimeInput {
        minutes: 60,
        started_at: Some(rfc("2026-11-20 09:00")),
        note: Some("lavoro registrato dopo".into()),
    };
    interventions::add_manual(&mut s, i, &manual).unwrap();
    assert!(!ledger::intervention_allocation(&s, i).unwrap().is_final);
    interventions::stop(&mut s, i).unwrap();
    let a = ledger::intervention_allocation(&s, i).unwrap();
    assert!(a.is_final);
    assert_eq!(
        (a.date.as_str(), a.lines[0].contract_id),
        ("2026-11-20", Some(old))
    );
    let nov = statements::monthly(&s, c.id, 2026, 11).unwrap();
    assert_eq!(nov.billed_minutes, 60);
    let bal = ledger::client_balances(&s, c.id, None).unwrap();
    let b = bal.balances.iter().find(|b| b.contract_id == new).unwrap();
    assert_eq!(b.used_minutes, 0);
}

/// A package chosen on the ticket (or on the intervention) pays first, ahead of the SLA's
/// included hours; a running timer shows in the preview but never in the balances.
#[test]
fn a_chosen_contract_pays_first_and_a_running_timer_is_only_previewed() {
    let (mut s, clock) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Agenzia Viaggi Rota");
    let k = sla_contract(&mut s, &c, cal);
    let p = package(&mut s, &c, "2026-01-01", 24, PackageMode::Remote);
    let mut input = new_ticket(&c, "VPN");
    input.contract_id = Some(p);
    let t = tickets::open(&mut s, &input).unwrap().id;
    let i = work(
        &mut s,
        &clock,
        t,
        InterventionMode::Remote,
        "2026-11-16 10:00",
        60,
    );
    assert_eq!(lines(&s, i)[0].1, AllocationReason::Chosen);
    assert_eq!(lines(&s, i)[0].2, Some(contracts::get(&s, p).unwrap().name));

    let t2 = open_ticket(&mut s, &c, Severity::Request, None);
    let i2 = work(
        &mut s,
        &clock,
        t2,
        InterventionMode::Remote,
        "2026-11-17 10:00",
        30,
    );
    assert_eq!(lines(&s, i2)[0].0, Source::SlaIncluded);
    let a = ledger::pay_from(&mut s, i2, Some(p)).unwrap();
    assert_eq!(
        (a.lines[0].reason, a.lines[0].contract_id),
        (AllocationReason::Chosen, Some(p))
    );
    ledger::pay_from(&mut s, i2, None).unwrap();
    assert_eq!(
        lines(&s, i2)[0].2,
        Some(contracts::get(&s, k).unwrap().name)
    );

    clock.set(local("2026-11-18 09:00"));
    let running = intervention(&mut s, t2, InterventionMode::Remote).id;
    interventions::start(&mut s, running).unwrap();
    clock.advance(chrono::Duration::minutes(50));
    let preview = ledger::intervention_allocation(&s, running).unwrap();
    assert!(!preview.is_final);
    assert_eq!((preview.worked_minutes, preview.billed_minutes), (50, 60));
    let sla_used = |s: &Store| {
        ledger::client_balances(s, c.id, None)
            .unwrap()
            .balances
            .into_iter()
            .find(|b| b.contract_id == k)
            .unwrap()
            .used_minutes
    };
    assert_eq!(sla_used(&s), 30, "the running work is not in the balance");
}

#[test]
fn presets_travel_as_their_codes() {
    let json = serde_json::to_string(&CalendarPreset::FiveByEight).unwrap();
    assert_eq!(json, "\"5x8\"");
    let back: CalendarPreset = serde_json::from_str("\"24x7\"").unwrap();
    assert_eq!(back, CalendarPreset::AlwaysOpen);
}

/// Under extra time the billed minutes split in the proportion of the work outside the window:
/// 20 minutes on a Sunday, rounded to 30, are 30 minutes of extra time at 67,50 €/h = 33,75 €.
/// On a Sunday a running SLA clock does not count down (`counting_now` false).
#[test]
fn extra_time_keeps_its_rounding() {
    let (mut s, clock) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Residence Le Vele");
    sla_contract(&mut s, &c, cal);
    clock.set(local("2026-11-22 10:00"));
    let mut input = new_ticket(&c, "Allarme");
    input.severity = Severity::Degraded;
    let t = tickets::open(&mut s, &input).unwrap().id;
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert!(i.running && !i.counting_now, "Sunday: closed");
    tickets::claim_extra_time(&mut s, t, "4711").unwrap();
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert!(i.counting_now, "extra time runs in wall-clock time");
    let w = work(
        &mut s,
        &clock,
        t,
        InterventionMode::Remote,
        "2026-11-22 10:05",
        20,
    );
    let a = ledger::intervention_allocation(&s, w).unwrap();
    assert_eq!((a.billed_minutes, a.extra_time_minutes), (30, 30));
    assert_eq!(lines(&s, w)[0].4, 3_375);
    assert_eq!(lines(&s, w).len(), 1);
}

/// Extra time is surcharged outside the coverage of the ticket's severity, not of the contract's
/// own calendar: the contract runs 5x8 but covers blocking tickets 7x8 (08:30–12:30, 14:00–18:00
/// every day). On Sunday 22 November, under extra time:
/// - blocking, 10:05–10:25: inside 7x8, so not extra time: 20 minutes billed 30 (minimum), drawn
///   from the 120 included, 0 €;
/// - degraded, 10:30–10:50: the contract's 5x8 is closed on Sunday: 30 minutes of extra time at
///   45 €/h × 150 % = 67,50 €/h, 33,75 €;
/// - blocking, 19:00–19:20: outside 7x8 too: 30 minutes of extra time, 33,75 €.
#[test]
fn extra_time_follows_the_severity_calendar() {
    let (mut s, clock) = store();
    let five = calendar(&mut s, CalendarPreset::FiveByEight);
    let seven = calendar(&mut s, CalendarPreset::SevenByEight);
    let c = client(&mut s, "Residence Le Vele");
    let mut input = sla_contract_input(&c, five);
    input.severity_calendars.blocking = Some(seven);
    let k = contracts::create(&mut s, &input).unwrap().id;
    clock.set(local("2026-11-22 10:00"));
    let mut ticket = |severity| {
        let mut input = new_ticket(&c, "Allarme");
        input.severity = severity;
        let t = tickets::open(&mut s, &input).unwrap().id;
        tickets::claim_extra_time(&mut s, t, "4711").unwrap();
        t
    };
    let (blocking, degraded) = (ticket(Severity::Blocking), ticket(Severity::Degraded));
    let covered = work(
        &mut s,
        &clock,
        blocking,
        InterventionMode::Remote,
        "2026-11-22 10:05",
        20,
    );
    let a = ledger::intervention_allocation(&s, covered).unwrap();
    assert_eq!(
        (a.billed_minutes, a.extra_time_minutes, a.charges_cents),
        (30, 0, 0),
        "blocking on Sunday morning is covered 7x8"
    );
    assert_eq!(
        lines(&s, covered)
            .iter()
            .map(|l| (l.3, l.4))
            .collect::<Vec<_>>(),
        [(30, 0)]
    );
    let five_by_eight = work(
        &mut s,
        &clock,
        degraded,
        InterventionMode::Remote,
        "2026-11-22 10:30",
        20,
    );
    let a = ledger::intervention_allocation(&s, five_by_eight).unwrap();
    assert_eq!((a.billed_minutes, a.extra_time_minutes), (30, 30));
    assert_eq!(lines(&s, five_by_eight)[0].4, 3_375);
    let evening = work(
        &mut s,
        &clock,
        blocking,
        InterventionMode::Remote,
        "2026-11-22 19:00",
        20,
    );
    let a = ledger::intervention_allocation(&s, evening).unwrap();
    assert_eq!((a.billed_minutes, a.extra_time_minutes), (30, 30));
    assert_eq!(lines(&s, evening)[0].4, 3_375);
    let used = ledger::client_balances(&s, c.id, None)
        .unwrap()
        .balances
        .into_iter()
        .find(|b| b.contract_id == k)
        .unwrap()
        .used_minutes;
    assert_eq!(
        used, 30,
        "only the covered work draws on the included hours"
    );
}

#[test]
fn a_client_class_must_exist() {
    let (mut s, _clock) = store();
    let input = ClientInput {
        name: "Officina Gold".into(),
        customer_class: Some("gold2".into()),
        ..Default::default()
    };
    let before = snapshot(&s);
    let err = clients::create(&mut s, &input).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (Code::NotFound, Some("customer_class"))
    );
    assert_eq!(snapshot(&s), before);
    classes::create(
        &mut s,
        &classes::CustomerClassInput {
            code: "gold2".into(),
            name: "Oro 2".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        clients::create(&mut s, &input).unwrap().customer_class,
        "gold2"
    );
}

/// Wrong extra-time PINs are limited per ticket: the sixth try within 15 minutes is refused
/// (`PIN_LOCKED`) even with the right PIN; after the window the right PIN works. The PIN is
/// stored as argon2id, never in clear.
#[test]
fn wrong_pins_are_limited_per_ticket() {
    let (mut s, clock) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Residence Le Vele");
    let k = sla_contract(&mut s, &c, cal);
    let hash: String = s
        .conn()
        .query_row(
            "SELECT extra_time_pin_hash FROM contracts WHERE id = ?1",
            [k.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    clock.set(local("2026-11-22 10:00"));
    let t = tickets::open(&mut s, &new_ticket(&c, "Allarme"))
        .unwrap()
        .id;
    for _ in 0..5 {
        let err = tickets::claim_extra_time(&mut s, t, "0000").unwrap_err();
        assert_eq!(err.code(), Code::WrongPin);
    }
    let err = tickets::claim_extra_time(&mut s, t, "4711").unwrap_err();
    assert_eq!(err.code(), Code::PinLocked);
    // Another ticket is not locked.
    let other = tickets::open(&mut s, &new_ticket(&c, "Rete")).unwrap().id;
    tickets::claim_extra_time(&mut s, other, "4711").unwrap();
    clock.advance(chrono::Duration::minutes(16));
    tickets::claim_extra_time(&mut s, t, "4711").unwrap();
}

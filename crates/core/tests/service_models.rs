//! The five service models of PRODUCT.md, each told as the story a shop would tell, with the
//! numbers worked out by hand in the comments. All times are Europe/Rome local.
#![allow(clippy::unwrap_used)] // helpers outside #[test]: a failure is the test failing

mod common;

use common::services::*;
use common::*;
use rapportino_core::calendars::CalendarPreset;
use rapportino_core::classes;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::contracts::{self, ContractInput, ContractKind, PackageMode};
use rapportino_core::entitlement::EntitlementIssue;
use rapportino_core::ids::ContractId;
use rapportino_core::interventions::{self, InterventionMode};
use rapportino_core::ledger::{self, AllocationReason, BalanceStatus, Source};
use rapportino_core::sla::{self, SlaState};
use rapportino_core::tickets::{self, Origin, Severity, TicketStatus};
use rapportino_core::views::{self, statements};
use rapportino_core::Code;

/// Model 1. A blocking ticket reported on Friday 20/11/2026 at 17:50 on a 5x8 contract (intervention
/// within 2 business hours): 5 minutes count on Friday (17:55–18:00), the other 115 from Monday
/// 08:30, so it is due on Monday at 10:25. At 09:56 it has used 5 + 86 = 91 of 120 minutes (≥ 75%:
/// at risk); at 10:30 it is breached by 5 minutes. The same call under extra time runs at once:
/// due Friday at 19:55. So does a blocking ticket on a 24x7 contract.
#[test]
fn blocking_ticket_friday_evening_on_a_5x8_contract() {
    let (mut s, clock) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Studio Notarile Bianchi");
    sla_contract(&mut s, &c, cal);
    clock.set(local("2026-11-20 17:55"));
    let t = open_ticket(&mut s, &c, Severity::Blocking, Some("2026-11-20 17:50"));

    let sla = sla::for_ticket(&s, t).unwrap();
    let response = sla.response.clone().unwrap();
    assert_eq!((response.used_minutes, response.state), (5, SlaState::Met));
    let clock_i = sla.intervention.clone().unwrap();
    assert_eq!(
        clock_i.due_at.as_deref(),
        Some(rfc("2026-11-23 10:25").as_str())
    );
    assert_eq!(
        (clock_i.left_minutes, clock_i.state),
        (120, SlaState::OnTime)
    );
    assert!(!sla.wall_clock);

    clock.set(local("2026-11-23 09:56"));
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert_eq!(
        (i.used_minutes, i.left_minutes, i.state),
        (91, 29, SlaState::AtRisk)
    );

    clock.set(local("2026-11-23 10:30"));
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert_eq!((i.left_minutes, i.state), (-5, SlaState::Breached));
    transition(&mut s, t, TicketStatus::Taken);
    clock.set(local("2026-11-24 12:00"));
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert_eq!(
        (i.used_minutes, i.state, i.running),
        (125, SlaState::Breached, false)
    );

    // Extra time: a wrong PIN writes nothing; the right one makes the clock run at once.
    clock.set(local("2026-11-20 17:55"));
    let mut input = new_ticket(&c, "Server giù, chiamata fuori orario");
    input.severity = Severity::Blocking;
    input.extra_time_pin = Some("0000".into());
    let before = snapshot(&s);
    assert_eq!(
        tickets::open(&mut s, &input).unwrap_err().code(),
        Code::WrongPin
    );
    assert_eq!(snapshot(&s), before);
    input.extra_time_pin = Some("4711".into());
    let extra = tickets::open(&mut s, &input).unwrap();
    assert!(extra.extra_time);
    let sla = sla::for_ticket(&s, extra.id).unwrap();
    assert!(sla.wall_clock);
    assert_eq!(
        sla.intervention.unwrap().due_at.as_deref(),
        Some(rfc("2026-11-20 19:55").as_str())
    );

    // 24x7: runs at once without extra time.
    let always = calendar(&mut s, CalendarPreset::AlwaysOpen);
    let h24 = client(&mut s, "Ospedale San Luca");
    sla_contract(&mut s, &h24, always);
    let t24 = open_ticket(&mut s, &h24, Severity::Blocking, None);
    let due = sla::for_ticket(&s, t24)
        .unwrap()
        .intervention
        .unwrap()
        .due_at;
    assert_eq!(due.as_deref(), Some(rfc("2026-11-20 19:55").as_str()));
}

/// Model 1, narrow desk. A request e-mailed on Thursday 19/11/2026 at 17:00 to a Mon–Fri 15–18 desk
/// must be taken in charge within 4 working hours: 1 hour on Thursday, 3 on Friday → due Friday
/// 18:00. Waiting for the client from Friday 16:30 to Monday 15:30 pauses the clock: taken on
/// Monday at 15:30 it has used 60 + 90 = 150 minutes and is met (without the pause it would have
/// used 60 + 180 + 30 = 270, breached). An e-mail at 19:00 starts counting on Friday at 15:00 and
/// is due on Monday at 16:00.
#[test]
fn request_emailed_thursday_to_a_narrow_desk() {
    let (mut s, clock) = store();
    let desk = calendar(&mut s, CalendarPreset::Desk);
    let c = client(&mut s, "Ferramenta Colombo");
    sla_contract(&mut s, &c, desk);
    clock.set(local("2026-11-19 17:00"));
    let t = open_ticket(&mut s, &c, Severity::Request, None);
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert_eq!(i.due_at.as_deref(), Some(rfc("2026-11-20 18:00").as_str()));

    clock.set(local("2026-11-20 16:30"));
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert_eq!((i.used_minutes, i.state), (150, SlaState::OnTime));
    transition(&mut s, t, TicketStatus::WaitingClient);
    clock.set(local("2026-11-23 15:10"));
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert!(i.paused && !i.running);
    assert_eq!((i.used_minutes, i.left_minutes, i.due_at), (150, 90, None));
    clock.set(local("2026-11-23 15:30"));
    transition(&mut s, t, TicketStatus::Taken);
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert_eq!((i.used_minutes, i.state), (150, SlaState::Met));

    clock.set(local("2026-11-19 19:05"));
    let late = open_ticket(&mut s, &c, Severity::Request, Some("2026-11-19 19:00"));
    let i = sla::for_ticket(&s, late).unwrap().intervention.unwrap();
    assert_eq!(i.counting_from, rfc("2026-11-20 15:00"));
    assert_eq!(i.due_at.as_deref(), Some(rfc("2026-11-23 16:00").as_str()));

    // The urgency list puts the running clock first.
    clock.set(local("2026-11-20 16:00"));
    let list = views::urgency_list(&s, &Default::default(), &Default::default()).unwrap();
    assert_eq!(list.items[0].ticket.id, late);
}

/// Model 2. Remote package A (12 h, bought 01/12/2025, valid to 30/11/2026), remote package B
/// (24 h, from 01/06/2026) and on-site package C (12 h, from 10/01/2026). Rounding 15, minimum 30.
/// - 16/11 remote 10h30 → A (earliest expiry) 630, A left 90;
/// - 26/11 remote 1 h → A 60, A left 30;
/// - A expires on 30/11 with 30 minutes forfeited;
/// - 02/12 remote 1 h → B 60;
/// - 03/12 remote 20 min (minimum 30) → B 30, escalated to on-site 1h50 (rounded 2 h) → C 120.
#[test]
fn two_remote_packages_across_an_expiry_then_an_escalation_on_site() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Panificio Esposito");
    let a = package(&mut s, &c, "2025-12-01", 12, PackageMode::Remote);
    let b = package(&mut s, &c, "2026-06-01", 24, PackageMode::Remote);
    let cc = package(&mut s, &c, "2026-01-10", 12, PackageMode::OnSite);
    let name = |id| contracts::get(&s, id).unwrap().name;
    let (na, nb, nc) = (name(a), name(b), name(cc));

    clock.set(local("2026-11-16 10:00"));
    let t1 = open_ticket(&mut s, &c, Severity::Degraded, None);
    let i1 = work(
        &mut s,
        &clock,
        t1,
        InterventionMode::Remote,
        "2026-11-16 10:00",
        630,
    );
    let early = Source::Package;
    let why = AllocationReason::PackageEarliestExpiry;
    assert_eq!(lines(&s, i1), vec![(early, why, Some(na.clone()), 630, 0)]);

    clock.set(local("2026-11-26 09:00"));
    let t2 = open_ticket(&mut s, &c, Severity::Request, None);
    let i2 = work(
        &mut s,
        &clock,
        t2,
        InterventionMode::Remote,
        "2026-11-26 09:00",
        60,
    );
    assert_eq!(lines(&s, i2), vec![(early, why, Some(na.clone()), 60, 0)]);

    clock.set(local("2026-12-02 09:00"));
    let t3 = open_ticket(&mut s, &c, Severity::Request, None);
    let i3 = work(
        &mut s,
        &clock,
        t3,
        InterventionMode::Remote,
        "2026-12-02 09:00",
        60,
    );
    assert_eq!(lines(&s, i3), vec![(early, why, Some(nb.clone()), 60, 0)]);

    clock.set(local("2026-12-03 09:00"));
    let t4 = open_ticket(&mut s, &c, Severity::Degraded, None);
    let remote = work(
        &mut s,
        &clock,
        t4,
        InterventionMode::Remote,
        "2026-12-03 09:00",
        20,
    );
    clock.set(local("2026-12-03 10:00"));
    let on_site = interventions::escalate(&mut s, remote, None).unwrap().id;
    interventions::start(&mut s, on_site).unwrap();
    clock.advance(chrono::Duration::minutes(110));
    interventions::stop(&mut s, on_site).unwrap();
    let r = ledger::intervention_allocation(&s, remote).unwrap();
    assert_eq!((r.worked_minutes, r.billed_minutes), (20, 30));
    assert_eq!(
        lines(&s, remote),
        vec![(early, why, Some(nb.clone()), 30, 0)]
    );
    assert_eq!(
        lines(&s, on_site),
        vec![(early, why, Some(nc.clone()), 120, 0)]
    );

    let bal = ledger::client_balances(&s, c.id, Some(day("2026-12-05"))).unwrap();
    let of = |id: ContractId| {
        bal.balances
            .iter()
            .find(|b| b.contract_id == id)
            .unwrap()
            .clone()
    };
    let (ba, bb, bc) = (of(a), of(b), of(cc));
    assert_eq!(
        (ba.status, ba.used_minutes, ba.forfeited_minutes),
        (BalanceStatus::Expired, 690, 30)
    );
    assert_eq!(
        (bb.status, bb.used_minutes, bb.remaining_minutes),
        (BalanceStatus::Active, 90, Some(1350))
    );
    assert_eq!((bc.used_minutes, bc.remaining_minutes), (120, Some(600)));

    // November's statement: A used 690 and expiring, C expiring within 60 days.
    let st = statements::monthly(&s, c.id, 2026, 11).unwrap();
    assert_eq!(st.interventions.len(), 2);
    assert_eq!(st.billed_minutes, 690);
    assert_eq!(st.usage.len(), 1);
    assert_eq!(
        (st.usage[0].contract_id, st.usage[0].minutes),
        (Some(a), 690)
    );
    let expiring: Vec<_> = st.expiring.iter().map(|b| b.contract_id).collect();
    assert!(expiring.contains(&a) && expiring.contains(&cc) && !expiring.contains(&b));

    // Choosing an expired package to pay is refused, nothing written.
    let before = snapshot(&s);
    let err = ledger::pay_from(&mut s, i3, Some(a)).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (Code::ContractExpired, Some("contract_id"))
    );
    let err = ledger::pay_from(&mut s, i3, Some(cc)).unwrap_err();
    assert_eq!(err.code(), Code::ContractNotApplicable);
    assert_eq!(snapshot(&s), before);
}

/// A late correction re-allocates deterministically: two remote interventions on a 12 h package,
/// 10 h then 3 h: the second overflows by 1 hour into overage. Voiding the first one's time by
/// mistake-correction gives the whole 3 h to the package.
#[test]
fn a_late_correction_reallocates_deterministically() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Autofficina Greco");
    let p = package(&mut s, &c, "2026-01-01", 12, PackageMode::Any);
    let t = open_ticket(&mut s, &c, Severity::Request, None);
    let i1 = work(
        &mut s,
        &clock,
        t,
        InterventionMode::Remote,
        "2026-11-16 08:00",
        600,
    );
    let i2 = work(
        &mut s,
        &clock,
        t,
        InterventionMode::Remote,
        "2026-11-17 09:00",
        180,
    );
    let l2 = lines(&s, i2);
    assert_eq!(l2.len(), 2);
    assert_eq!((l2[0].0, l2[0].3), (Source::Package, 120));
    // Overage at the shop's default remote rate (40 €/h): 60 minutes = 40,00 €.
    assert_eq!((l2[1].0, l2[1].3, l2[1].4), (Source::Overage, 60, 4_000));
    assert_eq!(lines(&s, i2), l2, "same facts, same split");

    let entry = interventions::detail(&s, i1).unwrap().time_entries[0].id;
    interventions::void_entry(&mut s, entry, "segnato sul cliente sbagliato").unwrap();
    assert!(lines(&s, i1).is_empty());
    assert_eq!(lines(&s, i2)[0].3, 180);
    let bal = ledger::client_balances(&s, c.id, None).unwrap();
    assert_eq!(bal.balances[0].contract_id, p);
    assert_eq!(bal.balances[0].used_minutes, 180);
}

/// Model 4. A licence holder has 5 free hours a year (class `licence`, e-mail and web form only).
/// 3 h remote → free hours; 3 h more → 2 h free + 1 h overage at the shop's remote rate (40 €);
/// then a case that turns out to be a bug of the shop's product: 2 h at zero. A phone call is
/// flagged: the class is not entitled to it.
#[test]
fn licence_holder_free_hours_then_a_bug_at_zero() {
    let (mut s, clock) = store();
    classes::install_presets(&mut s).unwrap();
    let c = clients::create(
        &mut s,
        &ClientInput {
            name: "Cartoleria Moretti".into(),
            customer_class: Some("licence".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let free = contracts::create(
        &mut s,
        &ContractInput {
            included_minutes: Some(300),
            customer_class: Some("licence".into()),
            ..base(&c, ContractKind::FreeHours, "2026-01-01")
        },
    )
    .unwrap()
    .id;
    let t1 = open_ticket(&mut s, &c, Severity::Request, None);
    assert!(views::ticket_detail(&s, t1).unwrap().entitlement.ok);
    let i1 = work(
        &mut s,
        &clock,
        t1,
        InterventionMode::Remote,
        "2026-11-16 09:00",
        180,
    );
    assert_eq!(lines(&s, i1)[0].0, Source::FreeHours);
    let t2 = open_ticket(&mut s, &c, Severity::Request, None);
    let i2 = work(
        &mut s,
        &clock,
        t2,
        InterventionMode::Remote,
        "2026-11-17 09:00",
        180,
    );
    let l = lines(&s, i2);
    assert_eq!((l[0].0, l[0].3), (Source::FreeHours, 120));
    assert_eq!(
        (l[1].0, l[1].1, l[1].3, l[1].4),
        (Source::Overage, AllocationReason::Overage, 60, 4_000)
    );

    let mut bug = new_ticket(&c, "Il modulo fatture va in errore");
    bug.is_bug = true;
    bug.origin = Origin::Email;
    let t3 = tickets::open(&mut s, &bug).unwrap().id;
    let i3 = work(
        &mut s,
        &clock,
        t3,
        InterventionMode::Remote,
        "2026-11-18 09:00",
        120,
    );
    assert_eq!(
        lines(&s, i3),
        vec![(Source::Bug, AllocationReason::Bug, None, 120, 0)]
    );
    let bal = ledger::client_balances(&s, c.id, None).unwrap();
    let b = &bal.balances[0];
    assert_eq!(
        (b.contract_id, b.used_minutes, b.remaining_minutes, b.status),
        (free, 300, Some(0), BalanceStatus::Exhausted)
    );

    let mut phone = new_ticket(&c, "Telefonata");
    phone.origin = Origin::Phone;
    let t4 = tickets::open(&mut s, &phone).unwrap().id;
    let e = views::ticket_detail(&s, t4).unwrap().entitlement;
    assert_eq!(e.issues, vec![EntitlementIssue::ChannelNotEntitled]);
}

/// Model 3. A pack of 3 incident tickets. A 2-hour case closed consumes one ticket whatever the
/// time; an open case is covered pending its closing; closing it consumes the second.
#[test]
fn incident_pack_consumed_on_close() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Farmacia Ricci");
    let pack = contracts::create(
        &mut s,
        &ContractInput {
            incident_tickets: Some(3),
            ..base(&c, ContractKind::IncidentPack, "2026-11-01")
        },
    )
    .unwrap()
    .id;
    let t1 = open_ticket(&mut s, &c, Severity::Degraded, None);
    let i1 = work(
        &mut s,
        &clock,
        t1,
        InterventionMode::OnSite,
        "2026-11-16 09:00",
        120,
    );
    assert_eq!(lines(&s, i1)[0].1, AllocationReason::IncidentPending);
    transition(&mut s, t1, TicketStatus::Resolved);
    transition(&mut s, t1, TicketStatus::Closed);
    assert_eq!(lines(&s, i1)[0].1, AllocationReason::IncidentPack);
    assert_eq!(
        ledger::intervention_allocation(&s, i1)
            .unwrap()
            .charges_cents,
        0
    );
    let b = ledger::client_balances(&s, c.id, None).unwrap().balances[0].clone();
    assert_eq!(
        (b.contract_id, b.incident_used, b.incident_left),
        (pack, 1, Some(2))
    );

    let t2 = open_ticket(&mut s, &c, Severity::Request, None);
    work(
        &mut s,
        &clock,
        t2,
        InterventionMode::Remote,
        "2026-11-17 09:00",
        45,
    );
    transition(&mut s, t2, TicketStatus::Resolved);
    transition(&mut s, t2, TicketStatus::Closed);
    let st = statements::monthly(&s, c.id, 2026, 11).unwrap();
    assert_eq!((st.incident_tickets_used, st.incident_tickets_left), (2, 1));
}

/// Model 1, hours. An SLA contract with 2 included hours a year, 45 €/h beyond, extra time at
/// 150%. Friday 20/11 18:00–20:00 under extra time (outside the 5x8 window): 120 minutes at
/// 67,50 €/h = 135,00 €, not drawn from the included hours. Monday 23/11 09:00–11:30: 120 minutes
/// included, 30 minutes overage = 22,50 €.
#[test]
fn sla_included_hours_extra_time_and_overage() {
    let (mut s, clock) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Hotel Bellavista");
    let k = sla_contract(&mut s, &c, cal);
    clock.set(local("2026-11-20 17:58"));
    let mut input = new_ticket(&c, "Centralino fuori uso");
    input.severity = Severity::Blocking;
    input.extra_time_pin = Some("4711".into());
    let t = tickets::open(&mut s, &input).unwrap().id;
    let i = work(
        &mut s,
        &clock,
        t,
        InterventionMode::OnSite,
        "2026-11-20 18:00",
        120,
    );
    let a = ledger::intervention_allocation(&s, i).unwrap();
    assert_eq!(a.extra_time_minutes, 120);
    assert_eq!(
        lines(&s, i),
        vec![(
            Source::ExtraTime,
            AllocationReason::ExtraTime,
            Some(contracts::get(&s, k).unwrap().name),
            120,
            13_500
        )]
    );

    let t2 = open_ticket(&mut s, &c, Severity::Degraded, None);
    let i2 = work(
        &mut s,
        &clock,
        t2,
        InterventionMode::OnSite,
        "2026-11-23 09:00",
        150,
    );
    let l = lines(&s, i2);
    assert_eq!((l[0].0, l[0].3), (Source::SlaIncluded, 120));
    assert_eq!((l[1].0, l[1].3, l[1].4), (Source::Overage, 30, 2_250));
    let b = ledger::client_balances(&s, c.id, None).unwrap().balances[0].clone();
    assert_eq!(
        (b.used_minutes, b.remaining_minutes, b.period_start.as_str()),
        (120, Some(0), "2026-01-01")
    );
}

/// Model 5. No contract: on-site 1h10 rounded to 1h15 at the shop's 50 €/h = 62,50 €, call-out
/// 30,00 €, 25 km at 0,40 € = 10,00 €. The ticket is flagged: no valid contract.
#[test]
fn time_and_materials_without_contract() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Bar Centrale");
    let t = open_ticket(&mut s, &c, Severity::Degraded, None);
    let e = views::ticket_detail(&s, t).unwrap().entitlement;
    assert!(e.issues.contains(&EntitlementIssue::NoValidContract));
    let i = work(
        &mut s,
        &clock,
        t,
        InterventionMode::OnSite,
        "2026-11-16 09:00",
        70,
    );
    interventions::update(
        &mut s,
        i,
        &interventions::InterventionPatch {
            travel_km: Some(25.0),
            ..Default::default()
        },
    )
    .unwrap();
    let a = ledger::intervention_allocation(&s, i).unwrap();
    assert_eq!((a.worked_minutes, a.billed_minutes), (70, 75));
    assert_eq!(
        lines(&s, i),
        vec![
            (
                Source::Overage,
                AllocationReason::NoContract,
                None,
                75,
                6_250
            ),
            (Source::Callout, AllocationReason::Callout, None, 0, 3_000),
            (Source::Travel, AllocationReason::Travel, None, 0, 1_000),
        ]
    );
    assert_eq!(a.charges_cents, 10_250);
}

/// On-site work under a remote-only package is not "beyond the hours": it is not covered, and
/// the line says why (issue 14 #8).
#[test]
fn on_site_work_under_a_remote_only_package_is_not_covered_and_says_so() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Cartoleria Esposito");
    let p = package(&mut s, &c, "2026-01-01", 10, PackageMode::Remote);
    let name = contracts::get(&s, p).unwrap().name;
    clock.set(local("2026-11-16 10:00"));
    let t = open_ticket(&mut s, &c, Severity::Degraded, None);
    let on_site = work(
        &mut s,
        &clock,
        t,
        InterventionMode::OnSite,
        "2026-11-16 10:00",
        60,
    );
    let got = lines(&s, on_site);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Source::Overage);
    assert_eq!(got[0].1, AllocationReason::PackageRemoteOnly);
    // The same work done remotely draws from the package.
    let t2 = open_ticket(&mut s, &c, Severity::Degraded, None);
    let remote = work(
        &mut s,
        &clock,
        t2,
        InterventionMode::Remote,
        "2026-11-16 12:00",
        60,
    );
    let got = lines(&s, remote);
    assert_eq!(got[0].1, AllocationReason::PackageEarliestExpiry);
    assert_eq!(got[0].2, Some(name));
}

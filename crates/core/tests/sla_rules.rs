//! Issue 17, items 4, 6 and 7: customer class priority in the urgency list, the resolution target
//! and a coverage calendar per severity. Each scenario's numbers are worked out by hand in its
//! comment; all times are Europe/Rome local.
#![allow(clippy::unwrap_used)] // helpers outside #[test]: a failure is the test failing

mod common;

use common::services::*;
use common::*;
use rapportino_core::calendars::CalendarPreset;
use rapportino_core::classes;
use rapportino_core::clients::{self, Client, ClientInput};
use rapportino_core::contracts::{
    self, ContractInput, ContractKind, SeverityCalendars, SlaTarget, SlaTargets,
};
use rapportino_core::ids::{CalendarId, TicketId};
use rapportino_core::sla::{self, ClockKind, SlaState};
use rapportino_core::tickets::{Severity, TicketStatus};
use rapportino_core::views;
use rapportino_core::{Code, Store};

/// A client of the given customer class (`none`: no class).
fn client_of_class(s: &mut Store, name: &str, class: &str) -> Client {
    let c = client(s, name);
    let mut input = ClientInput::from(&c);
    input.customer_class = Some(class.into());
    clients::update(s, c.id, &input).unwrap()
}

fn targets(intervention: i64, resolution: Option<i64>) -> SlaTarget {
    SlaTarget {
        response_minutes: Some(30),
        intervention_minutes: Some(intervention),
        resolution_minutes: resolution,
    }
}

/// An SLA contract's form on `cal` with targets for every severity.
fn sla_input(c: &Client, cal: CalendarId) -> ContractInput {
    ContractInput {
        calendar_id: Some(cal),
        targets: SlaTargets {
            blocking: targets(120, Some(480)),
            degraded: targets(480, None),
            request: targets(240, None),
        },
        ..base(c, ContractKind::Sla, "2026-01-01")
    }
}

/// Item 4. Three clients on a 24x7 contract (degraded: intervention within 120 minutes, no
/// resolution target): Alfa of class `agreement` (priority 3), Beta of `licence` (1), Gamma with
/// no class (0). At Monday 16/11/2026 10:00, the degraded tickets opened at:
/// - t1 Beta 07:50: 130 of 120 used, breached, 10 left → -10;
/// - t7 Gamma 07:00: 180 used, breached, -60;
/// - t3 Gamma 08:20: 100 used (83%), at risk, 20 left;
/// - t4 Alfa 08:30: 90 used (75%), at risk, 30 left;
/// - t2 Alfa 09:00: 60 used, on time, 60 left;
/// - t5 Beta 09:30: 30 used, on time, 90 left;
/// - t8 Alfa 09:50: 10 used, on time, 110 left;
/// - t6 Alfa 09:40, taken at 09:45: no clock open.
///
/// Breached first, then at risk, then on time, then no open clock; within each state the class
/// priority, then the minutes left: t1, t7 | t4, t3 | t2, t8, t5 | t6. By minutes left alone it
/// would be t7, t1, t3, t4, t2, t5, t8, t6.
#[test]
fn class_priority_orders_the_urgency_list_after_the_sla_state() {
    let (mut s, clock) = store();
    classes::install_presets(&mut s).unwrap();
    let always = calendar(&mut s, CalendarPreset::AlwaysOpen);
    let alfa = client_of_class(&mut s, "Alfa Srl", "agreement");
    let beta = client_of_class(&mut s, "Beta Snc", "licence");
    let gamma = client_of_class(&mut s, "Gamma Spa", "none");
    for c in [&alfa, &beta, &gamma] {
        let mut input = sla_input(c, always);
        input.targets.degraded.intervention_minutes = Some(120);
        contracts::create(&mut s, &input).unwrap();
    }
    let at = |s: &mut Store, c: &Client, time: &str| -> TicketId {
        clock.set(local(&format!("2026-11-16 {time}")));
        open_ticket(s, c, Severity::Degraded, None)
    };
    let t1 = at(&mut s, &beta, "07:50");
    let t7 = at(&mut s, &gamma, "07:00");
    let t3 = at(&mut s, &gamma, "08:20");
    let t4 = at(&mut s, &alfa, "08:30");
    let t2 = at(&mut s, &alfa, "09:00");
    let t5 = at(&mut s, &beta, "09:30");
    let t8 = at(&mut s, &alfa, "09:50");
    let t6 = at(&mut s, &alfa, "09:40");
    clock.set(local("2026-11-16 09:45"));
    transition(&mut s, t6, TicketStatus::Taken);
    clock.set(local("2026-11-16 10:00"));

    let list = views::urgency_list(&s, &Default::default(), &Default::default()).unwrap();
    let order: Vec<TicketId> = list.items.iter().map(|u| u.ticket.id).collect();
    assert_eq!(order, vec![t1, t7, t4, t3, t2, t8, t5, t6]);
    let left: Vec<Option<i64>> = list
        .items
        .iter()
        .map(|u| u.sla.open_clock().map(|c| c.left_minutes))
        .collect();
    assert_eq!(
        left,
        vec![
            Some(-10),
            Some(-60),
            Some(30),
            Some(20),
            Some(60),
            Some(110),
            Some(90),
            None
        ]
    );
    let priorities: Vec<i64> = list.items.iter().map(|u| u.class_priority).collect();
    assert_eq!(priorities, vec![1, 0, 3, 0, 3, 3, 1, 3]);
}

/// Items 6 and 7. A 5x8 contract (Mon–Fri 08:30–12:30, 14:00–18:00) whose blocking tickets run on
/// 7x8 (every day, same hours): "weekend requests are handled on Monday unless blocking".
/// Blocking: intervention 120, resolution 480; degraded: intervention 480; request: 240.
///
/// Saturday 21/11/2026 at 10:00 three tickets are opened:
/// - blocking, on 7x8: intervention due Sat 12:00; resolution: Sat 10:00–12:30 (150) + 14:00–18:00
///   (240) = 390, the other 90 from Sunday 08:30 → due Sun 10:00;
/// - request, on 5x8: counts from Monday 08:30, 240 minutes → due Mon 12:30;
/// - degraded, on 5x8: 480 minutes → due Mon 18:00.
///
/// At Sat 11:45 the blocking intervention clock has used 105 of 120 (87%: at risk, 15 left) while
/// the request's has used nothing (on time, not counting now).
///
/// The blocking ticket is taken at Sat 11:00 (intervention met, 60 used), waits for the client
/// from Sat 15:00 to Sun 09:00, is resolved on Sun 16:00. Resolution: 150 + 60 = 210 before the
/// pause; after it 270 left: Sun 09:00–12:30 (210) then 60 from 14:00 → due Sun 15:00. At Sun
/// 12:00, 390 used (81%): at risk, 90 left. Resolved at 16:00: 210 + 210 + 120 = 540 used,
/// breached by 60.
#[test]
fn blocking_runs_on_7x8_over_the_weekend_with_a_resolution_target() {
    let (mut s, clock) = store();
    let five = calendar(&mut s, CalendarPreset::FiveByEight);
    let seven = calendar(&mut s, CalendarPreset::SevenByEight);
    let c = client(&mut s, "Officina Ferrari");
    let input = ContractInput {
        severity_calendars: SeverityCalendars {
            blocking: Some(seven),
            ..Default::default()
        },
        ..sla_input(&c, five)
    };
    contracts::create(&mut s, &input).unwrap();
    clock.set(local("2026-11-21 10:00"));
    let blocking = open_ticket(&mut s, &c, Severity::Blocking, None);
    let request = open_ticket(&mut s, &c, Severity::Request, None);
    let degraded = open_ticket(&mut s, &c, Severity::Degraded, None);

    let b = sla::for_ticket(&s, blocking).unwrap();
    assert_eq!(b.calendar_name.as_deref(), Some("Esteso 7x8"));
    let due = |c: &Option<sla::SlaClock>| c.as_ref().unwrap().due_at.clone().unwrap();
    assert_eq!(due(&b.intervention), rfc("2026-11-21 12:00"));
    assert_eq!(due(&b.resolution), rfc("2026-11-22 10:00"));
    assert_eq!(b.resolution.as_ref().unwrap().kind, ClockKind::Resolution);
    let r = sla::for_ticket(&s, request).unwrap();
    assert_eq!(r.calendar_name.as_deref(), Some("Standard 5x8"));
    assert_eq!(due(&r.intervention), rfc("2026-11-23 12:30"));
    assert!(r.resolution.is_none(), "no resolution target for requests");
    let d = sla::for_ticket(&s, degraded).unwrap();
    assert_eq!(due(&d.intervention), rfc("2026-11-23 18:00"));

    clock.set(local("2026-11-21 11:45"));
    let i = sla::for_ticket(&s, blocking).unwrap().intervention.unwrap();
    assert_eq!(
        (i.used_minutes, i.left_minutes, i.state),
        (105, 15, SlaState::AtRisk)
    );
    let i = sla::for_ticket(&s, request).unwrap().intervention.unwrap();
    assert_eq!(
        (i.used_minutes, i.state, i.counting_now),
        (0, SlaState::OnTime, false)
    );

    clock.set(local("2026-11-21 11:00"));
    transition(&mut s, blocking, TicketStatus::Taken);
    transition(&mut s, blocking, TicketStatus::InProgress);
    clock.set(local("2026-11-21 15:00"));
    transition(&mut s, blocking, TicketStatus::WaitingClient);
    clock.set(local("2026-11-22 09:00"));
    transition(&mut s, blocking, TicketStatus::InProgress);

    clock.set(local("2026-11-22 12:00"));
    let b = sla::for_ticket(&s, blocking).unwrap();
    let i = b.intervention.clone().unwrap();
    assert_eq!((i.used_minutes, i.state), (60, SlaState::Met));
    let res = b.resolution.clone().unwrap();
    assert_eq!(
        (res.used_minutes, res.left_minutes, res.state),
        (390, 90, SlaState::AtRisk)
    );
    assert_eq!(res.due_at, Some(rfc("2026-11-22 15:00")));
    // The resolution clock is the open one now: the urgency list ranks by it.
    assert_eq!(b.open_clock().unwrap().kind, ClockKind::Resolution);
    assert_eq!(b.deciding, Some(ClockKind::Resolution));

    clock.set(local("2026-11-22 16:00"));
    transition(&mut s, blocking, TicketStatus::Resolved);
    let b = sla::for_ticket(&s, blocking).unwrap();
    let res = b.resolution.clone().unwrap();
    assert_eq!(
        (res.used_minutes, res.left_minutes, res.state, res.running),
        (540, -60, SlaState::Breached, false)
    );
    assert!(b.open_clock().is_none());
}

/// The contract form refuses a resolution target shorter than the intervention target, a
/// severity calendar on a contract that is not an SLA, and a severity calendar that does not
/// exist; nothing is written.
#[test]
fn the_contract_form_checks_the_new_terms() {
    let (mut s, _clock) = store();
    let five = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Cartoleria Neri");
    let before = snapshot(&s);
    let mut short = sla_input(&c, five);
    short.targets.blocking.resolution_minutes = Some(60);
    let e = contracts::create(&mut s, &short).unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::OutOfRange, Some("targets")));

    let package = ContractInput {
        included_minutes: Some(600),
        severity_calendars: SeverityCalendars {
            blocking: Some(five),
            ..Default::default()
        },
        ..base(&c, ContractKind::HourPackage, "2026-01-01")
    };
    let e = contracts::create(&mut s, &package).unwrap_err();
    assert_eq!(e.field(), Some("severity_calendars"));

    let mut missing = sla_input(&c, five);
    missing.severity_calendars.request = Some(CalendarId::default());
    let e = contracts::create(&mut s, &missing).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        (Code::NotFound, Some("severity_calendars"))
    );
    assert_eq!(snapshot(&s), before);

    // A valid one reads back with its terms.
    let mut ok = sla_input(&c, five);
    ok.severity_calendars.blocking = Some(five);
    let made = contracts::create(&mut s, &ok).unwrap();
    assert_eq!(made.terms.targets.blocking.resolution_minutes, Some(480));
    assert_eq!(made.terms.severity_calendars.blocking, Some(five));
    assert_eq!(made.terms.calendar_for(Severity::Degraded), Some(five));
}

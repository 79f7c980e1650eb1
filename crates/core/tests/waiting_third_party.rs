//! Issue 17, item 5: waiting for a third party (a carrier, a vendor, a provider). The party is
//! required and named on the ticket and its history; the SLA clocks pause exactly as while
//! waiting for the client; the report lists the waits. All times are Europe/Rome local.
#![allow(clippy::unwrap_used)] // helpers outside #[test]: a failure is the test failing

mod common;

use common::services::*;
use common::*;
use rapportino_core::calendars::CalendarPreset;
use rapportino_core::contracts::{self, ContractInput, ContractKind, SlaTarget, SlaTargets};
use rapportino_core::ids::TicketId;
use rapportino_core::interventions::{self, InterventionMode};
use rapportino_core::reports;
use rapportino_core::sla::{self, SlaState};
use rapportino_core::tickets::{
    self, PartyKind, Severity, TicketStatus, TransitionInput, WaitingParty,
};
use rapportino_core::{Code, Store};

fn party(kind: PartyKind, name: &str) -> Option<WaitingParty> {
    Some(WaitingParty {
        kind,
        name: name.into(),
    })
}

fn wait_for(s: &mut Store, t: TicketId, kind: PartyKind, name: &str) -> tickets::Ticket {
    let input = TransitionInput {
        note: Some("Attesa ricambio".into()),
        party: party(kind, name),
        ..TransitionInput::to(TicketStatus::WaitingThirdParty)
    };
    tickets::transition(s, t, &input).unwrap()
}

/// The party is required (with a name), trimmed, length-limited, refused on other moves; the
/// ticket carries it while it waits and loses it when it leaves the state; the history keeps it.
#[test]
fn the_party_is_required_named_and_cleared_when_the_wait_ends() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Studio Bianchi");
    let t = ticket(&mut s, &c, "Linea internet giù");
    transition(&mut s, t, TicketStatus::Taken);
    let before = snapshot(&s);

    let bare = TransitionInput::to(TicketStatus::WaitingThirdParty);
    let e = tickets::transition(&mut s, t, &bare).unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::Required, Some("party")));
    let blank = TransitionInput {
        party: party(PartyKind::Provider, "   "),
        ..bare.clone()
    };
    let e = tickets::transition(&mut s, t, &blank).unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::Required, Some("party")));
    let long = TransitionInput {
        party: party(PartyKind::Provider, &"x".repeat(121)),
        ..bare.clone()
    };
    let e = tickets::transition(&mut s, t, &long).unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::TooLong, Some("party")));
    let elsewhere = TransitionInput {
        party: party(PartyKind::Provider, "Fastweb"),
        ..TransitionInput::to(TicketStatus::InProgress)
    };
    let e = tickets::transition(&mut s, t, &elsewhere).unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::Inconsistent, Some("party")));
    assert_eq!(snapshot(&s), before, "nothing written by a refused move");
    assert_eq!(tickets::get(&s, t).unwrap().status, TicketStatus::Taken);

    clock.advance(chrono::Duration::minutes(10));
    let waiting = wait_for(&mut s, t, PartyKind::Provider, "  Fastweb  ");
    assert_eq!(waiting.status, TicketStatus::WaitingThirdParty);
    assert_eq!(waiting.waiting_party, party(PartyKind::Provider, "Fastweb"));
    assert!(waiting.status.is_open());
    let steps = waiting.status.steps();
    let tos: Vec<_> = steps.iter().map(|st| st.to).collect();
    assert_eq!(
        tos,
        [
            TicketStatus::Taken,
            TicketStatus::InProgress,
            TicketStatus::Cancelled
        ]
    );
    let open = tickets::list(
        &s,
        &tickets::TicketFilter {
            open_only: Some(true),
            ..Default::default()
        },
        &Default::default(),
    )
    .unwrap();
    assert!(
        open.items.iter().any(|x| x.id == t),
        "still in the open list"
    );

    clock.advance(chrono::Duration::minutes(50));
    transition(&mut s, t, TicketStatus::InProgress);
    let back = tickets::get(&s, t).unwrap();
    assert_eq!(back.waiting_party, None, "cleared when the wait ends");
    let events = tickets::events(s.conn(), t).unwrap();
    let wait = events
        .iter()
        .find(|e| e.to_status == TicketStatus::WaitingThirdParty)
        .unwrap();
    assert_eq!(wait.waiting_party, party(PartyKind::Provider, "Fastweb"));
    assert_eq!(wait.note.as_deref(), Some("Attesa ricambio"));
    assert_eq!(
        wait.waiting_party
            .as_ref()
            .unwrap()
            .label(rapportino_core::labels::Locale::It),
        "Fastweb (operatore)"
    );
    let waits = tickets::third_party_waits(&events);
    assert_eq!(waits.len(), 1);
    assert_eq!(
        waits[0].until.as_deref(),
        Some(events.last().unwrap().at.as_str())
    );
}

/// A 5x8 SLA (Mon–Fri 08:30–12:30, 14:00–18:00); blocking: intervention 120, resolution 480.
///
/// Monday 16/11/2026 09:00 a blocking ticket is opened. At 09:30 (30 used) it waits for the vendor
/// (not yet taken in charge); at 12:00 both clocks read 30 used, not counting. At 15:00 it is
/// taken and worked: the intervention clock stops at 30 used (met; without the pause it would read
/// 09:00–12:30 + 14:00–15:00 = 270, breached). At 16:00 (resolution 30 + 60 = 90 used) it waits
/// for the carrier until Tuesday 10:00. Tuesday 12:00: 90 + 120 = 210 used, 270 left → due
/// 12:00–12:30 (30) then 240 from 14:00 → Tue 18:00. Resolved Tue 14:30: 210 + 30 + 30 = 270
/// used, met (without pauses: 450 on Monday + 360 on Tuesday = 810, breached).
#[test]
fn the_sla_clocks_pause_while_waiting_for_a_third_party() {
    let (mut s, clock) = store();
    let five = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Autofficina Moretti");
    let target = |i, r| SlaTarget {
        response_minutes: Some(30),
        intervention_minutes: Some(i),
        resolution_minutes: r,
    };
    contracts::create(
        &mut s,
        &ContractInput {
            calendar_id: Some(five),
            targets: SlaTargets {
                blocking: target(120, Some(480)),
                degraded: target(480, None),
                request: target(240, None),
            },
            ..base(&c, ContractKind::Sla, "2026-01-01")
        },
    )
    .unwrap();
    clock.set(local("2026-11-16 09:00"));
    let t = open_ticket(&mut s, &c, Severity::Blocking, None);

    clock.set(local("2026-11-16 09:30"));
    wait_for(&mut s, t, PartyKind::Vendor, "Ingram Micro");
    clock.set(local("2026-11-16 12:00"));
    let now = sla::for_ticket(&s, t).unwrap();
    let i = now.intervention.unwrap();
    assert_eq!(
        (i.used_minutes, i.left_minutes, i.counting_now, i.paused),
        (30, 90, false, true)
    );
    let r = now.resolution.unwrap();
    assert_eq!((r.used_minutes, r.left_minutes, r.paused), (30, 450, true));

    clock.set(local("2026-11-16 15:00"));
    transition(&mut s, t, TicketStatus::Taken);
    transition(&mut s, t, TicketStatus::InProgress);
    let i = sla::for_ticket(&s, t).unwrap().intervention.unwrap();
    assert_eq!((i.used_minutes, i.state), (30, SlaState::Met));

    clock.set(local("2026-11-16 16:00"));
    wait_for(&mut s, t, PartyKind::Carrier, "BRT");
    clock.set(local("2026-11-17 10:00"));
    let r = sla::for_ticket(&s, t).unwrap().resolution.unwrap();
    assert_eq!((r.used_minutes, r.paused), (90, true));
    transition(&mut s, t, TicketStatus::InProgress);
    clock.set(local("2026-11-17 12:00"));
    let r = sla::for_ticket(&s, t).unwrap().resolution.unwrap();
    assert_eq!(
        (r.used_minutes, r.left_minutes, r.paused),
        (210, 270, false)
    );
    assert_eq!(r.due_at, Some(rfc("2026-11-17 18:00")));

    // The report made now lists both waits, with who and how long (wall clock).
    let i = intervention(&mut s, t, InterventionMode::Remote);
    interventions::start(&mut s, i.id).unwrap();
    clock.set(local("2026-11-17 14:30"));
    interventions::stop(&mut s, i.id).unwrap();
    let report = reports::create(&mut s, i.id).unwrap();
    let doc = reports::document(&s, report.id).unwrap();
    let waits: Vec<_> = doc
        .content
        .ticket
        .third_party_waits
        .iter()
        .map(|w| {
            (
                w.party.as_str(),
                w.from.as_str(),
                w.until.as_deref(),
                w.minutes,
            )
        })
        .collect();
    assert_eq!(
        waits,
        [
            (
                "Ingram Micro (fornitore)",
                "16/11/2026 09:30",
                Some("16/11/2026 15:00"),
                330
            ),
            (
                "BRT (corriere)",
                "16/11/2026 16:00",
                Some("17/11/2026 10:00"),
                1080
            ),
        ]
    );

    transition(&mut s, t, TicketStatus::Resolved);
    let r = sla::for_ticket(&s, t).unwrap().resolution.unwrap();
    assert_eq!((r.used_minutes, r.state), (270, SlaState::Met));
}

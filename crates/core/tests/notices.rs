//! Desktop notifications (`views::notices`): each kind due once, the first look only taking
//! note, a condition that clears and returns being news again, and the user's choice obeyed
//! without a burst of old news when a kind is switched back on.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Duration;
use common::services::*;
use common::*;
use rapportino_core::backup::{self, AutoBackupFailure};
use rapportino_core::calendars::CalendarPreset;
use rapportino_core::interventions::{self, InterventionMode};
use rapportino_core::setup;
use rapportino_core::sla::{ClockKind, SlaState};
use rapportino_core::views::notices::{self, Notice, NoticePreferences};
use rapportino_core::Code;
use rapportino_core::{technicians, tickets};

fn kinds(due: &[Notice]) -> Vec<String> {
    due.iter()
        .map(|n| match n {
            Notice::Sla { clock, state, .. } => format!("sla:{clock}:{state}"),
            Notice::LongTimer { hours, .. } => format!("timer:{hours}"),
            Notice::Conflicts { count, .. } => format!("conflicts:{count}"),
            Notice::BackupFailed { day, .. } => format!("backup:{day}"),
            Notice::Urgent(u) => format!("urgent:{}", u.subject),
        })
        .collect()
}

#[test]
fn a_clock_at_risk_then_breached_is_told_once_each() {
    let (mut s, clock) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Studio Legale Ferri");
    sla_contract(&mut s, &c, cal);
    // Blocking: on site within 120 business minutes, at risk from 75% (90 minutes). (The
    // response clock stops at once: the ticket is mine from the start.)
    let mut input = new_ticket(&c, "Il server non parte");
    input.severity = rapportino_core::tickets::Severity::Blocking;
    input.assigned_technician_id = Some(setup::current_technician(s.conn()).unwrap());
    let t = tickets::open(&mut s, &input).unwrap().id;
    // A colleague's ticket, and one nobody has taken, are not mine.
    let colleague = technicians::create(
        &mut s,
        &technicians::TechnicianInput {
            code: "LB".into(),
            name: "Luca Bassi".into(),
            email: None,
            phone: None,
        },
    )
    .unwrap();
    let mut theirs = new_ticket(&c, "Stampante del collega");
    theirs.severity = rapportino_core::tickets::Severity::Blocking;
    theirs.assigned_technician_id = Some(colleague.id);
    tickets::open(&mut s, &theirs).unwrap();
    assert!(
        notices::take(&s).unwrap().is_empty(),
        "the first look takes note"
    );

    clock.advance(Duration::minutes(80));
    assert!(notices::take(&s).unwrap().is_empty(), "on time");
    clock.advance(Duration::minutes(15));
    let due = notices::take(&s).unwrap();
    assert_eq!(kinds(&due), ["sla:intervention:at_risk"]);
    match &due[0] {
        Notice::Sla {
            ticket_id,
            clock,
            state,
            left_minutes,
            client_name,
            ..
        } => {
            assert_eq!(*ticket_id, t);
            assert_eq!(
                (*clock, *state),
                (ClockKind::Intervention, SlaState::AtRisk)
            );
            assert_eq!(*left_minutes, 25);
            assert_eq!(client_name, "Studio Legale Ferri");
        }
        other => panic!("{other:?}"),
    }
    assert!(notices::take(&s).unwrap().is_empty(), "once");

    clock.advance(Duration::minutes(30));
    assert_eq!(
        kinds(&notices::take(&s).unwrap()),
        ["sla:intervention:breached"]
    );
    assert!(notices::take(&s).unwrap().is_empty(), "once");
}

#[test]
fn a_long_timer_and_a_failed_backup() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Panificio Sala");
    let t = ticket(&mut s, &c, "Registratore di cassa");
    assert!(notices::take(&s).unwrap().is_empty());

    let i = intervention(&mut s, t, InterventionMode::OnSite);
    interventions::start(&mut s, i.id).unwrap();
    clock.advance(Duration::hours(4) - Duration::minutes(1));
    assert!(notices::take(&s).unwrap().is_empty(), "under 4 hours");
    clock.advance(Duration::minutes(2));
    let due = notices::take(&s).unwrap();
    assert_eq!(kinds(&due), ["timer:4"]);
    assert!(matches!(&due[0], Notice::LongTimer { ticket_id, .. } if *ticket_id == t));
    assert!(notices::take(&s).unwrap().is_empty(), "once per segment");
    // A pause ends the segment; a new one that runs long is news again.
    interventions::pause(&mut s, i.id).unwrap();
    interventions::resume(&mut s, i.id).unwrap();
    clock.advance(Duration::hours(5));
    assert_eq!(kinds(&notices::take(&s).unwrap()), ["timer:4"]);
    interventions::stop(&mut s, i.id).unwrap();

    let failure = AutoBackupFailure {
        day: "2026-11-16".into(),
        message: "disco pieno".into(),
    };
    backup::record_auto_outcome(&s, Some(&failure)).unwrap();
    let due = notices::take(&s).unwrap();
    assert_eq!(kinds(&due), ["backup:2026-11-16"]);
    assert!(matches!(&due[0], Notice::BackupFailed { message, .. } if message == "disco pieno"));
    // Retried every hour, failing again the same day: not news.
    backup::record_auto_outcome(&s, Some(&failure)).unwrap();
    assert!(notices::take(&s).unwrap().is_empty());
    assert_eq!(
        backup::last_auto_failure(&s).unwrap(),
        Some(failure.clone())
    );
    // A backup that works clears it; failing again after that is news.
    backup::record_auto_outcome(&s, None).unwrap();
    assert_eq!(backup::last_auto_failure(&s).unwrap(), None);
    assert!(notices::take(&s).unwrap().is_empty());
    backup::record_auto_outcome(&s, Some(&failure)).unwrap();
    assert_eq!(kinds(&notices::take(&s).unwrap()), ["backup:2026-11-16"]);
}

#[test]
fn new_sync_conflicts_are_one_notice() {
    let (s, _) = store();
    assert!(notices::take(&s).unwrap().is_empty());
    let conflict = |id: &str| {
        s.conn()
            .execute(
                "INSERT INTO sync_conflicts (id, entity, entity_id, field, reason, winner_value,
                     lost_value, lost_device_id, lost_mutation_id, lost_at, created_at, updated_at)
                 VALUES (?1, 'clients', 'c1', 'notes', 'concurrent_edit', '\"a\"', '\"b\"', 'd2',
                     ?1, '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z')",
                [id],
            )
            .unwrap();
    };
    conflict("k1");
    conflict("k2");
    let due = notices::take(&s).unwrap();
    assert_eq!(kinds(&due), ["conflicts:2"]);
    assert!(notices::take(&s).unwrap().is_empty(), "once");
    conflict("k3");
    assert_eq!(kinds(&notices::take(&s).unwrap()), ["conflicts:1"]);
}

#[test]
fn switched_off_kinds_stay_quiet_and_come_back_without_old_news() {
    let (mut s, clock) = store();
    assert_eq!(
        notices::preferences(&s).unwrap(),
        NoticePreferences::default()
    );
    let off = NoticePreferences {
        long_timer: false,
        backup_failed: false,
        ..NoticePreferences::default()
    };
    notices::set_preferences(&s, &off).unwrap();
    assert_eq!(notices::preferences(&s).unwrap(), off);
    let c = client(&mut s, "Ferramenta Colombo");
    let t = ticket(&mut s, &c, "PC lento");
    assert!(notices::take(&s).unwrap().is_empty());

    let i = intervention(&mut s, t, InterventionMode::Remote);
    interventions::start(&mut s, i.id).unwrap();
    clock.advance(Duration::hours(5));
    backup::record_auto_outcome(
        &s,
        Some(&AutoBackupFailure {
            day: "2026-11-16".into(),
            message: "x".into(),
        }),
    )
    .unwrap();
    assert!(notices::take(&s).unwrap().is_empty(), "both switched off");
    notices::set_preferences(&s, &NoticePreferences::default()).unwrap();
    assert!(
        notices::take(&s).unwrap().is_empty(),
        "switching on again does not replay what was already wrong"
    );

    // A shorter threshold makes the same timer news (its own key).
    let one_hour = NoticePreferences {
        long_timer_hours: 1,
        ..NoticePreferences::default()
    };
    notices::set_preferences(&s, &one_hour).unwrap();
    assert_eq!(kinds(&notices::take(&s).unwrap()), ["timer:1"]);

    for hours in [0, 25] {
        let bad = NoticePreferences {
            long_timer_hours: hours,
            ..NoticePreferences::default()
        };
        let e = notices::set_preferences(&s, &bad).unwrap_err();
        assert_eq!(e.code(), Code::OutOfRange);
    }
    assert_eq!(
        notices::preferences(&s).unwrap(),
        one_hour,
        "nothing written"
    );
}

//! The timer lives in the database: start, pause, resume, stop, one per technician, survives a
//! restart, flags runaway segments.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use rapportino_core::interventions::{
    self, InterventionMode, ManualTimeInput, TimeEntryKind, TimerState,
};
use rapportino_core::tickets::{self, TicketStatus};
use rapportino_core::time::ManualClock;
use rapportino_core::{Code, Store};

#[test]
fn start_pause_resume_stop_counts_only_running_time() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Studio Legale Conti");
    let t = ticket(&mut s, &c, "Posta ferma");
    let i = intervention(&mut s, t, InterventionMode::Remote);
    assert_eq!(
        tickets::get(&s, t).unwrap().status,
        TicketStatus::Taken,
        "new ticket taken in charge"
    );
    interventions::start(&mut s, i.id).unwrap();
    assert_eq!(
        tickets::get(&s, t).unwrap().status,
        TicketStatus::InProgress
    );
    clock.advance(Duration::minutes(25));
    interventions::pause(&mut s, i.id).unwrap();
    clock.advance(Duration::minutes(60)); // lunch: not counted
    interventions::resume(&mut s, i.id).unwrap();
    clock.advance(Duration::minutes(20));
    let running = interventions::running_timer(&s, None).unwrap().unwrap();
    assert_eq!(running.segment_seconds, 20 * 60);
    assert_eq!(running.total_seconds, 45 * 60);
    interventions::stop(&mut s, i.id).unwrap();
    let d = interventions::detail(&s, i.id).unwrap();
    assert_eq!(d.timer_state, TimerState::Stopped);
    assert_eq!(d.totals.billable_seconds, 45 * 60);
    assert_eq!(d.time_entries.len(), 2);
    assert!(d.intervention.finished_at.is_some());
    assert!(interventions::running_timer(&s, None).unwrap().is_none());
    // Wrong-state actions are refused with a code.
    assert_eq!(
        interventions::pause(&mut s, i.id).unwrap_err().code(),
        Code::TimerState
    );
    assert_eq!(
        interventions::start(&mut s, i.id).unwrap_err().code(),
        Code::TimerState
    );
    interventions::resume(&mut s, i.id).unwrap();
    assert_eq!(
        interventions::detail(&s, i.id).unwrap().timer_state,
        TimerState::Running
    );
}

#[test]
fn one_running_timer_per_technician() {
    let (mut s, _) = store();
    let c = client(&mut s, "Ferramenta Galli");
    let a = {
        let tk = ticket(&mut s, &c, "uno");
        intervention(&mut s, tk, InterventionMode::Remote)
    };
    let b = {
        let tk = ticket(&mut s, &c, "due");
        intervention(&mut s, tk, InterventionMode::OnSite)
    };
    interventions::start(&mut s, a.id).unwrap();
    let before = snapshot(&s);
    let err = interventions::start(&mut s, b.id).unwrap_err();
    assert_eq!(err.code(), Code::TimerAlreadyRunning);
    assert!(err.to_string().contains(&a.id.to_string()));
    assert_eq!(snapshot(&s), before, "nothing written");
    interventions::pause(&mut s, a.id).unwrap();
    interventions::start(&mut s, b.id).unwrap();
}

#[test]
fn a_running_timer_survives_a_crash_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap());
    let intervention_id = {
        let mut s = Store::open(&path).unwrap().with_clock(clock.clone());
        onboard(&mut s, "MR");
        let c = client(&mut s, "Panificio Greco");
        let i = {
            let tk = ticket(&mut s, &c, "Cassa bloccata");
            intervention(&mut s, tk, InterventionMode::OnSite)
        };
        interventions::start(&mut s, i.id).unwrap();
        i.id
        // dropped here without stopping: the process "crashes", the lid closes
    };
    clock.advance(Duration::minutes(95));
    let s = Store::open(&path).unwrap().with_clock(clock.clone());
    let running = interventions::running_timer(&s, None)
        .unwrap()
        .expect("still running after restart");
    assert_eq!(running.intervention_id, intervention_id);
    assert_eq!(running.segment_seconds, 95 * 60, "no time lost");
}

#[test]
fn a_segment_over_twelve_hours_is_flagged_not_billed() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Caseificio Leone");
    let i = {
        let tk = ticket(&mut s, &c, "Server");
        intervention(&mut s, tk, InterventionMode::OnSite)
    };
    interventions::start(&mut s, i.id).unwrap();
    clock.advance(Duration::hours(13)); // forgotten overnight
    assert!(
        interventions::running_timer(&s, None)
            .unwrap()
            .unwrap()
            .over_limit
    );
    interventions::stop(&mut s, i.id).unwrap();
    let d = interventions::detail(&s, i.id).unwrap();
    assert_eq!(d.totals.billable_seconds, 0);
    assert_eq!(d.totals.pending_review_seconds, 13 * 3600);
    let flagged = interventions::entries_needing_review(&s).unwrap();
    assert_eq!(flagged.len(), 1);
    // The technician says it was really 2 hours: void the segment, log 120 minutes by hand.
    interventions::void_entry(&mut s, flagged[0].id, "timer dimenticato acceso").unwrap();
    interventions::add_manual(
        &mut s,
        i.id,
        &ManualTimeInput {
            minutes: 120,
            started_at: Some("16/11/2026 10:00".into()),
            note: None,
        },
    )
    .unwrap();
    let d = interventions::detail(&s, i.id).unwrap();
    assert_eq!(d.totals.billable_seconds, 120 * 60);
    assert_eq!(d.totals.pending_review_seconds, 0);
    assert!(interventions::entries_needing_review(&s)
        .unwrap()
        .is_empty());
    // History is kept: the flagged segment is still there, voided.
    assert!(d.time_entries.iter().any(|e| e.kind == TimeEntryKind::Void));
    assert!(d.time_entries.iter().any(|e| e.needs_review));
}

#[test]
fn approval_bills_a_flagged_segment_and_adjustments_correct_totals() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Hotel Serra");
    let i = {
        let tk = ticket(&mut s, &c, "Migrazione");
        intervention(&mut s, tk, InterventionMode::OnSite)
    };
    interventions::start(&mut s, i.id).unwrap();
    clock.advance(Duration::hours(14));
    interventions::stop(&mut s, i.id).unwrap();
    let entry = interventions::entries_needing_review(&s).unwrap()[0].id;
    interventions::approve(&mut s, entry).unwrap();
    assert_eq!(
        interventions::approve(&mut s, entry).unwrap_err().code(),
        Code::AlreadyExists
    );
    interventions::adjust(&mut s, i.id, -30, "pausa pranzo").unwrap();
    let d = interventions::detail(&s, i.id).unwrap();
    assert_eq!(d.totals.billable_seconds, 14 * 3600 - 30 * 60);
    // The list view computes the same total in SQL.
    let listed = interventions::list(&s, &Default::default(), &Default::default()).unwrap();
    assert_eq!(listed.items[0].billable_seconds, d.totals.billable_seconds);
    assert_eq!(
        interventions::adjust(&mut s, i.id, 0, "x")
            .unwrap_err()
            .code(),
        Code::InvalidFormat
    );
    assert_eq!(
        interventions::adjust(&mut s, i.id, 10, " ")
            .unwrap_err()
            .code(),
        Code::Required
    );
}

#[test]
fn escalating_remote_to_on_site_in_one_action() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Tipografia Longo");
    let t = ticket(&mut s, &c, "Plotter");
    let remote = intervention(&mut s, t, InterventionMode::Remote);
    interventions::start(&mut s, remote.id).unwrap();
    clock.advance(Duration::minutes(30));
    let on_site = interventions::escalate(&mut s, remote.id, None).unwrap();
    assert_eq!(on_site.mode, InterventionMode::OnSite);
    assert_eq!(on_site.escalated_from_id, Some(remote.id));
    assert_eq!(on_site.ticket_id, t);
    let r = interventions::detail(&s, remote.id).unwrap();
    assert_eq!(r.timer_state, TimerState::Stopped);
    assert_eq!(r.totals.billable_seconds, 30 * 60);
    assert_eq!(r.escalated_to_id, Some(on_site.id));
    assert_eq!(
        r.intervention.outcome,
        Some(interventions::Outcome::FollowUp)
    );
    assert_eq!(
        interventions::escalate(&mut s, remote.id, None)
            .unwrap_err()
            .code(),
        Code::AlreadyExists
    );
    assert_eq!(
        interventions::escalate(&mut s, on_site.id, None)
            .unwrap_err()
            .code(),
        Code::Inconsistent
    );
}

#[test]
fn the_paused_timer_is_the_latest_pause_of_an_unfinished_intervention() {
    let (mut s, clock) = store();
    assert!(interventions::paused_timer(&s, None).unwrap().is_none());
    let c = client(&mut s, "Farmacia Centrale");
    let t1 = ticket(&mut s, &c, "Stampante");
    let first = intervention(&mut s, t1, InterventionMode::Remote);
    let t2 = ticket(&mut s, &c, "Rete");
    let second = intervention(&mut s, t2, InterventionMode::OnSite);
    interventions::start(&mut s, first.id).unwrap();
    clock.advance(Duration::minutes(10));
    interventions::pause(&mut s, first.id).unwrap();
    clock.advance(Duration::minutes(1));
    interventions::start(&mut s, second.id).unwrap();
    // While a timer runs there is nothing to resume.
    assert!(interventions::paused_timer(&s, None).unwrap().is_none());
    clock.advance(Duration::minutes(5));
    interventions::pause(&mut s, second.id).unwrap();
    let paused = interventions::paused_timer(&s, None).unwrap().unwrap();
    assert_eq!(paused.intervention_id, second.id);
    assert_eq!(paused.client_name, "Farmacia Centrale");
    // A stopped intervention is finished: the earlier pause is next.
    interventions::stop(&mut s, second.id).unwrap();
    let paused = interventions::paused_timer(&s, None).unwrap().unwrap();
    assert_eq!(paused.intervention_id, first.id);
    interventions::stop(&mut s, first.id).unwrap();
    assert!(interventions::paused_timer(&s, None).unwrap().is_none());
}

#[test]
fn the_current_timer_is_the_running_one_else_the_last_paused() {
    use interventions::{act_on_current_timer, current_timer, TimerAction};
    let (mut s, clock) = store();
    let c = client(&mut s, "Ottica Bianchi");
    let t = ticket(&mut s, &c, "Scanner");
    let a = intervention(&mut s, t, InterventionMode::Remote);
    let b = intervention(&mut s, t, InterventionMode::Remote);

    let idle = current_timer(&s).unwrap();
    assert!(idle.running.is_none() && idle.paused.is_none());
    for action in [TimerAction::Pause, TimerAction::Resume, TimerAction::Stop] {
        assert_eq!(
            act_on_current_timer(&mut s, action).unwrap_err().code(),
            Code::TimerState,
            "{action:?} with no timer"
        );
    }

    interventions::start(&mut s, a.id).unwrap();
    clock.advance(Duration::minutes(5));
    interventions::pause(&mut s, a.id).unwrap();
    clock.advance(Duration::minutes(1));
    interventions::start(&mut s, b.id).unwrap();
    let now = current_timer(&s).unwrap();
    assert_eq!(now.running.unwrap().intervention_id, b.id);
    assert!(now.paused.is_none(), "a running timer hides the paused one");
    assert_eq!(
        act_on_current_timer(&mut s, TimerAction::Resume)
            .unwrap_err()
            .code(),
        Code::TimerState,
        "nothing to resume while one runs"
    );

    act_on_current_timer(&mut s, TimerAction::Pause).unwrap();
    clock.advance(Duration::minutes(1));
    let paused = current_timer(&s).unwrap();
    assert!(paused.running.is_none());
    assert_eq!(
        paused.paused.unwrap().intervention_id,
        b.id,
        "the last paused"
    );

    act_on_current_timer(&mut s, TimerAction::Resume).unwrap();
    assert_eq!(
        current_timer(&s).unwrap().running.unwrap().intervention_id,
        b.id
    );
    act_on_current_timer(&mut s, TimerAction::Stop).unwrap();
    assert_eq!(
        interventions::detail(&s, b.id).unwrap().timer_state,
        TimerState::Stopped
    );
    let left = current_timer(&s).unwrap();
    assert_eq!(left.paused.unwrap().intervention_id, a.id);
    act_on_current_timer(&mut s, TimerAction::Stop).unwrap();
    assert_eq!(
        interventions::detail(&s, a.id).unwrap().timer_state,
        TimerState::Stopped
    );
}

#[test]
fn an_intervention_started_from_the_ticket_runs_at_once_or_is_not_created() {
    let (mut s, _) = store();
    let c = client(&mut s, "Ottica Ferri");
    let first = ticket(&mut s, &c, "cassa ferma");
    let input = |ticket_id| interventions::NewIntervention {
        ticket_id,
        mode: InterventionMode::OnSite,
        site_id: None,
        technician_id: None,
    };
    let i = interventions::create_started(&mut s, &input(first)).unwrap();
    assert_eq!(
        interventions::detail(&s, i.id).unwrap().timer_state,
        TimerState::Running
    );
    assert_eq!(
        tickets::get(&s, first).unwrap().status,
        TicketStatus::InProgress
    );
    // Another timer runs: nothing is created.
    let second = ticket(&mut s, &c, "stampante");
    let before = snapshot(&s);
    let err = interventions::create_started(&mut s, &input(second)).unwrap_err();
    assert_eq!(err.code(), Code::TimerAlreadyRunning);
    assert_eq!(snapshot(&s), before, "no intervention without its timer");
}

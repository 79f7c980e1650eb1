//! Ledger checkpoints are a cache: balances, allocations and statements must come out identical
//! with and without them, also after late corrections that the SQL triggers must catch.
#![allow(clippy::unwrap_used)] // helpers outside #[test]: a failure is the test failing

mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::*;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rapportino_core::clients::Client;
use rapportino_core::contracts::{self, ContractInput, ContractKind, PackageMode};
use rapportino_core::ids::InterventionId;
use rapportino_core::interventions::{self, InterventionMode};
use rapportino_core::ledger::{self, checkpoints};
use rapportino_core::tickets::{self, TicketStatus, TransitionInput};
use rapportino_core::views::statements;
use rapportino_core::Store;

fn package(s: &mut Store, c: &Client, starts: NaiveDate, hours: i64, mode: PackageMode) {
    contracts::create(
        s,
        &ContractInput {
            client_id: c.id,
            kind: ContractKind::HourPackage,
            starts_on: starts.to_string(),
            included_minutes: Some(hours * 60),
            package_mode: Some(mode),
            rounding_minutes: Some(15),
            minimum_minutes: Some(30),
            ..Default::default()
        },
    )
    .unwrap();
}

/// Everything the ledger shows for a client, as comparable text.
fn view(s: &Store, c: &Client, ids: &[InterventionId], days: &[NaiveDate]) -> String {
    let mut out = String::new();
    for d in days {
        out += &format!(
            "{:?}\n",
            ledger::client_balances(s, c.id, Some(*d)).unwrap().balances
        );
    }
    for i in ids {
        out += &format!("{:?}\n", ledger::intervention_allocation(s, *i).unwrap());
    }
    for m in 1..=12 {
        let st = statements::monthly(s, c.id, 2025, m).unwrap();
        out += &format!(
            "{:?} {:?} {}\n",
            st.usage, st.balances, st.incident_tickets_used
        );
    }
    out
}

fn rows(s: &Store) -> Vec<(String, String)> {
    let mut stmt = s
        .conn()
        .prepare("SELECT day, state FROM ledger_checkpoints ORDER BY day")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Recomputes everything from scratch and checks that every checkpoint the triggers left in
/// place is exactly what the fresh replay writes for that day.
fn uncached(s: &Store, c: &Client, ids: &[InterventionId], days: &[NaiveDate]) -> String {
    let survivors = rows(s);
    checkpoints::clear(s.conn()).unwrap();
    let fresh = view(s, c, ids, days);
    let rebuilt = rows(s);
    for (day, state) in survivors {
        let again = rebuilt.iter().find(|(d, _)| *d == day).map(|(_, st)| st);
        assert_eq!(again, Some(&state), "stale checkpoint left on {day}");
    }
    fresh
}

#[test]
fn checkpoints_never_change_what_the_ledger_says() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Studio Associato Ferri");
    // A chain of overlapping packages through 2024–2025, and an incident pack.
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    for (start, hours, mode) in [
        (d(2024, 1, 15), 12, PackageMode::Remote),
        (d(2024, 6, 1), 24, PackageMode::Any),
        (d(2024, 11, 10), 12, PackageMode::Remote),
        (d(2025, 3, 1), 48, PackageMode::OnSite),
        (d(2025, 8, 20), 12, PackageMode::Any),
    ] {
        package(&mut s, &c, start, hours, mode);
    }
    contracts::create(
        &mut s,
        &ContractInput {
            client_id: c.id,
            kind: ContractKind::IncidentPack,
            starts_on: "2025-05-01".into(),
            incident_tickets: Some(4),
            ..Default::default()
        },
    )
    .unwrap();
    // Two years of work on random days, some tickets closed.
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut ids = Vec::new();
    let mut day = Utc.with_ymd_and_hms(2024, 1, 20, 8, 0, 0).unwrap();
    while day < Utc.with_ymd_and_hms(2025, 12, 20, 8, 0, 0).unwrap() {
        clock.set(day);
        let t = tickets::open(&mut s, &new_ticket(&c, "Richiesta"))
            .unwrap()
            .id;
        let mode = if rng.random_bool(0.5) {
            InterventionMode::Remote
        } else {
            InterventionMode::OnSite
        };
        let i = intervention(&mut s, t, mode).id;
        interventions::start(&mut s, i).unwrap();
        clock.advance(Duration::minutes(rng.random_range(10..300)));
        interventions::stop(&mut s, i).unwrap();
        if rng.random_bool(0.4) {
            for to in [TicketStatus::Resolved, TicketStatus::Closed] {
                tickets::transition(&mut s, t, &TransitionInput::to(to)).unwrap();
            }
        }
        ids.push(i);
        day += Duration::days(rng.random_range(3..20));
    }
    clock.set(Utc.with_ymd_and_hms(2026, 1, 10, 9, 0, 0).unwrap());
    let days = [
        d(2024, 12, 31),
        d(2025, 6, 15),
        d(2025, 9, 30),
        d(2026, 1, 10),
    ];
    let sample: Vec<_> = ids.iter().step_by(7).copied().collect();

    let reference = uncached(&s, &c, &sample, &days);
    let cached_rows = count(&s, "ledger_checkpoints");
    assert!(
        cached_rows > 12,
        "the replays wrote checkpoints ({cached_rows})"
    );
    assert_eq!(view(&s, &c, &sample, &days), reference, "cached = uncached");

    // Late corrections dated long ago must invalidate what they affect: the first intervention
    // (January 2024) is in the sample, so voiding its time changes at least its own allocation
    // whatever the random days and durations.
    let old = sample[0];
    let entry = interventions::detail(&s, old).unwrap().time_entries[0].id;
    interventions::void_entry(&mut s, entry, "errore").unwrap();
    let after_void = uncached(&s, &c, &sample, &days);
    assert_ne!(after_void, reference, "the void changed something");
    assert_eq!(view(&s, &c, &sample, &days), after_void);

    view(&s, &c, &sample, &days);
    interventions::adjust(&mut s, ids[10], 95, "dimenticato il viaggio").unwrap();
    let after_adjust = uncached(&s, &c, &sample, &days);
    assert_eq!(view(&s, &c, &sample, &days), after_adjust);

    view(&s, &c, &sample, &days);
    // An open ticket whose work drew on a package: becoming a bug case gives those minutes back.
    let t = ids
        .iter()
        .filter(|i| {
            ledger::intervention_allocation(&s, **i)
                .unwrap()
                .lines
                .iter()
                .any(|l| l.source == ledger::Source::Package)
        })
        .map(|i| interventions::get(&s, *i).unwrap().ticket_id)
        .find(|t| tickets::get(&s, *t).unwrap().status != TicketStatus::Closed)
        .unwrap();
    tickets::update(
        &mut s,
        t,
        &tickets::TicketPatch {
            is_bug: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    let after_bug = uncached(&s, &c, &sample, &days);
    assert_eq!(view(&s, &c, &sample, &days), after_bug);

    view(&s, &c, &sample, &days);
    package(&mut s, &c, d(2024, 3, 1), 96, PackageMode::Any);
    let after_new_package = uncached(&s, &c, &sample, &days);
    assert_eq!(view(&s, &c, &sample, &days), after_new_package);
}

/// A ticket's severity picks the calendar its extra time is measured against (a contract may
/// cover blocking tickets 7x8 and the rest 5x8): changing it must drop the checkpoints written
/// after its work (migration 0018's trigger), or a later month would start from a stale state.
#[test]
fn a_new_severity_drops_the_checkpoints_after_its_work() {
    use common::services::{calendar, day, local, sla_contract_input, work};
    use rapportino_core::calendars::CalendarPreset;
    use rapportino_core::tickets::{Severity, TicketPatch};
    let (mut s, clock) = store();
    let five = calendar(&mut s, CalendarPreset::FiveByEight);
    let seven = calendar(&mut s, CalendarPreset::SevenByEight);
    let c = client(&mut s, "Residence Le Vele");
    let mut input = sla_contract_input(&c, five);
    input.severity_calendars.blocking = Some(seven);
    contracts::create(&mut s, &input).unwrap();
    clock.set(local("2026-11-22 10:00"));
    let mut t = new_ticket(&c, "Allarme");
    t.severity = Severity::Blocking;
    let t = tickets::open(&mut s, &t).unwrap().id;
    tickets::claim_extra_time(&mut s, t, "4711").unwrap();
    // Sunday morning: covered 7x8 as blocking (drawn from the SLA's hours), extra time as degraded.
    let w = work(
        &mut s,
        &clock,
        t,
        InterventionMode::Remote,
        "2026-11-22 10:05",
        20,
    );
    clock.set(local("2027-01-20 09:00"));
    let days = [day("2026-11-30"), day("2026-12-31"), day("2027-01-20")];
    let covered = view(&s, &c, &[w], &days);
    assert!(!rows(&s).is_empty(), "the replays wrote checkpoints");
    assert_eq!(
        ledger::intervention_allocation(&s, w)
            .unwrap()
            .extra_time_minutes,
        0
    );
    tickets::update(
        &mut s,
        t,
        &TicketPatch {
            severity: Some(Severity::Degraded),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        ledger::intervention_allocation(&s, w)
            .unwrap()
            .extra_time_minutes,
        30
    );
    let after = uncached(&s, &c, &[w], &days);
    assert_ne!(after, covered);
}

//! Ticket status moves and time entries (manual, adjusted, voided, approved) through the app's commands
//! on the mock runtime (issue 5: tickets and interventions in the UI).
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use common::{harness_with, Harness};
use rapportino_app::state::AppState;
use rapportino_core::time::ManualClock;
use rapportino_core::Store;
use serde_json::{json, Value};

fn harness_with_clock() -> (Harness, Arc<ManualClock>) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap());
    let c = clock.clone();
    let h = harness_with(
        move |dir| AppState::from_store(Store::open(dir.join("test.db")).unwrap().with_clock(c)),
        "main",
    );
    h.onboard();
    (h, clock)
}

fn open_ticket(h: &Harness) -> Value {
    let client = h.ok("create_client", json!({"input": {"name": "Studio Verdi"}}));
    h.ok(
        "open_ticket",
        json!({"input": {"client_id": client["id"], "origin": "phone", "severity": "degraded", "urgent": false,
                         "is_bug": false, "title": "Posta non arriva"}}),
    )
}

fn step<'a>(detail: &'a Value, to: &str) -> &'a Value {
    detail["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["to"] == to)
        .unwrap_or_else(|| panic!("no step to {to} in {detail}"))
}

#[test]
fn ticket_detail_offers_the_moves_and_transitions_ask_what_core_needs() {
    let (h, _clock) = harness_with_clock();
    let t = open_ticket(&h);
    let d = h.ok("ticket_detail", json!({"id": t["id"]}));
    let take = step(&d, "taken");
    assert_eq!(take["asks_estimate"], true);
    assert_eq!(step(&d, "cancelled")["note_required"], true);
    // Taken in charge with an estimate in Italian format.
    let taken = h.ok(
        "transition_ticket",
        json!({"id": t["id"], "input": {"to": "taken", "estimated_resolution_at": "18/11/2026 17:30"}}),
    );
    assert_eq!(taken["status"], "taken");
    assert_eq!(taken["estimated_resolution_at"], "2026-11-18T16:30:00Z");
    let past = h.err(
        "transition_ticket",
        json!({"id": t["id"], "input": {"to": "waiting_client", "estimated_resolution_at": "01/01/2020 10:00"}}),
    );
    assert_eq!(
        (past["code"].as_str(), past["field"].as_str()),
        (Some("INVALID_FORMAT"), Some("estimated_resolution_at"))
    );
    // Cancelling without a reason is refused on the note field.
    let e = h.err(
        "transition_ticket",
        json!({"id": t["id"], "input": {"to": "cancelled"}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("REQUIRED"), Some("note"))
    );
    let d = h.ok("ticket_detail", json!({"id": t["id"]}));
    assert_eq!(d["ticket"]["status"], "taken");
    h.ok(
        "transition_ticket",
        json!({"id": t["id"], "input": {"to": "cancelled", "note": "Doppione"}}),
    );
    let d = h.ok("ticket_detail", json!({"id": t["id"]}));
    assert_eq!(d["next_steps"], json!([]));
    assert_eq!(
        d["events"].as_array().unwrap().last().unwrap()["note"],
        "Doppione"
    );
}

#[test]
fn manual_time_adjustments_voids_and_approvals() {
    let (h, clock) = harness_with_clock();
    let t = open_ticket(&h);
    let i = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": t["id"], "mode": "on_site"}}),
    );
    let id = i["id"].clone();
    // Manual time, adjustment, void.
    h.ok(
        "add_manual_time",
        json!({"id": id, "input": {"minutes": 90, "started_at": "16/11/2026 08:00", "note": "Configurazione"}}),
    );
    let e = h.err("adjust_time", json!({"id": id, "minutes": 15, "note": " "}));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("REQUIRED"), Some("note"))
    );
    h.ok(
        "adjust_time",
        json!({"id": id, "minutes": -30, "note": "Pausa pranzo"}),
    );
    let d = h.ok("intervention_detail", json!({"id": id}));
    assert_eq!(d["totals"]["billable_seconds"], 60 * 60);
    let manual = d["time_entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "manual")
        .unwrap()
        .clone();
    h.ok(
        "void_time_entry",
        json!({"entry_id": manual["id"], "note": "Doppione"}),
    );
    let d = h.ok("intervention_detail", json!({"id": id}));
    assert_eq!(d["totals"]["billable_seconds"], -30 * 60);
    // A segment over 12 hours (on a second intervention) waits for review until approved.
    let id = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": t["id"], "mode": "remote"}}),
    )["id"]
        .clone();
    h.ok("timer_start", json!({"id": id}));
    clock.advance(Duration::hours(13));
    h.ok("timer_stop", json!({"id": id}));
    let d = h.ok("intervention_detail", json!({"id": id}));
    assert_eq!(d["totals"]["pending_review_seconds"], 13 * 3600);
    assert_eq!(d["totals"]["billable_seconds"], 0);
    let long = d["time_entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["needs_review"] == true)
        .unwrap()
        .clone();
    h.ok("approve_time_entry", json!({"entry_id": long["id"]}));
    let d = h.ok("intervention_detail", json!({"id": id}));
    assert_eq!(d["totals"]["pending_review_seconds"], 0);
    assert_eq!(d["totals"]["billable_seconds"], 13 * 3600);
    let twice = h.err("approve_time_entry", json!({"entry_id": long["id"]}));
    assert_eq!(twice["code"], "ALREADY_EXISTS");
}

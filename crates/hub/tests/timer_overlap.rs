//! One technician's timer running on two laptops: both segments are kept, and the hub flags the
//! second as a `timer_overlap` conflict that reaches every device for review. Segments that do
//! not overlap, or come from the same device, flag nothing. Both engines.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use rapportino_core::sync::conflicts;
use rapportino_hub::auth::AuthedDevice;
use rapportino_hub::engine;
use rapportino_model::hlc::Hlc;
use rapportino_model::merge::ConflictReason;
use rapportino_model::protocol::{Mutation, Op, Outcome, PushRequest, Role};
use rapportino_model::SCHEMA_VERSION;
use serde_json::{json, Map, Value};
use sync_support::*;

fn laptop(code: &str) -> AuthedDevice {
    AuthedDevice {
        device_id: uuid::Uuid::now_v7().to_string(),
        device_code: code.into(),
        role: Role::Office,
    }
}

fn segment(d: &AuthedDevice, technician: &str, start: &str, end: Option<&str>) -> Mutation {
    let id = uuid::Uuid::now_v7().to_string();
    let fields: Map<String, Value> = json!({
        "id": id,
        "intervention_id": uuid::Uuid::now_v7().to_string(),
        "technician_id": technician,
        "kind": "timer",
        "started_at": start,
        "ended_at": end,
        "seconds": null,
        "device_id": d.device_id,
        "created_at": start,
    })
    .as_object()
    .cloned()
    .unwrap();
    Mutation {
        mutation_id: uuid::Uuid::now_v7().to_string(),
        entity: "time_entry".into(),
        entity_id: id,
        op: Op::Insert,
        fields,
        hlc: Hlc::from_parts(chrono::Utc::now().timestamp_millis(), 0).0,
        device_id: d.device_id.clone(),
        recorded_at: start.into(),
        base_seq: 0,
    }
}

fn push(hub: &TestHub, d: &AuthedDevice, m: Mutation) {
    let answer = engine::push(
        &hub.storage,
        d,
        PushRequest {
            schema_version: SCHEMA_VERSION,
            mutations: vec![m],
        },
        chrono::Utc::now().timestamp_millis(),
    )
    .unwrap();
    assert_eq!(answer.results[0].outcome, Outcome::Applied);
}

fn overlaps(hub: &TestHub) -> usize {
    let page = engine::pull(&hub.storage, 0, 5_000).unwrap();
    page.changes
        .iter()
        .filter(|c| c.entity == "sync_conflict" && c.fields["reason"] == json!("timer_overlap"))
        .count()
}

fn scenario(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let (a, b) = (laptop("LA"), laptop("LB"));
    let tech = uuid::Uuid::now_v7().to_string();
    // A ran 09:00–10:00; B runs 09:30 with no end yet: one overlap, both kept.
    push(
        &hub,
        &a,
        segment(
            &a,
            &tech,
            "2026-11-20T09:00:00Z",
            Some("2026-11-20T10:00:00Z"),
        ),
    );
    push(&hub, &b, segment(&b, &tech, "2026-11-20T09:30:00Z", None));
    assert_eq!(overlaps(&hub), 1);
    // After A's segment ended, on the same device, or another technician: nothing.
    push(
        &hub,
        &a,
        segment(
            &a,
            &tech,
            "2026-11-20T11:00:00Z",
            Some("2026-11-20T11:10:00Z"),
        ),
    );
    push(
        &hub,
        &a,
        segment(
            &a,
            &uuid::Uuid::now_v7().to_string(),
            "2026-11-20T09:40:00Z",
            None,
        ),
    );
    assert_eq!(overlaps(&hub), 2, "A's 11:00 segment overlaps B's open one");
    push(
        &hub,
        &b,
        segment(
            &b,
            &tech,
            "2026-11-21T09:00:00Z",
            Some("2026-11-21T09:30:00Z"),
        ),
    );
    assert_eq!(
        overlaps(&hub),
        2,
        "the same device's own segments never overlap-flag"
    );
    let live = engine::pull(&hub.storage, 0, 5_000).unwrap();
    let kept = live
        .changes
        .iter()
        .filter(|c| c.entity == "time_entry")
        .count();
    assert_eq!(kept, 5, "every segment is kept");

    // A device (schema 9) stores the conflicts and lists them for review.
    let dir = tempfile::tempdir().unwrap();
    let mut office = Device::enrolled(dir.path(), &hub, "UF", rome(2026, 11, 20, 12, 0));
    office.sync();
    let listed = conflicts::list(&office.store, false).unwrap();
    let timer: Vec<_> = listed
        .iter()
        .filter(|c| c.reason == ConflictReason::TimerOverlap)
        .collect();
    assert_eq!(timer.len(), 2);
    assert!(timer.iter().all(|c| c.entity == "time_entry"));
}

#[test]
fn overlapping_timers_of_one_technician_on_a_sqlite_hub() {
    scenario(None);
}

#[test]
fn overlapping_timers_of_one_technician_on_a_postgres_hub() {
    if let Some(pg) = common::postgres_storage() {
        scenario(Some(&pg.url));
    }
}

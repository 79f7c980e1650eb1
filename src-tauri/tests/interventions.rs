//! Escalation, materials and travel through the commands.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use serde_json::json;

#[test]
fn escalate_a_remote_intervention_materials_and_travel() {
    let h = harness();
    h.onboard();
    let client = h.ok("create_client", json!({"input": {"name": "Studio Neri"}}));
    let ticket = h.ok(
        "open_ticket",
        json!({"input": {"client_id": client["id"], "origin": "phone", "severity": "degraded", "urgent": false,
                         "is_bug": false, "title": "Rete lenta"}}),
    );
    let remote = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": ticket["id"], "mode": "remote"}}),
    );
    h.ok("timer_start", json!({"id": remote["id"]}));
    let on_site = h.ok("escalate_intervention", json!({"id": remote["id"]}));
    assert_eq!(on_site["mode"], "on_site");
    assert_eq!(on_site["escalated_from_id"], remote["id"]);
    let before = h.ok("intervention_detail", json!({"id": remote["id"]}));
    assert_eq!(before["timer_state"], "stopped");
    assert_eq!(before["escalated_to_id"], on_site["id"]);
    assert_eq!(
        h.err("escalate_intervention", json!({"id": remote["id"]}))["code"],
        "ALREADY_EXISTS"
    );
    assert_eq!(
        h.err("escalate_intervention", json!({"id": on_site["id"]}))["code"],
        "INCONSISTENT"
    );

    let m = h.ok(
        "add_material",
        json!({"id": on_site["id"], "input": {"description": "Switch 8 porte", "quantity": 2.0, "unit_price_cents": 3450}}),
    );
    assert_eq!(m["total_cents"], 6900);
    let e = h.err(
        "add_material",
        json!({"id": on_site["id"], "input": {"description": "Cavo", "quantity": 0.0, "unit_price_cents": 100}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_FORMAT"), Some("quantity"))
    );
    h.ok(
        "update_intervention",
        json!({"id": on_site["id"], "patch": {"travel_km": 12.5, "travel_minutes": 25}}),
    );
    let d = h.ok("intervention_detail", json!({"id": on_site["id"]}));
    assert_eq!(d["materials_total_cents"], 6900);
    assert_eq!(d["intervention"]["travel_km"], 12.5);
    assert_eq!(d["intervention"]["travel_minutes"], 25);
    h.ok("remove_material", json!({"id": m["id"]}));
    let d = h.ok("intervention_detail", json!({"id": on_site["id"]}));
    assert!(d["materials"].as_array().unwrap().is_empty());
}

//! The home screen's command: one call, everything the dashboard shows.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use serde_json::json;

#[test]
fn the_dashboard_shows_my_ticket_todays_work_and_the_timer() {
    let h = harness();
    assert_eq!(h.err("dashboard", json!({}))["code"], "NOT_ONBOARDED");
    h.onboard();
    let empty = h.ok("dashboard", json!({}));
    assert_eq!(empty["my_tickets_total"], 0);
    assert_eq!(empty["sync"]["configured"], false);
    assert!(empty["running"].is_null());
    assert_eq!(h.ok("dashboard_balances", json!({})), json!([]));

    let client = h.ok(
        "create_client",
        json!({"input": {"name": "Cartoleria Esposito"}}),
    );
    let ticket = h.ok(
        "open_ticket",
        json!({"input": {"client_id": client["id"], "origin": "phone", "severity": "blocking", "urgent": true,
                         "is_bug": false, "title": "Registratore di cassa fermo"}}),
    );
    let i = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": ticket["id"], "mode": "on_site"}}),
    );
    h.ok("timer_start", json!({"id": i["id"]}));
    let d = h.ok("dashboard", json!({}));
    assert_eq!(d["running"]["intervention_id"], i["id"]);
    assert_eq!(d["my_tickets_total"], 1);
    assert_eq!(d["my_tickets"][0]["ticket"]["id"], ticket["id"]);
    assert_eq!(d["today_interventions"][0]["id"], i["id"]);
    h.ok("timer_pause", json!({"id": i["id"]}));
    let d = h.ok("dashboard", json!({}));
    assert!(d["running"].is_null());
    assert_eq!(d["paused"]["intervention_id"], i["id"]);
}

//! Settings through the app's commands: shop data, severity labels, technicians, contract templates.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use serde_json::json;

#[test]
fn shop_data_and_severity_labels_are_saved_and_validated() {
    let h = harness();
    h.onboard();
    let shop = h.ok(
        "update_shop",
        json!({"profile": {"name": "Assistenza Rossi Srl", "vat_number": "00743110157",
            "city": "Milano", "province": "mi", "email": "info@rossi.it"}}),
    );
    assert_eq!(shop["province"], "MI");
    let status = h.ok("setup_status", json!({}));
    assert_eq!(status["shop"]["name"], "Assistenza Rossi Srl");
    let e = h.err(
        "update_shop",
        json!({"profile": {"name": "X", "vat_number": "00743110158"}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_VAT_NUMBER"), Some("vat_number"))
    );
    assert_eq!(
        h.ok("setup_status", json!({}))["shop"]["name"],
        "Assistenza Rossi Srl"
    );

    let l = h.ok(
        "set_severity_labels",
        json!({"labels": {"blocking": "Urgente", "degraded": "Lento", "request": "Info"}}),
    );
    assert_eq!(l["blocking"], "Urgente");
    let e = h.err(
        "set_severity_labels",
        json!({"labels": {"blocking": "", "degraded": "Lento", "request": "Info"}}),
    );
    assert_eq!(e["field"], "blocking");
    assert_eq!(
        h.ok("setup_status", json!({}))["severity_labels"]["blocking"],
        "Urgente"
    );
}

#[test]
fn technicians_are_created_edited_and_deactivated() {
    let h = harness();
    h.onboard();
    let t = h.ok(
        "create_technician",
        json!({"input": {"code": "lb", "name": "Luca Bianchi"}}),
    );
    let id = t["id"].as_str().unwrap();
    assert_eq!(t["code"], "LB");
    let e = h.err(
        "create_technician",
        json!({"input": {"code": "LB", "name": "Altro"}}),
    );
    assert_eq!(e["code"], "ALREADY_EXISTS");
    let u = h.ok(
        "update_technician",
        json!({"id": id, "input": {"code": "LBI", "name": "Luca Bianchi", "phone": "333 1234567"}}),
    );
    assert_eq!(u["code"], "LBI");
    let off = h.ok("set_technician_active", json!({"id": id, "active": false}));
    assert_eq!(off["active"], false);
    let me = h.ok("setup_status", json!({}))["technician"]["id"].clone();
    let e = h.err("set_technician_active", json!({"id": me, "active": false}));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INCONSISTENT"), Some("active"))
    );
    let e = h.err(
        "update_technician",
        json!({"id": me, "input": {"code": "MRX", "name": "Mario Rossi"}}),
    );
    assert_eq!(e["field"], "code");
    let list = h.ok("list_technicians", json!({}));
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn contract_templates_are_created_edited_archived_and_validated() {
    let h = harness();
    h.onboard();
    let cal = h.ok("create_calendar_from_preset", json!({"preset": "5x8"}));
    let input = json!({"name": "SLA Oro", "kind": "sla", "duration_months": 12,
        "calendar_id": cal["id"], "targets": {"blocking": {"response_minutes": 60}},
        "included_minutes": 1200, "rates": {"overage_rate_cents": 5000}, "rounding_minutes": 15});
    let t = h.ok("create_contract_template", json!({"input": input}));
    let id = t["id"].as_str().unwrap();
    assert_eq!(t["targets"]["blocking"]["response_minutes"], 60);
    let mut edit = input.clone();
    edit["duration_months"] = json!(24);
    let u = h.ok("update_contract_template", json!({"id": id, "input": edit}));
    assert_eq!(u["duration_months"], 24);
    let mut bad = input.clone();
    bad["calendar_id"] = json!(null);
    let e = h.err("create_contract_template", json!({"input": bad}));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("REQUIRED"), Some("calendar_id"))
    );
    let mut bad = input.clone();
    bad["duration_months"] = json!(0);
    let e = h.err("update_contract_template", json!({"id": id, "input": bad}));
    assert_eq!(e["field"], "duration_months");
    h.ok(
        "archive_contract_template",
        json!({"id": id, "archived": true}),
    );
    let live = h.ok(
        "list_contract_templates",
        json!({"include_archived": false}),
    );
    assert_eq!(live.as_array().unwrap().len(), 0);
    let all = h.ok("list_contract_templates", json!({"include_archived": true}));
    assert_eq!(all[0]["duration_months"], 24);
    assert_eq!(all[0]["archived"], true);
    // "Da modello": the end date is core's.
    let end = h.ok(
        "contract_template_end",
        json!({"starts_on": "2026-03-15", "duration_months": 12}),
    );
    assert_eq!(end, "2027-03-14");
    let e = h.err(
        "contract_template_end",
        json!({"starts_on": "domani", "duration_months": 12}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_FORMAT"), Some("starts_on"))
    );
}

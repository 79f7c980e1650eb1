//! Reports and statements through the app's commands on the mock runtime.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use serde_json::{json, Value};

#[test]
fn a_report_is_created_signed_verified_printed_saved_and_amended() {
    let h = harness();
    h.onboard();
    let client = h.ok("create_client", json!({"input": {"name": "Studio Bellè"}}));
    let ticket = h.ok(
        "open_ticket",
        json!({"input": {"client_id": client["id"], "origin": "phone", "severity": "blocking", "urgent": true,
                         "is_bug": false, "title": "Server fermo"}}),
    );
    let i = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": ticket["id"], "mode": "on_site"}}),
    );
    h.ok("timer_start", json!({"id": i["id"]}));
    let e = h.err("create_report", json!({"intervention_id": i["id"]}));
    assert_eq!(e["code"], "TIMER_RUNNING");
    h.ok("timer_stop", json!({"id": i["id"]}));
    let r = h.ok("create_report", json!({"intervention_id": i["id"]}));
    let number = r["number"].as_str().unwrap().to_owned();
    let id = r["id"].clone();
    let preview = h.ok("report_preview", json!({"id": id}));
    assert!(preview["html"].as_str().unwrap().contains(&number));
    assert!(preview["document"]["signed"].is_null());

    let pad = |name: &str, n: usize| {
        let points: Vec<Value> = (0..n)
            .map(|k| json!({"x": 10.0 + k as f64 * 9.0, "y": 40.0 + (k % 3) as f64 * 20.0, "pressure": 0.5, "t": k * 16}))
            .collect();
        json!({"signer_name": name, "width": 480.0, "height": 170.0, "strokes": [{"points": points}]})
    };
    let e = h.err(
        "sign_report",
        json!({"id": id, "input": {"customer": pad("Anna", 0), "technician": pad("", 20)}}),
    );
    assert_eq!(e["code"], "SIGNATURE_EMPTY");
    assert_eq!(e["field"], "customer_signature");
    let signed = h.ok(
        "sign_report",
        json!({"id": id, "input": {"customer": pad("Anna Bellè", 30), "technician": pad("", 20)}}),
    );
    assert_eq!(signed["status"], "signed");
    let v = h.ok("verify_report", json!({"id": id}));
    assert_eq!(v["matches"], true);

    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("copia.pdf");
    let e = h.err(
        "save_report_as",
        json!({"id": id, "path": target.to_str().unwrap()}),
    );
    assert_eq!(e["code"], "PATH_NOT_ALLOWED", "not picked in a dialog");
    assert!(!target.exists());
    h.pick(&target);
    let saved = h.ok(
        "save_report_as",
        json!({"id": id, "path": target.to_str().unwrap()}),
    );
    assert_eq!(saved["path"], target.to_str().unwrap());
    assert!(std::fs::read(&target).unwrap().starts_with(b"%PDF"));
    let unwritable = out.path().join("no/such/dir.pdf");
    h.pick(&unwritable);
    let e = h.err(
        "save_report_as",
        json!({"id": id, "path": unwritable.to_str().unwrap()}),
    );
    assert_eq!(e["code"], "OUTPUT_UNWRITABLE");

    // Printing runs the configured command on the rendered file (CUPS `lp` by default).
    let printed = out.path().join("printed");
    std::fs::create_dir(&printed).unwrap();
    std::env::set_var(
        "RAPPORTINO_PRINT_COMMAND",
        format!("cp -t {}", printed.display()),
    );
    let file = h.ok("print_report", json!({"id": id}));
    assert!(file["path"]
        .as_str()
        .unwrap()
        .ends_with(&format!("{number}.pdf")));
    assert!(printed.join(format!("{number}.pdf")).exists());
    std::env::set_var("RAPPORTINO_PRINT_COMMAND", "false");
    assert_eq!(
        h.err("print_report", json!({"id": id}))["code"],
        "PRINT_FAILED"
    );
    std::env::remove_var("RAPPORTINO_PRINT_COMMAND");

    let listed = h.ok(
        "list_reports",
        json!({"filter": {"query": "bellè"}, "page": {}}),
    );
    assert_eq!(listed["items"][0]["number"], number.as_str());
    let amended = h.ok("amend_report", json!({"id": id}));
    assert_ne!(amended["number"], number.as_str());
    assert_eq!(amended["supersedes_id"], id);

    let outside = out.path().join("rendiconti");
    let e = h.err(
        "statements_batch",
        json!({"year": 2026, "month": 11, "dir": outside.to_str().unwrap()}),
    );
    assert_eq!(
        (&e["code"], &e["field"]),
        (&json!("PATH_NOT_ALLOWED"), &json!("dir"))
    );
    assert!(!outside.exists());
    let inside = h.data_folder().join("rendiconti").join("novembre");
    let batch = h.ok(
        "statements_batch",
        json!({"year": 2026, "month": 11, "dir": inside.to_str().unwrap()}),
    );
    assert_eq!(batch["total"], 1);
    assert!(inside.is_dir());
    assert_eq!(
        h.err(
            "statements_batch",
            json!({"year": 2026, "month": 13, "dir": null})
        )["code"],
        "INVALID_FORMAT"
    );
}

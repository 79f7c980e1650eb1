//! The CLI end to end: a real binary on a temporary database.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapportino-cli"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RAPPORTINO_DB")
        .output()
        .expect("run rapportino-cli")
}

/// Runs with --json and returns the parsed output; panics with stderr on failure.
fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = cli(db, &all);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Runs with --json expecting failure; returns the error code.
fn error_code(db: &Path, args: &[&str]) -> String {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = cli(db, &all);
    assert!(!out.status.success(), "{args:?} should fail");
    let v: Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|_| panic!("stderr: {}", String::from_utf8_lossy(&out.stderr)));
    v["error"]["code"]
        .as_str()
        .expect("an error code")
        .to_owned()
}

#[test]
fn a_technicians_day_headless() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let status = json(
        &db,
        &[
            "onboard",
            "--shop",
            "Assistenza Rinaldi",
            "--name",
            "Marco Rinaldi",
            "--code",
            "mr",
        ],
    );
    assert_eq!(status["device_code"], "MR");
    let client = json(
        &db,
        &[
            "client",
            "add",
            "--name",
            "Farmacia Centrale S.r.l.",
            "--vat",
            "IT 00743110157",
            "--city",
            "Milano",
            "--province",
            "mi",
        ],
    );
    let client_id = client["id"].as_str().unwrap();
    assert_eq!(client["vat_number"], "00743110157");
    assert_eq!(client["province"], "MI");
    let ticket = json(
        &db,
        &[
            "ticket",
            "open",
            "--client",
            client_id,
            "--title",
            "Server non parte",
            "--origin",
            "phone",
            "--severity",
            "blocking",
            "--urgent",
        ],
    );
    let number = ticket["number"].as_str().unwrap();
    assert!(
        number.starts_with("T-") && number.ends_with("-MR-0001"),
        "{number}"
    );
    let intervention = json(
        &db,
        &[
            "intervention",
            "add",
            "--ticket",
            number,
            "--mode",
            "on_site",
        ],
    );
    let iid = intervention["intervention"]["id"].as_str().unwrap();
    json(&db, &["timer", "start", iid]);
    let running = json(&db, &["timer", "status"]);
    assert_eq!(running["intervention_id"], iid);
    assert_eq!(error_code(&db, &["timer", "start", iid]), "TIMER_STATE");
    let stopped = json(&db, &["timer", "stop", iid]);
    assert_eq!(stopped["timer_state"], "stopped");
    json(
        &db,
        &[
            "material",
            "add",
            iid,
            "--description",
            "Alimentatore ATX",
            "--unit-price",
            "65,00",
        ],
    );
    let edited = json(
        &db,
        &[
            "intervention",
            "edit",
            iid,
            "--work-done",
            "Sostituito alimentatore",
            "--outcome",
            "resolved",
        ],
    );
    assert_eq!(edited["materials_total_cents"], 6500);
    json(&db, &["ticket", "move", number, "resolved"]);
    let shown = json(&db, &["ticket", "show", number]);
    assert_eq!(shown["ticket"]["status"], "resolved");
    assert_eq!(
        shown["next_statuses"],
        serde_json::json!(["closed", "in_progress"])
    );
    let hits = json(&db, &["search", "alimentatore"]);
    assert!(hits["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["kind"] == "intervention"));
    let hits = json(&db, &["search", "farmacia", "--kind", "client"]);
    assert_eq!(hits["items"][0]["id"], client_id);
    let overview = json(&db, &["client", "show", client_id]);
    assert_eq!(
        overview["recent_interventions"].as_array().unwrap().len(),
        1
    );
    let changes = json(&db, &["changes", "--limit", "1000"]);
    assert!(changes.as_array().unwrap().len() > 10);
    // Sites, contacts and the shop's own severity labels.
    let site = json(
        &db,
        &[
            "site",
            "add",
            client_id,
            "--name",
            "Magazzino",
            "--city",
            "Monza",
            "--postcode",
            "20900",
        ],
    );
    let site = json(
        &db,
        &[
            "site",
            "edit",
            site["id"].as_str().unwrap(),
            "--name",
            "Magazzino nord",
            "--city",
            "Monza",
        ],
    );
    assert_eq!(site["name"], "Magazzino nord");
    let contact = json(
        &db,
        &[
            "contact",
            "add",
            client_id,
            "--name",
            "Giulia Neri",
            "--email",
            "giulia@farmacia.it",
            "--authorised",
        ],
    );
    assert_eq!(
        json(&db, &["contact", "authorised", "GIULIA@farmacia.it"])[0],
        client_id
    );
    assert_eq!(
        error_code(
            &db,
            &[
                "contact",
                "edit",
                contact["id"].as_str().unwrap(),
                "--name",
                "Giulia",
                "--authorised"
            ]
        ),
        "REQUIRED"
    );
    let labels = json(
        &db,
        &[
            "shop",
            "labels",
            "--blocking",
            "Severity 1",
            "--degraded",
            "Severity 2",
            "--request",
            "Severity 3",
        ],
    );
    assert_eq!(labels["blocking"], "Severity 1");
    assert_eq!(
        json(&db, &["status"])["severity_labels"]["request"],
        "Severity 3"
    );
    // Human output is Italian and readable.
    let out = cli(&db, &["ticket", "list"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(number) && text.contains("Farmacia Centrale"),
        "{text}"
    );
}

#[test]
fn bad_input_exits_non_zero_with_a_code_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    json(
        &db,
        &["onboard", "--shop", "S", "--name", "N", "--code", "AB"],
    );
    let before = json(&db, &["changes", "--limit", "10000"])
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        error_code(
            &db,
            &["client", "add", "--name", "X", "--vat", "00743110158"]
        ),
        "INVALID_VAT_NUMBER"
    );
    assert_eq!(
        error_code(
            &db,
            &["client", "add", "--name", "X", "--cf", "RSSMRA85T10A562X"]
        ),
        "INVALID_FISCAL_CODE"
    );
    assert_eq!(
        error_code(&db, &["client", "add", "--name", " "]),
        "REQUIRED"
    );
    let long = "x".repeat(300);
    assert_eq!(
        error_code(&db, &["client", "add", "--name", &long]),
        "TOO_LONG"
    );
    assert_eq!(
        error_code(
            &db,
            &["client", "show", "0194d3a0-0000-7000-8000-000000000000"]
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        error_code(&db, &["ticket", "show", "T-2026-ZZ-9999"]),
        "NOT_FOUND"
    );
    let after = json(&db, &["changes", "--limit", "10000"])
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
    // The human form names the code too.
    let out = cli(&db, &["client", "add", "--name", "X", "--vat", "123"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("[INVALID_VAT_NUMBER]"));
    // An illegal transition.
    let c = json(&db, &["client", "add", "--name", "Y"]);
    let t = json(
        &db,
        &[
            "ticket",
            "open",
            "--client",
            c["id"].as_str().unwrap(),
            "--title",
            "t",
            "--origin",
            "email",
            "--severity",
            "request",
        ],
    );
    assert_eq!(
        error_code(
            &db,
            &["ticket", "move", t["number"].as_str().unwrap(), "closed"]
        ),
        "ILLEGAL_TRANSITION"
    );
}

#[test]
fn a_file_that_is_not_ours_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("spesa.txt");
    std::fs::write(
        &db,
        "latte, pane, uova — this is not a database at all, just text",
    )
    .unwrap();
    assert_eq!(error_code(&db, &["status"]), "DATABASE_NOT_OURS");
    assert_eq!(
        std::fs::read_to_string(&db).unwrap(),
        "latte, pane, uova — this is not a database at all, just text"
    );
}

#[test]
fn demo_is_deterministic_and_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let db = dir.path().join(name);
        let report = json(
            &db,
            &[
                "demo",
                "--seed",
                "5",
                "--clients",
                "20",
                "--interventions",
                "300",
                "--until",
                "2026-06-30",
            ],
        );
        assert_eq!(report["interventions"], 300);
        let page = json(&db, &["ticket", "list", "--limit", "500"]);
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["number"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(run("a.db"), run("b.db"));
    let db = dir.path().join("a.db");
    assert_eq!(error_code(&db, &["demo"]), "ALREADY_EXISTS");
    let hits = json(&db, &["search", "stampante"]);
    assert!(!hits["items"].as_array().unwrap().is_empty());
}

//! The command wiring, through Tauri's IPC on the mock runtime, with the app's real context: its
//! capabilities (only the main window may call the commands) and the error shape the UI receives.
//! Every test uses its own temporary database; none touches the user's data folder.
#![allow(clippy::unwrap_used)] // test helpers: a failure is the test failing

use rapportino_app::state::AppState;
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

struct Harness {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn harness_with(state: impl FnOnce(&std::path::Path) -> AppState, label: &str) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path());
    let app = rapportino_app::wire(mock_builder(), state)
        .build(rapportino_app::context())
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, label, Default::default())
        .build()
        .unwrap();
    Harness {
        _app: app,
        window,
        _dir: dir,
    }
}

fn harness() -> Harness {
    harness_with(|dir| AppState::open(Ok(dir.join("test.db"))), "main")
}

impl Harness {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} should fail, returned {v}"),
            Err(e) => e,
        }
    }

    fn onboard(&self) {
        self.ok(
            "onboard",
            json!({"input": {"shop_name": "Assistenza Rossi", "technician_name": "Mario Rossi", "technician_code": "mr"}}),
        );
    }
}

#[test]
fn onboarding_client_search_ticket_and_timer() {
    let h = harness();
    let status = h.ok("setup_status", json!({}));
    assert_eq!(status["onboarded"], false);
    assert_eq!(h.ok("running_timer", json!({})), Value::Null);

    h.onboard();
    let status = h.ok("setup_status", json!({}));
    assert_eq!(status["onboarded"], true);
    assert_eq!(status["device_code"], "MR");
    assert_eq!(h.ok("list_technicians", json!({}))[0]["code"], "MR");

    let client = h.ok(
        "create_client",
        json!({"input": {"name": "Ferramenta Bianchi Srl", "vat_number": "00743110157", "city": "Milano"}}),
    );
    let client_id = client["id"].as_str().unwrap().to_owned();
    let page = h.ok(
        "list_clients",
        json!({"filter": {"name": "bianchi"}, "page": {"limit": 10}}),
    );
    assert_eq!(page["items"][0]["id"], client_id.as_str());
    let hits = h.ok(
        "search",
        json!({"request": {"query": "ferram", "kinds": ["client"]}, "page": {}}),
    );
    assert_eq!(hits["items"][0]["id"], client_id.as_str());
    assert_eq!(hits["items"][0]["kind"], "client");

    let ticket = h.ok(
        "open_ticket",
        json!({"input": {"client_id": client_id, "origin": "phone", "severity": "blocking", "urgent": true,
                         "is_bug": false, "title": "Il server non parte"}}),
    );
    let ticket_id = ticket["id"].as_str().unwrap().to_owned();
    assert!(
        ticket["number"].as_str().unwrap().starts_with("T-"),
        "{ticket}"
    );
    let tickets = h.ok(
        "list_tickets",
        json!({"filter": {"open_only": true}, "page": {}}),
    );
    assert_eq!(tickets["items"][0]["id"], ticket_id.as_str());

    let intervention = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": ticket_id, "mode": "remote"}}),
    );
    let iid = intervention["id"].as_str().unwrap().to_owned();
    h.ok("timer_start", json!({"id": iid}));
    let running = h.ok("running_timer", json!({}));
    assert_eq!(running["intervention_id"], iid.as_str());
    assert_eq!(running["ticket_number"], ticket["number"]);
    h.ok("timer_pause", json!({"id": iid}));
    h.ok("timer_resume", json!({"id": iid}));
    h.ok("timer_stop", json!({"id": iid}));
    assert_eq!(h.ok("running_timer", json!({})), Value::Null);

    h.ok(
        "update_intervention",
        json!({"id": iid, "patch": {"work_done": "Riavviato il servizio"}}),
    );
    let detail = h.ok("intervention_detail", json!({"id": iid}));
    assert_eq!(detail["timer_state"], "stopped");
    assert_eq!(detail["intervention"]["work_done"], "Riavviato il servizio");

    let detail = h.ok("ticket_detail", json!({"id": ticket_id}));
    assert_eq!(detail["ticket"]["status"], "in_progress");
    assert_eq!(detail["interventions"].as_array().unwrap().len(), 1);
    h.ok(
        "transition_ticket",
        json!({"id": ticket_id, "input": {"to": "resolved"}}),
    );
    let overview = h.ok("client_overview", json!({"id": client_id}));
    assert_eq!(overview["open_tickets"].as_array().unwrap().len(), 0);
    assert_eq!(
        overview["recent_interventions"].as_array().unwrap().len(),
        1
    );

    let updated = h.ok(
        "update_client",
        json!({"id": client_id, "input": {"name": "Ferramenta Bianchi S.r.l."}}),
    );
    assert_eq!(updated["name"], "Ferramenta Bianchi S.r.l.");
}

#[test]
fn errors_reach_the_ui_as_code_message_field() {
    let h = harness();
    // Before onboarding a ticket cannot get a number.
    h.ok("create_client", json!({"input": {"name": "Cliente"}}));

    let e = h.err(
        "create_client",
        json!({"input": {"name": "Rossi", "vat_number": "00743110158"}}),
    );
    assert_eq!(e["code"], "INVALID_VAT_NUMBER");
    assert_eq!(e["field"], "vat_number");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(
        e.as_object().unwrap().len(),
        3,
        "exactly code, message, field: {e}"
    );

    let e = h.err("create_client", json!({"input": {"name": "  "}}));
    assert_eq!(e["code"], "REQUIRED");
    assert_eq!(e["field"], "name");

    let e = h.err("client_overview", json!({"id": "not-a-uuid"}));
    assert_eq!(e["code"], "INVALID_FORMAT");

    let e = h.err(
        "client_overview",
        json!({"id": "0190a0b0-0000-7000-8000-000000000000"}),
    );
    assert_eq!(e["code"], "NOT_FOUND");
    assert_eq!(e["field"], Value::Null);

    let e = h.err(
        "onboard",
        json!({"input": {"shop_name": "X", "technician_name": "Y", "technician_code": "1"}}),
    );
    assert_eq!(e["field"], "technician_code");
}

#[test]
fn timer_rules_come_from_core() {
    let h = harness();
    h.onboard();
    let client = h.ok("create_client", json!({"input": {"name": "Studio Verdi"}}));
    let ticket = h.ok(
        "open_ticket",
        json!({"input": {"client_id": client["id"], "origin": "email", "severity": "request", "urgent": false,
                         "is_bug": false, "title": "Nuova stampante"}}),
    );
    let a = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": ticket["id"], "mode": "on_site"}}),
    );
    let b = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": ticket["id"], "mode": "remote"}}),
    );
    assert_eq!(
        h.err("timer_pause", json!({"id": a["id"]}))["code"],
        "TIMER_STATE"
    );
    h.ok("timer_start", json!({"id": a["id"]}));
    assert_eq!(
        h.err("timer_start", json!({"id": b["id"]}))["code"],
        "TIMER_ALREADY_RUNNING"
    );
    let e = h.err(
        "transition_ticket",
        json!({"id": ticket["id"], "input": {"to": "closed"}}),
    );
    assert_eq!(e["code"], "ILLEGAL_TRANSITION");
}

#[test]
fn a_database_that_is_not_ours_is_reported_not_fatal() {
    let h = harness_with(
        |dir| {
            let path = dir.join("notes.db");
            std::fs::write(
                &path,
                "these are my notes, not a database at all ".repeat(200),
            )
            .unwrap();
            AppState::open(Ok(path))
        },
        "main",
    );
    let e = h.err("setup_status", json!({}));
    assert_eq!(e["code"], "DATABASE_NOT_OURS");
    // Every command answers with the same error instead of panicking.
    assert_eq!(
        h.err("list_clients", json!({"filter": {}, "page": {}}))["code"],
        "DATABASE_NOT_OURS"
    );
}

#[test]
fn only_the_main_window_may_call_commands() {
    let h = harness_with(|dir| AppState::open(Ok(dir.join("test.db"))), "other");
    let e = h.err("setup_status", json!({}));
    assert!(e.to_string().contains("not allowed"), "{e}");
}

#[test]
fn unknown_commands_are_refused() {
    let h = harness();
    assert!(h.call("drop_database", json!({})).is_err());
}

/// The command list, the permissions generated in build.rs and the capability grant agree.
#[test]
fn every_command_is_granted() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let build_rs = std::fs::read_to_string(root.join("build.rs")).unwrap();
    let capability: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("capabilities/default.json")).unwrap(),
    )
    .unwrap();
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for cmd in rapportino_app::commands::COMMANDS {
        assert!(
            build_rs.contains(&format!("\"{cmd}\"")),
            "{cmd} is missing from build.rs"
        );
        let permission = format!("allow-{}", cmd.replace('_', "-"));
        assert!(
            granted.contains(&permission.as_str()),
            "{permission} is not granted"
        );
    }
    let app_grants = granted.iter().filter(|p| p.starts_with("allow-")).count();
    assert_eq!(
        app_grants,
        rapportino_app::commands::COMMANDS.len(),
        "a grant without a command"
    );
    let others: Vec<_> = granted
        .iter()
        .filter(|p| !p.starts_with("allow-"))
        .collect();
    assert_eq!(
        others,
        [&"core:window:allow-set-title"],
        "nothing broader than setting the title"
    );
}

//! The command wiring, through Tauri's IPC on the mock runtime, with the app's real context: its
//! capabilities (only the main window may call the commands) and the error shape the UI receives.
//! Every test uses its own temporary database; none touches the user's data folder.
#![allow(clippy::unwrap_used)] // test helpers: a failure is the test failing

mod common;

use common::{harness, harness_with, Harness};
use rapportino_app::state::AppState;
use serde_json::{json, Value};

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

/// Every declared command is in the handler and granted by the capability the app is built
/// with, which is the one generated from the declarations; nothing broader is granted.
#[test]
fn every_command_is_granted() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let declared = rapportino_commandgen::scan(&root.join("src/commands")).unwrap();
    let names: Vec<&str> = declared.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        rapportino_app::commands::COMMANDS,
        "the handler was built from other declarations"
    );
    let text = std::fs::read_to_string(root.join("capabilities/default.json")).unwrap();
    assert_eq!(
        text,
        rapportino_commandgen::capability_json(&declared),
        "capabilities/default.json is stale: UPDATE_COMMANDS=1 cargo test -p rapportino-commandgen"
    );
    let capability: Value = serde_json::from_str(&text).unwrap();
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for cmd in rapportino_app::commands::COMMANDS {
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
        [
            &"core:window:allow-set-title",
            &"core:event:allow-listen",
            &"core:event:allow-unlisten"
        ],
        "nothing broader than setting the title and listening to app events"
    );
}

// ---- Service models: calendars, classes, contracts, SLA, ledger ----

impl Harness {
    fn client(&self, name: &str) -> String {
        let c = self.ok("create_client", json!({"input": {"name": name}}));
        c["id"].as_str().unwrap().to_owned()
    }

    fn ticket(&self, client: &str, extra: Value) -> Value {
        let mut input = json!({"client_id": client, "origin": "phone", "severity": "blocking",
                               "urgent": false, "is_bug": false, "title": "Il gestionale non parte"});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        self.ok("open_ticket", json!({ "input": input }))
    }
}

fn sla_contract(client: &str, calendar: &str) -> Value {
    json!({
        "client_id": client, "kind": "sla", "name": "Assistenza SLA", "starts_on": "01/01/2020",
        "ends_on": "31/12/2099", "calendar_id": calendar,
        "targets": {"blocking": {"response_minutes": 30, "intervention_minutes": 120}},
        "included_minutes": 1200, "extra_time_allowed": true, "extra_time_pin": "4711",
        "extra_time_multiplier_pct": 150, "rates": {"overage_rate_cents": 4500},
        "rounding_minutes": 15, "minimum_minutes": 30
    })
}

#[test]
fn calendars_from_presets_and_their_errors() {
    let h = harness();
    let cal = h.ok("create_calendar_from_preset", json!({"preset": "5x8"}));
    assert_eq!(cal["name"], "Standard 5x8");
    assert_eq!(cal["preset"], "5x8");
    assert_eq!(cal["windows"].as_array().unwrap().len(), 10);
    // An unknown preset is INVALID_FORMAT on `preset`.
    let desk = h.ok("calendar_preset_input", json!({"preset": "desk"}));
    assert_eq!(desk["windows"].as_array().unwrap().len(), 5);
    h.ok("calendar_preset_input", json!({"preset": "7x8"}));
    let e = h.err("create_calendar_from_preset", json!({"preset": "6x9"}));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_FORMAT"), Some("preset"))
    );

    let id = cal["id"].as_str().unwrap();
    let mut input = h.ok("calendar_preset_input", json!({"preset": "5x8"}));
    input["name"] = json!("Ufficio Monza");
    input["exceptions"] = json!([{"date": "06-24", "open": false, "note": "San Giovanni"}]);
    let edited = h.ok("update_calendar", json!({"id": id, "input": input}));
    assert_eq!(edited["exceptions"][0]["note"], "San Giovanni");
    assert_eq!(
        h.ok("get_calendar", json!({"id": id}))["name"],
        "Ufficio Monza"
    );

    let overlap = json!({"name": "Doppio", "windows": [
        {"weekday": 1, "start": "08:00", "end": "12:00"}, {"weekday": 1, "start": "11:00", "end": "13:00"}]});
    let e = h.err("create_calendar", json!({ "input": overlap }));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("CALENDAR_OVERLAP"), Some("windows"))
    );
    let e = h.err(
        "create_calendar",
        json!({"input": {"name": "Vuoto", "windows": []}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("CALENDAR_EMPTY"), Some("windows"))
    );

    let archived = h.ok("archive_calendar", json!({"id": id, "archived": true}));
    assert_eq!(archived["archived"], true);
    assert_eq!(
        h.ok("list_calendars", json!({})).as_array().unwrap().len(),
        1
    );
    let holidays = h.ok("italian_holidays", json!({"year": 2026}));
    assert_eq!(holidays.as_array().unwrap().len(), 13);
    assert_eq!(
        holidays[0],
        json!({"date": "2026-01-01", "name": "Capodanno"})
    );
}

#[test]
fn classes_and_billing_defaults() {
    let h = harness();
    let classes = h.ok("install_class_presets", json!({}));
    assert_eq!(classes.as_array().unwrap().len(), 4);
    let licence = classes
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "licence")
        .unwrap();
    let edited = h.ok(
        "update_customer_class",
        json!({"id": licence["id"], "input": {"code": "licence", "name": "Licenza",
               "channels": ["forum", "email", "phone"], "services": ["remote"], "free_minutes_per_year": 600}}),
    );
    assert_eq!(edited["channels"], json!(["forum", "email", "phone"]));
    assert_eq!(edited["free_minutes_per_year"], 600);
    let e = h.err(
        "create_customer_class",
        json!({"input": {"code": "licence", "name": "Doppia"}}),
    );
    assert_eq!(e["code"], "ALREADY_EXISTS");
    let e = h.err(
        "create_customer_class",
        json!({"input": {"code": "gold", "name": "Oro", "channels": ["fax"]}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_FORMAT"), Some("channels"))
    );
    h.ok(
        "create_customer_class",
        json!({"input": {"code": "gold", "name": "Oro"}}),
    );
    assert_eq!(
        h.ok("list_customer_classes", json!({}))
            .as_array()
            .unwrap()
            .len(),
        5
    );

    let mut d = h.ok("billing_defaults", json!({}));
    assert_eq!(d["rounding_minutes"], 15);
    d["on_site_rate_cents"] = json!(5500);
    assert_eq!(
        h.ok("set_billing_defaults", json!({"defaults": d}))["on_site_rate_cents"],
        5500
    );
    assert_eq!(
        h.ok("billing_defaults", json!({}))["on_site_rate_cents"],
        5500
    );
    d["rounding_minutes"] = json!(0);
    let e = h.err("set_billing_defaults", json!({ "defaults": d }));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("OUT_OF_RANGE"), Some("rounding_minutes"))
    );
}

#[test]
fn contracts_sla_terms_extra_time_and_ledger() {
    let h = harness();
    h.onboard();
    let client = h.client("Studio Bianchi");
    let other = h.client("Officina Verdi");
    let cal = h.ok("create_calendar_from_preset", json!({"preset": "24x7"}));
    let cal = cal["id"].as_str().unwrap();

    // Errors of the form, each with its field.
    let mut bad = sla_contract(&client, cal);
    bad["ends_on"] = json!("01/01/2019");
    let e = h.err("create_contract", json!({ "input": bad }));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_PERIOD"), Some("ends_on"))
    );
    let mut bad = sla_contract(&client, cal);
    bad["extra_time_pin"] = Value::Null;
    let e = h.err("create_contract", json!({ "input": bad }));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("REQUIRED"), Some("extra_time_pin"))
    );
    let mut bad = sla_contract(&client, cal);
    bad["extra_time_multiplier_pct"] = json!(50);
    let e = h.err("create_contract", json!({ "input": bad }));
    assert_eq!(e["code"], "OUT_OF_RANGE");
    assert_eq!(e["field"], "extra_time_multiplier_pct");

    let sla = h.ok(
        "create_contract",
        json!({"input": sla_contract(&client, cal)}),
    );
    let sla_id = sla["id"].as_str().unwrap().to_owned();
    assert_eq!(sla["has_extra_time_pin"], true);
    let package = h.ok(
        "create_contract",
        json!({"input": {"client_id": client, "kind": "hour_package", "starts_on": "2020-01-01",
               "ends_on": "2099-12-31", "included_minutes": 1440, "package_mode": "remote"}}),
    );
    assert_eq!(package["name"], "Pacchetto 24 ore remoto");
    let foreign = h.ok(
        "create_contract",
        json!({"input": {"client_id": other, "kind": "time_materials", "starts_on": "01/01/2020"}}),
    );
    let list = h.ok("client_contracts", json!({"client_id": client}));
    assert_eq!(list.as_array().unwrap().len(), 2);
    let mut edit = sla_contract(&client, cal);
    edit["name"] = json!("Assistenza SLA 2026");
    edit["extra_time_pin"] = Value::Null; // keeps the PIN
    let edited = h.ok("update_contract", json!({"id": sla_id, "input": edit}));
    assert_eq!(edited["name"], "Assistenza SLA 2026");
    assert_eq!(edited["has_extra_time_pin"], true);
    assert_eq!(
        h.ok("get_contract", json!({"id": sla_id}))["name"],
        "Assistenza SLA 2026"
    );

    // A ticket: SLA panel data, entitlement, urgency list.
    let e = h.err(
        "open_ticket",
        json!({"input": {"client_id": client, "origin": "phone", "severity": "blocking", "title": "X",
                         "extra_time_pin": "0000", "priority_requested": false, "out_of_scope": false}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("WRONG_PIN"), Some("extra_time_pin"))
    );
    let ticket = h.ticket(&client, json!({"service": "upgrades"}));
    let tid = ticket["id"].as_str().unwrap().to_owned();
    let detail = h.ok("ticket_detail", json!({"id": tid}));
    assert_eq!(detail["sla"]["contract_name"], "Assistenza SLA 2026");
    assert_eq!(detail["sla"]["governing_reason"], "automatic");
    assert_eq!(detail["sla"]["intervention"]["target_minutes"], 120);
    assert_eq!(detail["sla"]["intervention"]["running"], true);
    assert!(detail["entitlement"]["issues"].is_array());
    let clock = h.ok("ticket_sla", json!({"id": tid}));
    assert_eq!(clock["response"]["state"], "met");
    let urgent = h.ok(
        "urgency_list",
        json!({"filter": {"open_only": true}, "page": {}}),
    );
    assert_eq!(urgent["items"][0]["ticket"]["id"], tid.as_str());
    assert_eq!(
        urgent["items"][0]["sla"]["intervention"]["kind"],
        "intervention"
    );

    // Terms: a contract of another client is refused on its field; the package is accepted.
    let e = h.err(
        "set_ticket_terms",
        json!({"id": tid, "terms": {"contract_id": foreign["id"]}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("CONTRACT_NOT_APPLICABLE"), Some("contract_id"))
    );
    let t = h.ok(
        "set_ticket_terms",
        json!({"id": tid, "terms": {"contract_id": package["id"], "out_of_scope": true}}),
    );
    assert_eq!(t["out_of_scope"], true);
    let detail = h.ok("ticket_detail", json!({"id": tid}));
    assert_eq!(detail["sla"]["governing_reason"], "manual");
    assert!(detail["entitlement"]["issues"]
        .as_array()
        .unwrap()
        .contains(&json!("out_of_scope")));
    h.ok("set_ticket_terms", json!({"id": tid, "terms": {}}));

    // Extra time: a wrong PIN is refused on the PIN field, the right one sets the flag.
    let e = h.err("claim_extra_time", json!({"id": tid, "pin": "1234"}));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("WRONG_PIN"), Some("extra_time_pin"))
    );
    assert_eq!(
        h.ok("claim_extra_time", json!({"id": tid, "pin": "4711"}))["extra_time"],
        true
    );
    assert_eq!(h.ok("ticket_sla", json!({"id": tid}))["wall_clock"], true);

    // Ledger: an intervention's allocation, the balances, the statement.
    let i = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": tid, "mode": "remote"}}),
    );
    h.ok("timer_start", json!({"id": i["id"]}));
    h.ok("timer_stop", json!({"id": i["id"]}));
    let alloc = h.ok("intervention_allocation", json!({"id": i["id"]}));
    assert_eq!(alloc["intervention_id"], i["id"]);
    assert!(alloc["lines"].is_array());
    let paid = h.ok(
        "pay_intervention_from",
        json!({"id": i["id"], "contract_id": package["id"]}),
    );
    assert_eq!(paid["intervention_id"], i["id"]);
    let e = h.err(
        "pay_intervention_from",
        json!({"id": i["id"], "contract_id": foreign["id"]}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("CONTRACT_NOT_APPLICABLE"), Some("contract_id"))
    );
    h.ok(
        "pay_intervention_from",
        json!({"id": i["id"], "contract_id": null}),
    );
    let balances = h.ok("client_balances", json!({"client_id": client}));
    let names: Vec<&str> = balances["balances"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["name"].as_str())
        .collect();
    assert!(names.contains(&"Pacchetto 24 ore remoto"), "{names:?}");
    assert!(names.contains(&"Assistenza SLA 2026"), "{names:?}");
    let statement = h.ok(
        "monthly_statement",
        json!({"client_id": client, "year": 2026, "month": 3}),
    );
    assert_eq!(statement["client_name"], "Studio Bianchi");
    let e = h.err(
        "monthly_statement",
        json!({"client_id": client, "year": 2026, "month": 13}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("INVALID_FORMAT"), Some("month"))
    );

    let archived = h.ok(
        "archive_contract",
        json!({"id": package["id"], "archived": true}),
    );
    assert_eq!(archived["archived"], true);
}

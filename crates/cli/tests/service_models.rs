//! Service models from the CLI, end to end: a real binary on a temporary database. Time is fixed
//! with the hidden `--now` flag, so SLA clocks, timers and balances are exact.

mod common;

use common::{change_count, error_code, id, json, shop, text};

#[test]
fn calendars_by_hand() {
    let s = shop();
    let db = &s.db;
    // Friday 17:00 + 2 business hours on 5x8 = Monday 09:30 (CET, UTC+1).
    let added = json(
        db,
        &[
            "calendar",
            "add-minutes",
            &s.calendar,
            "06/03/2026 17:00",
            "2h",
        ],
    );
    assert_eq!(added["result"], "2026-03-09T08:30:00Z");
    let between = json(
        db,
        &[
            "calendar",
            "between",
            "5x8",
            "2026-03-06 17:00",
            "2026-03-09 10:00",
        ],
    );
    assert_eq!(between["minutes"], 150);
    let holidays = json(db, &["calendar", "holidays", "2026"]);
    let names: Vec<&str> = holidays
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 13);
    assert!(names.contains(&"San Francesco d'Assisi"));
    let custom = json(
        db,
        &[
            "calendar",
            "create",
            "--name",
            "Sportello",
            "--window",
            "lun-ven 08:30-12:30",
            "--window",
            "sab 09:00-12:00",
            "--closed",
            "12-07 Sant'Ambrogio",
            "--open",
            "2026-12-20 09:00-12:00",
        ],
    );
    assert_eq!(custom["windows"].as_array().unwrap().len(), 6);
    assert_eq!(custom["exceptions"][0]["date"], "12-07");
    assert_eq!(custom["exceptions"][0]["note"], "Sant'Ambrogio");
    let edited = json(
        db,
        &[
            "calendar",
            "edit",
            &id(&custom),
            "--remove-exception",
            "12-07",
            "--open-on-holidays",
        ],
    );
    assert_eq!(edited["exceptions"].as_array().unwrap().len(), 1);
    assert_eq!(edited["open_on_holidays"], true);
    let shown = text(db, &["calendar", "show", &s.calendar]);
    assert!(
        shown.contains("lun–ven 08:30–12:30, 14:00–18:00"),
        "{shown}"
    );
}

#[test]
fn sla_hours_and_statement() {
    let s = shop();
    let db = &s.db;
    let sla = json(db, &["contract", "show", &s.sla]);
    assert_eq!(sla["targets"]["blocking"]["intervention_minutes"], 60);
    assert_eq!(sla["targets"]["degraded"]["response_minutes"], 120);
    assert_eq!(sla["included_minutes"], 1200);
    assert_eq!(sla["rates"]["overage_rate_cents"], 4500);
    assert_eq!(sla["has_extra_time_pin"], true);
    let package = json(
        db,
        &["contract", "edit", &s.package, "--notes", "rinnovo 2026"],
    );
    assert_eq!(package["name"], "Pacchetto 24 ore remoto");
    assert_eq!(package["included_minutes"], 1440);
    assert_eq!(package["package_mode"], "remote");
    assert_eq!(package["notes"], "rinnovo 2026");
    let listed = json(db, &["contracts", "list", &s.client]);
    assert_eq!(listed.as_array().unwrap().len(), 2);

    // Monday 2 March 2026: a blocking ticket at 09:00, a degraded one at 09:05.
    let t1 = json(
        db,
        &[
            "--now",
            "2026-03-02 09:00",
            "ticket",
            "open",
            "--client",
            &s.client,
            "--title",
            "Server non parte",
            "--origin",
            "phone",
            "--severity",
            "blocking",
        ],
    );
    let n1 = t1["number"].as_str().unwrap().to_owned();
    json(
        db,
        &[
            "--now",
            "2026-03-02 09:05",
            "ticket",
            "open",
            "--client",
            &s.client,
            "--title",
            "Stampante lenta",
            "--origin",
            "email",
            "--severity",
            "degraded",
        ],
    );
    let urgent = json(db, &["--now", "2026-03-02 09:40", "ticket", "urgent"]);
    let first = &urgent["items"][0];
    assert_eq!(first["ticket"]["number"], n1.as_str());
    assert_eq!(first["sla"]["contract_name"], "Assistenza SLA 2026");
    assert_eq!(first["sla"]["intervention"]["left_minutes"], 20);
    assert_eq!(first["sla"]["intervention"]["state"], "on_time");
    let human = text(db, &["--now", "2026-03-02 09:40", "tickets", "urgent"]);
    assert!(human.contains("scade tra 20m"), "{human}");
    let late = json(
        db,
        &["--now", "2026-03-02 10:20", "ticket", "list", "--by-sla"],
    );
    assert_eq!(late["items"][0]["sla"]["intervention"]["state"], "breached");
    let human = text(db, &["--now", "2026-03-02 10:20", "ticket", "urgent"]);
    assert!(human.contains("SCADUTO da 20m"), "{human}");

    // On site from 09:30 to 11:17: 107 minutes, billed 120 (15-minute rounding), from the SLA.
    let i = json(
        db,
        &[
            "--now",
            "2026-03-02 09:30",
            "intervention",
            "add",
            "--ticket",
            &n1,
            "--mode",
            "on_site",
        ],
    );
    let iid = i["intervention"]["id"].as_str().unwrap().to_owned();
    json(db, &["--now", "2026-03-02 09:30", "timer", "start", &iid]);
    let preview = json(db, &["--now", "2026-03-02 10:00", "allocation", &iid]);
    assert_eq!(preview["is_final"], false);
    json(db, &["--now", "2026-03-02 11:17", "timer", "stop", &iid]);
    let alloc = json(db, &["--now", "2026-03-02 11:20", "allocation", &iid]);
    assert_eq!(alloc["is_final"], true);
    assert_eq!(alloc["worked_minutes"], 107);
    assert_eq!(alloc["billed_minutes"], 120);
    assert_eq!(alloc["lines"][0]["source"], "sla_included");
    assert_eq!(alloc["lines"][0]["reason"], "sla_included");
    assert_eq!(alloc["lines"][0]["minutes"], 120);
    assert_eq!(alloc["lines"][0]["contract_name"], "Assistenza SLA 2026");
    assert_eq!(alloc["charges_cents"], 0);
    let human = text(db, &["allocation", &iid]);
    assert!(
        human.contains("ore incluse nel contratto SLA") && human.contains("addebitato 2 h 00 min"),
        "{human}"
    );

    // The remote package cannot pay for on-site work; `auto` goes back to the automatic order.
    let package_id = id(&package);
    let before = change_count(db);
    let code = error_code(db, &["allocation", &iid, "--pay-from", &package_id]);
    assert_eq!(code, "CONTRACT_NOT_APPLICABLE");
    assert_eq!(change_count(db), before);
    let auto = json(db, &["allocation", &iid, "--pay-from", "auto"]);
    assert_eq!(auto["lines"][0]["source"], "sla_included");

    let balances = json(db, &["balances", &s.client, "--as-of", "2026-03-02"]);
    let by_name = |name: &str| {
        balances["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {balances}"))
    };
    let b = by_name("Assistenza SLA 2026");
    assert_eq!(
        (b["used_minutes"].clone(), b["remaining_minutes"].clone()),
        (120.into(), 1080.into())
    );
    assert_eq!(b["status"], "active");
    let p = by_name("Pacchetto 24 ore remoto");
    assert_eq!(p["remaining_minutes"], 1440);
    let human = text(db, &["balances", &s.client, "--as-of", "02/03/2026"]);
    assert!(human.contains("residue 18 h 00 min"), "{human}");
    // After the SLA contract expired, its remainder is lost.
    let later = json(db, &["balances", &s.client, "--as-of", "2027-01-15"]);
    let expired = later["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["status"] == "expired")
        .expect("the expired SLA");
    assert_eq!(expired["forfeited_minutes"], 1080);

    let st = json(db, &["statement", &s.client, "2026-03"]);
    assert_eq!(st["interventions"].as_array().unwrap().len(), 1);
    assert_eq!(st["billed_minutes"], 120);
    assert_eq!(st["usage"][0]["minutes"], 120);
    assert_eq!(st["usage"][0]["source"], "sla_included");
    assert_eq!(st["balances"].as_array().unwrap().len(), 2);
    assert_eq!(st["expiring"].as_array().unwrap().len(), 0);
    let human = text(db, &["statement", &s.client, "03/2026"]);
    assert!(human.starts_with("Rendiconto di marzo 2026"), "{human}");

    // The ticket page: governing contract with its reason, clocks, entitlement.
    let shown = json(db, &["--now", "2026-03-02 11:20", "ticket", "show", &n1]);
    assert_eq!(shown["sla"]["governing_reason"], "automatic");
    assert_eq!(shown["sla"]["intervention"]["state"], "met");
    assert_eq!(shown["entitlement"]["ok"], true);
    let human = text(db, &["--now", "2026-03-02 11:20", "ticket", "show", &n1]);
    assert!(human.contains("scelto in automatico"), "{human}");
}

//! Issue 17, items 4, 6 and 7 from the command line: a resolution target and a severity on its
//! own calendar in `contract create|edit|show`, the three clocks in `ticket show`, the urgency
//! list ordered by customer class priority within an SLA state; bad input writes nothing.
//! Times are Europe/Rome (UTC+1 in March 2026, before summer time on the 29th).

mod common;

use common::{change_count, error_code, id, json, shop, text};

#[test]
fn weekend_blocking_on_7x8_with_a_resolution_target() {
    let s = shop();
    let db = &s.db;
    json(db, &["calendar", "preset", "7x8"]);
    // The shop's SLA: blocking taken in charge within 1 business hour; now resolved within 8 and
    // timed on 7x8.
    let edited = json(
        db,
        &[
            "contract",
            "edit",
            &s.sla,
            "--resolution",
            "blocking=8h",
            "--severity-calendar",
            "blocking=esteso 7x8",
        ],
    );
    assert_eq!(edited["targets"]["blocking"]["resolution_minutes"], 480);
    assert!(edited["severity_calendars"]["blocking"].is_string());
    let shown = text(db, &["contract", "show", &s.sla]);
    assert!(shown.contains("risoluzione"), "{shown}");
    assert!(
        shown.lines().any(|l| l.contains("blocking")
            && l.contains("8 h 00 min")
            && l.contains("Esteso 7x8")),
        "{shown}"
    );

    // Saturday 07/03/2026 at 10:00. Blocking, on 7x8: intervention due 11:00 (10:00Z);
    // resolution 480 = 10:00–12:30 (150) + 14:00–18:00 (240) + 90 from Sunday 08:30 → Sunday
    // 10:00 (09:00Z). Degraded stays on 5x8: 1h30 from Monday 08:30 → Monday 10:00 (09:00Z).
    let open = |severity: &str| {
        json(
            db,
            &[
                "--now",
                "2026-03-07 10:00",
                "ticket",
                "open",
                "--client",
                &s.client,
                "--title",
                "Linea ferma",
                "--origin",
                "phone",
                "--severity",
                severity,
            ],
        )["number"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let blocking = open("blocking");
    let degraded = open("degraded");
    let b = json(
        db,
        &["--now", "2026-03-07 10:45", "ticket", "show", &blocking],
    );
    assert_eq!(b["sla"]["calendar_name"], "Esteso 7x8");
    assert_eq!(
        b["sla"]["intervention"]["due_at"], "2026-03-07T10:00:00Z",
        "{b}"
    );
    // 45 of 60 used: 75%, at risk.
    assert_eq!(b["sla"]["intervention"]["state"], "at_risk");
    assert_eq!(b["sla"]["resolution"]["due_at"], "2026-03-08T09:00:00Z");
    assert_eq!(b["sla"]["resolution"]["left_minutes"], 435);
    let d = json(
        db,
        &["--now", "2026-03-07 10:45", "ticket", "show", &degraded],
    );
    assert_eq!(d["sla"]["calendar_name"], "Standard 5x8");
    assert_eq!(d["sla"]["intervention"]["due_at"], "2026-03-09T09:00:00Z");
    assert!(d["sla"]["resolution"].is_null());
    let t = text(
        db,
        &["--now", "2026-03-07 10:45", "ticket", "show", &blocking],
    );
    assert!(t.contains("SLA risoluzione entro 8 h 00 min"), "{t}");

    // Bad input: a resolution shorter than the intervention, a malformed or unknown calendar.
    let before = change_count(db);
    for (args, code) in [
        (vec!["--resolution", "blocking=30"], "OUT_OF_RANGE"),
        (vec!["--severity-calendar", "blocking"], "INVALID_FORMAT"),
        (
            vec!["--severity-calendar", "blocking=Mai visto"],
            "NOT_FOUND",
        ),
    ] {
        let mut all = vec!["contract", "edit", s.sla.as_str()];
        all.extend(args);
        assert_eq!(error_code(db, &all), code, "{all:?}");
    }
    assert_eq!(change_count(db), before);
}

/// Two degraded tickets on the same 5x8 SLA terms (intervention within 1h30), both on time at
/// Monday 09/03/2026 09:20: Beta's (class `licence`, priority 1) opened at 09:00 has 70 minutes
/// left, the Farmacia's (class `agreement`, priority 3) opened at 09:10 has 80. Same state, so the
/// higher class comes first although it has more time left.
#[test]
fn urgency_list_by_class_priority_within_a_state() {
    let s = shop();
    let db = &s.db;
    json(db, &["class", "presets"]);
    json(db, &["client", "edit", &s.client, "--class", "agreement"]);
    let beta = id(&json(
        db,
        &["client", "add", "--name", "Beta Snc", "--class", "licence"],
    ));
    json(
        db,
        &[
            "contract",
            "create",
            "--client",
            &beta,
            "--kind",
            "sla",
            "--from",
            "01/01/2026",
            "--calendar",
            "standard 5x8",
            "--intervention",
            "degraded=1h30",
        ],
    );
    let open = |client: &str, at: &str| {
        json(
            db,
            &[
                "--now",
                at,
                "ticket",
                "open",
                "--client",
                client,
                "--title",
                "Stampante lenta",
                "--origin",
                "email",
                "--severity",
                "degraded",
            ],
        )["number"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let b = open(&beta, "2026-03-09 09:00");
    let f = open(&s.client, "2026-03-09 09:10");
    let list = json(db, &["--now", "2026-03-09 09:20", "ticket", "urgent"]);
    let items = list["items"].as_array().unwrap();
    let numbers: Vec<&str> = items
        .iter()
        .map(|u| u["ticket"]["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, vec![f.as_str(), b.as_str()]);
    assert_eq!(items[0]["class_priority"], 3);
    assert_eq!(items[0]["sla"]["intervention"]["left_minutes"], 80);
    assert_eq!(items[1]["sla"]["intervention"]["left_minutes"], 70);
    let t = text(db, &["--now", "2026-03-09 09:20", "ticket", "urgent"]);
    assert!(
        t.lines().next().unwrap().contains("priorità classe 3"),
        "{t}"
    );
}

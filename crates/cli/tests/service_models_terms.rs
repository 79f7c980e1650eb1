//! Ticket terms, extra time with its PIN, customer classes, the shop's rates, and bad input: each
//! error exits with status 1 and its stable code, and writes nothing.

mod common;

use common::{change_count, cli, error_code, json, shop, text};
use serde_json::Value;

#[test]
fn terms_extra_time_classes_and_billing() {
    let s = shop();
    let db = &s.db;
    let t = json(
        db,
        &[
            "--now",
            "2026-03-02 19:00",
            "ticket",
            "open",
            "--client",
            &s.client,
            "--title",
            "Sito fermo di sera",
            "--origin",
            "phone",
            "--severity",
            "blocking",
        ],
    );
    let n = t["number"].as_str().unwrap().to_owned();
    // Outside the 5x8 window the clock waits for Tuesday 08:30...
    let before = json(db, &["--now", "2026-03-02 19:20", "ticket", "show", &n]);
    assert_eq!(before["sla"]["intervention"]["used_minutes"], 0);
    // ...unless the client gives the PIN: extra time, wall-clock.
    let after = json(
        db,
        &[
            "--now",
            "2026-03-02 19:20",
            "ticket",
            "extra-time",
            &n,
            "--pin",
            "4711",
        ],
    );
    assert_eq!(after["ticket"]["extra_time"], true);
    assert_eq!(after["sla"]["wall_clock"], true);
    assert_eq!(after["sla"]["intervention"]["left_minutes"], 40);

    // Terms: the package chosen by hand, out of scope, a service.
    let termed = json(
        db,
        &[
            "ticket",
            "terms",
            &n,
            "--contract",
            &s.package,
            "--out-of-scope",
            "--service",
            "upgrades",
        ],
    );
    assert_eq!(termed["ticket"]["contract_id"], s.package.as_str());
    assert_eq!(termed["sla"]["governing_reason"], "manual");
    assert_eq!(termed["entitlement"]["quote_required"], true);
    let back = json(
        db,
        &[
            "ticket",
            "terms",
            &n,
            "--contract",
            "auto",
            "--out-of-scope",
            "false",
        ],
    );
    assert_eq!(back["ticket"]["contract_id"], Value::Null);
    assert_eq!(back["ticket"]["out_of_scope"], false);
    assert_eq!(back["ticket"]["service"], "upgrades");

    // Classes: a licence holder may not phone in.
    assert_eq!(json(db, &["class", "presets"]).as_array().unwrap().len(), 4);
    let class = json(db, &["class", "edit", "licence", "--free-hours", "5h30"]);
    assert_eq!(class["free_minutes_per_year"], 330);
    json(db, &["client", "edit", &s.client, "--class", "licence"]);
    let shown = json(db, &["ticket", "show", &n]);
    let issues = shown["entitlement"]["issues"].as_array().unwrap();
    assert!(
        issues.contains(&Value::from("channel_not_entitled")),
        "{issues:?}"
    );
    let human = text(db, &["ticket", "show", &n]);
    assert!(
        human.contains("canale della richiesta non è previsto"),
        "{human}"
    );

    // The shop's own rates.
    let billing = json(
        db,
        &[
            "billing",
            "set",
            "--on-site-rate",
            "55,00",
            "--rounding",
            "30",
        ],
    );
    assert_eq!(billing["on_site_rate_cents"], 5500);
    assert_eq!(billing["rounding_minutes"], 30);
    assert_eq!(json(db, &["billing", "show"])["remote_rate_cents"], 4000);
}

#[test]
fn bad_input_exits_with_a_code_and_writes_nothing() {
    let s = shop();
    let db = &s.db;
    let t = json(
        db,
        &[
            "ticket",
            "open",
            "--client",
            &s.client,
            "--title",
            "Rete giù",
            "--origin",
            "phone",
            "--severity",
            "blocking",
        ],
    );
    let n = t["number"].as_str().unwrap().to_owned();
    let before = change_count(db);
    let unknown = "0194d3a0-0000-7000-8000-000000000000";
    for (args, code) in [
        (
            vec![
                "calendar",
                "create",
                "--name",
                "X",
                "--window",
                "lun 08:00-12:00",
                "--window",
                "1 11:00-13:00",
            ],
            "CALENDAR_OVERLAP",
        ),
        (
            vec![
                "calendar",
                "create",
                "--name",
                "X",
                "--window",
                "lunch 08:00-12:00",
            ],
            "INVALID_FORMAT",
        ),
        (vec!["calendar", "create", "--name", "X"], "CALENDAR_EMPTY"),
        (
            vec![
                "contract",
                "create",
                "--client",
                &s.client,
                "--kind",
                "hour_package",
                "--hours",
                "10",
                "--from",
                "2026-05-01",
                "--to",
                "2026-04-01",
            ],
            "INVALID_PERIOD",
        ),
        (
            vec![
                "contract",
                "create",
                "--client",
                unknown,
                "--kind",
                "hour_package",
                "--hours",
                "10",
            ],
            "NOT_FOUND",
        ),
        (
            vec!["contract", "create", "--client", &s.client, "--kind", "sla"],
            "REQUIRED",
        ),
        (
            vec![
                "contract",
                "create",
                "--client",
                &s.client,
                "--kind",
                "sla",
                "--calendar",
                &s.calendar,
                "--extra-time",
            ],
            "REQUIRED",
        ),
        (
            vec![
                "contract",
                "create",
                "--client",
                &s.client,
                "--kind",
                "sla",
                "--calendar",
                "Inesistente",
            ],
            "NOT_FOUND",
        ),
        (
            vec!["contract", "edit", &s.sla, "--response", "blocking=mezzora"],
            "INVALID_FORMAT",
        ),
        (
            vec!["ticket", "extra-time", &n, "--pin", "0000"],
            "WRONG_PIN",
        ),
        (
            vec![
                "ticket",
                "open",
                "--client",
                &s.client,
                "--title",
                "x",
                "--origin",
                "phone",
                "--severity",
                "blocking",
                "--extra-time-pin",
                "1",
            ],
            "WRONG_PIN",
        ),
        (vec!["balances", unknown], "NOT_FOUND"),
        (vec!["statement", &s.client, "2026-13"], "INVALID_FORMAT"),
        (vec!["billing", "set", "--rounding", "0"], "OUT_OF_RANGE"),
    ] {
        assert_eq!(error_code(db, &args), code, "{args:?}");
    }
    assert_eq!(change_count(db), before);
    // The human form names the code too, on stderr, with exit status 1.
    let out = cli(
        db,
        &[
            "calendar",
            "create",
            "--name",
            "X",
            "--window",
            "lun-ven 08:00-12:00 11:00-13:00",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("errore [CALENDAR_OVERLAP]"));
}

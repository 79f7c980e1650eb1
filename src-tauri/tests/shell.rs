//! The desktop shell: the tray icon's model and actions over the app's real store (the icon itself needs a
//! desktop), the tray's language, the database named on the command line.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use rapportino_app::tray::{self, TrayAction};
use rapportino_core::labels::Locale;
use serde_json::{json, Value};

fn intervention(h: &common::Harness, title: &str) -> Value {
    let client = h.ok(
        "create_client",
        json!({"input": {"name": "Ottica Bianchi"}}),
    );
    let ticket = h.ok(
        "open_ticket",
        json!({"input": {"client_id": client["id"], "origin": "phone", "severity": "degraded", "urgent": false,
                         "is_bug": false, "title": title}}),
    );
    h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": ticket["id"], "mode": "remote"}}),
    )
}

fn shown(h: &common::Harness, locale: Locale) -> tray::TrayModel {
    let (running, paused) = h.with_store(|s| tray::read(s)).unwrap();
    tray::model(running.as_ref(), paused.as_ref(), locale)
}

#[test]
fn the_tray_pauses_resumes_and_stops_the_timer() {
    let h = harness();
    h.onboard();
    let idle = shown(&h, Locale::It);
    assert_eq!(idle.label, "");
    assert!(!(idle.pause.1 || idle.resume.1 || idle.stop.1));
    // Nothing to act on: a clear code, nothing written.
    let e = h
        .with_store(|s| tray::apply(s, TrayAction::Pause))
        .unwrap_err();
    assert_eq!(e.code.as_str(), "TIMER_STATE");
    assert_eq!(
        h.with_store(|s| tray::apply(s, TrayAction::Stop))
            .unwrap_err()
            .code
            .as_str(),
        "TIMER_STATE"
    );

    let i = intervention(&h, "Scanner");
    h.ok("timer_start", json!({"id": i["id"]}));
    let running = shown(&h, Locale::It);
    assert!(running.label.starts_with("⏱ 0:00:0"), "{}", running.label);
    assert!(
        running.label.contains("-MR-"),
        "ticket number in {}",
        running.label
    );
    assert!(running.tooltip.contains("Ottica Bianchi"));
    assert_eq!(
        (running.pause.1, running.resume.1, running.stop.1),
        (true, false, true)
    );

    h.with_store(|s| tray::apply(s, TrayAction::Pause)).unwrap();
    let paused = shown(&h, Locale::En);
    assert!(paused.label.starts_with("⏸ "));
    assert!(paused.resume.0.starts_with("Resume "));
    assert_eq!(
        (paused.pause.1, paused.resume.1, paused.stop.1),
        (false, true, true)
    );
    let detail = h.ok("intervention_detail", json!({"id": i["id"]}));
    assert_eq!(detail["timer_state"], "paused");

    h.with_store(|s| tray::apply(s, TrayAction::Resume))
        .unwrap();
    assert_eq!(
        h.ok("intervention_detail", json!({"id": i["id"]}))["timer_state"],
        "running"
    );
    h.with_store(|s| tray::apply(s, TrayAction::Stop)).unwrap();
    assert_eq!(
        h.ok("intervention_detail", json!({"id": i["id"]}))["timer_state"],
        "stopped"
    );
    assert_eq!(shown(&h, Locale::It), idle);
}

#[test]
fn the_tray_speaks_the_ui_language_and_formats_a_stopwatch() {
    assert_eq!(tray::clock(0), "0:00:00");
    assert_eq!(tray::clock(3_909), "1:05:09");
    assert_eq!(tray::clock(-5), "0:00:00");
    assert_eq!(tray::clock(36 * 3600 + 1), "36:00:01");
    let it = tray::model(None, None, Locale::It);
    let en = tray::model(None, None, Locale::En);
    assert_eq!(it.open, "Apri Rapportino");
    assert_eq!(en.open, "Open Rapportino");
    let h = harness();
    h.onboard();
    h.ok("set_ui_locale", json!({"locale": "en"}));
    h.ok("set_ui_locale", json!({"locale": "it"}));
    let e = h.err("set_ui_locale", json!({"locale": "fr"}));
    assert_eq!(e["code"], "INVALID_FORMAT");
    assert_eq!(e["field"], "locale");
}

#[test]
fn the_database_can_be_named_on_the_command_line() {
    use rapportino_app::database_argument;
    let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        database_argument(args(&["--db", "/tmp/a.db"])),
        Some("/tmp/a.db".into())
    );
    assert_eq!(
        database_argument(args(&["-x", "--db=/tmp/b.db"])),
        Some("/tmp/b.db".into())
    );
    assert_eq!(database_argument(args(&["--db"])), None);
    assert_eq!(database_argument(args(&["--db="])), None);
    assert_eq!(database_argument(args(&[])), None);
}

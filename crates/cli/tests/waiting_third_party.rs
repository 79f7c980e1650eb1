//! Issue 17, item 5 from the command line: `ticket move <NUM> waiting_third_party --party-kind
//! provider --party Fastweb --note ...`, its JSON, the history in `ticket show`; a move without
//! the party writes nothing.

mod common;

use common::{change_count, error_code, id, json, shop, text};

#[test]
fn a_ticket_waits_for_the_provider_and_comes_back() {
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
            "Linea internet assente",
            "--origin",
            "phone",
            "--severity",
            "blocking",
        ],
    );
    let number = t["number"].as_str().unwrap().to_owned();
    json(db, &["ticket", "move", &number, "taken"]);

    let before = change_count(db);
    let missing = ["ticket", "move", &number, "waiting_third_party"];
    assert_eq!(error_code(db, &missing), "REQUIRED");
    let blank = [
        "ticket",
        "move",
        &number,
        "waiting_third_party",
        "--party-kind",
        "provider",
        "--party",
        "  ",
    ];
    assert_eq!(error_code(db, &blank), "REQUIRED");
    let wrong_kind = [
        "ticket",
        "move",
        &number,
        "waiting_third_party",
        "--party-kind",
        "courier",
        "--party",
        "BRT",
    ];
    let out = common::cli(db, &wrong_kind);
    assert!(!out.status.success(), "an unknown party kind is refused");
    assert_eq!(change_count(db), before, "nothing written");

    let waiting = json(
        db,
        &[
            "ticket",
            "move",
            &number,
            "waiting_third_party",
            "--party-kind",
            "provider",
            "--party",
            " Fastweb ",
            "--note",
            "Guasto in centrale, segnalazione 4471",
        ],
    );
    assert_eq!(waiting["status"], "waiting_third_party");
    assert_eq!(waiting["waiting_party"]["kind"], "provider");
    assert_eq!(waiting["waiting_party"]["name"], "Fastweb");
    let shown = text(db, &["ticket", "show", &number]);
    assert!(
        shown.contains("[waiting_third_party: Fastweb (operatore)]"),
        "{shown}"
    );
    assert!(
        shown.contains("taken → waiting_third_party: Fastweb (operatore) (Guasto in centrale, segnalazione 4471)"),
        "{shown}"
    );
    let urgent = json(db, &["ticket", "urgent"]);
    assert!(
        urgent.to_string().contains("waiting_third_party"),
        "the urgency list keeps the waiting ticket: {urgent}"
    );

    let back = json(db, &["ticket", "move", &number, "in_progress"]);
    assert_eq!(back["status"], "in_progress");
    assert!(back["waiting_party"].is_null(), "{back}");
    assert_eq!(id(&back), id(&t));
}

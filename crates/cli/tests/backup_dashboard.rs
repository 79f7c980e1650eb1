//! The CLI's backup, restore, backups and dashboard commands, through the binary.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

#[test]
fn backup_restore_and_the_daily_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rapportino.db");
    json(
        &db,
        &[
            "onboard",
            "--shop",
            "Assistenza Rossi",
            "--name",
            "Mario Rossi",
            "--code",
            "MR",
        ],
    );
    json(&db, &["client", "add", "--name", "Cartoleria Esposito"]);
    let copy = dir.path().join("copia.db");
    let made = json(&db, &["backup", copy.to_str().unwrap()]);
    assert!(made["bytes"].as_u64().unwrap() > 0);
    json(&db, &["client", "add", "--name", "Ferramenta Bianchi"]);

    let restored = json(&db, &["restore", copy.to_str().unwrap()]);
    let safety = restored["safety_copy"]["path"].as_str().unwrap();
    assert!(
        safety.contains("/backups/prima-del-ripristino-"),
        "{safety}"
    );
    let listed = text(&db, &["client", "list"]);
    assert!(
        listed.contains("Cartoleria") && !listed.contains("Ferramenta"),
        "{listed}"
    );

    let not_ours = dir.path().join("appunti.txt");
    std::fs::write(&not_ours, "note").unwrap();
    assert_eq!(
        error_code(&db, &["restore", not_ours.to_str().unwrap()]),
        "BACKUP_INVALID"
    );
    assert!(text(&db, &["client", "list"]).contains("Cartoleria"));

    let auto = json(&db, &["--now", "2026-11-22 09:00", "backups", "--auto"]);
    assert_eq!(auto["made"]["name"], "rapportino-2026-11-22.db");
    let again = json(&db, &["--now", "2026-11-22 18:00", "backups", "--auto"]);
    assert!(again["made"].is_null());
    let list = json(&db, &["backups"]);
    assert_eq!(
        list.as_array().unwrap().len(),
        2,
        "today's and the safety copy: {list}"
    );
}

#[test]
fn the_dashboard_in_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rapportino.db");
    assert_eq!(error_code(&db, &["dashboard"]), "NOT_ONBOARDED");
    json(
        &db,
        &[
            "onboard",
            "--shop",
            "Assistenza Rossi",
            "--name",
            "Mario Rossi",
            "--code",
            "MR",
        ],
    );
    let d = json(&db, &["dashboard"]);
    assert_eq!(d["my_tickets_total"], 0);
    let out = text(&db, &["dashboard"]);
    assert!(
        out.contains("I miei ticket aperti: 0") && out.contains("Sincronizzazione"),
        "{out}"
    );
}

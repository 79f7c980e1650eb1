//! Backups through the commands: now, the daily one, restore, a refused file.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use rapportino_app::state::AppState;
use serde_json::json;

#[test]
fn back_up_list_restore_and_refuse() {
    let h = harness();
    h.onboard();
    h.ok(
        "create_client",
        json!({"input": {"name": "Cartoleria Esposito"}}),
    );
    let listed = h.ok("list_backups", json!({}));
    assert_eq!(listed["keep_days"], 14);
    assert!(listed["files"].as_array().unwrap().is_empty());
    let folder = std::path::PathBuf::from(listed["folder"].as_str().unwrap());

    // Beside the database (not one of the app's folders): refused until picked in a dialog.
    let target = folder.parent().unwrap().join("a-mano.db");
    let e = h.err("backup_now", json!({"path": target}));
    assert_eq!(e["code"], "PATH_NOT_ALLOWED");
    assert!(!target.exists());
    h.pick(&target);
    let made = h.ok("backup_now", json!({"path": target}));
    assert!(made["bytes"].as_u64().unwrap() > 0);
    h.ok(
        "create_client",
        json!({"input": {"name": "Ferramenta Bianchi"}}),
    );

    let restored = h.ok("restore_backup", json!({"path": target}));
    assert!(restored["safety_copy"]["name"]
        .as_str()
        .unwrap()
        .starts_with("prima-del-ripristino-"));
    let clients = h.ok("list_clients", json!({"filter": {}, "page": {}}));
    let names: Vec<_> = clients["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, [json!("Cartoleria Esposito")]);

    let listed = h.ok("list_backups", json!({}));
    assert_eq!(
        listed["files"].as_array().unwrap().len(),
        1,
        "the safety copy"
    );

    let junk = folder.join("appunti.db");
    std::fs::write(&junk, "non è un database").unwrap();
    let e = h.err("restore_backup", json!({"path": junk}));
    assert_eq!(e["code"], "BACKUP_INVALID");
    assert_eq!(e["field"], "path");
    // The database itself is beside the backups folder, not in it.
    let e = h.err(
        "restore_backup",
        json!({"path": folder.join("..").join("test.db")}),
    );
    assert_eq!(e["code"], "PATH_NOT_ALLOWED");
    let e = h.err(
        "backup_now",
        json!({"path": folder.join("no/such/dir/b.db")}),
    );
    assert_eq!(e["code"], "OUTPUT_UNWRITABLE");
}

#[test]
fn the_daily_backup_runs_once_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(Ok(dir.path().join("rapportino.db")));
    let first = rapportino_app::commands::backup::run_daily(&state).unwrap();
    let made = first.made.unwrap();
    assert!(made.automatic);
    assert!(made.path.contains("/backups/rapportino-"));
    let second = rapportino_app::commands::backup::run_daily(&state).unwrap();
    assert!(second.made.is_none());
}

/// Another device's backup on a device linked to a hub: refused (FOREIGN_BACKUP), then — the
/// user confirmed "Ripristina come nuovo dispositivo" — restored as a new device from the same
/// file without asking for it again: a new identity, not set up, not linked.
#[test]
fn a_foreign_backup_is_restored_as_a_new_device_after_the_refusal() {
    let h = harness();
    h.onboard();
    h.ok("create_client", json!({"input": {"name": "Ottica Bassi"}}));
    // Linked to a hub (as enrolment leaves it; no hub is contacted here).
    h.with_store(|s| {
        s.conn().execute(
            "INSERT INTO local_state (key, value) VALUES ('sync.hub_url', 'https://hub.example.it')",
            [],
        )?;
        Ok(())
    })
    .unwrap();
    let before = h.ok("setup_status", json!({}));

    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("altro.db");
    {
        let mut s = rapportino_core::Store::open(&other).unwrap();
        rapportino_core::setup::onboard(
            &mut s,
            &rapportino_core::setup::OnboardingInput {
                shop_name: "Assistenza Rossi".into(),
                technician_name: "Luca Bianchi".into(),
                technician_code: "LB".into(),
                device_code: None,
            },
        )
        .unwrap();
    }
    h.pick(&other); // as if chosen in "Ripristina da file…"
    let e = h.err("restore_backup", json!({"path": other}));
    assert_eq!(e["code"], "FOREIGN_BACKUP");
    assert_eq!(h.ok("setup_status", json!({})), before, "nothing changed");

    // No path: the file just refused, not a dialog.
    let done = h.ok(
        "restore_backup",
        json!({"path": null, "as_new_device": true}),
    );
    assert_eq!(done["new_device"], true);
    let after = h.ok("setup_status", json!({}));
    assert_eq!(after["onboarded"], false);
    assert_ne!(after["device_id"], before["device_id"]);
    assert_ne!(after["device_id"], json!(null));
    assert_eq!(h.ok("sync_status", json!({}))["configured"], false);
    let technicians = h.ok("list_technicians", json!({}));
    assert_eq!(technicians[0]["code"], "LB", "the backup's data");
}

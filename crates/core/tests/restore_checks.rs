//! What a restore checks besides `quick_check`: the backup's schema, object by object, against a
//! fresh database of its version (the triggers that keep a signed report from changing among
//! them), and whose device the backup is (another device's, on a device enrolled with a hub, is
//! restored only as a new device). A refused backup changes nothing.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use rapportino_core::backup::{self, RestoreOptions};
use rapportino_core::clients::{self, ClientFilter};
use rapportino_core::setup;
use rapportino_core::store::migrations;
use rapportino_core::sync::{self, credential, keys};
use rapportino_core::{Code, PageRequest, Store};
use rusqlite::{Connection, OptionalExtension};

fn names(s: &Store) -> Vec<String> {
    let mut v: Vec<String> = clients::list(s, &ClientFilter::default(), &PageRequest::new(100, 0))
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.name)
        .collect();
    v.sort();
    v
}

/// A file store with one client, and a backup of it holding another.
fn store_and_backup(dir: &Path) -> (Store, PathBuf) {
    let mut s = Store::open(dir.join("rapportino.db")).unwrap();
    common::onboard(&mut s, "MR");
    common::client(&mut s, "Ottica Neri");
    let copy = dir.join("copia.db");
    backup::backup_to(&s, &copy).unwrap();
    common::client(&mut s, "Cartoleria Esposito");
    (s, copy)
}

#[test]
fn a_backup_whose_schema_was_altered_is_refused_and_nothing_changes() {
    for (what, alteration, names_in_message) in [
        (
            "the signed-report update trigger dropped",
            "DROP TRIGGER reports_signed_no_update",
            "reports_signed_no_update is missing",
        ),
        (
            "the signed-report delete trigger dropped",
            "DROP TRIGGER reports_signed_no_delete",
            "reports_signed_no_delete is missing",
        ),
        (
            "the trigger made harmless",
            "DROP TRIGGER reports_signed_no_update\n\
             CREATE TRIGGER reports_signed_no_update BEFORE UPDATE ON reports \
             WHEN 0 BEGIN SELECT RAISE(ABORT, 'REPORT_SIGNED'); END",
            "reports_signed_no_update differs",
        ),
        (
            "a column added",
            "ALTER TABLE clients ADD COLUMN note_segreta TEXT",
            "table clients differs",
        ),
        (
            "an index dropped",
            "DROP INDEX change_log_row",
            "change_log_row is missing",
        ),
        (
            "a table of someone else's",
            "CREATE TABLE appunti (testo TEXT)",
            "table appunti is not Rapportino's",
        ),
        (
            "a trigger of someone else's",
            "CREATE TRIGGER clients_spy AFTER INSERT ON clients BEGIN SELECT 1; END",
            "trigger clients_spy is not Rapportino's",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, copy) = store_and_backup(dir.path());
        {
            let c = Connection::open(&copy).unwrap();
            for statement in alteration.split('\n') {
                c.execute(statement, []).unwrap();
            }
            let sound: String = c.query_row("PRAGMA quick_check", [], |r| r.get(0)).unwrap();
            assert_eq!(sound, "ok", "{what}: still sound to quick_check");
        }
        let err = backup::inspect(&copy).unwrap_err();
        assert_eq!(err.code(), Code::BackupSchemaMismatch, "{what}: {err}");
        assert!(err.to_string().contains(names_in_message), "{what}: {err}");

        let safety = dir.path().join("backups");
        let err = backup::restore_from(&mut s, &copy, &safety).unwrap_err();
        assert_eq!(err.code(), Code::BackupSchemaMismatch, "{what}");
        assert_eq!(names(&s), ["Cartoleria Esposito", "Ottica Neri"], "{what}");
        assert!(!safety.exists(), "{what}: no safety copy, nothing done");
        // The live database still protects signed reports.
        let triggers: i64 = s
            .conn()
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'
                 AND name IN ('reports_signed_no_update', 'reports_signed_no_delete')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(triggers, 2, "{what}");
    }
}

#[test]
fn a_sound_backup_of_an_older_version_is_checked_against_that_version_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _copy) = store_and_backup(dir.path());
    let old = dir.path().join("vecchio.db");
    let older = migrations::latest_version() - 1;
    {
        let c = Connection::open(&old).unwrap();
        migrations::apply_up_to(&c, older).unwrap();
        c.execute(
            "INSERT INTO local_state (key, value) VALUES ('device_id', ?1), ('hlc', '0')",
            [s.device_id().unwrap().to_string()],
        )
        .unwrap();
    }
    assert_eq!(backup::inspect(&old).unwrap(), older);
    let restored = backup::restore_from(&mut s, &old, &dir.path().join("backups")).unwrap();
    assert_eq!(restored.schema_version, migrations::latest_version());
    assert!(names(&s).is_empty());

    // The same older file with its trigger dropped is refused all the same.
    let tampered = dir.path().join("vecchio-alterato.db");
    std::fs::copy(&old, &tampered).unwrap();
    Connection::open(&tampered)
        .unwrap()
        .execute("DROP TRIGGER reports_signed_no_delete", [])
        .unwrap();
    assert_eq!(
        backup::inspect(&tampered).unwrap_err().code(),
        Code::BackupSchemaMismatch
    );
}

/// Another device's database (its own device id and code) holding one client, as a backup.
fn foreign_backup(dir: &Path) -> PathBuf {
    let path = dir.join("altro-portatile.db");
    let mut other = Store::open(&path).unwrap();
    common::onboard(&mut other, "LB");
    common::client(&mut other, "Ferramenta Bianchi");
    let copy = dir.join("backup-altro.db");
    backup::backup_to(&other, &copy).unwrap();
    copy
}

fn enrol_offline(s: &mut Store) {
    s.write(|tx| {
        tx.set_local(keys::HUB_URL, "https://hub.example.it:8443")?;
        tx.set_local(keys::CURSOR, "42")
    })
    .unwrap();
    let token = credential::path_for(s.path().unwrap());
    std::fs::write(token, format!("{}.abcdef", s.device_id().unwrap())).unwrap();
}

#[test]
fn another_devices_backup_on_an_enrolled_device_is_refused_unless_restored_as_a_new_device() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _copy) = store_and_backup(dir.path());
    enrol_offline(&mut s);
    let mine = s.device_id().unwrap();
    let theirs = foreign_backup(dir.path());
    let safety = dir.path().join("backups");

    let err = backup::restore_from(&mut s, &theirs, &safety).unwrap_err();
    assert_eq!(err.code(), Code::ForeignBackup, "{err}");
    assert!(err.to_string().contains("--as-new-device"), "{err}");
    assert_eq!(names(&s), ["Cartoleria Esposito", "Ottica Neri"]);
    assert_eq!(s.device_id().unwrap(), mine);
    assert!(sync::status(&s).unwrap().configured);
    assert!(!safety.exists());

    let as_new = RestoreOptions {
        as_new_device: true,
        ..RestoreOptions::default()
    };
    let restored = backup::restore_with(&mut s, &theirs, &safety, &as_new).unwrap();
    assert!(restored.new_device);
    assert_eq!(names(&s), ["Ferramenta Bianchi"]);
    // A new identity: neither this device's nor the backup's.
    let new_id = s.device_id().unwrap();
    let their_id: String = Connection::open(&theirs)
        .unwrap()
        .query_row(
            "SELECT value FROM local_state WHERE key = 'device_id'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(new_id, mine);
    assert_ne!(new_id.to_string(), their_id);
    // No hub: token, address, cursor gone; set up and enrol again.
    let status = sync::status(&s).unwrap();
    assert!(!status.configured && status.hub_url.is_none(), "{status:?}");
    assert_eq!(status.device_code, None);
    assert!(!status.numbering_hold);
    assert!(!credential::path_for(s.path().unwrap()).exists());
    let cursor: Option<String> = s
        .conn()
        .query_row(
            "SELECT value FROM local_state WHERE key = ?1",
            [keys::CURSOR],
            |r| r.get(0),
        )
        .optional()
        .unwrap();
    assert_eq!(cursor, None);
    assert!(
        !setup::status(&s).unwrap().onboarded,
        "onboarding asks for a device code again"
    );
    // What the backup's device had not sent goes out as this device's.
    let other_devices: i64 = s
        .conn()
        .query_row(
            "SELECT count(*) FROM change_log WHERE device_id <> ?1",
            [new_id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(other_devices, 0);
    assert!(sync::status(&s).unwrap().pending_changes > 0);
    // Set up again with a code of its own, it works as before.
    setup::onboard(
        &mut s,
        &setup::OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: "Marco Rinaldi".into(),
            technician_code: "MR".into(),
            device_code: Some("MR2".into()),
        },
    )
    .unwrap();
    common::client(&mut s, "Ottica Bassi");
}

#[test]
fn another_devices_backup_on_a_device_without_hub_takes_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _copy) = store_and_backup(dir.path());
    let theirs = foreign_backup(dir.path());
    let restored = backup::restore_from(&mut s, &theirs, &dir.path().join("backups")).unwrap();
    assert!(!restored.new_device);
    assert_eq!(names(&s), ["Ferramenta Bianchi"]);
    // A new computer taking over a lost one's data: the backup's identity, numbering and all.
    assert_eq!(sync::status(&s).unwrap().device_code.as_deref(), Some("LB"));
}

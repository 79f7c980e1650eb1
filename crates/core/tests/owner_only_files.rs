//! Files and folders the core writes are owner-only on Unix: the database (and SQLite's `-wal`
//! and `-shm` beside it), its folder, every kind of backup and the `backups` folder.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use chrono::NaiveDate;
use common::*;
use rapportino_core::backup;
use rapportino_core::Store;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

fn beside(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = db.file_name().unwrap().to_os_string();
    name.push(suffix);
    db.with_file_name(name)
}

#[test]
fn the_database_its_folder_and_sqlite_files_are_owner_only() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("share").join("it.rapportino.desktop");
    let db = data.join("rapportino.db");
    let mut s = Store::open(&db).unwrap();
    onboard(&mut s, "MR");
    client(&mut s, "Cartoleria Esposito");

    assert_eq!(mode(&tmp.path().join("share")), 0o700);
    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(&db), 0o600, "the database");
    // Open in WAL mode with a write done: both files exist now.
    assert_eq!(mode(&beside(&db, "-wal")), 0o600, "the write-ahead log");
    assert_eq!(mode(&beside(&db, "-shm")), 0o600, "the shared-memory index");
    let _guard = rapportino_core::sync::guard::acquire(&s).unwrap();
    assert_eq!(mode(&beside(&db, ".sync-lock")), 0o600, "the sync guard");
}

#[test]
fn an_existing_database_keeps_the_mode_its_owner_gave_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("shared.db");
    drop(Store::open(&db).unwrap());
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o640)).unwrap();
    drop(Store::open(&db).unwrap());
    assert_eq!(mode(&db), 0o640);
}

#[test]
fn manual_automatic_and_safety_backups_are_owner_only() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("rapportino.db");
    let mut s = Store::open(&db).unwrap();
    onboard(&mut s, "MR");
    client(&mut s, "Cartoleria Esposito");

    // Backup now, to a file the user chose; replacing a world-readable file leaves an
    // owner-only one.
    let manual = tmp.path().join("copia.db");
    std::fs::write(&manual, b"old").unwrap();
    std::fs::set_permissions(&manual, std::fs::Permissions::from_mode(0o644)).unwrap();
    backup::backup_file(&db, &manual).unwrap();
    assert_eq!(mode(&manual), 0o600, "backup now");
    let from_store = tmp.path().join("copia-2.db");
    backup::backup_to(&s, &from_store).unwrap();
    assert_eq!(mode(&from_store), 0o600, "backup of the open store");

    // The daily backup creates the folder.
    let folder = backup::folder_for(&db);
    let day = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let auto = backup::auto_backup(&db, &folder, day, backup::KEEP_DAYS).unwrap();
    assert_eq!(mode(&folder), 0o700, "the backups folder");
    assert_eq!(mode(Path::new(&auto.made.unwrap().path)), 0o600, "daily");

    // The safety copy a restore makes, into a folder it creates.
    let safety_dir = tmp.path().join("safety");
    let restored = backup::restore_from(&mut s, &manual, &safety_dir).unwrap();
    assert!(restored
        .safety_copy
        .name
        .starts_with("prima-del-ripristino-"));
    assert_eq!(mode(&safety_dir), 0o700);
    assert_eq!(mode(Path::new(&restored.safety_copy.path)), 0o600, "safety");
}

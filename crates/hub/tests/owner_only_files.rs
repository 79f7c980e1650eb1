//! The hub's files are owner-only on Unix: its SQLite database with SQLite's `-wal` and `-shm`,
//! and the file `rapportino-hub backup` writes (from either engine).
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rapportino_hub::storage::Storage;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn the_sqlite_hub_and_its_wal_files_are_owner_only() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("hub.db");
    let storage = Storage::open(&format!("sqlite:{}", db.display())).expect("open");
    storage
        .write(|tx| tx.next_seq().map(|_| ()))
        .expect("a write");
    for (file, what) in [
        (db.clone(), "the hub database"),
        (dir.path().join("hub.db-wal"), "its write-ahead log"),
        (dir.path().join("hub.db-shm"), "its shared-memory index"),
    ] {
        assert_eq!(mode(&file), 0o600, "{what}");
    }
}

#[test]
fn a_hub_backup_is_owner_only() {
    for b in common::backends() {
        let dir = tempfile::tempdir().expect("dir");
        let out = dir.path().join("backup.db");
        b.storage.backup_to(&out).expect("backup");
        assert_eq!(mode(&out), 0o600, "{}", b.kind);
    }
}

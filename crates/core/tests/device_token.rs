//! The device token lives in an owner-only file beside the database, never in it: a database of
//! an earlier version gives its token up when opened, and no backup or safety copy carries one.
//! (The end-to-end case, a real enrolment then a backup, is in the hub's `device_transport`
//! tests.)
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use rapportino_core::backup;
use rapportino_core::sync::{self, credential, keys};
use rapportino_core::Store;
use rusqlite::{Connection, OptionalExtension};

const TOKEN: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.5f0c3b7e9d2a4c6e8f1b3d5a7c9e0f2b4d6a8c0e1f3b5d7a9c2e4f6b8d0a1c3e5";

fn contains(path: &Path, needle: &str) -> bool {
    std::fs::read(path)
        .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .unwrap_or(false)
}

fn local(path: &Path, key: &str) -> Option<String> {
    Connection::open(path)
        .unwrap()
        .query_row("SELECT value FROM local_state WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()
        .unwrap()
}

/// An enrolled database as an earlier version left it: the token in `local_state`, the page
/// rewritten a few times since.
fn old_enrolled_database(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("rapportino.db");
    {
        let mut s = Store::open(&db).unwrap();
        common::onboard(&mut s, "MR");
        common::client(&mut s, "Cartoleria Esposito");
    }
    let c = Connection::open(&db).unwrap();
    for (k, v) in [
        (keys::HUB_URL, "https://hub.example.it:8443"),
        (keys::TOKEN, TOKEN),
        (keys::ROLE, "technician"),
    ] {
        c.execute(
            "INSERT INTO local_state (key, value) VALUES (?1, ?2)",
            [k, v],
        )
        .unwrap();
    }
    for n in 0..50 {
        c.execute(
            "INSERT INTO local_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [keys::LAST_SYNC_AT, &format!("2026-11-16T09:{n:02}:00Z")],
        )
        .unwrap();
    }
    drop(c);
    assert!(contains(&db, TOKEN), "the old database holds the token");
    db
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn opening_an_old_database_moves_its_token_to_an_owner_only_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = old_enrolled_database(dir.path());

    let s = Store::open(&db).unwrap();
    assert_eq!(credential::token(&s).unwrap().as_deref(), Some(TOKEN));
    assert!(sync::status(&s).unwrap().configured);
    let file = credential::path_for(&db);
    assert_eq!(file, dir.path().join("rapportino.db.sync-token"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), TOKEN);
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    drop(s);

    assert_eq!(local(&db, keys::TOKEN), None);
    assert_eq!(
        local(&db, keys::HUB_URL).as_deref(),
        Some("https://hub.example.it:8443")
    );
    for f in ["rapportino.db", "rapportino.db-wal"] {
        assert!(!contains(&dir.path().join(f), TOKEN), "{f} still holds it");
    }

    // A backup and the safety copy of a restore hold no credential either.
    let mut s = Store::open(&db).unwrap();
    let copy = dir.path().join("copia.db");
    backup::backup_to(&s, &copy).unwrap();
    assert!(!contains(&copy, TOKEN));
    assert_eq!(local(&copy, keys::TOKEN), None);
    let restored = backup::restore_from(&mut s, &copy, &dir.path().join("backups")).unwrap();
    let safety = Path::new(&restored.safety_copy.path);
    assert!(!contains(safety, TOKEN));
    // The device is still connected: the token file stayed.
    assert!(sync::status(&s).unwrap().configured);

    sync::forget_hub(&mut s).unwrap();
    assert!(!file.exists(), "forgetting the hub deletes the token");
    assert!(!sync::status(&s).unwrap().configured);
}

#[test]
fn a_backup_of_a_database_still_holding_a_token_is_scrubbed() {
    let dir = tempfile::tempdir().unwrap();
    let db = old_enrolled_database(dir.path());
    // Copied through a connection of its own, as the daily backup does, before any Store opened
    // the file.
    let copy = dir.path().join("rapportino-2026-11-16.db");
    backup::backup_file(&db, &copy).unwrap();
    assert!(!contains(&copy, TOKEN), "the copy holds the token");
    assert_eq!(local(&copy, keys::TOKEN), None);
    assert!(local(&copy, keys::HUB_URL).is_some());
    backup::inspect(&copy).unwrap();
    // The source was only read.
    assert_eq!(local(&db, keys::TOKEN).as_deref(), Some(TOKEN));
}

#[test]
fn restoring_an_old_backup_with_a_token_keeps_the_current_token_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = old_enrolled_database(dir.path());
    // An old backup: a plain file copy still holding the token.
    let old_backup = dir.path().join("vecchio.db");
    std::fs::copy(&db, &old_backup).unwrap();

    let mut s = Store::open(&db).unwrap();
    // The hub rotated the token since (a re-enrolment): the file holds the newer one.
    let newer = format!("{}x", &TOKEN[..TOKEN.len() - 1]);
    std::fs::write(credential::path_for(&db), &newer).unwrap();
    backup::restore_from(&mut s, &old_backup, &dir.path().join("backups")).unwrap();
    assert_eq!(
        credential::token(&s).unwrap().as_deref(),
        Some(newer.as_str())
    );
    drop(s);
    assert_eq!(local(&db, keys::TOKEN), None);
    assert!(!contains(&db, TOKEN));
}

//! Backups: online copies that open and hold the data, restore into the open store (with a safety
//! copy), refused files change nothing, 14 days of automatic backups and nothing else touched.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;

use chrono::{Duration, NaiveDate};
use common::*;
use rapportino_core::backup::{self, KEEP_DAYS};
use rapportino_core::clients::{self, ClientFilter};
use rapportino_core::store::migrations::latest_version;
use rapportino_core::{Code, PageRequest, Store};

fn file_store(dir: &Path) -> Store {
    let mut s = Store::open(dir.join("rapportino.db")).unwrap();
    onboard(&mut s, "MR");
    s
}

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

#[test]
fn a_backup_restores_the_data_as_it_was_into_the_open_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    client(&mut s, "Cartoleria Esposito");
    let target = dir.path().join("copia.db");
    let made = backup::backup_to(&s, &target).unwrap();
    assert!(made.bytes > 0 && !made.automatic);
    assert_eq!(backup::inspect(&target).unwrap(), latest_version());
    assert!(
        !dir.path().join("copia.db-wal").exists(),
        "one self-contained file"
    );

    client(&mut s, "Ferramenta Bianchi");
    let safety_dir = dir.path().join("backups");
    let restored = backup::restore_from(&mut s, &target, &safety_dir).unwrap();
    assert_eq!(names(&s), ["Cartoleria Esposito"]);
    // The same store carries on writing.
    client(&mut s, "Ottica Neri");
    assert_eq!(names(&s), ["Cartoleria Esposito", "Ottica Neri"]);
    // The safety copy holds what the restore replaced.
    let safety = Store::open(&restored.safety_copy.path).unwrap();
    assert_eq!(
        names(&safety),
        ["Cartoleria Esposito", "Ferramenta Bianchi"]
    );
    let listed = backup::list(&safety_dir).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].name.starts_with("prima-del-ripristino-"));
}

#[test]
fn a_copy_of_the_file_is_consistent_while_the_app_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    for i in 0..200 {
        client(&mut s, &format!("Cliente {i:03}"));
    }
    let db = dir.path().join("rapportino.db");
    let target = dir.path().join("online.db");
    // A write transaction open on the app's connection while the copy runs from another one.
    s.conn().execute("BEGIN IMMEDIATE", []).unwrap();
    s.conn()
        .execute(
            "UPDATE clients SET notes = 'in corso' WHERE name = 'Cliente 000'",
            [],
        )
        .unwrap();
    backup::backup_file(&db, &target).unwrap();
    s.conn().execute("COMMIT", []).unwrap();
    let copy = Store::open(&target).unwrap();
    assert_eq!(count(&copy, "clients"), 200);
    let notes: Option<String> = copy
        .conn()
        .query_row(
            "SELECT notes FROM clients WHERE name = 'Cliente 000'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        notes, None,
        "the committed snapshot, not the open transaction"
    );
}

#[test]
fn files_that_are_not_backups_are_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    client(&mut s, "Cartoleria Esposito");
    let safety_dir = dir.path().join("backups");
    let text = dir.path().join("appunti.db");
    fs::write(&text, "non è un database\n".repeat(100)).unwrap();
    let foreign = dir.path().join("altro.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute("CREATE TABLE t (x)", [])
        .unwrap();
    let good = dir.path().join("buono.db");
    backup::backup_to(&s, &good).unwrap();
    let newer = dir.path().join("nuovo.db");
    fs::copy(&good, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let truncated = dir.path().join("troncato.db");
    let bytes = fs::read(&good).unwrap();
    fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();

    for (file, code) in [
        (dir.path().join("manca.db"), Code::BackupInvalid),
        (text, Code::BackupInvalid),
        (foreign, Code::BackupInvalid),
        (newer, Code::DatabaseTooNew),
        (truncated, Code::BackupInvalid),
    ] {
        let e = backup::restore_from(&mut s, &file, &safety_dir).unwrap_err();
        assert_eq!(e.code(), code, "{}: {e}", file.display());
        assert_eq!(names(&s), ["Cartoleria Esposito"]);
    }
    assert!(!safety_dir.exists(), "no safety copy for a refused file");
}

#[test]
fn a_backup_that_cannot_be_written_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = file_store(dir.path());
    let e = backup::backup_to(&s, &dir.path().join("no/such/folder/b.db")).unwrap_err();
    assert_eq!(e.code(), Code::OutputUnwritable);
    let e = backup::backup_to(&s, dir.path()).unwrap_err();
    assert_eq!(e.code(), Code::OutputUnwritable);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn daily_backups_are_kept_for_fourteen_days_and_nothing_else_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    client(&mut s, "Cartoleria Esposito");
    let db = dir.path().join("rapportino.db");
    let backups = dir.path().join("backups");
    fs::create_dir_all(&backups).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    for back in 1..=20 {
        let day = today - Duration::days(back);
        fs::write(backups.join(format!("rapportino-{day}.db")), b"old").unwrap();
    }
    for other in [
        "note.txt",
        "rapportino-copia.db",
        "prima-del-ripristino-2020-01-01-120000.db",
    ] {
        fs::write(backups.join(other), b"mine").unwrap();
    }
    let done = backup::auto_backup(&db, &backups, today, KEEP_DAYS).unwrap();
    let made = done.made.unwrap();
    assert_eq!(made.name, "rapportino-2026-11-22.db");
    assert_eq!(made.day.as_deref(), Some("2026-11-22"));
    assert_eq!(
        backup::inspect(Path::new(&made.path)).unwrap(),
        latest_version()
    );
    assert_eq!(done.removed.len(), 20 - 13, "{:?}", done.removed);
    assert_eq!(done.removed[0], "rapportino-2026-11-02.db");
    let mut left: Vec<_> = fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left.len(), 14 + 3, "{left:?}");
    assert!(left.contains(&"rapportino-2026-11-09.db".to_owned()));
    assert!(!left.contains(&"rapportino-2026-11-08.db".to_owned()));
    for other in [
        "note.txt",
        "rapportino-copia.db",
        "prima-del-ripristino-2020-01-01-120000.db",
    ] {
        assert!(left.contains(&other.to_owned()), "{other} untouched");
    }
    // Once a day: the second run makes nothing.
    let again = backup::auto_backup(&db, &backups, today, KEEP_DAYS).unwrap();
    assert!(again.made.is_none() && again.removed.is_empty());
    // The list: newest first, automatic and safety copies only.
    let listed = backup::list(&backups).unwrap();
    assert_eq!(listed[0].name, "rapportino-2026-11-22.db");
    assert_eq!(listed.len(), 15);
}

#[test]
fn the_backups_tab_lists_the_folder_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let s = file_store(dir.path());
    let db = dir.path().join("rapportino.db");
    let empty = backup::overview(&db).unwrap();
    assert_eq!(
        empty.folder,
        dir.path().join("backups").display().to_string()
    );
    assert_eq!(empty.keep_days, KEEP_DAYS);
    assert!(empty.files.is_empty(), "no folder yet: nothing to list");
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    backup::auto_backup(&db, &backup::folder_for(&db), today, KEEP_DAYS).unwrap();
    let listed = backup::overview(&db).unwrap();
    let names: Vec<&str> = listed.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["rapportino-2026-11-22.db"]);
    drop(s);
}

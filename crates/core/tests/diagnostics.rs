//! "Copia diagnostica": the bundle names the version, the system, the database's health, sync and
//! backups and carries the log's last lines, with e-mail addresses and the home folder hidden.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use rapportino_core::diagnostics::{self, LOG_TAIL_LINES};
use rapportino_core::{backup, Store};

#[test]
fn the_bundle_tells_the_health_and_hides_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("rapportino.db")).unwrap();
    onboard(&mut s, "MR");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let db = dir.path().join("rapportino.db");
    backup::auto_backup(&db, &backup::folder_of(&s).unwrap(), day, 14).unwrap();
    let mut log: String = (0..500).map(|i| format!("line {i}\n")).collect();
    log.push_str("WARN mail: 550 <anna.ferri@ferri.it> refused\n");
    let text = diagnostics::bundle(&s, "1.2.3", "Debian GNU/Linux 12", &log).unwrap();
    assert!(text.starts_with("Rapportino 1.2.3"), "{text}");
    assert!(text.contains("system: Debian GNU/Linux 12"));
    assert!(text.contains("database quick_check: ok"), "{text}");
    assert!(
        text.contains("backups: 1 (newest rapportino-2026-12-07.db)"),
        "{text}"
    );
    assert!(text.contains("clients: 0"));
    assert!(text.contains("sync: off"));
    assert!(text.contains("550 <<e-mail>> refused"), "{text}");
    assert!(!text.contains("ferri.it"), "an address leaked: {text}");
    // Only the last lines of the log.
    assert!(!text.contains("line 300\n"));
    assert!(text.contains("line 499\n"));
    let log_lines = text.split("--- log").nth(1).unwrap().lines().count() - 1;
    assert_eq!(log_lines, LOG_TAIL_LINES);
}

//! Helpers shared by the service-model tests: the real binary on a temporary database, and a
//! shop set up with a 5x8 calendar, a client, an SLA contract and a remote hour package.
#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// A D-Bus address where nothing listens.
pub const NO_BUS: &str = "unix:path=/nonexistent/rapportino-tests-no-bus";

pub fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapportino-cli"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RAPPORTINO_DB")
        // No D-Bus session: a mail password goes to its owner-only file, never to the keyring
        // of the user running the tests.
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .output()
        .expect("run rapportino-cli")
}

/// Runs with --json and returns the parsed output; panics with stderr on failure.
pub fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = cli(db, &all);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Runs without --json and returns the text; panics with stderr on failure.
pub fn text(db: &Path, args: &[&str]) -> String {
    let out = cli(db, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs with --json expecting failure (exit 1); returns the error code.
pub fn error_code(db: &Path, args: &[&str]) -> String {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = cli(db, &all);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail with 1");
    let v: Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|_| panic!("stderr: {}", String::from_utf8_lossy(&out.stderr)));
    v["error"]["code"]
        .as_str()
        .expect("an error code")
        .to_owned()
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

pub fn change_count(db: &Path) -> usize {
    json(db, &["changes", "--limit", "100000"])
        .as_array()
        .expect("a list of changes")
        .len()
}

/// A shop with a 5x8 calendar, a client, an SLA contract (20 h a year, blocking taken in
/// charge within 1 business hour, extra time with PIN 4711) and a 24 h remote package.
pub struct Shop {
    pub db: std::path::PathBuf,
    _dir: tempfile::TempDir,
    pub calendar: String,
    pub client: String,
    pub sla: String,
    pub package: String,
}

pub fn shop() -> Shop {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("r.db");
    json(
        &db,
        &[
            "onboard",
            "--shop",
            "Assistenza Rinaldi",
            "--name",
            "Marco Rinaldi",
            "--code",
            "MR",
        ],
    );
    let calendar = json(&db, &["calendar", "preset", "5x8"]);
    // The preset's JSON spelling is the core's business (see the report); the name is not.
    assert_eq!(calendar["name"], "Standard 5x8");
    assert_eq!(calendar["windows"].as_array().map(Vec::len), Some(10));
    let client = json(
        &db,
        &[
            "client",
            "add",
            "--name",
            "Farmacia Centrale S.r.l.",
            "--city",
            "Milano",
        ],
    );
    let sla = json(
        &db,
        &[
            "contract",
            "create",
            "--client",
            &id(&client),
            "--kind",
            "sla",
            "--name",
            "Assistenza SLA 2026",
            "--from",
            "01/01/2026",
            "--calendar",
            "standard 5x8",
            "--response",
            "blocking=30",
            "--response",
            "degraded=2h",
            "--intervention",
            "blocking=1h",
            "--intervention",
            "degraded=1h30",
            "--hours",
            "20",
            "--extra-time",
            "--pin",
            "4711",
            "--multiplier",
            "150",
            "--overage-rate",
            "45,00",
            "--rounding",
            "15",
            "--minimum",
            "30",
        ],
    );
    let package = json(
        &db,
        &[
            "contract",
            "create",
            "--client",
            &id(&client),
            "--kind",
            "hour_package",
            "--hours",
            "24",
            "--mode",
            "remote",
            "--from",
            "2026-02-01",
        ],
    );
    Shop {
        db,
        _dir: dir,
        calendar: id(&calendar),
        client: id(&client),
        sla: id(&sla),
        package: id(&package),
    }
}

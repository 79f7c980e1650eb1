//! The admin commands of `rapportino-hub` on a storage they should not touch: one locked by
//! another process (they give up after `--lock-timeout-secs`, nothing changed), one that is not
//! a hub (they create nothing), and device-written text (printed escaped).

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use rapportino_hub::storage::NewDevice;
use rapportino_model::protocol::Role;
use serde_json::Value;

fn hub(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapportino-hub"));
    cmd.args(args)
        .env_remove("RAPPORTINO_HUB_STORAGE")
        .env_remove("PGPASSWORD")
        .env_remove("RAPPORTINO_PG_PASSWORD");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run rapportino-hub")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `error: CODE: message` → (CODE, message).
fn failure(out: &Output) -> (String, String) {
    assert!(!out.status.success(), "expected a failure");
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or_else(|| panic!("no error line in {err}"));
    let (code, message) = line.split_once(": ").unwrap_or((line, ""));
    (code.to_string(), message.to_string())
}

fn add_device(storage: &rapportino_hub::Storage, id: &str, code: &str, name: &str) {
    let code_hash = format!("{:0>64}", id.len());
    let now = "2026-11-22T09:30:00Z";
    storage
        .registry()
        .insert_code(&code_hash, Role::Technician, now, "2099-01-01T00:00:00Z")
        .expect("code");
    storage
        .registry()
        .enrol(
            &code_hash,
            now,
            &NewDevice {
                device_id: id.into(),
                device_code: code.into(),
                name: name.into(),
                token_hash: "00".repeat(32),
                technician: None,
            },
        )
        .expect("enrol");
}

/// A second process holding the write lock (a long backup, a stuck transaction): every admin
/// command gives up after the lock timeout with STORAGE_BUSY, and nothing was changed.
#[test]
fn admin_commands_give_up_on_a_locked_storage() {
    for b in common::backends() {
        add_device(&b.storage, "dev-1", "MR", "Laptop di Mario");
        let url = b.url.as_str();
        // The lock, held from another connection.
        let (sqlite_lock, pg_lock) = match b.kind {
            "sqlite" => {
                let path = url.strip_prefix("sqlite:").expect("path");
                let conn = rusqlite::Connection::open(path).expect("open");
                conn.execute("BEGIN IMMEDIATE", []).expect("lock");
                (Some(conn), None)
            }
            _ => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                client
                    .simple_query(
                        "BEGIN; LOCK TABLE hub_devices, hub_enrolment_codes, hub_meta \
                         IN ACCESS EXCLUSIVE MODE",
                    )
                    .expect("lock");
                (None, Some(client))
            }
        };
        for args in [
            vec!["revoke", "dev-1"],
            vec!["enrol-code", "--role", "admin"],
            vec!["devices"],
        ] {
            let t = Instant::now();
            let mut all = args.clone();
            all.extend(["--storage", url, "--lock-timeout-secs", "1"]);
            let (code, message) = failure(&hub(&all, &[]));
            let took = t.elapsed();
            assert_eq!(code, "STORAGE_BUSY", "{} {args:?}: {message}", b.kind);
            assert!(
                took < Duration::from_secs(6),
                "{} {args:?}: {took:?}",
                b.kind
            );
        }
        drop(sqlite_lock);
        if let Some(mut client) = pg_lock {
            client.simple_query("ROLLBACK").expect("unlock");
        }
        let devices: Value =
            serde_json::from_str(&stdout(&hub(&["devices", "--storage", url, "--json"], &[])))
                .expect("JSON");
        assert!(devices[0]["revoked_at"].is_null(), "{}: {devices}", b.kind);
        assert_eq!(devices.as_array().map(Vec::len), Some(1));
    }
}

/// A mistyped path, a file that is not a database, a database that is not a hub: refused, and
/// nothing is created.
#[test]
fn admin_commands_never_create_a_hub() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = dir.path().join("hbu.db");
    let missing_url = format!("sqlite:{}", missing.display());
    for args in [
        vec!["devices"],
        vec!["enrol-code", "--role", "technician"],
        vec!["refusals"],
    ] {
        let mut all = args.clone();
        all.extend(["--storage", &missing_url]);
        let (code, message) = failure(&hub(&all, &[]));
        assert_eq!(code, "CONFIG", "{message}");
        assert!(message.contains("no hub at"), "{message}");
    }
    assert!(!missing.exists(), "an admin command created {missing:?}");

    let garbage = dir.path().join("notes.txt");
    std::fs::write(&garbage, b"not a database, just some notes\n".repeat(100)).expect("write");
    let (code, message) = failure(&hub(
        &[
            "devices",
            "--storage",
            &format!("sqlite:{}", garbage.display()),
        ],
        &[],
    ));
    assert_eq!(code, "CONFIG", "{message}");
    assert!(message.contains("not a readable hub"), "{message}");

    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .and_then(|c| c.execute("CREATE TABLE t (x)", []))
        .expect("another database");
    let (code, message) = failure(&hub(
        &[
            "revoke",
            "x",
            "--storage",
            &format!("sqlite:{}", other.display()),
        ],
        &[],
    ));
    assert_eq!(code, "CONFIG", "{message}");
    let tables: i64 = rusqlite::Connection::open(&other)
        .and_then(|c| c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)))
        .expect("count");
    assert_eq!(tables, 1, "hub tables were created in another database");

    if let Some(db) = common::PgDatabase::create() {
        let (code, message) = failure(&hub(&["devices", "--storage", &db.url], &[]));
        assert_eq!(code, "CONFIG", "{message}");
        let mut client = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
        let hub_tables: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'hub_%'",
                &[],
            )
            .expect("count")
            .get(0);
        assert_eq!(hub_tables, 0);
    }
}

/// Names and refusal details come from devices (or from a database an older hub, or someone,
/// wrote): terminal escapes, carriage returns, bells and bidirectional overrides are printed
/// escaped in text, and escaped in JSON too without changing the values.
#[test]
fn device_text_is_printed_escaped() {
    let s = common::sqlite_storage();
    let evil_name =
        "Evil\u{1b}[2J\u{1b}]0;pwned\u{7}\r\nFAKE dev-0  admin\u{9b}31m\u{202e}exe.pdf\u{7f}\\x";
    add_device(&s.storage, "dev-evil", "EV", evil_name);
    let evil_detail = "update client c1\u{1b}[1A\u{1b}[2K\rREPORT_SIGNED ok";
    s.storage
        .write(|tx| tx.log_refusal("dev-evil", "m-1\u{1b}[8m", "REPORT_SIGNED", evil_detail))
        .expect("refusal");

    let is_unsafe = |c: char| {
        c.is_control() && c != '\n'
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    for args in [["devices"], ["refusals"]] {
        let text = stdout(&hub(&[args[0], "--storage", &s.url], &[]));
        assert!(
            !text.chars().any(is_unsafe),
            "{}: raw control characters in {text:?}",
            args[0]
        );
        assert!(text.contains("\\u{1b}["), "{}: {text}", args[0]);
        assert_eq!(
            text.lines().count(),
            1,
            "{}: a device broke the line: {text}",
            args[0]
        );
        let json = stdout(&hub(&[args[0], "--storage", &s.url, "--json"], &[]));
        assert!(
            !json.chars().any(is_unsafe),
            "{}: raw control characters in {json:?}",
            args[0]
        );
        let v: Value = serde_json::from_str(&json).expect("JSON");
        match args[0] {
            "devices" => {
                assert_eq!(v[0]["name"], evil_name);
                assert!(text.contains("\\u{202e}exe.pdf\\u{7f}\\\\x"), "{text}");
            }
            _ => assert_eq!(v[0]["detail"], evil_detail),
        }
    }
}

/// A PostgreSQL password inside a URL on the command line is refused (any user of the machine
/// can read it); the same URL from the environment is accepted.
#[test]
fn a_password_on_the_command_line_is_refused() {
    let url = "postgres://hub:s3cret@127.0.0.1:1/hub";
    let (code, message) = failure(&hub(&["devices", "--storage", url], &[]));
    assert_eq!(code, "CONFIG", "{message}");
    assert!(message.contains("--pg-password-file"), "{message}");
    let kv = "postgres:host=127.0.0.1 port=1 user=hub password=s3cret dbname=hub";
    let (code, _) = failure(&hub(&["devices", "--storage", kv], &[]));
    assert_eq!(code, "CONFIG");
    // From the environment: past that check, it fails on the connection (nothing listens).
    let (code, message) = failure(&hub(&["devices"], &[("RAPPORTINO_HUB_STORAGE", url)]));
    assert_eq!(code, "STORAGE", "{message}");
    // And a password-less URL on the command line is fine.
    let (code, message) = failure(&hub(
        &["devices", "--storage", "postgres://hub@127.0.0.1:1/hub"],
        &[("PGPASSWORD", "s3cret")],
    ));
    assert_eq!(code, "STORAGE", "{message}");
}

/// Without `--listen`, `serve` listens on this machine only (127.0.0.1:8443).
#[test]
fn serve_listens_on_loopback_by_default() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite:{}", dir.path().join("hub.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
        .args(["serve", "--storage", &db, "--insecure-http", "--log-json"])
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the hub");
    // The log is read to its end on a thread of its own: closing the pipe early would leave the
    // hub writing into a closed stderr while it shuts down.
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut listening = None;
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(30)) {
        if let Ok(v) = serde_json::from_str::<Value>(&line) {
            if v["message"] == "hub listening" {
                listening = v["addr"].as_str().map(str::to_owned);
                break;
            }
        }
        lines.push(line);
    }
    match listening {
        Some(addr) => {
            assert_eq!(addr, "127.0.0.1:8443");
            let killed = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .expect("kill");
            assert!(killed.success());
            // Never hang the test run: a hub that does not stop within its grace is a failure.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(45);
            let status = loop {
                if let Some(status) = child.try_wait().expect("wait") {
                    break status;
                }
                if std::time::Instant::now() > deadline {
                    let _ = child.kill();
                    panic!("the hub did not stop within 45 s of SIGTERM");
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            };
            assert!(status.success(), "exit after SIGTERM: {status}");
        }
        // The port is taken on this machine: the address it tried says the same.
        None => {
            let _ = child.kill();
            let _ = child.wait();
            let text = lines.join("\n");
            assert!(
                text.contains("cannot listen on 127.0.0.1:8443"),
                "neither listening nor refused: {text}"
            );
        }
    }
}

//! The `rapportino-hub` binary: admin commands on both storages, error codes, and `serve` with
//! JSON logs stopping cleanly on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use rapportino_hub::auth;
use rapportino_model::protocol::{EnrolRequest, Role};
use serde_json::Value;

fn hub(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
        .args(args)
        .env_remove("RAPPORTINO_HUB_STORAGE")
        .output()
        .expect("run rapportino-hub")
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

fn failure_code(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure");
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines()
        .find_map(|l| l.strip_prefix("error: "))
        .and_then(|l| l.split(':').next())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn admin_commands_on_both_storages() {
    for b in common::backends() {
        let url = b.url.as_str();
        // enrol-code prints a code a device can use once.
        let code = stdout(&hub(&[
            "enrol-code",
            "--storage",
            url,
            "--role",
            "technician",
        ]));
        let code = code.trim();
        assert_eq!(code.len(), 19, "{code}");
        let req = EnrolRequest {
            code: code.to_string(),
            device_id: "dev-1".into(),
            device_code: "MR".into(),
            name: "Laptop di Mario".into(),
            technician_id: None,
            technician_code: None,
        };
        let enrolled = auth::enrol(&b.storage, &req, chrono::Utc::now()).expect("enrol");
        assert_eq!(enrolled.role, Role::Technician);
        let json = stdout(&hub(&[
            "enrol-code",
            "--storage",
            url,
            "--role",
            "admin",
            "--valid-minutes",
            "5",
            "--json",
        ]));
        let admin_code: Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(admin_code["role"], "admin");

        let text = stdout(&hub(&["devices", "--storage", url]));
        assert!(
            text.contains("dev-1") && text.contains("Laptop di Mario"),
            "{text}"
        );
        let list: Value =
            serde_json::from_str(&stdout(&hub(&["devices", "--storage", url, "--json"])))
                .expect("JSON");
        assert_eq!(list[0]["device_id"], "dev-1");
        assert!(list[0]["revoked_at"].is_null());

        let revoked: Value = serde_json::from_str(&stdout(&hub(&[
            "revoke",
            "--storage",
            url,
            "dev-1",
            "--json",
        ])))
        .expect("JSON");
        assert!(revoked["revoked_at"].is_string());
        let bearer = format!("Bearer {}", enrolled.token);
        assert!(matches!(
            auth::authenticate(&b.storage, Some(&bearer)),
            Err(rapportino_hub::HubError::DeviceRevoked)
        ));
        assert_eq!(
            failure_code(&hub(&["revoke", "--storage", url, "ghost"])),
            "NOT_FOUND"
        );

        // backup: a SQLite hub file with the same data, never over an existing file.
        let dir = tempfile::tempdir().expect("dir");
        let out = dir.path().join("backup.db");
        let out_s = out.to_str().expect("utf-8 path");
        let summary: Value = serde_json::from_str(&stdout(&hub(&[
            "backup",
            "--storage",
            url,
            "--out",
            out_s,
            "--json",
        ])))
        .expect("JSON");
        assert_eq!(summary["hub_id"], b.storage.hub_id(), "{}", b.kind);
        assert_eq!(summary["devices"], 1);
        let copy = format!("sqlite:{out_s}");
        let copied: Value =
            serde_json::from_str(&stdout(&hub(&["devices", "--storage", &copy, "--json"])))
                .expect("JSON");
        assert_eq!(copied, list_after_revoke(url));
        assert_eq!(
            failure_code(&hub(&["backup", "--storage", url, "--out", out_s])),
            "CONFIG"
        );
    }
}

fn list_after_revoke(url: &str) -> Value {
    serde_json::from_str(&stdout(&hub(&["devices", "--storage", url, "--json"]))).expect("JSON")
}

#[test]
fn errors_print_a_stable_code() {
    assert_eq!(
        failure_code(&hub(&["devices", "--storage", "mysql://x/y"])),
        "CONFIG"
    );
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite:{}", dir.path().join("hub.db").display());
    // No TLS files and no --insecure-http: refused before anything starts.
    assert_eq!(
        failure_code(&hub(&[
            "serve",
            "--storage",
            &db,
            "--listen",
            "127.0.0.1:0"
        ])),
        "CONFIG"
    );
    let missing = dir.path().join("missing.pem");
    let missing = missing.to_str().expect("utf-8");
    let out = hub(&[
        "serve",
        "--storage",
        &db,
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        missing,
        "--tls-key",
        missing,
    ]);
    assert_eq!(failure_code(&out), "CONFIG");
    // A wrong role is a usage error from clap (exit 2).
    let out = hub(&["enrol-code", "--storage", &db, "--role", "boss"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The real binary over TLS: logs one JSON line per request, and stops cleanly on SIGTERM.
#[test]
fn serve_logs_json_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let cert = common::make_cert(dir.path());
    let db = format!("sqlite:{}", dir.path().join("hub.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
        .args([
            "serve",
            "--storage",
            &db,
            "--listen",
            "127.0.0.1:0",
            "--log-json",
        ])
        .arg("--tls-cert")
        .arg(&cert.files.cert)
        .arg("--tls-key")
        .arg(&cert.files.key)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the hub");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines: Vec<Value> = Vec::new();
    let next = |lines: &mut Vec<Value>| -> Value {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a log line in time");
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        lines.push(v.clone());
        v
    };
    let addr = loop {
        let v = next(&mut lines);
        if v["message"] == "hub listening" {
            break v["addr"].as_str().expect("addr").to_string();
        }
    };
    let agent = common::agent_trusting(&cert.der);
    let (status, _) = common::answer(agent.get(&format!("https://{addr}/v1/health")).call());
    assert_eq!(status, 200);
    let request = loop {
        let v = next(&mut lines);
        if v["message"] == "request" {
            break v;
        }
    };
    assert_eq!(request["route"], "/v1/health");
    assert_eq!(request["status"], 200);
    assert_eq!(request["device"], "-");
    assert!(request["latency_ms"].is_number());

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "exit after SIGTERM: {status}");
}

/// A hub whose stderr was closed (the pipe's reader is gone, so every log write fails with
/// EPIPE) still answers requests and stops on SIGTERM within a few seconds.
#[test]
fn serve_stops_on_sigterm_after_its_stderr_is_closed() {
    /// Kills the hub when the test fails before it stopped.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite:{}", dir.path().join("hub.db").display());
    let mut hub = Running(
        Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
            .args([
                "serve",
                "--storage",
                &db,
                "--listen",
                "127.0.0.1:0",
                "--insecure-http",
                "--log-json",
            ])
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the hub"),
    );
    // Read up to the address, then close the pipe (the reader is dropped with the thread).
    let stderr = hub.0.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if v["message"] == "hub listening" {
                let _ = tx.send(v["addr"].as_str().unwrap_or_default().to_string());
                return;
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the hub says where it listens");
    std::thread::sleep(Duration::from_millis(200)); // the pipe is closed by now

    // Its request log line goes nowhere; the request is answered all the same.
    let health = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(5))
        .build()
        .get(&format!("http://{addr}/v1/health"))
        .call()
        .map(|r| r.status())
        .map_err(|e| e.to_string());
    let killed = Command::new("kill")
        .args(["-TERM", &hub.0.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let exit = loop {
        if let Some(exit) = hub.0.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the hub did not stop within 5 s of SIGTERM with its stderr closed (health: {health:?})"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(health, Ok(200), "a request with the log closed");
    assert!(exit.success(), "exit after SIGTERM: {exit}");
}

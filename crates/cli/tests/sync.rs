//! `rapportino-cli sync ...` end to end: a real hub over TLS in this process, two devices as
//! real CLI runs on their own databases.
#![allow(clippy::unwrap_used)]

use rapportino_core::sync::protocol::Role;
use rapportino_hub::{RunningHub, ServerConfig, Storage, TlsFiles};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

fn cli(db: &Path, args: &[&str]) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rapportino-cli"))
        .arg("--db")
        .arg(db)
        .arg("--json")
        .args(args)
        .env_remove("RAPPORTINO_DB")
        .output()
        .unwrap();
    let text = if out.status.success() {
        &out.stdout
    } else {
        &out.stderr
    };
    let v = serde_json::from_slice(text).unwrap_or(Value::Null);
    (
        out.status.success(),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A hub over TLS on a random loopback port, SQLite in `dir`; stopped when dropped.
struct TestHub {
    storage: Arc<Storage>,
    port: u16,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    running: Option<RunningHub>,
    rt: tokio::runtime::Runtime,
}

impl TestHub {
    fn start(dir: &Path, cert: std::path::PathBuf, key: std::path::PathBuf) -> TestHub {
        let storage =
            Arc::new(Storage::open(&format!("sqlite:{}", dir.join("hub.db").display())).unwrap());
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let config =
            ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(TlsFiles { cert, key }));
        let running = rt
            .block_on(rapportino_hub::start(storage.clone(), config, async move {
                let _ = stopped.await;
            }))
            .unwrap();
        TestHub {
            storage,
            port: running.addr.port(),
            stop: Some(stop),
            running: Some(running),
            rt,
        }
    }
}

impl Drop for TestHub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(running) = self.running.take() {
            let _ = self.rt.block_on(running.wait());
        }
    }
}

fn ok(db: &Path, args: &[&str]) -> Value {
    let (success, v, err) = cli(db, args);
    assert!(success, "{args:?}: {err}");
    v
}

#[test]
fn two_devices_sync_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    // The hub: SQLite, TLS with a certificate made now.
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (crt, key) = (dir.path().join("hub.crt"), dir.path().join("hub.key"));
    std::fs::write(&crt, cert.cert.pem()).unwrap();
    std::fs::write(&key, cert.key_pair.serialize_pem()).unwrap();
    let hub = TestHub::start(dir.path(), crt.clone(), key);
    let url = format!("https://localhost:{}", hub.port);
    let code = |role| {
        rapportino_hub::auth::create_code(&hub.storage, role, None, chrono::Utc::now())
            .unwrap()
            .code
    };

    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for (db, c) in [(&a, "AA"), (&b, "BB")] {
        ok(
            db,
            &[
                "onboard",
                "--shop",
                "Rinaldi",
                "--name",
                &format!("Tecnico {c}"),
                "--code",
                c,
            ],
        );
    }
    let status = ok(&a, &["sync", "status"]);
    assert_eq!(status["configured"], false);
    let (success, err, _) = cli(&a, &["sync", "now"]);
    assert!(!success);
    assert_eq!(err["error"]["code"], "SYNC_NOT_CONFIGURED");

    // A wrong code is refused with a clear code, and nothing is configured.
    let crt_arg = crt.display().to_string();
    let (success, err, _) = cli(
        &a,
        &[
            "sync",
            "enrol",
            "--hub",
            &url,
            "--code",
            "AAAA-BBBB-CCCC-DDDD",
            "--ca",
            &crt_arg,
        ],
    );
    assert!(!success);
    assert_eq!(err["error"]["code"], "ENROLMENT_REFUSED");
    assert_eq!(ok(&a, &["sync", "status"])["configured"], false);
    // Without the hub's certificate, TLS is refused: the hub is unreachable.
    let (success, err, _) = cli(
        &a,
        &[
            "sync",
            "enrol",
            "--hub",
            &url,
            "--code",
            &code(Role::Technician),
        ],
    );
    assert!(!success);
    assert_eq!(err["error"]["code"], "HUB_UNREACHABLE");

    for db in [&a, &b] {
        let s = ok(
            db,
            &[
                "sync",
                "enrol",
                "--hub",
                &url,
                "--code",
                &code(Role::Technician),
                "--ca",
                &crt_arg,
            ],
        );
        assert_eq!(s["configured"], true);
        assert_eq!(s["role"], "technician");
    }
    let client = ok(
        &a,
        &["client", "add", "--name", "Ottica Bassi", "--city", "Roma"],
    );
    let id = client["id"].as_str().unwrap().to_owned();
    let pending = ok(&a, &["sync", "status"])["pending_changes"]
        .as_i64()
        .unwrap();
    assert!(pending > 0);
    let pushed = ok(&a, &["sync", "now"]);
    assert!(pushed["pushed"].as_i64().unwrap() > 0);
    ok(&b, &["sync", "now"]);
    assert_eq!(
        ok(&b, &["client", "show", &id])["client"]["name"],
        "Ottica Bassi"
    );
    let home = ok(&a, &["dashboard"]);
    assert_eq!(home["sync"]["configured"], true, "{home}");
    assert_eq!(home["sync"]["pending_changes"], 0);
    assert!(home["sync"]["last_sync_at"].is_string());

    // Both change the city offline; B's later edit wins, A's value is kept as a conflict.
    ok(&a, &["client", "edit", &id, "--city", "Bari"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    ok(&b, &["client", "edit", &id, "--city", "Lecce"]);
    ok(&a, &["sync", "now"]);
    ok(&b, &["sync", "now"]);
    ok(&a, &["sync", "now"]);
    let conflicts = ok(&a, &["sync", "conflicts"]);
    let list = conflicts.as_array().unwrap();
    assert_eq!(list.len(), 1, "{conflicts}");
    assert_eq!(list[0]["lost_value"], "Bari");
    assert_eq!(list[0]["current_value"], "Lecce");
    let conflict_id = list[0]["id"].as_str().unwrap().to_owned();
    ok(&a, &["sync", "resolve", &conflict_id, "--keep", "lost"]);
    ok(&a, &["sync", "now"]);
    ok(&b, &["sync", "now"]);
    assert_eq!(ok(&b, &["client", "show", &id])["client"]["city"], "Bari");
    assert_eq!(ok(&b, &["sync", "conflicts"]).as_array().unwrap().len(), 0);
    let (success, err, _) = cli(&b, &["sync", "resolve", &conflict_id, "--keep", "current"]);
    assert!(!success);
    assert_eq!(err["error"]["code"], "CONFLICT_RESOLVED");

    ok(&b, &["sync", "forget"]);
    assert_eq!(ok(&b, &["sync", "status"])["configured"], false);
}

/// A certificate made by `openssl req -x509` (the README's command) is marked `CA:TRUE`, which
/// webpki refuses for a server: given as the hub's certificate, it is trusted all the same —
/// that certificate only, and only under its own name.
#[test]
fn a_self_signed_certificate_marked_as_a_ca_is_trusted_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let ca_cert = |name: &str| {
        let mut params = rcgen::CertificateParams::new(vec![name.to_owned()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = rcgen::KeyPair::generate().unwrap();
        (params.self_signed(&key).unwrap().pem(), key.serialize_pem())
    };
    let (hub_pem, hub_key) = ca_cert("localhost");
    let (other_pem, _) = ca_cert("localhost");
    let (crt, key, other) = (
        dir.path().join("hub.crt"),
        dir.path().join("hub.key"),
        dir.path().join("other.crt"),
    );
    std::fs::write(&crt, hub_pem).unwrap();
    std::fs::write(&key, hub_key).unwrap();
    std::fs::write(&other, other_pem).unwrap();
    let hub = TestHub::start(dir.path(), crt.clone(), key);
    let port = hub.port;
    let code = || {
        rapportino_hub::auth::create_code(&hub.storage, Role::Technician, None, chrono::Utc::now())
            .unwrap()
            .code
    };
    let db = dir.path().join("a.db");
    ok(
        &db,
        &[
            "onboard", "--shop", "Rinaldi", "--name", "Marco", "--code", "MR",
        ],
    );
    let enrol = |url: &str, ca: &Path| {
        cli(
            &db,
            &[
                "sync",
                "enrol",
                "--hub",
                url,
                "--code",
                &code(),
                "--ca",
                &ca.display().to_string(),
            ],
        )
    };
    let url = format!("https://localhost:{port}");
    // Another certificate marked as a CA, and the hub's own under another name: refused.
    for (url, ca) in [
        (url.clone(), &other),
        (format!("https://127.0.0.1:{port}"), &crt),
    ] {
        let (success, err, _) = enrol(&url, ca);
        assert!(!success, "{url} {ca:?}");
        assert_eq!(err["error"]["code"], "HUB_UNREACHABLE");
    }
    let (success, status, err) = enrol(&url, &crt);
    assert!(success, "{err}");
    assert_eq!(status["configured"], true);
    assert!(ok(&db, &["sync", "now"])["pushed"].as_i64().unwrap() > 0);
}

/// Another device's backup on an enrolled device: refused with FOREIGN_BACKUP; with
/// `--as-new-device` it is restored as a new device, which is set up and enrolled again and syncs
/// (its first round is a snapshot; the backup's unsent changes go out as its own).
#[test]
fn restoring_another_devices_backup_needs_as_new_device_then_a_new_enrolment() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (crt, key) = (dir.path().join("hub.crt"), dir.path().join("hub.key"));
    std::fs::write(&crt, cert.cert.pem()).unwrap();
    std::fs::write(&key, cert.key_pair.serialize_pem()).unwrap();
    let hub = TestHub::start(dir.path(), crt.clone(), key);
    let url = format!("https://localhost:{}", hub.port);
    let crt_arg = crt.display().to_string();
    let enrol = |db: &Path| {
        let code = rapportino_hub::auth::create_code(
            &hub.storage,
            Role::Technician,
            None,
            chrono::Utc::now(),
        )
        .unwrap()
        .code;
        cli(
            db,
            &[
                "sync", "enrol", "--hub", &url, "--code", &code, "--ca", &crt_arg,
            ],
        )
    };
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for (db, c) in [(&a, "AA"), (&b, "BB")] {
        ok(
            db,
            &[
                "onboard",
                "--shop",
                "Rinaldi",
                "--name",
                &format!("Tecnico {c}"),
                "--code",
                c,
            ],
        );
        assert!(enrol(db).0);
    }
    ok(&b, &["client", "add", "--name", "Ottica Bassi"]);
    ok(&b, &["sync", "now"]);
    // B's backup holds a change B never sent.
    ok(&b, &["client", "add", "--name", "Ferramenta Bianchi"]);
    let b_backup = dir.path().join("backup-b.db");
    ok(&b, &["backup", b_backup.to_str().unwrap()]);

    let a_id = ok(&a, &["status"])["device_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (success, err, _) = cli(&a, &["restore", b_backup.to_str().unwrap()]);
    assert!(!success);
    assert_eq!(err["error"]["code"], "FOREIGN_BACKUP", "{err}");
    assert_eq!(ok(&a, &["sync", "status"])["configured"], true);

    let done = ok(
        &a,
        &["restore", b_backup.to_str().unwrap(), "--as-new-device"],
    );
    assert_eq!(done["new_device"], true);
    let status = ok(&a, &["sync", "status"]);
    assert_eq!(status["configured"], false);
    assert!(status["hub_url"].is_null());
    let (success, err, _) = cli(&a, &["sync", "now"]);
    assert!(!success);
    assert_eq!(err["error"]["code"], "SYNC_NOT_CONFIGURED");
    let setup = ok(&a, &["status"]);
    assert_eq!(setup["onboarded"], false);
    let new_id = setup["device_id"].as_str().unwrap().to_owned();
    let b_id = ok(&b, &["status"])["device_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(new_id != a_id && new_id != b_id);

    ok(
        &a,
        &[
            "onboard",
            "--shop",
            "Rinaldi",
            "--name",
            "Tecnico AA",
            "--code",
            "AA",
            "--device-code",
            "AA2",
        ],
    );
    // A's old identity enrolled for technician AA and never pushed it: the hub keeps the code
    // for that device until the admin revokes it (the computer now has another identity).
    let (success, err, _) = enrol(&a);
    assert!(!success);
    assert_eq!(err["error"]["code"], "TECHNICIAN_CODE_TAKEN", "{err}");
    hub.storage
        .registry()
        .revoke(&a_id, "2026-11-16T10:00:00Z")
        .unwrap();
    let (success, status, err) = enrol(&a);
    assert!(success, "{err}");
    assert_eq!(status["configured"], true);
    assert!(ok(&a, &["sync", "now"])["pushed"].as_i64().unwrap() > 0);
    // The change B had not sent reached the hub through the new device: a third device sees it.
    let c = dir.path().join("c.db");
    ok(
        &c,
        &[
            "onboard",
            "--shop",
            "Rinaldi",
            "--name",
            "Tecnico CC",
            "--code",
            "CC",
        ],
    );
    assert!(enrol(&c).0);
    ok(&c, &["sync", "now"]);
    let page = ok(&c, &["client", "list"]);
    let mut names: Vec<String> = page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Ferramenta Bianchi", "Ottica Bassi"]);
    // B sends it too, later: the hub knows it already, and B goes on syncing.
    ok(&b, &["sync", "now"]);
    assert_eq!(ok(&b, &["sync", "status"])["pending_changes"], 0);
}

/// A client insert with no fields, written straight into the hub's storage (as an older hub,
/// before pushed mutations were validated, accepted it from a device).
fn inject_empty_client(storage: &Storage, id: &str) {
    use rapportino_core::sync::merge::RowState;
    use rapportino_core::sync::protocol::{Op, ServerChange};
    use rapportino_hub::storage::HubTx;
    storage
        .write(|tx: &mut dyn HubTx| {
            let seq = tx.next_seq()?;
            tx.save_row(
                "client",
                id,
                &RowState {
                    origin_device: "older-device".into(),
                    ..RowState::default()
                },
            )?;
            tx.append_change(&ServerChange {
                server_seq: seq,
                mutation_id: format!("injected-{seq}"),
                entity: "client".into(),
                entity_id: id.into(),
                op: Op::Insert,
                fields: serde_json::Map::new(),
                hlc: 1,
                device_id: "older-device".into(),
                recorded_at: "2026-11-22T09:00:00Z".into(),
            })
        })
        .unwrap();
}

#[test]
fn sync_status_counts_and_sync_quarantine_lists_the_rows_this_device_could_not_store() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (crt, key) = (dir.path().join("hub.crt"), dir.path().join("hub.key"));
    std::fs::write(&crt, cert.cert.pem()).unwrap();
    std::fs::write(&key, cert.key_pair.serialize_pem()).unwrap();
    let hub = TestHub::start(dir.path(), crt.clone(), key);
    let code =
        rapportino_hub::auth::create_code(&hub.storage, Role::Technician, None, chrono::Utc::now())
            .unwrap()
            .code;
    let db = dir.path().join("a.db");
    ok(
        &db,
        &[
            "onboard", "--shop", "Rinaldi", "--name", "Marco", "--code", "MR",
        ],
    );
    let url = format!("https://localhost:{}", hub.port);
    let crt_arg = crt.display().to_string();
    ok(
        &db,
        &[
            "sync", "enrol", "--hub", &url, "--code", &code, "--ca", &crt_arg,
        ],
    );
    assert_eq!(ok(&db, &["sync", "quarantine"]), serde_json::json!([]));
    let bad = "0190c0de-0000-7000-8000-0000000000aa";
    inject_empty_client(&hub.storage, bad);
    ok(&db, &["sync", "now"]);

    let status = ok(&db, &["sync", "status"]);
    assert_eq!(status["quarantined"], 1, "{status}");
    assert!(status["last_error"].is_null(), "{status}");
    let listed = ok(&db, &["sync", "quarantine"]);
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!(rows[0]["entity"], "client");
    assert_eq!(rows[0]["entity_id"], bad);
    assert_eq!(rows[0]["op"], "insert");
    assert!(
        rows[0]["error"].as_str().unwrap().contains("NOT NULL"),
        "{listed}"
    );
    // The same, for people.
    let text = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_rapportino-cli"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("RAPPORTINO_DB")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        text(&["sync", "status"]).contains("righe in quarantena: 1"),
        "{}",
        text(&["sync", "status"])
    );
    let listed = text(&["sync", "quarantine"]);
    assert!(
        listed.contains(bad) && listed.contains("NOT NULL"),
        "{listed}"
    );
}

/// `sync join`: a new computer is set up from the hub — no shop setup, one of the shop's
/// technicians, its own device code — while one set up offline with a technician code the shop
/// already has is refused at `sync enrol` (TECHNICIAN_CODE_TAKEN).
#[test]
fn a_new_computer_joins_the_shop_from_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (crt, key) = (dir.path().join("hub.crt"), dir.path().join("hub.key"));
    std::fs::write(&crt, cert.cert.pem()).unwrap();
    std::fs::write(&key, cert.key_pair.serialize_pem()).unwrap();
    let hub = TestHub::start(dir.path(), crt.clone(), key);
    let url = format!("https://localhost:{}", hub.port);
    let crt_arg = crt.display().to_string();
    let code = || {
        rapportino_hub::auth::create_code(&hub.storage, Role::Technician, None, chrono::Utc::now())
            .unwrap()
            .code
    };

    let a = dir.path().join("a.db");
    ok(
        &a,
        &[
            "onboard",
            "--shop",
            "Rinaldi",
            "--name",
            "Marco Rinaldi",
            "--code",
            "MR",
        ],
    );
    ok(
        &a,
        &[
            "sync",
            "enrol",
            "--hub",
            &url,
            "--code",
            &code(),
            "--ca",
            &crt_arg,
        ],
    );
    let client = ok(&a, &["client", "add", "--name", "Ottica Bassi"]);
    let client_id = client["id"].as_str().unwrap().to_owned();
    ok(&a, &["sync", "now"]);

    // Set up offline as a second shop with the same technician code: refused, nothing linked.
    let twin = dir.path().join("twin.db");
    ok(
        &twin,
        &[
            "onboard",
            "--shop",
            "Rinaldi",
            "--name",
            "Marco",
            "--code",
            "MR",
            "--device-code",
            "MR2",
        ],
    );
    let (success, err, _) = cli(
        &twin,
        &[
            "sync",
            "enrol",
            "--hub",
            &url,
            "--code",
            &code(),
            "--ca",
            &crt_arg,
        ],
    );
    assert!(!success);
    assert_eq!(err["error"]["code"], "TECHNICIAN_CODE_TAKEN", "{err}");
    assert_eq!(err["error"]["field"], "technician_code");
    assert_eq!(ok(&twin, &["sync", "status"])["configured"], false);

    // The same laptop from a fresh start joins the shop as Marco.
    let new = dir.path().join("nuovo.db");
    let joined = ok(
        &new,
        &[
            "sync",
            "join",
            "--hub",
            &url,
            "--code",
            &code(),
            "--ca",
            &crt_arg,
            "--name",
            "Portatile 2",
            "--technician",
            "mr",
        ],
    );
    assert_eq!(joined["setup"]["onboarded"], true, "{joined}");
    assert_eq!(joined["setup"]["device_code"], "MR2");
    assert_eq!(joined["setup"]["technician"]["name"], "Marco Rinaldi");
    assert_eq!(joined["setup"]["shop"]["name"], "Rinaldi");
    assert_eq!(joined["technicians"].as_array().unwrap().len(), 1);
    let ticket = ok(
        &new,
        &[
            "ticket",
            "open",
            "--client",
            &client_id,
            "--title",
            "Stampante",
            "--origin",
            "phone",
            "--severity",
            "request",
        ],
    );
    let number = ticket["number"].as_str().unwrap();
    assert!(
        number.starts_with("T-") && number.contains("-MR2-"),
        "{number}"
    );
    ok(&new, &["sync", "now"]);
    ok(&a, &["sync", "now"]);
    let status = ok(&a, &["sync", "status"]);
    assert_eq!(status["open_conflicts"], 0);
    assert!(status["last_error"].is_null(), "{status}");

    // A code the shop does not have: linked, the shop's technicians listed; run again to pick.
    let other = dir.path().join("altro.db");
    let text = cli_text(
        &other,
        &[
            "sync",
            "join",
            "--hub",
            &url,
            "--code",
            &code(),
            "--ca",
            &crt_arg,
            "--technician",
            "ZZ",
        ],
    );
    assert!(
        text.contains("nessun tecnico attivo con codice ZZ"),
        "{text}"
    );
    assert!(text.contains("MR  Marco Rinaldi"), "{text}");
    assert_eq!(ok(&other, &["status"])["onboarded"], false);
    let text = cli_text(
        &other,
        &["sync", "join", "--hub", &url, "--technician", "MR"],
    );
    assert!(
        text.contains("Marco Rinaldi (MR), dispositivo ZZ"),
        "{text}"
    );
    assert_eq!(ok(&other, &["status"])["onboarded"], true);
}

fn cli_text(db: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rapportino-cli"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RAPPORTINO_DB")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

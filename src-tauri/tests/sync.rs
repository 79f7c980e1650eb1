//! Sync commands: the state before enrolment, sync now refused, forget, a bad hub address, the
//! certificate file, the conflicts list and a bad resolution; and enrolment and sync with a real
//! hub over TLS in this process (the multi-device rules are tested in crates/hub/tests).
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use serde_json::json;

#[test]
fn not_configured_until_enrolled() {
    let h = harness();
    h.onboard();
    let status = h.ok("sync_status", json!({}));
    assert_eq!(status["configured"], false);
    assert!(status["hub_url"].is_null());
    assert!(status["last_sync_at"].is_null());
    assert_eq!(status["open_conflicts"], 0);
    assert!(status["pending_changes"].as_i64().unwrap() >= 0);

    let e = h.err("sync_now", json!({}));
    assert_eq!(e["code"], "SYNC_NOT_CONFIGURED");

    // Forgetting when nothing is configured leaves it so.
    let after = h.ok("sync_forget", json!({}));
    assert_eq!(after["configured"], false);
}

#[test]
fn enrolment_refuses_a_bad_address_and_an_absent_hub() {
    let h = harness();
    h.onboard();
    let e = h.err(
        "sync_enrol",
        json!({"hub_url": "non è un indirizzo", "code": "ABCD-1234", "device_name": "Portatile MR"}),
    );
    assert_eq!(e["code"], "HUB_URL_INVALID");

    // Nothing listens on port 9 of loopback: the hub is unreachable, nothing is configured.
    let e = h.err(
        "sync_enrol",
        json!({"hub_url": "https://127.0.0.1:9", "code": "ABCD-1234", "device_name": "Portatile MR", "ca_pem": null}),
    );
    assert_eq!(e["code"], "HUB_UNREACHABLE");
    assert_eq!(h.ok("sync_status", json!({}))["configured"], false);
}

#[test]
fn the_certificate_is_read_from_a_pem_file_only() {
    let h = harness();
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("hub.pem");
    let text = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    std::fs::write(&pem, text).unwrap();
    let e = h.err("sync_read_certificate", json!({"path": pem}));
    assert_eq!(e["code"], "PATH_NOT_ALLOWED");
    h.pick(&pem);
    assert_eq!(
        h.ok("sync_read_certificate", json!({"path": pem})),
        json!(text)
    );

    let not_pem = dir.path().join("note.txt");
    std::fs::write(&not_pem, "una nota").unwrap();
    h.pick(&not_pem);
    let e = h.err("sync_read_certificate", json!({"path": not_pem}));
    assert_eq!(e["code"], "INVALID_FORMAT");
    assert_eq!(e["field"], "ca_pem");

    let missing = dir.path().join("missing.pem");
    h.pick(&missing);
    let e = h.err("sync_read_certificate", json!({"path": missing}));
    assert_eq!(e["field"], "ca_pem");
}

#[test]
fn no_conflicts_on_a_new_device_and_a_bad_resolution_is_refused() {
    let h = harness();
    h.onboard();
    assert_eq!(h.ok("sync_conflicts", json!({})), json!([]));
    assert_eq!(
        h.ok("sync_conflicts", json!({"include_resolved": true})),
        json!([])
    );
    let e = h.err(
        "sync_resolve_conflict",
        json!({"id": "nessuno", "resolution": "tieni_entrambi"}),
    );
    assert_eq!(e["code"], "INVALID_FORMAT");
    assert_eq!(e["field"], "resolution");
    let e = h.err(
        "sync_resolve_conflict",
        json!({"id": "nessuno", "resolution": "keep_current"}),
    );
    assert_eq!(e["code"], "NOT_FOUND");
}

/// A conflict as the hub would have sent it: another device's rename of the client was lost.
fn lost_rename(h: &common::Harness, client_id: &str, lost: &str) -> String {
    let id = "0190c0de-0000-7000-8000-000000000001".to_owned();
    let cid = client_id.to_owned();
    let lost = serde_json::to_string(lost).unwrap();
    let row = id.clone();
    h.with_store(move |s| {
        let device = s.device_id()?.to_string();
        s.conn().execute(
            "INSERT INTO sync_conflicts (id, entity, entity_id, field, reason, winner_value,
                 winner_device_id, lost_value, lost_device_id, lost_mutation_id, lost_at,
                 created_at, updated_at)
             VALUES (?1, 'client', ?2, 'name', 'concurrent_edit', '\"Ottica Bassi\"', NULL, ?3,
                 ?4, 'm-1', '2026-11-22T09:00:00Z', '2026-11-22T09:05:00Z', '2026-11-22T09:05:00Z')",
            [row.as_str(), cid.as_str(), lost.as_str(), device.as_str()],
        )?;
        Ok(())
    })
    .unwrap();
    id
}

#[test]
fn a_lost_value_is_listed_and_restored_once() {
    let h = harness();
    h.onboard();
    let client = h.ok("create_client", json!({"input": {"name": "Ottica Bassi"}}));
    let client_id = client["id"].as_str().unwrap();
    let id = lost_rename(&h, client_id, "Ottica Bassi S.r.l.");

    assert_eq!(h.ok("sync_status", json!({}))["open_conflicts"], 1);
    let listed = h.ok("sync_conflicts", json!({"include_resolved": false}));
    let c = &listed[0];
    assert_eq!(c["id"], id.as_str());
    assert_eq!(c["label"], "Ottica Bassi");
    assert_eq!(c["field"], "name");
    assert_eq!(c["current_value"], "Ottica Bassi");
    assert_eq!(c["lost_value"], "Ottica Bassi S.r.l.");
    assert_eq!(c["reason"], "concurrent_edit");
    assert_eq!(c["lost_device_code"], "MR");

    let resolved = h.ok(
        "sync_resolve_conflict",
        json!({"id": id, "resolution": "restore_lost"}),
    );
    assert_eq!(resolved["resolution"], "restore_lost");
    assert!(resolved["resolved_at"].is_string());
    let overview = h.ok("client_overview", json!({"id": client_id}));
    assert_eq!(overview["client"]["name"], "Ottica Bassi S.r.l.");
    assert_eq!(h.ok("sync_status", json!({}))["open_conflicts"], 0);
    assert_eq!(h.ok("sync_conflicts", json!({})), json!([]));
    assert_eq!(
        h.ok("sync_conflicts", json!({"include_resolved": true}))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let again = h.err(
        "sync_resolve_conflict",
        json!({"id": id, "resolution": "keep_current"}),
    );
    assert_eq!(again["code"], "CONFLICT_RESOLVED");
}

#[test]
fn enrols_and_syncs_with_a_real_hub() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (crt, key) = (dir.path().join("hub.crt"), dir.path().join("hub.key"));
    std::fs::write(&crt, cert.cert.pem()).unwrap();
    std::fs::write(&key, cert.key_pair.serialize_pem()).unwrap();
    let storage = std::sync::Arc::new(
        rapportino_hub::Storage::open(&format!("sqlite:{}", dir.path().join("hub.db").display()))
            .unwrap(),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let hub = rt
        .block_on(rapportino_hub::start(
            storage.clone(),
            rapportino_hub::ServerConfig::new(
                "127.0.0.1:0".parse().unwrap(),
                Some(rapportino_hub::TlsFiles {
                    cert: crt.clone(),
                    key,
                }),
            ),
            async move {
                let _ = stopped.await;
            },
        ))
        .unwrap();
    let url = format!("https://localhost:{}", hub.addr.port());
    let code = rapportino_hub::auth::create_code(
        &storage,
        rapportino_core::sync::protocol::Role::Technician,
        None,
        chrono::Utc::now(),
    )
    .unwrap()
    .code;

    let h = harness();
    h.onboard();
    h.pick(&crt);
    let pem = h.ok("sync_read_certificate", json!({"path": crt}));
    let status = h.ok(
        "sync_enrol",
        json!({"hub_url": url, "code": code, "device_name": "Portatile MR", "ca_pem": pem}),
    );
    assert_eq!(status["configured"], true);
    assert_eq!(status["role"], "technician");
    assert!(
        status["pending_changes"].as_i64().unwrap() > 0,
        "onboarding waits to be sent"
    );
    // The code is single use.
    let e = h.err(
        "sync_enrol",
        json!({"hub_url": url, "code": code, "device_name": "Portatile MR", "ca_pem": pem}),
    );
    assert_eq!(e["code"], "ENROLMENT_REFUSED");

    let done = h.ok("sync_now", json!({}));
    assert!(done["report"]["pushed"].as_i64().unwrap() > 0, "{done}");
    assert_eq!(done["status"]["pending_changes"], 0);
    let status = h.ok("sync_status", json!({}));
    assert_eq!(status["pending_changes"], 0);
    assert!(status["last_sync_at"].is_string());
    assert!(status["last_error"].is_null());
    assert!(
        storage.read(|r| r.max_seq()).unwrap() > 0,
        "the hub has the changes"
    );

    let _ = stop.send(());
    rt.block_on(hub.wait()).unwrap();
}

#[test]
fn a_row_this_device_could_not_store_is_counted_and_listed() {
    let h = harness();
    h.onboard();
    assert_eq!(h.ok("sync_status", json!({}))["quarantined"], 0);
    assert_eq!(h.ok("sync_quarantine", json!({})), json!([]));
    // A pulled client insert with no fields: kept aside, the page applies.
    h.with_store(|s| {
        let bad = rapportino_core::sync::protocol::ServerChange {
            server_seq: 7,
            mutation_id: "m-7".into(),
            entity: "client".into(),
            entity_id: "0190c0de-0000-7000-8000-0000000000aa".into(),
            op: rapportino_core::sync::protocol::Op::Insert,
            fields: serde_json::Map::new(),
            hlc: 1,
            device_id: "0190c0de-0000-7000-8000-0000000000bb".into(),
            recorded_at: "2026-11-22T09:00:00Z".into(),
        };
        rapportino_core::sync::apply::apply_changes(s, &[bad], 7)
    })
    .unwrap();
    assert_eq!(h.ok("sync_status", json!({}))["quarantined"], 1);
    let listed = h.ok("sync_quarantine", json!({}));
    let q = &listed[0];
    assert_eq!(q["entity"], "client");
    assert_eq!(q["entity_id"], "0190c0de-0000-7000-8000-0000000000aa");
    assert_eq!(q["op"], "insert");
    assert_eq!(q["server_seq"], 7);
    assert!(q["error"].as_str().unwrap().contains("NOT NULL"), "{q}");
}

/// A hub over TLS in this process (SQLite); stopped when the returned guard is dropped.
struct Hub {
    storage: std::sync::Arc<rapportino_hub::Storage>,
    url: String,
    pem: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    running: Option<rapportino_hub::RunningHub>,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl Hub {
    fn start() -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let (crt, key) = (dir.path().join("hub.crt"), dir.path().join("hub.key"));
        std::fs::write(&crt, cert.cert.pem()).unwrap();
        std::fs::write(&key, cert.key_pair.serialize_pem()).unwrap();
        let storage = std::sync::Arc::new(
            rapportino_hub::Storage::open(&format!(
                "sqlite:{}",
                dir.path().join("hub.db").display()
            ))
            .unwrap(),
        );
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = rt
            .block_on(rapportino_hub::start(
                storage.clone(),
                rapportino_hub::ServerConfig::new(
                    "127.0.0.1:0".parse().unwrap(),
                    Some(rapportino_hub::TlsFiles { cert: crt, key }),
                ),
                async move {
                    let _ = stopped.await;
                },
            ))
            .unwrap();
        Hub {
            url: format!("https://localhost:{}", running.addr.port()),
            pem: cert.cert.pem(),
            storage,
            stop: Some(stop),
            running: Some(running),
            rt,
            _dir: dir,
        }
    }

    fn code(&self) -> String {
        rapportino_hub::auth::create_code(
            &self.storage,
            rapportino_core::sync::protocol::Role::Technician,
            None,
            chrono::Utc::now(),
        )
        .unwrap()
        .code
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(running) = self.running.take() {
            let _ = self.rt.block_on(running.wait());
        }
    }
}

/// First start from the hub: `sync_join` enrols, takes the shop and binds the technician with
/// the code given, or lists the shop's technicians for `choose_technician`; a computer set up
/// offline with a technician code the shop has is refused at `sync_enrol`.
#[test]
fn joins_a_shop_from_a_real_hub_and_picks_a_technician() {
    let hub = Hub::start();
    let office = harness();
    office.onboard(); // Mario Rossi, MR
    office.ok(
        "sync_enrol",
        json!({"hub_url": hub.url, "code": hub.code(), "device_name": "Ufficio", "ca_pem": hub.pem}),
    );
    office.ok("create_client", json!({"input": {"name": "Ottica Bassi"}}));
    office.ok("sync_now", json!({}));

    // Mario's new laptop: his code, no shop setup.
    let laptop = harness();
    let joined = laptop.ok(
        "sync_join",
        json!({"input": {"hub_url": hub.url, "code": hub.code(), "ca_pem": hub.pem,
            "device_name": "Portatile MR", "technician_code": "mr"}}),
    );
    assert_eq!(joined["setup"]["onboarded"], true, "{joined}");
    assert_eq!(joined["setup"]["device_code"], "MR2");
    assert_eq!(joined["setup"]["technician"]["name"], "Mario Rossi");
    assert_eq!(laptop.ok("setup_status", json!({}))["onboarded"], true);
    assert_eq!(laptop.ok("sync_status", json!({}))["configured"], true);

    // A code the shop does not have: linked, then the technician is picked from the list.
    let other = harness();
    let joined = other.ok(
        "sync_join",
        json!({"input": {"hub_url": hub.url, "code": hub.code(), "ca_pem": hub.pem,
            "device_name": "", "technician_code": "XY"}}),
    );
    assert_eq!(joined["setup"]["onboarded"], false);
    assert_eq!(joined["setup"]["device_code"], "XY");
    let list = joined["technicians"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    let e = other.err("choose_technician", json!({"id": "not-an-id"}));
    assert_eq!(e["code"], "INVALID_FORMAT");
    let status = other.ok("choose_technician", json!({"id": list[0]["id"]}));
    assert_eq!(status["onboarded"], true);
    assert_eq!(status["technician"]["code"], "MR");
    let done = other.ok("sync_now", json!({}));
    assert_eq!(done["status"]["pending_changes"], 0, "{done}");

    // Set up offline as Mario a second time: refused, with the field to show it beside.
    let twin = harness();
    twin.onboard();
    let e = twin.err(
        "sync_enrol",
        json!({"hub_url": hub.url, "code": hub.code(), "device_name": "", "ca_pem": hub.pem}),
    );
    assert_eq!(e["code"], "TECHNICIAN_CODE_TAKEN");
    assert_eq!(e["field"], "technician_code");
}

//! Support for the multi-device sync tests: a real hub on a random loopback port (TLS with a
//! certificate made at test time), devices as real Rapportino databases on disk, and a dump of
//! a replica's synced tables to compare devices.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use rapportino_core::clients::{self, Client, ClientInput};
use rapportino_core::setup::{self, OnboardingInput};
use rapportino_core::store::Entity;
use rapportino_core::time::ManualClock;
use rapportino_core::Store;
use rapportino_hub::{RunningHub, ServerConfig, Storage, TlsFiles};
use rapportino_model::protocol::Role;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A hub serving on 127.0.0.1 with its own runtime; stopped on drop.
pub struct TestHub {
    pub storage: Arc<Storage>,
    pub url: String,
    pub ca_pem: Option<String>,
    /// The storage it was opened on (`sqlite:<path>` or a PostgreSQL URL).
    pub storage_url: String,
    running: Option<RunningHub>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl TestHub {
    /// A hub over `storage_url` (`None`: a fresh SQLite file), over TLS when `tls`.
    pub fn start(storage_url: Option<&str>, tls: bool) -> TestHub {
        Self::start_with(storage_url, tls, |_| {})
    }

    /// As [`TestHub::start`], with a chance to change the configuration.
    pub fn start_with(
        storage_url: Option<&str>,
        tls: bool,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> TestHub {
        let dir = tempfile::tempdir().unwrap();
        let url = storage_url.map_or_else(
            || format!("sqlite:{}", dir.path().join("hub.db").display()),
            str::to_owned,
        );
        let storage = Arc::new(Storage::open(&url).unwrap());
        let storage_url = url.clone();
        let (tls_files, ca_pem) = if tls {
            let (files, pem) = self_signed(dir.path());
            (Some(files), Some(pem))
        } else {
            (None, None)
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), tls_files);
        adjust(&mut config);
        let running = rt
            .block_on(rapportino_hub::start(storage.clone(), config, async move {
                let _ = stopped.await;
            }))
            .unwrap();
        let url = running.url().replace("127.0.0.1", "localhost");
        TestHub {
            storage,
            url,
            ca_pem,
            storage_url,
            running: Some(running),
            stop: Some(stop),
            rt,
            _dir: dir,
        }
    }

    /// A fresh enrolment code.
    pub fn code(&self, role: Role) -> String {
        rapportino_hub::auth::create_code(&self.storage, role, None, Utc::now())
            .unwrap()
            .code
    }

    /// A URL that reaches the hub at another port (a proxy in front of it), keeping the TLS name.
    pub fn port(&self) -> u16 {
        self.running.as_ref().unwrap().addr.port()
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

/// A self-signed certificate for `localhost`, written as PEM files; returns the files and the
/// certificate's PEM (what a device is given to trust).
fn self_signed(dir: &Path) -> (TlsFiles, String) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_pem = cert.cert.pem();
    let cert_path = dir.join("hub.crt");
    let key_path = dir.join("hub.key");
    std::fs::write(&cert_path, &cert_pem).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    (
        TlsFiles {
            cert: cert_path,
            key: key_path,
        },
        cert_pem,
    )
}

/// A device: a Rapportino database on disk with its own clock.
pub struct Device {
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub path: PathBuf,
    pub code: String,
}

pub fn rome(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

impl Device {
    /// A new onboarded device with device and technician code `code`, enrolled with `hub`.
    pub fn enrolled(dir: &Path, hub: &TestHub, code: &str, start: DateTime<Utc>) -> Device {
        let mut d = Device::onboarded(dir, code, start);
        rapportino_sync_http::enrol(
            &mut d.store,
            &hub.url,
            &hub.code(Role::Technician),
            &format!("Portatile {code}"),
            hub.ca_pem.as_deref(),
        )
        .unwrap();
        d
    }

    pub fn onboarded(dir: &Path, code: &str, start: DateTime<Utc>) -> Device {
        let path = dir.join(format!("{code}.db"));
        let clock = ManualClock::new(start);
        let mut store = Store::open(&path).unwrap().with_clock(clock.clone());
        setup::onboard(
            &mut store,
            &OnboardingInput {
                shop_name: "Assistenza Rinaldi".into(),
                technician_name: format!("Tecnico {code}"),
                technician_code: code.into(),
                device_code: Some(code.into()),
            },
        )
        .unwrap();
        Device {
            store,
            clock,
            path,
            code: code.to_owned(),
        }
    }

    /// Closes and reopens the database (a crash: what was committed is all there is).
    pub fn crash_and_restart(&mut self) {
        let placeholder = Store::open_in_memory().unwrap();
        drop(std::mem::replace(&mut self.store, placeholder));
        self.store = Store::open(&self.path)
            .unwrap()
            .with_clock(self.clock.clone());
    }

    pub fn sync(&mut self) -> rapportino_core::sync::SyncReport {
        rapportino_sync_http::sync_now(&mut self.store).unwrap()
    }

    pub fn client(&mut self, name: &str) -> Client {
        clients::create(
            &mut self.store,
            &ClientInput {
                name: name.into(),
                address: rapportino_core::address::Address {
                    city: Some("Milano".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .unwrap()
    }

    /// An authorised contact of `client` (who may open requests), with an e-mail address.
    pub fn authorised_contact(&mut self, client: &Client, name: &str, email: &str) {
        rapportino_core::contacts::create(
            &mut self.store,
            client.id,
            &rapportino_core::contacts::ContactInput {
                name: name.into(),
                email: Some(email.into()),
                authorised: true,
                ..Default::default()
            },
        )
        .unwrap();
    }

    /// Customer mail turned on (the outbox writes messages).
    pub fn mail_on(&mut self) {
        rapportino_core::outbox::set_settings(
            &mut self.store,
            &rapportino_core::outbox::MailSettings {
                enabled: true,
                ..Default::default()
            },
        )
        .unwrap();
    }
}

/// Every synced table of a replica, rows by key, without local storage keys (`rid`).
pub fn dump(store: &Store) -> BTreeMap<&'static str, Vec<String>> {
    let conn = store.conn();
    let mut out = BTreeMap::new();
    for entity in Entity::ALL {
        let cols: Vec<String> = conn
            .prepare(&format!("PRAGMA table_info({})", entity.table()))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(1))
            .unwrap()
            .map(Result::unwrap)
            .filter(|c| c != "rid" && c != "number_key")
            .collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            cols.join(", "),
            entity.table(),
            entity.key_column()
        );
        let mut stmt = conn.prepare(&sql).unwrap();
        let rows = stmt
            .query_map([], |r| {
                let vals: Vec<String> = (0..cols.len())
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                Ok(vals.join(" | "))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.insert(entity.table(), rows);
    }
    out
}

/// Asserts that every replica holds the same synced data; shows the first difference.
pub fn assert_converged(devices: &[&Device]) {
    let first = dump(&devices[0].store);
    for d in &devices[1..] {
        let other = dump(&d.store);
        for (table, rows) in &first {
            let theirs = &other[table];
            if rows != theirs {
                let only_first: Vec<_> = rows
                    .iter()
                    .filter(|r| !theirs.contains(r))
                    .take(3)
                    .collect();
                let only_other: Vec<_> = theirs
                    .iter()
                    .filter(|r| !rows.contains(r))
                    .take(3)
                    .collect();
                panic!(
                    "{table} differs between {} and {}:\n only in {}: {only_first:#?}\n only in {}: {only_other:#?}",
                    devices[0].code, d.code, devices[0].code, d.code
                );
            }
        }
    }
}

pub fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Writes a change straight into the hub's storage, as an older hub (before pushed mutations
/// were validated) or a tampered one would have stored it: the row's state and the change in
/// the log, signed by `device_id`. Returns its server sequence.
pub fn inject(
    storage: &Storage,
    device_id: &str,
    entity: &str,
    entity_id: &str,
    op: rapportino_model::protocol::Op,
    fields: serde_json::Value,
) -> i64 {
    use rapportino_hub::storage::HubTx;
    use rapportino_model::hlc::Hlc;
    use rapportino_model::merge::{FieldVersion, RowState};
    use rapportino_model::protocol::{Op, ServerChange};
    let fields = fields.as_object().cloned().unwrap_or_default();
    storage
        .write(|tx: &mut dyn HubTx| {
            let seq = tx.next_seq()?;
            let now = Utc::now();
            let hlc = Hlc::from_parts(now.timestamp_millis(), 0).0;
            let version = FieldVersion {
                hlc,
                device: device_id.to_owned(),
                seq,
            };
            let mut row = tx.load_row(entity, entity_id)?.unwrap_or_else(|| RowState {
                origin_device: device_id.to_owned(),
                ..RowState::default()
            });
            if op == Op::Delete {
                row.deleted = Some(version);
            } else {
                for (k, v) in &fields {
                    row.fields.insert(k.clone(), v.clone());
                    row.versions.insert(k.clone(), version.clone());
                }
            }
            tx.save_row(entity, entity_id, &row)?;
            tx.append_change(&ServerChange {
                server_seq: seq,
                mutation_id: format!("injected-{}", uuid::Uuid::now_v7()),
                entity: entity.to_owned(),
                entity_id: entity_id.to_owned(),
                op,
                fields,
                hlc,
                device_id: device_id.to_owned(),
                recorded_at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            })?;
            Ok(seq)
        })
        .unwrap()
}
pub mod faults;

/// A ticket as a technician opens it on the phone.
pub fn new_ticket(
    client: rapportino_core::ids::ClientId,
    title: &str,
) -> rapportino_core::tickets::NewTicket {
    use rapportino_core::tickets::{NewTicket, Origin, Severity};
    NewTicket {
        client_id: client,
        contact_id: None,
        site_id: None,
        origin: Origin::Phone,
        severity: Severity::Degraded,
        urgent: false,
        category: None,
        is_bug: false,
        title: title.into(),
        description: None,
        reported_at: None,
        assigned_technician_id: None,
        contract_id: None,
        extra_time_pin: None,
        priority_requested: false,
        out_of_scope: false,
        service: None,
    }
}

/// A plausible signature (one stroke of 30 points).
pub fn signature(name: &str) -> rapportino_core::reports::Signature {
    use rapportino_core::reports::{Signature, Stroke, StrokePoint};
    Signature {
        signer_name: name.into(),
        width: 400.0,
        height: 150.0,
        strokes: vec![Stroke {
            points: (0..30)
                .map(|i| StrokePoint {
                    x: 20.0 + f64::from(i) * 8.0,
                    y: 75.0 + (f64::from(i) / 3.0).sin() * 40.0,
                    pressure: 0.5,
                    t: i64::from(i) * 12,
                })
                .collect(),
        }],
    }
}

//! Sync benchmark (issue 6): the real hub (in this process, HTTPS on loopback with a
//! self-signed certificate) and real devices (Rapportino databases on disk, synced through
//! `rapportino_core::sync`). Each command prints one JSON object on stdout; progress goes to
//! stderr. See docs/BENCHMARKS.md, "Offline sync (issue 6)", for the commands and the figures.
//!
//! ```sh
//! cargo build --release -p rapportino-hub --example sync_bench
//! B=$CARGO_TARGET_DIR/release/examples/sync_bench
//! $B ingest      --hub sqlite:/work/bench/hub-10k.db --certs /work/bench/certs --demo /work/bench/dev-10k.db
//! $B snapshot    --hub sqlite:/work/bench/hub-10k.db --certs /work/bench/certs --device /work/bench/reader-10k.db
//! $B incremental --hub sqlite:/work/bench/hub-10k.db --certs /work/bench/certs \
//!                --editor /work/bench/dev-10k.db --reader /work/bench/reader-10k.db --rounds 20
//! $B concurrent  --dir /work/bench/fifty --devices 50 --changes 20 --rounds 10
//! ```
//!
//! Certificates are kept in `--certs` (made on first use) so that enrolled devices keep trusting
//! the hub between runs; the hub listens on a new port each run and the devices' hub address is
//! pointed at it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use clap::{Parser, Subcommand};
use rand::rngs::ChaCha8Rng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::ids::ClientId;
use rapportino_core::setup::{self, OnboardingInput};
use rapportino_core::store::migrations;
use rapportino_core::sync::{self, keys, SnapshotItem, Transport, PUSH_BATCH};
use rapportino_core::tickets::{self, NewTicket, Origin, Severity};
use rapportino_core::Store;
use rapportino_hub::{RunningHub, ServerConfig, Storage, TlsFiles};
use rapportino_model::protocol::{PullResponse, PushRequest, PushResponse, Role, SnapshotHeader};
use rapportino_sync_http::HttpTransport;
use serde_json::{json, Value};

mod ingest;
mod load;

use ingest::ingest;
use load::{concurrent, incremental};

#[derive(Parser)]
#[command(about = "Benchmarks of the sync engine against a real hub on loopback HTTPS")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Push a whole demo database's change log to a hub (the demo becomes an enrolled device),
    /// beside raw batched inserts of the same records into a fresh SQLite file.
    Ingest {
        /// Hub storage URL (`sqlite:/path` or `postgres://...`).
        #[arg(long)]
        hub: String,
        #[arg(long)]
        certs: PathBuf,
        /// The demo database (modified: enrolled, its outbox emptied).
        #[arg(long)]
        demo: PathBuf,
        /// Where the raw baseline writes (deleted afterwards); default: beside the demo.
        #[arg(long)]
        raw: Option<PathBuf>,
        /// Skip the raw baseline.
        #[arg(long)]
        no_raw: bool,
    },
    /// A new device's initial sync from the hub (snapshot stream + apply); first the stream
    /// alone, read and counted without applying it.
    Snapshot {
        #[arg(long)]
        hub: String,
        #[arg(long)]
        certs: PathBuf,
        /// The new device's database (must not exist).
        #[arg(long)]
        device: PathBuf,
        /// Its device and technician code.
        #[arg(long, default_value = "BN")]
        code: String,
        /// Skip the stream-only pass.
        #[arg(long)]
        no_stream: bool,
    },
    /// One device makes `--changes` edits, syncs (push); another device in sync syncs (pull).
    Incremental {
        #[arg(long)]
        hub: String,
        #[arg(long)]
        certs: PathBuf,
        #[arg(long)]
        editor: PathBuf,
        #[arg(long)]
        reader: PathBuf,
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        #[arg(long, default_value_t = 2)]
        warmup: usize,
        #[arg(long, default_value_t = 100)]
        changes: usize,
    },
    /// `--devices` devices, each on its own thread, make `--changes` changes and sync, all at
    /// once, `--rounds` times; then everyone syncs once more and the replicas are compared.
    Concurrent {
        /// Hub storage URL (default: a fresh SQLite file in `--dir`).
        #[arg(long)]
        hub: Option<String>,
        /// A folder for the devices (and the hub file); must not exist.
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value_t = 50)]
        devices: usize,
        #[arg(long, default_value_t = 20)]
        changes: usize,
        #[arg(long, default_value_t = 10)]
        rounds: usize,
    },
}

fn main() {
    let cli = Cli::parse();
    let out = match cli.cmd {
        Cmd::Ingest {
            hub,
            certs,
            demo,
            raw,
            no_raw,
        } => ingest(&hub, &certs, &demo, raw, no_raw),
        Cmd::Snapshot {
            hub,
            certs,
            device,
            code,
            no_stream,
        } => snapshot(&hub, &certs, &device, &code, no_stream),
        Cmd::Incremental {
            hub,
            certs,
            editor,
            reader,
            rounds,
            warmup,
            changes,
        } => incremental(&hub, &certs, &editor, &reader, rounds, warmup, changes),
        Cmd::Concurrent {
            hub,
            dir,
            devices,
            changes,
            rounds,
        } => concurrent(hub, &dir, devices, changes, rounds),
    };
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}

// ---------------------------------------------------------------------------------------------
// The hub

struct Hub {
    storage: Arc<Storage>,
    url: String,
    ca_pem: String,
    running: Option<RunningHub>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    rt: tokio::runtime::Runtime,
}

impl Hub {
    /// The hub over `storage_url`, TLS with the certificate in `certs` (made when missing).
    fn start(storage_url: &str, certs: &Path) -> Hub {
        let (tls, ca_pem) = certificate(certs);
        let storage = Arc::new(Storage::open(storage_url).expect("open hub storage"));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), Some(tls));
        let running = rt
            .block_on(rapportino_hub::start(storage.clone(), config, async move {
                let _ = stopped.await;
            }))
            .expect("start hub");
        let url = running.url().replace("127.0.0.1", "localhost");
        Hub {
            storage,
            url,
            ca_pem,
            running: Some(running),
            stop: Some(stop),
            rt,
        }
    }

    fn code(&self, role: Role) -> String {
        rapportino_hub::auth::create_code(&self.storage, role, None, Utc::now())
            .unwrap()
            .code
    }

    fn max_seq(&self) -> i64 {
        self.storage.read(|r| r.max_seq()).unwrap()
    }

    /// Points an enrolled device at this run's address (the port changes between runs).
    fn repoint(&self, store: &Store) {
        for (key, value) in [(keys::HUB_URL, &self.url), (keys::CA_PEM, &self.ca_pem)] {
            store
                .conn()
                .execute(
                    "UPDATE local_state SET value = ?2 WHERE key = ?1",
                    [key, value.as_str()],
                )
                .unwrap();
        }
    }

    /// A technician's laptop.
    fn enrol(&self, store: &mut Store, name: &str) {
        self.enrol_as(store, name, Role::Technician);
    }

    /// `role`'s device: the demo pushing a whole shop (contracts, settings, every technician's
    /// device record) is the office's, which the hub lets write them.
    fn enrol_as(&self, store: &mut Store, name: &str, role: Role) {
        rapportino_sync_http::enrol(store, &self.url, &self.code(role), name, Some(&self.ca_pem))
            .expect("enrol");
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(running) = self.running.take() {
            running.shutdown(Duration::from_secs(5));
            let _ = self.rt.block_on(running.wait());
        }
    }
}

/// A self-signed certificate for `localhost` in `dir` (made once, then reused).
fn certificate(dir: &Path) -> (TlsFiles, String) {
    std::fs::create_dir_all(dir).unwrap();
    let cert = dir.join("hub.crt");
    let key = dir.join("hub.key");
    if !cert.exists() || !key.exists() {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.key_pair.serialize_pem()).unwrap();
    }
    let pem = std::fs::read_to_string(&cert).unwrap();
    (TlsFiles { cert, key }, pem)
}

// ---------------------------------------------------------------------------------------------
// A transport that times the requests

#[derive(Default, Clone, Copy)]
struct Timing {
    pushes: u64,
    push_s: f64,
    pulls: u64,
    pull_s: f64,
    snapshot_s: f64,
}

struct Timed<'h> {
    inner: HttpTransport,
    timing: Timing,
    /// The device already holds every row (it is their origin): the snapshot is only the
    /// header with the hub's current sequence.
    origin_of: Option<&'h Hub>,
}

impl Transport for Timed<'_> {
    fn push(&mut self, req: &PushRequest) -> rapportino_core::Result<PushResponse> {
        let t = Instant::now();
        let r = self.inner.push(req);
        self.timing.pushes += 1;
        self.timing.push_s += t.elapsed().as_secs_f64();
        if self.timing.pushes.is_multiple_of(1000) {
            eprintln!(
                "  {} pushes, {:.0} s in requests",
                self.timing.pushes, self.timing.push_s
            );
        }
        r
    }
    fn pull(&mut self, after: i64, limit: i64) -> rapportino_core::Result<PullResponse> {
        let t = Instant::now();
        let r = self.inner.pull(after, limit);
        self.timing.pulls += 1;
        self.timing.pull_s += t.elapsed().as_secs_f64();
        r
    }
    fn snapshot(
        &mut self,
        on_item: &mut dyn FnMut(SnapshotItem) -> rapportino_core::Result<()>,
    ) -> rapportino_core::Result<()> {
        let t = Instant::now();
        let r = match self.origin_of {
            Some(hub) => on_item(SnapshotItem::Header(SnapshotHeader {
                schema_version: migrations::latest_version(),
                cursor: hub.max_seq(),
            })),
            None => self.inner.snapshot(on_item),
        };
        self.timing.snapshot_s += t.elapsed().as_secs_f64();
        r
    }
}

fn transport<'h>(store: &Store, origin_of: Option<&'h Hub>) -> Timed<'h> {
    let get = |k: &str| -> Option<String> {
        store
            .conn()
            .query_row("SELECT value FROM local_state WHERE key = ?1", [k], |r| {
                r.get(0)
            })
            .ok()
    };
    let inner = HttpTransport::new(
        &get(keys::HUB_URL).unwrap(),
        &sync::credential::token(store).unwrap().unwrap(),
        get(keys::CA_PEM).as_deref(),
    )
    .unwrap();
    Timed {
        inner,
        timing: Timing::default(),
        origin_of,
    }
}

fn onboarded(path: &Path, code: &str) -> Store {
    let mut store = Store::open(path).unwrap();
    setup::onboard(
        &mut store,
        &OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: format!("Tecnico {code}"),
            technician_code: code.chars().filter(char::is_ascii_alphabetic).collect(),
            device_code: Some(code.into()),
        },
    )
    .unwrap();
    store
}

fn snapshot(hub_url: &str, certs: &Path, device: &Path, code: &str, no_stream: bool) -> Value {
    assert!(!device.exists(), "{} exists", device.display());
    let hub = Hub::start(hub_url, certs);
    let mut store = onboarded(device, code);
    hub.enrol(&mut store, code);
    let stream = if no_stream {
        Value::Null
    } else {
        stream_only(&hub, &store)
    };
    let mut t = transport(&store, None);
    let started = Instant::now();
    let report = sync::run(&mut store, &mut t).expect("initial sync");
    let wall = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(device).map(|m| m.len()).unwrap_or(0);
    let interventions: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM interventions", [], |r| r.get(0))
        .unwrap();
    json!({
        "scenario": "initial_sync",
        "storage": hub.storage.kind(),
        "stream_only": stream,
        "wall_s": wall,
        "snapshot_s": t.timing.snapshot_s,
        "snapshot_rows": report.snapshot_rows,
        "rows_per_s": report.snapshot_rows as f64 / t.timing.snapshot_s,
        "pushed": report.pushed,
        "pulled_after": report.pulled,
        "device_interventions": interventions,
        "device_file_gb": size as f64 / 1e9,
    })
}

/// `GET /v1/snapshot` read to the end and counted, nothing applied.
fn stream_only(hub: &Hub, store: &Store) -> Value {
    use std::io::BufRead;
    let token = sync::credential::token(store).unwrap().unwrap();
    let agent = ureq_agent(&hub.ca_pem);
    let started = Instant::now();
    let resp = agent
        .get(&format!("{}/v1/snapshot", hub.url))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    let mut reader = std::io::BufReader::with_capacity(1 << 16, resp.into_reader());
    let (mut bytes, mut lines) = (0u64, 0u64);
    loop {
        let buf = reader.fill_buf().unwrap();
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        lines += buf.iter().filter(|b| **b == b'\n').count() as u64;
        bytes += n as u64;
        reader.consume(n);
    }
    let s = started.elapsed().as_secs_f64();
    eprintln!(
        "stream only: {lines} lines, {:.0} MB in {s:.1} s",
        bytes as f64 / 1e6
    );
    json!({ "s": s, "mb": bytes as f64 / 1e6, "lines": lines })
}

fn ureq_agent(ca_pem: &str) -> ureq::Agent {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pki_types::CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        #[allow(deprecated)]
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    ureq::AgentBuilder::new()
        .tls_config(Arc::new(tls))
        .timeout_read(Duration::from_secs(600))
        .build()
}

// ---------------------------------------------------------------------------------------------
// Incremental sync

fn new_ticket(client: ClientId, title: String) -> NewTicket {
    NewTicket {
        client_id: client,
        contact_id: None,
        site_id: None,
        origin: Origin::Phone,
        severity: Severity::Degraded,
        urgent: false,
        category: None,
        is_bug: false,
        title,
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

fn client_ids(store: &Store) -> Vec<ClientId> {
    let mut stmt = store
        .conn()
        .prepare("SELECT id FROM clients WHERE archived = 0")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// `n` edits: nine in ten a client's notes, one in ten a new ticket.
fn edits(store: &mut Store, ids: &[ClientId], rng: &mut ChaCha8Rng, n: usize, tag: &str) {
    for i in 0..n {
        let id = *ids.choose(rng).unwrap();
        if i % 10 == 9 {
            tickets::open(store, &new_ticket(id, format!("Verifica {tag}-{i}"))).unwrap();
        } else {
            let c = clients::get(store, id).unwrap();
            let mut input = ClientInput::from(&c);
            input.notes = Some(format!("Nota {tag}-{i} {}", rng.random::<u32>()));
            clients::update(store, id, &input).unwrap();
        }
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn stats(mut v: Vec<f64>) -> Value {
    v.sort_by(f64::total_cmp);
    json!({
        "n": v.len(),
        "p50_ms": pct(&v, 50.0),
        "p95_ms": pct(&v, 95.0),
        "p99_ms": pct(&v, 99.0),
        "min_ms": v.first(),
        "max_ms": v.last(),
    })
}

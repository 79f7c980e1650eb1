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
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rapportino_core::clients::{self, Client, ClientInput};
use rapportino_core::ids::ClientId;
use rapportino_core::setup::{self, OnboardingInput};
use rapportino_core::store::migrations;
use rapportino_core::sync::http::HttpTransport;
use rapportino_core::sync::protocol::{
    PullResponse, PushRequest, PushResponse, Role, SnapshotHeader,
};
use rapportino_core::sync::{self, keys, SnapshotItem, Transport, PUSH_BATCH};
use rapportino_core::tickets::{self, NewTicket, Origin, Severity};
use rapportino_core::Store;
use rapportino_hub::{RunningHub, ServerConfig, Storage, TlsFiles};
use serde_json::{json, Value};

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

    fn code(&self) -> String {
        rapportino_hub::auth::create_code(&self.storage, Role::Technician, None, Utc::now())
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

    fn enrol(&self, store: &mut Store, name: &str) {
        sync::enrol(store, &self.url, &self.code(), name, Some(&self.ca_pem)).expect("enrol");
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
        &get(keys::TOKEN).unwrap(),
        get(keys::CA_PEM).as_deref(),
    )
    .unwrap();
    Timed {
        inner,
        timing: Timing::default(),
        origin_of,
    }
}

// ---------------------------------------------------------------------------------------------
// Ingest

fn ingest(hub_url: &str, certs: &Path, demo: &Path, raw: Option<PathBuf>, no_raw: bool) -> Value {
    let mut store = Store::open(demo).expect("open demo");
    let records: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
        .unwrap();
    let interventions: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM interventions", [], |r| r.get(0))
        .unwrap();
    eprintln!("{records} change records, {interventions} interventions");
    let raw_result = if no_raw {
        Value::Null
    } else {
        let path = raw.unwrap_or_else(|| demo.with_extension("raw.db"));
        let r = raw_baseline(store.conn(), &path);
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(path.with_extension("db-wal"));
        let _ = std::fs::remove_file(path.with_extension("db-shm"));
        r
    };
    let hub = Hub::start(hub_url, certs);
    let enrolled: bool = store
        .conn()
        .query_row(
            "SELECT count(*) FROM local_state WHERE key = ?1",
            [keys::TOKEN],
            |r| r.get(0),
        )
        .unwrap();
    if enrolled {
        // A run cut short goes on: the outbox holds what the hub has not acknowledged.
        hub.repoint(&store);
    } else {
        hub.enrol(&mut store, "Demo");
    }
    let pending: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
        .unwrap();
    eprintln!("enrolled; pushing {pending} mutations");
    let mut t = transport(&store, Some(&hub));
    let started = Instant::now();
    let report = sync::run(&mut store, &mut t).expect("sync");
    let wall = started.elapsed().as_secs_f64();
    let hub_rate = report.pushed as f64 / wall;
    let raw_rate = raw_result.get("rows_per_s").and_then(Value::as_f64);
    json!({
        "scenario": "ingest",
        "storage": hub.storage.kind(),
        "interventions": interventions,
        "change_records": records,
        "pushed": report.pushed,
        "rejected": report.rejected,
        "batch": PUSH_BATCH,
        "requests": t.timing.pushes,
        "wall_s": wall,
        "in_push_requests_s": t.timing.push_s,
        "hub_mutations_per_s": hub_rate,
        "hub_max_seq": hub.max_seq(),
        "raw": raw_result,
        "ratio_hub_to_raw": raw_rate.map(|r| hub_rate / r),
    })
}

/// The same change records, in the same batches, into a plain table of a fresh file (WAL,
/// synchronous NORMAL): only the insert transactions are timed.
fn raw_baseline(source: &rusqlite::Connection, path: &Path) -> Value {
    let _ = std::fs::remove_file(path);
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute(
        "CREATE TABLE raw_changes (seq INTEGER, mutation_id TEXT, entity TEXT, entity_id TEXT,
             op TEXT, fields TEXT, hlc INTEGER, device_id TEXT, recorded_at TEXT,
             base_seq INTEGER)",
        [],
    )
    .unwrap();
    type Rec = (
        i64,
        String,
        String,
        String,
        String,
        String,
        i64,
        String,
        String,
        i64,
    );
    let mut read = source
        .prepare(
            "SELECT seq, mutation_id, entity, entity_id, op, fields, hlc, device_id, recorded_at,
                    base_seq
             FROM change_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .unwrap();
    let mut after = 0i64;
    let mut rows = 0u64;
    let mut bytes = 0u64;
    let mut timed = Duration::ZERO;
    let started = Instant::now();
    loop {
        let batch: Vec<Rec> = read
            .query_map(rusqlite::params![after, PUSH_BATCH], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let Some(last) = batch.last() else { break };
        after = last.0;
        let t = Instant::now();
        let tx = conn.unchecked_transaction().unwrap();
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO raw_changes VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .unwrap();
            for r in &batch {
                ins.execute(rusqlite::params![
                    r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
        timed += t.elapsed();
        rows += batch.len() as u64;
        bytes += batch.iter().map(|r| r.5.len() as u64).sum::<u64>();
    }
    let s = timed.as_secs_f64();
    eprintln!(
        "raw: {rows} rows in {s:.1} s of inserts ({:.1} s with reading)",
        started.elapsed().as_secs_f64()
    );
    json!({
        "rows": rows,
        "fields_mb": bytes as f64 / 1e6,
        "insert_s": s,
        "with_reading_s": started.elapsed().as_secs_f64(),
        "rows_per_s": rows as f64 / s,
    })
}

// ---------------------------------------------------------------------------------------------
// Initial sync

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
    let token: String = store
        .conn()
        .query_row(
            "SELECT value FROM local_state WHERE key = ?1",
            [keys::TOKEN],
            |r| r.get(0),
        )
        .unwrap();
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

fn input_of(c: &Client) -> ClientInput {
    ClientInput {
        name: c.name.clone(),
        vat_number: c.vat_number.clone(),
        fiscal_code: c.fiscal_code.clone(),
        street: c.street.clone(),
        postcode: c.postcode.clone(),
        city: c.city.clone(),
        province: c.province.clone(),
        email: c.email.clone(),
        pec: c.pec.clone(),
        phone: c.phone.clone(),
        notes: c.notes.clone(),
        customer_class: Some(c.customer_class.clone()),
        patron_day: c.patron_day.clone(),
    }
}

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
            let mut input = input_of(&c);
            input.notes = Some(format!("Nota {tag}-{i} {}", rng.gen::<u32>()));
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

fn incremental(
    hub_url: &str,
    certs: &Path,
    editor: &Path,
    reader: &Path,
    rounds: usize,
    warmup: usize,
    changes: usize,
) -> Value {
    let hub = Hub::start(hub_url, certs);
    let mut ed = Store::open(editor).unwrap();
    let mut rd = Store::open(reader).unwrap();
    hub.repoint(&ed);
    hub.repoint(&rd);
    let interventions: i64 = ed
        .conn()
        .query_row("SELECT count(*) FROM interventions", [], |r| r.get(0))
        .unwrap();
    // Both in sync before the first round.
    sync::sync_now(&mut ed).expect("editor catches up");
    sync::sync_now(&mut rd).expect("reader catches up");
    let ids = client_ids(&ed);
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let run = Utc::now().timestamp_millis();
    let (mut push_ms, mut pull_ms, mut total_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut pushed = Vec::new();
    let mut pulled = Vec::new();
    for round in 0..warmup + rounds {
        // Unique per run: a value equal to the stored one is no change (nothing to sync).
        edits(&mut ed, &ids, &mut rng, changes, &format!("{run}r{round}"));
        let t = Instant::now();
        let a = sync::sync_now(&mut ed).expect("editor sync");
        let push = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let b = sync::sync_now(&mut rd).expect("reader sync");
        let pull = t.elapsed().as_secs_f64() * 1000.0;
        eprintln!(
            "round {round}: editor pushed {} in {push:.1} ms, reader pulled {} in {pull:.1} ms",
            a.pushed, b.pulled
        );
        if round >= warmup {
            push_ms.push(push);
            pull_ms.push(pull);
            total_ms.push(push + pull);
            pushed.push(a.pushed);
            pulled.push(b.pulled);
        }
    }
    json!({
        "scenario": "incremental",
        "storage": hub.storage.kind(),
        "hub_interventions": interventions,
        "hub_max_seq": hub.max_seq(),
        "edits_per_round": changes,
        "mutations_pushed_per_round": pushed,
        "changes_pulled_per_round": pulled,
        "editor_sync_push": stats(push_ms),
        "reader_sync_pull": stats(pull_ms),
        "push_plus_pull": stats(total_ms),
    })
}

// ---------------------------------------------------------------------------------------------
// Many devices at once

fn device_code(i: usize) -> String {
    let a = (b'A' + (i / 26) as u8) as char;
    let b = (b'A' + (i % 26) as u8) as char;
    format!("X{a}{b}")
}

fn concurrent(
    hub_url: Option<String>,
    dir: &Path,
    devices: usize,
    changes: usize,
    rounds: usize,
) -> Value {
    assert!(!dir.exists(), "{} exists", dir.display());
    std::fs::create_dir_all(dir).unwrap();
    let hub_url = hub_url.unwrap_or_else(|| format!("sqlite:{}", dir.join("hub.db").display()));
    let hub = Hub::start(&hub_url, &dir.join("certs"));
    let mut stores = Vec::new();
    for i in 0..devices {
        let code = device_code(i);
        let mut s = onboarded(&dir.join(format!("{code}.db")), &code);
        hub.enrol(&mut s, &code);
        stores.push(s);
    }
    eprintln!("{devices} devices enrolled");
    let barrier = Arc::new(Barrier::new(devices));
    let errors: Arc<Mutex<Vec<String>>> = Arc::default();
    let started = Instant::now();
    let results: Vec<(Vec<f64>, u64, u64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .iter_mut()
            .enumerate()
            .map(|(i, store)| {
                let barrier = barrier.clone();
                let errors = errors.clone();
                scope.spawn(move || {
                    let mut rng = ChaCha8Rng::seed_from_u64(i as u64);
                    let mut lat = Vec::new();
                    let (mut pushed, mut pulled) = (0, 0);
                    let mut mine: Vec<ClientId> = Vec::new();
                    for round in 0..rounds {
                        // Changes: new clients in the first round, then edits to clients of
                        // anyone (what this device has pulled), a ticket now and then.
                        let known = client_ids(store);
                        for k in 0..changes {
                            let r = if round == 0 || known.is_empty() {
                                clients::create(
                                    store,
                                    &ClientInput {
                                        name: format!("Cliente {} {k}", device_code(i)),
                                        city: Some("Milano".into()),
                                        ..Default::default()
                                    },
                                )
                                .map(|c| mine.push(c.id))
                            } else if k % 10 == 9 {
                                let id = *mine.choose(&mut rng).unwrap();
                                tickets::open(store, &new_ticket(id, format!("Guasto {round}-{k}")))
                                    .map(|_| ())
                            } else {
                                let id = *known.choose(&mut rng).unwrap();
                                clients::get(store, id).and_then(|c| {
                                    let mut input = input_of(&c);
                                    input.notes = Some(format!("{} r{round} k{k}", device_code(i)));
                                    clients::update(store, id, &input).map(|_| ())
                                })
                            };
                            if let Err(e) = r {
                                errors.lock().unwrap().push(format!("edit: {e}"));
                            }
                        }
                        barrier.wait();
                        let t = Instant::now();
                        match sync::sync_now(store) {
                            Ok(rep) => {
                                pushed += rep.pushed as u64;
                                pulled += rep.pulled as u64;
                            }
                            Err(e) => errors.lock().unwrap().push(format!("sync: {e}")),
                        }
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    (lat, pushed, pulled)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wall = started.elapsed().as_secs_f64();
    // Everyone syncs once more, one after the other: then every replica must hold the same.
    for _ in 0..2 {
        for s in stores.iter_mut() {
            if let Err(e) = sync::sync_now(s) {
                errors.lock().unwrap().push(format!("final sync: {e}"));
            }
        }
    }
    let fingerprint = |s: &Store| -> (i64, i64, String) {
        s.conn()
            .query_row(
                "SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM tickets),
                        (SELECT group_concat(h, '') FROM (SELECT hex(notes) || id AS h
                           FROM clients ORDER BY id))",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)),
            )
            .unwrap()
    };
    let first = fingerprint(&stores[0]);
    let diverged = stores.iter().filter(|s| fingerprint(s) != first).count();
    let conflicts: i64 = stores[0]
        .conn()
        .query_row("SELECT count(*) FROM sync_conflicts", [], |r| r.get(0))
        .unwrap_or(-1);
    let lat: Vec<f64> = results.iter().flat_map(|r| r.0.iter().copied()).collect();
    let errors = errors.lock().unwrap().clone();
    json!({
        "scenario": "concurrent",
        "storage": hub.storage.kind(),
        "devices": devices,
        "changes_per_round": changes,
        "rounds": rounds,
        "sync_round": stats(lat),
        "wall_s": wall,
        "pushed": results.iter().map(|r| r.1).sum::<u64>(),
        "pulled": results.iter().map(|r| r.2).sum::<u64>(),
        "hub_max_seq": hub.max_seq(),
        "errors": errors.len(),
        "error_samples": errors.iter().take(5).collect::<Vec<_>>(),
        "replicas_diverged": diverged,
        "clients": first.0,
        "tickets": first.1,
        "conflicts_recorded": conflicts,
    })
}

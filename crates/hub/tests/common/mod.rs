//! Test helpers shared by the hub's integration tests (include with `mod common;`):
//!
//! - [`backends`]: a fresh hub storage on each engine — a SQLite file in a temporary folder, and
//!   a new database on a throwaway PostgreSQL server (see [`PgServer`]);
//! - [`TestHub`]: a hub running in this process on `127.0.0.1:<random port>`, over real TLS
//!   (self-signed certificate made by rcgen at test time) or plain HTTP, with a `ureq` agent
//!   that trusts it;
//! - [`call`] and friends: one HTTP request → (status, JSON body);
//! - [`attack`]: raw TLS clients and seeded rows for attacking a hub (shared with
//!   `examples/hostile_transport.rs`), and [`under_attack`]: the honest device that measures a
//!   hub under attack (the `transport_*.rs` tests).
//!
//! PostgreSQL: Debian's binaries (`/usr/lib/postgresql/*/bin`, or `RAPPORTINO_PG_BIN`). One
//! server per test binary is started on first use (initdb into a temporary folder, as user
//! `postgres` when running as root, on a free loopback port) and stopped when the last test
//! using it drops its database. Missing binaries skip the PostgreSQL half loudly, except with
//! `CI=true`, where they fail the test.
#![allow(dead_code)]

pub mod attack;
pub mod under_attack;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use rapportino_hub::storage::Storage;
use rapportino_hub::{RunningHub, ServerConfig, TlsFiles};
use rapportino_model::protocol::{EnrolRequest, EnrolResponse, Role};
use serde_json::Value;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Storage on both engines

/// A fresh, empty hub storage and what keeps it alive (its folder or its database).
pub struct TestStorage {
    /// `sqlite` or `postgres`.
    pub kind: &'static str,
    /// The URL it was opened from (for the CLI and for opening it again).
    pub url: String,
    pub storage: Arc<Storage>,
    _guard: Guard,
}

enum Guard {
    Dir(TempDir),
    Pg(PgDatabase),
}

pub fn sqlite_storage() -> TestStorage {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite:{}", dir.path().join("hub.db").display());
    let storage = Storage::open(&url).expect("open SQLite hub");
    TestStorage {
        kind: "sqlite",
        url,
        storage: Arc::new(storage),
        _guard: Guard::Dir(dir),
    }
}

/// A fresh database on the shared throwaway PostgreSQL server; `None` when PostgreSQL is not
/// installed and this is not CI (a loud message says so).
pub fn postgres_storage() -> Option<TestStorage> {
    let db = PgDatabase::create()?;
    let storage = Storage::open(&db.url).expect("open PostgreSQL hub");
    Some(TestStorage {
        kind: "postgres",
        url: db.url.clone(),
        storage: Arc::new(storage),
        _guard: Guard::Pg(db),
    })
}

/// SQLite, then PostgreSQL when available: run a storage-level test on each.
pub fn backends() -> Vec<TestStorage> {
    let mut all = vec![sqlite_storage()];
    all.extend(postgres_storage());
    all
}

// ---------------------------------------------------------------------------------------------
// Throwaway PostgreSQL

/// A PostgreSQL server in a temporary folder, stopped and deleted when dropped.
pub struct PgServer {
    pub port: u16,
    bin: PathBuf,
    dir: TempDir,
    as_postgres: bool,
}

/// One database on the shared server; keeps the server alive.
pub struct PgDatabase {
    pub url: String,
    pub name: String,
    server: Arc<PgServer>,
}

static SHARED: Mutex<Weak<PgServer>> = Mutex::new(Weak::new());
static NEXT_DB: AtomicUsize = AtomicUsize::new(1);

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The folder with initdb and pg_ctl: `RAPPORTINO_PG_BIN`, else the newest
/// `/usr/lib/postgresql/<version>/bin`.
pub fn find_pg_bin() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("RAPPORTINO_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn run_checked(mut cmd: Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

impl PgServer {
    /// Starts a new server; `None` (after a loud message) when PostgreSQL is not installed and
    /// `CI` is not set. Panics when it is installed but cannot start, or is missing on CI.
    pub fn start() -> Option<PgServer> {
        let Some(bin) = find_pg_bin() else {
            let msg = "PostgreSQL binaries not found (/usr/lib/postgresql/*/bin or \
                       RAPPORTINO_PG_BIN): install Debian's `postgresql` package \
                       (scripts/install-deps.sh does)";
            if is_ci() {
                panic!("{msg}");
            }
            eprintln!("\n!!! SKIPPING the PostgreSQL half of this test: {msg} !!!\n");
            return None;
        };
        let as_postgres = is_root();
        let dir = tempfile::Builder::new()
            .prefix("rapportino-pg-")
            .tempdir()
            .expect("temporary folder for PostgreSQL");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data folder");
        if as_postgres {
            // initdb refuses to run as root: the cluster belongs to the `postgres` user.
            let mut chown = Command::new("chown");
            chown.arg("-R").arg("postgres:postgres").arg(dir.path());
            run_checked(chown, "chown to postgres");
        }
        let server = PgServer {
            port: 0,
            bin,
            dir,
            as_postgres,
        };
        let mut init = server.pg_command("initdb");
        init.arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "--no-sync"])
            .args(["--encoding=UTF8", "--locale=C"]);
        run_checked(init, "initdb");
        let mut server = server;
        for attempt in 0..3 {
            server.port = free_port();
            let options = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                server.port,
                server.dir.path().display()
            );
            let mut start = server.pg_command("pg_ctl");
            start
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(server.dir.path().join("server.log"))
                .args(["-o", &options, "-w", "-t", "60", "start"]);
            let out = start.output().expect("run pg_ctl start");
            if out.status.success() {
                return Some(server);
            }
            let log =
                std::fs::read_to_string(server.dir.path().join("server.log")).unwrap_or_default();
            if attempt == 2 {
                panic!(
                    "pg_ctl start failed: {}\n{}\n{log}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        None
    }

    fn pg_command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(path);
            cmd
        } else {
            Command::new(path)
        }
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The shared server of this test binary, started on first use.
    pub fn shared() -> Option<Arc<PgServer>> {
        let mut slot = SHARED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(server) = slot.upgrade() {
            return Some(server);
        }
        let server = Arc::new(PgServer::start()?);
        *slot = Arc::downgrade(&server);
        Some(server)
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let mut stop = self.pg_command("pg_ctl");
        stop.arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "-w", "stop"]);
        match stop.output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => eprintln!(
                "pg_ctl stop failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => eprintln!("pg_ctl stop: {e}"),
        }
    }
}

impl PgDatabase {
    /// A new empty database on the shared server.
    pub fn create() -> Option<PgDatabase> {
        let server = PgServer::shared()?;
        let name = format!(
            "hub_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = postgres::Client::connect(&server.url("postgres"), postgres::NoTls)
            .expect("connect to the test PostgreSQL");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the test database");
        Some(PgDatabase {
            url: server.url(&name),
            name,
            server,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// A hub in this process

/// A self-signed certificate for `127.0.0.1` and `localhost`, as PEM files in `dir`.
pub struct TestCert {
    pub files: TlsFiles,
    pub der: Vec<u8>,
}

pub fn make_cert(dir: &Path) -> TestCert {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("generate a self-signed certificate");
    let cert = dir.join("hub.crt");
    let key = dir.join("hub.key");
    std::fs::write(&cert, certified.cert.pem()).expect("write cert");
    std::fs::write(&key, certified.key_pair.serialize_pem()).expect("write key");
    TestCert {
        files: TlsFiles { cert, key },
        der: certified.cert.der().to_vec(),
    }
}

/// A `ureq` agent that trusts exactly `cert_der` (rustls with the ring provider).
pub fn agent_trusting(cert_der: &[u8]) -> ureq::Agent {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls_pki_types::CertificateDer::from(cert_der.to_vec()))
        .expect("add the test certificate");
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    ureq::AgentBuilder::new()
        .tls_config(Arc::new(config))
        .timeout(Duration::from_secs(60))
        .build()
}

pub fn plain_agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

/// A hub serving `storage` on `127.0.0.1:<free port>` from its own runtime; shut down
/// gracefully when dropped.
pub struct TestHub {
    /// `https://127.0.0.1:PORT` or `http://...`.
    pub url: String,
    pub addr: std::net::SocketAddr,
    pub agent: ureq::Agent,
    pub storage: Arc<Storage>,
    /// The hub's self-signed certificate (DER), when over TLS.
    pub cert_der: Option<Vec<u8>>,
    runtime: Option<tokio::runtime::Runtime>,
    running: Option<RunningHub>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: TempDir,
}

impl TestHub {
    /// Over TLS with a fresh self-signed certificate.
    pub fn tls(storage: Arc<Storage>) -> TestHub {
        Self::start(storage, true, |_| {})
    }

    /// Over plain HTTP.
    pub fn plain(storage: Arc<Storage>) -> TestHub {
        Self::start(storage, false, |_| {})
    }

    /// With a chance to change the configuration (body limit, grace period...).
    pub fn start(
        storage: Arc<Storage>,
        tls: bool,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> TestHub {
        let dir = tempfile::tempdir().expect("temporary folder");
        let cert = tls.then(|| make_cert(dir.path()));
        let mut config = ServerConfig::new(
            "127.0.0.1:0".parse().expect("loopback address"),
            cert.as_ref().map(|c| c.files.clone()),
        );
        config.shutdown_grace = Duration::from_secs(10);
        adjust(&mut config);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = runtime
            .block_on(rapportino_hub::start(storage.clone(), config, async move {
                let _ = stopped.await;
            }))
            .expect("start the hub");
        let agent = match &cert {
            Some(c) => agent_trusting(&c.der),
            None => plain_agent(),
        };
        TestHub {
            url: running.url(),
            addr: running.addr,
            agent,
            storage,
            cert_der: cert.map(|c| c.der),
            runtime: Some(runtime),
            running: Some(running),
            stop: Some(stop),
            _dir: dir,
        }
    }

    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Sends the shutdown signal without waiting.
    pub fn signal_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Signals shutdown and waits until the server stopped.
    pub fn shutdown(&mut self) {
        self.signal_shutdown();
        if let (Some(rt), Some(running)) = (self.runtime.as_ref(), self.running.take()) {
            rt.block_on(running.wait()).expect("hub stopped cleanly");
        }
    }

    /// A GET/POST with an optional bearer token and JSON body → (status, JSON body).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut req = self.agent.request(method, &self.endpoint(path));
        if let Some(t) = token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        let result = match body {
            Some(b) => req.send_json(b.clone()),
            None => req.call(),
        };
        answer(result)
    }

    /// Creates a code through storage (as `rapportino-hub enrol-code` does) and enrols a
    /// device with it over HTTP.
    pub fn enrol(&self, role: Role, device_id: &str, device_code: &str) -> EnrolResponse {
        let code = rapportino_hub::auth::create_code(&self.storage, role, None, chrono::Utc::now())
            .expect("create an enrolment code");
        let req = EnrolRequest {
            code: code.code,
            device_id: device_id.to_string(),
            device_code: device_code.to_string(),
            name: format!("Device {device_code}"),
            technician_id: None,
            technician_code: None,
        };
        let (status, body) = self.call(
            "POST",
            "/v1/enrol",
            None,
            Some(&serde_json::to_value(req).expect("JSON")),
        );
        assert_eq!(status, 200, "enrol: {body}");
        serde_json::from_value(body).expect("EnrolResponse")
    }
}

impl Drop for TestHub {
    fn drop(&mut self) {
        self.shutdown();
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(5));
        }
    }
}

/// Status and JSON body of a `ureq` result (error statuses included; a body that is not JSON
/// becomes a string).
pub fn answer(result: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let text = response.into_string().expect("response body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// The `code` of an error answer.
pub fn code_of(body: &Value) -> &str {
    body.get("code").and_then(Value::as_str).unwrap_or("")
}

//! The hub under hostile transport (issue 13): a real `rapportino-hub serve` process (release
//! build, default limits, TLS on loopback) attacked in turn by slowloris clients, bodies held
//! before authentication, idle connections and slow snapshot readers, while an honest device
//! pushes one new client and pulls, every 50 ms. For each scenario: the honest device's request
//! latency (median, p95, max), its failures, the hub's peak memory (`VmHWM` of
//! /proc/<pid>/status: a new hub process per scenario) and the load average.
//!
//! ```sh
//! export CARGO_TARGET_DIR=/work/main/target
//! cargo build --release -p rapportino-hub --bin rapportino-hub --example hostile_transport
//! $CARGO_TARGET_DIR/release/examples/hostile_transport [--seconds 20] [--rows 6000] \
//!     [--storage postgres://user@127.0.0.1:5432/db]   # default: a SQLite file in a temp dir
//! ```
//!
//! The attackers run in this process on the same two cores as the hub: the figures include
//! their CPU use. Every request goes to 127.0.0.1 only, and every loop stops after `--seconds`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rapportino_hub::Storage;
use rapportino_model::protocol::{EnrolRequest, Role};
use serde_json::Value;

/// Raw clients and data shared with the transport tests.
#[allow(dead_code)]
#[path = "../tests/common/attack.rs"]
mod attack;
use attack::{
    held_enrol_head, is_timeout, new_client_batch, seed_rows, tls_config, try_tls_connect,
    wait_closed, Tls,
};

/// A TLS connection (reads time out after 30 s), `None` when the hub refused it.
fn tls_connect(addr: SocketAddr, config: &Arc<rustls::ClientConfig>) -> Option<Tls> {
    try_tls_connect(addr, config, Duration::from_secs(30)).ok()
}

struct Args {
    seconds: u64,
    rows: usize,
    storage: Option<String>,
    hub_bin: PathBuf,
}

fn args() -> Args {
    let mut out = Args {
        seconds: 20,
        rows: 6000,
        storage: None,
        hub_bin: std::env::current_exe()
            .expect("exe")
            .parent()
            .and_then(Path::parent)
            .expect("target/release")
            .join("rapportino-hub"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().expect("a value after the flag");
        match a.as_str() {
            "--seconds" => out.seconds = value().parse().expect("seconds"),
            "--rows" => out.rows = value().parse().expect("rows"),
            "--storage" => out.storage = Some(value()),
            "--hub-bin" => out.hub_bin = PathBuf::from(value()),
            other => panic!("unknown argument {other}"),
        }
    }
    out
}

fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = args
        .storage
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", dir.path().join("hub.db").display()));
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).expect("certificate");
    let (cert, key) = (dir.path().join("hub.crt"), dir.path().join("hub.key"));
    std::fs::write(&cert, certified.cert.pem()).expect("write");
    std::fs::write(&key, certified.key_pair.serialize_pem()).expect("write");
    let tls = tls_config(certified.cert.der());
    {
        let storage = Storage::open(&url).expect("open the hub storage");
        seed_rows(&storage, args.rows);
    }
    eprintln!(
        "hub {} on {url}, {} rows seeded, {} s per scenario",
        args.hub_bin.display(),
        args.rows,
        args.seconds
    );
    println!(
        "| scenario | honest requests | failed | median ms | p95 ms | max ms | hub VmHWM MiB | load avg (1 min) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (i, scenario) in [
        Scenario::Baseline,
        Scenario::Slowloris,
        Scenario::HeldBodies,
        Scenario::Idle,
        Scenario::SlowSnapshots,
    ]
    .into_iter()
    .enumerate()
    {
        let hub = Hub::start(&args.hub_bin, &url, &cert, &key);
        let device = format!("dev-bench-{}-{i}", std::process::id());
        let token = enrol(&url, &hub, &tls, &device, &format!("B{i}"));
        let reader_token = enrol(&url, &hub, &tls, &format!("{device}-r"), &format!("R{i}"));
        let stop = Arc::new(AtomicBool::new(false));
        let attacks = scenario.start(hub.addr, &tls, &reader_token, &stop);
        // Let the attack build up before measuring.
        std::thread::sleep(Duration::from_secs(2));
        let (mut times, failed) = honest(
            hub.addr,
            &tls,
            &device,
            &token,
            Duration::from_secs(args.seconds),
        );
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let hwm_kib = hub.status_kib("VmHWM");
        stop.store(true, Ordering::SeqCst);
        let attacked = attacks.join();
        hub.stop();
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let pick = |q: f64| {
            times
                .get(((times.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .map_or(f64::NAN, ms)
        };
        println!(
            "| {} | {} | {failed} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            scenario.name(),
            times.len(),
            pick(0.5),
            pick(0.95),
            times.last().copied().map_or(f64::NAN, ms),
            hwm_kib as f64 / 1024.0,
            load.split_whitespace().next().unwrap_or("?"),
        );
        eprintln!("  {}: {attacked}", scenario.name());
    }
}

// ---------------------------------------------------------------------------------------------
// The hub process

struct Hub {
    child: Child,
    addr: SocketAddr,
}

impl Hub {
    fn start(bin: &Path, url: &str, cert: &Path, key: &Path) -> Hub {
        let mut child = Command::new(bin)
            .args(["serve", "--listen", "127.0.0.1:0", "--log-json"])
            // The attackers share the honest device's address (127.0.0.1) here: the per-address
            // cap would refuse the honest device with them. It is measured on its own in
            // tests/transport_connections.rs; these figures are of the other limits.
            .args(["--max-connections-per-ip", "100000"])
            .arg("--tls-cert")
            .arg(cert)
            .arg("--tls-key")
            .arg(key)
            .env("RAPPORTINO_HUB_STORAGE", url)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .expect("start rapportino-hub");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let Ok(v) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if v["message"] == "hub listening" {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(v["addr"].as_str().unwrap_or_default().to_string());
                    }
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the hub said where it listens");
        Hub {
            child,
            addr: addr.parse().expect("address"),
        }
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn enrol(
    url: &str,
    hub: &Hub,
    tls: &Arc<rustls::ClientConfig>,
    device: &str,
    code: &str,
) -> String {
    let storage = Storage::open(url).expect("storage");
    let made =
        rapportino_hub::auth::create_code(&storage, Role::Technician, None, chrono::Utc::now())
            .expect("enrolment code");
    let req = EnrolRequest {
        code: made.code,
        device_id: device.to_string(),
        device_code: code.to_string(),
        name: format!("Benchmark {code}"),
        technician_id: None,
        technician_code: None,
    };
    let agent = agent(tls);
    let answer: Value = agent
        .post(&format!("https://{}/v1/enrol", hub.addr))
        .send_json(serde_json::to_value(req).expect("JSON"))
        .expect("enrol")
        .into_json()
        .expect("JSON");
    answer["token"].as_str().expect("token").to_string()
}

// ---------------------------------------------------------------------------------------------
// The honest device

fn agent(tls: &Arc<rustls::ClientConfig>) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .tls_config(tls.clone())
        .timeout(Duration::from_secs(30))
        .build()
}

/// Push + pull every 50 ms for `length`; every request's time, and how many failed.
fn honest(
    addr: SocketAddr,
    tls: &Arc<rustls::ClientConfig>,
    device: &str,
    token: &str,
    length: Duration,
) -> (Vec<Duration>, u64) {
    let agent = agent(tls);
    let base = format!("https://{addr}");
    let auth = format!("Bearer {token}");
    let mut times = Vec::new();
    let mut failed = 0;
    let mut cursor = 0i64;
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < length {
        n += 1;
        let batch = new_client_batch(device, &n.to_string(), cursor);
        let t = Instant::now();
        match agent
            .post(&format!("{base}/v1/push"))
            .set("Authorization", &auth)
            .send_json(batch)
        {
            Ok(_) => times.push(t.elapsed()),
            Err(e) => {
                failed += 1;
                eprintln!("  honest push failed: {e}");
            }
        }
        let t = Instant::now();
        match agent
            .get(&format!("{base}/v1/changes?after={cursor}"))
            .set("Authorization", &auth)
            .call()
            .map_err(|e| e.to_string())
            .and_then(|r| r.into_json::<Value>().map_err(|e| e.to_string()))
        {
            Ok(page) => {
                times.push(t.elapsed());
                cursor = page["next_cursor"].as_i64().unwrap_or(cursor);
            }
            Err(e) => {
                failed += 1;
                eprintln!("  honest pull failed: {e}");
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (times, failed)
}

// ---------------------------------------------------------------------------------------------
// Attacks

#[derive(Clone, Copy)]
enum Scenario {
    Baseline,
    Slowloris,
    HeldBodies,
    Idle,
    SlowSnapshots,
}

/// The attacker threads of a scenario and their counters.
struct Attack {
    threads: Vec<std::thread::JoinHandle<()>>,
    /// Connections opened, and answers/closures seen.
    opened: Arc<AtomicU64>,
    cut: Arc<AtomicU64>,
}

impl Attack {
    fn join(self) -> String {
        for t in self.threads {
            let _ = t.join();
        }
        format!(
            "{} attacker connections opened, {} cut off or refused by the hub",
            self.opened.load(Ordering::SeqCst),
            self.cut.load(Ordering::SeqCst)
        )
    }
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Baseline => "no attack",
            Scenario::Slowloris => "200 slowloris clients (1 header byte/s)",
            Scenario::HeldBodies => {
                "50 clients holding a 32 MiB body before auth (again 1 s after each refusal)"
            }
            Scenario::Idle => "200 idle connections (100 TCP, 100 TLS)",
            Scenario::SlowSnapshots => "30 slow snapshot readers (64 KiB/s each)",
        }
    }

    fn start(
        self,
        addr: SocketAddr,
        tls: &Arc<rustls::ClientConfig>,
        token: &str,
        stop: &Arc<AtomicBool>,
    ) -> Attack {
        let opened = Arc::new(AtomicU64::new(0));
        let cut = Arc::new(AtomicU64::new(0));
        let (count, kind) = match self {
            Scenario::Baseline => (0, 0),
            Scenario::Slowloris => (200, 1),
            Scenario::HeldBodies => (50, 2),
            Scenario::Idle => (200, 3),
            Scenario::SlowSnapshots => (30, 4),
        };
        let threads = (0..count)
            .map(|i| {
                let (tls, token, stop) = (tls.clone(), token.to_string(), stop.clone());
                let (opened, cut) = (opened.clone(), cut.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        opened.fetch_add(1, Ordering::SeqCst);
                        let was_cut = match kind {
                            1 => slowloris(addr, &tls, &stop),
                            2 => held_body(addr, &tls, &stop),
                            3 if i % 2 == 0 => idle_tcp(addr, &stop),
                            3 => idle_tls(addr, &tls, &stop),
                            _ => slow_snapshot(addr, &tls, &token, &stop),
                        };
                        if was_cut {
                            cut.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        Attack {
            threads,
            opened,
            cut,
        }
    }
}

fn slowloris(addr: SocketAddr, tls: &Arc<rustls::ClientConfig>, stop: &AtomicBool) -> bool {
    let Some(mut s) = tls_connect(addr, tls) else {
        std::thread::sleep(Duration::from_millis(200));
        return true;
    };
    let _ = s.sock.set_read_timeout(Some(Duration::from_secs(1)));
    let head = b"POST /v1/enrol HTTP/1.1\r\nHost: hub\r\nX-Slow: ";
    let mut buf = [0u8; 256];
    for b in head.iter().chain(std::iter::repeat(&b'a')) {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        if s.write_all(&[*b]).and_then(|()| s.flush()).is_err() {
            return true;
        }
        match s.read(&mut buf) {
            Ok(_) => return true,
            Err(e) if is_timeout(&e) => {}
            Err(_) => return true,
        }
    }
    false
}

fn held_body(addr: SocketAddr, tls: &Arc<rustls::ClientConfig>, stop: &AtomicBool) -> bool {
    let Some(mut s) = tls_connect(addr, tls) else {
        std::thread::sleep(Duration::from_millis(200));
        return true;
    };
    let _ = s.write_all(held_enrol_head().as_bytes());
    let _ = s.write_all(&[b' '; 16 * 1024]);
    let _ = s.flush();
    let _ = s.sock.set_read_timeout(Some(Duration::from_millis(500)));
    let cut = wait_closed(&mut s, || !stop.load(Ordering::SeqCst));
    std::thread::sleep(Duration::from_secs(1));
    cut
}

fn idle_tcp(addr: SocketAddr, stop: &AtomicBool) -> bool {
    let Ok(mut s) = TcpStream::connect(addr) else {
        std::thread::sleep(Duration::from_millis(200));
        return true;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    wait_closed(&mut s, || !stop.load(Ordering::SeqCst))
}

fn idle_tls(addr: SocketAddr, tls: &Arc<rustls::ClientConfig>, stop: &AtomicBool) -> bool {
    let Some(mut s) = tls_connect(addr, tls) else {
        std::thread::sleep(Duration::from_millis(200));
        return true;
    };
    let _ = s.sock.set_read_timeout(Some(Duration::from_millis(500)));
    wait_closed(&mut s, || !stop.load(Ordering::SeqCst))
}

/// A snapshot read at 64 KiB/s; on 503, waits a second and asks again. Whether the hub
/// refused or cut it.
fn slow_snapshot(
    addr: SocketAddr,
    tls: &Arc<rustls::ClientConfig>,
    token: &str,
    stop: &AtomicBool,
) -> bool {
    let Some(mut s) = tls_connect(addr, tls) else {
        std::thread::sleep(Duration::from_millis(200));
        return true;
    };
    let request = format!(
        "GET /v1/snapshot HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {token}\r\n\
         Connection: close\r\n\r\n"
    );
    if s.write_all(request.as_bytes())
        .and_then(|()| s.flush())
        .is_err()
    {
        return true;
    }
    let _ = s.sock.set_read_timeout(Some(Duration::from_secs(1)));
    let mut first = true;
    let mut buf = vec![0u8; 16 * 1024];
    while !stop.load(Ordering::SeqCst) {
        match s.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => {
                if first {
                    first = false;
                    if !buf[..n].starts_with(b"HTTP/1.1 200") {
                        std::thread::sleep(Duration::from_secs(1));
                        return true;
                    }
                }
                // 16 KiB per 250 ms.
                std::thread::sleep(Duration::from_millis(250));
            }
            Err(e) if is_timeout(&e) => {}
            Err(_) => return true,
        }
    }
    false
}

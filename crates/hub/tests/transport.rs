//! The hub under hostile transport, over real TLS on loopback: slowloris clients, bodies held
//! before authentication, idle connections, the connection cap, and slow snapshot readers.
//! In each case an honest device keeps pushing and pulling, and every one of its requests is
//! answered within 2 s.
//!
//! The tests take one lock each (they measure latency: run together they would measure each
//! other) and use short limits (2-3 s) so that the whole file runs in well under a minute.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::{code_of, TestHub};
use rapportino_hub::storage::Storage;
use rapportino_hub::ServerConfig;
use rapportino_model::hlc::Hlc;
use rapportino_model::merge::{FieldVersion, RowState};
use rapportino_model::protocol::Role;
use rapportino_model::SCHEMA_VERSION;
use serde_json::{json, Map, Value};

/// The most an honest device's request may take while the hub is under attack.
const HONEST_BUDGET: Duration = Duration::from_secs(2);
/// The header-read timeout of these tests' hubs.
const HEADER_TIMEOUT: Duration = Duration::from_secs(2);

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn short_limits(c: &mut ServerConfig) {
    c.header_read_timeout = HEADER_TIMEOUT;
    c.body_read_timeout = Duration::from_secs(2);
    c.request_timeout = Duration::from_secs(10);
}

// ---------------------------------------------------------------------------------------------
// The honest device

/// An enrolled technician that pushes one new client and pulls, again and again, timing each
/// request.
struct Honest {
    agent: ureq::Agent,
    url: String,
    device_id: String,
    token: String,
    cursor: i64,
    n: u64,
}

impl Honest {
    fn enrol(hub: &TestHub, device_id: &str, device_code: &str) -> Honest {
        let enrolled = hub.enrol(Role::Technician, device_id, device_code);
        Honest {
            agent: hub.agent.clone(),
            url: hub.url.clone(),
            device_id: device_id.to_string(),
            token: enrolled.token,
            cursor: 0,
            n: 0,
        }
    }

    fn send(&self, req: ureq::Request, body: Option<&Value>) -> (u16, Value) {
        let req = req.set("Authorization", &format!("Bearer {}", self.token));
        common::answer(match body {
            Some(b) => req.send_json(b.clone()),
            None => req.call(),
        })
    }

    /// One push and one pull; the time of each.
    fn round(&mut self) -> [Duration; 2] {
        self.n += 1;
        let now = chrono::Utc::now();
        let id = uuid::Uuid::now_v7().to_string();
        let stamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let mutation = json!({
            "mutation_id": uuid::Uuid::now_v7().to_string(),
            "entity": "client",
            "entity_id": id,
            "op": "insert",
            "fields": {
                "name": format!("Cliente onesto {}", self.n),
                "customer_class": "none",
                "archived": 0,
                "created_at": stamp,
                "updated_at": stamp,
            },
            "hlc": Hlc::from_parts(now.timestamp_millis(), 0).0,
            "device_id": self.device_id,
            "recorded_at": stamp,
            "base_seq": self.cursor,
        });
        let batch = json!({
            "schema_version": SCHEMA_VERSION,
            "mutations": [mutation],
        });
        let t = Instant::now();
        let (status, body) = self.send(
            self.agent.post(&format!("{}/v1/push", self.url)),
            Some(&batch),
        );
        let push = t.elapsed();
        assert_eq!(status, 200, "honest push: {body}");
        assert_eq!(body["results"][0]["outcome"], "applied", "{body}");
        let t = Instant::now();
        let (status, body) = self.send(
            self.agent
                .get(&format!("{}/v1/changes?after={}", self.url, self.cursor)),
            None,
        );
        let pull = t.elapsed();
        assert_eq!(status, 200, "honest pull: {body}");
        self.cursor = body["next_cursor"].as_i64().expect("next_cursor");
        [push, pull]
    }
}

/// Runs honest rounds (one every 100 ms) on a thread until stopped; returns every request's
/// time.
struct Monitor {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Duration>>,
}

impl Monitor {
    fn start(mut honest: Honest) -> Monitor {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut times = Vec::new();
            while !flag.load(Ordering::SeqCst) {
                times.extend(honest.round());
                std::thread::sleep(Duration::from_millis(100));
            }
            times
        });
        Monitor { stop, thread }
    }

    /// Stops, and checks that every request was answered within the budget.
    fn finish(self, what: &str) -> Vec<Duration> {
        self.stop.store(true, Ordering::SeqCst);
        let mut times = self.thread.join().expect("the honest device panicked");
        assert!(
            times.len() >= 4,
            "{what}: only {} honest requests",
            times.len()
        );
        times.sort();
        let worst = *times.last().expect("times");
        eprintln!(
            "{what}: {} honest requests, median {:?}, worst {worst:?}",
            times.len(),
            times[times.len() / 2]
        );
        assert!(
            worst < HONEST_BUDGET,
            "{what}: an honest request took {worst:?}"
        );
        times
    }
}

// ---------------------------------------------------------------------------------------------
// Raw clients

type Tls = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

fn tls_config(cert_der: &[u8]) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls_pki_types::CertificateDer::from(cert_der.to_vec()))
        .expect("add the test certificate");
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// A TLS connection with the handshake done.
fn tls_connect(addr: SocketAddr, config: &Arc<rustls::ClientConfig>) -> Tls {
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let conn = rustls::ClientConnection::new(config.clone(), name).expect("client");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    while tls.conn.is_handshaking() {
        tls.conn
            .complete_io(&mut tls.sock)
            .expect("TLS handshake with the hub");
    }
    tls
}

/// Whether the hub has closed (or answered and closed) the connection, waiting up to `wait`.
fn closed_by_hub<S: Read>(stream: &mut S, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // an answer: read on to the end
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(_) => return true,
        }
    }
    false
}

/// Sends `bytes` one per second; returns how long the hub let it go on (`None`: still open
/// after `give_up`).
fn dribble<S: Read + Write>(
    stream: &mut S,
    set_timeout: impl Fn(&S, Duration),
    bytes: &[u8],
    give_up: Duration,
) -> Option<Duration> {
    let started = Instant::now();
    set_timeout(stream, Duration::from_secs(1));
    for b in bytes.iter().cycle() {
        if started.elapsed() > give_up {
            return None;
        }
        if stream
            .write_all(&[*b])
            .and_then(|()| stream.flush())
            .is_err()
        {
            return Some(started.elapsed());
        }
        // Waits up to 1 s for the hub to close: the dribble rate.
        let mut buf = [0u8; 1024];
        match stream.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => {
                closed_by_hub(stream, Duration::from_secs(2));
                return Some(started.elapsed());
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Some(started.elapsed()),
        }
    }
    None
}

fn tls_timeout(s: &Tls, d: Duration) {
    s.sock.set_read_timeout(Some(d)).expect("timeout");
}

fn tcp_timeout(s: &TcpStream, d: Duration) {
    s.set_read_timeout(Some(d)).expect("timeout");
}

fn hub_with(storage: Arc<Storage>, adjust: impl FnOnce(&mut ServerConfig)) -> TestHub {
    TestHub::start(storage, true, |c| {
        short_limits(c);
        adjust(c);
    })
}

// ---------------------------------------------------------------------------------------------
// Attacks

/// Clients that send their request one byte per second — an HTTP/1.1 head, the HTTP/2
/// preface, or a TLS record that never completes — are each cut off within the header-read
/// timeout (plus slack), and honest requests meanwhile are answered within 2 s.
#[test]
fn slowloris_clients_are_cut_off_and_honest_devices_keep_syncing() {
    let _serial = serial();
    let s = common::sqlite_storage();
    let hub = hub_with(s.storage.clone(), |_| {});
    let config = tls_config(hub.cert_der.as_deref().expect("TLS hub"));
    let monitor = Monitor::start(Honest::enrol(&hub, "dev-honest", "HO"));
    let give_up = Duration::from_secs(12);
    let cut_by = HEADER_TIMEOUT + Duration::from_secs(3);

    let head = b"POST /v1/enrol HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n\
                 X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    // A TLS handshake record announcing 512 bytes, then zeros.
    let record = [0x16u8, 0x03, 0x01, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
    let cut: Vec<(&str, Option<Duration>)> = std::thread::scope(|scope| {
        let mut threads = Vec::new();
        for i in 0..30 {
            let (config, addr) = (config.clone(), hub.addr);
            threads.push(scope.spawn(move || match i % 3 {
                0 => {
                    let mut tls = tls_connect(addr, &config);
                    (
                        "HTTP/1.1 head",
                        dribble(&mut tls, tls_timeout, head, give_up),
                    )
                }
                1 => {
                    let mut tls = tls_connect(addr, &config);
                    (
                        "HTTP/2 preface",
                        dribble(&mut tls, tls_timeout, preface, give_up),
                    )
                }
                _ => {
                    let mut tcp = TcpStream::connect(addr).expect("connect");
                    (
                        "TLS record",
                        dribble(&mut tcp, tcp_timeout, &record, give_up),
                    )
                }
            }));
        }
        threads
            .into_iter()
            .map(|t| t.join().expect("attacker"))
            .collect()
    });
    monitor.finish("slowloris");
    for (kind, after) in cut {
        let after = after.unwrap_or_else(|| panic!("a {kind} slowloris was never cut off"));
        assert!(after <= cut_by, "a {kind} slowloris went on for {after:?}");
    }
}

/// A client that announces a 32 MiB body without a token and holds it is answered 413 at once,
/// before the hub reads it; one with a refused token gets its 401 the same way; an
/// authenticated device's body that stops arriving gets 408 after the body timeout.
#[test]
fn bodies_held_before_authentication_are_refused_early() {
    let _serial = serial();
    let s = common::sqlite_storage();
    let hub = hub_with(s.storage.clone(), |_| {});
    let config = tls_config(hub.cert_der.as_deref().expect("TLS hub"));
    let slow = Honest::enrol(&hub, "dev-slow", "SL");
    let monitor = Monitor::start(Honest::enrol(&hub, "dev-honest", "HO"));
    let thirty_two_mib = 32 * 1024 * 1024;

    let answers: Vec<(String, Duration, bool)> = std::thread::scope(|scope| {
        let mut threads = Vec::new();
        for i in 0..20 {
            let (config, addr) = (config.clone(), hub.addr);
            let slow_token = slow.token.clone();
            threads.push(scope.spawn(move || {
                let mut tls = tls_connect(addr, &config);
                let head = match i % 4 {
                    0 | 1 => format!(
                        "POST /v1/enrol HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n\
                         Content-Length: {thirty_two_mib}\r\n\r\n"
                    ),
                    2 => format!(
                        "POST /v1/push HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer dev-x.00\r\n\
                         Content-Length: {thirty_two_mib}\r\n\r\n"
                    ),
                    // An enrolled device's body that stops after 1 KiB of 10 KiB.
                    _ => format!(
                        "POST /v1/push HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {slow_token}\r\n\
                         Content-Length: 10240\r\n\r\n"
                    ),
                };
                let t = Instant::now();
                tls.write_all(head.as_bytes()).expect("head");
                // Part of the body, then nothing more.
                let _ = tls.write_all(&vec![b' '; if i % 4 == 3 { 1024 } else { 16 * 1024 }]);
                let _ = tls.flush();
                tls_timeout(&tls, Duration::from_secs(8));
                let mut answer = Vec::new();
                let mut buf = [0u8; 4096];
                let mut closed = false;
                while t.elapsed() < Duration::from_secs(8) {
                    match tls.read(&mut buf) {
                        Ok(0) => {
                            closed = true;
                            break;
                        }
                        Ok(n) => answer.extend_from_slice(&buf[..n]),
                        Err(_) => {
                            closed = !answer.is_empty();
                            break;
                        }
                    }
                    if answer.windows(4).any(|w| w == b"\r\n\r\n") && closed_by_hub(&mut tls, Duration::from_secs(2)) {
                        closed = true;
                        break;
                    }
                }
                (String::from_utf8_lossy(&answer).into_owned(), t.elapsed(), closed)
            }));
        }
        threads
            .into_iter()
            .map(|t| t.join().expect("attacker"))
            .collect()
    });
    monitor.finish("held bodies");
    for (i, (answer, after, closed)) in answers.into_iter().enumerate() {
        let (status, code, within) = match i % 4 {
            0 | 1 => ("413", "BODY_TOO_LARGE", Duration::from_secs(1)),
            2 => ("401", "UNAUTHENTICATED", Duration::from_secs(1)),
            _ => ("408", "REQUEST_TIMEOUT", Duration::from_secs(4)),
        };
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")) && answer.contains(code),
            "attacker {i}: {answer:?}"
        );
        assert!(
            after <= within + Duration::from_secs(2),
            "attacker {i}: answered after {after:?}"
        );
        assert!(closed, "attacker {i}: connection left open");
        assert!(
            answer.to_ascii_lowercase().contains("connection: close"),
            "{answer}"
        );
    }
}

/// 200 connections that say nothing (150 plain TCP, 50 after the TLS handshake) are each
/// closed within the header-read timeout (plus slack); honest requests meanwhile are answered
/// within 2 s.
#[test]
fn idle_connections_are_closed_and_honest_devices_keep_syncing() {
    let _serial = serial();
    let s = common::sqlite_storage();
    let hub = hub_with(s.storage.clone(), |_| {});
    let config = tls_config(hub.cert_der.as_deref().expect("TLS hub"));
    let monitor = Monitor::start(Honest::enrol(&hub, "dev-honest", "HO"));
    let started = Instant::now();
    let mut tcp: Vec<TcpStream> = (0..150)
        .map(|_| TcpStream::connect(hub.addr).expect("connect"))
        .collect();
    let mut tls: Vec<Tls> = (0..50).map(|_| tls_connect(hub.addr, &config)).collect();
    eprintln!("200 idle connections open after {:?}", started.elapsed());
    let wait = HEADER_TIMEOUT + Duration::from_secs(3);
    for c in &mut tcp {
        c.set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        let left = wait
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(10));
        assert!(closed_by_hub(c, left), "an idle TCP connection stayed open");
    }
    for c in &mut tls {
        c.sock
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        let left = wait
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(10));
        assert!(closed_by_hub(c, left), "an idle TLS connection stayed open");
    }
    eprintln!("all 200 closed by the hub after {:?}", started.elapsed());
    monitor.finish("idle connections");
}

/// With every connection slot taken, a new connection waits (its TLS handshake does not
/// start) until one is freed.
#[test]
fn connections_over_the_cap_wait_for_a_free_slot() {
    let _serial = serial();
    let s = common::sqlite_storage();
    let hub = hub_with(s.storage.clone(), |c| {
        c.max_connections = 4;
        c.header_read_timeout = Duration::from_secs(20);
    });
    let config = tls_config(hub.cert_der.as_deref().expect("TLS hub"));
    let mut idle: Vec<Tls> = (0..4).map(|_| tls_connect(hub.addr, &config)).collect();
    let fifth = std::thread::spawn({
        let (config, addr) = (config.clone(), hub.addr);
        move || {
            let t = Instant::now();
            let mut tls = tls_connect(addr, &config);
            let handshake = t.elapsed();
            tls.write_all(b"GET /v1/health HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
                .expect("request");
            let mut answer = String::new();
            let _ = tls.read_to_string(&mut answer);
            (handshake, answer)
        }
    });
    std::thread::sleep(Duration::from_millis(1500));
    drop(idle.pop()); // frees a slot
    let (handshake, answer) = fifth.join().expect("fifth connection");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        handshake >= Duration::from_millis(1200),
        "the fifth connection was served at once ({handshake:?}) with 4 slots taken"
    );
    assert!(handshake < Duration::from_secs(5), "{handshake:?}");
}

// ---------------------------------------------------------------------------------------------
// Slow snapshot readers

/// Writes `n` clients of about 2 KB each straight into the hub's rows.
fn seed_rows(storage: &Storage, n: usize) {
    let version = FieldVersion {
        hlc: 1 << 16,
        device: "dev-seed".into(),
        seq: 1,
    };
    storage
        .write(|tx| {
            for i in 0..n {
                let mut fields = Map::new();
                fields.insert("name".into(), json!(format!("Cliente {i:05}")));
                fields.insert("notes".into(), json!("n".repeat(2000)));
                fields.insert("customer_class".into(), json!("none"));
                fields.insert("archived".into(), json!(0));
                fields.insert("created_at".into(), json!("2026-01-01T00:00:00Z"));
                fields.insert("updated_at".into(), json!("2026-01-01T00:00:00Z"));
                let row = RowState {
                    versions: fields
                        .keys()
                        .map(|k| (k.clone(), version.clone()))
                        .collect(),
                    fields,
                    deleted: None,
                    origin_device: "dev-seed".into(),
                };
                tx.save_row("client", &format!("seed-{i:05}"), &row)?;
            }
            Ok(())
        })
        .expect("seed rows");
}

/// A TCP connection whose receive buffer is small (8 KiB, so the kernel does not grow it):
/// a reader that stops reading stops the hub's writes within a few KiB, not a few MB.
fn small_window_connect(addr: SocketAddr) -> TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("runtime");
    let tcp = rt
        .block_on(async {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.set_recv_buffer_size(8 * 1024)?;
            socket.connect(addr).await?.into_std()
        })
        .expect("connect");
    tcp.set_nonblocking(false).expect("blocking");
    tcp.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    tcp
}

/// A snapshot request on a small-window TLS connection: the status, `Retry-After`, and the
/// stream (chunked) when the status is 200.
struct Reader {
    status: u16,
    retry_after: Option<String>,
    body: Option<std::io::BufReader<Tls>>,
}

fn open_snapshot(addr: SocketAddr, config: &Arc<rustls::ClientConfig>, token: &str) -> Reader {
    use std::io::BufRead;
    let tcp = small_window_connect(addr);
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let conn = rustls::ClientConnection::new(config.clone(), name).expect("client");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(
        tls,
        "GET /v1/snapshot HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {token}\r\n\
         Connection: close\r\n\r\n"
    )
    .expect("request");
    tls.flush().expect("flush");
    let mut reader = std::io::BufReader::new(tls);
    let mut line = String::new();
    reader.read_line(&mut line).expect("status line");
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("header");
        let h = line.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if status == 200 {
        return Reader {
            status,
            retry_after: None,
            body: Some(reader),
        };
    }
    let len: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .expect("content-length");
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).expect("error body");
    let body: Value = serde_json::from_slice(&body).expect("JSON error body");
    assert_eq!(code_of(&body), "HUB_BUSY", "{body}");
    Reader {
        status,
        retry_after: header("retry-after"),
        body: None,
    }
}

/// Reads a chunked snapshot stream slowly (a pause of 10 ms after every 64 KiB: about 6 MB/s)
/// to its end line; the rows counted.
fn read_slowly(mut body: std::io::BufReader<Tls>) -> (u64, Value) {
    use std::io::BufRead;
    let mut text = Vec::new();
    let mut line = String::new();
    let mut since_pause = 0;
    loop {
        line.clear();
        body.read_line(&mut line).expect("chunk size");
        let size = usize::from_str_radix(line.trim(), 16)
            .unwrap_or_else(|_| panic!("chunk size {line:?}"));
        if size == 0 {
            break;
        }
        let start = text.len();
        text.resize(start + size, 0);
        body.read_exact(&mut text[start..]).expect("chunk");
        line.clear();
        body.read_line(&mut line).expect("chunk end");
        since_pause += size;
        if since_pause >= 64 * 1024 {
            since_pause = 0;
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let text = String::from_utf8(text).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let end: Value = serde_json::from_str(lines.last().expect("lines")).expect("end line");
    ((lines.len() - 2) as u64, end)
}

/// Whether a hub transaction has been open for more than a second (nothing should be: the
/// snapshot readers are stalled, but their snapshots were spooled).
fn long_transaction_open(kind: &str, url: &str) -> bool {
    match kind {
        "postgres" => {
            let mut client =
                postgres::Client::connect(url, postgres::NoTls).expect("connect to PostgreSQL");
            let row = client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity
                     WHERE application_name = 'rapportino-hub' AND datname = current_database()
                       AND xact_start < now() - interval '1 second'",
                    &[],
                )
                .expect("pg_stat_activity");
            row.get::<_, i64>(0) > 0
        }
        _ => {
            // A read transaction held open keeps a TRUNCATE checkpoint from completing. The
            // honest device's own short transactions may collide with one attempt, not with all.
            let path = url.strip_prefix("sqlite:").expect("sqlite URL");
            let conn = rusqlite::Connection::open(path).expect("open the hub file");
            conn.busy_timeout(Duration::ZERO).expect("busy timeout");
            for _ in 0..10 {
                let busy: i64 = conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
                    .expect("checkpoint");
                if busy == 0 {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            true
        }
    }
}

/// 30 readers ask for a snapshot of about 13 MB at once (more than the kernel buffers: about
/// 4 MB of send buffer per connection on Linux) and read it slowly: at most
/// `max_snapshot_streams` get it (the others 503 HUB_BUSY with Retry-After), no storage
/// transaction stays open while they read, every stream is complete, and the honest device's
/// requests are answered within 2 s throughout. On both engines.
#[test]
fn slow_snapshot_readers_hold_no_transaction_and_honest_devices_keep_syncing() {
    let _serial = serial();
    for b in common::backends() {
        seed_rows(&b.storage, 6_000);
        let hub = hub_with(b.storage.clone(), |c| c.max_snapshot_streams = 4);
        let reader = hub.enrol(Role::Technician, "dev-reader", "RD");
        let config = tls_config(hub.cert_der.as_deref().expect("TLS hub"));
        let monitor = Monitor::start(Honest::enrol(&hub, "dev-honest", "HO"));
        let opened: Vec<Reader> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..30)
                .map(|_| scope.spawn(|| open_snapshot(hub.addr, &config, &reader.token)))
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().expect("reader"))
                .collect()
        });
        let streaming = opened.iter().filter(|r| r.status == 200).count();
        assert!(
            (1..=4).contains(&streaming),
            "{}: {streaming} streams at once",
            b.kind
        );
        for r in opened.iter().filter(|r| r.status != 200) {
            assert_eq!(r.status, 503, "{}", b.kind);
            assert_eq!(r.retry_after.as_deref(), Some("10"), "{}", b.kind);
        }
        // The readers are stalled (nothing read yet): no transaction may be waiting for them.
        std::thread::sleep(Duration::from_millis(1500));
        assert!(
            !long_transaction_open(b.kind, &b.url),
            "{}: a storage transaction stays open under stalled snapshot readers",
            b.kind
        );
        let results: Vec<(u64, Value)> = std::thread::scope(|scope| {
            let threads: Vec<_> = opened
                .into_iter()
                .filter_map(|r| r.body)
                .map(|body| scope.spawn(move || read_slowly(body)))
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().expect("reader"))
                .collect()
        });
        monitor.finish(&format!("slow snapshot readers ({})", b.kind));
        for (rows, end) in results {
            assert_eq!(end["end_rows"], rows, "{}", b.kind);
            assert!(rows >= 6_000, "{}: {rows} rows", b.kind);
        }
        // Once the streams are done their slots are free again.
        let again = open_snapshot(hub.addr, &config, &reader.token);
        assert_eq!(again.status, 200, "{}", b.kind);
    }
}

/// A request stuck behind a storage lock is answered 503 `HUB_BUSY` with `Retry-After` at the
/// whole-request timeout, not when the storage gives up (10 s later).
#[test]
fn a_request_over_the_request_timeout_is_answered_busy() {
    let _serial = serial();
    let s = common::sqlite_storage();
    let hub = hub_with(s.storage.clone(), |c| {
        c.request_timeout = Duration::from_secs(2)
    });
    let mut honest = Honest::enrol(&hub, "dev-honest", "HO");
    honest.round();
    let path = s.url.strip_prefix("sqlite:").expect("sqlite URL");
    let locker = rusqlite::Connection::open(path).expect("open the hub file");
    locker
        .execute("BEGIN IMMEDIATE", [])
        .expect("take the write lock");
    let t = Instant::now();
    let batch = json!({
        "schema_version": SCHEMA_VERSION,
        "mutations": [],
    });
    let result = hub
        .agent
        .post(&hub.endpoint("/v1/push"))
        .set("Authorization", &format!("Bearer {}", honest.token))
        .send_json(batch);
    let took = t.elapsed();
    let Err(ureq::Error::Status(status, response)) = result else {
        panic!("expected an error answer, got {result:?}");
    };
    let retry_after = response.header("Retry-After").map(str::to_owned);
    let body: Value = response.into_json().expect("JSON");
    assert_eq!((status, code_of(&body)), (503, "HUB_BUSY"), "{body}");
    assert_eq!(retry_after.as_deref(), Some("5"));
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(4),
        "{took:?}"
    );
    locker.execute("ROLLBACK", []).expect("release the lock");
    honest.round();
}

/// A snapshot reader that stops reading loses its connection after the write timeout, and its
/// snapshot slot is free again.
#[test]
fn a_reader_that_stops_reading_is_cut_off_and_frees_its_slot() {
    let _serial = serial();
    let s = common::sqlite_storage();
    seed_rows(&s.storage, 6_000);
    let hub = hub_with(s.storage.clone(), |c| {
        c.write_timeout = Duration::from_secs(2);
        c.max_snapshot_streams = 1;
    });
    let config = tls_config(hub.cert_der.as_deref().expect("TLS hub"));
    let reader = hub.enrol(Role::Technician, "dev-reader", "RD");
    let stuck = open_snapshot(hub.addr, &config, &reader.token);
    assert_eq!(stuck.status, 200);
    let busy = open_snapshot(hub.addr, &config, &reader.token);
    assert_eq!(busy.status, 503);
    // Reads nothing for a while: the hub's writes stall, then it gives up.
    std::thread::sleep(Duration::from_secs(4));
    let mut body = stuck.body.expect("stream");
    let mut received = Vec::new();
    let cut = body.read_to_end(&mut received).is_err()
        || !String::from_utf8_lossy(&received).contains("end_rows");
    assert!(cut, "the stalled stream was sent in full");
    assert!(
        received.len() < 12_000_000,
        "{} bytes reached the stalled reader",
        received.len()
    );
    let again = open_snapshot(hub.addr, &config, &reader.token);
    assert_eq!(again.status, 200, "the stalled reader's slot was not freed");
}

//! A hub under attack and the honest device that measures it, for the transport tests
//! (`tests/transport_connections.rs`, `transport_bodies.rs`, `transport_snapshots.rs`).
//!
//! The tests take one lock each ([`serial`]: they measure latency, and run together they
//! would measure each other) and use short limits (2-3 s) so that each file runs in well under
//! a minute.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rapportino_hub::storage::Storage;
use rapportino_hub::ServerConfig;
use rapportino_model::protocol::Role;
use serde_json::Value;

use super::attack::{self, Tls};
use super::TestHub;

/// The most an honest device's request may take while the hub is under attack.
pub const HONEST_BUDGET: Duration = Duration::from_secs(2);
/// The header-read timeout of these tests' hubs.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(2);

static SERIAL: Mutex<()> = Mutex::new(());

/// One test at a time in a test binary.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// A TLS hub in this process with the tests' short limits, then `adjust`.
pub fn hub_with(storage: Arc<Storage>, adjust: impl FnOnce(&mut ServerConfig)) -> TestHub {
    TestHub::start(storage, true, |c| {
        c.header_read_timeout = HEADER_TIMEOUT;
        c.body_read_timeout = Duration::from_secs(2);
        c.request_timeout = Duration::from_secs(10);
        adjust(c);
    })
}

/// The TLS client of `hub` (it trusts the hub's test certificate).
pub fn tls_config(hub: &TestHub) -> Arc<rustls::ClientConfig> {
    attack::tls_config(hub.cert_der.as_deref().expect("TLS hub"))
}

/// A TLS connection with the handshake done (reads time out after 10 s).
pub fn tls_connect(addr: SocketAddr, config: &Arc<rustls::ClientConfig>) -> Tls {
    attack::try_tls_connect(addr, config, Duration::from_secs(10))
        .expect("TLS handshake with the hub")
}

/// Sets a TLS connection's read timeout.
pub fn tls_timeout(s: &Tls, d: Duration) {
    s.sock.set_read_timeout(Some(d)).expect("timeout");
}

/// Whether the hub has closed (or answered and closed) the connection, waiting up to `wait`.
pub fn closed_by_hub<S: Read>(stream: &mut S, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    attack::wait_closed(stream, || Instant::now() < deadline)
}

// ---------------------------------------------------------------------------------------------
// The honest device

/// An enrolled technician that pushes one new client and pulls, again and again, timing each
/// request.
pub struct Honest {
    agent: ureq::Agent,
    url: String,
    device_id: String,
    pub token: String,
    cursor: i64,
    n: u64,
}

impl Honest {
    pub fn enrol(hub: &TestHub, device_id: &str, device_code: &str) -> Honest {
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
        super::answer(match body {
            Some(b) => req.send_json(b.clone()),
            None => req.call(),
        })
    }

    /// One push and one pull; the time of each.
    pub fn round(&mut self) -> [Duration; 2] {
        self.n += 1;
        let batch =
            attack::new_client_batch(&self.device_id, &format!("onesto {}", self.n), self.cursor);
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
pub struct Monitor {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Duration>>,
}

impl Monitor {
    pub fn start(mut honest: Honest) -> Monitor {
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
    pub fn finish(self, what: &str) -> Vec<Duration> {
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

//! A proxy on loopback between the devices and the hub cuts connections mid-push and mid-pull
//! (at a random byte, either direction) for hundreds of rounds of offline work and syncs; once
//! the network heals, every replica holds every row exactly once.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::ids::ClientId;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use sync_support::*;

/// Forwards TCP to `upstream`; while `faulty`, each connection may be cut after a random number
/// of bytes in one direction.
struct FaultProxy {
    port: u16,
    faulty: Arc<AtomicBool>,
    cuts: Arc<AtomicU64>,
    /// Cuts past the TLS handshake (after the second read of the stream): inside a request or
    /// an answer, not before one.
    deep_cuts: Arc<AtomicU64>,
}

impl FaultProxy {
    fn start(upstream: u16, seed: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let faulty = Arc::new(AtomicBool::new(true));
        let cuts = Arc::new(AtomicU64::new(0));
        let deep_cuts = Arc::new(AtomicU64::new(0));
        let rng = Arc::new(Mutex::new(ChaCha8Rng::seed_from_u64(seed)));
        let (f, c, deep) = (faulty.clone(), cuts.clone(), deep_cuts.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                // Cut this connection? Which way (0: device → hub, mid-push; 1: hub → device,
                // mid-answer), after how many whole reads (the first two are the TLS
                // handshake; then requests or answers) and how many bytes of the next.
                let plan = {
                    let mut r = rng.lock().unwrap();
                    (f.load(Ordering::SeqCst) && r.random_bool(0.5)).then(|| {
                        (
                            r.random_range(0..2),
                            (r.random_range(0..5usize), r.random_range(0..400usize)),
                        )
                    })
                };
                let c = c.clone();
                let deep = deep.clone();
                let pipe = move |mut from: TcpStream,
                                 mut to: TcpStream,
                                 limit: Option<(usize, usize)>,
                                 cuts: Arc<AtomicU64>,
                                 deep: Arc<AtomicU64>| {
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16_384];
                        let mut reads = 0usize;
                        loop {
                            let n = match from.read(&mut buf) {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            if let Some((whole, partial)) = limit {
                                if reads == whole {
                                    let _ = to.write_all(&buf[..partial.min(n - 1)]);
                                    cuts.fetch_add(1, Ordering::SeqCst);
                                    if whole >= 2 {
                                        deep.fetch_add(1, Ordering::SeqCst);
                                    }
                                    let _ = from.shutdown(Shutdown::Both);
                                    let _ = to.shutdown(Shutdown::Both);
                                    return;
                                }
                            }
                            if to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                            reads += 1;
                        }
                        let _ = to.shutdown(Shutdown::Write);
                    });
                };
                let up_limit = plan.and_then(|(dir, n)| (dir == 0).then_some(n));
                let down_limit = plan.and_then(|(dir, n)| (dir == 1).then_some(n));
                pipe(
                    client.try_clone().unwrap(),
                    server.try_clone().unwrap(),
                    up_limit,
                    c.clone(),
                    deep.clone(),
                );
                pipe(server, client, down_limit, c, deep);
            }
        });
        FaultProxy {
            port,
            faulty,
            cuts,
            deep_cuts,
        }
    }
}

fn rounds() -> usize {
    std::env::var("SYNC_FAULT_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500)
}

fn cut_connections_lose_nothing_and_duplicate_nothing(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let proxy = FaultProxy::start(hub.port(), 7);
    let dir = tempfile::tempdir().unwrap();
    let mut devices: Vec<Device> = ["PA", "PB", "PC"]
        .iter()
        .map(|code| Device::enrolled(dir.path(), &hub, code, rome(2026, 11, 16, 8, 0)))
        .collect();
    // From now on every device talks to the hub through the proxy (same TLS name).
    let via_proxy = format!("https://localhost:{}", proxy.port);
    for d in &mut devices {
        d.store
            .write(|tx| tx.set_local(rapportino_core::sync::keys::HUB_URL, &via_proxy))
            .unwrap();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut created: Vec<ClientId> = Vec::new();
    let mut failures = 0;
    for round in 0..rounds() {
        let d = rng.random_range(0..devices.len());
        let dev = &mut devices[d];
        dev.clock.advance(chrono::Duration::seconds(30));
        if rng.random_bool(0.6) || created.is_empty() {
            created.push(dev.client(&format!("Cliente {round}")).id);
        } else {
            let id = created[rng.random_range(0..created.len())];
            if let Ok(c) = clients::get(&dev.store, id) {
                let _ = clients::update(
                    &mut dev.store,
                    id,
                    &ClientInput {
                        name: c.name,
                        notes: Some(format!("giro {round}")),
                        ..Default::default()
                    },
                );
            }
        }
        if rapportino_sync_http::sync_now(&mut dev.store).is_err() {
            failures += 1;
        }
    }
    let cuts = proxy.cuts.load(Ordering::SeqCst);
    let deep = proxy.deep_cuts.load(Ordering::SeqCst);
    assert!(cuts >= 100, "the proxy cut only {cuts} connections");
    assert!(deep >= 30, "only {deep} cuts inside a request or an answer");
    assert!(failures > 0, "no sync ever failed: the faults did not bite");
    // The network heals.
    proxy.faulty.store(false, Ordering::SeqCst);
    for _ in 0..2 {
        for d in &mut devices {
            d.sync();
        }
    }
    let refs: Vec<&Device> = devices.iter().collect();
    assert_converged(&refs);
    for d in &devices {
        let ids: Vec<String> = {
            let mut stmt = d.store.conn().prepare("SELECT id FROM clients").unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "duplicated rows on {}", d.code);
        assert_eq!(
            ids.len(),
            created.len(),
            "rows lost or duplicated on {}",
            d.code
        );
        for id in &created {
            assert!(
                unique.contains(&id.to_string()),
                "client {id} lost on {}",
                d.code
            );
        }
        assert_eq!(
            rapportino_core::sync::status(&d.store)
                .unwrap()
                .pending_changes,
            0
        );
    }
    eprintln!(
        "fault proxy: {} rounds, {cuts} connections cut ({deep} inside a request or answer), \
         {failures} syncs failed, {} clients",
        rounds(),
        created.len()
    );
}

#[test]
fn cut_connections_on_a_sqlite_hub() {
    cut_connections_lose_nothing_and_duplicate_nothing(None);
}

#[test]
fn cut_connections_on_a_postgres_hub() {
    let Some(db) = common::PgDatabase::create() else {
        return;
    };
    cut_connections_lose_nothing_and_duplicate_nothing(Some(&db.url));
}

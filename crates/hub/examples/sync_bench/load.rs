//! Scenarios c and d: incremental syncs, and many devices syncing at once.

use super::*;

pub(super) fn incremental(
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
    rapportino_sync_http::sync_now(&mut ed).expect("editor catches up");
    rapportino_sync_http::sync_now(&mut rd).expect("reader catches up");
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
        let a = rapportino_sync_http::sync_now(&mut ed).expect("editor sync");
        let push = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let b = rapportino_sync_http::sync_now(&mut rd).expect("reader sync");
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

pub(super) fn concurrent(
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
                                        address: rapportino_core::address::Address {
                                            city: Some("Milano".into()),
                                            ..Default::default()
                                        },
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
                                    let mut input = ClientInput::from(&c);
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
                        match rapportino_sync_http::sync_now(store) {
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
            if let Err(e) = rapportino_sync_http::sync_now(s) {
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

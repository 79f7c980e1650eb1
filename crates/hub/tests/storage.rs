//! The storage interface on both engines: the same assertions on SQLite and PostgreSQL.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use rapportino_hub::auth;
use rapportino_hub::storage::{Seen, Storage, StoredOutcome};
use rapportino_hub::HubError;
use rapportino_model::merge::{FieldVersion, RowState};
use rapportino_model::protocol::{EnrolRequest, Op, Role, ServerChange};
use serde_json::{json, Map, Value};

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().cloned().expect("an object")
}

fn change(seq: i64, mutation_id: &str, entity_id: &str) -> ServerChange {
    ServerChange {
        server_seq: seq,
        mutation_id: mutation_id.to_string(),
        entity: "clients".into(),
        entity_id: entity_id.to_string(),
        op: Op::Update,
        fields: fields(json!({"name": format!("Client {seq}"), "n": seq})),
        hlc: seq << 16,
        device_id: "dev-a".into(),
        recorded_at: "2026-11-22T09:30:00Z".into(),
    }
}

fn row(name: &str, deleted: bool) -> RowState {
    let v = FieldVersion {
        hlc: 42 << 16,
        device: "dev-a".into(),
        seq: 7,
    };
    RowState {
        fields: fields(json!({"name": name, "vat": null, "hours": 1.5})),
        versions: BTreeMap::from([("name".to_string(), v.clone())]),
        deleted: deleted.then_some(v),
        origin_device: "dev-a".into(),
    }
}

/// Appends one change with the next sequence (as the engine does).
fn append(storage: &Storage, mutation_id: &str) -> i64 {
    storage
        .write(|tx| {
            let seq = tx.next_seq()?;
            tx.append_change(&change(seq, mutation_id, "c1"))?;
            Ok(seq)
        })
        .expect("append")
}

#[test]
fn rows_round_trip_and_page_by_id_in_byte_order() {
    for b in common::backends() {
        let s = &b.storage;
        assert_eq!(
            s.write(|tx| tx.load_row("clients", "a")).expect("load"),
            None
        );
        let ids = ["a", "B", "c", "d", "0190-x", "é"];
        s.write(|tx| {
            for id in ids {
                tx.save_row("clients", id, &row(&format!("Client {id}"), id == "c"))?;
            }
            tx.save_row("sites", "a", &row("Site", false))?;
            Ok(())
        })
        .expect("save rows");
        let loaded = s.write(|tx| tx.load_row("clients", "c")).expect("load");
        assert_eq!(loaded, Some(row("Client c", true)), "{}", b.kind);
        // Overwrite (upsert).
        s.write(|tx| tx.save_row("clients", "a", &row("Renamed", false)))
            .expect("update");
        let a = s.write(|tx| tx.load_row("clients", "a")).expect("load");
        assert_eq!(a.map(|r| r.fields["name"].clone()), Some(json!("Renamed")));

        // Live rows of one entity, by id in byte order, in pages; the tombstone is skipped.
        let mut seen = Vec::new();
        let mut after = String::new();
        loop {
            let page = s.read(|r| r.rows_page("clients", &after, 2)).expect("page");
            if page.is_empty() {
                break;
            }
            assert!(page.len() <= 2);
            after = page.last().map(|(id, _)| id.clone()).unwrap_or_default();
            seen.extend(page.into_iter().map(|(id, r)| {
                assert_eq!(r.deleted, None);
                id
            }));
        }
        assert_eq!(seen, ["0190-x", "B", "a", "d", "é"], "{}", b.kind);
    }
}

/// The bulk methods a push batch uses (multi-row statements: full chunks and a remainder) read
/// and write what the single-row ones do, on both engines.
#[test]
fn bulk_loads_saves_and_appends_match_the_single_row_ones() {
    for b in common::backends() {
        let s = &b.storage;
        let n: usize = 253; // two full chunks of 100 and a remainder
        let ids: Vec<String> = (0..n).map(|i| format!("bulk-{i:03}")).collect();
        let rows: Vec<RowState> = (0..n)
            .map(|i| row(&format!("Client {i}"), i % 50 == 7))
            .collect();
        // Half of them exist before, under other values: the bulk save overwrites them.
        s.write(|tx| {
            for id in ids.iter().step_by(2) {
                tx.save_row("clients", id, &row("Before", false))?;
            }
            Ok(())
        })
        .expect("before");
        let keys: Vec<(String, String)> = ids
            .iter()
            .map(|id| ("clients".to_owned(), id.clone()))
            .chain([("clients".to_owned(), "nobody".to_owned())])
            .collect();
        let loaded = s.write(|tx| tx.load_rows(&keys)).expect("load rows");
        assert_eq!(loaded.len(), n.div_ceil(2), "{}", b.kind);
        assert!(loaded.iter().all(|((e, id), r)| e == "clients"
            && id.starts_with("bulk-")
            && *r == row("Before", false)));
        let first = s.write(|tx| tx.next_seq()).expect("seq");
        s.write(|tx| {
            let batch: Vec<(&str, &str, &RowState)> = ids
                .iter()
                .zip(&rows)
                .map(|(id, r)| ("clients", id.as_str(), r))
                .collect();
            tx.save_rows(&batch)?;
            let changes: Vec<ServerChange> = (0..n as i64)
                .map(|i| change(first + i, &format!("bulk-m-{i}"), &ids[i as usize]))
                .collect();
            tx.append_changes(&changes)?;
            // The sequence goes on after the bulk append, in the same transaction.
            assert_eq!(tx.next_seq()?, first + n as i64);
            Ok(())
        })
        .expect("bulk write");
        for (id, r) in ids.iter().zip(&rows) {
            let one = s.write(|tx| tx.load_row("clients", id)).expect("load");
            assert_eq!(one.as_ref(), Some(r), "{} {id}", b.kind);
        }
        let loaded = s.write(|tx| tx.load_rows(&keys)).expect("load rows");
        assert_eq!(loaded.len(), n, "{}", b.kind);
        for ((_, id), r) in &loaded {
            let i: usize = id.trim_start_matches("bulk-").parse().expect("index");
            assert_eq!(r, &rows[i], "{} {id}", b.kind);
        }
        let changes = s
            .read(|r| r.changes_after(first - 1, 1000))
            .expect("changes");
        assert_eq!(changes.len(), n, "{}", b.kind);
        for (i, c) in changes.iter().enumerate() {
            assert_eq!(
                c,
                &change(first + i as i64, &format!("bulk-m-{i}"), &ids[i])
            );
        }
    }
}

#[test]
fn seen_answers_for_a_whole_batch() {
    for b in common::backends() {
        let s = &b.storage;
        let first = append(s, "m-1");
        let second = append(s, "m-2");
        assert_eq!((first, second), (1, 2), "{}", b.kind);
        let refused = StoredOutcome {
            mutation_id: "m-3".into(),
            device_id: "dev-b".into(),
            outcome: "rejected".into(),
            code: Some("REPORT_SIGNED".into()),
        };
        s.write(|tx| tx.save_outcome(&refused)).expect("outcome");

        let mut ids: Vec<String> = (0..2000).map(|i| format!("unknown-{i}")).collect();
        ids.extend(["m-1", "m-2", "m-3", "m-4"].map(String::from));
        let mut answer = s.write(|tx| tx.seen(&ids)).expect("seen");
        answer.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            answer,
            vec![
                ("m-1".to_string(), Seen::Applied { server_seq: 1 }),
                ("m-2".to_string(), Seen::Applied { server_seq: 2 }),
                ("m-3".to_string(), Seen::NoChange(refused.clone())),
            ],
            "{}",
            b.kind
        );
        assert!(s.write(|tx| tx.seen(&[])).expect("seen").is_empty());
    }
}

#[test]
fn a_failed_write_leaves_nothing_and_reuses_no_sequence() {
    for b in common::backends() {
        let s = &b.storage;
        append(s, "kept");
        let failed: Result<(), HubError> = s.write(|tx| {
            let seq = tx.next_seq()?;
            tx.append_change(&change(seq, "lost", "c1"))?;
            tx.save_row("clients", "c1", &row("lost", false))?;
            Err(HubError::Internal("engine gave up".into()))
        });
        assert!(failed.is_err());
        // A constraint violation inside the transaction rolls back too.
        let duplicate = s.write(|tx| {
            let seq = tx.next_seq()?;
            tx.append_change(&change(seq, "kept", "c1"))
        });
        assert!(matches!(duplicate, Err(HubError::Storage(_))), "{}", b.kind);
        assert_eq!(
            s.write(|tx| tx.load_row("clients", "c1")).expect("load"),
            None
        );
        assert_eq!(s.read(|r| r.max_seq()).expect("max"), 1);
        assert_eq!(append(s, "next"), 2, "{}", b.kind);
        let ids = ["lost".to_string()];
        assert!(s.write(|tx| tx.seen(&ids)).expect("seen").is_empty());
    }
}

#[test]
fn changes_page_in_order_after_a_cursor() {
    for b in common::backends() {
        let s = &b.storage;
        assert_eq!(s.read(|r| r.max_seq()).expect("max"), 0);
        assert!(s
            .read(|r| r.changes_after(0, 10))
            .expect("empty")
            .is_empty());
        s.write(|tx| {
            for i in 0..25 {
                let seq = tx.next_seq()?;
                tx.append_change(&change(seq, &format!("m-{i}"), &format!("c{i}")))?;
            }
            Ok(())
        })
        .expect("append 25");
        let mut cursor = 0;
        let mut pages = Vec::new();
        loop {
            let page = s.read(|r| r.changes_after(cursor, 10)).expect("page");
            if page.is_empty() {
                break;
            }
            pages.push(page.len());
            for c in &page {
                assert_eq!(c.server_seq, cursor + 1, "{}", b.kind);
                assert_eq!(*c, change(c.server_seq, &c.mutation_id, &c.entity_id));
                cursor = c.server_seq;
            }
        }
        assert_eq!(pages, [10, 10, 5], "{}", b.kind);
        assert_eq!(s.read(|r| r.max_seq()).expect("max"), 25);
    }
}

/// Eight writers at once: every sequence from 1 to N exactly once, and a reader running
/// alongside only ever sees a gapless prefix (sequences become visible in commit order).
#[test]
fn concurrent_writers_get_gapless_sequences_in_commit_order() {
    const WRITERS: usize = 8;
    const EACH: usize = 40;
    for b in common::backends() {
        let s = b.storage.clone();
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let s = s.clone();
            let done = done.clone();
            std::thread::spawn(move || {
                let mut checks = 0;
                while !done.load(std::sync::atomic::Ordering::SeqCst) || checks == 0 {
                    let (max, all) = s
                        .read(|r| Ok((r.max_seq()?, r.changes_after(0, 100_000)?)))
                        .expect("read");
                    let seqs: Vec<i64> = all.iter().map(|c| c.server_seq).collect();
                    assert_eq!(seqs, (1..=max).collect::<Vec<_>>(), "gap seen by a reader");
                    checks += 1;
                }
                checks
            })
        };
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let s = s.clone();
                std::thread::spawn(move || {
                    for i in 0..EACH {
                        s.write(|tx| {
                            let seq = tx.next_seq()?;
                            tx.append_change(&change(seq, &format!("w{w}-{i}"), "c1"))?;
                            std::thread::yield_now();
                            tx.save_row("clients", &format!("w{w}"), &row("x", false))
                        })
                        .expect("write");
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().expect("writer");
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        let checks = reader.join().expect("reader");
        assert!(checks > 0);
        let all = s.read(|r| r.changes_after(0, 100_000)).expect("all");
        let total = (WRITERS * EACH) as i64;
        assert_eq!(
            all.iter().map(|c| c.server_seq).collect::<Vec<_>>(),
            (1..=total).collect::<Vec<_>>(),
            "{}",
            b.kind
        );
    }
}

fn enrol_req(code: &str, device_id: &str, device_code: &str) -> EnrolRequest {
    EnrolRequest {
        code: code.to_string(),
        device_id: device_id.to_string(),
        device_code: device_code.to_string(),
        name: "Laptop".into(),
        technician_id: None,
        technician_code: None,
    }
}

#[test]
fn enrolment_codes_are_single_use_and_expire() {
    for b in common::backends() {
        let s = &b.storage;
        let now = chrono::Utc::now();
        let code = auth::create_code(s, Role::Technician, None, now).expect("code");
        // Typed loosely: lower case, spaces instead of dashes.
        let typed = code.code.to_lowercase().replace('-', " ");
        let first = auth::enrol(s, &enrol_req(&typed, "dev-1", "MR"), now).expect("enrol");
        assert_eq!(first.role, Role::Technician);
        assert_eq!(first.hub_id, s.hub_id());
        assert!(first.token.starts_with("dev-1."));
        let again = auth::enrol(s, &enrol_req(&code.code, "dev-2", "AB"), now);
        assert!(
            matches!(again, Err(HubError::EnrolmentCodeInvalid)),
            "{}",
            b.kind
        );

        let short = auth::create_code(s, Role::Admin, Some(1), now).expect("code");
        let later = now + chrono::Duration::minutes(2);
        let expired = auth::enrol(s, &enrol_req(&short.code, "dev-3", "CD"), later);
        assert!(matches!(expired, Err(HubError::EnrolmentCodeInvalid)));
        let unknown = auth::enrol(s, &enrol_req("AAAA-BBBB-CCCC-DDDD", "dev-3", "CD"), now);
        assert!(matches!(unknown, Err(HubError::EnrolmentCodeInvalid)));

        // Identity and device code are the hub's to keep unique; a refusal keeps the code.
        let fresh = auth::create_code(s, Role::Admin, None, now).expect("code");
        let same_id = auth::enrol(s, &enrol_req(&fresh.code, "dev-1", "ZZ"), now);
        assert!(matches!(same_id, Err(HubError::DeviceAlreadyEnrolled(_))));
        let same_code = auth::enrol(s, &enrol_req(&fresh.code, "dev-4", "MR"), now);
        assert!(matches!(same_code, Err(HubError::DeviceCodeTaken(_))));
        let bad_input = auth::enrol(s, &enrol_req(&fresh.code, "dev.4", "EF"), now);
        assert!(matches!(bad_input, Err(HubError::MalformedBody(_))));
        let admin = auth::enrol(s, &enrol_req(&fresh.code, "dev-4", "EF"), now).expect("enrol");
        assert_eq!(admin.role, Role::Admin);
        let devices = s.registry().devices().expect("devices");
        assert_eq!(
            devices
                .iter()
                .map(|d| d.device_id.as_str())
                .collect::<Vec<_>>(),
            ["dev-1", "dev-4"]
        );
    }
}

#[test]
fn tokens_authenticate_until_revoked() {
    for b in common::backends() {
        let s = &b.storage;
        let now = chrono::Utc::now();
        let code = auth::create_code(s, Role::Admin, None, now).expect("code");
        let e = auth::enrol(s, &enrol_req(&code.code, "dev-1", "MR"), now).expect("enrol");
        let bearer = format!("Bearer {}", e.token);
        let device = auth::authenticate(s, Some(&bearer)).expect("authenticated");
        assert_eq!(device.device_id, "dev-1");
        assert_eq!(device.device_code, "MR");
        assert_eq!(device.role, Role::Admin);

        let mut wrong = e.token.clone();
        wrong.pop();
        wrong.push('x');
        for header in [
            None,
            Some("Basic abc".to_string()),
            Some("Bearer nodot".to_string()),
            Some(format!("Bearer {wrong}")),
            Some("Bearer ghost.abcdef".to_string()),
        ] {
            let r = auth::authenticate(s, header.as_deref());
            assert!(matches!(r, Err(HubError::Unauthenticated(_))), "{header:?}");
        }

        s.registry()
            .touch("dev-1", "2026-11-22T10:00:00Z")
            .expect("touch");
        let revoked = s
            .registry()
            .revoke("dev-1", "2026-11-22T11:00:00Z")
            .expect("revoke")
            .expect("known device");
        assert_eq!(revoked.revoked_at.as_deref(), Some("2026-11-22T11:00:00Z"));
        assert_eq!(
            revoked.last_seen_at.as_deref(),
            Some("2026-11-22T10:00:00Z")
        );
        let twice = s
            .registry()
            .revoke("dev-1", "2026-11-23T00:00:00Z")
            .expect("revoke");
        assert_eq!(
            twice.and_then(|d| d.revoked_at).as_deref(),
            Some("2026-11-22T11:00:00Z")
        );
        assert!(matches!(
            auth::authenticate(s, Some(&bearer)),
            Err(HubError::DeviceRevoked)
        ));
        assert!(s
            .registry()
            .revoke("ghost", "2026-11-23T00:00:00Z")
            .expect("ok")
            .is_none());
        // A revoked device comes back only with a new code from the admin, and gets a new
        // token: the old one stays dead.
        let code = auth::create_code(s, Role::Technician, None, now).expect("code");
        let back = auth::enrol(s, &enrol_req(&code.code, "dev-1", "XY"), now).expect("re-enrol");
        assert!(matches!(
            auth::authenticate(s, Some(&bearer)),
            Err(HubError::DeviceRevoked) | Err(HubError::Unauthenticated(_))
        ));
        let fresh = format!("Bearer {}", back.token);
        assert!(auth::authenticate(s, Some(&fresh)).is_ok(), "{}", b.kind);
        // An active device cannot be taken over by a code.
        let code = auth::create_code(s, Role::Admin, None, now).expect("code");
        let again = auth::enrol(s, &enrol_req(&code.code, "dev-1", "XY"), now);
        assert!(
            matches!(again, Err(HubError::DeviceAlreadyEnrolled(_))),
            "{}",
            b.kind
        );
    }
}

#[test]
fn refusals_and_clock_skew_are_recorded_and_backed_up() {
    for b in common::backends() {
        let s = &b.storage;
        let now = chrono::Utc::now();
        let code = auth::create_code(s, Role::Technician, None, now).expect("code");
        auth::enrol(s, &enrol_req(&code.code, "dev-1", "MR"), now).expect("enrol");
        append(s, "m-1");
        s.write(|tx| {
            tx.save_row("clients", "c1", &row("Kept", false))?;
            tx.log_refusal("dev-1", "m-2", "REPORT_SIGNED", "edit of signed report r1")?;
            tx.flag_clock_skew("dev-1", 3_600_000)
        })
        .expect("write");
        // The reserved area's tables (links, sessions, access log) are the hub's too.
        s.plain(|tx| {
            tx.exec(
                "INSERT INTO portal_links (token_hash, contact_id, client_id, created_at, expires_at) \
                 VALUES ('h-link', 'co-1', 'cl-1', 10, 20)",
                &[],
            )?;
            tx.exec(
                "INSERT INTO portal_sessions (id_hash, contact_id, client_id, created_at, last_seen_at, expires_at) \
                 VALUES ('h-session', 'co-1', 'cl-1', 10, 11, 30)",
                &[],
            )?;
            tx.exec(
                "INSERT INTO portal_access_log (at, contact_id, client_id, ip, action) \
                 VALUES (12, 'co-1', 'cl-1', '127.0.0.1', 'sign_in')",
                &[],
            )
        })
        .expect("portal rows");
        let devices = s.registry().devices().expect("devices");
        assert!(devices[0].clock_skew_flagged_at.is_some(), "{}", b.kind);

        let dir = tempfile::tempdir().expect("dir");
        let out = dir.path().join("copy.db");
        let summary = s.backup_to(&out).expect("backup");
        assert_eq!(summary.hub_id, s.hub_id());
        assert_eq!((summary.max_seq, summary.rows, summary.devices), (1, 1, 1));
        assert!(
            s.backup_to(&out).is_err(),
            "an existing file is never overwritten"
        );
        let copy = rusqlite::Connection::open(&out).expect("open copy");
        let refusal: (String, String) = copy
            .query_row("SELECT code, detail FROM hub_refusals", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("refusal copied");
        assert_eq!(refusal.0, "REPORT_SIGNED");
        let portal: (String, String, String) = copy
            .query_row(
                "SELECT l.token_hash, s.id_hash, a.action FROM portal_links l, portal_sessions s, \
                 portal_access_log a",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("the reserved area's rows copied");
        assert_eq!(
            portal,
            ("h-link".into(), "h-session".into(), "sign_in".into()),
            "{}",
            b.kind
        );
        drop(copy);
        // The copy is a hub of its own: it opens and serves the same data.
        let reopened = Storage::open(&format!("sqlite:{}", out.display())).expect("open");
        assert_eq!(reopened.hub_id(), s.hub_id());
        assert_eq!(
            reopened.read(|r| r.changes_after(0, 10)).expect("changes"),
            s.read(|r| r.changes_after(0, 10)).expect("changes")
        );
    }
}

#[test]
fn storage_urls() {
    use rapportino_hub::storage::StorageUrl;
    assert_eq!(
        StorageUrl::parse("sqlite:/var/lib/hub.db").expect("ok"),
        StorageUrl::Sqlite("/var/lib/hub.db".into())
    );
    assert_eq!(
        StorageUrl::parse("sqlite:///var/lib/hub.db").expect("ok"),
        StorageUrl::Sqlite("/var/lib/hub.db".into())
    );
    assert_eq!(
        StorageUrl::parse("hub.db").expect("ok"),
        StorageUrl::Sqlite("hub.db".into())
    );
    assert!(matches!(
        StorageUrl::parse("postgresql://u@h/db").expect("ok"),
        StorageUrl::Postgres(_)
    ));
    assert!(StorageUrl::parse("mysql://x").is_err());
    assert!(StorageUrl::parse("").is_err());
}

#[test]
fn reopening_keeps_the_hub_id() {
    for b in common::backends() {
        let again = Storage::open(&b.url).expect("reopen");
        assert_eq!(again.hub_id(), b.storage.hub_id(), "{}", b.kind);
        assert_eq!(again.kind(), b.kind);
    }
}

/// The throwaway PostgreSQL server answers (and this machine really runs the PostgreSQL half).
#[test]
fn throwaway_postgres_answers() {
    let Some(db) = common::PgDatabase::create() else {
        return; // skipped loudly by the helper (fails on CI)
    };
    let mut client = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    let row = client
        .query_one("SELECT current_database(), version()", &[])
        .expect("query");
    let name: String = row.get(0);
    let version: String = row.get(1);
    assert_eq!(name, db.name);
    eprintln!("throwaway server: {version}");
    assert!(version.starts_with("PostgreSQL"));
}

/// The storage half of the ingest path (load, save, sequence, append per mutation, one `seen`
/// per batch) beside raw batched inserts of the same rows into the same file. Informative:
/// `cargo test --release -p rapportino-hub --test storage ingest -- --ignored --nocapture`.
#[test]
#[ignore]
fn ingest_rate_beside_raw_inserts() {
    const BATCHES: usize = 20;
    const BATCH: usize = 1000;
    for b in common::backends() {
        let s = &b.storage;
        let started = std::time::Instant::now();
        for n in 0..BATCHES {
            let ids: Vec<String> = (0..BATCH).map(|i| format!("m-{n}-{i}")).collect();
            s.write(|tx| {
                assert!(tx.seen(&ids)?.is_empty());
                for (i, id) in ids.iter().enumerate() {
                    let entity_id = format!("c-{n}-{i}");
                    let mut state = tx.load_row("clients", &entity_id)?.unwrap_or_default();
                    state.fields = fields(json!({"name": "Rossi Impianti", "city": "Milano"}));
                    tx.save_row("clients", &entity_id, &state)?;
                    let seq = tx.next_seq()?;
                    tx.append_change(&change(seq, id, &entity_id))?;
                }
                Ok(())
            })
            .expect("ingest");
        }
        let hub_rate = (BATCHES * BATCH) as f64 / started.elapsed().as_secs_f64();
        let raw_rate = if b.kind == "sqlite" {
            let path = b
                .url
                .trim_start_matches("sqlite:")
                .replace("hub.db", "raw.db");
            let mut conn = rusqlite::Connection::open(path).expect("raw db");
            conn.pragma_update(None, "journal_mode", "WAL")
                .expect("wal");
            conn.pragma_update(None, "synchronous", "FULL")
                .expect("sync");
            conn.execute(
                "CREATE TABLE raw (id TEXT PRIMARY KEY, entity TEXT, fields TEXT, hlc INTEGER)",
                [],
            )
            .expect("table");
            let started = std::time::Instant::now();
            for n in 0..BATCHES {
                let tx = conn.transaction().expect("tx");
                {
                    let mut st = tx
                        .prepare("INSERT INTO raw VALUES (?1, 'clients', ?2, ?3)")
                        .expect("prepare");
                    for i in 0..BATCH {
                        let f = r#"{"name":"Rossi Impianti","city":"Milano"}"#;
                        st.execute(rusqlite::params![format!("c-{n}-{i}"), f, i as i64])
                            .expect("insert");
                    }
                }
                tx.commit().expect("commit");
            }
            (BATCHES * BATCH) as f64 / started.elapsed().as_secs_f64()
        } else {
            f64::NAN
        };
        eprintln!(
            "{}: hub storage ingest {hub_rate:.0}/s, raw batched inserts {raw_rate:.0}/s",
            b.kind
        );
    }
}

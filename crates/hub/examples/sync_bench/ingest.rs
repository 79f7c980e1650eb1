//! Scenario a: a demo database pushes its whole change log; raw batched inserts beside it.

use super::*;

// ---------------------------------------------------------------------------------------------
// Ingest

pub(super) fn ingest(
    hub_url: &str,
    certs: &Path,
    demo: &Path,
    raw: Option<PathBuf>,
    no_raw: bool,
) -> Value {
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
    let enrolled = sync::credential::token(&store).unwrap().is_some();
    if enrolled {
        // A run cut short goes on: the outbox holds what the hub has not acknowledged.
        hub.repoint(&store);
    } else {
        hub.enrol_as(&mut store, "Demo", Role::Office);
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

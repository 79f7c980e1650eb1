//! CSV import throughput (issue 20; ignored, run by hand in release):
//! `cargo test --release -p rapportino-core --test bench_import -- --ignored --nocapture`
//! (`RAPPORTINO_BENCH_ROWS`, default 50,000; `RAPPORTINO_BENCH_RUNS`, default 5).
//!
//! The same clients-with-a-contact rows, in one run: through `import::run` (decoding, mapping,
//! validation, matching, the write path with its change log, one transaction) and as a raw
//! batched insert (one transaction, two prepared INSERTs per row, no checks, no change log),
//! each into a fresh database file. Prints rows per second, median and p95 of the runs, and the
//! ratio.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::time::Instant;

use rapportino_core::import::{self, ImportEntity, ImportOptions};
use rapportino_core::validate::vat_check_digit;
use rapportino_core::Store;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A valid Partita IVA for `n`.
fn vat(n: usize) -> String {
    let first = format!("{:010}", 10_000_000 + n);
    let digits: [u8; 10] = std::array::from_fn(|i| first.as_bytes()[i] - b'0');
    format!("{first}{}", vat_check_digit(&digits))
}

fn csv(rows: usize) -> Vec<u8> {
    let mut s = String::from(
        "Codice cliente;Cliente;P.IVA;Indirizzo;CAP;Città;Provincia;Telefono;Email;Referente;Email referente\n",
    );
    for n in 0..rows {
        writeln!(
            s,
            "C{n};\"Cliente {n}; S.r.l.\";{};Via Roma {n};20121;Milano;MI;02 {n:07};info{n}@example.it;Referente {n};ref{n}@example.it",
            vat(n)
        )
        .unwrap();
    }
    s.into_bytes()
}

fn summary(name: &str, mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let p = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    // Rows per second: the p95 is the slow end (the 5th percentile of the rate).
    println!(
        "{name:28} median {:>9.0} rows/s   p95 {:>9.0} rows/s   (n={})",
        p(0.5),
        p(0.05),
        v.len()
    );
    p(0.5)
}

fn fresh(dir: &std::path::Path, name: &str) -> Store {
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    Store::open(&path).unwrap()
}

// The yardstick writes around the write path on purpose.
#[allow(clippy::disallowed_methods)]
fn raw_insert(store: &mut Store, rows: usize) {
    // The same rows, straight into the tables (store.conn() is read access for the app's code;
    // this is the yardstick, not a write path).
    let conn = store.conn();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    {
        let mut client = conn
            .prepare(
                "INSERT INTO clients (id, name, vat_number, street, postcode, city, province, phone,
                                      email, external_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, '20121', 'Milano', 'MI', ?5, ?6, ?7, ?8, ?8)",
            )
            .unwrap();
        let mut contact = conn
            .prepare(
                "INSERT INTO contacts (id, client_id, name, email, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )
            .unwrap();
        for n in 0..rows {
            let id = rapportino_core::ids::ClientId::new().to_string();
            client
                .execute(rusqlite::params![
                    id,
                    format!("Cliente {n}; S.r.l."),
                    vat(n),
                    format!("Via Roma {n}"),
                    format!("02 {n:07}"),
                    format!("info{n}@example.it"),
                    format!("C{n}"),
                    "2026-12-07T20:00:00Z"
                ])
                .unwrap();
            contact
                .execute(rusqlite::params![
                    rapportino_core::ids::ContactId::new().to_string(),
                    id,
                    format!("Referente {n}"),
                    format!("ref{n}@example.it"),
                    "2026-12-07T20:00:00Z"
                ])
                .unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
}

#[test]
#[ignore]
fn import_throughput_beside_a_raw_insert() {
    let rows = env_or("RAPPORTINO_BENCH_ROWS", 50_000);
    let runs = env_or("RAPPORTINO_BENCH_RUNS", 5);
    let bytes = csv(rows);
    let dir = tempfile::tempdir().unwrap();
    let (mut imported, mut raw) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let mut s = fresh(dir.path(), "import.db");
        let info = import::inspect(&s, &bytes, ImportEntity::Clients, None).unwrap();
        let options = ImportOptions {
            entity: ImportEntity::Clients,
            mapping: info.mapping,
            separator: None,
            dry_run: false,
        };
        let t = Instant::now();
        let r = import::run(&mut s, &bytes, &options).unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(
            r.committed && r.created as usize == rows,
            "{:?}",
            r.errors.first()
        );
        imported.push(rows as f64 / secs);
        drop(s);

        let mut s = fresh(dir.path(), "raw.db");
        let t = Instant::now();
        raw_insert(&mut s, rows);
        raw.push(rows as f64 / t.elapsed().as_secs_f64());
    }
    println!("{rows} clients with a contact each, {runs} runs");
    let a = summary("import::run (write path)", imported);
    let b = summary("raw batched insert", raw);
    println!("import ÷ raw (medians): {:.2}", a / b);
}

//! `rapportino-cli bench`: full-text search against a `LIKE '%…%'` scan of the same columns, and
//! opening a client, on whatever database `--db` names. Figures go to docs/BENCHMARKS.md.

use clap::Args;
use rapportino_core::clients;
use rapportino_core::ids::ClientId;
use rapportino_core::search::{self, SearchRequest};
use rapportino_core::{PageRequest, Result, Store};
use serde::Serialize;
use std::time::Instant;

use crate::output::Out;

#[derive(Args)]
pub struct BenchArgs {
    /// How many times each query runs (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    rounds: u32,
    /// How many clients to open.
    #[arg(long, default_value_t = 200)]
    clients: u32,
}

#[derive(Serialize)]
struct Stats {
    runs: usize,
    p50_ms: f64,
    p95_ms: f64,
}

#[derive(Serialize)]
struct BenchReport {
    interventions: i64,
    clients: i64,
    queries: Vec<String>,
    /// Median of each query, in the order of `queries`: (FTS ms, LIKE scan ms).
    per_query_p50_ms: Vec<(f64, f64)>,
    fts_search: Stats,
    /// Every match collected by LIKE '%word%' scans (what sorting or counting needs).
    like_scan: Stats,
    /// LIKE stopping at the first 20 matches, unsorted (the most favourable case for the scan).
    like_first_20: Stats,
    like_over_fts_p50: f64,
    like_over_fts_p95: f64,
    open_client: Stats,
}

fn stats(mut ms: Vec<f64>) -> Stats {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| {
        ms.get(((ms.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Stats {
        runs: ms.len(),
        p50_ms: at(0.5),
        p95_ms: at(0.95),
    }
}

fn time_ms(f: impl FnOnce() -> Result<()>) -> Result<f64> {
    let t = Instant::now();
    f()?;
    Ok(t.elapsed().as_secs_f64() * 1000.0)
}

/// What people type: surnames, towns, a P.IVA, ticket numbers, words of the trade, prefixes.
fn queries(store: &Store) -> Result<Vec<String>> {
    let conn = store.conn();
    let mut q: Vec<String> = [
        "alimentatore",
        "firewall",
        "toner",
        "stampante rete",
        "vpn portatile",
        "backup nas",
        "ross",
        "ransomware",
        "pec",
        "provider linea",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let sample = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    };
    let n_clients: i64 = conn.query_row("SELECT count(*) FROM clients", [], |r| r.get(0))?;
    let n_tickets: i64 = conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))?;
    for k in 1..=5 {
        let rid = n_clients * k / 6 + 1;
        q.extend(sample(&format!(
            "SELECT vat_number FROM clients WHERE rid = {rid} AND vat_number IS NOT NULL"
        ))?);
        q.extend(sample(&format!("SELECT city || ' ' || substr(name, 1, instr(name || ' ', ' ') - 1) FROM clients WHERE rid = {rid}"))?);
        let trid = n_tickets * k / 6 + 1;
        q.extend(sample(&format!(
            "SELECT number FROM tickets WHERE rid = {trid}"
        ))?);
    }
    Ok(q)
}

pub fn run(store: &mut Store, out: Out, a: BenchArgs) -> Result<()> {
    let conn = store.conn();
    let interventions: i64 =
        conn.query_row("SELECT count(*) FROM interventions", [], |r| r.get(0))?;
    let n_clients: i64 = conn.query_row("SELECT count(*) FROM clients", [], |r| r.get(0))?;
    let queries = queries(store)?;
    let page = PageRequest::new(20, 0);
    let (mut fts, mut like, mut like20) = (Vec::new(), Vec::new(), Vec::new());
    let mut per_query = Vec::new();
    for q in &queries {
        let request = SearchRequest {
            query: q.clone(),
            kinds: None,
        };
        // Warm-up, then measured rounds, FTS and scan interleaved so both see the same cache state.
        search::search(store, &request, &page)?;
        search::search_by_like_scan(store, q, None)?;
        let first = fts.len();
        for _ in 0..a.rounds {
            fts.push(time_ms(|| {
                search::search(store, &request, &page).map(|_| ())
            })?);
            like.push(time_ms(|| {
                search::search_by_like_scan(store, q, None).map(|_| ())
            })?);
            like20.push(time_ms(|| {
                search::search_by_like_scan(store, q, Some(20)).map(|_| ())
            })?);
        }
        let median = |v: &[f64]| stats(v[first..].to_vec()).p50_ms;
        per_query.push((median(&fts), median(&like)));
    }
    let ids: Vec<ClientId> = {
        let step = (n_clients / i64::from(a.clients.max(1))).max(1);
        let mut stmt = store
            .conn()
            .prepare("SELECT id FROM clients WHERE rid % ?1 = 0 LIMIT ?2")?;
        let rows = stmt.query_map(rusqlite_params(step, i64::from(a.clients)), |r| r.get(0))?;
        rows.collect::<std::result::Result<Vec<_>, _>>()?
    };
    let mut open = Vec::new();
    for id in ids {
        open.push(time_ms(|| clients::overview(store, id).map(|_| ()))?);
    }
    let (fts, like, like_first_20) = (stats(fts), stats(like), stats(like20));
    let report = BenchReport {
        interventions,
        clients: n_clients,
        queries,
        per_query_p50_ms: per_query,
        like_over_fts_p50: like.p50_ms / fts.p50_ms.max(1e-9),
        like_over_fts_p95: like.p95_ms / fts.p95_ms.max(1e-9),
        fts_search: fts,
        like_scan: like,
        like_first_20,
        open_client: stats(open),
    };
    out.emit(&report, |r| {
        format!(
            "{} interventi, {} clienti, {} ricerche × {} giri\n\
             ricerca FTS5     p50 {:8.3} ms  p95 {:8.3} ms\n\
             scansione LIKE   p50 {:8.3} ms  p95 {:8.3} ms\n\
             LIKE primi 20    p50 {:8.3} ms  p95 {:8.3} ms\n\
             LIKE/FTS         p50 {:8.1}×    p95 {:8.1}×\n\
             apertura cliente p50 {:8.3} ms  p95 {:8.3} ms  ({} clienti)",
            r.interventions,
            r.clients,
            r.queries.len(),
            a.rounds,
            r.fts_search.p50_ms,
            r.fts_search.p95_ms,
            r.like_scan.p50_ms,
            r.like_scan.p95_ms,
            r.like_first_20.p50_ms,
            r.like_first_20.p95_ms,
            r.like_over_fts_p50,
            r.like_over_fts_p95,
            r.open_client.p50_ms,
            r.open_client.p95_ms,
            r.open_client.runs
        )
    });
    Ok(())
}

fn rusqlite_params(a: i64, b: i64) -> [i64; 2] {
    [a, b]
}

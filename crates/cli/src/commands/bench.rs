//! `rapportino-cli bench`: full-text search against a `LIKE '%…%'` scan of the same columns, and
//! opening a client, on whatever database `--db` names; `bench service-models`: SLA recomputation,
//! client balances and monthly statements. Figures go to docs/BENCHMARKS.md.

use chrono::{Datelike, Duration, NaiveDate};
use clap::{Args, Subcommand};
use rapportino_core::contracts::{self, Contract, ContractKind};
use rapportino_core::ids::ClientId;
use rapportino_core::ledger;
use rapportino_core::ledger::BalanceStatus;
use rapportino_core::search::{self, SearchRequest};
use rapportino_core::tickets::TicketFilter;
use rapportino_core::time::{format_instant, local_date, parse_instant, start_of_day, ManualClock};
use rapportino_core::views;
use rapportino_core::views::statements;
use rapportino_core::{PageRequest, Result, Store};
use serde::Serialize;
use std::time::Instant;

use crate::output::Out;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    command: Option<BenchCommand>,
    #[command(flatten)]
    search: SearchBenchArgs,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// SLA of every open ticket, one client's balances, a month's statements (issue 3).
    ServiceModels(ServiceModelsArgs),
    /// One report rendered to PDF in process, many times (issue 4; see scripts/bench-pdf.sh).
    Pdf(super::bench_pdf::PdfBenchArgs),
    /// The month's billable lines of every client beside its statements data (issue 17).
    Billing(super::bench_billing::BillingBenchArgs),
}

/// Without a subcommand: search against a LIKE scan, and opening clients.
#[derive(Args)]
struct SearchBenchArgs {
    /// How many times each query runs (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    rounds: u32,
    /// How many clients to open.
    #[arg(long, default_value_t = 200)]
    clients: u32,
}

#[derive(Args)]
struct ServiceModelsArgs {
    /// Rounds of the SLA recomputation (after one warm-up run); the median is reported.
    #[arg(long, default_value_t = 5)]
    rounds: u32,
    /// How many clients' balances to compute (spread over the database).
    #[arg(long, default_value_t = 200)]
    clients: u32,
    /// The statements' month, YYYY-MM (default: the last complete month of the history).
    #[arg(long)]
    month: Option<String>,
    /// Clients in the smaller statement run.
    #[arg(long, default_value_t = 500)]
    statement_clients: usize,
    /// Rounds of each statement run (after one warm-up run); the median is reported.
    #[arg(long, default_value_t = 3)]
    statement_rounds: u32,
    /// "Now" for the SLA clocks, RFC 3339 (default: midnight after the last ticket's day, so the
    /// figures do not drift as the demo ages).
    #[arg(long)]
    now: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Stats {
    pub runs: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
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

pub(super) fn stats(mut ms: Vec<f64>) -> Stats {
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
    match a.command {
        Some(BenchCommand::ServiceModels(s)) => service_models(store, out, s),
        Some(BenchCommand::Pdf(p)) => super::bench_pdf::run(store, out, p),
        Some(BenchCommand::Billing(b)) => super::bench_billing::run(store, out, b),
        None => search_bench(store, out, a.search),
    }
}

fn search_bench(store: &mut Store, out: Out, a: SearchBenchArgs) -> Result<()> {
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
        open.push(time_ms(|| views::client_overview(store, id).map(|_| ()))?);
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

// ---- bench service-models ----

#[derive(Serialize)]
struct SlaBench {
    now: String,
    open_tickets: usize,
    /// Open tickets governed by an SLA contract (with at least one clock).
    with_clocks: usize,
    rounds: usize,
    median_ms: f64,
    min_ms: f64,
    per_ticket_us: f64,
}

#[derive(Serialize)]
struct Distribution {
    count: usize,
    p50: f64,
    p95: f64,
    max: f64,
}

fn distribution(mut v: Vec<f64>) -> Distribution {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| {
        v.get(((v.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Distribution {
        count: v.len(),
        p50: at(0.5),
        p95: at(0.95),
        max: v.last().copied().unwrap_or(0.0),
    }
}

#[derive(Serialize)]
struct BalancesBench {
    as_of: String,
    clients: usize,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
    /// Days between the replay's first day (as `ledger/facts.rs::replay_start` computes it) and
    /// `as_of`, for the measured clients.
    replay_days: Distribution,
    /// Interventions the replay reads, for the measured clients.
    replay_interventions: Distribution,
    /// What the balances say, summed over the measured clients (a sanity check of the data).
    summary: BalanceSummary,
}

#[derive(Serialize, Default)]
struct BalanceSummary {
    /// Balances shown, per kind.
    balances: std::collections::BTreeMap<String, usize>,
    /// Balances with minutes (or incident tickets) used in their current period.
    with_use: usize,
    exhausted: usize,
    expired: usize,
    forfeited_minutes: i64,
    incident_tickets_uncovered: i64,
}

#[derive(Serialize)]
struct StatementRun {
    clients: usize,
    /// The first run, which also writes the ledger checkpoints it lacks (all of them when the
    /// benchmark starts with none: the cold cost).
    first_s: f64,
    rounds: usize,
    median_s: f64,
    per_client_ms: f64,
    /// Interventions listed in the statements (the month's work).
    interventions: usize,
}

#[derive(Serialize)]
struct ReplayWindow {
    /// Days between the replay start for the month's statements and the first day of the month,
    /// over every client.
    days_before_month: Distribution,
    /// Clients whose replay starts more than a year (366 days) before the month.
    clients_over_a_year: usize,
    /// ...and those, by the kind of the contract whose period reaches furthest back.
    furthest_back_kind: std::collections::BTreeMap<String, usize>,
    /// Interventions read by the month's replays, over every client (the work the statements do),
    /// and how many of them fall in the month itself.
    replayed_interventions: i64,
    month_interventions: i64,
}

#[derive(Serialize)]
struct ServiceModelsReport {
    interventions: i64,
    clients: i64,
    contracts: i64,
    history_from: String,
    history_to: String,
    month: String,
    sla: SlaBench,
    balances: BalancesBench,
    statements_all: StatementRun,
    statements_some: StatementRun,
    replay_window: ReplayWindow,
}

/// The same rule as `ledger/facts.rs::replay_start` (crate-private there): the start of every
/// accounting period open on the replay's first day, repeated until none starts earlier. Also
/// says which kind of contract reached furthest back.
fn replay_start(contracts: &[Contract], from: NaiveDate) -> (NaiveDate, Option<ContractKind>) {
    let mut start = from;
    let mut kind = None;
    loop {
        let earliest = contracts
            .iter()
            .filter(|c| !c.archived && c.terms.kind != ContractKind::TimeMaterials)
            .filter_map(|c| c.period_containing(start).map(|p| (p.0, c.terms.kind)))
            .min_by_key(|p| p.0);
        match earliest {
            Some((p, k)) if p < start => {
                start = p;
                kind = Some(k);
            }
            _ => return (start, kind),
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// The last complete month of the history: the month of the last ticket if that day is the
/// month's last, else the month before.
fn last_complete_month(last: NaiveDate) -> (i32, u32) {
    let next = last + Duration::days(1);
    if next.month() != last.month() {
        (last.year(), last.month())
    } else if last.month() == 1 {
        (last.year() - 1, 12)
    } else {
        (last.year(), last.month() - 1)
    }
}

fn service_models(store: &mut Store, out: Out, a: ServiceModelsArgs) -> Result<()> {
    let store = &*store;
    let conn = store.conn();
    // Start cold: no ledger checkpoints (the first balances pass and statement run rebuild them).
    ledger::checkpoints::clear(conn)?;
    let tz = store.tz();
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let interventions = count("SELECT count(*) FROM interventions")?;
    let n_clients = count("SELECT count(*) FROM clients")?;
    let n_contracts = count("SELECT count(*) FROM contracts")?;
    let bounds: (Option<String>, Option<String>) = conn.query_row(
        "SELECT min(opened_at), max(opened_at) FROM tickets",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let day_of = |s: Option<String>| -> Result<NaiveDate> {
        Ok(match s {
            Some(s) => local_date(parse_instant(&s)?, tz),
            None => local_date(store.now(), tz),
        })
    };
    let (first, last) = (day_of(bounds.0)?, day_of(bounds.1)?);
    let (year, month) = match a.month.as_deref() {
        Some(m) => statements::parse_month(m)?,
        None => last_complete_month(last),
    };
    let (month_first, month_last) = statements::month_bounds(year, month)?;

    // 1. SLA of every open ticket, recomputed from scratch each round, at a fixed "now".
    let now = match a.now.as_deref() {
        Some(t) => parse_instant(t)?,
        None => start_of_day(last + Duration::days(1), tz),
    };
    let clocked = match store.path() {
        Some(p) => Some(Store::open(p)?.with_clock(ManualClock::new(now))),
        None => None,
    };
    let sla_store = clocked.as_ref().unwrap_or(store);
    let filter = TicketFilter::default();
    let warm = views::open_tickets_with_sla(sla_store, &filter)?;
    let open = warm.len();
    let with_clocks = warm
        .iter()
        .filter(|u| u.sla.response.is_some() || u.sla.intervention.is_some())
        .count();
    drop(warm);
    let mut rounds = Vec::new();
    for _ in 0..a.rounds.max(1) {
        rounds.push(time_ms(|| {
            views::open_tickets_with_sla(sla_store, &filter).map(|_| ())
        })?);
    }
    let sla_median = median(rounds.clone());
    let sla = SlaBench {
        now: format_instant(sla_store.now()),
        open_tickets: open,
        with_clocks,
        rounds: rounds.len(),
        median_ms: sla_median,
        min_ms: rounds.iter().copied().fold(f64::INFINITY, f64::min),
        per_ticket_us: sla_median * 1000.0 / open.max(1) as f64,
    };

    // 2. One client's balances at the end of the month, for clients spread over the database.
    let ids: Vec<ClientId> = {
        let step = (n_clients / i64::from(a.clients.max(1))).max(1);
        let mut stmt = conn.prepare("SELECT id FROM clients WHERE rid % ?1 = 0 LIMIT ?2")?;
        let rows = stmt.query_map(rusqlite_params(step, i64::from(a.clients)), |r| r.get(0))?;
        rows.collect::<std::result::Result<Vec<_>, _>>()?
    };
    let mut summary = BalanceSummary::default();
    for id in &ids {
        let b = ledger::client_balances(store, *id, Some(month_last))?;
        summary.incident_tickets_uncovered += b.incident_tickets_uncovered;
        for x in b.balances {
            *summary
                .balances
                .entry(x.kind.as_str().to_owned())
                .or_insert(0) += 1;
            summary.with_use += usize::from(x.used_minutes > 0 || x.incident_used > 0);
            summary.exhausted += usize::from(x.status == BalanceStatus::Exhausted);
            summary.expired += usize::from(x.status == BalanceStatus::Expired);
            summary.forfeited_minutes += x.forfeited_minutes;
        }
    }
    let mut times = Vec::new();
    let mut depth = Vec::new();
    let mut replayed = Vec::new();
    let mut count_work = conn.prepare(
        "SELECT count(*) FROM interventions WHERE client_id = ?1 AND started_at >= ?2 AND started_at < ?3",
    )?;
    for id in &ids {
        times.push(time_ms(|| {
            ledger::client_balances(store, *id, Some(month_last)).map(|_| ())
        })?);
        let (start, _) = replay_start(&contracts::for_client(store, *id)?, month_last);
        depth.push((month_last - start).num_days() as f64);
        let n: i64 = count_work.query_row(
            [
                id.to_string(),
                start.to_string(),
                (month_last + Duration::days(1)).to_string(),
            ],
            |r| r.get(0),
        )?;
        replayed.push(n as f64);
    }
    let t = distribution(times);
    let balances = BalancesBench {
        as_of: month_last.to_string(),
        clients: t.count,
        p50_ms: t.p50,
        p95_ms: t.p95,
        max_ms: t.max,
        replay_days: distribution(depth),
        replay_interventions: distribution(replayed),
        summary,
    };

    // 3. Statement data for one month: every client, then the first 500.
    let statement_run = |limit: Option<usize>| -> Result<StatementRun> {
        let started = std::time::Instant::now();
        let warm = statements::monthly_all(store, year, month, limit)?;
        let first_s = started.elapsed().as_secs_f64();
        let clients = warm.len();
        let listed = warm.iter().map(|s| s.interventions.len()).sum();
        drop(warm);
        let mut secs = Vec::new();
        for _ in 0..a.statement_rounds.max(1) {
            secs.push(
                time_ms(|| statements::monthly_all(store, year, month, limit).map(|_| ()))?
                    / 1000.0,
            );
        }
        let m = median(secs.clone());
        Ok(StatementRun {
            clients,
            first_s,
            rounds: secs.len(),
            median_s: m,
            per_client_ms: m * 1000.0 / clients.max(1) as f64,
            interventions: listed,
        })
    };
    let statements_all = statement_run(None)?;
    let statements_some = statement_run(Some(a.statement_clients))?;

    // How far back the month's replays reach, over every client.
    let all_ids: Vec<ClientId> = {
        let mut stmt = conn.prepare("SELECT id FROM clients ORDER BY rid")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<std::result::Result<Vec<_>, _>>()?
    };
    let mut before = Vec::new();
    let mut furthest_back_kind = std::collections::BTreeMap::new();
    let (mut replayed_interventions, mut month_interventions) = (0, 0);
    let month_end = (month_last + Duration::days(1)).to_string();
    for id in all_ids {
        let (start, kind) = replay_start(&contracts::for_client(store, id)?, month_first);
        let days = (month_first - start).num_days();
        before.push(days as f64);
        let mut n = |from: NaiveDate| -> Result<i64> {
            Ok(count_work
                .query_row([id.to_string(), from.to_string(), month_end.clone()], |r| {
                    r.get(0)
                })?)
        };
        replayed_interventions += n(start)?;
        month_interventions += n(month_first)?;
        if days > 366 {
            *furthest_back_kind
                .entry(kind.map_or("none", ContractKind::as_str).to_owned())
                .or_insert(0) += 1;
        }
    }
    let replay_window = ReplayWindow {
        clients_over_a_year: before.iter().filter(|d| **d > 366.0).count(),
        days_before_month: distribution(before),
        furthest_back_kind,
        replayed_interventions,
        month_interventions,
    };

    let report = ServiceModelsReport {
        interventions,
        clients: n_clients,
        contracts: n_contracts,
        history_from: first.to_string(),
        history_to: last.to_string(),
        month: format!("{year}-{month:02}"),
        sla,
        balances,
        statements_all,
        statements_some,
        replay_window,
    };
    out.emit(&report, |r| {
        format!(
            "{} interventi, {} clienti, {} contratti, storico {} – {}, mese {}\n\
             SLA ticket aperti    {:>7} ticket ({} con orologi, ora {})  mediana {:9.1} ms  {:7.1} µs/ticket\n\
             saldi cliente        p50 {:8.3} ms  p95 {:8.3} ms  ({} clienti, al {})\n\
             \x20 replay             giorni p50 {:.0} p95 {:.0} max {:.0}; interventi p50 {:.0} p95 {:.0} max {:.0}\n\
             rendiconti, tutti    {:>5} clienti  {:8.2} s  {:7.2} ms/cliente  ({} interventi)\n\
             rendiconti, {:>5}    {:>5} clienti  {:8.2} s  {:7.2} ms/cliente  ({} interventi)\n\
             replay del mese: giorni prima del mese p50 {:.0} p95 {:.0} max {:.0}; oltre un anno: {} clienti {:?}\n\
             \x20 interventi riletti {} per {} del mese",
            r.interventions, r.clients, r.contracts, r.history_from, r.history_to, r.month,
            r.sla.open_tickets, r.sla.with_clocks, r.sla.now, r.sla.median_ms, r.sla.per_ticket_us,
            r.balances.p50_ms, r.balances.p95_ms, r.balances.clients, r.balances.as_of,
            r.balances.replay_days.p50, r.balances.replay_days.p95, r.balances.replay_days.max,
            r.balances.replay_interventions.p50, r.balances.replay_interventions.p95, r.balances.replay_interventions.max,
            r.statements_all.clients, r.statements_all.median_s, r.statements_all.per_client_ms, r.statements_all.interventions,
            a.statement_clients, r.statements_some.clients, r.statements_some.median_s, r.statements_some.per_client_ms, r.statements_some.interventions,
            r.replay_window.days_before_month.p50, r.replay_window.days_before_month.p95, r.replay_window.days_before_month.max,
            r.replay_window.clients_over_a_year, r.replay_window.furthest_back_kind,
            r.replay_window.replayed_interventions, r.replay_window.month_interventions,
        )
    });
    Ok(())
}

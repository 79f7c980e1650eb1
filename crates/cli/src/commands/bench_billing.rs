//! `bench billing` (issue 17, item 9): the month's billable lines of every client beside the same
//! month's statement data — the ledger replay they share — in one run, rounds interleaved so both
//! see the same machine. Figures go to docs/BENCHMARKS.md.

use chrono::{Datelike, Duration, NaiveDate};
use clap::Args;
use rapportino_core::time::{local_date, parse_instant};
use rapportino_core::views::{billing, statements};
use rapportino_core::{Result, Store};
use serde::Serialize;
use std::time::Instant;

use crate::output::Out;

#[derive(Args)]
pub struct BillingBenchArgs {
    /// The month, YYYY-MM (default: the last complete month of the history).
    #[arg(long)]
    month: Option<String>,
    /// Rounds of each (after one warm-up run of each); medians and p95 are reported.
    #[arg(long, default_value_t = 5)]
    rounds: u32,
}

#[derive(Serialize)]
struct Side {
    p50_s: f64,
    p95_s: f64,
    runs: Vec<f64>,
}

#[derive(Serialize)]
struct BillingBench {
    month: String,
    clients: usize,
    clients_with_lines: usize,
    lines: usize,
    statements: Side,
    billing: Side,
    /// Billing's median over the statements' median (goal ≤ 1.2).
    ratio_p50: f64,
    ratio_p95: f64,
    /// `/proc/loadavg` before and after.
    load_before: String,
    load_after: String,
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn side(mut runs: Vec<f64>) -> Side {
    let mut sorted = runs.clone();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() as f64 - 1.0) * q).round() as usize];
    let (p50, p95) = (at(0.5), at(0.95));
    runs.iter_mut()
        .for_each(|r| *r = (*r * 1000.0).round() / 1000.0);
    Side {
        p50_s: p50,
        p95_s: p95,
        runs,
    }
}

fn last_complete_month(store: &Store) -> Result<(i32, u32)> {
    let last: Option<String> =
        store
            .conn()
            .query_row("SELECT max(opened_at) FROM tickets", [], |r| r.get(0))?;
    let last: NaiveDate = match last {
        Some(s) => local_date(parse_instant(&s)?, store.tz()),
        None => local_date(store.now(), store.tz()),
    };
    let next = last + Duration::days(1);
    Ok(if next.month() != last.month() {
        (last.year(), last.month())
    } else if last.month() == 1 {
        (last.year() - 1, 12)
    } else {
        (last.year(), last.month() - 1)
    })
}

pub fn run(store: &mut Store, out: Out, a: BillingBenchArgs) -> Result<()> {
    let store = &*store;
    let (year, month) = match a.month.as_deref() {
        Some(m) => statements::parse_month(m)?,
        None => last_complete_month(store)?,
    };
    let load_before = load();
    // Warm-up of each (the first also writes the ledger checkpoints).
    let clients = statements::monthly_all(store, year, month, None)?.len();
    let m = billing::month(store, year, month, None)?;
    let (with_lines, lines) = (
        m.clients.len(),
        m.clients.iter().map(|c| c.lines.len()).sum(),
    );
    drop(m);
    let secs = |f: &dyn Fn() -> Result<()>| -> Result<f64> {
        let t = Instant::now();
        f()?;
        Ok(t.elapsed().as_secs_f64())
    };
    let (mut st, mut bi) = (Vec::new(), Vec::new());
    for _ in 0..a.rounds.max(1) {
        st.push(secs(&|| {
            statements::monthly_all(store, year, month, None).map(|_| ())
        })?);
        bi.push(secs(&|| {
            billing::month(store, year, month, None).map(|_| ())
        })?);
    }
    let (st, bi) = (side(st), side(bi));
    let r = BillingBench {
        month: format!("{year}-{month:02}"),
        clients,
        clients_with_lines: with_lines,
        lines,
        ratio_p50: bi.p50_s / st.p50_s.max(f64::MIN_POSITIVE),
        ratio_p95: bi.p95_s / st.p95_s.max(f64::MIN_POSITIVE),
        statements: st,
        billing: bi,
        load_before,
        load_after: load(),
    };
    out.emit(&r, |r| {
        format!(
            "{} — {} clients ({} with lines, {} lines)\n  statements data: p50 {:.3} s, p95 {:.3} s\n  billable lines:  p50 {:.3} s, p95 {:.3} s\n  ratio p50 {:.2}×, p95 {:.2}×  (load {} → {})",
            r.month, r.clients, r.clients_with_lines, r.lines,
            r.statements.p50_s, r.statements.p95_s, r.billing.p50_s, r.billing.p95_s,
            r.ratio_p50, r.ratio_p95, r.load_before, r.load_after
        )
    });
    Ok(())
}

use clap::Args;
use rapportino_core::{Result, Store};
use rapportino_demo::{DemoOptions, DemoReport};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

use crate::output::Out;

#[derive(Args)]
pub struct DemoArgs {
    /// Random seed: the same seed (and --until) gives the same data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 60)]
    clients: u32,
    #[arg(long, default_value_t = 1_500)]
    interventions: u32,
    /// Years of history.
    #[arg(long, default_value_t = 3)]
    years: u32,
    /// Last day of history, YYYY-MM-DD (default: today).
    #[arg(long)]
    until: Option<String>,
    /// Leave N tickets open: the history's own, then new ones without work up to N (for
    /// `bench service-models`).
    #[arg(long, value_name = "N")]
    open_tickets: Option<u32>,
}

/// The demo report plus what the service models added (counted from the database).
#[derive(Serialize)]
struct Report {
    #[serde(flatten)]
    demo: DemoReport,
    /// Contracts per kind.
    contracts: BTreeMap<String, i64>,
    open_tickets: i64,
}

fn count_by(store: &Store, sql: &str) -> Result<BTreeMap<String, i64>> {
    let mut stmt = store.conn().prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

pub fn run(store: &mut Store, out: Out, a: DemoArgs) -> Result<()> {
    let opts = DemoOptions {
        seed: a.seed,
        clients: a.clients,
        interventions: a.interventions,
        years: a.years,
        until: a.until,
        open_tickets: a.open_tickets,
    };
    let json = out.json;
    let report = rapportino_demo::generate_with_progress(store, &opts, &mut |done, total| {
        if !json {
            eprint!("\rinterventi {done}/{total}");
            let _ = std::io::stderr().flush();
        }
    })?;
    if !json {
        eprintln!();
    }
    let contracts = count_by(
        store,
        "SELECT kind, count(*) FROM contracts GROUP BY kind ORDER BY kind",
    )?;
    let open_tickets: i64 = store.conn().query_row(
        "SELECT count(*) FROM tickets WHERE status IN ('new', 'taken', 'in_progress', 'waiting_client', 'waiting_third_party')",
        [],
        |r| r.get(0),
    )?;
    let report = Report {
        demo: report,
        contracts,
        open_tickets,
    };
    out.emit(&report, |r| {
        let d = &r.demo;
        format!(
            "dati dimostrativi in {:.1} s: {} clienti, {} sedi, {} referenti, {} ticket ({} aperti), {} interventi, {} voci di tempo, {} materiali\ncontratti: {}",
            d.seconds, d.clients, d.sites, d.contacts, d.tickets, r.open_tickets, d.interventions, d.time_entries, d.materials,
            r.contracts.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
        )
    });
    Ok(())
}

use clap::Args;
use rapportino_core::demo::{self, DemoOptions};
use rapportino_core::{Result, Store};
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
}

pub fn run(store: &mut Store, out: Out, a: DemoArgs) -> Result<()> {
    let opts = DemoOptions {
        seed: a.seed,
        clients: a.clients,
        interventions: a.interventions,
        years: a.years,
        until: a.until,
    };
    let json = out.json;
    let report = demo::generate_with_progress(store, &opts, &mut |done, total| {
        if !json {
            eprint!("\rinterventi {done}/{total}");
            let _ = std::io::stderr().flush();
        }
    })?;
    if !json {
        eprintln!();
    }
    out.emit(&report, |r| {
        format!(
            "dati dimostrativi in {:.1} s: {} clienti, {} sedi, {} referenti, {} ticket, {} interventi, {} voci di tempo, {} materiali",
            r.seconds, r.clients, r.sites, r.contacts, r.tickets, r.interventions, r.time_entries, r.materials
        )
    });
    Ok(())
}

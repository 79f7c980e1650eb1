//! One module per area; each function parses clap args, calls core, prints.

pub mod backup;
pub mod bench;
mod bench_billing;
mod bench_pdf;
mod billing_lines;
pub mod calendars;
pub mod classes;
pub mod clients;
pub mod contracts;
pub mod dashboard;
pub mod demo;
pub mod export;
pub mod import;
pub mod intake;
pub mod interventions;
mod labels;
pub mod ledger;
pub mod mail;
mod parse;
pub mod quotes;
pub mod reports;
pub mod search;
pub mod setup;
mod sla;
pub mod statement;
pub mod sync;
pub mod tickets;

use clap::Args;
use rapportino_core::PageRequest;

/// `--limit` / `--offset` on every list.
#[derive(Args, Debug, Clone, Copy)]
pub struct Paging {
    /// Rows per page (1–500).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
}

impl From<Paging> for PageRequest {
    fn from(p: Paging) -> Self {
        PageRequest::new(p.limit, p.offset)
    }
}

//! `export KIND FILE`: the CSV exports (issue 20, item 2), for LibreOffice and Excel (UTF-8 BOM,
//! `;`, decimal comma) or `--plain` (`,`, decimal point).

use clap::{Args, ValueEnum};
use rapportino_core::csvfile::CsvStyle;
use rapportino_core::export::{self, ExportKind, ExportOptions};
use rapportino_core::{Result, Store};
use std::path::PathBuf;

use crate::output::Out;

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    Clients,
    Tickets,
    Interventions,
    TimeEntries,
    Materials,
    BillableLines,
    Contracts,
    Technicians,
}

#[derive(Args)]
pub struct ExportArgs {
    kind: Kind,
    /// Where to write the CSV.
    file: PathBuf,
    /// `,` separator and decimal point, no BOM.
    #[arg(long)]
    plain: bool,
    /// Only this month (2026-11 or 11/2026); required for billable-lines.
    #[arg(long)]
    month: Option<String>,
}

pub fn run(store: &mut Store, out: Out, a: ExportArgs) -> Result<()> {
    let kind = match a.kind {
        Kind::Clients => ExportKind::Clients,
        Kind::Tickets => ExportKind::Tickets,
        Kind::Interventions => ExportKind::Interventions,
        Kind::TimeEntries => ExportKind::TimeEntries,
        Kind::Materials => ExportKind::Materials,
        Kind::BillableLines => ExportKind::BillableLines,
        Kind::Contracts => ExportKind::Contracts,
        Kind::Technicians => ExportKind::Technicians,
    };
    let style = if a.plain {
        CsvStyle::Plain
    } else {
        CsvStyle::Italian
    };
    let done = export::export(
        store,
        &ExportOptions {
            kind,
            style,
            month: a.month,
        },
    )?;
    rapportino_pdf::write_atomic(&a.file, &done.bytes)?;
    let v = serde_json::json!({ "kind": done.kind, "rows": done.rows, "file": a.file });
    out.emit(&v, |_| {
        format!("{} righe scritte in {}", done.rows, a.file.display())
    });
    Ok(())
}

//! `import clients|sites|contacts|contracts|technicians FILE`: the CSV import (issue 20, item 1) — the mapping from
//! `--map`, a `--preset`, or the one core proposes (remembered, or the best preset); `--dry-run`
//! checks every row and writes nothing. `import presets` lists the presets.

use clap::{Args, Subcommand};
use rapportino_core::import::{self, mapping, ImportEntity, ImportOptions, ImportReport, Mapping};
use rapportino_core::{Error, Result, Store};
use std::path::PathBuf;

use crate::output::Out;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Clients (with one contact per row when contact_* columns are mapped).
    Clients(FileArgs),
    /// Sites of existing clients (found by client_external_id, client_vat_number or
    /// client_fiscal_code).
    Sites(FileArgs),
    /// Contacts of existing clients (found like sites').
    Contacts(FileArgs),
    /// Contracts of existing clients (found like sites'), with their opening balance
    /// (opening_used_hours, opening_used_tickets); updated by external_id, else client and name.
    Contracts(FileArgs),
    /// Technicians, updated by their code.
    Technicians(FileArgs),
    /// The mapping presets and the fields each entity's import fills.
    Presets,
}

#[derive(Args)]
pub struct FileArgs {
    /// The CSV file (UTF-8 or Windows-1252; `;` or `,`).
    file: PathBuf,
    /// `field=Column,field=Column` (e.g. `name=Ragione sociale,vat_number=Partita IVA`).
    #[arg(long, value_name = "MAPPING", conflicts_with = "preset")]
    map: Option<String>,
    /// A preset's id (see `import presets`).
    #[arg(long)]
    preset: Option<String>,
    /// `;`, `,` or `tab` (default: sniffed from the header line).
    #[arg(long)]
    separator: Option<String>,
    /// Check every row and count what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
}

fn human(r: &ImportReport) -> String {
    let mut s = format!(
        "{} righe ({}, separatore {:?}): {} nuove, {} aggiornate, {} invariate",
        r.rows, r.encoding, r.separator, r.created, r.updated, r.unchanged
    );
    for e in &r.errors {
        s.push_str(&format!(
            "\n  riga {} [{}] {}: {}",
            e.line,
            e.code.as_str(),
            e.field,
            e.message
        ));
    }
    s.push_str(if r.committed {
        "\nimportazione completata"
    } else if r.dry_run {
        "\nprova: non è stato scritto nulla"
    } else {
        "\nnon è stato scritto nulla"
    });
    s
}

fn read_file(path: &PathBuf) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > rapportino_core::csvfile::MAX_FILE_BYTES as u64 {
        return Err(Error::invalid(
            rapportino_core::Code::CsvInvalid,
            "file",
            format!("{} is larger than the CSV limit", path.display()),
        ));
    }
    Ok(std::fs::read(path)?)
}

fn run_file(store: &mut Store, out: Out, entity: ImportEntity, a: FileArgs) -> Result<()> {
    let bytes = read_file(&a.file)?;
    let mapping = match (&a.map, &a.preset) {
        (Some(m), _) => Mapping::parse(m)?,
        (None, Some(p)) => {
            let info = import::inspect(store, &bytes, entity, a.separator.as_deref())?;
            mapping::apply_preset(&mapping::preset_by_id(p)?, &info.headers)
        }
        (None, None) => import::inspect(store, &bytes, entity, a.separator.as_deref())?.mapping,
    };
    let report = import::run(
        store,
        &bytes,
        &ImportOptions {
            entity,
            mapping,
            separator: a.separator,
            dry_run: a.dry_run,
        },
    )?;
    out.emit(&report, human);
    match import::refused(&report) {
        Some(e) if !report.dry_run => Err(e),
        _ => Ok(()),
    }
}

pub fn run(store: &mut Store, out: Out, c: ImportCommand) -> Result<()> {
    match c {
        ImportCommand::Clients(a) => run_file(store, out, ImportEntity::Clients, a),
        ImportCommand::Sites(a) => run_file(store, out, ImportEntity::Sites, a),
        ImportCommand::Contacts(a) => run_file(store, out, ImportEntity::Contacts, a),
        ImportCommand::Contracts(a) => run_file(store, out, ImportEntity::Contracts, a),
        ImportCommand::Technicians(a) => run_file(store, out, ImportEntity::Technicians, a),
        ImportCommand::Presets => {
            let presets = mapping::presets();
            let targets: Vec<_> = ImportEntity::ALL
                .iter()
                .map(|e| serde_json::json!({ "entity": e, "fields": mapping::targets(*e) }))
                .collect();
            let v = serde_json::json!({ "presets": presets, "fields": targets });
            out.emit(&v, |_| {
                let mut s = String::new();
                for p in &presets {
                    s.push_str(&format!("{} ({}): {}\n", p.id, p.entity, p.name_it));
                    for (t, cols) in &p.columns {
                        s.push_str(&format!("    {t} ← {}\n", cols.join(" | ")));
                    }
                }
                for e in ImportEntity::ALL {
                    s.push_str(&format!("campi {e}: {}\n", mapping::targets(*e).join(", ")));
                }
                s
            });
            Ok(())
        }
    }
}

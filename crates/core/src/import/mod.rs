//! CSV import (issue 20, item 1): clients (with a contact per row), sites, contacts, contracts
//! (with their opening balance) and technicians from the files shops bring — UTF-8 or Windows-1252, `;` or `,` — through the forms' validation and the
//! one write path, so every imported row is in the change log and syncs.
//!
//! The wizard's steps are these functions: [`inspect`] reads the file's header and proposes a
//! mapping (the remembered one, or the best [`mapping::presets`]); [`run`] with `dry_run` gives
//! the per-row errors and the counts of created, updated and unchanged rows, then rolls back;
//! [`run`] without it writes every row in one transaction, or nothing when a row is wrong.
//! Re-importing a file updates: a client is found by its external id, Partita IVA or Codice
//! Fiscale, a site by client and name, a contact by client and e-mail (or name), a contract by
//! its external id (else client and name), a technician by code.

pub mod catalogue;
mod contract_rows;
pub mod mapping;
mod rows;
mod technician_rows;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::csvfile::{self, TextEncoding};
use crate::error::{Code, Error, Result};
use crate::store::settings::{get_setting_conn, to_json_text};
use crate::store::{Entity, Store};

pub use catalogue::{catalogue, ImportField, ImportKind};
pub use mapping::{ImportEntity, Mapping, Preset};

/// How many rows [`inspect`] shows.
pub const SAMPLE_ROWS: usize = 5;

/// What the wizard shows after the file is picked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FileInfo {
    pub encoding: TextEncoding,
    /// `;`, `,` or a tab.
    pub separator: String,
    pub headers: Vec<String>,
    pub rows: u32,
    /// The first rows, as read.
    pub sample: Vec<Vec<String>>,
    /// The mapping to propose for the entity asked.
    pub mapping: Mapping,
    /// The fields this entity's import can fill.
    pub targets: Vec<String>,
}

/// An import to run.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportOptions {
    pub entity: ImportEntity,
    pub mapping: Mapping,
    /// `;`, `,` or `tab`; absent: sniffed from the header line.
    #[serde(default)]
    #[ts(optional)]
    pub separator: Option<String>,
    /// Check and count every row, then write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// A row that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RowError {
    /// The row's line in the file (the header is line 1).
    #[ts(type = "number")]
    pub line: u64,
    /// The field at fault (`vat_number`, `client`, `mapping`…), empty when none is.
    pub field: String,
    pub code: Code,
    pub message: String,
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportReport {
    pub entity: ImportEntity,
    pub encoding: TextEncoding,
    pub separator: String,
    pub dry_run: bool,
    /// Whether the rows were written (false on a dry run or when a row was refused).
    pub committed: bool,
    pub rows: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub errors: Vec<RowError>,
}

fn separator_text(sep: u8) -> String {
    if sep == b'\t' {
        "tab".to_owned()
    } else {
        char::from(sep).to_string()
    }
}

fn read(bytes: &[u8], separator: Option<&str>) -> Result<(csvfile::Table, TextEncoding, u8)> {
    let (text, encoding) = csvfile::decode(bytes)?;
    let sep = match separator {
        Some(s) => csvfile::parse_separator(s)?,
        None => csvfile::sniff_separator(&text),
    };
    Ok((csvfile::read_table(&text, sep)?, encoding, sep))
}

fn setting_key(entity: ImportEntity) -> String {
    format!("import.mapping.{entity}")
}

/// The mapping last used to import `entity` (a shop setting, so the office's other computers
/// propose it too).
pub fn remembered_mapping(store: &Store, entity: ImportEntity) -> Result<Option<Mapping>> {
    get_setting_conn(store.conn(), &setting_key(entity))
}

/// Reads a file's header and first rows, and proposes a mapping for `entity`.
pub fn inspect(
    store: &Store,
    bytes: &[u8],
    entity: ImportEntity,
    separator: Option<&str>,
) -> Result<FileInfo> {
    let (table, encoding, sep) = read(bytes, separator)?;
    let remembered = remembered_mapping(store, entity)?;
    Ok(FileInfo {
        encoding,
        separator: separator_text(sep),
        mapping: mapping::suggest(entity, &table.headers, remembered.as_ref()),
        targets: mapping::targets(entity)
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        rows: u32::try_from(table.rows.len()).unwrap_or(u32::MAX),
        sample: table
            .rows
            .iter()
            .take(SAMPLE_ROWS)
            .map(|r| r.cells.clone())
            .collect(),
        headers: table.headers,
    })
}

fn row_error(line: u64, e: &Error) -> RowError {
    let payload = e.to_payload();
    RowError {
        line,
        field: payload.field.unwrap_or_default(),
        code: payload.code,
        message: payload.message,
    }
}

/// Imports `bytes` as `options` say. A file that cannot be read, or a mapping that does not fit
/// it, is an error (`CSV_INVALID`, `REQUIRED`, `INVALID_FORMAT` on `mapping`). Rows are checked
/// one by one; the report lists each refused row. Without `dry_run` every row is written in one
/// transaction — or none, when any row is refused (`committed` false) — and the mapping is
/// remembered for the next import of the entity.
pub fn run(store: &mut Store, bytes: &[u8], options: &ImportOptions) -> Result<ImportReport> {
    let (table, encoding, sep) = read(bytes, options.separator.as_deref())?;
    let cols = mapping::resolve(options.entity, &options.mapping, &table)?;
    let mut report = ImportReport {
        entity: options.entity,
        encoding,
        separator: separator_text(sep),
        dry_run: options.dry_run,
        committed: false,
        rows: u32::try_from(table.rows.len()).unwrap_or(u32::MAX),
        created: 0,
        updated: 0,
        unchanged: 0,
        errors: Vec::new(),
    };
    let mut rolled_back = false;
    let written = store.write(|tx| {
        for row in &table.rows {
            let done = tx.savepoint(|tx| match options.entity {
                ImportEntity::Clients => rows::client(tx, &cols, &row.cells),
                ImportEntity::Sites => rows::site(tx, &cols, &row.cells),
                ImportEntity::Contacts => rows::contact(tx, &cols, &row.cells),
                ImportEntity::Contracts => contract_rows::contract(tx, &cols, &row.cells),
                ImportEntity::Technicians => technician_rows::technician(tx, &cols, &row.cells),
            });
            match done {
                Ok(rows::Outcome::Created) => report.created += 1,
                Ok(rows::Outcome::Updated) => report.updated += 1,
                Ok(rows::Outcome::Unchanged) => report.unchanged += 1,
                Err(e) => report.errors.push(row_error(row.line, &e)),
            }
        }
        if options.dry_run || !report.errors.is_empty() {
            rolled_back = true;
            return Err(Error::Inconsistent("import rolled back".into()));
        }
        tx.upsert(
            Entity::Setting,
            &setting_key(options.entity),
            vec![("value", to_json_text(&options.mapping)?)],
        )
    });
    match written {
        Ok(()) => report.committed = true,
        Err(_) if rolled_back => {}
        Err(e) => return Err(e),
    }
    Ok(report)
}

/// [`run`] for a caller that wants an error when rows were refused: `IMPORT_ROWS_INVALID`, its
/// message naming the first refused rows.
pub fn refused(report: &ImportReport) -> Option<Error> {
    if report.errors.is_empty() {
        return None;
    }
    let first: Vec<String> = report
        .errors
        .iter()
        .take(3)
        .map(|e| format!("line {} {}: {}", e.line, e.field, e.message))
        .collect();
    Some(Error::invalid(
        Code::ImportRowsInvalid,
        "file",
        format!(
            "{} of {} rows refused, nothing written ({}{})",
            report.errors.len(),
            report.rows,
            first.join("; "),
            if report.errors.len() > 3 { "; …" } else { "" }
        ),
    ))
}

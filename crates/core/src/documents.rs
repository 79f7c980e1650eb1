//! The files the app writes for the user, and where: rendered reports in `rapporti/` and the
//! statement batches in `rendiconti/YYYY-MM/`, beside the database (with `backups/`, see
//! [`crate::backup`]); and what a written file and a batch are (the UI's types; the PDF crate
//! writes them).
//!
//! The layout is one rule shared by whoever writes a file there and by the app's check of the
//! paths the web view sends ([`AppFolders`]): a file is opened or printed again without a dialog,
//! and tests never touch a real user's folders.

use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::{ReportId, TechnicianId};
use crate::reports::{Report, ReportDocument};
use crate::store::Store;

/// The folder of rendered reports, beside the database.
pub const REPORTS_FOLDER: &str = "rapporti";
/// The folder of rendered quotes (preventivi), beside the database: apart from the reports.
pub const QUOTES_FOLDER: &str = "preventivi";
/// The folder of the statement batches, beside the database.
pub const STATEMENTS_FOLDER: &str = "rendiconti";

/// A file written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportedFile {
    pub path: String,
    pub bytes: u64,
}

/// Where a statement batch stands (sent after every client).
#[derive(Debug, Clone, Serialize, TS)]
pub struct BatchProgress {
    /// Clients handled so far (written or skipped).
    pub done: usize,
    pub total: usize,
    pub written: usize,
}

/// What a statement batch did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BatchSummary {
    pub dir: String,
    /// `YYYY-MM`
    pub month: String,
    pub total: usize,
    pub written: usize,
    /// Clients with nothing to report (no work in the month, no contract).
    pub skipped: usize,
    pub bytes: u64,
    pub elapsed_ms: u64,
}

/// The printers this computer can print to, as CUPS lists them (`lpstat`), for the print dialog.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct PrinterList {
    /// CUPS answered (`lpstat` ran); false on a machine without a printing system.
    pub cups: bool,
    /// Destination names, in `lpstat`'s order.
    pub printers: Vec<String>,
    /// The system's default destination, when one is set.
    pub default: Option<String>,
    /// `RAPPORTINO_PRINT_COMMAND` replaces `lp`: printing goes there whatever is listed.
    pub custom_command: bool,
    /// This device's last choice (printer, copies).
    pub preferences: crate::store::settings::PrintPreferences,
}

/// What the report screen shows: the report, its document and the document as an HTML page
/// (the PDF's twin, drawn by the PDF crate).
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportPreview {
    pub report: Report,
    pub document: ReportDocument,
    pub html: String,
    /// What the signing view needs beyond the document.
    pub signing: SigningContext,
}

/// The signing view's facts: whose stored signature to offer, and the name to suggest under the
/// customer's signature (the ticket's requester; the customer may change it).
#[derive(Debug, Clone, Serialize, TS)]
pub struct SigningContext {
    pub technician_id: TechnicianId,
    pub requester_name: Option<String>,
}

/// The [`SigningContext`] of report `id`.
pub fn signing_context(store: &Store, id: ReportId) -> Result<SigningContext> {
    store
        .conn()
        .prepare_cached(
            "SELECT i.technician_id, ct.name FROM reports r
             JOIN interventions i ON i.id = r.intervention_id
             JOIN tickets t ON t.id = i.ticket_id
             LEFT JOIN contacts ct ON ct.id = t.contact_id
             WHERE r.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(SigningContext {
                technician_id: r.get(0)?,
                requester_name: r.get(1)?,
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("report", id))
}

/// The folder `folder` beside the database at `database`; beside nothing (the temporary folder)
/// for an in-memory store.
fn beside(database: Option<&Path>, folder: &str) -> PathBuf {
    database
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir)
        .join(folder)
}

/// Where this store's reports are rendered to open or print them: `rapporti/` beside it.
pub fn reports_folder(store: &Store) -> PathBuf {
    beside(store.path(), REPORTS_FOLDER)
}

/// Where this store's quotes are rendered to open or print them: `preventivi/` beside it.
pub fn quotes_folder(store: &Store) -> PathBuf {
    beside(store.path(), QUOTES_FOLDER)
}

/// Where a month's statements go by default: `rendiconti/YYYY-MM` beside the database.
pub fn statements_folder(store: &Store, year: i32, month: u32) -> PathBuf {
    beside(store.path(), STATEMENTS_FOLDER).join(format!("{year}-{month:02}"))
}

/// The app's own folders for one database file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFolders {
    /// The folder of the database: the folder itself, not what is in it (the database).
    pub data: PathBuf,
    /// `backups/`, `rapporti/`, `preventivi/`, `rendiconti/`: with everything under them.
    pub trees: Vec<PathBuf>,
}

impl AppFolders {
    /// The folders of the database at `database` (an absolute, clean path).
    pub fn for_database(database: &Path) -> AppFolders {
        let data = database.parent().map(Path::to_path_buf).unwrap_or_default();
        AppFolders {
            trees: vec![
                crate::backup::folder_for(database),
                data.join(REPORTS_FOLDER),
                data.join(QUOTES_FOLDER),
                data.join(STATEMENTS_FOLDER),
            ],
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn reports_and_statements_live_beside_the_database() {
        let dir = std::env::temp_dir().join(format!("rapportino-docs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(dir.join("rapportino.db")).unwrap();
        assert_eq!(reports_folder(&store), dir.join("rapporti"));
        assert_eq!(quotes_folder(&store), dir.join("preventivi"));
        assert_eq!(
            statements_folder(&store, 2026, 3),
            dir.join("rendiconti").join("2026-03")
        );
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();

        let memory = Store::open_in_memory().unwrap();
        assert_eq!(
            reports_folder(&memory),
            std::env::temp_dir().join("rapporti")
        );
    }

    #[test]
    fn the_app_folders_of_a_database() {
        let data = std::env::temp_dir().join("shop");
        let f = AppFolders::for_database(&data.join("rapportino.db"));
        assert_eq!(f.data, data);
        assert_eq!(
            f.trees,
            [
                data.join("backups"),
                data.join("rapporti"),
                data.join("preventivi"),
                data.join("rendiconti")
            ]
        );
    }
}

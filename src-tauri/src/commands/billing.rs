//! What to invoice (issue 17, item 9): a month's billable lines per client, their CSV for the
//! accountant (saved where the user chooses), and the shop's default VAT rate. Thin adapters over
//! core's `views::billing`, `views::billing_csv` and `catalogue`.

use rapportino_core::catalogue;
use rapportino_core::ids::ClientId;
use rapportino_core::views::billing::{self, BillingMonth};
use rapportino_core::views::billing_csv::{self, CsvOptions};
use rapportino_pdf::export::ExportedFile;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::CmdResult;
use crate::paths;
use crate::state::AppState;

/// The month's billable lines (`month` 1–12), of every client or of one.
#[tauri::command(async, rename_all = "snake_case")]
pub fn billing_lines(
    state: State<'_, AppState>,
    year: i32,
    month: u32,
    client_id: Option<String>,
) -> CmdResult<BillingMonth> {
    let client: Option<ClientId> = client_id.map(|c| c.parse()).transpose()?;
    state.with(|s| match client {
        Some(c) => {
            let one = billing::for_client(s, c, year, month)?;
            let clients = if one.lines.is_empty() {
                Vec::new()
            } else {
                vec![one]
            };
            Ok(billing::assemble(year, month, clients))
        }
        None => billing::month(s, year, month, None),
    })
}

/// The month's billable lines as CSV, saved where the user chooses (or to `path`, picked before
/// in a dialog or in the app's folders). None: the dialog was cancelled.
#[tauri::command(async, rename_all = "snake_case")]
pub fn save_billing_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    year: i32,
    month: u32,
    options: CsvOptions,
    path: Option<String>,
) -> CmdResult<Option<ExportedFile>> {
    let target = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_file_name(format!("Da fatturare {year}-{month:02}.csv"))
            .add_filter("CSV", &["csv"])
            .blocking_save_file()
    })?;
    let Some(target) = target else {
        return Ok(None);
    };
    state.with(|s| {
        let bytes = billing_csv::to_csv(&billing::month(s, year, month, None)?, options)?;
        rapportino_pdf::write_atomic(&target, &bytes)?;
        Ok(Some(ExportedFile {
            path: target.display().to_string(),
            bytes: bytes.len() as u64,
        }))
    })
}

/// The shop's default VAT rate (percent).
#[tauri::command(async, rename_all = "snake_case")]
pub fn default_vat_rate(state: State<'_, AppState>) -> CmdResult<i64> {
    state.with(|s| catalogue::default_vat_rate(s))
}

/// Sets the shop's default VAT rate (0–100).
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_default_vat_rate(state: State<'_, AppState>, rate: i64) -> CmdResult<i64> {
    state.with(|s| catalogue::set_default_vat_rate(s, rate))
}

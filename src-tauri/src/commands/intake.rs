//! The intake in the app: "Da smistare" (the waiting requests, their attachments, assign to a
//! client, reject), the customer's messages and attachments in a ticket's history, and saving
//! an attachment this device holds; Settings › Posta in arrivo (the mailboxes of a device working
//! alone, "Prova connessione", "Controlla ora"). Thin adapters over core's `intake`; what talks
//! to a mail server runs on a store of its own, never holding the window's.

use rapportino_core::ids::TicketId;
use rapportino_core::intake::{
    self, Assignment, AttachmentRow, CustomerMessage, InboxCheck, InboxRound, InboxView,
    MailboxSettings, RequestRow,
};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::CmdResult;
use crate::intake_worker;
use crate::paths;
use crate::state::AppState;
use crate::sync_worker::with_own_store;

/// The requests waiting in "Da smistare", urgent first, then oldest first.
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_waiting(state: State<'_, AppState>) -> CmdResult<Vec<RequestRow>> {
    state.with(|s| intake::waiting(s))
}

/// How many requests wait in "Da smistare" (the menu's badge).
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_waiting_count(state: State<'_, AppState>) -> CmdResult<i64> {
    state.with(|s| intake::waiting_count(s))
}

/// The attachments listed on one request.
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_request_attachments(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<AttachmentRow>> {
    state.with(|s| intake::request_attachments(s, &id))
}

/// Assigns a waiting request to a client (its ticket opened, reported at the arrival),
/// optionally adding the sender as an authorised contact.
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_assign(
    state: State<'_, AppState>,
    id: String,
    assignment: Assignment,
) -> CmdResult<RequestRow> {
    state.with(|s| intake::assign(s, &id, &assignment))
}

/// Rejects a waiting request with the office's reason.
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_reject(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> CmdResult<RequestRow> {
    state.with(|s| intake::reject(s, &id, &reason))
}

/// The customer's messages on a ticket, oldest first.
#[tauri::command(async, rename_all = "snake_case")]
pub fn ticket_customer_messages(
    state: State<'_, AppState>,
    ticket_id: String,
) -> CmdResult<Vec<CustomerMessage>> {
    let ticket: TicketId = ticket_id.parse()?;
    state.with(|s| intake::ticket_messages(s, ticket))
}

/// The attachments of everything the customer sent on a ticket.
#[tauri::command(async, rename_all = "snake_case")]
pub fn ticket_customer_attachments(
    state: State<'_, AppState>,
    ticket_id: String,
) -> CmdResult<Vec<AttachmentRow>> {
    let ticket: TicketId = ticket_id.parse()?;
    state.with(|s| intake::ticket_attachments(s, ticket))
}

/// Saves an attachment to the file chosen in the native Save dialog (its default name the
/// mail's, made harmless), or to `path` when it was picked before or lies in the app's folders
/// (`PATH_NOT_ALLOWED` otherwise). Content this computer does not hold is fetched from the hub
/// first (its hash checked, then kept here; the store is not locked during the download).
/// `NOT_FOUND` when neither has it. Returns the path written, null when the user cancels.
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_save_attachment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    sha256: String,
    name: String,
    path: Option<String>,
) -> CmdResult<Option<String>> {
    if let Some(ask) = state.with(|s| intake::prepare_fetch(s, &sha256))? {
        let content = ask.send(&rapportino_sync_http::HttpClient)?;
        state.with(|s| intake::finish_fetch(s, &ask, &content))?;
    }
    let file_name = intake::safe_file_name(&name);
    let target = paths::resolve(state.allowed_paths(), path, "path", || {
        app.dialog()
            .file()
            .set_title(format!("Salva l'allegato {file_name}"))
            .set_file_name(&file_name)
            .blocking_save_file()
    })?;
    let Some(target) = target else {
        return Ok(None);
    };
    state.with(|s| intake::attachment_to_file(s, &sha256, &target))?;
    Ok(Some(target.to_string_lossy().into_owned()))
}

/// Settings › Posta in arrivo: this device's mailboxes, their last poll and error, and whether
/// the hub collects instead.
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_inbox(state: State<'_, AppState>) -> CmdResult<InboxView> {
    state.with(|s| intake::inbox(s))
}

/// Adds or replaces a mailbox; `password` null keeps the kept one, "" forgets it.
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_set_mailbox(
    state: State<'_, AppState>,
    settings: MailboxSettings,
    password: Option<String>,
) -> CmdResult<InboxView> {
    state.with(|s| intake::set_mailbox(s, &settings, password.as_deref()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_remove_mailbox(state: State<'_, AppState>, name: String) -> CmdResult<InboxView> {
    state.with(|s| intake::remove_mailbox(s, &name))
}

/// "Prova connessione": log in and look at the folder, changing nothing.
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_test_mailbox(state: State<'_, AppState>, name: String) -> CmdResult<InboxCheck> {
    intake_worker::off_runtime(|| with_own_store(&state, |s| intake::test_mailbox(s, &name)))
}

/// "Controlla ora": one round on every mailbox now (nothing on an enrolled device).
#[tauri::command(async, rename_all = "snake_case")]
pub fn intake_collect_now<R: Runtime>(app: AppHandle<R>) -> CmdResult<Vec<InboxRound>> {
    intake_worker::round(&app)
}

//! Customer mail (the outbox): the messages and their retry/cancel, the shop's mail settings,
//! a client's choices, the templates with their live preview, this device's SMTP account, a
//! test message, "Invia ora", a month's statements for everyone (with progress) or one client,
//! and "Invia al cliente" on a signed report.
//!
//! Anything that talks to a mail server (test message, send now) runs on a blocking thread with
//! a store of its own (see [`crate::mail_worker`]), never holding the window's store.

use rapportino_core::ids::{ClientId, ReportId};
use rapportino_core::labels::Locale;
use rapportino_core::outbox::templates::{self, Template};
use rapportino_core::outbox::{
    self, ClientMailPrefs, MailSettings, Message, MessageFilter, MessageKind,
};
use rapportino_core::reports::statement_mail::{self, StatementMailResult};
use rapportino_core::sending::{self, AccountSettings, AccountView, SendReport};
use rapportino_core::Error;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::error::{CmdResult, CommandError};
use crate::mail_worker;
use crate::state::AppState;
use crate::sync_worker::{self, with_own_store};

/// The event "Invia a tutti" emits after each client; payload `StatementMailProgress`.
pub const MAIL_STATEMENTS_PROGRESS_EVENT: &str = "mail-statements-progress";

fn parse<T: std::str::FromStr<Err = E>, E: Into<Error>>(s: &str) -> CmdResult<T> {
    s.parse::<T>().map_err(|e| CommandError::from(e.into()))
}

/// The messages matching `filter`, newest first (at most 500).
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_list(state: State<'_, AppState>, filter: MessageFilter) -> CmdResult<Vec<Message>> {
    state.with(|s| outbox::list(s, &filter))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_get(state: State<'_, AppState>, id: String) -> CmdResult<Message> {
    state.with(|s| outbox::get(s, &id))
}

/// "Rinvia": a failed, deferred or held message queued again now.
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_retry(state: State<'_, AppState>, id: String) -> CmdResult<Message> {
    state.with(|s| outbox::retry(s, &id))
}

/// "Annulla": a message not sent yet is withdrawn.
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_cancel(state: State<'_, AppState>, id: String) -> CmdResult<Message> {
    state.with(|s| outbox::cancel(s, &id))
}

/// The shop's customer-mail settings (on/off, kinds, CC to the shop, language).
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_settings(state: State<'_, AppState>) -> CmdResult<MailSettings> {
    state.with(|s| outbox::settings(s.conn()))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_set_settings(state: State<'_, AppState>, settings: MailSettings) -> CmdResult<()> {
    state.with(|s| outbox::set_settings(s, &settings))
}

/// A client's mail choices (kinds off, PEC too, language).
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_client_prefs(
    state: State<'_, AppState>,
    client_id: String,
) -> CmdResult<ClientMailPrefs> {
    let client: ClientId = parse(&client_id)?;
    state.with(|s| outbox::client_prefs(s.conn(), client))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_set_client_prefs(
    state: State<'_, AppState>,
    client_id: String,
    prefs: ClientMailPrefs,
) -> CmdResult<()> {
    let client: ClientId = parse(&client_id)?;
    state.with(|s| outbox::set_client_prefs(s, client, &prefs))
}

/// The names a template may use in braces (`ticket`, `client`…), in the order shown.
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_placeholders() -> CmdResult<Vec<String>> {
    Ok(templates::PLACEHOLDERS
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect())
}

/// The template in use for `kind` (`ticket_opened`…) in `language` (`it`, `en`).
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_template(
    state: State<'_, AppState>,
    kind: String,
    language: String,
) -> CmdResult<Template> {
    let (kind, locale): (MessageKind, Locale) = (parse(&kind)?, parse(&language)?);
    state.with(|s| templates::get(s.conn(), kind, locale))
}

/// Saves the shop's wording (its placeholders checked: `INVALID_FORMAT` on `template`).
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_set_template(
    state: State<'_, AppState>,
    kind: String,
    language: String,
    template: Template,
) -> CmdResult<()> {
    let (kind, locale): (MessageKind, Locale) = (parse(&kind)?, parse(&language)?);
    state.with(|s| templates::set(s, kind, locale, &template))
}

/// Back to the default wording; the template now in use.
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_reset_template(
    state: State<'_, AppState>,
    kind: String,
    language: String,
) -> CmdResult<Template> {
    let (kind, locale): (MessageKind, Locale) = (parse(&kind)?, parse(&language)?);
    state.with(|s| {
        templates::reset(s, kind, locale)?;
        templates::get(s.conn(), kind, locale)
    })
}

/// The live preview: `template` checked and filled with an invented ticket's facts.
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_preview_template(
    kind: String,
    language: String,
    template: Template,
) -> CmdResult<Template> {
    let (kind, locale): (MessageKind, Locale) = (parse(&kind)?, parse(&language)?);
    templates::preview(kind, locale, &template).map_err(CommandError::from)
}

/// This device's SMTP account and whether a password is kept (never the password).
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_account(state: State<'_, AppState>) -> CmdResult<AccountView> {
    state.with(|s| sending::account(s))
}

/// Saves the account after checking its addresses (`MAIL_ADDRESS_INVALID`) and security;
/// `password` null keeps the one kept, "" forgets it.
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_set_account(
    state: State<'_, AppState>,
    account: AccountSettings,
    password: Option<String>,
) -> CmdResult<AccountView> {
    state.with(|s| sending::set_account(s, &account, password.as_deref()))
}

/// Forgets the account and its password.
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_forget_account(state: State<'_, AppState>) -> CmdResult<()> {
    state.with(sending::forget_account)
}

/// Sends a test message to `to` through this device's account; the server's reply.
#[tauri::command(rename_all = "snake_case")]
pub async fn mail_send_test<R: Runtime>(app: AppHandle<R>, to: String) -> CmdResult<String> {
    sync_worker::blocking(move || {
        let state = tauri::Manager::state::<AppState>(&app);
        with_own_store(&state, |s| sending::send_test(s, to.trim()))
    })
    .await
}

/// "Invia ora": renders the PDFs messages wait for and sends what this device owes.
#[tauri::command(rename_all = "snake_case")]
pub async fn mail_send_now<R: Runtime>(app: AppHandle<R>) -> CmdResult<SendReport> {
    sync_worker::blocking(move || mail_worker::send_now(&app)).await
}

/// Queues one client's statement for the month (null when the client does not want it).
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_queue_statement(
    state: State<'_, AppState>,
    client_id: String,
    year: i32,
    month: u32,
) -> CmdResult<Option<Message>> {
    let client: ClientId = parse(&client_id)?;
    state.with(|s| outbox::queue_statement(s, client, year, month))
}

/// "Invia a tutti": the month's statement queued for every client that has one, emitting
/// [`MAIL_STATEMENTS_PROGRESS_EVENT`] after each; one result per client.
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_queue_statements<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    year: i32,
    month: u32,
) -> CmdResult<Vec<StatementMailResult>> {
    state.with(|s| {
        statement_mail::queue_month(s, year, month, |p| {
            let _ = app.emit(MAIL_STATEMENTS_PROGRESS_EVENT, p.clone());
        })
    })
}

/// "Invia al cliente": the signed report's message, queued now unless one is waiting or sent
/// (`REPORT_NOT_SIGNED` for a draft).
#[tauri::command(async, rename_all = "snake_case")]
pub fn mail_send_report(state: State<'_, AppState>, report_id: String) -> CmdResult<Message> {
    let report: ReportId = parse(&report_id)?;
    state.with(|s| outbox::queue_report(s, report))
}

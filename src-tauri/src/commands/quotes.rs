//! The article catalogue and quotes (preventivi) in the app: thin adapters over
//! `rapportino_core::catalogue` and `rapportino_core::quotes`, plus the quote's PDF (opened in the
//! system viewer from the documents folder, or attached to its outbox message when sent).

use rapportino_core::catalogue::{self, Article, ArticleInput};
use rapportino_core::ids::{ArticleId, InterventionId, QuoteId, TicketId};
use rapportino_core::interventions::{self, Intervention, NewIntervention};
use rapportino_core::quotes::{
    self, AcceptInput, NewQuote, Quote, QuoteDocument, QuoteFilter, QuoteLineInput, QuotePatch,
    RefuseInput,
};
use rapportino_core::{Error, ErrorPayload};
use rapportino_pdf::export::{self, ExportedFile};
use rapportino_pdf::{attachments, Renderer};
use tauri::{AppHandle, Runtime, State};

use crate::error::{CmdResult, CommandError};
use crate::state::AppState;

fn parse<T: std::str::FromStr<Err = Error>>(s: &str) -> CmdResult<T> {
    s.parse::<T>().map_err(CommandError::from)
}

/// Search as you type (code prefix first, then code or description containing the text).
#[tauri::command(async, rename_all = "snake_case")]
pub fn search_articles(
    state: State<'_, AppState>,
    text: String,
    include_archived: bool,
) -> CmdResult<Vec<Article>> {
    state.with(|s| catalogue::search(s, &text, include_archived))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_article(state: State<'_, AppState>, input: ArticleInput) -> CmdResult<Article> {
    state.with(|s| catalogue::create(s, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_article(
    state: State<'_, AppState>,
    id: String,
    input: ArticleInput,
) -> CmdResult<Article> {
    let id: ArticleId = parse(&id)?;
    state.with(|s| catalogue::update(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn archive_article(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> CmdResult<Article> {
    let id: ArticleId = parse(&id)?;
    state.with(|s| catalogue::set_archived(s, id, archived))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_quotes(state: State<'_, AppState>, filter: QuoteFilter) -> CmdResult<Vec<Quote>> {
    state.with(|s| quotes::list(s, &filter))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn get_quote(state: State<'_, AppState>, id: String) -> CmdResult<Quote> {
    let id: QuoteId = parse(&id)?;
    state.with(|s| quotes::get(s, id))
}

/// What the quote prints (the accepted one from its frozen snapshot).
#[tauri::command(async, rename_all = "snake_case")]
pub fn quote_document(state: State<'_, AppState>, id: String) -> CmdResult<QuoteDocument> {
    let id: QuoteId = parse(&id)?;
    state.with(|s| quotes::document(s, id))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn create_quote(state: State<'_, AppState>, input: NewQuote) -> CmdResult<Quote> {
    state.with(|s| quotes::create(s, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn update_quote(state: State<'_, AppState>, id: String, patch: QuotePatch) -> CmdResult<Quote> {
    let id: QuoteId = parse(&id)?;
    state.with(|s| quotes::update(s, id, &patch))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn add_quote_line(
    state: State<'_, AppState>,
    id: String,
    input: QuoteLineInput,
) -> CmdResult<Quote> {
    let id: QuoteId = parse(&id)?;
    state.with(|s| quotes::add_line(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn remove_quote_line(state: State<'_, AppState>, id: String, index: u32) -> CmdResult<Quote> {
    let id: QuoteId = parse(&id)?;
    state.with(|s| quotes::remove_line(s, id, index as usize))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn delete_quote(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let id: QuoteId = parse(&id)?;
    state.with(|s| quotes::delete_draft(s, id))
}

/// Sends the quote; when a message was queued its PDF is attached at once (the same bytes as
/// the printed quote).
#[tauri::command(async, rename_all = "snake_case")]
pub fn send_quote(state: State<'_, AppState>, id: String) -> CmdResult<Quote> {
    let id: QuoteId = parse(&id)?;
    state.with(|s| {
        let (q, message) = quotes::send(s, id)?;
        if message.is_some() {
            attachments::prepare(s, &Renderer::new()?)?;
        }
        Ok(q)
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn accept_quote(
    state: State<'_, AppState>,
    id: String,
    input: AcceptInput,
) -> CmdResult<Quote> {
    let id: QuoteId = parse(&id)?;
    state.with(|s| quotes::accept(s, id, &input))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn refuse_quote(
    state: State<'_, AppState>,
    id: String,
    input: RefuseInput,
) -> CmdResult<Quote> {
    let id: QuoteId = parse(&id)?;
    state.with(|s| quotes::refuse(s, id, &input))
}

/// Renders the quote and opens it in the system's PDF viewer.
#[tauri::command(async, rename_all = "snake_case")]
pub fn open_quote<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<ExportedFile> {
    let id: QuoteId = parse(&id)?;
    let file = state.with(|s| export::quote_to_library(s, &Renderer::new()?, id))?;
    super::reports::open_with_system(&app, &file.path)?;
    Ok(file)
}

/// The warning to show before the timer starts on a ticket outside the contract with no
/// accepted quote (`QUOTE_REQUIRED`); null otherwise.
#[tauri::command(async, rename_all = "snake_case")]
pub fn quote_warning(
    state: State<'_, AppState>,
    ticket_id: String,
) -> CmdResult<Option<ErrorPayload>> {
    let id: TicketId = parse(&ticket_id)?;
    state.with(|s| Ok(interventions::quote_warning(s, id)?.map(|e| e.to_payload())))
}

/// "Inizia intervento" after the out-of-scope check: QUOTE_REQUIRED unless `confirmed`.
#[tauri::command(async, rename_all = "snake_case")]
pub fn start_intervention_confirmed(
    state: State<'_, AppState>,
    input: NewIntervention,
    confirmed: bool,
) -> CmdResult<Intervention> {
    state.with(|s| interventions::create_started_confirmed(s, &input, confirmed))
}

/// The timer's start after the out-of-scope check: QUOTE_REQUIRED unless `confirmed`.
#[tauri::command(async, rename_all = "snake_case")]
pub fn timer_start_confirmed(
    state: State<'_, AppState>,
    id: String,
    confirmed: bool,
) -> CmdResult<()> {
    let id: InterventionId = parse(&id)?;
    state.with(|s| interventions::start_confirmed(s, id, confirmed))
}

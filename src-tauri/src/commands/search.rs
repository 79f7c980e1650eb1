//! Full-text search across clients, tickets and interventions.

use rapportino_core::search::{self, SearchHit, SearchRequest};
use rapportino_core::{Page, PageRequest};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command(async, rename_all = "snake_case")]
pub fn search(
    state: State<'_, AppState>,
    request: SearchRequest,
    page: PageRequest,
) -> CmdResult<Page<SearchHit>> {
    state.with(|s| search::search(s, &request, &page))
}

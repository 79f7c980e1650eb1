//! Hub storage: one SQLite file (default) or a PostgreSQL database, behind one interface so the
//! sync engine (`crate::engine`) is written once and the same test suite runs against both.

use rapportino_core::sync::merge::RowState;
use rapportino_core::sync::protocol::ServerChange;

use crate::error::HubError;

/// A mutation the hub has seen but that produced no change (refused, or all of its fields lost).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOutcome {
    pub mutation_id: String,
    pub device_id: String,
    /// `rejected` or `superseded`.
    pub outcome: String,
    pub code: Option<String>,
}

/// A mutation already applied: where it went.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    Applied { server_seq: i64 },
    NoChange(StoredOutcome),
}

/// Operations of one write transaction. Pushes are serialised (one writer at a time) so that
/// `next_seq` is gapless and in commit order.
pub trait HubTx {
    /// For each id, how it was handled before (absent when never seen).
    fn seen(&mut self, mutation_ids: &[String]) -> Result<Vec<(String, Seen)>, HubError>;
    fn load_row(&mut self, entity: &str, entity_id: &str) -> Result<Option<RowState>, HubError>;
    fn save_row(&mut self, entity: &str, entity_id: &str, row: &RowState) -> Result<(), HubError>;
    /// The next server sequence (last committed + 1; the transaction holds the write lock).
    fn next_seq(&mut self) -> Result<i64, HubError>;
    fn append_change(&mut self, change: &ServerChange) -> Result<(), HubError>;
    fn save_outcome(&mut self, outcome: &StoredOutcome) -> Result<(), HubError>;
    /// Records a refused write (a signed report edited...) for the admin: also logged.
    fn log_refusal(
        &mut self,
        device_id: &str,
        mutation_id: &str,
        code: &str,
        detail: &str,
    ) -> Result<(), HubError>;
    /// Marks a device whose clock was found far ahead.
    fn flag_clock_skew(&mut self, device_id: &str, skew_ms: i64) -> Result<(), HubError>;
}

/// Read operations (no write lock; pulls and snapshots run concurrently with pushes).
pub trait HubRead {
    /// Changes with `server_seq > after`, at most `limit`, in order.
    fn changes_after(&mut self, after: i64, limit: i64) -> Result<Vec<ServerChange>, HubError>;
    /// The last committed server sequence (0 when empty).
    fn max_seq(&mut self) -> Result<i64, HubError>;
    /// Live (not deleted) rows of `entity` with id > `after_id`, by id, at most `limit`.
    fn rows_page(
        &mut self,
        entity: &str,
        after_id: &str,
        limit: i64,
    ) -> Result<Vec<(String, RowState)>, HubError>;
}

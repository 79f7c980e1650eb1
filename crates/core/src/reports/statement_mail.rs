//! "Invia a tutti": the month's statement queued for every client that has one (work in the
//! month or a balance), one result per client. Each PDF is rendered later by the device
//! (`rapportino_pdf::attachments::prepare`); the sender takes it from there.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Code, Error, ErrorPayload, Result};
use crate::ids::ClientId;
use crate::outbox::{self, MessageKind, MessageStatus};
use crate::reports::statement;
use crate::store::Store;

/// What happened to one client's statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StatementMailOutcome {
    /// Queued: it goes with the next sending.
    Queued,
    /// Queued but held: the client has no e-mail address.
    Held,
    /// This month's statement was already queued or sent: not queued twice.
    AlreadyQueued,
    /// The client does not want statements by mail.
    NotWanted,
    /// It could not be queued (`error` says why); the others went on.
    Failed,
}

/// One client's line in the batch's result.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StatementMailResult {
    pub client_id: ClientId,
    pub client_name: String,
    pub outcome: StatementMailOutcome,
    /// The message, when there is one.
    pub message_id: Option<String>,
    pub error: Option<ErrorPayload>,
}

/// After each client: how far the batch is and that client's result.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StatementMailProgress {
    pub done: usize,
    pub total: usize,
    pub last: StatementMailResult,
}

/// Queues the statement of `year`/`month` for every client that has one, calling `progress`
/// after each; the per-client results. Refused before anything is written when customer mail
/// is off or the shop does not send statements (`MAIL_NOT_CONFIGURED`), or for a bad month.
pub fn queue_month(
    store: &mut Store,
    year: i32,
    month: u32,
    mut progress: impl FnMut(&StatementMailProgress),
) -> Result<Vec<StatementMailResult>> {
    crate::time::month_bounds(year, month)?;
    let settings = outbox::settings(store.conn())?;
    if !settings.enabled || !settings.kinds.contains(&MessageKind::Statement) {
        return Err(Error::invalid(
            Code::MailNotConfigured,
            "mail",
            "the shop does not send statements by mail: turn them on in Impostazioni › Posta",
        ));
    }
    let clients = statement::clients_with_content(store, year, month)?;
    let total = clients.len();
    let mut results = Vec::with_capacity(total);
    for (done, (client_id, client_name)) in clients.into_iter().enumerate() {
        let queued = match outbox::statement_queued(store, client_id, year, month) {
            Ok(Some(m)) => Ok((StatementMailOutcome::AlreadyQueued, Some(m.id))),
            Ok(None) => outbox::queue_statement(store, client_id, year, month).map(|m| match m {
                Some(m) if m.status == MessageStatus::Held => {
                    (StatementMailOutcome::Held, Some(m.id))
                }
                Some(m) => (StatementMailOutcome::Queued, Some(m.id)),
                None => (StatementMailOutcome::NotWanted, None),
            }),
            Err(e) => Err(e),
        };
        let result = match queued {
            Ok((outcome, message_id)) => StatementMailResult {
                client_id,
                client_name,
                outcome,
                message_id,
                error: None,
            },
            Err(e) => StatementMailResult {
                client_id,
                client_name,
                outcome: StatementMailOutcome::Failed,
                message_id: None,
                error: Some(e.to_payload()),
            },
        };
        progress(&StatementMailProgress {
            done: done + 1,
            total,
            last: result.clone(),
        });
        results.push(result);
    }
    Ok(results)
}

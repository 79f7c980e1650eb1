//! The outbox: customer messages written in the same transaction as the event that causes them —
//! a ticket opened, taken in charge, resolved; a report signed; an out-of-contract outcome; a
//! month's statement — so a message created offline is never lost and never created twice.
//!
//! A message is a synced record. **Exactly one sender**: `sender` is `hub` when the device that
//! wrote it is enrolled with a hub (which is online and sends it), else the writing device's own
//! code (a one-person shop sends from its laptop when it has a network). A sender records every
//! attempt on the row (`sent`, `deferred` with the next attempt, `failed`, the server's reply), and
//! that syncs back. The Message-ID is chosen here, once: a retry after a crash between the
//! server's acceptance and the "sent" mark carries the same one.
//!
//! Nothing is queued until the shop turns customer mail on (Settings › Posta, setting `mail`),
//! for the kinds it chose, and not for a client that opted out of a kind. A message with nobody to
//! send it to is `held` (the client has no address), not dropped. Credentials are never here.
//!
//! Messages whose kind carries a PDF (signed report, statement) are written with
//! `attachments_ready = 0`; the PDF is rendered by the device (the `pdf` crate, which sits above
//! core) and added with [`add_attachment`], which marks them ready. Senders skip unready ones.

mod attachments;
mod on_demand;
mod queue;
mod settings;
pub mod templates;

pub use attachments::{
    add_attachment, attachment_bytes, awaiting_attachment, AttachmentInfo, MAX_ATTACHMENT_BYTES,
};
pub use on_demand::{queue_report, statement_queued};
pub use queue::queue_statement;
pub(crate) use queue::{
    on_out_of_contract, on_report_signed, on_request_declined, on_ticket_status, queue_quote,
    Declined,
};
use queue::{report_draft, write_draft};
pub use settings::{
    client_prefs, set_client_prefs, set_settings, settings, ClientMailPrefs, MailSettings,
};

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use rapportino_model::vocab::{MessageKind, MessageStatus};

use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, QuoteId, ReportId, TicketId};
use crate::labels::Locale;
use crate::store::settings::hub_configured;
use crate::store::{field, Entity, Store};
use crate::time::{format_instant, parse_instant};

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Message {
    pub id: String,
    pub kind: MessageKind,
    /// None only for the polite reply to a declined request (`request_declined`).
    pub client_id: Option<ClientId>,
    pub ticket_id: Option<TicketId>,
    pub report_id: Option<ReportId>,
    /// `YYYY-MM` for a statement.
    pub period: Option<String>,
    pub language: Locale,
    pub recipients: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// `hub`, or the code of the device that sends it.
    pub sender: String,
    pub status: MessageStatus,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    /// The server's last reply (`250 2.0.0 Ok: queued as …`, `550 5.1.1 …`).
    pub last_reply: Option<String>,
    pub sent_at: Option<String>,
    pub attachments_ready: bool,
    pub created_at: String,
    pub updated_at: String,
    /// The quote a `quote` message carries.
    pub quote_id: Option<QuoteId>,
}

/// How one sending attempt went, as the sender reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Attempt {
    Sent {
        reply: String,
    },
    /// Temporary (4xx, network, timeout): tried again after the backoff.
    Deferred {
        reply: String,
    },
    /// Permanent (5xx, authentication): not tried again unless the user asks.
    Failed {
        reply: String,
    },
}

/// The wait before the next attempt once attempt `attempts` failed for now (the mail crate's
/// schedule: 1, 5, 15, 60 minutes, then 4 hours); `None` when no attempt is left.
pub fn backoff(attempts: i64) -> Option<Duration> {
    let attempt = u32::try_from(attempts.max(1)).unwrap_or(u32::MAX);
    rapportino_mail::backoff::retry_delay(attempt).and_then(|d| Duration::from_std(d).ok())
}

/// Attempts before a message still failing for now is failed for good.
pub const MAX_ATTEMPTS: i64 = rapportino_mail::backoff::MAX_ATTEMPTS as i64;

const COLUMNS: &str = "id, kind, client_id, ticket_id, report_id, period, language, recipients, cc, \
     subject, body, message_id, in_reply_to, sender, status, attempts, next_attempt_at, last_reply, \
     sent_at, attachments_ready, created_at, updated_at, quote_id";

fn list_of(json: String) -> Vec<String> {
    serde_json::from_str(&json).unwrap_or_default()
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Message> {
    let language: String = r.get(6)?;
    Ok(Message {
        id: r.get(0)?,
        kind: r.get(1)?,
        client_id: r.get(2)?,
        ticket_id: r.get(3)?,
        report_id: r.get(4)?,
        period: r.get(5)?,
        language: language.parse().unwrap_or_default(),
        recipients: list_of(r.get(7)?),
        cc: list_of(r.get(8)?),
        subject: r.get(9)?,
        body: r.get(10)?,
        message_id: r.get(11)?,
        in_reply_to: r.get(12)?,
        sender: r.get(13)?,
        status: r.get(14)?,
        attempts: r.get(15)?,
        next_attempt_at: r.get(16)?,
        last_reply: r.get(17)?,
        sent_at: r.get(18)?,
        attachments_ready: r.get(19)?,
        created_at: r.get(20)?,
        updated_at: r.get(21)?,
        quote_id: r.get(22)?,
    })
}

pub fn get(store: &Store, id: &str) -> Result<Message> {
    store
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} FROM messages WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "message",
            id: id.to_owned(),
        })
}

/// Which messages to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct MessageFilter {
    #[ts(optional)]
    pub ticket_id: Option<TicketId>,
    #[ts(optional)]
    pub client_id: Option<ClientId>,
    #[ts(optional)]
    pub status: Option<MessageStatus>,
}

/// Messages, newest first (at most 500).
pub fn list(store: &Store, filter: &MessageFilter) -> Result<Vec<Message>> {
    let mut sql = format!("SELECT {COLUMNS} FROM messages WHERE 1 = 1");
    let mut args: Vec<String> = Vec::new();
    if let Some(t) = filter.ticket_id {
        args.push(t.to_string());
        sql.push_str(&format!(" AND ticket_id = ?{}", args.len()));
    }
    if let Some(c) = filter.client_id {
        args.push(c.to_string());
        sql.push_str(&format!(" AND client_id = ?{}", args.len()));
    }
    if let Some(s) = filter.status {
        args.push(s.as_str().to_owned());
        sql.push_str(&format!(" AND status = ?{}", args.len()));
    }
    sql.push_str(" ORDER BY created_at DESC, id DESC LIMIT 500");
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- sending (this device's messages) -------------------------------------------------------

/// The messages this device must send now: its own (`sender` = its code), queued or deferred
/// and due, with their attachments ready. Nothing for an enrolled device: the hub sends.
pub fn due(store: &Store, now: DateTime<Utc>) -> Result<Vec<Message>> {
    if hub_configured(store)? {
        return Ok(Vec::new());
    }
    let code = crate::store::settings::device_code(store.conn())?;
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages
         WHERE sender = ?1 AND attachments_ready = 1
           AND (status = 'queued' OR (status = 'deferred' AND next_attempt_at <= ?2))
         ORDER BY created_at, id LIMIT 200"
    ))?;
    let rows = stmt.query_map(rusqlite::params![code, format_instant(now)], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When this device enrols with a hub, the messages it still owed (queued, deferred, held) become
/// the hub's to send: the device stops sending once enrolled, so none is left behind. Their
/// Message-IDs stay; how many were handed over.
pub(crate) fn hand_over_to_hub(store: &mut Store) -> Result<usize> {
    let code = crate::store::settings::device_code(store.conn())?;
    let ids: Vec<String> = store
        .conn()
        .prepare_cached(
            "SELECT id FROM messages WHERE sender = ?1
             AND status IN ('queued', 'deferred', 'held')",
        )?
        .query_map([&code], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if ids.is_empty() {
        return Ok(0);
    }
    store.write(|tx| {
        for id in &ids {
            tx.update(Entity::Message, id, vec![("sender", field::text("hub"))])?;
        }
        Ok(())
    })?;
    Ok(ids.len())
}

/// Records how an attempt went: `sent`; `deferred` with the next attempt (or `failed` once the
/// attempts are spent); `failed`. The server's reply is kept.
pub fn record(store: &mut Store, id: &str, attempt: &Attempt) -> Result<Message> {
    let m = get(store, id)?;
    let attempts = m.attempts + 1;
    let now = store.now();
    let reply = |r: &str| field::text(r.chars().take(2000).collect::<String>());
    let fields = match attempt {
        Attempt::Sent { reply: r } => vec![
            ("status", field::text(MessageStatus::Sent.as_str())),
            ("sent_at", field::text(format_instant(now))),
            ("next_attempt_at", serde_json::Value::Null),
            ("last_reply", reply(r)),
            ("attempts", field::int(attempts)),
        ],
        Attempt::Deferred { reply: r } => match backoff(attempts) {
            Some(wait) => vec![
                ("status", field::text(MessageStatus::Deferred.as_str())),
                ("next_attempt_at", field::text(format_instant(now + wait))),
                ("last_reply", reply(r)),
                ("attempts", field::int(attempts)),
            ],
            None => vec![
                ("status", field::text(MessageStatus::Failed.as_str())),
                ("next_attempt_at", serde_json::Value::Null),
                ("last_reply", reply(r)),
                ("attempts", field::int(attempts)),
            ],
        },
        Attempt::Failed { reply: r } => vec![
            ("status", field::text(MessageStatus::Failed.as_str())),
            ("next_attempt_at", serde_json::Value::Null),
            ("last_reply", reply(r)),
            ("attempts", field::int(attempts)),
        ],
    };
    store.write(|tx| tx.update(Entity::Message, id, fields).map(|_| ()))?;
    get(store, id)
}

/// "Rinvia": a failed, deferred or held message is queued again now (a sent one is refused:
/// `ILLEGAL_TRANSITION`). A held one needs a recipient first.
pub fn retry(store: &mut Store, id: &str) -> Result<Message> {
    let m = get(store, id)?;
    if matches!(m.status, MessageStatus::Sent | MessageStatus::Cancelled) {
        return Err(Error::IllegalTransition {
            from: m.status.to_string(),
            to: MessageStatus::Queued.to_string(),
        });
    }
    if m.recipients.is_empty() {
        return Err(Error::invalid(
            Code::Required,
            "recipients",
            "the message has nobody to go to: add the client's or the requester's e-mail",
        ));
    }
    store.write(|tx| {
        tx.update(
            Entity::Message,
            id,
            vec![
                ("status", field::text(MessageStatus::Queued.as_str())),
                ("next_attempt_at", serde_json::Value::Null),
            ],
        )
        .map(|_| ())
    })?;
    get(store, id)
}

/// Withdraws a message not sent yet.
pub fn cancel(store: &mut Store, id: &str) -> Result<Message> {
    let m = get(store, id)?;
    if m.status == MessageStatus::Sent {
        return Err(Error::IllegalTransition {
            from: m.status.to_string(),
            to: MessageStatus::Cancelled.to_string(),
        });
    }
    store.write(|tx| {
        tx.update(
            Entity::Message,
            id,
            vec![("status", field::text(MessageStatus::Cancelled.as_str()))],
        )
        .map(|_| ())
    })?;
    get(store, id)
}

/// When a message's next attempt is due, as an instant (for the UI's countdown).
pub fn next_attempt(m: &Message) -> Option<DateTime<Utc>> {
    m.next_attempt_at
        .as_deref()
        .and_then(|s| parse_instant(s).ok())
}

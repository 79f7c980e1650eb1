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

mod on_demand;
pub mod templates;

pub use on_demand::{queue_report, statement_queued};

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use rapportino_model::vocab::{MessageKind, MessageStatus};

use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, InterventionId, ReportId, TicketId};
use crate::labels::Locale;
use crate::store::settings::{get_setting_conn, hub_configured, to_json_text};
use crate::store::{field, Entity, Store, WriteTx};
use crate::time::{format_instant, parse_instant};

/// The shop's customer-mail settings (synced setting `mail`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MailSettings {
    /// Off until the shop sets up sending (an account, or "inviata dall'hub").
    pub enabled: bool,
    /// The kinds sent by default.
    pub kinds: Vec<MessageKind>,
    /// A copy of every message to the shop's own e-mail.
    pub cc_shop: bool,
    pub language: Locale,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            enabled: false,
            kinds: MessageKind::ALL.to_vec(),
            cc_shop: false,
            language: Locale::It,
        }
    }
}

/// One client's choices (synced setting `mail.client.<id>`): kinds it does not want (some want
/// only the reports), its PEC as a recipient too, its language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ClientMailPrefs {
    #[serde(default)]
    pub off: Vec<MessageKind>,
    #[serde(default)]
    pub to_pec: bool,
    #[serde(default)]
    pub language: Option<Locale>,
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Message {
    pub id: String,
    pub kind: MessageKind,
    pub client_id: ClientId,
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
     sent_at, attachments_ready, created_at, updated_at";

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

// ---- settings -------------------------------------------------------------------------------

pub fn settings(conn: &rusqlite::Connection) -> Result<MailSettings> {
    Ok(get_setting_conn(conn, "mail")?.unwrap_or_default())
}

pub fn set_settings(store: &mut Store, s: &MailSettings) -> Result<()> {
    let value = to_json_text(s)?;
    store.write(|tx| tx.upsert(Entity::Setting, "mail", vec![("value", value)]))
}

fn client_key(client: ClientId) -> String {
    format!("mail.client.{client}")
}

pub fn client_prefs(conn: &rusqlite::Connection, client: ClientId) -> Result<ClientMailPrefs> {
    Ok(get_setting_conn(conn, &client_key(client))?.unwrap_or_default())
}

pub fn set_client_prefs(store: &mut Store, client: ClientId, p: &ClientMailPrefs) -> Result<()> {
    let value = to_json_text(p)?;
    let key = client_key(client);
    store.write(|tx| tx.upsert(Entity::Setting, &key, vec![("value", value)]))
}

// ---- queueing (inside the event's transaction) ----------------------------------------------

/// What a message is built from.
struct Draft {
    kind: MessageKind,
    client_id: ClientId,
    ticket_id: Option<TicketId>,
    report_id: Option<ReportId>,
    period: Option<String>,
    facts: BTreeMap<&'static str, String>,
    /// The ticket's requester, who gets the message before the client's general address.
    requester_email: Option<String>,
    needs_attachment: bool,
}

/// After a ticket moved to `status` (opened, taken in charge, resolved): its message, if the
/// shop sends that kind.
pub(crate) fn on_ticket_status(
    tx: &mut WriteTx<'_>,
    ticket: TicketId,
    status: rapportino_model::status::TicketStatus,
) -> Result<()> {
    use rapportino_model::status::TicketStatus as S;
    let kind = match status {
        S::New => MessageKind::TicketOpened,
        S::Taken => MessageKind::TicketTaken,
        S::Resolved => MessageKind::TicketResolved,
        _ => return Ok(()),
    };
    if !wanted_kind(tx.conn(), kind)? {
        return Ok(());
    }
    let draft = ticket_draft(tx, kind, ticket)?;
    queue(tx, draft)
}

/// After a report was signed: the signed report to the customer (its PDF added by the device).
pub(crate) fn on_report_signed(tx: &mut WriteTx<'_>, report: ReportId) -> Result<()> {
    if !wanted_kind(tx.conn(), MessageKind::ReportSigned)? {
        return Ok(());
    }
    let draft = report_draft(tx, report)?;
    queue(tx, draft)
}

/// The message of a signed report (its PDF added by the device).
fn report_draft(tx: &WriteTx<'_>, report: ReportId) -> Result<Draft> {
    let (ticket, number, hash): (TicketId, String, Option<String>) = tx
        .conn()
        .prepare_cached(
            "SELECT i.ticket_id, r.number, r.snapshot_sha256 FROM reports r
             JOIN interventions i ON i.id = r.intervention_id WHERE r.id = ?1",
        )?
        .query_row([report], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let mut draft = ticket_draft(tx, MessageKind::ReportSigned, ticket)?;
    draft.report_id = Some(report);
    draft.facts.insert("report", number);
    draft.facts.insert("hash", hash.unwrap_or_default());
    draft.needs_attachment = true;
    Ok(draft)
}

/// After an intervention's outcome became "causa esterna al contratto".
pub(crate) fn on_out_of_contract(
    tx: &mut WriteTx<'_>,
    intervention: InterventionId,
    reason: &str,
) -> Result<()> {
    if !wanted_kind(tx.conn(), MessageKind::OutOfContract)? {
        return Ok(());
    }
    let ticket: TicketId = tx
        .conn()
        .prepare_cached("SELECT ticket_id FROM interventions WHERE id = ?1")?
        .query_row([intervention], |r| r.get(0))?;
    let mut draft = ticket_draft(tx, MessageKind::OutOfContract, ticket)?;
    draft.facts.insert("reason", reason.to_owned());
    queue(tx, draft)
}

/// Queues the month's statement for `client` (its PDF added by the device). `None` when the
/// shop does not send statements or the client opted out.
pub fn queue_statement(
    store: &mut Store,
    client: ClientId,
    year: i32,
    month: u32,
) -> Result<Option<Message>> {
    let id = store.write(|tx| {
        if !wanted_kind(tx.conn(), MessageKind::Statement)? {
            return Ok(None);
        }
        let mut facts = base_facts(tx.conn(), client)?;
        facts.insert("month", crate::labels::month_year(year, month, Locale::It));
        let draft = Draft {
            kind: MessageKind::Statement,
            client_id: client,
            ticket_id: None,
            report_id: None,
            period: Some(format!("{year:04}-{month:02}")),
            facts,
            requester_email: None,
            needs_attachment: true,
        };
        queue_returning(tx, draft)
    })?;
    id.map(|id| get(store, &id)).transpose()
}

fn wanted_kind(conn: &rusqlite::Connection, kind: MessageKind) -> Result<bool> {
    let s = settings(conn)?;
    Ok(s.enabled && s.kinds.contains(&kind))
}

/// The facts every message has: the shop and the client.
fn base_facts(
    conn: &rusqlite::Connection,
    client: ClientId,
) -> Result<BTreeMap<&'static str, String>> {
    let name: String = conn
        .prepare_cached("SELECT name FROM clients WHERE id = ?1")?
        .query_row([client], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("client", client))?;
    let shop = get_setting_conn::<serde_json::Value>(conn, "shop")?.unwrap_or_default();
    let mut facts = BTreeMap::new();
    facts.insert("client", name);
    facts.insert(
        "shop",
        shop.get("name")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned(),
    );
    Ok(facts)
}

fn ticket_draft(tx: &WriteTx<'_>, kind: MessageKind, ticket: TicketId) -> Result<Draft> {
    let conn = tx.conn();
    #[allow(clippy::type_complexity)]
    let (client, number, title, severity, origin, reported_at, estimate, technician, requester): (
        ClientId,
        String,
        String,
        rapportino_model::vocab::Severity,
        rapportino_model::vocab::Origin,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = conn
        .prepare_cached(
            "SELECT t.client_id, t.number, t.title, t.severity, t.origin, t.reported_at,
                    t.estimated_resolution_at, te.name, ct.email
             FROM tickets t
             LEFT JOIN technicians te ON te.id = t.assigned_technician_id
             LEFT JOIN contacts ct ON ct.id = t.contact_id
             WHERE t.id = ?1",
        )?
        .query_row([ticket], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("ticket", ticket))?;
    // The shop's own names of the severities, when it renamed them.
    let renamed = get_setting_conn::<serde_json::Value>(conn, "severity_labels")?
        .and_then(|v| v.get(severity.as_str())?.as_str().map(str::to_owned));
    let mut facts = base_facts(conn, client)?;
    let local = |s: &str| crate::format::local_datetime(s, tx.tz());
    facts.insert("ticket", number);
    facts.insert("title", title);
    facts.insert(
        "severity",
        renamed.unwrap_or_else(|| severity.label(Locale::It).to_owned()),
    );
    facts.insert("origin", origin.label(Locale::It).to_owned());
    facts.insert("reported_at", local(&reported_at));
    facts.insert(
        "estimate",
        estimate.as_deref().map(local).unwrap_or_default(),
    );
    facts.insert("technician", technician.unwrap_or_default());
    Ok(Draft {
        kind,
        client_id: client,
        ticket_id: Some(ticket),
        report_id: None,
        period: None,
        facts,
        requester_email: requester,
        needs_attachment: false,
    })
}

fn queue(tx: &mut WriteTx<'_>, draft: Draft) -> Result<()> {
    queue_returning(tx, draft).map(|_| ())
}

/// Writes the message of `draft` unless the client opted out of its kind; its id.
fn queue_returning(tx: &mut WriteTx<'_>, draft: Draft) -> Result<Option<String>> {
    let prefs = client_prefs(tx.conn(), draft.client_id)?;
    if prefs.off.contains(&draft.kind) {
        return Ok(None);
    }
    write_draft(tx, draft).map(Some)
}

/// Writes the message of `draft` (asked for by the user, or wanted by the client); its id.
fn write_draft(tx: &mut WriteTx<'_>, draft: Draft) -> Result<String> {
    let conn = tx.conn();
    let prefs = client_prefs(conn, draft.client_id)?;
    let shop_settings = settings(conn)?;
    let language = prefs.language.unwrap_or(shop_settings.language);
    let (client_email, client_pec): (Option<String>, Option<String>) = conn
        .prepare_cached("SELECT email, pec FROM clients WHERE id = ?1")?
        .query_row([draft.client_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let shop = get_setting_conn::<serde_json::Value>(conn, "shop")?.unwrap_or_default();
    let shop_email = shop
        .get("email")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let mut recipients: Vec<String> = Vec::new();
    if let Some(e) = draft.requester_email.or(client_email) {
        recipients.push(e);
    }
    if prefs.to_pec {
        recipients.extend(client_pec);
    }
    recipients.retain(|r| !r.trim().is_empty());
    recipients.dedup();
    let cc: Vec<String> = shop_email
        .iter()
        .filter(|_| shop_settings.cc_shop)
        .cloned()
        .collect();
    let template = templates::get(conn, draft.kind, language)?;
    let subject = templates::fill(&template.subject, &draft.facts);
    let body = templates::fill(&template.body, &draft.facts);
    let in_reply_to: Option<String> = match draft.ticket_id {
        Some(t) => conn
            .prepare_cached(
                "SELECT message_id FROM messages WHERE ticket_id = ?1
                 ORDER BY created_at, id LIMIT 1",
            )?
            .query_row([t], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let id = uuid::Uuid::now_v7();
    let domain = shop_email
        .as_deref()
        .and_then(|e| e.rsplit_once('@'))
        .map(|(_, d)| d.trim().to_ascii_lowercase())
        .filter(|d| {
            !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
        })
        .unwrap_or_else(|| "rapportino.invalid".to_owned());
    let sender = if hub_configured_conn(tx)? {
        "hub".to_owned()
    } else {
        crate::store::settings::device_code(conn)?
    };
    let status = if recipients.is_empty() {
        MessageStatus::Held
    } else {
        MessageStatus::Queued
    };
    let list =
        |v: &[String]| serde_json::Value::String(serde_json::to_string(v).unwrap_or_default());
    tx.insert(
        Entity::Message,
        &id.to_string(),
        vec![
            ("kind", field::text(draft.kind.as_str())),
            ("client_id", field::text(draft.client_id.to_string())),
            ("ticket_id", field::opt_id(draft.ticket_id)),
            ("report_id", field::opt_id(draft.report_id)),
            ("period", field::opt_text(draft.period)),
            ("language", field::text(language.as_str())),
            ("recipients", list(&recipients)),
            ("cc", list(&cc)),
            ("subject", field::text(subject)),
            ("body", field::text(body)),
            ("message_id", field::text(format!("<{id}@{domain}>"))),
            ("in_reply_to", field::opt_text(in_reply_to)),
            ("sender", field::text(sender)),
            ("status", field::text(status.as_str())),
            ("attempts", field::int(0)),
            ("attachments_ready", field::flag(!draft.needs_attachment)),
        ],
    )?;
    Ok(id.to_string())
}

fn hub_configured_conn(tx: &WriteTx<'_>) -> Result<bool> {
    Ok(crate::store::local_get(tx.conn(), crate::store::keys::HUB_URL)?.is_some())
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

// ---- attachments ----------------------------------------------------------------------------

/// An attachment as stored (its content read by [`attachment_bytes`]).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AttachmentInfo {
    pub id: String,
    pub name: String,
    pub mime_type: String,
    pub size: i64,
    pub sha256: String,
}

/// Largest attachment kept (a report or statement PDF is ~50–200 KiB).
pub const MAX_ATTACHMENT_BYTES: usize = 5 << 20;

/// Messages written by this device that still wait for their PDF.
pub fn awaiting_attachment(store: &Store) -> Result<Vec<Message>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages WHERE attachments_ready = 0 AND status <> 'cancelled'
         ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds the rendered PDF to `message` and marks it ready to send, in one transaction.
pub fn add_attachment(
    store: &mut Store,
    message: &str,
    name: &str,
    mime_type: &str,
    bytes: &[u8],
) -> Result<AttachmentInfo> {
    use base64::Engine as _;
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(Error::invalid(
            Code::OutOfRange,
            "attachment",
            format!(
                "{name} is {} KiB: attachments stop at {} KiB",
                bytes.len() / 1024,
                MAX_ATTACHMENT_BYTES / 1024
            ),
        ));
    }
    get(store, message)?;
    let id = uuid::Uuid::now_v7().to_string();
    let sha256 = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(bytes))
    };
    let content = base64::engine::general_purpose::STANDARD.encode(bytes);
    store.write(|tx| {
        tx.insert(
            Entity::MessageAttachment,
            &id,
            vec![
                ("message_id", field::text(message)),
                ("name", field::text(name)),
                ("mime_type", field::text(mime_type)),
                ("size", field::int(bytes.len() as i64)),
                ("sha256", field::text(&sha256)),
                ("content", field::text(content)),
            ],
        )?;
        tx.update(
            Entity::Message,
            message,
            vec![("attachments_ready", field::flag(true))],
        )
        .map(|_| ())
    })?;
    Ok(AttachmentInfo {
        id,
        name: name.to_owned(),
        mime_type: mime_type.to_owned(),
        size: bytes.len() as i64,
        sha256,
    })
}

/// The attachments of a message with their bytes.
pub fn attachment_bytes(store: &Store, message: &str) -> Result<Vec<(AttachmentInfo, Vec<u8>)>> {
    use base64::Engine as _;
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, name, mime_type, size, sha256, content FROM message_attachments
         WHERE message_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([message], |r| {
        Ok((
            AttachmentInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                mime_type: r.get(2)?,
                size: r.get(3)?,
                sha256: r.get(4)?,
            },
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (info, b64) = row?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| Error::Inconsistent(format!("attachment {}: {e}", info.id)))?;
        out.push((info, bytes));
    }
    Ok(out)
}

/// When a message's next attempt is due, as an instant (for the UI's countdown).
pub fn next_attempt(m: &Message) -> Option<DateTime<Utc>> {
    m.next_attempt_at
        .as_deref()
        .and_then(|s| parse_instant(s).ok())
}

//! The intake on this device: a one-person shop without a hub runs the same engine
//! (`rapportino-intake`) as the hub, through this device's write path, so everything it records
//! syncs later like any change. A request is taken inside a transaction: the engine decides
//! inside it (the idempotency key is looked up there) and the request's record — its key
//! unique — is written with the ticket, the customer message or nothing else, so a crash
//! between creating the ticket and flagging the mail leaves either both or neither, and the
//! next run finds the key and skips the mail. The collector's batch (up to 500 mails) is
//! one transaction ([`take_batch`]): committed before any of the batch is flagged; when a
//! ticket of it is refused, taken again with each mail under its own savepoint.
//!
//! Attachment content collected here stays in the unsynced `incoming_attachment_content` table
//! (by SHA-256); the listing syncs. Content the hub collected is fetched from it on demand and
//! kept in the same table (`fetch`).

mod device;
mod directory;
mod fetch;
mod history;
mod notices;
mod triage;

use rapportino_intake::{decide, Decision, IncomingRequest};
pub use rapportino_intake::{imap, Envelope, Rules};
use rapportino_model::vocab::{RequestStatus, Severity};
use rusqlite::OptionalExtension;
use serde::Serialize;
use ts_rs::TS;

pub use device::{
    collect_here, collects_here, inbox, remove_mailbox, set_mailbox, test_mailbox, InboxCheck,
    InboxRound, InboxSecurity, InboxView, MailboxSettings, MailboxView, POLL_SECS,
};
pub use fetch::{content_anywhere, finish_fetch, prepare_fetch, ContentAsk};
pub use history::{
    attachment_to_file, content_to_file, request_attachments, safe_file_name, ticket_attachments,
    waiting, waiting_count, AttachmentRow,
};
pub use notices::{take_urgent, UrgentNotice, FRESH_HOURS};
pub use triage::{assign, get, list, reject, Assignment, RequestRow};

use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, ContactId, TicketId};
use crate::store::{field, Entity, Fields, Store, WriteTx};
use crate::tickets::{self, NewTicket};
use crate::time::format_instant;
use directory::Dir;

/// What became of one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Taken {
    /// The request's record (None: already recorded before, nothing done).
    pub request_id: Option<String>,
    pub status: Option<RequestStatus>,
    pub reason: Option<String>,
    pub ticket_id: Option<TicketId>,
    pub ticket_number: Option<String>,
    pub urgent: bool,
}

impl Taken {
    fn duplicate() -> Self {
        Taken {
            request_id: None,
            status: None,
            reason: None,
            ticket_id: None,
            ticket_number: None,
            urgent: false,
        }
    }
}

/// Takes one request: decides and records it (see the module docs). A ticket the ticket rules
/// refuse (an entitlement, a bad field) sends the request to triage with the refusal's code
/// instead, so that no mail is fetched again for ever.
pub fn take(store: &mut Store, request: &IncomingRequest, rules: &Rules) -> Result<Taken> {
    match store.write(|tx| take_in(tx, request, rules)) {
        Err(e @ (Error::Database(_) | Error::Io(_) | Error::NotOnboarded)) => Err(e),
        Err(refused) => store.write(|tx| refused_to_triage(tx, request, &refused)),
        ok => ok,
    }
}

/// Takes a fetched batch in one transaction (one commit for the whole batch, not one per
/// mail): each request as [`take`], a refused ticket sent to triage. All or nothing: on a
/// storage failure nothing of the batch is recorded (and the collector flags none of it).
///
/// The batch is first taken without a savepoint per mail (a savepoint makes SQLite copy every
/// page a mail touches and FTS5 write its pending index out, mail by mail). When a ticket of
/// it is refused, that attempt is rolled back whole and the batch taken again with each mail
/// under its own savepoint, the refused one rolled back to it and sent to triage: the same
/// records either way.
pub fn take_batch(
    store: &mut Store,
    requests: &[&IncomingRequest],
    rules: &Rules,
) -> Result<Vec<Taken>> {
    let whole = store.write(|tx| {
        requests
            .iter()
            .map(|request| take_in(tx, request, rules))
            .collect::<Result<Vec<_>>>()
    });
    match whole {
        Err(Error::Database(_) | Error::Io(_) | Error::NotOnboarded) | Ok(_) => whole,
        Err(_refused) => take_batch_one_by_one(store, requests, rules),
    }
}

/// [`take_batch`] with a savepoint per mail: a refused ticket rolled back to its mail's
/// savepoint and the request sent to triage.
fn take_batch_one_by_one(
    store: &mut Store,
    requests: &[&IncomingRequest],
    rules: &Rules,
) -> Result<Vec<Taken>> {
    store.write(|tx| {
        let mut out = Vec::with_capacity(requests.len());
        for request in requests {
            let taken = match tx.savepoint(|tx| take_in(tx, request, rules)) {
                Ok(t) => t,
                Err(e @ (Error::Database(_) | Error::Io(_) | Error::NotOnboarded)) => {
                    return Err(e)
                }
                Err(refused) => refused_to_triage(tx, request, &refused)?,
            };
            out.push(taken);
        }
        Ok(out)
    })
}

fn refused_to_triage(
    tx: &mut WriteTx<'_>,
    request: &IncomingRequest,
    refused: &Error,
) -> Result<Taken> {
    let reason = format!("ticket_refused: {}", refused.code().as_str());
    let id = record(tx, request, RequestStatus::New, Some(&reason), None, None)?;
    Ok(Taken {
        request_id: Some(id),
        status: Some(RequestStatus::New),
        reason: Some(reason),
        ticket_id: None,
        ticket_number: None,
        urgent: rapportino_intake::is_urgent(&request.subject),
    })
}

fn take_in(tx: &mut WriteTx<'_>, request: &IncomingRequest, rules: &Rules) -> Result<Taken> {
    let decision = {
        let dir = Dir::new(tx.conn());
        let decided = decide(request, &dir, rules);
        dir.into_result(decided)?
    };
    let status = decision.status();
    let reason = decision.reason();
    let mut taken = Taken {
        request_id: None,
        status,
        reason: reason.clone(),
        ticket_id: None,
        ticket_number: None,
        urgent: false,
    };
    match decision {
        Decision::Duplicate => return Ok(Taken::duplicate()),
        Decision::Open {
            client_id,
            contact_id,
            urgent,
            title,
            description,
        } => {
            let client: ClientId = client_id.parse()?;
            let contact: ContactId = contact_id.parse()?;
            let ticket = TicketId::new();
            let number = open_for(
                tx,
                request,
                ticket,
                client,
                Some(contact),
                urgent,
                &title,
                &description,
            )?;
            let id = record(
                tx,
                request,
                RequestStatus::Ticketed,
                None,
                Some(client),
                Some(ticket),
            )?;
            taken.request_id = Some(id);
            taken.ticket_id = Some(ticket);
            taken.ticket_number = Some(number);
            taken.urgent = urgent;
        }
        Decision::Append {
            ticket,
            text,
            move_to,
        } => {
            let ticket_id: TicketId = ticket.id.parse()?;
            let client: ClientId = ticket.client_id.parse()?;
            taken.ticket_number = Some(ticket.number.clone());
            let id = record(
                tx,
                request,
                RequestStatus::Appended,
                None,
                Some(client),
                Some(ticket_id),
            )?;
            tx.insert(
                Entity::IncomingMessage,
                &uuid::Uuid::now_v7().to_string(),
                vec![
                    ("ticket_id", field::text(ticket_id.to_string())),
                    ("request_id", field::text(&id)),
                    (
                        "from_email",
                        field::text(request.sender_email.clone().unwrap_or_default()),
                    ),
                    ("from_name", field::opt_text(request.sender_name.clone())),
                    ("at", field::text(format_instant(request.received_at))),
                    ("body", field::text(text)),
                ],
            )?;
            if let Some(to) = move_to {
                let note = Some("Risposta del cliente via e-mail".to_owned());
                tickets::transition_in(tx, ticket_id, to, None, None, note)?;
            }
            taken.request_id = Some(id);
            taken.ticket_id = Some(ticket_id);
        }
        Decision::Ignore { .. } | Decision::Triage { .. } => {
            let status = status.unwrap_or(RequestStatus::New);
            let id = record(tx, request, status, reason.as_deref(), None, None)?;
            taken.request_id = Some(id);
            taken.urgent = rapportino_intake::is_urgent(&request.subject);
        }
    }
    Ok(taken)
}

/// Opens the ticket of a request: origin as it came, reported at its arrival, urgent from the
/// subject, the mailbox's category and service. Returns the ticket's number.
#[allow(clippy::too_many_arguments)]
pub(crate) fn open_for(
    tx: &mut WriteTx<'_>,
    request: &IncomingRequest,
    ticket: TicketId,
    client: ClientId,
    contact: Option<ContactId>,
    urgent: bool,
    title: &str,
    description: &str,
) -> Result<String> {
    let input = NewTicket {
        client_id: client,
        contact_id: contact,
        site_id: None,
        origin: request.origin,
        severity: Severity::Request,
        urgent,
        category: request.category.clone(),
        is_bug: false,
        title: title.to_owned(),
        description: Some(match rapportino_intake::attachments_not_kept(request) {
            Some(note) => format!("{description}\n\n{note}"),
            None => description.to_owned(),
        })
        .map(|d| d.chars().take(20_000).collect::<String>())
        .filter(|d| !d.trim().is_empty()),
        reported_at: None,
        assigned_technician_id: None,
        contract_id: None,
        extra_time_pin: None,
        priority_requested: false,
        out_of_scope: false,
        service: request.service.clone(),
    };
    // The response clock starts when the request arrived (never in the future).
    let reported_at = request.received_at.min(tx.now());
    tickets::open_in(tx, &input, ticket, None, reported_at, title)
}

/// Writes the request's record and its attachments' listing (content kept here by hash).
fn record(
    tx: &mut WriteTx<'_>,
    request: &IncomingRequest,
    status: RequestStatus,
    reason: Option<&str>,
    client: Option<ClientId>,
    ticket: Option<TicketId>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let handled = status != RequestStatus::New;
    let fields: Fields = vec![
        ("idempotency_key", field::text(&request.idempotency_key)),
        ("origin", request.origin.into()),
        ("source", field::text(clip(&request.source, 120))),
        (
            "sender_email",
            field::opt_text(request.sender_email.clone()),
        ),
        ("sender_name", field::opt_text(request.sender_name.clone())),
        ("subject", field::text(&request.subject)),
        (
            "body",
            field::opt_text(Some(request.body.clone()).filter(|b| !b.is_empty())),
        ),
        (
            "received_at",
            field::text(format_instant(request.received_at)),
        ),
        ("status", status.into()),
        ("reason", field::opt_text(reason)),
        (
            "urgent",
            field::flag(rapportino_intake::is_urgent(&request.subject)),
        ),
        ("category", field::opt_text(request.category.clone())),
        ("service", field::opt_text(request.service.clone())),
        ("client_id", field::opt_id(client)),
        ("ticket_id", field::opt_id(ticket)),
        ("message_id", field::opt_text(request.message_id.clone())),
        (
            "in_reply_to",
            field::opt_text(request.references.first().cloned()),
        ),
        (
            "handled_at",
            field::opt_text(handled.then(|| tx.now_text().to_owned())),
        ),
    ];
    tx.insert(Entity::IncomingRequest, &id, fields)?;
    for a in &request.attachments {
        if let Some(content) = &a.content {
            tx.conn()
                .prepare_cached(
                    "INSERT OR IGNORE INTO incoming_attachment_content (sha256, content)
                     VALUES (?1, ?2)",
                )?
                .execute(rusqlite::params![a.sha256, content])?;
        }
        tx.insert(
            Entity::IncomingAttachment,
            &uuid::Uuid::now_v7().to_string(),
            vec![
                ("request_id", field::text(&id)),
                ("name", field::text(&a.name)),
                ("mime_type", field::text(&a.mime_type)),
                ("size", serde_json::Value::from(a.size)),
                ("sha256", field::text(&a.sha256)),
                ("kept", field::flag(a.content.is_some())),
            ],
        )?;
    }
    Ok(id)
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The IMAP collector's sink on this device: each fetched batch taken in one transaction
/// ([`take_batch`]).
pub struct StoreSink<'s> {
    pub store: &'s mut Store,
    pub rules: Rules,
}

impl rapportino_intake::imap::Sink for StoreSink<'_> {
    fn take(
        &mut self,
        request: &IncomingRequest,
    ) -> std::result::Result<rapportino_intake::imap::Recorded, rapportino_intake::IntakeError>
    {
        take(self.store, request, &self.rules)
            .map(|t| rapportino_intake::imap::Recorded { status: t.status })
            .map_err(|e| rapportino_intake::IntakeError::Record(e.to_string()))
    }

    fn take_batch(
        &mut self,
        requests: &[(u32, IncomingRequest)],
    ) -> (
        Vec<(u32, rapportino_intake::imap::Recorded)>,
        Option<rapportino_intake::IntakeError>,
    ) {
        batch_into(self.store, requests, &self.rules)
    }
}

fn batch_into(
    store: &mut Store,
    requests: &[(u32, IncomingRequest)],
    rules: &Rules,
) -> (
    Vec<(u32, rapportino_intake::imap::Recorded)>,
    Option<rapportino_intake::IntakeError>,
) {
    let refs: Vec<&IncomingRequest> = requests.iter().map(|(_, r)| r).collect();
    match take_batch(store, &refs, rules) {
        Ok(taken) => (
            requests
                .iter()
                .zip(taken)
                .map(|((uid, _), t)| (*uid, rapportino_intake::imap::Recorded { status: t.status }))
                .collect(),
            None,
        ),
        Err(e) => (
            Vec::new(),
            Some(rapportino_intake::IntakeError::Record(e.to_string())),
        ),
    }
}

/// A sink on a database shared by several collectors (one per mailbox): each request taken
/// under the lock, in its own transaction as [`StoreSink`].
pub struct SharedStoreSink<'s, 'a> {
    pub store: &'s std::sync::Mutex<&'a mut Store>,
    pub rules: Rules,
}

impl rapportino_intake::imap::Sink for SharedStoreSink<'_, '_> {
    fn take(
        &mut self,
        request: &IncomingRequest,
    ) -> std::result::Result<rapportino_intake::imap::Recorded, rapportino_intake::IntakeError>
    {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        take(&mut store, request, &self.rules)
            .map(|t| rapportino_intake::imap::Recorded { status: t.status })
            .map_err(|e| rapportino_intake::IntakeError::Record(e.to_string()))
    }

    fn take_batch(
        &mut self,
        requests: &[(u32, IncomingRequest)],
    ) -> (
        Vec<(u32, rapportino_intake::imap::Recorded)>,
        Option<rapportino_intake::IntakeError>,
    ) {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        batch_into(&mut store, requests, &self.rules)
    }
}

/// Collects every mailbox of `config` into this device's database until `stop` says so (IDLE,
/// else polling; one collector per mailbox, writes serialised), every round to `on_round`.
pub fn watch(
    store: &mut Store,
    config: &imap::IntakeConfig,
    stop: &(dyn Fn() -> bool + Sync),
    on_round: &(dyn Fn(std::result::Result<imap::RoundReport, rapportino_intake::IntakeError>)
          + Sync),
) -> Result<()> {
    let shared = std::sync::Mutex::new(store);
    let sinks = config
        .mailboxes
        .iter()
        .map(|_| SharedStoreSink {
            store: &shared,
            rules: config.rules.clone(),
        })
        .collect();
    imap::run_all_blocking(&config.mailboxes, sinks, stop, on_round).map_err(intake_error)
}

/// The intake's errors as core errors: its IMAP failures carry the mail codes (the same words
/// the outbox uses for the same server troubles).
pub fn intake_error(e: rapportino_intake::IntakeError) -> Error {
    use rapportino_intake::IntakeError as I;
    let (code, message) = match &e {
        I::Config(m) => (Code::MailConfigInvalid, m.clone()),
        I::Connect(m) | I::Imap(m) => (Code::MailUnreachable, m.clone()),
        I::Login(m) => (Code::MailAuthFailed, m.clone()),
        I::Directory(m) | I::Record(m) => (Code::Database, m.clone()),
    };
    Error::invalid(code, "intake", message)
}

/// One round on one mailbox into this device's database (a one-person shop without a hub).
pub fn collect(
    store: &mut Store,
    mailbox: &imap::MailboxConfig,
    rules: &Rules,
) -> Result<imap::RoundReport> {
    let mut sink = StoreSink {
        store,
        rules: rules.clone(),
    };
    imap::collect_once_blocking(mailbox, &mut sink).map_err(intake_error)
}

/// The content of an attachment this device collected, by hash (None: not kept here).
pub fn attachment_content(store: &Store, sha256: &str) -> Result<Option<Vec<u8>>> {
    Ok(store
        .conn()
        .prepare_cached("SELECT content FROM incoming_attachment_content WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get(0))
        .optional()?)
}

/// The customer messages on a ticket, oldest first.
pub fn ticket_messages(store: &Store, ticket: TicketId) -> Result<Vec<CustomerMessage>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, request_id, from_email, from_name, at, body FROM incoming_messages
         WHERE ticket_id = ?1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map([ticket], |r| {
        Ok(CustomerMessage {
            id: r.get(0)?,
            request_id: r.get(1)?,
            from_email: r.get(2)?,
            from_name: r.get(3)?,
            at: r.get(4)?,
            body: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A customer's message in a ticket's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerMessage {
    pub id: String,
    pub request_id: Option<String>,
    pub from_email: String,
    pub from_name: Option<String>,
    pub at: String,
    pub body: String,
}

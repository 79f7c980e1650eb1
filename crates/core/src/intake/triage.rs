//! "Da smistare": the requests nobody authorised sent, for the office to assign to a client (and
//! perhaps add the sender as its contact) or to reject. Each step is one transaction of the write
//! path, so it syncs like any change.

use chrono::DateTime;
use rapportino_intake::{Attachment, IncomingRequest};
use rapportino_model::vocab::{Origin, RequestStatus};
use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::contacts::{self, ContactInput};
use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, ContactId, TicketId};
use crate::store::{field, Entity, Store};
use crate::validate::{self, limits};

/// A recorded request as the app and the CLI list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RequestRow {
    pub id: String,
    pub origin: Origin,
    pub source: String,
    pub sender_email: Option<String>,
    pub sender_name: Option<String>,
    pub subject: String,
    pub body: Option<String>,
    pub received_at: String,
    pub status: RequestStatus,
    pub reason: Option<String>,
    pub urgent: bool,
    pub client_id: Option<ClientId>,
    pub ticket_id: Option<TicketId>,
    pub attachments: i64,
}

const COLUMNS: &str = "r.id, r.origin, r.source, r.sender_email, r.sender_name, r.subject, r.body,
    r.received_at, r.status, r.reason, r.urgent, r.client_id, r.ticket_id,
    (SELECT count(*) FROM incoming_attachments a WHERE a.request_id = r.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        id: r.get(0)?,
        origin: r.get(1)?,
        source: r.get(2)?,
        sender_email: r.get(3)?,
        sender_name: r.get(4)?,
        subject: r.get(5)?,
        body: r.get(6)?,
        received_at: r.get(7)?,
        status: r.get(8)?,
        reason: r.get(9)?,
        urgent: r.get(10)?,
        client_id: r.get(11)?,
        ticket_id: r.get(12)?,
        attachments: r.get(13)?,
    })
}

/// The recorded requests with `status` (all when None), urgent first, then oldest first.
pub fn list(store: &Store, status: Option<RequestStatus>) -> Result<Vec<RequestRow>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM incoming_requests r
         WHERE ?1 IS NULL OR r.status = ?1
         ORDER BY r.urgent DESC, r.received_at, r.id LIMIT 1000"
    ))?;
    let rows = stmt.query_map([status], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn get(store: &Store, id: &str) -> Result<RequestRow> {
    store
        .conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM incoming_requests r WHERE r.id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("incoming_request", id))
}

/// How the office assigns a request.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct Assignment {
    pub client_id: ClientId,
    /// Add the sender as an authorised contact of the client (their next mail becomes a ticket
    /// by itself), under this name (default: the name in the mail, else the address).
    #[serde(default)]
    pub add_contact: bool,
    #[serde(default)]
    #[ts(optional)]
    pub contact_name: Option<String>,
}

fn ensure_new(row: &RequestRow) -> Result<()> {
    if row.status == RequestStatus::New {
        Ok(())
    } else {
        Err(Error::Inconsistent(format!(
            "the request is {} already: only new requests are triaged",
            row.status
        )))
    }
}

/// Assigns a waiting request to a client: its ticket is opened as the intake would have
/// (reported at the arrival, urgent from the subject), the request marked `assigned`.
pub fn assign(store: &mut Store, id: &str, a: &Assignment) -> Result<RequestRow> {
    let row = get(store, id)?;
    ensure_new(&row)?;
    crate::clients::ensure_exists(store.conn(), a.client_id)?;
    let contact_input = if a.add_contact {
        let Some(email) = row.sender_email.clone() else {
            return Err(Error::invalid(
                Code::Required,
                "add_contact",
                "the request has no sender address to add",
            ));
        };
        let name = a
            .contact_name
            .clone()
            .or_else(|| row.sender_name.clone())
            .unwrap_or_else(|| email.clone());
        let name = validate::required_text("contact_name", &name, limits::NAME)?;
        Some(ContactInput {
            name,
            email: Some(email),
            authorised: true,
            ..ContactInput::default()
        })
    } else {
        None
    };
    let received_at = DateTime::parse_from_rfc3339(&row.received_at)
        .map_err(|e| Error::Inconsistent(format!("received_at: {e}")))?
        .with_timezone(&chrono::Utc);
    let request = IncomingRequest {
        idempotency_key: String::new(),
        origin: row.origin,
        source: row.source.clone(),
        sender_email: row.sender_email.clone(),
        sender_name: row.sender_name.clone(),
        subject: row.subject.clone(),
        body: row.body.clone().unwrap_or_default(),
        received_at,
        sent_at: None,
        message_id: None,
        references: Vec::new(),
        attachments: Vec::<Attachment>::new(),
        loop_signal: None,
        category: None,
        service: None,
    };
    let (category, service): (Option<String>, Option<String>) = store
        .conn()
        .prepare_cached("SELECT category, service FROM incoming_requests WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let request = IncomingRequest {
        category,
        service,
        ..request
    };
    let ticket = TicketId::new();
    store.write(|tx| {
        let contact = match &contact_input {
            Some(input) => {
                let mut fields = contacts::validated_fields(input)?;
                fields.insert(0, ("client_id", field::text(a.client_id.to_string())));
                let cid = ContactId::new();
                tx.insert(Entity::Contact, &cid.to_string(), fields)?;
                Some(cid)
            }
            None => None,
        };
        let title = rapportino_intake::title_of(&request.subject);
        super::open_for(
            tx,
            &request,
            ticket,
            a.client_id,
            contact,
            row.urgent,
            &title,
            &request.body,
        )?;
        tx.update(
            Entity::IncomingRequest,
            id,
            vec![
                ("status", RequestStatus::Assigned.into()),
                ("client_id", field::text(a.client_id.to_string())),
                ("ticket_id", field::text(ticket.to_string())),
                ("handled_at", field::text(tx.now_text().to_owned())),
            ],
        )?;
        Ok(())
    })?;
    get(store, id)
}

/// Rejects a waiting request, with the reason the office gives.
pub fn reject(store: &mut Store, id: &str, reason: &str) -> Result<RequestRow> {
    let row = get(store, id)?;
    ensure_new(&row)?;
    let reason = validate::required_text("reason", reason, limits::NOTES)?;
    let message_id: Option<String> = store
        .conn()
        .prepare_cached("SELECT message_id FROM incoming_requests WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    store.write(|tx| {
        tx.update(
            Entity::IncomingRequest,
            id,
            vec![
                ("status", RequestStatus::Rejected.into()),
                ("reason", field::text(reason)),
                ("handled_at", field::text(tx.now_text().to_owned())),
            ],
        )?;
        // The polite reply, in the same transaction: only to a person who wrote (a mail or a
        // form with an address). A mail marked automatic never reaches triage (the engine
        // ignores it), so this never answers a machine.
        let replies = matches!(row.origin, Origin::Email | Origin::WebForm);
        if let Some(sender) = row.sender_email.as_deref().filter(|_| replies) {
            crate::outbox::on_request_declined(
                tx,
                &crate::outbox::Declined {
                    sender_email: sender,
                    sender_name: row.sender_name.as_deref(),
                    subject: &row.subject,
                    received_at: &row.received_at,
                    message_id: message_id.as_deref(),
                },
            )?;
        }
        Ok(())
    })?;
    get(store, id)
}

//! Every statement of the reserved area, on both engines (`storage::plain`): sign-in links,
//! sessions and the access log (hub-only tables), and the reads of the synced rows, each
//! filtered by the session's client in its SQL.

use serde_json::{Map, Value};

use crate::error::HubError;
use crate::storage::plain::{PlainTx, SqlValue};
use crate::storage::Storage;

/// A live contact as the synced row has it.
#[derive(Debug, Clone)]
pub struct Contact {
    pub id: String,
    pub client_id: String,
    pub name: String,
    pub email: String,
}

/// Whether a contact row may use the reserved area: live, authorised, not archived.
fn usable(fields: &Map<String, Value>) -> bool {
    let truthy = |k: &str| match fields.get(k) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0) != 0,
        Some(Value::String(s)) => s == "1" || s == "true",
        _ => false,
    };
    truthy("authorised") && !truthy("archived")
}

fn text(f: &Map<String, Value>, k: &str) -> String {
    f.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn fields_of(v: &SqlValue) -> Map<String, Value> {
    v.text()
        .and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok())
        .unwrap_or_default()
}

fn contact_from(id: &str, f: &Map<String, Value>) -> Contact {
    Contact {
        id: id.to_owned(),
        client_id: text(f, "client_id"),
        name: text(f, "name"),
        email: text(f, "email").to_lowercase(),
    }
}

/// The authorised contacts with this address (lower case), one per client (the lowest id, as
/// the intake picks it).
pub fn contacts_by_email(tx: &mut dyn PlainTx, email: &str) -> Result<Vec<Contact>, HubError> {
    let d = tx.dialect();
    let sql = format!(
        "SELECT entity_id, fields FROM hub_rows
         WHERE entity = 'contact' AND {f} = $1 AND deleted IS NULL
         ORDER BY entity_id LIMIT 200",
        f = d.json_text("fields", "email")
    );
    let mut out: Vec<Contact> = Vec::new();
    for row in tx.query(&sql, &[email.into()])? {
        let id = row[0].text().unwrap_or_default().to_owned();
        let f = fields_of(&row[1]);
        if usable(&f) {
            let c = contact_from(&id, &f);
            if !c.client_id.is_empty() && !out.iter().any(|o| o.client_id == c.client_id) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// The contact `id` when it is still a live authorised contact of `client_id`.
pub fn live_contact(
    tx: &mut dyn PlainTx,
    id: &str,
    client_id: &str,
) -> Result<Option<Contact>, HubError> {
    let rows = tx.query(
        "SELECT fields FROM hub_rows WHERE entity = 'contact' AND entity_id = $1 AND deleted IS NULL",
        &[id.into()],
    )?;
    Ok(rows.first().and_then(|row| {
        let f = fields_of(&row[0]);
        let c = contact_from(id, &f);
        (usable(&f) && c.client_id == client_id).then_some(c)
    }))
}

/// The client's name.
pub fn client_name(tx: &mut dyn PlainTx, client_id: &str) -> Result<String, HubError> {
    let rows = tx.query(
        "SELECT fields FROM hub_rows WHERE entity = 'client' AND entity_id = $1",
        &[client_id.into()],
    )?;
    Ok(rows
        .first()
        .map(|r| text(&fields_of(&r[0]), "name"))
        .unwrap_or_default())
}

// --- Sign-in links --------------------------------------------------------------------------

pub fn insert_link(
    tx: &mut dyn PlainTx,
    token_hash: &str,
    contact: &Contact,
    now: i64,
    expires_at: i64,
) -> Result<(), HubError> {
    // Links long expired are of no use to anyone: dropped as new ones are made.
    tx.exec(
        "DELETE FROM portal_links WHERE expires_at < $1",
        &[(now - 86_400).into()],
    )?;
    tx.exec(
        "INSERT INTO portal_links (token_hash, contact_id, client_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            token_hash.into(),
            contact.id.as_str().into(),
            contact.client_id.as_str().into(),
            now.into(),
            expires_at.into(),
        ],
    )?;
    Ok(())
}

/// Why a link was refused (the codes are stable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    Invalid,
    Used,
    Expired,
}

impl LinkRefusal {
    pub fn code(self) -> &'static str {
        match self {
            LinkRefusal::Invalid => "LINK_INVALID",
            LinkRefusal::Used => "LINK_USED",
            LinkRefusal::Expired => "LINK_EXPIRED",
        }
    }
}

/// Spends the link `token_hash` at `now` and opens a session `session_hash` for its contact,
/// in the caller's one transaction: the conditional UPDATE marks the link used only if it is
/// unused and unexpired, so of two concurrent posts of one link exactly one gets a session.
/// The contact must still be authorised for the link's client.
pub fn spend_link(
    tx: &mut dyn PlainTx,
    token_hash: &str,
    session_hash: &str,
    now: i64,
    absolute_secs: i64,
) -> Result<Result<Contact, LinkRefusal>, HubError> {
    let spent = tx.exec(
        "UPDATE portal_links SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        &[now.into(), token_hash.into()],
    )?;
    let rows = tx.query(
        "SELECT contact_id, client_id, used_at, expires_at FROM portal_links WHERE token_hash = $1",
        &[token_hash.into()],
    )?;
    let Some(row) = rows.first() else {
        return Ok(Err(LinkRefusal::Invalid));
    };
    if spent != 1 {
        let used = !matches!(row[2], SqlValue::Null);
        return Ok(Err(if used {
            LinkRefusal::Used
        } else {
            LinkRefusal::Expired
        }));
    }
    let contact_id = row[0].text().unwrap_or_default().to_owned();
    let client_id = row[1].text().unwrap_or_default().to_owned();
    let Some(contact) = live_contact(tx, &contact_id, &client_id)? else {
        return Ok(Err(LinkRefusal::Invalid));
    };
    tx.exec(
        "INSERT INTO portal_sessions (id_hash, contact_id, client_id, created_at, last_seen_at,
             expires_at)
         VALUES ($1, $2, $3, $4, $4, $5)",
        &[
            session_hash.into(),
            contact_id.into(),
            client_id.into(),
            now.into(),
            (now + absolute_secs).into(),
        ],
    )?;
    Ok(Ok(contact))
}

// --- Sessions -------------------------------------------------------------------------------

/// The session `session_hash` when open at `now` (not ended, within its absolute expiry, seen
/// within `idle_secs`): its contact and client. Its last view is moved to `now` (at most once
/// a minute).
pub fn open_session(
    tx: &mut dyn PlainTx,
    session_hash: &str,
    now: i64,
    idle_secs: i64,
) -> Result<Option<(String, String)>, HubError> {
    let rows = tx.query(
        "SELECT contact_id, client_id, last_seen_at FROM portal_sessions
         WHERE id_hash = $1 AND ended_at IS NULL AND expires_at > $2 AND last_seen_at > $3",
        &[session_hash.into(), now.into(), (now - idle_secs).into()],
    )?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    if row[2].int().unwrap_or(0) < now - 60 {
        tx.exec(
            "UPDATE portal_sessions SET last_seen_at = $1 WHERE id_hash = $2",
            &[now.into(), session_hash.into()],
        )?;
    }
    Ok(Some((
        row[0].text().unwrap_or_default().to_owned(),
        row[1].text().unwrap_or_default().to_owned(),
    )))
}

pub fn end_session(tx: &mut dyn PlainTx, session_hash: &str, now: i64) -> Result<(), HubError> {
    tx.exec(
        "UPDATE portal_sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
        &[now.into(), session_hash.into()],
    )?;
    Ok(())
}

/// Ends every open session of the contact; how many.
pub fn end_all_sessions(tx: &mut dyn PlainTx, contact_id: &str, now: i64) -> Result<u64, HubError> {
    tx.exec(
        "UPDATE portal_sessions SET ended_at = $1 WHERE contact_id = $2 AND ended_at IS NULL",
        &[now.into(), contact_id.into()],
    )
}

// --- The access log -------------------------------------------------------------------------

/// One line of the access log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Access {
    /// Unix seconds.
    pub at: i64,
    pub contact_id: String,
    pub client_id: String,
    pub ip: String,
    /// What was done (`sign_in`, `tickets`, `ticket`, `ticket_denied`, `request`, `sign_out`,
    /// `sign_out_everywhere`).
    pub action: String,
    pub record_id: Option<String>,
}

pub fn log_access(tx: &mut dyn PlainTx, a: &Access) -> Result<(), HubError> {
    tx.exec(
        "INSERT INTO portal_access_log (at, contact_id, client_id, ip, action, record_id)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            a.at.into(),
            a.contact_id.as_str().into(),
            a.client_id.as_str().into(),
            a.ip.as_str().into(),
            a.action.as_str().into(),
            a.record_id
                .clone()
                .map(SqlValue::Text)
                .unwrap_or(SqlValue::Text(String::new())),
        ],
    )?;
    Ok(())
}

/// The latest `limit` lines, newest first.
pub fn access_log(storage: &Storage, limit: i64) -> Result<Vec<Access>, HubError> {
    storage.plain(|tx| {
        let rows = tx.query(
            "SELECT at, contact_id, client_id, ip, action, record_id FROM portal_access_log
             ORDER BY id DESC LIMIT $1",
            &[limit.clamp(1, 10_000).into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| Access {
                at: r[0].int().unwrap_or(0),
                contact_id: r[1].text().unwrap_or_default().to_owned(),
                client_id: r[2].text().unwrap_or_default().to_owned(),
                ip: r[3].text().unwrap_or_default().to_owned(),
                action: r[4].text().unwrap_or_default().to_owned(),
                record_id: r[5].text().filter(|t| !t.is_empty()).map(str::to_owned),
            })
            .collect())
    })
}

// --- The client's tickets -------------------------------------------------------------------

/// A ticket as the reserved area shows it: only customer-visible fields.
#[derive(Debug, Clone)]
pub struct TicketLine {
    pub id: String,
    pub number: String,
    pub title: String,
    pub status: String,
    pub severity: String,
    pub urgent: bool,
    pub reported_at: String,
    pub estimated_resolution_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
}

fn ticket_from(id: &str, f: &Map<String, Value>) -> TicketLine {
    let opt = |k: &str| f.get(k).and_then(Value::as_str).map(str::to_owned);
    TicketLine {
        id: id.to_owned(),
        number: text(f, "number"),
        title: text(f, "title"),
        status: text(f, "status"),
        severity: text(f, "severity"),
        urgent: matches!(f.get("urgent"), Some(Value::Bool(true)))
            || f.get("urgent").and_then(Value::as_i64) == Some(1),
        reported_at: text(f, "reported_at"),
        estimated_resolution_at: opt("estimated_resolution_at"),
        resolved_at: opt("resolved_at"),
        closed_at: opt("closed_at"),
    }
}

/// The statuses a ticket is finished in (listed after the open ones).
const FINISHED: &str = "('resolved', 'closed', 'cancelled')";

/// Page `page` (from 0) of the client's live tickets, open first, newest first within each
/// group; `size + 1` asked so the caller knows whether a next page exists.
pub fn tickets_page(
    tx: &mut dyn PlainTx,
    client_id: &str,
    page: i64,
    size: i64,
) -> Result<Vec<TicketLine>, HubError> {
    let d = tx.dialect();
    let sql = format!(
        "SELECT entity_id, fields FROM hub_rows
         WHERE entity = 'ticket' AND {client} = $1 AND deleted IS NULL
         ORDER BY CASE WHEN {status} IN {FINISHED} THEN 1 ELSE 0 END,
                  {opened} DESC, entity_id DESC
         LIMIT $2 OFFSET $3",
        client = d.json_text("fields", "client_id"),
        status = d.json_text("fields", "status"),
        opened = d.json_text("fields", "opened_at"),
    );
    let rows = tx.query(
        &sql,
        &[client_id.into(), (size + 1).into(), (page * size).into()],
    )?;
    Ok(rows
        .iter()
        .map(|r| ticket_from(r[0].text().unwrap_or_default(), &fields_of(&r[1])))
        .collect())
}

/// The ticket `id` when it is a live ticket of `client_id` (another client's is `None`, like a
/// missing one).
pub fn ticket_of_client(
    tx: &mut dyn PlainTx,
    client_id: &str,
    id: &str,
) -> Result<Option<TicketLine>, HubError> {
    let d = tx.dialect();
    let sql = format!(
        "SELECT entity_id, fields FROM hub_rows
         WHERE entity = 'ticket' AND entity_id = $1 AND {client} = $2 AND deleted IS NULL",
        client = d.json_text("fields", "client_id"),
    );
    let rows = tx.query(&sql, &[id.into(), client_id.into()])?;
    Ok(rows
        .first()
        .map(|r| ticket_from(r[0].text().unwrap_or_default(), &fields_of(&r[1]))))
}

/// One entry of a ticket's customer-visible history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// The status moved (never the event's note nor its technician: those are internal).
    Status {
        at: String,
        from: Option<String>,
        to: String,
    },
    /// The customer's own words: the request that opened or joined the ticket, a reply.
    FromCustomer {
        at: String,
        name: String,
        subject: String,
        body: String,
    },
    /// A mail the shop sent the customer about the ticket (only once sent).
    ToCustomer {
        at: String,
        subject: String,
        body: String,
    },
}

impl Entry {
    pub fn at(&self) -> &str {
        match self {
            Entry::Status { at, .. }
            | Entry::FromCustomer { at, .. }
            | Entry::ToCustomer { at, .. } => at,
        }
    }
}

/// The ticket's customer-visible history, oldest first. The caller has checked that the ticket
/// is the client's; a message is also checked against the client.
pub fn history(
    tx: &mut dyn PlainTx,
    client_id: &str,
    ticket_id: &str,
) -> Result<Vec<Entry>, HubError> {
    let d = tx.dialect();
    let sql = format!(
        "SELECT entity, fields FROM hub_rows
         WHERE entity IN ('ticket_event', 'incoming_message', 'message', 'incoming_request')
           AND {ticket} = $1 AND deleted IS NULL
         ORDER BY entity_id",
        ticket = d.json_text("fields", "ticket_id"),
    );
    let mut out = Vec::new();
    for row in tx.query(&sql, &[ticket_id.into()])? {
        let f = fields_of(&row[1]);
        let opt = |k: &str| f.get(k).and_then(Value::as_str).map(str::to_owned);
        match row[0].text().unwrap_or_default() {
            "ticket_event" => out.push(Entry::Status {
                at: text(&f, "at"),
                from: opt("from_status"),
                to: text(&f, "to_status"),
            }),
            "incoming_message" => out.push(Entry::FromCustomer {
                at: text(&f, "at"),
                name: opt("from_name").unwrap_or_else(|| text(&f, "from_email")),
                subject: String::new(),
                body: text(&f, "body"),
            }),
            "incoming_request" if text(&f, "client_id") == client_id => {
                out.push(Entry::FromCustomer {
                    at: text(&f, "received_at"),
                    name: opt("sender_name").unwrap_or_else(|| text(&f, "sender_email")),
                    subject: text(&f, "subject"),
                    body: text(&f, "body"),
                })
            }
            "message" if text(&f, "client_id") == client_id && text(&f, "status") == "sent" => out
                .push(Entry::ToCustomer {
                    at: opt("sent_at").unwrap_or_else(|| text(&f, "created_at")),
                    subject: text(&f, "subject"),
                    body: text(&f, "body"),
                }),
            _ => {}
        }
    }
    out.sort_by(|a, b| a.at().cmp(b.at()));
    Ok(out)
}

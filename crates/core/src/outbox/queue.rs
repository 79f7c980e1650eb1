//! Queueing, inside the transaction of the event that causes the message: the facts of the
//! ticket, report or month, the recipients, the words (templates) and the one sender.

use std::collections::BTreeMap;

use rusqlite::OptionalExtension;

use super::settings::{client_prefs, settings};
use super::{get, templates, Message, MessageKind, MessageStatus};
use crate::error::{Error, Result};
use crate::ids::{ClientId, InterventionId, QuoteId, ReportId, TicketId};
use crate::labels::Locale;
use crate::store::settings::get_setting_conn;
use crate::store::{field, Entity, Store, WriteTx};

/// What a message is built from.
pub(super) struct Draft {
    kind: MessageKind,
    client_id: ClientId,
    ticket_id: Option<TicketId>,
    report_id: Option<ReportId>,
    quote_id: Option<QuoteId>,
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
    if !wanted_kind(tx, kind)? {
        return Ok(());
    }
    let draft = ticket_draft(tx, kind, ticket)?;
    queue(tx, draft)
}

/// After a report was signed: the signed report to the customer (its PDF added by the device).
pub(crate) fn on_report_signed(tx: &mut WriteTx<'_>, report: ReportId) -> Result<()> {
    if !wanted_kind(tx, MessageKind::ReportSigned)? {
        return Ok(());
    }
    let draft = report_draft(tx, report)?;
    queue(tx, draft)
}

/// The message of a signed report (its PDF added by the device).
pub(super) fn report_draft(tx: &WriteTx<'_>, report: ReportId) -> Result<Draft> {
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

/// A quote sent to the customer, asked for by the user (the shop's kinds and the client's
/// opt-out do not stop it): its message, its PDF added by the device; `None` when customer mail
/// is off (the quote is then handed over by other means).
pub(crate) fn queue_quote(tx: &mut WriteTx<'_>, quote: QuoteId) -> Result<Option<String>> {
    if !settings(tx.conn())?.enabled {
        return Ok(None);
    }
    #[allow(clippy::type_complexity)]
    let (client, ticket, number, valid_until, lines): (
        ClientId,
        Option<TicketId>,
        String,
        String,
        String,
    ) = tx
        .conn()
        .prepare_cached(
            "SELECT client_id, ticket_id, number, valid_until, lines FROM quotes WHERE id = ?1",
        )?
        .query_row([quote], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("quote", quote))?;
    let mut draft = match ticket {
        Some(t) => ticket_draft(tx, MessageKind::Quote, t)?,
        None => Draft {
            kind: MessageKind::Quote,
            client_id: client,
            ticket_id: None,
            report_id: None,
            quote_id: None,
            period: None,
            facts: base_facts(tx.conn(), client)?,
            requester_email: None,
            needs_attachment: true,
        },
    };
    // The total as the customer reads it (VAT included), from the lines as they are sent.
    let lines: Vec<serde_json::Value> = serde_json::from_str(&lines).unwrap_or_default();
    let totals = crate::vat::totals(lines.iter().map(|l| {
        let int = |k: &str| l.get(k).and_then(serde_json::Value::as_i64).unwrap_or(0);
        let quantity = l
            .get("quantity")
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(0.0);
        (
            int("vat_rate"),
            crate::vat::line_net(quantity, int("unit_price_cents")),
        )
    }));
    draft.quote_id = Some(quote);
    draft.needs_attachment = true;
    draft.facts.insert("quote", number);
    draft
        .facts
        .insert("total", crate::format::euro(totals.total_cents));
    draft.facts.insert(
        "valid_until",
        chrono::NaiveDate::parse_from_str(&valid_until, "%Y-%m-%d")
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or(valid_until),
    );
    write_draft(tx, draft).map(Some)
}

/// After an intervention's outcome became "causa esterna al contratto".
pub(crate) fn on_out_of_contract(
    tx: &mut WriteTx<'_>,
    intervention: InterventionId,
    reason: &str,
) -> Result<()> {
    if !wanted_kind(tx, MessageKind::OutOfContract)? {
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
        if !wanted_kind(tx, MessageKind::Statement)? {
            return Ok(None);
        }
        let mut facts = base_facts(tx.conn(), client)?;
        facts.insert("month", crate::labels::month_year(year, month, Locale::It));
        let draft = Draft {
            kind: MessageKind::Statement,
            client_id: client,
            ticket_id: None,
            report_id: None,
            quote_id: None,
            period: Some(format!("{year:04}-{month:02}")),
            facts,
            requester_email: None,
            needs_attachment: true,
        };
        queue_returning(tx, draft)
    })?;
    id.map(|id| get(store, &id)).transpose()
}

/// Whether the shop sends this kind of message (the mail settings, read once per transaction).
fn wanted_kind(tx: &WriteTx<'_>, kind: MessageKind) -> Result<bool> {
    let s: super::MailSettings = tx.setting("mail")?.unwrap_or_default();
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
        quote_id: None,
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
pub(super) fn write_draft(tx: &mut WriteTx<'_>, draft: Draft) -> Result<String> {
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
    let domain = message_domain(shop_email.as_deref());
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
            ("quote_id", field::opt_id(draft.quote_id)),
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

/// The stranger's request the office declined, as the polite reply needs it.
pub(crate) struct Declined<'a> {
    pub sender_email: &'a str,
    pub sender_name: Option<&'a str>,
    pub subject: &'a str,
    /// When it arrived (RFC 3339).
    pub received_at: &'a str,
    /// Its Message-ID (without angle brackets), answered with In-Reply-To.
    pub message_id: Option<&'a str>,
}

/// After the office declined a stranger's request in triage: the polite reply (kind
/// `request_declined`, the shop's language), if the shop sends that kind — to the one sender,
/// with no client and no copy; its id.
pub(crate) fn on_request_declined(
    tx: &mut WriteTx<'_>,
    d: &Declined<'_>,
) -> Result<Option<String>> {
    let kind = MessageKind::RequestDeclined;
    if !wanted_kind(tx, kind)? {
        return Ok(None);
    }
    let conn = tx.conn();
    let shop_settings = settings(conn)?;
    let language = shop_settings.language;
    let shop = get_setting_conn::<serde_json::Value>(conn, "shop")?.unwrap_or_default();
    let text = |k: &str| shop.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let mut facts: BTreeMap<&'static str, String> = BTreeMap::new();
    facts.insert("shop", text("name").unwrap_or_default());
    facts.insert(
        "sender",
        d.sender_name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(d.sender_email)
            .to_owned(),
    );
    facts.insert("subject", d.subject.to_owned());
    facts.insert(
        "received_at",
        crate::format::local_datetime(d.received_at, tx.tz()),
    );
    let template = templates::get(conn, kind, language)?;
    let subject: String = templates::fill(&template.subject, &facts)
        .replace(['\r', '\n'], " ")
        .chars()
        .take(300)
        .collect();
    let body = templates::fill(&template.body, &facts);
    let id = uuid::Uuid::now_v7();
    let domain = message_domain(text("email").as_deref());
    let sender = if hub_configured_conn(tx)? {
        "hub".to_owned()
    } else {
        crate::store::settings::device_code(tx.conn())?
    };
    let list =
        |v: &[String]| serde_json::Value::String(serde_json::to_string(v).unwrap_or_default());
    tx.insert(
        Entity::Message,
        &id.to_string(),
        vec![
            ("kind", field::text(kind.as_str())),
            ("client_id", serde_json::Value::Null),
            ("language", field::text(language.as_str())),
            ("recipients", list(&[d.sender_email.to_owned()])),
            ("cc", list(&[])),
            ("subject", field::text(subject)),
            ("body", field::text(body)),
            ("message_id", field::text(format!("<{id}@{domain}>"))),
            (
                "in_reply_to",
                field::opt_text(d.message_id.map(|m| format!("<{m}>"))),
            ),
            ("sender", field::text(sender)),
            ("status", field::text(MessageStatus::Queued.as_str())),
            ("attempts", field::int(0)),
            ("attachments_ready", field::flag(true)),
        ],
    )?;
    Ok(Some(id.to_string()))
}

/// The domain of our Message-IDs: the shop's address's, else `rapportino.invalid`.
fn message_domain(shop_email: Option<&str>) -> String {
    shop_email
        .and_then(|e| e.rsplit_once('@'))
        .map(|(_, d)| d.trim().to_ascii_lowercase())
        .filter(|d| {
            !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
        })
        .unwrap_or_else(|| "rapportino.invalid".to_owned())
}

fn hub_configured_conn(tx: &WriteTx<'_>) -> Result<bool> {
    Ok(crate::store::local_get(tx.conn(), crate::store::keys::HUB_URL)?.is_some())
}

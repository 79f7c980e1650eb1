//! Quotes (preventivi): numbered offline `P-{year}-{device}-{seq:04}` with the same counter as
//! tickets and reports (so the same hardening: a hostile pulled number never moves it past
//! [`rapportino_model::numbers::MAX_SEQUENCE`], a restored device waits for the hub); a client, an
//! optional ticket, lines (labour hours × rate, catalogue materials, fixed items) each with its VAT
//! rate, totals per rate, a validity date and notes.
//!
//! Life: `draft` (editable) → `sent` (its PDF to the customer through the outbox) → `accepted`
//! (signed by the customer on the laptop: the canonical snapshot of the content and the vector
//! signature is frozen with its SHA-256, exactly like a signed report) or `refused` (a date, an
//! optional reason). A sent quote past its validity reads as `expired` and can no longer be
//! accepted. Accepted and refused are final: the API refuses, SQL triggers refuse even raw writes
//! (`QUOTE_FINAL`), the hub refuses any later edit.
//!
//! The ledger charges an out-of-scope ticket's work per its accepted quote (never from packages
//! or included hours): it reads the `quotes` table itself (`ledger/facts.rs`).

mod document;
mod lines;

pub use document::{
    document, verify, AcceptedBlock, QuoteContent, QuoteDocument, QuoteLinePrinted, QuoteSnapshot,
    RefusedBlock,
};
pub use lines::{QuoteLine, QuoteLineInput, QuoteLineKind};

use chrono::{Duration, NaiveDate};
use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, QuoteId, TicketId};
use crate::macros::string_enum;
use crate::reports::signing;
use crate::reports::Signature;
use crate::store::{field, Entity, Store};
use crate::tickets::format_number;
use crate::time::{format_instant, local_date, local_year, parse_user_date};
use crate::validate::{self, limits};
use crate::vat::VatTotals;
pub use rapportino_model::vocab::QuoteStatus;

/// A new quote is valid this many days unless another date is given.
pub const DEFAULT_VALIDITY_DAYS: i64 = 30;
/// Lines a quote may have.
pub const MAX_LINES: usize = 200;

string_enum! {
    /// Where a quote stands as the user reads it: the stored status, or `expired` for a sent
    /// quote past its validity date.
    QuoteState, field = "state" {
        Draft => "draft",
        Sent => "sent",
        Accepted => "accepted",
        Refused => "refused",
        Expired => "expired",
    }
}

impl QuoteState {
    /// The Italian label printed on the PDF and shown in lists.
    pub fn label(self) -> &'static str {
        match self {
            QuoteState::Draft => "Bozza",
            QuoteState::Sent => "Inviato",
            QuoteState::Accepted => "Accettato",
            QuoteState::Refused => "Rifiutato",
            QuoteState::Expired => "Scaduto",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Quote {
    pub id: QuoteId,
    /// `P-{year}-{device code}-{seq:04}`
    pub number: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub ticket_id: Option<TicketId>,
    pub ticket_number: Option<String>,
    /// As stored.
    pub status: QuoteStatus,
    /// As read today (`expired` for a sent quote past its validity).
    pub state: QuoteState,
    /// `YYYY-MM-DD`, included.
    pub valid_until: String,
    pub notes: Option<String>,
    pub lines: Vec<QuoteLine>,
    pub totals: VatTotals,
    pub sent_at: Option<String>,
    pub accepted_at: Option<String>,
    pub refused_at: Option<String>,
    pub refusal_reason: Option<String>,
    pub signer_name: Option<String>,
    pub snapshot_sha256: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NewQuote {
    pub client_id: ClientId,
    /// The ticket the quote is for (an out-of-scope request), if any: of the same client.
    #[ts(optional)]
    #[serde(default)]
    pub ticket_id: Option<TicketId>,
    /// `YYYY-MM-DD` or `dd/mm/yyyy`; today + 30 days when absent.
    #[ts(optional)]
    #[serde(default)]
    pub valid_until: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub notes: Option<String>,
}

/// A draft's header edits (absent: unchanged; an empty note clears it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct QuotePatch {
    #[ts(optional)]
    #[serde(default)]
    pub valid_until: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub notes: Option<String>,
}

/// The customer's acceptance, signed on the laptop's pad.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct AcceptInput {
    pub customer: Signature,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct RefuseInput {
    /// `YYYY-MM-DD` or `dd/mm/yyyy`, not in the future; today when absent.
    #[ts(optional)]
    #[serde(default)]
    pub date: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct QuoteFilter {
    #[ts(optional)]
    #[serde(default)]
    pub client_id: Option<ClientId>,
    #[ts(optional)]
    #[serde(default)]
    pub ticket_id: Option<TicketId>,
    /// Only quotes in this state (as read today).
    #[ts(optional)]
    #[serde(default)]
    pub state: Option<QuoteState>,
}

const COLUMNS: &str = "q.id, q.number, q.client_id, c.name, q.ticket_id, t.number, q.status, \
    q.valid_until, q.notes, q.lines, q.sent_at, q.accepted_at, q.refused_at, q.refusal_reason, \
    q.signer_name, q.snapshot_sha256, q.created_at, q.updated_at";
const FROM: &str =
    "FROM quotes q JOIN clients c ON c.id = q.client_id LEFT JOIN tickets t ON t.id = q.ticket_id";

fn from_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<Quote> {
    let status: QuoteStatus = r.get(6)?;
    let valid_until: String = r.get(7)?;
    let lines_json: String = r.get(9)?;
    let lines = lines::from_json(&lines_json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(Quote {
        id: r.get(0)?,
        number: r.get(1)?,
        client_id: r.get(2)?,
        client_name: r.get(3)?,
        ticket_id: r.get(4)?,
        ticket_number: r.get(5)?,
        status,
        state: state_of(status, &valid_until, today),
        totals: lines::totals(&lines),
        lines,
        valid_until,
        notes: r.get(8)?,
        sent_at: r.get(10)?,
        accepted_at: r.get(11)?,
        refused_at: r.get(12)?,
        refusal_reason: r.get(13)?,
        signer_name: r.get(14)?,
        snapshot_sha256: r.get(15)?,
        created_at: r.get(16)?,
        updated_at: r.get(17)?,
    })
}

/// A sent quote is expired from the day after its validity date.
fn state_of(status: QuoteStatus, valid_until: &str, today: NaiveDate) -> QuoteState {
    let past = NaiveDate::parse_from_str(valid_until, "%Y-%m-%d").is_ok_and(|d| today > d);
    match status {
        QuoteStatus::Draft => QuoteState::Draft,
        QuoteStatus::Sent if past => QuoteState::Expired,
        QuoteStatus::Sent => QuoteState::Sent,
        QuoteStatus::Accepted => QuoteState::Accepted,
        QuoteStatus::Refused => QuoteState::Refused,
    }
}

fn today(store: &Store) -> NaiveDate {
    local_date(store.now(), store.tz())
}

/// A validity date: a date, not before today.
fn valid_until(store: &Store, text: &str) -> Result<NaiveDate> {
    let d = parse_user_date("valid_until", text)?;
    if d < today(store) {
        return Err(Error::invalid(
            Code::OutOfRange,
            "valid_until",
            "the validity date is in the past",
        ));
    }
    Ok(d)
}

/// A new draft quote with no lines, numbered now.
pub fn create(store: &mut Store, input: &NewQuote) -> Result<Quote> {
    let until = match input.valid_until.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => valid_until(store, s)?,
        _ => today(store) + Duration::days(DEFAULT_VALIDITY_DAYS),
    };
    let notes = validate::optional_text("notes", input.notes.as_deref(), limits::NOTES)?;
    crate::clients::get(store, input.client_id).map_err(|e| not_found_as(e, "client_id"))?;
    if let Some(t) = input.ticket_id {
        let ticket = crate::tickets::get(store, t).map_err(|e| not_found_as(e, "ticket_id"))?;
        if ticket.client_id != input.client_id {
            return Err(Error::invalid(
                Code::Inconsistent,
                "ticket_id",
                format!("ticket {} is of another client", ticket.number),
            ));
        }
    }
    let id = QuoteId::new();
    store.write(|tx| {
        let device_code = crate::setup::device_code(tx.conn())?;
        let year = local_year(tx.now(), tx.tz());
        let seq = tx.next_sequence("P", year)?;
        tx.insert(
            Entity::Quote,
            &id.to_string(),
            vec![
                (
                    "number",
                    field::text(format_number("P", year, &device_code, seq)),
                ),
                ("client_id", field::text(input.client_id.to_string())),
                ("ticket_id", field::opt_id(input.ticket_id)),
                ("status", field::text(QuoteStatus::Draft.as_str())),
                ("valid_until", field::text(until.to_string())),
                ("notes", field::opt_text(notes.clone())),
                ("lines", field::text("[]")),
            ],
        )
    })?;
    get(store, id)
}

fn not_found_as(e: Error, field: &'static str) -> Error {
    match e.code() {
        Code::NotFound => Error::invalid(Code::NotFound, field, e.to_string()),
        _ => e,
    }
}

/// Refuses anything but a draft (`QUOTE_FINAL` once accepted or refused).
fn ensure_draft(q: &Quote, action: &str) -> Result<()> {
    match q.status {
        QuoteStatus::Draft => Ok(()),
        QuoteStatus::Accepted | QuoteStatus::Refused => Err(final_error(q)),
        QuoteStatus::Sent => Err(Error::invalid(
            Code::QuoteState,
            "quote",
            format!("{} was sent: only a draft can {action}", q.number),
        )),
    }
}

fn final_error(q: &Quote) -> Error {
    Error::invalid(
        Code::QuoteFinal,
        "quote",
        format!(
            "{} is {}: it can never change (make a new quote instead)",
            q.number,
            q.state.label().to_lowercase()
        ),
    )
}

/// Edits a draft's validity and notes.
pub fn update(store: &mut Store, id: QuoteId, patch: &QuotePatch) -> Result<Quote> {
    let q = get(store, id)?;
    ensure_draft(&q, "be edited")?;
    let mut fields = Vec::new();
    if let Some(v) = patch.valid_until.as_deref() {
        fields.push((
            "valid_until",
            field::text(valid_until(store, v)?.to_string()),
        ));
    }
    if let Some(n) = patch.notes.as_deref() {
        let n = validate::optional_text("notes", Some(n), limits::NOTES)?;
        fields.push(("notes", field::opt_text(n)));
    }
    if !fields.is_empty() {
        store.write(|tx| {
            tx.update(Entity::Quote, &id.to_string(), fields)
                .map(|_| ())
        })?;
    }
    get(store, id)
}

/// Adds a line to a draft (labour: hours × rate, the shop's on-site rate by default; material:
/// a catalogue article's price and rate by default, or free text; fixed: an amount).
pub fn add_line(store: &mut Store, id: QuoteId, input: &QuoteLineInput) -> Result<Quote> {
    let q = get(store, id)?;
    ensure_draft(&q, "take new lines")?;
    if q.lines.len() >= MAX_LINES {
        return Err(Error::invalid(
            Code::OutOfRange,
            "lines",
            format!("a quote has at most {MAX_LINES} lines"),
        ));
    }
    let line = lines::validated(store, input)?;
    let mut all = q.lines;
    all.push(line);
    write_lines(store, id, &all)
}

/// Removes the line at `index` (0-based) from a draft.
pub fn remove_line(store: &mut Store, id: QuoteId, index: usize) -> Result<Quote> {
    let q = get(store, id)?;
    ensure_draft(&q, "lose lines")?;
    if index >= q.lines.len() {
        return Err(Error::invalid(
            Code::NotFound,
            "line",
            format!("{} has {} lines", q.number, q.lines.len()),
        ));
    }
    let mut all = q.lines;
    all.remove(index);
    write_lines(store, id, &all)
}

fn write_lines(store: &mut Store, id: QuoteId, all: &[QuoteLine]) -> Result<Quote> {
    let json = lines::to_json(all)?;
    store.write(|tx| {
        tx.update(
            Entity::Quote,
            &id.to_string(),
            vec![("lines", field::text(&json))],
        )
        .map(|_| ())
    })?;
    get(store, id)
}

/// Sends a draft (or a sent quote again): it becomes `sent` (the first sending's instant kept)
/// and, when customer mail is on, its message is queued in the same transaction (kind `quote`,
/// its PDF added by the device — `rapportino_pdf::attachments::prepare`). The message id, if
/// one was queued. An empty quote, an expired one or a final one is refused.
pub fn send(store: &mut Store, id: QuoteId) -> Result<(Quote, Option<String>)> {
    let q = get(store, id)?;
    match q.state {
        QuoteState::Draft | QuoteState::Sent => {}
        QuoteState::Expired => return Err(expired(&q)),
        QuoteState::Accepted | QuoteState::Refused => return Err(final_error(&q)),
    }
    if q.lines.is_empty() {
        return Err(Error::invalid(
            Code::Required,
            "lines",
            format!("{} has no lines", q.number),
        ));
    }
    let message = store.write(|tx| {
        let now = tx.now_text().to_owned();
        tx.update(
            Entity::Quote,
            &id.to_string(),
            vec![
                ("status", field::text(QuoteStatus::Sent.as_str())),
                ("sent_at", field::text(q.sent_at.clone().unwrap_or(now))),
            ],
        )?;
        crate::outbox::queue_quote(tx, id)
    })?;
    Ok((get(store, id)?, message))
}

fn expired(q: &Quote) -> Error {
    Error::invalid(
        Code::QuoteExpired,
        "quote",
        format!(
            "{} was valid until {}: make a new quote",
            q.number,
            document::italian_date(&q.valid_until)
        ),
    )
}

/// The customer accepts: their signature is checked, the content as it is now is frozen with the
/// strokes in the canonical snapshot, stored with its SHA-256; from then on the quote never
/// changes. A draft may be accepted on the spot (the customer signs what they see); an expired,
/// empty or final quote is refused.
pub fn accept(store: &mut Store, id: QuoteId, input: &AcceptInput) -> Result<Quote> {
    let q = get(store, id)?;
    match q.status {
        QuoteStatus::Accepted | QuoteStatus::Refused => return Err(final_error(&q)),
        QuoteStatus::Draft | QuoteStatus::Sent => {}
    }
    if NaiveDate::parse_from_str(&q.valid_until, "%Y-%m-%d").is_ok_and(|d| today(store) > d) {
        return Err(expired(&q));
    }
    if q.lines.is_empty() {
        return Err(Error::invalid(
            Code::Required,
            "lines",
            format!("{} has no lines", q.number),
        ));
    }
    let customer = signing::clean_signature("customer", &input.customer)?;
    let content = document::content(store, &q)?;
    let accepted_at = format_instant(store.now());
    let snapshot = QuoteSnapshot {
        format: signing::SNAPSHOT_FORMAT,
        content,
        customer,
        accepted_at: accepted_at.clone(),
    };
    let json = snapshot.canonical_json()?;
    let sha256 = signing::sha256_hex(json.as_bytes());
    store.write(|tx| {
        // Re-read inside the transaction: two windows accepting at once must not both win.
        let status: QuoteStatus = tx
            .conn()
            .prepare_cached("SELECT status FROM quotes WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        if matches!(status, QuoteStatus::Accepted | QuoteStatus::Refused) {
            return Err(final_error(&q));
        }
        tx.update(
            Entity::Quote,
            &id.to_string(),
            vec![
                ("status", field::text(QuoteStatus::Accepted.as_str())),
                ("accepted_at", field::text(&accepted_at)),
                ("signer_name", field::text(&snapshot.customer.signer_name)),
                ("snapshot", field::text(&json)),
                ("snapshot_sha256", field::text(&sha256)),
            ],
        )
        .map(|_| ())
    })?;
    get(store, id)
}

/// The customer refuses (on a date, not in the future; today by default), with an optional
/// reason. Final.
pub fn refuse(store: &mut Store, id: QuoteId, input: &RefuseInput) -> Result<Quote> {
    let q = get(store, id)?;
    if matches!(q.status, QuoteStatus::Accepted | QuoteStatus::Refused) {
        return Err(final_error(&q));
    }
    let reason = validate::optional_text("reason", input.reason.as_deref(), limits::NOTES)?;
    let day = match input.date.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => {
            let d = parse_user_date("date", s)?;
            if d > today(store) {
                return Err(Error::invalid(
                    Code::OutOfRange,
                    "date",
                    "a refusal cannot be dated in the future",
                ));
            }
            d
        }
        _ => today(store),
    };
    // The refusal's instant: now when refused today, else noon of the day given.
    let at = if day == today(store) {
        store.now()
    } else {
        crate::time::start_of_day(day, store.tz()) + Duration::hours(12)
    };
    store.write(|tx| {
        tx.update(
            Entity::Quote,
            &id.to_string(),
            vec![
                ("status", field::text(QuoteStatus::Refused.as_str())),
                ("refused_at", field::text(format_instant(at))),
                ("refusal_reason", field::opt_text(reason.clone())),
            ],
        )
        .map(|_| ())
    })?;
    get(store, id)
}

/// Deletes a draft (a mistake); anything sent stays.
pub fn delete_draft(store: &mut Store, id: QuoteId) -> Result<()> {
    let q = get(store, id)?;
    ensure_draft(&q, "be deleted")?;
    store.write(|tx| tx.delete(Entity::Quote, &id.to_string()))
}

pub fn get(store: &Store, id: QuoteId) -> Result<Quote> {
    let today = today(store);
    store
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} {FROM} WHERE q.id = ?1"))?
        .query_row([id], |r| from_row(r, today))
        .optional()?
        .ok_or_else(|| Error::not_found("quote", id))
}

pub fn get_by_number(store: &Store, number: &str) -> Result<Quote> {
    let today = today(store);
    let number = number.trim().to_uppercase();
    store
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} {FROM} WHERE q.number = ?1"))?
        .query_row([&number], |r| from_row(r, today))
        .optional()?
        .ok_or_else(|| Error::not_found("quote", number))
}

/// Quotes, newest first: a client's, a ticket's, those in a state.
pub fn list(store: &Store, filter: &QuoteFilter) -> Result<Vec<Quote>> {
    let today = today(store);
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM}
         WHERE (?1 IS NULL OR q.client_id = ?1) AND (?2 IS NULL OR q.ticket_id = ?2)
         ORDER BY q.created_at DESC, q.id DESC"
    ))?;
    let rows = stmt.query_map(rusqlite::params![filter.client_id, filter.ticket_id], |r| {
        from_row(r, today)
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(state) = filter.state {
        out.retain(|q| q.state == state);
    }
    Ok(out)
}

/// The ticket's accepted quote, if any (the first accepted).
pub fn accepted_for_ticket(store: &Store, ticket: TicketId) -> Result<Option<Quote>> {
    let filter = QuoteFilter {
        ticket_id: Some(ticket),
        state: Some(QuoteState::Accepted),
        ..QuoteFilter::default()
    };
    let mut all = list(store, &filter)?;
    all.sort_by(|a, b| a.accepted_at.cmp(&b.accepted_at).then(a.id.cmp(&b.id)));
    Ok(all.into_iter().next())
}

/// `P-2026-MR-0001` → `Preventivo-P-2026-MR-0001.pdf`, for a number of the right shape only (a
/// damaged or hostile record is never used as a file name).
pub fn pdf_file_name(number: &str) -> Result<String> {
    match rapportino_model::numbers::parse(number) {
        Some(n) if n.prefix == "P" => Ok(format!("Preventivo-{number}.pdf")),
        _ => Err(Error::invalid(
            Code::InvalidFormat,
            "number",
            format!("{number:?} is not a quote number"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_quote_expires_the_day_after_its_validity() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let until = "2026-12-31";
        assert_eq!(
            state_of(QuoteStatus::Sent, until, d("2026-12-31")),
            QuoteState::Sent
        );
        assert_eq!(
            state_of(QuoteStatus::Sent, until, d("2027-01-01")),
            QuoteState::Expired
        );
        // Drafts and final states do not expire.
        assert_eq!(
            state_of(QuoteStatus::Draft, until, d("2027-01-01")),
            QuoteState::Draft
        );
        assert_eq!(
            state_of(QuoteStatus::Accepted, until, d("2027-01-01")),
            QuoteState::Accepted
        );
    }

    #[test]
    fn file_names_only_from_quote_numbers() {
        assert_eq!(
            pdf_file_name("P-2026-MR-0001").ok().as_deref(),
            Some("Preventivo-P-2026-MR-0001.pdf")
        );
        for bad in ["RI-2026-MR-0001", "P-2026-MR-0001/../x", "../../etc/passwd"] {
            assert!(pdf_file_name(bad).is_err(), "{bad}");
        }
    }
}

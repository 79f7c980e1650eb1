//! Tickets (segnalazioni): every request becomes one, with a number issued offline by this device.

mod list;
mod terms;
mod transition;
mod waiting;

pub use list::list;
pub use rapportino_model::status::{StatusStep, TicketStatus};
pub use terms::{claim_extra_time, extra_time_contract, grant_extra_time, set_terms, TicketTerms};
pub(crate) use transition::transition_in;
pub use transition::{events, transition};
pub use waiting::{third_party_waits, PartyKind, ThirdPartyWait, WaitingParty};

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, ContactId, ContractId, SiteId, TechnicianId, TicketEventId, TicketId};
use crate::store::{field, Entity, Fields, Store, WriteTx};
use crate::time::{format_instant, local_year, parse_user_instant};
use crate::validate::{self, limits};
use crate::{clients, contacts, sites};
pub use rapportino_model::vocab::{Origin, Severity};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Ticket {
    pub id: TicketId,
    pub number: String,
    pub client_id: ClientId,
    pub contact_id: Option<ContactId>,
    pub site_id: Option<SiteId>,
    pub origin: Origin,
    pub severity: Severity,
    pub urgent: bool,
    pub category: Option<String>,
    pub is_bug: bool,
    pub title: String,
    pub description: Option<String>,
    pub status: TicketStatus,
    pub reported_at: String,
    pub opened_at: String,
    pub taken_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub estimated_resolution_at: Option<String>,
    pub assigned_technician_id: Option<TechnicianId>,
    /// The governing contract chosen by hand (None: the automatic rule).
    pub contract_id: Option<ContractId>,
    /// Opened under extra time (PIN checked): the SLA clocks run in wall-clock time.
    pub extra_time: bool,
    /// A non-urgent request prioritised on the client's demand: billable extra.
    pub priority_requested: bool,
    /// Work outside the contract's scope: a quote is required.
    pub out_of_scope: bool,
    /// The service asked for (a service code such as `upgrades`), checked against entitlements.
    pub service: Option<String>,
    /// Who the ticket waits for, while it waits for a third party.
    pub waiting_party: Option<WaitingParty>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewTicket {
    pub client_id: ClientId,
    #[ts(optional)]
    pub contact_id: Option<ContactId>,
    #[ts(optional)]
    pub site_id: Option<SiteId>,
    pub origin: Origin,
    pub severity: Severity,
    #[serde(default)]
    pub urgent: bool,
    #[ts(optional)]
    pub category: Option<String>,
    #[serde(default)]
    pub is_bug: bool,
    pub title: String,
    #[ts(optional)]
    pub description: Option<String>,
    /// When the client reported the problem (default: now). RFC 3339 or local `dd/mm/yyyy HH:MM`.
    #[ts(optional)]
    pub reported_at: Option<String>,
    #[ts(optional)]
    pub assigned_technician_id: Option<TechnicianId>,
    /// The governing contract, chosen by hand (default: the automatic rule).
    #[ts(optional)]
    pub contract_id: Option<ContractId>,
    /// The caller's extra-time PIN: opens the ticket under extra time when it matches.
    #[ts(optional)]
    pub extra_time_pin: Option<String>,
    #[serde(default)]
    pub priority_requested: bool,
    #[serde(default)]
    pub out_of_scope: bool,
    #[ts(optional)]
    pub service: Option<String>,
}

/// Edits to a ticket's details; absent fields are left as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct TicketPatch {
    #[ts(optional)]
    pub title: Option<String>,
    #[ts(optional)]
    pub description: Option<String>,
    #[ts(optional)]
    pub severity: Option<Severity>,
    #[ts(optional)]
    pub urgent: Option<bool>,
    #[ts(optional)]
    pub category: Option<String>,
    #[ts(optional)]
    pub is_bug: Option<bool>,
    #[ts(optional)]
    pub assigned_technician_id: Option<TechnicianId>,
    /// The requester: absent leaves it, `null` clears it, an id sets it (one of the client's
    /// contacts).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "set_or_clear"
    )]
    #[ts(as = "Option<ContactId>", optional = nullable)]
    pub contact_id: Option<Option<ContactId>>,
}

/// `null` → `Some(None)` (clear), a value → `Some(Some(v))`; an absent field stays `None` through
/// `#[serde(default)]`.
fn set_or_clear<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TicketSummary {
    pub id: TicketId,
    pub number: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub title: String,
    pub origin: Origin,
    pub severity: Severity,
    pub urgent: bool,
    pub status: TicketStatus,
    pub opened_at: String,
    pub assigned_technician_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TicketEvent {
    pub id: TicketEventId,
    pub from_status: Option<TicketStatus>,
    pub to_status: TicketStatus,
    pub at: String,
    pub technician_id: Option<TechnicianId>,
    pub note: Option<String>,
    /// Who the ticket waited for (a move to waiting for a third party).
    pub waiting_party: Option<WaitingParty>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct TicketFilter {
    #[ts(optional)]
    pub client_id: Option<ClientId>,
    #[ts(optional)]
    pub technician_id: Option<TechnicianId>,
    #[ts(optional)]
    pub status: Option<TicketStatus>,
    /// Only new, taken, in progress and waiting tickets.
    #[ts(optional)]
    pub open_only: Option<bool>,
    /// Only resolved, closed and cancelled tickets.
    #[ts(optional)]
    pub closed_only: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TransitionInput {
    pub to: TicketStatus,
    #[ts(optional)]
    pub note: Option<String>,
    /// Who takes the ticket in charge (default: this device's technician).
    #[ts(optional)]
    pub technician_id: Option<TechnicianId>,
    /// When taking in charge: the estimated resolution, if one can be given.
    #[ts(optional)]
    pub estimated_resolution_at: Option<String>,
    /// Waiting for a third party: who (required for that move, refused for any other).
    #[serde(default)]
    #[ts(optional)]
    pub party: Option<WaitingParty>,
}

impl TransitionInput {
    pub fn to(to: TicketStatus) -> Self {
        TransitionInput {
            to,
            note: None,
            technician_id: None,
            estimated_resolution_at: None,
            party: None,
        }
    }
}

pub(crate) const COLUMNS: &str = "id, number, client_id, contact_id, site_id, origin, severity, urgent, category, is_bug, \
    title, description, status, reported_at, opened_at, taken_at, resolved_at, closed_at, cancelled_at, \
    estimated_resolution_at, assigned_technician_id, created_at, updated_at, contract_id, extra_time, \
    priority_requested, out_of_scope, service, waiting_party_kind, waiting_party_name";

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        id: r.get(0)?,
        number: r.get(1)?,
        client_id: r.get(2)?,
        contact_id: r.get(3)?,
        site_id: r.get(4)?,
        origin: r.get(5)?,
        severity: r.get(6)?,
        urgent: r.get(7)?,
        category: r.get(8)?,
        is_bug: r.get(9)?,
        title: r.get(10)?,
        description: r.get(11)?,
        status: r.get(12)?,
        reported_at: r.get(13)?,
        opened_at: r.get(14)?,
        taken_at: r.get(15)?,
        resolved_at: r.get(16)?,
        closed_at: r.get(17)?,
        cancelled_at: r.get(18)?,
        estimated_resolution_at: r.get(19)?,
        assigned_technician_id: r.get(20)?,
        created_at: r.get(21)?,
        updated_at: r.get(22)?,
        contract_id: r.get(23)?,
        extra_time: r.get(24)?,
        priority_requested: r.get(25)?,
        out_of_scope: r.get(26)?,
        service: r.get(27)?,
        waiting_party: waiting::from_columns(r.get(28)?, r.get(29)?),
    })
}

/// `T-{year}-{device code}-{seq:04}`.
pub fn format_number(prefix: &str, year: i32, device_code: &str, seq: i64) -> String {
    format!("{prefix}-{year}-{device_code}-{seq:04}")
}

/// Opens a ticket: validates, allocates the number and writes the ticket and its first event in
/// one transaction.
pub fn open(store: &mut Store, input: &NewTicket) -> Result<Ticket> {
    open_as(store, input, TicketId::new(), None)
}

/// The SLA contract allowing extra time that would govern `input` (what the hub is asked about
/// when the PIN is given with a new ticket on a technician's device).
pub fn new_extra_time_contract(store: &Store, input: &NewTicket) -> Result<ContractId> {
    let reported_at = reported_at_of(store, input)?;
    terms::extra_time_contract_in(
        store.conn(),
        input.client_id,
        input.contract_id,
        crate::time::local_date(reported_at, store.tz()),
    )
}

/// When the problem was reported: the input's time (not in the future), else now.
fn reported_at_of(store: &Store, input: &NewTicket) -> Result<chrono::DateTime<chrono::Utc>> {
    let now = store.now();
    match input
        .reported_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(now),
        Some(s) => {
            let t = parse_user_instant("reported_at", s, store.tz())?;
            if t > now + chrono::Duration::minutes(5) {
                return Err(Error::invalid(
                    Code::InvalidFormat,
                    "reported_at",
                    "is in the future",
                ));
            }
            Ok(t.min(now))
        }
    }
}

/// [`open`] with the ticket's id chosen beforehand and, for a PIN the hub checked, its extra-time
/// grant (made for that id; see `sync::extra_time`).
pub fn open_as(
    store: &mut Store,
    input: &NewTicket,
    id: TicketId,
    grant: Option<&str>,
) -> Result<Ticket> {
    let title = validate::required_text("title", &input.title, limits::NAME)?;
    // Checked before the PIN counts an attempt (open_in checks them again inside its write).
    validate::optional_text(
        "description",
        input.description.as_deref(),
        limits::DESCRIPTION,
    )?;
    validate::optional_text("category", input.category.as_deref(), limits::SHORT)?;
    let reported_at = reported_at_of(store, input)?;
    // A PIN given with a new ticket is limited per client (the ticket does not exist yet).
    let pin_scope = format!("client:{}", input.client_id);
    let pin_given = grant.is_none()
        && input
            .extra_time_pin
            .as_deref()
            .is_some_and(|p| !p.trim().is_empty());
    let now = store.now();
    if pin_given {
        crate::contracts::pin::check_not_locked(store.conn(), &pin_scope, now)?;
    }
    let outcome = store
        .write(|tx| open_in(tx, input, id, grant, reported_at, &title))
        .map(|_number| ());
    if pin_given {
        crate::contracts::pin::record(store.conn(), &pin_scope, now, &outcome)?;
    }
    outcome?;
    get(store, id)
}

/// Writes a new ticket (validated title, the reported instant given) and its first event inside
/// `tx`: the one place a ticket is born (the form, the intake). Returns its number.
pub(crate) fn open_in(
    tx: &mut WriteTx<'_>,
    input: &NewTicket,
    id: TicketId,
    grant: Option<&str>,
    reported_at: chrono::DateTime<chrono::Utc>,
    title: &str,
) -> Result<String> {
    let description = validate::optional_text(
        "description",
        input.description.as_deref(),
        limits::DESCRIPTION,
    )?;
    let category = validate::optional_text("category", input.category.as_deref(), limits::SHORT)?;
    let conn = tx.conn();
    let device_code = tx.device_code()?;
    clients::ensure_exists(conn, input.client_id).map_err(|e| with_field(e, "client_id"))?;
    if let Some(c) = input.contact_id {
        contacts::ensure_belongs(conn, c, input.client_id)
            .map_err(|e| with_field(e, "contact_id"))?;
    }
    if let Some(s) = input.site_id {
        sites::ensure_belongs(conn, s, input.client_id).map_err(|e| with_field(e, "site_id"))?;
    }
    // Unless another is chosen, this device's technician takes it: it shows at once under
    // "I miei ticket aperti" on the laptop that opened it.
    let assignee = match input.assigned_technician_id {
        Some(t) => {
            ensure_technician(conn, t)?;
            Some(t)
        }
        None => tx.technician().ok(),
    };
    let terms = terms::new_ticket_fields(
        tx,
        input.client_id,
        crate::time::local_date(reported_at, tx.tz()),
        input,
        grant,
    )?;
    let year = local_year(tx.now(), tx.tz());
    let seq = tx.next_sequence("T", year)?;
    let number = format_number("T", year, &device_code, seq);
    let now_text = tx.now_text().to_owned();
    let mut fields = terms;
    fields.extend([
        ("number", field::text(&number)),
        ("client_id", field::text(input.client_id.to_string())),
        ("contact_id", field::opt_id(input.contact_id)),
        ("site_id", field::opt_id(input.site_id)),
        ("origin", input.origin.into()),
        ("severity", input.severity.into()),
        ("urgent", field::flag(input.urgent)),
        ("category", field::opt_text(category)),
        ("is_bug", field::flag(input.is_bug)),
        ("title", field::text(title)),
        ("description", field::opt_text(description)),
        ("status", TicketStatus::New.into()),
        ("reported_at", field::text(format_instant(reported_at))),
        ("opened_at", field::text(&now_text)),
        ("assigned_technician_id", field::opt_id(assignee)),
    ]);
    tx.insert(Entity::Ticket, &id.to_string(), fields)?;
    transition::append_event(tx, id, None, TicketStatus::New, None, None)?;
    crate::outbox::on_ticket_status(tx, id, TicketStatus::New)?;
    Ok(number)
}

pub fn update(store: &mut Store, id: TicketId, patch: &TicketPatch) -> Result<Ticket> {
    let mut fields: Fields = Vec::new();
    if let Some(t) = &patch.title {
        fields.push((
            "title",
            field::text(validate::required_text("title", t, limits::NAME)?),
        ));
    }
    if let Some(d) = &patch.description {
        fields.push((
            "description",
            field::opt_text(validate::optional_text(
                "description",
                Some(d),
                limits::DESCRIPTION,
            )?),
        ));
    }
    if let Some(s) = patch.severity {
        fields.push(("severity", s.into()));
    }
    if let Some(u) = patch.urgent {
        fields.push(("urgent", field::flag(u)));
    }
    if let Some(c) = &patch.category {
        fields.push((
            "category",
            field::opt_text(validate::optional_text("category", Some(c), limits::SHORT)?),
        ));
    }
    if let Some(b) = patch.is_bug {
        fields.push(("is_bug", field::flag(b)));
    }
    if let Some(t) = patch.assigned_technician_id {
        // Keeping a (since deactivated) assignee is fine; a new assignee must be active.
        if get(store, id)?.assigned_technician_id != Some(t) {
            ensure_technician(store.conn(), t)?;
        }
        fields.push(("assigned_technician_id", field::text(t.to_string())));
    }
    let current = get(store, id)?;
    if let Some(contact) = patch.contact_id {
        if let Some(c) = contact {
            contacts::ensure_belongs(store.conn(), c, current.client_id)
                .map_err(|e| with_field(e, "contact_id"))?;
        }
        fields.push(("contact_id", field::opt_id(contact)));
    }
    if !fields.is_empty() {
        if matches!(
            current.status,
            TicketStatus::Closed | TicketStatus::Cancelled
        ) {
            return Err(Error::Inconsistent(format!(
                "ticket {} is {} and cannot be edited",
                current.number, current.status
            )));
        }
        store.write(|tx| tx.update(Entity::Ticket, &id.to_string(), fields))?;
    }
    get(store, id)
}

/// The categories already given to tickets, most used first (what the intake form suggests).
pub fn categories(store: &Store) -> Result<Vec<String>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT category FROM tickets WHERE category IS NOT NULL AND category <> '' \
         GROUP BY category ORDER BY COUNT(*) DESC, category LIMIT 50",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// A technician who may be assigned: existing and active (a deactivated one keeps their history
/// but takes no new work).
pub(super) fn ensure_technician(conn: &rusqlite::Connection, id: TechnicianId) -> Result<()> {
    let active: Option<bool> = conn
        .prepare_cached("SELECT active FROM technicians WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match active {
        Some(true) => Ok(()),
        Some(false) => Err(Error::invalid(
            Code::Inconsistent,
            "assigned_technician_id",
            "the technician is deactivated",
        )),
        None => Err(with_field(
            Error::not_found("technician", id),
            "assigned_technician_id",
        )),
    }
}

/// Turns a not-found into a field error so the form can point at the field.
fn with_field(e: Error, field: &'static str) -> Error {
    match e {
        Error::NotFound { entity, id } => Error::invalid(
            Code::NotFound,
            field,
            format!("{entity} {id} does not exist"),
        ),
        // Another client's contact or site: said beside the field that chose it.
        Error::Inconsistent(msg) => Error::invalid(Code::Inconsistent, field, msg),
        other => other,
    }
}

pub fn get(store: &Store, id: TicketId) -> Result<Ticket> {
    get_in(store.conn(), id)
}

pub(crate) fn get_in(conn: &rusqlite::Connection, id: TicketId) -> Result<Ticket> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tickets WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("ticket", id))
}

pub fn get_by_number(store: &Store, number: &str) -> Result<Ticket> {
    store
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} FROM tickets WHERE number = ?1"))?
        .query_row([number.trim().to_uppercase()], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("ticket", number))
}

/// Whether a timer runs on one of the ticket's interventions (it cannot be closed then).
pub(crate) fn has_running_timer(conn: &rusqlite::Connection, ticket: TicketId) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM time_entries e JOIN interventions i ON i.id = e.intervention_id
             WHERE i.ticket_id = ?1 AND e.kind = 'timer' AND e.ended_at IS NULL",
        )?
        .exists([ticket])?)
}

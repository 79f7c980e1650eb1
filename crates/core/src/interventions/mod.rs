//! Interventions (interventi): a technician's work on a ticket, on site or remote, with its time,
//! materials and travel. A remote intervention that cannot solve the problem is escalated to an
//! on-site one in one action.

mod current;
mod materials;
pub(crate) mod timer;

pub use current::{act_on_current_timer, current_timer, CurrentTimer, TimerAction};
pub use materials::{add_material, remove_material, Material, MaterialInput};
pub use timer::{
    add_manual, adjust, approve, entries_needing_review, pause, paused_timer, resume,
    running_timer, start, stop, void_entry, ManualTimeInput, PausedTimer, RunningTimer, TimeEntry,
    TimeEntryKind, TimeTotals, TimerState, REVIEW_THRESHOLD_SECONDS,
};

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, ContractId, InterventionId, SiteId, TechnicianId, TicketId};
use crate::paging::{Page, PageRequest};
use crate::setup;
use crate::sites;
use crate::store::{field, Entity, Fields, Store, WriteTx};
use crate::tickets;
use crate::validate::{self, limits};
use rapportino_model::status::TicketStatus;
pub use rapportino_model::vocab::{InterventionMode, Outcome};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Intervention {
    pub id: InterventionId,
    pub ticket_id: TicketId,
    pub client_id: ClientId,
    pub site_id: Option<SiteId>,
    pub mode: InterventionMode,
    pub technician_id: TechnicianId,
    pub work_done: Option<String>,
    pub outcome: Option<Outcome>,
    pub outcome_reason: Option<String>,
    pub escalated_from_id: Option<InterventionId>,
    pub travel_km: f64,
    pub travel_minutes: i64,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The contract or package chosen by hand to pay first (see `ledger::pay_from`).
    pub contract_id: Option<ContractId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewIntervention {
    pub ticket_id: TicketId,
    pub mode: InterventionMode,
    #[ts(optional)]
    pub site_id: Option<SiteId>,
    /// Default: this device's technician.
    #[ts(optional)]
    pub technician_id: Option<TechnicianId>,
}

/// Edits; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct InterventionPatch {
    #[ts(optional)]
    pub work_done: Option<String>,
    #[ts(optional)]
    pub outcome: Option<Outcome>,
    #[ts(optional)]
    pub outcome_reason: Option<String>,
    #[ts(optional)]
    pub site_id: Option<SiteId>,
    #[ts(optional)]
    pub travel_km: Option<f64>,
    #[ts(optional)]
    pub travel_minutes: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct InterventionSummary {
    pub id: InterventionId,
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub mode: InterventionMode,
    pub technician_code: String,
    pub work_done: Option<String>,
    pub outcome: Option<Outcome>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub created_at: String,
    /// Billable seconds so far (closed entries; flagged entries only once approved).
    pub billable_seconds: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct InterventionDetail {
    pub intervention: Intervention,
    pub ticket_number: String,
    pub ticket_title: String,
    pub ticket_status: TicketStatus,
    pub client_name: String,
    pub site_name: Option<String>,
    pub technician_code: String,
    pub technician_name: String,
    pub materials: Vec<Material>,
    pub materials_total_cents: i64,
    pub time_entries: Vec<TimeEntry>,
    pub totals: TimeTotals,
    pub timer_state: TimerState,
    /// The on-site intervention this one was escalated to, if any.
    pub escalated_to_id: Option<InterventionId>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct InterventionFilter {
    #[ts(optional)]
    pub client_id: Option<ClientId>,
    #[ts(optional)]
    pub ticket_id: Option<TicketId>,
    #[ts(optional)]
    pub technician_id: Option<TechnicianId>,
}

const COLUMNS: &str =
    "id, ticket_id, client_id, site_id, mode, technician_id, work_done, outcome, outcome_reason, \
    escalated_from_id, travel_km, travel_minutes, started_at, finished_at, created_at, updated_at, \
    contract_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Intervention> {
    Ok(Intervention {
        id: r.get(0)?,
        ticket_id: r.get(1)?,
        client_id: r.get(2)?,
        site_id: r.get(3)?,
        mode: r.get(4)?,
        technician_id: r.get(5)?,
        work_done: r.get(6)?,
        outcome: r.get(7)?,
        outcome_reason: r.get(8)?,
        escalated_from_id: r.get(9)?,
        travel_km: r.get(10)?,
        travel_minutes: r.get(11)?,
        started_at: r.get(12)?,
        finished_at: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
        contract_id: r.get(16)?,
    })
}

/// Starts an intervention on a ticket. A ticket still `new` is taken in charge by the technician.
pub fn create(store: &mut Store, input: &NewIntervention) -> Result<Intervention> {
    let id = InterventionId::new();
    store.write(|tx| insert(tx, id, input, None))?;
    get(store, id)
}

/// Starts an intervention with its timer running, in one transaction (the ticket page's "Inizia
/// intervento": the technician is at work now). Nothing is created when the timer cannot start
/// (another one runs on this device: TIMER_ALREADY_RUNNING).
pub fn create_started(store: &mut Store, input: &NewIntervention) -> Result<Intervention> {
    let id = InterventionId::new();
    store.write(|tx| {
        insert(tx, id, input, None)?;
        timer::open_segment(tx, id)
    })?;
    get(store, id)
}

/// The warning shown before the timer starts on a ticket outside the contract that has no
/// accepted quote (`QUOTE_REQUIRED`): its work will be billed at the rate, never drawn from
/// packages or included hours. None for any other ticket.
pub fn quote_warning(store: &Store, ticket: TicketId) -> Result<Option<Error>> {
    let (number, out_of_scope, accepted): (String, bool, bool) = store
        .conn()
        .prepare_cached(
            "SELECT t.number, t.out_of_scope,
                    EXISTS (SELECT 1 FROM quotes q WHERE q.ticket_id = t.id AND q.status = 'accepted')
             FROM tickets t WHERE t.id = ?1",
        )?
        .query_row([ticket], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| Error::not_found("ticket", ticket))?;
    Ok((out_of_scope && !accepted).then(|| {
        Error::invalid(
            Code::QuoteRequired,
            "ticket_id",
            format!(
                "{number} is outside the contract and has no accepted quote: the work will be \
                 billed at the rate (never drawn from packages or included hours)"
            ),
        )
    }))
}

/// [`create_started`] after the out-of-scope check: refused with `QUOTE_REQUIRED` (nothing
/// written) unless `confirmed` when [`quote_warning`] has a warning.
pub fn create_started_confirmed(
    store: &mut Store,
    input: &NewIntervention,
    confirmed: bool,
) -> Result<Intervention> {
    if let Some(w) = quote_warning(store, input.ticket_id)?.filter(|_| !confirmed) {
        return Err(w);
    }
    create_started(store, input)
}

/// [`start`] after the out-of-scope check (see [`create_started_confirmed`]).
pub fn start_confirmed(store: &mut Store, id: InterventionId, confirmed: bool) -> Result<()> {
    let ticket = get(store, id)?.ticket_id;
    if let Some(w) = quote_warning(store, ticket)?.filter(|_| !confirmed) {
        return Err(w);
    }
    start(store, id)
}

fn insert(
    tx: &mut WriteTx<'_>,
    id: InterventionId,
    input: &NewIntervention,
    escalated_from: Option<InterventionId>,
) -> Result<()> {
    let ticket = tickets::get_in(tx.conn(), input.ticket_id).map_err(|e| match e {
        Error::NotFound { .. } => Error::invalid(
            Code::NotFound,
            "ticket_id",
            format!("ticket {} does not exist", input.ticket_id),
        ),
        other => other,
    })?;
    if !ticket.status.is_open() {
        return Err(Error::Inconsistent(format!(
            "ticket {} is {}: reopen it before adding work",
            ticket.number, ticket.status
        )));
    }
    let technician = match input.technician_id {
        Some(t) => t,
        None => setup::current_technician(tx.conn())?,
    };
    if !tx
        .conn()
        .prepare_cached("SELECT 1 FROM technicians WHERE id = ?1")?
        .exists([technician])?
    {
        return Err(Error::invalid(
            Code::NotFound,
            "technician_id",
            format!("technician {technician} does not exist"),
        ));
    }
    let site = input.site_id.or(ticket.site_id);
    if let Some(s) = site {
        sites::ensure_belongs(tx.conn(), s, ticket.client_id)?;
    }
    if ticket.status == TicketStatus::New {
        tickets::transition_in(
            tx,
            ticket.id,
            TicketStatus::Taken,
            Some(technician),
            None,
            None,
        )?;
    }
    tx.insert(
        Entity::Intervention,
        &id.to_string(),
        vec![
            ("ticket_id", field::text(ticket.id.to_string())),
            ("client_id", field::text(ticket.client_id.to_string())),
            ("site_id", field::opt_id(site)),
            ("mode", input.mode.into()),
            ("technician_id", field::text(technician.to_string())),
            ("escalated_from_id", field::opt_id(escalated_from)),
            ("travel_km", field::real(0.0)),
            ("travel_minutes", field::int(0)),
        ],
    )
}

pub fn update(
    store: &mut Store,
    id: InterventionId,
    patch: &InterventionPatch,
) -> Result<Intervention> {
    let current = get(store, id)?;
    let mut fields: Fields = Vec::new();
    if let Some(w) = &patch.work_done {
        fields.push((
            "work_done",
            field::opt_text(validate::optional_text(
                "work_done",
                Some(w),
                limits::DESCRIPTION,
            )?),
        ));
    }
    let outcome = patch.outcome.or(current.outcome);
    let reason = match &patch.outcome_reason {
        Some(r) => validate::optional_text("outcome_reason", Some(r), limits::NOTES)?,
        None => current.outcome_reason.clone(),
    };
    if outcome == Some(Outcome::OutOfContract) && reason.is_none() {
        return Err(Error::invalid(
            Code::Required,
            "outcome_reason",
            "a cause outside the contract needs its reason (third party, component not covered…)",
        ));
    }
    if let Some(o) = patch.outcome {
        fields.push(("outcome", o.into()));
    }
    if patch.outcome_reason.is_some() {
        fields.push(("outcome_reason", field::opt_text(reason.clone())));
    }
    if let Some(s) = patch.site_id {
        sites::ensure_belongs(store.conn(), s, current.client_id)?;
        fields.push(("site_id", field::text(s.to_string())));
    }
    if let Some(km) = patch.travel_km {
        if !(0.0..=5_000.0).contains(&km) || !km.is_finite() {
            return Err(Error::invalid(
                Code::InvalidFormat,
                "travel_km",
                "must be between 0 and 5000 km",
            ));
        }
        fields.push(("travel_km", field::real((km * 10.0).round() / 10.0)));
    }
    if let Some(m) = patch.travel_minutes {
        if !(0..=1_440).contains(&m) {
            return Err(Error::invalid(
                Code::InvalidFormat,
                "travel_minutes",
                "must be between 0 and 1440 minutes",
            ));
        }
        fields.push(("travel_minutes", field::int(m)));
    }
    // The customer is told when the cause turns out to lie outside the contract.
    let newly_outside = patch.outcome == Some(Outcome::OutOfContract)
        && current.outcome != Some(Outcome::OutOfContract);
    if !fields.is_empty() {
        store.write(|tx| {
            tx.update(Entity::Intervention, &id.to_string(), fields)?;
            if newly_outside {
                crate::outbox::on_out_of_contract(tx, id, reason.as_deref().unwrap_or_default())?;
            }
            Ok(())
        })?;
    }
    get(store, id)
}

/// Escalates a remote intervention to on-site in one action: its timer stops, its outcome becomes
/// follow-up (unless already set), and a new on-site intervention on the same ticket is created
/// and linked to it. Returns the new intervention.
pub fn escalate(
    store: &mut Store,
    id: InterventionId,
    site_id: Option<SiteId>,
) -> Result<Intervention> {
    let remote = get(store, id)?;
    if remote.mode != InterventionMode::Remote {
        return Err(Error::Inconsistent(
            "only a remote intervention can be escalated to on-site".into(),
        ));
    }
    let already: Option<String> = store
        .conn()
        .query_row(
            "SELECT id FROM interventions WHERE escalated_from_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(existing) = already {
        return Err(Error::AlreadyExists {
            what: "escalation",
            value: existing,
        });
    }
    let new_id = InterventionId::new();
    store.write(|tx| {
        timer::stop_in(tx, id, true)?;
        if remote.outcome.is_none() {
            tx.update(
                Entity::Intervention,
                &id.to_string(),
                vec![("outcome", Outcome::FollowUp.into())],
            )?;
        }
        insert(
            tx,
            new_id,
            &NewIntervention {
                ticket_id: remote.ticket_id,
                mode: InterventionMode::OnSite,
                site_id,
                technician_id: Some(remote.technician_id),
            },
            Some(id),
        )
    })?;
    get(store, new_id)
}

pub fn get(store: &Store, id: InterventionId) -> Result<Intervention> {
    get_in(store.conn(), id)
}

pub(crate) fn get_in(conn: &rusqlite::Connection, id: InterventionId) -> Result<Intervention> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM interventions WHERE id = ?1"
    ))?
    .query_row([id], from_row)
    .optional()?
    .ok_or_else(|| Error::not_found("intervention", id))
}

pub fn detail(store: &Store, id: InterventionId) -> Result<InterventionDetail> {
    let intervention = get(store, id)?;
    let conn = store.conn();
    let (ticket_number, ticket_title, ticket_status): (String, String, TicketStatus) = conn
        .query_row(
            "SELECT number, title, status FROM tickets WHERE id = ?1",
            [intervention.ticket_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
    let client_name: String = conn.query_row(
        "SELECT name FROM clients WHERE id = ?1",
        [intervention.client_id],
        |r| r.get(0),
    )?;
    let site_name: Option<String> = match intervention.site_id {
        Some(s) => conn
            .query_row("SELECT name FROM sites WHERE id = ?1", [s], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let (technician_code, technician_name): (String, String) = conn.query_row(
        "SELECT code, name FROM technicians WHERE id = ?1",
        [intervention.technician_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let escalated_to_id = conn
        .query_row(
            "SELECT id FROM interventions WHERE escalated_from_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let materials = materials::list(conn, id)?;
    let materials_total_cents = materials.iter().map(|m| m.total_cents).sum();
    let time_entries = timer::entries(conn, id)?;
    let totals = TimeTotals::compute(&time_entries, store.now());
    let timer_state = TimerState::derive(&time_entries, intervention.finished_at.is_some());
    Ok(InterventionDetail {
        intervention,
        ticket_number,
        ticket_title,
        ticket_status,
        client_name,
        site_name,
        technician_code,
        technician_name,
        materials,
        materials_total_cents,
        time_entries,
        totals,
        timer_state,
        escalated_to_id,
    })
}

fn summary_select() -> String {
    format!(
        "SELECT i.id, i.ticket_id, t.number, i.client_id, c.name, i.mode, tech.code, i.work_done, i.outcome,
                i.started_at, i.finished_at, i.created_at, ({}) AS billable
         FROM interventions i
         JOIN tickets t ON t.id = i.ticket_id
         JOIN clients c ON c.id = i.client_id
         JOIN technicians tech ON tech.id = i.technician_id",
        timer::BILLABLE_SECONDS_SQL
    )
}

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<InterventionSummary> {
    Ok(InterventionSummary {
        id: r.get(0)?,
        ticket_id: r.get(1)?,
        ticket_number: r.get(2)?,
        client_id: r.get(3)?,
        client_name: r.get(4)?,
        mode: r.get(5)?,
        technician_code: r.get(6)?,
        work_done: r.get(7)?,
        outcome: r.get(8)?,
        started_at: r.get(9)?,
        finished_at: r.get(10)?,
        created_at: r.get(11)?,
        billable_seconds: r.get(12)?,
    })
}

/// Interventions, newest first.
pub fn list(
    store: &Store,
    filter: &InterventionFilter,
    page: &PageRequest,
) -> Result<Page<InterventionSummary>> {
    let mut sql = summary_select() + " WHERE 1 = 1";
    let mut params: Vec<rusqlite::types::Value> = Vec::new();
    for (col, value) in [
        ("i.client_id", filter.client_id.map(|v| v.to_string())),
        ("i.ticket_id", filter.ticket_id.map(|v| v.to_string())),
        (
            "i.technician_id",
            filter.technician_id.map(|v| v.to_string()),
        ),
    ] {
        if let Some(v) = value {
            params.push(v.into());
            sql.push_str(&format!(" AND {col} = ?{}", params.len()));
        }
    }
    params.push(page.sql_limit().into());
    params.push(page.sql_offset().into());
    sql.push_str(&format!(
        " ORDER BY i.created_at DESC, i.id DESC LIMIT ?{} OFFSET ?{}",
        params.len() - 1,
        params.len()
    ));
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params), summary_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(rows, page))
}

/// The summaries of these interventions (unknown ids are skipped), in no particular order.
pub fn summaries(store: &Store, ids: &[String]) -> Result<Vec<InterventionSummary>> {
    let sql = summary_select() + " WHERE i.id IN (SELECT value FROM json_each(?1))";
    let ids = serde_json::Value::from(ids.to_vec()).to_string();
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let rows = stmt
        .query_map([ids], summary_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

//! The timer and the append-only time entries.
//!
//! Starting a timer writes a `timer` entry with no end; pausing or stopping closes it (its end and
//! seconds): the only change an entry ever gets. The running timer therefore lives in the database:
//! a crash, a reboot or a closed lid loses nothing, and elapsed time is always `now - started_at`.
//! Corrections are new entries (manual, adjustment, void, approval). A segment longer than 12 hours
//! is flagged for review and not billed until approved or corrected.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::get_in;
use crate::error::{Code, Error, Result};
use crate::ids::{InterventionId, TechnicianId, TicketId, TimeEntryId};
use crate::macros::string_enum;
use crate::setup;
use crate::store::{field, Entity, Store, WriteTx};
use crate::tickets;
use crate::time::{format_instant, parse_instant, parse_user_instant};
use crate::validate::{self, limits};
use rapportino_model::status::TicketStatus;
pub use rapportino_model::vocab::TimeEntryKind;

/// A timer segment longer than this is flagged for review instead of being billed.
pub const REVIEW_THRESHOLD_SECONDS: i64 = 12 * 3600;

string_enum! {
    TimerState, field = "timer_state" {
        NotStarted => "not_started",
        Running => "running",
        Paused => "paused",
        Stopped => "stopped",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TimeEntry {
    pub id: TimeEntryId,
    pub intervention_id: InterventionId,
    pub technician_id: TechnicianId,
    pub kind: TimeEntryKind,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// Closed timer segments, manual entries and (signed) adjustments.
    pub seconds: Option<i64>,
    pub corrects_id: Option<TimeEntryId>,
    pub note: Option<String>,
    pub needs_review: bool,
}

/// Time on an intervention, derived from its entries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct TimeTotals {
    /// What counts for billing: closed segments, manual entries, adjustments; voided entries out;
    /// flagged segments only once approved.
    pub billable_seconds: i64,
    /// Flagged segments waiting for review.
    pub pending_review_seconds: i64,
    /// The running segment so far (0 when not running).
    pub running_seconds: i64,
}

impl TimeTotals {
    pub fn compute(entries: &[TimeEntry], now: DateTime<Utc>) -> TimeTotals {
        let voided = |id: TimeEntryId| {
            entries
                .iter()
                .any(|e| e.kind == TimeEntryKind::Void && e.corrects_id == Some(id))
        };
        let approved = |id: TimeEntryId| {
            entries
                .iter()
                .any(|e| e.kind == TimeEntryKind::Approval && e.corrects_id == Some(id))
        };
        let mut t = TimeTotals::default();
        for e in entries {
            match e.kind {
                TimeEntryKind::Timer if e.ended_at.is_none() => {
                    t.running_seconds =
                        parse_instant(&e.started_at).map_or(0, |s| (now - s).num_seconds().max(0));
                }
                TimeEntryKind::Timer | TimeEntryKind::Manual | TimeEntryKind::Adjustment
                    if !voided(e.id) =>
                {
                    let s = e.seconds.unwrap_or(0);
                    if e.needs_review && !approved(e.id) {
                        t.pending_review_seconds += s;
                    } else {
                        t.billable_seconds += s;
                    }
                }
                _ => {}
            }
        }
        t
    }
}

impl TimerState {
    pub fn derive(entries: &[TimeEntry], finished: bool) -> TimerState {
        if entries
            .iter()
            .any(|e| e.kind == TimeEntryKind::Timer && e.ended_at.is_none())
        {
            TimerState::Running
        } else if finished {
            TimerState::Stopped
        } else if entries
            .iter()
            .any(|e| matches!(e.kind, TimeEntryKind::Timer | TimeEntryKind::Manual))
        {
            TimerState::Paused
        } else {
            TimerState::NotStarted
        }
    }
}

/// The same billable rule as [`TimeTotals::compute`], as SQL over `i.id` (for lists).
pub(crate) const BILLABLE_SECONDS_SQL: &str = "SELECT COALESCE(SUM(e.seconds), 0) FROM time_entries e
    WHERE e.intervention_id = i.id AND e.kind IN ('timer', 'manual', 'adjustment') AND e.seconds IS NOT NULL
      AND (e.needs_review = 0 OR EXISTS (SELECT 1 FROM time_entries a WHERE a.corrects_id = e.id AND a.kind = 'approval'))
      AND NOT EXISTS (SELECT 1 FROM time_entries v WHERE v.corrects_id = e.id AND v.kind = 'void')";

/// The technician's running timer, as the dashboard, window title and tray show it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RunningTimer {
    pub entry_id: TimeEntryId,
    pub intervention_id: InterventionId,
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub client_name: String,
    pub segment_started_at: String,
    pub segment_seconds: i64,
    /// Billable time already on the intervention plus the running segment.
    pub total_seconds: i64,
    /// Running for more than 12 hours: will be flagged for review when stopped.
    pub over_limit: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ManualTimeInput {
    pub minutes: i64,
    /// When the work started (default: now minus the minutes).
    #[ts(optional)]
    pub started_at: Option<String>,
    #[ts(optional)]
    pub note: Option<String>,
}

const COLUMNS: &str = "id, intervention_id, technician_id, kind, started_at, ended_at, seconds, corrects_id, note, needs_review";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TimeEntry> {
    Ok(TimeEntry {
        id: r.get(0)?,
        intervention_id: r.get(1)?,
        technician_id: r.get(2)?,
        kind: r.get(3)?,
        started_at: r.get(4)?,
        ended_at: r.get(5)?,
        seconds: r.get(6)?,
        corrects_id: r.get(7)?,
        note: r.get(8)?,
        needs_review: r.get(9)?,
    })
}

pub(crate) fn entries(
    conn: &rusqlite::Connection,
    intervention_id: InterventionId,
) -> Result<Vec<TimeEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM time_entries WHERE intervention_id = ?1 ORDER BY started_at, id"
    ))?;
    let rows = stmt.query_map([intervention_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The running segment of an intervention: this device's when there is one (the same technician
/// may have a segment running on another laptop too, which only that laptop closes).
fn open_entry(tx: &WriteTx<'_>, intervention_id: InterventionId) -> Result<Option<TimeEntry>> {
    Ok(tx
        .conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM time_entries WHERE intervention_id = ?1 AND kind = 'timer' AND ended_at IS NULL
             ORDER BY device_id = ?2 DESC, started_at DESC LIMIT 1"
        ))?
        .query_row(
            rusqlite::params![intervention_id, tx.device_id().to_string()],
            from_row,
        )
        .optional()?)
}

fn state_in(tx: &WriteTx<'_>, id: InterventionId) -> Result<(super::Intervention, TimerState)> {
    let intervention = get_in(tx.conn(), id)?;
    let state = TimerState::derive(&entries(tx.conn(), id)?, intervention.finished_at.is_some());
    Ok((intervention, state))
}

/// Starts the timer on an intervention that has not started yet.
pub fn start(store: &mut Store, id: InterventionId) -> Result<()> {
    store.write(|tx| {
        let (_, state) = state_in(tx, id)?;
        match state {
            TimerState::NotStarted => open_segment(tx, id),
            TimerState::Running => Err(Error::TimerState("the timer is already running".into())),
            TimerState::Paused | TimerState::Stopped => Err(Error::TimerState(
                "the timer was started before: resume it".into(),
            )),
        }
    })
}

/// Resumes a paused or stopped timer.
pub fn resume(store: &mut Store, id: InterventionId) -> Result<()> {
    store.write(|tx| {
        let (_, state) = state_in(tx, id)?;
        match state {
            TimerState::Paused => open_segment(tx, id),
            TimerState::Stopped => {
                tx.update(
                    Entity::Intervention,
                    &id.to_string(),
                    vec![("finished_at", serde_json::Value::Null)],
                )?;
                open_segment(tx, id)
            }
            TimerState::Running => Err(Error::TimerState("the timer is already running".into())),
            TimerState::NotStarted => {
                Err(Error::TimerState("the timer has not been started".into()))
            }
        }
    })
}

/// Pauses a running timer (closes the running segment).
pub fn pause(store: &mut Store, id: InterventionId) -> Result<()> {
    store.write(|tx| {
        let (_, state) = state_in(tx, id)?;
        if state != TimerState::Running {
            return Err(Error::TimerState("the timer is not running".into()));
        }
        close_segment(tx, id)
    })
}

/// Stops the timer: closes the running segment, if any, and marks the intervention finished.
pub fn stop(store: &mut Store, id: InterventionId) -> Result<()> {
    store.write(|tx| stop_in(tx, id, false))
}

pub(crate) fn stop_in(tx: &mut WriteTx<'_>, id: InterventionId, lenient: bool) -> Result<()> {
    let (_, state) = state_in(tx, id)?;
    match state {
        TimerState::Running => close_segment(tx, id)?,
        TimerState::Paused => {}
        TimerState::Stopped if lenient => return Ok(()),
        TimerState::NotStarted if lenient => {}
        TimerState::Stopped => {
            return Err(Error::TimerState("the timer is already stopped".into()))
        }
        TimerState::NotStarted => {
            return Err(Error::TimerState("the timer has not been started".into()))
        }
    }
    let now = field::text(tx.now_text());
    tx.update(
        Entity::Intervention,
        &id.to_string(),
        vec![("finished_at", now)],
    )?;
    Ok(())
}

pub(super) fn open_segment(tx: &mut WriteTx<'_>, id: InterventionId) -> Result<()> {
    let intervention = get_in(tx.conn(), id)?;
    let ticket = tickets::get_in(tx.conn(), intervention.ticket_id)?;
    // One running timer per technician on this device (the index enforces it too). A segment
    // of the same technician running on another laptop does not stop this one: both are kept
    // and the hub flags the overlap for review.
    let running_elsewhere: Option<InterventionId> = tx
        .conn()
        .prepare_cached(
            "SELECT intervention_id FROM time_entries
             WHERE technician_id = ?1 AND device_id = ?2 AND kind = 'timer' AND ended_at IS NULL",
        )?
        .query_row(
            rusqlite::params![intervention.technician_id, tx.device_id().to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = running_elsewhere {
        return Err(Error::TimerAlreadyRunning {
            intervention_id: other.to_string(),
        });
    }
    // Working on a ticket puts it in progress.
    match ticket.status {
        TicketStatus::New => {
            tickets::transition_in(
                tx,
                ticket.id,
                TicketStatus::Taken,
                Some(intervention.technician_id),
                None,
                None,
            )?;
            tickets::transition_in(tx, ticket.id, TicketStatus::InProgress, None, None, None)?;
        }
        TicketStatus::Taken | TicketStatus::WaitingClient | TicketStatus::WaitingThirdParty => {
            tickets::transition_in(tx, ticket.id, TicketStatus::InProgress, None, None, None)?;
        }
        TicketStatus::InProgress => {}
        other => {
            return Err(Error::Inconsistent(format!(
                "ticket {} is {other}: reopen it before working on it",
                ticket.number
            )));
        }
    }
    let now = tx.now_text().to_owned();
    if intervention.started_at.is_none() {
        tx.update(
            Entity::Intervention,
            &id.to_string(),
            vec![("started_at", field::text(&now))],
        )?;
    }
    insert_entry(
        tx,
        id,
        intervention.technician_id,
        TimeEntryKind::Timer,
        &now,
        None,
        None,
        None,
    )
}

fn close_segment(tx: &mut WriteTx<'_>, id: InterventionId) -> Result<()> {
    let entry =
        open_entry(tx, id)?.ok_or_else(|| Error::TimerState("the timer is not running".into()))?;
    let started = parse_instant(&entry.started_at)?;
    let raw = (tx.now() - started).num_seconds();
    // A clock that went backwards gives a negative span: keep zero and ask for review.
    let seconds = raw.max(0);
    let needs_review = !(0..=REVIEW_THRESHOLD_SECONDS).contains(&raw);
    let now = tx.now_text().to_owned();
    tx.update(
        Entity::TimeEntry,
        &entry.id.to_string(),
        vec![
            ("ended_at", field::text(now)),
            ("seconds", field::int(seconds)),
            ("needs_review", field::flag(needs_review)),
        ],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn insert_entry(
    tx: &mut WriteTx<'_>,
    intervention: InterventionId,
    technician: TechnicianId,
    kind: TimeEntryKind,
    started_at: &str,
    seconds: Option<i64>,
    corrects: Option<TimeEntryId>,
    note: Option<String>,
) -> Result<()> {
    let device = tx.device_id().to_string();
    tx.insert(
        Entity::TimeEntry,
        &TimeEntryId::new().to_string(),
        vec![
            ("intervention_id", field::text(intervention.to_string())),
            ("technician_id", field::text(technician.to_string())),
            ("kind", kind.into()),
            ("started_at", field::text(started_at)),
            (
                "seconds",
                seconds.map_or(serde_json::Value::Null, field::int),
            ),
            ("corrects_id", field::opt_id(corrects)),
            ("note", field::opt_text(note)),
            ("needs_review", field::flag(false)),
            ("device_id", field::text(device)),
        ],
    )
    .map_err(|e| match e {
        // The partial unique index caught a race with another writer.
        Error::AlreadyExists { .. } if kind == TimeEntryKind::Timer => Error::TimerAlreadyRunning {
            intervention_id: intervention.to_string(),
        },
        other => other,
    })
}

/// Logs work done without the timer.
pub fn add_manual(store: &mut Store, id: InterventionId, input: &ManualTimeInput) -> Result<()> {
    if !(1..=24 * 60).contains(&input.minutes) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "minutes",
            "must be between 1 and 1440",
        ));
    }
    let note = validate::optional_text("note", input.note.as_deref(), limits::NOTES)?;
    let tz = store.tz();
    let started = match input
        .started_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => parse_user_instant("started_at", s, tz)?,
        None => store.now() - chrono::Duration::minutes(input.minutes),
    };
    store.write(|tx| {
        let intervention = get_in(tx.conn(), id)?;
        // The work's date (what the ledger and statements go by) is its earliest start.
        let start_text = format_instant(started);
        if intervention
            .started_at
            .as_deref()
            .is_none_or(|s| start_text.as_str() < s)
        {
            tx.update(
                Entity::Intervention,
                &id.to_string(),
                vec![("started_at", field::text(&start_text))],
            )?;
        }
        insert_entry(
            tx,
            id,
            intervention.technician_id,
            TimeEntryKind::Manual,
            &format_instant(started),
            Some(input.minutes * 60),
            None,
            note,
        )
    })
}

/// Adds (or, with negative minutes, removes) time with a reason.
pub fn adjust(store: &mut Store, id: InterventionId, minutes: i64, note: &str) -> Result<()> {
    if minutes == 0 || minutes.abs() > 24 * 60 {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "minutes",
            "must be non-zero and at most 1440 either way",
        ));
    }
    let note = validate::required_text("note", note, limits::NOTES)?;
    store.write(|tx| {
        let intervention = get_in(tx.conn(), id)?;
        let now = tx.now_text().to_owned();
        insert_entry(
            tx,
            id,
            intervention.technician_id,
            TimeEntryKind::Adjustment,
            &now,
            Some(minutes * 60),
            None,
            Some(note),
        )
    })
}

/// Cancels an entry (the entry stays, a `void` entry points at it).
pub fn void_entry(store: &mut Store, entry_id: TimeEntryId, note: &str) -> Result<()> {
    let note = validate::required_text("note", note, limits::NOTES)?;
    store.write(|tx| {
        let target = get_entry(tx.conn(), entry_id)?;
        if !matches!(
            target.kind,
            TimeEntryKind::Timer | TimeEntryKind::Manual | TimeEntryKind::Adjustment
        ) {
            return Err(Error::Inconsistent(format!(
                "a {} entry cannot be voided",
                target.kind
            )));
        }
        if target.kind == TimeEntryKind::Timer && target.ended_at.is_none() {
            return Err(Error::TimerState(
                "stop the timer before voiding its segment".into(),
            ));
        }
        if has_correction(tx.conn(), entry_id, TimeEntryKind::Void)? {
            return Err(Error::AlreadyExists {
                what: "void",
                value: entry_id.to_string(),
            });
        }
        let now = tx.now_text().to_owned();
        insert_entry(
            tx,
            target.intervention_id,
            target.technician_id,
            TimeEntryKind::Void,
            &now,
            None,
            Some(entry_id),
            Some(note),
        )
    })
}

/// Accepts a segment flagged for review, so it is billed as recorded.
pub fn approve(store: &mut Store, entry_id: TimeEntryId) -> Result<()> {
    store.write(|tx| {
        let target = get_entry(tx.conn(), entry_id)?;
        if !target.needs_review {
            return Err(Error::Inconsistent(
                "this entry is not waiting for review".into(),
            ));
        }
        if has_correction(tx.conn(), entry_id, TimeEntryKind::Approval)? {
            return Err(Error::AlreadyExists {
                what: "approval",
                value: entry_id.to_string(),
            });
        }
        let now = tx.now_text().to_owned();
        insert_entry(
            tx,
            target.intervention_id,
            target.technician_id,
            TimeEntryKind::Approval,
            &now,
            None,
            Some(entry_id),
            None,
        )
    })
}

fn get_entry(conn: &rusqlite::Connection, id: TimeEntryId) -> Result<TimeEntry> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM time_entries WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("time_entry", id))
}

fn has_correction(
    conn: &rusqlite::Connection,
    id: TimeEntryId,
    kind: TimeEntryKind,
) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM time_entries WHERE corrects_id = ?1 AND kind = ?2")?
        .exists(rusqlite::params![id, kind])?)
}

/// `technician`, else this device's; none before onboarding (no timer to show then).
fn technician_or_this_device(
    store: &Store,
    technician: Option<TechnicianId>,
) -> Result<Option<TechnicianId>> {
    match technician {
        Some(t) => Ok(Some(t)),
        None => match setup::current_technician(store.conn()) {
            Ok(t) => Ok(Some(t)),
            Err(Error::NotOnboarded) => Ok(None),
            Err(e) => Err(e),
        },
    }
}

/// The running timer of `technician` (default: this device's technician), if any: the one on
/// this device first, else one running on another device.
pub fn running_timer(
    store: &Store,
    technician: Option<TechnicianId>,
) -> Result<Option<RunningTimer>> {
    let Some(technician) = technician_or_this_device(store, technician)? else {
        return Ok(None);
    };
    let row: Option<(
        TimeEntryId,
        InterventionId,
        TicketId,
        String,
        String,
        String,
    )> = store
        .conn()
        .prepare_cached(
            "SELECT e.id, e.intervention_id, i.ticket_id, t.number, c.name, e.started_at
             FROM time_entries e
             JOIN interventions i ON i.id = e.intervention_id
             JOIN tickets t ON t.id = i.ticket_id
             JOIN clients c ON c.id = i.client_id
             WHERE e.technician_id = ?1 AND e.kind = 'timer' AND e.ended_at IS NULL
             ORDER BY e.device_id = ?2 DESC, e.started_at DESC LIMIT 1",
        )?
        .query_row(
            rusqlite::params![technician, store.device_id()?.to_string()],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    let Some((entry_id, intervention_id, ticket_id, ticket_number, client_name, started)) = row
    else {
        return Ok(None);
    };
    let totals = TimeTotals::compute(&entries(store.conn(), intervention_id)?, store.now());
    Ok(Some(RunningTimer {
        entry_id,
        intervention_id,
        ticket_id,
        ticket_number,
        client_name,
        segment_started_at: started,
        segment_seconds: totals.running_seconds,
        total_seconds: totals.billable_seconds + totals.running_seconds,
        over_limit: totals.running_seconds > REVIEW_THRESHOLD_SECONDS,
    }))
}

/// The intervention whose timer this technician paused most recently and has not stopped: what
/// "Riprendi" in the tray resumes. `None` while a timer runs (one runs at a time) or before
/// onboarding.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PausedTimer {
    pub intervention_id: InterventionId,
    pub ticket_number: String,
    pub client_name: String,
    pub paused_at: String,
}

pub fn paused_timer(
    store: &Store,
    technician: Option<TechnicianId>,
) -> Result<Option<PausedTimer>> {
    let Some(technician) = technician_or_this_device(store, technician)? else {
        return Ok(None);
    };
    if running_timer(store, Some(technician))?.is_some() {
        return Ok(None);
    }
    Ok(store
        .conn()
        .prepare_cached(
            // From the technician's few unfinished interventions (a partial index), not from
            // all their time entries: fast however long the history.
            "SELECT i.id, t.number, c.name,
                    (SELECT max(e.ended_at) FROM time_entries e
                      WHERE e.intervention_id = i.id AND e.kind = 'timer') AS paused_at
             FROM interventions i
             JOIN tickets t ON t.id = i.ticket_id
             JOIN clients c ON c.id = i.client_id
             WHERE i.technician_id = ?1 AND i.finished_at IS NULL AND paused_at IS NOT NULL
             ORDER BY paused_at DESC LIMIT 1",
        )?
        .query_row([technician], |r| {
            Ok(PausedTimer {
                intervention_id: r.get(0)?,
                ticket_number: r.get(1)?,
                client_name: r.get(2)?,
                paused_at: r.get(3)?,
            })
        })
        .optional()?)
}

/// Segments flagged for review and not yet approved or voided, oldest first.
pub fn entries_needing_review(store: &Store) -> Result<Vec<TimeEntry>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM time_entries e WHERE needs_review = 1
           AND NOT EXISTS (SELECT 1 FROM time_entries c WHERE c.corrects_id = e.id AND c.kind IN ('approval', 'void'))
         ORDER BY started_at"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

//! Moving a ticket through its state machine: the instants each move stamps, the party a wait
//! for a third party names, and the status event that records every move.

use rusqlite::OptionalExtension;

use super::waiting::{self, WaitingParty};
use super::{ensure_technician, get, has_running_timer, Ticket, TicketEvent, TransitionInput};
use crate::error::{Code, Error, Result};
use crate::ids::{TechnicianId, TicketEventId, TicketId};
use crate::store::{field, Entity, Fields, Store, WriteTx};
use crate::time::{format_instant, parse_user_instant};
use crate::validate::{self, limits};
use rapportino_model::status::TicketStatus;

/// Moves a ticket through its state machine, stamping the matching instant and logging the event.
pub fn transition(store: &mut Store, id: TicketId, input: &TransitionInput) -> Result<Ticket> {
    let note = validate::optional_text("note", input.note.as_deref(), limits::NOTES)?;
    let party = waiting::checked(input.to, input.party.as_ref())?;
    let estimate = input
        .estimated_resolution_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse_user_instant("estimated_resolution_at", s, store.tz()))
        .transpose()?;
    if let Some(e) = estimate {
        if e < store.now() {
            return Err(Error::invalid(
                Code::InvalidFormat,
                "estimated_resolution_at",
                "is in the past",
            ));
        }
    }
    if note.is_none() {
        let from = get(store, id)?.status;
        if from.can_move_to(input.to) && from.note_required(input.to) {
            return Err(Error::invalid(
                Code::Required,
                "note",
                format!("moving a {from} ticket to {} needs its reason", input.to),
            ));
        }
    }
    store.write(|tx| {
        move_in(
            tx,
            id,
            input.to,
            input.technician_id,
            estimate.map(format_instant),
            note,
            party,
        )
    })?;
    get(store, id)
}

/// The transition inside an open transaction (the timer uses it to move a ticket to in progress).
/// It names no party: waiting for a third party goes through [`transition`].
pub(crate) fn transition_in(
    tx: &mut WriteTx<'_>,
    id: TicketId,
    to: TicketStatus,
    technician_id: Option<TechnicianId>,
    estimate: Option<String>,
    note: Option<String>,
) -> Result<()> {
    move_in(tx, id, to, technician_id, estimate, note, None)
}

fn move_in(
    tx: &mut WriteTx<'_>,
    id: TicketId,
    to: TicketStatus,
    technician_id: Option<TechnicianId>,
    estimate: Option<String>,
    note: Option<String>,
    party: Option<WaitingParty>,
) -> Result<()> {
    let (from, taken_at): (TicketStatus, Option<String>) = tx
        .conn()
        .prepare_cached("SELECT status, taken_at FROM tickets WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::not_found("ticket", id))?;
    if !from.can_move_to(to) {
        return Err(Error::IllegalTransition {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    // Checked again here so no path stores the state without its party.
    let party = waiting::checked(to, party.as_ref())?;
    if matches!(to, TicketStatus::Resolved | TicketStatus::Cancelled)
        && has_running_timer(tx.conn(), id)?
    {
        return Err(Error::TimerState(
            "a timer is running on this ticket: stop it first".into(),
        ));
    }
    let now = field::text(tx.now_text());
    let mut fields: Fields = vec![("status", to.into())];
    let tech = match technician_id {
        Some(t) => {
            ensure_technician(tx.conn(), t)?;
            Some(t)
        }
        None => tx.technician().ok(),
    };
    match to {
        // Leaving a wait straight into work also takes the ticket in charge.
        TicketStatus::Taken | TicketStatus::InProgress if taken_at.is_none() => {
            fields.push(("taken_at", now));
            fields.push(("assigned_technician_id", field::opt_id(tech)));
            if estimate.is_some() {
                fields.push(("estimated_resolution_at", field::opt_text(estimate)));
            }
        }
        TicketStatus::Taken => {
            if taken_at.is_none() {
                fields.push(("taken_at", now));
            }
            fields.push(("assigned_technician_id", field::opt_id(tech)));
            if estimate.is_some() {
                fields.push(("estimated_resolution_at", field::opt_text(estimate)));
            }
        }
        TicketStatus::InProgress if from == TicketStatus::Resolved => {
            fields.push(("resolved_at", serde_json::Value::Null))
        }
        TicketStatus::Resolved => fields.push(("resolved_at", now)),
        TicketStatus::Closed => fields.push(("closed_at", now)),
        TicketStatus::Cancelled => fields.push(("cancelled_at", now)),
        _ => {}
    }
    // The party is the ticket's while it waits; leaving the wait clears it (the event keeps it).
    if let Some(p) = &party {
        fields.push(("waiting_party_kind", p.kind.into()));
        fields.push(("waiting_party_name", field::text(&p.name)));
    } else if from.needs_party() {
        fields.push(("waiting_party_kind", serde_json::Value::Null));
        fields.push(("waiting_party_name", serde_json::Value::Null));
    }
    tx.update(Entity::Ticket, &id.to_string(), fields)?;
    append_event(tx, id, Some(from), to, note, party)?;
    // The customer hears of it: taken in charge (the first time, even straight into work), resolved.
    let first_take =
        taken_at.is_none() && matches!(to, TicketStatus::Taken | TicketStatus::InProgress);
    if first_take {
        crate::outbox::on_ticket_status(tx, id, TicketStatus::Taken)?;
    } else if to == TicketStatus::Resolved {
        crate::outbox::on_ticket_status(tx, id, TicketStatus::Resolved)?;
    }
    Ok(())
}

pub(super) fn append_event(
    tx: &mut WriteTx<'_>,
    ticket: TicketId,
    from: Option<TicketStatus>,
    to: TicketStatus,
    note: Option<String>,
    party: Option<WaitingParty>,
) -> Result<()> {
    let tech = tx.technician().ok();
    let at = tx.now_text().to_owned();
    let mut fields: Fields = vec![
        ("ticket_id", field::text(ticket.to_string())),
        (
            "from_status",
            from.map_or(serde_json::Value::Null, Into::into),
        ),
        ("to_status", to.into()),
        ("at", field::text(at)),
        ("technician_id", field::opt_id(tech)),
        ("note", field::opt_text(note)),
    ];
    if let Some(p) = party {
        fields.push(("waiting_party_kind", p.kind.into()));
        fields.push(("waiting_party_name", field::text(p.name)));
    }
    tx.insert(
        Entity::TicketEvent,
        &TicketEventId::new().to_string(),
        fields,
    )
}

/// A ticket's status history, oldest first.
pub fn events(conn: &rusqlite::Connection, id: TicketId) -> Result<Vec<TicketEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, from_status, to_status, at, technician_id, note, waiting_party_kind,
                waiting_party_name
         FROM ticket_events WHERE ticket_id = ?1 ORDER BY at, id",
    )?;
    let events = stmt
        .query_map([id], |r| {
            Ok(TicketEvent {
                id: r.get(0)?,
                from_status: r.get(1)?,
                to_status: r.get(2)?,
                at: r.get(3)?,
                technician_id: r.get(4)?,
                note: r.get(5)?,
                waiting_party: waiting::from_columns(r.get(6)?, r.get(7)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(events)
}

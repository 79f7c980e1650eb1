//! A ticket's commercial terms: the governing contract chosen by hand, extra time (checked with
//! the contract's PIN), priority on the client's demand, out-of-scope work, the service asked for.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{get, Ticket};
use crate::contracts::governing::{self, applies};
use crate::contracts::{self, pin};
use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, ContractId, TicketId};
use crate::store::{field, Entity, Fields, Store, WriteTx};
use crate::time::{local_date, parse_instant};
use rapportino_model::vocab::ContractKind;

/// The editable terms of a ticket (replaced as a whole).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct TicketTerms {
    /// The governing contract; None = the automatic rule.
    #[ts(optional)]
    pub contract_id: Option<ContractId>,
    #[serde(default)]
    pub priority_requested: bool,
    #[serde(default)]
    pub out_of_scope: bool,
    #[ts(optional)]
    pub service: Option<String>,
}

fn client_class(conn: &rusqlite::Connection, client: ClientId) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT customer_class FROM clients WHERE id = ?1")?
        .query_row([client], |r| r.get(0))?)
}

/// Checks a chosen contract: the client's own, valid on the day the problem was reported.
pub(crate) fn check_chosen(
    conn: &rusqlite::Connection,
    client: ClientId,
    contract: ContractId,
    reported_on: chrono::NaiveDate,
) -> Result<()> {
    let c = contracts::get_in(conn, contract).map_err(|_| {
        Error::invalid(
            Code::NotFound,
            "contract_id",
            format!("no contract with id {contract}"),
        )
    })?;
    if c.client_id != client {
        return Err(Error::invalid(
            Code::ContractNotApplicable,
            "contract_id",
            "the contract belongs to another client",
        ));
    }
    if !applies(&c, &client_class(conn, client)?, reported_on) {
        return Err(Error::invalid(
            Code::ContractExpired,
            "contract_id",
            format!(
                "\"{}\" is not valid on {reported_on} (valid {} – {})",
                c.name, c.starts_on, c.ends_on
            ),
        ));
    }
    Ok(())
}

/// The SLA contract allowing extra time that governs a ticket of `client` reported on
/// `reported_on` (`chosen`: the contract picked by hand), or `EXTRA_TIME_NOT_ALLOWED`.
pub(crate) fn extra_time_contract_in(
    conn: &rusqlite::Connection,
    client: ClientId,
    chosen: Option<ContractId>,
    reported_on: chrono::NaiveDate,
) -> Result<ContractId> {
    let all = contracts::for_client_in(conn, client)?;
    let g = governing::choose(&all, &client_class(conn, client)?, reported_on, chosen);
    match g.contract {
        Some(c) if c.terms.kind == ContractKind::Sla && c.terms.extra_time_allowed => Ok(c.id),
        Some(c) if c.terms.kind == ContractKind::Sla => Err(Error::invalid(
            Code::ExtraTimeNotAllowed,
            "extra_time_pin",
            "the contract does not allow extra time",
        )),
        _ => Err(Error::invalid(
            Code::ExtraTimeNotAllowed,
            "extra_time_pin",
            "no SLA contract with extra time governs this ticket",
        )),
    }
}

/// Checks the extra-time PIN against the contract that would govern the ticket. On a
/// technician's device enrolled with a hub the PIN is the hub's to check (`PIN_NEEDS_HUB`: the
/// front ends go through `sync::extra_time`).
pub(crate) fn check_extra_time(
    conn: &rusqlite::Connection,
    client: ClientId,
    chosen: Option<ContractId>,
    reported_on: chrono::NaiveDate,
    pin: &str,
) -> Result<()> {
    let contract = extra_time_contract_in(conn, client, chosen, reported_on)?;
    if pin::checked_by_hub(conn)? {
        return Err(pin::needs_hub("this device does not hold the PIN"));
    }
    contracts::check_extra_time(conn, contract, pin)
}

/// The contract whose PIN puts ticket `id` under extra time (what the hub is asked about).
pub fn extra_time_contract(store: &Store, id: TicketId) -> Result<ContractId> {
    let ticket = get(store, id)?;
    let day = reported_on(&ticket, store.tz())?;
    extra_time_contract_in(store.conn(), ticket.client_id, ticket.contract_id, day)
}

/// Puts ticket `id` under extra time with the hub's grant (the PIN checked by the hub for a
/// technician's device; see `sync::extra_time`).
pub fn grant_extra_time(store: &mut Store, id: TicketId, grant: &str) -> Result<Ticket> {
    get(store, id)?;
    store.write(|tx| {
        tx.update(
            Entity::Ticket,
            &id.to_string(),
            vec![
                ("extra_time", field::flag(true)),
                ("extra_time_grant", field::text(grant)),
            ],
        )
    })?;
    get(store, id)
}

pub(crate) fn service_code(v: Option<&str>) -> Result<Option<String>> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => crate::classes::code("service", s, 32).map(Some),
    }
}

fn reported_on(t: &Ticket, tz: crate::time::Tz) -> Result<chrono::NaiveDate> {
    Ok(local_date(parse_instant(&t.reported_at)?, tz))
}

/// Replaces a ticket's terms. The SLA clocks and the allocation of its work follow on next read.
pub fn set_terms(store: &mut Store, id: TicketId, terms: &TicketTerms) -> Result<Ticket> {
    let ticket = get(store, id)?;
    let service = service_code(terms.service.as_deref())?;
    let day = reported_on(&ticket, store.tz())?;
    store.write(|tx| {
        if let Some(c) = terms.contract_id {
            check_chosen(tx.conn(), ticket.client_id, c, day)?;
        }
        let fields: Fields = vec![
            ("contract_id", field::opt_id(terms.contract_id)),
            ("priority_requested", field::flag(terms.priority_requested)),
            ("out_of_scope", field::flag(terms.out_of_scope)),
            ("service", field::opt_text(service.clone())),
        ];
        tx.update(Entity::Ticket, &id.to_string(), fields)?;
        Ok(())
    })?;
    get(store, id)
}

/// Puts a ticket under extra time after checking the caller's PIN: its SLA clocks run at once in
/// wall-clock time and its work outside the coverage window is surcharged.
/// Wrong PINs are limited per ticket (`PIN_LOCKED`, see `contracts::pin`).
pub fn claim_extra_time(store: &mut Store, id: TicketId, pin: &str) -> Result<Ticket> {
    let ticket = get(store, id)?;
    let day = reported_on(&ticket, store.tz())?;
    let scope = format!("ticket:{id}");
    let now = store.now();
    pin::check_not_locked(store.conn(), &scope, now)?;
    let outcome = store.write(|tx| {
        check_extra_time(tx.conn(), ticket.client_id, ticket.contract_id, day, pin)?;
        tx.update(
            Entity::Ticket,
            &id.to_string(),
            vec![("extra_time", field::flag(true))],
        )?;
        Ok(())
    });
    pin::record(store.conn(), &scope, now, &outcome)?;
    outcome?;
    get(store, id)
}

/// The terms columns of a new ticket, checked inside its transaction. `grant`: the hub's
/// extra-time grant, for a PIN the hub checked (the PIN is then not checked here).
pub(crate) fn new_ticket_fields(
    tx: &WriteTx<'_>,
    client: ClientId,
    reported_on: chrono::NaiveDate,
    input: &super::NewTicket,
    grant: Option<&str>,
) -> Result<Fields> {
    let service = service_code(input.service.as_deref())?;
    if let Some(c) = input.contract_id {
        check_chosen(tx.conn(), client, c, reported_on)?;
    }
    let pin = input
        .extra_time_pin
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    match (pin, grant) {
        (_, Some(_)) => {}
        (Some(pin), None) => {
            check_extra_time(tx.conn(), client, input.contract_id, reported_on, pin)?;
        }
        (None, None) => {}
    }
    let extra_time = pin.is_some() || grant.is_some();
    let mut fields: Fields = grant
        .map(|g| ("extra_time_grant", field::text(g)))
        .into_iter()
        .collect();
    fields.extend([
        ("contract_id", field::opt_id(input.contract_id)),
        ("extra_time", field::flag(extra_time)),
        ("priority_requested", field::flag(input.priority_requested)),
        ("out_of_scope", field::flag(input.out_of_scope)),
        ("service", field::opt_text(service)),
    ]);
    Ok(fields)
}

//! Extra time on a technician's device. The hub never sends a contract's PIN hash to the
//! technician role, so the PIN typed at the client's desk is checked by the hub
//! (`POST /v1/extra-time`, wrong tries limited per ticket there too); a right PIN comes back as a
//! grant the ticket carries (`extra_time_grant`), without which the hub refuses a technician's
//! extra time (`EXTRA_TIME_NOT_GRANTED`). No network: `PIN_NEEDS_HUB`.
//!
//! Office and admin devices, and devices without a hub, keep checking the PIN themselves
//! ([`tickets::claim_extra_time`], [`tickets::open`]). The front ends call the functions here,
//! which choose. In three steps for the app, whose store lock is never held during network I/O:
//! [`prepare_claim`] / [`prepare_open`] (store), [`HubAsk::send`] (network only), [`finish_claim`]
//! / [`finish_open`] (store); [`claim_extra_time`] and [`open_ticket`] do the three in a row.

use super::client::HubClient;
use super::protocol::{ExtraTimeGrant, ExtraTimeRequest};
use crate::contracts::pin;
use crate::error::{Code, Error, Result};
use crate::ids::TicketId;
use crate::store::{keys, local_get, Store};
use crate::tickets::{self, NewTicket, Ticket};

/// A PIN for the hub to check: where the hub is, what to ask, and where wrong tries count on
/// this device (`ticket:<id>`, or `client:<id>` for a ticket being opened).
pub struct HubAsk {
    url: String,
    token: String,
    ca_pem: Option<String>,
    request: ExtraTimeRequest,
    ticket: TicketId,
    scope: String,
    at: chrono::DateTime<chrono::Utc>,
}

impl HubAsk {
    /// Asks the hub through `client` (network only; no store). Unreachable: `PIN_NEEDS_HUB`;
    /// the hub's refusals (`WRONG_PIN`, `PIN_LOCKED`, `EXTRA_TIME_NOT_ALLOWED`) come back on the
    /// field `extra_time_pin`.
    pub fn send(&self, client: &dyn HubClient) -> Result<ExtraTimeGrant> {
        client
            .connect(&self.url, &self.token, self.ca_pem.as_deref())
            .and_then(|hub| hub.extra_time(&self.request))
            .map_err(|e| match e.code() {
                Code::HubUnreachable => pin::needs_hub(&format!("the hub cannot be reached ({e})")),
                Code::WrongPin | Code::PinLocked | Code::ExtraTimeNotAllowed => {
                    let message = match &e {
                        Error::Invalid { message, .. } => message.clone(),
                        other => other.to_string(),
                    };
                    Error::invalid(e.code(), "extra_time_pin", message)
                }
                _ => e,
            })
    }
}

/// Puts a ticket under extra time with the client's PIN: checked here, or by the hub on a
/// technician's device.
pub fn claim_extra_time(
    store: &mut Store,
    client: &dyn HubClient,
    id: TicketId,
    pin_given: &str,
) -> Result<Ticket> {
    match prepare_claim(store, id, pin_given)? {
        None => tickets::claim_extra_time(store, id, pin_given),
        Some(ask) => {
            let answer = ask.send(client);
            finish_claim(store, &ask, answer)
        }
    }
}

/// What claiming extra time on ticket `id` needs from the hub; `None`: this device checks the
/// PIN itself ([`tickets::claim_extra_time`]).
pub fn prepare_claim(store: &Store, id: TicketId, pin_given: &str) -> Result<Option<HubAsk>> {
    if !pin::checked_by_hub(store.conn())? {
        return Ok(None);
    }
    let contract = tickets::extra_time_contract(store, id)?;
    ask(store, format!("ticket:{id}"), id, contract, pin_given).map(Some)
}

/// Records the hub's answer (a wrong PIN counts here too) and, with a grant, puts the ticket
/// under extra time.
pub fn finish_claim(
    store: &mut Store,
    ask: &HubAsk,
    answer: Result<ExtraTimeGrant>,
) -> Result<Ticket> {
    pin::record(store.conn(), &ask.scope, ask.at, &answer)?;
    tickets::grant_extra_time(store, ask.ticket, &answer?.grant)
}

/// Opens a ticket; a PIN given with it is checked here, or by the hub on a technician's device
/// (the ticket's id is chosen first: the hub's grant is for it).
pub fn open_ticket(store: &mut Store, client: &dyn HubClient, input: &NewTicket) -> Result<Ticket> {
    match prepare_open(store, input)? {
        None => tickets::open(store, input),
        Some(ask) => {
            let answer = ask.send(client);
            finish_open(store, input, &ask, answer)
        }
    }
}

/// What opening `input` needs from the hub: `None` without a PIN or when this device checks it.
pub fn prepare_open(store: &Store, input: &NewTicket) -> Result<Option<HubAsk>> {
    let pin_given = input
        .extra_time_pin
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let Some(pin_given) = pin_given else {
        return Ok(None);
    };
    if !pin::checked_by_hub(store.conn())? {
        return Ok(None);
    }
    let contract = tickets::new_extra_time_contract(store, input)?;
    let scope = format!("client:{}", input.client_id);
    ask(store, scope, TicketId::new(), contract, pin_given).map(Some)
}

/// Records the hub's answer and, with a grant, opens the ticket under extra time.
pub fn finish_open(
    store: &mut Store,
    input: &NewTicket,
    ask: &HubAsk,
    answer: Result<ExtraTimeGrant>,
) -> Result<Ticket> {
    pin::record(store.conn(), &ask.scope, ask.at, &answer)?;
    tickets::open_as(store, input, ask.ticket, Some(&answer?.grant))
}

fn ask(
    store: &Store,
    scope: String,
    ticket: TicketId,
    contract: crate::ids::ContractId,
    pin_given: &str,
) -> Result<HubAsk> {
    let at = store.now();
    pin::check_not_locked(store.conn(), &scope, at)?;
    let pin_given = pin_given.trim();
    if !rapportino_model::pin::is_well_formed(pin_given) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "extra_time_pin",
            "a PIN is 4 to 8 digits",
        ));
    }
    let conn = store.conn();
    let (Some(url), Some(token)) = (
        local_get(conn, keys::HUB_URL)?,
        super::credential::token(store)?,
    ) else {
        return Err(pin::needs_hub("this device has no credential for its hub"));
    };
    Ok(HubAsk {
        url,
        token,
        ca_pem: local_get(conn, keys::CA_PEM)?,
        request: ExtraTimeRequest {
            ticket_id: ticket.to_string(),
            contract_id: contract.to_string(),
            pin: pin_given.to_owned(),
        },
        ticket,
        scope,
        at,
    })
}

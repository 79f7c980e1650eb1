//! Extra-time PINs for technician devices, which never receive a contract's PIN hash
//! (`rapportino_model::reads`): `POST /v1/extra-time` checks the PIN on the hub (argon2id,
//! wrong tries limited per ticket and logged under `refusals`) and answers a grant
//! ([`crate::grant`]); a technician's push that sets a ticket's `extra_time` must carry a grant
//! the hub made for that ticket ([`check_push`], `EXTRA_TIME_NOT_GRANTED`).

use chrono::{DateTime, Duration, Utc};
use rapportino_model::merge::RowState;
use rapportino_model::pin::{self, MAX_WRONG, WINDOW_MINUTES};
use rapportino_model::protocol::{wire_code, ExtraTimeGrant, ExtraTimeRequest, Mutation, Op};
use rapportino_model::validate::{is_id, Refusal};
use rapportino_model::Entity;
use serde_json::Value;

use crate::auth::AuthedDevice;
use crate::error::HubError;
use crate::grant;
use crate::log_text::Escaped;
use crate::storage::{format_instant, HubTx, Storage};

/// Longest PIN text looked at (a PIN is 4 to 8 digits).
const MAX_PIN: usize = 64;

/// The refusal-log scope of a ticket's PIN tries (its `mutation_id`).
pub fn scope(ticket_id: &str) -> String {
    format!("extra-time:{ticket_id}")
}

/// Checks `req.pin` against the contract's PIN hash for the ticket; a grant when right.
/// Refused: `PIN_LOCKED` after [`MAX_WRONG`] wrong PINs for the ticket within
/// [`WINDOW_MINUTES`] (the right PIN too); `EXTRA_TIME_NOT_ALLOWED` for a contract the hub
/// does not hold, that is not an SLA allowing extra time with a PIN, or that is not the
/// ticket's client's (when the hub has the ticket); `WRONG_PIN` (counted, logged).
pub fn claim(
    storage: &Storage,
    device: &AuthedDevice,
    req: &ExtraTimeRequest,
    now: DateTime<Utc>,
) -> Result<ExtraTimeGrant, HubError> {
    if !is_id(&req.ticket_id) || !is_id(&req.contract_id) || req.pin.len() > MAX_PIN {
        return Err(HubError::MalformedBody(
            "ticket_id and contract_id are ids; a PIN is 4 to 8 digits".into(),
        ));
    }
    let scope = scope(&req.ticket_id);
    let key = storage.grant_key().to_vec();
    let outcome = storage.write(|tx| {
        let since = format_instant(now - Duration::minutes(WINDOW_MINUTES));
        if tx.wrong_pins_since(&scope, &since)? >= MAX_WRONG as i64 {
            return Ok(Err(HubError::PinLocked {
                retry_after_secs: WINDOW_MINUTES as u64 * 60,
            }));
        }
        let not_allowed = |why: &str| Ok(Err(HubError::ExtraTimeNotAllowed(why.to_owned())));
        let Some(contract) = live(tx.load_row(Entity::Contract.name(), &req.contract_id)?) else {
            return not_allowed("the hub holds no such contract");
        };
        let text =
            |row: &RowState, k: &str| row.fields.get(k).and_then(Value::as_str).map(str::to_owned);
        let hash = text(&contract, "extra_time_pin_hash");
        let allowed = contract
            .fields
            .get("extra_time_allowed")
            .is_some_and(truthy);
        let (Some(hash), true, Some("sla")) = (
            hash,
            allowed,
            contract.fields.get("kind").and_then(Value::as_str),
        ) else {
            return not_allowed("the contract does not allow extra time with a PIN");
        };
        if let Some(ticket) = live(tx.load_row(Entity::Ticket.name(), &req.ticket_id)?) {
            if text(&ticket, "client_id") != text(&contract, "client_id") {
                return not_allowed("the contract is another client's");
            }
        }
        if !pin::verify_pin(&req.pin, &hash) {
            tx.log_refusal(
                &device.device_id,
                &scope,
                wire_code::WRONG_PIN,
                &format!("wrong extra-time PIN for contract {}", req.contract_id),
            )?;
            return Ok(Err(HubError::WrongPin));
        }
        Ok(Ok(ExtraTimeGrant {
            grant: grant::issue(&key, &req.ticket_id, &req.contract_id, now.timestamp()),
        }))
    })?;
    if outcome.is_ok() {
        tracing::info!(
            device = %Escaped(&device.device_id),
            ticket = %Escaped(&req.ticket_id),
            contract = %Escaped(&req.contract_id),
            "extra time granted"
        );
    }
    outcome
}

/// A technician's mutation of a ticket that sets `extra_time` (or writes a grant) must leave
/// the row with a grant the hub made for this ticket, under a contract of the ticket's client.
/// A ticket already under extra time at the hub may be sent `extra_time` again.
pub fn check_push(
    tx: &mut dyn HubTx,
    key: &[u8],
    m: &Mutation,
    current: Option<&RowState>,
) -> Result<Result<(), Refusal>, HubError> {
    if m.entity != Entity::Ticket.name() || m.op == Op::Delete {
        return Ok(Ok(()));
    }
    let current = current.filter(|r| r.deleted.is_none());
    let sets = m.fields.get("extra_time").is_some_and(truthy);
    let writes_grant = m
        .fields
        .get("extra_time_grant")
        .is_some_and(|v| !v.is_null());
    let already = current.is_some_and(|r| r.fields.get("extra_time").is_some_and(truthy));
    if !writes_grant && (!sets || already) {
        return Ok(Ok(()));
    }
    let field = |k: &str| {
        m.fields
            .get(k)
            .or_else(|| current.and_then(|r| r.fields.get(k)))
            .and_then(Value::as_str)
    };
    let refuse = |why: &str| {
        Ok(Err(Refusal {
            code: wire_code::EXTRA_TIME_NOT_GRANTED,
            detail: why.to_owned(),
        }))
    };
    let Some(granted) = field("extra_time_grant") else {
        return refuse(
            "extra time on a technician's device needs the hub's grant (the PIN checked online)",
        );
    };
    let Some(contract_id) = grant::verify(key, &m.entity_id, granted) else {
        return refuse("the extra-time grant is not this hub's for this ticket");
    };
    let contract = live(tx.load_row(Entity::Contract.name(), &contract_id)?);
    let contract_client = contract
        .as_ref()
        .and_then(|c| c.fields.get("client_id")?.as_str());
    if contract_client.is_none() || contract_client != field("client_id") {
        return refuse("the extra-time grant is for a contract of another client");
    }
    Ok(Ok(()))
}

fn live(row: Option<RowState>) -> Option<RowState> {
    row.filter(|r| r.deleted.is_none())
}

/// A 0/1 column's value as true (JSON `true` or a non-zero number).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        _ => false,
    }
}

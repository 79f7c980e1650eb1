//! Contracts: the terms a client bought, one row per contract whatever its kind (PRODUCT.md's five
//! service models). Nothing here counts hours: balances are derived by the [`crate::ledger`].
//!
//! - [`governing`]: which contract governs a ticket (SLA clocks, rounding, rates), and why.
//! - [`templates`]: contract templates (terms without client and dates), validated as contracts.
//! - [`sla_terms`]: the SLA targets and per-severity calendars a contract sets, and their checks.
//! - [`billing_terms`]: priority on demand and the channels free hours serve.

pub mod billing_terms;
mod form;
pub mod governing;
pub(crate) mod pin;
pub mod sla_terms;
pub mod templates;

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::classes::json_list;
use crate::clients;
use crate::error::{Code, Error, Result};
use crate::ids::{CalendarId, ClientId, ContractId};
use crate::store::archive::{self, Archivable};
use crate::store::{Entity, Fields, Store};
use rapportino_model::vocab::Severity;
pub use rapportino_model::vocab::{ContractKind, PackageMode};

pub use billing_terms::BillingTerms;
pub use form::{validated_fields, validated_opening};
pub use pin::{hash_with_salt as hash_pin_with_salt, verify_pin};
pub(crate) use sla_terms::{check_calendars, check_resolution_targets};
pub use sla_terms::{SeverityCalendars, SlaTarget, SlaTargets};

/// Prices in cents; hourly rates are per hour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Rates {
    /// Work beyond the included hours (SLA).
    #[ts(optional)]
    pub overage_rate_cents: Option<i64>,
    #[ts(optional)]
    pub on_site_rate_cents: Option<i64>,
    #[ts(optional)]
    pub remote_rate_cents: Option<i64>,
    /// Extra time; when absent, the overage or mode rate times the multiplier.
    #[ts(optional)]
    pub extra_rate_cents: Option<i64>,
    #[ts(optional)]
    pub callout_fee_cents: Option<i64>,
    #[ts(optional)]
    pub km_rate_cents: Option<i64>,
}

/// The terms a contract and a contract template share: a template is terms and a duration, a
/// contract is terms for one client between two dates. Read from the same columns, in
/// `TERMS_COLUMNS` order, by one reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContractTerms {
    pub kind: ContractKind,
    pub calendar_id: Option<CalendarId>,
    pub targets: SlaTargets,
    /// SLA and free hours: per contract year; hour package: in total.
    pub included_minutes: Option<i64>,
    pub package_mode: Option<PackageMode>,
    pub incident_tickets: Option<i64>,
    /// Free hours: the class the client must belong to.
    pub customer_class: Option<String>,
    /// Channels and services this contract entitles to (on top of the client's class).
    pub channels: Vec<String>,
    pub services: Vec<String>,
    pub extra_time_allowed: bool,
    /// 150 = time outside the coverage window billed at 1.5×.
    pub extra_time_multiplier_pct: i64,
    pub rates: Rates,
    /// Billed time is rounded up to a multiple of this many minutes…
    pub rounding_minutes: i64,
    /// …and never less than this (for an intervention with any time at all).
    pub minimum_minutes: i64,
    pub notes: Option<String>,
    /// Severities running on another calendar than `calendar_id` (SLA clocks).
    #[serde(default)]
    pub severity_calendars: SeverityCalendars,
    /// Priority on demand's surcharge and channel-bound free hours (issue 17, items 2 and 3).
    #[serde(flatten)]
    pub billing: BillingTerms,
}

impl ContractTerms {
    /// The calendar a ticket of this severity is timed on: its own, else the contract's.
    pub fn calendar_for(&self, severity: Severity) -> Option<CalendarId> {
        self.severity_calendars
            .for_severity(severity)
            .or(self.calendar_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Contract {
    pub id: ContractId,
    pub client_id: ClientId,
    pub name: String,
    /// First day of validity (`YYYY-MM-DD`, local).
    pub starts_on: String,
    /// Last day of validity, included.
    pub ends_on: String,
    #[serde(flatten)]
    pub terms: ContractTerms,
    pub has_extra_time_pin: bool,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
    /// The contract's id in the tool it was imported from (a re-import updates by it).
    pub external_id: Option<String>,
    /// The opening balance: minutes already used before the contract was imported, counted by
    /// the ledger as used on its first day, in its first accounting period.
    pub opening_used_minutes: i64,
    /// Incident pack: tickets already used before the import.
    pub opening_used_tickets: i64,
}

/// The contract form. Dates accept `YYYY-MM-DD` or `dd/mm/yyyy`; `ends_on` defaults to 12 months
/// after `starts_on` (minus one day); `extra_time_pin` absent on an edit keeps the current PIN.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ContractInput {
    pub client_id: ClientId,
    pub kind: ContractKind,
    #[ts(optional)]
    pub name: Option<String>,
    pub starts_on: String,
    #[ts(optional)]
    pub ends_on: Option<String>,
    #[ts(optional)]
    pub calendar_id: Option<CalendarId>,
    #[serde(default)]
    pub targets: SlaTargets,
    #[ts(optional)]
    pub included_minutes: Option<i64>,
    #[ts(optional)]
    pub package_mode: Option<PackageMode>,
    #[ts(optional)]
    pub incident_tickets: Option<i64>,
    #[ts(optional)]
    pub customer_class: Option<String>,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub extra_time_allowed: bool,
    #[ts(optional)]
    pub extra_time_pin: Option<String>,
    #[ts(optional)]
    pub extra_time_multiplier_pct: Option<i64>,
    #[serde(default)]
    pub rates: Rates,
    #[ts(optional)]
    pub rounding_minutes: Option<i64>,
    #[ts(optional)]
    pub minimum_minutes: Option<i64>,
    #[ts(optional)]
    pub notes: Option<String>,
    #[serde(default)]
    pub severity_calendars: SeverityCalendars,
    /// Priority on demand's surcharge and channel-bound free hours.
    #[serde(flatten)]
    pub billing: BillingTerms,
}

impl Contract {
    pub fn starts(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.starts_on, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    pub fn ends(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.ends_on, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    pub fn is_valid_on(&self, d: NaiveDate) -> bool {
        !self.archived && self.starts() <= d && d <= self.ends()
    }

    /// The accounting period containing `d`: contract years for allowances that renew every year
    /// (SLA included hours, free hours), the whole validity otherwise. None outside validity.
    pub fn period_containing(&self, d: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        if d < self.starts() || d > self.ends() {
            return None;
        }
        if !matches!(self.terms.kind, ContractKind::Sla | ContractKind::FreeHours) {
            return Some((self.starts(), self.ends()));
        }
        let mut years = d.year() - self.starts().year();
        loop {
            let start = add_years(self.starts(), years);
            if start > d {
                years -= 1;
                continue;
            }
            let next = add_years(self.starts(), years + 1);
            if next <= d {
                years += 1;
                continue;
            }
            let end = next.pred_opt().unwrap_or(next).min(self.ends());
            return Some((start, end));
        }
    }
}

fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    let months = Months::new(years.unsigned_abs() * 12);
    if years >= 0 {
        d.checked_add_months(months)
    } else {
        d.checked_sub_months(months)
    }
    .unwrap_or(d)
}

/// 12 months of validity: from 15/03/2026 to 14/03/2027.
pub fn default_end(starts: NaiveDate) -> NaiveDate {
    starts
        .checked_add_months(Months::new(12))
        .and_then(|d| d.pred_opt())
        .unwrap_or(starts)
}

/// The terms' columns, in the order [`ContractTerms::from_row`] reads them.
pub(crate) const TERMS_COLUMNS: &str = "kind, calendar_id, \
    response_blocking_minutes, response_degraded_minutes, response_request_minutes, \
    intervention_blocking_minutes, intervention_degraded_minutes, intervention_request_minutes, \
    included_minutes, package_mode, incident_tickets, customer_class, channels, services, \
    extra_time_allowed, extra_time_multiplier_pct, \
    overage_rate_cents, rate_on_site_cents, rate_remote_cents, rate_extra_cents, callout_fee_cents, \
    km_rate_cents, rounding_minutes, minimum_minutes, notes, \
    resolution_blocking_minutes, resolution_degraded_minutes, resolution_request_minutes, \
    calendar_blocking_id, calendar_degraded_id, calendar_request_id, \
    priority_fee_cents, priority_surcharge_pct, free_hours_channels";
/// How many columns [`TERMS_COLUMNS`] names.
pub(crate) const TERMS_COLUMN_COUNT: usize = 31 + billing_terms::COLUMN_COUNT;

impl ContractTerms {
    /// Reads the terms from `at`, where a query selected [`TERMS_COLUMNS`].
    pub(crate) fn from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<ContractTerms> {
        let target = |response: usize| -> rusqlite::Result<SlaTarget> {
            Ok(SlaTarget {
                response_minutes: r.get(at + response)?,
                intervention_minutes: r.get(at + response + 3)?,
                resolution_minutes: r.get(at + response + 23)?,
            })
        };
        Ok(ContractTerms {
            kind: r.get(at)?,
            calendar_id: r.get(at + 1)?,
            targets: SlaTargets {
                blocking: target(2)?,
                degraded: target(3)?,
                request: target(4)?,
            },
            included_minutes: r.get(at + 8)?,
            package_mode: r.get(at + 9)?,
            incident_tickets: r.get(at + 10)?,
            customer_class: r.get(at + 11)?,
            channels: json_list(r, at + 12)?,
            services: json_list(r, at + 13)?,
            extra_time_allowed: r.get(at + 14)?,
            extra_time_multiplier_pct: r.get(at + 15)?,
            rates: Rates {
                overage_rate_cents: r.get(at + 16)?,
                on_site_rate_cents: r.get(at + 17)?,
                remote_rate_cents: r.get(at + 18)?,
                extra_rate_cents: r.get(at + 19)?,
                callout_fee_cents: r.get(at + 20)?,
                km_rate_cents: r.get(at + 21)?,
            },
            rounding_minutes: r.get(at + 22)?,
            minimum_minutes: r.get(at + 23)?,
            notes: r.get(at + 24)?,
            severity_calendars: SeverityCalendars {
                blocking: r.get(at + 28)?,
                degraded: r.get(at + 29)?,
                request: r.get(at + 30)?,
            },
            billing: BillingTerms::from_row(r, at + 31)?,
        })
    }
}

/// `id, client_id, name, starts_on, ends_on`, the terms, then the rest. A contract has a PIN
/// when this device holds its hash or when it allows extra time (which needs a PIN: a
/// technician's device does not receive the hash, the hub checks the PIN for it).
fn columns() -> String {
    format!(
        "id, client_id, name, starts_on, ends_on, {TERMS_COLUMNS}, \
         (extra_time_pin_hash IS NOT NULL OR extra_time_allowed <> 0), archived, created_at, \
         updated_at, external_id, opening_used_minutes, opening_used_tickets"
    )
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Contract> {
    let rest = 5 + TERMS_COLUMN_COUNT;
    Ok(Contract {
        id: r.get(0)?,
        client_id: r.get(1)?,
        name: r.get(2)?,
        starts_on: r.get(3)?,
        ends_on: r.get(4)?,
        terms: ContractTerms::from_row(r, 5)?,
        has_extra_time_pin: r.get(rest)?,
        archived: r.get(rest + 1)?,
        created_at: r.get(rest + 2)?,
        updated_at: r.get(rest + 3)?,
        external_id: r.get(rest + 4)?,
        opening_used_minutes: r.get(rest + 5)?,
        opening_used_tickets: r.get(rest + 6)?,
    })
}

pub(crate) fn check_references(conn: &rusqlite::Connection, input: &ContractInput) -> Result<()> {
    clients::ensure_exists(conn, input.client_id).map_err(|_| {
        Error::invalid(
            Code::NotFound,
            "client_id",
            format!("no client with id {}", input.client_id),
        )
    })?;
    check_calendars(conn, input.calendar_id, &input.severity_calendars)
}

fn has_pin_after(
    conn: &rusqlite::Connection,
    id: Option<ContractId>,
    fields: &Fields,
) -> Result<bool> {
    if fields.iter().any(|(k, _)| *k == "extra_time_pin_hash") {
        return Ok(true);
    }
    let Some(id) = id else { return Ok(false) };
    Ok(conn
        .prepare_cached("SELECT extra_time_pin_hash IS NOT NULL FROM contracts WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

pub fn create(store: &mut Store, input: &ContractInput) -> Result<Contract> {
    let fields = validated_fields(input)?;
    let id = ContractId::new();
    store.write(|tx| {
        check_references(tx.conn(), input)?;
        if input.extra_time_allowed && !has_pin_after(tx.conn(), None, &fields)? {
            return Err(Error::required("extra_time_pin"));
        }
        tx.insert(Entity::Contract, &id.to_string(), fields)
    })?;
    get(store, id)
}

/// Replaces the contract's terms (its client and kind cannot change); only real changes are
/// recorded. Allocations are derived, so past interventions are re-allocated on the next read.
pub fn update(store: &mut Store, id: ContractId, input: &ContractInput) -> Result<Contract> {
    let current = get(store, id)?;
    if current.client_id != input.client_id || current.terms.kind != input.kind {
        return Err(Error::invalid(
            Code::Inconsistent,
            "kind",
            "a contract's client and kind cannot change: end it and create a new one",
        ));
    }
    let fields = validated_fields(input)?;
    store.write(|tx| {
        check_references(tx.conn(), input)?;
        if input.extra_time_allowed && !has_pin_after(tx.conn(), Some(id), &fields)? {
            return Err(Error::required("extra_time_pin"));
        }
        tx.update(Entity::Contract, &id.to_string(), fields)?;
        Ok(())
    })?;
    get(store, id)
}

pub fn set_archived(store: &mut Store, id: ContractId, archived: bool) -> Result<Contract> {
    archive::set_archived(store, id, archived)
}

impl Archivable for Contract {
    const ENTITY: Entity = Entity::Contract;
    type Id = ContractId;
    fn get(store: &Store, id: ContractId) -> Result<Self> {
        get(store, id)
    }
}

pub fn get(store: &Store, id: ContractId) -> Result<Contract> {
    get_in(store.conn(), id)
}

pub(crate) fn get_in(conn: &rusqlite::Connection, id: ContractId) -> Result<Contract> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM contracts WHERE id = ?1",
        columns()
    ))?
    .query_row([id], from_row)
    .optional()?
    .ok_or_else(|| Error::not_found("contract", id))
}

/// Every contract of a client (archived included), newest first.
pub fn for_client(store: &Store, client_id: ClientId) -> Result<Vec<Contract>> {
    for_client_in(store.conn(), client_id)
}

pub(crate) fn for_client_in(
    conn: &rusqlite::Connection,
    client_id: ClientId,
) -> Result<Vec<Contract>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM contracts WHERE client_id = ?1 ORDER BY starts_on DESC, id DESC",
        columns()
    ))?;
    let rows = stmt.query_map([client_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every contract not archived (ending on or after `since`, when given), for every client.
pub(crate) fn all_in(
    conn: &rusqlite::Connection,
    since: Option<NaiveDate>,
) -> Result<Vec<Contract>> {
    let since = since.map_or_else(String::new, |d| d.to_string());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM contracts WHERE archived = 0 AND ends_on >= ?1
         ORDER BY client_id, starts_on DESC, id DESC",
        columns()
    ))?;
    let rows = stmt.query_map([since], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks an extra-time PIN against the contract: WRONG_PIN, or EXTRA_TIME_NOT_ALLOWED when the
/// contract does not allow extra time.
pub(crate) fn check_extra_time(
    conn: &rusqlite::Connection,
    id: ContractId,
    pin_given: &str,
) -> Result<()> {
    let (allowed, hash): (bool, Option<String>) = conn
        .prepare_cached(
            "SELECT extra_time_allowed, extra_time_pin_hash FROM contracts WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::not_found("contract", id))?;
    match hash {
        Some(h) if allowed => {
            if verify_pin(pin_given, &h) {
                Ok(())
            } else {
                Err(Error::invalid(
                    Code::WrongPin,
                    "extra_time_pin",
                    "the extra-time PIN is wrong",
                ))
            }
        }
        _ => Err(Error::invalid(
            Code::ExtraTimeNotAllowed,
            "extra_time_pin",
            "the contract does not allow extra time",
        )),
    }
}

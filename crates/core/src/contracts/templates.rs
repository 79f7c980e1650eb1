//! Contract templates ("modelli di contratto"): the terms of a contract the shop sells again and
//! again (an SLA 5x8 with its targets and rates, a 10-hour package…), without a client or dates and
//! with a duration in months instead of an end date. Picking one in the contract form fills it.
//!
//! The rules are the contract's: a template is validated by turning it into a [`ContractInput`]
//! and running the contract validation on it, and its columns are the contract columns that
//! validation produces (minus client and dates). No extra-time PIN: that is each contract's secret.

use chrono::{Months, NaiveDate};
use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    ContractInput, ContractKind, ContractTerms, PackageMode, Rates, SeverityCalendars, SlaTargets,
    TERMS_COLUMNS, TERMS_COLUMN_COUNT,
};
use crate::error::{Code, Error, Result};
use crate::ids::{CalendarId, ClientId, ContractTemplateId};
use crate::store::archive::{self, Archivable};
use crate::store::{field, Entity, Fields, Store};
use crate::validate::{self, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContractTemplate {
    pub id: ContractTemplateId,
    pub name: String,
    /// Months of validity of a contract made from it (12: one year).
    pub duration_months: i64,
    #[serde(flatten)]
    pub terms: ContractTerms,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// The template form: a contract form without client, dates and PIN, with a duration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ContractTemplateInput {
    pub name: String,
    pub kind: ContractKind,
    pub duration_months: i64,
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
    pub billing: super::BillingTerms,
}

/// The longest duration a template may give (ten years).
pub const MAX_DURATION_MONTHS: i64 = 120;

/// The last day of a contract of `months` months starting on `starts` (12 months from 15/03/2026:
/// 14/03/2027), as [`super::default_end`] does for a year.
pub fn end_after(starts: NaiveDate, months: i64) -> NaiveDate {
    u32::try_from(months)
        .ok()
        .and_then(|m| starts.checked_add_months(Months::new(m)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(starts)
}

/// The end date (`YYYY-MM-DD`) a template of `months` months gives a contract starting on
/// `starts_on` (`YYYY-MM-DD` or dd/mm/yyyy; else `INVALID_FORMAT` on `starts_on`): what the
/// contract form shows when a template fills it ([`end_after`]).
pub fn end_date(starts_on: &str, months: i64) -> Result<String> {
    let starts = crate::time::parse_user_date("starts_on", starts_on)?;
    Ok(end_after(starts, months).to_string())
}

impl ContractTemplateInput {
    /// The contract form this template fills for `client_id` from `starts` (end = start + duration).
    pub fn to_contract_input(&self, client_id: ClientId, starts: NaiveDate) -> ContractInput {
        ContractInput {
            client_id,
            kind: self.kind,
            name: Some(self.name.clone()),
            starts_on: starts.to_string(),
            ends_on: Some(end_after(starts, self.duration_months).to_string()),
            calendar_id: self.calendar_id,
            targets: self.targets,
            included_minutes: self.included_minutes,
            package_mode: self.package_mode,
            incident_tickets: self.incident_tickets,
            customer_class: self.customer_class.clone(),
            channels: self.channels.clone(),
            services: self.services.clone(),
            extra_time_allowed: self.extra_time_allowed,
            extra_time_pin: None,
            extra_time_multiplier_pct: self.extra_time_multiplier_pct,
            rates: self.rates,
            rounding_minutes: self.rounding_minutes,
            minimum_minutes: self.minimum_minutes,
            notes: self.notes.clone(),
            severity_calendars: self.severity_calendars,
            billing: self.billing.clone(),
        }
    }
}

/// The columns a contract has and a template does not.
const CONTRACT_ONLY: [&str; 4] = ["client_id", "starts_on", "ends_on", "extra_time_pin_hash"];

/// Validates the form with the contract's rules into the columns to write.
fn validated_fields(input: &ContractTemplateInput) -> Result<Fields> {
    let name = validate::required_text("name", &input.name, limits::NAME)?;
    if !(1..=MAX_DURATION_MONTHS).contains(&input.duration_months) {
        return Err(Error::invalid(
            Code::OutOfRange,
            "duration_months",
            format!("must be between 1 and {MAX_DURATION_MONTHS} months"),
        ));
    }
    // Any start date will do: the dates are not stored, only the terms.
    let probe = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(NaiveDate::MIN);
    let contract = ContractInput {
        name: Some(name),
        ..input.to_contract_input(ClientId::default(), probe)
    };
    let mut fields: Fields = super::validated_fields(&contract)?
        .into_iter()
        .filter(|(k, _)| !CONTRACT_ONLY.contains(k))
        .collect();
    fields.push(("duration_months", field::int(input.duration_months)));
    Ok(fields)
}

fn check_calendar(conn: &rusqlite::Connection, input: &ContractTemplateInput) -> Result<()> {
    super::check_calendars(conn, input.calendar_id, &input.severity_calendars)
}

/// `id, name, duration_months`, the terms, then the rest.
fn columns() -> String {
    format!("id, name, duration_months, {TERMS_COLUMNS}, archived, created_at, updated_at")
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<ContractTemplate> {
    let rest = 3 + TERMS_COLUMN_COUNT;
    Ok(ContractTemplate {
        id: r.get(0)?,
        name: r.get(1)?,
        duration_months: r.get(2)?,
        terms: ContractTerms::from_row(r, 3)?,
        archived: r.get(rest)?,
        created_at: r.get(rest + 1)?,
        updated_at: r.get(rest + 2)?,
    })
}

pub fn create(store: &mut Store, input: &ContractTemplateInput) -> Result<ContractTemplate> {
    let fields = validated_fields(input)?;
    let id = ContractTemplateId::new();
    store.write(|tx| {
        check_calendar(tx.conn(), input)?;
        tx.insert(Entity::ContractTemplate, &id.to_string(), fields)
    })?;
    get(store, id)
}

/// Replaces the template's terms (kind included: a template is not a contract, nothing hangs on
/// it). Contracts already made from it keep their own terms.
pub fn update(
    store: &mut Store,
    id: ContractTemplateId,
    input: &ContractTemplateInput,
) -> Result<ContractTemplate> {
    get(store, id)?;
    let fields = validated_fields(input)?;
    store.write(|tx| {
        check_calendar(tx.conn(), input)?;
        tx.update(Entity::ContractTemplate, &id.to_string(), fields)?;
        Ok(())
    })?;
    get(store, id)
}

pub fn set_archived(
    store: &mut Store,
    id: ContractTemplateId,
    archived: bool,
) -> Result<ContractTemplate> {
    archive::set_archived(store, id, archived)
}

impl Archivable for ContractTemplate {
    const ENTITY: Entity = Entity::ContractTemplate;
    type Id = ContractTemplateId;
    fn get(store: &Store, id: ContractTemplateId) -> Result<Self> {
        get(store, id)
    }
}

pub fn get(store: &Store, id: ContractTemplateId) -> Result<ContractTemplate> {
    store
        .conn()
        .prepare_cached(&format!(
            "SELECT {} FROM contract_templates WHERE id = ?1",
            columns()
        ))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("contract template", id))
}

/// Every template by name; archived ones only when asked (the contract form hides them).
pub fn list(store: &Store, include_archived: bool) -> Result<Vec<ContractTemplate>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {} FROM contract_templates WHERE archived = 0 OR ?1
         ORDER BY archived, name COLLATE NOCASE, id",
        columns()
    ))?;
    let rows = stmt.query_map([include_archived], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl From<&ContractTemplate> for ContractTemplateInput {
    fn from(t: &ContractTemplate) -> Self {
        ContractTemplateInput {
            name: t.name.clone(),
            kind: t.terms.kind,
            duration_months: t.duration_months,
            calendar_id: t.terms.calendar_id,
            targets: t.terms.targets,
            included_minutes: t.terms.included_minutes,
            package_mode: t.terms.package_mode,
            incident_tickets: t.terms.incident_tickets,
            customer_class: t.terms.customer_class.clone(),
            channels: t.terms.channels.clone(),
            services: t.terms.services.clone(),
            extra_time_allowed: t.terms.extra_time_allowed,
            extra_time_multiplier_pct: Some(t.terms.extra_time_multiplier_pct),
            rates: t.terms.rates,
            rounding_minutes: Some(t.terms.rounding_minutes),
            minimum_minutes: Some(t.terms.minimum_minutes),
            notes: t.terms.notes.clone(),
            severity_calendars: t.terms.severity_calendars,
            billing: t.terms.billing.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_is_the_day_before_the_same_date_months_later() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(end_after(d("2026-03-15"), 12), d("2027-03-14"));
        assert_eq!(end_after(d("2026-01-31"), 1), d("2026-02-27"));
        assert_eq!(end_after(d("2026-01-01"), 6), d("2026-06-30"));
    }

    #[test]
    fn the_end_date_of_a_template_from_a_typed_start() {
        assert_eq!(end_date("2026-03-15", 12).unwrap(), "2027-03-14");
        assert_eq!(end_date("22/11/2026", 24).unwrap(), "2028-11-21");
        assert_eq!(end_date("2026-01-31", 1).unwrap(), "2026-02-27");
        let e = end_date("15 marzo", 12).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (Code::InvalidFormat, Some("starts_on"))
        );
    }
}

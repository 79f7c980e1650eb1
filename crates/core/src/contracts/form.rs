//! The contract form: a [`ContractInput`] checked and turned into the row's fields (every term,
//! its kind's rules, the SLA and billing terms), nothing written.

use super::*;
use crate::classes::{self, json_text};
use crate::error::{Code, Error, Result};
use crate::store::{field, Fields};
use crate::time::parse_user_date;
use crate::validate::{self, limits};

fn default_name(kind: ContractKind, input: &ContractInput) -> String {
    let hours = input.included_minutes.unwrap_or(0) / 60;
    match kind {
        ContractKind::Sla => "Contratto SLA".into(),
        ContractKind::HourPackage => {
            let mode = match input.package_mode.unwrap_or(PackageMode::Any) {
                PackageMode::OnSite => " on-site",
                PackageMode::Remote => " remoto",
                PackageMode::Any => "",
            };
            format!("Pacchetto {hours} ore{mode}")
        }
        ContractKind::IncidentPack => {
            format!("Pacchetto {} ticket", input.incident_tickets.unwrap_or(0))
        }
        ContractKind::FreeHours => format!("{hours} ore gratuite annue"),
        ContractKind::TimeMaterials => "A consuntivo".into(),
    }
}

fn non_negative(field: &'static str, v: Option<i64>) -> Result<Option<i64>> {
    match v {
        Some(n) if n < 0 => Err(Error::invalid(
            Code::OutOfRange,
            field,
            "cannot be negative",
        )),
        other => Ok(other),
    }
}

fn positive(field: &'static str, v: Option<i64>) -> Result<i64> {
    match v {
        None => Err(Error::required(field)),
        Some(n) if n <= 0 => Err(Error::invalid(
            Code::OutOfRange,
            field,
            "must be greater than zero",
        )),
        Some(n) => Ok(n),
    }
}

/// Validates the form into the columns to write (client and calendar existence are checked by
/// the caller inside the transaction). Public for the demo crate, which writes contracts with
/// `WriteTx::insert_stamped` at the instant they were signed.
pub fn validated_fields(input: &ContractInput) -> Result<Fields> {
    let kind = input.kind;
    let name = match input
        .name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(n) => validate::required_text("name", n, limits::NAME)?,
        None => default_name(kind, input),
    };
    let starts = parse_user_date("starts_on", &input.starts_on)?;
    let ends = match input
        .ends_on
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => parse_user_date("ends_on", s)?,
        None => default_end(starts),
    };
    if ends < starts {
        return Err(Error::invalid(
            Code::InvalidPeriod,
            "ends_on",
            format!("the contract ends ({ends}) before it starts ({starts})"),
        ));
    }
    for (f, v) in [
        ("targets", input.targets.blocking.response_minutes),
        ("targets", input.targets.blocking.intervention_minutes),
        ("targets", input.targets.degraded.response_minutes),
        ("targets", input.targets.degraded.intervention_minutes),
        ("targets", input.targets.request.response_minutes),
        ("targets", input.targets.request.intervention_minutes),
        ("targets", input.targets.blocking.resolution_minutes),
        ("targets", input.targets.degraded.resolution_minutes),
        ("targets", input.targets.request.resolution_minutes),
    ] {
        if matches!(v, Some(n) if n <= 0) {
            return Err(Error::invalid(
                Code::OutOfRange,
                f,
                "an SLA target must be at least one minute",
            ));
        }
    }
    check_resolution_targets(&input.targets)?;
    let included = non_negative("included_minutes", input.included_minutes)?;
    let tickets = non_negative("incident_tickets", input.incident_tickets)?;
    let r = &input.rates;
    for (f, v) in [
        ("overage_rate_cents", r.overage_rate_cents),
        ("on_site_rate_cents", r.on_site_rate_cents),
        ("remote_rate_cents", r.remote_rate_cents),
        ("extra_rate_cents", r.extra_rate_cents),
        ("callout_fee_cents", r.callout_fee_cents),
        ("km_rate_cents", r.km_rate_cents),
    ] {
        non_negative(f, v)?;
    }
    let rounding = input.rounding_minutes.unwrap_or(1);
    if !(1..=480).contains(&rounding) {
        return Err(Error::invalid(
            Code::OutOfRange,
            "rounding_minutes",
            "must be between 1 and 480 minutes",
        ));
    }
    let minimum = non_negative("minimum_minutes", input.minimum_minutes)?.unwrap_or(0);
    // Extra time is surcharged by 50% unless the contract says otherwise.
    let multiplier = input
        .extra_time_multiplier_pct
        .unwrap_or(if input.extra_time_allowed { 150 } else { 100 });
    if !(100..=1000).contains(&multiplier) {
        return Err(Error::invalid(
            Code::OutOfRange,
            "extra_time_multiplier_pct",
            "must be between 100% and 1000%",
        ));
    }
    let mut package_mode = None;
    let mut class = None;
    match kind {
        ContractKind::Sla => {
            if input.calendar_id.is_none() {
                return Err(Error::required("calendar_id"));
            }
        }
        _ if input.severity_calendars.all().next().is_some() => {
            return Err(Error::invalid(
                Code::OutOfRange,
                "severity_calendars",
                "only an SLA contract times severities on their own calendars",
            ));
        }
        ContractKind::HourPackage => {
            positive("included_minutes", included)?;
            package_mode = Some(input.package_mode.unwrap_or(PackageMode::Any));
        }
        ContractKind::IncidentPack => {
            positive("incident_tickets", tickets)?;
        }
        ContractKind::FreeHours => {
            positive("included_minutes", included)?;
            let c = input.customer_class.as_deref().unwrap_or("");
            class = Some(classes::code("customer_class", c, 40)?);
        }
        ContractKind::TimeMaterials => {}
    }
    if input.extra_time_allowed && kind != ContractKind::Sla {
        return Err(Error::invalid(
            Code::ExtraTimeNotAllowed,
            "extra_time_allowed",
            "only an SLA contract can allow extra time",
        ));
    }
    let t = &input.targets;
    let mut fields: Fields = vec![
        ("client_id", field::text(input.client_id.to_string())),
        ("kind", kind.into()),
        ("name", field::text(name)),
        ("starts_on", field::text(starts.to_string())),
        ("ends_on", field::text(ends.to_string())),
        ("calendar_id", field::opt_id(input.calendar_id)),
        (
            "response_blocking_minutes",
            opt_int(t.blocking.response_minutes),
        ),
        (
            "response_degraded_minutes",
            opt_int(t.degraded.response_minutes),
        ),
        (
            "response_request_minutes",
            opt_int(t.request.response_minutes),
        ),
        (
            "intervention_blocking_minutes",
            opt_int(t.blocking.intervention_minutes),
        ),
        (
            "intervention_degraded_minutes",
            opt_int(t.degraded.intervention_minutes),
        ),
        (
            "intervention_request_minutes",
            opt_int(t.request.intervention_minutes),
        ),
        ("included_minutes", opt_int(included)),
        (
            "package_mode",
            package_mode.map_or(serde_json::Value::Null, Into::into),
        ),
        ("incident_tickets", opt_int(tickets)),
        ("customer_class", field::opt_text(class)),
        (
            "channels",
            json_text(&classes::channels("channels", &input.channels)?),
        ),
        (
            "services",
            json_text(&classes::services("services", &input.services)?),
        ),
        ("extra_time_allowed", field::flag(input.extra_time_allowed)),
        ("extra_time_multiplier_pct", field::int(multiplier)),
        ("overage_rate_cents", opt_int(r.overage_rate_cents)),
        ("rate_on_site_cents", opt_int(r.on_site_rate_cents)),
        ("rate_remote_cents", opt_int(r.remote_rate_cents)),
        ("rate_extra_cents", opt_int(r.extra_rate_cents)),
        ("callout_fee_cents", opt_int(r.callout_fee_cents)),
        ("km_rate_cents", opt_int(r.km_rate_cents)),
        ("rounding_minutes", field::int(rounding)),
        ("minimum_minutes", field::int(minimum)),
        (
            "resolution_blocking_minutes",
            opt_int(t.blocking.resolution_minutes),
        ),
        (
            "resolution_degraded_minutes",
            opt_int(t.degraded.resolution_minutes),
        ),
        (
            "resolution_request_minutes",
            opt_int(t.request.resolution_minutes),
        ),
        (
            "calendar_blocking_id",
            field::opt_id(input.severity_calendars.blocking),
        ),
        (
            "calendar_degraded_id",
            field::opt_id(input.severity_calendars.degraded),
        ),
        (
            "calendar_request_id",
            field::opt_id(input.severity_calendars.request),
        ),
        (
            "notes",
            field::opt_text(validate::optional_text(
                "notes",
                input.notes.as_deref(),
                limits::NOTES,
            )?),
        ),
    ];
    if let Some(p) = input
        .extra_time_pin
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        fields.push(("extra_time_pin_hash", field::text(pin::hash_new(p)?)));
    }
    fields.extend(input.billing.validated_fields(kind)?);
    Ok(fields)
}

fn opt_int(v: Option<i64>) -> serde_json::Value {
    v.map_or(serde_json::Value::Null, serde_json::Value::from)
}

/// The opening balance of a contract brought in from another tool: minutes and incident tickets
/// used before, checked against what the contract includes (a contract without hours or tickets
/// has none to have used), as its columns.
pub fn validated_opening(
    kind: ContractKind,
    included_minutes: Option<i64>,
    incident_tickets: Option<i64>,
    used_minutes: i64,
    used_tickets: i64,
) -> Result<Fields> {
    for (f, v, limit, what) in [
        (
            "opening_used_minutes",
            used_minutes,
            included_minutes.filter(|_| kind != ContractKind::IncidentPack),
            "hours",
        ),
        (
            "opening_used_tickets",
            used_tickets,
            incident_tickets.filter(|_| kind == ContractKind::IncidentPack),
            "tickets",
        ),
    ] {
        if v < 0 {
            return Err(Error::invalid(Code::OutOfRange, f, "cannot be negative"));
        }
        match limit {
            _ if v == 0 => {}
            None => {
                return Err(Error::invalid(
                    Code::OutOfRange,
                    f,
                    format!("this contract includes no {what} to have used"),
                ))
            }
            Some(max) if v > max => {
                return Err(Error::invalid(
                    Code::OutOfRange,
                    f,
                    format!("more {what} used ({v}) than the contract includes ({max})"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(vec![
        ("opening_used_minutes", field::int(used_minutes)),
        ("opening_used_tickets", field::int(used_tickets)),
    ])
}

//! One contract row into the database, through the contract form's validation
//! ([`contracts::validated_fields`], [`contracts::validated_opening`]) and the one write path.
//! A contract is found by its external id, else by its client and name; its client and kind
//! cannot change (the form's rule). A mapped but empty cell keeps the stored value.
//!
//! Hours are decimal hours (`7,5`), rates and fees euros (`45,00`), as people type them; the
//! opening balance is what was used before the import (see ARCHITECTURE.md, "Opening balances").

use rusqlite::OptionalExtension;

use super::mapping::Columns;
use super::rows::{owner, put, Outcome};
use crate::contracts::{self, Contract, ContractInput};
use crate::csvfile::parse_decimal;
use crate::error::{Code, Error, Result};
use crate::ids::{CalendarId, ContractId};
use crate::store::{field, Entity, WriteTx};
use rapportino_model::vocab::{ContractKind, PackageMode};

/// The form of an existing contract (its PIN kept: none is given).
fn input_of(c: &Contract) -> ContractInput {
    let t = &c.terms;
    ContractInput {
        client_id: c.client_id,
        kind: t.kind,
        name: Some(c.name.clone()),
        starts_on: c.starts_on.clone(),
        ends_on: Some(c.ends_on.clone()),
        calendar_id: t.calendar_id,
        targets: t.targets,
        included_minutes: t.included_minutes,
        package_mode: t.package_mode,
        incident_tickets: t.incident_tickets,
        customer_class: t.customer_class.clone(),
        channels: t.channels.clone(),
        services: t.services.clone(),
        extra_time_allowed: t.extra_time_allowed,
        extra_time_pin: None,
        extra_time_multiplier_pct: Some(t.extra_time_multiplier_pct),
        rates: t.rates,
        rounding_minutes: Some(t.rounding_minutes),
        minimum_minutes: Some(t.minimum_minutes),
        notes: t.notes.clone(),
        severity_calendars: t.severity_calendars,
        billing: t.billing.clone(),
    }
}

/// A contract kind as stored (`hour_package`) or as an office writes it (`Pacchetto ore`).
fn kind_of(value: &str) -> Result<ContractKind> {
    let v = value.trim().to_lowercase();
    if let Ok(k) = v.parse::<ContractKind>() {
        return Ok(k);
    }
    match v.as_str() {
        "contratto sla" | "assistenza sla" => Ok(ContractKind::Sla),
        "pacchetto ore" | "monte ore" | "ore a scalare" | "pacchetto" => {
            Ok(ContractKind::HourPackage)
        }
        "pacchetto ticket" | "ticket" | "ticket a consumo" => Ok(ContractKind::IncidentPack),
        "ore gratuite" | "ore gratis" => Ok(ContractKind::FreeHours),
        "a consuntivo" | "consuntivo" => Ok(ContractKind::TimeMaterials),
        _ => Err(Error::invalid(
            Code::InvalidFormat,
            "kind",
            format!(
                "{value:?} is not a kind of contract (sla, hour_package, incident_pack, \
                 free_hours, time_materials, or SLA, Pacchetto ore, Pacchetto ticket, \
                 Ore gratuite, A consuntivo)"
            ),
        )),
    }
}

fn package_mode_of(value: &str) -> Result<PackageMode> {
    let v = value.trim().to_lowercase();
    if let Ok(m) = v.parse::<PackageMode>() {
        return Ok(m);
    }
    match v.as_str() {
        "on-site" | "in sede" | "presso il cliente" | "sul posto" => Ok(PackageMode::OnSite),
        "remoto" | "da remoto" => Ok(PackageMode::Remote),
        "entrambi" | "qualsiasi" | "tutti" => Ok(PackageMode::Any),
        _ => Err(Error::invalid(
            Code::InvalidFormat,
            "package_mode",
            format!("{value:?} is not on_site, remote or any (in sede, remoto, entrambi)"),
        )),
    }
}

/// A non-negative decimal cell scaled to an integer (hours → minutes, euros → cents).
fn scaled(cols: &Columns, cells: &[String], target: &'static str, by: f64) -> Result<Option<i64>> {
    let Some(v) = cols.get(cells, target) else {
        return Ok(None);
    };
    match parse_decimal(target, v)? {
        Some(n) if n < 0.0 => Err(Error::invalid(
            Code::OutOfRange,
            target,
            "cannot be negative",
        )),
        Some(n) if n * by > 1e15 => Err(Error::invalid(Code::OutOfRange, target, "is too large")),
        Some(n) => Ok(Some((n * by).round() as i64)),
        None => Ok(None),
    }
}

/// A whole number cell (`12`, `12,0`).
fn whole(cols: &Columns, cells: &[String], target: &'static str) -> Result<Option<i64>> {
    let n = scaled(cols, cells, target, 1.0)?;
    if let (Some(v), Some(n)) = (cols.get(cells, target), n) {
        if parse_decimal(target, v)?.is_some_and(|f| (f - n as f64).abs() > 1e-9) {
            return Err(Error::invalid(
                Code::InvalidFormat,
                target,
                format!("{v:?} is not a whole number"),
            ));
        }
    }
    Ok(n)
}

/// The calendar named `name` (case-insensitive; archived ones too).
fn calendar(tx: &WriteTx<'_>, name: &str) -> Result<CalendarId> {
    tx.conn()
        .prepare_cached(
            "SELECT id FROM calendars WHERE lower(name) = lower(?1) ORDER BY archived, id LIMIT 1",
        )?
        .query_row([name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                Code::NotFound,
                "calendar",
                format!("no calendar named {name:?}"),
            )
        })
}

/// A contract row.
pub(crate) fn contract(tx: &mut WriteTx<'_>, cols: &Columns, cells: &[String]) -> Result<Outcome> {
    let client_id = owner(tx, cols, cells)?;
    let external_id = match cols.get(cells, "external_id") {
        Some(e) => Some(crate::validate::required_text("external_id", e, 64)?),
        None => None,
    };
    let name = cols.get(cells, "name");
    let conn = tx.conn();
    let by_external: Option<ContractId> = match &external_id {
        Some(e) => conn
            .prepare_cached("SELECT id FROM contracts WHERE external_id = ?1")?
            .query_row([e], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let existing = match (by_external, name) {
        (Some(id), _) => Some(id),
        (None, Some(n)) => conn
            .prepare_cached(
                "SELECT id FROM contracts WHERE client_id = ?1 AND lower(name) = lower(?2)
                   AND (?3 IS NULL OR external_id IS NULL)
                 ORDER BY archived, starts_on DESC, id LIMIT 1",
            )?
            .query_row(rusqlite::params![client_id, n, external_id], |r| r.get(0))
            .optional()?,
        (None, None) => None,
    };
    let current = existing.map(|id| contracts::get_in(conn, id)).transpose()?;
    let mut input = current.as_ref().map_or_else(
        || ContractInput {
            client_id,
            ..ContractInput::default()
        },
        input_of,
    );
    let kind = cols.get(cells, "kind").map(kind_of).transpose()?;
    if let Some(c) = &current {
        if c.client_id != client_id || kind.is_some_and(|k| k != c.terms.kind) {
            return Err(Error::invalid(
                Code::Inconsistent,
                if c.client_id != client_id {
                    "client"
                } else {
                    "kind"
                },
                "a contract's client and kind cannot change: end it and import a new one",
            ));
        }
    }
    if let Some(n) = name {
        input.name = Some(n.to_owned());
    }
    if let Some(s) = cols.get(cells, "starts_on") {
        input.starts_on = s.to_owned();
    }
    if let Some(e) = cols.get(cells, "ends_on") {
        input.ends_on = Some(e.to_owned());
    }
    if let Some(m) = scaled(cols, cells, "included_hours", 60.0)? {
        input.included_minutes = Some(m);
    }
    if let Some(t) = whole(cols, cells, "incident_tickets")? {
        input.incident_tickets = Some(t);
    }
    if let Some(m) = cols.get(cells, "package_mode") {
        input.package_mode = Some(package_mode_of(m)?);
    }
    if let Some(c) = cols.get(cells, "calendar") {
        input.calendar_id = Some(calendar(tx, c)?);
    }
    put(cols, cells, "customer_class", &mut input.customer_class);
    put(cols, cells, "notes", &mut input.notes);
    let r = &mut input.rates;
    for (target, slot) in [
        ("overage_rate", &mut r.overage_rate_cents),
        ("on_site_rate", &mut r.on_site_rate_cents),
        ("remote_rate", &mut r.remote_rate_cents),
        ("callout_fee", &mut r.callout_fee_cents),
        ("km_rate", &mut r.km_rate_cents),
    ] {
        if let Some(cents) = scaled(cols, cells, target, 100.0)? {
            *slot = Some(cents);
        }
    }
    for (target, slot) in [
        ("rounding_minutes", &mut input.rounding_minutes),
        ("minimum_minutes", &mut input.minimum_minutes),
    ] {
        if let Some(m) = whole(cols, cells, target)? {
            *slot = Some(m);
        }
    }
    // A new contract's kind: the file's, else what its allowance says it is.
    input.kind = match (&current, kind) {
        (Some(c), _) => c.terms.kind,
        (None, Some(k)) => k,
        (None, None) if input.incident_tickets.is_some() => ContractKind::IncidentPack,
        (None, None) if input.included_minutes.is_some() => ContractKind::HourPackage,
        (None, None) => return Err(Error::required("kind")),
    };
    if input.starts_on.trim().is_empty() {
        return Err(Error::required("starts_on"));
    }
    let mut fields = contracts::validated_fields(&input)?;
    contracts::check_references(tx.conn(), &input)?;
    let opening_minutes = scaled(cols, cells, "opening_used_hours", 60.0)?
        .or(current.as_ref().map(|c| c.opening_used_minutes))
        .unwrap_or(0);
    let opening_tickets = whole(cols, cells, "opening_used_tickets")?
        .or(current.as_ref().map(|c| c.opening_used_tickets))
        .unwrap_or(0);
    fields.extend(
        contracts::validated_opening(
            input.kind,
            input.included_minutes,
            input.incident_tickets,
            opening_minutes,
            opening_tickets,
        )
        .map_err(|e| rename(e, "opening_used_minutes", "opening_used_hours"))?,
    );
    if let Some(e) = external_id.or(current.as_ref().and_then(|c| c.external_id.clone())) {
        fields.push(("external_id", field::text(e)));
    }
    match existing {
        Some(id) => Ok(if tx.update(Entity::Contract, &id.to_string(), fields)? {
            Outcome::Updated
        } else {
            Outcome::Unchanged
        }),
        None => {
            tx.insert(Entity::Contract, &ContractId::new().to_string(), fields)?;
            Ok(Outcome::Created)
        }
    }
}

/// The form's field named as the file's column (`opening_used_minutes` → `opening_used_hours`).
fn rename(e: Error, from: &str, to: &'static str) -> Error {
    match e {
        Error::Invalid {
            code,
            field,
            message,
        } if field == from => Error::invalid(code, to, message),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_modes_as_offices_write_them() {
        assert_eq!(kind_of("Pacchetto ore").unwrap(), ContractKind::HourPackage);
        assert_eq!(
            kind_of("incident_pack").unwrap(),
            ContractKind::IncidentPack
        );
        assert_eq!(kind_of(" SLA ").unwrap(), ContractKind::Sla);
        assert_eq!(kind_of("boh").unwrap_err().code(), Code::InvalidFormat);
        assert_eq!(package_mode_of("Da remoto").unwrap(), PackageMode::Remote);
        assert_eq!(package_mode_of("on_site").unwrap(), PackageMode::OnSite);
    }
}

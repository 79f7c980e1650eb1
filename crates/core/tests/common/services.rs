//! Helpers of the service-model scenario tests: local Rome times, contracts, work with the timer.
#![allow(dead_code, unused_imports, clippy::unwrap_used)]

use super::*;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rapportino_core::calendars::{self, CalendarPreset};
use rapportino_core::catalogue::{self, ArticleInput};
use rapportino_core::classes;
use rapportino_core::clients::{self, Client, ClientInput};
use rapportino_core::contracts::{
    self, ContractInput, ContractKind, PackageMode, Rates, SlaTarget, SlaTargets,
};
use rapportino_core::entitlement::EntitlementIssue;
use rapportino_core::ids::{ContractId, InterventionId, TicketId};
use rapportino_core::interventions::{self, InterventionMode};
use rapportino_core::ledger::{self, AllocationReason, BalanceStatus, Source};
use rapportino_core::sla::{self, SlaState};
use rapportino_core::tickets::{self, Origin, Severity, TicketStatus, TransitionInput};
use rapportino_core::time::ManualClock;
use rapportino_core::views::statements;
use rapportino_core::{Code, Store};

pub fn local(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Europe::Rome
        .from_local_datetime(&naive)
        .unwrap()
        .with_timezone(&Utc)
}

pub fn rfc(s: &str) -> String {
    rapportino_core::time::format_instant(local(s))
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn calendar(s: &mut Store, p: CalendarPreset) -> rapportino_core::ids::CalendarId {
    calendars::create_from_preset(s, p).unwrap().id
}

pub fn base(client: &Client, kind: ContractKind, starts: &str) -> ContractInput {
    ContractInput {
        client_id: client.id,
        kind,
        starts_on: starts.into(),
        rounding_minutes: Some(15),
        minimum_minutes: Some(30),
        ..Default::default()
    }
}

pub fn package(
    s: &mut Store,
    c: &Client,
    starts: &str,
    hours: i64,
    mode: PackageMode,
) -> ContractId {
    contracts::create(
        s,
        &ContractInput {
            included_minutes: Some(hours * 60),
            package_mode: Some(mode),
            ..base(c, ContractKind::HourPackage, starts)
        },
    )
    .unwrap()
    .id
}

pub fn open_ticket(
    s: &mut Store,
    c: &Client,
    severity: Severity,
    reported: Option<&str>,
) -> TicketId {
    let mut t = new_ticket(c, "Il server non parte");
    t.severity = severity;
    t.origin = Origin::Email;
    t.reported_at = reported.map(rfc);
    tickets::open(s, &t).unwrap().id
}

/// Work with the timer from `from` for `minutes`, then stop: the intervention's time is final.
pub fn work(
    s: &mut Store,
    clock: &ManualClock,
    ticket: TicketId,
    mode: InterventionMode,
    from: &str,
    minutes: i64,
) -> InterventionId {
    clock.set(local(from));
    let i = intervention(s, ticket, mode).id;
    interventions::start(s, i).unwrap();
    clock.advance(chrono::Duration::minutes(minutes));
    interventions::stop(s, i).unwrap();
    i
}

pub fn lines(
    s: &Store,
    i: InterventionId,
) -> Vec<(Source, AllocationReason, Option<String>, i64, i64)> {
    ledger::intervention_allocation(s, i)
        .unwrap()
        .lines
        .into_iter()
        .map(|l| {
            (
                l.source,
                l.reason,
                l.contract_name,
                l.minutes,
                l.amount_cents,
            )
        })
        .collect()
}

/// Moves a ticket, giving a reason when the move needs one (cancelling, reopening).
pub fn transition(s: &mut Store, t: TicketId, to: TicketStatus) {
    let from = tickets::get(s, t).unwrap().status;
    let input = TransitionInput {
        note: from.note_required(to).then(|| "motivo di prova".to_owned()),
        ..TransitionInput::to(to)
    };
    tickets::transition(s, t, &input).unwrap();
}

/// The SLA contract of the scenarios (5x8 or another calendar, 2 h included, extra time at 150 %
/// with PIN 4711, overage at 45 €/h).
pub fn sla_contract_input(c: &Client, cal: rapportino_core::ids::CalendarId) -> ContractInput {
    ContractInput {
        calendar_id: Some(cal),
        targets: SlaTargets {
            blocking: SlaTarget {
                response_minutes: Some(30),
                intervention_minutes: Some(120),
                resolution_minutes: None,
            },
            degraded: SlaTarget {
                response_minutes: Some(120),
                intervention_minutes: Some(480),
                resolution_minutes: None,
            },
            request: SlaTarget {
                response_minutes: Some(480),
                intervention_minutes: Some(240),
                resolution_minutes: None,
            },
        },
        included_minutes: Some(120),
        extra_time_allowed: true,
        extra_time_pin: Some("4711".into()),
        extra_time_multiplier_pct: Some(150),
        rates: Rates {
            overage_rate_cents: Some(4_500),
            ..Default::default()
        },
        ..base(c, ContractKind::Sla, "2026-01-01")
    }
}

pub fn sla_contract(
    s: &mut Store,
    c: &Client,
    cal: rapportino_core::ids::CalendarId,
) -> ContractId {
    contracts::create(s, &sla_contract_input(c, cal))
        .unwrap()
        .id
}

/// An article of the catalogue (issue 17 item 8).
pub fn article(
    s: &mut Store,
    code: &str,
    description: &str,
    cents: i64,
    vat: Option<i64>,
) -> catalogue::Article {
    catalogue::create(
        s,
        &ArticleInput {
            code: code.into(),
            description: description.into(),
            unit: None,
            unit_price_cents: cents,
            vat_rate: vat,
        },
    )
    .unwrap()
}

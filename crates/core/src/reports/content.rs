//! Builds a report's printed content from its intervention, as it stands now.

use chrono_tz::Tz;

use crate::clients::{self, Client};
use crate::error::Result;
use crate::format::local_datetime;
use crate::ids::InterventionId;
use crate::interventions::{self, TimeEntry};
use crate::ledger;
use crate::reports::document::{
    BalanceAfter, BillingBlock, BillingLine, Labelled, MaterialLine, Party, ReportContent,
    TicketBlock, WaitLine, WorkPeriod,
};
use crate::reports::labels;
use crate::setup::{self, ShopProfile};
use crate::sites::{self, Site};
use crate::store::Store;
use crate::technicians;
use crate::tickets;
use crate::time::parse_instant;
use crate::time::worked_minutes;
use rapportino_model::labels::Locale;
use rapportino_model::vocab::TimeEntryKind;

/// The ticket's waits for a third party, as the report prints them.
fn wait_lines(store: &Store, ticket: crate::ids::TicketId) -> Result<Vec<WaitLine>> {
    let tz = store.tz();
    let now = store.now();
    let events = tickets::events(store.conn(), ticket)?;
    tickets::third_party_waits(&events)
        .into_iter()
        .map(|w| {
            let from = parse_instant(&w.from)?;
            let until = w.until.as_deref().map(parse_instant).transpose()?;
            Ok(WaitLine {
                party: w.party.label(Locale::It),
                from: local_datetime(&w.from, tz),
                until: w.until.as_deref().map(|u| local_datetime(u, tz)),
                minutes: (until.unwrap_or(now) - from).num_minutes().max(0),
            })
        })
        .collect()
}

/// The content of report `number` for `intervention` (`supersedes`: the amended report's number).
pub(crate) fn build(
    store: &Store,
    intervention: InterventionId,
    number: &str,
    supersedes: Option<String>,
) -> Result<ReportContent> {
    let tz = store.tz();
    let detail = interventions::detail(store, intervention)?;
    let i = &detail.intervention;
    let ticket = tickets::get(store, i.ticket_id)?;
    let client = clients::get(store, i.client_id)?;
    let site = i.site_id.map(|s| sites::get(store, s)).transpose()?;
    let technician = technicians::get(store, i.technician_id)?;
    let status = setup::status(store)?;
    let (allocation, balances) = ledger::allocation_with_balances_after(store, intervention)?;

    let periods = work_periods(&detail.time_entries, tz);
    let date = i
        .started_at
        .as_deref()
        .map(|s| local_datetime(s, tz))
        .unwrap_or_else(|| local_datetime(&i.created_at, tz));
    Ok(ReportContent {
        number: number.to_owned(),
        supersedes,
        shop: shop_party(status.shop.as_ref()),
        client: client_party(&client),
        site: site.as_ref().map(site_party),
        ticket: TicketBlock {
            number: ticket.number.clone(),
            title: ticket.title.clone(),
            severity: labels::severity(ticket.severity, &status.severity_labels),
            urgent: ticket.urgent,
            origin: labels::origin(ticket.origin),
            reported_at: local_datetime(&ticket.reported_at, tz),
            third_party_waits: wait_lines(store, ticket.id)?,
        },
        mode: labels::mode(i.mode),
        technician_code: technician.code.clone(),
        technician_name: technician.name.clone(),
        date: date.get(..10).unwrap_or(&date).to_owned(),
        total_minutes: worked_minutes(detail.totals.billable_seconds),
        periods,
        work_done: i.work_done.clone().unwrap_or_default(),
        outcome: i.outcome.map(labels::outcome),
        outcome_reason: i.outcome_reason.clone(),
        materials: detail
            .materials
            .iter()
            .map(|m| MaterialLine {
                description: m.description.clone(),
                quantity: m.quantity,
                unit_price_cents: m.unit_price_cents,
                total_cents: m.total_cents,
                vat_rate: Some(m.vat_rate),
            })
            .collect(),
        materials_total_cents: detail.materials_total_cents,
        travel_km: i.travel_km,
        travel_minutes: i.travel_minutes,
        billing: BillingBlock {
            worked_minutes: allocation.worked_minutes,
            billed_minutes: allocation.billed_minutes,
            rounding_minutes: allocation.rounding_minutes,
            minimum_minutes: allocation.minimum_minutes,
            extra_time_minutes: allocation.extra_time_minutes,
            lines: allocation
                .lines
                .iter()
                .map(|l| BillingLine {
                    source: labels::source(l.source),
                    reason: match (l.km_rate_cents, l.quote_number.as_deref()) {
                        _ if l.reason == crate::ledger::AllocationReason::FreeHoursChannel
                            || l.source == crate::ledger::Source::Priority =>
                        {
                            labels::line_reason(l, allocation.billed_minutes, ticket.origin)
                        }
                        // "34,5 km × 0,40 €/km": the kilometres times the rate.
                        (Some(rate), _) => Labelled {
                            label: format!(
                                "{} km × {}/km",
                                crate::format::decimal_it(i.travel_km),
                                crate::format::euro(rate)
                            ),
                            ..labels::reason(l.reason)
                        },
                        (None, Some(quote)) => Labelled {
                            label: format!("{} {quote}", labels::reason(l.reason).label),
                            ..labels::reason(l.reason)
                        },
                        (None, None) => labels::reason(l.reason),
                    },
                    contract_name: l.contract_name.clone(),
                    minutes: l.minutes,
                    amount_cents: l.amount_cents,
                })
                .collect(),
            charges_cents: allocation.charges_cents,
            balances_after: balances
                .iter()
                .map(|b| BalanceAfter {
                    contract_name: b.name.clone(),
                    kind: labels::contract_kind(b.kind),
                    included_minutes: b.included_minutes,
                    remaining_minutes: b.remaining_minutes,
                    incident_tickets: b.incident_tickets,
                    incident_left: b.incident_left,
                    ends_on: italian_date(&b.ends_on),
                })
                .collect(),
        },
        time_zone: tz.name().to_owned(),
    })
}

/// The work periods as printed: timer segments and manual entries in time order, adjustments as
/// corrections, voided entries left out, segments waiting for review marked (not in the total).
fn work_periods(entries: &[TimeEntry], tz: Tz) -> Vec<WorkPeriod> {
    let voided = |e: &TimeEntry| {
        entries
            .iter()
            .any(|v| v.kind == TimeEntryKind::Void && v.corrects_id == Some(e.id))
    };
    let approved = |e: &TimeEntry| {
        entries
            .iter()
            .any(|v| v.kind == TimeEntryKind::Approval && v.corrects_id == Some(e.id))
    };
    let mut rows: Vec<(&str, WorkPeriod)> = entries
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                TimeEntryKind::Timer | TimeEntryKind::Manual | TimeEntryKind::Adjustment
            ) && !voided(e)
        })
        .map(|e| {
            let seconds = e.seconds.unwrap_or(0);
            let start = parse_instant(&e.started_at).ok();
            let end = e
                .ended_at
                .as_deref()
                .and_then(|s| parse_instant(s).ok())
                .or_else(|| start.map(|s| s + chrono::Duration::seconds(seconds.max(0))));
            let fmt = |t: Option<chrono::DateTime<chrono::Utc>>, f: &str| {
                t.map(|t| t.with_timezone(&tz).format(f).to_string())
                    .unwrap_or_default()
            };
            let mut notes = Vec::new();
            match e.kind {
                TimeEntryKind::Manual => notes.push("inserito a mano".to_owned()),
                TimeEntryKind::Adjustment => notes.push("correzione".to_owned()),
                _ => {}
            }
            if e.needs_review && !approved(e) {
                notes.push("da approvare, escluso dal totale".to_owned());
            }
            if let Some(n) = e.note.as_deref().filter(|n| !n.trim().is_empty()) {
                notes.push(n.trim().to_owned());
            }
            let row = WorkPeriod {
                date: fmt(start, "%d/%m/%Y"),
                start: if e.kind == TimeEntryKind::Adjustment {
                    String::new()
                } else {
                    fmt(start, "%H:%M")
                },
                end: if e.kind == TimeEntryKind::Adjustment {
                    String::new()
                } else {
                    fmt(end, "%H:%M")
                },
                minutes: worked_minutes(seconds),
                note: (!notes.is_empty()).then(|| notes.join("; ")),
            };
            (e.started_at.as_str(), row)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    rows.into_iter().map(|(_, r)| r).collect()
}

/// `YYYY-MM-DD` → `dd/mm/yyyy` (anything else unchanged).
pub(crate) fn italian_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
}

pub(crate) fn shop_party(shop: Option<&ShopProfile>) -> Party {
    let Some(s) = shop else {
        return Party::default();
    };
    Party {
        name: s.name.clone(),
        address_lines: s.address.lines(),
        vat_number: s.vat_number.clone(),
        fiscal_code: None,
        contact_lines: [
            s.phone.as_ref().map(|p| format!("Tel. {p}")),
            s.email.clone(),
        ]
        .into_iter()
        .flatten()
        .collect(),
    }
}

pub(crate) fn client_party(c: &Client) -> Party {
    Party {
        name: c.name.clone(),
        address_lines: c.address.lines(),
        vat_number: c.vat_number.clone(),
        fiscal_code: c.fiscal_code.clone(),
        contact_lines: Vec::new(),
    }
}

fn site_party(s: &Site) -> Party {
    Party {
        name: s.name.clone(),
        address_lines: s.address.lines(),
        ..Party::default()
    }
}

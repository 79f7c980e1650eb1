//! The printable monthly statement (rendiconto mensile): the statement data of the service-models
//! issue resolved to printed texts, with the chart's bars.

use crate::clients;
use crate::error::Result;
use crate::format::local_datetime;
use crate::ids::ClientId;
use crate::reports::content::{client_party, italian_date, shop_party};
use crate::reports::document::{
    ChartBar, InvoiceRow, Party, StatementBalance, StatementDocument, StatementRow, StatementUsage,
};
use crate::reports::labels;
use crate::setup;
use crate::store::Store;
use crate::time::format_instant;
use crate::views::statements::{self, StatementData};

/// The statement of one client for a month.
pub fn for_client(
    store: &Store,
    client: ClientId,
    year: i32,
    month: u32,
) -> Result<StatementDocument> {
    let data = statements::monthly(store, client, year, month)?;
    let shop = shop(store)?;
    document(store, &data, &shop)
}

/// The clients whose statement for the month has something in it (work, or a balance), with
/// their names, in the batch's order.
pub fn clients_with_content(
    store: &Store,
    year: i32,
    month: u32,
) -> Result<Vec<(ClientId, String)>> {
    let shop = shop(store)?;
    let mut out = Vec::new();
    statements::for_each_monthly(store, year, month, None, |_, _, data| {
        let doc = document(store, &data, &shop)?;
        if has_content(&doc) {
            out.push((data.client_id, doc.client.name));
        }
        Ok(())
    })?;
    Ok(out)
}

/// Every client's statement for a month, one at a time: `f(done, total, statement)`.
pub fn for_each(
    store: &Store,
    year: i32,
    month: u32,
    limit: Option<usize>,
    mut f: impl FnMut(usize, usize, StatementDocument) -> Result<()>,
) -> Result<()> {
    let shop = shop(store)?;
    statements::for_each_monthly(store, year, month, limit, |done, total, data| {
        f(done, total, document(store, &data, &shop)?)
    })
}

/// The shop as printed in headers.
pub fn shop(store: &Store) -> Result<Party> {
    Ok(shop_party(setup::status(store)?.shop.as_ref()))
}

/// Whether a statement has anything to say (work in the month or a contract to report on).
pub fn has_content(doc: &StatementDocument) -> bool {
    !doc.rows.is_empty() || !doc.balances.is_empty() || !doc.to_invoice.is_empty()
}

fn document(store: &Store, data: &StatementData, shop: &Party) -> Result<StatementDocument> {
    let client = clients::get(store, data.client_id)?;
    let rows = data
        .interventions
        .iter()
        .map(|a| {
            let mut payers: Vec<String> = Vec::new();
            for l in &a.lines {
                let name = l
                    .contract_name
                    .clone()
                    .unwrap_or_else(|| labels::source(l.source).label);
                // Free hours bound to other channels paid nothing: said, not listed as a payer.
                let name = if l.reason == crate::ledger::AllocationReason::FreeHoursChannel {
                    format!("{name} (non per questo canale)")
                } else {
                    name
                };
                if !payers.contains(&name) {
                    payers.push(name);
                }
            }
            StatementRow {
                date: italian_date(&a.date),
                ticket_number: a.ticket_number.clone(),
                mode: labels::mode(a.mode),
                worked_minutes: a.worked_minutes,
                billed_minutes: a.billed_minutes,
                paid_by: if payers.is_empty() {
                    "—".into()
                } else {
                    payers.join(", ")
                },
                charges_cents: a.charges_cents,
            }
        })
        .collect();
    let usage = data
        .usage
        .iter()
        .map(|u| StatementUsage {
            label: match &u.name {
                Some(n) => format!("{n} ({})", labels::source(u.source).label.to_lowercase()),
                None => labels::source(u.source).label,
            },
            minutes: u.minutes,
            amount_cents: u.amount_cents,
        })
        .collect();
    let balances = data
        .balances
        .iter()
        .map(|b| StatementBalance {
            contract_name: b.name.clone(),
            kind: labels::contract_kind(b.kind),
            status: labels::balance_status(b.status),
            included_minutes: b.included_minutes,
            used_minutes: b.used_minutes,
            remaining_minutes: b.remaining_minutes,
            forfeited_minutes: b.forfeited_minutes,
            incident_tickets: b.incident_tickets,
            incident_left: b.incident_left,
            ends_on: italian_date(&b.ends_on),
            expiring: data.expiring.iter().any(|e| e.contract_id == b.contract_id),
        })
        .collect();
    let chart = data
        .balances
        .iter()
        .filter(|b| b.included_minutes.is_some_and(|m| m > 0))
        .map(|b| {
            let in_month: i64 = data
                .usage
                .iter()
                .filter(|u| u.contract_id == Some(b.contract_id))
                .map(|u| u.minutes)
                .sum();
            let in_month = in_month.min(b.used_minutes);
            ChartBar {
                label: b.name.clone(),
                used_in_month: in_month,
                used_before: (b.used_minutes - in_month).max(0),
                remaining: b.remaining_minutes,
            }
        })
        .collect();
    let now = local_datetime(&format_instant(store.now()), store.tz());
    let services_vat = crate::catalogue::default_vat_rate(store)?;
    let billable = crate::views::billing::from_statement(store, data)?;
    let to_invoice = billable
        .lines
        .iter()
        .map(|l| InvoiceRow {
            description: l.description.clone(),
            reference: l.reference.clone(),
            quantity: match l.unit.as_str() {
                "" => String::new(),
                unit => format!("{} {unit}", crate::format::decimal_it(l.quantity)),
            },
            unit_price_cents: l.unit_price_cents,
            amount_cents: l.amount_cents,
            vat_rate: l.vat_rate,
        })
        .collect();
    Ok(StatementDocument {
        shop: shop.clone(),
        client: client_party(&client),
        month_label: labels::month(data.year, data.month),
        month: format!("{}-{:02}", data.year, data.month),
        rows,
        usage,
        balances,
        chart,
        incident_tickets_used: data.incident_tickets_used,
        incident_tickets_left: data.incident_tickets_left,
        billed_minutes: data.billed_minutes,
        charges_cents: data.charges_cents,
        generated_on: now.get(..10).unwrap_or(&now).to_owned(),
        // The charges are services (hours, call-out, travel): the shop's default rate.
        vat: crate::vat::totals(
            (data.charges_cents > 0).then_some((services_vat, data.charges_cents)),
        ),
        to_invoice,
        to_invoice_vat: billable.vat,
    })
}

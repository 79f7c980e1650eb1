//! Hours per month for the client page's chart: for each contract, the minutes it paid for in each
//! of the last twelve months and what was left to draw at each month's end. Everything comes from
//! the same replay as the balances (no second allocation).

use std::collections::HashMap;

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use super::{engine, facts, Source};
use crate::contracts::Contract;
use crate::error::Result;
use crate::ids::{ClientId, ContractId};
use crate::sla::Context;
use crate::store::Store;
use crate::time::local_date;
use rapportino_model::vocab::ContractKind;

/// How many months the chart covers (the month of `as_of` included).
pub const CHART_MONTHS: u32 = 12;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MonthHours {
    /// `YYYY-MM`.
    pub month: String,
    /// Minutes of final work this contract paid for, or billed under it (overage), in the month.
    pub used_minutes: i64,
    /// Minutes left to draw at the month's end (today for the current month): the package's
    /// remaining balance, or what is left of the contract year's included hours. None when the
    /// contract has no hours (time and materials, incident packs) or was not valid that month.
    pub available_minutes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ContractHours {
    pub contract_id: ContractId,
    pub name: String,
    pub kind: ContractKind,
    pub starts_on: String,
    pub ends_on: String,
    /// Hours per period (package, contract year), when the contract has hours.
    pub included_minutes: Option<i64>,
    pub months: Vec<MonthHours>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ClientHours {
    pub client_id: ClientId,
    /// `YYYY-MM-DD`.
    pub as_of: String,
    pub contracts: Vec<ContractHours>,
}

/// The last [`CHART_MONTHS`] months of every contract of the client valid in that window (archived
/// contracts left out), up to today or `as_of`.
pub fn client_monthly_hours(
    store: &Store,
    client: ClientId,
    as_of: Option<NaiveDate>,
) -> Result<ClientHours> {
    crate::clients::get(store, client)?;
    let ctx = Context::for_client(store.conn(), client)?;
    let day = as_of.unwrap_or_else(|| local_date(store.now(), store.tz()));
    let months = months_ending(day);
    let from = months[0];
    let (ledger, _) = facts::replay(store, &ctx, client, from, day)?;
    let contracts = ctx
        .contracts_of(client)
        .iter()
        .filter(|c| !c.archived && c.starts() <= day && c.ends() >= from)
        .map(|c| contract_hours(c, &ledger, &months, day))
        .collect();
    Ok(ClientHours {
        client_id: client,
        as_of: day.to_string(),
        contracts,
    })
}

/// The first day of each of the twelve months ending with `day`'s month, oldest first.
fn months_ending(day: NaiveDate) -> Vec<NaiveDate> {
    let this = day.with_day(1).unwrap_or(day);
    (0..CHART_MONTHS)
        .rev()
        .map(|back| this.checked_sub_months(Months::new(back)).unwrap_or(this))
        .collect()
}

fn contract_hours(
    c: &Contract,
    ledger: &engine::Ledger,
    months: &[NaiveDate],
    today: NaiveDate,
) -> ContractHours {
    let mut used: HashMap<NaiveDate, i64> = HashMap::new();
    for a in ledger.allocations.iter().filter(|a| a.is_final) {
        let Ok(date) = NaiveDate::parse_from_str(&a.date, "%Y-%m-%d") else {
            continue;
        };
        let minutes: i64 = a
            .lines
            .iter()
            .filter(|l| l.contract_id == Some(c.id))
            .filter(|l| !matches!(l.source, Source::Callout | Source::Travel))
            .map(|l| l.minutes)
            .sum();
        if minutes != 0 {
            *used.entry(date.with_day(1).unwrap_or(date)).or_default() += minutes;
        }
    }
    let months = months
        .iter()
        .map(|&first| {
            let last = (first + Months::new(1) - Duration::days(1)).min(today);
            MonthHours {
                month: first.format("%Y-%m").to_string(),
                used_minutes: used.get(&first).copied().unwrap_or(0),
                available_minutes: available_at(c, ledger, first, last),
            }
        })
        .collect();
    ContractHours {
        contract_id: c.id,
        name: c.name.clone(),
        kind: c.terms.kind,
        starts_on: c.starts_on.clone(),
        ends_on: c.ends_on.clone(),
        included_minutes: c.terms.included_minutes.filter(|m| *m > 0),
        months,
    }
}

/// What was left of the allowance at the end of `last` (or of the contract's validity when it
/// ended during the month): the replay's final use of that period minus the draws made after.
fn available_at(
    c: &Contract,
    ledger: &engine::Ledger,
    first: NaiveDate,
    last: NaiveDate,
) -> Option<i64> {
    let included = c.terms.included_minutes.filter(|m| *m > 0)?;
    if c.terms.kind == ContractKind::TimeMaterials || c.ends() < first || c.starts() > last {
        return None;
    }
    let probe = last.min(c.ends());
    let (period, _) = c.period_containing(probe)?;
    let total = ledger.used.get(&(c.id, period)).copied().unwrap_or(0);
    let later: i64 = ledger
        .draws
        .iter()
        .filter(|(d, id, p, _)| *id == c.id && *p == period && *d > probe)
        .map(|(_, _, _, m)| m)
        .sum();
    Some((included - (total - later)).max(0))
}

//! Monthly statement data (rendiconto mensile) for a client: the month's interventions and who paid
//! for them, minutes per contract or package, what is left, incident tickets used and left, what
//! expires in the next 60 days. The PDF is rendered from this by the reports module.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::ids::{ClientId, ContractId};
use crate::ledger::{self, BalanceStatus, ContractBalance, InterventionAllocation, Source};
use crate::sla::Context;
use crate::store::Store;
use rapportino_model::vocab::ContractKind;

/// Packages and contracts ending within this many days after the month are listed as expiring.
pub const EXPIRING_WITHIN_DAYS: i64 = 60;

/// Minutes of the month drawn from one contract (or billed, when `contract_id` is None).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ContractUsage {
    pub source: Source,
    pub contract_id: Option<ContractId>,
    pub name: Option<String>,
    pub minutes: i64,
    pub amount_cents: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StatementData {
    pub client_id: ClientId,
    pub client_name: String,
    pub year: i32,
    pub month: u32,
    /// First and last day of the month (`YYYY-MM-DD`).
    pub period_start: String,
    pub period_end: String,
    pub interventions: Vec<InterventionAllocation>,
    pub usage: Vec<ContractUsage>,
    /// Balances at the end of the month (contracts that expired during the month included).
    pub balances: Vec<ContractBalance>,
    pub incident_tickets_used: i64,
    pub incident_tickets_left: i64,
    pub expiring: Vec<ContractBalance>,
    pub billed_minutes: i64,
    pub charges_cents: i64,
}

pub use crate::time::{month_bounds, parse_month};

pub fn monthly(store: &Store, client: ClientId, year: i32, month: u32) -> Result<StatementData> {
    let c = crate::clients::get(store, client)?;
    let ctx = Context::for_client(store.conn(), client)?;
    build(store, &ctx, client, c.name, year, month)
}

/// Statement data of every (not archived) client for a month, in name order. `limit` caps how many
/// clients (the benchmark's "500 clients").
pub fn monthly_all(
    store: &Store,
    year: i32,
    month: u32,
    limit: Option<usize>,
) -> Result<Vec<StatementData>> {
    let mut out = Vec::new();
    for_each_monthly(store, year, month, limit, |_, _, data| {
        out.push(data);
        Ok(())
    })?;
    Ok(out)
}

/// Like [`monthly_all`], one client at a time: `f(done, total, data)` is called after each client
/// (for batches that write files and report progress without holding every statement in memory).
pub fn for_each_monthly(
    store: &Store,
    year: i32,
    month: u32,
    limit: Option<usize>,
    mut f: impl FnMut(usize, usize, StatementData) -> Result<()>,
) -> Result<()> {
    month_bounds(year, month)?;
    let mut stmt = store
        .conn()
        .prepare_cached("SELECT id, name FROM clients WHERE archived = 0 ORDER BY name, id")?;
    let clients: Vec<(ClientId, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let clients: Vec<_> = clients
        .into_iter()
        .take(limit.unwrap_or(usize::MAX))
        .collect();
    // A few clients: their own contracts by index; many: every contract in one pass.
    let shared = if clients.len() > 1000 {
        Some(Context::for_all(store.conn())?)
    } else {
        None
    };
    let total = clients.len();
    for (done, (id, name)) in clients.into_iter().enumerate() {
        let own;
        let ctx = match &shared {
            Some(c) => c,
            None => {
                own = Context::for_client(store.conn(), id)?;
                &own
            }
        };
        f(done + 1, total, build(store, ctx, id, name, year, month)?)?;
    }
    Ok(())
}

fn build(
    store: &Store,
    ctx: &Context,
    client: ClientId,
    client_name: String,
    year: i32,
    month: u32,
) -> Result<StatementData> {
    let (first, last) = month_bounds(year, month)?;
    let (ledger, _) = crate::ledger::facts_replay(store, ctx, client, first, last)?;
    let in_month =
        |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok_and(|d| d >= first && d <= last);
    let interventions: Vec<InterventionAllocation> = ledger
        .allocations
        .iter()
        .filter(|a| in_month(&a.date))
        .cloned()
        .collect();
    let mut usage: Vec<ContractUsage> = Vec::new();
    // Lines of nothing (the free-hours channel note) make no usage row.
    for line in interventions
        .iter()
        .flat_map(|a| &a.lines)
        .filter(|l| l.minutes != 0 || l.amount_cents != 0)
    {
        match usage
            .iter_mut()
            .find(|u| u.contract_id == line.contract_id && u.source == line.source)
        {
            Some(u) => {
                u.minutes += line.minutes;
                u.amount_cents += line.amount_cents;
            }
            None => usage.push(ContractUsage {
                source: line.source,
                contract_id: line.contract_id,
                name: line.contract_name.clone(),
                minutes: line.minutes,
                amount_cents: line.amount_cents,
            }),
        }
    }
    let balances = ledger::balances_on(ctx, client, &ledger, last, first).balances;
    let incident_tickets_used = ledger
        .closures
        .iter()
        .filter(|(_, d, _)| *d >= first && *d <= last)
        .count() as i64;
    let incident_tickets_left = balances
        .iter()
        .filter(|b| b.kind == ContractKind::IncidentPack && b.status != BalanceStatus::Expired)
        .filter_map(|b| b.incident_left)
        .sum();
    let expiring = balances
        .iter()
        .filter(|b| b.status != BalanceStatus::Expired && b.days_to_expiry <= EXPIRING_WITHIN_DAYS)
        .cloned()
        .collect();
    Ok(StatementData {
        client_id: client,
        client_name,
        year,
        month,
        period_start: first.to_string(),
        period_end: last.to_string(),
        billed_minutes: interventions.iter().map(|a| a.billed_minutes).sum(),
        charges_cents: interventions.iter().map(|a| a.charges_cents).sum(),
        interventions,
        usage,
        balances,
        incident_tickets_used,
        incident_tickets_left,
        expiring,
    })
}

//! The hour ledger: which contract or package paid for which minutes of every intervention, and
//! the balances that follow. Nothing is stored: every read replays the facts (final interventions'
//! time entries, closed tickets, contract terms) through the [`engine`], so a late correction, an
//! edited contract or a synced change from another device re-allocates deterministically.
//!
//! Only the facts that can still matter are read: the replay starts at the earliest accounting
//! period that is open on the first day asked for — and, transitively, at the start of any period
//! open on that day — so its cost follows the client's current contracts, not the years of history.

pub mod checkpoints;
pub mod defaults;
pub(crate) mod engine;
mod facts;
pub mod monthly;

pub use defaults::BillingDefaults;
pub use monthly::{client_monthly_hours, ClientHours, ContractHours, MonthHours};

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use crate::contracts::Contract;
use crate::error::Result;
use crate::ids::{ClientId, ContractId, InterventionId, TicketId};
use crate::macros::string_enum;
use crate::sla::Context;
use crate::store::Store;
use crate::time::local_date;
use rapportino_model::vocab::{ContractKind, InterventionMode};

string_enum! {
    /// Who pays for a line.
    Source, field = "source" {
        Bug => "bug",
        IncidentPack => "incident_pack",
        ExtraTime => "extra_time",
        FreeHours => "free_hours",
        SlaIncluded => "sla_included",
        Package => "package",
        Overage => "overage",
        Callout => "callout",
        Travel => "travel",
        /// Outside the contract, charged per the ticket's accepted quote.
        Quote => "quote",
        /// Priority on demand: the contract's surcharge (fixed fee, percentage of the labour).
        Priority => "priority",
    }
}

string_enum! {
    /// Why a line went where it went (the UI and the CLI explain each).
    AllocationReason, field = "reason" {
        /// A defect of the shop's own product: never charged.
        Bug => "bug",
        /// The ticket was closed under an incident pack: one ticket consumed, time not counted.
        IncidentPack => "incident_pack",
        /// The ticket is under an incident pack and not closed yet.
        IncidentPending => "incident_pending",
        /// Outside the coverage window under extra time: surcharged, not drawn from allowances.
        ExtraTime => "extra_time",
        /// The contract chosen by hand on the intervention.
        Chosen => "chosen",
        /// Yearly free hours of the client's class, used first.
        FreeHours => "free_hours",
        /// The SLA contract's included hours of the current contract year.
        SlaIncluded => "sla_included",
        /// A prepaid package of the matching kind, the one expiring first.
        PackageEarliestExpiry => "package_earliest_expiry",
        /// Beyond every allowance: billed at the contract's rate.
        Overage => "overage",
        /// Not covered: the client's package covers remote interventions only (billed at the rate).
        PackageRemoteOnly => "package_remote_only",
        /// Not covered: the client's package covers on-site interventions only (billed at the rate).
        PackageOnSiteOnly => "package_on_site_only",
        /// No contract: billed at the shop's rates.
        NoContract => "no_contract",
        /// Call-out fee of an on-site visit (time and materials).
        Callout => "callout",
        /// Kilometres travelled (time and materials).
        Travel => "travel",
        /// Outside the contract: charged per the ticket's accepted quote, never drawn from
        /// packages or included hours.
        QuoteAccepted => "quote_accepted",
        /// Outside the contract with no accepted quote: billed at the rate, never drawn from
        /// packages or included hours.
        OutOfScopeNoQuote => "out_of_scope_no_quote",
        /// A non-urgent ticket the customer asked to handle first: the contract's surcharge.
        PriorityOnDemand => "priority_on_demand",
        /// The free hours are bound to other channels than the ticket's: nothing drawn from them
        /// (a line of no minutes naming them), the time went to the next rule.
        FreeHoursChannel => "free_hours_channel",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AllocationLine {
    pub source: Source,
    pub reason: AllocationReason,
    pub contract_id: Option<ContractId>,
    pub contract_name: Option<String>,
    pub minutes: i64,
    /// Hourly rate applied (billed lines only).
    pub rate_cents: Option<i64>,
    pub amount_cents: i64,
    /// For allowances that renew yearly: the first day of the contract year drawn from.
    pub period_start: Option<String>,
    /// The accepted quote the work is charged by (source `quote`).
    pub quote_number: Option<String>,
    /// For travel: the rate per kilometre applied (amount = km × rate).
    pub km_rate_cents: Option<i64>,
    /// For priority on demand's percentage: the percent of the labour (`minutes` × `rate_cents`
    /// valued at the rate, whoever paid for the time).
    pub surcharge_pct: Option<i64>,
    /// For travel: the kilometres billed.
    pub km: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InterventionAllocation {
    pub intervention_id: InterventionId,
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub mode: InterventionMode,
    /// The local date of the work (`YYYY-MM-DD`).
    pub date: String,
    pub billable_seconds: i64,
    /// Billable time rounded up to the minute.
    pub worked_minutes: i64,
    /// After the governing contract's rounding unit and minimum charge.
    pub billed_minutes: i64,
    pub rounding_minutes: i64,
    pub minimum_minutes: i64,
    pub extra_time_minutes: i64,
    /// The time is final (the intervention is finished, no timer running): it counts in balances.
    /// A non-final allocation is a preview.
    pub is_final: bool,
    pub lines: Vec<AllocationLine>,
    /// What is billed for this intervention (overage, extra time, call-out, travel).
    pub charges_cents: i64,
}

string_enum! {
    BalanceStatus, field = "balance_status" {
        NotStarted => "not_started",
        Active => "active",
        Exhausted => "exhausted",
        Expired => "expired",
    }
}

/// Where one contract stands on a date.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ContractBalance {
    pub contract_id: ContractId,
    pub name: String,
    pub kind: ContractKind,
    pub starts_on: String,
    pub ends_on: String,
    /// The accounting period shown (contract year for yearly allowances).
    pub period_start: String,
    pub period_end: String,
    pub status: BalanceStatus,
    pub included_minutes: Option<i64>,
    pub used_minutes: i64,
    pub remaining_minutes: Option<i64>,
    /// Hours left when the contract expired: lost, shown as such.
    pub forfeited_minutes: i64,
    pub incident_tickets: Option<i64>,
    pub incident_used: i64,
    pub incident_left: Option<i64>,
    /// Days until the end of validity (negative once expired).
    pub days_to_expiry: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ClientBalances {
    pub client_id: ClientId,
    /// `YYYY-MM-DD`.
    pub as_of: String,
    pub balances: Vec<ContractBalance>,
    /// Closed incident tickets that found no pack with tickets left (to bill one by one).
    pub incident_tickets_uncovered: i64,
}

/// Expired contracts stay in the balances this long (their forfeited remainder shown).
pub const SHOW_EXPIRED_DAYS: i64 = 90;

/// A client's balances today (or on `as_of`).
pub fn client_balances(
    store: &Store,
    client: ClientId,
    as_of: Option<NaiveDate>,
) -> Result<ClientBalances> {
    crate::clients::get(store, client)?;
    let ctx = Context::for_client(store.conn(), client)?;
    let day = as_of.unwrap_or_else(|| local_date(store.now(), store.tz()));
    let shown_from = day - Duration::days(SHOW_EXPIRED_DAYS);
    let (ledger, _) = facts::replay(store, &ctx, client, shown_from, day)?;
    Ok(balances_on(
        &ctx,
        client,
        &ledger,
        day,
        day - Duration::days(SHOW_EXPIRED_DAYS),
    ))
}

/// Which contract or package paid for an intervention's minutes, and why. For an intervention
/// still running or not finished, a preview (`is_final` false) as if it ended now.
pub fn intervention_allocation(
    store: &Store,
    id: InterventionId,
) -> Result<InterventionAllocation> {
    let i = crate::interventions::get(store, id)?;
    let ctx = Context::for_client(store.conn(), i.client_id)?;
    let started = i
        .started_at
        .as_deref()
        .map(crate::time::parse_instant)
        .transpose()?
        .map_or_else(
            || local_date(store.now(), store.tz()),
            |t| local_date(t, store.tz()),
        );
    let (ledger, _) = facts::replay(store, &ctx, i.client_id, started, started)?;
    Ok(ledger
        .allocations
        .into_iter()
        .find(|a| a.intervention_id == id)
        .unwrap_or_else(|| empty_allocation(&i)))
}

/// An intervention's allocation and, for each contract that paid for it, where its allowance stood
/// right after it (later work of the same day not counted). What a report prints.
pub fn allocation_with_balances_after(
    store: &Store,
    id: InterventionId,
) -> Result<(InterventionAllocation, Vec<ContractBalance>)> {
    let i = crate::interventions::get(store, id)?;
    let ctx = Context::for_client(store.conn(), i.client_id)?;
    let day = i
        .started_at
        .as_deref()
        .map(crate::time::parse_instant)
        .transpose()?
        .map_or_else(
            || local_date(store.now(), store.tz()),
            |t| local_date(t, store.tz()),
        );
    let (ledger, _) = facts::replay(store, &ctx, i.client_id, day, day)?;
    let Some(at) = ledger
        .allocations
        .iter()
        .position(|a| a.intervention_id == id)
    else {
        return Ok((empty_allocation(&i), Vec::new()));
    };
    let allocation = ledger.allocations[at].clone();
    let later_draw = |contract: ContractId, period: &str| -> i64 {
        ledger.allocations[at + 1..]
            .iter()
            .filter(|a| a.is_final)
            .flat_map(|a| &a.lines)
            .filter(|l| {
                l.contract_id == Some(contract) && l.period_start.as_deref() == Some(period)
            })
            .map(|l| l.minutes)
            .sum()
    };
    let mut balances = Vec::new();
    for contract_id in allocation.lines.iter().filter_map(|l| l.contract_id) {
        if balances
            .iter()
            .any(|b: &ContractBalance| b.contract_id == contract_id)
        {
            continue;
        }
        let Some(c) = ctx
            .contracts_of(i.client_id)
            .iter()
            .find(|c| c.id == contract_id)
        else {
            continue;
        };
        if c.terms.kind == ContractKind::TimeMaterials {
            continue;
        }
        let mut b = balance_of(c, &ledger, day);
        let later = later_draw(contract_id, &b.period_start);
        b.used_minutes -= later;
        b.remaining_minutes = c
            .terms
            .included_minutes
            .map(|m| (m - b.used_minutes).max(0));
        balances.push(b);
    }
    Ok((allocation, balances))
}

fn empty_allocation(i: &crate::interventions::Intervention) -> InterventionAllocation {
    InterventionAllocation {
        intervention_id: i.id,
        ticket_id: i.ticket_id,
        ticket_number: String::new(),
        mode: i.mode,
        date: i.created_at.get(..10).unwrap_or_default().to_owned(),
        billable_seconds: 0,
        worked_minutes: 0,
        billed_minutes: 0,
        rounding_minutes: 1,
        minimum_minutes: 0,
        extra_time_minutes: 0,
        is_final: i.finished_at.is_some(),
        lines: Vec::new(),
        charges_cents: 0,
    }
}

/// Builds the balances of a client's contracts on `day` from a replayed ledger. Contracts that
/// expired before `show_expired_since` are left out.
pub(crate) fn balances_on(
    ctx: &Context,
    client: ClientId,
    ledger: &engine::Ledger,
    day: NaiveDate,
    show_expired_since: NaiveDate,
) -> ClientBalances {
    let mut balances: Vec<ContractBalance> = ctx
        .contracts_of(client)
        .iter()
        .filter(|c| !c.archived && c.ends() >= show_expired_since)
        .filter(|c| c.terms.kind != ContractKind::TimeMaterials)
        .map(|c| balance_of(c, ledger, day))
        .collect();
    balances.sort_by(|a, b| {
        let rank = |s: BalanceStatus| match s {
            BalanceStatus::Active => 0,
            BalanceStatus::Exhausted => 1,
            BalanceStatus::NotStarted => 2,
            BalanceStatus::Expired => 3,
        };
        rank(a.status)
            .cmp(&rank(b.status))
            .then(a.ends_on.cmp(&b.ends_on))
            .then(a.contract_id.cmp(&b.contract_id))
    });
    ClientBalances {
        client_id: client,
        as_of: day.to_string(),
        balances,
        incident_tickets_uncovered: ledger.tickets_uncovered.len() as i64,
    }
}

pub(crate) fn balance_of(c: &Contract, ledger: &engine::Ledger, day: NaiveDate) -> ContractBalance {
    let probe = day.clamp(c.starts(), c.ends());
    let (p_start, p_end) = c.period_containing(probe).unwrap_or((c.starts(), c.ends()));
    let used = ledger.used.get(&(c.id, p_start)).copied().unwrap_or(0);
    let remaining = c.terms.included_minutes.map(|m| (m - used).max(0));
    let incident_used = ledger.tickets_used.get(&c.id).copied().unwrap_or(0);
    let incident_left = c.terms.incident_tickets.map(|n| (n - incident_used).max(0));
    let status = if day < c.starts() {
        BalanceStatus::NotStarted
    } else if day > c.ends() {
        BalanceStatus::Expired
    } else if remaining == Some(0) || incident_left == Some(0) {
        BalanceStatus::Exhausted
    } else {
        BalanceStatus::Active
    };
    ContractBalance {
        contract_id: c.id,
        name: c.name.clone(),
        kind: c.terms.kind,
        starts_on: c.starts_on.clone(),
        ends_on: c.ends_on.clone(),
        period_start: p_start.to_string(),
        period_end: p_end.to_string(),
        status,
        included_minutes: c.terms.included_minutes,
        used_minutes: used,
        remaining_minutes: remaining,
        forfeited_minutes: if status == BalanceStatus::Expired {
            remaining.unwrap_or(0)
        } else {
            0
        },
        incident_tickets: c.terms.incident_tickets,
        incident_used,
        incident_left,
        days_to_expiry: (c.ends() - day).num_days(),
    }
}

/// Replays a client's facts for `[from, until]` (statements).
pub(crate) fn facts_replay(
    store: &Store,
    ctx: &Context,
    client: ClientId,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<(engine::Ledger, NaiveDate)> {
    facts::replay(store, ctx, client, from, until)
}

/// Makes a given contract or package pay first for an intervention's minutes (None: back to the
/// automatic order). Refused when the contract is another client's (CONTRACT_NOT_APPLICABLE), has
/// no hours to give or is a package of the other kind of work, or was not valid on the day of the
/// work (CONTRACT_EXPIRED). Whatever it cannot cover follows the usual order.
pub fn pay_from(
    store: &mut Store,
    intervention: InterventionId,
    contract: Option<ContractId>,
) -> Result<InterventionAllocation> {
    use crate::error::{Code, Error};
    let i = crate::interventions::get(store, intervention)?;
    if let Some(cid) = contract {
        let c = crate::contracts::get(store, cid).map_err(|_| {
            Error::invalid(
                Code::NotFound,
                "contract_id",
                format!("no contract with id {cid}"),
            )
        })?;
        let not_applicable =
            |m: &str| Error::invalid(Code::ContractNotApplicable, "contract_id", m.to_owned());
        if c.client_id != i.client_id {
            return Err(not_applicable("the contract belongs to another client"));
        }
        if !matches!(
            c.terms.kind,
            ContractKind::HourPackage | ContractKind::Sla | ContractKind::FreeHours
        ) || c.terms.included_minutes.unwrap_or(0) <= 0
        {
            return Err(not_applicable("this contract has no hours to draw from"));
        }
        let mode_ok = match c.terms.package_mode {
            Some(rapportino_model::vocab::PackageMode::OnSite) => {
                i.mode == InterventionMode::OnSite
            }
            Some(rapportino_model::vocab::PackageMode::Remote) => {
                i.mode == InterventionMode::Remote
            }
            _ => true,
        };
        if !mode_ok {
            return Err(not_applicable("the package is for the other kind of work"));
        }
        let at = crate::time::parse_instant(i.started_at.as_deref().unwrap_or(&i.created_at))?;
        let day = local_date(at, store.tz());
        if !c.is_valid_on(day) {
            return Err(Error::invalid(
                Code::ContractExpired,
                "contract_id",
                format!(
                    "\"{}\" was not valid on {day} (valid {} – {})",
                    c.name, c.starts_on, c.ends_on
                ),
            ));
        }
    }
    store.write(|tx| {
        tx.update(
            crate::store::Entity::Intervention,
            &intervention.to_string(),
            vec![("contract_id", crate::store::field::opt_id(contract))],
        )?;
        Ok(())
    })?;
    intervention_allocation(store, intervention)
}

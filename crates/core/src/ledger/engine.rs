//! The allocation engine, pure: given a client's contracts and the facts of its work (final
//! interventions, closed tickets), decide which contract or package pays for which minutes.
//!
//! Order (PRODUCT.md, service-models issue): bug cases → zero; the ticket's incident pack; extra
//! time outside the coverage window (surcharged, never drawn from allowances); then the contract
//! chosen by hand on the intervention; yearly free hours; SLA included hours; prepaid packages of
//! the matching kind, earliest expiry first; whatever remains is overage at the applicable rate.
//! Facts are replayed in a fixed order (work start, then id), so a late correction re-allocates
//! deterministically: every device computes the same split.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{AllocationLine, AllocationReason, BillingDefaults, InterventionAllocation, Source};
use crate::contracts::governing::applies;
use crate::contracts::Contract;
use crate::ids::{ContractId, InterventionId, TicketId};
use rapportino_model::vocab::{ContractKind, InterventionMode, PackageMode};

/// One intervention's facts.
#[derive(Debug, Clone)]
pub(crate) struct Work {
    pub intervention_id: InterventionId,
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub mode: InterventionMode,
    pub at: DateTime<Utc>,
    pub date: NaiveDate,
    pub billable_seconds: i64,
    /// Billable seconds outside the governing calendar (only counted under extra time).
    pub outside_seconds: i64,
    pub extra_time: bool,
    pub is_bug: bool,
    pub governing: Option<ContractId>,
    pub chosen: Option<ContractId>,
    pub travel_km: f64,
    pub is_final: bool,
    /// The ticket is outside the contract ("serve un preventivo"): never drawn from allowances.
    pub out_of_scope: bool,
    /// The ticket's accepted quote, which its work is charged by.
    pub quote_number: Option<String>,
    /// The ticket's origin (channel), for free hours bound to channels.
    pub origin: String,
    /// Priority on demand: a non-urgent ticket the customer asked to handle first.
    pub priority_on_demand: bool,
    /// The ticket's first intervention (by start, then id): where a per-ticket fee is charged.
    pub first_of_ticket: bool,
}

/// A closed ticket governed by an incident pack.
#[derive(Debug, Clone)]
pub(crate) struct Closure {
    pub ticket_id: TicketId,
    pub at: DateTime<Utc>,
    pub date: NaiveDate,
    /// The pack chosen by hand on the ticket, if any.
    pub chosen: Option<ContractId>,
}

/// Tickets under an incident pack that are not closed yet (their work is covered pending close).
pub(crate) type PendingPacks = HashMap<TicketId, ContractId>;

#[derive(Debug, Default)]
pub(crate) struct Ledger {
    pub allocations: Vec<InterventionAllocation>,
    /// Minutes used per contract and accounting period (keyed by the period's first day).
    pub used: HashMap<(ContractId, NaiveDate), i64>,
    /// Incident tickets consumed per pack.
    pub tickets_used: HashMap<ContractId, i64>,
    /// Closed tickets that found no pack with tickets left.
    pub tickets_uncovered: Vec<TicketId>,
    /// Every closure under a pack, in order: the day and the pack consumed (None: none left).
    pub closures: Vec<(TicketId, NaiveDate, Option<ContractId>)>,
    /// Every draw on an allowance: (day of the work, contract, period start, minutes). Lets the
    /// caller rebuild the state at any earlier day (checkpoints).
    pub draws: Vec<(NaiveDate, ContractId, NaiveDate, i64)>,
    /// Opening balances of incident packs counted by this replay: (the pack's first day, the
    /// pack, tickets used before it was imported). Their minutes are in `draws`.
    pub opening_tickets: Vec<(NaiveDate, ContractId, i64)>,
}

/// The ledger's state before a day: minutes used per contract period, tickets used per pack.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct State {
    pub used: HashMap<(ContractId, NaiveDate), i64>,
    pub tickets_used: HashMap<ContractId, i64>,
}

pub(crate) struct Input<'a> {
    /// The state before the first fact (from a checkpoint, or empty).
    pub initial: State,
    /// The replay's first day (`initial` is the state before it).
    pub from: NaiveDate,
    pub contracts: &'a [Contract],
    pub client_class: &'a str,
    pub defaults: BillingDefaults,
    pub closures: Vec<Closure>,
    pub pending: PendingPacks,
    pub work: Vec<Work>,
}

fn find(contracts: &[Contract], id: Option<ContractId>) -> Option<&Contract> {
    id.and_then(|id| contracts.iter().find(|c| c.id == id))
}

/// `minutes × rate per hour`, to the cent, halves up.
pub(crate) fn amount(minutes: i64, rate_cents_per_hour: i64) -> i64 {
    (minutes * rate_cents_per_hour + 30).div_euclid(60)
}

/// Worked minutes (seconds rounded up to the minute), then the contract's unit and minimum.
pub(crate) fn billed_minutes(seconds: i64, rounding: i64, minimum: i64) -> (i64, i64) {
    if seconds <= 0 {
        return (0, 0);
    }
    let worked = crate::time::worked_minutes(seconds);
    let unit = rounding.max(1);
    let rounded = (worked + unit - 1) / unit * unit;
    (worked, rounded.max(minimum))
}

fn package_matches(c: &Contract, mode: InterventionMode) -> bool {
    match c.terms.package_mode.unwrap_or(PackageMode::Any) {
        PackageMode::Any => true,
        PackageMode::OnSite => mode == InterventionMode::OnSite,
        PackageMode::Remote => mode == InterventionMode::Remote,
    }
}

pub(crate) fn run(mut input: Input<'_>) -> Ledger {
    let initial = std::mem::take(&mut input.initial);
    let mut ledger = Ledger {
        used: initial.used,
        tickets_used: initial.tickets_used,
        ..Ledger::default()
    };
    let contracts = input.contracts;
    // Opening balances (imported contracts): used on the contract's first day, in its first
    // accounting period, before any work. Counted when the replay covers that day; a replay that
    // starts later starts from a checkpoint, which holds them already.
    for c in contracts.iter().filter(|c| c.starts() >= input.from) {
        if c.opening_used_minutes > 0 {
            *ledger.used.entry((c.id, c.starts())).or_default() += c.opening_used_minutes;
            ledger
                .draws
                .push((c.starts(), c.id, c.starts(), c.opening_used_minutes));
        }
        if c.opening_used_tickets > 0 {
            *ledger.tickets_used.entry(c.id).or_default() += c.opening_used_tickets;
            ledger
                .opening_tickets
                .push((c.starts(), c.id, c.opening_used_tickets));
        }
    }
    // Pass 1: incident tickets, in closing order, earliest-expiring pack with tickets left.
    let mut closures = std::mem::take(&mut input.closures);
    closures.sort_by(|a, b| a.at.cmp(&b.at).then(a.ticket_id.cmp(&b.ticket_id)));
    let mut ticket_pack: HashMap<TicketId, Option<ContractId>> = HashMap::new();
    for c in &closures {
        let mut packs: Vec<&Contract> = contracts
            .iter()
            .filter(|k| k.terms.kind == ContractKind::IncidentPack && k.is_valid_on(c.date))
            .collect();
        packs.sort_by(|a, b| {
            let chosen = |k: &Contract| u8::from(Some(k.id) != c.chosen);
            chosen(a)
                .cmp(&chosen(b))
                .then(a.ends().cmp(&b.ends()))
                .then(a.starts().cmp(&b.starts()))
                .then(a.id.cmp(&b.id))
        });
        let pack = packs.into_iter().find(|k| {
            ledger.tickets_used.get(&k.id).copied().unwrap_or(0)
                < k.terms.incident_tickets.unwrap_or(0)
        });
        match pack {
            Some(k) => *ledger.tickets_used.entry(k.id).or_default() += 1,
            None => ledger.tickets_uncovered.push(c.ticket_id),
        }
        ticket_pack.insert(c.ticket_id, pack.map(|k| k.id));
        ledger
            .closures
            .push((c.ticket_id, c.date, pack.map(|k| k.id)));
    }
    // Pass 2: minutes, in work order.
    let mut work = std::mem::take(&mut input.work);
    work.sort_by(|a, b| {
        a.at.cmp(&b.at)
            .then(a.intervention_id.cmp(&b.intervention_id))
    });
    for w in work {
        let governing = find(contracts, w.governing);
        let (rounding, minimum) = match governing {
            Some(g) => (g.terms.rounding_minutes, g.terms.minimum_minutes),
            None => (
                input.defaults.rounding_minutes,
                input.defaults.minimum_minutes,
            ),
        };
        let (worked, billed) = billed_minutes(w.billable_seconds, rounding, minimum);
        let mut a = InterventionAllocation {
            intervention_id: w.intervention_id,
            ticket_id: w.ticket_id,
            ticket_number: w.ticket_number.clone(),
            mode: w.mode,
            date: w.date.to_string(),
            billable_seconds: w.billable_seconds,
            worked_minutes: worked,
            billed_minutes: billed,
            rounding_minutes: rounding,
            minimum_minutes: minimum,
            extra_time_minutes: 0,
            is_final: w.is_final,
            lines: Vec::new(),
            charges_cents: 0,
        };
        allocate(&mut ledger, &mut a, &w, governing, &input, &ticket_pack);
        priority_surcharge(&mut a, &w, governing, &input);
        a.charges_cents = a.lines.iter().map(|l| l.amount_cents).sum();
        ledger.allocations.push(a);
    }
    ledger
}

fn line(
    source: Source,
    reason: AllocationReason,
    c: Option<&Contract>,
    minutes: i64,
    rate: Option<i64>,
) -> AllocationLine {
    AllocationLine {
        source,
        reason,
        contract_id: c.map(|c| c.id),
        contract_name: c.map(|c| c.name.clone()),
        minutes,
        rate_cents: rate,
        amount_cents: rate.map_or(0, |r| amount(minutes, r)),
        period_start: None,
        quote_number: None,
        km_rate_cents: None,
        surcharge_pct: None,
        km: None,
    }
}

fn allocate(
    ledger: &mut Ledger,
    a: &mut InterventionAllocation,
    w: &Work,
    governing: Option<&Contract>,
    input: &Input<'_>,
    ticket_pack: &HashMap<TicketId, Option<ContractId>>,
) {
    let contracts = input.contracts;
    let billed = a.billed_minutes;
    if billed == 0 {
        return;
    }
    if w.is_bug {
        a.lines
            .push(line(Source::Bug, AllocationReason::Bug, None, billed, None));
        return;
    }
    if w.out_of_scope {
        out_of_scope(a, w, governing, input);
        return;
    }
    match (
        ticket_pack.get(&w.ticket_id),
        input.pending.get(&w.ticket_id),
    ) {
        (Some(Some(pack)), _) => {
            let c = find(contracts, Some(*pack));
            a.lines.push(line(
                Source::IncidentPack,
                AllocationReason::IncidentPack,
                c,
                billed,
                None,
            ));
            return;
        }
        (None, Some(pack)) => {
            let c = find(contracts, Some(*pack));
            a.lines.push(line(
                Source::IncidentPack,
                AllocationReason::IncidentPending,
                c,
                billed,
                None,
            ));
            return;
        }
        _ => {}
    }
    let rates = Rates::of(governing, contracts, input.client_class, w, &input.defaults);
    let mut remaining = billed;
    if w.extra_time && w.outside_seconds > 0 && w.billable_seconds > 0 {
        // The billed minutes (after rounding and minimum) split in the proportion of the work done
        // outside the window: 20 minutes all outside, billed 30, are 30 minutes of extra time.
        let outside = w.outside_seconds.min(w.billable_seconds);
        let extra =
            ((billed * outside * 2 + w.billable_seconds) / (2 * w.billable_seconds)).min(billed);
        if extra > 0 {
            a.extra_time_minutes = extra;
            a.lines.push(line(
                Source::ExtraTime,
                AllocationReason::ExtraTime,
                governing,
                extra,
                Some(rates.extra),
            ));
            remaining -= extra;
        }
    }
    // Allowances in order; each takes what it can.
    let mut candidates: Vec<(&Contract, Source, AllocationReason)> = Vec::new();
    if let Some(c) = find(contracts, w.chosen) {
        let source = match c.terms.kind {
            ContractKind::FreeHours => Source::FreeHours,
            ContractKind::Sla => Source::SlaIncluded,
            _ => Source::Package,
        };
        candidates.push((c, source, AllocationReason::Chosen));
    }
    let valid = |k: ContractKind| {
        let mut v: Vec<&Contract> = contracts
            .iter()
            .filter(|c| c.terms.kind == k && applies(c, input.client_class, w.date))
            .collect();
        v.sort_by(|a, b| {
            a.ends()
                .cmp(&b.ends())
                .then(a.starts().cmp(&b.starts()))
                .then(a.id.cmp(&b.id))
        });
        v
    };
    for c in valid(ContractKind::FreeHours) {
        candidates.push((c, Source::FreeHours, AllocationReason::FreeHours));
    }
    for c in valid(ContractKind::Sla) {
        candidates.push((c, Source::SlaIncluded, AllocationReason::SlaIncluded));
    }
    // A package valid today that this intervention's mode may not draw from: what is left is
    // "not covered" (the package's own limit), not "beyond the hours".
    let mut mode_excluded = None;
    for c in valid(ContractKind::HourPackage) {
        if package_matches(c, w.mode) {
            candidates.push((c, Source::Package, AllocationReason::PackageEarliestExpiry));
        } else {
            mode_excluded = mode_excluded.or(c.terms.package_mode);
        }
    }
    let mut seen: Vec<ContractId> = Vec::new();
    for (c, source, reason) in candidates {
        if remaining == 0 {
            break;
        }
        if seen.contains(&c.id) {
            continue;
        }
        seen.push(c.id);
        let Some(included) = c.terms.included_minutes.filter(|m| *m > 0) else {
            continue;
        };
        let Some((period_start, _)) = c.period_containing(w.date) else {
            continue;
        };
        if c.terms.kind == ContractKind::FreeHours && !c.terms.billing.free_hours_allow(&w.origin) {
            // Bound to other channels: said on a line of no minutes, the time goes on.
            a.lines.push(line(
                Source::FreeHours,
                AllocationReason::FreeHoursChannel,
                Some(c),
                0,
                None,
            ));
            continue;
        }
        let used = ledger.used.entry((c.id, period_start)).or_default();
        let take = (included - *used).max(0).min(remaining);
        if take == 0 {
            continue;
        }
        if w.is_final {
            *used += take;
            ledger.draws.push((w.date, c.id, period_start, take));
        }
        let mut l = line(source, reason, Some(c), take, None);
        l.period_start = Some(period_start.to_string());
        a.lines.push(l);
        remaining -= take;
    }
    if remaining > 0 {
        let reason = match (governing.is_none(), mode_excluded) {
            (true, _) => AllocationReason::NoContract,
            (false, Some(PackageMode::Remote)) => AllocationReason::PackageRemoteOnly,
            (false, Some(PackageMode::OnSite)) => AllocationReason::PackageOnSiteOnly,
            (false, _) => AllocationReason::Overage,
        };
        a.lines.push(line(
            Source::Overage,
            reason,
            rates.contract,
            remaining,
            Some(rates.hourly),
        ));
    }
    let on_site = w.mode == InterventionMode::OnSite;
    if on_site && (rates.time_and_materials || rates.callout_by_contract) && rates.callout > 0 {
        let mut l = line(
            Source::Callout,
            AllocationReason::Callout,
            rates.contract.or(governing),
            0,
            None,
        );
        l.amount_cents = rates.callout;
        a.lines.push(l);
    }
    if on_site && (rates.time_and_materials || rates.km_by_contract) {
        let km_cents = (w.travel_km * rates.km as f64).round() as i64;
        if km_cents > 0 {
            let mut l = line(
                Source::Travel,
                AllocationReason::Travel,
                rates.contract.or(governing),
                0,
                None,
            );
            l.amount_cents = km_cents;
            l.km_rate_cents = Some(rates.km);
            l.km = Some(w.travel_km);
            a.lines.push(l);
        }
    }
}

/// Work on a ticket outside the contract never draws on packages, included or free hours or
/// incident packs. With an accepted quote it is charged per the quote (the quote's total is
/// billed once, as the quote: this work adds nothing to it); without one, every billed minute is
/// billed at the applicable rate (the app warned before the timer started).
fn out_of_scope(
    a: &mut InterventionAllocation,
    w: &Work,
    governing: Option<&Contract>,
    input: &Input<'_>,
) {
    match &w.quote_number {
        Some(number) => {
            let mut l = line(
                Source::Quote,
                AllocationReason::QuoteAccepted,
                None,
                a.billed_minutes,
                None,
            );
            l.quote_number = Some(number.clone());
            a.lines.push(l);
        }
        None => {
            let rates = Rates::of(
                governing,
                input.contracts,
                input.client_class,
                w,
                &input.defaults,
            );
            a.lines.push(line(
                Source::Overage,
                AllocationReason::OutOfScopeNoQuote,
                rates.contract,
                a.billed_minutes,
                Some(rates.hourly),
            ));
        }
    }
}

/// Priority on demand (a non-urgent ticket the customer asked to handle first), billed by the
/// ticket's governing contract: its fixed fee once per ticket, on the ticket's first
/// intervention, and its percentage of this intervention's labour valued at the applicable rate
/// (billed minutes × hourly rate, whoever paid for the time: the surcharge is for the priority,
/// not the hours). Never on a defect of the shop's own product, nor on work charged per an
/// accepted quote (the quote is the price). A contract that prices neither bills nothing.
fn priority_surcharge(
    a: &mut InterventionAllocation,
    w: &Work,
    governing: Option<&Contract>,
    input: &Input<'_>,
) {
    if !w.priority_on_demand || w.is_bug || (w.out_of_scope && w.quote_number.is_some()) {
        return;
    }
    let Some(g) = governing.filter(|g| g.terms.billing.bills_priority()) else {
        return;
    };
    let terms = &g.terms.billing;
    if let Some(fee) = terms
        .priority_fee_cents
        .filter(|f| *f > 0 && w.first_of_ticket)
    {
        let mut l = line(
            Source::Priority,
            AllocationReason::PriorityOnDemand,
            Some(g),
            0,
            None,
        );
        l.amount_cents = fee;
        a.lines.push(l);
    }
    if let Some(pct) = terms.priority_surcharge_pct.filter(|p| *p > 0) {
        let hourly = Rates::of(
            governing,
            input.contracts,
            input.client_class,
            w,
            &input.defaults,
        )
        .hourly;
        let labour = amount(a.billed_minutes, hourly);
        let surcharge = (labour * pct + 50).div_euclid(100);
        if surcharge > 0 {
            let mut l = line(
                Source::Priority,
                AllocationReason::PriorityOnDemand,
                Some(g),
                0,
                None,
            );
            l.rate_cents = Some(hourly);
            l.surcharge_pct = Some(pct);
            l.amount_cents = surcharge;
            a.lines.push(l);
        }
    }
}

/// The prices that apply to one intervention's uncovered work.
struct Rates<'a> {
    contract: Option<&'a Contract>,
    hourly: i64,
    extra: i64,
    callout: i64,
    km: i64,
    /// No allowance contract governs: call-out and travel are billed.
    time_and_materials: bool,
    /// The governing contract (of any kind) prices the call-out itself: billed on site.
    callout_by_contract: bool,
    /// The governing contract (of any kind) prices the kilometres itself: billed on site.
    km_by_contract: bool,
}

impl<'a> Rates<'a> {
    fn of(
        governing: Option<&'a Contract>,
        contracts: &'a [Contract],
        class: &str,
        w: &Work,
        d: &BillingDefaults,
    ) -> Rates<'a> {
        // The governing contract's rates, else a valid time-and-materials contract's, else the shop's.
        let tm = contracts
            .iter()
            .filter(|c| c.terms.kind == ContractKind::TimeMaterials && applies(c, class, w.date))
            .max_by(|a, b| a.starts().cmp(&b.starts()).then(a.id.cmp(&b.id)));
        let priced = governing
            .filter(|g| {
                g.terms.kind == ContractKind::Sla || g.terms.kind == ContractKind::TimeMaterials
            })
            .or(tm);
        let mode_rate = |c: Option<&Contract>| match w.mode {
            InterventionMode::OnSite => c.and_then(|c| c.terms.rates.on_site_rate_cents),
            InterventionMode::Remote => c.and_then(|c| c.terms.rates.remote_rate_cents),
        };
        let default_mode = match w.mode {
            InterventionMode::OnSite => d.on_site_rate_cents,
            InterventionMode::Remote => d.remote_rate_cents,
        };
        let hourly = priced
            .and_then(|c| c.terms.rates.overage_rate_cents)
            .or_else(|| mode_rate(priced))
            .or_else(|| mode_rate(tm))
            .unwrap_or(default_mode);
        let multiplier = governing.map_or(d.extra_multiplier_pct, |g| {
            g.terms.extra_time_multiplier_pct
        });
        let extra = governing
            .and_then(|g| g.terms.rates.extra_rate_cents)
            .unwrap_or((hourly * multiplier + 50) / 100);
        let tm_terms = matches!(
            governing.map(|g| g.terms.kind),
            None | Some(ContractKind::TimeMaterials)
        );
        let terms = priced.filter(|c| c.terms.kind == ContractKind::TimeMaterials);
        // A governing contract that prices the call-out or the kilometres itself (an SLA, a
        // package with a call-out fee) bills them whatever its kind.
        let own_callout = governing.and_then(|g| g.terms.rates.callout_fee_cents);
        let own_km = governing.and_then(|g| g.terms.rates.km_rate_cents);
        Rates {
            contract: priced,
            hourly,
            extra,
            callout: own_callout
                .or_else(|| terms.and_then(|c| c.terms.rates.callout_fee_cents))
                .unwrap_or(d.callout_fee_cents),
            km: own_km
                .or_else(|| terms.and_then(|c| c.terms.rates.km_rate_cents))
                .unwrap_or(d.km_rate_cents),
            time_and_materials: tm_terms,
            callout_by_contract: own_callout.is_some_and(|c| c > 0),
            km_by_contract: own_km.is_some_and(|k| k > 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_and_minimum() {
        assert_eq!(billed_minutes(0, 15, 30), (0, 0));
        assert_eq!(billed_minutes(1, 15, 30), (1, 30));
        assert_eq!(billed_minutes(31 * 60, 15, 30), (31, 45));
        assert_eq!(billed_minutes(45 * 60, 15, 30), (45, 45));
        assert_eq!(billed_minutes(45 * 60 + 1, 15, 0), (46, 60));
        assert_eq!(billed_minutes(7 * 60, 1, 0), (7, 7));
    }

    #[test]
    fn amounts_to_the_cent() {
        assert_eq!(amount(60, 5000), 5000);
        assert_eq!(amount(45, 5000), 3750);
        assert_eq!(amount(1, 100), 2); // 1.67 → 2
    }
}

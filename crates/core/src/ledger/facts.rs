//! Loading the facts a replay needs, from the earliest period that can still matter.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::checkpoints;
use super::engine::{self, Closure, Input, Ledger, PendingPacks, State, Work};
use crate::contracts::governing::{self, Governing};
use crate::contracts::Contract;
use crate::error::Result;
use crate::ids::{ClientId, ContractId, InterventionId, SiteId, TicketId};
use crate::interventions::timer::BILLABLE_SECONDS_SQL;
use crate::sla::Context;
use crate::store::Store;
use crate::time::{format_instant, local_date, parse_instant, start_of_day};
use rapportino_model::vocab::{ContractKind, InterventionMode, Severity};

/// The first day whose facts can change balances on `[from, until]`: the start of every accounting
/// period open on the replay's first day, repeated until no open period starts earlier.
pub(crate) fn replay_start(contracts: &[Contract], from: NaiveDate) -> NaiveDate {
    let mut start = from;
    loop {
        let earliest = contracts
            .iter()
            .filter(|c| !c.archived && c.terms.kind != ContractKind::TimeMaterials)
            .filter_map(|c| c.period_containing(start).map(|p| p.0))
            .min();
        match earliest {
            Some(p) if p < start => start = p,
            _ => return start,
        }
    }
}

/// The earliest day whose periods must come out exact when balances are shown from `need_from`:
/// the start of every accounting period open on or after it.
fn display_start(contracts: &[Contract], need_from: NaiveDate) -> NaiveDate {
    contracts
        .iter()
        .filter(|c| {
            !c.archived && c.terms.kind != ContractKind::TimeMaterials && c.ends() >= need_from
        })
        .filter_map(|c| c.period_containing(need_from.max(c.starts())).map(|p| p.0))
        .fold(need_from, NaiveDate::min)
}

/// Replays a client's facts so that every period open from `need_from` to the end of `until` is
/// exact: from the last checkpoint before those periods began, or else from the start of the
/// chain of periods open then. Writes checkpoints for the month starts it passes.
pub(crate) fn replay(
    store: &Store,
    ctx: &Context,
    client: ClientId,
    need_from: NaiveDate,
    until: NaiveDate,
) -> Result<(Ledger, NaiveDate)> {
    let tz = store.tz();
    let contracts = ctx.contracts_of(client);
    let wanted = display_start(contracts, need_from);
    let (start, initial) = match checkpoints::latest(store.conn(), client, wanted)? {
        Some((day, state)) => (day, state),
        None => (replay_start(contracts, wanted), State::default()),
    };
    let lo = format_instant(start_of_day(start, tz));
    let hi = format_instant(start_of_day(until + Duration::days(1), tz));
    let class = ctx.client_class(client);
    let governing_of = |reported_at: &str, chosen: Option<ContractId>| -> Governing {
        let day = parse_instant(reported_at).map_or(NaiveDate::MIN, |t| local_date(t, tz));
        governing::choose(contracts, class, day, chosen)
    };
    let conn = store.conn();

    let mut closures = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT id, reported_at, contract_id, closed_at FROM tickets
             WHERE client_id = ?1 AND closed_at >= ?2 AND closed_at < ?3 AND status = 'closed' AND is_bug = 0
               AND out_of_scope = 0",
        )?;
        let mut rows = stmt.query(rusqlite::params![client, lo, hi])?;
        while let Some(r) = rows.next()? {
            let reported: String = r.get(1)?;
            let chosen: Option<ContractId> = r.get(2)?;
            let g = governing_of(&reported, chosen);
            if g.contract.as_ref().map(|c| c.terms.kind) != Some(ContractKind::IncidentPack) {
                continue;
            }
            let at = parse_instant(&r.get::<_, String>(3)?)?;
            closures.push(Closure {
                ticket_id: r.get(0)?,
                at,
                date: local_date(at, tz),
                chosen: g.contract.map(|c| c.id).filter(|_| chosen.is_some()),
            });
        }
    }

    let sql = format!(
        "SELECT i.id, i.ticket_id, t.number, i.mode, COALESCE(i.started_at, i.created_at), i.finished_at,
                i.contract_id, i.travel_km, t.is_bug, t.extra_time, t.contract_id, t.reported_at,
                COALESCE(i.site_id, t.site_id), t.status,
                ({BILLABLE_SECONDS_SQL}),
                (SELECT r.started_at FROM time_entries r WHERE r.intervention_id = i.id AND r.kind = 'timer' AND r.ended_at IS NULL),
                t.out_of_scope,
                (SELECT q.number FROM quotes q WHERE q.ticket_id = t.id AND q.status = 'accepted'
                 ORDER BY q.accepted_at, q.id LIMIT 1),
                t.origin, (t.priority_requested <> 0 AND t.urgent = 0),
                CASE WHEN t.priority_requested <> 0 AND t.urgent = 0 THEN NOT EXISTS (
                    SELECT 1 FROM interventions j WHERE j.ticket_id = i.ticket_id
                      AND (COALESCE(j.started_at, j.created_at), j.id)
                          < (COALESCE(i.started_at, i.created_at), i.id)) ELSE 0 END,
                t.severity
         FROM interventions i JOIN tickets t ON t.id = i.ticket_id
         WHERE i.client_id = ?1 AND ((i.started_at >= ?2 AND i.started_at < ?3)
            OR (i.started_at IS NULL AND i.created_at >= ?2 AND i.created_at < ?3))"
    );
    let mut work = Vec::new();
    let mut pending: PendingPacks = HashMap::new();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params![client, lo, hi])?;
    while let Some(r) = rows.next()? {
        let id: InterventionId = r.get(0)?;
        let ticket_id: TicketId = r.get(1)?;
        let at = parse_instant(&r.get::<_, String>(4)?)?;
        let finished: Option<String> = r.get(5)?;
        let running_since: Option<String> = r.get(15)?;
        let running = running_since.is_some();
        let extra_time: bool = r.get(9)?;
        let reported: String = r.get(11)?;
        let ticket_contract: Option<ContractId> = r.get(10)?;
        let site: Option<SiteId> = r.get(12)?;
        let status: String = r.get(13)?;
        let g = governing_of(&reported, ticket_contract);
        let out_of_scope: bool = r.get(16)?;
        if let Some(pack) = g
            .contract
            .as_ref()
            .filter(|c| c.terms.kind == ContractKind::IncidentPack && !out_of_scope)
        {
            if status != "closed" && status != "cancelled" {
                pending.insert(ticket_id, pack.id);
            }
        }
        // A running segment counts in the preview (never in balances: the work is not final).
        let running_seconds = match running_since.as_deref().map(parse_instant).transpose()? {
            Some(since) => (store.now() - since).num_seconds().max(0),
            None => 0,
        };
        let billable_seconds: i64 = r.get::<_, i64>(14)? + running_seconds;
        let outside_seconds = if extra_time {
            let severity: Severity = r.get(21)?;
            outside_coverage(conn, ctx, client, site, g.contract.as_ref(), severity, id)?
        } else {
            0
        };
        work.push(Work {
            intervention_id: id,
            ticket_id,
            ticket_number: r.get(2)?,
            mode: r.get::<_, InterventionMode>(3)?,
            at,
            date: local_date(at, tz),
            billable_seconds,
            outside_seconds,
            extra_time,
            is_bug: r.get(8)?,
            governing: g.contract.map(|c| c.id),
            // The contract chosen on the intervention, else the one chosen on the ticket.
            chosen: r.get::<_, Option<ContractId>>(6)?.or(ticket_contract),
            travel_km: r.get(7)?,
            is_final: finished.is_some() && !running,
            out_of_scope,
            quote_number: r.get(17)?,
            origin: r.get(18)?,
            priority_on_demand: r.get(19)?,
            first_of_ticket: r.get(20)?,
        });
    }
    let ledger = engine::run(Input {
        initial: initial.clone(),
        from: start,
        contracts,
        client_class: class,
        defaults: super::defaults::get_in(conn)?,
        closures,
        pending,
        work,
    });
    let today = local_date(store.now(), tz);
    let ends = |id: ContractId| contracts.iter().find(|c| c.id == id).map(Contract::ends);
    checkpoints::save(
        store.conn(),
        client,
        start,
        until.min(today),
        &initial,
        &ledger,
        &ends,
    )?;
    Ok((ledger, start))
}

/// Billable seconds of an intervention that fell outside the coverage of its ticket (extra time):
/// the governing contract's calendar for the ticket's severity (a blocking ticket may be covered
/// 7x8 while the contract's own calendar is 5x8), as the SLA clocks have it.
fn outside_coverage(
    conn: &rusqlite::Connection,
    ctx: &Context,
    client: ClientId,
    site: Option<SiteId>,
    governing: Option<&Contract>,
    severity: Severity,
    id: InterventionId,
) -> Result<i64> {
    let Some(cal_id) = governing.and_then(|c| c.terms.calendar_for(severity)) else {
        return Ok(0);
    };
    let Some((cal, _)) = ctx.business(cal_id, client, site)? else {
        return Ok(0);
    };
    let entries = crate::interventions::timer::entries(conn, id)?;
    let voided = |e: &crate::interventions::timer::TimeEntry| {
        entries.iter().any(|v| {
            v.corrects_id == Some(e.id) && v.kind == rapportino_model::vocab::TimeEntryKind::Void
        })
    };
    let mut outside = 0;
    for e in &entries {
        use rapportino_model::vocab::TimeEntryKind::{Manual, Timer};
        if !matches!(e.kind, Timer | Manual) || voided(e) {
            continue;
        }
        let (Some(secs), Ok(start)) = (e.seconds, parse_instant(&e.started_at)) else {
            continue;
        };
        let end: DateTime<Utc> = start + Duration::seconds(secs);
        outside += secs - cal.seconds_between(start, end);
    }
    Ok(outside)
}

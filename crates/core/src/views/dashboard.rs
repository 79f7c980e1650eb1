//! The dashboard: what a technician needs at a glance when the app opens — the running (or
//! paused) timer, their open tickets most urgent first with the SLA deadlines the UI counts down
//! to, today's interventions and the sync state ([`overview`]); then, in a second read so the
//! screen shows before the ledger is replayed, the balances of the clients they work for that run
//! low or expire soon ([`balance_alerts`]).
//!
//! Everything here is read through the modules that own the rules (SLA, ledger, timer); this file
//! only chooses what to show and bounds it, so it answers quickly on a large database.

use std::collections::BTreeSet;

use chrono::Duration;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::{ClientId, TechnicianId};
use crate::interventions::{self, InterventionSummary, PausedTimer, RunningTimer};
use crate::ledger::{self, ContractBalance};
use crate::setup;
use crate::store::Store;
use crate::tickets::TicketFilter;
use crate::time::{format_instant, local_date, start_of_day};
use crate::views::urgency::{self, UrgentTicket};

/// At most this many rows per list (the rest is counted, and one click away).
pub const LIST_LIMIT: usize = 50;
/// A balance is low below this share of the hours included…
pub const LOW_BALANCE_PERCENT: i64 = 20;
/// …or below this many minutes, whichever is larger.
pub const LOW_BALANCE_MINUTES: i64 = 120;
/// A contract expires soon within this many days.
pub const EXPIRING_DAYS: i64 = 30;
/// Balances are computed for at most this many clients (those the technician works for first).
const BALANCE_CLIENTS: usize = 40;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Dashboard {
    /// `YYYY-MM-DD`, the shop's local date.
    pub today: String,
    pub running: Option<RunningTimer>,
    pub paused: Option<PausedTimer>,
    /// This technician's open tickets, most urgent first (breached first).
    pub my_tickets: Vec<UrgentTicket>,
    pub my_tickets_total: i64,
    pub breached: i64,
    /// Interventions of this technician started, worked or created today, newest first.
    pub today_interventions: Vec<InterventionSummary>,
    pub sync: SyncState,
}

/// A contract whose balance runs low or that expires soon.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BalanceAlert {
    pub client_id: ClientId,
    pub client_name: String,
    pub balance: ContractBalance,
    pub low: bool,
    pub expiring: bool,
}

/// The office hub: not configured until the sync issue lands.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncState {
    pub configured: bool,
    pub last_sync_at: Option<String>,
    pub pending_changes: i64,
}

/// The dashboard of `technician` (default: this device's).
pub fn overview(store: &Store, technician: Option<TechnicianId>) -> Result<Dashboard> {
    let technician = match technician {
        Some(t) => t,
        None => setup::current_technician(store.conn())?,
    };
    let tz = store.tz();
    let today = local_date(store.now(), tz);
    let running = interventions::running_timer(store, Some(technician))?;
    let paused = match running {
        Some(_) => None,
        None => interventions::paused_timer(store, Some(technician))?,
    };
    let filter = TicketFilter {
        technician_id: Some(technician),
        open_only: Some(true),
        ..TicketFilter::default()
    };
    let mut my_tickets = urgency::open_tickets_with_sla(store, &filter)?;
    let my_tickets_total = my_tickets.len() as i64;
    let breached = my_tickets.iter().filter(|u| u.sla.is_breached()).count() as i64;
    my_tickets.truncate(LIST_LIMIT);
    let today_interventions = worked_today(store, technician, today)?;

    Ok(Dashboard {
        today: today.to_string(),
        running,
        paused,
        my_tickets,
        my_tickets_total,
        breached,
        today_interventions,
        sync: {
            let status = crate::sync::status(store)?;
            SyncState {
                configured: status.configured,
                last_sync_at: status.last_sync_at,
                pending_changes: status.pending_changes,
            }
        },
    })
}

/// The balances to watch, computed apart from [`overview`] (the app shows the rest first): for the
/// clients of my open tickets and of today's work, then those with contracts expiring soon.
pub fn balance_alerts(
    store: &Store,
    technician: Option<TechnicianId>,
) -> Result<Vec<BalanceAlert>> {
    let technician = match technician {
        Some(t) => t,
        None => setup::current_technician(store.conn())?,
    };
    let today = local_date(store.now(), store.tz());
    let from = format_instant(start_of_day(today, store.tz()));
    let mine: Vec<ClientId> = store
        .conn()
        .prepare_cached(
            "SELECT client_id FROM (
               SELECT client_id, 0 AS k FROM interventions WHERE technician_id = ?1 AND created_at >= ?2
               UNION ALL
               SELECT client_id, 1 FROM tickets
                WHERE assigned_technician_id = ?1 AND status IN ('new', 'taken', 'in_progress', 'waiting_client', 'waiting_third_party'))
             GROUP BY client_id ORDER BY min(k) LIMIT ?3",
        )?
        .query_map(
            rusqlite::params![technician, from, BALANCE_CLIENTS as i64],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    let mut clients: Vec<ClientId> = Vec::new();
    let mut seen = BTreeSet::new();
    for id in mine.into_iter().chain(expiring_clients(store, today)?) {
        if clients.len() < BALANCE_CLIENTS && seen.insert(id) {
            clients.push(id);
        }
    }
    alerts_for(store, &clients)
}

fn worked_today(
    store: &Store,
    technician: TechnicianId,
    today: chrono::NaiveDate,
) -> Result<Vec<InterventionSummary>> {
    let from = format_instant(start_of_day(today, store.tz()));
    let to = format_instant(start_of_day(today + Duration::days(1), store.tz()));
    let ids: Vec<String> = store
        .conn()
        .prepare_cached(
            "SELECT id FROM interventions
              WHERE technician_id = ?1 AND created_at >= ?2 AND created_at < ?3
             UNION
             SELECT intervention_id FROM time_entries
              WHERE technician_id = ?1 AND started_at >= ?2 AND started_at < ?3
             UNION
             SELECT intervention_id FROM time_entries
              WHERE technician_id = ?1 AND ended_at >= ?2 AND ended_at < ?3",
        )?
        .query_map(rusqlite::params![technician, from, to], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = interventions::summaries(store, &ids)?;
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    rows.truncate(LIST_LIMIT);
    Ok(rows)
}

fn expiring_clients(store: &Store, today: chrono::NaiveDate) -> Result<Vec<ClientId>> {
    let until = today + Duration::days(EXPIRING_DAYS);
    Ok(store
        .conn()
        .prepare_cached(
            "SELECT DISTINCT client_id FROM contracts
              WHERE ends_on >= ?1 AND ends_on <= ?2 AND archived = 0
              ORDER BY ends_on LIMIT ?3",
        )?
        .query_map(
            rusqlite::params![today.to_string(), until.to_string(), BALANCE_CLIENTS as i64],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?)
}

/// Low: the hours left under [`LOW_BALANCE_PERCENT`] of those included or under
/// [`LOW_BALANCE_MINUTES`]; expiring: within [`EXPIRING_DAYS`]. Expired contracts are history,
/// not alerts.
pub fn is_low(b: &ContractBalance) -> bool {
    match (b.included_minutes, b.remaining_minutes) {
        (Some(included), Some(left)) if included > 0 => {
            left < (included * LOW_BALANCE_PERCENT / 100).max(LOW_BALANCE_MINUTES)
        }
        _ => matches!(b.incident_left, Some(left) if left <= 1),
    }
}

pub fn is_expiring(b: &ContractBalance) -> bool {
    (0..=EXPIRING_DAYS).contains(&b.days_to_expiry)
}

fn alerts_for(store: &Store, clients: &[ClientId]) -> Result<Vec<BalanceAlert>> {
    let mut out = Vec::new();
    for &client in clients {
        let balances = match ledger::client_balances(store, client, None) {
            Ok(b) => b,
            Err(Error::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        let name = crate::clients::get(store, client)?.name;
        for balance in balances.balances {
            if balance.days_to_expiry < 0 {
                continue;
            }
            let (low, expiring) = (is_low(&balance), is_expiring(&balance));
            if low || expiring {
                out.push(BalanceAlert {
                    client_id: client,
                    client_name: name.clone(),
                    balance,
                    low,
                    expiring,
                });
            }
        }
    }
    // Lowest first: what is nearly used up, then what expires first.
    out.sort_by_key(|a| {
        (
            !a.low,
            a.balance.remaining_minutes.unwrap_or(i64::MAX),
            a.balance.days_to_expiry,
        )
    });
    Ok(out)
}

//! Ledger checkpoints: the state at the first of a month, cached per client in the LOCAL table
//! `ledger_checkpoints` so that a replay starts at the last month boundary before what is asked
//! instead of at the start of a chain of overlapping packages. A checkpoint is derived data: SQL
//! triggers (migration 0002) delete every checkpoint that a changed fact dated before it could
//! affect, whatever wrote the fact; the next replay writes it again.

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::engine::{Ledger, State};
use crate::error::Result;
use crate::ids::{ClientId, ContractId};

/// Periods that ended this long before a checkpoint are dropped from it (nothing shows them).
const KEEP_ENDED_DAYS: i64 = 400;

#[derive(Serialize, Deserialize)]
struct Stored {
    used: Vec<(ContractId, NaiveDate, i64)>,
    tickets: Vec<(ContractId, i64)>,
}

/// The latest checkpoint on or before `day`.
pub(crate) fn latest(
    conn: &Connection,
    client: ClientId,
    day: NaiveDate,
) -> Result<Option<(NaiveDate, State)>> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT day, state FROM ledger_checkpoints WHERE client_id = ?1 AND day <= ?2
             ORDER BY day DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![client, day.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((d, json)) = row else {
        return Ok(None);
    };
    // An unreadable checkpoint is only a cache miss.
    let (Ok(d), Ok(stored)) = (
        NaiveDate::parse_from_str(&d, "%Y-%m-%d"),
        serde_json::from_str::<Stored>(&json),
    ) else {
        return Ok(None);
    };
    let state = State {
        used: stored
            .used
            .into_iter()
            .map(|(c, p, m)| ((c, p), m))
            .collect(),
        tickets_used: stored.tickets.into_iter().collect(),
    };
    Ok(Some((d, state)))
}

/// First days of the months in `(after, up_to]`.
fn month_starts(after: NaiveDate, up_to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = NaiveDate::from_ymd_opt(after.year(), after.month(), 1).unwrap_or(after);
    while m <= up_to {
        if m > after {
            out.push(m);
        }
        m = match m.checked_add_months(chrono::Months::new(1)) {
            Some(n) => n,
            None => break,
        };
    }
    out
}

/// Writes the state at every month start in `(start, up_to]` from a replay that began at `start`
/// with `initial`. `ends` gives each contract's last day (to drop long-ended periods).
pub(crate) fn save(
    conn: &Connection,
    client: ClientId,
    start: NaiveDate,
    up_to: NaiveDate,
    initial: &State,
    ledger: &Ledger,
    ends: &dyn Fn(ContractId) -> Option<NaiveDate>,
) -> Result<()> {
    // A checkpoint that exists is current (the triggers delete stale ones): write only the missing.
    let existing: Vec<String> = conn
        .prepare_cached(
            "SELECT day FROM ledger_checkpoints WHERE client_id = ?1 AND day > ?2 AND day <= ?3",
        )?
        .query_map(
            rusqlite::params![client, start.to_string(), up_to.to_string()],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    let months: Vec<NaiveDate> = month_starts(start, up_to)
        .into_iter()
        .filter(|m| !existing.contains(&m.to_string()))
        .collect();
    if months.is_empty() {
        return Ok(());
    }
    // One transaction for the lot (not one per row), unless the caller already holds one.
    let tx = if conn.is_autocommit() {
        Some(conn.unchecked_transaction()?)
    } else {
        None
    };
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO ledger_checkpoints (client_id, day, state) VALUES (?1, ?2, ?3)",
    )?;
    for m in months {
        let mut state = initial.clone();
        for (day, c, period, minutes) in &ledger.draws {
            if *day < m {
                *state.used.entry((*c, *period)).or_default() += minutes;
            }
        }
        for (_, day, pack) in &ledger.closures {
            if let (true, Some(p)) = (*day < m, pack) {
                *state.tickets_used.entry(*p).or_default() += 1;
            }
        }
        for (day, pack, tickets) in &ledger.opening_tickets {
            if *day < m {
                *state.tickets_used.entry(*pack).or_default() += tickets;
            }
        }
        let keep =
            |c: &ContractId| ends(*c).is_some_and(|e| e >= m - Duration::days(KEEP_ENDED_DAYS));
        let mut used: Vec<_> = state
            .used
            .into_iter()
            .filter(|((c, _), _)| keep(c))
            .map(|((c, p), v)| (c, p, v))
            .collect();
        used.sort();
        let mut tickets: Vec<_> = state
            .tickets_used
            .into_iter()
            .filter(|(c, _)| keep(c))
            .collect();
        tickets.sort();
        let json = serde_json::to_string(&Stored { used, tickets })
            .map_err(|e| crate::error::Error::Inconsistent(e.to_string()))?;
        stmt.execute(rusqlite::params![client, m.to_string(), json])?;
    }
    drop(stmt);
    if let Some(tx) = tx {
        tx.commit()?;
    }
    Ok(())
}

/// Drops every checkpoint (tests compare cached and uncached replays).
pub fn clear(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM ledger_checkpoints", [])?;
    Ok(())
}

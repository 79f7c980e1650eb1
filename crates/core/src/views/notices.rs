//! Which desktop notifications are due now on this device, each once.
//!
//! Five kinds, each switchable in Settings ([`NoticePreferences`], this device's, never synced):
//! - a ticket of mine whose SLA clock turned **at risk** or **breached** (one notice per clock
//!   and state: at risk, then breached, are two);
//! - my **timer running over N hours** without a pause (one per timer segment);
//! - **new sync conflicts** (one notice for those found since the last look);
//! - the **daily backup failed** (one per day it fails, see [`backup::record_auto_outcome`]);
//! - a **new urgent request** (core's [`intake::take_urgent`]).
//!
//! "Once" is device-local (`local_state`): for conditions (a clock at risk, a long timer, a failed
//! backup) the set of those active at the last look — a notice is due for what is active now and
//! was not then, so a condition that clears and comes back is news again, and the set never
//! outgrows what is currently wrong; for events (conflicts, urgent requests) the highest rowid
//! already looked at. The very first look only takes note: a device is not greeted by everything
//! already wrong. A kind switched off still moves its marks, so switching it on is not a burst
//! of old news.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::backup;
use crate::error::{Code, Error, Result};
use crate::ids::TicketId;
use crate::intake::{self, UrgentNotice};
use crate::interventions;
use crate::setup;
use crate::sla::{ClockKind, SlaClock, SlaState};
use crate::store::{local_get, local_set, Store};
use crate::tickets::TicketFilter;
use crate::views::urgency;

/// `local_state` keys.
const PREFERENCES: &str = "notices.preferences";
const ACTIVE: &str = "notices.active";
const CONFLICTS_MARK: &str = "notices.conflicts_rowid";
/// The long-timer threshold's bounds, in hours.
pub const TIMER_HOURS: std::ops::RangeInclusive<u32> = 1..=24;

/// This device's choice of notifications (all on by default; a timer is long after 4 hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NoticePreferences {
    pub sla: bool,
    pub long_timer: bool,
    pub long_timer_hours: u32,
    pub conflicts: bool,
    pub backup_failed: bool,
    pub urgent_requests: bool,
}

impl Default for NoticePreferences {
    fn default() -> Self {
        NoticePreferences {
            sla: true,
            long_timer: true,
            long_timer_hours: 4,
            conflicts: true,
            backup_failed: true,
            urgent_requests: true,
        }
    }
}

/// One notification to show; the shell words it in the UI's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// A clock of one of my tickets is at risk or breached.
    Sla {
        ticket_id: TicketId,
        ticket_number: String,
        client_name: String,
        title: String,
        clock: ClockKind,
        state: SlaState,
        /// Target minus used (negative once breached).
        left_minutes: i64,
    },
    /// My timer has run without a pause for at least `hours`.
    LongTimer {
        ticket_id: TicketId,
        ticket_number: String,
        client_name: String,
        hours: u32,
    },
    /// Sync conflicts recorded since the last look (`first_label`: the first one's record).
    Conflicts { count: i64, first_label: String },
    /// The daily backup failed on `day` (`YYYY-MM-DD`).
    BackupFailed { day: String, message: String },
    /// A new urgent request.
    Urgent(UrgentNotice),
}

/// This device's notification choice (the default when none is stored or it no longer reads).
pub fn preferences(store: &Store) -> Result<NoticePreferences> {
    Ok(local_get(store.conn(), PREFERENCES)?
        .and_then(|s| serde_json::from_str::<NoticePreferences>(&s).ok())
        .filter(|p| TIMER_HOURS.contains(&p.long_timer_hours))
        .unwrap_or_default())
}

/// Remembers this device's notification choice (`long_timer_hours` 1–24).
pub fn set_preferences(store: &Store, p: &NoticePreferences) -> Result<NoticePreferences> {
    if !TIMER_HOURS.contains(&p.long_timer_hours) {
        return Err(Error::invalid(
            Code::OutOfRange,
            "long_timer_hours",
            format!(
                "{} hours: between {} and {}",
                p.long_timer_hours,
                TIMER_HOURS.start(),
                TIMER_HOURS.end()
            ),
        ));
    }
    let text = serde_json::to_string(p).map_err(|e| Error::Inconsistent(e.to_string()))?;
    local_set(store.conn(), PREFERENCES, &text)?;
    Ok(p.clone())
}

/// The notices due now, per this device's preferences; each is returned once.
pub fn take(store: &Store) -> Result<Vec<Notice>> {
    let prefs = preferences(store)?;
    let mut due = Vec::new();
    let urgent = intake::take_urgent(store)?;

    // Conditions: what is wrong now, keyed; news is what was not wrong at the last look.
    let mut now: Vec<(String, Option<Notice>)> = Vec::new();
    sla_conditions(store, &prefs, &mut now)?;
    timer_condition(store, &prefs, &mut now)?;
    if let Some(f) = backup::last_auto_failure(store)? {
        let notice = prefs.backup_failed.then(|| Notice::BackupFailed {
            day: f.day.clone(),
            message: f.message,
        });
        now.push((format!("backup:{}", f.day), notice));
    }
    let before: Option<BTreeSet<String>> =
        local_get(store.conn(), ACTIVE)?.map(|s| serde_json::from_str(&s).unwrap_or_default());
    let keys: BTreeSet<String> = now.iter().map(|(k, _)| k.clone()).collect();
    if let Some(before) = &before {
        due.extend(
            now.into_iter()
                .filter(|(k, _)| !before.contains(k))
                .filter_map(|(_, n)| n),
        );
    }
    let text = serde_json::to_string(&keys).map_err(|e| Error::Inconsistent(e.to_string()))?;
    local_set(store.conn(), ACTIVE, &text)?;

    if let Some(n) = new_conflicts(store)? {
        if prefs.conflicts {
            due.push(n);
        }
    }
    if prefs.urgent_requests {
        due.extend(urgent.into_iter().map(Notice::Urgent));
    }
    Ok(due)
}

/// My open tickets' clocks at risk or breached (not yet stopped).
fn sla_conditions(
    store: &Store,
    prefs: &NoticePreferences,
    out: &mut Vec<(String, Option<Notice>)>,
) -> Result<()> {
    let technician = match setup::current_technician(store.conn()) {
        Ok(t) => t,
        Err(Error::NotOnboarded) => return Ok(()),
        Err(e) => return Err(e),
    };
    let filter = TicketFilter {
        technician_id: Some(technician),
        open_only: Some(true),
        ..TicketFilter::default()
    };
    for u in urgency::open_tickets_with_sla(store, &filter)? {
        let clocks: [&Option<SlaClock>; 3] =
            [&u.sla.response, &u.sla.intervention, &u.sla.resolution];
        for clock in clocks.into_iter().flatten() {
            if clock.stopped_at.is_some() || clock.state == SlaState::OnTime {
                continue;
            }
            let key = format!("sla:{}:{}:{}", u.ticket.id, clock.kind, clock.state);
            let notice = prefs.sla.then(|| Notice::Sla {
                ticket_id: u.ticket.id,
                ticket_number: u.ticket.number.clone(),
                client_name: u.ticket.client_name.clone(),
                title: u.ticket.title.clone(),
                clock: clock.kind,
                state: clock.state,
                left_minutes: clock.left_minutes,
            });
            out.push((key, notice));
        }
    }
    Ok(())
}

/// My running timer, when its segment has run at least the preferred hours.
fn timer_condition(
    store: &Store,
    prefs: &NoticePreferences,
    out: &mut Vec<(String, Option<Notice>)>,
) -> Result<()> {
    let Some(timer) = interventions::running_timer(store, None)? else {
        return Ok(());
    };
    let hours = prefs.long_timer_hours;
    if timer.segment_seconds < i64::from(hours) * 3600 {
        return Ok(());
    }
    let notice = prefs.long_timer.then(|| Notice::LongTimer {
        ticket_id: timer.ticket_id,
        ticket_number: timer.ticket_number.clone(),
        client_name: timer.client_name.clone(),
        hours,
    });
    out.push((format!("timer:{}:{hours}", timer.entry_id), notice));
    Ok(())
}

/// Unresolved conflicts recorded since the last look, as one notice.
fn new_conflicts(store: &Store) -> Result<Option<Notice>> {
    let conn = store.conn();
    let max: i64 = conn.query_row(
        "SELECT coalesce(max(rowid), 0) FROM sync_conflicts",
        [],
        |r| r.get(0),
    )?;
    let mark = local_get(conn, CONFLICTS_MARK)?.and_then(|v| v.parse::<i64>().ok());
    local_set(conn, CONFLICTS_MARK, &max.to_string())?;
    let Some(mark) = mark else {
        return Ok(None);
    };
    if max <= mark {
        return Ok(None);
    }
    let (count, first): (i64, Option<String>) = conn.query_row(
        "SELECT count(*),
                (SELECT id FROM sync_conflicts
                 WHERE rowid > ?1 AND rowid <= ?2 AND resolved_at IS NULL ORDER BY rowid LIMIT 1)
         FROM sync_conflicts WHERE rowid > ?1 AND rowid <= ?2 AND resolved_at IS NULL",
        [mark, max],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let Some(first) = first.filter(|_| count > 0) else {
        return Ok(None);
    };
    let first_label = crate::sync::conflicts::get(store, &first)?.label;
    Ok(Some(Notice::Conflicts { count, first_label }))
}

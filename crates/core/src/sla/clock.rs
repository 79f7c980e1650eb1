//! One SLA clock, computed from facts: when it starts and stops, the pauses (waiting for the
//! client), the target in business minutes, the calendar. Pure: no database.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::calendars::BusinessCalendar;
use crate::macros::string_enum;
use crate::time::format_instant;

string_enum! {
    /// The clocks of PRODUCT.md: response (report → ticket opened) and intervention (opened →
    /// taken in charge); resolution (opened → resolved) when the contract sets its target.
    ClockKind, field = "clock" {
        Response => "response",
        Intervention => "intervention",
        Resolution => "resolution",
    }
}

string_enum! {
    /// Where a clock stands.
    SlaState, field = "sla_state" {
        /// Running, less than 75% of the target used.
        OnTime => "on_time",
        /// Running, 75% of the target or more used.
        AtRisk => "at_risk",
        /// The target was exceeded (running or stopped).
        Breached => "breached",
        /// Stopped within the target.
        Met => "met",
    }
}

/// The share of the target after which a running clock is at risk.
pub const AT_RISK_PERCENT: i64 = 75;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SlaClock {
    pub kind: ClockKind,
    pub target_minutes: i64,
    /// When the clock began to count: the start event, or the next opening of the calendar.
    pub counting_from: String,
    /// When the target is (or was, or would have been) reached; None while paused before it.
    pub due_at: Option<String>,
    pub stopped_at: Option<String>,
    /// Business minutes used so far (pauses excluded).
    pub used_minutes: i64,
    /// Target minus used: negative when breached.
    pub left_minutes: i64,
    pub state: SlaState,
    /// Counting now (not stopped, not paused).
    pub running: bool,
    pub paused: bool,
    /// Running and the calendar is open now: the minutes left go down in real time.
    pub counting_now: bool,
}

/// The facts of one clock.
pub struct ClockFacts<'a> {
    pub kind: ClockKind,
    pub target_minutes: i64,
    pub start: DateTime<Utc>,
    pub stop: Option<DateTime<Utc>>,
    /// Waiting-for-client intervals, ordered, not overlapping; an open one has no end.
    pub pauses: &'a [(DateTime<Utc>, Option<DateTime<Utc>>)],
    pub now: DateTime<Utc>,
}

/// Computes the clock. Business time counts only outside pauses; the due instant is where the
/// target is used up walking forward through the counting segments.
pub fn compute(f: &ClockFacts<'_>, cal: &BusinessCalendar) -> SlaClock {
    let end = f.stop.unwrap_or(f.now).max(f.start);
    let target = f.target_minutes * 60;
    // The counting segments: [start, end) minus pauses; the last one may run on past `end`.
    let mut segments: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    let mut cursor = f.start;
    let mut paused_now = false;
    for &(p_start, p_end) in f.pauses {
        if p_start >= end {
            break;
        }
        let p_start = p_start.max(f.start);
        if p_start > cursor {
            segments.push((cursor, p_start));
        }
        match p_end {
            Some(e) => cursor = cursor.max(e),
            None => {
                paused_now = f.stop.is_none();
                cursor = end;
            }
        }
    }
    if cursor < end {
        segments.push((cursor, end));
    }
    let used: i64 = segments
        .iter()
        .map(|&(a, b)| cal.seconds_between(a, b))
        .sum();
    // Walk to the due instant.
    let mut remaining = target;
    let mut due = None;
    for &(a, b) in &segments {
        let avail = cal.seconds_between(a, b);
        if avail >= remaining {
            due = Some(cal.add_seconds(a, remaining));
            break;
        }
        remaining -= avail;
    }
    let running = f.stop.is_none() && !paused_now;
    if due.is_none() && !paused_now {
        // Still counting, or stopped before the target: when it falls (or would have fallen).
        let from = segments.last().map_or(end, |s| s.1);
        due = Some(cal.add_seconds(from, remaining));
    }
    let state = if used > target {
        SlaState::Breached
    } else if f.stop.is_some() {
        SlaState::Met
    } else if used * 100 >= target * AT_RISK_PERCENT {
        SlaState::AtRisk
    } else {
        SlaState::OnTime
    };
    SlaClock {
        kind: f.kind,
        target_minutes: f.target_minutes,
        counting_from: format_instant(cal.next_open(f.start)),
        due_at: due.map(format_instant),
        stopped_at: f.stop.map(format_instant),
        used_minutes: used / 60,
        left_minutes: (target - used).div_euclid(60),
        state,
        running,
        paused: paused_now,
        counting_now: running && cal.is_open(f.now),
    }
}

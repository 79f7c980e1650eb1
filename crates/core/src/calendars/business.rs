//! Business-time arithmetic over a coverage calendar.
//!
//! Each local date of the calendar's zone opens the weekly windows of its weekday, unless it is
//! closed (a national holiday or patron day when the calendar is not open on holidays, a closed
//! exception) or has open exceptions (then exactly those; an explicit exception wins over a
//! holiday, a dated one over a yearly one). Local times become instants with the
//! tz database: a time skipped by the spring-forward change maps to the first instant after the
//! gap, a repeated time (fall back) to its first occurrence, `24:00` to the next local midnight.
//! Intervals that touch (24x7 across midnight, 12:00–14:00 after 08:00–12:00) are continuous, so
//! a calendar open 00:00–24:00 every day, holidays included, without exceptions, is resolved to
//! plain wall-clock arithmetic.
//!
//! Instants are handled to the whole second: a sub-second part is dropped, except that
//! `add_seconds(t, 0)` and `next_open(t)` on an open `t` return `t` itself.
//!
//! A calendar that opens nowhere in ten years of scanning (exceptions closing everything) never
//! opens: [`BusinessCalendar::add_seconds`] and [`BusinessCalendar::next_open`] then answer
//! [`BusinessCalendar::never`] instead of looping.

mod walk;

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use self::walk::{Day, Rules, Walker};
use super::holidays::easter_sunday;
use super::parse::{self, DAY_MINUTES};
use super::{Calendar, CalendarInput};
use crate::error::Result;

/// 9999-12-31T23:59:59Z: the answer for a calendar that never opens.
const NEVER: i64 = 253_402_300_799;

/// A calendar resolved for arithmetic. Cheap to clone; build once per calendar and reuse.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    /// `None`: always open (plain wall-clock arithmetic).
    rules: Option<Arc<Rules>>,
}

impl BusinessCalendar {
    /// Resolves a stored calendar (zone parsed, windows and exceptions indexed).
    pub fn from_calendar(calendar: &Calendar) -> Result<Self> {
        Self::resolve(
            Some(&calendar.time_zone),
            &calendar.windows,
            calendar.open_on_holidays,
            &calendar.exceptions,
        )
    }

    /// Resolves an input that is not stored (a preset, a form being edited). The name is not
    /// checked; everything else fails as [`super::validate`] would.
    pub fn from_input(input: &CalendarInput) -> Result<Self> {
        Self::resolve(
            input.time_zone.as_deref(),
            &input.windows,
            input.open_on_holidays,
            &input.exceptions,
        )
    }

    fn resolve(
        zone: Option<&str>,
        windows: &[super::TimeWindow],
        open_on_holidays: bool,
        exceptions: &[super::CalendarException],
    ) -> Result<Self> {
        let tz = parse::zone(zone)?;
        let weekly = parse::windows(windows)?;
        let (exceptions, _) = parse::exceptions(exceptions)?;
        let whole_days = weekly.iter().all(|d| d.as_slice() == [(0, DAY_MINUTES)]);
        if whole_days
            && open_on_holidays
            && exceptions.dated.is_empty()
            && exceptions.yearly.is_empty()
        {
            // Every local day open 00:00–24:00 is every instant: skip the zone altogether.
            return Ok(Self::always_open());
        }
        Ok(BusinessCalendar {
            rules: Some(Arc::new(Rules {
                tz,
                weekly,
                open_on_holidays,
                closed_days: Vec::new(),
                exceptions,
            })),
        })
    }

    /// Wall-clock time: always open, holidays included (24x7, extra time).
    pub fn always_open() -> Self {
        BusinessCalendar { rules: None }
    }

    /// Whether this is the wall-clock calendar (24x7 without exceptions).
    pub fn is_always_open(&self) -> bool {
        self.rules.is_none()
    }

    /// The instant answered for "never": 9999-12-31T23:59:59Z.
    pub fn never() -> DateTime<Utc> {
        DateTime::from_timestamp(NEVER, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The same calendar with extra closed dates every year (patron saint of a client or site);
    /// ignored when the calendar is open on holidays. Invalid month-days are skipped.
    pub fn with_closed_days(mut self, month_days: &[(u32, u32)]) -> Self {
        if let Some(rules) = &mut self.rules {
            if !rules.open_on_holidays && !month_days.is_empty() {
                let rules = Arc::make_mut(rules);
                rules.closed_days.extend(
                    month_days
                        .iter()
                        .filter(|&&(m, d)| NaiveDate::from_ymd_opt(2000, m, d).is_some()),
                );
                rules.closed_days.sort_unstable();
                rules.closed_days.dedup();
            }
        }
        self
    }

    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let Some(rules) = &self.rules else {
            return true;
        };
        let t0 = t.timestamp();
        let Some(mut w) = Walker::new(rules, t0) else {
            return false;
        };
        while let Some((s, e)) = w.next(t0.saturating_add(1)) {
            if e > t0 {
                return s <= t0;
            }
        }
        false
    }

    /// `t` itself when open, else the start of the next opening ([`Self::never`] if none).
    pub fn next_open(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let Some(rules) = &self.rules else {
            return t;
        };
        let t0 = t.timestamp();
        if let Some(mut w) = Walker::new(rules, t0) {
            while let Some((s, e)) = w.next(i64::MAX) {
                if e > t0 {
                    return if s <= t0 { t } else { instant(s) };
                }
            }
        }
        Self::never()
    }

    /// The instant at which `seconds` (≥ 0) business seconds have elapsed since `t`. Zero (or a
    /// negative count) is `t` unchanged; a budget used up exactly at the end of an opening gives
    /// that end, not the next opening. [`Self::never`] if the calendar stops opening.
    pub fn add_seconds(&self, t: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        if seconds <= 0 {
            return t;
        }
        let Some(rules) = &self.rules else {
            return t
                .timestamp()
                .checked_add(seconds)
                .filter(|r| *r <= NEVER)
                .map_or_else(Self::never, instant);
        };
        let t0 = t.timestamp();
        let mut left = seconds;
        if let Some(mut w) = Walker::new(rules, t0) {
            while let Some((s, e)) = w.next(i64::MAX) {
                if e <= t0 {
                    continue;
                }
                let s = s.max(t0);
                if left <= e - s {
                    return instant((s + left).min(NEVER));
                }
                left -= e - s;
            }
        }
        Self::never()
    }

    pub fn add_minutes(&self, t: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        self.add_seconds(t, minutes.saturating_mul(60))
    }

    /// Business seconds in `[a, b)`; 0 when `b <= a`.
    pub fn seconds_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        let Some(rules) = &self.rules else {
            return b.timestamp() - a.timestamp();
        };
        let (a0, b0) = (a.timestamp(), b.timestamp());
        let mut total = 0;
        if let Some(mut w) = Walker::new(rules, a0) {
            while let Some((s, e)) = w.next(b0) {
                if s >= b0 {
                    break;
                }
                total += (e.min(b0) - s.max(a0)).max(0);
            }
        }
        total
    }

    /// Whole business minutes in `[a, b)` (seconds / 60, rounded down).
    pub fn minutes_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        self.seconds_between(a, b) / 60
    }

    /// The open intervals within `[from, to)`, clipped to it, touching ones merged (to show the
    /// coverage of a period).
    pub fn open_intervals(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if to <= from {
            return Vec::new();
        }
        let Some(rules) = &self.rules else {
            return vec![(from, to)];
        };
        let (a0, b0) = (from.timestamp(), to.timestamp());
        let mut out: Vec<(i64, i64)> = Vec::new();
        if let Some(mut w) = Walker::new(rules, a0) {
            while let Some((s, e)) = w.next(b0) {
                let (s, e) = (s.max(a0), e.min(b0));
                if e <= s {
                    continue;
                }
                match out.last_mut() {
                    Some(last) if last.1 >= s => last.1 = last.1.max(e),
                    _ => out.push((s, e)),
                }
            }
        }
        out.into_iter()
            .map(|(s, e)| (instant(s), instant(e)))
            .collect()
    }

    /// Whether a local date is closed all day by a holiday or exception (for display). A day
    /// without weekly windows (Sunday on 5x8) is not "closed by" anything: false.
    pub fn is_closed_date(&self, date: NaiveDate) -> bool {
        match &self.rules {
            None => false,
            Some(rules) => rules.day(date, easter_sunday(date.year()).ordinal()) == Day::Closed,
        }
    }
}

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests;

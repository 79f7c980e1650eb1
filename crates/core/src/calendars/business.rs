//! Business-time arithmetic over a coverage calendar.

use chrono::{DateTime, NaiveDate, Utc};

use super::Calendar;
use crate::error::Result;

/// A calendar resolved for arithmetic. Cheap to clone; build once per calendar and reuse.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    _todo: (),
}

impl BusinessCalendar {
    /// Resolves a stored calendar (zone parsed, windows and exceptions indexed).
    pub fn from_calendar(calendar: &Calendar) -> Result<Self> {
        let _ = calendar;
        todo!("calendars")
    }

    /// Wall-clock time: always open, holidays included (24x7, extra time).
    pub fn always_open() -> Self {
        todo!("calendars")
    }

    /// The same calendar with extra closed dates every year (patron saint of a client or site);
    /// ignored when the calendar is open on holidays.
    pub fn with_closed_days(mut self, month_days: &[(u32, u32)]) -> Self {
        let _ = (&mut self, month_days);
        todo!("calendars")
    }

    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let _ = t;
        todo!("calendars")
    }

    /// `t` itself when open, else the start of the next opening.
    pub fn next_open(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let _ = t;
        todo!("calendars")
    }

    /// The instant at which `seconds` (≥ 0) business seconds have elapsed since `t`.
    pub fn add_seconds(&self, t: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        let _ = (t, seconds);
        todo!("calendars")
    }

    pub fn add_minutes(&self, t: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        self.add_seconds(t, minutes * 60)
    }

    /// Business seconds in `[a, b)`; 0 when `b <= a`.
    pub fn seconds_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        let _ = (a, b);
        todo!("calendars")
    }

    /// Whole business minutes in `[a, b)` (seconds / 60, rounded down).
    pub fn minutes_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        self.seconds_between(a, b) / 60
    }

    /// Whether a local date is closed all day by a holiday or exception (for display).
    pub fn is_closed_date(&self, date: NaiveDate) -> bool {
        let _ = date;
        todo!("calendars")
    }
}

//! The resolved rules of a calendar and the walker that turns them into open intervals in UTC,
//! one local day at a time, without allocating.

use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;

use super::super::holidays::{easter_sunday, is_easter_or_monday, is_fixed_holiday};
use super::super::parse::{DayRule, Exceptions, Span, DAY_MINUTES};

/// Stop looking for an opening after this many consecutive closed days (ten years): validation
/// forbids a calendar without windows, but exceptions could still close every day.
pub(super) const MAX_CLOSED_DAYS: u32 = 3660;

const DAY_SECONDS: i64 = 86_400;

#[derive(Debug, Clone)]
pub(super) struct Rules {
    pub tz: Tz,
    /// Index 0 = Monday.
    pub weekly: [Vec<Span>; 7],
    pub open_on_holidays: bool,
    /// Extra closed (month, day) every year (patron saints), sorted.
    pub closed_days: Vec<(u32, u32)>,
    pub exceptions: Exceptions,
}

/// How a local date is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Day<'a> {
    Weekly(&'a [Span]),
    Exception(&'a [Span]),
    Closed,
}

impl Rules {
    /// Precedence: a dated exception, then a yearly one, then holidays and patron days (unless
    /// open on holidays), then the weekly windows. An explicit exception always wins, so a shop
    /// can open on a holiday without opening on every holiday.
    pub fn day(&self, date: NaiveDate, easter_ordinal: u32) -> Day<'_> {
        let x = &self.exceptions;
        let rule = if x.dated.is_empty() {
            None
        } else {
            x.dated
                .binary_search_by_key(&date, |e| e.0)
                .ok()
                .map(|i| &x.dated[i].1)
        };
        let md = (date.month(), date.day());
        let rule = rule.or_else(|| {
            x.yearly
                .binary_search_by_key(&md, |e| e.0)
                .ok()
                .map(|i| &x.yearly[i].1)
        });
        match rule {
            Some(DayRule::Closed) => return Day::Closed,
            Some(DayRule::Open(spans)) => return Day::Exception(spans),
            None => {}
        }
        if !self.open_on_holidays
            && (is_fixed_holiday(date.year(), md.0, md.1)
                || is_easter_or_monday(date.ordinal(), easter_ordinal)
                || self.closed_days.binary_search(&md).is_ok())
        {
            return Day::Closed;
        }
        Day::Weekly(&self.weekly[date.weekday().num_days_from_monday() as usize])
    }

    /// The instant of a local date and minute: a time skipped by a spring-forward change maps to
    /// the first instant after the gap, a repeated one (fall back) to its earlier occurrence.
    pub fn local_to_utc(&self, date: NaiveDate, minute: u16) -> Option<i64> {
        let naive = date.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
        match self.tz.from_local_datetime(&naive) {
            chrono::LocalResult::Single(t) => Some(t.timestamp()),
            chrono::LocalResult::Ambiguous(a, b) => Some(a.timestamp().min(b.timestamp())),
            chrono::LocalResult::None => self.gap_end(naive.and_utc().timestamp()),
        }
    }

    /// The first instant whose local time reaches `local` (seconds of a local time read as if it
    /// were UTC) — for a time inside a gap, the instant the clocks jumped. Binary search: offsets
    /// stay within ±36 hours and local time only moves forward around a gap.
    fn gap_end(&self, local: i64) -> Option<i64> {
        let local_at = |u: i64| -> Option<i64> {
            let t = DateTime::from_timestamp(u, 0)?;
            let off = self.tz.offset_from_utc_datetime(&t.naive_utc()).fix();
            Some(u + i64::from(off.local_minus_utc()))
        };
        let (mut lo, mut hi) = (local - 36 * 3600, local + 36 * 3600);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if local_at(mid)? >= local {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(hi)
    }

    fn midnight(&self, date: NaiveDate) -> Option<i64> {
        self.local_to_utc(date, 0)
    }
}

/// Walks the open intervals `[start, end)` (UTC seconds) in time order, from the local day that
/// contains a given instant. Intervals of consecutive windows may touch.
pub(super) struct Walker<'a> {
    rules: &'a Rules,
    date: NaiveDate,
    /// UTC of this date's and the next date's local midnight.
    mid: i64,
    next_mid: i64,
    spans: &'a [Span],
    idx: usize,
    year: i32,
    easter_ordinal: u32,
    closed_days: u32,
}

impl<'a> Walker<'a> {
    /// `None` only at the edges of chrono's date range.
    pub fn new(rules: &'a Rules, t: i64) -> Option<Self> {
        let mut date = DateTime::from_timestamp(t, 0)?
            .with_timezone(&rules.tz)
            .date_naive();
        let mut mid = rules.midnight(date)?;
        // Where midnight itself is repeated, `t` can read as the previous date after that
        // date's successor began: start early enough that no interval ending after `t` is missed.
        while mid > t {
            date = date.pred_opt()?;
            mid = rules.midnight(date)?;
        }
        let mut w = Walker {
            rules,
            date,
            mid,
            next_mid: mid,
            spans: &[],
            idx: 0,
            year: date.year(),
            easter_ordinal: easter_sunday(date.year()).ordinal(),
            closed_days: 0,
        };
        w.load()?;
        Some(w)
    }

    fn load(&mut self) -> Option<()> {
        self.next_mid = self.rules.midnight(self.date.succ_opt()?)?;
        if self.date.year() != self.year {
            self.year = self.date.year();
            self.easter_ordinal = easter_sunday(self.year).ordinal();
        }
        self.spans = match self.rules.day(self.date, self.easter_ordinal) {
            Day::Weekly(s) | Day::Exception(s) => s,
            Day::Closed => &[],
        };
        self.idx = 0;
        Some(())
    }

    /// The next non-empty open interval, or `None` once the next local day starts at or after
    /// `until`, after [`MAX_CLOSED_DAYS`] closed days in a row, or at the end of chrono's range.
    pub fn next(&mut self, until: i64) -> Option<(i64, i64)> {
        loop {
            while let Some(&(s, e)) = self.spans.get(self.idx) {
                self.idx += 1;
                let (a, b) = (self.at(s), self.at(e));
                if b > a {
                    self.closed_days = 0;
                    return Some((a, b));
                }
            }
            if self.next_mid >= until || self.closed_days >= MAX_CLOSED_DAYS {
                return None;
            }
            self.closed_days += 1;
            self.date = self.date.succ_opt()?;
            self.mid = self.next_mid;
            self.load()?;
        }
    }

    /// UTC of a minute of the current day. A day of exactly 24 hours has no clock change (the
    /// tz database never puts two opposite changes in one day), so plain arithmetic is exact;
    /// only change days pay for the zone lookups.
    fn at(&self, minute: u16) -> i64 {
        if minute == 0 {
            self.mid
        } else if minute >= DAY_MINUTES {
            self.next_mid
        } else if self.next_mid - self.mid == DAY_SECONDS {
            self.mid + i64::from(minute) * 60
        } else {
            self.rules
                .local_to_utc(self.date, minute)
                .unwrap_or(self.next_mid)
                .clamp(self.mid, self.next_mid)
        }
    }
}

//! Instants are stored in UTC as fixed-width RFC 3339 text (`2026-11-22T09:30:00Z`), which sorts
//! correctly as text and stays readable in any SQLite browser. Local dates and years (for numbering
//! and display) are computed in the shop's time zone, Europe/Rome by default, with DST from the
//! tz database.

use chrono::{DateTime, Datelike, SecondsFormat, TimeZone, Utc};
pub use chrono_tz::Tz;
use std::sync::Arc;

use crate::error::{Code, Error, Result};

pub const DEFAULT_TZ: Tz = chrono_tz::Europe::Rome;

pub fn format_instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn parse_instant(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            Error::invalid(
                Code::InvalidFormat,
                "instant",
                format!("{s:?} is not an RFC 3339 instant"),
            )
        })
}

/// Parses user input for an instant: RFC 3339, or a local `YYYY-MM-DD HH:MM` / `dd/mm/yyyy HH:MM`
/// in the shop's zone.
pub fn parse_user_instant(field: &'static str, s: &str, tz: Tz) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(s.trim(), fmt) {
            if let Some(t) = tz.from_local_datetime(&naive).earliest() {
                return Ok(t.with_timezone(&Utc));
            }
        }
    }
    Err(Error::invalid(
        Code::InvalidFormat,
        field,
        format!("{s:?} is not a date and time (use dd/mm/yyyy HH:MM or YYYY-MM-DD HH:MM)"),
    ))
}

/// Parses a user date: `YYYY-MM-DD` or `dd/mm/yyyy`.
pub fn parse_user_date(field: &'static str, s: &str) -> Result<chrono::NaiveDate> {
    for fmt in ["%Y-%m-%d", "%d/%m/%Y"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(s.trim(), fmt) {
            return Ok(d);
        }
    }
    Err(Error::invalid(
        Code::InvalidFormat,
        field,
        format!("{s:?} is not a date (use dd/mm/yyyy or YYYY-MM-DD)"),
    ))
}

/// The local calendar date of an instant in the given zone.
pub fn local_date(t: DateTime<Utc>, tz: Tz) -> chrono::NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The first instant of a local date (midnight, or the first instant after a DST gap).
pub fn start_of_day(d: chrono::NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = d.and_time(chrono::NaiveTime::MIN);
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => t.with_timezone(&Utc),
        // No zone in use skips midnight by more than an hour.
        None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map_or_else(
                || Utc.from_utc_datetime(&midnight),
                |t| t.with_timezone(&Utc),
            ),
    }
}

/// The calendar year of an instant in the given zone (ticket numbers restart every local year).
pub fn local_year(t: DateTime<Utc>, tz: Tz) -> i32 {
    t.with_timezone(&tz).year()
}

/// Where "now" comes from. Tests inject a fixed or steppable clock; the app uses the system clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        // Whole seconds: what is stored, so what is computed from "now" agrees with what is read back.
        let now = Utc::now();
        DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
    }
}

/// A clock that tests move by hand.
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Arc<Self> {
        Arc::new(ManualClock(std::sync::Mutex::new(start)))
    }
    pub fn set(&self, t: DateTime<Utc>) {
        if let Ok(mut g) = self.0.lock() {
            *g = t;
        }
    }
    pub fn advance(&self, d: chrono::Duration) {
        if let Ok(mut g) = self.0.lock() {
            *g += d;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|g| *g)
            .unwrap_or_else(|e| *e.into_inner())
    }
}

/// Worked seconds as minutes, rounded up to the minute (away from zero for a negative
/// correction): the one rounding of work durations, used by the charges (ledger), the report's
/// time table and totals, and the screens, so none says "0 min" beside "fatturato 1 min".
pub fn worked_minutes(seconds: i64) -> i64 {
    seconds.signum() * ((seconds.abs() + 59) / 60)
}

/// First and last day of a month; INVALID_FORMAT for a month outside 1–12.
pub fn month_bounds(year: i32, month: u32) -> Result<(chrono::NaiveDate, chrono::NaiveDate)> {
    let first = chrono::NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| {
        Error::invalid(
            Code::InvalidFormat,
            "month",
            format!("{year}-{month:02} is not a month"),
        )
    })?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| Error::invalid(Code::InvalidFormat, "month", "out of range"))?;
    Ok((first, next - chrono::Duration::days(1)))
}

/// Parses `YYYY-MM` or `MM/YYYY`.
pub fn parse_month(s: &str) -> Result<(i32, u32)> {
    let s = s.trim();
    let parsed = if let Some((y, m)) = s.split_once('-') {
        y.parse().ok().zip(m.parse().ok())
    } else if let Some((m, y)) = s.split_once('/') {
        y.parse().ok().zip(m.parse().ok())
    } else {
        None
    };
    match parsed {
        Some((y, m)) if (1..=12).contains(&m) && (2000..=2200).contains(&y) => Ok((y, m)),
        _ => Err(Error::invalid(
            Code::InvalidFormat,
            "month",
            format!("{s:?} is not a month (use YYYY-MM or MM/YYYY)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order() {
        let t = Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 59).unwrap();
        let s = format_instant(t);
        assert_eq!(s, "2026-03-29T00:59:59Z");
        assert_eq!(parse_instant(&s).unwrap(), t);
    }

    #[test]
    fn user_input_in_rome_across_dst() {
        // Winter: UTC+1; summer: UTC+2.
        let w = parse_user_instant("at", "15/01/2026 10:00", DEFAULT_TZ).unwrap();
        assert_eq!(format_instant(w), "2026-01-15T09:00:00Z");
        let s = parse_user_instant("at", "2026-07-15 10:00", DEFAULT_TZ).unwrap();
        assert_eq!(format_instant(s), "2026-07-15T08:00:00Z");
        assert!(parse_user_instant("at", "domani", DEFAULT_TZ).is_err());
    }

    #[test]
    fn local_year_at_new_year() {
        // 23:30 UTC on 31 December is already the new year in Rome.
        let t = Utc.with_ymd_and_hms(2025, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(local_year(t, DEFAULT_TZ), 2026);
    }

    #[test]
    fn months() {
        assert_eq!(parse_month("2026-02").unwrap(), (2026, 2));
        assert_eq!(parse_month("03/2026").unwrap(), (2026, 3));
        assert_eq!(
            parse_month("2026-13").unwrap_err().code(),
            Code::InvalidFormat
        );
        let (a, b) = month_bounds(2028, 2).unwrap();
        assert_eq!(
            (chrono::Datelike::day(&a), chrono::Datelike::day(&b)),
            (1, 29)
        );
    }

    #[test]
    fn worked_minutes_round_up_to_the_minute() {
        assert_eq!(worked_minutes(0), 0);
        assert_eq!(worked_minutes(1), 1);
        assert_eq!(worked_minutes(59), 1);
        assert_eq!(worked_minutes(60), 1);
        assert_eq!(worked_minutes(61), 2);
        assert_eq!(worked_minutes(-30), -1);
    }
}

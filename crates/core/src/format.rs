//! Italian formats for people: 1.234,50 €, 22/11/2026 10:30, 1 h 05 min. Used by the CLI and the
//! printed documents (the UI formats with the browser's Intl in the same way).

use chrono_tz::Tz;

use crate::error::{Code, Error, Result};
use crate::time::parse_instant;

/// `123450` → `1.234,50 €`
pub fn euro(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{:02} €", abs % 100)
}

/// A decimal the Italian way, at most 3 decimals, no trailing zeros: `34.5` → `34,5`, `2.0` → `2`.
pub fn decimal_it(v: f64) -> String {
    let s = format!("{:.3}", (v * 1000.0).round() / 1000.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

/// `"1.234,50"`, `"1234.5"`, `"12 €"` → cents.
pub fn parse_euro(field: &'static str, s: &str) -> Result<i64> {
    let t: String = s
        .trim()
        .trim_end_matches('€')
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // With both separators the last one is the decimal mark; a lone comma is decimal (Italian).
    let normalised = match (t.rfind(','), t.rfind('.')) {
        (Some(c), Some(d)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        (Some(_), None) => t.replace(',', "."),
        _ => t.clone(),
    };
    let bad = || {
        Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{s:?} is not an amount in euro"),
        )
    };
    let (int_part, frac_part) = normalised.split_once('.').unwrap_or((&normalised, ""));
    if int_part.is_empty() && frac_part.is_empty() || frac_part.len() > 2 {
        return Err(bad());
    }
    let units: i64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| bad())?
    };
    let cents: i64 = if frac_part.is_empty() {
        0
    } else {
        format!("{frac_part:0<2}").parse().map_err(|_| bad())?
    };
    if units < 0 || !frac_part.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    units
        .checked_mul(100)
        .and_then(|u| u.checked_add(cents))
        .ok_or_else(bad)
}

/// `3900` seconds → `1 h 05 min` (a started minute counts: [`crate::time::worked_minutes`])
pub fn hours_minutes(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let m = crate::time::worked_minutes(seconds.abs());
    if m < 60 {
        format!("{sign}{m} min")
    } else {
        format!("{sign}{} h {:02} min", m / 60, m % 60)
    }
}

/// `3725` seconds → `01:02:05` (timers)
pub fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// A stored instant as local `dd/mm/yyyy HH:MM`.
pub fn local_datetime(instant: &str, tz: Tz) -> String {
    parse_instant(instant).map_or_else(
        |_| instant.to_owned(),
        |t| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_formats() {
        assert_eq!(euro(123_450), "1.234,50 €");
        assert_eq!(euro(5), "0,05 €");
        assert_eq!(euro(100_000_000), "1.000.000,00 €");
        assert_eq!(euro(-1999), "-19,99 €");
    }

    #[test]
    fn euro_parsing() {
        assert_eq!(parse_euro("p", "1.234,50").unwrap(), 123_450);
        assert_eq!(parse_euro("p", "12,5").unwrap(), 1_250);
        assert_eq!(parse_euro("p", "1234.5").unwrap(), 123_450);
        assert_eq!(parse_euro("p", "12 €").unwrap(), 1_200);
        for bad in ["", "abc", "1,234", "-5", "1.2.3,4x"] {
            assert!(parse_euro("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_and_dates() {
        assert_eq!(hours_minutes(3_900), "1 h 05 min");
        assert_eq!(hours_minutes(600), "10 min");
        assert_eq!(hours_minutes(30), "1 min", "a started minute counts");
        assert_eq!(clock(3_725), "01:02:05");
        assert_eq!(
            local_datetime("2026-07-15T08:00:00Z", crate::time::DEFAULT_TZ),
            "15/07/2026 10:00"
        );
    }
}

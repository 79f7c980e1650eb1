//! Italian national holidays.
//!
//! Fixed-date holidays come from a small table; Easter (and so Easter Monday) from the anonymous
//! Gregorian computus. Nothing is allocated to answer [`is_italian_holiday`], so business-time
//! arithmetic can ask it for every day it walks.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

/// Fixed-date national holidays: (month, day, name, first year it applies).
const FIXED: [(u32, u32, &str, i32); 11] = [
    (1, 1, "Capodanno", i32::MIN),
    (1, 6, "Epifania", i32::MIN),
    (4, 25, "Festa della Liberazione", i32::MIN),
    (5, 1, "Festa del Lavoro", i32::MIN),
    (6, 2, "Festa della Repubblica", i32::MIN),
    (8, 15, "Ferragosto", i32::MIN),
    // National holiday again from 2026 (law 151/2025).
    (10, 4, "San Francesco d'Assisi", 2026),
    (11, 1, "Ognissanti", i32::MIN),
    (12, 8, "Immacolata", i32::MIN),
    (12, 25, "Natale", i32::MIN),
    (12, 26, "Santo Stefano", i32::MIN),
];

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
/// Years outside chrono's range give `NaiveDate::MIN`.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    // n / 31 is 3 or 4 and n % 31 + 1 is 1..=31: the casts cannot truncate.
    let month = (n / 31) as u32;
    let day = (n % 31 + 1) as u32;
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The national holidays of a year with their Italian names, in date order. Two holidays can
/// share a date (Easter Monday on 25 April, as in 2011): both are listed.
pub fn italian_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let easter = easter_sunday(year);
    let mut out: Vec<(NaiveDate, &'static str)> = FIXED
        .iter()
        .filter(|(_, _, _, from)| year >= *from)
        .filter_map(|&(m, d, name, _)| NaiveDate::from_ymd_opt(year, m, d).map(|x| (x, name)))
        .collect();
    out.push((easter, "Pasqua"));
    if let Some(monday) = easter.succ_opt() {
        out.push((monday, "Lunedì dell'Angelo"));
    }
    out.sort_by_key(|(date, _)| *date);
    out
}

/// One national holiday, as the calendar editor lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Holiday {
    /// `YYYY-MM-DD`
    pub date: String,
    pub name: String,
}

/// [`italian_holidays`] as [`Holiday`]s, in date order.
pub fn holidays_of(year: i32) -> Vec<Holiday> {
    italian_holidays(year)
        .into_iter()
        .map(|(d, name)| Holiday {
            date: d.format("%Y-%m-%d").to_string(),
            name: name.to_owned(),
        })
        .collect()
}

pub fn is_italian_holiday(date: NaiveDate) -> bool {
    is_fixed_holiday(date.year(), date.month(), date.day())
        || is_easter_or_monday(date.ordinal(), easter_sunday(date.year()).ordinal())
}

/// The Italian name of the holiday on `date` (the first one when two coincide).
pub fn holiday_name(date: NaiveDate) -> Option<&'static str> {
    italian_holidays(date.year())
        .into_iter()
        .find(|(d, _)| *d == date)
        .map(|(_, name)| name)
}

/// A fixed-date holiday (everything but Easter and Easter Monday).
pub(crate) fn is_fixed_holiday(year: i32, month: u32, day: u32) -> bool {
    FIXED
        .iter()
        .any(|&(m, d, _, from)| m == month && d == day && year >= from)
}

/// Whether the day of year `ordinal` is Easter Sunday or Monday, given Easter's day of year.
pub(crate) fn is_easter_or_monday(ordinal: u32, easter_ordinal: u32) -> bool {
    ordinal == easter_ordinal || ordinal == easter_ordinal + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_matches_known_dates() {
        for (y, m, d) in [
            (1818, 3, 22),
            (1943, 4, 25),
            (2000, 4, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), date(y, m, d), "Easter {y}");
        }
    }

    #[test]
    fn easter_is_a_sunday_between_22_march_and_25_april() {
        for y in 1583..=3000 {
            let e = easter_sunday(y);
            assert_eq!(e.weekday(), chrono::Weekday::Sun, "{y}");
            assert!(e >= date(y, 3, 22) && e <= date(y, 4, 25), "{y}: {e}");
        }
    }

    #[test]
    fn the_2026_list_has_san_francesco_and_is_in_order() {
        let h = italian_holidays(2026);
        assert_eq!(h.len(), 13);
        assert!(h.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(h.contains(&(date(2026, 4, 6), "Lunedì dell'Angelo")));
        assert!(h.contains(&(date(2026, 10, 4), "San Francesco d'Assisi")));
        assert_eq!(italian_holidays(2025).len(), 12);
        assert!(!is_italian_holiday(date(2025, 10, 4)));
        assert!(is_italian_holiday(date(2026, 10, 4)));
    }

    #[test]
    fn is_italian_holiday_agrees_with_the_list() {
        for y in [2024, 2025, 2026, 2027, 2038] {
            let list = italian_holidays(y);
            let mut d = date(y, 1, 1);
            while d.year() == y {
                assert_eq!(
                    is_italian_holiday(d),
                    list.iter().any(|(h, _)| *h == d),
                    "{d}"
                );
                d = d.succ_opt().unwrap();
            }
        }
        assert_eq!(holiday_name(date(2025, 4, 21)), Some("Lunedì dell'Angelo"));
        assert_eq!(holiday_name(date(2025, 4, 22)), None);
    }

    #[test]
    fn easter_monday_on_liberation_day_is_listed_twice() {
        let h = italian_holidays(2011);
        assert_eq!(h.iter().filter(|(d, _)| *d == date(2011, 4, 25)).count(), 2);
    }

    #[test]
    fn holidays_as_the_editor_lists_them() {
        let list = holidays_of(2026);
        assert_eq!(list.len(), italian_holidays(2026).len());
        assert_eq!(
            list[0],
            Holiday {
                date: "2026-01-01".into(),
                name: "Capodanno".into()
            }
        );
        assert!(list
            .iter()
            .any(|h| h.date == "2026-04-05" && h.name == "Pasqua"));
    }
}

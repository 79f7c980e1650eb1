//! Italian national holidays.

use chrono::NaiveDate;

/// Easter Sunday of a Gregorian year.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let _ = year;
    todo!("calendars")
}

/// The national holidays of a year with their Italian names, in date order.
pub fn italian_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let _ = year;
    todo!("calendars")
}

pub fn is_italian_holiday(date: NaiveDate) -> bool {
    let _ = date;
    todo!("calendars")
}

//! Hand-worked examples in Europe/Rome.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Rome;

use super::BusinessCalendar;
use crate::calendars::{
    preset_input, CalendarException, CalendarInput, CalendarPreset, TimeWindow,
};

fn rome(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Rome.with_ymd_and_hms(y, m, d, h, mi, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, 0).unwrap()
}

fn preset(p: CalendarPreset) -> BusinessCalendar {
    BusinessCalendar::from_input(&preset_input(p)).unwrap()
}

fn window(weekday: u8, start: &str, end: &str) -> TimeWindow {
    TimeWindow {
        weekday,
        start: start.into(),
        end: end.into(),
    }
}

fn exception(date: &str, open: Option<(&str, &str)>) -> CalendarException {
    CalendarException {
        date: date.into(),
        open: open.is_some(),
        start: open.map(|o| o.0.into()),
        end: open.map(|o| o.1.into()),
        note: None,
    }
}

/// 24x7 written as windows but closed on holidays: not the wall-clock fast path.
fn windows_24x7() -> BusinessCalendar {
    let mut input = preset_input(CalendarPreset::AlwaysOpen);
    input.open_on_holidays = false;
    let cal = BusinessCalendar::from_input(&input).unwrap();
    assert!(!cal.is_always_open());
    cal
}

#[test]
fn friday_evening_plus_30_minutes_is_monday_morning() {
    let cal = preset(CalendarPreset::FiveByEight);
    let t = rome(2026, 11, 20, 17, 50);
    assert_eq!(cal.add_minutes(t, 30), rome(2026, 11, 23, 8, 50));
    assert_eq!(cal.minutes_between(t, rome(2026, 11, 23, 8, 50)), 30);
    // The lunch break does not count; the budget ending at 12:30 stays at 12:30.
    let m = rome(2026, 11, 23, 8, 30);
    assert_eq!(cal.add_minutes(m, 240), rome(2026, 11, 23, 12, 30));
    assert_eq!(cal.add_minutes(m, 241), rome(2026, 11, 23, 14, 1));
    assert_eq!(cal.add_minutes(m, 0), m);
}

#[test]
fn desk_thursday_17_plus_4_hours_is_friday_18() {
    let cal = preset(CalendarPreset::Desk);
    let t = rome(2026, 11, 19, 17, 0);
    assert_eq!(cal.add_minutes(t, 240), rome(2026, 11, 20, 18, 0));
    assert_eq!(
        cal.next_open(rome(2026, 11, 20, 18, 0)),
        rome(2026, 11, 23, 15, 0)
    );
    assert!(cal.is_open(rome(2026, 11, 20, 17, 59)));
    assert!(!cal.is_open(rome(2026, 11, 20, 18, 0)));
    assert!(cal.is_open(rome(2026, 11, 20, 15, 0)));
}

#[test]
fn easter_monday_and_liberation_day_close_5x8_but_not_7x8() {
    let five = preset(CalendarPreset::FiveByEight);
    let seven = preset(CalendarPreset::SevenByEight);
    let easter_monday = NaiveDate::from_ymd_opt(2026, 4, 6).unwrap();
    assert!(five.is_closed_date(easter_monday));
    assert!(!seven.is_closed_date(easter_monday));
    assert!(!five.is_open(rome(2026, 4, 6, 10, 0)));
    assert!(seven.is_open(rome(2026, 4, 6, 10, 0)));
    // Thursday 24 April 2025 17:00 + 2h: Friday 25 is Liberation Day, then a weekend.
    let t = rome(2025, 4, 24, 17, 0);
    assert_eq!(five.add_minutes(t, 120), rome(2025, 4, 28, 9, 30));
    assert_eq!(seven.add_minutes(t, 120), rome(2025, 4, 25, 9, 30));
    // A plain Sunday has no windows on 5x8 but is not "closed by" anything.
    assert!(!five.is_closed_date(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()));
}

#[test]
fn a_patron_day_closes_5x8_only() {
    let five = preset(CalendarPreset::FiveByEight).with_closed_days(&[(12, 7)]);
    let seven = preset(CalendarPreset::SevenByEight).with_closed_days(&[(12, 7)]);
    // Friday 4 Dec 2026 17:00 + 2h: Monday 7 is Sant'Ambrogio, Tuesday 8 Immacolata.
    let t = rome(2026, 12, 4, 17, 0);
    assert_eq!(five.add_minutes(t, 120), rome(2026, 12, 9, 9, 30));
    assert_eq!(
        preset(CalendarPreset::FiveByEight).add_minutes(t, 120),
        rome(2026, 12, 7, 9, 30)
    );
    assert!(five.is_closed_date(NaiveDate::from_ymd_opt(2027, 12, 7).unwrap()));
    assert!(!seven.is_closed_date(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()));
    assert!(seven.is_open(rome(2026, 12, 7, 9, 0)));
}

#[test]
fn closed_and_open_exceptions_replace_the_day() {
    let mut input = preset_input(CalendarPreset::FiveByEight);
    input.exceptions = vec![
        exception("2026-11-27", None),
        exception("2026-11-28", Some(("09:00", "12:00"))),
        exception("12-24", Some(("08:30", "12:30"))),
        exception("2026-12-08", Some(("10:00", "11:00"))),
    ];
    let cal = BusinessCalendar::from_input(&input).unwrap();
    // Thursday 26 Nov 17:00 + 2h: Friday 27 closed, Saturday 28 open 09:00–12:00.
    let t = rome(2026, 11, 26, 17, 0);
    assert_eq!(cal.add_minutes(t, 120), rome(2026, 11, 28, 10, 0));
    assert!(cal.is_closed_date(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()));
    assert!(!cal.is_closed_date(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()));
    // Christmas Eve every year: mornings only.
    assert!(!cal.is_open(rome(2027, 12, 24, 15, 0)));
    assert!(cal.is_open(rome(2027, 12, 24, 9, 0)));
    // An explicit opening wins over the holiday.
    assert!(cal.is_open(rome(2026, 12, 8, 10, 30)));
    assert_eq!(
        cal.seconds_between(rome(2026, 12, 8, 0, 0), rome(2026, 12, 9, 0, 0)),
        3600
    );
}

#[test]
fn a_24_hour_day_is_23_or_25_real_hours_across_dst() {
    for cal in [preset(CalendarPreset::AlwaysOpen), windows_24x7()] {
        // Spring forward on Sunday 29 March 2026: 24h of business time ends at 13:00 local.
        let t = rome(2026, 3, 28, 12, 0);
        assert_eq!(cal.add_minutes(t, 24 * 60), rome(2026, 3, 29, 13, 0));
        assert_eq!(
            cal.minutes_between(rome(2026, 3, 29, 0, 0), rome(2026, 3, 30, 0, 0)),
            23 * 60
        );
        // Fall back on Sunday 25 October 2026: it ends at 11:00 local.
        let t = rome(2026, 10, 24, 12, 0);
        assert_eq!(cal.add_minutes(t, 24 * 60), rome(2026, 10, 25, 11, 0));
        assert_eq!(
            cal.minutes_between(rome(2026, 10, 25, 0, 0), rome(2026, 10, 26, 0, 0)),
            25 * 60
        );
    }
    assert!(preset(CalendarPreset::AlwaysOpen).is_always_open());
}

#[test]
fn windows_inside_the_changing_hour() {
    let input = CalendarInput {
        name: "Notte".into(),
        windows: vec![window(7, "01:00", "04:00")],
        open_on_holidays: true,
        ..Default::default()
    };
    let cal = BusinessCalendar::from_input(&input).unwrap();
    let day = |y, m, d| cal.minutes_between(rome(y, m, d, 0, 0), rome(y, m, d, 23, 0));
    // Sunday 01:00–04:00 is 2 real hours in spring, 4 in autumn.
    assert_eq!(day(2026, 3, 29), 120);
    assert_eq!(day(2026, 10, 25), 240);
    assert_eq!(day(2026, 11, 1), 180);
    // The clocks jump from 02:00 to 03:00 inside the window: business time runs straight on.
    assert_eq!(
        cal.add_minutes(utc(2026, 3, 29, 0, 30), 30),
        utc(2026, 3, 29, 1, 0)
    );
    assert_eq!(
        cal.add_minutes(utc(2026, 3, 29, 0, 30), 31),
        utc(2026, 3, 29, 1, 1)
    );

    // A window that is exactly the changing hour.
    let sunday_gap = CalendarInput {
        name: "Gap".into(),
        windows: vec![window(7, "02:00", "03:00"), window(1, "09:00", "10:00")],
        open_on_holidays: true,
        ..Default::default()
    };
    let cal = BusinessCalendar::from_input(&sunday_gap).unwrap();
    // Spring: the hour does not exist, nothing is open that Sunday.
    let from = rome(2026, 3, 29, 0, 0);
    assert_eq!(cal.seconds_between(from, rome(2026, 3, 30, 0, 0)), 0);
    assert_eq!(cal.next_open(from), rome(2026, 3, 30, 9, 0));
    // Autumn: the hour happens twice and both count (00:00–02:00 UTC).
    assert_eq!(
        cal.open_intervals(rome(2026, 10, 25, 0, 0), rome(2026, 10, 26, 0, 0)),
        vec![(utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 2, 0))]
    );
}

#[test]
fn touching_windows_are_continuous() {
    let cal = windows_24x7();
    let midnight = rome(2026, 11, 21, 0, 0);
    assert!(cal.is_open(midnight));
    assert_eq!(cal.next_open(midnight), midnight);
    assert_eq!(
        cal.add_minutes(rome(2026, 11, 20, 23, 0), 120),
        rome(2026, 11, 21, 1, 0)
    );
    let two = BusinessCalendar::from_input(&CalendarInput {
        name: "x".into(),
        windows: vec![window(1, "08:00", "12:00"), window(1, "12:00", "13:00")],
        ..Default::default()
    })
    .unwrap();
    assert!(two.is_open(rome(2026, 11, 23, 12, 0)));
    assert_eq!(
        two.open_intervals(rome(2026, 11, 23, 0, 0), rome(2026, 11, 24, 0, 0)),
        vec![(rome(2026, 11, 23, 8, 0), rome(2026, 11, 23, 13, 0))]
    );
    // Christmas closes the 24x7-by-windows calendar, whole day.
    assert!(!cal.is_open(rome(2026, 12, 25, 12, 0)));
    assert_eq!(
        cal.next_open(rome(2026, 12, 25, 12, 0)),
        rome(2026, 12, 27, 0, 0)
    );
}

#[test]
fn a_calendar_closed_by_exceptions_never_opens_and_does_not_hang() {
    let mut input = CalendarInput {
        name: "Mai".into(),
        windows: vec![window(1, "09:00", "10:00")],
        ..Default::default()
    };
    // Close every Monday... by closing every day of the year.
    let mut d = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    while d.format("%Y").to_string() == "2000" {
        input
            .exceptions
            .push(exception(&d.format("%m-%d").to_string(), None));
        d = d.succ_opt().unwrap();
    }
    let cal = BusinessCalendar::from_input(&input).unwrap();
    let t = rome(2026, 1, 1, 0, 0);
    assert_eq!(cal.add_minutes(t, 1), BusinessCalendar::never());
    assert_eq!(cal.next_open(t), BusinessCalendar::never());
    assert!(!cal.is_open(t));
    assert_eq!(cal.seconds_between(t, rome(2027, 1, 1, 0, 0)), 0);
}

#[test]
fn always_open_is_wall_clock() {
    let cal = BusinessCalendar::always_open().with_closed_days(&[(12, 7)]);
    let t = rome(2026, 12, 7, 10, 0);
    assert!(cal.is_open(t));
    assert_eq!(cal.next_open(t), t);
    assert_eq!(cal.add_seconds(t, 90), t + chrono::TimeDelta::seconds(90));
    assert_eq!(
        cal.seconds_between(t, t + chrono::TimeDelta::hours(30)),
        30 * 3600
    );
    assert_eq!(cal.add_seconds(t, i64::MAX), BusinessCalendar::never());
    assert!(!cal.is_closed_date(NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()));
}

#[test]
fn other_zones_work_too() {
    let mut input = preset_input(CalendarPreset::Desk);
    input.time_zone = Some("America/New_York".into());
    let cal = BusinessCalendar::from_input(&input).unwrap();
    // Friday 20 Nov 2026 15:00 EST = 20:00 UTC.
    assert!(cal.is_open(utc(2026, 11, 20, 20, 0)));
    assert!(!cal.is_open(utc(2026, 11, 20, 14, 0)));
}

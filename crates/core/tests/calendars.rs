//! Coverage calendars: storage and validation, hand-worked business-time examples, and the
//! algebra of business-time arithmetic checked with random calendars and instants.
#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

mod common;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use common::{count, store};
use proptest::prelude::*;
use rapportino_core::calendars::{
    self, holidays, preset_input, BusinessCalendar, CalendarException, CalendarInput,
    CalendarPreset, TimeWindow,
};
use rapportino_core::ids::CalendarId;
use rapportino_core::store::read_change_log;
use rapportino_core::Code;

fn rome(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Rome
        .with_ymd_and_hms(y, m, d, h, mi, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn window(weekday: u8, start: &str, end: &str) -> TimeWindow {
    TimeWindow {
        weekday,
        start: start.into(),
        end: end.into(),
    }
}

fn closed(date: &str) -> CalendarException {
    CalendarException {
        date: date.into(),
        open: false,
        start: None,
        end: None,
        note: None,
    }
}

fn open(date: &str, start: &str, end: &str) -> CalendarException {
    CalendarException {
        date: date.into(),
        open: true,
        start: Some(start.into()),
        end: Some(end.into()),
        note: None,
    }
}

fn input(windows: Vec<TimeWindow>) -> CalendarInput {
    CalendarInput {
        name: "Copertura".into(),
        windows,
        ..Default::default()
    }
}

// ---- storage ----

#[test]
fn presets_are_stored_and_read_back() {
    let (mut s, _) = store();
    let mut ids = Vec::new();
    for (preset, name, windows, holidays) in [
        (CalendarPreset::FiveByEight, "Standard 5x8", 10, false),
        (CalendarPreset::SevenByEight, "Esteso 7x8", 14, true),
        (CalendarPreset::AlwaysOpen, "H24 7 giorni su 7", 7, true),
        (CalendarPreset::Desk, "Sportello 15-18", 5, false),
    ] {
        let c = calendars::create_from_preset(&mut s, preset).unwrap();
        assert_eq!(c.name, name);
        assert_eq!(c.time_zone, "Europe/Rome");
        assert_eq!(c.windows.len(), windows);
        assert_eq!(c.open_on_holidays, holidays);
        assert_eq!(c.preset, Some(preset));
        assert!(!c.archived);
        assert_eq!(c.windows, preset_input(preset).windows, "already canonical");
        assert_eq!(calendars::get(&s, c.id).unwrap(), c);
        BusinessCalendar::from_calendar(&c).unwrap();
        ids.push(c.id);
    }
    assert_eq!(count(&s, "calendars"), 4);
    let five = calendars::get(&s, ids[0]).unwrap();
    assert_eq!(five.windows[0], window(1, "08:30", "12:30"));
    assert_eq!(five.windows[9], window(5, "14:00", "18:00"));
    assert!(
        BusinessCalendar::from_calendar(&calendars::get(&s, ids[2]).unwrap())
            .unwrap()
            .is_always_open()
    );
}

#[test]
fn create_normalises_and_update_records_only_changes() {
    let (mut s, _) = store();
    let mut inp = CalendarInput {
        name: "  Officina  ".into(),
        time_zone: None,
        windows: vec![window(3, "14:00", "18:00"), window(1, "8:30", "12:30")],
        open_on_holidays: false,
        exceptions: vec![CalendarException {
            note: Some(" Sant'Ambrogio ".into()),
            ..closed("12-07")
        }],
        preset: None,
    };
    let c = calendars::create(&mut s, &inp).unwrap();
    assert_eq!(c.name, "Officina");
    assert_eq!(c.time_zone, "Europe/Rome");
    assert_eq!(
        c.windows,
        vec![window(1, "08:30", "12:30"), window(3, "14:00", "18:00")]
    );
    assert_eq!(c.exceptions[0].note.as_deref(), Some("Sant'Ambrogio"));
    let stored: String = s
        .conn()
        .query_row("SELECT windows FROM calendars WHERE id = ?1", [c.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(stored.starts_with(r#"[{"weekday":1,"start":"08:30","end":"12:30"}"#));

    let seq_before = count(&s, "change_log");
    inp.exceptions.push(open("2026-12-24", "09:00", "12:00"));
    let u = calendars::update(&mut s, c.id, &inp).unwrap();
    assert_eq!(u.exceptions.len(), 2);
    assert_eq!(u.windows, c.windows);
    let log = read_change_log(s.conn(), 0, 1000).unwrap();
    assert_eq!(log.len() as i64, seq_before + 1);
    let last = log.last().unwrap();
    assert_eq!(last.entity, "calendar");
    assert_eq!(last.op, "update");
    let keys: Vec<&String> = last.fields.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["exceptions", "updated_at"]);

    // The same input again changes nothing and records nothing.
    calendars::update(&mut s, c.id, &inp).unwrap();
    assert_eq!(count(&s, "change_log"), seq_before + 1);

    let err = calendars::update(&mut s, CalendarId::new(), &inp).unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let err = calendars::get(&s, CalendarId::new()).unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
}

#[test]
fn archived_calendars_are_listed_last() {
    let (mut s, _) = store();
    let mut create = |name: &str| {
        let inp = CalendarInput {
            name: name.into(),
            ..preset_input(CalendarPreset::Desk)
        };
        calendars::create(&mut s, &inp).unwrap()
    };
    let a = create("Alfa");
    create("beta");
    create("Gamma");
    let names = |s: &rapportino_core::Store| -> Vec<String> {
        calendars::list(s)
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect()
    };
    assert_eq!(names(&s), ["Alfa", "beta", "Gamma"]);
    let archived = calendars::set_archived(&mut s, a.id, true).unwrap();
    assert!(archived.archived);
    assert_eq!(names(&s), ["beta", "Gamma", "Alfa"]);
    assert!(
        !calendars::set_archived(&mut s, a.id, false)
            .unwrap()
            .archived
    );
    let err = calendars::set_archived(&mut s, CalendarId::new(), true).unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
}

#[test]
fn invalid_calendars_are_refused_and_nothing_is_written() {
    let (mut s, _) = store();
    let existing = calendars::create_from_preset(&mut s, CalendarPreset::FiveByEight).unwrap();
    let rows = || ["calendars", "change_log"];
    let before: Vec<i64> = rows().iter().map(|t| count(&s, t)).collect();
    let mon = |a: &str, b: &str| window(1, a, b);
    let with_exc = |x: Vec<CalendarException>| CalendarInput {
        exceptions: x,
        ..input(vec![mon("08:00", "12:00")])
    };
    let cases: Vec<(CalendarInput, Code, &str)> = vec![
        (
            CalendarInput {
                name: "  ".into(),
                ..input(vec![mon("08:00", "12:00")])
            },
            Code::Required,
            "name",
        ),
        (
            CalendarInput {
                name: "x".repeat(201),
                ..input(vec![mon("08:00", "12:00")])
            },
            Code::TooLong,
            "name",
        ),
        (
            CalendarInput {
                time_zone: Some("Europe/Roma".into()),
                ..input(vec![mon("08:00", "12:00")])
            },
            Code::InvalidFormat,
            "time_zone",
        ),
        (input(vec![]), Code::CalendarEmpty, "windows"),
        (
            input(vec![window(0, "08:00", "12:00")]),
            Code::InvalidFormat,
            "windows",
        ),
        (
            input(vec![window(8, "08:00", "12:00")]),
            Code::InvalidFormat,
            "windows",
        ),
        (
            input(vec![mon("25:00", "26:00")]),
            Code::InvalidFormat,
            "windows",
        ),
        (
            input(vec![mon("08:00", "12:60")]),
            Code::InvalidFormat,
            "windows",
        ),
        (
            input(vec![mon("12:00", "12:00")]),
            Code::InvalidFormat,
            "windows",
        ),
        (
            input(vec![mon("14:00", "12:00")]),
            Code::InvalidFormat,
            "windows",
        ),
        (
            input(vec![mon("24:00", "24:00")]),
            Code::InvalidFormat,
            "windows",
        ),
        (
            input(vec![mon("8.30", "12:00")]),
            Code::InvalidFormat,
            "windows",
        ),
        (
            input(vec![mon("08:30", "12:30"), mon("12:00", "14:00")]),
            Code::CalendarOverlap,
            "windows",
        ),
        (
            input(vec![mon("08:00", "18:00"), mon("09:00", "10:00")]),
            Code::CalendarOverlap,
            "windows",
        ),
        (
            with_exc(vec![closed("2026-02-30")]),
            Code::InvalidFormat,
            "exceptions",
        ),
        (
            with_exc(vec![closed("7 dicembre")]),
            Code::InvalidFormat,
            "exceptions",
        ),
        (
            with_exc(vec![closed("2026-12-7")]),
            Code::InvalidFormat,
            "exceptions",
        ),
        (
            with_exc(vec![CalendarException {
                open: true,
                ..closed("12-24")
            }]),
            Code::InvalidFormat,
            "exceptions",
        ),
        (
            with_exc(vec![CalendarException {
                start: Some("09:00".into()),
                ..closed("12-24")
            }]),
            Code::InvalidFormat,
            "exceptions",
        ),
        (
            with_exc(vec![open("12-24", "12:00", "09:00")]),
            Code::InvalidFormat,
            "exceptions",
        ),
        (
            with_exc(vec![
                open("12-24", "09:00", "12:00"),
                open("12-24", "11:00", "13:00"),
            ]),
            Code::CalendarOverlap,
            "exceptions",
        ),
        (
            with_exc(vec![open("12-24", "09:00", "12:00"), closed("12-24")]),
            Code::InvalidFormat,
            "exceptions",
        ),
        (
            with_exc(vec![CalendarException {
                note: Some("n".repeat(121)),
                ..closed("12-24")
            }]),
            Code::TooLong,
            "exceptions",
        ),
    ];
    for (i, (inp, code, field)) in cases.iter().enumerate() {
        let err = calendars::validate(inp).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (*code, Some(*field)),
            "case {i}: {err}"
        );
        let err = calendars::create(&mut s, inp).unwrap_err();
        assert_eq!(err.code(), *code, "case {i}");
        let err = calendars::update(&mut s, existing.id, inp).unwrap_err();
        assert_eq!(err.code(), *code, "case {i}");
        if *field != "name" {
            assert!(BusinessCalendar::from_input(inp).is_err(), "case {i}");
        }
    }
    let after: Vec<i64> = rows().iter().map(|t| count(&s, t)).collect();
    assert_eq!(before, after);
    assert_eq!(calendars::get(&s, existing.id).unwrap(), existing);

    let err = calendars::validate(&input(vec![mon("08:30", "12:30"), mon("12:00", "14:00")]))
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("Monday") && msg.contains("08:30–12:30") && msg.contains("12:00–14:00"),
        "{msg}"
    );
}

#[test]
fn touching_windows_and_every_valid_shape_are_accepted() {
    let ok = CalendarInput {
        time_zone: Some("America/New_York".into()),
        exceptions: vec![
            closed("02-29"),
            closed("2026-12-31"),
            open("2026-12-24", "09:00", "12:00"),
            open("2026-12-24", "12:00", "13:00"),
            open("12-24", "00:00", "24:00"),
        ],
        ..input(vec![
            window(1, "08:30", "12:30"),
            window(1, "12:30", "14:00"),
            window(7, "00:00", "24:00"),
        ])
    };
    calendars::validate(&ok).unwrap();
}

// ---- hand-worked examples (Europe/Rome) ----

fn preset(p: CalendarPreset) -> BusinessCalendar {
    BusinessCalendar::from_input(&preset_input(p)).unwrap()
}

#[test]
fn worked_examples_with_the_presets() {
    let five = preset(CalendarPreset::FiveByEight);
    let desk = preset(CalendarPreset::Desk);
    let seven = preset(CalendarPreset::SevenByEight);
    // Friday 17:50 + 30 business minutes = Monday 08:50.
    assert_eq!(
        five.add_minutes(rome(2026, 11, 20, 17, 50), 30),
        rome(2026, 11, 23, 8, 50)
    );
    // Thursday 17:00 on the 15–18 desk + 4 hours: 1h Thursday, 3h Friday.
    assert_eq!(
        desk.add_minutes(rome(2026, 11, 19, 17, 0), 240),
        rome(2026, 11, 20, 18, 0)
    );
    // Easter Monday 2026 (6 April): closed on 5x8, open on 7x8.
    assert_eq!(
        five.add_minutes(rome(2026, 4, 3, 18, 0), 60),
        rome(2026, 4, 7, 9, 30)
    );
    assert_eq!(
        seven.add_minutes(rome(2026, 4, 3, 18, 0), 60),
        rome(2026, 4, 4, 9, 30)
    );
    // Liberation Day, Friday 25 April 2025.
    assert!(!five.is_open(rome(2025, 4, 25, 10, 0)));
    assert!(seven.is_open(rome(2025, 4, 25, 10, 0)));
    // Sant'Ambrogio in Milan (7 December), then the Immacolata.
    let milan = preset(CalendarPreset::FiveByEight).with_closed_days(&[(12, 7)]);
    assert_eq!(
        milan.next_open(rome(2026, 12, 4, 18, 0)),
        rome(2026, 12, 9, 8, 30)
    );
    assert_eq!(
        five.next_open(rome(2026, 12, 4, 18, 0)),
        rome(2026, 12, 7, 8, 30)
    );
    // A closed Friday and an open Saturday morning.
    let mut inp = preset_input(CalendarPreset::FiveByEight);
    inp.exceptions = vec![closed("2026-11-27"), open("2026-11-28", "09:00", "12:00")];
    let cal = BusinessCalendar::from_input(&inp).unwrap();
    assert_eq!(
        cal.add_minutes(rome(2026, 11, 26, 17, 30), 60),
        rome(2026, 11, 28, 9, 30)
    );
    assert_eq!(
        cal.minutes_between(rome(2026, 11, 26, 0, 0), rome(2026, 11, 30, 0, 0)),
        480 + 180
    );
    // A whole year of 5x8: 8 hours on every weekday that is not a national holiday.
    let weekdays_open = (0..365)
        .map(|i| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(i))
        .filter(|d| d.weekday().num_days_from_monday() < 5 && !holidays::is_italian_holiday(*d))
        .count() as i64;
    assert_eq!(
        five.minutes_between(rome(2026, 1, 1, 0, 0), rome(2027, 1, 1, 0, 0)),
        weekdays_open * 480
    );
}

#[test]
fn dst_weekends_on_24x7() {
    let h24 = preset(CalendarPreset::AlwaysOpen);
    assert_eq!(
        h24.add_minutes(rome(2026, 3, 28, 12, 0), 24 * 60),
        rome(2026, 3, 29, 13, 0)
    );
    assert_eq!(
        h24.add_minutes(rome(2026, 10, 24, 12, 0), 24 * 60),
        rome(2026, 10, 25, 11, 0)
    );
    // The same with windows and holidays closed (no fast path): the days are not holidays.
    let mut inp = preset_input(CalendarPreset::AlwaysOpen);
    inp.open_on_holidays = false;
    let slow = BusinessCalendar::from_input(&inp).unwrap();
    assert_eq!(
        slow.add_minutes(rome(2026, 3, 28, 12, 0), 24 * 60),
        rome(2026, 3, 29, 13, 0)
    );
    assert_eq!(
        slow.add_minutes(rome(2026, 10, 24, 12, 0), 24 * 60),
        rome(2026, 10, 25, 11, 0)
    );
}

#[test]
fn a_window_over_the_changing_hour() {
    let cal = BusinessCalendar::from_input(&CalendarInput {
        open_on_holidays: true,
        ..input(vec![
            window(7, "02:00", "03:00"),
            window(7, "03:00", "05:00"),
        ])
    })
    .unwrap();
    let sunday = |y, m, d| cal.minutes_between(rome(y, m, d, 0, 0), rome(y, m, d, 12, 0));
    assert_eq!(sunday(2026, 3, 29), 120, "02:00–03:00 does not exist");
    assert_eq!(sunday(2026, 10, 25), 240, "02:00–03:00 happens twice");
    assert_eq!(sunday(2026, 11, 1), 180);
    assert_eq!(
        cal.next_open(rome(2026, 3, 29, 0, 0)),
        rome(2026, 3, 29, 3, 0)
    );
}

// ---- properties ----

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

const Y2025: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z
const Y2028: i64 = 1_830_297_600; // 2028-01-01T00:00:00Z

/// Instants over 2025–2027, often near DST changes and holidays, often on round minutes.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let hot: Vec<i64> = [
        rome(2025, 3, 30, 1, 0),
        rome(2025, 10, 26, 1, 0),
        rome(2026, 3, 29, 1, 0),
        rome(2026, 10, 25, 1, 0),
        rome(2027, 3, 28, 1, 0),
        rome(2027, 10, 31, 1, 0),
        rome(2025, 4, 21, 0, 0),
        rome(2026, 4, 6, 0, 0),
        rome(2026, 12, 8, 0, 0),
        rome(2026, 12, 24, 0, 0),
        rome(2027, 12, 31, 0, 0),
    ]
    .iter()
    .map(|t| t.timestamp())
    .collect();
    let near = (proptest::sample::select(hot), -36 * 3600i64..36 * 3600).prop_map(|(h, d)| h + d);
    (prop_oneof![Y2025..Y2028, near], any::<bool>())
        .prop_map(|(t, round)| at(if round { t - t.rem_euclid(900) } else { t }))
}

/// A random valid calendar: per weekday, disjoint (possibly touching) windows on minute edges.
fn random_input() -> impl Strategy<Value = CalendarInput> {
    let day = proptest::collection::btree_set(0u16..=1440, 0..6);
    let zone = proptest::sample::select(vec![
        "Europe/Rome",
        "Europe/Rome",
        "America/New_York",
        "Australia/Lord_Howe",
    ]);
    let exc = proptest::collection::vec((0i64..1095, any::<bool>(), 0u16..1380, 1u16..60), 0..4);
    (
        proptest::array::uniform7(day),
        any::<bool>(),
        zone,
        exc,
        any::<bool>(),
    )
        .prop_map(|(days, holidays, zone, exc, touching)| {
            let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
            let mut windows = Vec::new();
            for (weekday, points) in (1u8..).zip(days) {
                let pts: Vec<u16> = points.into_iter().collect();
                let step = if touching { 1 } else { 2 };
                for pair in pts.windows(2).step_by(step) {
                    windows.push(window(weekday, &hm(pair[0]), &hm(pair[1])));
                }
            }
            let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
            let exceptions = exc
                .into_iter()
                .map(|(day, is_open, s, len)| {
                    let d = (start + chrono::Days::new(day as u64))
                        .format("%Y-%m-%d")
                        .to_string();
                    if is_open {
                        open(&d, &hm(s), &hm(s + len))
                    } else {
                        closed(&d)
                    }
                })
                .collect::<Vec<_>>();
            // One entry per date: the validator refuses duplicates that disagree.
            let mut seen = std::collections::BTreeSet::new();
            let exceptions = exceptions
                .into_iter()
                .filter(|x| seen.insert(x.date.clone()))
                .collect();
            CalendarInput {
                name: "Casuale".into(),
                time_zone: Some(zone.into()),
                windows,
                open_on_holidays: holidays,
                exceptions,
                preset: None,
            }
        })
        .prop_filter("at least one window", |i| !i.windows.is_empty())
}

fn calendar() -> impl Strategy<Value = BusinessCalendar> {
    let presets = proptest::sample::select(vec![
        CalendarPreset::FiveByEight,
        CalendarPreset::SevenByEight,
        CalendarPreset::AlwaysOpen,
        CalendarPreset::Desk,
    ])
    .prop_map(|p| preset(p).with_closed_days(&[(12, 7)]));
    let slow_24x7 = Just(()).prop_map(|_| {
        let mut inp = preset_input(CalendarPreset::AlwaysOpen);
        inp.open_on_holidays = false;
        BusinessCalendar::from_input(&inp).unwrap()
    });
    let random = random_input().prop_map(|i| {
        calendars::validate(&i).unwrap();
        BusinessCalendar::from_input(&i).unwrap()
    });
    prop_oneof![2 => presets, 1 => slow_24x7, 3 => random]
}

/// Business seconds to add: often small, sometimes whole weeks, often whole minutes.
fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        0i64..3_600,
        0i64..14 * 86_400,
        (0i64..20_000).prop_map(|m| m * 60)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn adding_is_associative(cal in calendar(), t in instant(), a in amount(), b in amount()) {
        prop_assert_eq!(cal.add_seconds(cal.add_seconds(t, a), b), cal.add_seconds(t, a + b));
    }

    #[test]
    fn between_undoes_add(cal in calendar(), t in instant(), n in amount()) {
        prop_assert_eq!(cal.seconds_between(t, cal.add_seconds(t, n)), n);
        let minutes = n / 60;
        prop_assert_eq!(cal.minutes_between(t, cal.add_minutes(t, minutes)), minutes);
    }

    #[test]
    fn adding_is_monotonic(cal in calendar(), t in instant(), a in amount(), b in amount()) {
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(cal.add_seconds(t, lo) <= cal.add_seconds(t, hi));
        prop_assert!(cal.add_seconds(t, lo) >= t);
    }

    #[test]
    fn between_is_additive(cal in calendar(), x in instant(), y in instant(), z in instant()) {
        let mut v = [x, y, z];
        v.sort();
        let [a, b, c] = v;
        prop_assert_eq!(
            cal.seconds_between(a, c),
            cal.seconds_between(a, b) + cal.seconds_between(b, c)
        );
        prop_assert_eq!(cal.seconds_between(c, a), 0);
    }

    #[test]
    fn next_open_is_open(cal in calendar(), t in instant()) {
        let n = cal.next_open(t);
        prop_assert!(n >= t);
        prop_assert!(cal.is_open(n) || cal.is_open(t));
        prop_assert_eq!(cal.is_open(t), n == t);
        // Nothing is open strictly between t and its next opening.
        prop_assert_eq!(cal.seconds_between(t, n), 0);
    }

    #[test]
    fn open_intervals_agree_with_is_open(cal in calendar(), t in instant(), len in 0i64..10 * 86_400) {
        let end = t + chrono::TimeDelta::seconds(len);
        let spans = cal.open_intervals(t, end);
        let total: i64 = spans.iter().map(|(s, e)| (*e - *s).num_seconds()).sum();
        prop_assert_eq!(total, cal.seconds_between(t, end));
        for (s, e) in &spans {
            prop_assert!(cal.is_open(*s));
            prop_assert!(cal.is_open(*e - chrono::TimeDelta::seconds(1)));
        }
        for w in spans.windows(2) {
            prop_assert!(w[0].1 < w[1].0, "merged and ordered");
            prop_assert!(!cal.is_open(w[0].1));
        }
    }

    /// Openness is "the local time is inside a window of the rule deciding that local date",
    /// checked against an independent reading of the input. This holds on DST change days too,
    /// except during the second pass of a repeated hour (windows are placed at the first pass).
    #[test]
    fn is_open_matches_the_plain_reading(inp in random_input(), t in instant()) {
        let cal = BusinessCalendar::from_input(&inp).unwrap();
        let tz: Tz = inp.time_zone.as_deref().unwrap().parse().unwrap();
        let local = t.with_timezone(&tz);
        let date = local.date_naive();
        let first_pass = tz.from_local_datetime(&local.naive_local()).earliest();
        prop_assume!(first_pass.map(|f| f.with_timezone(&Utc)) == Some(t));
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let hm = |s: &str| {
            let (h, m) = s.split_once(':').unwrap();
            h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap()
        };
        let inside = |s: &str, e: &str| hm(s) <= minute && minute < hm(e);
        let key = date.format("%Y-%m-%d").to_string();
        let dated: Vec<&CalendarException> = inp.exceptions.iter().filter(|x| x.date == key).collect();
        let expected = if !dated.is_empty() {
            dated.iter().any(|x| x.open && inside(x.start.as_deref().unwrap(), x.end.as_deref().unwrap()))
        } else if !inp.open_on_holidays && holidays::is_italian_holiday(date) {
            false
        } else {
            let wd = date.weekday().number_from_monday() as u8;
            inp.windows.iter().any(|w| w.weekday == wd && inside(&w.start, &w.end))
        };
        prop_assert_eq!(cal.is_open(t), expected, "{} local {}", t, local);
    }
}

//! Parsing of a calendar's text fields into the compact form business arithmetic walks, with the
//! validation errors the user sees. One parser serves both `validate` and `BusinessCalendar`, so a
//! calendar that validates is exactly a calendar that can be resolved.

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::{CalendarException, TimeWindow};
use crate::error::{Code, Error, Result};
use crate::time::DEFAULT_TZ;
use crate::validate::limits;

/// Minutes of the local day `[start, end)`, `end` ≤ 1440 (24:00).
pub(crate) type Span = (u16, u16);

pub(crate) const DAY_MINUTES: u16 = 24 * 60;

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// What an exception date stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DayRule {
    Closed,
    /// Exactly these intervals, sorted, non-overlapping.
    Open(Vec<Span>),
}

/// Exceptions indexed for lookup: dated ones by date, yearly ones by (month, day), both sorted.
#[derive(Debug, Clone, Default)]
pub(crate) struct Exceptions {
    pub dated: Vec<(NaiveDate, DayRule)>,
    pub yearly: Vec<((u32, u32), DayRule)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ExceptionDate {
    Dated(NaiveDate),
    Yearly(u32, u32),
}

impl ExceptionDate {
    fn text(self) -> String {
        match self {
            ExceptionDate::Dated(d) => d.format("%Y-%m-%d").to_string(),
            ExceptionDate::Yearly(m, d) => format!("{m:02}-{d:02}"),
        }
    }
}

/// The IANA zone; absent or blank means Europe/Rome.
pub(crate) fn zone(value: Option<&str>) -> Result<Tz> {
    match value.map(str::trim) {
        None | Some("") => Ok(DEFAULT_TZ),
        Some(v) => v.parse::<Tz>().map_err(|_| {
            Error::invalid(
                Code::InvalidFormat,
                "time_zone",
                format!("{v:?} is not a time zone (use an IANA name such as Europe/Rome)"),
            )
        }),
    }
}

pub(crate) fn format_minutes(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// `H:MM` or `HH:MM`, 00:00–23:59, or 24:00 when `allow_midnight_end`.
fn minutes(text: &str, allow_midnight_end: bool) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let digits =
        |s: &str, lens: &[usize]| lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h, &[1, 2]) || !digits(m, &[2]) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) if allow_midnight_end => Some(DAY_MINUTES),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// A `start`–`end` pair: both well-formed and `end` after `start`.
fn span(start: &str, end: &str) -> std::result::Result<Span, String> {
    let s = minutes(start, false).ok_or_else(|| format!("start {start:?} is not a time HH:MM"))?;
    let e =
        minutes(end, true).ok_or_else(|| format!("end {end:?} is not a time HH:MM (or 24:00)"))?;
    if e <= s {
        return Err(format!("end {end} is not after start {start}"));
    }
    Ok((s, e))
}

/// Sorts spans and reports the first two that overlap (touching is fine).
fn first_overlap(spans: &mut [Span]) -> Option<(Span, Span)> {
    spans.sort_unstable();
    spans
        .windows(2)
        .find(|w| w[1].0 < w[0].1)
        .map(|w| (w[0], w[1]))
}

fn show(s: Span) -> String {
    format!("{}–{}", format_minutes(s.0), format_minutes(s.1))
}

/// Weekly windows by weekday (index 0 = Monday), sorted and non-overlapping.
pub(crate) fn windows(windows: &[TimeWindow]) -> Result<[Vec<Span>; 7]> {
    let bad = |msg: String| Error::invalid(Code::InvalidFormat, "windows", msg);
    if windows.is_empty() {
        return Err(Error::invalid(
            Code::CalendarEmpty,
            "windows",
            "the calendar has no opening window: it would never open",
        ));
    }
    let mut week: [Vec<Span>; 7] = Default::default();
    for (i, w) in windows.iter().enumerate() {
        if !(1..=7).contains(&w.weekday) {
            return Err(bad(format!(
                "window {}: weekday {} is not 1 (Monday) to 7 (Sunday)",
                i + 1,
                w.weekday
            )));
        }
        let day = usize::from(w.weekday - 1);
        let s = span(&w.start, &w.end)
            .map_err(|m| bad(format!("window {} ({}): {m}", i + 1, WEEKDAYS[day])))?;
        week[day].push(s);
    }
    for (day, spans) in week.iter_mut().enumerate() {
        if let Some((a, b)) = first_overlap(spans) {
            return Err(Error::invalid(
                Code::CalendarOverlap,
                "windows",
                format!("{}: {} overlaps {}", WEEKDAYS[day], show(a), show(b)),
            ));
        }
    }
    Ok(week)
}

/// The windows in canonical form: sorted by weekday and start, times zero-padded.
pub(crate) fn normalized_windows(week: &[Vec<Span>; 7]) -> Vec<TimeWindow> {
    (1u8..)
        .zip(week)
        .flat_map(|(weekday, spans)| {
            spans.iter().map(move |&(s, e)| TimeWindow {
                weekday,
                start: format_minutes(s),
                end: format_minutes(e),
            })
        })
        .collect()
}

fn exception_date(text: &str) -> Option<ExceptionDate> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y, m, d] => {
            let year = i32::try_from(num(y, 4)?).ok()?;
            NaiveDate::from_ymd_opt(year, num(m, 2)?, num(d, 2)?).map(ExceptionDate::Dated)
        }
        [m, d] => {
            let (m, d) = (num(m, 2)?, num(d, 2)?);
            // A leap year, so that 02-29 is accepted (it applies in leap years only).
            NaiveDate::from_ymd_opt(2000, m, d).map(|_| ExceptionDate::Yearly(m, d))
        }
        _ => None,
    }
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Exceptions checked and indexed, plus their canonical form (input order kept).
pub(crate) fn exceptions(
    list: &[CalendarException],
) -> Result<(Exceptions, Vec<CalendarException>)> {
    let bad = |code, msg: String| Error::invalid(code, "exceptions", msg);
    let mut entries: Vec<(ExceptionDate, Option<Span>)> = Vec::with_capacity(list.len());
    let mut normalized = Vec::with_capacity(list.len());
    for (i, x) in list.iter().enumerate() {
        let n = i + 1;
        let date = exception_date(&x.date).ok_or_else(|| {
            bad(
                Code::InvalidFormat,
                format!(
                    "exception {n}: {:?} is not a date YYYY-MM-DD or MM-DD",
                    x.date
                ),
            )
        })?;
        let (start, end) = (blank(&x.start), blank(&x.end));
        let span = match (x.open, start, end) {
            (true, Some(s), Some(e)) => Some(span(s, e).map_err(|m| {
                bad(
                    Code::InvalidFormat,
                    format!("exception {n} ({}): {m}", date.text()),
                )
            })?),
            (true, _, _) => {
                return Err(bad(
                    Code::InvalidFormat,
                    format!(
                        "exception {n} ({}): an open date needs a start and an end",
                        date.text()
                    ),
                ))
            }
            (false, None, None) => None,
            (false, _, _) => {
                return Err(bad(
                    Code::InvalidFormat,
                    format!(
                        "exception {n} ({}): a closed date has no start or end",
                        date.text()
                    ),
                ))
            }
        };
        let note = blank(&x.note).map(str::to_owned);
        if let Some(note) = &note {
            let len = note.chars().count();
            if len > limits::SHORT {
                return Err(bad(
                    Code::TooLong,
                    format!(
                        "exception {n}: the note is {len} characters long, the limit is {}",
                        limits::SHORT
                    ),
                ));
            }
        }
        entries.push((date, span));
        normalized.push(CalendarException {
            date: date.text(),
            open: x.open,
            start: span.map(|s| format_minutes(s.0)),
            end: span.map(|s| format_minutes(s.1)),
            note,
        });
    }
    entries.sort_unstable();
    let mut out = Exceptions::default();
    for group in entries.chunk_by(|a, b| a.0 == b.0) {
        let date = group[0].0;
        let mut spans: Vec<Span> = group.iter().filter_map(|(_, s)| *s).collect();
        let rule = if spans.is_empty() {
            DayRule::Closed
        } else if spans.len() < group.len() {
            return Err(bad(
                Code::InvalidFormat,
                format!("{} is listed both as closed and as open", date.text()),
            ));
        } else if let Some((a, b)) = first_overlap(&mut spans) {
            return Err(bad(
                Code::CalendarOverlap,
                format!("{}: {} overlaps {}", date.text(), show(a), show(b)),
            ));
        } else {
            DayRule::Open(spans)
        };
        match date {
            ExceptionDate::Dated(d) => out.dated.push((d, rule)),
            ExceptionDate::Yearly(m, d) => out.yearly.push(((m, d), rule)),
        }
    }
    Ok((out, normalized))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_strictly() {
        assert_eq!(minutes("08:30", false), Some(510));
        assert_eq!(minutes("8:30", false), Some(510));
        assert_eq!(minutes(" 23:59 ", false), Some(1439));
        assert_eq!(minutes("24:00", true), Some(1440));
        for bad in [
            "24:00", "8", "08:3", "08:60", "25:00", "-1:00", "08:30:00", "ab:cd", "",
        ] {
            assert_eq!(minutes(bad, false), None, "{bad}");
        }
        assert_eq!(minutes("24:01", true), None);
    }

    #[test]
    fn exception_dates_parse() {
        assert_eq!(
            exception_date("2026-12-07"),
            NaiveDate::from_ymd_opt(2026, 12, 7).map(ExceptionDate::Dated)
        );
        assert_eq!(exception_date("12-07"), Some(ExceptionDate::Yearly(12, 7)));
        assert_eq!(exception_date("02-29"), Some(ExceptionDate::Yearly(2, 29)));
        for bad in [
            "2026-02-29",
            "13-01",
            "2026-1-05",
            "07/12",
            "",
            "2026-12-07-01",
        ] {
            assert_eq!(exception_date(bad), None, "{bad}");
        }
    }
}

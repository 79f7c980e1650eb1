//! Command-line input for the service models: durations (`90`, `2h`, `1h30`, `1:30`), weekdays
//! in Italian or English (`lun-ven`, `mon,wed`), coverage windows (`lun-ven 08:30-12:30`),
//! calendar exceptions (`12-07 Sant'Ambrogio`, `2026-12-19 09:00-12:00`), SLA targets per
//! severity (`blocking=30`), amounts in euro that may be cleared (`none`).
//!
//! Only the shape is checked here; times, dates and ranges are validated by the core, which
//! answers with its stable error codes.

use rapportino_core::calendars::{CalendarException, TimeWindow};
use rapportino_core::format::parse_euro;
use rapportino_core::labels::Locale;
use rapportino_core::tickets::Severity;
use rapportino_core::{Code, Error, Result};

pub fn bad(field: &'static str, message: String) -> Error {
    Error::invalid(Code::InvalidFormat, field, message)
}

/// Words that clear an optional value on an edit.
pub fn is_none_word(s: &str) -> bool {
    matches!(
        s.trim().to_lowercase().as_str(),
        "" | "-" | "none" | "nessuno" | "nessuna" | "no"
    )
}

/// The unit of a bare number.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unit {
    Minutes,
    Hours,
}

/// A duration in whole minutes: `90`, `90m`, `90min`, `2h`, `1h30`, `1h30m`, `1:30`, and for
/// hours `1,5` / `1.5`. A bare number is read in `unit`.
pub fn minutes(field: &'static str, s: &str, unit: Unit) -> Result<i64> {
    let t: String = s
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let err = || {
        bad(
            field,
            format!("{s:?} is not a duration (e.g. 30, 2h, 1h30, 1:30)"),
        )
    };
    let int = |x: &str| -> Result<i64> {
        if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) || x.len() > 9 {
            return Err(err());
        }
        x.parse().map_err(|_| err())
    };
    // Decimal hours: 1,5 → 90.
    let decimal_hours = |x: &str| -> Result<i64> {
        let x = x.replace(',', ".");
        let (i, f) = x.split_once('.').unwrap_or((&x, ""));
        let whole = if i.is_empty() { 0 } else { int(i)? };
        let frac = if f.is_empty() {
            0
        } else {
            let digits = int(f)?;
            let scale = 10_i64.pow(u32::try_from(f.len()).map_err(|_| err())?);
            (digits * 60 + scale / 2) / scale
        };
        Ok(whole * 60 + frac)
    };
    if let Some((h, m)) = t.split_once(':') {
        if m.len() != 2 {
            return Err(err());
        }
        let m = int(m)?;
        if m > 59 {
            return Err(err());
        }
        return Ok(int(h)? * 60 + m);
    }
    if let Some((h, rest)) = t.split_once('h') {
        if h.is_empty() {
            return Err(err());
        }
        let hours = decimal_hours(h)?;
        let rest = rest
            .strip_suffix("min")
            .or_else(|| rest.strip_suffix('m'))
            .unwrap_or(rest);
        let m = if rest.is_empty() { 0 } else { int(rest)? };
        return Ok(hours + m);
    }
    if let Some(m) = t.strip_suffix("min").or_else(|| t.strip_suffix('m')) {
        return int(m);
    }
    match unit {
        Unit::Minutes => int(&t),
        Unit::Hours => decimal_hours(&t),
    }
}

const DAY_NAMES: [&[&str]; 7] = [
    &["lun", "lunedi", "lunedì", "mon", "monday"],
    &["mar", "martedi", "martedì", "tue", "tues", "tuesday"],
    &["mer", "mercoledi", "mercoledì", "wed", "wednesday"],
    &[
        "gio", "giovedi", "giovedì", "thu", "thur", "thurs", "thursday",
    ],
    &["ven", "venerdi", "venerdì", "fri", "friday"],
    &["sab", "sabato", "sat", "saturday"],
    &["dom", "domenica", "sun", "sunday"],
];

/// One weekday: a name in Italian or English, or 1 (Monday) … 7 (Sunday).
fn weekday(s: &str) -> Option<u8> {
    let t = s.trim().to_lowercase();
    if let Ok(n) = t.parse::<u8>() {
        return (1..=7).contains(&n).then_some(n);
    }
    (1u8..)
        .zip(DAY_NAMES)
        .find(|(_, names)| names.contains(&t.as_str()))
        .map(|(n, _)| n)
}

/// `lun-ven`, `mon,wed,fri`, `sab-lun` (wraps), `tutti`: ISO weekdays in the order given.
pub fn weekdays(field: &'static str, s: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if matches!(
            part.to_lowercase().as_str(),
            "tutti" | "all" | "ogni" | "every"
        ) {
            out.extend(1..=7);
            continue;
        }
        let (a, b) = part.split_once(['-', '–']).unwrap_or((part, part));
        let (Some(a), Some(b)) = (weekday(a), weekday(b)) else {
            return Err(bad(
                field,
                format!("{part:?} is not a weekday or range (lun…dom, mon…sun, 1…7, lun-ven)"),
            ));
        };
        let mut d = a;
        loop {
            out.push(d);
            if d == b {
                break;
            }
            d = d % 7 + 1;
        }
    }
    if out.is_empty() {
        return Err(bad(field, format!("{s:?} names no weekday")));
    }
    out.dedup();
    Ok(out)
}

fn is_time_range(token: &str) -> bool {
    token.contains(':')
}

/// `08:30-12:30` (or with an en dash) → (start, end), left for the core to validate.
fn time_range(field: &'static str, token: &str) -> Result<(String, String)> {
    token
        .split_once(['-', '–'])
        .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
        .ok_or_else(|| bad(field, format!("{token:?} is not a time range HH:MM-HH:MM")))
}

/// `lun-ven 08:30-12:30 14:00-18:00` or `1 08:30-12:30`: one window per day and range.
pub fn windows(s: &str) -> Result<Vec<TimeWindow>> {
    let tokens: Vec<&str> = s.split_whitespace().collect();
    let split = tokens
        .iter()
        .position(|t| is_time_range(t))
        .unwrap_or(tokens.len());
    let (days, times) = tokens.split_at(split);
    if days.is_empty() || times.is_empty() {
        return Err(bad(
            "windows",
            format!("{s:?}: use days and hours, e.g. \"lun-ven 08:30-12:30 14:00-18:00\""),
        ));
    }
    let mut weekdays_all = Vec::new();
    for d in days {
        weekdays_all.extend(weekdays("windows", d)?);
    }
    let ranges = times
        .iter()
        .map(|t| time_range("windows", t))
        .collect::<Result<Vec<_>>>()?;
    Ok(weekdays_all
        .iter()
        .flat_map(|&weekday| {
            ranges.iter().map(move |(start, end)| TimeWindow {
                weekday,
                start: start.clone(),
                end: end.clone(),
            })
        })
        .collect())
}

/// A date as the core stores exceptions: `YYYY-MM-DD` or `MM-DD`; `dd/mm/yyyy` and `dd/mm` are
/// accepted and converted.
pub fn exception_date(s: &str) -> String {
    let parts: Vec<&str> = s.trim().split('/').collect();
    let two = |x: &str| format!("{:0>2}", x);
    match parts.as_slice() {
        [d, m] => format!("{}-{}", two(m), two(d)),
        [d, m, y] => format!("{y}-{}-{}", two(m), two(d)),
        _ => s.trim().to_owned(),
    }
}

fn note_of(rest: &[&str]) -> Option<String> {
    let n = rest.join(" ");
    (!n.trim().is_empty()).then_some(n)
}

/// `--closed "12-07 Sant'Ambrogio"`: a date closed all day, with an optional note.
pub fn closed(s: &str) -> Result<CalendarException> {
    let tokens: Vec<&str> = s.split_whitespace().collect();
    let Some((date, rest)) = tokens.split_first() else {
        return Err(bad("exceptions", "a closed date is empty".into()));
    };
    Ok(CalendarException {
        date: exception_date(date),
        open: false,
        start: None,
        end: None,
        note: note_of(rest),
    })
}

/// `--open "2026-12-19 09:00-12:00 [14:00-16:00] [note]"`: a date open at these hours only.
pub fn open(s: &str) -> Result<Vec<CalendarException>> {
    let tokens: Vec<&str> = s.split_whitespace().collect();
    let Some((date, rest)) = tokens.split_first() else {
        return Err(bad("exceptions", "an open date is empty".into()));
    };
    let n = rest.iter().take_while(|t| is_time_range(t)).count();
    let (times, note) = rest.split_at(n);
    if times.is_empty() {
        return Err(bad(
            "exceptions",
            format!("{s:?}: an open date needs its hours, e.g. \"2026-12-19 09:00-12:00\""),
        ));
    }
    let note = note_of(note);
    times
        .iter()
        .map(|t| {
            let (start, end) = time_range("exceptions", t)?;
            Ok(CalendarException {
                date: exception_date(date),
                open: true,
                start: Some(start),
                end: Some(end),
                note: note.clone(),
            })
        })
        .collect()
}

/// A severity in English (blocking, degraded, request), by its label in either language
/// (Bloccante, Disservizio, Richiesta; Degraded…) or an Italian alias (degradato, parziale…).
pub fn severity(field: &'static str, s: &str) -> Result<Severity> {
    let typed = s.trim().to_lowercase();
    let by_label = Severity::ALL.iter().copied().find(|sev| {
        Locale::ALL
            .iter()
            .any(|&l| sev.label(l).to_lowercase() == typed)
    });
    if let Some(sev) = by_label {
        return Ok(sev);
    }
    match typed.as_str() {
        "bloccante" | "blocco" => Ok(Severity::Blocking),
        "degradato" | "degradata" | "parziale" => Ok(Severity::Degraded),
        "richiesta" | "richieste" => Ok(Severity::Request),
        other => other.parse().map_err(|_| {
            bad(
                field,
                format!("{s:?} is not a severity (blocking, degraded, request)"),
            )
        }),
    }
}

/// `blocking=30`, `degradato=2h`, `request=none`: a target in minutes (None clears it).
pub fn target(field: &'static str, s: &str) -> Result<(Severity, Option<i64>)> {
    let (sev, value) = s.split_once('=').ok_or_else(|| {
        bad(
            field,
            format!("{s:?}: use severity=duration, e.g. blocking=30 or degraded=2h"),
        )
    })?;
    let sev = severity(field, sev)?;
    if is_none_word(value) {
        return Ok((sev, None));
    }
    Ok((sev, Some(minutes(field, value, Unit::Minutes)?)))
}

/// An amount in euro, or `none` to clear it.
pub fn opt_euro(field: &'static str, s: &str) -> Result<Option<i64>> {
    if is_none_word(s) {
        Ok(None)
    } else {
        parse_euro(field, s).map(Some)
    }
}

/// Clap helper: `--flag` alone means true, `--flag false` turns it off.
pub fn flag_value(s: &str) -> std::result::Result<bool, String> {
    match s.trim().to_lowercase().as_str() {
        "true" | "yes" | "si" | "sì" | "1" | "on" => Ok(true),
        "false" | "no" | "0" | "off" => Ok(false),
        _ => Err(format!("{s:?} is not true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let m = |s| minutes("f", s, Unit::Minutes).unwrap();
        let h = |s| minutes("f", s, Unit::Hours).unwrap();
        assert_eq!(m("30"), 30);
        assert_eq!(m("2h"), 120);
        assert_eq!(m("1h30"), 90);
        assert_eq!(m("1h 30m"), 90);
        assert_eq!(m("90min"), 90);
        assert_eq!(m("1:30"), 90);
        assert_eq!(h("20"), 1200);
        assert_eq!(h("1,5"), 90);
        assert_eq!(h("1.5h"), 90);
        assert_eq!(h("45m"), 45);
        for bad in ["", "h", "abc", "1:3", "1:75", "-5", "2x"] {
            assert!(minutes("f", bad, Unit::Minutes).is_err(), "{bad}");
        }
    }

    #[test]
    fn days_and_windows() {
        assert_eq!(weekdays("w", "lun-ven").unwrap(), vec![1, 2, 3, 4, 5]);
        assert_eq!(weekdays("w", "Mon,Wed,fri").unwrap(), vec![1, 3, 5]);
        assert_eq!(weekdays("w", "sab-lun").unwrap(), vec![6, 7, 1]);
        assert_eq!(weekdays("w", "7").unwrap(), vec![7]);
        assert_eq!(weekdays("w", "giovedì").unwrap(), vec![4]);
        assert!(weekdays("w", "lunch").is_err());
        let w = windows("lun-mer 08:30-12:30 14:00–18:00").unwrap();
        assert_eq!(w.len(), 6);
        assert_eq!(
            (w[1].weekday, w[1].start.as_str(), w[1].end.as_str()),
            (1, "14:00", "18:00")
        );
        assert_eq!(windows("1 08:30-12:30").unwrap().len(), 1);
        assert!(windows("lun-ven").is_err());
        assert!(windows("08:30-12:30").is_err());
    }

    #[test]
    fn exceptions() {
        let c = closed("12-07 Sant'Ambrogio").unwrap();
        assert_eq!(
            (c.date.as_str(), c.open, c.note.as_deref()),
            ("12-07", false, Some("Sant'Ambrogio"))
        );
        assert_eq!(closed("24/12/2026").unwrap().date, "2026-12-24");
        assert_eq!(closed("7/12").unwrap().date, "12-07");
        let o = open("2026-12-19 09:00-12:00 14:00-16:00 sabato prima di Natale").unwrap();
        assert_eq!(o.len(), 2);
        assert_eq!(o[1].start.as_deref(), Some("14:00"));
        assert_eq!(o[0].note.as_deref(), Some("sabato prima di Natale"));
        assert!(open("2026-12-19").is_err());
    }

    #[test]
    fn targets_and_money() {
        assert_eq!(
            target("t", "blocking=30").unwrap(),
            (Severity::Blocking, Some(30))
        );
        assert_eq!(
            target("t", "degradato=2h").unwrap(),
            (Severity::Degraded, Some(120))
        );
        assert_eq!(
            target("t", "request=none").unwrap(),
            (Severity::Request, None)
        );
        assert_eq!(
            target("t", "Disservizio=4h").unwrap(),
            (Severity::Degraded, Some(240))
        );
        assert!(target("t", "blocking").is_err());
        assert!(target("t", "urgent=30").is_err());
        assert_eq!(opt_euro("r", "45,00").unwrap(), Some(4500));
        assert_eq!(opt_euro("r", "none").unwrap(), None);
    }
}

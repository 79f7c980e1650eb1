//! `calendar`: coverage calendars (fasce orarie), presets, Italian holidays, and business-time
//! arithmetic by hand (`add-minutes`, `between`).

use chrono::{DateTime, Datelike, Utc};
use clap::{Args, Subcommand};
use rapportino_core::calendars::{
    self, holidays, BusinessCalendar, Calendar, CalendarException, CalendarInput, CalendarPreset,
};
use rapportino_core::ids::CalendarId;
use rapportino_core::time::{format_instant, parse_user_instant, Tz};
use rapportino_core::{Code, Error, Result, Store};
use serde::Serialize;

use super::labels::{self, hm, WEEKDAYS};
use super::parse::{self, Unit};
use crate::output::Out;

#[derive(Args, Default)]
pub struct CalendarFields {
    /// Name shown in pickers and on tickets.
    #[arg(long)]
    name: Option<String>,
    /// IANA time zone (default Europe/Rome).
    #[arg(long = "tz", value_name = "ZONE")]
    time_zone: Option<String>,
    /// Opening window, repeatable: "lun-ven 08:30-12:30 14:00-18:00", "sab 09:00-12:00",
    /// "1 08:30-12:30" (days in Italian or English, or 1–7). On edit, replaces every window.
    #[arg(long = "window", value_name = "DAYS HH:MM-HH:MM")]
    windows: Vec<String>,
    /// Open on national holidays and patron saints' days as on any other day.
    #[arg(long, conflicts_with = "closed_on_holidays")]
    open_on_holidays: bool,
    /// Closed on national holidays (the default; on edit, undoes --open-on-holidays).
    #[arg(long)]
    closed_on_holidays: bool,
    /// A date closed all day, repeatable: 12-07 (every year), 2026-12-24, 24/12/2026, 07/12;
    /// words after the date are a note ("12-07 Sant'Ambrogio").
    #[arg(long = "closed", value_name = "DATE [NOTE]")]
    closed: Vec<String>,
    /// A date open at these hours only, repeatable: "2026-12-19 09:00-12:00 [14:00-16:00] [note]".
    #[arg(long = "open", value_name = "DATE HH:MM-HH:MM [NOTE]")]
    open: Vec<String>,
}

impl CalendarFields {
    fn exceptions(&self) -> Result<Vec<CalendarException>> {
        let mut out: Vec<CalendarException> = self
            .closed
            .iter()
            .map(|c| parse::closed(c))
            .collect::<Result<_>>()?;
        for o in &self.open {
            out.extend(parse::open(o)?);
        }
        Ok(out)
    }

    fn windows(&self) -> Result<Vec<calendars::TimeWindow>> {
        let mut out = Vec::new();
        for w in &self.windows {
            out.extend(parse::windows(w)?);
        }
        Ok(out)
    }
}

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// List calendars (archived ones with --archived).
    List {
        #[arg(long)]
        archived: bool,
    },
    /// Show a calendar: windows, holidays, exceptions.
    Show { id: CalendarId },
    /// Create a calendar from windows and exceptions.
    Create(CalendarFields),
    /// Edit a calendar: only the given settings change (--window replaces all windows,
    /// --closed/--open add exceptions).
    Edit {
        id: CalendarId,
        #[command(flatten)]
        fields: CalendarFields,
        /// Remove the exceptions on this date first (repeatable).
        #[arg(long, value_name = "DATE")]
        remove_exception: Vec<String>,
        /// Remove every exception first.
        #[arg(long)]
        clear_exceptions: bool,
    },
    /// Create a calendar from a preset: 5x8, 7x8, 24x7, desk.
    Preset {
        preset: CalendarPreset,
        /// Name (default: the preset's Italian name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Archive a calendar (or bring it back with --undo); contracts using it keep working.
    Archive {
        id: CalendarId,
        #[arg(long)]
        undo: bool,
    },
    /// Italian national holidays of a year.
    Holidays { year: i32 },
    /// When N business minutes after an instant fall (calendar id or preset code).
    AddMinutes {
        calendar: String,
        /// dd/mm/yyyy HH:MM, YYYY-MM-DD HH:MM or RFC 3339.
        instant: String,
        /// Business minutes (also 2h, 1h30).
        minutes: String,
    },
    /// Business minutes between two instants (calendar id or preset code).
    Between {
        calendar: String,
        from: String,
        to: String,
    },
}

/// A stored calendar by id, or a preset by code (not stored), resolved for arithmetic.
fn business(store: &Store, reference: &str) -> Result<(String, Tz, BusinessCalendar)> {
    let (name, zone, b) = match reference.parse::<CalendarId>() {
        Ok(id) => {
            let c = calendars::get(store, id)?;
            (
                c.name.clone(),
                c.time_zone.clone(),
                BusinessCalendar::from_calendar(&c)?,
            )
        }
        Err(_) => {
            let preset: CalendarPreset = reference.parse().map_err(|_| {
                Error::invalid(
                    Code::InvalidFormat,
                    "calendar",
                    format!("{reference:?} is neither a calendar id nor a preset (5x8, 7x8, 24x7, desk)"),
                )
            })?;
            let input = calendars::preset_input(preset);
            let b = BusinessCalendar::from_input(&input)?;
            (input.name, input.time_zone.unwrap_or_default(), b)
        }
    };
    Ok((name, zone.parse().unwrap_or(store.tz()), b))
}

/// `lun 02/03/2026 09:00` in the given zone.
pub fn local_with_weekday(t: DateTime<Utc>, tz: Tz) -> String {
    let l = t.with_timezone(&tz);
    let wd = WEEKDAYS[l.weekday().num_days_from_monday() as usize];
    format!("{wd} {}", l.format("%d/%m/%Y %H:%M"))
}

/// Windows grouped by runs of days with the same hours: `lun–ven 08:30–12:30, 14:00–18:00`.
fn week_lines(c: &Calendar) -> Vec<String> {
    let mut days: Vec<Vec<String>> = vec![Vec::new(); 7];
    for w in &c.windows {
        if let Some(d) = days.get_mut(usize::from(w.weekday.saturating_sub(1))) {
            d.push(format!("{}–{}", w.start, w.end));
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < 7 {
        if days[i].is_empty() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < 7 && days[j + 1] == days[i] {
            j += 1;
        }
        let label = if i == j {
            WEEKDAYS[i].to_owned()
        } else {
            format!("{}–{}", WEEKDAYS[i], WEEKDAYS[j])
        };
        out.push(format!("{label} {}", days[i].join(", ")));
        i = j + 1;
    }
    out
}

fn exception_line(x: &CalendarException) -> String {
    let when = if x.date.len() == 5 {
        format!("{}/{} ogni anno", &x.date[3..], &x.date[..2])
    } else {
        labels::date(&x.date)
    };
    let what = if x.open {
        format!(
            "aperto {}–{}",
            x.start.as_deref().unwrap_or("?"),
            x.end.as_deref().unwrap_or("?")
        )
    } else {
        "chiuso".to_owned()
    };
    let note = x.note.as_ref().map_or(String::new(), |n| format!(" ({n})"));
    format!("{when}: {what}{note}")
}

fn print_calendar(c: &Calendar) -> String {
    let mut s = format!(
        "{}{}{}\n  fuso {} · festivi {}",
        c.name,
        c.preset
            .map_or(String::new(), |p| format!("  [preset {p}]")),
        if c.archived { "  [archiviato]" } else { "" },
        c.time_zone,
        if c.open_on_holidays {
            "aperti come gli altri giorni"
        } else {
            "chiusi (anche il santo patrono del cliente o della sede)"
        }
    );
    for line in week_lines(c) {
        s.push_str(&format!("\n  {line}"));
    }
    if !c.exceptions.is_empty() {
        s.push_str("\n  eccezioni:");
        for x in &c.exceptions {
            s.push_str(&format!("\n    {}", exception_line(x)));
        }
    }
    s.push_str(&format!("\n  id {}", c.id));
    s
}

fn input_of(c: &Calendar) -> CalendarInput {
    CalendarInput {
        name: c.name.clone(),
        time_zone: Some(c.time_zone.clone()),
        windows: c.windows.clone(),
        open_on_holidays: c.open_on_holidays,
        exceptions: c.exceptions.clone(),
        preset: c.preset,
    }
}

/// Resolves `--calendar`: an id, or the exact name (any case) of a calendar (archived last).
pub fn resolve(store: &Store, reference: &str) -> Result<CalendarId> {
    if let Ok(id) = reference.parse::<CalendarId>() {
        return Ok(id);
    }
    let wanted = reference.trim().to_lowercase();
    calendars::list(store)?
        .into_iter()
        .find(|c| c.name.to_lowercase() == wanted)
        .map(|c| c.id)
        .ok_or_else(|| {
            Error::invalid(
                Code::NotFound,
                "calendar_id",
                format!("no calendar with id or name {reference:?}"),
            )
        })
}

#[derive(Serialize)]
struct Holiday {
    date: String,
    weekday: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct Added {
    calendar: String,
    from: String,
    minutes: i64,
    /// None: the calendar never opens again.
    result: Option<String>,
}

#[derive(Serialize)]
struct Between {
    calendar: String,
    from: String,
    to: String,
    minutes: i64,
    wall_clock_minutes: i64,
}

pub fn run(store: &mut Store, out: Out, c: CalendarCommand) -> Result<()> {
    match c {
        CalendarCommand::List { archived } => {
            let list: Vec<Calendar> = calendars::list(store)?
                .into_iter()
                .filter(|c| archived || !c.archived)
                .collect();
            out.emit(&list, |l| {
                if l.is_empty() {
                    return "nessun calendario: `calendar preset 5x8` crea quello standard".into();
                }
                l.iter()
                    .map(|c| {
                        format!(
                            "{}{}  {}  {}",
                            c.name,
                            if c.archived { " [archiviato]" } else { "" },
                            week_lines(c).join("; "),
                            c.id
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        CalendarCommand::Show { id } => out.emit(&calendars::get(store, id)?, print_calendar),
        CalendarCommand::Create(f) => {
            let input = CalendarInput {
                name: f.name.clone().unwrap_or_default(),
                time_zone: f.time_zone.clone(),
                windows: f.windows()?,
                open_on_holidays: f.open_on_holidays,
                exceptions: f.exceptions()?,
                preset: None,
            };
            out.emit(&calendars::create(store, &input)?, print_calendar);
        }
        CalendarCommand::Edit {
            id,
            fields: f,
            remove_exception,
            clear_exceptions,
        } => {
            let mut input = input_of(&calendars::get(store, id)?);
            if let Some(n) = &f.name {
                input.name = n.clone();
            }
            if f.time_zone.is_some() {
                input.time_zone = f.time_zone.clone();
            }
            if !f.windows.is_empty() {
                input.windows = f.windows()?;
                input.preset = None;
            }
            if f.open_on_holidays || f.closed_on_holidays {
                input.open_on_holidays = f.open_on_holidays;
                input.preset = None;
            }
            if clear_exceptions {
                input.exceptions.clear();
            }
            let removed: Vec<String> = remove_exception
                .iter()
                .map(|d| parse::exception_date(d))
                .collect();
            input.exceptions.retain(|x| !removed.contains(&x.date));
            input.exceptions.extend(f.exceptions()?);
            out.emit(&calendars::update(store, id, &input)?, print_calendar);
        }
        CalendarCommand::Preset { preset, name } => {
            let mut input = calendars::preset_input(preset);
            if let Some(n) = name {
                input.name = n;
            }
            out.emit(&calendars::create(store, &input)?, print_calendar);
        }
        CalendarCommand::Archive { id, undo } => {
            out.emit(&calendars::set_archived(store, id, !undo)?, print_calendar);
        }
        CalendarCommand::Holidays { year } => {
            if !(1583..=9999).contains(&year) {
                return Err(Error::invalid(
                    Code::OutOfRange,
                    "year",
                    "a year of the Gregorian calendar, 1583–9999",
                ));
            }
            let list: Vec<Holiday> = holidays::italian_holidays(year)
                .into_iter()
                .map(|(d, name)| Holiday {
                    date: d.to_string(),
                    weekday: WEEKDAYS[d.weekday().num_days_from_monday() as usize],
                    name,
                })
                .collect();
            out.emit(&list, |l| {
                l.iter()
                    .map(|h| format!("{} {}  {}", h.weekday, labels::date(&h.date), h.name))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        CalendarCommand::AddMinutes {
            calendar,
            instant,
            minutes,
        } => {
            let (name, tz, b) = business(store, &calendar)?;
            let from = parse_user_instant("instant", &instant, store.tz())?;
            let minutes = parse::minutes("minutes", &minutes, Unit::Minutes)?;
            let result = b.add_minutes(from, minutes);
            let result = (result != BusinessCalendar::never()).then_some(result);
            let added = Added {
                calendar: name,
                from: format_instant(from),
                minutes,
                result: result.map(format_instant),
            };
            out.emit(&added, |a| {
                format!(
                    "{}: {} + {} lavorativi → {}",
                    a.calendar,
                    local_with_weekday(from, tz),
                    hm(a.minutes),
                    result.map_or_else(
                        || "mai (il calendario non apre più)".to_owned(),
                        |r| local_with_weekday(r, tz)
                    )
                )
            });
        }
        CalendarCommand::Between { calendar, from, to } => {
            let (name, tz, b) = business(store, &calendar)?;
            let a = parse_user_instant("from", &from, store.tz())?;
            let z = parse_user_instant("to", &to, store.tz())?;
            let between = Between {
                calendar: name,
                from: format_instant(a),
                to: format_instant(z),
                minutes: b.minutes_between(a, z),
                wall_clock_minutes: (z - a).num_minutes().max(0),
            };
            out.emit(&between, |x| {
                format!(
                    "{}: da {} a {}: {} lavorativi (su {} di calendario)",
                    x.calendar,
                    local_with_weekday(a, tz),
                    local_with_weekday(z, tz),
                    hm(x.minutes),
                    hm(x.wall_clock_minutes)
                )
            });
        }
    }
    Ok(())
}

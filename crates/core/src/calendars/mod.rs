//! Coverage calendars (fasce orarie di copertura): weekly windows in a time zone, Italian national
//! holidays, extra closed or open dates, presets, and business-time arithmetic over them.
//!
//! - [`holidays`]: Italian national holidays of any year (Easter Monday from the computus);
//! - [`business`]: [`BusinessCalendar`], the resolved form used for arithmetic (add N business
//!   minutes to an instant, business minutes between two instants), correct across DST changes.

pub mod business;
pub mod holidays;
mod parse;

pub use business::BusinessCalendar;

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::CalendarId;
use crate::macros::string_enum;
use crate::store::archive::{self, Archivable};
use crate::store::{field, Entity, Fields, Store};
use crate::validate::{self, limits};

string_enum! {
    /// The calendars every shop starts from.
    CalendarPreset, field = "preset" {
        /// Monday–Friday 08:30–12:30 and 14:00–18:00, closed on holidays.
        FiveByEight => "5x8",
        /// Every day, holidays included, 08:30–12:30 and 14:00–18:00.
        SevenByEight => "7x8",
        /// Always open.
        AlwaysOpen => "24x7",
        /// A narrow desk: Monday–Friday 15:00–18:00.
        Desk => "desk",
    }
}

/// One opening interval on a weekday, local time of the calendar's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimeWindow {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`, 00:00–23:59.
    pub start: String,
    /// `HH:MM`, after `start`; `24:00` closes at midnight.
    pub end: String,
}

/// A date that departs from the weekly windows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CalendarException {
    /// `YYYY-MM-DD` (that day only) or `MM-DD` (every year, e.g. a patron saint).
    pub date: String,
    /// false: closed all day. true: open from `start` to `end` (instead of the weekly windows;
    /// several open entries on one date give several intervals).
    pub open: bool,
    #[ts(optional)]
    pub start: Option<String>,
    #[ts(optional)]
    pub end: Option<String>,
    #[ts(optional)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Calendar {
    pub id: CalendarId,
    pub name: String,
    /// IANA zone, e.g. `Europe/Rome`.
    pub time_zone: String,
    pub windows: Vec<TimeWindow>,
    /// Open on national holidays (and patron saints' days) as on any other day (7x8, 24x7).
    pub open_on_holidays: bool,
    pub exceptions: Vec<CalendarException>,
    pub preset: Option<CalendarPreset>,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user edits. `time_zone` defaults to Europe/Rome.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct CalendarInput {
    pub name: String,
    #[ts(optional)]
    pub time_zone: Option<String>,
    pub windows: Vec<TimeWindow>,
    #[serde(default)]
    pub open_on_holidays: bool,
    #[serde(default)]
    pub exceptions: Vec<CalendarException>,
    #[ts(optional)]
    pub preset: Option<CalendarPreset>,
}

// ---- API ----

const ROME: &str = "Europe/Rome";

/// The input a preset stands for (name in Italian, zone Europe/Rome).
pub fn preset_input(preset: CalendarPreset) -> CalendarInput {
    let (name, days, hours, open_on_holidays): (&str, u8, &[(&str, &str)], bool) = match preset {
        CalendarPreset::FiveByEight => (
            "Standard 5x8",
            5,
            &[("08:30", "12:30"), ("14:00", "18:00")],
            false,
        ),
        CalendarPreset::SevenByEight => (
            "Esteso 7x8",
            7,
            &[("08:30", "12:30"), ("14:00", "18:00")],
            true,
        ),
        CalendarPreset::AlwaysOpen => ("H24 7 giorni su 7", 7, &[("00:00", "24:00")], true),
        CalendarPreset::Desk => ("Sportello 15-18", 5, &[("15:00", "18:00")], false),
    };
    let windows = (1..=days)
        .flat_map(|weekday| {
            hours.iter().map(move |(start, end)| TimeWindow {
                weekday,
                start: (*start).to_owned(),
                end: (*end).to_owned(),
            })
        })
        .collect();
    CalendarInput {
        name: name.to_owned(),
        time_zone: Some(ROME.to_owned()),
        windows,
        open_on_holidays,
        exceptions: Vec::new(),
        preset: Some(preset),
    }
}

/// Checks an input: name, zone, windows well-formed (CALENDAR_EMPTY, CALENDAR_OVERLAP,
/// INVALID_FORMAT), exceptions well-formed.
pub fn validate(input: &CalendarInput) -> Result<()> {
    validated_fields(input).map(|_| ())
}

/// Validates an input into the columns to write, in canonical form (zone name as the tz database
/// spells it, windows sorted by weekday and start, times zero-padded).
fn validated_fields(input: &CalendarInput) -> Result<Fields> {
    let name = validate::required_text("name", &input.name, limits::NAME)?;
    let tz = parse::zone(input.time_zone.as_deref())?;
    let windows = parse::normalized_windows(&parse::windows(&input.windows)?);
    let (_, exceptions) = parse::exceptions(&input.exceptions)?;
    Ok(vec![
        ("name", field::text(name)),
        ("time_zone", field::text(tz.name())),
        ("windows", field::text(to_json(&windows)?)),
        ("open_on_holidays", field::flag(input.open_on_holidays)),
        ("exceptions", field::text(to_json(&exceptions)?)),
        (
            "preset",
            field::opt_text(input.preset.map(CalendarPreset::as_str)),
        ),
    ])
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Inconsistent(e.to_string()))
}

pub fn create(store: &mut Store, input: &CalendarInput) -> Result<Calendar> {
    let mut fields = validated_fields(input)?;
    fields.push(("archived", field::flag(false)));
    let id = CalendarId::new();
    store.write(|tx| {
        tx.insert(Entity::Calendar, &id.to_string(), fields)?;
        get_in(tx.conn(), id)
    })
}

pub fn create_from_preset(store: &mut Store, preset: CalendarPreset) -> Result<Calendar> {
    create(store, &preset_input(preset))
}

/// Replaces the calendar's editable fields; only the fields that change are recorded.
pub fn update(store: &mut Store, id: CalendarId, input: &CalendarInput) -> Result<Calendar> {
    let fields = validated_fields(input)?;
    store.write(|tx| {
        tx.update(Entity::Calendar, &id.to_string(), fields)?;
        get_in(tx.conn(), id)
    })
}

/// Archived calendars disappear from pickers; contracts that use one keep working.
pub fn set_archived(store: &mut Store, id: CalendarId, archived: bool) -> Result<Calendar> {
    archive::set_archived(store, id, archived)
}

impl Archivable for Calendar {
    const ENTITY: Entity = Entity::Calendar;
    type Id = CalendarId;
    fn get(store: &Store, id: CalendarId) -> Result<Self> {
        get(store, id)
    }
}

pub fn get(store: &Store, id: CalendarId) -> Result<Calendar> {
    get_in(store.conn(), id)
}

const COLUMNS: &str =
    "id, name, time_zone, windows, open_on_holidays, exceptions, preset, archived, \
                       created_at, updated_at";

fn json_column<T: serde::de::DeserializeOwned>(r: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Calendar> {
    Ok(Calendar {
        id: r.get(0)?,
        name: r.get(1)?,
        time_zone: r.get(2)?,
        windows: json_column(r, 3)?,
        open_on_holidays: r.get(4)?,
        exceptions: json_column(r, 5)?,
        preset: r.get(6)?,
        archived: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

/// Reads a calendar with any connection (inside a write transaction too). NOT_FOUND if absent.
pub fn get_in(conn: &rusqlite::Connection, id: CalendarId) -> Result<Calendar> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM calendars WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(CalendarId::ENTITY, id))
}

/// Every calendar, archived last, then by name.
pub fn list(store: &Store) -> Result<Vec<Calendar>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM calendars ORDER BY archived, name COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

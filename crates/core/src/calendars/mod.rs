//! Coverage calendars (fasce orarie di copertura): weekly windows in a time zone, Italian national
//! holidays, extra closed or open dates, presets, and business-time arithmetic over them.
//!
//! - [`holidays`]: Italian national holidays of any year (Easter Monday from the computus);
//! - [`business`]: [`BusinessCalendar`], the resolved form used for arithmetic (add N business
//!   minutes to an instant, business minutes between two instants), correct across DST changes.

pub mod business;
pub mod holidays;

pub use business::BusinessCalendar;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::ids::CalendarId;
use crate::macros::string_enum;
use crate::store::Store;

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

// ---- API (bodies filled in by the calendars work) ----

/// The input a preset stands for (name in Italian, zone Europe/Rome).
pub fn preset_input(preset: CalendarPreset) -> CalendarInput {
    let _ = preset;
    todo!("calendars")
}

/// Checks an input: name, zone, windows well-formed (CALENDAR_EMPTY, CALENDAR_OVERLAP,
/// INVALID_FORMAT), exceptions well-formed.
pub fn validate(input: &CalendarInput) -> Result<()> {
    let _ = input;
    todo!("calendars")
}

pub fn create(store: &mut Store, input: &CalendarInput) -> Result<Calendar> {
    let _ = (store, input);
    todo!("calendars")
}

pub fn create_from_preset(store: &mut Store, preset: CalendarPreset) -> Result<Calendar> {
    create(store, &preset_input(preset))
}

pub fn update(store: &mut Store, id: CalendarId, input: &CalendarInput) -> Result<Calendar> {
    let _ = (store, id, input);
    todo!("calendars")
}

pub fn get(store: &Store, id: CalendarId) -> Result<Calendar> {
    get_in(store.conn(), id)
}

/// Reads a calendar with any connection (inside a write transaction too). NOT_FOUND if absent.
pub fn get_in(conn: &rusqlite::Connection, id: CalendarId) -> Result<Calendar> {
    let _ = (conn, id);
    todo!("calendars")
}

/// Every calendar, archived last, then by name.
pub fn list(store: &Store) -> Result<Vec<Calendar>> {
    let _ = store;
    todo!("calendars")
}

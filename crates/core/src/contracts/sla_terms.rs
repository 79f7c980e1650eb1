//! The SLA side of a contract's terms (issue 17): a target per severity and clock (response,
//! intervention, resolution), a coverage calendar per severity, and their checks.

use rapportino_model::vocab::Severity;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendars;
use crate::error::{Code, Error, Result};
use crate::ids::CalendarId;

/// Business minutes allowed per clock for one severity (None: no target).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SlaTarget {
    #[ts(optional)]
    pub response_minutes: Option<i64>,
    #[ts(optional)]
    pub intervention_minutes: Option<i64>,
    /// Opened → resolved (issue 17): the third clock, optional.
    #[serde(default)]
    #[ts(optional)]
    pub resolution_minutes: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SlaTargets {
    #[serde(default)]
    pub blocking: SlaTarget,
    #[serde(default)]
    pub degraded: SlaTarget,
    #[serde(default)]
    pub request: SlaTarget,
}

impl SlaTargets {
    pub fn for_severity(&self, s: Severity) -> SlaTarget {
        match s {
            Severity::Blocking => self.blocking,
            Severity::Degraded => self.degraded,
            Severity::Request => self.request,
        }
    }
}

/// A coverage calendar per severity (issue 17): a blocking ticket may run on 7x8 while the rest
/// stays on the contract's 5x8. None: the contract's own calendar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SeverityCalendars {
    #[ts(optional)]
    pub blocking: Option<CalendarId>,
    #[ts(optional)]
    pub degraded: Option<CalendarId>,
    #[ts(optional)]
    pub request: Option<CalendarId>,
}

impl SeverityCalendars {
    pub fn for_severity(&self, s: Severity) -> Option<CalendarId> {
        match s {
            Severity::Blocking => self.blocking,
            Severity::Degraded => self.degraded,
            Severity::Request => self.request,
        }
    }

    pub fn all(&self) -> impl Iterator<Item = CalendarId> {
        [self.blocking, self.degraded, self.request]
            .into_iter()
            .flatten()
    }
}

/// A resolution target cannot be shorter than the intervention target of the same severity: both
/// count from the ticket opened, and taking in charge comes before resolving.
pub(crate) fn check_resolution_targets(t: &SlaTargets) -> Result<()> {
    for (severity, target) in [
        ("blocking", t.blocking),
        ("degraded", t.degraded),
        ("request", t.request),
    ] {
        if let (Some(res), Some(int)) = (target.resolution_minutes, target.intervention_minutes) {
            if res < int {
                return Err(Error::invalid(
                    Code::OutOfRange,
                    "targets",
                    format!(
                        "the {severity} resolution target ({res} min) is shorter than its \
                         intervention target ({int} min)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Every calendar the form names must exist: the contract's and the severities' own.
pub(crate) fn check_calendars(
    conn: &rusqlite::Connection,
    calendar_id: Option<CalendarId>,
    severity: &SeverityCalendars,
) -> Result<()> {
    let named = calendar_id
        .map(|c| ("calendar_id", c))
        .into_iter()
        .chain(severity.blocking.map(|c| ("severity_calendars", c)))
        .chain(severity.degraded.map(|c| ("severity_calendars", c)))
        .chain(severity.request.map(|c| ("severity_calendars", c)));
    for (field, c) in named {
        calendars::get_in(conn, c).map_err(|_| {
            Error::invalid(Code::NotFound, field, format!("no calendar with id {c}"))
        })?;
    }
    Ok(())
}

//! "The timer" without naming an intervention, as a one-click control sees it (the tray icon):
//! this device's technician's running timer, else their last paused one — pause the running one,
//! resume the paused one, stop whichever there is.

use super::timer::{pause, paused_timer, resume, running_timer, stop, PausedTimer, RunningTimer};
use crate::error::{Error, Result};
use crate::store::Store;

/// The timer a one-click control acts on: the running one, or (none running) the last paused.
#[derive(Debug, Clone, Default)]
pub struct CurrentTimer {
    pub running: Option<RunningTimer>,
    /// Only when nothing runs.
    pub paused: Option<PausedTimer>,
}

/// This device's technician's current timer.
pub fn current_timer(store: &Store) -> Result<CurrentTimer> {
    let running = running_timer(store, None)?;
    let paused = match running {
        Some(_) => None,
        None => paused_timer(store, None)?,
    };
    Ok(CurrentTimer { running, paused })
}

/// What a one-click control does to the current timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerAction {
    Pause,
    Resume,
    Stop,
}

/// Pauses the running timer, resumes the last paused one, or stops whichever there is; nothing
/// to act on is `TIMER_STATE`.
pub fn act_on_current_timer(store: &mut Store, action: TimerAction) -> Result<()> {
    let current = current_timer(store)?;
    let running = current.running.map(|r| r.intervention_id);
    let paused = current.paused.map(|p| p.intervention_id);
    let nothing = || Error::TimerState("no timer to act on".into());
    match action {
        TimerAction::Pause => pause(store, running.ok_or_else(nothing)?),
        TimerAction::Resume => resume(store, paused.ok_or_else(nothing)?),
        TimerAction::Stop => stop(store, running.or(paused).ok_or_else(nothing)?),
    }
}

//! The app's automatic sync, as rules: what a finished sync gives back ([`SyncDone`], and the
//! event the app emits around every attempt, [`SyncEvent`]), how an attempt went
//! ([`Attempt::of`]: which errors mean "try again later" and which "someone must act"), and when
//! to try again ([`Backoff`], [`due`], and at least as long as the hub asked: [`hub_wait`]). The
//! app's loop (a thread in the desktop shell) only sleeps
//! and calls these.

use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;

use super::{status, sync_now, HubClient, SyncReport, SyncStatus};
use crate::error::{Code, ErrorPayload, Result};
use crate::store::{keys, local_get, Store};

/// Between two automatic syncs while the hub answers.
pub const INTERVAL: Duration = Duration::from_secs(60);
/// The longest wait between two attempts while the hub is unreachable (or refuses us).
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// The first automatic sync after the app starts.
pub const FIRST_DELAY: Duration = Duration::from_secs(5);
/// How often the loop wakes to look for new local changes (and for a hub just configured).
pub const TICK: Duration = Duration::from_secs(15);

/// What a finished sync returns ("Sincronizza ora"): what it did and the status after it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncDone {
    pub report: SyncReport,
    pub status: SyncStatus,
}

/// One sync round through `client`, then the status after it.
pub fn sync_and_status(store: &mut Store, client: &dyn HubClient) -> Result<SyncDone> {
    let report = sync_now(store, client)?;
    Ok(SyncDone {
        report,
        status: status(store)?,
    })
}

/// What the app tells the window when a sync starts and after every attempt.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncEvent {
    /// A sync is under way (the indicator says "syncing…").
    pub running: bool,
    /// The status after the attempt (absent while running, or if it could not be read).
    pub status: Option<SyncStatus>,
    /// What the attempt did, when it succeeded.
    pub report: Option<SyncReport>,
    /// Why the attempt failed, when it did.
    pub error: Option<ErrorPayload>,
}

impl SyncEvent {
    /// A sync has started.
    pub fn started() -> SyncEvent {
        SyncEvent {
            running: true,
            status: None,
            report: None,
            error: None,
        }
    }

    /// The state now, nothing attempted (after a conflict was resolved, after enrolment).
    pub fn status(status: SyncStatus) -> SyncEvent {
        SyncEvent {
            running: false,
            status: Some(status),
            report: None,
            error: None,
        }
    }

    /// An attempt ended: done, or failed with `error` (`status`: the status after it, if read).
    pub fn finished(
        result: std::result::Result<&SyncDone, &ErrorPayload>,
        status: Option<SyncStatus>,
    ) -> SyncEvent {
        match result {
            Ok(done) => SyncEvent {
                running: false,
                status: Some(done.status.clone()),
                report: Some(done.report.clone()),
                error: None,
            },
            Err(e) => SyncEvent {
                running: false,
                status,
                report: None,
                error: Some(e.clone()),
            },
        }
    }
}

/// How an attempt went, for the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Synced,
    /// The hub did not answer (or answered with an error of its own): try again, less often.
    Unreachable,
    /// The hub will keep refusing until someone acts (device revoked, app too old).
    Refused,
}

impl Attempt {
    /// How a sync that ended with `result` went: a refusal only someone can lift (the device
    /// revoked, the app too old, the enrolment refused) is [`Attempt::Refused`]; any other error
    /// may pass by itself ([`Attempt::Unreachable`]).
    pub fn of<T>(result: std::result::Result<T, Code>) -> Attempt {
        match result {
            Ok(_) => Attempt::Synced,
            Err(Code::DeviceRevoked | Code::UpgradeRequired | Code::EnrolmentRefused) => {
                Attempt::Refused
            }
            Err(_) => Attempt::Unreachable,
        }
    }
}

/// How long the hub asked this device to wait from now (the `Retry-After` of its last 503
/// `HUB_BUSY` or 429, recorded by the round), if it still runs.
pub fn hub_wait(store: &Store) -> Result<Option<Duration>> {
    let Some(until) = local_get(store.conn(), keys::RETRY_AFTER_UNTIL)? else {
        return Ok(None);
    };
    let Ok(until) = chrono::DateTime::parse_from_rfc3339(&until) else {
        return Ok(None);
    };
    let left = until.to_utc() - store.now();
    Ok(left.to_std().ok().filter(|d| !d.is_zero()))
}

/// The automatic schedule: every minute while the hub answers; after failures 1, 2, 4 min, then
/// at most every 5 min; a refusal waits the longest.
#[derive(Debug, Clone, Default)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The wait before the next automatic attempt, after `attempt`: never shorter than what the
    /// hub asked for (`hub_wait`, from [`hub_wait`]).
    pub fn after(&mut self, attempt: Attempt, hub_wait: Option<Duration>) -> Duration {
        let own = self.own(attempt);
        hub_wait.map_or(own, |hub| own.max(hub))
    }

    fn own(&mut self, attempt: Attempt) -> Duration {
        match attempt {
            Attempt::Synced => {
                self.failures = 0;
                INTERVAL
            }
            Attempt::Unreachable => {
                let factor = 1u32 << self.failures.min(8);
                self.failures = self.failures.saturating_add(1);
                (INTERVAL * factor).min(MAX_BACKOFF)
            }
            Attempt::Refused => {
                self.failures = self.failures.saturating_add(1);
                MAX_BACKOFF
            }
        }
    }

    /// The last attempts failed (local changes then wait for the timer, not for the tick).
    pub fn failing(&self) -> bool {
        self.failures > 0
    }
}

/// Whether the loop syncs now: the timer is due, or new local changes appeared since the last
/// attempt while the hub was answering.
pub fn due(
    now: Instant,
    next_at: Instant,
    pending: i64,
    pending_after_last: i64,
    failing: bool,
) -> bool {
    now >= next_at || (!failing && pending > pending_after_last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_to_five_minutes_and_recovers() {
        let mut b = Backoff::default();
        assert_eq!(b.after(Attempt::Synced, None), INTERVAL);
        let waits: Vec<u64> = (0..5)
            .map(|_| b.after(Attempt::Unreachable, None).as_secs())
            .collect();
        assert_eq!(waits, [60, 120, 240, 300, 300]);
        assert!(b.failing());
        assert_eq!(b.after(Attempt::Synced, None), INTERVAL);
        assert!(!b.failing());
        assert_eq!(b.after(Attempt::Refused, None), MAX_BACKOFF);
    }

    #[test]
    fn the_hubs_retry_after_is_a_floor_never_a_shortcut() {
        let mut b = Backoff::default();
        let ten_min = Duration::from_secs(600);
        assert_eq!(b.after(Attempt::Unreachable, Some(ten_min)), ten_min);
        assert_eq!(
            b.after(Attempt::Unreachable, Some(Duration::from_secs(5))),
            Duration::from_secs(120),
            "a short Retry-After does not shorten the backoff"
        );
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_bounded() {
        use crate::sync::client::{parse_retry_after, MAX_RETRY_AFTER_SECS};
        assert_eq!(parse_retry_after(" 10 "), Some(10));
        assert_eq!(parse_retry_after("0"), Some(1));
        assert_eq!(parse_retry_after("99999999"), Some(MAX_RETRY_AFTER_SECS));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-5"), None);
    }

    #[test]
    fn new_local_changes_sync_early_only_while_the_hub_answers() {
        let now = Instant::now();
        let later = now + INTERVAL;
        assert!(!due(now, later, 0, 0, false));
        assert!(due(now, later, 3, 0, false));
        assert!(!due(now, later, 3, 3, false));
        assert!(!due(now, later, 3, 0, true));
        assert!(due(later, later, 0, 0, true));
    }

    #[test]
    fn only_refusals_someone_must_lift_wait_the_longest() {
        assert_eq!(Attempt::of(Ok::<(), Code>(())), Attempt::Synced);
        for code in [
            Code::DeviceRevoked,
            Code::UpgradeRequired,
            Code::EnrolmentRefused,
        ] {
            assert_eq!(Attempt::of::<()>(Err(code)), Attempt::Refused, "{code:?}");
        }
        for code in [Code::HubUnreachable, Code::HubError, Code::Io] {
            assert_eq!(
                Attempt::of::<()>(Err(code)),
                Attempt::Unreachable,
                "{code:?}"
            );
        }
    }
}

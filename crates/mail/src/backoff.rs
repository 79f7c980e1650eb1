//! When to try a deferred message again: 1 minute, 5, 15, 60, then every 4 hours, until
//! [`MAX_ATTEMPTS`] attempts have failed; then the message is failed for good. Greylisting
//! servers accept the second try after a few minutes; a server down for a weekend is still
//! retried (12 attempts cover about 33 hours).

use std::time::Duration;

/// Attempts in all (the first one included) before a transient failure becomes permanent.
pub const MAX_ATTEMPTS: u32 = 12;

const MINUTE: Duration = Duration::from_secs(60);
/// The first delays, after attempts 1, 2, 3, 4.
const FIRST_DELAYS: [Duration; 4] = [
    MINUTE,
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(60 * 60),
];
/// The delay after every later attempt.
pub const LATER_DELAY: Duration = Duration::from_secs(4 * 60 * 60);

/// The wait before the next attempt once attempt number `attempt` (1 = the first) failed
/// transiently; `None` when that was the last one allowed (the message is then failed).
pub fn retry_delay(attempt: u32) -> Option<Duration> {
    let attempt = attempt.max(1);
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    Some(
        FIRST_DELAYS
            .get(attempt as usize - 1)
            .copied()
            .unwrap_or(LATER_DELAY),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule() {
        let mins = |a| retry_delay(a).map(|d| d.as_secs() / 60);
        assert_eq!(mins(0), Some(1), "0 is read as the first attempt");
        assert_eq!(mins(1), Some(1));
        assert_eq!(mins(2), Some(5));
        assert_eq!(mins(3), Some(15));
        assert_eq!(mins(4), Some(60));
        for a in 5..MAX_ATTEMPTS {
            assert_eq!(mins(a), Some(240), "attempt {a}");
        }
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
        assert_eq!(retry_delay(MAX_ATTEMPTS + 1), None);
        assert_eq!(retry_delay(u32::MAX), None);
    }

    #[test]
    fn the_delays_never_shrink_and_cover_more_than_a_day() {
        let delays: Vec<Duration> = (1..MAX_ATTEMPTS).filter_map(retry_delay).collect();
        assert_eq!(delays.len() as u32, MAX_ATTEMPTS - 1);
        assert!(delays.windows(2).all(|w| w[0] <= w[1]));
        let total: Duration = delays.iter().sum();
        assert!(total > Duration::from_secs(24 * 3600), "{total:?}");
    }
}

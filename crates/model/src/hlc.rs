//! Hybrid logical clock: a 64-bit value `physical_ms << 16 | counter` that never goes backwards on
//! a device, even when the wall clock does, and orders changes across devices well enough for
//! field-level last-writer-wins (ties broken by device id).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "number"))]
#[serde(transparent)]
pub struct Hlc(pub i64);

const COUNTER_BITS: u32 = 16;
const COUNTER_MASK: i64 = (1 << COUNTER_BITS) - 1;

impl Hlc {
    pub fn from_parts(physical_ms: i64, counter: i64) -> Self {
        Hlc((physical_ms << COUNTER_BITS) | (counter & COUNTER_MASK))
    }
    pub fn physical_ms(self) -> i64 {
        self.0 >> COUNTER_BITS
    }
    pub fn counter(self) -> i64 {
        self.0 & COUNTER_MASK
    }

    /// The next local timestamp after `self`, given the wall clock `now_ms`.
    pub fn tick(self, now_ms: i64) -> Hlc {
        if now_ms > self.physical_ms() {
            Hlc::from_parts(now_ms, 0)
        } else if self.counter() < COUNTER_MASK {
            Hlc(self.0 + 1)
        } else {
            // Counter exhausted within one millisecond: borrow the next millisecond.
            Hlc::from_parts(self.physical_ms() + 1, 0)
        }
    }

    /// Merges a timestamp received from another device (used by sync).
    pub fn receive(self, remote: Hlc, now_ms: i64) -> Hlc {
        let max = self.max(remote);
        if now_ms > max.physical_ms() {
            Hlc::from_parts(now_ms, 0)
        } else {
            max.tick(max.physical_ms())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_when_the_wall_clock_goes_back() {
        let a = Hlc::default_at(1_000);
        let b = a.tick(500); // clock moved backwards
        assert!(b > a);
        assert_eq!(b.physical_ms(), 1_000);
        assert_eq!(b.counter(), 1);
        let c = b.tick(2_000);
        assert_eq!(c, Hlc::from_parts(2_000, 0));
    }

    #[test]
    fn counter_overflow_borrows_a_millisecond() {
        let a = Hlc::from_parts(10, COUNTER_MASK);
        assert_eq!(a.tick(10), Hlc::from_parts(11, 0));
    }

    #[test]
    fn receive_moves_past_a_remote_clock() {
        let local = Hlc::from_parts(100, 3);
        let remote = Hlc::from_parts(200, 7);
        let merged = local.receive(remote, 150);
        assert!(merged > remote);
    }

    impl Hlc {
        fn default_at(ms: i64) -> Hlc {
            Hlc::from_parts(ms, 0)
        }
    }
}

//! Device-local state of sync (`local_state` keys; never synced). They live with the store
//! because its write path reads them (the cursor, the numbering hold).

pub const HUB_URL: &str = "sync.hub_url";
/// Where versions before the token file kept the device token; moved out of the database
/// when it is opened (see [`super::credential`]).
pub const TOKEN: &str = "sync.token";
pub const CA_PEM: &str = "sync.ca_pem";
pub const ROLE: &str = "sync.role";
pub const CURSOR: &str = "sync.cursor";
pub const LAST_SYNC_AT: &str = "sync.last_sync_at";
pub const LAST_ATTEMPT_AT: &str = "sync.last_attempt_at";
pub const LAST_ERROR: &str = "sync.last_error";
pub const CLOCK_SKEW_MS: &str = "sync.clock_skew_ms";
/// Set when a backup is restored on an enrolled device: numbers wait for one sync.
pub const NUMBERING_HOLD: &str = "sync.numbering_hold";
/// Set at enrolment until the device has looked whether the hub already holds a shop (done
/// at once, or by the next round when the hub did not answer then).
pub const JOIN_CHECK: &str = "sync.join_check";
/// Until when the hub asked this device to wait (`Retry-After` of a 503 `HUB_BUSY` or a 429),
/// RFC 3339; cleared by the next round that reaches the hub.
pub const RETRY_AFTER_UNTIL: &str = "sync.retry_after_until";

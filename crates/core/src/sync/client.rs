//! What sync needs from a hub client. Core speaks no HTTP: the HTTPS client is the crate
//! `rapportino-sync-http` (the app and the CLI pass it in); tests may bring their own.

use super::protocol::{EnrolRequest, EnrolResponse, ExtraTimeGrant, ExtraTimeRequest};
use super::Transport;
use crate::error::Result;

/// Opens conversations with a hub. Every call is network only (no store): the app never holds
/// its store lock across one.
pub trait HubClient: Sync {
    /// Enrols this device with a code (no credential yet); returns the credential. The hub's
    /// refusals come back as `ENROLMENT_REFUSED`, `DEVICE_CODE_TAKEN` or
    /// `TECHNICIAN_CODE_TAKEN`. `ca_pem`: the hub's certificate (or its CA) when it is
    /// self-signed.
    fn enrol(
        &self,
        hub_url: &str,
        ca_pem: Option<&str>,
        req: &EnrolRequest,
    ) -> Result<EnrolResponse>;

    /// A connection to the hub at `hub_url` with this device's credential.
    fn connect(
        &self,
        hub_url: &str,
        token: &str,
        ca_pem: Option<&str>,
    ) -> Result<Box<dyn HubConnection>>;
}

/// One hub with this device's credential: a sync [`Transport`] and the requests outside sync.
pub trait HubConnection: Transport {
    /// Has the hub check an extra-time PIN (`POST /v1/extra-time`); its refusals carry the
    /// codes `WRONG_PIN`, `PIN_LOCKED`, `EXTRA_TIME_NOT_ALLOWED`.
    fn extra_time(&self, req: &ExtraTimeRequest) -> Result<ExtraTimeGrant>;

    /// The content of an attachment the hub kept, by SHA-256, read up to `max` bytes (more is
    /// a protocol error); `None` when the hub does not hold it. The caller checks the hash.
    fn attachment(&self, sha256: &str, max: u64) -> Result<Option<Vec<u8>>>;
}

/// The most this device waits because a hub said so (a hostile or broken hub cannot park it).
pub const MAX_RETRY_AFTER_SECS: u64 = 3_600;

/// `Retry-After` in seconds (the HTTP-date form is not used by the hub), at least 1 and at most
/// [`MAX_RETRY_AFTER_SECS`].
pub fn parse_retry_after(value: &str) -> Option<u64> {
    let secs: u64 = value.trim().parse().ok()?;
    Some(secs.clamp(1, MAX_RETRY_AFTER_SECS))
}

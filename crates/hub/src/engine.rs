//! The sync engine: push (merge and sequence a batch), pull (pages after a cursor) and the
//! snapshot stream. Placeholder: the server is wired to these signatures; the real engine
//! replaces this file.

use rapportino_core::sync::protocol::{PullResponse, PushRequest, PushResponse};

use crate::auth::AuthedDevice;
use crate::error::HubError;
use crate::storage::Storage;

/// Applies a batch in one write transaction and answers per mutation.
pub fn push(
    _storage: &Storage,
    _device: &AuthedDevice,
    _req: PushRequest,
    _now_ms: i64,
) -> Result<PushResponse, HubError> {
    Err(HubError::NotImplemented("push".into()))
}

/// The changes after `after`, at most `limit`.
pub fn pull(_storage: &Storage, _after: i64, _limit: i64) -> Result<PullResponse, HubError> {
    Err(HubError::NotImplemented("pull".into()))
}

/// Writes the snapshot as NDJSON lines (one `SnapshotHeader`, then `SnapshotRow`s) to `out`.
pub fn snapshot(
    _storage: &Storage,
    _out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), HubError> {
    Err(HubError::NotImplemented("snapshot".into()))
}

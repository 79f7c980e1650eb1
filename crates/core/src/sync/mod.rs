//! Offline sync, device side: the wire protocol, the merge rules (shared with the hub), the
//! outbox and the application of what the hub sends back.
//!
//! A sync round ([`run`]): push the outbox in batches (each acknowledged batch leaves the
//! outbox, with the hub's corrections applied); then a new device takes a snapshot, and every
//! device pulls the changes after its cursor, page by page. Every step is idempotent, so a
//! round cut anywhere is simply run again.

pub mod address;
pub mod apply;
pub mod certificate;
pub mod client;
pub mod conflicts;
pub mod extra_time;
pub mod guard;
pub mod join;
/// The merge rules and the wire protocol live in the model crate, shared with the hub.
pub use rapportino_model::{merge, protocol};
pub mod quarantine;
pub mod schedule;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Code, Error, ErrorPayload, Result};
use crate::store::{local_get, local_set, migrations, Store};
use protocol::{
    EnrolRequest, PullResponse, PushRequest, PushResponse, Role, SnapshotHeader, SnapshotRow,
};

pub use crate::store::credential;
/// Device-local state of sync (kept with the store, which reads them while writing).
pub use crate::store::keys;
pub use address::normalise_url;
pub use client::{HubClient, HubConnection};

/// Mutations per push: as many as the hub takes in one batch (`protocol::MAX_BATCH`), within
/// [`PUSH_BATCH_BYTES`] of fields.
pub const PUSH_BATCH: i64 = protocol::MAX_BATCH as i64;
/// Bytes of fields (their JSON) per push, at most, past the first mutation: a batch of large
/// records stays well under the hub's body limit (32 MiB by default).
pub const PUSH_BATCH_BYTES: usize = 8 * 1024 * 1024;
/// Changes per pull page.
pub const PULL_PAGE: i64 = 2_000;
/// Snapshot rows per local transaction.
const SNAPSHOT_CHUNK: usize = 5_000;

/// What a device says to the hub, one request at a time. The HTTPS one is
/// `rapportino_sync_http::HttpTransport` (a [`HubClient`] opens it); tests wrap it to drop,
/// duplicate and delay answers.
pub trait Transport {
    fn push(&mut self, req: &PushRequest) -> Result<PushResponse>;
    fn pull(&mut self, after: i64, limit: i64) -> Result<PullResponse>;
    fn snapshot(&mut self, on_item: &mut dyn FnMut(SnapshotItem) -> Result<()>) -> Result<()>;
}

pub enum SnapshotItem {
    Header(SnapshotHeader),
    Row(SnapshotRow),
}

/// Sync as the app shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncStatus {
    pub configured: bool,
    pub hub_url: Option<String>,
    pub role: Option<Role>,
    pub device_code: Option<String>,
    pub last_sync_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_error: Option<ErrorPayload>,
    /// Local changes not yet acknowledged by the hub.
    pub pending_changes: i64,
    pub open_conflicts: i64,
    /// Rows from the hub this device could not store, kept aside (see [`quarantine`]).
    pub quarantined: i64,
    /// How far ahead of the hub this device's clock was found (when it was clamped).
    pub clock_skew_ms: Option<i64>,
    /// Restored from a backup: new numbers wait for one sync.
    pub numbering_hold: bool,
}

/// What one sync round did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct SyncReport {
    pub pushed: i64,
    pub pulled: i64,
    pub rejected: i64,
    pub new_conflicts: i64,
    pub snapshot_rows: i64,
}

pub fn status(store: &Store) -> Result<SyncStatus> {
    let conn = store.conn();
    let get = |k: &str| local_get(conn, k);
    let hub_url = get(keys::HUB_URL)?;
    Ok(SyncStatus {
        configured: hub_url.is_some() && credential::token(store)?.is_some(),
        hub_url,
        role: get(keys::ROLE)?.as_deref().and_then(Role::parse),
        device_code: get("device_code")?,
        last_sync_at: get(keys::LAST_SYNC_AT)?,
        last_attempt_at: get(keys::LAST_ATTEMPT_AT)?,
        last_error: get(keys::LAST_ERROR)?.and_then(|s| parse_payload(&s)),
        pending_changes: apply::pending_count(conn)?,
        open_conflicts: conflicts::open_count(conn)?,
        quarantined: quarantine::count(conn)?,
        clock_skew_ms: get(keys::CLOCK_SKEW_MS)?.and_then(|s| s.parse().ok()),
        numbering_hold: get(keys::NUMBERING_HOLD)?.is_some(),
    })
}

/// Connects this device to a hub with an enrolment code from the hub's administrator. The hub
/// is told this device's technician (id and code) and refuses the enrolment
/// (`TECHNICIAN_CODE_TAKEN`) when another technician of the shop already has that code: such a
/// device should join the shop from the hub instead ([`join::join_hub`]).
pub fn enrol(
    store: &mut Store,
    client: &dyn HubClient,
    hub_url: &str,
    code: &str,
    device_name: &str,
    ca_pem: Option<&str>,
) -> Result<SyncStatus> {
    let device_code = crate::setup::device_code(store.conn())?;
    let technician = crate::setup::current_technician(store.conn())?;
    let technician = crate::technicians::get(store, technician)?;
    enrol_as(
        store,
        client,
        hub_url,
        code,
        device_name,
        ca_pem,
        &EnrolAs {
            device_code: &device_code,
            technician: Some((technician.id.to_string(), technician.code)),
            joining: false,
        },
    )?;
    status(store)
}

/// Who a device enrols as.
pub(crate) struct EnrolAs<'a> {
    pub device_code: &'a str,
    /// The technician's id and code, when the device has one (not yet when joining).
    pub technician: Option<(String, String)>,
    /// Joining from the hub: the device code becomes this device's once the hub took it.
    pub joining: bool,
}

/// Enrols with the hub at `hub_url` as `who`; the hub's refusals come back as
/// `ENROLMENT_REFUSED`, `DEVICE_CODE_TAKEN` or `TECHNICIAN_CODE_TAKEN`.
pub(crate) fn enrol_as(
    store: &mut Store,
    client: &dyn HubClient,
    hub_url: &str,
    code: &str,
    device_name: &str,
    ca_pem: Option<&str>,
    who: &EnrolAs<'_>,
) -> Result<()> {
    let url = normalise_url(hub_url)?;
    let code = code.trim();
    if code.is_empty() {
        return Err(Error::required("code"));
    }
    let _one = guard::acquire(store)?;
    let name = match device_name.trim() {
        "" => who.device_code.to_owned(),
        n => n.to_owned(),
    };
    let (technician_id, technician_code) = who.technician.clone().unzip();
    let req = EnrolRequest {
        code: code.to_owned(),
        device_id: store.device_id()?.to_string(),
        device_code: who.device_code.to_owned(),
        name,
        technician_id,
        technician_code,
    };
    let resp = client.enrol(&url, ca_pem, &req)?;
    // The token first: whatever fails next, the device keeps the credential the hub issued.
    credential::save(store, &resp.token)?;
    apply::remote_write(store, |tx| {
        local_set(tx, keys::HUB_URL, &url)?;
        local_set(tx, keys::ROLE, resp.role.as_str())?;
        match ca_pem.filter(|p| !p.trim().is_empty()) {
            Some(pem) => local_set(tx, keys::CA_PEM, pem)?,
            None => {
                tx.execute("DELETE FROM local_state WHERE key = ?1", [keys::CA_PEM])?;
            }
        }
        tx.execute("DELETE FROM local_state WHERE key = ?1", [keys::LAST_ERROR])?;
        if who.joining {
            local_set(tx, "device_code", who.device_code)?;
        }
        local_set(tx, keys::JOIN_CHECK, "1")
    })?;
    // The messages this device owed are the hub's to send from now on.
    crate::outbox::hand_over_to_hub(store)?;
    // Now if the hub answers; when it does not, the flag stays and the first round does it
    // before pushing anything (the enrolment itself is done: the hub issued the token).
    let mut probe = client.connect(&url, &resp.token, ca_pem)?;
    let _ = join_check(store, probe.as_mut());
    Ok(())
}

/// A device joining a hub that already holds a shop adopts its settings: the unsent ones typed
/// at this device's onboarding would otherwise overwrite the office's.
fn join_check(store: &mut Store, transport: &mut dyn Transport) -> Result<()> {
    let hub_has_data = !transport.pull(0, 1)?.changes.is_empty();
    apply::remote_write(store, |tx| {
        if hub_has_data {
            tx.execute("DELETE FROM change_log WHERE entity = 'setting'", [])?;
        }
        tx.execute("DELETE FROM local_state WHERE key = ?1", [keys::JOIN_CHECK])?;
        Ok(())
    })
}

/// Disconnects this device from its hub (local data and unsent changes stay).
///
/// A device that joined from the hub but has not picked its technician yet (it has the device
/// code the hub gave it and no technician) goes back to a first start instead: a new device id
/// (the hub keeps the old one enrolled, with its device code, until the admin revokes it: the
/// same id could not enrol again), no device code, no hub, no cursor; the shop's data it
/// received stays. It can join again with a new code, or set a shop up.
pub fn forget_hub(store: &mut Store) -> Result<()> {
    let _one = guard::acquire(store)?;
    let half_joined = local_get(store.conn(), "technician_id")?.is_none()
        && local_get(store.conn(), "device_code")?.is_some();
    if half_joined {
        return become_new_device(store);
    }
    apply::remote_write(store, |tx| {
        for key in [
            keys::HUB_URL,
            keys::TOKEN,
            keys::CA_PEM,
            keys::ROLE,
            keys::LAST_ERROR,
            keys::CLOCK_SKEW_MS,
            keys::JOIN_CHECK,
            keys::RETRY_AFTER_UNTIL,
        ] {
            tx.execute("DELETE FROM local_state WHERE key = ?1", [key])?;
        }
        Ok(())
    })?;
    credential::forget(store)
}

/// One sync round with the configured hub through `client`; the outcome (or the error) is
/// recorded for [`status`].
pub fn sync_now(store: &mut Store, client: &dyn HubClient) -> Result<SyncReport> {
    let conn = store.conn();
    let (Some(url), Some(token)) = (local_get(conn, keys::HUB_URL)?, credential::token(store)?)
    else {
        return Err(Error::invalid(
            Code::SyncNotConfigured,
            "hub",
            "this device is not connected to a hub",
        ));
    };
    let ca = local_get(conn, keys::CA_PEM)?;
    let mut transport = client.connect(&url, &token, ca.as_deref())?;
    run(store, transport.as_mut())
}

/// One sync round over `transport`, recording its outcome. Holds the database's sync guard
/// ([`guard`]) throughout: a second round, or a restore, waits for this one.
pub fn run(store: &mut Store, transport: &mut dyn Transport) -> Result<SyncReport> {
    let _one = guard::acquire(store)?;
    let now = store.now();
    let started = crate::time::format_instant(now);
    let outcome = round(store, transport);
    let payload = outcome.as_ref().err().map(Error::to_payload);
    // The hub's `Retry-After`, for the automatic schedule (`schedule::hub_wait`).
    let retry_until = match &outcome {
        Err(Error::HubBusy {
            retry_after_secs, ..
        }) => Some(crate::time::format_instant(
            now + chrono::Duration::seconds(i64::try_from(*retry_after_secs).unwrap_or(0)),
        )),
        _ => None,
    };
    apply::remote_write(store, |tx| {
        local_set(tx, keys::LAST_ATTEMPT_AT, &started)?;
        match &retry_until {
            Some(until) => local_set(tx, keys::RETRY_AFTER_UNTIL, until)?,
            None => {
                tx.execute(
                    "DELETE FROM local_state WHERE key = ?1",
                    [keys::RETRY_AFTER_UNTIL],
                )?;
            }
        }
        match &payload {
            None => {
                local_set(tx, keys::LAST_SYNC_AT, &started)?;
                tx.execute("DELETE FROM local_state WHERE key = ?1", [keys::LAST_ERROR])?;
            }
            Some(p) => local_set(
                tx,
                keys::LAST_ERROR,
                &serde_json::to_string(p).map_err(|e| Error::Inconsistent(e.to_string()))?,
            )?,
        }
        Ok(())
    })?;
    outcome
}

fn round(store: &mut Store, transport: &mut dyn Transport) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let conflicts_before = conflicts::total_count(store.conn())?;
    if local_get(store.conn(), keys::JOIN_CHECK)?.is_some() {
        join_check(store, transport)?;
    }
    push_all(store, transport, &mut report)?;
    let cursor = cursor(store)?;
    if cursor == 0 {
        snapshot(store, transport, &mut report)?;
    }
    loop {
        let after = self::cursor(store)?;
        let page = transport.pull(after, PULL_PAGE)?;
        report.pulled += page.changes.len() as i64;
        apply::apply_changes(store, &page.changes, page.next_cursor.max(after))?;
        if !page.more || page.changes.is_empty() {
            break;
        }
    }
    // Every number this device issued before a restore is now known: numbering may go on.
    apply::remote_write(store, |tx| {
        tx.execute(
            "DELETE FROM local_state WHERE key = ?1",
            [keys::NUMBERING_HOLD],
        )?;
        Ok(())
    })?;
    report.new_conflicts = conflicts::total_count(store.conn())? - conflicts_before;
    Ok(report)
}

fn push_all(
    store: &mut Store,
    transport: &mut dyn Transport,
    report: &mut SyncReport,
) -> Result<()> {
    let schema_version = migrations::latest_version();
    loop {
        let batch = apply::outbox_within(store.conn(), PUSH_BATCH, PUSH_BATCH_BYTES)?;
        if batch.is_empty() {
            return Ok(());
        }
        let request = PushRequest {
            schema_version,
            mutations: batch,
        };
        let response = transport.push(&request)?;
        let (acked, rejected) = apply::acknowledge(store, &request.mutations, &response)?;
        if acked == 0 {
            return Err(Error::invalid(
                Code::HubError,
                "hub",
                "the hub acknowledged none of the changes sent",
            ));
        }
        report.pushed += acked;
        report.rejected += rejected;
    }
}

fn snapshot(
    store: &mut Store,
    transport: &mut dyn Transport,
    report: &mut SyncReport,
) -> Result<()> {
    let mut chunk: Vec<SnapshotRow> = Vec::with_capacity(SNAPSHOT_CHUNK);
    let mut cursor = None;
    transport.snapshot(&mut |item| {
        match item {
            SnapshotItem::Header(h) => {
                if h.schema_version > migrations::latest_version() {
                    return Err(Error::invalid(
                        Code::UpgradeRequired,
                        "hub",
                        "the hub holds data of a newer Rapportino: update this app",
                    ));
                }
                cursor = Some(h.cursor);
            }
            SnapshotItem::Row(row) => {
                let Some(at) = cursor else {
                    return Err(Error::invalid(
                        Code::HubError,
                        "hub",
                        "snapshot row before the header",
                    ));
                };
                chunk.push(row);
                if chunk.len() >= SNAPSHOT_CHUNK {
                    apply::apply_snapshot_rows(store, &chunk, at)?;
                    report.snapshot_rows += chunk.len() as i64;
                    chunk.clear();
                }
            }
        }
        Ok(())
    })?;
    let cursor =
        cursor.ok_or_else(|| Error::invalid(Code::HubError, "hub", "snapshot without header"))?;
    apply::apply_snapshot_rows(store, &chunk, cursor)?;
    report.snapshot_rows += chunk.len() as i64;
    apply::finish_snapshot(store, cursor)
}

fn cursor(store: &Store) -> Result<i64> {
    Ok(local_get(store.conn(), keys::CURSOR)?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0))
}

fn parse_payload(s: &str) -> Option<ErrorPayload> {
    let v: serde_json::Value = serde_json::from_str(s).ok()?;
    let code = serde_json::from_value(v.get("code")?.clone()).ok()?;
    Some(ErrorPayload {
        code,
        message: v.get("message")?.as_str()?.to_owned(),
        field: v.get("field").and_then(|f| f.as_str()).map(str::to_owned),
    })
}

pub(crate) fn is_enrolled(store: &Store) -> Result<bool> {
    Ok(local_get(store.conn(), keys::HUB_URL)?.is_some())
}

/// Makes the database just restored from another device's backup a new device: a new device
/// id; no device code or technician of its own yet (onboarding asks again, and picks a code
/// no other device uses); no hub (token, address, certificate, role, cursor, sync history: it
/// enrols again with a new code and starts from a snapshot). The changes the backup's device had
/// not sent stay in the outbox, now this device's: the hub takes them once (it knows a mutation
/// it already had by its id) instead of refusing every push as another device's.
pub(crate) fn become_new_device(store: &mut Store) -> Result<()> {
    credential::forget(store)?;
    let id = crate::ids::DeviceId::new().to_string();
    apply::remote_write(store, |tx| {
        for key in [
            keys::HUB_URL,
            keys::TOKEN,
            keys::CA_PEM,
            keys::ROLE,
            keys::CURSOR,
            keys::LAST_SYNC_AT,
            keys::LAST_ATTEMPT_AT,
            keys::LAST_ERROR,
            keys::CLOCK_SKEW_MS,
            keys::NUMBERING_HOLD,
            keys::JOIN_CHECK,
            keys::RETRY_AFTER_UNTIL,
            "device_code",
            "technician_id",
        ] {
            tx.execute("DELETE FROM local_state WHERE key = ?1", [key])?;
        }
        local_set(tx, "device_id", &id)?;
        tx.execute("UPDATE change_log SET device_id = ?1", [&id])?;
        Ok(())
    })
}

/// Marks an enrolled device just restored from a backup: its number counters may be behind
/// numbers it already issued, so new numbers wait for one sync.
pub(crate) fn after_restore(store: &mut Store, was_enrolled: bool) -> Result<()> {
    if was_enrolled || is_enrolled(store)? {
        apply::remote_write(store, |tx| local_set(tx, keys::NUMBERING_HOLD, "1"))?;
    }
    Ok(())
}

//! Setting a new computer up *from* the office hub: no shop setup — the shop comes with the
//! snapshot — and the user is one of the shop's technicians.
//!
//! [`join_hub`], for a device that is not set up:
//! 1. enrol with the hub (its address, an enrolment code, its certificate when self-signed, this
//!    computer's name) with a device code derived from the technician code the user gives: `MR`,
//!    or `MR2`, `MR3`… while the hub answers `DEVICE_CODE_TAKEN` (the technician's other
//!    computers). The device code is fixed at enrolment — the hub checks every number the device
//!    pushes against it — which is why the technician's code is asked *before* the snapshot
//!    rather than picked from the list after it;
//! 2. one sync round: the snapshot of the shop, its technicians among it;
//! 3. bind this device to the shop's active technician with that code
//!    ([`setup::choose_technician`]): its own `device` record, written through the normal write
//!    path, goes to the hub with the next round.
//!
//! When the shop has no active technician with that code (mistyped, or not created yet in the
//! office), the device stays enrolled, holding the shop's data, with no technician:
//! [`Joined::technicians`] lists the shop's active ones for the user to pick with
//! [`setup::choose_technician`] (the device keeps the device code it enrolled with). A join cut
//! after the enrolment (the snapshot did not finish) is resumed by calling [`join_hub`] again:
//! an enrolled device that is not set up skips the enrolment (the code is not needed; the hub
//! address, when given, must be the one it joined). `sync::forget_hub` on such a device
//! undoes the join (back to a first start).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{enrol_as, is_enrolled, EnrolAs, HubClient, SyncReport};
use crate::error::{Code, Error, Result};
use crate::setup::{self, SetupStatus};
use crate::store::{local_get, Store};
use crate::technicians::{self, Technician};
use crate::validate;

/// What the user gives to join a shop from its hub.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct JoinHubInput {
    pub hub_url: String,
    /// The enrolment code from the hub's administrator (`XXXX-XXXX-XXXX-XXXX`).
    pub code: String,
    /// The hub's certificate (PEM), when it is self-signed.
    #[ts(optional)]
    pub ca_pem: Option<String>,
    /// This computer's name in the hub's list of devices (default: its device code).
    #[serde(default)]
    pub device_name: String,
    /// The code of the technician using this computer (`MR`): the device code derives from it.
    pub technician_code: String,
}

/// What joining did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Joined {
    /// Onboarded when the shop had an active technician with the code given; otherwise the
    /// device code the hub accepted and no technician yet.
    pub setup: SetupStatus,
    /// The first sync round (the snapshot).
    pub report: SyncReport,
    /// The shop's active technicians, by name: whom to pick from when `setup` is not onboarded.
    pub technicians: Vec<Technician>,
}

/// The most device codes tried for one technician (`MR`, `MR2` … `MR99`; a device code has at
/// most two digits).
const MAX_DEVICE_CODES: u32 = 99;

/// Joins the shop held by the hub at `input.hub_url` (see the module's comment).
///
/// Refused: on a device already set up (`ALREADY_EXISTS`); a technician code that is not 2–4
/// letters (`INVALID_FORMAT`); the hub's refusals of the enrolment (`ENROLMENT_REFUSED`, and
/// `DEVICE_CODE_TAKEN` when `MR` … `MR99` are all taken); an unreachable hub
/// (`HUB_UNREACHABLE`: after the enrolment, call again to resume).
pub fn join_hub(store: &mut Store, client: &dyn HubClient, input: &JoinHubInput) -> Result<Joined> {
    let technician_code = validate::technician_code("technician_code", &input.technician_code)?;
    if local_get(store.conn(), "technician_id")?.is_some() {
        return Err(Error::invalid(
            Code::AlreadyExists,
            "technician_code",
            "this device is already set up: it cannot join another shop",
        ));
    }
    let joined_before = is_enrolled(store)?
        && super::credential::token(store)?.is_some()
        && local_get(store.conn(), "device_code")?.is_some();
    if joined_before {
        let hub = local_get(store.conn(), super::keys::HUB_URL)?;
        let typed = input.hub_url.trim();
        if !typed.is_empty() && Some(super::normalise_url(typed)?) != hub {
            return Err(Error::invalid(
                Code::HubUrlInvalid,
                "hub_url",
                format!(
                    "this device already joined {}: finish there, or disconnect it first",
                    hub.unwrap_or_default()
                ),
            ));
        }
    } else {
        enrol_with_free_code(store, client, input, &technician_code)?;
    }
    let report = super::sync_now(store, client)?;
    let active: Vec<Technician> = technicians::list(store)?
        .into_iter()
        .filter(|t| t.active)
        .collect();
    if let Some(t) = active.iter().find(|t| t.code == technician_code) {
        setup::choose_technician(store, t.id)?;
    }
    Ok(Joined {
        setup: setup::status(store)?,
        report,
        technicians: active,
    })
}

/// Enrols with `MR`, then `MR2`, `MR3`… until the hub takes a device code (codes this database
/// already knows are skipped).
fn enrol_with_free_code(
    store: &mut Store,
    client: &dyn HubClient,
    input: &JoinHubInput,
    technician_code: &str,
) -> Result<()> {
    let mut taken = None;
    for n in 1..=MAX_DEVICE_CODES {
        let candidate = if n == 1 {
            technician_code.to_owned()
        } else {
            format!("{technician_code}{n}")
        };
        let known: bool = store
            .conn()
            .prepare_cached("SELECT 1 FROM devices WHERE code = ?1")?
            .exists([&candidate])?;
        if known {
            continue;
        }
        let who = EnrolAs {
            device_code: &candidate,
            technician: None,
            joining: true,
        };
        match enrol_as(
            store,
            client,
            &input.hub_url,
            &input.code,
            &input.device_name,
            input.ca_pem.as_deref(),
            &who,
        ) {
            Ok(()) => return Ok(()),
            Err(e) if e.code() == Code::DeviceCodeTaken => taken = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(taken.unwrap_or_else(|| {
        Error::invalid(
            Code::DeviceCodeTaken,
            "device_code",
            format!("no free device code for {technician_code} ({technician_code} … {technician_code}{MAX_DEVICE_CODES})"),
        )
    }))
}

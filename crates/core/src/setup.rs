//! First start and shop settings: who this device belongs to, its code, the shop's data.
//!
//! The device code goes into every ticket (and later report) number the device issues, so it must
//! differ between devices: it defaults to the technician's code, and a technician's second laptop
//! gets `MR2`, `MR3`… Codes are checked against every device this database knows; the sync hub
//! re-checks them at enrolment across the whole shop.

use rapportino_model::labels::Locale;
use rapportino_model::vocab::Severity;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::address::Address;
use crate::error::{Code, Error, Result};
use crate::ids::TechnicianId;
use crate::store::settings::{self, get_setting_conn, to_json_text};
pub use crate::store::settings::{current_technician, device_code};
use crate::store::{field, local_get, Entity, Store, WriteTx};
use crate::technicians::{self, Technician, TechnicianInput};
use crate::validate::{self, limits};

/// What the shop prints on reports and statements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ShopProfile {
    pub name: String,
    #[serde(default)]
    pub vat_number: Option<String>,
    /// Codice Fiscale (a company's is usually its P.IVA's 11 digits; a sole trader's, 16 characters).
    #[serde(default)]
    pub fiscal_code: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Posta elettronica certificata.
    #[serde(default)]
    pub pec: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(flatten)]
    pub address: Address,
}

/// Labels of the three severity classes. The classes are fixed; what a shop calls them is not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SeverityLabels {
    pub blocking: String,
    pub degraded: String,
    pub request: String,
}

/// A shop that never named them gets the model's Italian labels.
impl Default for SeverityLabels {
    fn default() -> Self {
        let label = |s: Severity| s.label(Locale::It).to_owned();
        SeverityLabels {
            blocking: label(Severity::Blocking),
            degraded: label(Severity::Degraded),
            request: label(Severity::Request),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct OnboardingInput {
    pub shop_name: String,
    pub technician_name: String,
    pub technician_code: String,
    /// Defaults to the technician's code.
    #[ts(optional)]
    pub device_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SetupStatus {
    pub onboarded: bool,
    pub device_id: String,
    pub device_code: Option<String>,
    pub technician: Option<Technician>,
    pub shop: Option<ShopProfile>,
    pub severity_labels: SeverityLabels,
}

pub fn status(store: &Store) -> Result<SetupStatus> {
    let device_code = local_get(store.conn(), "device_code")?;
    let technician = match local_get(store.conn(), "technician_id")? {
        Some(id) => Some(technicians::get(store, id.parse()?)?),
        None => None,
    };
    Ok(SetupStatus {
        onboarded: device_code.is_some() && technician.is_some(),
        device_id: store.device_id()?.to_string(),
        device_code,
        technician,
        shop: get_setting(store, "shop")?,
        severity_labels: get_setting(store, "severity_labels")?.unwrap_or_default(),
    })
}

/// Sets the shop up on this device: shop name, the technician (created, or found by code when the
/// database already knows them) and this device's code. One transaction; nothing is written on error.
pub fn onboard(store: &mut Store, input: &OnboardingInput) -> Result<SetupStatus> {
    let shop_name = validate::required_text("shop_name", &input.shop_name, limits::NAME)?;
    let tech_code = validate::technician_code("technician_code", &input.technician_code)?;
    let device_code = match input
        .device_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(c) => validate::device_code("device_code", c)?,
        None => tech_code.clone(),
    };
    if local_get(store.conn(), "device_code")?.is_some() {
        return Err(Error::invalid(
            Code::AlreadyExists,
            "device_code",
            "this device is already set up",
        ));
    }
    store.write(|tx| {
        let tech = match technicians::find_by_code(tx.conn(), &tech_code)? {
            Some(t) => t,
            None => technicians::insert(
                tx,
                &TechnicianInput {
                    code: tech_code.clone(),
                    name: input.technician_name.clone(),
                    ..Default::default()
                },
            )
            .map_err(|e| rename_field(e, "technician_"))?,
        };
        let taken: Option<String> = tx
            .conn()
            .query_row(
                "SELECT code FROM devices WHERE code = ?1",
                [&device_code],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Err(Error::invalid(
                Code::AlreadyExists,
                "device_code",
                format!(
                    "device code {device_code} is used by another device; try {}",
                    suggest_device_code(tx.conn(), &tech_code)?
                ),
            ));
        }
        let shop = ShopProfile {
            name: shop_name.clone(),
            ..get_setting_conn::<ShopProfile>(tx.conn(), "shop")?.unwrap_or_default()
        };
        tx.upsert(
            Entity::Setting,
            "shop",
            vec![("value", to_json_text(&shop)?)],
        )?;
        bind_device(tx, &device_code, tech.id)
    })?;
    status(store)
}

/// This device's own `device` record (its code, its technician), written through the normal
/// write path so it reaches the hub, and the local keys that make it onboarded.
fn bind_device(tx: &mut WriteTx<'_>, device_code: &str, technician: TechnicianId) -> Result<()> {
    let device_id = tx.device_id();
    tx.insert(
        Entity::Device,
        &device_id.to_string(),
        vec![
            ("code", field::text(device_code)),
            ("technician_id", field::text(technician.to_string())),
            ("name", field::opt_text(hostname())),
        ],
    )?;
    tx.set_local("device_code", device_code)?;
    tx.set_local("technician_id", &technician.to_string())?;
    Ok(())
}

/// The last step of joining a shop from its hub (`sync::join::join_hub`): binds this device —
/// enrolled, holding the shop's data, with the device code the hub accepted — to one of the
/// shop's active technicians. No shop setup: the shop's data came with the snapshot.
///
/// Refused: on a device already set up (`ALREADY_EXISTS`), on one that has not joined a hub
/// (`SYNC_NOT_CONFIGURED`), for an unknown (`NOT_FOUND`) or inactive (`INCONSISTENT`)
/// technician.
pub fn choose_technician(store: &mut Store, technician: TechnicianId) -> Result<SetupStatus> {
    if local_get(store.conn(), "technician_id")?.is_some() {
        return Err(Error::invalid(
            Code::AlreadyExists,
            "technician_id",
            "this device is already set up",
        ));
    }
    let Some(device_code) = local_get(store.conn(), "device_code")?
        .filter(|_| settings::hub_configured(store).unwrap_or(false))
    else {
        return Err(Error::invalid(
            Code::SyncNotConfigured,
            "hub",
            "this device has not joined a hub: join it first (hub address and enrolment code)",
        ));
    };
    let chosen = technicians::get(store, technician)?;
    if !chosen.active {
        return Err(Error::invalid(
            Code::Inconsistent,
            "technician_id",
            format!(
                "{} ({}) is no longer active in the shop: pick another technician",
                chosen.name, chosen.code
            ),
        ));
    }
    store.write(|tx| bind_device(tx, &device_code, chosen.id))?;
    status(store)
}

/// The first free code among `MR`, `MR2`, `MR3`…
pub fn suggest_device_code(conn: &rusqlite::Connection, technician_code: &str) -> Result<String> {
    let base = technician_code.trim().to_uppercase();
    for n in 1..100 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}{n}")
        };
        let taken: bool = conn
            .prepare_cached("SELECT 1 FROM devices WHERE code = ?1")?
            .exists([&candidate])?;
        if !taken {
            return Ok(candidate);
        }
    }
    Err(Error::invalid(
        Code::AlreadyExists,
        "device_code",
        "no free device code",
    ))
}

pub fn update_shop(store: &mut Store, profile: &ShopProfile) -> Result<ShopProfile> {
    let clean = ShopProfile {
        name: validate::required_text("name", &profile.name, limits::NAME)?,
        address: profile.address.validated()?,
        vat_number: profile
            .vat_number
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| validate::validate_vat_number("vat_number", v))
            .transpose()?,
        fiscal_code: profile
            .fiscal_code
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| validate::validate_fiscal_code("fiscal_code", v))
            .transpose()?,
        email: validate::optional_email("email", profile.email.as_deref())?,
        pec: validate::optional_email("pec", profile.pec.as_deref())?,
        phone: validate::optional_phone("phone", profile.phone.as_deref())?,
    };
    store.write(|tx| {
        tx.upsert(
            Entity::Setting,
            "shop",
            vec![("value", to_json_text(&clean)?)],
        )
    })?;
    Ok(clean)
}

pub fn set_severity_labels(store: &mut Store, labels: &SeverityLabels) -> Result<SeverityLabels> {
    let clean = SeverityLabels {
        blocking: validate::required_text("blocking", &labels.blocking, 40)?,
        degraded: validate::required_text("degraded", &labels.degraded, 40)?,
        request: validate::required_text("request", &labels.request, 40)?,
    };
    store.write(|tx| {
        tx.upsert(
            Entity::Setting,
            "severity_labels",
            vec![("value", to_json_text(&clean)?)],
        )
    })?;
    Ok(clean)
}

fn get_setting<T: serde::de::DeserializeOwned>(store: &Store, key: &str) -> Result<Option<T>> {
    get_setting_conn(store.conn(), key)
}

fn hostname() -> Option<String> {
    std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty())
}

/// Prefixes the field of a validation error (technician `name` → `technician_name`).
fn rename_field(e: Error, prefix: &'static str) -> Error {
    match e {
        Error::Invalid {
            code,
            field,
            message,
        } => Error::Invalid {
            code,
            field: match (prefix, field) {
                ("technician_", "name") => "technician_name",
                ("technician_", "code") => "technician_code",
                _ => field,
            },
            message,
        },
        other => other,
    }
}

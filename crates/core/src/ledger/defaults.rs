//! The shop's billing terms for work no contract prices (no contract, or none with rates).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::store::settings::{get_setting_conn, to_json_text};
use crate::store::{Entity, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BillingDefaults {
    pub rounding_minutes: i64,
    pub minimum_minutes: i64,
    pub on_site_rate_cents: i64,
    pub remote_rate_cents: i64,
    pub extra_multiplier_pct: i64,
    pub callout_fee_cents: i64,
    pub km_rate_cents: i64,
}

impl Default for BillingDefaults {
    fn default() -> Self {
        BillingDefaults {
            rounding_minutes: 15,
            minimum_minutes: 30,
            on_site_rate_cents: 5_000,
            remote_rate_cents: 4_000,
            extra_multiplier_pct: 150,
            callout_fee_cents: 3_000,
            km_rate_cents: 40,
        }
    }
}

const KEY: &str = "billing_defaults";

pub fn get(store: &Store) -> Result<BillingDefaults> {
    get_in(store.conn())
}

pub(crate) fn get_in(conn: &rusqlite::Connection) -> Result<BillingDefaults> {
    Ok(get_setting_conn(conn, KEY)?.unwrap_or_default())
}

pub fn set(store: &mut Store, d: &BillingDefaults) -> Result<BillingDefaults> {
    for (field, v, min, max) in [
        ("rounding_minutes", d.rounding_minutes, 1, 480),
        ("minimum_minutes", d.minimum_minutes, 0, 480),
        (
            "on_site_rate_cents",
            d.on_site_rate_cents,
            0,
            i64::MAX / 1000,
        ),
        ("remote_rate_cents", d.remote_rate_cents, 0, i64::MAX / 1000),
        ("extra_multiplier_pct", d.extra_multiplier_pct, 100, 1000),
        ("callout_fee_cents", d.callout_fee_cents, 0, i64::MAX / 1000),
        ("km_rate_cents", d.km_rate_cents, 0, i64::MAX / 1000),
    ] {
        if !(min..=max).contains(&v) {
            return Err(Error::invalid(
                Code::OutOfRange,
                field,
                format!("must be between {min} and {max}"),
            ));
        }
    }
    store.write(|tx| tx.upsert(Entity::Setting, KEY, vec![("value", to_json_text(d)?)]))?;
    Ok(*d)
}

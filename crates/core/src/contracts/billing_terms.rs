//! Issue 17, items 2 and 3: the terms that bill priority on demand and bind free hours to
//! channels. Kept apart from the other terms (their own columns, read and validated here) so the
//! SLA terms can grow beside them without touching these.

use rusqlite::Row;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::classes::{self, json_list, json_text};
use crate::error::{Code, Error, Result};
use crate::store::Fields;
use rapportino_model::vocab::ContractKind;

/// How a contract bills priority on demand and which channels may draw on its free hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BillingTerms {
    /// Priority on demand: a fixed fee per ticket (cents, before VAT).
    #[serde(default)]
    #[ts(optional)]
    pub priority_fee_cents: Option<i64>,
    /// Priority on demand: a percentage of the ticket's labour valued at the rate (20 = 20 %).
    #[serde(default)]
    #[ts(optional)]
    pub priority_surcharge_pct: Option<i64>,
    /// Free hours only: the channels (ticket origins) whose tickets may draw on them; empty: any.
    #[serde(default)]
    pub free_hours_channels: Vec<String>,
}

/// How many columns [`BillingTerms::from_row`] reads (`priority_fee_cents,
/// priority_surcharge_pct, free_hours_channels`, at the end of the contract terms' columns).
pub(crate) const COLUMN_COUNT: usize = 3;

/// The highest surcharge percentage accepted (ten times the labour).
pub const MAX_SURCHARGE_PCT: i64 = 1000;

impl BillingTerms {
    pub(crate) fn from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<BillingTerms> {
        Ok(BillingTerms {
            priority_fee_cents: r.get(at)?,
            priority_surcharge_pct: r.get(at + 1)?,
            free_hours_channels: json_list(r, at + 2)?,
        })
    }

    /// Whether priority on demand is billed under these terms at all.
    pub fn bills_priority(&self) -> bool {
        self.priority_fee_cents.is_some_and(|f| f > 0)
            || self.priority_surcharge_pct.is_some_and(|p| p > 0)
    }

    /// Whether a ticket that came in through `origin` may draw on these free hours.
    pub fn free_hours_allow(&self, origin: &str) -> bool {
        self.free_hours_channels.is_empty() || self.free_hours_channels.iter().any(|c| c == origin)
    }

    /// Validates the terms into their columns. Channels bind free hours only: on another kind of
    /// contract they are refused (`OUT_OF_RANGE` on `free_hours_channels`), not silently kept.
    pub(crate) fn validated_fields(&self, kind: ContractKind) -> Result<Fields> {
        if let Some(fee) = self.priority_fee_cents {
            if fee < 0 {
                return Err(Error::invalid(
                    Code::OutOfRange,
                    "priority_fee_cents",
                    "cannot be negative",
                ));
            }
        }
        if let Some(pct) = self.priority_surcharge_pct {
            if !(0..=MAX_SURCHARGE_PCT).contains(&pct) {
                return Err(Error::invalid(
                    Code::OutOfRange,
                    "priority_surcharge_pct",
                    format!("must be between 0% and {MAX_SURCHARGE_PCT}%"),
                ));
            }
        }
        let channels = classes::channels("free_hours_channels", &self.free_hours_channels)?;
        if !channels.is_empty() && kind != ContractKind::FreeHours {
            return Err(Error::invalid(
                Code::OutOfRange,
                "free_hours_channels",
                "only a free-hours contract can be bound to channels",
            ));
        }
        let opt = |v: Option<i64>| v.map_or(serde_json::Value::Null, serde_json::Value::from);
        Ok(vec![
            ("priority_fee_cents", opt(self.priority_fee_cents)),
            ("priority_surcharge_pct", opt(self.priority_surcharge_pct)),
            ("free_hours_channels", json_text(&channels)),
        ])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn terms_are_checked() {
        let ok = BillingTerms {
            priority_fee_cents: Some(2_500),
            priority_surcharge_pct: Some(20),
            free_hours_channels: vec!["Email".into(), "web-form".into()],
        };
        let fields = ok.validated_fields(ContractKind::FreeHours).unwrap();
        assert_eq!(
            fields[2].1,
            serde_json::Value::from(r#"["email","web_form"]"#)
        );
        assert!(ok.bills_priority());
        let stored = BillingTerms {
            free_hours_channels: vec!["email".into()],
            ..BillingTerms::default()
        };
        assert!(stored.free_hours_allow("email"));
        assert!(!stored.free_hours_allow("phone"));
        assert!(BillingTerms::default().free_hours_allow("phone"));
        let err = ok.validated_fields(ContractKind::Sla).unwrap_err();
        assert_eq!(err.code(), Code::OutOfRange);
        for bad in [
            BillingTerms {
                priority_fee_cents: Some(-1),
                ..BillingTerms::default()
            },
            BillingTerms {
                priority_surcharge_pct: Some(1001),
                ..BillingTerms::default()
            },
        ] {
            assert_eq!(
                bad.validated_fields(ContractKind::Sla).unwrap_err().code(),
                Code::OutOfRange
            );
        }
        let unknown = BillingTerms {
            free_hours_channels: vec!["fax".into()],
            ..BillingTerms::default()
        };
        assert_eq!(
            unknown
                .validated_fields(ContractKind::FreeHours)
                .unwrap_err()
                .code(),
            Code::InvalidFormat
        );
    }
}

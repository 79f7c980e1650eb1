//! Which contract governs a ticket: its SLA clocks, the rounding and minimum of its interventions,
//! the rates of work not covered, and whether closing it consumes an incident-pack ticket.
//!
//! The rule (shown to the user with the reason):
//! 1. the contract chosen by hand on the ticket, if any;
//! 2. otherwise, among the client's contracts valid on the day the problem was reported (not
//!    archived; free hours only while the client is in the contract's class), the first kind in
//!    this order: SLA, incident pack, hour package, free hours, time and materials;
//! 3. within a kind: for SLA and time and materials the most recent start (a renewal replaces the
//!    old terms); for packs, packages and free hours the earliest expiry (the order they are used up).
//!    Ties go to the larger id, so every device chooses the same contract.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use super::{Contract, ContractKind};
use crate::ids::ContractId;
use crate::macros::string_enum;

string_enum! {
    /// Why a contract governs a ticket.
    GoverningReason, field = "governing_reason" {
        /// Chosen by hand on the ticket.
        Manual => "manual",
        /// The valid contract of the highest-ranking kind (see the module's rule).
        Automatic => "automatic",
        /// No valid contract on the day: time and materials at the shop's rates.
        NoContract => "no_contract",
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Governing {
    pub contract: Option<Contract>,
    pub reason: GoverningReason,
}

fn kind_rank(k: ContractKind) -> u8 {
    match k {
        ContractKind::Sla => 0,
        ContractKind::IncidentPack => 1,
        ContractKind::HourPackage => 2,
        ContractKind::FreeHours => 3,
        ContractKind::TimeMaterials => 4,
    }
}

/// Whether a contract applies to a client on a date (validity, archive, class for free hours).
pub fn applies(c: &Contract, client_class: &str, date: NaiveDate) -> bool {
    c.is_valid_on(date)
        && (c.terms.kind != ContractKind::FreeHours
            || c.terms.customer_class.as_deref() == Some(client_class))
}

/// Applies the rule to a client's contracts.
pub fn choose(
    contracts: &[Contract],
    client_class: &str,
    reported_on: NaiveDate,
    chosen: Option<ContractId>,
) -> Governing {
    if let Some(id) = chosen {
        if let Some(c) = contracts.iter().find(|c| c.id == id) {
            return Governing {
                contract: Some(c.clone()),
                reason: GoverningReason::Manual,
            };
        }
    }
    let best = contracts
        .iter()
        .filter(|c| applies(c, client_class, reported_on))
        .min_by(|a, b| {
            kind_rank(a.terms.kind)
                .cmp(&kind_rank(b.terms.kind))
                .then_with(|| match a.terms.kind {
                    ContractKind::Sla | ContractKind::TimeMaterials => b.starts().cmp(&a.starts()),
                    _ => a.ends().cmp(&b.ends()).then(a.starts().cmp(&b.starts())),
                })
                .then(b.id.cmp(&a.id))
        });
    match best {
        Some(c) => Governing {
            contract: Some(c.clone()),
            reason: GoverningReason::Automatic,
        },
        None => Governing {
            contract: None,
            reason: GoverningReason::NoContract,
        },
    }
}

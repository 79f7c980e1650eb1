//! Waiting for a third party (a carrier, a vendor, a provider): who the ticket waits for, named
//! when it enters the state, kept on the ticket while it waits and on the status event for good.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::validate::{self, limits};
pub use rapportino_model::vocab::PartyKind;

/// Who a ticket waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WaitingParty {
    pub kind: PartyKind,
    /// The party's name (Fastweb, BRT, the vendor's name): trimmed, 1 to 120 characters.
    pub name: String,
}

impl WaitingParty {
    /// "Fastweb (operatore)": how the history, the lists and the report name the party.
    pub fn label(&self, locale: rapportino_model::labels::Locale) -> String {
        format!("{} ({})", self.name, self.kind.label(locale).to_lowercase())
    }
}

/// The party a move asks for, checked: required (with a name) to wait for a third party,
/// refused on any other move (it would be recorded nowhere).
pub(crate) fn checked(
    to: super::TicketStatus,
    party: Option<&WaitingParty>,
) -> Result<Option<WaitingParty>> {
    match party {
        Some(p) if to.needs_party() => Ok(Some(WaitingParty {
            kind: p.kind,
            name: validate::required_text("party", &p.name, limits::SHORT)?,
        })),
        None if to.needs_party() => Err(Error::invalid(
            Code::Required,
            "party",
            "waiting for a third party needs who we wait for (kind and name)",
        )),
        Some(_) => Err(Error::invalid(
            Code::Inconsistent,
            "party",
            format!("only waiting for a third party names a party, not {to}"),
        )),
        None => Ok(None),
    }
}

/// The party stored in two nullable columns (kind, name): both or none.
pub(crate) fn from_columns(kind: Option<PartyKind>, name: Option<String>) -> Option<WaitingParty> {
    Some(WaitingParty {
        kind: kind?,
        name: name?,
    })
}

/// One stretch a ticket spent waiting for a third party, from its status history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThirdPartyWait {
    pub party: WaitingParty,
    /// When the wait began (RFC 3339, as stored).
    pub from: String,
    /// When it ended (None: still waiting).
    pub until: Option<String>,
}

/// The waits for a third party in a status history (oldest first, as [`super::events`] gives it).
pub fn third_party_waits(events: &[super::TicketEvent]) -> Vec<ThirdPartyWait> {
    let mut out: Vec<ThirdPartyWait> = Vec::new();
    for e in events {
        if e.from_status.is_some_and(|s| s.needs_party()) {
            if let Some(open) = out.last_mut().filter(|w| w.until.is_none()) {
                open.until = Some(e.at.clone());
            }
        }
        if let (true, Some(party)) = (e.to_status.needs_party(), &e.waiting_party) {
            out.push(ThirdPartyWait {
                party: party.clone(),
                from: e.at.clone(),
                until: None,
            });
        }
    }
    out
}

//! What a quote prints, and what acceptance freezes: plain data resolved to the texts on paper
//! (Italian labels, dd/mm/yyyy dates, cents). The PDF renderer (`rapportino-pdf`) draws it and
//! looks nothing up. Canonical JSON like a signed report's (field order as declared here).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{get, Quote, QuoteLineKind, QuoteState};
use crate::error::{Code, Error, Result};
use crate::ids::QuoteId;
use crate::reports::content::{client_party, shop_party};
use crate::reports::{signing, Labelled, Party, Signature, Verification};
use crate::store::Store;
use crate::vat::VatTotals;

/// One line as printed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct QuoteLinePrinted {
    pub kind: Labelled,
    pub description: String,
    pub quantity: f64,
    pub unit: String,
    pub unit_price_cents: i64,
    pub vat_rate: i64,
    /// Before VAT.
    pub total_cents: i64,
}

/// Everything a quote prints; frozen inside the snapshot once accepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct QuoteContent {
    /// `P-{year}-{device code}-{seq:04}`
    pub number: String,
    /// Date of issue (`dd/mm/yyyy`).
    pub date: String,
    /// `dd/mm/yyyy`, included.
    pub valid_until: String,
    pub shop: Party,
    pub client: Party,
    /// `T-… — title` of the ticket the quote is for.
    pub ticket: Option<String>,
    pub lines: Vec<QuoteLinePrinted>,
    /// Imponibile per rate, IVA per rate, totale. Prices are "IVA esclusa".
    pub totals: VatTotals,
    pub notes: Option<String>,
}

/// What acceptance freezes: the content as shown, the customer's vector signature, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteSnapshot {
    pub format: u32,
    pub content: QuoteContent,
    pub customer: Signature,
    /// UTC instant of acceptance (RFC 3339).
    pub accepted_at: String,
}

impl QuoteSnapshot {
    /// The canonical bytes that are stored and hashed.
    pub fn canonical_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Inconsistent(e.to_string()))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AcceptedBlock {
    pub customer: Signature,
    /// Local date and time of acceptance (`dd/mm/yyyy HH:MM`).
    pub accepted_at: String,
    /// SHA-256 of the snapshot, lowercase hex.
    pub sha256: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct RefusedBlock {
    /// `dd/mm/yyyy`
    pub refused_on: String,
    pub reason: Option<String>,
}

/// What the quote renderer draws.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct QuoteDocument {
    pub content: QuoteContent,
    /// `draft`… and its label (`Bozza`, `Inviato`, `Accettato`, `Rifiutato`, `Scaduto`).
    pub state: Labelled,
    pub accepted: Option<AcceptedBlock>,
    pub refused: Option<RefusedBlock>,
}

/// `YYYY-MM-DD` → `dd/mm/yyyy` (anything else unchanged).
pub(crate) fn italian_date(iso: &str) -> String {
    crate::reports::content::italian_date(iso)
}

/// The content of `q` as it reads now (a draft's or a sent quote's live view).
pub(super) fn content(store: &Store, q: &Quote) -> Result<QuoteContent> {
    let tz = store.tz();
    let client = crate::clients::get(store, q.client_id)?;
    let status = crate::setup::status(store)?;
    let ticket = match q.ticket_id {
        Some(t) => {
            let t = crate::tickets::get(store, t)?;
            Some(format!("{} — {}", t.number, t.title))
        }
        None => None,
    };
    let issued = crate::time::parse_instant(&q.created_at)?;
    Ok(QuoteContent {
        number: q.number.clone(),
        date: crate::time::local_date(issued, tz)
            .format("%d/%m/%Y")
            .to_string(),
        valid_until: italian_date(&q.valid_until),
        shop: shop_party(status.shop.as_ref()),
        client: client_party(&client),
        ticket,
        lines: q
            .lines
            .iter()
            .map(|l| QuoteLinePrinted {
                kind: Labelled {
                    code: l.kind.as_str().to_owned(),
                    label: l.kind.label().to_owned(),
                },
                description: l.description.clone(),
                quantity: l.quantity,
                unit: l.unit.clone(),
                unit_price_cents: l.unit_price_cents,
                vat_rate: l.vat_rate,
                total_cents: l.total_cents,
            })
            .collect(),
        totals: q.totals.clone(),
        notes: q.notes.clone(),
    })
}

fn stored_snapshot(store: &Store, id: QuoteId) -> Result<(String, String)> {
    let (snapshot, sha): (Option<String>, Option<String>) = store
        .conn()
        .prepare_cached("SELECT snapshot, snapshot_sha256 FROM quotes WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    match (snapshot, sha) {
        (Some(s), Some(h)) => Ok((s, h)),
        _ => Err(Error::Inconsistent(format!(
            "quote {id} is accepted without its snapshot"
        ))),
    }
}

/// What the PDF prints: an accepted quote from its frozen snapshot only, whatever happened since;
/// any other from the live content.
pub fn document(store: &Store, id: QuoteId) -> Result<QuoteDocument> {
    let q = get(store, id)?;
    let state = Labelled {
        code: q.state.as_str().to_owned(),
        label: q.state.label().to_owned(),
    };
    let refused = (q.state == QuoteState::Refused).then(|| RefusedBlock {
        refused_on: q
            .refused_at
            .as_deref()
            .and_then(|t| crate::time::parse_instant(t).ok())
            .map(|t| {
                crate::time::local_date(t, store.tz())
                    .format("%d/%m/%Y")
                    .to_string()
            })
            .unwrap_or_default(),
        reason: q.refusal_reason.clone(),
    });
    if q.state != QuoteState::Accepted {
        return Ok(QuoteDocument {
            content: content(store, &q)?,
            state,
            accepted: None,
            refused,
        });
    }
    let (json, sha256) = stored_snapshot(store, id)?;
    let snap: QuoteSnapshot = serde_json::from_str(&json).map_err(|e| {
        Error::invalid(
            Code::HashMismatch,
            "snapshot",
            format!("the accepted snapshot of {} cannot be read: {e}", q.number),
        )
    })?;
    Ok(QuoteDocument {
        state,
        accepted: Some(AcceptedBlock {
            accepted_at: crate::format::local_datetime(&snap.accepted_at, store.tz()),
            customer: snap.customer,
            sha256,
        }),
        content: snap.content,
        refused: None,
    })
}

/// Recomputes the SHA-256 of an accepted quote's stored snapshot, and checks it is still
/// canonical, like a signed report's.
pub fn verify(store: &Store, id: QuoteId) -> Result<Verification> {
    let q = get(store, id)?;
    if q.state != QuoteState::Accepted {
        return Err(Error::invalid(
            Code::QuoteState,
            "quote",
            format!(
                "{} is not accepted: only an accepted quote carries a hash",
                q.number
            ),
        ));
    }
    let (snapshot, stored) = stored_snapshot(store, id)?;
    let computed = signing::sha256_hex(snapshot.as_bytes());
    let canonical = serde_json::from_str::<QuoteSnapshot>(&snapshot)
        .ok()
        .and_then(|s| s.canonical_json().ok())
        .is_some_and(|c| c == snapshot);
    Ok(Verification {
        number: q.number,
        matches: stored == computed,
        stored_sha256: stored,
        computed_sha256: computed,
        canonical,
        signed_at: q.accepted_at.unwrap_or_default(),
        signer_name: q.signer_name.unwrap_or_default(),
    })
}

impl QuoteLineKind {
    /// The printed form of the kind (code and label).
    pub fn labelled(self) -> Labelled {
        Labelled {
            code: self.as_str().to_owned(),
            label: self.label().to_owned(),
        }
    }
}

//! A technician's own signature, drawn once (Settings › Tecnici) and applied to reports with one
//! click instead of being redrawn at every client.
//!
//! Kept only on this device (`local_state`, never synced): it is personal data, and only kept after
//! the technician's explicit consent, which is recorded with it. Forgetting it deletes it. The
//! strokes are checked like any signature at signing time; applying them is still the
//! technician's act (the report is signed only when they press "Firma").

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::document::Signature;
use super::signing::clean_signature;
use crate::error::{Code, Error, Result};
use crate::ids::TechnicianId;
use crate::store::{local_get, local_set, Store};
use crate::technicians;
use crate::time::format_instant;

/// A stored signature and when its owner agreed to keep it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OwnSignature {
    pub technician_id: TechnicianId,
    /// Strokes as drawn; the name is the technician's.
    pub signature: Signature,
    /// UTC instant of the consent (RFC 3339).
    pub consented_at: String,
}

fn key(technician: TechnicianId) -> String {
    format!("technician_signature:{technician}")
}

/// Keeps `signature` as the technician's own. Refused without `consent` (CONSENT_REQUIRED) and
/// for strokes that are not a signature (SIGNATURE_EMPTY / SIGNATURE_INVALID); replaces any
/// earlier one.
pub fn save(
    store: &mut Store,
    technician: TechnicianId,
    signature: &Signature,
    consent: bool,
) -> Result<OwnSignature> {
    if !consent {
        return Err(Error::invalid(
            Code::ConsentRequired,
            "consent",
            "the signature is kept only with the technician's consent",
        ));
    }
    let owner = technicians::get(store, technician)?;
    let mut named = signature.clone();
    named.signer_name = owner.name;
    let own = OwnSignature {
        technician_id: technician,
        signature: clean_signature("technician", &named)?,
        consented_at: format_instant(store.now()),
    };
    let json = serde_json::to_string(&own).map_err(|e| Error::Inconsistent(e.to_string()))?;
    local_set(store.conn(), &key(technician), &json)?;
    Ok(own)
}

/// The technician's stored signature on this device, if any (a damaged entry reads as none).
pub fn get(store: &Store, technician: TechnicianId) -> Result<Option<OwnSignature>> {
    Ok(local_get(store.conn(), &key(technician))?
        .and_then(|json| serde_json::from_str::<OwnSignature>(&json).ok())
        .filter(|own| own.technician_id == technician))
}

/// Deletes the stored signature (withdrawn consent). Forgetting none is not an error.
pub fn forget(store: &mut Store, technician: TechnicianId) -> Result<()> {
    store
        .conn()
        .execute("DELETE FROM local_state WHERE key = ?1", [key(technician)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::reports::{Stroke, StrokePoint};
    use crate::technicians::{self, TechnicianInput};

    fn drawn() -> Signature {
        Signature {
            signer_name: String::new(),
            width: 400.0,
            height: 150.0,
            strokes: vec![Stroke {
                points: (0..30)
                    .map(|i| StrokePoint {
                        x: 10.0 + f64::from(i) * 12.0,
                        y: 70.0 + (f64::from(i) / 3.0).sin() * 40.0,
                        pressure: 0.5,
                        t: i64::from(i) * 10,
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn kept_only_with_consent_named_after_its_owner_and_forgotten_on_request() {
        let mut store = Store::open_in_memory().unwrap();
        let tech = technicians::create(
            &mut store,
            &TechnicianInput {
                code: "MR".into(),
                name: "Marco Rinaldi".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let err = save(&mut store, tech.id, &drawn(), false).unwrap_err();
        assert_eq!(err.code(), Code::ConsentRequired);
        assert_eq!(get(&store, tech.id).unwrap(), None, "nothing kept");

        let mut empty = drawn();
        empty.strokes.clear();
        let err = save(&mut store, tech.id, &empty, true).unwrap_err();
        assert_eq!(err.code(), Code::SignatureEmpty);

        let changes = |s: &Store| -> i64 {
            s.conn()
                .query_row("SELECT COUNT(*) FROM change_log", [], |r| r.get(0))
                .unwrap()
        };
        let before = changes(&store);
        let kept = save(&mut store, tech.id, &drawn(), true).unwrap();
        assert_eq!(kept.signature.signer_name, "Marco Rinaldi");
        assert_eq!(get(&store, tech.id).unwrap(), Some(kept));
        assert_eq!(
            changes(&store),
            before,
            "never in the change log: it does not sync"
        );

        forget(&mut store, tech.id).unwrap();
        assert_eq!(get(&store, tech.id).unwrap(), None);
        forget(&mut store, tech.id).unwrap();
    }
}

//! Signatures and the signed snapshot: validation of the captured strokes, the canonical JSON that
//! signing freezes, and its SHA-256.
//!
//! Canonical form: `serde_json` of [`SignedSnapshot`], fields in declaration order, no whitespace,
//! coordinates rounded to 1/100 of a unit (so what is stored re-serialises to the same bytes).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Result};
use crate::reports::document::{CustomerAbsence, ReportContent, Signature, Stroke, StrokePoint};
use crate::reports::SignInput;
use crate::validate::{self, limits};

/// Version of the snapshot layout; bumped only if the canonical form ever changes.
pub const SNAPSHOT_FORMAT: u32 = 1;
/// Limits that keep a signature a signature (a scribble of a few seconds is ~1,000 points).
pub const MAX_STROKES: usize = 300;
pub const MAX_POINTS: usize = 20_000;
/// Box sizes accepted, in CSS pixels.
const MIN_BOX: f64 = 40.0;
const MAX_BOX: f64 = 4_000.0;
/// Less ink than this (in box units) is a tap, not a signature.
const MIN_INK: f64 = 15.0;

/// What signing freezes: the content as printed, both signatures, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedSnapshot {
    pub format: u32,
    pub content: ReportContent,
    /// None when the technician signed alone (`customer_absence` says why). `Some` serialises as
    /// the signature itself, so snapshots signed before absences existed keep their bytes.
    pub customer: Option<Signature>,
    pub technician: Signature,
    /// UTC instant of signing (RFC 3339).
    pub signed_at: String,
    /// Left out of the JSON when absent, for the same reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_absence: Option<CustomerAbsence>,
}

impl SignedSnapshot {
    /// The canonical bytes that are stored and hashed.
    pub fn canonical_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Inconsistent(e.to_string()))
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The customer's side of a signing: their signature, or the reason the technician signs alone —
/// exactly one of the two (REQUIRED when neither, SIGNATURE_INVALID when both).
pub fn customer_side(input: &SignInput) -> Result<(Option<Signature>, Option<CustomerAbsence>)> {
    match (&input.customer, &input.customer_absence) {
        (Some(_), Some(_)) => Err(Error::invalid(
            Code::SignatureInvalid,
            "customer_signature",
            "either the customer signs or the report says why they did not, not both",
        )),
        (None, None) => Err(Error::invalid(
            Code::Required,
            "customer_signature",
            "the customer's signature is required (or say that the customer is absent or refuses)",
        )),
        (Some(sig), None) => Ok((Some(clean_signature("customer", sig)?), None)),
        (None, Some(a)) => {
            let note =
                validate::optional_text("customer_absence_note", Some(&a.note), limits::SHORT * 4)?;
            Ok((
                None,
                Some(CustomerAbsence {
                    reason: a.reason,
                    note: note.unwrap_or_default(),
                }),
            ))
        }
    }
}

/// Checks a captured signature and returns it cleaned (name trimmed, coordinates rounded).
/// `who` is `customer` or `technician` (error fields: `customer_signature`, `customer_signer_name`…).
pub fn clean_signature(who: &'static str, s: &Signature) -> Result<Signature> {
    let (sig_field, name_field) = match who {
        "customer" => ("customer_signature", "customer_signer_name"),
        _ => ("technician_signature", "technician_signer_name"),
    };
    let signer_name = validate::required_text(name_field, &s.signer_name, limits::NAME)?;
    let invalid = |msg: String| Error::invalid(Code::SignatureInvalid, sig_field, msg);
    // A range never contains NaN or infinities: this also refuses non-numbers.
    let sizes = MIN_BOX..=MAX_BOX;
    if !(sizes.contains(&s.width) && sizes.contains(&s.height)) {
        return Err(invalid(format!(
            "the signature box must be between {MIN_BOX} and {MAX_BOX} units wide and high"
        )));
    }
    if s.strokes.len() > MAX_STROKES {
        return Err(invalid(format!("more than {MAX_STROKES} strokes")));
    }
    let points: usize = s.strokes.iter().map(|st| st.points.len()).sum();
    if points > MAX_POINTS {
        return Err(invalid(format!("more than {MAX_POINTS} points")));
    }
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let (mx, my) = (s.width * 0.02, s.height * 0.02);
    let mut strokes = Vec::with_capacity(s.strokes.len());
    let mut ink = 0.0;
    for st in &s.strokes {
        let mut pts = Vec::with_capacity(st.points.len());
        for p in &st.points {
            if !(p.x.is_finite() && p.y.is_finite() && p.pressure.is_finite()) {
                return Err(invalid("a point is not a number".into()));
            }
            if p.x < -mx || p.y < -my || p.x > s.width + mx || p.y > s.height + my {
                return Err(invalid(format!(
                    "point ({:.1}, {:.1}) is outside the {:.0}×{:.0} box",
                    p.x, p.y, s.width, s.height
                )));
            }
            if !(0.0..=1.0).contains(&p.pressure) {
                return Err(invalid(format!(
                    "pressure {} is not within 0–1",
                    p.pressure
                )));
            }
            pts.push(StrokePoint {
                x: round(p.x.clamp(0.0, s.width)),
                y: round(p.y.clamp(0.0, s.height)),
                pressure: round(p.pressure),
                t: p.t.max(0),
            });
        }
        ink += pts
            .windows(2)
            .map(|w| ((w[1].x - w[0].x).powi(2) + (w[1].y - w[0].y).powi(2)).sqrt())
            .sum::<f64>();
        if !pts.is_empty() {
            strokes.push(Stroke { points: pts });
        }
    }
    if strokes.iter().all(|st| st.points.len() < 2) || ink < MIN_INK {
        return Err(Error::invalid(
            Code::SignatureEmpty,
            sig_field,
            "the signature is empty: sign in the box",
        ));
    }
    Ok(Signature {
        signer_name,
        width: round(s.width),
        height: round(s.height),
        strokes,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::reports::SignatureAbsence;

    fn sig(points: &[(f64, f64)]) -> Signature {
        Signature {
            signer_name: "Anna Bianchi".into(),
            width: 400.0,
            height: 150.0,
            strokes: vec![Stroke {
                points: points
                    .iter()
                    .enumerate()
                    .map(|(i, &(x, y))| StrokePoint {
                        x,
                        y,
                        pressure: 0.5,
                        t: i as i64 * 8,
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn a_real_stroke_is_kept_and_rounded() {
        let s = clean_signature("customer", &sig(&[(10.123, 20.0), (60.0, 80.456)])).unwrap();
        assert_eq!(s.strokes[0].points[0].x, 10.12);
        assert_eq!(s.strokes[0].points[1].y, 80.46);
    }

    #[test]
    fn a_tap_or_nothing_is_empty() {
        for points in [
            &[][..],
            &[(10.0, 10.0)][..],
            &[(10.0, 10.0), (11.0, 10.0)][..],
        ] {
            let err = clean_signature("customer", &sig(points)).unwrap_err();
            assert_eq!(err.code(), Code::SignatureEmpty, "{points:?}");
            assert_eq!(err.field(), Some("customer_signature"));
        }
    }

    #[test]
    fn the_signer_name_is_required() {
        let mut s = sig(&[(10.0, 10.0), (100.0, 100.0)]);
        s.signer_name = "  ".into();
        let err = clean_signature("customer", &s).unwrap_err();
        assert_eq!(err.code(), Code::Required);
        assert_eq!(err.field(), Some("customer_signer_name"));
    }

    #[test]
    fn points_outside_the_box_or_bad_numbers_are_refused() {
        for points in [
            [(10.0, 10.0), (900.0, 10.0)],
            [(10.0, f64::NAN), (20.0, 20.0)],
        ] {
            let err = clean_signature("technician", &sig(&points)).unwrap_err();
            assert_eq!(err.code(), Code::SignatureInvalid);
            assert_eq!(err.field(), Some("technician_signature"));
        }
    }

    #[test]
    fn canonical_json_round_trips_to_the_same_bytes() {
        let snap = SignedSnapshot {
            format: SNAPSHOT_FORMAT,
            content: ReportContent {
                number: "RI-2026-MR-0001".into(),
                work_done: "Sostituito l'alimentatore – perché guasto, 12 €".into(),
                travel_km: 12.3,
                ..Default::default()
            },
            customer: Some(
                clean_signature("customer", &sig(&[(1.0 / 3.0, 2.0), (90.0, 70.7)])).unwrap(),
            ),
            technician: clean_signature("technician", &sig(&[(5.0, 5.0), (50.0, 50.0)])).unwrap(),
            signed_at: "2026-11-20T10:00:00Z".into(),
            customer_absence: None,
        };
        let a = snap.canonical_json().unwrap();
        let back: SignedSnapshot = serde_json::from_str(&a).unwrap();
        assert_eq!(back.canonical_json().unwrap(), a);
        assert_eq!(sha256_hex(a.as_bytes()).len(), 64);
        // Signed before absences existed: same keys, same order, so old hashes still verify.
        assert!(!a.contains("customer_absence"), "{a}");
        assert!(a.contains(r#""customer":{"signer_name":"#), "{a}");

        let alone = SignedSnapshot {
            customer: None,
            customer_absence: Some(CustomerAbsence {
                reason: SignatureAbsence::Refused,
                note: "non concorda sulle ore".into(),
            }),
            ..snap
        };
        let b = alone.canonical_json().unwrap();
        assert!(b.contains(r#""customer":null"#), "{b}");
        assert!(
            b.ends_with(
                r#""customer_absence":{"reason":"refused","note":"non concorda sulle ore"}}"#
            ),
            "{b}"
        );
        let back: SignedSnapshot = serde_json::from_str(&b).unwrap();
        assert_eq!(back, alone);
        assert_eq!(back.canonical_json().unwrap(), b);
    }

    #[test]
    fn the_customer_signs_or_the_report_says_why_not_never_both() {
        let customer = Some(sig(&[(10.0, 10.0), (200.0, 80.0)]));
        let technician = sig(&[(5.0, 5.0), (50.0, 50.0)]);
        let absent = Some(CustomerAbsence {
            reason: SignatureAbsence::Absent,
            note: "  ".into(),
        });
        let input = |customer, customer_absence| SignInput {
            customer,
            technician: technician.clone(),
            customer_absence,
        };
        let err = customer_side(&input(None, None)).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (Code::Required, Some("customer_signature"))
        );
        let err = customer_side(&input(customer.clone(), absent.clone())).unwrap_err();
        assert_eq!(err.code(), Code::SignatureInvalid);
        let (sig_only, none) = customer_side(&input(customer, None)).unwrap();
        assert!(sig_only.is_some() && none.is_none());
        let (none, why) = customer_side(&input(None, absent)).unwrap();
        assert!(none.is_none());
        assert_eq!(why.unwrap().note, "", "a blank note is trimmed away");
        let long = Some(CustomerAbsence {
            reason: SignatureAbsence::Refused,
            note: "x".repeat(481),
        });
        let err = customer_side(&input(None, long)).unwrap_err();
        assert_eq!(err.field(), Some("customer_absence_note"));
    }
}

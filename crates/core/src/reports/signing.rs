//! Signatures and the signed snapshot: validation of the captured strokes, the canonical JSON that
//! signing freezes, and its SHA-256.
//!
//! Canonical form: `serde_json` of [`SignedSnapshot`], fields in declaration order, no whitespace,
//! coordinates rounded to 1/100 of a unit (so what is stored re-serialises to the same bytes).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Result};
use crate::reports::document::{ReportContent, Signature, Stroke, StrokePoint};
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
    pub customer: Signature,
    pub technician: Signature,
    /// UTC instant of signing (RFC 3339).
    pub signed_at: String,
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
            customer: clean_signature("customer", &sig(&[(1.0 / 3.0, 2.0), (90.0, 70.7)])).unwrap(),
            technician: clean_signature("technician", &sig(&[(5.0, 5.0), (50.0, 50.0)])).unwrap(),
            signed_at: "2026-11-20T10:00:00Z".into(),
        };
        let a = snap.canonical_json().unwrap();
        let back: SignedSnapshot = serde_json::from_str(&a).unwrap();
        assert_eq!(back.canonical_json().unwrap(), a);
        assert_eq!(sha256_hex(a.as_bytes()).len(), 64);
    }
}

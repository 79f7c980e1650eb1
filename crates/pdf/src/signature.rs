//! Signature strokes as smooth vector paths, shared by the PDF and the HTML renderers.
//!
//! A stroke's points are joined by Catmull-Rom curves (as cubic Béziers, so the ink passes
//! through every captured point), then cut into short runs of a few segments; each run is drawn
//! with a width from its mean pressure, and round caps make consecutive runs join seamlessly.

use rapportino_core::reports::Signature;

/// Segments per run: short enough for the width to follow the pressure, long enough to keep the
/// path count low.
const RUN_SEGMENTS: usize = 4;
/// Stroke width in pt at pressure 0 and 1.
const MIN_WIDTH: f64 = 0.6;
const MAX_WIDTH: f64 = 1.8;

pub(crate) type P = (f64, f64);

/// A piece of one stroke in the signature box's own units (y down): a start point and cubic
/// segments `[c1, c2, end]`, drawn at one width.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub start: P,
    pub segments: Vec<[P; 3]>,
    /// Stroke width in pt.
    pub width_pt: f64,
}

/// Width in pt for a pressure in 0–1 (out-of-range values are clamped).
pub(crate) fn width_for(pressure: f64) -> f64 {
    let p = if pressure.is_finite() {
        pressure.clamp(0.0, 1.0)
    } else {
        0.5
    };
    MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * p
}

/// The box the strokes live in: the declared one, or the strokes' extent when it is degenerate.
pub(crate) fn box_size(sig: &Signature) -> (f64, f64) {
    if sig.width > 0.0 && sig.height > 0.0 && sig.width.is_finite() && sig.height.is_finite() {
        return (sig.width, sig.height);
    }
    let (mut w, mut h) = (1.0f64, 1.0f64);
    for p in sig.strokes.iter().flat_map(|s| s.points.iter()) {
        if p.x.is_finite() && p.y.is_finite() {
            w = w.max(p.x);
            h = h.max(p.y);
        }
    }
    (w, h)
}

/// All runs of a signature, in box units.
pub(crate) fn runs(sig: &Signature) -> Vec<Run> {
    let (bw, bh) = box_size(sig);
    let mut out = Vec::new();
    for stroke in &sig.strokes {
        // Clamp into the box and drop repeated points.
        let mut pts: Vec<(P, f64)> = Vec::with_capacity(stroke.points.len());
        for p in &stroke.points {
            if !(p.x.is_finite() && p.y.is_finite()) {
                continue;
            }
            let q = (p.x.clamp(0.0, bw), p.y.clamp(0.0, bh));
            if pts.last().is_some_and(|(last, _)| *last == q) {
                continue;
            }
            pts.push((q, p.pressure));
        }
        match pts.len() {
            0 => {}
            1 => {
                // A dot: a zero-length path, painted as a disc by the round cap.
                let (q, pr) = pts[0];
                out.push(Run {
                    start: q,
                    segments: vec![[q, q, q]],
                    width_pt: width_for(pr),
                });
            }
            n => {
                let at = |i: isize| pts[i.clamp(0, n as isize - 1) as usize].0;
                let mut i = 0usize;
                while i + 1 < n {
                    let end = (i + RUN_SEGMENTS).min(n - 1);
                    let segments = (i..end)
                        .map(|k| {
                            let k = k as isize;
                            let (p0, p1, p2, p3) = (at(k - 1), at(k), at(k + 1), at(k + 2));
                            let c1 = (p1.0 + (p2.0 - p0.0) / 6.0, p1.1 + (p2.1 - p0.1) / 6.0);
                            let c2 = (p2.0 - (p3.0 - p1.0) / 6.0, p2.1 - (p3.1 - p1.1) / 6.0);
                            [c1, c2, p2]
                        })
                        .collect();
                    let pressure =
                        pts[i..=end].iter().map(|(_, pr)| *pr).sum::<f64>() / (end - i + 1) as f64;
                    out.push(Run {
                        start: pts[i].0,
                        segments,
                        width_pt: width_for(pressure),
                    });
                    i = end;
                }
            }
        }
    }
    out
}

/// Maps box units into a target rectangle, keeping the aspect ratio and centring.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fit {
    pub scale: f64,
    pub dx: f64,
    pub dy: f64,
}

impl Fit {
    /// Fit a `w` × `h` box into `tw` × `th`.
    pub(crate) fn new(w: f64, h: f64, tw: f64, th: f64) -> Fit {
        let scale = (tw / w).min(th / h);
        Fit {
            scale,
            dx: (tw - w * scale) / 2.0,
            dy: (th - h * scale) / 2.0,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rapportino_core::reports::{Stroke, StrokePoint};

    fn pt(x: f64, y: f64, pressure: f64) -> StrokePoint {
        StrokePoint {
            x,
            y,
            pressure,
            t: 0,
        }
    }

    #[test]
    fn a_stroke_becomes_runs_that_pass_through_every_point() {
        let points: Vec<StrokePoint> = (0..10)
            .map(|i| pt(i as f64 * 10.0, 50.0, i as f64 / 10.0))
            .collect();
        let sig = Signature {
            signer_name: "A".into(),
            width: 300.0,
            height: 100.0,
            strokes: vec![Stroke { points }],
        };
        let runs = runs(&sig);
        assert_eq!(runs.len(), 3); // 9 segments in runs of 4, 4, 1
        assert_eq!(runs[0].start, (0.0, 50.0));
        assert_eq!(runs[1].start, runs[0].segments.last().unwrap()[2]);
        assert_eq!(runs[2].segments.last().unwrap()[2], (90.0, 50.0));
        assert!(
            runs[0].width_pt < runs[2].width_pt,
            "width follows pressure"
        );
        assert!(runs
            .iter()
            .all(|r| (MIN_WIDTH..=MAX_WIDTH).contains(&r.width_pt)));
    }

    #[test]
    fn a_single_point_is_a_dot() {
        let sig = Signature {
            signer_name: "A".into(),
            width: 10.0,
            height: 10.0,
            strokes: vec![Stroke {
                points: vec![pt(3.0, 4.0, 0.5), pt(3.0, 4.0, 0.5)],
            }],
        };
        let runs = runs(&sig);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].segments, vec![[(3.0, 4.0); 3]]);
    }

    #[test]
    fn fit_keeps_the_aspect_ratio() {
        let f = Fit::new(300.0, 100.0, 150.0, 100.0);
        assert_eq!(f.scale, 0.5);
        assert_eq!(f.dx, 0.0);
        assert_eq!(f.dy, 25.0);
    }
}

//! Pieces both documents share: Italian number formats, the shop header with the logo, and the
//! party blocks (client, site).

use printpdf::{Op, Pt, XObjectId, XObjectTransform};
use rapportino_core::format::hours_minutes;
use rapportino_core::reports::Party;

use crate::canvas::{baseline, Canvas, Style, ACCENT, BODY, INK, LEFT, MM, MUTED, RIGHT, RULE};
use crate::fonts::Face;

/// `95` minutes → `1 h 35 min`.
pub(crate) fn dur(minutes: i64) -> String {
    hours_minutes(minutes.saturating_mul(60))
}

/// A decimal with at most two digits after the comma, Italian style: `2`, `1,5`, `0,25`,
/// `1.250` (thousands grouped).
pub(crate) fn decimal(value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let cents = (value * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    match abs % 100 {
        0 => format!("{sign}{grouped}"),
        f if f % 10 == 0 => format!("{sign}{grouped},{}", f / 10),
        f => format!("{sign}{grouped},{f:02}"),
    }
}

/// Minutes as hours with one decimal for charts: `450` → `7,5 h`.
pub(crate) fn hours_short(minutes: i64) -> String {
    let tenths = (minutes as f64 / 6.0).round() / 10.0;
    format!("{} h", decimal(tenths))
}

/// "Remaining of included": `12 h 30 min di 20 h 00 min`, `senza limite`.
pub(crate) fn remaining_of(remaining: Option<i64>, included: Option<i64>) -> String {
    match (remaining, included) {
        (Some(r), Some(i)) => format!("{} di {}", dur(r), dur(i)),
        (Some(r), None) => dur(r),
        (None, _) => "senza limite".to_owned(),
    }
}

/// Incident tickets: `2 di 5`, `2`, `—`.
pub(crate) fn tickets_of(left: Option<i64>, total: Option<i64>) -> String {
    match (left, total) {
        (Some(l), Some(t)) => format!("{l} di {t}"),
        (Some(l), None) => l.to_string(),
        (None, _) => "—".to_owned(),
    }
}

/// `P.IVA 01234567890 · C.F. RSSMRA…` (either part left out when absent; the fiscal code is left
/// out when it repeats the VAT number, as for most companies).
pub(crate) fn tax_line(party: &Party) -> Option<String> {
    let vat = party.vat_number.as_deref().filter(|v| !v.trim().is_empty());
    let cf = party
        .fiscal_code
        .as_deref()
        .filter(|c| !c.trim().is_empty() && Some(*c) != vat);
    match (vat, cf) {
        (Some(v), Some(c)) => Some(format!("P.IVA {v} · C.F. {c}")),
        (Some(v), None) => Some(format!("P.IVA {v}")),
        (None, Some(c)) => Some(format!("C.F. {c}")),
        (None, None) => None,
    }
}

/// Non-empty lines joined with ` · `.
pub(crate) fn joined(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The logo as placed in the document: its resource id and pixel size.
pub(crate) struct LogoRef {
    pub id: XObjectId,
    pub width_px: f32,
    pub height_px: f32,
}

const LOGO_MAX_W: f32 = 45.0 * MM;
const LOGO_MAX_H: f32 = 20.0 * MM;

/// The shop's name, address, tax and contact lines on the left, the logo top-right; a rule below.
pub(crate) fn header(c: &mut Canvas, shop: &Party, logo: Option<&LogoRef>) {
    let top = c.y;
    let mut bottom = top;
    let mut text_right = RIGHT;
    if let Some(l) = logo.filter(|l| l.width_px > 0.0 && l.height_px > 0.0) {
        let s = (LOGO_MAX_W / l.width_px).min(LOGO_MAX_H / l.height_px);
        let (w, h) = (l.width_px * s, l.height_px * s);
        c.push_ops([Op::UseXobject {
            id: l.id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Pt(RIGHT - w)),
                translate_y: Some(Pt(top - h)),
                scale_x: Some(s),
                scale_y: Some(s),
                dpi: Some(72.0),
                ..Default::default()
            },
        }]);
        bottom = top - h;
        text_right = RIGHT - w - 8.0 * MM;
    }
    let width = text_right - LEFT;
    let name = Style::new(Face::Bold, 13.5, INK);
    let small = Style::new(Face::Regular, 8.5, MUTED);
    let mut y = top;
    for line in c.wrap(name, width, &shop.name) {
        c.text(LEFT, baseline(y, 16.0, name.size) + 1.5, name, &line);
        y -= 16.0;
    }
    y -= 1.0;
    // Address on one line, tax numbers on one, contacts on one (each wraps if it must).
    let lines = [
        joined(&shop.address_lines),
        tax_line(shop).unwrap_or_default(),
        joined(&shop.contact_lines),
    ];
    for line in lines.iter().filter(|l| !l.is_empty()) {
        for l in c.wrap(small, width, line) {
            c.text(LEFT, baseline(y, 11.0, small.size), small, &l);
            y -= 11.0;
        }
    }
    c.y = y.min(bottom) - 5.0;
    c.hline(LEFT, RIGHT, c.y, 0.8, ACCENT);
    c.gap(10.0);
}

/// A captioned block of lines (client, site) drawn at `(x, top)` within `w`.
pub(crate) struct Block {
    pub caption: String,
    pub lines: Vec<(String, Style)>,
}

const BLOCK_CAPTION: Style = Style::new(Face::Bold, 8.0, MUTED);
/// Height of a block caption with its rule.
pub(crate) const CAPTION_H: f32 = 14.0;

/// A small muted caption over a thin rule, as on top of the client block.
pub(crate) fn caption(c: &mut Canvas, x: f32, top: f32, w: f32, text: &str) {
    c.text(x, top - 8.0, BLOCK_CAPTION, text);
    c.hline(x, x + w, top - 11.0, 0.4, RULE);
}

impl Block {
    pub(crate) fn party(caption: &str, party: &Party) -> Block {
        let body = Style::new(Face::Regular, 9.0, INK);
        let mut lines = vec![(party.name.clone(), Style::new(Face::Bold, BODY + 0.5, INK))];
        lines.extend(party.address_lines.iter().map(|l| (l.clone(), body)));
        lines.extend(tax_line(party).map(|l| (l, body)));
        lines.push((joined(&party.contact_lines), body.with_colour(MUTED)));
        lines.retain(|(l, _)| !l.trim().is_empty());
        Block {
            caption: caption.to_owned(),
            lines,
        }
    }

    /// A site: its name, and the address on one line.
    pub(crate) fn site(caption: &str, party: &Party) -> Block {
        let body = Style::new(Face::Regular, 9.0, INK);
        let mut lines = vec![(party.name.clone(), Style::new(Face::Bold, BODY + 0.5, INK))];
        lines.push((joined(&party.address_lines), body));
        lines.push((joined(&party.contact_lines), body.with_colour(MUTED)));
        lines.retain(|(l, _)| !l.trim().is_empty());
        Block {
            caption: caption.to_owned(),
            lines,
        }
    }

    fn leading(style: Style) -> f32 {
        style.size * 1.3
    }

    pub(crate) fn height(&self, c: &Canvas, w: f32) -> f32 {
        CAPTION_H
            + self
                .lines
                .iter()
                .map(|(l, st)| c.wrap(*st, w, l).len() as f32 * Block::leading(*st))
                .sum::<f32>()
    }

    pub(crate) fn draw(&self, c: &mut Canvas, x: f32, top: f32, w: f32) {
        caption(c, x, top, w, &self.caption);
        let mut y = top - CAPTION_H;
        for (line, st) in &self.lines {
            let lead = Block::leading(*st);
            for l in c.wrap(*st, w, line) {
                c.text(x, baseline(y, lead, st.size), *st, &l);
                y -= lead;
            }
        }
    }
}

/// Label/value pairs in a column: labels muted on the left, values wrapped on the right.
pub(crate) struct Pairs {
    pub pairs: Vec<(String, String, Style)>,
    pub label_w: f32,
}

const PAIR_LABEL: Style = Style::new(Face::Regular, 8.5, MUTED);
const PAIR_LEADING: f32 = 12.0;

impl Pairs {
    pub(crate) fn new(label_w: f32) -> Pairs {
        Pairs {
            pairs: Vec::new(),
            label_w,
        }
    }

    pub(crate) fn add(&mut self, label: &str, value: impl Into<String>) {
        self.add_styled(label, value, Style::new(Face::Regular, 9.0, INK));
    }

    pub(crate) fn add_styled(&mut self, label: &str, value: impl Into<String>, style: Style) {
        let value = value.into();
        if !value.trim().is_empty() {
            self.pairs.push((label.to_owned(), value, style));
        }
    }

    pub(crate) fn height(&self, c: &Canvas, w: f32) -> f32 {
        self.pairs
            .iter()
            .map(|(l, v, st)| {
                let n = c
                    .wrap(*st, w - self.label_w, v)
                    .len()
                    .max(c.wrap(PAIR_LABEL, self.label_w - 4.0, l).len());
                n as f32 * PAIR_LEADING
            })
            .sum()
    }

    pub(crate) fn draw(&self, c: &mut Canvas, x: f32, top: f32, w: f32) {
        let mut y = top;
        for (label, value, st) in &self.pairs {
            let labels = c.wrap(PAIR_LABEL, self.label_w - 4.0, label);
            let values = c.wrap(*st, w - self.label_w, value);
            for (i, l) in labels.iter().enumerate() {
                c.text(
                    x,
                    baseline(y - i as f32 * PAIR_LEADING, PAIR_LEADING, st.size),
                    PAIR_LABEL,
                    l,
                );
            }
            for (i, v) in values.iter().enumerate() {
                c.text(
                    x + self.label_w,
                    baseline(y - i as f32 * PAIR_LEADING, PAIR_LEADING, st.size),
                    *st,
                    v,
                );
            }
            y -= labels.len().max(values.len()) as f32 * PAIR_LEADING;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_italian() {
        assert_eq!(decimal(2.0), "2");
        assert_eq!(decimal(1.5), "1,5");
        assert_eq!(decimal(0.25), "0,25");
        assert_eq!(decimal(1250.0), "1.250");
        assert_eq!(hours_short(450), "7,5 h");
        assert_eq!(hours_short(1200), "20 h");
    }

    #[test]
    fn tax_line_skips_a_fiscal_code_equal_to_the_vat_number() {
        let p = Party {
            vat_number: Some("01234567890".into()),
            fiscal_code: Some("01234567890".into()),
            ..Party::default()
        };
        assert_eq!(tax_line(&p).as_deref(), Some("P.IVA 01234567890"));
    }
}

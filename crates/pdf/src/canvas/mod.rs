//! A small flow-layout engine over printpdf's page operations: a cursor that moves down the page,
//! text measured with the real font advances, word wrapping with hard breaks for words wider than
//! the column, tables whose rows move to the next page with the header repeated, and a footer
//! added to every page once the page count is known.
//!
//! Coordinates are PDF points with the origin at the bottom-left; `y` is the top of the free
//! space left on the current page.

use printpdf::{
    Color, LineCapStyle, LineJoinStyle, LinePoint, Mm, Op, PaintMode, PdfFontHandle, PdfPage,
    Point, Pt, Rect, Rgb, TextItem,
};

use crate::fonts::{Face, Fonts};

mod table;

pub(crate) use table::{columns, Cell, Row, Table};

pub(crate) const MM: f32 = 2.834_645_7;
pub(crate) const PAGE_W: f32 = 210.0 * MM;
pub(crate) const PAGE_H: f32 = 297.0 * MM;
pub(crate) const LEFT: f32 = 18.0 * MM;
pub(crate) const RIGHT: f32 = PAGE_W - 18.0 * MM;
pub(crate) const CONTENT_W: f32 = RIGHT - LEFT;
/// Top of the content area.
pub(crate) const TOP: f32 = PAGE_H - 15.0 * MM;
/// Bottom of the content area; the footer sits below it.
pub(crate) const BOTTOM: f32 = 18.0 * MM;
const FOOTER_BASELINE: f32 = 10.0 * MM;
const FOOTER_RULE: f32 = 14.0 * MM;

/// Space above a section heading (unless it opens a page).
pub(crate) const HEADING_GAP: f32 = 6.0;
/// Height of a section heading with its rule, gap included.
pub(crate) const HEADING_H: f32 = HEADING_GAP + 17.5;

/// Body text size and leading.
pub(crate) const BODY: f32 = 9.5;
pub(crate) const LEADING: f32 = 12.8;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Colour(pub f32, pub f32, pub f32);

pub(crate) const INK: Colour = Colour(0.10, 0.10, 0.12);
pub(crate) const MUTED: Colour = Colour(0.38, 0.40, 0.44);
pub(crate) const RULE: Colour = Colour(0.72, 0.74, 0.77);
pub(crate) const FAINT_RULE: Colour = Colour(0.86, 0.87, 0.89);
pub(crate) const HEADER_FILL: Colour = Colour(0.925, 0.93, 0.94);
pub(crate) const ACCENT: Colour = Colour(0.11, 0.30, 0.55);
pub(crate) const WARN: Colour = Colour(0.70, 0.16, 0.10);
pub(crate) const WARN_FILL: Colour = Colour(0.99, 0.93, 0.91);
pub(crate) const SIGNATURE_INK: Colour = Colour(0.05, 0.09, 0.32);

impl Colour {
    pub(crate) fn pdf(self) -> Color {
        Color::Rgb(Rgb::new(self.0, self.1, self.2, None))
    }
}

/// A face, a size and a colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub colour: Colour,
}

impl Style {
    pub(crate) const fn new(face: Face, size: f32, colour: Colour) -> Style {
        Style { face, size, colour }
    }
    pub(crate) const fn body() -> Style {
        Style::new(Face::Regular, BODY, INK)
    }
    pub(crate) const fn with_colour(self, colour: Colour) -> Style {
        Style { colour, ..self }
    }
    pub(crate) const fn with_face(self, face: Face) -> Style {
        Style { face, ..self }
    }
}

/// The baseline that centres capitals of `size` vertically in a band `[top - h, top]`.
pub(crate) fn baseline(top: f32, h: f32, size: f32) -> f32 {
    top - h / 2.0 - 0.357 * size
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A finished page's operations plus the header it carried.
pub(crate) struct Canvas<'a> {
    pub fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    /// Top of the free space on the current page.
    pub y: f32,
    /// Small grey line at the top of every page after the first: (left, right).
    running_head: Option<(String, String)>,
    /// The faces that drew text (only those go into the PDF).
    used: Vec<Face>,
}

/// The laid-out pages and the faces they use.
pub(crate) struct Laid {
    pub pages: Vec<PdfPage>,
    pub faces: Vec<Face>,
}

impl<'a> Canvas<'a> {
    pub(crate) fn new(fonts: &'a Fonts) -> Canvas<'a> {
        Canvas {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
            running_head: None,
            used: Vec::new(),
        }
    }

    pub(crate) fn set_running_head(&mut self, left: String, right: String) {
        self.running_head = Some((left, right));
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Room left above the bottom margin.
    pub(crate) fn room(&self) -> f32 {
        self.y - BOTTOM
    }

    /// The most a fresh page can hold.
    pub(crate) fn page_capacity(&self) -> f32 {
        TOP - BOTTOM - self.running_head_height()
    }

    fn running_head_height(&self) -> f32 {
        if self.running_head.is_some() {
            8.0 * MM
        } else {
            0.0
        }
    }

    /// True when nothing has been placed on the current page yet.
    pub(crate) fn at_page_top(&self) -> bool {
        self.y >= TOP - self.running_head_height() - 0.01
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        if let Some((left, right)) = self.running_head.clone() {
            let st = Style::new(Face::Regular, 7.5, MUTED);
            let base = TOP - 7.5;
            self.text(LEFT, base, st, &left);
            self.text_right(RIGHT, base, st, &right);
            self.hline(LEFT, RIGHT, TOP - 11.0, 0.4, RULE);
            self.y = TOP - self.running_head_height();
        }
    }

    /// Moves to a new page unless `h` pt fit on this one (or this page is still empty).
    pub(crate) fn ensure(&mut self, h: f32) {
        if self.room() < h && !self.at_page_top() {
            self.new_page();
        }
    }

    pub(crate) fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    // ------------------------------------------------------------------ drawing primitives

    pub(crate) fn width(&self, style: Style, text: &str) -> f32 {
        self.fonts.width(style.face, text, style.size)
    }

    pub(crate) fn text(&mut self, x: f32, baseline: f32, style: Style, text: &str) {
        if text.is_empty() {
            return;
        }
        if !self.used.contains(&style.face) {
            self.used.push(style.face);
        }
        let ops = self.ops();
        ops.push(Op::SetFillColor {
            col: style.colour.pdf(),
        });
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(style.face.id()),
            size: Pt(style.size),
        });
        ops.push(Op::SetTextCursor {
            pos: Point {
                x: Pt(x),
                y: Pt(baseline),
            },
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(text.to_owned())],
        });
        ops.push(Op::EndTextSection);
    }

    pub(crate) fn text_right(&mut self, right: f32, baseline: f32, style: Style, text: &str) {
        let w = self.width(style, text);
        self.text(right - w, baseline, style, text);
    }

    pub(crate) fn text_centre(&mut self, centre: f32, baseline: f32, style: Style, text: &str) {
        let w = self.width(style, text);
        self.text(centre - w / 2.0, baseline, style, text);
    }

    pub(crate) fn text_aligned(
        &mut self,
        x: f32,
        w: f32,
        align: Align,
        baseline: f32,
        style: Style,
        text: &str,
    ) {
        match align {
            Align::Left => self.text(x, baseline, style, text),
            Align::Right => self.text_right(x + w, baseline, style, text),
        }
    }

    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        let ops = self.ops();
        ops.push(Op::SetFillColor { col: colour.pdf() });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Fill),
                ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h))
            },
        });
    }

    pub(crate) fn stroke_rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
        colour: Colour,
    ) {
        let ops = self.ops();
        ops.push(Op::SetOutlineColor { col: colour.pdf() });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Stroke),
                ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h))
            },
        });
    }

    pub(crate) fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, colour: Colour) {
        self.polyline(&[(x1, y), (x2, y)], width, colour);
    }

    pub(crate) fn polyline(&mut self, points: &[(f32, f32)], width: f32, colour: Colour) {
        let ops = self.ops();
        ops.push(Op::SetOutlineColor { col: colour.pdf() });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        ops.push(Op::DrawLine {
            line: printpdf::Line {
                points: points
                    .iter()
                    .map(|&(x, y)| LinePoint {
                        p: Point { x: Pt(x), y: Pt(y) },
                        bezier: false,
                    })
                    .collect(),
                is_closed: false,
            },
        });
    }

    /// Pushes raw operations (signature strokes, images) onto the current page.
    pub(crate) fn push_ops(&mut self, ops: impl IntoIterator<Item = Op>) {
        self.ops().extend(ops);
    }

    /// Round caps and joins for what follows (signature ink).
    pub(crate) fn round_strokes(&mut self) {
        self.push_ops([
            Op::SetLineCapStyle {
                cap: LineCapStyle::Round,
            },
            Op::SetLineJoinStyle {
                join: LineJoinStyle::Round,
            },
        ]);
    }

    // ------------------------------------------------------------------ flowing text

    pub(crate) fn wrap(&self, style: Style, width: f32, text: &str) -> Vec<String> {
        wrap(self.fonts, style.face, style.size, width, text)
    }

    /// Text wrapped to `width` from the cursor down, line by line, moving to new pages as needed.
    pub(crate) fn paragraph(&mut self, x: f32, width: f32, style: Style, leading: f32, text: &str) {
        for line in self.wrap(style, width, text) {
            if self.room() < leading {
                self.new_page();
            }
            let b = baseline(self.y, leading, style.size);
            self.text(x, b, style, &line);
            self.y -= leading;
        }
    }

    /// A section heading with a thin rule, kept on the same page as the next `keep` pt.
    pub(crate) fn heading(&mut self, title: &str, keep: f32) {
        let h = HEADING_H - HEADING_GAP;
        self.ensure(HEADING_GAP + h + keep);
        if !self.at_page_top() {
            self.y -= HEADING_GAP;
        }
        let st = Style::new(Face::Bold, 10.5, ACCENT);
        self.text(LEFT, self.y - 10.5, st, title);
        self.hline(LEFT, RIGHT, self.y - 14.0, 0.5, RULE);
        self.y -= h;
    }

    /// `label: value` on one flowing paragraph, the label in bold.
    pub(crate) fn labelled(&mut self, label: &str, value: &str) {
        let lab = Style::new(Face::Bold, BODY, INK);
        let lw = self.width(lab, label) + 4.0;
        let lines = self.wrap(Style::body(), CONTENT_W - lw, value);
        for (i, line) in lines.iter().enumerate() {
            if self.room() < LEADING {
                self.new_page();
            }
            let b = baseline(self.y, LEADING, BODY);
            if i == 0 {
                self.text(LEFT, b, lab, label);
            }
            self.text(LEFT + lw, b, Style::body(), line);
            self.y -= LEADING;
        }
    }

    // ------------------------------------------------------------------ finishing

    /// Adds the footer to every page and returns the pages. `footer(page, of)` gives the left,
    /// centre and right texts.
    pub(crate) fn finish(mut self, footer: impl Fn(usize, usize) -> [String; 3]) -> Laid {
        let total = self.pages.len();
        let st = Style::new(Face::Regular, 7.5, MUTED);
        let pages = std::mem::take(&mut self.pages);
        let pages = pages
            .into_iter()
            .enumerate()
            .map(|(i, ops)| {
                self.pages = vec![ops];
                let [left, centre, right] = footer(i + 1, total);
                // The centre text is centred on the page; the side texts may not run into it.
                let centre_w = self.width(st, &centre);
                let side = (CONTENT_W - centre_w) / 2.0 - 12.0;
                let left = fit(self.fonts, st, side, &left);
                let right = fit(self.fonts, st, side, &right);
                self.hline(LEFT, RIGHT, FOOTER_RULE, 0.4, RULE);
                self.text(LEFT, FOOTER_BASELINE, st, &left);
                self.text_centre(PAGE_W / 2.0, FOOTER_BASELINE, st, &centre);
                self.text_right(RIGHT, FOOTER_BASELINE, st, &right);
                let ops = self.pages.pop().unwrap_or_default();
                PdfPage::new(Mm(210.0), Mm(297.0), ops)
            })
            .collect();
        Laid {
            pages,
            faces: self.used,
        }
    }
}

/// Greedy word wrap to `width` pt. Every `\n` starts a new line (an empty line stays empty);
/// a word wider than the column is broken between characters.
pub(crate) fn wrap(fonts: &Fonts, face: Face, size: f32, width: f32, text: &str) -> Vec<String> {
    let f = fonts.face(face);
    let space = f.width(" ", size);
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0f32;
        for word in raw.split([' ', '\t', '\r']).filter(|w| !w.is_empty()) {
            let word_w = f.width(word, size);
            if !line.is_empty() && line_w + space + word_w <= width {
                line.push(' ');
                line.push_str(word);
                line_w += space + word_w;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            if word_w <= width {
                line.push_str(word);
                line_w = word_w;
                continue;
            }
            // Hard break: as many characters per line as fit (at least one).
            let mut chunk = String::new();
            let mut chunk_w = 0.0f32;
            for c in word.chars() {
                let mut buf = [0u8; 4];
                let cw = f.width(c.encode_utf8(&mut buf), size);
                if !chunk.is_empty() && chunk_w + cw > width {
                    out.push(std::mem::take(&mut chunk));
                    chunk_w = 0.0;
                }
                chunk.push(c);
                chunk_w += cw;
            }
            line = chunk;
            line_w = chunk_w;
        }
        out.push(line);
    }
    out
}

/// `text` cut with an ellipsis so that it fits `width` pt on one line.
pub(crate) fn fit(fonts: &Fonts, style: Style, width: f32, text: &str) -> String {
    if fonts.width(style.face, text, style.size) <= width {
        return text.to_owned();
    }
    let ell = fonts.width(style.face, "…", style.size);
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let mut buf = [0u8; 4];
        let cw = fonts.width(style.face, c.encode_utf8(&mut buf), style.size);
        if w + cw + ell > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn wrap_keeps_every_word_inside_the_column() {
        let fonts = Fonts::load().unwrap();
        let long = "x".repeat(300);
        let text = format!("Perché il server è lento? {long} fine\n\nsecondo paragrafo");
        let lines = wrap(&fonts, Face::Regular, 9.5, 120.0, &text);
        for l in &lines {
            assert!(fonts.width(Face::Regular, l, 9.5) <= 120.0 + 0.01, "{l}");
        }
        assert_eq!(
            lines.concat().replace(' ', ""),
            text.replace([' ', '\n'], "")
        );
        assert!(lines.contains(&String::new()), "the blank line stays");
        assert_eq!(lines.last().unwrap(), "secondo paragrafo");
    }

    #[test]
    fn fit_adds_an_ellipsis_only_when_needed() {
        let fonts = Fonts::load().unwrap();
        let st = Style::body();
        assert_eq!(fit(&fonts, st, 200.0, "Breve"), "Breve");
        let cut = fit(&fonts, st, 40.0, "Un nome di contratto molto lungo");
        assert!(cut.ends_with('…'));
        assert!(fonts.width(st.face, &cut, st.size) <= 40.0);
    }
}

//! Tables on the canvas: columns, cells with optional notes, body and total rows; rows that do not
//! fit go to the next page, which repeats the header.

use super::*;

/// One table column: its header text, width in pt and alignment.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub title: String,
    pub width: f32,
    pub align: Align,
}

impl Column {
    pub(crate) fn new(title: &str, width: f32, align: Align) -> Column {
        Column {
            title: title.to_owned(),
            width,
            align,
        }
    }
}

/// Columns with fixed widths plus at most one flexible column that takes what is left of `total`.
pub(crate) fn columns(total: f32, spec: &[(&str, Option<f32>, Align)]) -> Vec<Column> {
    let fixed: f32 = spec.iter().filter_map(|(_, w, _)| *w).sum();
    let flex = (total - fixed).max(20.0);
    spec.iter()
        .map(|(t, w, a)| Column::new(t, w.unwrap_or(flex), *a))
        .collect()
}

#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub text: String,
    pub style: Option<Style>,
    /// A second text under the first, in its own style (a contract's kind, "in scadenza").
    pub note: Option<(String, Style)>,
}

impl Cell {
    pub(crate) fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            style: None,
            note: None,
        }
    }
    pub(crate) fn styled(text: impl Into<String>, style: Style) -> Cell {
        Cell {
            style: Some(style),
            ..Cell::new(text)
        }
    }
    pub(crate) fn with_note(self, note: impl Into<String>, style: Style) -> Cell {
        Cell {
            note: Some((note.into(), style)),
            ..self
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    Body,
    /// Bold, with a rule above.
    Total,
}

#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub cells: Vec<Cell>,
    pub kind: RowKind,
}

impl Row {
    pub(crate) fn body(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            kind: RowKind::Body,
        }
    }
    pub(crate) fn total(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            kind: RowKind::Total,
        }
    }
}

pub(crate) struct Table {
    pub columns: Vec<Column>,
    /// Body text size (the header is a little smaller).
    pub size: f32,
}

const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 2.2;

impl Table {
    pub(crate) fn new(columns: Vec<Column>) -> Table {
        Table { columns, size: 8.5 }
    }
    pub(crate) fn with_size(self, size: f32) -> Table {
        Table { size, ..self }
    }
    fn leading(&self) -> f32 {
        self.size * 1.2
    }
    fn header_size(&self) -> f32 {
        (self.size - 1.0).max(7.0)
    }
    fn header_height(&self, fonts: &Fonts) -> f32 {
        let lines = self
            .columns
            .iter()
            .map(|c| {
                wrap(
                    fonts,
                    Face::Bold,
                    self.header_size(),
                    c.width - 2.0 * CELL_PAD_X,
                    &c.title,
                )
                .len()
            })
            .max()
            .unwrap_or(1);
        lines as f32 * self.header_size() * 1.25 + 2.0 * CELL_PAD_Y
    }
}

impl<'a> Canvas<'a> {
    fn table_header(&mut self, table: &Table) {
        let h = table.header_height(self.fonts);
        let top = self.y;
        let total_w: f32 = table.columns.iter().map(|c| c.width).sum();
        self.fill_rect(LEFT, top - h, total_w, h, HEADER_FILL);
        let st = Style::new(Face::Bold, table.header_size(), Colour(0.25, 0.27, 0.30));
        let leading = table.header_size() * 1.25;
        let mut x = LEFT;
        for col in &table.columns {
            let lines = wrap(
                self.fonts,
                st.face,
                st.size,
                col.width - 2.0 * CELL_PAD_X,
                &col.title,
            );
            for (i, line) in lines.iter().enumerate() {
                let b = baseline(top - CELL_PAD_Y - i as f32 * leading, leading, st.size);
                self.text_aligned(
                    x + CELL_PAD_X,
                    col.width - 2.0 * CELL_PAD_X,
                    col.align,
                    b,
                    st,
                    line,
                );
            }
            x += col.width;
        }
        self.y -= h;
    }

    /// Draws a table: header, rows (wrapped inside their cells), the header repeated on every new
    /// page. A row moves whole to the next page when it does not fit; only a row taller than a
    /// page is split.
    pub(crate) fn table(&mut self, table: &Table, rows: &[Row]) {
        let leading = table.leading();
        let header_h = table.header_height(self.fonts);
        let total_w: f32 = table.columns.iter().map(|c| c.width).sum();
        let default = Style::new(Face::Regular, table.size, INK);
        // Keep the header with the first row.
        let first_h = rows
            .first()
            .map(|r| self.row_lines(table, r, default).0 as f32 * leading + 2.0 * CELL_PAD_Y)
            .unwrap_or(0.0);
        self.ensure(header_h + first_h.min(self.page_capacity() / 2.0));
        self.table_header(table);
        for row in rows {
            let (n, cells) = self.row_lines(table, row, default);
            let full_h = n as f32 * leading + 2.0 * CELL_PAD_Y;
            let mut done = 0;
            while done < n {
                let fits_whole_here = self.room() >= full_h;
                let fits_whole_fresh = self.page_capacity() - header_h >= full_h;
                if done == 0 && !fits_whole_here && fits_whole_fresh {
                    self.new_page();
                    self.table_header(table);
                    continue;
                }
                let avail = ((self.room() - 2.0 * CELL_PAD_Y) / leading)
                    .floor()
                    .max(0.0) as usize;
                if avail == 0 {
                    self.new_page();
                    self.table_header(table);
                    continue;
                }
                let take = avail.min(n - done);
                let h = take as f32 * leading + 2.0 * CELL_PAD_Y;
                let top = self.y;
                if row.kind == RowKind::Total && done == 0 {
                    self.hline(LEFT, LEFT + total_w, top, 0.8, MUTED);
                }
                let mut x = LEFT;
                for (col, lines) in table.columns.iter().zip(cells.iter()) {
                    for (i, (line, style)) in lines.iter().skip(done).take(take).enumerate() {
                        let b =
                            baseline(top - CELL_PAD_Y - i as f32 * leading, leading, table.size);
                        self.text_aligned(
                            x + CELL_PAD_X,
                            col.width - 2.0 * CELL_PAD_X,
                            col.align,
                            b,
                            *style,
                            line,
                        );
                    }
                    x += col.width;
                }
                self.y -= h;
                if row.kind == RowKind::Body {
                    self.hline(LEFT, LEFT + total_w, self.y, 0.35, FAINT_RULE);
                }
                done += take;
            }
        }
    }

    /// Each cell's wrapped lines with their styles, and the row's line count.
    fn row_lines(
        &self,
        table: &Table,
        row: &Row,
        default: Style,
    ) -> (usize, Vec<Vec<(String, Style)>>) {
        let cells: Vec<Vec<(String, Style)>> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let w = col.width - 2.0 * CELL_PAD_X;
                let Some(cell) = row.cells.get(i) else {
                    return Vec::new();
                };
                let mut style = cell.style.unwrap_or(default);
                if row.kind == RowKind::Total && cell.style.is_none() {
                    style = style.with_face(Face::Bold);
                }
                let mut lines: Vec<(String, Style)> = if cell.text.is_empty() {
                    Vec::new()
                } else {
                    wrap(self.fonts, style.face, style.size, w, &cell.text)
                        .into_iter()
                        .map(|l| (l, style))
                        .collect()
                };
                if let Some((note, st)) = &cell.note {
                    lines.extend(
                        wrap(self.fonts, st.face, st.size, w, note)
                            .into_iter()
                            .map(|l| (l, *st)),
                    );
                }
                lines
            })
            .collect();
        let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (n, cells)
    }
}

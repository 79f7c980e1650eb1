//! The monthly statement (rendiconto mensile), laid out on A4 pages.

use rapportino_core::format::euro;
use rapportino_core::interventions::InterventionMode;
use rapportino_core::labels::Locale::It;
use rapportino_core::reports::{ChartBar, StatementDocument};

use crate::canvas::{
    baseline, columns, fit, Align, Canvas, Cell, Colour, Row, Style, Table, ACCENT, CONTENT_W, INK,
    LEADING, LEFT, MM, MUTED, WARN,
};
use crate::common::{
    caption, dur, header, hours_short, remaining_of, Block, LogoRef, Pairs, CAPTION_H,
};
use crate::fonts::Face;

pub(crate) fn title(doc: &StatementDocument) -> String {
    format!("Rendiconto {} – {}", doc.month_label, doc.client.name)
}

/// The chart's scale: the largest bar (used + remaining), in minutes, at least 1.
pub(crate) fn chart_scale(doc: &StatementDocument) -> i64 {
    doc.chart
        .iter()
        .map(|b| b.used_before.max(0) + b.used_in_month.max(0) + b.remaining.unwrap_or(0).max(0))
        .max()
        .unwrap_or(0)
        .max(1)
}

/// The figures beside a bar: `9,3 h nel mese · 15,3 h di 20 h` (or `… · senza limite`).
pub(crate) fn bar_value(bar: &ChartBar) -> String {
    let used = bar.used_before.max(0) + bar.used_in_month.max(0);
    match bar.remaining {
        Some(rem) => format!(
            "{} nel mese · {} di {}",
            hours_short(bar.used_in_month),
            hours_short(used),
            hours_short(used + rem.max(0))
        ),
        None => format!(
            "{} nel mese · {} · senza limite",
            hours_short(bar.used_in_month),
            hours_short(used)
        ),
    }
}

/// The summary's total: the interventions' charges (the "Addebiti" column), before VAT; the IVA
/// and "Totale IVA inclusa" below it are on this amount. Materials and accepted quotes are in
/// "Da fatturare" with their own totals.
pub(crate) const CHARGES_LABEL: &str = "Addebiti (IVA esclusa)";

/// The month in figures, beside the client.
pub(crate) fn summary(doc: &StatementDocument) -> Vec<(&'static str, String)> {
    vec![
        ("Interventi", doc.rows.len().to_string()),
        (
            "Ore lavorate",
            dur(doc.rows.iter().map(|r| r.worked_minutes).sum()),
        ),
        ("Ore fatturate", dur(doc.billed_minutes)),
        (
            "Ticket incidente usati",
            doc.incident_tickets_used.to_string(),
        ),
        (
            "Ticket incidente residui",
            doc.incident_tickets_left.to_string(),
        ),
        (CHARGES_LABEL, euro(doc.charges_cents)),
        ("IVA", vat_cell(doc)),
        ("Totale IVA inclusa", euro(doc.vat.total_cents)),
    ]
}

/// `22%: 7,15 € (importi IVA esclusa)`; `—` with nothing charged.
fn vat_cell(doc: &StatementDocument) -> String {
    match doc.vat.per_rate.as_slice() {
        [] => "—".to_owned(),
        rates => {
            let parts: Vec<String> = rates
                .iter()
                .map(|r| format!("{}%: {}", r.rate, euro(r.vat_cents)))
                .collect();
            format!("{} (importi IVA esclusa)", parts.join(", "))
        }
    }
}

pub(crate) fn footer(doc: &StatementDocument, page: usize, of: usize) -> [String; 3] {
    [
        format!("Rendiconto {}", doc.month_label),
        format!("generato il {}", doc.generated_on),
        format!("Pagina {page} di {of}"),
    ]
}

pub(crate) fn draw(c: &mut Canvas, doc: &StatementDocument, logo: Option<&LogoRef>) {
    header(c, &doc.shop, logo);
    c.set_running_head(title(doc), doc.shop.name.clone());

    let big = Style::new(Face::Bold, 17.0, INK);
    c.paragraph(
        LEFT,
        CONTENT_W,
        big,
        21.0,
        &format!("Rendiconto mensile – {}", doc.month_label),
    );
    c.gap(10.0);

    parties(c, doc);
    interventions(c, doc);
    usage(c, doc);
    to_invoice(c, doc);
    balances(c, doc);
    chart(c, doc);
}

/// The client on the left, the month in figures on the right.
fn parties(c: &mut Canvas, doc: &StatementDocument) {
    let gap = 10.0 * MM;
    let w = (CONTENT_W - gap) / 2.0;
    let client = Block::party("Cliente", &doc.client);
    let mut pairs = Pairs::new(40.0 * MM);
    for (label, value) in summary(doc) {
        if label == CHARGES_LABEL {
            pairs.add_styled(label, value, Style::new(Face::Bold, 9.5, INK));
        } else {
            pairs.add(label, value);
        }
    }
    let h = client.height(c, w).max(CAPTION_H + pairs.height(c, w));
    c.ensure(h);
    let top = c.y;
    client.draw(c, LEFT, top, w);
    let x = LEFT + w + gap;
    caption(c, x, top, w, "Riepilogo del mese");
    pairs.draw(c, x, top - CAPTION_H, w);
    c.y = top - h;
}

fn interventions(c: &mut Canvas, doc: &StatementDocument) {
    c.heading("Interventi del mese", 34.0);
    if doc.rows.is_empty() {
        c.paragraph(
            LEFT,
            CONTENT_W,
            Style::new(Face::Italic, 9.5, MUTED),
            LEADING,
            "Nessun intervento nel mese.",
        );
        return;
    }
    let table = Table::new(columns(
        CONTENT_W,
        &[
            ("Data", Some(19.0 * MM), Align::Left),
            ("Ticket", Some(29.0 * MM), Align::Left),
            (InterventionMode::title(It), Some(27.0 * MM), Align::Left),
            ("Lavorate", Some(21.0 * MM), Align::Right),
            ("Fatturate", Some(21.0 * MM), Align::Right),
            ("Pagato da", None, Align::Left),
            ("Addebiti", Some(20.0 * MM), Align::Right),
        ],
    ))
    .with_size(8.5);
    let mut rows: Vec<Row> = doc
        .rows
        .iter()
        .map(|r| {
            Row::body(vec![
                Cell::new(&r.date),
                Cell::new(&r.ticket_number),
                Cell::new(&r.mode.label),
                Cell::new(dur(r.worked_minutes)),
                Cell::new(dur(r.billed_minutes)),
                Cell::new(&r.paid_by),
                Cell::new(euro(r.charges_cents)),
            ])
        })
        .collect();
    let n = doc.rows.len();
    rows.push(Row::total(vec![
        Cell::new("Totale"),
        Cell::new(if n == 1 {
            "1 intervento".to_owned()
        } else {
            format!("{n} interventi")
        }),
        Cell::new(""),
        Cell::new(dur(doc.rows.iter().map(|r| r.worked_minutes).sum())),
        Cell::new(dur(doc.billed_minutes)),
        Cell::new(""),
        Cell::new(euro(doc.charges_cents)),
    ]));
    c.table(&table, &rows);
}

fn usage(c: &mut Canvas, doc: &StatementDocument) {
    c.heading("Ore per contratto", 34.0);
    if doc.usage.is_empty() {
        c.paragraph(
            LEFT,
            CONTENT_W,
            Style::new(Face::Italic, 9.5, MUTED),
            LEADING,
            "Nessuna ora nel mese.",
        );
        return;
    }
    let table = Table::new(columns(
        CONTENT_W,
        &[
            ("Contratto o addebito", None, Align::Left),
            ("Ore", Some(32.0 * MM), Align::Right),
            ("Importo", Some(30.0 * MM), Align::Right),
        ],
    ));
    let mut rows: Vec<Row> = doc
        .usage
        .iter()
        .map(|u| {
            Row::body(vec![
                Cell::new(&u.label),
                Cell::new(dur(u.minutes)),
                Cell::new(euro(u.amount_cents)),
            ])
        })
        .collect();
    rows.push(Row::total(vec![
        Cell::new("Totale"),
        Cell::new(dur(doc.usage.iter().map(|u| u.minutes).sum())),
        Cell::new(euro(doc.usage.iter().map(|u| u.amount_cents).sum())),
    ]));
    c.table(&table, &rows);
}

/// "Da fatturare": the month's billable lines (final work, materials, accepted quotes), prices
/// before VAT, then imponibile and IVA per rate and the total with VAT.
fn to_invoice(c: &mut Canvas, doc: &StatementDocument) {
    if doc.to_invoice.is_empty() {
        return;
    }
    c.heading("Da fatturare", 40.0);
    let table = Table::new(columns(
        CONTENT_W,
        &[
            ("Voce", None, Align::Left),
            ("Rif.", Some(30.0 * MM), Align::Left),
            ("Quantità", Some(18.0 * MM), Align::Right),
            ("Prezzo", Some(20.0 * MM), Align::Right),
            ("IVA", Some(11.0 * MM), Align::Right),
            ("Importo", Some(22.0 * MM), Align::Right),
        ],
    ))
    .with_size(8.0);
    let mut rows: Vec<Row> = doc
        .to_invoice
        .iter()
        .map(|l| {
            Row::body(vec![
                Cell::new(&l.description),
                Cell::new(&l.reference),
                Cell::new(&l.quantity),
                Cell::new(euro(l.unit_price_cents)),
                Cell::new(format!("{}%", l.vat_rate)),
                Cell::new(euro(l.amount_cents)),
            ])
        })
        .collect();
    let t = &doc.to_invoice_vat;
    for r in &t.per_rate {
        rows.push(Row::body(vec![
            Cell::new(format!(
                "Imponibile al {}% (IVA {})",
                r.rate,
                euro(r.vat_cents)
            )),
            Cell::new(""),
            Cell::new(""),
            Cell::new(""),
            Cell::new(format!("{}%", r.rate)),
            Cell::new(euro(r.taxable_cents)),
        ]));
    }
    rows.push(Row::total(vec![
        Cell::new(format!(
            "Totale IVA esclusa {} · IVA {}",
            euro(t.taxable_cents),
            euro(t.vat_cents)
        )),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
        Cell::new(euro(t.total_cents)),
    ]));
    c.table(&table, &rows);
    c.paragraph(
        LEFT,
        CONTENT_W,
        Style::new(Face::Italic, 8.0, MUTED),
        LEADING,
        "Prezzi IVA esclusa; il totale in grassetto è IVA inclusa. Solo interventi conclusi; \
         i preventivi accettati nel mese secondo le loro voci.",
    );
}

fn balances(c: &mut Canvas, doc: &StatementDocument) {
    if doc.balances.is_empty() {
        return;
    }
    c.heading("Saldi a fine mese", 40.0);
    let table = Table::new(columns(
        CONTENT_W,
        &[
            ("Contratto", None, Align::Left),
            ("Incluse", Some(19.0 * MM), Align::Right),
            ("Usate", Some(19.0 * MM), Align::Right),
            ("Residue", Some(19.0 * MM), Align::Right),
            ("Decadute", Some(18.0 * MM), Align::Right),
            ("Ticket inc. residui", Some(18.0 * MM), Align::Right),
            ("Scadenza", Some(21.0 * MM), Align::Right),
        ],
    ))
    .with_size(8.0);
    let note = Style::new(Face::Regular, 7.5, MUTED);
    let expiring = Style::new(Face::Bold, 7.5, WARN);
    let rows: Vec<Row> = doc
        .balances
        .iter()
        .map(|b| {
            let mut ends = Cell::new(&b.ends_on);
            if b.expiring {
                ends = ends.with_note("in scadenza", expiring);
            }
            Row::body(vec![
                Cell::new(&b.contract_name)
                    .with_note(format!("{} · {}", b.kind.label, b.status.label), note),
                Cell::new(
                    b.included_minutes
                        .map(dur)
                        .unwrap_or_else(|| "—".to_owned()),
                ),
                Cell::new(dur(b.used_minutes)),
                Cell::new(match b.remaining_minutes {
                    Some(r) => dur(r),
                    None => remaining_of(None, None),
                }),
                Cell::new(dur(b.forfeited_minutes)),
                Cell::new(
                    b.incident_left
                        .map(|l| l.to_string())
                        .unwrap_or_else(|| "—".to_owned()),
                ),
                ends,
            ])
        })
        .collect();
    c.table(&table, &rows);
}

const LIGHT: Colour = Colour(0.69, 0.79, 0.91);
const OUTLINE: Colour = Colour(0.45, 0.50, 0.56);
const EMPTY_FILL: Colour = Colour(0.975, 0.98, 0.985);
const GRID: Colour = Colour(0.85, 0.86, 0.88);

/// One horizontal bar per contract: hours used before the month (light), in the month (strong)
/// and still available (outlined), all on one scale.
fn chart(c: &mut Canvas, doc: &StatementDocument) {
    if doc.chart.is_empty() {
        return;
    }
    let pitch = 19.0;
    let legend_h = 18.0;
    let axis_h = 14.0;
    let h = legend_h + doc.chart.len() as f32 * pitch + axis_h;
    // Keep the chart whole when it fits a page; a very long one flows row by row.
    c.heading("Utilizzo delle ore", h.min(c.page_capacity() - 40.0));

    let chart_w = (170.0 * MM).min(CONTENT_W);
    let label_w = 46.0 * MM;
    let value_w = 44.0 * MM;
    let bar_x = LEFT + label_w;
    let bar_w = chart_w - label_w - value_w;
    let text = Style::new(Face::Regular, 7.5, INK);
    let small = Style::new(Face::Regular, 7.0, MUTED);

    // Legend
    let top = c.y;
    let mut x = bar_x;
    let items: [(&str, Colour, bool); 3] = [
        ("usate nei mesi precedenti", LIGHT, false),
        ("usate nel mese", ACCENT, false),
        ("residue", EMPTY_FILL, true),
    ];
    for (label, colour, outline) in items {
        c.fill_rect(x, top - 10.0, 9.0, 7.0, colour);
        if outline {
            c.stroke_rect(x, top - 10.0, 9.0, 7.0, 0.6, OUTLINE);
        }
        c.text(x + 12.0, top - 9.5, small, label);
        x += 12.0 + c.width(small, label) + 12.0;
    }
    c.gap(legend_h);

    let scale_max = chart_scale(doc);
    let per_min = bar_w / scale_max as f32;

    for bar in &doc.chart {
        if c.room() < pitch + axis_h {
            axis(c, bar_x, bar_w, scale_max);
            c.new_page();
        }
        draw_bar(c, bar, bar_x, bar_w, per_min, label_w, value_w, pitch, text);
    }
    axis(c, bar_x, bar_w, scale_max);
}

#[allow(clippy::too_many_arguments)]
fn draw_bar(
    c: &mut Canvas,
    bar: &ChartBar,
    bar_x: f32,
    bar_w: f32,
    per_min: f32,
    label_w: f32,
    value_w: f32,
    pitch: f32,
    text: Style,
) {
    let top = c.y;
    for q in 0..=4 {
        let x = bar_x + bar_w * q as f32 / 4.0;
        c.polyline(&[(x, top - pitch), (x, top)], 0.3, GRID);
    }
    let bar_h = 10.0;
    let bar_y = top - (pitch + bar_h) / 2.0;
    let label = fit(
        c.fonts,
        text.with_face(Face::Bold),
        label_w - 8.0,
        &bar.label,
    );
    c.text(
        LEFT,
        baseline(top, pitch, text.size),
        text.with_face(Face::Bold),
        &label,
    );

    let before = bar.used_before.max(0) as f32 * per_min;
    let month = bar.used_in_month.max(0) as f32 * per_min;
    let used = bar.used_before.max(0) + bar.used_in_month.max(0);
    match bar.remaining {
        Some(rem) => {
            let total_w = (used + rem.max(0)) as f32 * per_min;
            c.fill_rect(bar_x, bar_y, total_w.min(bar_w), bar_h, EMPTY_FILL);
            c.fill_rect(bar_x, bar_y, before, bar_h, LIGHT);
            c.fill_rect(bar_x + before, bar_y, month, bar_h, ACCENT);
            c.stroke_rect(bar_x, bar_y, total_w.min(bar_w), bar_h, 0.6, OUTLINE);
        }
        None => {
            c.fill_rect(bar_x, bar_y, before, bar_h, LIGHT);
            c.fill_rect(bar_x + before, bar_y, month, bar_h, ACCENT);
        }
    }
    let value = bar_value(bar);
    let value = fit(c.fonts, text, value_w - 6.0, &value);
    c.text_right(
        bar_x + bar_w + value_w,
        baseline(top, pitch, text.size),
        text,
        &value,
    );
    c.gap(pitch);
}

/// The scale under the bars: quarters labelled in hours (the grid lines are drawn per row).
fn axis(c: &mut Canvas, bar_x: f32, bar_w: f32, scale_max: i64) {
    let bottom = c.y;
    let small = Style::new(Face::Regular, 6.5, MUTED);
    for q in 0..=4 {
        let x = bar_x + bar_w * q as f32 / 4.0;
        c.text_centre(x, bottom - 8.0, small, &hours_short(scale_max * q / 4));
    }
    c.hline(bar_x, bar_x + bar_w, bottom, 0.5, OUTLINE);
    c.gap(14.0);
}

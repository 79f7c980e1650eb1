//! The quote (preventivo), laid out on A4 pages with the same engine and header as the reports:
//! the lines with their VAT rate ("IVA esclusa"), imponibile and IVA per rate, the total, the
//! validity, the notes, and the customer's acceptance (their strokes once accepted).

use rapportino_core::format::euro;
use rapportino_core::quotes::QuoteDocument;

use crate::canvas::{
    baseline, columns, Align, Canvas, Cell, Row, Style, Table, ACCENT, CONTENT_W, INK, LEADING,
    LEFT, MM, MUTED, RIGHT, RULE, WARN, WARN_FILL,
};
use crate::common::{caption, decimal, header, Block, LogoRef, Pairs, CAPTION_H};
use crate::fonts::Face;
use crate::report::{ink, vat_summary};

pub(crate) fn title(doc: &QuoteDocument) -> String {
    format!("Preventivo {}", doc.content.number)
}

/// Footer texts of page `page` of `of`: the number, the hash once accepted (else the state),
/// the page.
pub(crate) fn footer(doc: &QuoteDocument, page: usize, of: usize) -> [String; 3] {
    let centre = match &doc.accepted {
        Some(a) => format!(
            "accettato · impronta {}",
            rapportino_core::reports::short_hash(&a.sha256)
        ),
        None => format!("{} · prezzi IVA esclusa", doc.state.label),
    };
    [
        doc.content.number.clone(),
        centre,
        format!("Pagina {page} di {of}"),
    ]
}

pub(crate) fn draw(c: &mut Canvas, doc: &QuoteDocument, logo: Option<&LogoRef>) {
    let q = &doc.content;
    header(c, &q.shop, logo);
    c.set_running_head(
        format!("Preventivo {} – {}", q.number, q.client.name),
        q.shop.name.clone(),
    );
    title_block(c, doc);
    info_band(c, doc);
    lines(c, doc);
    if let Some(notes) = q.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        c.heading("Note", 2.0 * LEADING);
        c.paragraph(LEFT, CONTENT_W, Style::body(), LEADING, notes.trim_end());
    }
    if let Some(r) = &doc.refused {
        c.gap(8.0);
        let text = match r.reason.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(reason) => format!("Rifiutato dal cliente il {}: {reason}", r.refused_on),
            None => format!("Rifiutato dal cliente il {}", r.refused_on),
        };
        band(c, &text);
    }
    acceptance(c, doc);
}

fn title_block(c: &mut Canvas, doc: &QuoteDocument) {
    let q = &doc.content;
    let big = Style::new(Face::Bold, 16.0, INK);
    let number = Style::new(Face::Bold, 16.0, ACCENT);
    c.ensure(60.0);
    c.text(LEFT, c.y - 14.0, big, "Preventivo");
    c.text_right(RIGHT, c.y - 14.0, number, &q.number);
    c.gap(20.0);
    if doc.accepted.is_none() {
        // The state in a box under the number: Bozza, Inviato, Scaduto, Rifiutato.
        let band = 16.0;
        let st = Style::new(Face::Bold, 10.0, MUTED);
        let w = c.width(st, &doc.state.label);
        let pad = 6.0;
        c.stroke_rect(
            RIGHT - w - 2.0 * pad,
            c.y - band,
            w + 2.0 * pad,
            band,
            0.8,
            MUTED,
        );
        c.text(
            RIGHT - w - pad,
            baseline(c.y, band, st.size),
            st,
            &doc.state.label,
        );
        c.gap(band);
    }
    c.gap(9.0);
}

/// The client on the left; date, validity, ticket and state on the right.
fn info_band(c: &mut Canvas, doc: &QuoteDocument) {
    let q = &doc.content;
    let gap = 10.0 * MM;
    let w = (CONTENT_W - gap) / 2.0;
    let client = Block::party("Cliente", &q.client);
    let mut pairs = Pairs::new(28.0 * MM);
    pairs.add("Data", q.date.clone());
    pairs.add("Valido fino al", q.valid_until.clone());
    if let Some(t) = &q.ticket {
        pairs.add("Richiesta", t.clone());
    }
    pairs.add("Stato", doc.state.label.clone());
    let h = client.height(c, w).max(CAPTION_H + pairs.height(c, w));
    c.ensure(h);
    let top = c.y;
    client.draw(c, LEFT, top, w);
    let x = LEFT + w + gap;
    caption(c, x, top, w, "Preventivo");
    pairs.draw(c, x, top - CAPTION_H, w);
    c.y = top - h;
}

fn lines(c: &mut Canvas, doc: &QuoteDocument) {
    let q = &doc.content;
    c.heading("Voci", 34.0);
    let table = Table::new(columns(
        CONTENT_W,
        &[
            ("Descrizione", None, Align::Left),
            ("Q.tà", Some(20.0 * MM), Align::Right),
            ("Prezzo unitario", Some(28.0 * MM), Align::Right),
            ("IVA", Some(12.0 * MM), Align::Right),
            ("Imponibile", Some(28.0 * MM), Align::Right),
        ],
    ));
    let note = Style::new(Face::Regular, 8.0, MUTED);
    let mut rows: Vec<Row> = q
        .lines
        .iter()
        .map(|l| {
            Row::body(vec![
                Cell::new(&l.description).with_note(&l.kind.label, note),
                Cell::new(format!("{} {}", decimal(l.quantity), l.unit)),
                Cell::new(euro(l.unit_price_cents)),
                Cell::new(format!("{}%", l.vat_rate)),
                Cell::new(euro(l.total_cents)),
            ])
        })
        .collect();
    rows.push(Row::total(vec![
        Cell::new("Totale imponibile (IVA esclusa)"),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
        Cell::new(euro(q.totals.taxable_cents)),
    ]));
    c.table(&table, &rows);

    // Imponibile and IVA per rate, then the total with VAT, right-aligned under the lines.
    c.gap(6.0);
    let totals = Table::new(columns(
        CONTENT_W,
        &[
            ("Riepilogo IVA", None, Align::Left),
            ("Imponibile", Some(32.0 * MM), Align::Right),
            ("IVA", Some(28.0 * MM), Align::Right),
        ],
    ));
    let mut rows: Vec<Row> = q
        .totals
        .per_rate
        .iter()
        .map(|r| {
            Row::body(vec![
                Cell::new(format!("Aliquota {}%", r.rate)),
                Cell::new(euro(r.taxable_cents)),
                Cell::new(euro(r.vat_cents)),
            ])
        })
        .collect();
    rows.push(Row::total(vec![
        Cell::new(format!(
            "Totale IVA inclusa: {}",
            euro(q.totals.total_cents)
        )),
        Cell::new(euro(q.totals.taxable_cents)),
        Cell::new(euro(q.totals.vat_cents)),
    ]));
    c.table(&totals, &rows);
    vat_summary(c, &q.totals);
}

/// A highlighted line (the refusal).
fn band(c: &mut Canvas, text: &str) {
    let st = Style::new(Face::Bold, 9.5, WARN);
    let lines = c.wrap(st, CONTENT_W - 16.0, text);
    let h = lines.len() as f32 * 13.0 + 10.0;
    c.ensure(h);
    c.fill_rect(LEFT, c.y - h, CONTENT_W, h, WARN_FILL);
    c.fill_rect(LEFT, c.y - h, 2.5, h, WARN);
    let mut y = c.y - 5.0;
    for l in lines {
        c.text(LEFT + 10.0, baseline(y, 13.0, st.size), st, &l);
        y -= 13.0;
    }
    c.gap(h);
}

const SIG_BOX_H: f32 = 19.0 * MM;

/// "Per accettazione": the customer's box (their strokes once accepted, a line to sign on
/// otherwise), the name under it, then when it was accepted and the full hash.
fn acceptance(c: &mut Canvas, doc: &QuoteDocument) {
    let box_w = (CONTENT_W - 10.0 * MM) / 2.0;
    let small = Style::new(Face::Regular, 7.5, MUTED);
    let foot = match &doc.accepted {
        Some(a) => format!(
            "Accettato e firmato dal cliente il {}. Impronta SHA-256 del preventivo accettato: {}",
            a.accepted_at, a.sha256
        ),
        None => "Per accettazione, firmare qui sopra: il preventivo firmato vale come ordine alle \
                 condizioni indicate."
            .to_owned(),
    };
    let foot_lines = c.wrap(small, CONTENT_W, &foot);
    let block_h = 12.0 + CAPTION_H + SIG_BOX_H + 16.0 + foot_lines.len() as f32 * 10.0;
    c.ensure(block_h);
    c.gap(12.0);
    let top = c.y;
    let x = RIGHT - box_w;
    c.text(
        x,
        top - 9.0,
        Style::new(Face::Bold, 9.0, ACCENT),
        "Per accettazione – firma del cliente",
    );
    let box_top = top - CAPTION_H;
    let box_bottom = box_top - SIG_BOX_H;
    c.stroke_rect(x, box_bottom, box_w, SIG_BOX_H, 0.5, RULE);
    let name_st = Style::new(Face::Regular, 9.0, INK);
    let name_base = baseline(box_bottom - 1.0, 14.0, name_st.size);
    match &doc.accepted {
        Some(a) => {
            ink(
                c,
                &a.customer,
                x + 5.0,
                box_bottom + 4.0,
                box_w - 10.0,
                SIG_BOX_H - 8.0,
            );
            let n = crate::canvas::fit(c.fonts, name_st, box_w, &a.customer.signer_name);
            c.text(x, name_base, name_st, &n);
        }
        None => {
            let line_y = box_bottom + 7.0 * MM;
            c.hline(x + 8.0, x + box_w - 8.0, line_y, 0.6, MUTED);
            c.text(
                x + 8.0,
                line_y + 3.0,
                Style::new(Face::Regular, 9.0, MUTED),
                "×",
            );
            c.text(x, name_base, small, "Nome e cognome");
            let lw = c.width(small, "Nome e cognome") + 6.0;
            c.hline(x + lw, x + box_w, name_base - 1.5, 0.5, MUTED);
        }
    }
    c.y = box_bottom - 16.0;
    for l in foot_lines {
        c.text(LEFT, baseline(c.y, 10.0, small.size), small, &l);
        c.gap(10.0);
    }
}

//! The rapporto d'intervento, laid out on A4 pages.

use printpdf::{LinePoint, Op, Point, Pt};
use rapportino_core::format::euro;
use rapportino_core::interventions::{InterventionMode, Outcome};
use rapportino_core::labels::Locale::It;
use rapportino_core::reports::{BillingLine, ReportDocument, Signature, WaitLine};
use rapportino_core::tickets::{Origin, Severity, TicketStatus};

use crate::canvas::{
    baseline, columns, Align, Canvas, Cell, Row, Style, Table, CONTENT_W, INK, LEADING, LEFT, MM,
    MUTED, RIGHT, RULE, SIGNATURE_INK, WARN, WARN_FILL,
};
use crate::common::{
    caption, decimal, dur, header, remaining_of, tickets_of, Block, LogoRef, Pairs, CAPTION_H,
};
use crate::fonts::Face;
use crate::signature::{self, Fit};

pub(crate) const DRAFT: &str = "BOZZA – non firmato";

pub(crate) fn title(doc: &ReportDocument) -> String {
    format!("Rapporto d'intervento {}", doc.content.number)
}

/// Footer texts of page `page` of `of`.
pub(crate) fn footer(doc: &ReportDocument, page: usize, of: usize) -> [String; 3] {
    let centre = match &doc.signed {
        Some(s) => format!("impronta {}", s.short_hash()),
        None => DRAFT.to_owned(),
    };
    [
        doc.content.number.clone(),
        centre,
        format!("Pagina {page} di {of}"),
    ]
}

/// `Alta · urgente`
pub(crate) fn severity(doc: &ReportDocument) -> String {
    let t = &doc.content.ticket;
    if t.urgent {
        format!("{} · urgente", t.severity.label)
    } else {
        t.severity.label.clone()
    }
}

/// `Mario Rossi (MR)`
pub(crate) fn technician(doc: &ReportDocument) -> String {
    let r = &doc.content;
    if r.technician_code.is_empty() {
        r.technician_name.clone()
    } else {
        format!("{} ({})", r.technician_name, r.technician_code)
    }
}

/// `Fastweb (operatore), dal 07/12/2026 10:00 al 07/12/2026 14:30 (4 h 30 min)`; a wait still
/// under way reads `dal … (in corso, 2 h)`.
pub(crate) fn wait_line(w: &WaitLine) -> String {
    match &w.until {
        Some(until) => format!(
            "{}, dal {} al {until} ({})",
            w.party,
            w.from,
            dur(w.minutes)
        ),
        None => format!("{}, dal {} (in corso, {})", w.party, w.from, dur(w.minutes)),
    }
}

/// The request and the intervention as label/value pairs (the waits for a third party after the
/// request's date, one line each).
pub(crate) fn intervention_pairs(doc: &ReportDocument) -> Vec<(&'static str, String)> {
    let r = &doc.content;
    let mut pairs = vec![
        ("Ticket", r.ticket.number.clone()),
        ("Oggetto", r.ticket.title.clone()),
        (Severity::title(It), severity(doc)),
        (Origin::title(It), r.ticket.origin.label.clone()),
        ("Segnalato il", r.ticket.reported_at.clone()),
    ];
    for w in &r.ticket.third_party_waits {
        pairs.push((TicketStatus::WaitingThirdParty.label(It), wait_line(w)));
    }
    pairs.extend([
        ("Data intervento", r.date.clone()),
        (InterventionMode::title(It), r.mode.label.clone()),
        ("Tecnico", technician(doc)),
    ]);
    pairs
}

/// `Tempo lavorato 2 h 20 min · fatturato 2 h 30 min · arrotondamento a 30 min, …`
pub(crate) fn billing_summary(doc: &ReportDocument) -> String {
    let b = &doc.content.billing;
    let mut rules = Vec::new();
    if b.rounding_minutes > 0 {
        rules.push(format!("arrotondamento a {}", dur(b.rounding_minutes)));
    }
    if b.minimum_minutes > 0 {
        rules.push(format!("minimo fatturabile {}", dur(b.minimum_minutes)));
    }
    if b.extra_time_minutes > 0 {
        rules.push(format!("tempo extra {}", dur(b.extra_time_minutes)));
    }
    let mut line = format!(
        "Tempo lavorato {} · fatturato {}",
        dur(b.worked_minutes),
        dur(b.billed_minutes)
    );
    if !rules.is_empty() {
        line.push_str(&format!(" · {}", rules.join(", ")));
    }
    line
}

/// Who paid for a billing line: the contract (with the source's label) or the source.
pub(crate) fn paid_by(line: &BillingLine) -> String {
    match line
        .contract_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        Some(name) => format!("{name} ({})", line.source.label),
        None => line.source.label.clone(),
    }
}

/// Under the signatures: the signing date and the full hash, or the draft notice.
pub(crate) fn signature_footnote(doc: &ReportDocument) -> String {
    match &doc.signed {
        Some(s) => match &s.customer_absence {
            Some(a) => format!(
                "Firmato dal solo tecnico il {} ({}) · SHA-256 {}",
                s.signed_at,
                a.sentence(),
                s.sha256
            ),
            None => format!("Firmato il {} · SHA-256 {}", s.signed_at, s.sha256),
        },
        None => "Bozza non firmata: il rapporto diventa definitivo con la firma del cliente e del tecnico.".to_owned(),
    }
}

/// The names typed under the two signature boxes (empty: a line to write the name on).
pub(crate) fn signer_names(doc: &ReportDocument) -> [String; 2] {
    let customer = doc
        .signed
        .as_ref()
        .map(|s| match &s.customer {
            Some(c) => c.signer_name.clone(),
            None => ABSENT_NAME.to_owned(),
        })
        .unwrap_or_default();
    let technician = doc
        .signed
        .as_ref()
        .map(|s| s.technician.signer_name.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| doc.content.technician_name.clone());
    [customer, technician]
}

/// Under the customer's box when the technician signed alone.
pub(crate) const ABSENT_NAME: &str = "Firmato dal solo tecnico";

/// What the customer's box holds: the strokes, the reason they are missing, or a line to sign on.
pub(crate) enum CustomerMark<'a> {
    Signed(&'a Signature),
    Absent(String),
    Blank,
}

pub(crate) fn customer_mark(doc: &ReportDocument) -> CustomerMark<'_> {
    match &doc.signed {
        Some(s) => match (&s.customer, &s.customer_absence) {
            (Some(sig), _) => CustomerMark::Signed(sig),
            (None, Some(a)) => CustomerMark::Absent(a.sentence()),
            (None, None) => CustomerMark::Absent(ABSENT_NAME.to_owned()),
        },
        None => CustomerMark::Blank,
    }
}

pub(crate) const SUPERSEDED_NOTE: &str =
    "questo rapporto è stato rettificato, fa fede il rapporto che lo sostituisce.";

pub(crate) fn draw(c: &mut Canvas, doc: &ReportDocument, logo: Option<&LogoRef>) {
    let r = &doc.content;
    header(c, &r.shop, logo);
    c.set_running_head(
        format!("Rapporto d'intervento {} – {}", r.number, r.client.name),
        r.shop.name.clone(),
    );
    title_block(c, doc);

    info_band(c, doc);
    periods(c, doc);

    c.heading("Lavoro svolto", 2.0 * LEADING);
    let work = if r.work_done.trim().is_empty() {
        "—"
    } else {
        r.work_done.trim_end()
    };
    c.paragraph(LEFT, CONTENT_W, Style::body(), LEADING, work);

    // The outcome right under the work, the reason labelled (it matters when the cause lies
    // outside the contract).
    let reason = r.outcome_reason.as_deref().filter(|s| !s.trim().is_empty());
    if r.outcome.is_some() || reason.is_some() {
        c.gap(5.0);
        if let Some(o) = &r.outcome {
            c.labelled(&format!("{}:", Outcome::title(It)), &o.label);
        }
        if let Some(reason) = reason {
            c.labelled("Motivo:", reason);
        }
    }

    materials(c, doc);

    billing(c, doc);
    signatures(c, doc);
}

fn title_block(c: &mut Canvas, doc: &ReportDocument) {
    let r = &doc.content;
    let big = Style::new(Face::Bold, 16.0, INK);
    let number = Style::new(Face::Bold, 16.0, crate::canvas::ACCENT);
    let title = "Rapporto d'intervento";
    let tw = c.width(big, title);
    let nw = c.width(number, &r.number);
    c.ensure(60.0);
    c.text(LEFT, c.y - 14.0, big, title);
    if tw + nw + 20.0 <= CONTENT_W {
        c.text_right(RIGHT, c.y - 14.0, number, &r.number);
        c.gap(20.0);
    } else {
        c.gap(20.0);
        c.paragraph(LEFT, CONTENT_W, number, 20.0, &r.number);
    }
    // Second line: what this report replaces (left) and the draft marker (right).
    let note = Style::new(Face::Italic, 9.0, MUTED);
    let band = 16.0;
    let mut used = false;
    if doc.signed.is_none() {
        // A clear draft marker: bold grey text in a box, right-aligned under the number.
        let st = Style::new(Face::Bold, 10.0, MUTED);
        let w = c.width(st, DRAFT);
        let pad = 6.0;
        c.stroke_rect(
            RIGHT - w - 2.0 * pad,
            c.y - band,
            w + 2.0 * pad,
            band,
            0.8,
            MUTED,
        );
        c.text(RIGHT - w - pad, baseline(c.y, band, st.size), st, DRAFT);
        used = true;
    }
    if let Some(prev) = &r.supersedes {
        c.text(
            LEFT,
            baseline(c.y, band, note.size),
            note,
            &format!("Sostituisce il rapporto {prev}"),
        );
        used = true;
    }
    if used {
        c.gap(band);
    }
    if let Some(next) = &doc.superseded_by {
        c.gap(4.0);
        let st = Style::new(Face::Bold, 9.5, WARN);
        let text = format!("Sostituito dal rapporto {next}: {SUPERSEDED_NOTE}");
        let lines = c.wrap(st, CONTENT_W - 16.0, &text);
        let h = lines.len() as f32 * 13.0 + 10.0;
        c.fill_rect(LEFT, c.y - h, CONTENT_W, h, WARN_FILL);
        c.fill_rect(LEFT, c.y - h, 2.5, h, WARN);
        let mut y = c.y - 5.0;
        for l in lines {
            c.text(LEFT + 10.0, baseline(y, 13.0, st.size), st, &l);
            y -= 13.0;
        }
        c.gap(h);
    }
    c.gap(9.0);
}

fn periods(c: &mut Canvas, doc: &ReportDocument) {
    let r = &doc.content;
    c.heading("Tempi di lavoro", 34.0);
    if r.periods.is_empty() {
        c.paragraph(
            LEFT,
            CONTENT_W,
            Style::body().with_colour(MUTED),
            LEADING,
            "Nessun periodo di lavoro registrato.",
        );
        return;
    }
    let table = Table::new(columns(
        CONTENT_W,
        &[
            ("Data", Some(26.0 * MM), Align::Left),
            ("Inizio", Some(18.0 * MM), Align::Left),
            ("Fine", Some(18.0 * MM), Align::Left),
            ("Durata", Some(26.0 * MM), Align::Right),
            ("Note", None, Align::Left),
        ],
    ));
    let mut rows: Vec<Row> = r
        .periods
        .iter()
        .map(|p| {
            Row::body(vec![
                Cell::new(&p.date),
                Cell::new(&p.start),
                Cell::new(&p.end),
                Cell::new(dur(p.minutes)),
                Cell::styled(
                    p.note.clone().unwrap_or_default(),
                    Style::new(Face::Regular, 8.5, MUTED),
                ),
            ])
        })
        .collect();
    rows.push(Row::total(vec![
        Cell::new("Totale"),
        Cell::new(""),
        Cell::new(""),
        Cell::new(dur(r.total_minutes)),
        Cell::new(""),
    ]));
    c.table(&table, &rows);
}

/// The travel line (`34,5 km · 40 min di viaggio`), None when there was no travel.
pub(crate) fn travel(doc: &ReportDocument) -> Option<String> {
    let r = &doc.content;
    let mut parts = Vec::new();
    if r.travel_km != 0.0 {
        parts.push(format!("{} km", decimal(r.travel_km)));
    }
    if r.travel_minutes != 0 {
        parts.push(format!("{} di viaggio", dur(r.travel_minutes)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn materials(c: &mut Canvas, doc: &ReportDocument) {
    let r = &doc.content;
    let travel = travel(doc);
    if r.materials.is_empty() {
        if let Some(t) = travel {
            c.heading("Trasferta", LEADING);
            c.labelled("Trasferta:", &t);
        }
        return;
    }
    let title = if travel.is_some() {
        "Materiali e trasferta"
    } else {
        "Materiali"
    };
    c.heading(title, 34.0);
    let table = Table::new(columns(
        CONTENT_W,
        &[
            ("Descrizione", None, Align::Left),
            ("Q.tà", Some(18.0 * MM), Align::Right),
            ("Prezzo unitario", Some(30.0 * MM), Align::Right),
            ("IVA", Some(14.0 * MM), Align::Right),
            ("Imponibile", Some(30.0 * MM), Align::Right),
        ],
    ));
    let mut rows: Vec<Row> = r
        .materials
        .iter()
        .map(|m| {
            Row::body(vec![
                Cell::new(&m.description),
                Cell::new(decimal(m.quantity)),
                Cell::new(euro(m.unit_price_cents)),
                Cell::new(format!("{}%", m.rate())),
                Cell::new(euro(m.total_cents)),
            ])
        })
        .collect();
    rows.push(Row::total(vec![
        Cell::new("Totale materiali (IVA esclusa)"),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
        Cell::new(euro(r.materials_total_cents)),
    ]));
    c.table(&table, &rows);
    let vat = vat_text(&r.materials_vat());
    let small = Style::new(Face::Regular, 8.5, MUTED);
    match travel {
        Some(t) => {
            // The travel on the left and the VAT summary on the right of one line when both
            // fit (a report stays on one page), else one under the other.
            c.gap(5.0);
            let lab = Style::new(Face::Bold, crate::canvas::BODY, INK);
            let used = c.width(lab, "Trasferta:") + 4.0 + c.width(Style::body(), &t);
            if used + 12.0 + c.width(small, &vat) <= CONTENT_W && c.room() >= LEADING {
                let b = baseline(c.y, LEADING, crate::canvas::BODY);
                c.text_right(RIGHT, b, small, &vat);
                c.labelled("Trasferta:", &t);
            } else {
                c.labelled("Trasferta:", &t);
                c.paragraph(LEFT, CONTENT_W, small, LEADING, &vat);
            }
        }
        None => {
            c.gap(4.0);
            c.paragraph(LEFT, CONTENT_W, small, LEADING, &vat);
        }
    }
}

/// `Prezzi IVA esclusa · IVA 22%: 271,59 € · Totale IVA inclusa: 1.506,09 €`; with several
/// rates each names its taxable amount (`IVA 10% su 50,00 €: 5,00 €`).
pub(crate) fn vat_text(t: &rapportino_core::vat::VatTotals) -> String {
    let mut parts = vec!["Prezzi IVA esclusa".to_owned()];
    for r in &t.per_rate {
        parts.push(if t.per_rate.len() == 1 {
            format!("IVA {}%: {}", r.rate, euro(r.vat_cents))
        } else {
            format!(
                "IVA {}% su {}: {}",
                r.rate,
                euro(r.taxable_cents),
                euro(r.vat_cents)
            )
        });
    }
    parts.push(format!("Totale IVA inclusa: {}", euro(t.total_cents)));
    parts.join(" · ")
}

/// "Prezzi IVA esclusa", then the VAT of each rate and the total with VAT, under a table of
/// priced lines.
pub(crate) fn vat_summary(c: &mut Canvas, t: &rapportino_core::vat::VatTotals) {
    c.gap(4.0);
    c.paragraph(
        LEFT,
        CONTENT_W,
        Style::new(Face::Regular, 8.5, MUTED),
        LEADING,
        &vat_text(t),
    );
}

/// Client and site on the left, the request and the intervention on the right.
fn info_band(c: &mut Canvas, doc: &ReportDocument) {
    let r = &doc.content;
    let gap = 10.0 * MM;
    let w = (CONTENT_W - gap) / 2.0;
    let client = Block::party("Cliente", &r.client);
    let site = r
        .site
        .as_ref()
        .map(|s| Block::site("Sede dell'intervento", s));

    let mut pairs = Pairs::new(25.0 * MM);
    for (label, value) in intervention_pairs(doc) {
        pairs.add(label, value);
    }

    let block_gap = 8.0;
    let left_h = client.height(c, w)
        + site
            .as_ref()
            .map(|s| block_gap + s.height(c, w))
            .unwrap_or(0.0);
    let right_h = CAPTION_H + pairs.height(c, w);
    let h = left_h.max(right_h);
    c.ensure(h);
    let top = c.y;
    client.draw(c, LEFT, top, w);
    if let Some(s) = &site {
        s.draw(c, LEFT, top - client.height(c, w) - block_gap, w);
    }
    let x = LEFT + w + gap;
    caption(c, x, top, w, "Intervento");
    pairs.draw(c, x, top - CAPTION_H, w);
    c.y = top - h;
}

fn billing(c: &mut Canvas, doc: &ReportDocument) {
    let b = &doc.content.billing;
    c.heading("Conteggio e addebito", 40.0);
    let line = billing_summary(doc);
    c.paragraph(LEFT, CONTENT_W, Style::body(), LEADING, &line);
    c.gap(5.0);

    if !b.lines.is_empty() {
        let table = Table::new(columns(
            CONTENT_W,
            &[
                ("Pagato da", None, Align::Left),
                ("Motivo", Some(58.0 * MM), Align::Left),
                ("Tempo", Some(24.0 * MM), Align::Right),
                ("Importo", Some(26.0 * MM), Align::Right),
            ],
        ));
        let mut rows: Vec<Row> = b
            .lines
            .iter()
            .map(|l| {
                Row::body(vec![
                    Cell::new(paid_by(l)),
                    Cell::styled(&l.reason.label, Style::new(Face::Regular, 8.5, INK)),
                    Cell::new(dur(l.minutes)),
                    Cell::new(euro(l.amount_cents)),
                ])
            })
            .collect();
        rows.push(Row::total(vec![
            Cell::new("Totale addebiti"),
            Cell::new(""),
            Cell::new(dur(b.lines.iter().map(|l| l.minutes).sum())),
            Cell::new(euro(b.charges_cents)),
        ]));
        c.table(&table, &rows);
    } else {
        c.labelled("Totale addebiti:", &euro(b.charges_cents));
    }

    if !b.balances_after.is_empty() {
        // The table's first header names it: "Saldo dopo l'intervento".
        c.gap(8.0);
        let table = Table::new(columns(
            CONTENT_W,
            &[
                ("Saldo dopo l'intervento", None, Align::Left),
                ("Tipo", Some(30.0 * MM), Align::Left),
                ("Ore residue", Some(44.0 * MM), Align::Right),
                ("Ticket inc. residui", Some(30.0 * MM), Align::Right),
                ("Scadenza", Some(22.0 * MM), Align::Right),
            ],
        ));
        let rows: Vec<Row> = b
            .balances_after
            .iter()
            .map(|a| {
                Row::body(vec![
                    Cell::new(&a.contract_name),
                    Cell::new(&a.kind.label),
                    Cell::new(remaining_of(a.remaining_minutes, a.included_minutes)),
                    Cell::new(tickets_of(a.incident_left, a.incident_tickets)),
                    Cell::new(&a.ends_on),
                ])
            })
            .collect();
        c.table(&table, &rows);
    }
}

const SIG_BOX_H: f32 = 19.0 * MM;
const SIG_GAP: f32 = 10.0 * MM;

/// Two boxes side by side (customer, technician) with the names under them, then the signing
/// date and the full hash; kept together on one page.
fn signatures(c: &mut Canvas, doc: &ReportDocument) {
    let box_w = (CONTENT_W - SIG_GAP) / 2.0;
    let small = Style::new(Face::Regular, 7.5, MUTED);
    let foot_lines = c.wrap(small, CONTENT_W, &signature_footnote(doc));
    let lead_in = 4.0;
    let name_h = 14.0;
    let block_h = lead_in + CAPTION_H + SIG_BOX_H + name_h + 2.0 + foot_lines.len() as f32 * 10.0;
    c.ensure(block_h);
    if !c.at_page_top() {
        c.gap(lead_in);
    }
    let top = c.y;
    let name_st = Style::new(Face::Regular, 9.0, INK);
    let [customer, technician] = signer_names(doc);
    let technician_mark = match &doc.signed {
        Some(s) => CustomerMark::Signed(&s.technician),
        None => CustomerMark::Blank,
    };
    let boxes: [(&str, CustomerMark<'_>, String); 2] = [
        ("Firma del cliente", customer_mark(doc), customer),
        ("Firma del tecnico", technician_mark, technician),
    ];
    for (i, (label, sig, name)) in boxes.iter().enumerate() {
        let x = LEFT + i as f32 * (box_w + SIG_GAP);
        let cap = Style::new(Face::Bold, 9.0, crate::canvas::ACCENT);
        c.text(x, top - 9.0, cap, label);
        let box_top = top - CAPTION_H;
        let box_bottom = box_top - SIG_BOX_H;
        c.stroke_rect(x, box_bottom, box_w, SIG_BOX_H, 0.5, RULE);
        match sig {
            CustomerMark::Signed(sig) => ink(
                c,
                sig,
                x + 5.0,
                box_bottom + 4.0,
                box_w - 10.0,
                SIG_BOX_H - 8.0,
            ),
            CustomerMark::Absent(why) => {
                // The reason, in the box where the signature would be.
                let st = Style::new(Face::Bold, 9.0, INK);
                let lines = c.wrap(st, box_w - 10.0, why);
                let mut y = box_top - 6.0;
                for l in lines.iter().take(3) {
                    y -= 11.0;
                    c.text(x + 5.0, y, st, l);
                }
            }
            CustomerMark::Blank => {
                // The line to sign on.
                let line_y = box_bottom + 7.0 * MM;
                c.hline(x + 8.0, x + box_w - 8.0, line_y, 0.6, MUTED);
                c.text(
                    x + 8.0,
                    line_y + 3.0,
                    Style::new(Face::Regular, 9.0, MUTED),
                    "×",
                );
            }
        }
        let name_base = baseline(box_bottom - 1.0, 14.0, name_st.size);
        if name.trim().is_empty() {
            c.text(x, name_base, small, "Nome e cognome");
            let lw = c.width(small, "Nome e cognome") + 6.0;
            c.hline(x + lw, x + box_w, name_base - 1.5, 0.5, MUTED);
        } else {
            let n = crate::canvas::fit(c.fonts, name_st, box_w, name);
            c.text(x, name_base, name_st, &n);
        }
    }
    c.y = top - CAPTION_H - SIG_BOX_H - name_h - 2.0;
    for l in foot_lines {
        c.text(LEFT, baseline(c.y, 10.0, small.size), small, &l);
        c.gap(10.0);
    }
}

/// Draws a signature's strokes as vector paths inside the rectangle `(x, y)`–`(x + w, y + h)`.
pub(crate) fn ink(c: &mut Canvas, sig: &Signature, x: f32, y: f32, w: f32, h: f32) {
    let (bw, bh) = signature::box_size(sig);
    let fit = Fit::new(bw, bh, f64::from(w), f64::from(h));
    let top = f64::from(y + h);
    let map = |p: (f64, f64)| -> LinePoint {
        LinePoint {
            p: Point {
                x: Pt((f64::from(x) + fit.dx + p.0 * fit.scale) as f32),
                y: Pt((top - fit.dy - p.1 * fit.scale) as f32),
            },
            bezier: false,
        }
    };
    let runs = signature::runs(sig);
    if runs.is_empty() {
        return;
    }
    c.push_ops([Op::SaveGraphicsState]);
    c.round_strokes();
    c.push_ops([Op::SetOutlineColor {
        col: SIGNATURE_INK.pdf(),
    }]);
    let mut width = f64::NAN;
    for run in runs {
        if run.width_pt != width {
            width = run.width_pt;
            c.push_ops([Op::SetOutlineThickness {
                pt: Pt(width as f32),
            }]);
        }
        let mut points = Vec::with_capacity(1 + run.segments.len() * 3);
        points.push(map(run.start));
        for [c1, c2, end] in run.segments {
            points.push(LinePoint {
                bezier: true,
                ..map(c1)
            });
            points.push(LinePoint {
                bezier: true,
                ..map(c2)
            });
            points.push(map(end));
        }
        c.push_ops([Op::DrawLine {
            line: printpdf::Line {
                points,
                is_closed: false,
            },
        }]);
    }
    c.push_ops([Op::RestoreGraphicsState]);
}

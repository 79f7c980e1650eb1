//! The monthly statement as an HTML page.

use std::fmt::Write as _;

use rapportino_core::format::euro;
use rapportino_core::interventions::InterventionMode;
use rapportino_core::labels::Locale::It;
use rapportino_core::reports::{Logo, StatementDocument};

use super::{esc, fmt, page_end, page_start, pairs, party, section, shop_header, table};
use crate::common::dur;
use crate::statement as st;

/// The monthly statement as a self-contained HTML page (see [`report`]).
pub fn statement(doc: &StatementDocument, logo: Option<&Logo>) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let title = st::title(doc);
    let [foot_left, generated, _] = st::footer(doc, 1, 1);
    page_start(&mut out, &title, [&foot_left, &generated]);
    shop_header(&mut out, &doc.shop, logo);
    let _ = writeln!(
        out,
        "<div class=\"title\"><h1>Rendiconto mensile – {}</h1></div>",
        esc(&doc.month_label)
    );
    out.push_str("<div class=\"row band\">");
    party(&mut out, "Cliente", &doc.client, false);
    out.push_str("<div><p class=\"caption\">Riepilogo del mese</p>");
    pairs(&mut out, &st::summary(doc), 40);
    out.push_str("</div></div>\n");

    section(&mut out, "Interventi del mese");
    if doc.rows.is_empty() {
        out.push_str("<p class=\"empty\">Nessun intervento nel mese.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = doc
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.date.clone(),
                    r.ticket_number.clone(),
                    r.mode.label.clone(),
                    dur(r.worked_minutes),
                    dur(r.billed_minutes),
                    r.paid_by.clone(),
                    euro(r.charges_cents),
                ]
            })
            .collect();
        let n = doc.rows.len();
        let total = vec![
            "Totale".into(),
            if n == 1 {
                "1 intervento".into()
            } else {
                format!("{n} interventi")
            },
            String::new(),
            dur(doc.rows.iter().map(|r| r.worked_minutes).sum()),
            dur(doc.billed_minutes),
            String::new(),
            euro(doc.charges_cents),
        ];
        table(
            &mut out,
            "rows",
            &[
                "Data",
                "Ticket",
                InterventionMode::title(It),
                "Lavorate",
                "Fatturate",
                "Pagato da",
                "Addebiti",
            ],
            &[3, 4, 6],
            &rows,
            Some(total),
        );
    }

    section(&mut out, "Ore per contratto");
    if doc.usage.is_empty() {
        out.push_str("<p class=\"empty\">Nessuna ora nel mese.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = doc
            .usage
            .iter()
            .map(|u| vec![u.label.clone(), dur(u.minutes), euro(u.amount_cents)])
            .collect();
        let total = vec![
            "Totale".into(),
            dur(doc.usage.iter().map(|u| u.minutes).sum()),
            euro(doc.usage.iter().map(|u| u.amount_cents).sum()),
        ];
        table(
            &mut out,
            "usage",
            &["Contratto o addebito", "Ore", "Importo"],
            &[1, 2],
            &rows,
            Some(total),
        );
    }

    if !doc.to_invoice.is_empty() {
        section(&mut out, "Da fatturare");
        let rows: Vec<Vec<String>> = doc
            .to_invoice
            .iter()
            .map(|l| {
                vec![
                    l.description.clone(),
                    l.reference.clone(),
                    l.quantity.clone(),
                    euro(l.unit_price_cents),
                    format!("{}%", l.vat_rate),
                    euro(l.amount_cents),
                ]
            })
            .collect();
        let t = &doc.to_invoice_vat;
        let total = vec![
            format!(
                "Totale IVA esclusa {} · IVA {}",
                euro(t.taxable_cents),
                euro(t.vat_cents)
            ),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            euro(t.total_cents),
        ];
        table(
            &mut out,
            "to-invoice",
            &["Voce", "Rif.", "Quantità", "Prezzo", "IVA", "Importo"],
            &[2, 3, 4, 5],
            &rows,
            Some(total),
        );
    }

    if !doc.balances.is_empty() {
        section(&mut out, "Saldi a fine mese");
        out.push_str("<table class=\"small\"><thead><tr><th>Contratto</th><th class=\"num\">Incluse</th><th class=\"num\">Usate</th><th class=\"num\">Residue</th><th class=\"num\">Decadute</th><th class=\"num\">Ticket inc. residui</th><th class=\"num\">Scadenza</th></tr></thead><tbody>");
        for b in &doc.balances {
            let expiring = if b.expiring {
                "<span class=\"expiring\">in scadenza</span>"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<tr><td>{}<span class=\"sub\">{} · {}</span></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}{expiring}</td></tr>",
                esc(&b.contract_name),
                esc(&b.kind.label),
                esc(&b.status.label),
                esc(&b.included_minutes.map(dur).unwrap_or_else(|| "—".into())),
                esc(&dur(b.used_minutes)),
                esc(&b.remaining_minutes.map(dur).unwrap_or_else(|| "senza limite".into())),
                esc(&dur(b.forfeited_minutes)),
                esc(&b.incident_left.map(|l| l.to_string()).unwrap_or_else(|| "—".into())),
                esc(&b.ends_on),
            );
        }
        out.push_str("</tbody></table>\n");
    }

    if !doc.chart.is_empty() {
        section(&mut out, "Utilizzo delle ore");
        out.push_str(concat!(
            "<div class=\"chart\"><div class=\"legend\">",
            "<span><i class=\"swatch\" style=\"background:#b0c9e8\"></i>usate nei mesi precedenti</span>",
            "<span><i class=\"swatch\" style=\"background:#1c4d8c\"></i>usate nel mese</span>",
            "<span><i class=\"swatch\" style=\"background:#f9fafb;border:0.6pt solid #737f8f\"></i>residue</span></div>"
        ));
        let scale = st::chart_scale(doc) as f64;
        let pct = |m: i64| m.max(0) as f64 * 100.0 / scale;
        for bar in &doc.chart {
            let used = bar.used_before.max(0) + bar.used_in_month.max(0);
            let _ = write!(
                out,
                "<div class=\"row bar\"><span class=\"label\">{}</span><div class=\"track-cell\"><div class=\"track\">",
                esc(&bar.label)
            );
            if let Some(rem) = bar.remaining {
                let _ = write!(
                    out,
                    "<div style=\"left:0;width:{}%;background:#f9fafb;border:0.6pt solid #737f8f\"></div>",
                    fmt(pct(used + rem.max(0)))
                );
            }
            let _ = write!(
                out,
                "<div style=\"left:0;width:{}%;background:#b0c9e8\"></div><div style=\"left:{}%;width:{}%;background:#1c4d8c\"></div></div></div>",
                fmt(pct(bar.used_before)),
                fmt(pct(bar.used_before)),
                fmt(pct(bar.used_in_month))
            );
            let _ = write!(
                out,
                "<span class=\"value\">{}</span></div>",
                esc(&st::bar_value(bar))
            );
        }
        out.push_str("</div>\n");
    }

    page_end(&mut out, [&foot_left, &generated, ""]);
    out
}

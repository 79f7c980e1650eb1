//! The rapporto d'intervento as an HTML page.

use std::fmt::Write as _;

use rapportino_core::format::euro;
use rapportino_core::interventions::Outcome;
use rapportino_core::labels::Locale::It;
use rapportino_core::reports::{Logo, ReportDocument, Signature};

use super::{esc, fmt, page_end, page_start, pairs, party, section, shop_header, table};
use crate::common::{decimal, dur, remaining_of, tickets_of};
use crate::report::{self as rep, DRAFT};
use crate::signature::{self, Fit};

/// A signature as an inline SVG: one path per run, widths in the box's units so that the printed
/// widths match the PDF's in the signature box (79 × 16 mm inside its padding).
fn signature_svg(sig: &Signature) -> String {
    let (w, h) = signature::box_size(sig);
    let mm = f64::from(crate::canvas::MM);
    let fit = Fit::new(w, h, 79.0 * mm, 16.0 * mm);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" preserveAspectRatio=\"xMidYMid meet\" fill=\"none\" stroke=\"#0d1752\" stroke-linecap=\"round\" stroke-linejoin=\"round\" role=\"img\" aria-label=\"Firma di {}\">",
        fmt(w),
        fmt(h),
        esc(&sig.signer_name)
    );
    for run in signature::runs(sig) {
        let mut d = format!("M{} {}", fmt(run.start.0), fmt(run.start.1));
        for [c1, c2, end] in &run.segments {
            let _ = write!(
                d,
                "C{} {} {} {} {} {}",
                fmt(c1.0),
                fmt(c1.1),
                fmt(c2.0),
                fmt(c2.1),
                fmt(end.0),
                fmt(end.1)
            );
        }
        let _ = write!(
            out,
            "<path d=\"{d}\" stroke-width=\"{}\"/>",
            fmt(run.width_pt / fit.scale)
        );
    }
    out.push_str("</svg>");
    out
}

/// A self-contained HTML page (inline CSS, @page A4, logo as data: URI, signatures as inline SVG
/// paths) with the same content and layout intent as the PDF. Used by the app as the preview
/// (iframe srcdoc) and by the benchmark as the input of wkhtmltopdf and WeasyPrint.
pub fn report(doc: &ReportDocument, logo: Option<&Logo>) -> String {
    let r = &doc.content;
    let mut out = String::with_capacity(16 * 1024);
    let centre = match &doc.signed {
        Some(s) => format!("impronta {}", s.short_hash()),
        None => DRAFT.to_owned(),
    };
    page_start(&mut out, &rep::title(doc), [&r.number, &centre]);
    shop_header(&mut out, &r.shop, logo);
    let _ = writeln!(
        out,
        "<div class=\"title row\"><h1>Rapporto d'intervento</h1><div class=\"number\">{}</div></div>",
        esc(&r.number)
    );
    // Second line: what this report replaces (left) and the draft marker (right).
    if r.supersedes.is_some() || doc.signed.is_none() {
        out.push_str("<div class=\"subtitle row\">");
        match &r.supersedes {
            Some(prev) => {
                let _ = write!(
                    out,
                    "<span class=\"note\">Sostituisce il rapporto {}</span>",
                    esc(prev)
                );
            }
            None => out.push_str("<span></span>"),
        }
        if doc.signed.is_none() {
            let _ = write!(out, "<span class=\"draft\">{DRAFT}</span>");
        }
        out.push_str("</div>\n");
    }
    if let Some(next) = &doc.superseded_by {
        let _ = write!(
            out,
            "<p class=\"superseded\">Sostituito dal rapporto {}: {}</p>",
            esc(next),
            rep::SUPERSEDED_NOTE
        );
    }

    // Client and site on the left, the request and the intervention on the right.
    out.push_str("<div class=\"row band\"><div>");
    party(&mut out, "Cliente", &r.client, false);
    if let Some(site) = &r.site {
        party(&mut out, "Sede dell'intervento", site, true);
    }
    out.push_str("</div><div><p class=\"caption\">Intervento</p>");
    pairs(&mut out, &rep::intervention_pairs(doc), 25);
    out.push_str("</div></div>\n");

    section(&mut out, "Tempi di lavoro");
    if r.periods.is_empty() {
        out.push_str("<p class=\"empty\">Nessun periodo di lavoro registrato.</p>");
    } else {
        let rows: Vec<Vec<String>> = r
            .periods
            .iter()
            .map(|p| {
                vec![
                    p.date.clone(),
                    p.start.clone(),
                    p.end.clone(),
                    dur(p.minutes),
                    p.note.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let total = vec![
            "Totale".into(),
            String::new(),
            String::new(),
            dur(r.total_minutes),
            String::new(),
        ];
        table(
            &mut out,
            "periods",
            &["Data", "Inizio", "Fine", "Durata", "Note"],
            &[3],
            &rows,
            Some(total),
        );
    }

    section(&mut out, "Lavoro svolto");
    let work = if r.work_done.trim().is_empty() {
        "—"
    } else {
        r.work_done.trim_end()
    };
    let _ = writeln!(out, "<p class=\"work\">{}</p>", esc(work));
    if let Some(o) = &r.outcome {
        let _ = write!(
            out,
            "<p class=\"labelled\"><b>{}:</b>{}</p>",
            Outcome::title(It),
            esc(&o.label)
        );
    }
    if let Some(reason) = r.outcome_reason.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = write!(
            out,
            "<p class=\"labelled\"><b>Motivo:</b>{}</p>",
            esc(reason)
        );
    }

    let travel = rep::travel(doc);
    if !r.materials.is_empty() {
        section(
            &mut out,
            if travel.is_some() {
                "Materiali e trasferta"
            } else {
                "Materiali"
            },
        );
        let rows: Vec<Vec<String>> = r
            .materials
            .iter()
            .map(|m| {
                vec![
                    m.description.clone(),
                    decimal(m.quantity),
                    euro(m.unit_price_cents),
                    format!("{}%", m.rate()),
                    euro(m.total_cents),
                ]
            })
            .collect();
        let total = vec![
            "Totale materiali (IVA esclusa)".into(),
            String::new(),
            String::new(),
            String::new(),
            euro(r.materials_total_cents),
        ];
        table(
            &mut out,
            "materials",
            &[
                "Descrizione",
                "Q.tà",
                "Prezzo unitario",
                "IVA",
                "Imponibile",
            ],
            &[1, 2, 3, 4],
            &rows,
            Some(total),
        );
        let vat = rep::vat_text(&r.materials_vat());
        let _ = write!(out, "<p class=\"note\">{}</p>", esc(&vat));
    } else if travel.is_some() {
        section(&mut out, "Trasferta");
    }
    if let Some(t) = travel {
        let _ = write!(
            out,
            "<p class=\"labelled\" style=\"margin-top:5pt\"><b>Trasferta:</b>{}</p>",
            esc(&t)
        );
    }

    let b = &r.billing;
    section(&mut out, "Conteggio e addebito");
    let _ = write!(
        out,
        "<p class=\"labelled\">{}</p>",
        esc(&rep::billing_summary(doc))
    );
    if b.lines.is_empty() {
        let _ = write!(
            out,
            "<p class=\"labelled\"><b>Totale addebiti:</b>{}</p>",
            esc(&euro(b.charges_cents))
        );
    } else {
        let rows: Vec<Vec<String>> = b
            .lines
            .iter()
            .map(|l| {
                vec![
                    rep::paid_by(l),
                    l.reason.label.clone(),
                    dur(l.minutes),
                    euro(l.amount_cents),
                ]
            })
            .collect();
        let total = vec![
            "Totale addebiti".into(),
            String::new(),
            dur(b.lines.iter().map(|l| l.minutes).sum()),
            euro(b.charges_cents),
        ];
        table(
            &mut out,
            "billing",
            &["Pagato da", "Motivo", "Tempo", "Importo"],
            &[2, 3],
            &rows,
            Some(total),
        );
    }
    if !b.balances_after.is_empty() {
        let rows: Vec<Vec<String>> = b
            .balances_after
            .iter()
            .map(|a| {
                vec![
                    a.contract_name.clone(),
                    a.kind.label.clone(),
                    remaining_of(a.remaining_minutes, a.included_minutes),
                    tickets_of(a.incident_left, a.incident_tickets),
                    a.ends_on.clone(),
                ]
            })
            .collect();
        table(
            &mut out,
            "balances",
            &[
                "Saldo dopo l'intervento",
                "Tipo",
                "Ore residue",
                "Ticket inc. residui",
                "Scadenza",
            ],
            &[2, 3, 4],
            &rows,
            None,
        );
    }

    // Signatures: two boxes kept together, the names under them, then date and hash.
    out.push_str("<section class=\"signatures\"><div class=\"row\">");
    let [customer, technician] = rep::signer_names(doc);
    let technician_mark = match &doc.signed {
        Some(s) => rep::CustomerMark::Signed(&s.technician),
        None => rep::CustomerMark::Blank,
    };
    let sigs: [(&str, rep::CustomerMark<'_>, String); 2] = [
        ("Firma del cliente", rep::customer_mark(doc), customer),
        ("Firma del tecnico", technician_mark, technician),
    ];
    for (label, sig, name) in sigs {
        let _ = write!(
            out,
            "<div class=\"sig\"><div class=\"label\">{}</div><div class=\"box\">",
            esc(label)
        );
        match sig {
            rep::CustomerMark::Signed(s) => out.push_str(&signature_svg(s)),
            rep::CustomerMark::Absent(why) => {
                let _ = write!(out, "<div class=\"absent\">{}</div>", esc(&why));
            }
            rep::CustomerMark::Blank => out.push_str("<div class=\"line\">×</div>"),
        }
        let name = if name.trim().is_empty() {
            "<span class=\"muted\">Nome e cognome</span> ____________________________".to_owned()
        } else {
            esc(&name)
        };
        let _ = write!(out, "</div><div class=\"signer\">{name}</div></div>");
    }
    out.push_str("</div>");
    let _ = writeln!(
        out,
        "<p class=\"fine\">{}</p></section>",
        esc(&rep::signature_footnote(doc))
    );

    page_end(&mut out, [&r.number, &centre, ""]);
    out
}

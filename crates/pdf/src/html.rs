//! The same documents as self-contained HTML pages: inline CSS with `@page` A4 rules, the logo as a
//! `data:` URI, signatures as inline SVG paths, no external resource. The app shows them as the
//! preview (iframe `srcdoc`); the benchmark feeds them to wkhtmltopdf and WeasyPrint.
//!
//! - On screen the page is drawn as a white A4 sheet, with the footer's facts once at its end.
//! - In print (`@media print`) the sheet styling and that closing footer go away: the page footers
//!   ("number · impronta · Pagina x di y") come from `@page` margin boxes, which WeasyPrint draws.
//!   wkhtmltopdf ignores margin boxes and `@page` margins: give it `--print-media-type`, the
//!   margins (`-T 15mm -B 18mm -L 18mm -R 18mm`) and its own `--footer-*` options.
//! - Two-column bands are CSS tables, not grid or flex gaps, so that every engine agrees.

use std::fmt::Write as _;

use rapportino_core::format::euro;
use rapportino_core::reports::{Logo, Party, ReportDocument, Signature, StatementDocument};

use crate::common::{decimal, dur, joined, remaining_of, tax_line, tickets_of};
use crate::report::{self as rep, DRAFT};
use crate::signature::{self, Fit};
use crate::statement as st;

const CSS: &str = r#"
@page { size: A4; margin: 15mm 18mm 18mm 18mm;
  @bottom-right { content: "Pagina " counter(page) " di " counter(pages); font: 7.5pt "Noto Sans", sans-serif; color: #61666f; }
}
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 9.5pt;
  line-height: 1.35; color: #1a1a1f; }
@media screen {
  html { background: #e9ebee; }
  .sheet { background: #fff; width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 15mm 18mm 12mm;
    box-shadow: 0 1px 6px rgba(0,0,0,.18); }
}
/* Two-column bands are tables: every engine (WebKitGTK, WebView2, wkhtmltopdf, WeasyPrint) agrees. */
.row { display: table; width: 100%; table-layout: fixed; border-collapse: collapse; }
.row > * { display: table-cell; vertical-align: top; }
.row > * + * { padding-left: 10mm; }
header.shop { border-bottom: 0.8pt solid #1c4d8c; padding-bottom: 5pt; margin-bottom: 10pt; }
header.shop > .logo-cell { width: 53mm; text-align: right; }
.shop-name { font-size: 13.5pt; font-weight: bold; margin: 0 0 2pt; line-height: 1.2; }
.shop-text p { margin: 0; font-size: 8.5pt; color: #61666f; line-height: 1.3; }
.logo { max-width: 45mm; max-height: 20mm; }
.title h1 { font-size: 16pt; margin: 0; line-height: 1.25; }
.title .number { font-size: 16pt; font-weight: bold; color: #1c4d8c; text-align: right; white-space: nowrap; }
.subtitle { margin-top: 3pt; }
.subtitle > :last-child { text-align: right; }
.draft { display: inline-block; border: 0.8pt solid #61666f; color: #61666f; font-weight: bold; font-size: 10pt;
  padding: 0 6pt; }
.note { font-style: italic; color: #61666f; font-size: 9pt; }
.superseded { background: #fcede8; border-left: 2.5pt solid #b3291a; color: #b3291a;
  font-weight: bold; padding: 5pt 10pt; margin: 6pt 0 0; }
.band { margin-top: 9pt; }
.caption { font-size: 8pt; font-weight: bold; color: #61666f; border-bottom: 0.4pt solid #b8bdc4;
  margin: 0 0 3pt; padding-bottom: 1pt; }
.party { margin-bottom: 8pt; }
.party p { margin: 0; font-size: 9pt; line-height: 1.3; }
.party .name { font-weight: bold; font-size: 10pt; }
.party .contact { color: #61666f; }
h2.section { font-size: 10.5pt; color: #1c4d8c; border-bottom: 0.5pt solid #b8bdc4; margin: 8pt 0 4pt;
  padding-bottom: 2pt; page-break-after: avoid; break-after: avoid; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
table.pairs { font-size: 9pt; table-layout: fixed; }
table.pairs th { background: none; color: #61666f; font-weight: normal; font-size: 8.5pt;
  padding: 0 4pt 0 0; vertical-align: top; }
table.pairs td { padding: 0; border: none; }
thead { display: table-header-group; }
th { background: #eceef0; color: #40454d; font-size: 7.5pt; text-align: left; padding: 2pt 4pt; }
td { padding: 2pt 4pt; border-bottom: 0.35pt solid #dbdee3; vertical-align: top; word-wrap: break-word;
  overflow-wrap: anywhere; }
tr { page-break-inside: avoid; break-inside: avoid; }
.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 0.8pt solid #61666f; border-bottom: none; }
.muted, .sub { color: #61666f; }
.sub { display: block; font-size: 7.5pt; }
.expiring { display: block; color: #b3291a; font-weight: bold; font-size: 7.5pt; }
table.small { font-size: 8pt; }
table.balances, table.billing { margin-top: 6pt; }
.work { white-space: pre-wrap; word-wrap: break-word; overflow-wrap: anywhere; margin: 0; }
.labelled { margin: 4pt 0 0; word-wrap: break-word; overflow-wrap: anywhere; }
.labelled b { margin-right: 4pt; }
.signatures { page-break-inside: avoid; break-inside: avoid; margin-top: 8pt; }
.sig .label { font-weight: bold; font-size: 9pt; color: #1c4d8c; margin-bottom: 2pt; }
.sig .box { height: 19mm; border: 0.5pt solid #b8bdc4; padding: 1.5mm; position: relative; }
.sig .box svg { width: 100%; height: 100%; display: block; }
.sig .line { position: absolute; left: 3mm; right: 3mm; bottom: 7mm; border-bottom: 0.6pt solid #61666f;
  color: #61666f; font-size: 9pt; line-height: 1; }
.sig .signer { font-size: 9pt; margin-top: 2pt; }
.fine { font-size: 7.5pt; color: #61666f; word-wrap: break-word; overflow-wrap: anywhere; margin: 2pt 0 0; }
footer.doc { margin-top: 14pt; border-top: 0.4pt solid #b8bdc4; padding-top: 3pt; font-size: 7.5pt; color: #61666f; }
footer.doc > :nth-child(2) { text-align: center; }
footer.doc > :last-child { text-align: right; }
@media print { footer.doc { display: none; } }
.legend { font-size: 7pt; color: #61666f; margin: 0 0 4pt 46mm; }
.legend span { margin-right: 12pt; white-space: nowrap; }
.swatch { display: inline-block; width: 9pt; height: 7pt; margin-right: 3pt; vertical-align: -1pt; }
.chart { width: 170mm; max-width: 100%; }
.chart .bar { height: 19pt; font-size: 7.5pt; }
.chart .bar > * { vertical-align: middle; }
.chart .label { width: 46mm; font-weight: bold; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.chart .row > .track-cell { padding-left: 0; }
.chart .value { width: 44mm; text-align: right; white-space: nowrap; }
.track { position: relative; height: 10pt; }
.track div { position: absolute; top: 0; bottom: 0; }
.empty { font-style: italic; color: #61666f; }
"#;

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A CSS string literal (for `content:`), safe inside a `<style>` element.
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' | '"' | '<' | '>' | '\n' | '\r' => {
                let _ = write!(out, "\\{:x} ", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn page_start(out: &mut String, title: &str, foot: [&str; 2]) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}\n@page {{ @bottom-left {{ content: {}; }} @bottom-center {{ content: {}; }} }}\n@page {{ @bottom-left {{ font: 7.5pt \"Noto Sans\", sans-serif; color: #61666f; }} @bottom-center {{ font: 7.5pt \"Noto Sans\", sans-serif; color: #61666f; }} }}\n</style>\n</head>\n<body>\n<main class=\"sheet\">\n",
        esc(title),
        css_string(foot[0]),
        css_string(foot[1]),
    );
}

fn page_end(out: &mut String, footer: [&str; 3]) {
    let _ = write!(
        out,
        "<footer class=\"doc row\"><span>{}</span><span>{}</span><span>{}</span></footer>\n</main>\n</body>\n</html>\n",
        esc(footer[0]),
        esc(footer[1]),
        esc(footer[2])
    );
}

fn shop_header(out: &mut String, shop: &Party, logo: Option<&Logo>) {
    out.push_str("<header class=\"shop row\"><div class=\"shop-text\">");
    let _ = write!(out, "<p class=\"shop-name\">{}</p>", esc(&shop.name));
    let lines = [
        joined(&shop.address_lines),
        tax_line(shop).unwrap_or_default(),
        joined(&shop.contact_lines),
    ];
    for l in lines.iter().filter(|l| !l.is_empty()) {
        let _ = write!(out, "<p>{}</p>", esc(l));
    }
    out.push_str("</div>");
    if let Some(logo) = logo {
        let mime = if logo.png.starts_with(&[0xff, 0xd8]) {
            "image/jpeg"
        } else {
            "image/png"
        };
        let _ = write!(
            out,
            "<div class=\"logo-cell\"><img class=\"logo\" alt=\"Logo\" src=\"data:{mime};base64,{}\"></div>",
            base64(&logo.png)
        );
    }
    out.push_str("</header>\n");
}

/// A party block; a site prints its address on one line (as in the PDF).
fn party(out: &mut String, caption: &str, p: &Party, site: bool) {
    let _ = write!(
        out,
        "<div class=\"party\"><p class=\"caption\">{}</p><p class=\"name\">{}</p>",
        esc(caption),
        esc(&p.name)
    );
    let address = if site {
        vec![joined(&p.address_lines)]
    } else {
        p.address_lines.clone()
    };
    for l in address.iter().filter(|l| !l.trim().is_empty()) {
        let _ = write!(out, "<p>{}</p>", esc(l));
    }
    if let Some(t) = tax_line(p) {
        let _ = write!(out, "<p>{}</p>", esc(&t));
    }
    let contacts = joined(&p.contact_lines);
    if !contacts.is_empty() {
        let _ = write!(out, "<p class=\"contact\">{}</p>", esc(&contacts));
    }
    out.push_str("</div>");
}

/// Label/value pairs as a two-column table (CSS grid would be neater, but wkhtmltopdf's engine
/// does not know it).
fn pairs(out: &mut String, items: &[(&str, String)], label_mm: u32) {
    let _ = write!(
        out,
        "<table class=\"pairs\"><colgroup><col style=\"width:{label_mm}mm\"><col></colgroup>"
    );
    for (k, v) in items.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let _ = write!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    out.push_str("</table>");
}

fn section(out: &mut String, title: &str) {
    let _ = writeln!(out, "<h2 class=\"section\">{}</h2>", esc(title));
}

/// A table; `num` marks right-aligned columns; the last row is a total row when `total` is set.
fn table(
    out: &mut String,
    class: &str,
    head: &[&str],
    num: &[usize],
    rows: &[Vec<String>],
    total: Option<Vec<String>>,
) {
    let _ = write!(out, "<table class=\"{class}\"><thead><tr>");
    for (i, h) in head.iter().enumerate() {
        let cls = if num.contains(&i) {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(out, "<th{cls}>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    let mut row = |cells: &[String], tr_class: &str| {
        let _ = write!(out, "<tr{tr_class}>");
        for (i, c) in cells.iter().enumerate() {
            let cls = if num.contains(&i) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<td{cls}>{}</td>", esc(c).replace('\n', "<br>"));
        }
        out.push_str("</tr>");
    };
    for r in rows {
        row(r, "");
    }
    if let Some(t) = total {
        row(&t, " class=\"total\"");
    }
    out.push_str("</tbody></table>\n");
}

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

/// A coordinate with at most two decimals and no trailing zeros.
fn fmt(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
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
            "<p class=\"labelled\"><b>Esito:</b>{}</p>",
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
                    euro(m.total_cents),
                ]
            })
            .collect();
        let total = vec![
            "Totale materiali".into(),
            String::new(),
            String::new(),
            euro(r.materials_total_cents),
        ];
        table(
            &mut out,
            "materials",
            &["Descrizione", "Q.tà", "Prezzo unitario", "Totale"],
            &[1, 2, 3],
            &rows,
            Some(total),
        );
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
    let sigs: [(&str, Option<&Signature>, String); 2] = [
        (
            "Firma del cliente",
            doc.signed.as_ref().map(|s| &s.customer),
            customer,
        ),
        (
            "Firma del tecnico",
            doc.signed.as_ref().map(|s| &s.technician),
            technician,
        ),
    ];
    for (label, sig, name) in sigs {
        let _ = write!(
            out,
            "<div class=\"sig\"><div class=\"label\">{}</div><div class=\"box\">",
            esc(label)
        );
        match sig {
            Some(s) => out.push_str(&signature_svg(s)),
            None => out.push_str("<div class=\"line\">×</div>"),
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
                "Modalità",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<b>\"A&B\"</b>"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn coordinates_are_compact() {
        assert_eq!(fmt(1.0), "1");
        assert_eq!(fmt(1.50), "1.5");
        assert_eq!(fmt(-0.001), "0");
    }
}

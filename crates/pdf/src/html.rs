//! The same documents as self-contained HTML pages: inline CSS with `@page` A4 rules, the logo as a
//! `data:` URI, signatures as inline SVG paths. The app shows them as the preview (iframe
//! `srcdoc`); the benchmark feeds them to wkhtmltopdf and WeasyPrint.
//!
//! Page footers use `@page` margin boxes (WeasyPrint honours them; browsers and wkhtmltopdf ignore
//! them), so the footer's facts are also printed once at the end of the page.

use std::fmt::Write as _;

use rapportino_core::format::euro;
use rapportino_core::reports::{Logo, Party, ReportDocument, Signature, StatementDocument};

use crate::common::{decimal, dur, hours_short, remaining_of, tax_line, tickets_of};
use crate::report::DRAFT;
use crate::signature::{self, Fit};

const CSS: &str = r#"
@page { size: A4; margin: 16mm 18mm 20mm 18mm;
  @bottom-right { content: "Pagina " counter(page) " di " counter(pages); font: 7.5pt "Noto Sans", sans-serif; color: #61666f; }
}
* { box-sizing: border-box; }
html { background: #e9ebee; }
body { margin: 0; font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 9.5pt;
  line-height: 1.37; color: #1a1a1f; }
.sheet { background: #fff; width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 16mm 18mm 14mm;
  box-shadow: 0 1px 6px rgba(0,0,0,.18); }
@media print { html { background: none; } .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; } }
header.shop { display: flex; justify-content: space-between; align-items: flex-start; gap: 8mm;
  border-bottom: 0.8pt solid #1c4d8c; padding-bottom: 5pt; margin-bottom: 12pt; }
.shop-name { font-size: 14pt; font-weight: bold; margin: 0 0 2pt; line-height: 1.2; }
.shop p { margin: 0; font-size: 8.5pt; color: #61666f; line-height: 1.3; }
.logo { max-width: 45mm; max-height: 20mm; object-fit: contain; }
.title { display: flex; justify-content: space-between; align-items: baseline; gap: 12pt; flex-wrap: wrap; }
.title h1 { font-size: 17pt; margin: 0; }
.title .number { font-size: 17pt; font-weight: bold; color: #1c4d8c; }
.draft { float: right; border: 0.8pt solid #61666f; color: #61666f; font-weight: bold; font-size: 10pt;
  padding: 1pt 6pt; margin: 4pt 0 0; }
.note { font-style: italic; color: #61666f; font-size: 9pt; margin: 4pt 0 0; }
.superseded { clear: both; background: #fcede8; border-left: 2.5pt solid #b3291a; color: #b3291a;
  font-weight: bold; padding: 5pt 10pt; margin: 8pt 0 0; }
.cols { display: flex; gap: 10mm; margin-top: 12pt; clear: both; }
.cols > * { flex: 1 1 0; min-width: 0; }
.caption { font-size: 8pt; font-weight: bold; color: #61666f; border-bottom: 0.4pt solid #b8bdc4;
  margin: 0 0 3pt; padding-bottom: 1pt; }
.party p { margin: 0; font-size: 9pt; }
.party .name { font-weight: bold; font-size: 10pt; }
.party .contact { color: #61666f; }
h2.section { font-size: 10.5pt; color: #1c4d8c; border-bottom: 0.5pt solid #b8bdc4; margin: 14pt 0 6pt;
  padding-bottom: 2pt; break-after: avoid; }
h3.sub { font-size: 9.5pt; margin: 10pt 0 4pt; break-after: avoid; }
dl.pairs { display: grid; grid-template-columns: 24mm 1fr; margin: 0; row-gap: 1pt; }
dl.pairs dt { color: #61666f; font-size: 8.5pt; }
dl.pairs dd { margin: 0; font-size: 9pt; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
thead { display: table-header-group; }
th { background: #eceef0; color: #40454d; font-size: 8pt; text-align: left; padding: 3pt 4pt; }
td { padding: 3pt 4pt; border-bottom: 0.35pt solid #dbdee3; vertical-align: top; overflow-wrap: anywhere; }
tr { break-inside: avoid; }
.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 0.8pt solid #61666f; border-bottom: none; }
td.muted, .muted { color: #61666f; }
.small td, .small th { font-size: 8pt; }
.work { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.labelled { margin: 0 0 2pt; overflow-wrap: anywhere; }
.labelled b { margin-right: 4pt; }
.expiring { color: #b3291a; font-weight: bold; }
.signatures { break-inside: avoid; }
.sig-row { display: flex; gap: 10mm; }
.sig { flex: 1 1 0; min-width: 0; }
.sig .label { font-weight: bold; font-size: 9pt; margin-bottom: 3pt; }
.sig .box { height: 30mm; border: 0.5pt solid #b8bdc4; padding: 2mm; position: relative; }
.sig .box svg { width: 100%; height: 100%; display: block; }
.sig .line { position: absolute; left: 3mm; right: 3mm; bottom: 9mm; border-bottom: 0.6pt solid #61666f; }
.sig .signer { font-size: 9pt; margin-top: 3pt; }
.fine { font-size: 7.5pt; color: #61666f; overflow-wrap: anywhere; margin-top: 6pt; }
footer.doc { margin-top: 16pt; border-top: 0.4pt solid #b8bdc4; padding-top: 3pt; font-size: 7.5pt; color: #61666f;
  display: flex; justify-content: space-between; gap: 8pt; }
.legend { display: flex; gap: 12pt; font-size: 7pt; color: #61666f; margin: 0 0 4pt 46mm; }
.legend span::before { content: ""; display: inline-block; width: 9pt; height: 7pt; margin-right: 3pt;
  vertical-align: -1pt; background: var(--c); border: var(--b, none); }
.chart { width: 170mm; max-width: 100%; }
.bar { display: grid; grid-template-columns: 46mm 1fr 44mm; align-items: center; height: 19pt; font-size: 7.5pt; }
.bar .label { font-weight: bold; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; padding-right: 8pt; }
.bar .track { position: relative; height: 10pt; }
.bar .track div { position: absolute; top: 0; bottom: 0; }
.bar .value { text-align: right; white-space: nowrap; }
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
        "<footer class=\"doc\"><span>{}</span><span>{}</span><span>{}</span></footer>\n</main>\n</body>\n</html>\n",
        esc(footer[0]),
        esc(footer[1]),
        esc(footer[2])
    );
}

fn shop_header(out: &mut String, shop: &Party, logo: Option<&Logo>) {
    out.push_str("<header class=\"shop\"><div class=\"shop-text\">");
    let _ = write!(out, "<p class=\"shop-name\">{}</p>", esc(&shop.name));
    let mut lines = shop.address_lines.clone();
    lines.extend(tax_line(shop));
    lines.extend(shop.contact_lines.iter().cloned());
    for l in lines.iter().filter(|l| !l.trim().is_empty()) {
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
            "<img class=\"logo\" alt=\"Logo\" src=\"data:{mime};base64,{}\">",
            base64(&logo.png)
        );
    }
    out.push_str("</header>\n");
}

fn party(out: &mut String, caption: &str, p: &Party) {
    let _ = write!(
        out,
        "<div class=\"party\"><p class=\"caption\">{}</p><p class=\"name\">{}</p>",
        esc(caption),
        esc(&p.name)
    );
    for l in p.address_lines.iter().filter(|l| !l.trim().is_empty()) {
        let _ = write!(out, "<p>{}</p>", esc(l));
    }
    if let Some(t) = tax_line(p) {
        let _ = write!(out, "<p>{}</p>", esc(&t));
    }
    for l in p.contact_lines.iter().filter(|l| !l.trim().is_empty()) {
        let _ = write!(out, "<p class=\"contact\">{}</p>", esc(l));
    }
    out.push_str("</div>");
}

fn pairs(out: &mut String, items: &[(&str, String)]) {
    out.push_str("<dl class=\"pairs\">");
    for (k, v) in items.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    }
    out.push_str("</dl>");
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
/// widths match the PDF's for a box of about 78 × 26 mm.
fn signature_svg(sig: &Signature) -> String {
    let (w, h) = signature::box_size(sig);
    let mm = f64::from(crate::canvas::MM);
    let fit = Fit::new(w, h, 78.0 * mm, 26.0 * mm);
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
    page_start(&mut out, &crate::report::title(doc), [&r.number, &centre]);
    shop_header(&mut out, &r.shop, logo);
    let _ = writeln!(
        out,
        "<div class=\"title\"><h1>Rapporto d'intervento</h1><div class=\"number\">{}</div></div>",
        esc(&r.number)
    );
    if doc.signed.is_none() {
        let _ = write!(out, "<p class=\"draft\">{DRAFT}</p>");
    }
    if let Some(prev) = &r.supersedes {
        let _ = write!(
            out,
            "<p class=\"note\">Sostituisce il rapporto {}</p>",
            esc(prev)
        );
    }
    if let Some(next) = &doc.superseded_by {
        let _ = write!(
            out,
            "<p class=\"superseded\">Sostituito dal rapporto {}: questo rapporto è stato rettificato, fa fede il rapporto che lo sostituisce.</p>",
            esc(next)
        );
    }
    out.push_str("<div class=\"cols\">");
    party(&mut out, "Cliente", &r.client);
    match &r.site {
        Some(s) => party(&mut out, "Sede dell'intervento", s),
        None => out.push_str("<div></div>"),
    }
    out.push_str("</div>\n");

    section(&mut out, "Richiesta e intervento");
    let severity = if r.ticket.urgent {
        format!("{} · urgente", r.ticket.severity.label)
    } else {
        r.ticket.severity.label.clone()
    };
    out.push_str("<div class=\"cols\" style=\"margin-top:0\">");
    pairs(
        &mut out,
        &[
            ("Ticket", r.ticket.number.clone()),
            ("Oggetto", r.ticket.title.clone()),
            ("Priorità", severity),
            ("Origine", r.ticket.origin.label.clone()),
            ("Segnalato il", r.ticket.reported_at.clone()),
        ],
    );
    let tech = if r.technician_code.is_empty() {
        r.technician_name.clone()
    } else {
        format!("{} ({})", r.technician_name, r.technician_code)
    };
    pairs(
        &mut out,
        &[
            ("Data", r.date.clone()),
            ("Modalità", r.mode.label.clone()),
            ("Tecnico", tech),
        ],
    );
    out.push_str("</div>\n");

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
            "",
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

    let reason = r.outcome_reason.as_deref().filter(|s| !s.trim().is_empty());
    if r.outcome.is_some() || reason.is_some() {
        section(&mut out, "Esito");
        if let Some(o) = &r.outcome {
            let _ = write!(
                out,
                "<p class=\"labelled\"><b>Esito:</b>{}</p>",
                esc(&o.label)
            );
        }
        if let Some(reason) = reason {
            let _ = write!(
                out,
                "<p class=\"labelled\"><b>Motivo:</b>{}</p>",
                esc(reason)
            );
        }
    }

    if !r.materials.is_empty() {
        section(&mut out, "Materiali");
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
            "",
            &["Descrizione", "Q.tà", "Prezzo unitario", "Totale"],
            &[1, 2, 3],
            &rows,
            Some(total),
        );
    }
    if r.travel_km != 0.0 || r.travel_minutes != 0 {
        section(&mut out, "Trasferta");
        let mut parts = Vec::new();
        if r.travel_km != 0.0 {
            parts.push(format!("{} km", decimal(r.travel_km)));
        }
        if r.travel_minutes != 0 {
            parts.push(format!("{} di viaggio", dur(r.travel_minutes)));
        }
        let _ = write!(
            out,
            "<p class=\"labelled\"><b>Trasferta:</b>{}</p>",
            esc(&parts.join(" · "))
        );
    }

    let b = &r.billing;
    section(&mut out, "Conteggio e addebito");
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
    out.push_str("<div class=\"cols\" style=\"margin-top:0\">");
    pairs(
        &mut out,
        &[
            ("Tempo lavorato", dur(b.worked_minutes)),
            ("Tempo fatturato", dur(b.billed_minutes)),
        ],
    );
    pairs(&mut out, &[("Regole applicate", rules.join(" · "))]);
    out.push_str("</div>\n");
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
                let who = match l.contract_name.as_deref().filter(|n| !n.trim().is_empty()) {
                    Some(name) => format!("{name} ({})", l.source.label),
                    None => l.source.label.clone(),
                };
                vec![
                    who,
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
            "",
            &["Pagato da", "Motivo", "Tempo", "Importo"],
            &[2, 3],
            &rows,
            Some(total),
        );
    }
    if !b.balances_after.is_empty() {
        out.push_str("<h3 class=\"sub\">Saldo dopo l'intervento</h3>");
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
            "",
            &[
                "Contratto",
                "Tipo",
                "Ore residue",
                "Ticket incidente residui",
                "Scadenza",
            ],
            &[2, 3, 4],
            &rows,
            None,
        );
    }

    out.push_str("<section class=\"signatures\">");
    section(&mut out, "Firme");
    out.push_str("<div class=\"sig-row\">");
    let sigs: [(&str, Option<&Signature>, String); 2] = [
        (
            "Firma del cliente",
            doc.signed.as_ref().map(|s| &s.customer),
            doc.signed
                .as_ref()
                .map(|s| s.customer.signer_name.clone())
                .unwrap_or_default(),
        ),
        (
            "Firma del tecnico",
            doc.signed.as_ref().map(|s| &s.technician),
            doc.signed
                .as_ref()
                .map(|s| s.technician.signer_name.clone())
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| r.technician_name.clone()),
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
            None => out.push_str("<div class=\"line\"></div>"),
        }
        let name = if name.trim().is_empty() {
            "Nome e cognome ____________________".to_owned()
        } else {
            esc(&name)
        };
        let _ = write!(out, "</div><div class=\"signer\">{name}</div></div>");
    }
    out.push_str("</div>");
    let fine = match &doc.signed {
        Some(s) => format!("Firmato il {} · SHA-256 {}", s.signed_at, s.sha256),
        None => "Bozza non firmata: il rapporto diventa definitivo con la firma del cliente e del tecnico.".to_owned(),
    };
    let _ = writeln!(out, "<p class=\"fine\">{}</p></section>", esc(&fine));

    page_end(&mut out, [&r.number, &centre, ""]);
    out
}

/// The monthly statement as a self-contained HTML page (see [`report`]).
pub fn statement(doc: &StatementDocument, logo: Option<&Logo>) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let title = crate::statement::title(doc);
    let generated = format!("generato il {}", doc.generated_on);
    page_start(&mut out, &title, [&title, &generated]);
    shop_header(&mut out, &doc.shop, logo);
    let _ = writeln!(
        out,
        "<div class=\"title\"><h1>Rendiconto mensile – {}</h1></div>",
        esc(&doc.month_label)
    );
    out.push_str("<div class=\"cols\">");
    party(&mut out, "Cliente", &doc.client);
    out.push_str("<div><p class=\"caption\">Riepilogo del mese</p>");
    pairs(
        &mut out,
        &[
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
            ("Totale addebiti", euro(doc.charges_cents)),
        ],
    );
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
            "",
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
            "",
            &["Contratto o addebito", "Ore", "Importo"],
            &[1, 2],
            &rows,
            Some(total),
        );
    }

    if !doc.balances.is_empty() {
        section(&mut out, "Saldi a fine mese");
        let _ = write!(
            out,
            "<table class=\"small\"><thead><tr><th>Contratto</th><th>Tipo</th><th>Stato</th><th class=\"num\">Incluse</th><th class=\"num\">Usate</th><th class=\"num\">Residue</th><th class=\"num\">Decadute</th><th class=\"num\">Ticket inc. residui</th><th class=\"num\">Scadenza</th></tr></thead><tbody>"
        );
        for b in &doc.balances {
            let ends = if b.expiring {
                format!(
                    "{}<br><span class=\"expiring\">in scadenza</span>",
                    esc(&b.ends_on)
                )
            } else {
                esc(&b.ends_on)
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{ends}</td></tr>",
                esc(&b.contract_name),
                esc(&b.kind.label),
                esc(&b.status.label),
                esc(&b.included_minutes.map(dur).unwrap_or_else(|| "—".into())),
                esc(&dur(b.used_minutes)),
                esc(&b.remaining_minutes.map(dur).unwrap_or_else(|| "senza limite".into())),
                esc(&dur(b.forfeited_minutes)),
                esc(&b.incident_left.map(|l| l.to_string()).unwrap_or_else(|| "—".into())),
            );
        }
        out.push_str("</tbody></table>\n");
    }

    if !doc.chart.is_empty() {
        section(&mut out, "Utilizzo delle ore");
        out.push_str("<div class=\"chart\"><div class=\"legend\"><span style=\"--c:#b0c9e8\">usate nei mesi precedenti</span><span style=\"--c:#1c4d8c\">usate nel mese</span><span style=\"--c:#f9fafb;--b:0.6pt solid #737f8f\">residue</span></div>");
        let scale = doc
            .chart
            .iter()
            .map(|b| {
                b.used_before.max(0) + b.used_in_month.max(0) + b.remaining.unwrap_or(0).max(0)
            })
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let pct = |m: i64| m.max(0) as f64 * 100.0 / scale;
        for bar in &doc.chart {
            let used = bar.used_before.max(0) + bar.used_in_month.max(0);
            let _ = write!(
                out,
                "<div class=\"bar\"><span class=\"label\">{}</span><div class=\"track\">",
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
                "<div style=\"left:0;width:{}%;background:#b0c9e8\"></div><div style=\"left:{}%;width:{}%;background:#1c4d8c\"></div></div>",
                fmt(pct(bar.used_before)),
                fmt(pct(bar.used_before)),
                fmt(pct(bar.used_in_month))
            );
            let value = match bar.remaining {
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
            };
            let _ = write!(out, "<span class=\"value\">{}</span></div>", esc(&value));
        }
        out.push_str("</div>\n");
    }

    page_end(&mut out, [&title, &generated, ""]);
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

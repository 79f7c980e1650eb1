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

use rapportino_core::documents::ReportPreview;
use rapportino_core::ids::ReportId;
use rapportino_core::reports::{self as core_reports, logo, Logo, Party};
use rapportino_core::{Result, Store};

use crate::common::{joined, tax_line};

mod report;
mod statement;

pub use report::report;
pub use statement::statement;

/// What the report screen shows: the report, its document and [`report`]'s page of it.
pub fn report_preview(store: &Store, id: ReportId) -> Result<ReportPreview> {
    let document = core_reports::document(store, id)?;
    let html = report(&document, logo::get(store.conn())?.as_ref());
    Ok(ReportPreview {
        report: core_reports::get(store, id)?,
        document,
        html,
        signing: rapportino_core::documents::signing_context(store, id)?,
    })
}

pub(super) const CSS: &str = r#"
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
.sig .absent { padding: 3mm 5mm; font-weight: 700; }
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
pub(super) fn esc(s: &str) -> String {
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

pub(super) fn base64(bytes: &[u8]) -> String {
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
pub(super) fn css_string(s: &str) -> String {
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

pub(super) fn page_start(out: &mut String, title: &str, foot: [&str; 2]) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}\n@page {{ @bottom-left {{ content: {}; }} @bottom-center {{ content: {}; }} }}\n@page {{ @bottom-left {{ font: 7.5pt \"Noto Sans\", sans-serif; color: #61666f; }} @bottom-center {{ font: 7.5pt \"Noto Sans\", sans-serif; color: #61666f; }} }}\n</style>\n</head>\n<body>\n<main class=\"sheet\">\n",
        esc(title),
        css_string(foot[0]),
        css_string(foot[1]),
    );
}

pub(super) fn page_end(out: &mut String, footer: [&str; 3]) {
    let _ = write!(
        out,
        "<footer class=\"doc row\"><span>{}</span><span>{}</span><span>{}</span></footer>\n</main>\n</body>\n</html>\n",
        esc(footer[0]),
        esc(footer[1]),
        esc(footer[2])
    );
}

pub(super) fn shop_header(out: &mut String, shop: &Party, logo: Option<&Logo>) {
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
pub(super) fn party(out: &mut String, caption: &str, p: &Party, site: bool) {
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
pub(super) fn pairs(out: &mut String, items: &[(&str, String)], label_mm: u32) {
    let _ = write!(
        out,
        "<table class=\"pairs\"><colgroup><col style=\"width:{label_mm}mm\"><col></colgroup>"
    );
    for (k, v) in items.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let _ = write!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    out.push_str("</table>");
}

pub(super) fn section(out: &mut String, title: &str) {
    let _ = writeln!(out, "<h2 class=\"section\">{}</h2>", esc(title));
}

/// A table; `num` marks right-aligned columns; the last row is a total row when `total` is set.
pub(super) fn table(
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

/// A coordinate with at most two decimals and no trailing zeros.
pub(super) fn fmt(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
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

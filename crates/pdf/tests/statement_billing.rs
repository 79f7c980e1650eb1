//! Issue 17, item 9: the statement's "Da fatturare" section, read back with pdftotext. The lines
//! are the month of "Studio Bianchi" worked out by hand in core's `tests/billing.rs`: hours
//! 2,5 h × 60,00 = 150,00; priority 49,00; call-out 30,00; 2 SSD × 89,90 = 179,80 at 22 %; a
//! manual 15,00 at 4 %. Imponibile 22 %: 408,80 (IVA 89,94); 4 %: 15,00 (IVA 0,60); total with
//! VAT 514,34.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::process::Command;

use rapportino_core::reports::InvoiceRow;
use rapportino_core::vat;
use rapportino_pdf::Renderer;

fn row(
    description: &str,
    reference: &str,
    quantity: &str,
    unit: i64,
    amount: i64,
    rate: i64,
) -> InvoiceRow {
    InvoiceRow {
        description: description.into(),
        reference: reference.into(),
        quantity: quantity.into(),
        unit_price_cents: unit,
        amount_cents: amount,
        vat_rate: rate,
    }
}

#[test]
fn the_statement_prints_what_to_invoice_with_vat_per_rate() {
    let mut doc = fixtures::statement();
    doc.to_invoice = vec![
        row(
            "Assistenza tecnica a 60,00 €/h",
            "T-2026-MR-0001, T-2026-MR-0002",
            "2,5 h",
            6_000,
            15_000,
            22,
        ),
        row(
            "Priorità su richiesta, ticket T-2026-MR-0001",
            "T-2026-MR-0001",
            "",
            4_900,
            4_900,
            22,
        ),
        row(
            "Diritto di chiamata",
            "T-2026-MR-0002",
            "",
            3_000,
            3_000,
            22,
        ),
        row("SSD 500 GB", "T-2026-MR-0001", "2 pz", 8_990, 17_980, 22),
        row("Manuale", "T-2026-MR-0001", "1 pz", 1_500, 1_500, 4),
    ];
    doc.to_invoice_vat = vat::totals(doc.to_invoice.iter().map(|l| (l.vat_rate, l.amount_cents)));
    assert_eq!(
        (
            doc.to_invoice_vat.taxable_cents,
            doc.to_invoice_vat.vat_cents,
            doc.to_invoice_vat.total_cents
        ),
        (42_380, 9_054, 51_434)
    );
    let renderer = Renderer::new().unwrap();
    let pdf = renderer
        .statement(&doc, None, fixtures::created_at())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rendiconto.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "Da fatturare",
        "Assistenza tecnica a 60,00 €/h",
        "2,5 h",
        "150,00 €",
        "Priorità su richiesta, ticket T-2026-MR-0001",
        "49,00 €",
        "Diritto di chiamata",
        "179,80 €",
        "Manuale",
        "Imponibile al 22% (IVA 89,94 €)",
        "408,80 €",
        "Imponibile al 4% (IVA 0,60 €)",
        "Totale IVA esclusa 423,80 € · IVA 90,54 €",
        "514,34 €",
        "Prezzi IVA esclusa",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    if let Ok(dir) = std::env::var("RAPPORTINO_KEEP_PDF") {
        std::fs::copy(
            &file,
            std::path::Path::new(&dir).join("statement-billing.pdf"),
        )
        .unwrap();
    }
}

//! The month's billable lines as CSV for the accountant: one row per line with its client, and
//! the totals per client after its lines. Written with the exports' one writer
//! ([`crate::csvfile::CsvWriter`]).
//!
//! The default suits Italian Excel: a UTF-8 BOM (so accents open right), `;` between fields and a
//! decimal comma (`1234,50`). [`CsvStyle::Plain`] writes `,` and a decimal point, no BOM.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::csvfile::CsvStyle;
use crate::csvfile::CsvWriter;
use crate::error::Result;
use crate::views::billing::BillingMonth;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CsvOptions {
    pub style: CsvStyle,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            style: CsvStyle::Italian,
        }
    }
}

const HEADER: [&str; 12] = [
    "mese",
    "cliente",
    "tipo",
    "descrizione",
    "riferimento",
    "quantita",
    "unita",
    "prezzo_unitario",
    "imponibile",
    "aliquota_iva",
    "iva",
    "totale",
];

/// The CSV bytes of a month's billable lines.
pub fn to_csv(month: &BillingMonth, options: CsvOptions) -> Result<Vec<u8>> {
    let mut w = CsvWriter::new(options.style, HEADER)?;
    for c in &month.clients {
        for l in &c.lines {
            let row = [
                month.month.clone(),
                c.client_name.clone(),
                l.kind.as_str().to_owned(),
                l.description.clone(),
                l.reference.clone(),
                w.number(l.quantity),
                l.unit.clone(),
                w.money(l.unit_price_cents),
                w.money(l.amount_cents),
                l.vat_rate.to_string(),
                String::new(),
                String::new(),
            ];
            w.row(row)?;
        }
        for r in &c.vat.per_rate {
            let row = [
                month.month.clone(),
                c.client_name.clone(),
                "totale_aliquota".to_owned(),
                format!("Totale IVA {} %", r.rate),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                w.money(r.taxable_cents),
                r.rate.to_string(),
                w.money(r.vat_cents),
                w.money(r.taxable_cents + r.vat_cents),
            ];
            w.row(row)?;
        }
        let row = [
            month.month.clone(),
            c.client_name.clone(),
            "totale".to_owned(),
            "Totale cliente".to_owned(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            w.money(c.vat.taxable_cents),
            String::new(),
            w.money(c.vat.vat_cents),
            w.money(c.vat.total_cents),
        ];
        w.row(row)?;
    }
    w.finish()
}

//! The month's billable lines as CSV for the accountant: one row per line with its client, and
//! the totals per client after its lines. Written with the `csv` crate (quoting, separators).
//!
//! The default suits Italian Excel: a UTF-8 BOM (so accents open right), `;` between fields and a
//! decimal comma (`1234,50`). [`CsvStyle::Plain`] writes `,` and a decimal point, no BOM.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::macros::string_enum;
use crate::views::billing::BillingMonth;

string_enum! {
    /// How the CSV is written.
    CsvStyle, field = "style" {
        /// UTF-8 BOM, `;` separator, decimal comma (Italian Excel).
        Italian => "italian",
        /// No BOM, `,` separator, decimal point.
        Plain => "plain",
    }
}

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
    let italian = options.style == CsvStyle::Italian;
    let mut out: Vec<u8> = Vec::new();
    if italian {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(if italian { b';' } else { b',' })
        .from_writer(out);
    let money = |cents: i64| {
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        let s = format!("{sign}{}.{:02}", abs / 100, abs % 100);
        if italian {
            s.replace('.', ",")
        } else {
            s
        }
    };
    let number = |v: f64| {
        let s = format!("{:.3}", v);
        let s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
        if italian {
            s.replace('.', ",")
        } else {
            s
        }
    };
    let err = |e: csv::Error| Error::Inconsistent(format!("CSV: {e}"));
    w.write_record(HEADER).map_err(err)?;
    for c in &month.clients {
        for l in &c.lines {
            w.write_record([
                month.month.as_str(),
                c.client_name.as_str(),
                l.kind.as_str(),
                l.description.as_str(),
                l.reference.as_str(),
                &number(l.quantity),
                l.unit.as_str(),
                &money(l.unit_price_cents),
                &money(l.amount_cents),
                &l.vat_rate.to_string(),
                "",
                "",
            ])
            .map_err(err)?;
        }
        for r in &c.vat.per_rate {
            w.write_record([
                month.month.as_str(),
                c.client_name.as_str(),
                "totale_aliquota",
                &format!("Totale IVA {} %", r.rate),
                "",
                "",
                "",
                "",
                &money(r.taxable_cents),
                &r.rate.to_string(),
                &money(r.vat_cents),
                &money(r.taxable_cents + r.vat_cents),
            ])
            .map_err(err)?;
        }
        w.write_record([
            month.month.as_str(),
            c.client_name.as_str(),
            "totale",
            "Totale cliente",
            "",
            "",
            "",
            "",
            &money(c.vat.taxable_cents),
            "",
            &money(c.vat.vat_cents),
            &money(c.vat.total_cents),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Inconsistent(format!("CSV: {e}")))
}

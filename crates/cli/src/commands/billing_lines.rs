//! `billing lines`: what to invoice for a month (issue 17, item 9), per client with totals, as
//! text, JSON, or the accountant's CSV; `billing vat`: the shop's default VAT rate.

use clap::Args;
use rapportino_core::catalogue;
use rapportino_core::format::{decimal_it, euro};
use rapportino_core::ids::ClientId;
use rapportino_core::time::parse_month;
use rapportino_core::vat::VatTotals;
use rapportino_core::views::billing::{self, BillingMonth};
use rapportino_core::views::billing_csv::{self, CsvOptions, CsvStyle};
use rapportino_core::{Result, Store};

use crate::output::{cell, Out};

#[derive(Args)]
pub struct LinesArgs {
    /// The month: 2026-11 or 11/2026.
    #[arg(long)]
    month: String,
    /// Only this client.
    #[arg(long)]
    client: Option<ClientId>,
    /// Write the lines as CSV to this file (UTF-8 BOM, `;`, decimal comma unless --plain).
    #[arg(long, value_name = "FILE")]
    csv: Option<std::path::PathBuf>,
    /// With --csv: `,` separator and decimal point, no BOM.
    #[arg(long, requires = "csv")]
    plain: bool,
}

#[derive(Args)]
pub struct VatArgs {
    /// Set the rate (percent, 0–100); without it, show the current one.
    #[arg(long, value_name = "PERCENT")]
    set: Option<i64>,
}

fn totals(t: &VatTotals) -> String {
    let mut s = String::new();
    for r in &t.per_rate {
        s.push_str(&format!(
            "\n    imponibile {} % {:>14}   IVA {:>12}",
            r.rate,
            euro(r.taxable_cents),
            euro(r.vat_cents)
        ));
    }
    s.push_str(&format!(
        "\n    totale IVA esclusa {:>14}   IVA {:>12}   totale {:>14}",
        euro(t.taxable_cents),
        euro(t.vat_cents),
        euro(t.total_cents)
    ));
    s
}

fn print(m: &BillingMonth) -> String {
    let mut s = format!("Da fatturare — {} (prezzi IVA esclusa)", m.month);
    if m.clients.is_empty() {
        s.push_str("\n  nulla da fatturare nel mese");
        return s;
    }
    for c in &m.clients {
        s.push_str(&format!("\n{}", c.client_name));
        for l in &c.lines {
            s.push_str(&format!(
                "\n  {} {:<22} {:>8} {:<3} {:>12} {:>12}  IVA {} %",
                cell(&l.description, 48),
                cell(&l.reference, 22),
                decimal_it(l.quantity),
                l.unit,
                euro(l.unit_price_cents),
                euro(l.amount_cents),
                l.vat_rate
            ));
        }
        s.push_str(&totals(&c.vat));
    }
    s.push_str("\nTotale del mese:");
    s.push_str(&totals(&m.vat));
    s
}

pub fn lines(store: &mut Store, out: Out, a: LinesArgs) -> Result<()> {
    let (year, month) = parse_month(&a.month)?;
    let m = match a.client {
        Some(c) => {
            let one = billing::for_client(store, c, year, month)?;
            let clients = if one.lines.is_empty() {
                Vec::new()
            } else {
                vec![one]
            };
            billing::assemble(year, month, clients)
        }
        None => billing::month(store, year, month, None)?,
    };
    if let Some(path) = &a.csv {
        let style = if a.plain {
            CsvStyle::Plain
        } else {
            CsvStyle::Italian
        };
        let bytes = billing_csv::to_csv(&m, CsvOptions { style })?;
        rapportino_pdf::write_atomic(path, &bytes)?;
        let written = serde_json::json!({
            "file": path,
            "clients": m.clients.len(),
            "lines": m.clients.iter().map(|c| c.lines.len()).sum::<usize>(),
        });
        out.emit(&written, |_| {
            format!(
                "CSV scritto in {} ({} clienti)",
                path.display(),
                m.clients.len()
            )
        });
        return Ok(());
    }
    out.emit(&m, print);
    Ok(())
}

pub fn vat(store: &mut Store, out: Out, a: VatArgs) -> Result<()> {
    let rate = match a.set {
        Some(r) => catalogue::set_default_vat_rate(store, r)?,
        None => catalogue::default_vat_rate(store)?,
    };
    out.emit(&serde_json::json!({ "default_vat_rate": rate }), |_| {
        format!("aliquota IVA predefinita: {rate} %")
    });
    Ok(())
}

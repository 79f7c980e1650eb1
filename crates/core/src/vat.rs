//! VAT (IVA) arithmetic shared by material lines, quotes, reports and statements: a line's
//! amount before VAT, and the totals an Italian document prints — imponibile per rate, the VAT
//! of each rate (computed on the rate's total, not line by line), and the grand total.
//!
//! Amounts are integer cents; rates are whole percents (22, 10, 5, 4, 0).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};

/// The ordinary Italian rate: what a free-text line gets unless another rate is given.
pub const DEFAULT_VAT_RATE: i64 = 22;

/// A VAT rate in percent: 0 to 100.
pub fn check_rate(field: &'static str, rate: i64) -> Result<i64> {
    if (0..=100).contains(&rate) {
        Ok(rate)
    } else {
        Err(Error::invalid(
            Code::OutOfRange,
            field,
            format!("a VAT rate is a percentage between 0 and 100, not {rate}"),
        ))
    }
}

/// `quantity × unit price`, to the cent, halves away from zero.
pub fn line_net(quantity: f64, unit_price_cents: i64) -> i64 {
    (quantity * unit_price_cents as f64).round() as i64
}

/// `amount × rate %`, to the cent, halves up (amounts are never negative).
pub fn vat_of(taxable_cents: i64, rate: i64) -> i64 {
    (taxable_cents * rate + 50).div_euclid(100)
}

/// One rate's share of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VatRateTotal {
    pub rate: i64,
    /// Imponibile at this rate.
    pub taxable_cents: i64,
    /// IVA at this rate.
    pub vat_cents: i64,
}

/// A document's totals: per rate (highest rate first), then overall.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VatTotals {
    pub per_rate: Vec<VatRateTotal>,
    /// Imponibile (total before VAT).
    pub taxable_cents: i64,
    /// IVA.
    pub vat_cents: i64,
    /// Totale (imponibile + IVA).
    pub total_cents: i64,
}

/// The totals of lines given as `(VAT rate, amount before VAT)`.
pub fn totals(lines: impl IntoIterator<Item = (i64, i64)>) -> VatTotals {
    let mut per_rate: Vec<VatRateTotal> = Vec::new();
    for (rate, net) in lines {
        match per_rate.iter_mut().find(|r| r.rate == rate) {
            Some(r) => r.taxable_cents += net,
            None => per_rate.push(VatRateTotal {
                rate,
                taxable_cents: net,
                vat_cents: 0,
            }),
        }
    }
    per_rate.sort_by_key(|r| std::cmp::Reverse(r.rate));
    for r in &mut per_rate {
        r.vat_cents = vat_of(r.taxable_cents, r.rate);
    }
    let taxable_cents = per_rate.iter().map(|r| r.taxable_cents).sum();
    let vat_cents = per_rate.iter().map(|r| r.vat_cents).sum();
    VatTotals {
        per_rate,
        taxable_cents,
        vat_cents,
        total_cents: taxable_cents + vat_cents,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn vat_is_computed_per_rate_on_the_rates_total() {
        // Worked by hand: three lines at 22% of 0,33 € each are 0,99 € taxable, VAT 0,2178 →
        // 0,22 € (line by line it would be 3 × 0,07 = 0,21). One line at 10% of 12,35 €:
        // VAT 1,235 → 1,24 € (half up). Taxable 13,34, VAT 1,46, total 14,80.
        let t = totals([(22, 33), (10, 1235), (22, 33), (22, 33)]);
        assert_eq!(
            t.per_rate,
            vec![
                VatRateTotal {
                    rate: 22,
                    taxable_cents: 99,
                    vat_cents: 22
                },
                VatRateTotal {
                    rate: 10,
                    taxable_cents: 1235,
                    vat_cents: 124
                },
            ]
        );
        assert_eq!(
            (t.taxable_cents, t.vat_cents, t.total_cents),
            (1334, 146, 1480)
        );
        assert_eq!(totals([]), VatTotals::default());
    }

    #[test]
    fn lines_and_rates() {
        assert_eq!(line_net(2.5, 4_000), 10_000);
        assert_eq!(line_net(0.333, 100), 33);
        assert_eq!(line_net(1.5, 333), 500); // 499.5 → 500
        assert_eq!(vat_of(1_000, 4), 40);
        assert_eq!(vat_of(0, 22), 0);
        assert!(check_rate("vat_rate", 22).is_ok());
        assert_eq!(
            check_rate("vat_rate", 101).unwrap_err().code(),
            Code::OutOfRange
        );
        assert!(check_rate("vat_rate", -1).is_err());
    }
}

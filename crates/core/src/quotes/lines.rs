//! A quote's lines: what they hold (stored as a JSON array in `quotes.lines`), how a line typed
//! by the user is checked and completed (the shop's rate, the article's price and rate), and the
//! totals they make.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalogue;
use crate::error::{Code, Error, Result};
use crate::ids::ArticleId;
use crate::macros::string_enum;
use crate::store::Store;
use crate::validate::{self, limits};
use crate::vat::{self, VatTotals};

string_enum! {
    QuoteLineKind, field = "kind" {
        /// Hours of work × an hourly rate.
        Labour => "labour",
        /// A material, from the catalogue or typed freely.
        Material => "material",
        /// A fixed item (a flat price: "configurazione firewall").
        Fixed => "fixed",
    }
}

impl QuoteLineKind {
    pub fn label(self) -> &'static str {
        match self {
            QuoteLineKind::Labour => "Manodopera",
            QuoteLineKind::Material => "Materiale",
            QuoteLineKind::Fixed => "Voce a corpo",
        }
    }
}

/// One line as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct QuoteLine {
    pub kind: QuoteLineKind,
    pub description: String,
    /// Hours for labour, units for materials, 1 for a fixed item.
    pub quantity: f64,
    /// `h`, `pz`, `m`…
    pub unit: String,
    /// Before VAT.
    pub unit_price_cents: i64,
    /// Percent.
    pub vat_rate: i64,
    #[ts(optional)]
    #[serde(default)]
    pub article_id: Option<ArticleId>,
    /// `quantity × unit price`, before VAT (computed, never stored).
    #[serde(default, skip_deserializing)]
    pub total_cents: i64,
}

/// A line as typed. Absent values are completed: labour's rate is the shop's on-site rate, a
/// material's description, unit, price and rate come from its article, a rate defaults to 22%.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct QuoteLineInput {
    pub kind: QuoteLineKind,
    #[ts(optional)]
    #[serde(default)]
    pub description: Option<String>,
    /// Hours for labour (1,5 = an hour and a half), units for a material; 1 when absent.
    #[ts(optional)]
    #[serde(default)]
    pub quantity: Option<f64>,
    #[ts(optional)]
    #[serde(default)]
    pub unit: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub unit_price_cents: Option<i64>,
    #[ts(optional)]
    #[serde(default)]
    pub vat_rate: Option<i64>,
    #[ts(optional)]
    #[serde(default)]
    pub article_id: Option<ArticleId>,
}

#[allow(clippy::derivable_impls)] // the variants come from string_enum!, which derives no Default
impl Default for QuoteLineKind {
    fn default() -> Self {
        QuoteLineKind::Fixed
    }
}

/// Checks and completes a typed line.
pub(super) fn validated(store: &Store, input: &QuoteLineInput) -> Result<QuoteLine> {
    let article = match input.article_id {
        Some(a) => Some(catalogue::get(store, a).map_err(|e| match e.code() {
            Code::NotFound => Error::invalid(Code::NotFound, "article_id", e.to_string()),
            _ => e,
        })?),
        None => None,
    };
    if article.is_some() && input.kind != QuoteLineKind::Material {
        return Err(Error::invalid(
            Code::Inconsistent,
            "article_id",
            "only a material line comes from the catalogue",
        ));
    }
    let description = match (input.description.as_deref().map(str::trim), &article) {
        (Some(d), _) if !d.is_empty() => d.to_owned(),
        (_, Some(a)) => a.description.clone(),
        (_, None) if input.kind == QuoteLineKind::Labour => "Manodopera".to_owned(),
        _ => String::new(),
    };
    let description = validate::required_text("description", &description, limits::NAME)?;
    let quantity = input.quantity.unwrap_or(1.0);
    if !quantity.is_finite() || quantity <= 0.0 || quantity > 1_000_000.0 {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "quantity",
            "must be greater than 0 and at most 1,000,000",
        ));
    }
    let quantity = (quantity * 1000.0).round() / 1000.0;
    let unit_price_cents = match (input.unit_price_cents, &article, input.kind) {
        (Some(p), _, _) => p,
        (None, Some(a), _) => a.unit_price_cents,
        (None, None, QuoteLineKind::Labour) => {
            crate::ledger::defaults::get(store)?.on_site_rate_cents
        }
        (None, None, _) => {
            return Err(Error::invalid(
                Code::Required,
                "unit_price_cents",
                "the price is required (or pick an article from the catalogue)",
            ))
        }
    };
    let unit_price_cents = catalogue::check_price("unit_price_cents", unit_price_cents)?;
    let vat_rate = vat::check_rate(
        "vat_rate",
        input
            .vat_rate
            .or(article.as_ref().map(|a| a.vat_rate))
            .map_or_else(|| catalogue::default_vat_rate(store), Ok)?,
    )?;
    let unit = match (input.unit.as_deref().map(str::trim), &article, input.kind) {
        (Some(u), _, _) if !u.is_empty() => u.to_owned(),
        (_, Some(a), _) => a.unit.clone(),
        (_, None, QuoteLineKind::Labour) => "h".to_owned(),
        _ => "pz".to_owned(),
    };
    let unit = validate::required_text("unit", &unit, 16)?;
    Ok(QuoteLine {
        kind: input.kind,
        description,
        quantity,
        unit,
        unit_price_cents,
        vat_rate,
        article_id: article.map(|a| a.id),
        total_cents: vat::line_net(quantity, unit_price_cents),
    })
}

/// The stored form: the lines without their computed totals.
pub(super) fn to_json(lines: &[QuoteLine]) -> Result<String> {
    #[derive(Serialize)]
    struct Stored<'a> {
        kind: QuoteLineKind,
        description: &'a str,
        quantity: f64,
        unit: &'a str,
        unit_price_cents: i64,
        vat_rate: i64,
        article_id: Option<ArticleId>,
    }
    let stored: Vec<Stored<'_>> = lines
        .iter()
        .map(|l| Stored {
            kind: l.kind,
            description: &l.description,
            quantity: l.quantity,
            unit: &l.unit,
            unit_price_cents: l.unit_price_cents,
            vat_rate: l.vat_rate,
            article_id: l.article_id,
        })
        .collect();
    serde_json::to_string(&stored).map_err(|e| Error::Inconsistent(e.to_string()))
}

/// The stored lines, totals computed. A line another device wrote that breaks the rules (a
/// negative price, a rate over 100) is an error, never a wrong total.
pub(super) fn from_json(json: &str) -> std::result::Result<Vec<QuoteLine>, String> {
    let mut lines: Vec<QuoteLine> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    for l in &mut lines {
        let sane = l.quantity.is_finite()
            && l.quantity > 0.0
            && l.quantity <= 1_000_000.0
            && (0..=catalogue::MAX_PRICE_CENTS).contains(&l.unit_price_cents)
            && (0..=100).contains(&l.vat_rate);
        if !sane {
            return Err(format!("quote line {:?} is out of range", l.description));
        }
        l.total_cents = vat::line_net(l.quantity, l.unit_price_cents);
    }
    Ok(lines)
}

pub(super) fn totals(lines: &[QuoteLine]) -> VatTotals {
    vat::totals(lines.iter().map(|l| (l.vat_rate, l.total_cents)))
}

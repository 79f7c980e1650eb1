//! Material lines of an intervention: description, quantity, unit price before VAT (integer
//! cents), VAT rate; picked from the catalogue (the article's rate) or typed freely (the
//! ordinary 22% unless another rate is given).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::ids::{ArticleId, InterventionId, MaterialId};
use crate::store::{field, Entity, Store};
use crate::validate::{self, limits};
use crate::vat;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Material {
    pub id: MaterialId,
    pub intervention_id: InterventionId,
    pub description: String,
    pub quantity: f64,
    pub unit_price_cents: i64,
    /// Before VAT.
    pub total_cents: i64,
    /// The catalogue article it was picked from (None: free text).
    pub article_id: Option<ArticleId>,
    /// Percent.
    pub vat_rate: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct MaterialInput {
    pub description: String,
    pub quantity: f64,
    /// Before VAT.
    pub unit_price_cents: i64,
    /// Picked from the catalogue: the line keeps the article (and its VAT rate unless
    /// `vat_rate` says otherwise).
    #[ts(optional)]
    #[serde(default)]
    pub article_id: Option<ArticleId>,
    /// Percent; the article's, else the ordinary 22%, when absent.
    #[ts(optional)]
    #[serde(default)]
    pub vat_rate: Option<i64>,
}

pub fn add_material(
    store: &mut Store,
    intervention_id: InterventionId,
    input: &MaterialInput,
) -> Result<Material> {
    let description = validate::required_text("description", &input.description, limits::NAME)?;
    if !input.quantity.is_finite() || input.quantity <= 0.0 || input.quantity > 1_000_000.0 {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "quantity",
            "must be greater than 0 and at most 1,000,000",
        ));
    }
    crate::catalogue::check_price("unit_price_cents", input.unit_price_cents)?;
    let article = input
        .article_id
        .map(|a| crate::catalogue::get_in(store.conn(), a))
        .transpose()
        .map_err(|e| match e.code() {
            Code::NotFound => Error::invalid(Code::NotFound, "article_id", e.to_string()),
            _ => e,
        })?;
    let vat_rate = vat::check_rate(
        "vat_rate",
        input
            .vat_rate
            .or(article.as_ref().map(|a| a.vat_rate))
            .map_or_else(|| crate::catalogue::default_vat_rate(store), Ok)?,
    )?;
    super::get(store, intervention_id)?;
    let quantity = (input.quantity * 1000.0).round() / 1000.0;
    let id = MaterialId::new();
    store.write(|tx| {
        tx.insert(
            Entity::Material,
            &id.to_string(),
            vec![
                ("intervention_id", field::text(intervention_id.to_string())),
                ("description", field::text(&description)),
                ("quantity", field::real(quantity)),
                ("unit_price_cents", field::int(input.unit_price_cents)),
                ("article_id", field::opt_id(input.article_id)),
                ("vat_rate", field::int(vat_rate)),
            ],
        )
    })?;
    Ok(Material {
        id,
        intervention_id,
        description,
        quantity,
        unit_price_cents: input.unit_price_cents,
        total_cents: line_total(quantity, input.unit_price_cents),
        article_id: input.article_id,
        vat_rate,
    })
}

pub fn remove_material(store: &mut Store, id: MaterialId) -> Result<()> {
    store.write(|tx| tx.delete(Entity::Material, &id.to_string()))
}

fn line_total(quantity: f64, unit_price_cents: i64) -> i64 {
    vat::line_net(quantity, unit_price_cents)
}

pub(crate) fn list(
    conn: &rusqlite::Connection,
    intervention_id: InterventionId,
) -> Result<Vec<Material>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, intervention_id, description, quantity, unit_price_cents, article_id, vat_rate
         FROM materials
         WHERE intervention_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([intervention_id], |r| {
        let quantity: f64 = r.get(3)?;
        let unit: i64 = r.get(4)?;
        Ok(Material {
            id: r.get(0)?,
            intervention_id: r.get(1)?,
            description: r.get(2)?,
            quantity,
            unit_price_cents: unit,
            total_cents: line_total(quantity, unit),
            article_id: r.get(5)?,
            vat_rate: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

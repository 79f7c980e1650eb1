//! Material lines of an intervention: description, quantity, unit price (integer cents).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::ids::{InterventionId, MaterialId};
use crate::store::{field, Entity, Store};
use crate::validate::{self, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Material {
    pub id: MaterialId,
    pub intervention_id: InterventionId,
    pub description: String,
    pub quantity: f64,
    pub unit_price_cents: i64,
    pub total_cents: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MaterialInput {
    pub description: String,
    pub quantity: f64,
    pub unit_price_cents: i64,
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
    if !(0..=10_000_000_000).contains(&input.unit_price_cents) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "unit_price_cents",
            "must be between 0 and 100.000.000,00 €",
        ));
    }
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
    })
}

pub fn remove_material(store: &mut Store, id: MaterialId) -> Result<()> {
    store.write(|tx| tx.delete(Entity::Material, &id.to_string()))
}

fn line_total(quantity: f64, unit_price_cents: i64) -> i64 {
    (quantity * unit_price_cents as f64).round() as i64
}

pub(crate) fn list(
    conn: &rusqlite::Connection,
    intervention_id: InterventionId,
) -> Result<Vec<Material>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, intervention_id, description, quantity, unit_price_cents FROM materials
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
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

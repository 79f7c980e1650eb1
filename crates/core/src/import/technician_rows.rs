//! One technician row into the database, through the technicians' rules (the code is 2–4
//! letters, unique; the technician using this device stays active) and the one write path. A
//! technician is found by their code, so a re-import never changes a code that numbers carry.
//! A mapped but empty cell keeps the stored value.

use super::mapping::Columns;
use super::rows::{yes_no, Outcome};
use crate::error::{Code, Error, Result};
use crate::ids::TechnicianId;
use crate::store::{field, Entity, WriteTx};
use crate::technicians;
use crate::validate::{self, limits};

/// A technician row.
pub(crate) fn technician(
    tx: &mut WriteTx<'_>,
    cols: &Columns,
    cells: &[String],
) -> Result<Outcome> {
    let code = validate::technician_code("code", cols.get(cells, "code").unwrap_or(""))?;
    let current = technicians::find_by_code(tx.conn(), &code)?;
    let name = match (cols.get(cells, "name"), &current) {
        (Some(n), _) => validate::required_text("name", n, limits::NAME)?,
        (None, Some(t)) => t.name.clone(),
        (None, None) => return Err(Error::required("name")),
    };
    let email = match cols.get(cells, "email") {
        Some(e) => validate::optional_email("email", Some(e))?,
        None => current.as_ref().and_then(|t| t.email.clone()),
    };
    let phone = match cols.get(cells, "phone") {
        Some(p) => validate::optional_phone("phone", Some(p))?,
        None => current.as_ref().and_then(|t| t.phone.clone()),
    };
    let active = match cols.get(cells, "active") {
        Some(v) => yes_no("active", Some(v))?,
        None => current.as_ref().is_none_or(|t| t.active),
    };
    if let Some(t) = current.as_ref().filter(|t| t.active && !active) {
        if crate::store::settings::current_technician(tx.conn()).ok() == Some(t.id) {
            return Err(Error::invalid(
                Code::Inconsistent,
                "active",
                "the technician using this device cannot be deactivated",
            ));
        }
    }
    let fields = vec![
        ("code", field::text(&code)),
        ("name", field::text(name)),
        ("email", field::opt_text(email)),
        ("phone", field::opt_text(phone)),
        ("active", field::flag(active)),
    ];
    match current {
        Some(t) => Ok(
            if tx.update(Entity::Technician, &t.id.to_string(), fields)? {
                Outcome::Updated
            } else {
                Outcome::Unchanged
            },
        ),
        None => {
            tx.insert(Entity::Technician, &TechnicianId::new().to_string(), fields)?;
            Ok(Outcome::Created)
        }
    }
}

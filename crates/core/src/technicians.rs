//! Technicians: the people who work tickets, each with a short code (2–4 letters).
//!
//! A technician's code seeds the device codes of their laptops (`MR`, `MR2`…), and device codes go
//! into every ticket and report number. So a code may be corrected only while no device is
//! registered to the technician: after that, numbers already issued carry the old code and new
//! devices would be suggested codes that no longer match. Technicians are never deleted (their
//! history points at them): they are deactivated and no longer offered for assignment.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::ids::TechnicianId;
use crate::store::{field, Entity, Store, WriteTx};
use crate::validate::{self, limits};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Technician {
    pub id: TechnicianId,
    pub code: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct TechnicianInput {
    pub code: String,
    pub name: String,
    #[ts(optional)]
    pub email: Option<String>,
    #[ts(optional)]
    pub phone: Option<String>,
}

const COLUMNS: &str = "id, code, name, email, phone, active";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Technician> {
    Ok(Technician {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        active: r.get(5)?,
    })
}

pub fn create(store: &mut Store, input: &TechnicianInput) -> Result<Technician> {
    store.write(|tx| insert(tx, input))
}

pub(crate) fn insert(tx: &mut WriteTx<'_>, input: &TechnicianInput) -> Result<Technician> {
    let code = validate::technician_code("code", &input.code)?;
    let name = validate::required_text("name", &input.name, limits::NAME)?;
    let email = validate::optional_email("email", input.email.as_deref())?;
    let phone = validate::optional_phone("phone", input.phone.as_deref())?;
    if find_by_code(tx.conn(), &code)?.is_some() {
        return Err(Error::AlreadyExists {
            what: "technician code",
            value: code,
        });
    }
    let id = TechnicianId::new();
    tx.insert(
        Entity::Technician,
        &id.to_string(),
        vec![
            ("code", field::text(&code)),
            ("name", field::text(&name)),
            ("email", field::opt_text(email.clone())),
            ("phone", field::opt_text(phone.clone())),
            ("active", field::flag(true)),
        ],
    )?;
    Ok(Technician {
        id,
        code,
        name,
        email,
        phone,
        active: true,
    })
}

pub fn get(store: &Store, id: TechnicianId) -> Result<Technician> {
    store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM technicians WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?
        .ok_or_else(|| Error::not_found("technician", id))
}

pub fn find_by_code(conn: &rusqlite::Connection, code: &str) -> Result<Option<Technician>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM technicians WHERE code = ?1"),
            [code.trim().to_uppercase()],
            from_row,
        )
        .optional()?)
}

/// All technicians, active first, by name (a shop has a handful: no paging needed).
pub fn list(store: &Store) -> Result<Vec<Technician>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM technicians ORDER BY active DESC, name"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Edits a technician. The code can change only while no device is registered to them (see the
/// module comment); the uniqueness and format rules are those of [`create`].
pub fn update(store: &mut Store, id: TechnicianId, input: &TechnicianInput) -> Result<Technician> {
    let current = get(store, id)?;
    let code = validate::technician_code("code", &input.code)?;
    let name = validate::required_text("name", &input.name, limits::NAME)?;
    let email = validate::optional_email("email", input.email.as_deref())?;
    let phone = validate::optional_phone("phone", input.phone.as_deref())?;
    store.write(|tx| {
        if code != current.code {
            if let Some(other) = find_by_code(tx.conn(), &code)? {
                if other.id != id {
                    return Err(Error::AlreadyExists {
                        what: "technician code",
                        value: code.clone(),
                    });
                }
            }
            let devices: bool = tx
                .conn()
                .prepare_cached("SELECT 1 FROM devices WHERE technician_id = ?1")?
                .exists([id])?;
            if devices {
                return Err(Error::invalid(
                    Code::Inconsistent,
                    "code",
                    "the code is already in device codes and numbers: it cannot change",
                ));
            }
        }
        tx.update(
            Entity::Technician,
            &id.to_string(),
            vec![
                ("code", field::text(&code)),
                ("name", field::text(&name)),
                ("email", field::opt_text(email.clone())),
                ("phone", field::opt_text(phone.clone())),
            ],
        )?;
        Ok(())
    })?;
    get(store, id)
}

/// Activates or deactivates a technician. The technician using this device cannot be deactivated.
pub fn set_active(store: &mut Store, id: TechnicianId, active: bool) -> Result<Technician> {
    get(store, id)?;
    if !active && crate::store::settings::current_technician(store.conn()).ok() == Some(id) {
        return Err(Error::invalid(
            Code::Inconsistent,
            "active",
            "the technician using this device cannot be deactivated",
        ));
    }
    store.write(|tx| {
        tx.update(
            Entity::Technician,
            &id.to_string(),
            vec![("active", field::flag(active))],
        )?;
        Ok(())
    })?;
    get(store, id)
}

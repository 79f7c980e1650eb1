//! Customer classes and their entitlement matrix: which channels a class may use to open tickets
//! and which services it is entitled to. `clients.customer_class` holds the class code; `none`
//! means no class (entitlements then come from contracts alone).

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::ids::CustomerClassId;
use crate::store::archive::{self, Archivable};
use crate::store::{field, Entity, Fields, Store};
use crate::validate::{self, limits};
use rapportino_model::vocab::Origin;

/// A channel that is not a ticket origin but that classes may be limited to (self-help forum).
pub const FORUM: &str = "forum";

/// The services the presets use; shops may add their own codes.
pub const KNOWN_SERVICES: &[&str] = &["remote", "on_site", "priority", "upgrades"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerClass {
    pub id: CustomerClassId,
    pub code: String,
    pub name: String,
    /// Ticket origins (`phone`, `email`…) plus `forum`.
    pub channels: Vec<String>,
    pub services: Vec<String>,
    /// Default allowance of the class's free-hours contracts.
    pub free_minutes_per_year: i64,
    /// Higher is served first.
    pub priority: i64,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct CustomerClassInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub free_minutes_per_year: i64,
    #[serde(default)]
    pub priority: i64,
}

/// The four classes of a vendor-style support desk (PRODUCT.md, model 4).
pub fn presets() -> Vec<CustomerClassInput> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        CustomerClassInput {
            code: "no_licence".into(),
            name: "Senza licenza".into(),
            channels: s(&[FORUM]),
            services: vec![],
            free_minutes_per_year: 0,
            priority: 0,
        },
        CustomerClassInput {
            code: "licence".into(),
            name: "Titolare di licenza".into(),
            channels: s(&[FORUM, "email", "web_form"]),
            services: s(&["remote"]),
            free_minutes_per_year: 5 * 60,
            priority: 1,
        },
        CustomerClassInput {
            code: "agreement".into(),
            name: "Contratto di assistenza".into(),
            channels: s(&[
                FORUM,
                "email",
                "web_form",
                "phone",
                "chat",
                "monitoring",
                "on_site",
            ]),
            services: s(&["remote", "on_site", "priority", "upgrades"]),
            free_minutes_per_year: 0,
            priority: 3,
        },
        CustomerClassInput {
            code: "pay_per_incident".into(),
            name: "Ticket a consumo".into(),
            channels: s(&["email", "web_form", "phone"]),
            services: s(&["remote", "on_site"]),
            free_minutes_per_year: 0,
            priority: 2,
        },
    ]
}

const COLUMNS: &str =
    "id, code, name, channels, services, free_minutes_per_year, priority, archived, \
    created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<CustomerClass> {
    Ok(CustomerClass {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        channels: json_list(r, 3)?,
        services: json_list(r, 4)?,
        free_minutes_per_year: r.get(5)?,
        priority: r.get(6)?,
        archived: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

pub(crate) fn json_list(r: &Row<'_>, i: usize) -> rusqlite::Result<Vec<String>> {
    let s: String = r.get(i)?;
    serde_json::from_str(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

/// A class or contract code: lower-case letters, digits and `_`.
pub(crate) fn code(field: &'static str, value: &str, max: usize) -> Result<String> {
    let c = validate::required_text(field, value, max)?.to_lowercase();
    if !c
        .chars()
        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
    {
        return Err(Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{c:?}: use lower-case letters, digits and _"),
        ));
    }
    Ok(c)
}

/// Channels: ticket origins or `forum`, without repeats.
pub(crate) fn channels(field: &'static str, values: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.trim().to_lowercase().replace('-', "_");
        if v != FORUM {
            v.parse::<Origin>().map_err(|_| {
                Error::invalid(
                    Code::InvalidFormat,
                    field,
                    format!(
                        "{v:?} is not a channel (forum, {})",
                        Origin::ALL
                            .iter()
                            .map(|o| o.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        }
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// Service codes, without repeats.
pub(crate) fn services(field: &'static str, values: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = code(field, v, 32)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

pub(crate) fn json_text(v: &[String]) -> serde_json::Value {
    field::text(serde_json::Value::from(v.to_vec()).to_string())
}

fn validated_fields(input: &CustomerClassInput) -> Result<Fields> {
    let code = code("code", &input.code, 40)?;
    if code == "none" {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "code",
            "\"none\" means no class and cannot be defined",
        ));
    }
    let name = validate::required_text("name", &input.name, limits::NAME)?;
    if input.free_minutes_per_year < 0 {
        return Err(Error::invalid(
            Code::OutOfRange,
            "free_minutes_per_year",
            "cannot be negative",
        ));
    }
    Ok(vec![
        ("code", field::text(code)),
        ("name", field::text(name)),
        (
            "channels",
            json_text(&channels("channels", &input.channels)?),
        ),
        (
            "services",
            json_text(&services("services", &input.services)?),
        ),
        (
            "free_minutes_per_year",
            field::int(input.free_minutes_per_year),
        ),
        ("priority", field::int(input.priority)),
    ])
}

pub fn create(store: &mut Store, input: &CustomerClassInput) -> Result<CustomerClass> {
    let fields = validated_fields(input)?;
    let id = CustomerClassId::new();
    let code = code("code", &input.code, 40)?;
    store.write(|tx| {
        if find_in(tx.conn(), &code)?.is_some() {
            return Err(Error::AlreadyExists {
                what: "customer class",
                value: code.clone(),
            });
        }
        tx.insert(Entity::CustomerClass, &id.to_string(), fields)
    })?;
    get(store, id)
}

/// Edits a class. Its code may not change (clients refer to it).
pub fn update(
    store: &mut Store,
    id: CustomerClassId,
    input: &CustomerClassInput,
) -> Result<CustomerClass> {
    let current = get(store, id)?;
    let mut fields = validated_fields(input)?;
    if fields[0].1 != field::text(&current.code) {
        return Err(Error::invalid(
            Code::Inconsistent,
            "code",
            "a class code cannot change: clients refer to it",
        ));
    }
    fields.remove(0);
    store.write(|tx| tx.update(Entity::CustomerClass, &id.to_string(), fields))?;
    get(store, id)
}

/// Archived classes stay on their clients but leave the pickers.
pub fn set_archived(
    store: &mut Store,
    id: CustomerClassId,
    archived: bool,
) -> Result<CustomerClass> {
    archive::set_archived(store, id, archived)
}

impl Archivable for CustomerClass {
    const ENTITY: Entity = Entity::CustomerClass;
    type Id = CustomerClassId;
    fn get(store: &Store, id: CustomerClassId) -> Result<Self> {
        get(store, id)
    }
}

/// Creates the preset classes that do not exist yet; returns every class.
pub fn install_presets(store: &mut Store) -> Result<Vec<CustomerClass>> {
    let inputs = presets();
    store.write(|tx| {
        for input in &inputs {
            if find_in(tx.conn(), &input.code)?.is_none() {
                tx.insert(
                    Entity::CustomerClass,
                    &CustomerClassId::new().to_string(),
                    validated_fields(input)?,
                )?;
            }
        }
        Ok(())
    })?;
    list(store)
}

pub fn get(store: &Store, id: CustomerClassId) -> Result<CustomerClass> {
    store
        .conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM customer_classes WHERE id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("customer_class", id))
}

pub fn get_by_code(store: &Store, code: &str) -> Result<CustomerClass> {
    find_in(store.conn(), code)?.ok_or_else(|| Error::not_found("customer_class", code))
}

pub(crate) fn find_in(conn: &rusqlite::Connection, code: &str) -> Result<Option<CustomerClass>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM customer_classes WHERE code = ?1"
        ))?
        .query_row([code.trim().to_lowercase()], from_row)
        .optional()?)
}

pub fn list(store: &Store) -> Result<Vec<CustomerClass>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM customer_classes ORDER BY archived, priority DESC, name"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

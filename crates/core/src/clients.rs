//! Clients (clienti): the businesses and people the shop supports.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::address::Address;
use crate::error::{Code, Error, Result};
use crate::ids::ClientId;
use crate::paging::{Page, PageRequest};
use crate::store::archive::{self, Archivable};
use crate::store::{field, Entity, Fields, Store};
use crate::validate::{self, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub vat_number: Option<String>,
    pub fiscal_code: Option<String>,
    pub email: Option<String>,
    pub pec: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub customer_class: String,
    /// The local patron saint's day (`MM-DD`): closed in calendars that do not cover holidays.
    pub patron_day: Option<String>,
    /// The client's id in the tool it was imported from (CSV import): unique when set.
    pub external_id: Option<String>,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
    #[serde(flatten)]
    pub address: Address,
}

/// What a form sends to create or edit a client. Empty strings count as absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ClientInput {
    pub name: String,
    #[ts(optional)]
    pub vat_number: Option<String>,
    #[ts(optional)]
    pub fiscal_code: Option<String>,
    #[ts(optional)]
    pub email: Option<String>,
    #[ts(optional)]
    pub pec: Option<String>,
    #[ts(optional)]
    pub phone: Option<String>,
    #[ts(optional)]
    pub notes: Option<String>,
    /// Customer class code (`none`, `no_licence`, `licence`, `agreement`, `pay_per_incident`, or a
    /// shop-defined one). Defaults to `none`.
    #[ts(optional)]
    pub customer_class: Option<String>,
    /// `MM-DD` or `DD/MM` (Sant'Ambrogio: `12-07`).
    #[ts(optional)]
    pub patron_day: Option<String>,
    /// The client's id in another tool (set by the CSV import). Absent keeps the current one (the
    /// client form does not show it); an empty text clears it.
    #[serde(default)]
    #[ts(optional)]
    pub external_id: Option<String>,
    #[serde(flatten)]
    pub address: Address,
}

impl From<&Client> for ClientInput {
    /// The form as it stands for an existing client (to edit some fields and keep the rest).
    fn from(c: &Client) -> Self {
        ClientInput {
            name: c.name.clone(),
            vat_number: c.vat_number.clone(),
            fiscal_code: c.fiscal_code.clone(),
            address: c.address.clone(),
            email: c.email.clone(),
            pec: c.pec.clone(),
            phone: c.phone.clone(),
            notes: c.notes.clone(),
            customer_class: Some(c.customer_class.clone()),
            patron_day: c.patron_day.clone(),
            external_id: c.external_id.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ClientFilter {
    /// Name prefix or substring (case-insensitive). Use search for full text.
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
}

const COLUMNS: &str = "id, name, vat_number, fiscal_code, street, postcode, city, province, email, pec, phone, notes, \
                       customer_class, archived, created_at, updated_at, patron_day, external_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Client> {
    Ok(Client {
        id: r.get(0)?,
        name: r.get(1)?,
        vat_number: r.get(2)?,
        fiscal_code: r.get(3)?,
        address: Address::from_row(r, 4)?,
        email: r.get(8)?,
        pec: r.get(9)?,
        phone: r.get(10)?,
        notes: r.get(11)?,
        customer_class: r.get(12)?,
        archived: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
        patron_day: r.get(16)?,
        external_id: r.get(17)?,
    })
}

/// Validates a client form into the columns to write.
pub(crate) fn validated_fields(input: &ClientInput) -> Result<Fields> {
    let name = validate::required_text("name", &input.name, limits::NAME)?;
    let vat = non_empty(&input.vat_number)
        .map(|v| validate::validate_vat_number("vat_number", v))
        .transpose()?;
    let cf = non_empty(&input.fiscal_code)
        .map(|v| validate::validate_fiscal_code("fiscal_code", v))
        .transpose()?;
    let class = match non_empty(&input.customer_class) {
        None => "none".to_owned(),
        Some(c) => {
            let c = c.to_lowercase();
            if c.len() > 40
                || !c
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
            {
                return Err(Error::invalid(
                    Code::InvalidFormat,
                    "customer_class",
                    format!("{c:?} is not a class code (lower-case letters, digits and _)"),
                ));
            }
            c
        }
    };
    let mut fields = vec![
        ("name", field::text(name)),
        ("vat_number", field::opt_text(vat)),
        ("fiscal_code", field::opt_text(cf)),
        (
            "email",
            field::opt_text(validate::optional_email("email", input.email.as_deref())?),
        ),
        (
            "pec",
            field::opt_text(validate::optional_email("pec", input.pec.as_deref())?),
        ),
        (
            "phone",
            field::opt_text(validate::optional_phone("phone", input.phone.as_deref())?),
        ),
        (
            "notes",
            field::opt_text(validate::optional_text(
                "notes",
                input.notes.as_deref(),
                limits::NOTES,
            )?),
        ),
        ("customer_class", field::text(class)),
        (
            "patron_day",
            field::opt_text(validate::optional_month_day(
                "patron_day",
                input.patron_day.as_deref(),
            )?),
        ),
    ];
    if let Some(ext) = &input.external_id {
        fields.push((
            "external_id",
            field::opt_text(validate::optional_text(
                "external_id",
                Some(ext),
                limits::EXTERNAL_ID,
            )?),
        ));
    }
    fields.extend(field::address(input.address.validated()?));
    Ok(fields)
}

/// The client whose `external_id` is `external_id`, if any (read inside a write too).
pub fn find_by_external_id(
    conn: &rusqlite::Connection,
    external_id: &str,
) -> Result<Option<ClientId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM clients WHERE external_id = ?1")?
        .query_row([external_id], |r| r.get(0))
        .optional()?)
}

/// The client with this Partita IVA (as stored: normalised by the validator), if any; the oldest
/// when two share it (a group's companies may).
pub fn find_by_vat_number(conn: &rusqlite::Connection, vat: &str) -> Result<Option<ClientId>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM clients WHERE vat_number = ?1 ORDER BY created_at, id LIMIT 1",
        )?
        .query_row([vat], |r| r.get(0))
        .optional()?)
}

/// The client with this Codice Fiscale (as stored), if any; the oldest when two share it.
pub fn find_by_fiscal_code(conn: &rusqlite::Connection, cf: &str) -> Result<Option<ClientId>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM clients WHERE fiscal_code = ?1 ORDER BY created_at, id LIMIT 1",
        )?
        .query_row([cf], |r| r.get(0))
        .optional()?)
}

/// Checks one field of the client form as it is typed, with the same rule `create`/`update` apply
/// (Partita IVA check digit, Codice Fiscale check character, postcode, province, e-mail, phone).
/// An empty value is fine (the fields are optional); a field without such a check gives
/// INVALID_FORMAT on `field`.
pub fn check_field(field: &str, value: &str) -> Result<()> {
    let v = Some(value.trim()).filter(|s| !s.is_empty());
    match (field, v) {
        (_, None) if CHECKED_FIELDS.contains(&field) => Ok(()),
        ("vat_number", Some(v)) => validate::validate_vat_number("vat_number", v).map(drop),
        ("fiscal_code", Some(v)) => validate::validate_fiscal_code("fiscal_code", v).map(drop),
        ("postcode", v) => validate::optional_postcode("postcode", v).map(drop),
        ("province", v) => validate::optional_province("province", v).map(drop),
        ("email", v) => validate::optional_email("email", v).map(drop),
        ("pec", v) => validate::optional_email("pec", v).map(drop),
        ("phone", v) => validate::optional_phone("phone", v).map(drop),
        ("patron_day", v) => validate::optional_month_day("patron_day", v).map(drop),
        _ => Err(Error::invalid(
            Code::InvalidFormat,
            "field",
            format!("{field:?} is not a client field checked as typed"),
        )),
    }
}

/// The fields [`check_field`] knows.
pub const CHECKED_FIELDS: &[&str] = &[
    "vat_number",
    "fiscal_code",
    "postcode",
    "province",
    "email",
    "pec",
    "phone",
    "patron_day",
];

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A class other than `none` must exist (a typo would silently entitle the client to nothing).
pub(crate) fn ensure_class(conn: &rusqlite::Connection, fields: &Fields) -> Result<()> {
    let class = fields
        .iter()
        .find(|(k, _)| *k == "customer_class")
        .and_then(|(_, v)| v.as_str())
        .unwrap_or("none");
    if class == "none" || crate::classes::find_in(conn, class)?.is_some() {
        Ok(())
    } else {
        Err(Error::invalid(
            Code::NotFound,
            "customer_class",
            format!("no customer class {class:?} (see the classes in the settings)"),
        ))
    }
}

pub fn create(store: &mut Store, input: &ClientInput) -> Result<Client> {
    let fields = validated_fields(input)?;
    let id = ClientId::new();
    store.write(|tx| {
        ensure_class(tx.conn(), &fields)?;
        tx.insert(Entity::Client, &id.to_string(), fields)
    })?;
    get(store, id)
}

/// Replaces the client's editable fields; only the fields that change are recorded.
pub fn update(store: &mut Store, id: ClientId, input: &ClientInput) -> Result<Client> {
    let fields = validated_fields(input)?;
    store.write(|tx| {
        ensure_class(tx.conn(), &fields)?;
        tx.update(Entity::Client, &id.to_string(), fields)
    })?;
    get(store, id)
}

/// Archived clients disappear from pickers but keep their history.
pub fn set_archived(store: &mut Store, id: ClientId, archived: bool) -> Result<Client> {
    archive::set_archived(store, id, archived)
}

impl Archivable for Client {
    const ENTITY: Entity = Entity::Client;
    type Id = ClientId;
    fn get(store: &Store, id: ClientId) -> Result<Self> {
        get(store, id)
    }
}

pub fn get(store: &Store, id: ClientId) -> Result<Client> {
    get_in(store.conn(), id)
}

/// [`get`] on a connection (inside a write too).
pub(crate) fn get_in(conn: &rusqlite::Connection, id: ClientId) -> Result<Client> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM clients WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("client", id))
}

pub(crate) fn ensure_exists(conn: &rusqlite::Connection, id: ClientId) -> Result<()> {
    if conn
        .prepare_cached("SELECT 1 FROM clients WHERE id = ?1")?
        .exists([id])?
    {
        Ok(())
    } else {
        Err(Error::not_found("client", id))
    }
}

/// Clients by name.
pub fn list(store: &Store, filter: &ClientFilter, page: &PageRequest) -> Result<Page<Client>> {
    let name = filter.name.as_deref().map(str::trim).unwrap_or("");
    let pattern = format!("%{}%", escape_like(name));
    let archived = i64::from(filter.include_archived.unwrap_or(false));
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM clients
         WHERE (?1 = '%%' OR name LIKE ?1 ESCAPE '\\') AND (archived = 0 OR ?2 = 1)
         ORDER BY name COLLATE NOCASE, id LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt
        .query_map(
            rusqlite::params![pattern, archived, page.sql_limit(), page.sql_offset()],
            from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(rows, page))
}

/// Fails unless the record `id` of `entity` (a site, a contact…) exists and belongs to `client_id`.
pub(crate) fn ensure_owned_by(
    conn: &rusqlite::Connection,
    entity: Entity,
    id: &str,
    client_id: ClientId,
) -> Result<()> {
    let owner: Option<ClientId> = conn
        .prepare_cached(&format!(
            "SELECT client_id FROM {} WHERE id = ?1",
            entity.table()
        ))?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match owner {
        None => Err(Error::not_found(entity.name(), id)),
        Some(c) if c != client_id => Err(Error::Inconsistent(format!(
            "{} {id} belongs to another client",
            entity.name()
        ))),
        Some(_) => Ok(()),
    }
}

pub(crate) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

//! Contacts (referenti): people at a client, including who may open requests for it.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clients;
use crate::error::{Error, Result};
use crate::ids::{ClientId, ContactId};
use crate::store::archive::{self, Archivable};
use crate::store::{field, Entity, Fields, Store};
use crate::validate::{self, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Contact {
    pub id: ContactId,
    pub client_id: ClientId,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// This address may open requests for the client.
    pub authorised: bool,
    pub notes: Option<String>,
    pub archived: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ContactInput {
    pub name: String,
    #[ts(optional)]
    pub role: Option<String>,
    #[ts(optional)]
    pub email: Option<String>,
    #[ts(optional)]
    pub phone: Option<String>,
    #[serde(default)]
    pub authorised: bool,
    #[ts(optional)]
    pub notes: Option<String>,
}

const COLUMNS: &str = "id, client_id, name, role, email, phone, authorised, notes, archived";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: r.get(0)?,
        client_id: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        email: r.get(4)?,
        phone: r.get(5)?,
        authorised: r.get(6)?,
        notes: r.get(7)?,
        archived: r.get(8)?,
    })
}

pub(crate) fn validated_fields(input: &ContactInput) -> Result<Fields> {
    let email = validate::optional_email("email", input.email.as_deref())?;
    if input.authorised && email.is_none() {
        return Err(Error::invalid(
            crate::error::Code::Required,
            "email",
            "an authorised contact needs an e-mail address",
        ));
    }
    Ok(vec![
        (
            "name",
            field::text(validate::required_text("name", &input.name, limits::NAME)?),
        ),
        (
            "role",
            field::opt_text(validate::optional_text(
                "role",
                input.role.as_deref(),
                limits::SHORT,
            )?),
        ),
        ("email", field::opt_text(email)),
        (
            "phone",
            field::opt_text(validate::optional_phone("phone", input.phone.as_deref())?),
        ),
        ("authorised", field::flag(input.authorised)),
        (
            "notes",
            field::opt_text(validate::optional_text(
                "notes",
                input.notes.as_deref(),
                limits::NOTES,
            )?),
        ),
    ])
}

pub fn create(store: &mut Store, client_id: ClientId, input: &ContactInput) -> Result<Contact> {
    let mut fields = validated_fields(input)?;
    clients::ensure_exists(store.conn(), client_id)?;
    fields.insert(0, ("client_id", field::text(client_id.to_string())));
    let id = ContactId::new();
    store.write(|tx| tx.insert(Entity::Contact, &id.to_string(), fields))?;
    get(store, id)
}

pub fn update(store: &mut Store, id: ContactId, input: &ContactInput) -> Result<Contact> {
    let fields = validated_fields(input)?;
    store.write(|tx| tx.update(Entity::Contact, &id.to_string(), fields))?;
    get(store, id)
}

/// Archived contacts leave pickers and the client page's active list but keep their history (tickets
/// and interventions still point at them), so they are never deleted.
pub fn set_archived(store: &mut Store, id: ContactId, archived: bool) -> Result<Contact> {
    archive::set_archived(store, id, archived)
}

impl Archivable for Contact {
    const ENTITY: Entity = Entity::Contact;
    type Id = ContactId;
    fn get(store: &Store, id: ContactId) -> Result<Self> {
        get(store, id)
    }
}

pub fn get(store: &Store, id: ContactId) -> Result<Contact> {
    get_in(store.conn(), id)
}

/// [`get`] on a connection (inside a write too).
pub(crate) fn get_in(conn: &rusqlite::Connection, id: ContactId) -> Result<Contact> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM contacts WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("contact", id))
}

pub fn list_for_client(store: &Store, client_id: ClientId) -> Result<Vec<Contact>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE client_id = ?1 ORDER BY archived, name"
    ))?;
    let rows = stmt.query_map([client_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The clients for which `email` is an authorised requester (an incoming e-mail → which client).
pub fn clients_authorising(store: &Store, email: &str) -> Result<Vec<ClientId>> {
    let email = email.trim().to_lowercase();
    let mut stmt = store.conn().prepare_cached(
        "SELECT DISTINCT client_id FROM contacts WHERE email = ?1 AND authorised = 1 AND archived = 0",
    )?;
    let rows = stmt.query_map([email], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn ensure_belongs(
    conn: &rusqlite::Connection,
    contact_id: ContactId,
    client_id: ClientId,
) -> Result<()> {
    clients::ensure_owned_by(conn, Entity::Contact, &contact_id.to_string(), client_id)
}

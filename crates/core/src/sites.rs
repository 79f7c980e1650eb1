//! Sites (sedi): the client's addresses where on-site work happens.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::address::Address;
use crate::clients;
use crate::error::{Error, Result};
use crate::ids::{ClientId, SiteId};
use crate::store::archive::{self, Archivable};
use crate::store::{field, Entity, Fields, Store};
use crate::validate::{self, limits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Site {
    pub id: SiteId,
    pub client_id: ClientId,
    pub name: String,
    pub notes: Option<String>,
    pub archived: bool,
    /// The local patron saint's day (`MM-DD`), overriding the client's for this site.
    pub patron_day: Option<String>,
    #[serde(flatten)]
    pub address: Address,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SiteInput {
    pub name: String,
    #[ts(optional)]
    pub notes: Option<String>,
    #[ts(optional)]
    pub patron_day: Option<String>,
    #[serde(flatten)]
    pub address: Address,
}

const COLUMNS: &str =
    "id, client_id, name, street, postcode, city, province, notes, archived, patron_day";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Site> {
    Ok(Site {
        id: r.get(0)?,
        client_id: r.get(1)?,
        name: r.get(2)?,
        address: Address::from_row(r, 3)?,
        notes: r.get(7)?,
        archived: r.get(8)?,
        patron_day: r.get(9)?,
    })
}

pub(crate) fn validated_fields(input: &SiteInput) -> Result<Fields> {
    let mut fields = vec![
        (
            "name",
            field::text(validate::required_text("name", &input.name, limits::NAME)?),
        ),
        (
            "notes",
            field::opt_text(validate::optional_text(
                "notes",
                input.notes.as_deref(),
                limits::NOTES,
            )?),
        ),
        (
            "patron_day",
            field::opt_text(validate::optional_month_day(
                "patron_day",
                input.patron_day.as_deref(),
            )?),
        ),
    ];
    fields.extend(field::address(input.address.validated()?));
    Ok(fields)
}

pub fn create(store: &mut Store, client_id: ClientId, input: &SiteInput) -> Result<Site> {
    let mut fields = validated_fields(input)?;
    clients::ensure_exists(store.conn(), client_id)?;
    fields.insert(0, ("client_id", field::text(client_id.to_string())));
    let id = SiteId::new();
    store.write(|tx| tx.insert(Entity::Site, &id.to_string(), fields))?;
    get(store, id)
}

pub fn update(store: &mut Store, id: SiteId, input: &SiteInput) -> Result<Site> {
    let fields = validated_fields(input)?;
    store.write(|tx| tx.update(Entity::Site, &id.to_string(), fields))?;
    get(store, id)
}

/// Archived sites leave pickers and the client page's active list but keep their history (tickets
/// and interventions still point at them), so they are never deleted.
pub fn set_archived(store: &mut Store, id: SiteId, archived: bool) -> Result<Site> {
    archive::set_archived(store, id, archived)
}

impl Archivable for Site {
    const ENTITY: Entity = Entity::Site;
    type Id = SiteId;
    fn get(store: &Store, id: SiteId) -> Result<Self> {
        get(store, id)
    }
}

pub fn get(store: &Store, id: SiteId) -> Result<Site> {
    get_in(store.conn(), id)
}

/// [`get`] on a connection (inside a write too).
pub(crate) fn get_in(conn: &rusqlite::Connection, id: SiteId) -> Result<Site> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM sites WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("site", id))
}

pub fn list_for_client(store: &Store, client_id: ClientId) -> Result<Vec<Site>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM sites WHERE client_id = ?1 ORDER BY archived, name"
    ))?;
    let rows = stmt.query_map([client_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Fails unless `site_id` exists and belongs to `client_id`.
pub(crate) fn ensure_belongs(
    conn: &rusqlite::Connection,
    site_id: SiteId,
    client_id: ClientId,
) -> Result<()> {
    clients::ensure_owned_by(conn, Entity::Site, &site_id.to_string(), client_id)
}

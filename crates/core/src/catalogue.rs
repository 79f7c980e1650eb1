//! The article catalogue (listino): code, description, unit, unit price before VAT, VAT rate.
//! Material lines and quote lines are picked from it (search as you type) or typed freely.
//! Articles are archived, never deleted: the lines that came from one keep pointing at it.
//! The office writes it (the hub refuses a technician's device: model `validate::OFFICE_ONLY`).

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::ids::ArticleId;
use crate::store::archive::{self, Archivable};
use crate::store::{field, Entity, Fields, Store};
use crate::validate::{self, limits};
use crate::vat;

/// The most a unit price may be (100.000.000,00 €), as for material lines.
pub const MAX_PRICE_CENTS: i64 = 10_000_000_000;
/// How many articles a search returns at most (the picker shows the first few).
pub const SEARCH_LIMIT: i64 = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Article {
    pub id: ArticleId,
    pub code: String,
    pub description: String,
    /// `pz`, `m`, `h`, `conf`…
    pub unit: String,
    /// Before VAT.
    pub unit_price_cents: i64,
    /// Percent.
    pub vat_rate: i64,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ArticleInput {
    pub code: String,
    pub description: String,
    #[ts(optional)]
    #[serde(default)]
    pub unit: Option<String>,
    pub unit_price_cents: i64,
    /// Percent; the ordinary 22% when absent.
    #[ts(optional)]
    #[serde(default)]
    pub vat_rate: Option<i64>,
}

const COLUMNS: &str =
    "id, code, description, unit, unit_price_cents, vat_rate, archived, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Article> {
    Ok(Article {
        id: r.get(0)?,
        code: r.get(1)?,
        description: r.get(2)?,
        unit: r.get(3)?,
        unit_price_cents: r.get(4)?,
        vat_rate: r.get(5)?,
        archived: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

/// An article code: 1 to 40 characters, no spaces, kept upper-case (`CAV-UTP-5`).
fn code(value: &str) -> Result<String> {
    let c = validate::required_text("code", value, 40)?.to_uppercase();
    if c.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "code",
            format!("{c:?}: an article code has no spaces"),
        ));
    }
    Ok(c)
}

/// A unit price in cents: 0 to 100.000.000,00 €.
pub fn check_price(field: &'static str, cents: i64) -> Result<i64> {
    if (0..=MAX_PRICE_CENTS).contains(&cents) {
        Ok(cents)
    } else {
        Err(Error::invalid(
            Code::InvalidFormat,
            field,
            "must be between 0 and 100.000.000,00 €",
        ))
    }
}

/// The setting holding the shop's default VAT rate (what a line gets when no article or rate
/// says otherwise); the ordinary Italian rate until the office sets it.
const DEFAULT_VAT_KEY: &str = "default_vat_rate";

/// The shop's default VAT rate in percent ([`vat::DEFAULT_VAT_RATE`] until set).
pub fn default_vat_rate(store: &Store) -> Result<i64> {
    default_vat_rate_in(store.conn())
}

pub(crate) fn default_vat_rate_in(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(
        crate::store::settings::get_setting_conn::<i64>(conn, DEFAULT_VAT_KEY)?
            .unwrap_or(vat::DEFAULT_VAT_RATE),
    )
}

/// Sets the shop's default VAT rate (0–100, else `OUT_OF_RANGE` on `vat_rate`). An office
/// setting: a technician's device may not write it (model `validate::OFFICE_SETTINGS`).
pub fn set_default_vat_rate(store: &mut Store, rate: i64) -> Result<i64> {
    let rate = vat::check_rate("vat_rate", rate)?;
    store.write(|tx| {
        tx.upsert(
            Entity::Setting,
            DEFAULT_VAT_KEY,
            vec![("value", crate::store::settings::to_json_text(&rate)?)],
        )
    })?;
    Ok(rate)
}

fn validated_fields(input: &ArticleInput, default_vat: i64) -> Result<Fields> {
    let code = code(&input.code)?;
    let description = validate::required_text("description", &input.description, limits::NAME)?;
    let unit = validate::optional_text("unit", input.unit.as_deref(), 16)?
        .unwrap_or_else(|| "pz".to_owned());
    let price = check_price("unit_price_cents", input.unit_price_cents)?;
    let rate = vat::check_rate("vat_rate", input.vat_rate.unwrap_or(default_vat))?;
    Ok(vec![
        ("code", field::text(code)),
        ("description", field::text(description)),
        ("unit", field::text(unit)),
        ("unit_price_cents", field::int(price)),
        ("vat_rate", field::int(rate)),
    ])
}

pub fn create(store: &mut Store, input: &ArticleInput) -> Result<Article> {
    let fields = validated_fields(input, default_vat_rate(store)?)?;
    let code = code(&input.code)?;
    let id = ArticleId::new();
    store.write(|tx| {
        if find_in(tx.conn(), &code)?.is_some() {
            return Err(Error::AlreadyExists {
                what: "article",
                value: code.clone(),
            });
        }
        tx.insert(Entity::Article, &id.to_string(), fields)
    })?;
    get(store, id)
}

/// Edits an article (its code included, while no other article has the new one). Lines already
/// written keep the price and rate they were written with.
pub fn update(store: &mut Store, id: ArticleId, input: &ArticleInput) -> Result<Article> {
    get(store, id)?;
    let fields = validated_fields(input, default_vat_rate(store)?)?;
    let code = code(&input.code)?;
    store.write(|tx| {
        if find_in(tx.conn(), &code)?.is_some_and(|a| a.id != id) {
            return Err(Error::AlreadyExists {
                what: "article",
                value: code.clone(),
            });
        }
        tx.update(Entity::Article, &id.to_string(), fields)
            .map(|_| ())
    })?;
    get(store, id)
}

/// Archived articles leave the picker; the lines that used them keep them.
pub fn set_archived(store: &mut Store, id: ArticleId, archived: bool) -> Result<Article> {
    archive::set_archived(store, id, archived)
}

impl Archivable for Article {
    const ENTITY: Entity = Entity::Article;
    type Id = ArticleId;
    fn get(store: &Store, id: ArticleId) -> Result<Self> {
        get(store, id)
    }
}

pub fn get(store: &Store, id: ArticleId) -> Result<Article> {
    get_in(store.conn(), id)
}

pub(crate) fn get_in(conn: &rusqlite::Connection, id: ArticleId) -> Result<Article> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM articles WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("article", id))
}

/// The article with this code (any case).
pub fn find(store: &Store, code: &str) -> Result<Option<Article>> {
    find_in(store.conn(), &code.trim().to_uppercase())
}

fn find_in(conn: &rusqlite::Connection, code: &str) -> Result<Option<Article>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM articles WHERE code = ?1"))?
        .query_row([code], from_row)
        .optional()?)
}

/// Search as you type: articles whose code starts with the text, then those whose code or
/// description contains it (case-insensitive), by code; archived ones only when asked. An
/// empty text lists the catalogue (up to [`SEARCH_LIMIT`]).
pub fn search(store: &Store, text: &str, include_archived: bool) -> Result<Vec<Article>> {
    let text = validate::optional_text("search", Some(text), limits::QUERY)?.unwrap_or_default();
    let escaped = crate::clients::escape_like(&text);
    let (prefix, anywhere) = (format!("{escaped}%"), format!("%{escaped}%"));
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM articles
         WHERE (code LIKE ?2 ESCAPE '\\' OR description LIKE ?2 ESCAPE '\\')
           AND (archived = 0 OR ?3 = 1)
         ORDER BY code NOT LIKE ?1 ESCAPE '\\', code COLLATE NOCASE, id
         LIMIT ?4"
    ))?;
    let rows = stmt.query_map(
        rusqlite::params![prefix, anywhere, i64::from(include_archived), SEARCH_LIMIT],
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

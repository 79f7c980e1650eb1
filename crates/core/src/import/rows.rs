//! One CSV row into the database, through the same validation and the same write path
//! ([`WriteTx`]) as the forms: a client, site or contact is found by its key (external id,
//! Partita IVA, Codice Fiscale; a site by its client and name, a contact by its client and
//! e-mail or name) and updated, or created. A mapped but empty cell keeps the stored value.

use rusqlite::OptionalExtension;

use super::mapping::Columns;
use crate::address::Address;
use crate::clients::{self, ClientInput};
use crate::contacts::{self, ContactInput};
use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, ContactId, SiteId};
use crate::sites::{self, SiteInput};
use crate::store::{field, Entity, WriteTx};
use crate::validate;

/// What a row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl Outcome {
    /// The row's outcome when it wrote a record with this outcome as well (a client's contact).
    fn and(self, other: Outcome) -> Outcome {
        match (self, other) {
            (Outcome::Created, _) => Outcome::Created,
            (_, Outcome::Created | Outcome::Updated) | (Outcome::Updated, _) => Outcome::Updated,
            _ => Outcome::Unchanged,
        }
    }
}

/// `target` from the row into `slot` when the cell is not empty.
pub(super) fn put(cols: &Columns, cells: &[String], target: &str, slot: &mut Option<String>) {
    if let Some(v) = cols.get(cells, target) {
        *slot = Some(v.to_owned());
    }
}

fn address(cols: &Columns, cells: &[String], a: &mut Address) {
    put(cols, cells, "street", &mut a.street);
    put(cols, cells, "postcode", &mut a.postcode);
    put(cols, cells, "city", &mut a.city);
    put(cols, cells, "province", &mut a.province);
}

/// A Partita IVA as the file has it, normalised: Excel drops the leading zeros of a number, so
/// 9 or 10 digits are padded back to 11 before the check digit is verified.
fn vat_of(value: &str) -> Result<String> {
    let v = validate::normalize_vat_number(value);
    let v = if (9..11).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
        format!("{v:0>11}")
    } else {
        v
    };
    validate::validate_vat_number("vat_number", &v)
}

/// The client a row's keys name, if any: external id first, then Partita IVA, then Codice
/// Fiscale. `prefix` is `""` for a client row, `"client_"` for a site or contact row.
fn find_client(
    tx: &WriteTx<'_>,
    cols: &Columns,
    cells: &[String],
    prefix: &str,
) -> Result<Option<ClientId>> {
    let conn = tx.conn();
    if let Some(ext) = cols.get(cells, &format!("{prefix}external_id")) {
        if let Some(id) = clients::find_by_external_id(conn, ext)? {
            return Ok(Some(id));
        }
    }
    if let Some(vat) = cols.get(cells, &format!("{prefix}vat_number")) {
        if let Some(id) = clients::find_by_vat_number(conn, &vat_of(vat)?)? {
            return Ok(Some(id));
        }
    }
    if let Some(cf) = cols.get(cells, &format!("{prefix}fiscal_code")) {
        let cf = validate::validate_fiscal_code("fiscal_code", cf)?;
        if let Some(id) = clients::find_by_fiscal_code(conn, &cf)? {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The client of a site or contact row; `NOT_FOUND` on `client` when no client has its keys.
pub(super) fn owner(tx: &WriteTx<'_>, cols: &Columns, cells: &[String]) -> Result<ClientId> {
    find_client(tx, cols, cells, "client_")
        .map_err(|e| prefix_field(e, "client"))?
        .ok_or_else(|| {
            Error::invalid(
            Code::NotFound,
            "client",
            "no client with this code, Partita IVA or Codice Fiscale (import the clients first)",
        )
        })
}

/// A client row (with its contact when `contact_name` is mapped and filled).
pub(crate) fn client(tx: &mut WriteTx<'_>, cols: &Columns, cells: &[String]) -> Result<Outcome> {
    let existing = find_client(tx, cols, cells, "")?;
    let mut input = match existing {
        Some(id) => ClientInput::from(&clients::get_in(tx.conn(), id)?),
        None => ClientInput::default(),
    };
    if let Some(name) = cols.get(cells, "name") {
        input.name = name.to_owned();
    }
    if let Some(v) = cols.get(cells, "vat_number") {
        input.vat_number = Some(vat_of(v)?);
    }
    for (target, slot) in [
        ("external_id", &mut input.external_id),
        ("fiscal_code", &mut input.fiscal_code),
        ("email", &mut input.email),
        ("pec", &mut input.pec),
        ("phone", &mut input.phone),
        ("notes", &mut input.notes),
        ("customer_class", &mut input.customer_class),
        ("patron_day", &mut input.patron_day),
    ] {
        put(cols, cells, target, slot);
    }
    address(cols, cells, &mut input.address);
    let fields = clients::validated_fields(&input)?;
    clients::ensure_class(tx.conn(), &fields)?;
    let (id, outcome) = match existing {
        Some(id) => {
            let changed = tx.update(Entity::Client, &id.to_string(), fields)?;
            let outcome = if changed {
                Outcome::Updated
            } else {
                Outcome::Unchanged
            };
            (id, outcome)
        }
        None => {
            let id = ClientId::new();
            tx.insert(Entity::Client, &id.to_string(), fields)?;
            (id, Outcome::Created)
        }
    };
    let Some(name) = cols.get(cells, "contact_name") else {
        return Ok(outcome);
    };
    let mut contact = ContactInput {
        name: name.to_owned(),
        ..ContactInput::default()
    };
    put(cols, cells, "contact_role", &mut contact.role);
    put(cols, cells, "contact_email", &mut contact.email);
    put(cols, cells, "contact_phone", &mut contact.phone);
    let owner_is_new = outcome == Outcome::Created;
    let contact_outcome = write_contact(tx, id, owner_is_new, contact, |c| {
        put(cols, cells, "contact_role", &mut c.role);
        put(cols, cells, "contact_email", &mut c.email);
        put(cols, cells, "contact_phone", &mut c.phone);
    })
    .map_err(|e| prefix_field(e, "contact"))?;
    Ok(outcome.and(contact_outcome))
}

/// An error on a contact's field, named as the row's column (`email` → `contact_email`).
fn prefix_field(e: Error, prefix: &'static str) -> Error {
    match e {
        Error::Invalid {
            code,
            field,
            message,
        } => Error::invalid(code, prefix, format!("{field}: {message}")),
        other => other,
    }
}

/// A site row.
pub(crate) fn site(tx: &mut WriteTx<'_>, cols: &Columns, cells: &[String]) -> Result<Outcome> {
    let client_id = owner(tx, cols, cells)?;
    let name = validate::required_text(
        "name",
        cols.get(cells, "name").unwrap_or(""),
        validate::limits::NAME,
    )?;
    let existing: Option<SiteId> = tx
        .conn()
        .prepare_cached(
            "SELECT id FROM sites WHERE client_id = ?1 AND lower(name) = lower(?2)
             ORDER BY archived, id LIMIT 1",
        )?
        .query_row(rusqlite::params![client_id, name], |r| r.get(0))
        .optional()?;
    let mut input = match existing {
        Some(id) => {
            let s = sites::get_in(tx.conn(), id)?;
            SiteInput {
                name: s.name,
                notes: s.notes,
                patron_day: s.patron_day,
                address: s.address,
            }
        }
        None => SiteInput {
            name,
            ..SiteInput::default()
        },
    };
    put(cols, cells, "notes", &mut input.notes);
    put(cols, cells, "patron_day", &mut input.patron_day);
    address(cols, cells, &mut input.address);
    let mut fields = sites::validated_fields(&input)?;
    match existing {
        Some(id) => Ok(if tx.update(Entity::Site, &id.to_string(), fields)? {
            Outcome::Updated
        } else {
            Outcome::Unchanged
        }),
        None => {
            fields.insert(0, ("client_id", field::text(client_id.to_string())));
            tx.insert(Entity::Site, &SiteId::new().to_string(), fields)?;
            Ok(Outcome::Created)
        }
    }
}

/// `sì`, `si`, `x`, `1`, `yes`, `true` or `no`, `0`, `false` (and empty: no).
pub(super) fn yes_no(field: &'static str, value: Option<&str>) -> Result<bool> {
    match value.map(str::to_lowercase).as_deref() {
        None | Some("no" | "n" | "0" | "false" | "falso") => Ok(false),
        Some("sì" | "si" | "s" | "x" | "1" | "yes" | "y" | "true" | "vero") => Ok(true),
        Some(other) => Err(Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{other:?} is neither sì nor no"),
        )),
    }
}

/// A contact row.
pub(crate) fn contact(tx: &mut WriteTx<'_>, cols: &Columns, cells: &[String]) -> Result<Outcome> {
    let client_id = owner(tx, cols, cells)?;
    let authorised = cols
        .has("authorised")
        .then(|| yes_no("authorised", cols.get(cells, "authorised")));
    let authorised = authorised.transpose()?;
    let mut fresh = ContactInput {
        name: cols.get(cells, "name").unwrap_or("").to_owned(),
        authorised: authorised.unwrap_or(false),
        ..ContactInput::default()
    };
    for (target, slot) in [
        ("role", &mut fresh.role),
        ("email", &mut fresh.email),
        ("phone", &mut fresh.phone),
        ("notes", &mut fresh.notes),
    ] {
        put(cols, cells, target, slot);
    }
    write_contact(tx, client_id, false, fresh, |c| {
        put(cols, cells, "role", &mut c.role);
        put(cols, cells, "email", &mut c.email);
        put(cols, cells, "phone", &mut c.phone);
        put(cols, cells, "notes", &mut c.notes);
        if let Some(a) = authorised {
            c.authorised = a;
        }
    })
}

/// Creates `fresh` for `client_id`, or, when the client has a contact with its e-mail (or, with
/// no e-mail, its name), updates that one with `overlay`. A client created by this row
/// (`owner_is_new`) has no contact to look for.
fn write_contact(
    tx: &mut WriteTx<'_>,
    client_id: ClientId,
    owner_is_new: bool,
    fresh: ContactInput,
    overlay: impl FnOnce(&mut ContactInput),
) -> Result<Outcome> {
    let name = validate::required_text("name", &fresh.name, validate::limits::NAME)?;
    let email = validate::optional_email("email", fresh.email.as_deref())?;
    let existing: Option<ContactId> = if owner_is_new {
        None
    } else {
        tx.conn()
            .prepare_cached(
                "SELECT id FROM contacts WHERE client_id = ?1
               AND (CASE WHEN ?2 IS NOT NULL THEN email = ?2 ELSE lower(name) = lower(?3) END)
             ORDER BY archived, id LIMIT 1",
            )?
            .query_row(rusqlite::params![client_id, email, name], |r| r.get(0))
            .optional()?
    };
    match existing {
        Some(id) => {
            let c = contacts::get_in(tx.conn(), id)?;
            let mut input = ContactInput {
                name,
                role: c.role,
                email: c.email,
                phone: c.phone,
                authorised: c.authorised,
                notes: c.notes,
            };
            overlay(&mut input);
            let fields = contacts::validated_fields(&input)?;
            Ok(if tx.update(Entity::Contact, &id.to_string(), fields)? {
                Outcome::Updated
            } else {
                Outcome::Unchanged
            })
        }
        None => {
            let mut fields = contacts::validated_fields(&fresh)?;
            fields.insert(0, ("client_id", field::text(client_id.to_string())));
            tx.insert(Entity::Contact, &ContactId::new().to_string(), fields)?;
            Ok(Outcome::Created)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partita_iva_that_lost_its_leading_zeros_is_padded_back() {
        // 00743110157 (a valid Partita IVA) as Excel shows it.
        assert_eq!(vat_of("743110157").unwrap(), "00743110157");
        assert_eq!(vat_of("IT 00743110157").unwrap(), "00743110157");
        assert_eq!(
            vat_of("12345678901").unwrap_err().code(),
            Code::InvalidVatNumber
        );
    }

    #[test]
    fn yes_and_no_in_italian() {
        assert!(yes_no("a", Some("Sì")).unwrap());
        assert!(!yes_no("a", None).unwrap());
        assert_eq!(
            yes_no("a", Some("forse")).unwrap_err().code(),
            Code::InvalidFormat
        );
    }
}

//! What a CSV import writes to (the target fields of each entity), the mapping of target fields to
//! the file's columns, and the presets (as data) for the files shops bring.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::csvfile::Table;
use crate::error::{Code, Error, Result};
use crate::macros::string_enum;

string_enum! {
    /// What one CSV import creates or updates.
    ImportEntity, field = "entity" {
        /// Clients, optionally with one contact per row.
        Clients => "clients",
        /// Sites of existing clients.
        Sites => "sites",
        /// Contacts of existing clients.
        Contacts => "contacts",
        /// Contracts of existing clients, with their opening balance (hours and tickets used
        /// before the import).
        Contracts => "contracts",
        /// Technicians (found by their code).
        Technicians => "technicians",
    }
}

impl ImportEntity {
    /// Whether a row names the client it belongs to ([`CLIENT_KEYS`]).
    pub fn belongs_to_a_client(self) -> bool {
        matches!(
            self,
            ImportEntity::Sites | ImportEntity::Contacts | ImportEntity::Contracts
        )
    }

    /// The targets that must be mapped (besides a client key, for the entities of a client).
    pub fn required_targets(self) -> &'static [&'static str] {
        match self {
            ImportEntity::Technicians => &["code", "name"],
            _ => &["name"],
        }
    }
}

/// The columns that find the client a site or contact row belongs to (at least one mapped).
pub const CLIENT_KEYS: [&str; 3] = [
    "client_external_id",
    "client_vat_number",
    "client_fiscal_code",
];

/// The fields an import of `entity` can fill, the required ones first.
pub fn targets(entity: ImportEntity) -> &'static [&'static str] {
    match entity {
        ImportEntity::Clients => &[
            "name",
            "external_id",
            "vat_number",
            "fiscal_code",
            "street",
            "postcode",
            "city",
            "province",
            "email",
            "pec",
            "phone",
            "notes",
            "customer_class",
            "patron_day",
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
        ],
        ImportEntity::Sites => &[
            "name",
            "client_external_id",
            "client_vat_number",
            "client_fiscal_code",
            "street",
            "postcode",
            "city",
            "province",
            "notes",
            "patron_day",
        ],
        ImportEntity::Contacts => &[
            "name",
            "client_external_id",
            "client_vat_number",
            "client_fiscal_code",
            "role",
            "email",
            "phone",
            "authorised",
            "notes",
        ],
        ImportEntity::Contracts => &[
            "name",
            "external_id",
            "client_external_id",
            "client_vat_number",
            "client_fiscal_code",
            "kind",
            "starts_on",
            "ends_on",
            "included_hours",
            "package_mode",
            "incident_tickets",
            "calendar",
            "customer_class",
            "overage_rate",
            "on_site_rate",
            "remote_rate",
            "callout_fee",
            "km_rate",
            "rounding_minutes",
            "minimum_minutes",
            "notes",
            "opening_used_hours",
            "opening_used_tickets",
        ],
        ImportEntity::Technicians => &["code", "name", "email", "phone", "active"],
    }
}

/// Target field → the file's column name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Mapping(pub BTreeMap<String, String>);

impl Mapping {
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Mapping {
        Mapping(
            pairs
                .into_iter()
                .map(|(t, c)| (t.to_owned(), c.to_owned()))
                .collect(),
        )
    }

    /// `target=Column,target=Column` (the CLI's `--map`); a column may hold spaces.
    pub fn parse(text: &str) -> Result<Mapping> {
        let mut map = BTreeMap::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (t, c) = part.split_once('=').ok_or_else(|| {
                Error::invalid(
                    Code::InvalidFormat,
                    "mapping",
                    format!("{part:?} is not target=Column"),
                )
            })?;
            map.insert(t.trim().to_owned(), c.trim().to_owned());
        }
        Ok(Mapping(map))
    }
}

/// A ready mapping for a kind of file: for each target, the column names it may carry (the first
/// present in the file is used).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Preset {
    pub id: &'static str,
    pub entity: ImportEntity,
    pub name_it: &'static str,
    pub name_en: &'static str,
    #[ts(type = "Record<string, string[]>")]
    pub columns: BTreeMap<&'static str, Vec<&'static str>>,
}

fn preset(
    id: &'static str,
    entity: ImportEntity,
    names: (&'static str, &'static str),
    columns: &[(&'static str, &[&'static str])],
) -> Preset {
    Preset {
        id,
        entity,
        name_it: names.0,
        name_en: names.1,
        columns: columns.iter().map(|(t, c)| (*t, c.to_vec())).collect(),
    }
}

/// Every preset: an OpenSTAManager "Anagrafiche" export and a plain Excel sheet with Italian
/// headers (clients), and plain sheets for sites and contacts.
pub fn presets() -> Vec<Preset> {
    vec![
        preset(
            "openstamanager_anagrafiche",
            ImportEntity::Clients,
            (
                "OpenSTAManager — esportazione Anagrafiche",
                "OpenSTAManager — Anagrafiche export",
            ),
            &[
                ("external_id", &["Codice", "Codice anagrafica", "Cod."]),
                ("name", &["Ragione sociale", "Denominazione"]),
                ("vat_number", &["Partita IVA", "P.IVA", "Piva"]),
                ("fiscal_code", &["Codice fiscale", "C.F."]),
                ("street", &["Indirizzo"]),
                ("postcode", &["CAP", "C.A.P."]),
                ("city", &["Città", "Citta"]),
                ("province", &["Provincia", "Prov."]),
                ("phone", &["Telefono", "Cellulare"]),
                ("email", &["Email", "E-mail"]),
                ("pec", &["PEC"]),
                ("notes", &["Note"]),
            ],
        ),
        preset(
            "excel_clienti",
            ImportEntity::Clients,
            (
                "Foglio Excel con intestazioni italiane",
                "Excel sheet with Italian headers",
            ),
            &[
                ("external_id", &["Codice cliente", "Codice", "ID"]),
                ("name", &["Cliente", "Ragione sociale", "Nome"]),
                ("vat_number", &["P.IVA", "Partita IVA", "PIVA"]),
                ("fiscal_code", &["Codice fiscale", "CF"]),
                ("street", &["Indirizzo", "Via"]),
                ("postcode", &["CAP"]),
                ("city", &["Città", "Comune", "Citta"]),
                ("province", &["Provincia", "Prov"]),
                ("phone", &["Telefono", "Tel"]),
                ("email", &["Email", "E-mail", "Mail"]),
                ("pec", &["PEC"]),
                ("notes", &["Note"]),
                ("customer_class", &["Classe"]),
                ("contact_name", &["Referente"]),
                ("contact_role", &["Ruolo referente", "Ruolo"]),
                ("contact_email", &["Email referente"]),
                ("contact_phone", &["Telefono referente"]),
            ],
        ),
        preset(
            "excel_sedi",
            ImportEntity::Sites,
            ("Foglio Excel delle sedi", "Excel sheet of sites"),
            &[
                ("client_external_id", &["Codice cliente"]),
                ("client_vat_number", &["P.IVA", "Partita IVA"]),
                ("client_fiscal_code", &["Codice fiscale"]),
                ("name", &["Sede", "Nome sede", "Nome"]),
                ("street", &["Indirizzo", "Via"]),
                ("postcode", &["CAP"]),
                ("city", &["Città", "Comune", "Citta"]),
                ("province", &["Provincia", "Prov"]),
                ("notes", &["Note"]),
            ],
        ),
        preset(
            "excel_referenti",
            ImportEntity::Contacts,
            ("Foglio Excel dei referenti", "Excel sheet of contacts"),
            &[
                ("client_external_id", &["Codice cliente"]),
                ("client_vat_number", &["P.IVA", "Partita IVA"]),
                ("client_fiscal_code", &["Codice fiscale"]),
                ("name", &["Referente", "Nome", "Nominativo"]),
                ("role", &["Ruolo", "Mansione"]),
                ("email", &["Email", "E-mail"]),
                ("phone", &["Telefono", "Cellulare"]),
                ("authorised", &["Autorizzato", "Può aprire richieste"]),
                ("notes", &["Note"]),
            ],
        ),
        preset(
            "openstamanager_contratti",
            ImportEntity::Contracts,
            (
                "OpenSTAManager — esportazione Contratti",
                "OpenSTAManager — Contracts export",
            ),
            &[
                ("external_id", &["Numero", "Codice contratto"]),
                ("name", &["Nome", "Descrizione"]),
                (
                    "client_external_id",
                    &["Codice anagrafica", "Codice cliente"],
                ),
                ("client_vat_number", &["Partita IVA", "P.IVA"]),
                ("client_fiscal_code", &["Codice fiscale"]),
                ("starts_on", &["Data accettazione", "Data inizio"]),
                ("ends_on", &["Data conclusione", "Data fine"]),
                ("included_hours", &["Ore", "Monte ore", "Ore previste"]),
                ("opening_used_hours", &["Ore erogate", "Ore utilizzate"]),
                ("notes", &["Note", "Esclusioni"]),
            ],
        ),
        preset(
            "excel_contratti",
            ImportEntity::Contracts,
            ("Foglio Excel dei contratti", "Excel sheet of contracts"),
            &[
                ("external_id", &["Codice contratto", "ID contratto"]),
                ("name", &["Contratto", "Nome contratto", "Nome"]),
                ("client_external_id", &["Codice cliente"]),
                ("client_vat_number", &["P.IVA", "Partita IVA"]),
                ("client_fiscal_code", &["Codice fiscale"]),
                ("kind", &["Tipo", "Tipo contratto"]),
                ("starts_on", &["Inizio", "Data inizio", "Dal"]),
                ("ends_on", &["Fine", "Data fine", "Al"]),
                ("included_hours", &["Ore incluse", "Ore"]),
                ("package_mode", &["Modalità", "Modalita"]),
                ("incident_tickets", &["Ticket inclusi", "Ticket"]),
                ("calendar", &["Calendario"]),
                ("customer_class", &["Classe"]),
                ("overage_rate", &["Tariffa oltre", "Tariffa eccedenza"]),
                ("on_site_rate", &["Tariffa in sede", "Tariffa on-site"]),
                ("remote_rate", &["Tariffa remoto", "Tariffa da remoto"]),
                ("callout_fee", &["Diritto di chiamata", "Uscita"]),
                ("km_rate", &["Tariffa km", "Euro al km"]),
                (
                    "rounding_minutes",
                    &["Arrotondamento minuti", "Arrotondamento"],
                ),
                ("minimum_minutes", &["Minimo minuti", "Minimo"]),
                ("notes", &["Note"]),
                (
                    "opening_used_hours",
                    &["Ore già usate", "Ore usate", "Ore utilizzate"],
                ),
                (
                    "opening_used_tickets",
                    &["Ticket già usati", "Ticket usati"],
                ),
            ],
        ),
        preset(
            "excel_tecnici",
            ImportEntity::Technicians,
            ("Foglio Excel dei tecnici", "Excel sheet of technicians"),
            &[
                ("code", &["Sigla", "Codice tecnico", "Codice"]),
                ("name", &["Tecnico", "Nome", "Nominativo"]),
                ("email", &["Email", "E-mail"]),
                ("phone", &["Telefono", "Cellulare"]),
                ("active", &["Attivo"]),
            ],
        ),
    ]
}

/// The preset `id`; `NOT_FOUND` on `preset` otherwise.
pub fn preset_by_id(id: &str) -> Result<Preset> {
    presets()
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::invalid(Code::NotFound, "preset", format!("no import preset {id:?}")))
}

/// The mapping a preset gives for a file with these `headers`: each target to its first column
/// the file has.
pub fn apply_preset(preset: &Preset, headers: &[String]) -> Mapping {
    let has = |c: &str| {
        headers
            .iter()
            .find(|h| h.trim().to_lowercase() == c.to_lowercase())
            .cloned()
    };
    Mapping(
        preset
            .columns
            .iter()
            .filter_map(|(t, cols)| cols.iter().find_map(|c| has(c)).map(|h| (t.to_string(), h)))
            .collect(),
    )
}

/// The best mapping to propose for a file: the remembered one when every column it names is in
/// the file, else the preset of this entity that maps the most columns (a column named as the
/// target itself, e.g. `vat_number`, counts too).
pub fn suggest(entity: ImportEntity, headers: &[String], remembered: Option<&Mapping>) -> Mapping {
    if let Some(m) = remembered.filter(|m| {
        !m.0.is_empty()
            && m.0.values().all(|c| {
                headers
                    .iter()
                    .any(|h| h.trim().to_lowercase() == c.trim().to_lowercase())
            })
    }) {
        return m.clone();
    }
    let mut best = presets()
        .iter()
        .filter(|p| p.entity == entity)
        .map(|p| apply_preset(p, headers))
        .max_by_key(|m| m.0.len())
        .unwrap_or_default();
    for t in targets(entity) {
        if !best.0.contains_key(*t) {
            if let Some(h) = headers.iter().find(|h| h.trim().eq_ignore_ascii_case(t)) {
                best.0.insert((*t).to_owned(), h.clone());
            }
        }
    }
    best
}

/// A mapping checked against the entity and the file: target → column index.
#[derive(Debug, Clone)]
pub(crate) struct Columns(BTreeMap<&'static str, usize>);

impl Columns {
    /// The trimmed, non-empty cell of `target` in `cells`.
    pub(crate) fn get<'a>(&self, cells: &'a [String], target: &str) -> Option<&'a str> {
        self.0
            .get(target)
            .and_then(|&i| cells.get(i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    pub(crate) fn has(&self, target: &str) -> bool {
        self.0.contains_key(target)
    }
}

/// Checks `mapping` for `entity` against the file: every target known, every column present,
/// the required targets mapped.
pub(crate) fn resolve(entity: ImportEntity, mapping: &Mapping, table: &Table) -> Result<Columns> {
    let known = targets(entity);
    let mut cols = BTreeMap::new();
    for (target, column) in &mapping.0 {
        let t = known
            .iter()
            .find(|k| **k == target.as_str())
            .ok_or_else(|| {
                Error::invalid(
                    Code::InvalidFormat,
                    "mapping",
                    format!(
                        "{target:?} is not a field of an import of {entity} (fields: {})",
                        known.join(", ")
                    ),
                )
            })?;
        let i = table.column(column).ok_or_else(|| {
            Error::invalid(
                Code::CsvInvalid,
                "mapping",
                format!(
                    "the file has no column {column:?} (its columns: {})",
                    table.headers.join(", ")
                ),
            )
        })?;
        cols.insert(*t, i);
    }
    if let Some(t) = entity
        .required_targets()
        .iter()
        .find(|t| !cols.contains_key(**t))
    {
        return Err(Error::invalid(
            Code::Required,
            "mapping",
            format!("map the column of {t:?}"),
        ));
    }
    if entity.belongs_to_a_client() && !CLIENT_KEYS.iter().any(|k| cols.contains_key(k)) {
        return Err(Error::invalid(
            Code::Required,
            "mapping",
            format!(
                "map a column that finds the client: {}",
                CLIENT_KEYS.join(", ")
            ),
        ));
    }
    Ok(Columns(cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_preset_maps_only_known_targets_and_the_name() {
        for p in presets() {
            let known = targets(p.entity);
            for t in p.columns.keys() {
                assert!(known.contains(t), "{} maps unknown {t}", p.id);
            }
            for t in p.entity.required_targets() {
                assert!(p.columns.contains_key(t), "{} {t}", p.id);
            }
        }
    }

    #[test]
    fn the_openstamanager_export_is_recognised() {
        let h = headers(&[
            "Codice",
            "Ragione sociale",
            "Partita IVA",
            "Codice fiscale",
            "Città",
            "C.A.P.",
        ]);
        let m = suggest(ImportEntity::Clients, &h, None);
        assert_eq!(m.0["name"], "Ragione sociale");
        assert_eq!(m.0["external_id"], "Codice");
        assert_eq!(m.0["postcode"], "C.A.P.");
        let remembered = Mapping::from_pairs([("name", "Codice")]);
        assert_eq!(
            suggest(ImportEntity::Clients, &h, Some(&remembered)),
            remembered
        );
        let stale = Mapping::from_pairs([("name", "Nominativo")]);
        assert_eq!(suggest(ImportEntity::Clients, &h, Some(&stale)), m);
    }

    #[test]
    fn a_mapping_parses_from_the_command_line() {
        let m = Mapping::parse("name=Ragione sociale, vat_number = P.IVA").unwrap();
        assert_eq!(m.0["name"], "Ragione sociale");
        assert_eq!(m.0["vat_number"], "P.IVA");
        assert_eq!(
            Mapping::parse("name").unwrap_err().code(),
            Code::InvalidFormat
        );
    }
}

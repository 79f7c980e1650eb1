//! What the app's import wizard offers, as data: each entity an import can fill, with its words
//! (Italian first), its fields and its presets. The wizard draws its steps from this list, so an
//! entity or field added here (and to [`super::mapping`]) appears in the app with no UI change.

use serde::Serialize;
use ts_rs::TS;

use super::mapping::{self, ImportEntity, Preset};

/// One field an import can fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportField {
    /// The target name a mapping uses (`vat_number`).
    pub name: String,
    pub label_it: String,
    pub label_en: String,
    /// Must be mapped to a column (the name; an import of sites or contacts also needs one of
    /// the columns that find the client, checked when the mapping is run).
    pub required: bool,
}

/// One entity the wizard can import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportKind {
    pub entity: ImportEntity,
    pub label_it: String,
    pub label_en: String,
    /// The fields, in [`mapping::targets`] order (the required ones first).
    pub fields: Vec<ImportField>,
    /// The presets for this entity's files.
    pub presets: Vec<Preset>,
}

/// Italian and English words for an entity (its own name when it has none yet).
fn entity_words(entity: ImportEntity) -> (String, String) {
    let words = match entity.as_str() {
        "clients" => Some(("Clienti", "Clients")),
        "sites" => Some(("Sedi", "Sites")),
        "contacts" => Some(("Referenti", "Contacts")),
        "contracts" => Some(("Contratti", "Contracts")),
        "technicians" => Some(("Tecnici", "Technicians")),
        _ => None,
    };
    match words {
        Some((it, en)) => (it.to_owned(), en.to_owned()),
        None => (entity.as_str().to_owned(), entity.as_str().to_owned()),
    }
}

/// Italian and English words for a target field (its own name when it has none yet).
fn field_words(name: &str) -> (String, String) {
    let words = match name {
        "name" => Some(("Nome / ragione sociale", "Name")),
        "external_id" => Some(("Codice esterno", "External id")),
        "vat_number" => Some(("Partita IVA", "VAT number")),
        "fiscal_code" => Some(("Codice fiscale", "Fiscal code")),
        "street" => Some(("Indirizzo", "Street")),
        "postcode" => Some(("CAP", "Postcode")),
        "city" => Some(("Città", "City")),
        "province" => Some(("Provincia", "Province")),
        "email" => Some(("E-mail", "E-mail")),
        "pec" => Some(("PEC", "PEC")),
        "phone" => Some(("Telefono", "Phone")),
        "notes" => Some(("Note", "Notes")),
        "customer_class" => Some(("Classe cliente", "Customer class")),
        "patron_day" => Some(("Santo patrono", "Patron saint's day")),
        "contact_name" => Some(("Referente", "Contact")),
        "contact_role" => Some(("Ruolo del referente", "Contact's role")),
        "contact_email" => Some(("E-mail del referente", "Contact's e-mail")),
        "contact_phone" => Some(("Telefono del referente", "Contact's phone")),
        "client_external_id" => Some(("Codice esterno del cliente", "Client's external id")),
        "client_vat_number" => Some(("Partita IVA del cliente", "Client's VAT number")),
        "client_fiscal_code" => Some(("Codice fiscale del cliente", "Client's fiscal code")),
        "role" => Some(("Ruolo", "Role")),
        "authorised" => Some(("Può aprire richieste", "May open requests")),
        "kind" => Some(("Tipo di contratto", "Contract kind")),
        "starts_on" => Some(("Inizio", "Starts on")),
        "ends_on" => Some(("Fine", "Ends on")),
        "included_hours" => Some(("Ore incluse", "Included hours")),
        "package_mode" => Some(("Modalità del pacchetto", "Package mode")),
        "incident_tickets" => Some(("Ticket inclusi", "Included tickets")),
        "calendar" => Some(("Calendario di copertura", "Coverage calendar")),
        "overage_rate" => Some(("Tariffa oltre il pacchetto", "Overage rate")),
        "on_site_rate" => Some(("Tariffa on-site", "On-site rate")),
        "remote_rate" => Some(("Tariffa da remoto", "Remote rate")),
        "callout_fee" => Some(("Diritto di chiamata", "Call-out fee")),
        "km_rate" => Some(("Costo al km", "Rate per km")),
        "rounding_minutes" => Some(("Arrotondamento (minuti)", "Rounding (minutes)")),
        "minimum_minutes" => Some(("Minimo addebitato (minuti)", "Minimum charged (minutes)")),
        "opening_used_hours" => Some(("Ore già usate", "Hours already used")),
        "opening_used_tickets" => Some(("Ticket già usati", "Tickets already used")),
        "code" => Some(("Sigla", "Code")),
        "active" => Some(("Attivo", "Active")),
        _ => None,
    };
    match words {
        Some((it, en)) => (it.to_owned(), en.to_owned()),
        None => (name.to_owned(), name.to_owned()),
    }
}

/// Every entity the wizard offers, in [`ImportEntity::ALL`] order.
pub fn catalogue() -> Vec<ImportKind> {
    let presets = mapping::presets();
    ImportEntity::ALL
        .iter()
        .map(|&entity| {
            let (label_it, label_en) = entity_words(entity);
            ImportKind {
                entity,
                label_it,
                label_en,
                fields: mapping::targets(entity)
                    .iter()
                    .map(|&name| {
                        let (label_it, label_en) = field_words(name);
                        ImportField {
                            name: name.to_owned(),
                            label_it,
                            label_en,
                            required: entity.required_targets().contains(&name),
                        }
                    })
                    .collect(),
                presets: presets
                    .iter()
                    .filter(|p| p.entity == entity)
                    .cloned()
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_is_offered_with_its_fields_and_presets() {
        let all = catalogue();
        assert_eq!(all.len(), ImportEntity::ALL.len());
        for kind in &all {
            let names: Vec<&str> = kind.fields.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(names, mapping::targets(kind.entity), "{}", kind.entity);
            let required: Vec<&str> = kind
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name.as_str())
                .collect();
            assert_eq!(
                required,
                kind.entity.required_targets(),
                "the required fields ({})",
                kind.entity
            );
            for f in &kind.fields {
                assert_ne!(f.label_it, f.name, "{} has no Italian words", f.name);
            }
            assert!(kind.presets.iter().all(|p| p.entity == kind.entity));
        }
        let clients = &all[0];
        assert_eq!(clients.label_it, "Clienti");
        assert!(clients
            .presets
            .iter()
            .any(|p| p.id == "openstamanager_anagrafiche"));
    }
}

//! CSV import (issue 20, item 1) on the committed fixture files: encodings, separators, presets,
//! per-row errors, the dry run, all-or-nothing, re-import that updates, the change log.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use rapportino_core::clients::{self, ClientFilter};
use rapportino_core::contacts;
use rapportino_core::csvfile::TextEncoding;
use rapportino_core::import::{self, mapping, ImportEntity, ImportOptions, Mapping};
use rapportino_core::sites;
use rapportino_core::{Code, PageRequest, Store};

const UTF8_COMMA: &[u8] = include_bytes!("fixtures/csv/clients_utf8_comma.csv");
const EXCEL_1252: &[u8] = include_bytes!("fixtures/csv/clients_excel_1252.csv");
const OSM: &[u8] = include_bytes!("fixtures/csv/openstamanager_anagrafiche.csv");
const SITES: &[u8] = include_bytes!("fixtures/csv/sites.csv");
const CONTACTS: &[u8] = include_bytes!("fixtures/csv/contacts.csv");

/// The file without its line `line` (1 is the header): the fixture minus its bad row.
fn without_line(bytes: &[u8], line: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, l) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        if i + 1 != line {
            out.extend_from_slice(l);
        }
    }
    out
}

fn options(s: &Store, bytes: &[u8], entity: ImportEntity, dry_run: bool) -> ImportOptions {
    let info = import::inspect(s, bytes, entity, None).unwrap();
    ImportOptions {
        entity,
        mapping: info.mapping,
        separator: None,
        dry_run,
    }
}

/// Imports `bytes` with the mapping [`import::inspect`] proposes.
fn imp(s: &mut Store, bytes: &[u8], entity: ImportEntity, dry_run: bool) -> import::ImportReport {
    let o = options(s, bytes, entity, dry_run);
    import::run(s, bytes, &o).unwrap()
}

fn all_clients(s: &Store) -> Vec<clients::Client> {
    clients::list(s, &ClientFilter::default(), &PageRequest::new(500, 0))
        .unwrap()
        .items
}

fn by_name(s: &Store, name: &str) -> clients::Client {
    all_clients(s)
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no client {name:?}"))
}

#[test]
fn a_utf8_comma_file_with_target_headers_imports_clients_and_their_contacts() {
    let (mut s, _) = store();
    let info = import::inspect(&s, UTF8_COMMA, ImportEntity::Clients, None).unwrap();
    assert_eq!(info.encoding, TextEncoding::Utf8);
    assert_eq!(info.separator, ",");
    assert_eq!(info.rows, 3);
    assert_eq!(info.mapping.0["vat_number"], "vat_number");
    assert_eq!(info.mapping.0["contact_email"], "contact_email");
    let before = count(&s, "change_log");
    let r = imp(&mut s, UTF8_COMMA, ImportEntity::Clients, false);
    assert!(r.committed, "{r:?}");
    assert_eq!((r.created, r.updated, r.unchanged), (3, 0, 0));
    assert!(r.errors.is_empty());

    let rb = by_name(&s, "Rossi, Bianchi & C. S.n.c.");
    assert_eq!(rb.vat_number.as_deref(), Some("01234567897"));
    assert_eq!(rb.address.street.as_deref(), Some("Via Roma 1"));
    let people = contacts::list_for_client(&s, rb.id).unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].email.as_deref(), Some("anna@rossibianchi.it"));
    let mario = by_name(&s, "Mario Rossi");
    assert_eq!(mario.fiscal_code.as_deref(), Some("RSSMRA80A01F205X"));
    assert_eq!(
        mario.address.province.as_deref(),
        Some("MI"),
        "normalised like the form"
    );
    assert_eq!(
        by_name(&s, "Studio Ålesund Società Benefit")
            .address
            .city
            .as_deref(),
        Some("Forlì")
    );
    // Every row went through the write path: 3 clients and 1 contact in the change log, plus the
    // remembered mapping (a synced setting).
    assert_eq!(count(&s, "change_log"), before + 5);
    assert_eq!(
        import::remembered_mapping(&s, ImportEntity::Clients).unwrap(),
        Some(info.mapping)
    );

    // The same file again: found by Partita IVA / Codice Fiscale, nothing duplicated or changed.
    let again = imp(&mut s, UTF8_COMMA, ImportEntity::Clients, false);
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, 3),
        "{again:?}"
    );
    assert_eq!(count(&s, "clients"), 3);
    assert_eq!(count(&s, "contacts"), 1);
}

#[test]
fn a_windows_1252_semicolon_excel_sheet_reports_its_bad_row_and_writes_nothing() {
    let (mut s, _) = store();
    let info = import::inspect(&s, EXCEL_1252, ImportEntity::Clients, None).unwrap();
    assert_eq!(info.encoding, TextEncoding::Windows1252);
    assert_eq!(info.separator, ";");
    assert_eq!(info.headers[6], "Città");
    assert_eq!(info.mapping.0["name"], "Cliente");
    assert_eq!(info.mapping.0["external_id"], "Codice cliente");
    assert_eq!(info.mapping.0["contact_name"], "Referente");
    assert_eq!(
        info.sample[0][4], "Piazza Duomo 1; scala B",
        "a quoted semicolon stays"
    );

    let dry = imp(&mut s, EXCEL_1252, ImportEntity::Clients, true);
    assert!(!dry.committed && dry.dry_run);
    assert_eq!(dry.rows, 5);
    // C001, C002, C004 new; the repeated C001 row finds the client the first one made.
    assert_eq!(
        (dry.created, dry.updated, dry.unchanged),
        (3, 0, 1),
        "{dry:?}"
    );
    assert_eq!(dry.errors.len(), 1);
    let e = &dry.errors[0];
    assert_eq!(
        (e.line, e.field.as_str(), e.code),
        (4, "vat_number", Code::InvalidVatNumber)
    );
    assert_eq!(count(&s, "clients"), 0, "a dry run writes nothing");

    // For real, the bad row refuses the whole file: the same report, nothing written.
    let real = imp(&mut s, EXCEL_1252, ImportEntity::Clients, false);
    assert!(!real.committed);
    assert_eq!(real.errors, dry.errors);
    assert_eq!((real.created, real.unchanged), (dry.created, dry.unchanged));
    assert_eq!(
        import::refused(&real).unwrap().code(),
        Code::ImportRowsInvalid
    );
    assert_eq!(count(&s, "clients"), 0);
    assert_eq!(count(&s, "contacts"), 0);
    assert_eq!(
        import::remembered_mapping(&s, ImportEntity::Clients).unwrap(),
        None
    );

    // Without the bad row it goes in; accents read right from Windows-1252.
    let good = without_line(EXCEL_1252, 4);
    let r = imp(&mut s, &good, ImportEntity::Clients, false);
    assert!(r.committed, "{r:?}");
    assert_eq!((r.created, r.updated, r.unchanged), (3, 0, 1));
    let caffe = by_name(&s, "Caffè Nazionale S.r.l.");
    assert_eq!(caffe.external_id.as_deref(), Some("C001"));
    assert_eq!(
        caffe.vat_number.as_deref(),
        Some("00743110157"),
        "leading zeros restored"
    );
    assert_eq!(
        caffe.address.street.as_deref(),
        Some("Piazza Duomo 1; scala B")
    );
    let people = contacts::list_for_client(&s, caffe.id).unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].name, "Niccolò Bärtschi");
    assert_eq!(
        by_name(&s, "Ditta Giuseppe Verdi").address.city.as_deref(),
        Some("Torino")
    );
}

#[test]
fn an_openstamanager_export_updates_by_its_code_on_reimport() {
    let (mut s, _) = store();
    let preset = mapping::preset_by_id("openstamanager_anagrafiche").unwrap();
    let info = import::inspect(&s, OSM, ImportEntity::Clients, None).unwrap();
    assert_eq!(info.mapping, mapping::apply_preset(&preset, &info.headers));
    assert_eq!(info.mapping.0["external_id"], "Codice");
    assert_eq!(info.mapping.0["postcode"], "C.A.P.");

    let dry = imp(&mut s, OSM, ImportEntity::Clients, true);
    assert_eq!(dry.errors.len(), 1, "{dry:?}");
    assert_eq!(
        (dry.errors[0].line, dry.errors[0].code),
        (4, Code::InvalidVatNumber)
    );
    assert_eq!((dry.created, dry.unchanged), (3, 1));

    let good = without_line(OSM, 4);
    let r = imp(&mut s, &good, ImportEntity::Clients, false);
    assert!(r.committed, "{r:?}");
    let lucia = by_name(&s, "Neri Lucia; consulenze");
    assert_eq!(lucia.external_id.as_deref(), Some("2"));
    assert_eq!(lucia.address.postcode.as_deref(), Some("00183"));
    let ferri = by_name(&s, "Idraulica Ferri S.a.s.");
    assert_eq!(ferri.vat_number.as_deref(), Some("00488410010"));
    assert_eq!(ferri.pec.as_deref(), Some("idraulicaferri@pec.it"));

    // The tool renamed a client and changed a phone: the re-import updates by its code (a
    // private person without Partita IVA), keeps what the file leaves empty, adds nothing.
    let text = String::from_utf8(good.clone())
        .unwrap()
        .replace("Neri Lucia; consulenze", "Lucia Neri Consulenze")
        .replace("011 555 1234", "011 555 9999");
    let before = count(&s, "change_log");
    let again = imp(&mut s, text.as_bytes(), ImportEntity::Clients, false);
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 2, 2),
        "{again:?}"
    );
    assert_eq!(count(&s, "clients"), 3);
    let renamed = clients::get(&s, lucia.id).unwrap();
    assert_eq!(renamed.name, "Lucia Neri Consulenze");
    assert_eq!(renamed.email, lucia.email);
    assert_eq!(
        clients::get(&s, ferri.id).unwrap().phone.as_deref(),
        Some("011 555 9999")
    );
    // Two updates, recorded (the mapping setting did not change).
    assert_eq!(count(&s, "change_log"), before + 2);
}

#[test]
fn sites_and_contacts_find_their_client_and_name_what_is_wrong() {
    let (mut s, _) = store();
    let clients_opts = options(&s, UTF8_COMMA, ImportEntity::Clients, false);
    assert!(
        import::run(&mut s, UTF8_COMMA, &clients_opts)
            .unwrap()
            .committed
    );

    let site_opts = options(&s, SITES, ImportEntity::Sites, false);
    assert_eq!(site_opts.mapping.0["client_vat_number"], "P.IVA");
    let r = import::run(&mut s, SITES, &site_opts).unwrap();
    assert!(!r.committed);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(
        (r.errors[0].line, r.errors[0].field.as_str()),
        (4, "client")
    );
    assert_eq!(
        r.errors[0].code,
        Code::InvalidVatNumber,
        "99999999999 fails its check digit"
    );

    let good = without_line(SITES, 4);
    let r = import::run(&mut s, &good, &site_opts).unwrap();
    assert!(r.committed);
    assert_eq!(r.created, 2);
    let mario = by_name(&s, "Mario Rossi");
    let at_sea = sites::list_for_client(&s, mario.id).unwrap();
    assert_eq!(at_sea.len(), 1);
    assert_eq!(at_sea[0].address.city.as_deref(), Some("Rimini"));
    let again = import::run(&mut s, &good, &site_opts).unwrap();
    assert_eq!((again.created, again.unchanged), (0, 2));

    let contact_opts = options(&s, CONTACTS, ImportEntity::Contacts, false);
    let r = import::run(&mut s, CONTACTS, &contact_opts).unwrap();
    assert_eq!(r.errors.len(), 1, "{r:?}");
    assert_eq!((r.errors[0].line, r.errors[0].field.as_str()), (4, "email"));
    assert_eq!(
        r.errors[0].code,
        Code::Required,
        "authorised without e-mail"
    );
    let good = without_line(CONTACTS, 4);
    let r = import::run(&mut s, &good, &contact_opts).unwrap();
    assert!(r.committed);
    // Anna Rossi exists (from the clients file): found by e-mail and updated (role, phone,
    // authorised); Paolo is new.
    assert_eq!((r.created, r.updated, r.unchanged), (1, 1, 0), "{r:?}");
    let rb = by_name(&s, "Rossi, Bianchi & C. S.n.c.");
    let people = contacts::list_for_client(&s, rb.id).unwrap();
    let anna = people.iter().find(|c| c.name == "Anna Rossi").unwrap();
    assert!(anna.authorised);
    assert_eq!(anna.role.as_deref(), Some("Amministrazione"));
}

#[test]
fn a_mapping_that_does_not_fit_the_file_is_refused_before_any_row() {
    let (mut s, _) = store();
    let run = |s: &mut Store, m: Mapping| {
        import::run(
            s,
            UTF8_COMMA,
            &ImportOptions {
                entity: ImportEntity::Clients,
                mapping: m,
                separator: None,
                dry_run: false,
            },
        )
        .unwrap_err()
    };
    let e = run(&mut s, Mapping::from_pairs([("name", "Ragione sociale")]));
    assert_eq!(e.code(), Code::CsvInvalid);
    let e = run(&mut s, Mapping::from_pairs([("vat_number", "vat_number")]));
    assert_eq!(e.code(), Code::Required);
    let e = run(
        &mut s,
        Mapping::from_pairs([("name", "name"), ("colour", "city")]),
    );
    assert_eq!(e.code(), Code::InvalidFormat);
    // A forced separator that is wrong reads one column: the name column is then missing.
    let e = import::run(
        &mut s,
        UTF8_COMMA,
        &ImportOptions {
            entity: ImportEntity::Clients,
            mapping: Mapping::from_pairs([("name", "name")]),
            separator: Some(";".into()),
            dry_run: true,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::CsvInvalid);
    assert_eq!(count(&s, "clients"), 0);
}

/// The app reads the picked file through core: read as it is, or refused before loading when it
/// is larger than the limit (a sparse file, so the test writes nothing big).
#[test]
fn a_file_is_read_from_disk_and_a_huge_one_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("clienti.csv");
    std::fs::write(&small, b"name\nRossi\n").unwrap();
    assert_eq!(
        rapportino_core::csvfile::read_file(&small).unwrap(),
        b"name\nRossi\n"
    );
    let huge = dir.path().join("disco.img");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(rapportino_core::csvfile::MAX_FILE_BYTES as u64 + 1)
        .unwrap();
    let err = rapportino_core::csvfile::read_file(&huge).unwrap_err();
    assert_eq!(err.code(), Code::CsvInvalid);
    assert_eq!(
        rapportino_core::csvfile::read_file(&dir.path().join("missing.csv"))
            .unwrap_err()
            .code(),
        Code::Io
    );
}

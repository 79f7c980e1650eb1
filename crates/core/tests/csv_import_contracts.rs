//! CSV import of contracts (with their opening balances) and technicians (issue 20, item 1): a
//! fixture per preset with awkward rows and the expected per-row errors, re-import that updates,
//! the opening balance in the ledger (balances, checkpoints, sync), and the round trip
//! export → import into an empty database → the same rows.
#![allow(clippy::unwrap_used)]

mod common;

use common::services::*;
use common::*;
use rapportino_core::calendars::CalendarPreset;
use rapportino_core::clients::{self, ClientFilter};
use rapportino_core::contracts::{self, ContractInput, ContractKind, PackageMode, Rates};
use rapportino_core::csvfile::{CsvStyle, TextEncoding};
use rapportino_core::export::{self, ExportKind, ExportOptions};
use rapportino_core::import::{self, ImportEntity, ImportOptions, ImportReport};
use rapportino_core::ledger::{self, checkpoints};
use rapportino_core::technicians;
use rapportino_core::{Code, PageRequest, Store};

const CLIENTS: &[u8] = include_bytes!("fixtures/csv/clients_utf8_comma.csv");
const EXCEL: &[u8] = include_bytes!("fixtures/csv/contracts_excel_1252.csv");
const OSM: &[u8] = include_bytes!("fixtures/csv/contracts_openstamanager.csv");
const TECHNICIANS: &[u8] = include_bytes!("fixtures/csv/technicians_excel_1252.csv");

/// The file without the given lines (1 is the header).
fn without_lines(bytes: &[u8], lines: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, l) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        if !lines.contains(&(i + 1)) {
            out.extend_from_slice(l);
        }
    }
    out
}

fn imp(s: &mut Store, bytes: &[u8], entity: ImportEntity, dry_run: bool) -> ImportReport {
    let info = import::inspect(s, bytes, entity, None).unwrap();
    import::run(
        s,
        bytes,
        &ImportOptions {
            entity,
            mapping: info.mapping,
            separator: None,
            dry_run,
        },
    )
    .unwrap()
}

fn errors(r: &ImportReport) -> Vec<(u64, String, Code)> {
    r.errors
        .iter()
        .map(|e| (e.line, e.field.clone(), e.code))
        .collect()
}

/// A store with the clients of `clients_utf8_comma.csv` (Rossi Bianchi by P.IVA 01234567897,
/// Mario Rossi by Codice Fiscale).
fn with_clients() -> Store {
    let (mut s, _) = store();
    assert!(imp(&mut s, CLIENTS, ImportEntity::Clients, false).committed);
    s
}

fn client_named(s: &Store, name: &str) -> clients::Client {
    clients::list(s, &ClientFilter::default(), &PageRequest::new(100, 0))
        .unwrap()
        .items
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
}

fn contract_named(s: &Store, client: &clients::Client, name: &str) -> contracts::Contract {
    contracts::for_client(s, client.id)
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no contract {name:?}"))
}

#[test]
fn an_excel_sheet_of_contracts_in_windows_1252_names_its_bad_rows_then_imports_with_balances() {
    let mut s = with_clients();
    let info = import::inspect(&s, EXCEL, ImportEntity::Contracts, None).unwrap();
    assert_eq!(info.encoding, TextEncoding::Windows1252);
    assert_eq!(info.separator, ";");
    assert_eq!(info.mapping.0["opening_used_hours"], "Ore già usate");
    assert_eq!(info.mapping.0["package_mode"], "Modalità");
    assert_eq!(info.sample[0][1], "Pacchetto 20 ore; Caffè");

    let before = snapshot(&s);
    let r = imp(&mut s, EXCEL, ImportEntity::Contracts, false);
    assert!(!r.committed);
    assert_eq!(
        errors(&r),
        [
            (5, "opening_used_hours".into(), Code::OutOfRange),
            (6, "kind".into(), Code::InvalidFormat),
            (7, "client".into(), Code::NotFound),
            (9, "starts_on".into(), Code::InvalidFormat),
        ],
        "{r:#?}"
    );
    assert_eq!(snapshot(&s), before, "a refused row writes nothing");

    let good = without_lines(EXCEL, &[5, 6, 7, 9]);
    let dry = imp(&mut s, &good, ImportEntity::Contracts, true);
    assert_eq!((dry.created, dry.updated, dry.unchanged), (3, 0, 1));
    assert_eq!(snapshot(&s), before, "a dry run writes nothing");
    let r = imp(&mut s, &good, ImportEntity::Contracts, false);
    assert!(r.committed, "{r:?}");
    // The duplicate row found the contract its first copy created, and changed nothing.
    assert_eq!((r.created, r.updated, r.unchanged), (3, 0, 1));
    assert_eq!(count(&s, "contracts"), 3);

    let rb = client_named(&s, "Rossi, Bianchi & C. S.n.c.");
    let k1 = contract_named(&s, &rb, "Pacchetto 20 ore; Caffè");
    assert_eq!(k1.terms.kind, ContractKind::HourPackage);
    assert_eq!(k1.terms.included_minutes, Some(1200));
    assert_eq!(k1.terms.package_mode, Some(PackageMode::Remote));
    assert_eq!(k1.opening_used_minutes, 450);
    assert_eq!(k1.external_id.as_deref(), Some("K1"));
    assert_eq!(k1.terms.notes.as_deref(), Some("Già usate; a Forlì"));
    let k3 = contract_named(&s, &rb, "A consuntivo Città");
    assert_eq!(k3.terms.rates.overage_rate_cents, Some(4500));
    assert_eq!(k3.terms.rates.callout_fee_cents, Some(3000));

    // The balance the app shows starts from the opening balance.
    let b = ledger::client_balances(&s, rb.id, None).unwrap();
    let pk = b.balances.iter().find(|b| b.contract_id == k1.id).unwrap();
    assert_eq!((pk.used_minutes, pk.remaining_minutes), (450, Some(750)));
    let mario = client_named(&s, "Mario Rossi");
    let b = ledger::client_balances(&s, mario.id, None).unwrap();
    assert_eq!(
        (b.balances[0].incident_used, b.balances[0].incident_left),
        (3, Some(7))
    );

    // Re-import with another opening balance: the same contract, updated.
    let text = encoding_rs::WINDOWS_1252.decode(&good).0.into_owned();
    let changed = encoding_rs::WINDOWS_1252
        .encode(&text.replace(";7,5;", ";10;"))
        .0
        .into_owned();
    let r = imp(&mut s, &changed, ImportEntity::Contracts, false);
    assert_eq!((r.created, r.updated, r.unchanged), (0, 1, 3), "{r:?}");
    assert_eq!(
        contract_named(&s, &rb, "Pacchetto 20 ore; Caffè").opening_used_minutes,
        600
    );
}

#[test]
fn an_openstamanager_contracts_export_imports_by_its_number() {
    let mut s = with_clients();
    let info = import::inspect(&s, OSM, ImportEntity::Contracts, None).unwrap();
    assert_eq!(info.mapping.0["external_id"], "Numero");
    assert_eq!(info.mapping.0["included_hours"], "Ore");
    assert_eq!(info.mapping.0["opening_used_hours"], "Ore erogate");
    let r = imp(&mut s, OSM, ImportEntity::Contracts, false);
    assert_eq!(
        errors(&r),
        [
            (3, "kind".into(), Code::Required),
            (4, "ends_on".into(), Code::InvalidPeriod),
            (5, "client".into(), Code::InvalidVatNumber),
        ],
        "{r:#?}"
    );
    let good = without_lines(OSM, &[3, 4, 5]);
    let r = imp(&mut s, &good, ImportEntity::Contracts, false);
    assert_eq!((r.created, r.updated, r.unchanged), (1, 0, 1), "{r:?}");
    let rb = client_named(&s, "Rossi, Bianchi & C. S.n.c.");
    let c = contract_named(&s, &rb, "Assistenza 2026; Caffè");
    // No kind column: hours make it an hour package.
    assert_eq!(c.terms.kind, ContractKind::HourPackage);
    assert_eq!(
        (c.starts_on.as_str(), c.ends_on.as_str()),
        ("2026-02-01", "2027-01-31")
    );
    assert_eq!(
        (c.terms.included_minutes, c.opening_used_minutes),
        (Some(2400), 750)
    );
    // The same file again: found by its number, nothing duplicated.
    let again = imp(&mut s, &good, ImportEntity::Contracts, false);
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    assert_eq!(count(&s, "contracts"), 1);
}

#[test]
fn the_opening_balance_is_drawn_first_and_checkpoints_agree_with_a_full_replay() {
    let (mut s, clock) = store();
    // The helper's client has Partita IVA 00743110157.
    let c = client(&mut s, "Ottica Bassi");
    let id = package(&mut s, &c, "2026-01-01", 10, PackageMode::Any);
    let csv = "name;client_vat_number;opening_used_hours\nPacchetto 10 ore;00743110157;9,5\n";
    let r = imp(&mut s, csv.as_bytes(), ImportEntity::Contracts, false);
    assert_eq!((r.created, r.updated), (0, 1), "{r:?}");
    assert_eq!(contracts::get(&s, id).unwrap().opening_used_minutes, 570);
    // 45 minutes of work in March: 30 from the package (what the opening left), the rest beyond.
    let t = open_ticket(
        &mut s,
        &c,
        rapportino_core::tickets::Severity::Request,
        None,
    );
    let i = work(
        &mut s,
        &clock,
        t,
        rapportino_core::interventions::InterventionMode::Remote,
        "2026-03-10 10:00",
        45,
    );
    let drawn: i64 = ledger::intervention_allocation(&s, i)
        .unwrap()
        .lines
        .iter()
        .filter(|l| l.source == ledger::Source::Package)
        .map(|l| l.minutes)
        .sum();
    assert_eq!(drawn, 30);
    clock.set(local("2026-11-16 10:00"));
    let days = [
        "2026-01-20",
        "2026-02-15",
        "2026-03-01",
        "2026-03-20",
        "2026-11-16",
    ];
    let read = |s: &Store| -> Vec<String> {
        days.iter()
            .map(|d| {
                let b = ledger::client_balances(s, c.id, Some(day(d))).unwrap();
                let h = ledger::client_monthly_hours(s, c.id, Some(day(d))).unwrap();
                format!("{:?} {:?}", b.balances, h)
            })
            .collect()
    };
    let cached = read(&s);
    assert!(count(&s, "ledger_checkpoints") > 0, "checkpoints written");
    // The checkpoint after the first day holds the opening balance.
    let state: String = s
        .conn()
        .query_row(
            "SELECT state FROM ledger_checkpoints WHERE day = '2026-02-01'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(state.contains("570"), "{state}");
    // From checkpoints and from scratch: the same balances and monthly hours.
    assert_eq!(read(&s), cached);
    checkpoints::clear(s.conn()).unwrap();
    assert_eq!(read(&s), cached);
    let b = ledger::client_balances(&s, c.id, None).unwrap();
    let pk = b.balances.iter().find(|b| b.contract_id == id).unwrap();
    assert_eq!((pk.used_minutes, pk.remaining_minutes), (600, Some(0)));
    // An opening balance larger than the package is refused with its field.
    let r = imp(
        &mut s,
        csv.replace("9,5", "11").as_bytes(),
        ImportEntity::Contracts,
        true,
    );
    assert_eq!(
        errors(&r),
        [(2, "opening_used_hours".into(), Code::OutOfRange)]
    );
}

#[test]
fn technicians_update_by_code_and_name_their_bad_rows() {
    let (mut s, _) = store();
    let info = import::inspect(&s, TECHNICIANS, ImportEntity::Technicians, None).unwrap();
    assert_eq!(info.encoding, TextEncoding::Windows1252);
    assert_eq!(info.mapping.0["code"], "Sigla");
    assert_eq!(info.mapping.0["active"], "Attivo");
    let r = imp(&mut s, TECHNICIANS, ImportEntity::Technicians, false);
    assert!(!r.committed);
    assert_eq!(
        errors(&r),
        [
            (4, "code".into(), Code::InvalidFormat),
            (5, "email".into(), Code::InvalidFormat),
            (6, "active".into(), Code::InvalidFormat),
            (7, "active".into(), Code::Inconsistent),
        ],
        "{r:#?}"
    );
    let good = without_lines(TECHNICIANS, &[4, 5, 6, 7]);
    let r = imp(&mut s, &good, ImportEntity::Technicians, false);
    assert!(r.committed, "{r:?}");
    // MR (onboarding's) updated, LB created, the duplicate LB row unchanged.
    assert_eq!((r.created, r.updated, r.unchanged), (1, 1, 1));
    let mr = technicians::find_by_code(s.conn(), "MR").unwrap().unwrap();
    assert_eq!(mr.phone.as_deref(), Some("333 1234567"));
    let lb = technicians::find_by_code(s.conn(), "LB").unwrap().unwrap();
    assert_eq!((lb.name.as_str(), lb.active), ("Luca Bò", true));
    assert_eq!(count(&s, "technicians"), 2);
    // Deactivating another technician by file is fine.
    let off = "Sigla;Tecnico;Attivo\nLB;Luca Bò;no\n";
    let r = imp(&mut s, off.as_bytes(), ImportEntity::Technicians, false);
    assert_eq!(r.updated, 1, "{r:?}");
    assert!(
        !technicians::find_by_code(s.conn(), "LB")
            .unwrap()
            .unwrap()
            .active
    );
}

fn export(s: &Store, kind: ExportKind) -> Vec<u8> {
    export::export(
        s,
        &ExportOptions {
            kind,
            style: CsvStyle::Italian,
            month: None,
        },
    )
    .unwrap()
    .bytes
}

/// One contract of every kind, opening balances included, and a second technician.
fn source() -> Store {
    let mut s = with_clients();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let rb = client_named(&s, "Rossi, Bianchi & C. S.n.c.");
    let mario = client_named(&s, "Mario Rossi");
    let sla = contracts::create(&mut s, &sla_contract_input(&rb, cal)).unwrap();
    let pkg = package(&mut s, &rb, "2026-02-01", 12, PackageMode::OnSite);
    let pack = contracts::create(
        &mut s,
        &ContractInput {
            incident_tickets: Some(5),
            name: Some("Cinque ticket; però".into()),
            ..base(&mario, ContractKind::IncidentPack, "2026-03-01")
        },
    )
    .unwrap();
    contracts::create(
        &mut s,
        &ContractInput {
            included_minutes: Some(300),
            customer_class: Some("licence".into()),
            ..base(&rb, ContractKind::FreeHours, "2026-01-01")
        },
    )
    .unwrap();
    contracts::create(
        &mut s,
        &ContractInput {
            rates: Rates {
                on_site_rate_cents: Some(5_250),
                remote_rate_cents: Some(4_000),
                callout_fee_cents: Some(2_500),
                km_rate_cents: Some(45),
                ..Rates::default()
            },
            notes: Some("Tariffe 2026, Forlì".into()),
            ..base(&mario, ContractKind::TimeMaterials, "2026-01-01")
        },
    )
    .unwrap();
    // Opening balances, through the import itself.
    let opening = format!(
        "name;client_vat_number;client_fiscal_code;opening_used_hours;opening_used_tickets\n\
         \"{}\";01234567897;;1,25;\n\"{}\";01234567897;;7,75;\n\"{}\";;RSSMRA80A01F205X;;2\n",
        sla.name,
        contracts::get(&s, pkg).unwrap().name,
        pack.name
    );
    let r = imp(&mut s, opening.as_bytes(), ImportEntity::Contracts, false);
    assert_eq!(r.updated, 3, "{r:?}");
    technicians::create(
        &mut s,
        &technicians::TechnicianInput {
            code: "LB".into(),
            name: "Luca Bò".into(),
            email: Some("luca@rinaldi.it".into()),
            phone: None,
        },
    )
    .unwrap();
    s
}

#[test]
fn exported_contracts_and_technicians_import_into_an_empty_database_as_the_same_rows() {
    let s = source();
    let clients_csv = export(&s, ExportKind::Clients);
    let contracts_csv = export(&s, ExportKind::Contracts);
    let technicians_csv = export(&s, ExportKind::Technicians);
    assert_eq!(count(&s, "contracts"), 5);

    let (mut t, _) = store();
    calendar(&mut t, CalendarPreset::FiveByEight);
    for (bytes, entity) in [
        (&clients_csv, ImportEntity::Clients),
        (&contracts_csv, ImportEntity::Contracts),
        (&technicians_csv, ImportEntity::Technicians),
    ] {
        let r = imp(&mut t, bytes, entity, false);
        assert!(r.committed && r.errors.is_empty(), "{entity}: {r:?}");
    }
    assert_eq!(export(&t, ExportKind::Contracts), contracts_csv);
    assert_eq!(export(&t, ExportKind::Technicians), technicians_csv);
    assert_eq!(count(&t, "contracts"), 5);
    assert_eq!(count(&t, "technicians"), 2);
    // The balances start from the same opening balances.
    for name in ["Rossi, Bianchi & C. S.n.c.", "Mario Rossi"] {
        let used = |st: &Store| -> Vec<(String, i64, i64)> {
            let c = client_named(st, name);
            let mut v: Vec<_> = ledger::client_balances(st, c.id, None)
                .unwrap()
                .balances
                .into_iter()
                .map(|b| (b.name, b.used_minutes, b.incident_used))
                .collect();
            v.sort();
            v
        };
        let before = used(&s);
        assert!(before.iter().any(|b| b.1 > 0 || b.2 > 0), "{before:?}");
        assert_eq!(used(&t), before);
    }
    // Importing the same files again changes nothing.
    let r = imp(&mut t, &contracts_csv, ImportEntity::Contracts, false);
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 5), "{r:?}");
}

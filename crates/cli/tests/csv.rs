//! Issue 20 through the real binary: `import clients FILE` with a dry run, per-row errors, the
//! all-or-nothing refusal, `--map` and `--preset`, re-import that updates; `export` that imports
//! back.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/csv");

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn import_checks_dry_refuses_bad_rows_and_updates_on_reimport() {
    let s = shop();
    let db = &s.db;
    let before = change_count(db);
    let osm = fixture("openstamanager_anagrafiche.csv");
    let dry = json(db, &["import", "clients", &osm, "--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["committed"], false);
    assert_eq!(dry["created"], 3);
    assert_eq!(dry["errors"][0]["line"], 4);
    assert_eq!(dry["errors"][0]["code"], "INVALID_VAT_NUMBER");
    assert_eq!(change_count(db), before, "a dry run writes nothing");
    // For real, the bad row refuses the file with a stable code, and the text names the row.
    assert_eq!(
        error_code(db, &["import", "clients", &osm]),
        "IMPORT_ROWS_INVALID"
    );
    let out = cli(db, &["import", "clients", &osm]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("riga 4 [INVALID_VAT_NUMBER]"), "{text}");
    assert_eq!(change_count(db), before);

    // The good rows, with an explicit mapping.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    let body = std::fs::read_to_string(&osm).unwrap();
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    std::fs::write(&good, [lines[0], lines[1], lines[2], lines[4]].concat()).unwrap();
    let good = good.to_str().unwrap();
    let map = "name=Ragione sociale,vat_number=Partita IVA,external_id=Codice,city=Città";
    let r = json(db, &["import", "clients", good, "--map", map]);
    assert_eq!(
        (r["committed"].as_bool(), r["created"].as_u64()),
        (Some(true), Some(3))
    );
    let again = json(
        db,
        &[
            "import",
            "clients",
            good,
            "--preset",
            "openstamanager_anagrafiche",
        ],
    );
    // The preset maps more columns (address, phone, e-mail…): the same clients are updated.
    assert_eq!(again["created"], 0);
    assert_eq!(again["updated"], 3, "{again}");
    let listed = json(db, &["client", "list", "--name", "Neri Lucia"]);
    assert_eq!(listed["items"][0]["external_id"], "2");
    assert_eq!(listed["items"][0]["postcode"], "00183");

    assert_eq!(
        error_code(db, &["import", "clients", good, "--map", "name=Nome"]),
        "CSV_INVALID"
    );
    assert_eq!(
        error_code(db, &["import", "clients", good, "--preset", "nessuno"]),
        "NOT_FOUND"
    );
}

#[test]
fn an_export_opens_with_a_bom_and_imports_back() {
    let s = shop();
    let db = &s.db;
    json(
        db,
        &["import", "clients", &fixture("clients_utf8_comma.csv")],
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clienti.csv");
    let out = json(db, &["export", "clients", file.to_str().unwrap()]);
    let n = out["rows"].as_u64().unwrap();
    assert!(n >= 4, "the shop's client and the three imported: {n}");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with("\u{feff}name;".as_bytes()));

    let other = dir.path().join("other.db");
    json(
        &other,
        &[
            "onboard",
            "--shop",
            "Altra",
            "--name",
            "Anna Neri",
            "--code",
            "AN",
        ],
    );
    let r = json(&other, &["import", "clients", file.to_str().unwrap()]);
    assert_eq!(r["created"].as_u64(), Some(n), "{r}");
    let plain = dir.path().join("tickets.csv");
    let t = json(
        db,
        &["export", "tickets", plain.to_str().unwrap(), "--plain"],
    );
    assert!(t["rows"].as_u64().is_some());
    assert!(std::fs::read_to_string(&plain)
        .unwrap()
        .starts_with("numero,cliente,"));
    assert_eq!(
        error_code(db, &["export", "billable-lines", plain.to_str().unwrap()]),
        "REQUIRED"
    );
}

#[test]
fn contracts_and_technicians_import_with_a_dry_run_and_export_back() {
    let s = shop();
    let db = &s.db;
    json(
        db,
        &["import", "clients", &fixture("clients_utf8_comma.csv")],
    );
    let before = change_count(db);
    let excel = fixture("contracts_excel_1252.csv");
    let dry = json(
        db,
        &[
            "import",
            "contracts",
            &excel,
            "--dry-run",
            "--preset",
            "excel_contratti",
        ],
    );
    assert_eq!(dry["created"], 3, "{dry}");
    assert_eq!(dry["errors"][0]["line"], 5);
    assert_eq!(dry["errors"][0]["field"], "opening_used_hours");
    assert_eq!(dry["errors"][0]["code"], "OUT_OF_RANGE");
    assert_eq!(change_count(db), before, "a dry run writes nothing");
    assert_eq!(
        error_code(db, &["import", "contracts", &excel]),
        "IMPORT_ROWS_INVALID"
    );

    // The technicians' sheet without its bad rows (lines 4 to 7), still in Windows-1252.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("tecnici.csv");
    let bytes = std::fs::read(fixture("technicians_excel_1252.csv")).unwrap();
    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    std::fs::write(&good, [lines[0], lines[1], lines[2], lines[7]].concat()).unwrap();
    let r = json(
        db,
        &["import", "technicians", good.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(
        (r["created"].as_u64(), r["updated"].as_u64()),
        (Some(1), Some(1)),
        "{r}"
    );
    let r = json(db, &["import", "technicians", good.to_str().unwrap()]);
    assert_eq!(r["committed"], true, "{r}");

    let file = dir.path().join("tecnici_export.csv");
    let out = json(db, &["export", "technicians", file.to_str().unwrap()]);
    assert_eq!(out["rows"], 2);
    let again = json(db, &["import", "technicians", file.to_str().unwrap()]);
    assert_eq!(again["unchanged"], 2, "{again}");
    // The contracts without their bad rows (lines 5, 6, 7, 9), then exported and imported back.
    let good = dir.path().join("contratti.csv");
    let bytes = std::fs::read(&excel).unwrap();
    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    std::fs::write(
        &good,
        [lines[0], lines[1], lines[2], lines[3], lines[7]].concat(),
    )
    .unwrap();
    let r = json(db, &["import", "contracts", good.to_str().unwrap()]);
    assert_eq!(
        (r["committed"].as_bool(), r["created"].as_u64()),
        (Some(true), Some(3)),
        "{r}"
    );
    let file = dir.path().join("contratti_export.csv");
    let out = json(db, &["export", "contracts", file.to_str().unwrap()]);
    assert_eq!(
        out["rows"], 5,
        "the shop's two contracts (SLA, hour package) and the three imported"
    );
    let again = json(
        db,
        &["import", "contracts", file.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(again["unchanged"], 3, "{again}");
    // The shop's client has no code, Partita IVA or Codice Fiscale: no file can name it.
    let errors = again["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{again}");
    for e in errors {
        assert_eq!(
            (e["field"].as_str(), e["code"].as_str()),
            (Some("client"), Some("NOT_FOUND"))
        );
    }
}

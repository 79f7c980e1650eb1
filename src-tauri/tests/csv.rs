//! The CSV import wizard and the exports through the IPC: the catalogue the wizard draws from,
//! a file read and mapped, a dry run that refuses a row and writes nothing, the import after the
//! file is fixed, the export saved and read back; paths only when picked or in the app's folders.
#![allow(clippy::unwrap_used)]

mod common;

use common::harness;
use serde_json::{json, Value};

const GOOD: &str = "C001;Ottica Bellini srl;03123456786;Monza";

fn file(vat: &str) -> String {
    format!("Codice;Ragione sociale;Partita IVA;Città\n{GOOD}\nC002;Ferramenta Colombo snc;{vat};Monza\n")
}

fn client_names(h: &common::Harness) -> Vec<String> {
    let page = h.ok("list_clients", json!({"filter": {}, "page": {}}));
    let mut names: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_wizard_reads_maps_checks_and_imports_a_picked_file_then_exports_it() {
    let h = harness();
    h.onboard();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("anagrafiche.csv");
    std::fs::write(&csv, file("02987654321")).unwrap();
    let path = csv.display().to_string();

    // Not picked in a dialog: refused before it is read.
    let err = h.err(
        "inspect_import",
        json!({"path": path, "entity": "clients", "separator": null}),
    );
    assert_eq!(err["code"], "PATH_NOT_ALLOWED");
    h.pick(&csv);

    let catalogue = h.ok("import_catalogue", json!({}));
    let clients = &catalogue[0];
    assert_eq!(clients["entity"], "clients");
    assert_eq!(clients["fields"][0]["name"], "name");
    assert_eq!(clients["fields"][0]["required"], true);
    assert!(clients["presets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "openstamanager_anagrafiche"));

    let info = h.ok(
        "inspect_import",
        json!({"path": path, "entity": "clients", "separator": null}),
    );
    assert_eq!(info["rows"], 2);
    assert_eq!(info["separator"], ";");
    assert_eq!(info["mapping"]["name"], "Ragione sociale");
    assert_eq!(info["mapping"]["vat_number"], "Partita IVA");
    let options = |dry: bool| -> Value {
        json!({"entity": "clients", "mapping": info["mapping"], "dry_run": dry})
    };

    let dry = h.ok(
        "run_import",
        json!({"path": path, "options": options(true)}),
    );
    assert_eq!(dry["created"], 1);
    assert_eq!(dry["committed"], false);
    assert_eq!(dry["errors"][0]["line"], 3);
    assert_eq!(dry["errors"][0]["field"], "vat_number");
    assert_eq!(dry["errors"][0]["code"], "INVALID_VAT_NUMBER");
    // A real run with a refused row writes nothing either.
    let refused = h.ok(
        "run_import",
        json!({"path": path, "options": options(false)}),
    );
    assert_eq!(refused["committed"], false);
    assert!(client_names(&h).is_empty());

    std::fs::write(&csv, file("02987654320")).unwrap();
    let dry = h.ok(
        "run_import",
        json!({"path": path, "options": options(true)}),
    );
    assert_eq!(
        (
            dry["created"].as_u64(),
            dry["errors"].as_array().unwrap().len()
        ),
        (Some(2), 0)
    );
    assert!(client_names(&h).is_empty(), "a dry run writes nothing");
    let done = h.ok(
        "run_import",
        json!({"path": path, "options": options(false)}),
    );
    assert_eq!(done["committed"], true);
    assert_eq!(
        client_names(&h),
        ["Ferramenta Colombo snc", "Ottica Bellini srl"]
    );
    // Again: updates by code, duplicates nothing.
    let again = h.ok(
        "run_import",
        json!({"path": path, "options": options(false)}),
    );
    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(2))
    );

    let kinds = h.ok("export_kinds", json!({}));
    let kinds = kinds.as_array().unwrap();
    assert_eq!(
        kinds.len(),
        8,
        "the six reports and the contracts and technicians that import back"
    );
    assert!(kinds
        .iter()
        .all(|k| k["month_required"] == (k["kind"] == "billable_lines")));

    let out = dir.path().join("clienti.csv");
    let err = h.err(
        "save_export",
        json!({"options": {"kind": "clients", "style": "italian"}, "path": out.display().to_string()}),
    );
    assert_eq!(err["code"], "PATH_NOT_ALLOWED");
    h.pick(&out);
    let saved = h.ok(
        "save_export",
        json!({"options": {"kind": "clients", "style": "italian"}, "path": out.display().to_string()}),
    );
    assert_eq!(saved["rows"], 2);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "a BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("name;external_id;vat_number;"), "{text}");
    assert!(
        text.contains("Ottica Bellini srl;C001;03123456786;"),
        "{text}"
    );

    let err = h.err(
        "save_export",
        json!({"options": {"kind": "billable_lines", "style": "plain"}, "path": out.display().to_string()}),
    );
    assert_eq!(err["code"], "REQUIRED");
}

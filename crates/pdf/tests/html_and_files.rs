//! The HTML pages and `write_atomic`.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::path::Path;

use rapportino_core::Code;
use rapportino_pdf::{html, write_atomic};

#[test]
fn the_report_page_has_the_key_fields_and_vector_signatures() {
    let doc = fixtures::signed_report();
    let page = html::report(&doc, Some(&fixtures::logo()));
    assert!(page.starts_with("<!DOCTYPE html>"));
    for s in [
        "size: A4",
        "Informatica Brambilla S.r.l.",
        "RI-2026-MR-0017",
        "Studio Dentistico Ferraù &amp; Associati",
        "Sede operativa di Seriate",
        "TK-2026-MR-0042",
        "Alta · urgente",
        "Presso il cliente",
        "Mario Rossi (MR)",
        "1 h 35 min",
        "2 h 20 min",
        "il disco di sistema è quasi pieno",
        "Motivo:",
        "1.234,50 €",
        "Prezzi IVA esclusa · IVA 22%: 271,59 € · Totale IVA inclusa: 1.506,09 €",
        "34,5 km",
        "Saldo dopo l",
        "Luca Ferraù",
        fixtures::SHA,
        "impronta 3f9a 1c0b 7e2d 4f6a",
        "data:image/png;base64,iVBORw0KGgo",
    ] {
        assert!(page.contains(s), "{s:?} missing");
    }
    // Two inline SVGs with Bézier paths, nothing fetched from outside.
    assert_eq!(page.matches("<svg").count(), 2);
    assert!(page.matches("<path d=\"M").count() > 10);
    assert!(page.contains("C"));
    assert!(!page.contains("src=\"http"));
    assert!(!page.contains("BOZZA"));
}

#[test]
fn the_draft_page_has_empty_signature_boxes() {
    let page = html::report(&fixtures::draft_report(), None);
    assert!(page.contains("BOZZA – non firmato"));
    assert!(page.contains("Sostituisce il rapporto RI-2026-MR-0011"));
    assert!(!page.contains("<svg"));
    assert!(!page.contains("<img"));
}

#[test]
fn the_statement_page_has_the_key_fields() {
    let page = html::statement(&fixtures::statement(), Some(&fixtures::logo()));
    for s in [
        "Rendiconto mensile – novembre 2026",
        "TK-2026-MR-0046",
        "11 h 15 min",
        "Addebiti (IVA esclusa)",
        "65,00 €",
        "in scadenza",
        "senza limite",
        "9,3 h nel mese · 15,3 h di 20 h",
        "generato il 01/12/2026",
    ] {
        assert!(page.contains(s), "{s:?} missing");
    }
    let empty = html::statement(&fixtures::empty_statement(), None);
    assert!(empty.contains("Nessun intervento nel mese"));
}

#[test]
fn user_text_cannot_break_out_of_the_page() {
    let mut doc = fixtures::signed_report();
    doc.content.work_done = "<script>alert(1)</script>".into();
    doc.content.number = "RI\"</style><b>".into();
    let page = html::report(&doc, None);
    assert!(!page.contains("<script>"));
    assert!(!page.contains("</style><b>"));
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn write_atomic_writes_exactly_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapporto.pdf");
    write_atomic(&path, b"%PDF-1.7 first").unwrap();
    write_atomic(&path, b"%PDF-1.7 second, longer").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.7 second, longer");
    assert_eq!(leftovers(dir.path()), vec!["rapporto.pdf".to_owned()]);
}

#[test]
fn write_atomic_reports_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("rapporto.pdf");
    let err = write_atomic(&path, b"x").unwrap_err();
    assert_eq!(err.code(), Code::OutputUnwritable);
    assert_eq!(err.field(), Some("path"));
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn write_atomic_reports_a_file_used_as_a_folder() {
    // Root ignores permissions, so a regular file stands in for an unwritable folder.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"plain file").unwrap();
    let path = file.join("rapporto.pdf");
    let err = write_atomic(&path, b"x").unwrap_err();
    assert_eq!(err.code(), Code::OutputUnwritable);
    assert_eq!(leftovers(dir.path()), vec!["not-a-folder".to_owned()]);
    assert_eq!(std::fs::read(&file).unwrap(), b"plain file");
}

#[test]
fn write_atomic_removes_its_temporary_file_when_the_rename_fails() {
    // The target is a folder: the temporary file is written, the rename fails.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("rapporto.pdf");
    std::fs::create_dir(&target).unwrap();
    let err = write_atomic(&target, b"x").unwrap_err();
    assert_eq!(err.code(), Code::OutputUnwritable);
    assert_eq!(leftovers(dir.path()), vec!["rapporto.pdf".to_owned()]);
    assert!(target.is_dir());
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn written_documents_are_owner_only_even_over_a_readable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("RI-2026-MR-0001.pdf");
    write_atomic(&path, b"%PDF-1.7 first").unwrap();
    assert_eq!(mode(&path), 0o600);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    write_atomic(&path, b"%PDF-1.7 second").unwrap();
    assert_eq!(mode(&path), 0o600, "the new file replaces the readable one");
}

#[cfg(unix)]
#[test]
fn the_statements_batch_creates_an_owner_only_folder_of_owner_only_files() {
    use rapportino_core::clients::{self, ClientInput};
    use rapportino_core::setup::{self, OnboardingInput};
    use rapportino_pdf::export::{statements_batch, BatchOptions};

    let mut s = rapportino_core::Store::open_in_memory().unwrap();
    setup::onboard(
        &mut s,
        &OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: "Marco Rinaldi".into(),
            technician_code: "MR".into(),
            device_code: None,
        },
    )
    .unwrap();
    clients::create(
        &mut s,
        &ClientInput {
            name: "Cartoleria Esposito".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rendiconti").join("2026-11");
    let options = BatchOptions {
        include_empty: true,
        html: true,
        ..Default::default()
    };
    let summary = statements_batch(&s, 2026, 11, &out, &options, |_| {}).unwrap();
    assert_eq!(summary.written, 1);
    assert_eq!(mode(&tmp.path().join("rendiconti")), 0o700);
    assert_eq!(mode(&out), 0o700);
    let files = leftovers(&out);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&out.join(&files[0])), 0o600);
}

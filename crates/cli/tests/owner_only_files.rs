//! What the CLI writes is owner-only on Unix (the database and its folder, a backup, a statement
//! PDF), and a logo file is read only up to its size limit.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_cli_writes_owner_only_files_and_reads_a_logo_up_to_its_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("dati");
    let db = data.join("rapportino.db");
    json(
        &db,
        &[
            "onboard",
            "--shop",
            "Assistenza Rossi",
            "--name",
            "Mario Rossi",
            "--code",
            "MR",
        ],
    );
    let client = json(&db, &["client", "add", "--name", "Cartoleria Esposito"]);
    assert_eq!(mode(&data), 0o700, "the database's folder");
    assert_eq!(mode(&db), 0o600, "the database");

    let copy = tmp.path().join("copia.db");
    json(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(mode(&copy), 0o600, "a backup");

    let pdf = tmp.path().join("rendiconto.pdf");
    json(
        &db,
        &[
            "statement",
            &id(&client),
            "2026-03",
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(mode(&pdf), 0o600, "a statement");

    let huge = tmp.path().join("logo.png");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(32 << 30)
        .unwrap();
    let started = std::time::Instant::now();
    assert_eq!(
        error_code(&db, &["shop", "logo", huge.to_str().unwrap()]),
        "LOGO_TOO_LARGE"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

//! The device's side of the transport against a real hub over TLS: the token issued at
//! enrolment lives in an owner-only file beside the database, never in the database, so no
//! backup or safety copy carries it; an enrolment whose answer was lost is retried with the same
//! code.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::path::Path;

use rapportino_core::backup;
use rapportino_core::sync::protocol::{EnrolRequest, Role};
use rapportino_core::sync::{self, credential, keys, HubClient};
use rapportino_core::Code;
use rusqlite::OptionalExtension;
use sync_support::*;

fn contains(path: &Path, needle: &str) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn token_row(path: &Path) -> Option<String> {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT value FROM local_state WHERE key = ?1",
            [keys::TOKEN],
            |r| r.get(0),
        )
        .optional()
        .unwrap()
}

#[test]
fn the_token_issued_at_enrolment_never_enters_the_database_or_a_backup() {
    let hub = TestHub::start(None, true);
    let dir = tempfile::tempdir().unwrap();
    let mut d = Device::enrolled(dir.path(), &hub, "MR", rome(2026, 11, 16, 9, 0));
    d.client("Cartoleria Esposito");
    d.sync();

    let token = credential::token(&d.store).unwrap().expect("enrolled");
    let file = credential::path_for(&d.path);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), token);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "owner only");
    }
    assert_eq!(token_row(&d.path), None);

    // A backup (the app's way: through a connection of its own, and the store's own way).
    let copies = [dir.path().join("copia.db"), dir.path().join("copia-2.db")];
    backup::backup_file(&d.path, &copies[0]).unwrap();
    backup::backup_to(&d.store, &copies[1]).unwrap();
    for copy in &copies {
        assert_eq!(token_row(copy), None, "{copy:?}");
        assert!(!contains(copy, &token), "{copy:?} holds the token");
        assert!(!contains(copy, token.split('.').nth(1).unwrap()));
    }

    // Restoring keeps a safety copy of the data: no credential in it either, and the device
    // stays connected and syncs.
    d.client("Ferramenta Bianchi");
    let restored =
        backup::restore_from(&mut d.store, &copies[0], &dir.path().join("backups")).unwrap();
    assert!(!contains(Path::new(&restored.safety_copy.path), &token));
    d.sync();
    assert!(sync::status(&d.store).unwrap().configured);
    assert_eq!(
        sync::status(&d.store).unwrap().last_error.map(|e| e.code),
        None
    );
}

#[test]
fn a_device_whose_enrolment_answer_was_lost_enrols_again_with_the_same_code() {
    let hub = TestHub::start(None, true);
    let dir = tempfile::tempdir().unwrap();
    let mut d = Device::onboarded(dir.path(), "MR", rome(2026, 11, 16, 9, 0));
    let code = hub.code(Role::Technician);
    let req = EnrolRequest {
        code: code.clone(),
        device_id: d.store.device_id().unwrap().to_string(),
        device_code: "MR".into(),
        name: "Portatile MR".into(),
        technician_id: None,
        technician_code: None,
    };
    // The request reaches the hub; the answer is lost on the way back.
    rapportino_sync_http::HttpClient
        .enrol(&hub.url, hub.ca_pem.as_deref(), &req)
        .unwrap();
    assert!(!sync::status(&d.store).unwrap().configured);

    let status = rapportino_sync_http::enrol(
        &mut d.store,
        &hub.url,
        &code,
        "Portatile MR",
        hub.ca_pem.as_deref(),
    )
    .expect("the retry is accepted");
    assert!(status.configured);
    d.client("Cartoleria Esposito");
    assert!(d.sync().pushed > 0);

    // Used now: the code enrols nothing else, not even this device again.
    let mut other = Device::onboarded(dir.path(), "LB", rome(2026, 11, 16, 9, 0));
    let err = rapportino_sync_http::enrol(
        &mut other.store,
        &hub.url,
        &code,
        "Portatile LB",
        hub.ca_pem.as_deref(),
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::EnrolmentRefused);
    let err = rapportino_sync_http::enrol(
        &mut d.store,
        &hub.url,
        &code,
        "Portatile MR",
        hub.ca_pem.as_deref(),
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::EnrolmentRefused);
    // The device's token still works.
    d.sync();
}

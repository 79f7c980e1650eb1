//! Attachment content at the hub, on SQLite and on PostgreSQL: the hub's intake keeps the
//! content of an attachment within the mailbox's size limit (by SHA-256) and lists a larger one
//! as not kept (its ticket says so); devices get the listing with the sync and the content on
//! demand by hash (`GET /v1/attachments/{sha256}`: an enrolled device only, 404 for a hash no
//! listing names or one not kept), check the hash, and keep it — the second time without the
//! hub. A technician's laptop fetches too. Content altered at the hub is refused by the device.
#![allow(clippy::unwrap_used)]
// The tampering case rewrites the hub's table by SQL: the test fixture, not the app's path.
#![allow(clippy::disallowed_methods)]

mod common;
mod sync_support;

use base64::Engine as _;
use rapportino_core::intake as device_intake;
use rapportino_core::tickets;
use rapportino_hub::intake::HubSink;
use rapportino_intake::imap;
use rapportino_intake::testing::TestImap;
use rapportino_intake::Rules;
use rapportino_model::protocol::Role;
use rustls_pki_types::pem::PemObject;
use sha2::{Digest, Sha256};
use sync_support::*;

/// A mail from `from` with one base64 attachment `name` of `content`.
fn with_attachment(from: &str, subject: &str, id: &str, name: &str, content: &[u8]) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(content);
    let wrapped: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "From: {from}\r\nTo: assistenza@rinaldi.it\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\nIn allegato.\r\n--b\r\n\
         Content-Type: application/octet-stream; name=\"{name}\"\r\n\
         Content-Disposition: attachment; filename=\"{name}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        wrapped.join("\r\n")
    )
    .into_bytes()
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn attachments_are_kept_at_the_hub_and_fetched_on_demand_on_sqlite() {
    attachments_at_the_hub(None);
}

#[test]
fn attachments_are_kept_at_the_hub_and_fetched_on_demand_on_postgresql() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    attachments_at_the_hub(Some(&db.url));
}

fn attachments_at_the_hub(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut uf = Device::onboarded(dir.path(), "UF", rome(2026, 11, 16, 8, 0));
    let client = uf.client("Ottica Ferri");
    uf.authorised_contact(&client, "Anna Ferri", "anna@ferri.it");
    rapportino_sync_http::enrol(
        &mut uf.store,
        &hub.url,
        &hub.code(Role::Office),
        "Ufficio",
        hub.ca_pem.as_deref(),
    )
    .unwrap();
    uf.sync();

    let small: Vec<u8> = (0..5_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let large: Vec<u8> = (0..40_000u32).map(|i| (i * 13 % 253) as u8).collect();
    let server = TestImap::start();
    server.append(&[
        &with_attachment(
            "anna@ferri.it",
            "Foto del guasto",
            "a1@ferri.it",
            "guasto.png",
            &small,
        ),
        &with_attachment(
            "anna@ferri.it",
            "Log completo",
            "a2@ferri.it",
            "server.log",
            &large,
        ),
    ]);
    let mut mailbox = server.mailbox("assistenza");
    mailbox.kept_max = 20_000;
    let mut sink = HubSink {
        storage: hub.storage.clone(),
        rules: Rules::default(),
    };
    let round = imap::collect_once_blocking(&mailbox, &mut sink).unwrap();
    assert_eq!(round.ticketed, 2, "{round:?}");
    uf.sync();

    // The listing synced: the small one kept (at the hub, not here), the large one not kept.
    let photo = tickets::get_by_number(&uf.store, "T-2026-HUB-0001").unwrap();
    let log = tickets::get_by_number(&uf.store, "T-2026-HUB-0002").unwrap();
    let listed = device_intake::ticket_attachments(&uf.store, photo.id).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].sha256.clone(), listed[0].kept, listed[0].here),
        (sha(&small), true, false)
    );
    let listed_large = device_intake::ticket_attachments(&uf.store, log.id).unwrap();
    assert_eq!(
        (listed_large[0].sha256.clone(), listed_large[0].kept),
        (sha(&large), false)
    );
    let said = log.description.clone().unwrap_or_default();
    assert!(
        said.contains("Allegati oltre il limite") && said.contains("server.log (0,0 MB)"),
        "{said}"
    );

    // The office fetches the kept one on demand: checked, kept here, then saved offline.
    let got = rapportino_sync_http::content_anywhere(&uf.store, &sha(&small)).unwrap();
    assert_eq!(got, small);
    let listed = device_intake::ticket_attachments(&uf.store, photo.id).unwrap();
    assert!(listed[0].here, "kept on this computer once fetched");
    // The large one: the hub does not hold it, the device says so.
    let refused = rapportino_sync_http::content_anywhere(&uf.store, &sha(&large)).unwrap_err();
    assert_eq!(refused.code().as_str(), "NOT_FOUND");

    // A technician's laptop fetches it too.
    let tdir = tempfile::tempdir().unwrap();
    let mut mr = Device::enrolled(tdir.path(), &hub, "MR", rome(2026, 11, 16, 8, 0));
    mr.sync();
    assert_eq!(
        rapportino_sync_http::content_anywhere(&mr.store, &sha(&small)).unwrap(),
        small
    );

    // The route itself: an enrolled device's token, 404 for any hash no listing names as kept.
    let der =
        rustls_pki_types::CertificateDer::from_pem_slice(hub.ca_pem.as_ref().unwrap().as_bytes())
            .unwrap();
    let http = common::agent_trusting(&der);
    let token = rapportino_core::store::credential::token(&uf.store)
        .unwrap()
        .unwrap();
    let get = |hash: &str, bearer: Option<&str>| {
        let mut req = http.get(&format!("{}/v1/attachments/{hash}", hub.url));
        if let Some(b) = bearer {
            req = req.set("Authorization", &format!("Bearer {b}"));
        }
        match req.call() {
            Ok(r) => {
                let mut body = Vec::new();
                std::io::Read::read_to_end(&mut r.into_reader(), &mut body).unwrap();
                (200, body)
            }
            Err(ureq::Error::Status(s, _)) => (s, Vec::new()),
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(get(&sha(&small), Some(&token)), (200, small.clone()));
    assert_eq!(get(&sha(&small), None).0, 401);
    assert_eq!(get(&sha(&small), Some("not-a-token")).0, 401);
    assert_eq!(get(&sha(&large), Some(&token)).0, 404, "listed, not kept");
    assert_eq!(get(&sha(b"nobody sent this"), Some(&token)).0, 404);
    assert_eq!(get("..%2F..%2Fetc%2Fpasswd", Some(&token)).0, 404);

    // Content altered at the hub: the device refuses it and keeps nothing.
    let altered = base64::engine::general_purpose::STANDARD.encode(b"altered");
    match hub.storage_url.strip_prefix("sqlite:") {
        Some(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute("UPDATE hub_attachment_content SET content = ?1", [&altered])
                .unwrap();
        }
        None => {
            let mut pg = postgres::Client::connect(&hub.storage_url, postgres::NoTls).unwrap();
            pg.execute(
                "UPDATE hub_attachment_content SET content = $1",
                &[&altered],
            )
            .unwrap();
        }
    }
    let odir = tempfile::tempdir().unwrap();
    let mut other = Device::enrolled(odir.path(), &hub, "GB", rome(2026, 11, 16, 8, 0));
    other.sync();
    let refused = rapportino_sync_http::content_anywhere(&other.store, &sha(&small)).unwrap_err();
    assert_eq!(refused.code().as_str(), "HASH_MISMATCH");
    assert!(
        device_intake::attachment_content(&other.store, &sha(&small))
            .unwrap()
            .is_none()
    );
}

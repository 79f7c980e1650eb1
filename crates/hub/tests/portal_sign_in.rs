//! The reserved area's sign-in page answers before anything that depends on the address, on
//! SQLite and on PostgreSQL: with the storage held by the test (SQLite's writer; the links'
//! table locked on PostgreSQL) the page still answers "link sent" for a contact and nothing is
//! queued yet; once the storage is free the background task queues the contact's mail. So the
//! answer's work — and its time — is the same for a contact and for a stranger.
#![allow(clippy::unwrap_used)]

mod common;
mod portal_support;

use std::sync::Arc;

use portal_support::*;
use rapportino_hub::web::portal::mailbox;
use rapportino_hub::Storage;

#[test]
fn the_sign_in_answers_before_the_look_up_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    answers_first(storage(dir.path(), None), false);
}

#[test]
fn the_sign_in_answers_before_the_look_up_on_postgresql() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    let dir = tempfile::tempdir().unwrap();
    answers_first(storage(dir.path(), Some(&db.url)), true);
}

fn answers_first(storage: Arc<Storage>, pg: bool) {
    anna(&storage);
    let hub = hub(storage.clone(), |_| {});
    let mut anna = Browser::new(&hub);
    let token = anna.get("/portal/sign-in").token();
    let hub_id = storage.hub_id().to_owned();

    // The storage busy: a handler that looked the address up or made the link would wait for
    // it (and answer 503 at the request deadline); this one answers at once.
    let (known, stranger) = storage
        .plain(|tx| {
            if pg {
                tx.exec("LOCK TABLE portal_links IN EXCLUSIVE MODE", &[])?;
            }
            let known = anna.post(
                "/portal/sign-in",
                &[("csrf", &token), ("email", "anna@ferri.it")],
            );
            let stranger = anna.post(
                "/portal/sign-in",
                &[("csrf", &token), ("email", "x@nessuno.it")],
            );
            assert_eq!(mailbox::waiting(&hub_id), 0, "queued before the answer");
            Ok((known, stranger))
        })
        .unwrap();
    assert_eq!(known.status, 200, "{}", known.body);
    assert!(known.body.contains("id=\"link-sent\""), "{}", known.body);
    assert_eq!(known.body, stranger.body);

    // The storage free again: Anna's mail is queued by the background task, the stranger gets
    // none.
    wait_for_sign_in_mails(&storage, 1);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(mailbox::waiting(&hub_id), 1);
    let links = storage
        .plain(|tx| tx.query("SELECT contact_id FROM portal_links", &[]))
        .unwrap();
    assert_eq!(links.len(), 1);
}

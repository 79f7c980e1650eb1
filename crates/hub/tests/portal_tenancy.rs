//! The reserved area's tenancy property, on SQLite and on PostgreSQL: random clients, contacts
//! (some not authorised) and tickets with a history, from seeded generators; every authorised
//! contact signs in and asks every implemented page — every page of its ticket list, every
//! ticket id of every client and ids that do not exist, the request form — and no answer holds
//! another client's data: another client's ticket answers exactly like a missing one (404), no
//! page shows another client's marker. A contact that is not authorised never gets a session.
#![allow(clippy::unwrap_used)]

mod common;
mod portal_support;

use std::collections::BTreeMap;

use portal_support::*;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rapportino_hub::Storage;

/// A generated world: per client, its tickets' ids and its authorised contacts' ids.
#[derive(Default)]
struct World {
    tickets: BTreeMap<String, Vec<String>>,
    contacts: Vec<(String, String, bool)>,
}

fn marker(client: &str) -> String {
    format!("MARK-{client}-")
}

fn generate(s: &Storage, seed: u64, world: &mut World) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let statuses = [
        "new",
        "taken",
        "in_progress",
        "waiting_client",
        "resolved",
        "closed",
        "cancelled",
    ];
    for c in 0..rng.random_range(2..5) {
        let cid = format!("s{seed}c{c}");
        client(s, &cid, &format!("Cliente {cid}"));
        for k in 0..rng.random_range(1..3) {
            let authorised = k == 0 || rng.random_bool(0.5);
            let id = format!("{cid}-contact{k}");
            contact(
                s,
                &id,
                &cid,
                &format!("Referente {id}"),
                &format!("{id}@x.it"),
                authorised,
            );
            world.contacts.push((id, cid.clone(), authorised));
        }
        let ids = world.tickets.entry(cid.clone()).or_default();
        for t in 0..rng.random_range(0..25) {
            // Ids that sort among the other clients' (a shared prefix), so paging by id could leak.
            let id = format!("t{:03}-{cid}", rng.random_range(0..1000));
            if ids.contains(&id) {
                continue;
            }
            let status = statuses[rng.random_range(0..statuses.len())];
            let opened = format!(
                "2026-{:02}-{:02}T09:00:00Z",
                rng.random_range(1..12),
                rng.random_range(1..28)
            );
            ticket(
                s,
                &id,
                &cid,
                &format!("N-{id}"),
                &format!("{} {t}", marker(&cid)),
                status,
                &opened,
            );
            event(
                s,
                &format!("ev-{id}"),
                &id,
                None,
                status,
                &opened,
                "NOTA INTERNA",
            );
            if rng.random_bool(0.5) {
                sent_message(
                    s,
                    &format!("m-{id}"),
                    &cid,
                    &id,
                    &format!("{} mail", marker(&cid)),
                    &marker(&cid),
                    "sent",
                );
            }
            ids.push(id);
        }
    }
}

fn tenancy(storage: std::sync::Arc<Storage>, seeds: &[u64]) {
    let mut world = World::default();
    for &seed in seeds {
        generate(&storage, seed, &mut world);
    }
    let hub = hub(storage.clone(), |c| {
        c.bad_links = 100_000;
        c.page_size = 7;
    });
    let all_ids: Vec<(String, String)> = world
        .tickets
        .iter()
        .flat_map(|(c, ids)| ids.iter().map(move |i| (c.clone(), i.clone())))
        .chain([
            ("none".to_owned(), "t999-none".to_owned()),
            ("none".to_owned(), "x".to_owned()),
        ])
        .collect();
    let (mut checked, mut leaks) = (0usize, Vec::new());
    for (contact_id, client_id, authorised) in &world.contacts {
        let mut browser = Browser::new(&hub);
        let secret = link_for(&storage, contact_id, client_id, 600);
        let signed = browser.sign_in_with(&secret);
        if !authorised {
            assert_eq!(
                (signed.status, signed.code()),
                (400, "LINK_INVALID"),
                "{contact_id}"
            );
            assert_eq!(browser.get("/portal/tickets").status, 303);
            continue;
        }
        assert_eq!(signed.status, 303, "{contact_id}: {}", signed.body);
        let foreign: Vec<String> = world
            .tickets
            .keys()
            .filter(|c| *c != client_id)
            .map(|c| marker(c))
            .collect();
        let mut leaked = |what: &str, body: &str| {
            for m in &foreign {
                if body.contains(m.as_str()) {
                    leaks.push(format!("{contact_id} saw {m} at {what}"));
                }
            }
        };
        // Every page of the list: its own tickets, each once.
        let mut seen = Vec::new();
        for page in 1.. {
            let p = browser.get(&format!("/portal/tickets?page={page}"));
            assert_eq!(p.status, 200);
            leaked(&format!("page {page}"), &p.body);
            checked += 1;
            for (_, id) in &all_ids {
                if p.body.contains(&format!("/portal/tickets/{id}\"")) {
                    seen.push(id.clone());
                }
            }
            if !p.body.contains("rel=\"next\"") {
                break;
            }
        }
        seen.sort();
        let mut own = world.tickets[client_id].clone();
        own.sort();
        assert_eq!(seen, own, "{contact_id}: every own ticket once, no other");
        // Every ticket id of every client.
        let missing = browser.get("/portal/tickets/t999-none").body;
        for (owner, id) in &all_ids {
            let p = browser.get(&format!("/portal/tickets/{id}"));
            checked += 1;
            leaked(id, &p.body);
            assert!(!p.body.contains("NOTA INTERNA"));
            if owner == client_id {
                assert_eq!(p.status, 200, "{contact_id} {id}");
            } else {
                assert_eq!(p.status, 404, "{contact_id} {id}");
                assert_eq!(p.body, missing, "another client's ticket is a missing one");
            }
        }
        let form = browser.get("/portal/request");
        leaked("request", &form.body);
        checked += 1;
    }
    assert!(leaks.is_empty(), "{} leaks: {leaks:?}", leaks.len());
    assert!(checked > 50, "only {checked} answers checked");
    eprintln!("tenancy: {checked} answers checked, 0 leaks");
}

#[test]
fn no_contact_sees_another_clients_data_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    tenancy(storage(dir.path(), None), &[1, 2, 3]);
}

#[test]
fn no_contact_sees_another_clients_data_on_postgresql() {
    let Some(db) = common::PgDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    tenancy(storage(dir.path(), Some(&db.url)), &[4, 5, 6]);
}

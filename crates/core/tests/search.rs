//! Full-text search: ranked, across kinds, accent-insensitive, safe, paginated.

mod common;

use common::*;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::interventions::{self, InterventionMode, InterventionPatch};
use rapportino_core::search::{search, SearchKind, SearchRequest};
use rapportino_core::{Code, PageRequest};

fn q(s: &rapportino_core::Store, text: &str) -> Vec<(SearchKind, String)> {
    let req = SearchRequest {
        query: text.into(),
        kinds: None,
    };
    search(s, &req, &PageRequest::new(50, 0))
        .expect("search")
        .items
        .into_iter()
        .map(|h| (h.kind, h.title))
        .collect()
}

#[test]
fn finds_clients_tickets_and_interventions() {
    let (mut s, _) = store();
    let c = clients::create(
        &mut s,
        &ClientInput {
            name: "Officine Meccaniche Città di Castello".into(),
            address: rapportino_core::address::Address {
                city: Some("Perugia".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    let t = ticket(&mut s, &c, "Firewall bloccato");
    let i = intervention(&mut s, t, InterventionMode::Remote);
    interventions::update(
        &mut s,
        i.id,
        &InterventionPatch {
            work_done: Some("Aggiornato il firmware del firewall e riavviato lo switch".into()),
            ..Default::default()
        },
    )
    .unwrap();
    // Accents do not matter; the last word is a prefix.
    assert!(q(&s, "citta").iter().any(|(k, _)| *k == SearchKind::Client));
    assert!(q(&s, "offic").iter().any(|(k, _)| *k == SearchKind::Client));
    let hits = q(&s, "firewall");
    assert!(hits.iter().any(|(k, _)| *k == SearchKind::Ticket));
    assert!(hits.iter().any(|(k, _)| *k == SearchKind::Intervention));
    // A title match ranks above a match deep in free text.
    assert_eq!(hits[0].0, SearchKind::Ticket);
    // Ticket numbers are found whole.
    let number = rapportino_core::tickets::get(&s, t).unwrap().number;
    let hits = q(&s, &number);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].1.starts_with(&number));
    // …and while being typed, in any case.
    let partial = number[..number.len() - 2].to_lowercase();
    assert!(
        q(&s, &partial)
            .iter()
            .any(|(_, title)| title.starts_with(&number)),
        "{partial}"
    );
    // Edits are re-indexed.
    interventions::update(
        &mut s,
        i.id,
        &InterventionPatch {
            work_done: Some("Sostituito alimentatore".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!q(&s, "firmware")
        .iter()
        .any(|(k, _)| *k == SearchKind::Intervention));
    assert!(q(&s, "alimentatore")
        .iter()
        .any(|(k, _)| *k == SearchKind::Intervention));
}

#[test]
fn search_syntax_from_users_is_harmless_and_kinds_filter() {
    let (mut s, _) = store();
    let c = client(&mut s, "Rossi \"Impianti\" S.r.l.");
    ticket(&mut s, &c, "Rossi chiama per la stampante");
    for weird in [
        "\"",
        "rossi OR",
        "NEAR(",
        "*",
        "rossi AND NOT",
        "(((",
        "^rossi",
    ] {
        let req = SearchRequest {
            query: weird.into(),
            kinds: None,
        };
        search(&s, &req, &PageRequest::default()).unwrap();
    }
    let req = SearchRequest {
        query: "rossi".into(),
        kinds: Some(vec![SearchKind::Client]),
    };
    let hits = search(&s, &req, &PageRequest::default()).unwrap().items;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].kind, SearchKind::Client);
    let long = SearchRequest {
        query: "x".repeat(500),
        kinds: None,
    };
    assert_eq!(
        search(&s, &long, &PageRequest::default())
            .unwrap_err()
            .code(),
        Code::TooLong
    );
}

#[test]
fn results_are_paginated() {
    let (mut s, _) = store();
    let c = client(&mut s, "Bruno S.r.l.");
    for i in 0..12 {
        ticket(&mut s, &c, &format!("Stampante numero {i}"));
    }
    let req = SearchRequest {
        query: "stampante".into(),
        kinds: None,
    };
    let p1 = search(&s, &req, &PageRequest::new(5, 0)).unwrap();
    let p3 = search(&s, &req, &PageRequest::new(5, 10)).unwrap();
    assert_eq!(p1.items.len(), 5);
    assert!(p1.has_more);
    assert_eq!(p3.items.len(), 2);
    assert!(!p3.has_more);
    let ids: std::collections::HashSet<String> = (0..3)
        .flat_map(|k| search(&s, &req, &PageRequest::new(5, k * 5)).unwrap().items)
        .map(|h| h.id)
        .collect();
    assert_eq!(ids.len(), 12, "pages do not overlap");
}

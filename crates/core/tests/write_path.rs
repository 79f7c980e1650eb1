//! The one write path: every mutation lands in the change log, in the same transaction.

mod common;

use common::*;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::store::read_change_log;

#[test]
fn every_insert_and_update_is_in_the_change_log() {
    let (mut s, _) = store();
    let before = count(&s, "change_log");
    let c = client(&mut s, "Rossi Impianti S.r.l.");
    let log = read_change_log(s.conn(), 0, 1000).unwrap();
    let rec = log
        .iter()
        .find(|r| r.entity_id == c.id.to_string())
        .expect("client insert recorded");
    assert_eq!(rec.entity, "client");
    assert_eq!(rec.op, "insert");
    assert_eq!(rec.fields["name"], "Rossi Impianti S.r.l.");
    assert_eq!(rec.device_id, s.device_id().unwrap().to_string());
    assert_eq!(count(&s, "change_log"), before + 1);

    // An update records only what changed.
    let mut input = ClientInput {
        name: c.name.clone(),
        vat_number: c.vat_number.clone(),
        address: rapportino_core::address::Address {
            city: Some("Monza".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    clients::update(&mut s, c.id, &input).unwrap();
    let last = read_change_log(s.conn(), 0, 1000).unwrap().pop().unwrap();
    assert_eq!(last.op, "update");
    let changed: Vec<&String> = last.fields.as_object().unwrap().keys().collect();
    assert_eq!(changed, ["city", "updated_at"]);

    // Saving the same form again changes nothing and records nothing.
    let n = count(&s, "change_log");
    clients::update(&mut s, c.id, &input).unwrap();
    assert_eq!(count(&s, "change_log"), n);
    input.name = "  ".into();
    assert!(clients::update(&mut s, c.id, &input).is_err());
    assert_eq!(count(&s, "change_log"), n);
}

#[test]
fn hybrid_logical_clock_never_goes_backwards() {
    let (mut s, clock) = store();
    client(&mut s, "Uno");
    clock.advance(chrono::Duration::hours(-5)); // the wall clock jumps back
    client(&mut s, "Due");
    client(&mut s, "Tre");
    let log = read_change_log(s.conn(), 0, 1000).unwrap();
    for pair in log.windows(2) {
        assert!(
            pair[1].hlc > pair[0].hlc,
            "{:?} then {:?}",
            pair[0].hlc,
            pair[1].hlc
        );
    }
}

#[test]
fn mutation_ids_are_unique_uuid_v7() {
    let (mut s, _) = store();
    for i in 0..20 {
        client(&mut s, &format!("Cliente {i}"));
    }
    let log = read_change_log(s.conn(), 0, 1000).unwrap();
    let mut ids: Vec<&str> = log.iter().map(|r| r.mutation_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), log.len());
    assert!(log.iter().all(|r| r.mutation_id.as_bytes()[14] == b'7'));
}

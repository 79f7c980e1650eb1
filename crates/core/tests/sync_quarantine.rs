#![allow(clippy::unwrap_used)] // tests: a failure is the test failing

//! A row from the hub this device cannot store is quarantined, never a halt: the rest of the
//! page applies, the cursor moves, and the row is tried again until a later change (pulled or
//! local) makes it storable. Device side only; the hub's part is in crates/hub/tests.

mod common;

use common::sync_helpers::{second_device, served};
use common::*;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::ids::ClientId;
use rapportino_core::store::{field, Entity};
use rapportino_core::sync::apply;
use rapportino_core::sync::protocol::{
    Correction, MutationResult, Op, Outcome, PushResponse, ServerChange, SnapshotRow,
};
use rapportino_core::sync::{self, keys, quarantine};
use rapportino_core::technicians;
use rapportino_core::{tickets, Store};
use serde_json::{json, Map, Value};

/// Another device's id (any text: the quarantine keeps it).
const OTHER: &str = "019a0000-0000-7000-8000-00000000beef";

fn change(seq: i64, entity: &str, id: &str, op: Op, fields: Value) -> ServerChange {
    ServerChange {
        server_seq: seq,
        mutation_id: format!("m-{seq}"),
        entity: entity.into(),
        entity_id: id.into(),
        op,
        fields: fields.as_object().unwrap().clone(),
        // Clocks from the other device, well after every local write of these tests.
        hlc: (chrono::Utc::now().timestamp_millis() << 16) + seq,
        device_id: OTHER.into(),
        recorded_at: "2026-11-16T09:00:00Z".into(),
    }
}

/// `changes` numbered 1, 2, 3... in order.
fn renumber(mut changes: Vec<ServerChange>) -> Vec<ServerChange> {
    for (i, c) in changes.iter_mut().enumerate() {
        c.server_seq = i as i64 + 1;
    }
    changes
}

fn cursor(s: &Store) -> i64 {
    s.conn()
        .query_row(
            "SELECT value FROM local_state WHERE key = ?1",
            [keys::CURSOR],
            |r| r.get::<_, String>(0),
        )
        .unwrap()
        .parse()
        .unwrap()
}

fn held(s: &Store) -> Vec<quarantine::QuarantinedRow> {
    quarantine::list(s).unwrap()
}

/// The insert `a` recorded for `id`, as the hub would serve it.
fn insert_of(a: &Store, id: &str) -> ServerChange {
    served(a, 1)
        .into_iter()
        .find(|c| c.entity_id == id && c.op == Op::Insert)
        .unwrap()
}

#[test]
fn an_unstorable_row_is_quarantined_the_rest_applies_and_the_cursor_moves() {
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    let t = tickets::open(&mut a, &new_ticket(&c, "Stampante")).unwrap();
    clients::update(
        &mut a,
        c.id,
        &ClientInput {
            name: "Ottica Bassi Srl".into(),
            ..Default::default()
        },
    )
    .unwrap();
    // Issue 13 (a): a client insert with no fields at all, between the good changes.
    let bad_id = ClientId::new().to_string();
    let mut page = served(&a, 1);
    page.insert(2, change(0, "client", &bad_id, Op::Insert, json!({})));
    let page = renumber(page);
    let last = page.last().unwrap().server_seq;
    let mut b = second_device("BB");
    apply::apply_changes(&mut b, &page, last).unwrap();

    assert_eq!(cursor(&b), last, "the cursor moved past the bad row");
    assert_eq!(clients::get(&b, c.id).unwrap().name, "Ottica Bassi Srl");
    assert_eq!(tickets::get(&b, t.id).unwrap().number, t.number);
    let q = held(&b);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].entity, "client");
    assert_eq!(q[0].entity_id, bad_id);
    assert_eq!(q[0].op, Op::Insert);
    assert_eq!(q[0].server_seq, 3);
    assert!(q[0].fields.is_empty());
    assert!(
        q[0].error.contains("NOT NULL constraint failed: clients."),
        "{}",
        q[0].error
    );
    assert_eq!(q[0].device_id, OTHER);
    assert!(!q[0].quarantined_at.is_empty());
    assert_eq!(sync::status(&b).unwrap().quarantined, 1);
    assert!(clients::get(&b, bad_id.parse().unwrap()).is_err());

    // The same page again (a repeated answer): still one entry, nothing else changes.
    apply::apply_changes(&mut b, &page, last).unwrap();
    let again = held(&b);
    assert_eq!(again.len(), 1);
    assert!(again[0].attempts >= 2);
    // And the device goes on: its own work is untouched, later pages apply.
    let mine = client(&mut b, "Cliente di BB");
    let later = change(
        last + 1,
        "client",
        &c.id.to_string(),
        Op::Update,
        json!({"city": "Lecce"}),
    );
    apply::apply_changes(&mut b, &[later], last + 1).unwrap();
    assert_eq!(
        clients::get(&b, c.id).unwrap().address.city.as_deref(),
        Some("Lecce")
    );
    assert_eq!(clients::get(&b, mine.id).unwrap().name, "Cliente di BB");
    assert_eq!(cursor(&b), last + 1);
}

#[test]
fn later_changes_to_a_row_that_is_not_here_complete_its_entry_until_it_stores() {
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    // A device with a bug sent the insert without its name...
    let mut insert = insert_of(&a, &c.id.to_string());
    insert.fields.remove("name");
    insert.server_seq = 1;
    let mut b = second_device("BB");
    apply::apply_changes(&mut b, &[insert], 1).unwrap();
    assert_eq!(held(&b).len(), 1);
    // ...then a change of another field: merged into the entry, still not storable.
    let city = change(
        2,
        "client",
        &c.id.to_string(),
        Op::Update,
        json!({"city": "Bari"}),
    );
    apply::apply_changes(&mut b, &[city], 2).unwrap();
    let q = held(&b);
    assert_eq!(q.len(), 1);
    assert_eq!(
        q[0].op,
        Op::Insert,
        "an insert completed by updates stays an insert"
    );
    assert_eq!(q[0].server_seq, 1, "the first change's sequence");
    assert_eq!(q[0].last_seq, 2);
    assert_eq!(q[0].fields["city"], "Bari");
    assert!(
        q[0].fields.contains_key("created_at"),
        "the insert's fields are kept"
    );
    assert!(clients::get(&b, c.id).is_err());
    // The name arrives: the merged row stores, with the insert's fields and the later ones.
    let name = change(
        3,
        "client",
        &c.id.to_string(),
        Op::Update,
        json!({"name": "Bassi"}),
    );
    apply::apply_changes(&mut b, &[name], 3).unwrap();
    assert!(held(&b).is_empty());
    let got = clients::get(&b, c.id).unwrap();
    assert_eq!(got.name, "Bassi");
    assert_eq!(got.address.city.as_deref(), Some("Bari"));
    assert_eq!(got.vat_number.as_deref(), Some("00743110157"));
    assert_eq!(sync::status(&b).unwrap().quarantined, 0);
}

#[test]
fn a_bad_value_on_a_row_that_is_here_waits_while_later_values_apply_and_supersede_it() {
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    let mut b = second_device("BB");
    let page = served(&a, 1);
    let n = page.len() as i64;
    apply::apply_changes(&mut b, &page, n).unwrap();
    let id = c.id.to_string();
    // A text in an INTEGER column (STRICT table) and a good value in the same change.
    let bad = change(
        n + 1,
        "client",
        &id,
        Op::Update,
        json!({"archived": "forse", "notes": "da richiamare"}),
    );
    apply::apply_changes(&mut b, &[bad], n + 1).unwrap();
    let q = held(&b);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].op, Op::Update);
    assert!(
        q[0].error.contains("cannot store TEXT value"),
        "{}",
        q[0].error
    );
    assert_eq!(
        clients::get(&b, c.id).unwrap().notes,
        None,
        "the change is atomic"
    );
    // A later change of the row applies on its own (the row is here) and supersedes the
    // entry's value of the same field.
    let notes = change(n + 2, "client", &id, Op::Update, json!({"notes": "fatto"}));
    apply::apply_changes(&mut b, &[notes], n + 2).unwrap();
    assert_eq!(
        clients::get(&b, c.id).unwrap().notes.as_deref(),
        Some("fatto")
    );
    let q = held(&b);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].fields.len(), 1, "{:?}", q[0].fields);
    assert!(q[0].fields.contains_key("archived"));
    // The bad field superseded too: nothing is left to keep.
    let archived = change(n + 3, "client", &id, Op::Update, json!({"archived": true}));
    apply::apply_changes(&mut b, &[archived], n + 3).unwrap();
    assert!(held(&b).is_empty());
    let got = clients::get(&b, c.id).unwrap();
    assert!(got.archived);
    assert_eq!(
        got.notes.as_deref(),
        Some("fatto"),
        "never overwritten by the older value"
    );
}

#[test]
fn a_second_technician_with_the_same_code_waits_and_stores_once_the_code_is_free() {
    // Two devices onboarded offline with one technician code (MR): each cannot store the
    // other's technician (unique code), and neither stops.
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    let mut b = Store::open_in_memory().unwrap();
    onboard(&mut b, "BB");
    let page = served(&a, 1);
    let n = page.len() as i64;
    apply::apply_changes(&mut b, &page, n).unwrap();
    let q = held(&b);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].entity, "technician");
    assert_eq!(q[0].label.as_deref(), Some("Marco Rinaldi"));
    assert!(
        q[0].error
            .contains("UNIQUE constraint failed: technicians.code"),
        "{}",
        q[0].error
    );
    assert_eq!(clients::get(&b, c.id).unwrap().name, "Ottica Bassi");
    assert_eq!(cursor(&b), n);
    // Later pages keep trying it, and keep going.
    apply::apply_changes(&mut b, &[], n).unwrap();
    assert_eq!(held(&b)[0].attempts, q[0].attempts + 1);
    // A local change frees the code (here written directly: the office renames B's
    // technician): the next page, even an empty one, stores A's.
    let mine = technicians::list(&b)
        .unwrap()
        .into_iter()
        .find(|t| t.code == "MR")
        .unwrap();
    b.write(|tx| {
        tx.update(
            Entity::Technician,
            &mine.id.to_string(),
            vec![("code", field::text("MB"))],
        )
    })
    .unwrap();
    apply::apply_changes(&mut b, &[], n).unwrap();
    assert!(held(&b).is_empty());
    let mut codes: Vec<String> = technicians::list(&b)
        .unwrap()
        .into_iter()
        .map(|t| t.code)
        .collect();
    codes.sort();
    assert_eq!(codes, ["MB", "MR"]);
}

#[test]
fn a_delete_of_a_quarantined_row_closes_its_entry() {
    let mut b = second_device("BB");
    let id = ClientId::new().to_string();
    apply::apply_changes(
        &mut b,
        &[change(1, "client", &id, Op::Insert, json!({}))],
        1,
    )
    .unwrap();
    assert_eq!(held(&b).len(), 1);
    apply::apply_changes(
        &mut b,
        &[change(2, "client", &id, Op::Delete, json!({}))],
        2,
    )
    .unwrap();
    assert!(held(&b).is_empty());
    assert!(clients::get(&b, id.parse().unwrap()).is_err());
}

#[test]
fn a_snapshot_with_an_unstorable_row_is_taken_all_the_same() {
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    let t = tickets::open(&mut a, &new_ticket(&c, "Stampante")).unwrap();
    let bad_id = ClientId::new().to_string();
    let mut rows: Vec<SnapshotRow> = served(&a, 1)
        .into_iter()
        .filter(|ch| ch.op == Op::Insert)
        .map(|ch| SnapshotRow {
            entity: ch.entity,
            entity_id: ch.entity_id,
            fields: ch.fields,
        })
        .collect();
    rows.insert(
        1,
        SnapshotRow {
            entity: "client".into(),
            entity_id: bad_id.clone(),
            fields: Map::new(),
        },
    );
    let mut fresh = second_device("ZZ");
    let (first, rest) = rows.split_at(2);
    apply::apply_snapshot_rows(&mut fresh, first, 41).unwrap();
    apply::apply_snapshot_rows(&mut fresh, rest, 41).unwrap();
    apply::finish_snapshot(&mut fresh, 41).unwrap();
    assert_eq!(cursor(&fresh), 41);
    assert_eq!(tickets::get(&fresh, t.id).unwrap().number, t.number);
    let q = held(&fresh);
    assert_eq!(q.len(), 1);
    assert_eq!(
        (q[0].entity_id.as_str(), q[0].server_seq),
        (bad_id.as_str(), 41)
    );
    assert_eq!(q[0].op, Op::Insert);
}

#[test]
fn a_correction_this_device_cannot_store_is_quarantined_and_the_outbox_still_clears() {
    let mut b = second_device("BB");
    let c = client(&mut b, "Ottica Bassi");
    let pushed = apply::outbox(b.conn(), 1000).unwrap();
    let mine = pushed
        .iter()
        .find(|m| m.entity_id == c.id.to_string())
        .unwrap();
    let response = PushResponse {
        results: pushed
            .iter()
            .map(|m| MutationResult {
                mutation_id: m.mutation_id.clone(),
                outcome: Outcome::Applied,
                server_seq: Some(1),
                code: None,
                corrections: if m.mutation_id == mine.mutation_id {
                    vec![Correction {
                        entity: "client".into(),
                        entity_id: c.id.to_string(),
                        fields: json!({"archived": "forse"}).as_object().unwrap().clone(),
                        deleted: false,
                    }]
                } else {
                    Vec::new()
                },
            })
            .collect(),
        hub_hlc: 0,
        clock_skew_ms: None,
    };
    let (acked, _) = apply::acknowledge(&mut b, &pushed, &response).unwrap();
    assert_eq!(acked, pushed.len() as i64);
    assert_eq!(sync::status(&b).unwrap().pending_changes, 0);
    let q = held(&b);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].entity_id, c.id.to_string());
    assert_eq!(q[0].device_id, "hub");
}

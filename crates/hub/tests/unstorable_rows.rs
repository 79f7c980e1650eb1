//! Issue 13 (a) and (b) against a real hub over TLS, on SQLite and PostgreSQL: rows the hub
//! holds that no device can store (an older hub took them before pushed mutations were
//! validated; here they are written straight into its storage) never stop a device. Every
//! device keeps syncing, a new device takes the snapshot, the rows wait in quarantine and store
//! once a later change completes them; a number near i64::MAX carrying a device's code leaves
//! that device's numbering alone.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use rapportino_core::ids::ClientId;
use rapportino_core::sync::{self, quarantine};
use rapportino_core::{clients, tickets};
use rapportino_model::protocol::Op;
use serde_json::json;
use sync_support::*;

fn quarantined(d: &Device) -> Vec<(String, String)> {
    quarantine::list(&d.store)
        .unwrap()
        .into_iter()
        .map(|q| (q.entity, q.entity_id))
        .collect()
}

/// A row of a replica's table as the JSON fields a hub would hold (without its local `rid`).
fn row_fields(
    store: &rapportino_core::Store,
    table: &str,
    id: &str,
) -> serde_json::Map<String, serde_json::Value> {
    let mut stmt = store
        .conn()
        .prepare(&format!("SELECT * FROM {table} WHERE id = ?1"))
        .unwrap();
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    stmt.query_row([id], |r| {
        Ok(names
            .iter()
            .enumerate()
            .filter(|(_, n)| !matches!(n.as_str(), "rid" | "id" | "number_key"))
            .map(|(i, n)| {
                let v = match r.get::<_, rusqlite::types::Value>(i).unwrap() {
                    rusqlite::types::Value::Null => serde_json::Value::Null,
                    rusqlite::types::Value::Integer(x) => json!(x),
                    rusqlite::types::Value::Real(x) => json!(x),
                    rusqlite::types::Value::Text(x) => json!(x),
                    rusqlite::types::Value::Blob(_) => serde_json::Value::Null,
                };
                (n.clone(), v)
            })
            .collect())
    })
    .unwrap()
}

fn unstorable_rows_never_stop_a_device(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut a = Device::enrolled(dir.path(), &hub, "AA", rome(2026, 11, 16, 8, 0));
    let mut b = Device::enrolled(dir.path(), &hub, "BB", rome(2026, 11, 16, 8, 5));
    let first = a.client("Ottica Bassi");
    a.sync();
    b.sync();
    let a_id = a.store.device_id().unwrap().to_string();

    // A client insert with no fields at all, sent by A (as an older hub accepted it).
    let bad = ClientId::new().to_string();
    inject(&hub.storage, &a_id, "client", &bad, Op::Insert, json!({}));
    // A complete ticket, but numbered with B's code and a sequence near i64::MAX.
    let model = tickets::open(&mut a.store, &new_ticket(first.id, "Modello")).unwrap();
    let mut fields = row_fields(&a.store, "tickets", &model.id.to_string());
    fields.insert("number".into(), json!("T-2026-BB-9223372036854775806"));
    let insane = rapportino_core::ids::TicketId::new().to_string();
    inject(
        &hub.storage,
        &a_id,
        "ticket",
        &insane,
        Op::Insert,
        serde_json::Value::Object(fields),
    );

    // Everyone keeps syncing, and keeps working.
    for d in [&mut a, &mut b] {
        d.sync();
        assert_eq!(
            quarantined(d),
            [("client".to_owned(), bad.clone())],
            "on {}",
            d.code
        );
        let status = sync::status(&d.store).unwrap();
        assert_eq!(status.quarantined, 1);
        assert!(status.last_error.is_none(), "{:?}", status.last_error);
    }
    let second = b.client("Ferramenta Rossi");
    let t = tickets::open(&mut b.store, &new_ticket(second.id, "Rete")).unwrap();
    assert_eq!(t.number, "T-2026-BB-0001", "B's numbering is its own");
    b.sync();
    a.sync();
    assert_eq!(
        clients::get(&a.store, second.id).unwrap().name,
        "Ferramenta Rossi"
    );

    // A new device takes the snapshot, the unstorable rows set aside.
    let mut c = Device::enrolled(dir.path(), &hub, "CC", rome(2026, 11, 16, 9, 0));
    let report = c.sync();
    assert!(report.snapshot_rows > 0);
    assert_eq!(quarantined(&c), [("client".to_owned(), bad.clone())]);
    assert!(tickets::get(&c.store, insane.parse().unwrap()).is_ok());
    assert_eq!(
        clients::get(&c.store, second.id).unwrap().name,
        "Ferramenta Rossi"
    );

    // A later change completes the client: every device stores it and lets it go.
    inject(
        &hub.storage,
        &a_id,
        "client",
        &bad,
        Op::Update,
        json!({"name": "Completato", "created_at": "2026-11-16T09:00:00Z",
               "updated_at": "2026-11-16T09:00:00Z"}),
    );
    for d in [&mut a, &mut b, &mut c] {
        d.sync();
        assert_eq!(
            clients::get(&d.store, bad.parse().unwrap()).unwrap().name,
            "Completato"
        );
        assert!(quarantined(d).is_empty(), "on {}", d.code);
    }
    // The others learn C's onboarding rows, then all hold the same data.
    a.sync();
    b.sync();
    c.sync();
    assert_converged(&[&a, &b, &c]);
}

#[test]
fn unstorable_rows_never_stop_a_device_on_a_sqlite_hub() {
    unstorable_rows_never_stop_a_device(None);
}

#[test]
fn unstorable_rows_never_stop_a_device_on_a_postgres_hub() {
    if let Some(db) = common::PgDatabase::create() {
        unstorable_rows_never_stop_a_device(Some(&db.url));
    }
}

//! The model crate's schema is the device's database: every synced table's columns, NOT NULL
//! and defaults agree, and every mutation an honest device writes passes the hub's validator.

use std::collections::BTreeMap;

use rapportino_core::store::{migrations, Entity};
use rapportino_core::sync::apply::outbox;
use rapportino_core::Store;
use rapportino_demo::{generate, DemoOptions};
use rapportino_model::protocol::Role;
use rapportino_model::schema;
use rapportino_model::validate::{check_mutation, Writer};

#[test]
fn the_schema_version_is_the_migration_count() {
    assert_eq!(
        rapportino_model::SCHEMA_VERSION,
        migrations::latest_version()
    );
}

#[test]
#[allow(clippy::unwrap_used)]
fn schema_matches_the_database() {
    let store = Store::open_in_memory().unwrap();
    for entity in Entity::ALL {
        let mut stmt = store
            .conn()
            .prepare(&format!("PRAGMA table_info({})", entity.table()))
            .unwrap();
        let table: BTreeMap<String, (bool, bool)> = stmt
            .query_map([], |r| {
                let default: Option<String> = r.get(4)?;
                Ok((r.get::<_, String>(1)?, (r.get(3)?, default.is_some())))
            })
            .unwrap()
            .map(Result::unwrap)
            .filter(|(name, _)| name != "rid")
            .collect();
        let model: BTreeMap<String, (bool, bool)> = schema::columns(entity)
            .into_iter()
            .map(|c| (c.name.to_owned(), (c.not_null, c.has_default)))
            .collect();
        assert_eq!(
            model,
            table,
            "{} (name → (not null, default))",
            entity.name()
        );
    }
}

#[test]
#[allow(clippy::unwrap_used)]
fn an_honest_devices_mutations_pass_the_validator() {
    let mut store = Store::open_in_memory().unwrap();
    generate(
        &mut store,
        &DemoOptions {
            seed: 3,
            clients: 12,
            interventions: 300,
            years: 1,
            until: Some("2026-11-20".into()),
            open_tickets: None,
        },
    )
    .unwrap();
    let mutations = outbox(store.conn(), i64::MAX).unwrap();
    assert!(mutations.len() > 1_000, "{} mutations", mutations.len());
    for m in &mutations {
        // The demo simulates a whole shop's history on one database: its numbers carry every
        // technician's code, so each is checked as written by the device of its code.
        let code = m.fields.get("number").and_then(|n| n.as_str());
        let code = code.map_or("MR", |n| n.split('-').nth(2).unwrap());
        let writer = Writer {
            role: Role::Office,
            device_code: code,
            hub_seq: 0,
        };
        if let Err(refusal) = check_mutation(m, &writer) {
            panic!("{refusal:?} for {m:?}");
        }
    }
}

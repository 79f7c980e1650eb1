//! Property test of sync: random offline work on three devices, partial syncs, lost, repeated
//! and mixed-up answers, crashes between the hub applying a batch and the device seeing the
//! acknowledgement, devices restored from old backups, and rows no device can store (written
//! straight into the hub's storage, as an older hub took them before pushed mutations were
//! validated), some repaired by a later change. After a final sync every replica (and a new
//! device starting from a snapshot) is identical, every mutation took effect at most once and
//! none was lost, numbers are unique, signed reports never changed, every value that lost or
//! was overwritten unseen is in the conflicts table, and each device's quarantine holds exactly
//! the rows that are still unstorable.
//!
//! This file holds the properties (`check`) and the proptest entry points; the steps and their
//! strategies are in `sync_property/steps.rs`, the world they run on (hub, devices, the record
//! of pushes and answers) in `sync_property/world.rs`.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "sync_property/steps.rs"]
mod steps;
mod sync_support;
#[path = "sync_property/world.rs"]
mod world;

use proptest::prelude::*;
use rapportino_core::reports;
use rapportino_core::sync::{self, conflicts, quarantine};
use rapportino_core::Store;
use rapportino_model::protocol::{Op as WireOp, ServerChange};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use steps::*;
use sync_support::faults::Fault;
use sync_support::*;
use world::*;

/// A column of a replica's row as JSON (booleans are stored as 0/1).
fn replica_value(store: &Store, entity: &str, id: &str, field: &str) -> Option<Value> {
    let e = rapportino_core::store::Entity::from_name(entity)?;
    let sql = format!(
        "SELECT {field} FROM {} WHERE {} = ?1",
        e.table(),
        e.key_column()
    );
    let v: rusqlite::types::Value = store.conn().query_row(&sql, [id], |r| r.get(0)).ok()?;
    Some(match v {
        rusqlite::types::Value::Null => Value::Null,
        rusqlite::types::Value::Integer(i) => Value::from(i),
        rusqlite::types::Value::Real(f) => Value::from(f),
        rusqlite::types::Value::Text(s) => Value::String(s),
        rusqlite::types::Value::Blob(_) => Value::Null,
    })
}

fn normalise(v: &Value) -> Value {
    match v {
        Value::Bool(b) => Value::from(i64::from(*b)),
        other => other.clone(),
    }
}

/// One applied value of a field: (server sequence, mutation id, device id, value).
type AppliedValue<'a> = (i64, &'a str, &'a str, Value);

fn check(world: &mut World) {
    // Final syncs: everyone pushes, then everyone pulls what the others pushed.
    for _ in 0..2 {
        for d in 0..DEVICES {
            assert!(
                world.sync(d, Fault::None),
                "final sync of device {d} failed: {:?}",
                sync::status(&world.devices[d].store).unwrap().last_error
            );
        }
    }
    let fresh = Device::enrolled(world.dir.path(), &world.hub, "ZZ", rome(2026, 11, 20, 8, 0));
    let mut fresh = fresh;
    fresh.sync();
    let mut all: Vec<&Device> = world.devices.iter().collect();
    // The new device's own onboarding rows (its technician and device) are on every replica
    // only after the others pull once more.
    drop(all);
    for d in 0..DEVICES {
        assert!(world.sync(d, Fault::None));
    }
    fresh.sync();
    all = world.devices.iter().collect();
    all.push(&fresh);
    assert_converged(&all);

    let changes = world.hub_changes();
    // Gapless server sequence.
    for (i, c) in changes.iter().enumerate() {
        assert_eq!(c.server_seq, i as i64 + 1, "server sequence has a gap");
    }
    // Each mutation took effect at most once.
    let mut applied: HashMap<&str, &ServerChange> = HashMap::new();
    for c in &changes {
        assert!(
            applied.insert(c.mutation_id.as_str(), c).is_none(),
            "{} applied twice",
            c.mutation_id
        );
    }
    let replica = &world.devices[0].store;
    // Nothing lost: every inserted row that was not deleted is on the replica, and nothing else.
    let mut live: BTreeMap<(String, String), bool> = BTreeMap::new();
    for c in &changes {
        match c.op {
            WireOp::Insert => {
                live.insert((c.entity.clone(), c.entity_id.clone()), true);
            }
            WireOp::Delete => {
                live.insert((c.entity.clone(), c.entity_id.clone()), false);
            }
            WireOp::Update => {}
        }
    }
    for ((entity, id), alive) in &live {
        // A row no device can store is on no replica: it waits in every device's quarantine.
        let alive = &(*alive && !world.unstorable.contains_key(&(entity.clone(), id.clone())));
        let e = rapportino_core::store::Entity::from_name(entity).unwrap();
        let n: i64 = replica
            .conn()
            .query_row(
                &format!(
                    "SELECT count(*) FROM {} WHERE {} = ?1",
                    e.table(),
                    e.key_column()
                ),
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            n,
            i64::from(*alive),
            "{entity} {id}: expected alive={alive}"
        );
    }
    for e in rapportino_core::store::Entity::ALL {
        let on_replica = ids(
            replica,
            &format!("SELECT {} FROM {}", e.key_column(), e.table()),
        );
        for id in on_replica {
            assert!(
                live.get(&(e.name().to_owned(), id.clone())) == Some(&true),
                "{} {id} is on the replica but the hub never sequenced it",
                e.name()
            );
        }
    }
    // Each device's quarantine holds exactly the rows still unstorable: nothing else was set
    // aside, and every repaired row left it.
    let expected: Vec<(String, String)> = world.unstorable.keys().cloned().collect();
    for d in &all {
        let mut held: Vec<(String, String)> = quarantine::list(&d.store)
            .unwrap()
            .into_iter()
            .map(|q| (q.entity, q.entity_id))
            .collect();
        held.sort();
        assert_eq!(held, expected, "quarantine of {}", d.code);
        assert_eq!(
            sync::status(&d.store).unwrap().quarantined,
            expected.len() as i64
        );
    }
    // Numbers unique.
    for table in ["tickets", "reports"] {
        let dup: i64 = replica
            .conn()
            .query_row(
                &format!("SELECT count(*) - count(DISTINCT number) FROM {table}"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(dup, 0, "duplicate {table} numbers");
    }
    // Signed reports never changed. One signed and then discarded by restoring an older backup
    // before it ever reached the hub is gone with the rest of that unsent work.
    for (id, hash) in &world.signed {
        if live.get(&("report".to_owned(), id.clone())) != Some(&true) {
            continue;
        }
        for d in &all {
            let r = reports::get(&d.store, id.parse().unwrap()).unwrap();
            assert_eq!(
                r.snapshot_sha256.as_deref(),
                Some(hash.as_str()),
                "report {id} on {}",
                d.code
            );
            assert!(reports::verify(&d.store, r.id).unwrap().matches);
        }
    }
    // Every value that lost, or was overwritten by a device that had not seen it, is kept.
    let kept = conflicts::list(&world.devices[0].store, true).unwrap();
    let by_mutation: HashSet<(&str, &str)> = kept
        .iter()
        .filter(|k| !k.field.is_empty())
        .flat_map(|k| [(k.entity_id.as_str(), k.field.as_str())])
        .collect();
    let lost_values: HashSet<(String, String, String)> = kept
        .iter()
        .map(|k| {
            (
                k.entity_id.clone(),
                k.field.clone(),
                normalise(&k.lost_value).to_string(),
            )
        })
        .collect();
    // The chain of applied values of every field.
    let mut chains: HashMap<(String, String), Vec<AppliedValue<'_>>> = HashMap::new();
    for c in &changes {
        for (f, v) in &c.fields {
            chains
                .entry((c.entity_id.clone(), f.clone()))
                .or_default()
                .push((
                    c.server_seq,
                    c.mutation_id.as_str(),
                    c.device_id.as_str(),
                    normalise(v),
                ));
        }
    }
    // Stamps every write sets (updated_at...) merge like any field but are not kept for review.
    let bookkeeping = |f: &str| matches!(f, "id" | "rid" | "created_at" | "updated_at");
    for ((id, field), chain) in &chains {
        if bookkeeping(field) {
            continue;
        }
        for pair in chain.windows(2) {
            let (seq, _, dev_a, ref old) = pair[0];
            let (_, mid, dev_b, ref new) = pair[1];
            if old == new || dev_a == dev_b || dev_b == "hub" {
                continue;
            }
            let Some(m) = world.log.mutations.get(mid) else {
                continue;
            };
            // The overwriting device had written that same value itself (a write that changed
            // nothing at the hub): it overwrote nothing it had not seen.
            let wrote_it_too = world.log.mutations.values().any(|x| {
                x.device_id == dev_b
                    && x.entity_id == *id
                    && x.fields.get(field.as_str()).map(normalise).as_ref() == Some(old)
            });
            if m.base_seq < seq && !wrote_it_too {
                assert!(
                    lost_values.contains(&(id.clone(), field.clone(), old.to_string())),
                    "{id}.{field} = {old} was overwritten unseen by {mid} and is not in the conflicts"
                );
            }
        }
    }
    for mid in &world.log.order {
        if applied.contains_key(mid.as_str()) {
            continue;
        }
        let m = &world.log.mutations[mid];
        for (f, v) in m.fields.iter().filter(|(f, _)| !bookkeeping(f)) {
            let v = normalise(v);
            let kept_here = lost_values.contains(&(m.entity_id.clone(), f.clone(), v.to_string()))
                || by_mutation.contains(&(m.entity_id.as_str(), "*"));
            let same_as_applied = chains
                .get(&(m.entity_id.clone(), f.clone()))
                .is_some_and(|c| c.iter().any(|(_, _, _, x)| *x == v))
                || replica_value(replica, &m.entity, &m.entity_id, f).map(|x| normalise(&x))
                    == Some(v.clone());
            assert!(
                kept_here || same_as_applied,
                "{} {}.{f} = {v} from {mid} did not take and is not in the conflicts",
                m.entity,
                m.entity_id
            );
        }
    }
}

fn cases() -> u32 {
    std::env::var("SYNC_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12)
}

fn property(storage_url: Option<&str>, steps: &[Step]) {
    let mut world = World::new(storage_url);
    for s in steps {
        world.run(s);
    }
    check(&mut world);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_exactly_once_on_a_sqlite_hub(steps in prop::collection::vec(step(), 10..70)) {
        property(None, &steps);
    }

    #[test]
    fn replicas_converge_exactly_once_on_a_postgres_hub(steps in prop::collection::vec(step(), 10..70)) {
        // A fresh database per case on the shared throwaway server.
        if let Some(db) = common::PgDatabase::create() {
            property(Some(&db.url), &steps);
        }
    }
}

//! Hostile and broken devices against the hub's validator and role rules, on both engines: for
//! every synced entity a push with a missing required field, a wrong type, a bad vocabulary
//! value, an oversized text, an unknown field, a huge `base_seq`, a delete by a technician; a
//! foreign or absurd number, another technician's time, a signed report with a wrong hash, a
//! clock far ahead. Each is refused with its code and logged; nothing reaches another device;
//! honest devices keep syncing and a new device still takes the snapshot.
//!
//! Also the two reproductions of issue 13: an empty `client` insert that used to stop every
//! device for good, and a ticket number that set another device's counter to i64::MAX.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::collections::HashSet;

use rapportino_core::store::Entity;
use rapportino_core::tickets;
use rapportino_hub::auth::AuthedDevice;
use rapportino_hub::engine;
use rapportino_model::hlc::Hlc;
use rapportino_model::merge::MAX_CLOCK_SKEW_MS;
use rapportino_model::numbers;
use rapportino_model::protocol::{Mutation, Op, Outcome, PushRequest, PushResponse, Role};
use rapportino_model::schema::{self, Column, Kind};
use rapportino_model::validate::{check_mutation, Writer};
use rapportino_model::SCHEMA_VERSION;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use sync_support::*;

/// A device that talks to the engine directly with whatever it likes.
struct Hostile {
    device: AuthedDevice,
    /// Mutation ids it pushed, to check none of them reached anyone.
    pushed: Vec<String>,
}

impl Hostile {
    fn new(code: &str, role: Role) -> Hostile {
        Hostile {
            device: AuthedDevice {
                device_id: uuid::Uuid::now_v7().to_string(),
                device_code: code.into(),
                role,
            },
            pushed: Vec::new(),
        }
    }

    fn mutation(&self, entity: Entity, id: &str, op: Op, fields: Map<String, Value>) -> Mutation {
        Mutation {
            mutation_id: uuid::Uuid::now_v7().to_string(),
            entity: entity.name().into(),
            entity_id: id.into(),
            op,
            fields,
            hlc: Hlc::from_parts(chrono::Utc::now().timestamp_millis(), 0).0,
            device_id: self.device.device_id.clone(),
            recorded_at: "2026-12-06T10:00:00Z".into(),
            base_seq: 0,
        }
    }

    fn push(&mut self, hub: &TestHub, m: Mutation) -> PushResponse {
        self.pushed.push(m.mutation_id.clone());
        engine::push(
            &hub.storage,
            &self.device,
            PushRequest {
                schema_version: SCHEMA_VERSION,
                mutations: vec![m],
            },
            chrono::Utc::now().timestamp_millis(),
        )
        .unwrap()
    }

    /// Pushes `m` and checks it is refused with `code`, logged, and sequenced nothing.
    fn refused(&mut self, hub: &TestHub, m: Mutation, code: &str) {
        let before = max_seq(hub);
        let what = format!("{} {} {:?}", m.op.as_str(), m.entity, m.fields.keys());
        let id = m.mutation_id.clone();
        let answer = self.push(hub, m);
        let result = &answer.results[0];
        assert_eq!(result.outcome, Outcome::Rejected, "{what}");
        assert_eq!(result.code.as_deref(), Some(code), "{what}");
        assert_eq!(max_seq(hub), before, "{what}: nothing sequenced");
        let logged = hub.storage.registry().refusals(5).unwrap();
        assert!(
            logged.iter().any(|r| r.mutation_id == id && r.code == code),
            "{what}: logged under refusals"
        );
    }
}

fn max_seq(hub: &TestHub) -> i64 {
    hub.storage.read(|r| r.max_seq()).unwrap()
}

/// A valid value of a column, as an honest device would send it.
fn valid(entity: Entity, col: &Column, code: &str) -> Value {
    match col.kind {
        Kind::Id => json!(uuid::Uuid::now_v7().to_string()),
        Kind::Text(_) => json!("x"),
        Kind::Instant => json!("2026-11-20T10:00:00Z"),
        Kind::Date => json!("2026-11-20"),
        Kind::Integer => json!(1),
        Kind::Real => json!(1.5),
        Kind::Bool => json!(false),
        Kind::Enum(values) => json!(values[0]),
        Kind::Json(_) => json!("[]"),
        Kind::Number => json!(format!(
            "{}-2026-{code}-0001",
            numbers::prefix_of(entity).unwrap()
        )),
    }
}

/// A complete, valid insert of `entity` (checked by the pure validator first, so a refusal
/// below is the variant's doing).
fn valid_insert(h: &Hostile, entity: Entity) -> Mutation {
    let id = if entity == Entity::Setting {
        "hostile_setting".to_owned()
    } else {
        uuid::Uuid::now_v7().to_string()
    };
    let fields: Map<String, Value> = schema::columns(entity)
        .iter()
        .map(|c| {
            let v = if c.name == entity.key_column() {
                json!(id)
            } else {
                valid(entity, c, &h.device.device_code)
            };
            (c.name.to_owned(), v)
        })
        .collect();
    let m = h.mutation(entity, &id, Op::Insert, fields);
    let writer = Writer {
        role: Role::Office,
        device_code: &h.device.device_code,
        hub_seq: 0,
    };
    assert_eq!(check_mutation(&m, &writer), Ok(entity), "{m:?}");
    m
}

fn with(m: &Mutation, field: &str, value: Value) -> Mutation {
    let mut m = m.clone();
    m.mutation_id = uuid::Uuid::now_v7().to_string();
    m.fields.insert(field.into(), value);
    m
}

fn every_entity_refuses_bad_shapes(hub: &TestHub, office: &mut Hostile, tech: &mut Hostile) {
    for entity in Entity::ALL {
        if entity == Entity::SyncConflict {
            // Conflicts are the hub's: a device may only resolve them.
            let m = valid_insert(office, entity);
            office.refused(hub, m, "UNKNOWN_ENTITY");
            continue;
        }
        let base = valid_insert(office, entity);
        let cols = schema::columns(entity);
        let key = entity.key_column();
        // A missing required field.
        let required = cols.iter().find(|c| c.required() && c.name != key).unwrap();
        let mut missing = with(&base, "unused", Value::Null);
        missing.fields.remove("unused");
        missing.fields.remove(required.name);
        office.refused(hub, missing, "MISSING_FIELD");
        // Null for a required field.
        office.refused(
            hub,
            with(&base, required.name, Value::Null),
            "MISSING_FIELD",
        );
        // A wrong type.
        let typed = cols
            .iter()
            .find(|c| c.name != key && !matches!(c.kind, Kind::Enum(_) | Kind::Json(_)))
            .unwrap();
        office.refused(hub, with(&base, typed.name, json!({"a": 1})), "WRONG_TYPE");
        // A value outside the vocabulary.
        if let Some(col) = cols.iter().find(|c| matches!(c.kind, Kind::Enum(_))) {
            office.refused(hub, with(&base, col.name, json!("exploded")), "BAD_ENUM");
        }
        // An oversized text.
        if let Some((col, max)) = cols.iter().find_map(|c| match c.kind {
            Kind::Text(max) if c.name != key => Some((c, max)),
            _ => None,
        }) {
            let long = "é".repeat(max + 1);
            office.refused(hub, with(&base, col.name, json!(long)), "TOO_LONG");
        }
        // More fields than the table has; a field the table does not have.
        office.refused(hub, with(&base, "nickname", json!("x")), "TOO_MANY_FIELDS");
        if let Some(optional) = cols.iter().find(|c| !c.required()) {
            let mut unknown = with(&base, "nickname", json!("x"));
            unknown.fields.remove(optional.name);
            office.refused(hub, unknown, "UNKNOWN_FIELD");
        }
        // A base_seq beyond the hub's sequence.
        let mut ahead = with(&base, key, json!(base.entity_id));
        ahead.base_seq = max_seq(hub) + 1_000_000;
        office.refused(hub, ahead, "BASE_SEQ_AHEAD");
        // A number with someone else's code, or an absurd one.
        if let Some(col) = cols.iter().find(|c| c.kind == Kind::Number) {
            let prefix = numbers::prefix_of(entity).unwrap();
            let foreign = json!(format!("{prefix}-2026-ZZ-0001"));
            office.refused(hub, with(&base, col.name, foreign), "FOREIGN_NUMBER");
            let absurd = json!(format!(
                "{prefix}-2026-{}-9223372036854775806",
                office.device.device_code
            ));
            office.refused(hub, with(&base, col.name, absurd), "BAD_NUMBER");
        }
        // A technician deletes (only material lines may be deleted by a technician).
        if entity != Entity::Material {
            let delete = tech.mutation(entity, &base.entity_id, Op::Delete, Map::new());
            tech.refused(hub, delete, "FORBIDDEN_ROLE");
        }
    }
}

fn hostile_suite(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut honest = Device::enrolled(dir.path(), &hub, "HA", rome(2026, 11, 17, 9, 0));
    let client = honest.client("Farmacia Centrale");
    honest.sync();

    let mut office = Hostile::new("EV", Role::Office);
    let mut tech = Hostile::new("TK", Role::Technician);
    every_entity_refuses_bad_shapes(&hub, &mut office, &mut tech);

    // A technician's device writes only its own technician's time.
    let own_tech = uuid::Uuid::now_v7().to_string();
    let mut device_row = Map::new();
    device_row.insert("id".into(), json!(tech.device.device_id));
    device_row.insert("code".into(), json!("TK"));
    device_row.insert("technician_id".into(), json!(own_tech));
    device_row.insert("created_at".into(), json!("2026-11-20T10:00:00Z"));
    device_row.insert("updated_at".into(), json!("2026-11-20T10:00:00Z"));
    let id = tech.device.device_id.clone();
    let m = tech.mutation(Entity::Device, &id, Op::Insert, device_row);
    assert_eq!(tech.push(&hub, m).results[0].outcome, Outcome::Applied);
    // ...and cannot move itself to another technician, whose time it could then write.
    let mut moved = tech.mutation(Entity::Device, &id, Op::Update, Map::new());
    moved.fields.insert(
        "technician_id".into(),
        json!(uuid::Uuid::now_v7().to_string()),
    );
    tech.refused(&hub, moved, "FORBIDDEN_ROLE");
    let entry = valid_insert(&tech, Entity::TimeEntry);
    let others = with(
        &entry,
        "technician_id",
        json!(uuid::Uuid::now_v7().to_string()),
    );
    tech.refused(&hub, others, "FORBIDDEN_ROLE");
    // ...and cannot approve its own segment.
    let segment = with(&entry, "technician_id", json!(own_tech));
    let segment_id = segment.entity_id.clone();
    assert_eq!(
        tech.push(&hub, segment).results[0].outcome,
        Outcome::Applied
    );
    let mut approval = with(&entry, "technician_id", json!(own_tech));
    approval.entity_id = uuid::Uuid::now_v7().to_string();
    approval
        .fields
        .insert("id".into(), json!(approval.entity_id));
    approval.fields.insert("kind".into(), json!("approval"));
    approval
        .fields
        .insert("corrects_id".into(), json!(segment_id));
    tech.refused(&hub, approval.clone(), "FORBIDDEN_ROLE");
    // The office may.
    let mut by_office = approval;
    by_office.mutation_id = uuid::Uuid::now_v7().to_string();
    by_office.device_id = office.device.device_id.clone();
    assert_eq!(
        office.push(&hub, by_office).results[0].outcome,
        Outcome::Applied
    );
    // A technician cannot write billing terms or a contract (a PIN lives there).
    let contract = valid_insert(&tech, Entity::Contract);
    tech.refused(&hub, contract, "FORBIDDEN_ROLE");
    let mut billing = tech.mutation(Entity::Setting, "billing_defaults", Op::Update, Map::new());
    billing.fields.insert("value".into(), json!("{}"));
    tech.refused(&hub, billing, "FORBIDDEN_ROLE");

    // A report inserted already signed must carry the SHA-256 of its snapshot.
    let report = valid_insert(&office, Entity::Report);
    let snapshot = r#"{"format":1,"content":"forged"}"#;
    let mut signed = with(&report, "status", json!("signed"));
    signed.fields.insert("snapshot".into(), json!(snapshot));
    signed
        .fields
        .insert("snapshot_sha256".into(), json!("0".repeat(64)));
    office.refused(&hub, signed.clone(), "REPORT_HASH_MISMATCH");
    let mut honest_hash = with(&signed, "snapshot", json!(snapshot));
    honest_hash.fields.insert(
        "snapshot_sha256".into(),
        json!(hex::encode(Sha256::digest(snapshot.as_bytes()))),
    );
    assert_eq!(
        office.push(&hub, honest_hash).results[0].outcome,
        Outcome::Applied
    );

    // A clock far ahead is accepted, clamped to the hub's time, and the device flagged.
    let mut future = tech.mutation(
        Entity::Client,
        &client.id.to_string(),
        Op::Update,
        Map::new(),
    );
    future.fields.insert("phone".into(), json!("02 1234567"));
    let now = chrono::Utc::now().timestamp_millis();
    future.hlc = Hlc::from_parts(now + 365 * 24 * 3_600_000, 0).0;
    let answer = tech.push(&hub, future);
    assert_eq!(answer.results[0].outcome, Outcome::Applied);
    assert!(answer.clock_skew_ms.unwrap() > MAX_CLOCK_SKEW_MS);
    assert!(Hlc(answer.hub_hlc).physical_ms() <= now + MAX_CLOCK_SKEW_MS + 60_000);

    // Honest devices keep syncing; nothing refused reached them; a new device takes the
    // snapshot.
    honest.sync();
    let fresh = Device::enrolled(dir.path(), &hub, "HB", rome(2026, 11, 17, 9, 0));
    let mut fresh = fresh;
    fresh.sync();
    for d in [&honest, &fresh] {
        assert_eq!(
            count(
                &d.store,
                "SELECT count(*) FROM clients WHERE name = 'x' OR name = ''"
            ),
            0
        );
        assert_eq!(count(&d.store, "SELECT count(*) FROM contracts"), 0);
    }
    let refused: HashSet<String> = hub
        .storage
        .registry()
        .refusals(10_000)
        .unwrap()
        .into_iter()
        .map(|r| r.mutation_id)
        .collect();
    let served = engine::pull(&hub.storage, 0, 5_000).unwrap();
    assert!(served
        .changes
        .iter()
        .all(|c| !refused.contains(&c.mutation_id)));
    assert!(refused.len() > 80, "{} refusals", refused.len());
    honest.sync();
    assert_converged(&[&honest, &fresh]);
    // A field name that is not an identifier is not even a mutation: the batch is refused.
    let evil = with(
        &valid_insert(&office, Entity::Client),
        "name; drop",
        json!("x"),
    );
    let err = engine::push(
        &hub.storage,
        &office.device,
        PushRequest {
            schema_version: SCHEMA_VERSION,
            mutations: vec![evil],
        },
        chrono::Utc::now().timestamp_millis(),
    )
    .unwrap_err();
    assert!(format!("{err:?}").contains("not a field name"), "{err:?}");
}

/// Issue 13, reproduction 1: an empty client insert used to be applied, and then no device
/// could store the hub's changes (NOT NULL constraint failed: clients.name) or take a snapshot.
fn empty_client_insert(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut a = Device::enrolled(dir.path(), &hub, "AA", rome(2026, 11, 17, 9, 0));
    a.client("Studio Bianchi");
    a.sync();
    let mut evil = Hostile::new("EV", Role::Technician);
    let id = uuid::Uuid::now_v7().to_string();
    let empty = evil.mutation(Entity::Client, &id, Op::Insert, Map::new());
    evil.refused(&hub, empty, "MISSING_FIELD");
    a.client("Farmacia Centrale");
    a.sync();
    let mut b = Device::enrolled(dir.path(), &hub, "BB", rome(2026, 11, 17, 9, 0));
    b.sync();
    a.sync();
    assert_eq!(count(&b.store, "SELECT count(*) FROM clients"), 2);
    assert_converged(&[&a, &b]);
}

/// Issue 13, reproduction 2: a ticket numbered with device BB's code and an absurd sequence,
/// pushed by another device, used to set BB's counter to i64::MAX.
fn foreign_number(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut bb = Device::enrolled(dir.path(), &hub, "BB", rome(2026, 11, 17, 9, 0));
    let client = bb.client("Studio Bianchi");
    bb.sync();
    let mut aa = Hostile::new("AA", Role::Office);
    let base = valid_insert(&aa, Entity::Ticket);
    let poisoned = with(&base, "number", json!("T-2026-BB-9223372036854775806"));
    aa.refused(&hub, poisoned.clone(), "BAD_NUMBER");
    let foreign = with(&base, "number", json!("T-2026-BB-0500"));
    aa.refused(&hub, foreign, "FOREIGN_NUMBER");
    bb.sync();
    let t = tickets::open(&mut bb.store, &new_ticket(client.id, "Stampante")).unwrap();
    assert!(t.number.ends_with("-BB-0001"), "{}", t.number);
    bb.sync();
}

#[test]
fn hostile_devices_on_a_sqlite_hub() {
    hostile_suite(None);
}

#[test]
fn hostile_devices_on_a_postgres_hub() {
    if let Some(pg) = common::postgres_storage() {
        hostile_suite(Some(&pg.url));
    }
}

#[test]
fn an_empty_insert_stops_nobody_sqlite() {
    empty_client_insert(None);
}

#[test]
fn an_empty_insert_stops_nobody_postgres() {
    if let Some(pg) = common::postgres_storage() {
        empty_client_insert(Some(&pg.url));
    }
}

#[test]
fn a_foreign_number_breaks_no_counter_sqlite() {
    foreign_number(None);
}

#[test]
fn a_foreign_number_breaks_no_counter_postgres() {
    if let Some(pg) = common::postgres_storage() {
        foreign_number(Some(&pg.url));
    }
}

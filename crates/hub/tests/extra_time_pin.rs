//! Extra-time PINs never reach technician devices (issue 13): the hub strips a contract's PIN
//! hash from everything it sends the technician role (snapshot, pulls, push corrections,
//! conflicts), checks the PIN for a technician online (`POST /v1/extra-time`: argon2id, wrong
//! tries limited per ticket and logged) and answers a grant; a technician's `extra_time`
//! without the hub's grant for that ticket is refused (`EXTRA_TIME_NOT_GRANTED`). Office
//! devices keep the hash and check locally. Offline, a technician's device says
//! `PIN_NEEDS_HUB` and changes nothing. Both engines.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use chrono::Utc;
use rapportino_core::calendars::{self, CalendarPreset};
use rapportino_core::contracts::{self, ContractInput, ContractKind, SlaTarget, SlaTargets};
use rapportino_core::ids::{ContractId, TicketId};
use rapportino_core::store::Entity;
use rapportino_core::{tickets, Code};
use rapportino_hub::auth::AuthedDevice;
use rapportino_hub::engine;
use rapportino_hub::extra_time as hub_extra_time;
use rapportino_hub::HubError;
use rapportino_model::hlc::Hlc;
use rapportino_model::protocol::{
    wire_code, ExtraTimeRequest, Mutation, Op, Outcome, PushRequest, PushResponse, Role,
};
use rapportino_model::SCHEMA_VERSION;
use serde_json::{json, Map, Value};
use sync_support::*;

fn office_device(dir: &std::path::Path, hub: &TestHub, code: &str) -> Device {
    let mut d = Device::onboarded(dir, code, rome(2026, 11, 22, 10, 0));
    rapportino_sync_http::enrol(
        &mut d.store,
        &hub.url,
        &hub.code(Role::Office),
        "Ufficio",
        hub.ca_pem.as_deref(),
    )
    .unwrap();
    d
}

fn sla_contract(d: &mut Device, client: &rapportino_core::clients::Client) -> ContractId {
    let cal = calendars::create_from_preset(&mut d.store, CalendarPreset::FiveByEight)
        .unwrap()
        .id;
    let target = |r, i| SlaTarget {
        response_minutes: Some(r),
        intervention_minutes: Some(i),
        resolution_minutes: None,
    };
    contracts::create(
        &mut d.store,
        &ContractInput {
            client_id: client.id,
            kind: ContractKind::Sla,
            starts_on: "2026-01-01".into(),
            calendar_id: Some(cal),
            targets: SlaTargets {
                blocking: target(30, 120),
                degraded: target(120, 480),
                request: target(480, 240),
            },
            extra_time_allowed: true,
            extra_time_pin: Some("4711".into()),
            extra_time_multiplier_pct: Some(150),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn pin_hashes(d: &Device) -> i64 {
    count(
        &d.store,
        "SELECT count(*) FROM contracts WHERE extra_time_pin_hash IS NOT NULL",
    )
}

fn ticket_row(d: &Device, id: TicketId) -> (i64, Option<String>) {
    d.store
        .conn()
        .query_row(
            "SELECT extra_time, extra_time_grant FROM tickets WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn hub_pulls_hash(hub: &TestHub, role: Role) -> bool {
    let page = engine::pull_as(&hub.storage, role, 0, 5_000).unwrap();
    page.changes
        .iter()
        .any(|c| c.fields.contains_key("extra_time_pin_hash"))
}

fn hub_snapshot_has_hash(hub: &TestHub, role: Role) -> bool {
    let mut out = Vec::new();
    engine::snapshot_as(&hub.storage, role, &mut |b| {
        out.extend_from_slice(b);
        Ok(())
    })
    .unwrap();
    String::from_utf8(out)
        .unwrap()
        .contains("extra_time_pin_hash")
}

/// A technician's device pushing whatever it likes, straight to the engine.
fn raw_push(hub: &TestHub, device: &AuthedDevice, m: Mutation) -> PushResponse {
    engine::push(
        &hub.storage,
        device,
        PushRequest {
            schema_version: SCHEMA_VERSION,
            mutations: vec![m],
        },
        Utc::now().timestamp_millis(),
    )
    .unwrap()
}

fn mutation(device: &AuthedDevice, entity: &str, id: &str, fields: Value) -> Mutation {
    Mutation {
        mutation_id: uuid::Uuid::now_v7().to_string(),
        entity: entity.into(),
        entity_id: id.into(),
        op: Op::Update,
        fields: fields.as_object().cloned().unwrap_or_else(Map::new),
        hlc: Hlc::from_parts(Utc::now().timestamp_millis(), 0).0,
        device_id: device.device_id.clone(),
        recorded_at: "2026-11-22T10:00:00Z".into(),
        base_seq: 0,
    }
}

fn scenario(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut office = office_device(dir.path(), &hub, "UF");
    let client = office.client("Residence Le Vele");
    let contract = sla_contract(&mut office, &client);
    office.sync();

    // The snapshot: the technician's device gets the contract, allowed extra time, no hash.
    let mut tech = Device::enrolled(dir.path(), &hub, "MR", rome(2026, 11, 22, 10, 0));
    tech.sync();
    assert_eq!(pin_hashes(&office), 1, "the office keeps the hash");
    assert_eq!(pin_hashes(&tech), 0, "no PIN hash reaches a technician");
    let seen = contracts::get(&tech.store, contract).unwrap();
    assert!(seen.terms.extra_time_allowed && seen.has_extra_time_pin);
    assert!(hub_snapshot_has_hash(&hub, Role::Office));
    assert!(!hub_snapshot_has_hash(&hub, Role::Technician));
    // Pulls: the contract's change carries the hash to the office role only.
    assert!(hub_pulls_hash(&hub, Role::Office));
    assert!(!hub_pulls_hash(&hub, Role::Technician));

    // The technician claims extra time: the hub checks the PIN.
    let t = tickets::open(&mut tech.store, &new_ticket(client.id, "Allarme"))
        .unwrap()
        .id;
    let err = rapportino_sync_http::claim_extra_time(&mut tech.store, t, "0000").unwrap_err();
    assert_eq!(err.code(), Code::WrongPin, "{err}");
    assert_eq!(ticket_row(&tech, t), (0, None));
    let logged = hub.storage.registry().refusals(5).unwrap();
    assert_eq!(logged[0].code, wire_code::WRONG_PIN);
    assert_eq!(logged[0].mutation_id, format!("extra-time:{t}"));
    let claimed = rapportino_sync_http::claim_extra_time(&mut tech.store, t, "4711").unwrap();
    assert!(claimed.extra_time);
    let (on, grant) = ticket_row(&tech, t);
    assert_eq!(on, 1);
    assert!(grant.as_deref().is_some_and(|g| g.starts_with("v1.")));
    let report = tech.sync();
    assert_eq!(
        report.rejected, 0,
        "the grant lets the technician's extra time in"
    );
    office.sync();
    assert_eq!(
        ticket_row(&office, t).0,
        1,
        "the office sees the extra time"
    );

    // A new ticket with the PIN, on the technician's device: the hub grants it too.
    let mut with_pin = new_ticket(client.id, "Rete giù");
    with_pin.extra_time_pin = Some("4711".into());
    let opened = rapportino_sync_http::open_ticket(&mut tech.store, &with_pin).unwrap();
    assert!(opened.extra_time);
    assert_eq!(tech.sync().rejected, 0);
    // The office checks the PIN itself (it holds the hash): no grant.
    let o = tickets::open(&mut office.store, &new_ticket(client.id, "Stampante"))
        .unwrap()
        .id;
    rapportino_sync_http::claim_extra_time(&mut office.store, o, "4711").unwrap();
    assert_eq!(ticket_row(&office, o), (1, None));
    assert_eq!(office.sync().rejected, 0, "the office needs no grant");

    // Hostile pushes of a technician's device.
    let hostile = AuthedDevice {
        device_id: uuid::Uuid::now_v7().to_string(),
        device_code: "HX".into(),
        role: Role::Technician,
    };
    let other = tickets::open(&mut tech.store, &new_ticket(client.id, "Altro"))
        .unwrap()
        .id;
    tech.sync();
    let good_grant = ticket_row(&tech, t).1.unwrap();
    for (fields, why) in [
        (json!({"extra_time": 1}), "no grant"),
        (
            json!({"extra_time": 1, "extra_time_grant": good_grant}),
            "another ticket's grant",
        ),
        (
            json!({"extra_time": 1, "extra_time_grant": format!("v1.{contract}.1.{}", "0".repeat(64))}),
            "a forged grant",
        ),
    ] {
        let answer = raw_push(
            &hub,
            &hostile,
            mutation(&hostile, "ticket", &other.to_string(), fields),
        );
        assert_eq!(answer.results[0].outcome, Outcome::Rejected, "{why}");
        assert_eq!(
            answer.results[0].code.as_deref(),
            Some(wire_code::EXTRA_TIME_NOT_GRANTED),
            "{why}"
        );
    }
    // A technician's contract write is refused, and its correction carries no hash.
    let answer = raw_push(
        &hub,
        &hostile,
        mutation(
            &hostile,
            Entity::Contract.name(),
            &contract.to_string(),
            json!({"extra_time_pin_hash": "x", "name": "y"}),
        ),
    );
    assert_eq!(
        answer.results[0].code.as_deref(),
        Some(wire_code::FORBIDDEN_ROLE)
    );
    let corrections = serde_json::to_string(&answer.results[0].corrections).unwrap();
    assert!(corrections.contains("\"name\""), "{corrections}");
    assert!(!corrections.contains("argon2"), "{corrections}");

    // The hub's own limit, whatever the device counts: 5 wrong tries lock the ticket.
    let ask = |pin: &str| {
        hub_extra_time::claim(
            &hub.storage,
            &hostile,
            &ExtraTimeRequest {
                ticket_id: other.to_string(),
                contract_id: contract.to_string(),
                pin: pin.into(),
            },
            Utc::now(),
        )
    };
    for _ in 0..5 {
        assert!(matches!(ask("1234"), Err(HubError::WrongPin)));
    }
    assert!(matches!(ask("4711"), Err(HubError::PinLocked { .. })));
    let later = hub_extra_time::claim(
        &hub.storage,
        &hostile,
        &ExtraTimeRequest {
            ticket_id: other.to_string(),
            contract_id: contract.to_string(),
            pin: "4711".into(),
        },
        Utc::now() + chrono::Duration::minutes(16),
    );
    assert!(later.is_ok(), "the window passes");

    // Offline: PIN_NEEDS_HUB, nothing written.
    tech.store
        .conn()
        .execute(
            "UPDATE local_state SET value = 'https://localhost:9' WHERE key = 'sync.hub_url'",
            [],
        )
        .unwrap();
    let err = rapportino_sync_http::claim_extra_time(&mut tech.store, other, "4711").unwrap_err();
    assert_eq!(err.code(), Code::PinNeedsHub, "{err}");
    assert_eq!(ticket_row(&tech, other), (0, None));
    // The local path says the same (it never checks a PIN it does not hold).
    let err = tickets::claim_extra_time(&mut tech.store, other, "4711").unwrap_err();
    assert_eq!(err.code(), Code::PinNeedsHub);
}

#[test]
fn pin_hashes_stay_off_technician_devices_on_a_sqlite_hub() {
    scenario(None);
}

#[test]
fn pin_hashes_stay_off_technician_devices_on_a_postgres_hub() {
    if let Some(pg) = common::postgres_storage() {
        scenario(Some(&pg.url));
    }
}

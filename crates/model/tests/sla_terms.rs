//! Issue 17, items 6 and 7 on the hub: a contract (and a template) carries a resolution target
//! per severity and a calendar per severity; the validator takes them with their types, refuses
//! a wrong type, and they stay the office's to write.
#![allow(clippy::unwrap_used)]

use rapportino_model::protocol::{wire_code, Mutation, Op, Role};
use rapportino_model::validate::{authorize, check_mutation, Stored, Writer};
use rapportino_model::Entity;
use serde_json::{json, Value};

fn mutation(entity: Entity, fields: Value) -> Mutation {
    Mutation {
        mutation_id: "m-1".into(),
        entity: entity.name().into(),
        entity_id: "row-1".into(),
        op: Op::Update,
        fields: fields.as_object().cloned().unwrap_or_default(),
        hlc: 1,
        device_id: "dev-1".into(),
        recorded_at: "2026-12-07T10:00:00Z".into(),
        base_seq: 0,
    }
}

#[test]
fn resolution_targets_and_severity_calendars_are_validated() {
    let w = Writer {
        role: Role::Office,
        device_code: "MR",
        hub_seq: 0,
    };
    for entity in [Entity::Contract, Entity::ContractTemplate] {
        let good = mutation(
            entity,
            json!({"resolution_blocking_minutes": 480, "resolution_request_minutes": null,
                   "calendar_blocking_id": "cal-7x8", "calendar_degraded_id": null}),
        );
        assert_eq!(check_mutation(&good, &w).map_err(|r| r.code), Ok(entity));
        let text = mutation(entity, json!({"resolution_degraded_minutes": "otto ore"}));
        assert_eq!(
            check_mutation(&text, &w).map_err(|r| r.code),
            Err(wire_code::WRONG_TYPE)
        );
        let bad_id = mutation(entity, json!({"calendar_request_id": "not an id!"}));
        assert!(check_mutation(&bad_id, &w).is_err());
        let stored = Stored {
            current: None,
            writer_technician: Some("tech-1"),
            corrected_technician: None,
        };
        assert_eq!(
            authorize(Role::Technician, &good, entity, &stored).map_err(|r| r.code),
            Err(wire_code::FORBIDDEN_ROLE)
        );
    }
}

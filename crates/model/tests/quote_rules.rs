//! Issue 17 on the hub: the catalogue is the office's; an accepted quote carries the SHA-256 of
//! its snapshot; quote numbers are `P-…` of the writer's own device.
#![allow(clippy::unwrap_used)]

use rapportino_model::protocol::{wire_code, Mutation, Op, Role};
use rapportino_model::validate::{authorize, check_accepted_quote, check_mutation, Stored, Writer};
use rapportino_model::Entity;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn mutation(entity: Entity, op: Op, fields: Value) -> Mutation {
    Mutation {
        mutation_id: "m-1".into(),
        entity: entity.name().into(),
        entity_id: "row-1".into(),
        op,
        fields: fields.as_object().cloned().unwrap_or_default(),
        hlc: 1,
        device_id: "dev-1".into(),
        recorded_at: "2026-12-07T10:00:00Z".into(),
        base_seq: 0,
    }
}

#[test]
fn the_catalogue_is_written_by_the_office_only() {
    let m = mutation(
        Entity::Article,
        Op::Insert,
        json!({"code": "SSD", "description": "SSD",
        "unit": "pz", "unit_price_cents": 100, "vat_rate": 22}),
    );
    let stored = Stored {
        current: None,
        writer_technician: Some("tech-1"),
        corrected_technician: None,
    };
    assert_eq!(
        authorize(Role::Technician, &m, Entity::Article, &stored).map_err(|r| r.code),
        Err(wire_code::FORBIDDEN_ROLE)
    );
    assert!(authorize(Role::Office, &m, Entity::Article, &stored).is_ok());
    // A technician writes quotes (made and signed at the customer's).
    let q = mutation(Entity::Quote, Op::Insert, json!({"status": "draft"}));
    assert!(authorize(Role::Technician, &q, Entity::Quote, &stored).is_ok());
}

#[test]
fn an_accepted_quote_needs_the_hash_of_its_snapshot() {
    let snapshot = r#"{"format":1}"#;
    let good = hex::encode(Sha256::digest(snapshot.as_bytes()));
    let row = |hash: &str| {
        json!({"status": "accepted", "snapshot": snapshot, "snapshot_sha256": hash})
            .as_object()
            .cloned()
            .unwrap()
    };
    assert!(check_accepted_quote(&row(&good)).is_ok());
    assert_eq!(
        check_accepted_quote(&row(&"0".repeat(64))).map_err(|r| r.code),
        Err(wire_code::REPORT_HASH_MISMATCH)
    );
    let draft = json!({"status": "draft"}).as_object().cloned().unwrap();
    assert!(check_accepted_quote(&draft).is_ok());
}

#[test]
fn quote_numbers_are_p_numbers_of_the_writers_device() {
    let w = Writer {
        role: Role::Technician,
        device_code: "MR",
        hub_seq: 0,
    };
    let insert = |number: &str| {
        mutation(
            Entity::Quote,
            Op::Insert,
            json!({"number": number, "client_id": "c-1", "status": "draft",
                   "valid_until": "2026-12-31", "created_at": "2026-12-07T10:00:00Z",
                   "updated_at": "2026-12-07T10:00:00Z"}),
        )
    };
    assert!(check_mutation(&insert("P-2026-MR-0001"), &w).is_ok());
    for (bad, code) in [
        ("T-2026-MR-0001", wire_code::BAD_NUMBER),
        ("P-2026-BB-0001", wire_code::FOREIGN_NUMBER),
        ("P-2026-MR-1000000", wire_code::BAD_NUMBER),
    ] {
        assert_eq!(
            check_mutation(&insert(bad), &w).map_err(|r| r.code),
            Err(code),
            "{bad}"
        );
    }
}

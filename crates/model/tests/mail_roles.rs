//! The role rules of customer messages: a technician's laptop may queue or withdraw a message the
//! hub sends, never write how its sending went; it writes its own messages' outcomes freely; the
//! mail settings and templates are the office's; an attachment is written once.
#![allow(clippy::unwrap_used)]

use rapportino_model::protocol::{wire_code, Mutation, Op, Role};
use rapportino_model::validate::{authorize, Stored};
use rapportino_model::Entity;
use serde_json::{json, Map, Value};

fn mutation(entity: Entity, id: &str, op: Op, fields: Value) -> Mutation {
    Mutation {
        mutation_id: "m-1".into(),
        entity: entity.name().into(),
        entity_id: id.into(),
        op,
        fields: fields.as_object().cloned().unwrap_or_default(),
        hlc: 1,
        device_id: "dev-1".into(),
        recorded_at: "2026-12-07T10:00:00Z".into(),
        base_seq: 0,
    }
}

fn check(
    role: Role,
    m: &Mutation,
    entity: Entity,
    current: Option<&Map<String, Value>>,
) -> Result<(), &'static str> {
    let stored = Stored {
        current,
        writer_technician: Some("tech-1"),
        corrected_technician: None,
    };
    authorize(role, m, entity, &stored).map_err(|r| r.code)
}

#[test]
fn a_technician_queues_or_withdraws_a_hub_message_but_never_writes_its_outcome() {
    let hub_msg = json!({"sender": "hub", "status": "failed"});
    let hub_msg = hub_msg.as_object().unwrap();
    let forbidden = Err(wire_code::FORBIDDEN_ROLE);
    let update = |fields: Value| mutation(Entity::Message, "msg-1", Op::Update, fields);
    for ok in [
        json!({"status": "queued"}),
        json!({"status": "cancelled"}),
        json!({"status": "queued", "next_attempt_at": null}),
    ] {
        assert_eq!(
            check(
                Role::Technician,
                &update(ok.clone()),
                Entity::Message,
                Some(hub_msg)
            ),
            Ok(()),
            "{ok}"
        );
    }
    for bad in [
        json!({"status": "sent"}),
        json!({"last_reply": "250 ok"}),
        json!({"status": "queued", "sender": "MR"}),
        json!({"recipients": "[\"x@y.it\"]"}),
    ] {
        assert_eq!(
            check(
                Role::Technician,
                &update(bad.clone()),
                Entity::Message,
                Some(hub_msg)
            ),
            forbidden,
            "{bad}"
        );
    }
    // The office may; and a device's own message (working alone before) is its own to record.
    assert_eq!(
        check(
            Role::Office,
            &update(json!({"status": "sent"})),
            Entity::Message,
            Some(hub_msg)
        ),
        Ok(())
    );
    let own = json!({"sender": "MR", "status": "queued"});
    assert_eq!(
        check(
            Role::Technician,
            &update(json!({"status": "sent", "last_reply": "250"})),
            Entity::Message,
            own.as_object()
        ),
        Ok(())
    );
}

#[test]
fn mail_settings_are_the_office_s_and_an_attachment_is_written_once() {
    let forbidden = Err(wire_code::FORBIDDEN_ROLE);
    for key in ["mail", "mail.template.ticket_opened.it", "mail.client.c-1"] {
        let m = mutation(Entity::Setting, key, Op::Update, json!({"value": "{}"}));
        assert_eq!(
            check(Role::Technician, &m, Entity::Setting, None),
            forbidden,
            "{key}"
        );
        assert_eq!(
            check(Role::Office, &m, Entity::Setting, None),
            Ok(()),
            "{key}"
        );
    }
    let insert = mutation(
        Entity::MessageAttachment,
        "a-1",
        Op::Insert,
        json!({"name": "RI.pdf"}),
    );
    assert_eq!(
        check(Role::Technician, &insert, Entity::MessageAttachment, None),
        Ok(())
    );
    let update = mutation(
        Entity::MessageAttachment,
        "a-1",
        Op::Update,
        json!({"content": "x"}),
    );
    assert_eq!(
        check(Role::Technician, &update, Entity::MessageAttachment, None),
        forbidden
    );
}

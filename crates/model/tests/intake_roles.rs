//! The role rules of the intake: the hub writes incoming requests, the customer messages and the
//! attachment lists they bring; the office triages requests (their outcome, never their content);
//! technicians only read them; a customer message and an attachment listing are written once.
#![allow(clippy::unwrap_used)]

use rapportino_model::protocol::{wire_code, Mutation, Op, Role};
use rapportino_model::validate::{authorize, check_mutation, Stored, Writer};
use rapportino_model::Entity;
use serde_json::{json, Value};

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

fn check(role: Role, m: &Mutation) -> Result<(), &'static str> {
    let entity = Entity::from_name(&m.entity).unwrap();
    let stored = Stored {
        current: None,
        writer_technician: Some("tech-1"),
        corrected_technician: None,
    };
    authorize(role, m, entity, &stored).map_err(|r| r.code)
}

fn request_insert() -> Mutation {
    mutation(
        Entity::IncomingRequest,
        "r-1",
        Op::Insert,
        json!({
            "id": "r-1",
            "idempotency_key": "<abc@example.com>",
            "origin": "email",
            "source": "assistenza",
            "sender_email": "anna@cliente.it",
            "subject": "URGENTE: stampante",
            "received_at": "2026-12-07T09:00:00Z",
            "status": "new",
            "created_at": "2026-12-07T09:00:01Z",
            "updated_at": "2026-12-07T09:00:01Z",
        }),
    )
}

#[test]
fn technicians_read_the_intake_but_never_write_it() {
    let forbidden = Err(wire_code::FORBIDDEN_ROLE);
    let triage = mutation(
        Entity::IncomingRequest,
        "r-1",
        Op::Update,
        json!({"status": "rejected", "reason": "spam"}),
    );
    let message = mutation(
        Entity::IncomingMessage,
        "im-1",
        Op::Insert,
        json!({"ticket_id": "t-1", "from_email": "a@b.it", "at": "2026-12-07T09:00:00Z",
               "body": "grazie", "created_at": "2026-12-07T09:00:00Z"}),
    );
    let listing = mutation(
        Entity::IncomingAttachment,
        "ia-1",
        Op::Insert,
        json!({"request_id": "r-1", "name": "log.txt"}),
    );
    for m in [&request_insert(), &triage, &message, &listing] {
        assert_eq!(check(Role::Technician, m), forbidden, "{}", m.entity);
        assert_eq!(check(Role::Office, m), Ok(()), "{}", m.entity);
        assert_eq!(check(Role::Admin, m), Ok(()), "{}", m.entity);
    }
}

#[test]
fn triage_changes_a_requests_outcome_never_what_came_in() {
    let forbidden = Err(wire_code::FORBIDDEN_ROLE);
    for bad in [
        json!({"subject": "altro"}),
        json!({"body": "riscritto"}),
        json!({"sender_email": "x@y.it"}),
        json!({"received_at": "2026-12-01T00:00:00Z"}),
        json!({"idempotency_key": "k2"}),
        json!({"status": "assigned", "origin": "phone"}),
    ] {
        let m = mutation(Entity::IncomingRequest, "r-1", Op::Update, bad.clone());
        assert_eq!(check(Role::Office, &m), forbidden, "{bad}");
        assert_eq!(check(Role::Admin, &m), forbidden, "{bad}");
    }
    let assign = mutation(
        Entity::IncomingRequest,
        "r-1",
        Op::Update,
        json!({"status": "assigned", "client_id": "c-1", "ticket_id": "t-1",
               "handled_at": "2026-12-07T10:00:00Z", "updated_at": "2026-12-07T10:00:00Z"}),
    );
    assert_eq!(check(Role::Office, &assign), Ok(()));
    for (entity, id) in [
        (Entity::IncomingMessage, "im-1"),
        (Entity::IncomingAttachment, "ia-1"),
    ] {
        let m = mutation(entity, id, Op::Update, json!({"name": "x"}));
        assert_eq!(check(Role::Office, &m), forbidden, "{}", entity.name());
    }
}

#[test]
fn the_schema_checks_an_incoming_request() {
    let w = Writer {
        role: Role::Office,
        device_code: "HB",
        hub_seq: 0,
    };
    assert_eq!(
        check_mutation(&request_insert(), &w),
        Ok(Entity::IncomingRequest)
    );
    let mut bad_status = request_insert();
    bad_status.fields.insert("status".into(), json!("spam"));
    assert_eq!(
        check_mutation(&bad_status, &w).map_err(|r| r.code),
        Err(wire_code::BAD_ENUM)
    );
    let mut no_key = request_insert();
    no_key.fields.remove("idempotency_key");
    assert_eq!(
        check_mutation(&no_key, &w).map_err(|r| r.code),
        Err(wire_code::MISSING_FIELD)
    );
    let mut long_key = request_insert();
    long_key
        .fields
        .insert("idempotency_key".into(), json!("k".repeat(301)));
    assert_eq!(
        check_mutation(&long_key, &w).map_err(|r| r.code),
        Err(wire_code::TOO_LONG)
    );
}

/// A message needs a client, but the polite reply to a declined request: no client, exactly one
/// recipient, no copy.
#[test]
fn only_a_declined_requests_reply_goes_without_a_client() {
    let w = Writer {
        role: Role::Office,
        device_code: "UF",
        hub_seq: 0,
    };
    let message = |kind: &str, client: Value, recipients: &str, cc: &str| {
        mutation(
            Entity::Message,
            "msg-1",
            Op::Insert,
            json!({
                "id": "msg-1", "kind": kind, "client_id": client, "language": "it",
                "recipients": recipients, "cc": cc, "subject": "Re: Offerta",
                "body": "Gentile...", "message_id": "<x@shop.it>", "sender": "UF",
                "status": "queued", "created_at": "2026-12-07T09:00:01Z",
                "updated_at": "2026-12-07T09:00:01Z",
            }),
        )
    };
    let code = |m: &Mutation| check_mutation(m, &w).map(|_| ()).map_err(|r| r.code);
    let one = r#"["x@spam.example"]"#;
    assert_eq!(
        code(&message("request_declined", Value::Null, one, "[]")),
        Ok(())
    );
    let two = r#"["x@spam.example", "y@spam.example"]"#;
    for refused in [
        message("request_declined", Value::Null, two, "[]"),
        message("request_declined", Value::Null, "[]", "[]"),
        message(
            "request_declined",
            Value::Null,
            one,
            r#"["shop@rinaldi.it"]"#,
        ),
        message("request_declined", json!("client-1"), one, "[]"),
    ] {
        assert_eq!(code(&refused), Err(wire_code::FORBIDDEN));
    }
    assert_eq!(
        code(&message("ticket_opened", Value::Null, one, "[]")),
        Err(wire_code::MISSING_FIELD)
    );
    assert_eq!(
        code(&message("ticket_opened", json!("client-1"), one, "[]")),
        Ok(())
    );
    let unclient = mutation(
        Entity::Message,
        "msg-1",
        Op::Update,
        json!({"client_id": null}),
    );
    assert_eq!(code(&unclient), Err(wire_code::MISSING_FIELD));
}

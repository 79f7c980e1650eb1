//! Issue 17, item 5 on the hub: a pushed move to "waiting for a third party" must name the party
//! (kind and a name within the schema's length), else it is refused with a stable code and never
//! reaches another device; a move that names it syncs, party and history included.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use rapportino_core::sync::{self, Transport};
use rapportino_core::tickets::{self, PartyKind, TicketStatus, TransitionInput, WaitingParty};
use rapportino_model::hlc::Hlc;
use rapportino_model::protocol::{Mutation, Op, Outcome, PushRequest};
use rapportino_sync_http::HttpTransport;
use serde_json::json;
use sync_support::*;

fn push(
    d: &Device,
    hub: &TestHub,
    id: &str,
    fields: serde_json::Value,
) -> (Outcome, Option<String>) {
    let token = sync::credential::token(&d.store).unwrap().unwrap();
    let mut transport = HttpTransport::new(&hub.url, &token, hub.ca_pem.as_deref()).unwrap();
    let m = Mutation {
        mutation_id: uuid::Uuid::now_v7().to_string(),
        entity: "ticket".into(),
        entity_id: id.into(),
        op: Op::Update,
        fields: fields.as_object().cloned().unwrap(),
        hlc: Hlc::from_parts(chrono::Utc::now().timestamp_millis(), 0).0,
        device_id: d.store.device_id().unwrap().to_string(),
        recorded_at: "2026-12-07T10:00:00Z".into(),
        base_seq: hub.storage.read(|r| r.max_seq()).unwrap(),
    };
    let answer = transport
        .push(&PushRequest {
            schema_version: rapportino_core::store::migrations::latest_version(),
            mutations: vec![m],
        })
        .unwrap();
    let r = &answer.results[0];
    (r.outcome, r.code.clone())
}

fn waiting_party_is_checked(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut b = Device::enrolled(dir.path(), &hub, "WB", rome(2026, 12, 7, 9, 0));
    let mut c = Device::enrolled(dir.path(), &hub, "WC", rome(2026, 12, 7, 9, 0));
    let client = b.client("Studio Bianchi");
    let t = tickets::open(&mut b.store, &new_ticket(client.id, "Linea giù")).unwrap();
    b.sync();
    c.sync();
    let id = t.id.to_string();

    // No party, a blank name, a name past the schema's 120 characters, a kind outside the
    // vocabulary: each refused with its stable code.
    let refused = [
        (json!({"status": "waiting_third_party"}), "MISSING_FIELD"),
        (
            json!({"status": "waiting_third_party", "waiting_party_kind": "provider", "waiting_party_name": "  "}),
            "MISSING_FIELD",
        ),
        (
            json!({"status": "waiting_third_party", "waiting_party_kind": "provider", "waiting_party_name": "x".repeat(121)}),
            "TOO_LONG",
        ),
        (
            json!({"status": "waiting_third_party", "waiting_party_kind": "courier", "waiting_party_name": "BRT"}),
            "BAD_ENUM",
        ),
    ];
    for (fields, code) in refused {
        let (outcome, got) = push(&b, &hub, &id, fields.clone());
        assert_eq!(
            (outcome, got.as_deref()),
            (Outcome::Rejected, Some(code)),
            "{fields}"
        );
    }
    c.sync();
    let on_c = tickets::get(&c.store, t.id).unwrap();
    assert_eq!((on_c.status, on_c.waiting_party), (TicketStatus::New, None));

    // Through core: the party goes with the status and the event; C sees both.
    let input = TransitionInput {
        note: Some("Guasto sulla linea, ticket aperto con l'operatore".into()),
        party: Some(WaitingParty {
            kind: PartyKind::Provider,
            name: "Fastweb".into(),
        }),
        ..TransitionInput::to(TicketStatus::WaitingThirdParty)
    };
    tickets::transition(&mut b.store, t.id, &input).unwrap();
    let report = b.sync();
    assert!(report.rejected == 0, "{report:?}");
    c.sync();
    let on_c = tickets::get(&c.store, t.id).unwrap();
    let fastweb = Some(WaitingParty {
        kind: PartyKind::Provider,
        name: "Fastweb".into(),
    });
    assert_eq!(on_c.status, TicketStatus::WaitingThirdParty);
    assert_eq!(on_c.waiting_party, fastweb);
    let events = tickets::events(c.store.conn(), t.id).unwrap();
    assert_eq!(events.last().unwrap().waiting_party, fastweb);

    // Leaving the wait on C clears the party everywhere.
    tickets::transition(
        &mut c.store,
        t.id,
        &TransitionInput::to(TicketStatus::InProgress),
    )
    .unwrap();
    c.sync();
    b.sync();
    let on_b = tickets::get(&b.store, t.id).unwrap();
    assert_eq!(
        (on_b.status, on_b.waiting_party),
        (TicketStatus::InProgress, None)
    );
}

#[test]
fn the_party_is_checked_on_a_sqlite_hub() {
    waiting_party_is_checked(None);
}

#[test]
fn the_party_is_checked_on_a_postgres_hub() {
    let Some(db) = common::PgDatabase::create() else {
        return;
    };
    waiting_party_is_checked(Some(&db.url));
}

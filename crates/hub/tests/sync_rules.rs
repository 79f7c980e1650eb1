//! The hub's rules against devices that misbehave (old, buggy or tampered clients): edits of a
//! signed report, a time entry closed by another device, a clock far ahead, a schema too old,
//! another device's mutations, a revoked device. Each on the SQLite and the PostgreSQL hub.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use rapportino_core::error::Code;
use rapportino_core::interventions::{
    self, InterventionMode, InterventionPatch, NewIntervention, Outcome as WorkOutcome,
};
use rapportino_core::reports::{self, SignInput};
use rapportino_core::store::Entity;
use rapportino_core::sync::conflicts::{self, ConflictReason};
use rapportino_core::sync::{self, Transport};
use rapportino_core::tickets;
use rapportino_model::hlc::Hlc;
use rapportino_model::protocol::{Mutation, Op, Outcome, PushRequest};
use rapportino_sync_http::HttpTransport;
use serde_json::json;
use sync_support::*;

fn transport(d: &Device, hub: &TestHub) -> HttpTransport {
    let token = sync::credential::token(&d.store).unwrap().unwrap();
    HttpTransport::new(&hub.url, &token, hub.ca_pem.as_deref()).unwrap()
}

fn raw(d: &Device, entity: &str, id: &str, op: Op, fields: serde_json::Value) -> Mutation {
    Mutation {
        mutation_id: uuid::Uuid::now_v7().to_string(),
        entity: entity.into(),
        entity_id: id.into(),
        op,
        fields: fields.as_object().cloned().unwrap_or_default(),
        hlc: Hlc::from_parts(chrono::Utc::now().timestamp_millis(), 0).0,
        device_id: d.store.device_id().unwrap().to_string(),
        recorded_at: "2026-12-06T10:00:00Z".into(),
        // What the device has pulled: it has seen everything the hub had.
        base_seq: d
            .store
            .conn()
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM local_state WHERE key = 'sync.cursor'",
                [],
                |r| r.get(0),
            )
            .unwrap_or(0),
    }
}

fn max_seq(hub: &TestHub) -> i64 {
    hub.storage.read(|r| r.max_seq()).unwrap()
}

fn rules(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut b = Device::enrolled(dir.path(), &hub, "RB", rome(2026, 11, 17, 9, 0));
    let mut c = Device::enrolled(dir.path(), &hub, "RC", rome(2026, 11, 17, 9, 0));

    // B works and signs a report; everything reaches C.
    let client = b.client("Farmacia Centrale");
    let ticket = tickets::open(&mut b.store, &new_ticket(client.id, "Cassa bloccata")).unwrap();
    let work = interventions::create(
        &mut b.store,
        &NewIntervention {
            ticket_id: ticket.id,
            mode: InterventionMode::Remote,
            site_id: None,
            technician_id: None,
        },
    )
    .unwrap();
    interventions::start(&mut b.store, work.id).unwrap();
    b.clock.advance(chrono::Duration::minutes(40));
    interventions::stop(&mut b.store, work.id).unwrap();
    interventions::update(
        &mut b.store,
        work.id,
        &InterventionPatch {
            work_done: Some("Riavviato il servizio di cassa.".into()),
            outcome: Some(WorkOutcome::Resolved),
            ..Default::default()
        },
    )
    .unwrap();
    let draft = reports::create(&mut b.store, work.id).unwrap();
    let signed = reports::sign(
        &mut b.store,
        draft.id,
        &SignInput {
            customer: Some(signature("Paola Neri")),
            technician: signature(""),
            customer_absence: None,
        },
    )
    .unwrap();
    let hash = signed.snapshot_sha256.clone().unwrap();
    b.sync();
    c.sync();
    assert_eq!(
        reports::get(&c.store, signed.id)
            .unwrap()
            .snapshot_sha256
            .as_deref(),
        Some(hash.as_str())
    );

    // 1. A valid device edits the signed report: refused, logged, kept as a conflict.
    let before = max_seq(&hub);
    let edit = raw(
        &b,
        "report",
        &signed.id.to_string(),
        Op::Update,
        json!({"signer_name": "Falso"}),
    );
    let answer = transport(&b, &hub)
        .push(&PushRequest {
            schema_version: rapportino_core::store::migrations::latest_version(),
            mutations: vec![edit.clone()],
        })
        .unwrap();
    let result = &answer.results[0];
    assert_eq!(result.outcome, Outcome::Rejected);
    assert_eq!(result.code.as_deref(), Some("REPORT_SIGNED"));
    assert_eq!(
        result.corrections[0].fields["signer_name"],
        json!("Paola Neri")
    );
    let refusals = hub.storage.registry().refusals(10).unwrap();
    assert!(refusals
        .iter()
        .any(|r| r.code == "REPORT_SIGNED" && r.mutation_id == edit.mutation_id));
    // A delete is refused too: a technician's device deletes nothing but material lines (the
    // role rule answers before the write-once rule would).
    let delete = raw(&b, "report", &signed.id.to_string(), Op::Delete, json!({}));
    let answer = transport(&b, &hub)
        .push(&PushRequest {
            schema_version: rapportino_core::store::migrations::latest_version(),
            mutations: vec![delete],
        })
        .unwrap();
    assert_eq!(answer.results[0].code.as_deref(), Some("FORBIDDEN_ROLE"));
    c.sync();
    let on_c = reports::get(&c.store, signed.id).unwrap();
    assert_eq!(on_c.snapshot_sha256.as_deref(), Some(hash.as_str()));
    assert_eq!(on_c.signer_name.as_deref(), Some("Paola Neri"));
    assert!(reports::verify(&c.store, signed.id).unwrap().matches);
    let kept = conflicts::list(&c.store, false).unwrap();
    let refused = kept
        .iter()
        .find(|k| k.reason == ConflictReason::ReportSigned && k.lost_value == json!("Falso"))
        .expect("the refused edit is kept for review");
    assert!(
        !refused.restorable,
        "a signed report cannot take the value back"
    );
    let err = conflicts::resolve(
        &mut c.store,
        &refused.id,
        conflicts::Resolution::RestoreLost,
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::Inconsistent);
    assert!(
        max_seq(&hub) > before,
        "only the conflict records were sequenced"
    );

    // 2. C closes (changes) B's time entry: only the opening device may.
    let entry: String = c
        .store
        .conn()
        .query_row("SELECT id FROM time_entries LIMIT 1", [], |r| r.get(0))
        .unwrap();
    c.store
        .write(|tx| tx.update(Entity::TimeEntry, &entry, vec![("seconds", json!(1))]))
        .unwrap();
    let report = c.sync();
    assert_eq!(report.rejected, 1);
    let seconds: i64 = c
        .store
        .conn()
        .query_row(
            "SELECT seconds FROM time_entries WHERE id = ?1",
            [&entry],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(seconds, 40 * 60, "the hub's value is put back on C");

    // 3. A clock three days ahead is clamped and flagged.
    c.clock.set(chrono::Utc::now() + chrono::Duration::days(3));
    let mut input = rapportino_core::clients::ClientInput {
        name: "Farmacia Centrale Snc".into(),
        ..Default::default()
    };
    input.address.city = Some("Pavia".into());
    rapportino_core::clients::update(&mut c.store, client.id, &input).unwrap();
    c.sync();
    let status = sync::status(&c.store).unwrap();
    assert!(status.clock_skew_ms.unwrap() > 2 * 24 * 3_600_000);
    let devices = hub.storage.registry().devices().unwrap();
    let c_id = c.store.device_id().unwrap().to_string();
    assert!(devices
        .iter()
        .any(|d| d.device_id == c_id && d.clock_skew_flagged_at.is_some()));
    let last = hub
        .storage
        .read(|r| r.changes_after(max_seq(&hub) - 5, 10))
        .unwrap();
    let now_ms = chrono::Utc::now().timestamp_millis();
    for ch in last.iter().filter(|ch| ch.device_id == c_id) {
        assert!(
            Hlc(ch.hlc).physical_ms() <= now_ms,
            "a clamped clock is not in the future"
        );
    }

    // 4. A device with an older schema is told to upgrade, and nothing of its batch applies.
    let before = max_seq(&hub);
    let err = transport(&b, &hub)
        .push(&PushRequest {
            schema_version: rapportino_model::protocol::MIN_CLIENT_SCHEMA - 1,
            mutations: vec![raw(
                &b,
                "client",
                &client.id.to_string(),
                Op::Update,
                json!({"notes": "x"}),
            )],
        })
        .unwrap_err();
    assert_eq!(err.code(), Code::UpgradeRequired);
    assert_eq!(max_seq(&hub), before);

    // 5. Mutations signed with another device's id are refused as a whole.
    let mut forged = raw(
        &c,
        "client",
        &client.id.to_string(),
        Op::Update,
        json!({"notes": "y"}),
    );
    forged.device_id = c_id.clone();
    let err = transport(&b, &hub)
        .push(&PushRequest {
            schema_version: rapportino_core::store::migrations::latest_version(),
            mutations: vec![forged],
        })
        .unwrap_err();
    assert_eq!(err.code(), Code::HubError);
    assert_eq!(max_seq(&hub), before);

    // 6. A revoked device cannot sync; its changes wait, its status says why.
    hub.storage
        .registry()
        .revoke(
            &b.store.device_id().unwrap().to_string(),
            "2026-12-06T10:00:00Z",
        )
        .unwrap();
    b.client("Dopo la revoca");
    let err = rapportino_sync_http::sync_now(&mut b.store).unwrap_err();
    assert_eq!(err.code(), Code::DeviceRevoked);
    let status = sync::status(&b.store).unwrap();
    assert_eq!(status.last_error.unwrap().code, Code::DeviceRevoked);
    assert!(status.pending_changes > 0);
}

#[test]
fn misbehaving_devices_on_a_sqlite_hub() {
    rules(None);
}

#[test]
fn misbehaving_devices_on_a_postgres_hub() {
    let Some(db) = common::PgDatabase::create() else {
        return;
    };
    rules(Some(&db.url));
}

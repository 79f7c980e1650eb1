//! Technician codes stay unique across the shop, on both hub engines: a device set up offline
//! with a technician code another technician of the shop has is refused at enrolment
//! (`TECHNICIAN_CODE_TAKEN`), and a new computer joins the shop *from* the hub instead — no shop
//! setup, one of the shop's technicians — numbers with its own device code and syncs with the
//! others without a conflict or a refusal.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::path::Path;

use chrono::Utc;
use rapportino_core::sync::join::{JoinHubInput, Joined};
use rapportino_core::sync::{self, conflicts};
use rapportino_core::time::ManualClock;
use rapportino_core::{setup, technicians, tickets, Code, Store};
use rapportino_hub::auth;
use rapportino_hub::error::HubError;
use rapportino_model::merge::RowState;
use rapportino_model::protocol::{EnrolRequest, Role};
use sync_support::*;

/// A computer on its first start: a fresh database, nothing set up.
fn fresh(dir: &Path, name: &str) -> Device {
    let path = dir.join(format!("{name}.db"));
    let clock = ManualClock::new(rome(2026, 11, 17, 8, 30));
    let store = Store::open(&path).unwrap().with_clock(clock.clone());
    Device {
        store,
        clock,
        path,
        code: name.to_owned(),
    }
}

fn join_input(hub: &TestHub, code: &str, technician: &str) -> JoinHubInput {
    JoinHubInput {
        hub_url: hub.url.clone(),
        code: code.to_owned(),
        ca_pem: hub.ca_pem.clone(),
        device_name: "Portatile nuovo".into(),
        technician_code: technician.into(),
    }
}

fn join(d: &mut Device, hub: &TestHub, technician: &str) -> Joined {
    let code = hub.code(Role::Technician);
    rapportino_sync_http::join_hub(&mut d.store, &join_input(hub, &code, technician)).unwrap()
}

/// Every device synced cleanly: no error, nothing waiting, no conflict, nothing quarantined; the
/// hub refused nothing.
fn assert_clean(hub: &TestHub, devices: &[&Device]) {
    for d in devices {
        let s = sync::status(&d.store).unwrap();
        assert_eq!(s.last_error.map(|e| e.code), None, "{}", d.code);
        assert_eq!(s.pending_changes, 0, "{}", d.code);
        assert_eq!(s.open_conflicts, 0, "{}", d.code);
        assert_eq!(s.quarantined, 0, "{}: nothing kept aside", d.code);
        assert!(
            conflicts::list(&d.store, true).unwrap().is_empty(),
            "{}",
            d.code
        );
    }
    assert_eq!(hub.storage.registry().refusals(10).unwrap(), vec![]);
}

fn joins_and_works_as_an_existing_technician(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut mr = Device::enrolled(dir.path(), &hub, "MR", rome(2026, 11, 16, 9, 0));
    let client = mr.client("Farmacia Centrale");
    let first = tickets::open(&mut mr.store, &new_ticket(client.id, "Server fermo")).unwrap();
    mr.sync();
    let mut lb = Device::enrolled(dir.path(), &hub, "LB", rome(2026, 11, 16, 9, 0));
    lb.sync();
    let marco = setup::status(&mr.store).unwrap().technician.unwrap();

    // Marco's new laptop: nothing set up, it joins the shop as MR (typed in lower case).
    let mut new = fresh(dir.path(), "nuovo");
    assert!(!setup::status(&new.store).unwrap().onboarded);
    let joined = join(&mut new, &hub, "mr");
    assert!(joined.setup.onboarded);
    assert_eq!(
        joined.setup.device_code.as_deref(),
        Some("MR2"),
        "MR is taken"
    );
    assert_eq!(joined.setup.technician.as_ref().unwrap().id, marco.id);
    assert_eq!(
        joined.setup.shop.as_ref().unwrap().name,
        "Assistenza Rinaldi",
        "the shop came with the snapshot: no shop setup"
    );
    assert!(joined.report.snapshot_rows > 0);
    let codes: Vec<&str> = joined.technicians.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes.len(), 2);
    assert!(codes.contains(&"MR") && codes.contains(&"LB"));
    assert_eq!(
        technicians::list(&new.store).unwrap().len(),
        2,
        "no new technician"
    );
    // Its own device record went through the normal write path, waiting for the next round.
    assert_eq!(sync::status(&new.store).unwrap().pending_changes, 1);
    assert_eq!(
        hub.storage
            .registry()
            .devices()
            .unwrap()
            .iter()
            .filter(|d| d.device_code == "MR2")
            .count(),
        1
    );

    // It works: its numbers carry its own device code.
    new.code = "MR2".into();
    let t = tickets::open(&mut new.store, &new_ticket(client.id, "Stampante")).unwrap();
    assert!(t.number.starts_with("T-2026-MR2-"), "{}", t.number);
    assert_eq!(
        tickets::get(&new.store, first.id).unwrap().number,
        first.number
    );
    new.sync();
    mr.sync();
    lb.sync();
    new.sync();

    assert_converged(&[&mr, &lb, &new]);
    assert_clean(&hub, &[&mr, &lb, &new]);
    // Everyone knows the new device as Marco's.
    let device_tech: String = lb
        .store
        .conn()
        .query_row(
            "SELECT technician_id FROM devices WHERE code = 'MR2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(device_tech, marco.id.to_string());
    assert_eq!(
        count(
            &lb.store,
            "SELECT COUNT(*) FROM technicians WHERE code = 'MR'"
        ),
        1
    );
    assert_eq!(count(&mr.store, "SELECT COUNT(*) FROM tickets"), 2);

    // Joining twice is refused: the device is set up.
    let again = rapportino_sync_http::join_hub(
        &mut new.store,
        &join_input(&hub, &hub.code(Role::Technician), "LB"),
    )
    .unwrap_err();
    assert_eq!(again.code(), Code::AlreadyExists);
}

#[test]
fn a_new_computer_joins_from_a_sqlite_hub_as_an_existing_technician() {
    joins_and_works_as_an_existing_technician(None);
}

#[test]
fn a_new_computer_joins_from_a_postgres_hub_as_an_existing_technician() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    joins_and_works_as_an_existing_technician(Some(&db.url));
}

#[test]
fn a_code_the_shop_does_not_have_leaves_the_choice_after_the_snapshot() {
    let hub = TestHub::start(None, true);
    let dir = tempfile::tempdir().unwrap();
    let mut lb = Device::enrolled(dir.path(), &hub, "LB", rome(2026, 11, 16, 9, 0));
    lb.client("Ottica Bassi");
    lb.sync();
    let luca = setup::status(&lb.store).unwrap().technician.unwrap();

    // A mistyped code: enrolled (device code LC), the shop's data taken, no technician yet.
    let mut new = fresh(dir.path(), "nuovo");
    let joined = join(&mut new, &hub, "LC");
    assert!(!joined.setup.onboarded);
    assert_eq!(joined.setup.device_code.as_deref(), Some("LC"));
    assert!(joined.setup.technician.is_none());
    assert_eq!(joined.technicians.len(), 1);
    assert_eq!(joined.technicians[0].id, luca.id);
    assert_eq!(count(&new.store, "SELECT COUNT(*) FROM clients"), 1);
    let client: rapportino_core::ids::ClientId = new
        .store
        .conn()
        .query_row("SELECT id FROM clients", [], |r| r.get::<_, String>(0))
        .unwrap()
        .parse()
        .unwrap();

    // Calling it again resumes (no enrolment code needed: none is sent) and binds when the
    // shop has the technician; another hub address is refused.
    let other = JoinHubInput {
        hub_url: "https://altro-hub.example.it".into(),
        ..join_input(&hub, "", "LB")
    };
    assert_eq!(
        rapportino_sync_http::join_hub(&mut new.store, &other)
            .unwrap_err()
            .code(),
        Code::HubUrlInvalid
    );
    let resumed =
        rapportino_sync_http::join_hub(&mut new.store, &join_input(&hub, "", "LB")).unwrap();
    assert!(resumed.setup.onboarded);
    assert_eq!(resumed.setup.technician.unwrap().id, luca.id);
    assert_eq!(resumed.setup.device_code.as_deref(), Some("LC"), "kept");
    let again = setup::choose_technician(&mut new.store, luca.id).unwrap_err();
    assert_eq!(again.code(), Code::AlreadyExists);

    // The picker's own path: another fresh computer picks from the list.
    let mut other = fresh(dir.path(), "altro");
    let joined = join(&mut other, &hub, "ZZ");
    assert!(!joined.setup.onboarded);
    let status = setup::choose_technician(&mut other.store, joined.technicians[0].id).unwrap();
    assert!(status.onboarded);
    assert_eq!(status.device_code.as_deref(), Some("ZZ"));

    for d in [&mut new, &mut other] {
        let t = tickets::open(&mut d.store, &new_ticket(client, "Rete lenta")).unwrap();
        let code = setup::status(&d.store).unwrap().device_code.unwrap();
        assert!(t.number.contains(&format!("-{code}-")), "{}", t.number);
        d.sync();
    }
    lb.sync();
    new.sync();
    other.sync();
    assert_converged(&[&lb, &new, &other]);
    assert_clean(&hub, &[&lb, &new, &other]);
}

#[test]
fn choosing_a_technician_needs_a_joined_device_and_an_active_technician() {
    let hub = TestHub::start(None, true);
    let dir = tempfile::tempdir().unwrap();
    let mut lb = Device::enrolled(dir.path(), &hub, "LB", rome(2026, 11, 16, 9, 0));
    let gone = technicians::create(
        &mut lb.store,
        &technicians::TechnicianInput {
            code: "GV".into(),
            name: "Gino Verdi".into(),
            ..Default::default()
        },
    )
    .unwrap();
    technicians::set_active(&mut lb.store, gone.id, false).unwrap();
    lb.sync();

    let mut not_joined = fresh(dir.path(), "mai");
    let err = setup::choose_technician(&mut not_joined.store, gone.id).unwrap_err();
    assert_eq!(err.code(), Code::SyncNotConfigured);

    let mut new = fresh(dir.path(), "nuovo");
    let joined = join(&mut new, &hub, "GV");
    assert!(
        !joined.setup.onboarded,
        "an inactive technician is not bound"
    );
    assert_eq!(
        joined.technicians.len(),
        1,
        "only the active ones are offered"
    );
    let err = setup::choose_technician(&mut new.store, gone.id).unwrap_err();
    assert_eq!(err.code(), Code::Inconsistent);

    // Disconnecting a join that picked nobody is a first start again, under a new identity (the
    // hub still has the old one enrolled): it joins again with a new code.
    let first_id = new.store.device_id().unwrap();
    sync::forget_hub(&mut new.store).unwrap();
    let status = setup::status(&new.store).unwrap();
    assert_eq!(status.device_code, None);
    assert_ne!(new.store.device_id().unwrap(), first_id);
    assert!(!sync::status(&new.store).unwrap().configured);
    let again = join(&mut new, &hub, "LB");
    assert!(again.setup.onboarded);
    assert_eq!(again.setup.device_code.as_deref(), Some("LB2"));
    sync::forget_hub(&mut new.store).unwrap();
    assert!(
        setup::status(&new.store).unwrap().onboarded,
        "a device set up keeps its setup when it leaves the hub"
    );

    let mut fresh_again = fresh(dir.path(), "di-nuovo");
    let joined = join(&mut fresh_again, &hub, "GV");
    assert!(!joined.setup.onboarded);
    sync::forget_hub(&mut fresh_again.store).unwrap();
    setup::onboard(
        &mut fresh_again.store,
        &setup::OnboardingInput {
            shop_name: "Prova".into(),
            technician_name: "Nuovo".into(),
            technician_code: "NU".into(),
            device_code: None,
        },
    )
    .unwrap();
}

fn offline_duplicate_is_refused_at_enrolment(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut mr = Device::enrolled(dir.path(), &hub, "MR", rome(2026, 11, 16, 9, 0));
    mr.sync(); // the hub now holds technician MR

    // Marco's second laptop, set up offline as if it were a new shop: a second MR technician.
    let path = dir.path().join("doppione.db");
    let clock = ManualClock::new(rome(2026, 11, 16, 10, 0));
    let mut twin = Store::open(&path).unwrap().with_clock(clock);
    setup::onboard(
        &mut twin,
        &setup::OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: "Marco R.".into(),
            technician_code: "MR".into(),
            device_code: Some("MR2".into()),
        },
    )
    .unwrap();
    let code = hub.code(Role::Technician);
    let err = rapportino_sync_http::enrol(&mut twin, &hub.url, &code, "", hub.ca_pem.as_deref())
        .unwrap_err();
    assert_eq!(err.code(), Code::TechnicianCodeTaken);
    assert_eq!(err.field(), Some("technician_code"));
    let message = err.to_string();
    assert!(message.contains("Tecnico MR"), "{message}");
    assert!(message.contains("join"), "{message}");
    assert!(!sync::status(&twin).unwrap().configured);
    assert_eq!(hub.storage.registry().devices().unwrap().len(), 1);

    // The code was not used: the laptop joins the shop from the hub with it, as Marco.
    let mut new = fresh(dir.path(), "nuovo");
    let joined =
        rapportino_sync_http::join_hub(&mut new.store, &join_input(&hub, &code, "MR")).unwrap();
    assert!(joined.setup.onboarded);
    assert_eq!(joined.setup.device_code.as_deref(), Some("MR2"));

    // A device enrolled for a technician it has not pushed yet holds the code too.
    let mut lb = Device::onboarded(dir.path(), "LB", rome(2026, 11, 16, 9, 0));
    let lb_code = hub.code(Role::Technician);
    rapportino_sync_http::enrol(&mut lb.store, &hub.url, &lb_code, "", hub.ca_pem.as_deref())
        .unwrap();
    let path = dir.path().join("lb-bis.db");
    let mut lb_twin = Store::open(&path).unwrap();
    setup::onboard(
        &mut lb_twin,
        &setup::OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: "Luca B.".into(),
            technician_code: "LB".into(),
            device_code: Some("LB2".into()),
        },
    )
    .unwrap();
    let code = hub.code(Role::Technician);
    let err = rapportino_sync_http::enrol(&mut lb_twin, &hub.url, &code, "", hub.ca_pem.as_deref())
        .unwrap_err();
    assert_eq!(err.code(), Code::TechnicianCodeTaken);
    // Once that device is revoked (it never pushed its technician), the code is free again.
    let lb_id = lb.store.device_id().unwrap().to_string();
    hub.storage
        .registry()
        .revoke(&lb_id, "2026-11-16T10:00:00Z")
        .unwrap();
    rapportino_sync_http::enrol(&mut lb_twin, &hub.url, &code, "", hub.ca_pem.as_deref()).unwrap();

    mr.sync();
    new.sync();
    mr.sync();
    assert_converged(&[&mr, &new]);
    assert_clean(&hub, &[&mr, &new]);
}

#[test]
fn an_offline_duplicate_technician_is_refused_at_enrolment_on_a_sqlite_hub() {
    offline_duplicate_is_refused_at_enrolment(None);
}

#[test]
fn an_offline_duplicate_technician_is_refused_at_enrolment_on_a_postgres_hub() {
    let Some(db) = common::PgDatabase::create() else {
        return;
    };
    offline_duplicate_is_refused_at_enrolment(Some(&db.url));
}

fn enrol_req(
    code: &str,
    device: &str,
    device_code: &str,
    tech: Option<(&str, &str)>,
) -> EnrolRequest {
    EnrolRequest {
        code: code.to_owned(),
        device_id: device.to_owned(),
        device_code: device_code.to_owned(),
        name: format!("Portatile {device_code}"),
        technician_id: tech.map(|t| t.0.to_owned()),
        technician_code: tech.map(|t| t.1.to_owned()),
    }
}

fn technician_row(code: &str, name: &str) -> RowState {
    let fields = serde_json::json!({"code": code, "name": name, "active": 1});
    RowState {
        fields: fields.as_object().unwrap().clone(),
        versions: Default::default(),
        deleted: None,
        origin_device: "dev-x".into(),
    }
}

#[test]
fn the_registry_keeps_technician_codes_unique_on_both_engines() {
    for b in common::backends() {
        let s = &b.storage;
        let now = Utc::now();
        let code = || {
            auth::create_code(s, Role::Technician, None, now)
                .unwrap()
                .code
        };
        let taken = |r: Result<_, HubError>| matches!(r, Err(HubError::TechnicianCodeTaken { .. }));

        // Claims made at enrolment: the same code for another technician is refused, for the
        // same technician (a second laptop) it is not.
        auth::enrol(
            s,
            &enrol_req(&code(), "dev-1", "MR", Some(("t-1", "MR"))),
            now,
        )
        .unwrap();
        let c = code();
        let r = auth::enrol(s, &enrol_req(&c, "dev-2", "MR2", Some(("t-2", "mr"))), now);
        let message = r
            .as_ref()
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string());
        assert!(taken(r), "{}", b.kind);
        assert!(
            message.contains("device \"MR\"") && message.contains("revoke"),
            "{message}"
        );
        auth::enrol(s, &enrol_req(&c, "dev-2", "MR2", Some(("t-1", "MR"))), now)
            .unwrap_or_else(|e| panic!("{}: the refusal kept the code: {e}", b.kind));

        // A technician row of the shop: refused with the holder's name in the message.
        s.write(|tx| tx.save_row("technician", "t-3", &technician_row("LB", "Luca Bianchi")))
            .unwrap();
        let c = code();
        let err =
            auth::enrol(s, &enrol_req(&c, "dev-3", "LB", Some(("t-4", "LB"))), now).unwrap_err();
        assert_eq!(err.code(), "TECHNICIAN_CODE_TAKEN", "{}", b.kind);
        assert_eq!(err.status().as_u16(), 409);
        assert!(err.to_string().contains("Luca Bianchi"), "{err}");
        auth::enrol(s, &enrol_req(&c, "dev-3", "LB", Some(("t-3", "LB"))), now).unwrap();
        // Devices that name no technician (joining, older ones) are not checked.
        auth::enrol(s, &enrol_req(&code(), "dev-4", "LB2", None), now).unwrap();

        // Revoked devices' claims do not count.
        let c = code();
        let r = auth::enrol(s, &enrol_req(&c, "dev-5", "MR3", Some(("t-5", "MR"))), now);
        assert!(taken(r));
        s.registry()
            .revoke("dev-1", "2026-11-16T10:00:00Z")
            .unwrap();
        s.registry()
            .revoke("dev-2", "2026-11-16T10:00:00Z")
            .unwrap();
        auth::enrol(s, &enrol_req(&c, "dev-5", "MR3", Some(("t-5", "MR"))), now).unwrap();

        // One without the other is malformed.
        let mut half = enrol_req(&code(), "dev-6", "XY", None);
        half.technician_id = Some("t-6".into());
        assert!(matches!(
            auth::enrol(s, &half, now),
            Err(HubError::MalformedBody(_))
        ));
        // The claims are in the backup.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("copia.db");
        s.backup_to(&out).unwrap();
        let copy = rusqlite::Connection::open(&out).unwrap();
        let claims: i64 = copy
            .query_row("SELECT COUNT(*) FROM hub_technician_claims", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(claims, 4, "{}", b.kind);
    }
}

//! Ticket numbers T-{year}-{device}-{seq:04}, issued offline, unique across devices.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use rapportino_core::ids::DeviceId;
use rapportino_core::setup::{self, OnboardingInput};
use rapportino_core::store::{field, Entity};
use rapportino_core::tickets;
use rapportino_core::{Code, Store};

#[test]
fn numbers_are_sequential_per_device_and_year() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Bianchi S.r.l.");
    let a = number(&mut s, &c, "uno");
    let b = number(&mut s, &c, "due");
    assert_eq!(a, "T-2026-MR-0001");
    assert_eq!(b, "T-2026-MR-0002");
    // 23:30 UTC on 31 December is already 2027 in Rome: the sequence restarts.
    clock.set(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap());
    let n = number(&mut s, &c, "capodanno");
    assert_eq!(n, "T-2027-MR-0001");
}

#[test]
fn a_failed_ticket_does_not_consume_a_number() {
    let (mut s, _) = store();
    let c = client(&mut s, "Verdi S.r.l.");
    let mut bad = new_ticket(&c, "");
    bad.title = String::new();
    assert!(tickets::open(&mut s, &bad).is_err());
    let n = number(&mut s, &c, "ok");
    assert_eq!(n, "T-2026-MR-0001");
}

#[test]
fn two_devices_offline_never_issue_the_same_number() {
    // The technician's office PC and second laptop: codes MR and MR2.
    let (mut office, _) = store();
    let mut laptop = Store::open_in_memory().unwrap();
    onboard(&mut laptop, "MR2");
    let c1 = client(&mut office, "Gialli S.r.l.");
    let c2 = client(&mut laptop, "Gialli S.r.l.");
    let mut numbers = Vec::new();
    for i in 0..30 {
        numbers.push(number(&mut office, &c1, &format!("a{i}")));
        numbers.push(number(&mut laptop, &c2, &format!("b{i}")));
    }
    let total = numbers.len();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), total);
    assert!(numbers.iter().any(|n| n.contains("-MR2-")));
}

#[test]
fn a_device_code_already_known_is_refused_with_a_suggestion() {
    let mut s = Store::open_in_memory().unwrap();
    // This database already knows another device with code MR (as after a sync).
    s.write(|tx| {
        tx.insert(
            Entity::Device,
            &DeviceId::new().to_string(),
            vec![
                ("code", field::text("MR")),
                ("technician_id", serde_json::Value::Null),
                ("name", field::text("ufficio")),
            ],
        )
    })
    .unwrap();
    let input = |code: Option<&str>| OnboardingInput {
        shop_name: "Assistenza Rinaldi".into(),
        technician_name: "Marco Rinaldi".into(),
        technician_code: "MR".into(),
        device_code: code.map(Into::into),
    };
    let before = snapshot(&s);
    let err = setup::onboard(&mut s, &input(None)).unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
    assert!(err.to_string().contains("MR2"), "{err}");
    assert_eq!(snapshot(&s), before, "nothing written");
    assert_eq!(count(&s, "technicians"), 0);
    let status = setup::onboard(&mut s, &input(Some("mr2"))).unwrap();
    assert_eq!(status.device_code.as_deref(), Some("MR2"));
    assert_eq!(setup::suggest_device_code(s.conn(), "MR").unwrap(), "MR3");
}

#[test]
fn tickets_need_an_onboarded_device() {
    let mut s = Store::open_in_memory().unwrap();
    let c = client(&mut s, "Neri S.r.l.");
    let err = tickets::open(&mut s, &new_ticket(&c, "x")).unwrap_err();
    assert_eq!(err.code(), Code::NotOnboarded);
}

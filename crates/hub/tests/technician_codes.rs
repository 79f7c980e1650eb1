//! A technician created on a device *after* it enrolled, with a code another technician of the
//! shop already has (a live technician the device had not pulled yet, or the technician another
//! enrolled device claimed at enrolment and has not pushed): the hub refuses it at push time
//! (`TECHNICIAN_CODE_TAKEN`, logged) instead of serving a row every other device would have to
//! quarantine. The writer's copy goes (the hub's answer), nothing is quarantined anywhere, and
//! a technician with a free code still goes through. Both engines.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use rapportino_core::sync::quarantine;
use rapportino_core::technicians::{self, TechnicianInput};
use rapportino_model::protocol::wire_code;
use sync_support::*;

fn new_technician(d: &mut Device, code: &str, name: &str) {
    technicians::create(
        &mut d.store,
        &TechnicianInput {
            code: code.into(),
            name: name.into(),
            email: None,
            phone: None,
        },
    )
    .unwrap();
}

fn technicians_with(d: &Device, code: &str) -> i64 {
    d.store
        .conn()
        .query_row(
            "SELECT count(*) FROM technicians WHERE code = ?1",
            [code],
            |r| r.get(0),
        )
        .unwrap()
}

fn scenario(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let start = rome(2026, 11, 22, 9, 0);
    let mut a = Device::enrolled(dir.path(), &hub, "MR", start);
    a.sync();
    // B's technician LB reaches the hub; A has not pulled it.
    let mut b = Device::enrolled(dir.path(), &hub, "LB", start);
    b.sync();
    // C enrolled for technician ZZ and has not pushed it yet (its claim stands).
    let c = Device::enrolled(dir.path(), &hub, "ZZ", start);

    new_technician(&mut a, "LB", "Luca Bianchi (doppione)");
    new_technician(&mut a, "ZZ", "Zeno Zanetti (doppione)");
    new_technician(&mut a, "GV", "Giulia Verdi");
    let report = a.sync();
    assert_eq!(report.rejected, 2, "{report:?}");
    let refusals = hub.storage.registry().refusals(10).unwrap();
    let taken: Vec<_> = refusals
        .iter()
        .filter(|r| r.code == wire_code::TECHNICIAN_CODE_TAKEN)
        .collect();
    assert_eq!(taken.len(), 2, "{refusals:?}");
    assert!(
        taken
            .iter()
            .any(|r| r.detail.contains("Luca") || r.detail.contains("another technician")),
        "{taken:?}"
    );
    assert!(
        taken.iter().any(|r| r.detail.contains("device \"ZZ\"")),
        "{taken:?}"
    );
    // A keeps only the hub's LB (pulled), never its duplicate; the free code went through.
    assert_eq!(technicians_with(&a, "LB"), 1);
    assert_eq!(technicians_with(&a, "GV"), 1);
    b.sync();
    assert_eq!(technicians_with(&b, "GV"), 1);
    for d in [&a, &b] {
        assert_eq!(quarantine::list(&d.store).unwrap().len(), 0, "{}", d.code);
    }
    let mut c = c;
    c.sync();
    assert_eq!(quarantine::list(&c.store).unwrap().len(), 0);
    assert_eq!(
        technicians_with(&c, "ZZ"),
        1,
        "C's own ZZ, not A's duplicate"
    );
    a.sync();
    b.sync();
    assert_converged(&[&a, &b, &c]);
}

#[test]
fn a_technician_created_later_with_a_taken_code_is_refused_by_a_sqlite_hub() {
    scenario(None);
}

#[test]
fn a_technician_created_later_with_a_taken_code_is_refused_by_a_postgres_hub() {
    if let Some(pg) = common::postgres_storage() {
        scenario(Some(&pg.url));
    }
}

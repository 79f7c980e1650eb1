//! Enrolment over HTTPS checks the hub address before any connection.
#![allow(clippy::unwrap_used)]

use rapportino_core::setup::{self, OnboardingInput};
use rapportino_core::sync;
use rapportino_core::{Code, Store};

#[test]
fn enrolment_refuses_a_disguised_address_before_sending_anything() {
    let mut s = Store::open_in_memory().unwrap();
    setup::onboard(
        &mut s,
        &OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: "Marco Rinaldi".into(),
            technician_code: "MR".into(),
            device_code: Some("MR".into()),
        },
    )
    .unwrap();
    // Nothing listens on 127.0.0.2:9: a request would fail as HUB_UNREACHABLE, not this.
    let err = rapportino_sync_http::enrol(
        &mut s,
        "http://127.0.0.1:1@127.0.0.2:9",
        "ABCD-EFGH-JKLM-NPQR",
        "Portatile",
        None,
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::HubUrlInvalid, "{err}");
    assert!(!sync::status(&s).unwrap().configured);
    assert_eq!(sync::status(&s).unwrap().hub_url, None);
}

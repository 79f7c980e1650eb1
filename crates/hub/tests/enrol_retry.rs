//! Enrolment is idempotent for a retry: when the device's request reached the hub but the answer
//! was lost, the same code from the same device id succeeds again (new token, the lost one dead)
//! as long as the code is valid and the device never used a token since. Anything else that
//! presents a used code is still refused. On SQLite and PostgreSQL, in storage and over HTTPS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, Utc};
use rapportino_hub::auth;
use rapportino_hub::HubError;
use rapportino_model::protocol::{wire_code, EnrolRequest, Role};
use serde_json::Value;

fn req(code: &str, device_id: &str, device_code: &str) -> EnrolRequest {
    EnrolRequest {
        code: code.to_string(),
        device_id: device_id.to_string(),
        device_code: device_code.to_string(),
        name: "Portatile".into(),
        technician_id: None,
        technician_code: None,
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[test]
fn a_lost_enrolment_answer_can_be_retried_by_the_same_device_only() {
    for b in common::backends() {
        let s = &b.storage;
        let kind = b.kind;
        let now = Utc::now();
        let code = auth::create_code(s, Role::Technician, None, now)
            .unwrap()
            .code;
        // The hub enrols the device; the answer never reaches it.
        let lost = auth::enrol(s, &req(&code, "dev-1", "MR"), now).unwrap();
        // The device tries again a little later, typed differently: accepted, new token.
        let typed = code.to_lowercase().replace('-', " ");
        let retry = auth::enrol(s, &req(&typed, "dev-1", "MR"), now + Duration::seconds(30))
            .unwrap_or_else(|e| panic!("{kind}: retry refused: {e}"));
        assert_eq!(retry.role, Role::Technician);
        assert_ne!(retry.token, lost.token, "{kind}");
        assert!(
            matches!(
                auth::authenticate(s, Some(&bearer(&lost.token))),
                Err(HubError::Unauthenticated(_))
            ),
            "{kind}: the lost token must be dead"
        );
        // A second retry before any use is still the same enrolment.
        let again = auth::enrol(s, &req(&code, "dev-1", "MR"), now + Duration::seconds(60))
            .unwrap_or_else(|e| panic!("{kind}: second retry refused: {e}"));
        auth::authenticate(s, Some(&bearer(&again.token))).unwrap();
        // Used once: the code is spent for good, and the working token stays.
        let late = auth::enrol(s, &req(&code, "dev-1", "MR"), now + Duration::seconds(90));
        assert!(
            matches!(late, Err(HubError::EnrolmentCodeInvalid)),
            "{kind}: {late:?}"
        );
        auth::authenticate(s, Some(&bearer(&again.token))).unwrap();
        let devices = s.registry().devices().unwrap();
        assert_eq!(devices.len(), 1, "{kind}");
        assert_eq!(devices[0].device_code, "MR");

        // Another device presenting a used code: refused, even before the first used it.
        let code2 = auth::create_code(s, Role::Admin, None, now).unwrap().code;
        auth::enrol(s, &req(&code2, "dev-2", "AB"), now).unwrap();
        for other in [req(&code2, "dev-3", "CD"), req(&code2, "dev-3", "AB")] {
            let r = auth::enrol(s, &other, now);
            assert!(
                matches!(r, Err(HubError::EnrolmentCodeInvalid)),
                "{kind}: {r:?}"
            );
        }

        // After the code expired: refused.
        let short = auth::create_code(s, Role::Technician, Some(1), now)
            .unwrap()
            .code;
        auth::enrol(s, &req(&short, "dev-4", "EF"), now).unwrap();
        let expired = auth::enrol(s, &req(&short, "dev-4", "EF"), now + Duration::minutes(2));
        assert!(
            matches!(expired, Err(HubError::EnrolmentCodeInvalid)),
            "{kind}: {expired:?}"
        );

        // A revoked device cannot bring itself back with its old code.
        let code5 = auth::create_code(s, Role::Technician, None, now)
            .unwrap()
            .code;
        auth::enrol(s, &req(&code5, "dev-5", "GH"), now).unwrap();
        s.registry()
            .revoke("dev-5", &rapportino_core::time::format_instant(now))
            .unwrap();
        let revoked = auth::enrol(s, &req(&code5, "dev-5", "GH"), now);
        assert!(
            matches!(revoked, Err(HubError::EnrolmentCodeInvalid)),
            "{kind}: {revoked:?}"
        );

        // A device re-enrolled since by a newer code: the older code is not a retry of it.
        let code6 = auth::create_code(s, Role::Technician, None, now)
            .unwrap()
            .code;
        auth::enrol(s, &req(&code6, "dev-6", "JK"), now).unwrap();
        s.registry()
            .revoke("dev-6", &rapportino_core::time::format_instant(now))
            .unwrap();
        let code7 = auth::create_code(s, Role::Technician, None, now)
            .unwrap()
            .code;
        let later = now + Duration::seconds(5);
        auth::enrol(s, &req(&code7, "dev-6", "JK"), later).unwrap();
        let stale = auth::enrol(s, &req(&code6, "dev-6", "JK"), later);
        assert!(
            matches!(stale, Err(HubError::EnrolmentCodeInvalid)),
            "{kind}: {stale:?}"
        );
    }
}

#[test]
fn a_retried_enrolment_over_https_gives_a_working_token_once() {
    for b in common::backends() {
        let hub = common::TestHub::tls(b.storage.clone());
        let kind = b.kind;
        let code = auth::create_code(&hub.storage, Role::Technician, None, Utc::now())
            .unwrap()
            .code;
        let body = serde_json::to_value(req(&code, "dev-retry", "RT")).unwrap();
        let enrol = || hub.call("POST", "/v1/enrol", None, Some(&body));
        let (status, lost) = enrol();
        assert_eq!(status, 200, "{kind}: {lost}");
        let (status, retry) = enrol();
        assert_eq!(status, 200, "{kind}: the retry: {retry}");
        let token = |v: &Value| v["token"].as_str().unwrap().to_owned();
        assert_ne!(token(&lost), token(&retry));

        let pull = |t: &str| {
            hub.call("GET", "/v1/changes?after=0&limit=1", Some(t), None)
                .0
        };
        assert_eq!(pull(&token(&lost)), 401, "{kind}");
        assert_eq!(pull(&token(&retry)), 200, "{kind}");
        // The device used its token: the code is spent.
        let (status, refused) = enrol();
        assert_eq!(status, 403, "{kind}: {refused}");
        assert_eq!(common::code_of(&refused), wire_code::ENROLMENT_CODE_INVALID);
        assert_eq!(pull(&token(&retry)), 200, "{kind}");
    }
}

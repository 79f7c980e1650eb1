//! The hub over HTTP(S) in this process: health, enrolment, authentication and authorisation,
//! bad input, graceful shutdown. Each on SQLite and PostgreSQL where storage is involved.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{code_of, TestHub};
use rapportino_model::protocol::{Role, MAX_BATCH, MIN_CLIENT_SCHEMA, PROTOCOL_VERSION};
use serde_json::{json, Value};

#[test]
fn health_answers_over_tls() {
    for b in common::backends() {
        let hub = TestHub::tls(b.storage.clone());
        assert!(hub.url.starts_with("https://127.0.0.1:"));
        let (status, body) = hub.call("GET", "/v1/health", None, None);
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "ok");
        assert_eq!(body["storage"], b.kind);
        assert_eq!(body["protocol"], PROTOCOL_VERSION);
        assert_eq!(
            body["schema_version"],
            rapportino_core::store::migrations::latest_version()
        );
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    }
}

#[test]
fn plain_http_only_when_asked() {
    let s = common::sqlite_storage();
    let plain = TestHub::plain(s.storage.clone());
    assert!(plain.url.starts_with("http://"));
    assert_eq!(plain.call("GET", "/v1/health", None, None).0, 200);

    // A TLS hub does not answer plain HTTP, and a client that does not trust its certificate
    // cannot talk to it.
    let tls = TestHub::tls(s.storage.clone());
    let http_url = format!("http://{}/v1/health", tls.addr);
    assert!(matches!(
        common::plain_agent().get(&http_url).call(),
        Err(ureq::Error::Transport(_))
    ));
    let dir = tempfile::tempdir().expect("dir");
    let untrusting = common::agent_trusting(&common::make_cert(dir.path()).der);
    assert!(matches!(
        untrusting.get(&tls.endpoint("/v1/health")).call(),
        Err(ureq::Error::Transport(_))
    ));
}

fn enrol_body(code: &str, device_id: &str, device_code: &str) -> Value {
    json!({"code": code, "device_id": device_id, "device_code": device_code, "name": "Laptop"})
}

#[test]
fn devices_enrol_authenticate_and_are_authorised_by_role() {
    for b in common::backends() {
        let hub = TestHub::tls(b.storage.clone());
        let admin = hub.enrol(Role::Admin, "dev-admin", "ADM");
        assert_eq!(admin.role, Role::Admin);
        assert_eq!(admin.hub_id, b.storage.hub_id());

        // The admin makes a technician code over HTTP; a device enrols with it, once.
        let (status, code) = hub.call(
            "POST",
            "/v1/admin/enrolment-codes",
            Some(&admin.token),
            Some(&json!({"role": "technician", "valid_minutes": 60})),
        );
        assert_eq!(status, 200, "{code}");
        let code = code["code"].as_str().expect("code").to_string();
        let (status, tech) = hub.call(
            "POST",
            "/v1/enrol",
            None,
            Some(&enrol_body(&code, "dev-tech", "MR")),
        );
        assert_eq!(status, 200, "{tech}");
        assert_eq!(tech["role"], "technician");
        let tech_token = tech["token"].as_str().expect("token").to_string();
        let (status, again) = hub.call(
            "POST",
            "/v1/enrol",
            None,
            Some(&enrol_body(&code, "dev-other", "XY")),
        );
        assert_eq!((status, code_of(&again)), (403, "ENROLMENT_CODE_INVALID"));

        // An expired code is refused.
        let past = chrono::Utc::now() - chrono::Duration::minutes(10);
        let old = rapportino_hub::auth::create_code(&b.storage, Role::Technician, Some(1), past)
            .expect("code");
        let (status, body) = hub.call(
            "POST",
            "/v1/enrol",
            None,
            Some(&enrol_body(&old.code, "dev-late", "LT")),
        );
        assert_eq!((status, code_of(&body)), (403, "ENROLMENT_CODE_INVALID"));

        // Tokens work; the hub records when it last saw a device.
        let (status, devices) = hub.call("GET", "/v1/admin/devices", Some(&admin.token), None);
        assert_eq!(status, 200, "{devices}");
        let list = devices.as_array().expect("list");
        assert_eq!(list.len(), 2);
        assert!(list[0]["last_seen_at"].is_string(), "{devices}");
        let (status, body) = hub.call("GET", "/v1/changes?after=0", Some(&tech_token), None);
        assert!(status != 401 && status != 403, "{status} {body}");

        // Missing or wrong credentials: 401, on every authenticated endpoint.
        // The token with its last character changed (to one it is not: a token ending in "0"
        // made this "wrong" token the right one, one run in sixteen).
        let last = if tech_token.ends_with('0') { '1' } else { '0' };
        let wrong = format!("{}{last}", &tech_token[..tech_token.len() - 1]);
        assert_ne!(wrong, tech_token);
        for (method, path) in [
            ("POST", "/v1/push"),
            ("GET", "/v1/changes"),
            ("GET", "/v1/snapshot"),
            ("GET", "/v1/admin/devices"),
            ("POST", "/v1/admin/enrolment-codes"),
        ] {
            for token in [None, Some("garbage"), Some(wrong.as_str())] {
                let (status, body) = hub.call(method, path, token, Some(&json!({})));
                assert_eq!((status, code_of(&body)), (401, "UNAUTHENTICATED"), "{path}");
            }
        }

        // A technician on an admin endpoint: 403.
        for (method, path) in [
            ("GET", "/v1/admin/devices"),
            ("POST", "/v1/admin/enrolment-codes"),
            ("POST", "/v1/admin/devices/dev-admin/revoke"),
        ] {
            let body = json!({"role": "admin"});
            let (status, answer) = hub.call(method, path, Some(&tech_token), Some(&body));
            assert_eq!((status, code_of(&answer)), (403, "FORBIDDEN"), "{path}");
        }

        // Revoked: 403 at once.
        let (status, revoked) = hub.call(
            "POST",
            "/v1/admin/devices/dev-tech/revoke",
            Some(&admin.token),
            None,
        );
        assert_eq!(status, 200, "{revoked}");
        assert!(revoked["revoked_at"].is_string());
        let (status, body) = hub.call("GET", "/v1/changes", Some(&tech_token), None);
        assert_eq!((status, code_of(&body)), (403, "DEVICE_REVOKED"));
        let (status, body) = hub.call(
            "POST",
            "/v1/admin/devices/ghost/revoke",
            Some(&admin.token),
            None,
        );
        assert_eq!((status, code_of(&body)), (404, "NOT_FOUND"));
    }
}

#[test]
fn bad_input_gets_a_clear_4xx_and_the_hub_keeps_serving() {
    for b in common::backends() {
        let hub = TestHub::start(b.storage.clone(), true, |c| c.body_limit = 1024 * 1024);
        let admin = hub.enrol(Role::Admin, "dev-admin", "ADM");
        let token = Some(admin.token.as_str());
        let send = |path: &str, token: Option<&str>, body: &str| {
            let mut req = hub
                .agent
                .post(&hub.endpoint(path))
                .set("Content-Type", "application/json");
            if let Some(t) = token {
                req = req.set("Authorization", &format!("Bearer {t}"));
            }
            common::answer(req.send_string(body))
        };

        for body in ["{not json", "", "[1,2]", r#"{"code": 5}"#, "\u{0}\u{1}"] {
            let (status, answer) = send("/v1/enrol", None, body);
            assert_eq!(
                (status, code_of(&answer)),
                (400, "MALFORMED_BODY"),
                "{body:?}"
            );
            assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let (status, answer) = send(
            "/v1/push",
            token,
            r#"{"schema_version": 8, "mutations": 3}"#,
        );
        assert_eq!((status, code_of(&answer)), (400, "MALFORMED_BODY"));

        // Over the body limit: 413, whatever the JSON. Without a device token the limit is the
        // small one (16 KiB); a body up to 1 MiB is still read so the client sees the answer.
        let big = format!(r#"{{"code": "{}"}}"#, "A".repeat(512 * 1024));
        let (status, answer) = send("/v1/enrol", None, &big);
        assert_eq!((status, code_of(&answer)), (413, "BODY_TOO_LARGE"));
        // With a valid token the limit is the configured one (1 MiB here).
        let big = format!(
            r#"{{"schema_version": 8, "x": "{}"}}"#,
            "A".repeat(2 * 1024 * 1024)
        );
        let (status, answer) = send("/v1/push", token, &big);
        assert_eq!((status, code_of(&answer)), (413, "BODY_TOO_LARGE"));
        let fits = format!(
            r#"{{"schema_version": 8, "x": "{}"}}"#,
            "A".repeat(512 * 1024)
        );
        let (status, answer) = send("/v1/push", token, &fits);
        assert_eq!((status, code_of(&answer)), (400, "MALFORMED_BODY"));

        // A batch over MAX_BATCH, or from a device too old: refused before the engine.
        let mutation = json!({"mutation_id": "m", "entity": "clients", "entity_id": "c",
            "op": "update", "fields": {}, "hlc": 1, "device_id": "dev-admin",
            "recorded_at": "2026-11-22T09:30:00Z"});
        let batch = json!({"schema_version": MIN_CLIENT_SCHEMA,
            "mutations": vec![mutation.clone(); MAX_BATCH + 1]});
        let (status, answer) = hub.call("POST", "/v1/push", token, Some(&batch));
        assert_eq!((status, code_of(&answer)), (413, "BATCH_TOO_LARGE"));
        let old = json!({"schema_version": MIN_CLIENT_SCHEMA - 1, "mutations": [mutation]});
        let (status, answer) = hub.call("POST", "/v1/push", token, Some(&old));
        assert_eq!((status, code_of(&answer)), (426, "UPGRADE_REQUIRED"));

        let (status, answer) = hub.call("GET", "/v1/changes?after=abc", token, None);
        assert_eq!((status, code_of(&answer)), (400, "MALFORMED_BODY"));
        let (status, answer) = hub.call("GET", "/v1/changes?after=-1", token, None);
        assert_eq!((status, code_of(&answer)), (400, "MALFORMED_BODY"));
        let (status, answer) = hub.call("GET", "/v1/nothing-here", None, None);
        assert_eq!((status, code_of(&answer)), (404, "NOT_FOUND"));
        let (status, _) = hub.call("DELETE", "/v1/health", None, None);
        assert_eq!(status, 405);

        let (status, health) = hub.call("GET", "/v1/health", None, None);
        assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    }
}

/// A request whose body is still arriving when the shutdown signal comes is served in full;
/// new connections are refused meanwhile; then the server stops.
#[test]
fn graceful_shutdown_finishes_an_in_flight_request() {
    let s = common::sqlite_storage();
    let mut hub = TestHub::plain(s.storage.clone());
    let code =
        rapportino_hub::auth::create_code(&s.storage, Role::Technician, None, chrono::Utc::now())
            .expect("code");
    let body = enrol_body(&code.code, "dev-slow", "SL").to_string();
    let (head, tail) = body.split_at(body.len() / 2);

    let mut conn = TcpStream::connect(hub.addr).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        conn,
        "POST /v1/enrol HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{head}",
        body.len()
    )
    .expect("send the first half");
    conn.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(200));

    hub.signal_shutdown();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if TcpStream::connect(hub.addr).is_err() {
            break;
        }
        assert!(Instant::now() < deadline, "still accepting after shutdown");
        std::thread::sleep(Duration::from_millis(20));
    }

    conn.write_all(tail.as_bytes()).expect("send the rest");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).expect("read the answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("dev-slow."), "{answer}");
    hub.shutdown();
    let devices = s.storage.registry().devices().expect("devices");
    assert_eq!(devices.len(), 1);
}

//! The hub's request limits under attack, over real TLS on loopback: bodies held before
//! authentication, a body that stops arriving, a request stuck behind a storage lock. An honest
//! device keeps pushing and pulling meanwhile (`common::under_attack`).

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::attack::held_enrol_head;
use common::code_of;
use common::under_attack::{
    closed_by_hub, hub_with, serial, tls_config, tls_connect, tls_timeout, Honest, Monitor,
};
use rapportino_model::SCHEMA_VERSION;
use serde_json::{json, Value};

/// A client that announces a 32 MiB body without a token and holds it is answered 413 at once,
/// before the hub reads it; one with a refused token gets its 401 the same way; an
/// authenticated device's body that stops arriving gets 408 after the body timeout.
#[test]
fn bodies_held_before_authentication_are_refused_early() {
    let _serial = serial();
    let s = common::sqlite_storage();
    let hub = hub_with(s.storage.clone(), |_| {});
    let config = tls_config(&hub);
    let slow = Honest::enrol(&hub, "dev-slow", "SL");
    let monitor = Monitor::start(Honest::enrol(&hub, "dev-honest", "HO"));
    let thirty_two_mib = 32 * 1024 * 1024;

    let answers: Vec<(String, Duration, bool)> = std::thread::scope(|scope| {
        let mut threads = Vec::new();
        for i in 0..20 {
            let (config, addr) = (config.clone(), hub.addr);
            let slow_token = slow.token.clone();
            threads.push(scope.spawn(move || {
                let mut tls = tls_connect(addr, &config);
                let head = match i % 4 {
                    0 | 1 => held_enrol_head(),
                    2 => format!(
                        "POST /v1/push HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer dev-x.00\r\n\
                         Content-Length: {thirty_two_mib}\r\n\r\n"
                    ),
                    // An enrolled device's body that stops after 1 KiB of 10 KiB.
                    _ => format!(
                        "POST /v1/push HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {slow_token}\r\n\
                         Content-Length: 10240\r\n\r\n"
                    ),
                };
                let t = Instant::now();
                tls.write_all(head.as_bytes()).expect("head");
                // Part of the body, then nothing more.
                let _ = tls.write_all(&vec![b' '; if i % 4 == 3 { 1024 } else { 16 * 1024 }]);
                let _ = tls.flush();
                tls_timeout(&tls, Duration::from_secs(8));
                let mut answer = Vec::new();
                let mut buf = [0u8; 4096];
                let mut closed = false;
                while t.elapsed() < Duration::from_secs(8) {
                    match tls.read(&mut buf) {
                        Ok(0) => {
                            closed = true;
                            break;
                        }
                        Ok(n) => answer.extend_from_slice(&buf[..n]),
                        Err(_) => {
                            closed = !answer.is_empty();
                            break;
                        }
                    }
                    if answer.windows(4).any(|w| w == b"\r\n\r\n") && closed_by_hub(&mut tls, Duration::from_secs(2)) {
                        closed = true;
                        break;
                    }
                }
                (String::from_utf8_lossy(&answer).into_owned(), t.elapsed(), closed)
            }));
        }
        threads
            .into_iter()
            .map(|t| t.join().expect("attacker"))
            .collect()
    });
    monitor.finish("held bodies");
    for (i, (answer, after, closed)) in answers.into_iter().enumerate() {
        let (status, code, within) = match i % 4 {
            0 | 1 => ("413", "BODY_TOO_LARGE", Duration::from_secs(1)),
            2 => ("401", "UNAUTHENTICATED", Duration::from_secs(1)),
            _ => ("408", "REQUEST_TIMEOUT", Duration::from_secs(4)),
        };
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")) && answer.contains(code),
            "attacker {i}: {answer:?}"
        );
        assert!(
            after <= within + Duration::from_secs(2),
            "attacker {i}: answered after {after:?}"
        );
        assert!(closed, "attacker {i}: connection left open");
        assert!(
            answer.to_ascii_lowercase().contains("connection: close"),
            "{answer}"
        );
    }
}

/// A request stuck behind a storage lock is answered 503 `HUB_BUSY` with `Retry-After` at the
/// whole-request timeout, not when the storage gives up (10 s later).
#[test]
fn a_request_over_the_request_timeout_is_answered_busy() {
    let _serial = serial();
    let s = common::sqlite_storage();
    let hub = hub_with(s.storage.clone(), |c| {
        c.request_timeout = Duration::from_secs(2)
    });
    let mut honest = Honest::enrol(&hub, "dev-honest", "HO");
    honest.round();
    let path = s.url.strip_prefix("sqlite:").expect("sqlite URL");
    let locker = rusqlite::Connection::open(path).expect("open the hub file");
    locker
        .execute("BEGIN IMMEDIATE", [])
        .expect("take the write lock");
    let t = Instant::now();
    let batch = json!({
        "schema_version": SCHEMA_VERSION,
        "mutations": [],
    });
    let result = hub
        .agent
        .post(&hub.endpoint("/v1/push"))
        .set("Authorization", &format!("Bearer {}", honest.token))
        .send_json(batch);
    let took = t.elapsed();
    let Err(ureq::Error::Status(status, response)) = result else {
        panic!("expected an error answer, got {result:?}");
    };
    let retry_after = response.header("Retry-After").map(str::to_owned);
    let body: Value = response.into_json().expect("JSON");
    assert_eq!((status, code_of(&body)), (503, "HUB_BUSY"), "{body}");
    assert_eq!(retry_after.as_deref(), Some("5"));
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(4),
        "{took:?}"
    );
    locker.execute("ROLLBACK", []).expect("release the lock");
    honest.round();
}

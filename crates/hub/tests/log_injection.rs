//! A device cannot forge the hub's log lines: device-supplied text (mutation ids, entity names
//! and ids, refusal details, error messages quoting a request) is escaped in both log formats
//! (`log_text::Escaped`). Hostile pushes carrying newlines, carriage returns and ANSI escapes
//! leave exactly one line per event, none of them starting with the forged text, and no raw
//! escape byte.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use rapportino_hub::auth::AuthedDevice;
use rapportino_hub::{engine, HubError};
use rapportino_model::hlc::Hlc;
use rapportino_model::protocol::{Mutation, Op, PushRequest, Role};
use rapportino_model::SCHEMA_VERSION;
use serde_json::{json, Value};

/// A log writer into memory.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'w> tracing_subscriber::fmt::MakeWriter<'w> for Capture {
    type Writer = Capture;
    fn make_writer(&'w self) -> Capture {
        self.clone()
    }
}

const FORGED: &str = "2026-12-07T10:00:00.000000Z  INFO rapportino_hub::auth: device enrolled";

fn hostile_events(storage: &rapportino_hub::Storage) -> usize {
    let device = AuthedDevice {
        device_id: uuid::Uuid::now_v7().to_string(),
        device_code: "HX".into(),
        role: Role::Technician,
    };
    let text = format!("x\n{FORGED}\r\n\u{1b}[2J\u{1b}]0;pwned\u{7}");
    let mutation = |mutation_id: &str, entity: &str, entity_id: &str| Mutation {
        mutation_id: mutation_id.chars().take(64).collect(),
        entity: entity.into(),
        entity_id: entity_id.chars().take(64).collect(),
        op: Op::Update,
        fields: json!({"name": text}).as_object().cloned().unwrap(),
        hlc: Hlc::from_parts(chrono::Utc::now().timestamp_millis(), 0).0,
        device_id: device.device_id.clone(),
        recorded_at: "2026-12-07T10:00:00Z".into(),
        base_seq: 0,
    };
    // Fresh mutation ids each time (a replayed one is answered from its outcome, not logged).
    let run = &uuid::Uuid::now_v7().simple().to_string()[20..];
    let batch = vec![
        mutation(&format!("{run}{text}"), "client", "c1"),
        mutation(&format!("{run}-2"), &text, "c2"),
        mutation(&format!("{run}-3"), "client", &format!("c3{text}")),
    ];
    let answer = engine::push(
        storage,
        &device,
        PushRequest {
            schema_version: SCHEMA_VERSION,
            mutations: batch,
        },
        chrono::Utc::now().timestamp_millis(),
    )
    .unwrap();
    assert_eq!(answer.results.len(), 3);
    // A server-side failure whose message quotes a request.
    let _ = HubError::Internal(format!("while reading {text}")).to_response();
    4
}

#[test]
fn device_text_cannot_forge_log_lines_in_either_format() {
    let s = common::sqlite_storage();
    for json in [false, true] {
        let capture = Capture::default();
        let subscriber = rapportino_hub::logs::log_subscriber(json, "info", capture.clone());
        let events = tracing::subscriber::with_default(subscriber, || hostile_events(&s.storage));
        let out = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
        // (The text format colours its own fields with ANSI: only the device's escapes count.)
        for raw in ["\u{1b}[2J", "\u{1b}]0;", "\u{7}"] {
            assert!(!out.contains(raw), "a raw {raw:?} in the log:\n{out}");
        }
        assert!(
            !out.contains('\r'),
            "a raw carriage return in the log:\n{out}"
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), events, "one line per event:\n{out}");
        for line in &lines {
            assert!(!line.starts_with(FORGED), "forged line:\n{out}");
            if json {
                let v: Value = serde_json::from_str(line).unwrap();
                assert!(v["level"].is_string(), "{line}");
            } else {
                assert!(line.contains("WARN") || line.contains("ERROR"), "{line}");
            }
        }
        assert!(
            out.contains("write refused") && out.contains("request failed"),
            "{out}"
        );
    }
}

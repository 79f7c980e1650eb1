//! The committed corpus of awkward real-world messages (tests/corpus/*.eml), each with its
//! expected outcome in tests/corpus/expected.json; a 30 MB attachment made at test time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{arrival, envelope, TestDirectory};
use rapportino_intake::{decide, from_mime, Decision, Rules};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn outcome_word(d: &Decision) -> &'static str {
    match d {
        Decision::Duplicate => "duplicate",
        Decision::Ignore { .. } => "ignore",
        Decision::Open { .. } => "open",
        Decision::Append { .. } => "append",
        Decision::Triage { .. } => "triage",
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_corpus_message_has_its_expected_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let expected: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the corpus is there: {files:?}");
    let names: Vec<&String> = expected.keys().collect();
    assert_eq!(
        files.iter().collect::<Vec<_>>(),
        names,
        "one expectation per message"
    );
    for name in &files {
        let want = &expected[name];
        let raw = std::fs::read(dir.join(name)).unwrap();
        let request = from_mime(&raw, &envelope());
        let directory = TestDirectory::new();
        let decision = decide(&request, &directory, &Rules::default()).unwrap();
        let ctx = format!("{name}: {request:#?}\n{decision:#?}");
        assert_eq!(outcome_word(&decision), want["outcome"], "{ctx}");
        if let Some(reason) = want.get("reason") {
            assert_eq!(decision.reason().as_deref(), reason.as_str(), "{ctx}");
        }
        if let Some(s) = want.get("sender") {
            assert_eq!(request.sender_email.as_deref(), s.as_str(), "{ctx}");
        }
        if let Some(s) = want.get("sender_name") {
            assert_eq!(request.sender_name.as_deref(), s.as_str(), "{ctx}");
        }
        if let Some(s) = want.get("subject") {
            assert_eq!(Some(request.subject.as_str()), s.as_str(), "{ctx}");
        }
        if let Some(k) = want.get("key") {
            assert_eq!(Some(request.idempotency_key.as_str()), k.as_str(), "{ctx}");
        }
        for part in strings(want.get("body")) {
            assert!(request.body.contains(&part), "{part:?} in {ctx}");
        }
        for part in strings(want.get("not_in_body")) {
            assert!(!request.body.contains(&part), "no {part:?} in {ctx}");
        }
        if let Some(n) = want.get("attachments").and_then(Value::as_u64) {
            assert_eq!(request.attachments.len() as u64, n, "{ctx}");
        }
        let names: Vec<String> = request.attachments.iter().map(|a| a.name.clone()).collect();
        let types: Vec<String> = request
            .attachments
            .iter()
            .map(|a| a.mime_type.clone())
            .collect();
        if want.get("attachment_names").is_some() {
            assert_eq!(names, strings(want.get("attachment_names")), "{ctx}");
        }
        if want.get("attachment_types").is_some() {
            assert_eq!(types, strings(want.get("attachment_types")), "{ctx}");
        }
        if want.get("no_sent_at").is_some() {
            assert_eq!(request.sent_at, None, "{ctx}");
        }
        assert_eq!(
            request.received_at,
            arrival(),
            "the arrival is the envelope's: {ctx}"
        );
        match &decision {
            Decision::Open { urgent, title, .. } => {
                if let Some(u) = want.get("urgent").and_then(Value::as_bool) {
                    assert_eq!(*urgent, u, "{ctx}");
                }
                assert!(!title.is_empty() && title.chars().count() <= 200);
            }
            Decision::Append {
                ticket,
                text,
                move_to,
            } => {
                assert_eq!(
                    Some(ticket.number.as_str()),
                    want["ticket"].as_str(),
                    "{ctx}"
                );
                assert_eq!(Some(text.as_str()), want["text"].as_str(), "{ctx}");
                assert_eq!(
                    move_to.map(|s| s.as_str()),
                    want["move_to"].as_str(),
                    "{ctx}"
                );
            }
            _ => {}
        }
    }
}

#[test]
fn a_30_mb_attachment_is_listed_hashed_and_not_kept_past_the_limit() {
    let size = 30 << 20;
    let bytes: Vec<u8> = (0..size).map(|i: usize| (i % 251) as u8).collect();
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let mut mail = String::from(
        "From: anna@cliente.it\r\nTo: assistenza@negozio.it\r\nSubject: Dump del database\r\n\
         Message-ID: <big-1@cliente.it>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\nIn allegato il dump.\r\n--b\r\n\
         Content-Type: application/octet-stream; name=\"dump.sql\"\r\n\
         Content-Transfer-Encoding: base64\r\n\
         Content-Disposition: attachment; filename=\"dump.sql\"\r\n\r\n",
    );
    for line in encoded.as_bytes().chunks(76) {
        mail.push_str(std::str::from_utf8(line).unwrap());
        mail.push_str("\r\n");
    }
    mail.push_str("--b--\r\n");
    let request = from_mime(mail.as_bytes(), &envelope());
    assert_eq!(request.attachments.len(), 1);
    let a = &request.attachments[0];
    assert_eq!(a.name, "dump.sql");
    assert_eq!(a.size, size as u64);
    assert_eq!(a.sha256, hex::encode(Sha256::digest(&bytes)));
    assert!(
        a.content.is_none(),
        "past the 25 MB limit the content is not kept"
    );
    assert_eq!(request.body, "In allegato il dump.");
    let mut small = envelope();
    small.kept_max = 64 << 20;
    let kept = from_mime(mail.as_bytes(), &small);
    assert_eq!(kept.attachments[0].content.as_deref(), Some(&bytes[..]));
    let decision = decide(&request, &TestDirectory::new(), &Rules::default()).unwrap();
    assert!(matches!(decision, Decision::Open { .. }), "{decision:?}");
}

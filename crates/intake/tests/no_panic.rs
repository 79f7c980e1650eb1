//! The property harness: whatever bytes arrive, reading and deciding never panic, and the
//! request always fits its record (key, subject and body within their columns).
#![allow(clippy::unwrap_used)]

mod common;

use common::{envelope, TestDirectory};
use proptest::prelude::*;
use rapportino_intake::{decide, from_mime, Rules};

fn check(raw: &[u8]) {
    let request = from_mime(raw, &envelope());
    assert!(!request.idempotency_key.is_empty() && request.idempotency_key.len() <= 300);
    assert!(request.subject.chars().count() <= 300);
    assert!(request.body.chars().count() <= 20_000);
    assert!(request
        .sender_email
        .as_deref()
        .is_none_or(|s| s.len() <= 254));
    let _ = decide(&request, &TestDirectory::new(), &Rules::default()).unwrap();
}

/// Header-shaped fragments, so that the bytes often look like a mail.
fn mailish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"From: a@b.it\r\n".to_vec()),
        Just(b"Subject: =?ISO-8859-1?Q?URGENTE=3A_x=F9?=\r\n".to_vec()),
        Just(b"Subject: Re: [T-2026-MR-0001] x\r\n".to_vec()),
        Just(b"Content-Type: multipart/mixed; boundary=\"b\"\r\n".to_vec()),
        Just(b"Content-Transfer-Encoding: base64\r\n".to_vec()),
        Just(b"Content-Transfer-Encoding: quoted-printable\r\n".to_vec()),
        Just(b"\r\n--b\r\n".to_vec()),
        Just(b"--b--\r\n".to_vec()),
        Just(b"In-Reply-To: <0193a-opened@negozio.it>\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..64),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..4096)) {
        check(&raw);
    }

    #[test]
    fn mail_shaped_bytes_never_panic(raw in mailish()) {
        check(&raw);
    }
}

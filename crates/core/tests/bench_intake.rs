//! Benchmark (not in the normal test run): N mails (default 10,000) in a real Dovecot mailbox
//! turned into tickets by the intake through this device's write path, beside a plain IMAP fetch
//! of the same mails in the same run (the physical limit: same server, same batches of 50, no
//! parsing, nothing written). The senders are 700 clients' authorised contacts (about 14 mails
//! each, under the per-sender rate), one mail in ten from a stranger (triage).
//!
//! cargo test -p rapportino-core --release --test bench_intake -- --ignored --nocapture
//! RAPPORTINO_INTAKE_BENCH_N=10000 (default) sets N.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use common::*;
use rapportino_core::contacts::{self, ContactInput};
use rapportino_core::intake::{Rules, StoreSink};
use rapportino_core::Store;
use rapportino_intake::imap;
use rapportino_intake::testing::TestImap;

const CLIENTS: usize = 700;

/// A plain fetch of every message, in batches of 50 like the collector, nothing parsed.
fn fetch_all(cfg: &imap::MailboxConfig) -> (usize, usize) {
    use futures_util::StreamExt;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (mut s, _) = imap::connect(cfg).await.unwrap();
        let exists = s.examine(&cfg.folder).await.unwrap().exists;
        let (mut count, mut bytes) = (0, 0);
        let mut from = 1;
        while from <= exists {
            let to = (from + 49).min(exists);
            let mut stream = s
                .fetch(format!("{from}:{to}"), "(UID INTERNALDATE BODY.PEEK[])")
                .await
                .unwrap();
            while let Some(f) = stream.next().await {
                let f = f.unwrap();
                count += 1;
                bytes += f.body().map_or(0, <[u8]>::len);
            }
            drop(stream);
            from = to + 1;
        }
        let _ = s.logout().await;
        (count, bytes)
    })
}

#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn intake_throughput_beside_a_raw_fetch() {
    let n: usize = std::env::var("RAPPORTINO_INTAKE_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let server = TestImap::start();
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("shop.db")).unwrap();
    onboard(&mut s, "MR");
    for i in 0..CLIENTS {
        let c = client(&mut s, &format!("Cliente {i:04}"));
        contacts::create(
            &mut s,
            c.id,
            &ContactInput {
                name: format!("Referente {i}"),
                email: Some(format!("referente{i}@cliente{i}.it")),
                authorised: true,
                ..Default::default()
            },
        )
        .unwrap();
    }
    let body = "Buongiorno,\nda stamattina il gestionale non si apre sul PC della reception: \
        compare un errore di connessione al database. Gli altri PC funzionano.\n\
        Potete verificare? Grazie.\n\n-- \nUfficio amministrazione\n";
    let started = Instant::now();
    let mails: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            let from = if i % 10 == 9 {
                format!("sconosciuto{i}@altrove.example")
            } else {
                let c = i % CLIENTS;
                format!("Referente {c} <referente{c}@cliente{c}.it>")
            };
            let urgent = if i % 7 == 0 { "URGENTE: " } else { "" };
            format!(
                "From: {from}\r\nTo: assistenza@negozio.it\r\nSubject: {urgent}Gestionale non \
                 si apre ({i})\r\nMessage-ID: <bench-{i}@cliente.it>\r\n\
                 Date: Mon, 16 Nov 2026 09:30:00 +0100\r\nMIME-Version: 1.0\r\n\
                 Content-Type: text/plain; charset=UTF-8\r\n\
                 Content-Transfer-Encoding: quoted-printable\r\n\r\n{body}\r\n"
            )
            .into_bytes()
        })
        .collect();
    let refs: Vec<&[u8]> = mails.iter().map(Vec::as_slice).collect();
    for chunk in refs.chunks(500) {
        server.append(chunk);
    }
    let appended = started.elapsed();

    let cfg = server.mailbox("assistenza");
    let t = Instant::now();
    let (fetched, bytes) = fetch_all(&cfg);
    let raw = t.elapsed();
    assert_eq!(fetched, n);

    let t = Instant::now();
    let mut sink = StoreSink {
        store: &mut s,
        rules: Rules::default(),
    };
    let report = imap::collect_once_blocking(&cfg, &mut sink).unwrap();
    let intake = t.elapsed();
    assert_eq!(report.fetched, n);
    assert_eq!(report.ticketed + report.triage, n, "{report:?}");
    assert_eq!(server.counts().0, 0);
    let per_s = |d: std::time::Duration| n as f64 / d.as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "mails": n,
            "bytes": bytes,
            "append_s": appended.as_secs_f64(),
            "raw_fetch_s": raw.as_secs_f64(),
            "raw_fetch_per_s": per_s(raw),
            "intake_s": intake.as_secs_f64(),
            "intake_per_s": per_s(intake),
            "tickets": report.ticketed,
            "triage": report.triage,
            "ratio": per_s(intake) / per_s(raw),
        })
    );
}

//! Benchmark (not in the normal test run): N mails (default 10,000) in a real Dovecot mailbox
//! turned into tickets by the intake through this device's write path, beside a plain IMAP fetch
//! of the same mails in the same run (the physical limit: same server, same batches of 50, no
//! parsing, nothing written). The senders are 700 clients' authorised contacts (about 14 mails
//! each, under the per-sender rate), one mail in ten from a stranger (triage).
//!
//! Each of R rounds (default 5) runs, one after the other on the same mails: the raw fetch; a
//! fetch plus MIME parsing only (the parse stage); the intake with one transaction per mail (the
//! write path before batching, kept as the reference); the intake as it runs (one transaction
//! per fetched batch). Each intake writes into a fresh copy of the same prepared database, and
//! the mails are marked unseen again after it. Medians and 95th percentiles over the rounds,
//! and the load average before and after.
//!
//! cargo test -p rapportino-core --release --test bench_intake -- --ignored --nocapture
//! RAPPORTINO_INTAKE_BENCH_N=10000 (default) sets N, RAPPORTINO_INTAKE_BENCH_ROUNDS=5 R.
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

/// The mails marked unseen again (after an intake round).
fn unsee_all(cfg: &imap::MailboxConfig) {
    use futures_util::TryStreamExt;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (mut s, _) = imap::connect(cfg).await.unwrap();
        s.select(&cfg.folder).await.unwrap();
        let _: Vec<_> = s
            .store("1:*", "-FLAGS.SILENT (\\Seen)")
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        let _ = s.logout().await;
    });
}

/// Fetch and MIME parsing only, in batches of 50 like the collector: the parse stage.
fn fetch_and_parse(cfg: &imap::MailboxConfig) -> usize {
    use futures_util::StreamExt;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (mut s, _) = imap::connect(cfg).await.unwrap();
        let exists = s.examine(&cfg.folder).await.unwrap().exists;
        let mut parsed = 0;
        let mut from = 1;
        while from <= exists {
            let to = (from + 49).min(exists);
            let mut stream = s
                .fetch(format!("{from}:{to}"), "(UID INTERNALDATE BODY.PEEK[])")
                .await
                .unwrap();
            while let Some(f) = stream.next().await {
                let f = f.unwrap();
                let env = rapportino_intake::Envelope {
                    source: cfg.name.clone(),
                    received_at: chrono::Utc::now(),
                    fallback_key: String::new(),
                    category: None,
                    service: None,
                    kept_max: cfg.kept_max,
                };
                let r = rapportino_intake::from_mime(f.body().unwrap_or_default(), &env);
                parsed += usize::from(!r.subject.is_empty());
            }
            drop(stream);
            from = to + 1;
        }
        let _ = s.logout().await;
        parsed
    })
}

/// The write path before batching: one transaction per mail (the trait's default batch).
struct PerMail<'s>(StoreSink<'s>);

impl imap::Sink for PerMail<'_> {
    fn take(
        &mut self,
        request: &rapportino_intake::IncomingRequest,
    ) -> Result<imap::Recorded, rapportino_intake::IntakeError> {
        self.0.take(request)
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// (median, 95th percentile) of `xs` (nearest rank).
fn median_p95(xs: &[f64]) -> (f64, f64) {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    (rank(0.5), rank(0.95))
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
    let rounds: usize = std::env::var("RAPPORTINO_INTAKE_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    // The prepared database, copied fresh for every intake.
    drop(s);
    let prepared = dir.path().join("shop.db");
    let load_before = load_average();
    let per_s = |d: std::time::Duration| n as f64 / d.as_secs_f64();
    let (mut raw, mut parse, mut per_mail, mut batched) = (vec![], vec![], vec![], vec![]);
    let mut bytes = 0;
    for round in 0..rounds {
        let t = Instant::now();
        let (fetched, b) = fetch_all(&cfg);
        raw.push(per_s(t.elapsed()));
        bytes = b;
        assert_eq!(fetched, n);

        let t = Instant::now();
        assert_eq!(fetch_and_parse(&cfg), n);
        parse.push(per_s(t.elapsed()));

        for (kind, out) in [("per_mail", &mut per_mail), ("batched", &mut batched)] {
            let db = dir.path().join(format!("round-{round}-{kind}.db"));
            std::fs::copy(&prepared, &db).unwrap();
            let mut store = Store::open(&db).unwrap();
            let sink = StoreSink {
                store: &mut store,
                rules: Rules::default(),
            };
            let t = Instant::now();
            let report = if kind == "per_mail" {
                imap::collect_once_blocking(&cfg, &mut PerMail(sink)).unwrap()
            } else {
                let mut sink = sink;
                imap::collect_once_blocking(&cfg, &mut sink).unwrap()
            };
            out.push(per_s(t.elapsed()));
            assert_eq!(report.fetched, n);
            assert_eq!(report.ticketed + report.triage, n, "{report:?}");
            assert_eq!((report.ticketed, report.triage), (n - n / 10, n / 10));
            assert_eq!(server.counts().0, 0);
            drop(store);
            std::fs::remove_file(&db).unwrap();
            unsee_all(&cfg);
        }
        eprintln!(
            "round {round}: raw {:.0}/s, parse {:.0}/s, per-mail {:.0}/s, batched {:.0}/s",
            raw[round], parse[round], per_mail[round], batched[round]
        );
    }
    let stat = |xs: &[f64]| {
        let (median, p95) = median_p95(xs);
        serde_json::json!({"median_per_s": median.round(), "p95_per_s": p95.round()})
    };
    let (raw_median, _) = median_p95(&raw);
    println!(
        "{}",
        serde_json::json!({
            "mails": n,
            "bytes": bytes,
            "rounds": rounds,
            "append_s": appended.as_secs_f64(),
            "raw_fetch": stat(&raw),
            "fetch_and_parse": stat(&parse),
            "intake_per_mail_tx": stat(&per_mail),
            "intake_batched": stat(&batched),
            "ratio_batched_to_raw": median_p95(&batched).0 / raw_median,
            "ratio_per_mail_to_raw": median_p95(&per_mail).0 / raw_median,
            "load_average_before": load_before,
            "load_average_after": load_average(),
        })
    );
}

//! Benchmark (not in the normal test run): N mails (default 10,000) in a real Dovecot mailbox
//! turned into tickets by the intake through this device's write path, beside a plain IMAP fetch
//! of the same mails in the same run (the physical limit: same server, same batches as the collector, no
//! parsing, nothing written). The senders are 700 clients' authorised contacts (about 14 mails
//! each, under the per-sender rate), one mail in ten from a stranger (triage).
//!
//! Each of R rounds (default 5) runs, one after the other on the same mails: the raw fetch; a
//! fetch plus MIME parsing only (the parse stage); the intake as it runs (batches of up to 500,
//! one transaction each, fetch and recording pipelined). The intake writes into a fresh copy of
//! the same prepared database, and the mails are marked unseen again after it. Medians and 95th
//! percentiles over the rounds, the load average before and after, and the intake's CPU time
//! (the process's, and the sink's: on a CPU and waiting for one — the machine is shared).
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

/// A plain fetch of every message, in batches like the collector's, nothing parsed.
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
            let to = (from + imap::BATCH as u32 - 1).min(exists);
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

/// Fetch and MIME parsing only, in batches like the collector's: the parse stage.
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
            let to = (from + imap::BATCH as u32 - 1).min(exists);
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

/// The calling thread's time on a CPU and its time waiting for one (runnable, another task on
/// it: the machine's load), from Linux's scheduler statistics (nanoseconds).
fn thread_cpu() -> (std::time::Duration, std::time::Duration) {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let mut ns = stat
        .split_whitespace()
        .map(|v| std::time::Duration::from_nanos(v.parse().unwrap_or(0)));
    (ns.next().unwrap_or_default(), ns.next().unwrap_or_default())
}

/// CPU time (user + system) of the whole process, all threads (clock ticks of 10 ms).
fn process_cpu() -> std::time::Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name (in parentheses): fields 14 and 15 are utime and stime.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    std::time::Duration::from_millis((f.get(11).unwrap_or(&0) + f.get(12).unwrap_or(&0)) * 10)
}

/// The device's sink, timed: the wall and CPU time spent recording (the rest of an intake's
/// time is the collector's: IMAP and parsing).
struct Timed<S> {
    sink: S,
    wall: std::time::Duration,
    cpu: std::time::Duration,
    runqueue: std::time::Duration,
}

impl<S: imap::Sink> imap::Sink for Timed<S> {
    fn take(
        &mut self,
        request: &rapportino_intake::IncomingRequest,
    ) -> Result<imap::Recorded, rapportino_intake::IntakeError> {
        self.sink.take(request)
    }

    fn take_batch(
        &mut self,
        requests: &[(u32, rapportino_intake::IncomingRequest)],
    ) -> (
        Vec<(u32, imap::Recorded)>,
        Option<rapportino_intake::IntakeError>,
    ) {
        let (t, c) = (Instant::now(), thread_cpu());
        let out = self.sink.take_batch(requests);
        self.wall += t.elapsed();
        let (cpu, queued) = thread_cpu();
        self.cpu += cpu - c.0;
        self.runqueue += queued - c.1;
        out
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
    let (mut raw, mut parse, mut batched) = (vec![], vec![], vec![]);
    let (mut cpu_per_mail, mut sink_cpu_per_mail, mut sink_queued) = (vec![], vec![], vec![]);
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

        let db = dir.path().join(format!("round-{round}.db"));
        std::fs::copy(&prepared, &db).unwrap();
        let mut store = Store::open(&db).unwrap();
        let mut sink = Timed {
            sink: StoreSink {
                store: &mut store,
                rules: Rules::default(),
            },
            wall: Default::default(),
            cpu: Default::default(),
            runqueue: Default::default(),
        };
        let (t, c) = (Instant::now(), process_cpu());
        let report = imap::collect_once_blocking(&cfg, &mut sink).unwrap();
        let (wall, cpu) = (t.elapsed(), process_cpu() - c);
        batched.push(per_s(wall));
        let micros = |d: std::time::Duration| d.as_secs_f64() * 1e6 / n as f64;
        cpu_per_mail.push(micros(cpu));
        sink_cpu_per_mail.push(micros(sink.cpu));
        sink_queued.push(sink.runqueue.as_secs_f64());
        eprintln!(
            "round {round}: raw {:.0}/s, parse {:.0}/s, intake {:.0}/s (wall {:.2}s, process \
             cpu {:.2}s, sink wall {:.2}s, sink cpu {:.2}s, sink waiting for a cpu {:.2}s)",
            raw[round],
            parse[round],
            batched[round],
            wall.as_secs_f64(),
            cpu.as_secs_f64(),
            sink.wall.as_secs_f64(),
            sink.cpu.as_secs_f64(),
            sink.runqueue.as_secs_f64()
        );
        assert_eq!(report.fetched, n);
        assert_eq!(report.ticketed + report.triage, n, "{report:?}");
        assert_eq!((report.ticketed, report.triage), (n - n / 10, n / 10));
        assert_eq!(server.counts().0, 0);
        drop(store);
        std::fs::remove_file(&db).unwrap();
        unsee_all(&cfg);
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
            "intake": stat(&batched),
            "ratio_intake_to_raw": median_p95(&batched).0 / raw_median,
            "intake_process_cpu_us_per_mail": median_p95(&cpu_per_mail).0.round(),
            "sink_cpu_us_per_mail": median_p95(&sink_cpu_per_mail).0.round(),
            "sink_waiting_for_a_cpu_s": median_p95(&sink_queued).0,
            "load_average_before": load_before,
            "load_average_after": load_average(),
        })
    );
}

//! Benchmark (not in the normal test run): the month's statements to N clients through the
//! local test server (STARTTLS + AUTH, python3-aiosmtpd writing every message to disk), once
//! over one reused connection and once with one connection per message (what a script around
//! `sendmail` does), in the same run.
//!
//! cargo test -p rapportino-mail --release --test bench_send -- --ignored --nocapture
//! RAPPORTINO_MAIL_BENCH_N=5000 (default) sets N, RAPPORTINO_MAIL_BENCH_PDF_KIB=60 (default) the
//! attachment's size.

mod common;

use std::time::{Duration, Instant};

use common::{fake_pdf, ServerOptions, TestServer};
use rapportino_mail::{send_one, Attachment, OutgoingMessage, Sender};

/// A statement-sized PDF (a one-page monthly statement with the logo), in KiB.
const PDF_KIB: usize = 60;

fn statement(i: usize, pdf: &[u8], run: &str) -> OutgoingMessage {
    let mut m = OutgoingMessage::new(
        format!("<stmt-{run}-{i}@rapportino.bench>"),
        format!("Cliente {i} <cliente{i}@example.it>"),
        format!("Estratto conto di novembre 2026 — cliente C-{i:05}"),
        "Gentile cliente,\nin allegato l'estratto conto del mese: ore di assistenza, interventi \
         e saldo del monte ore. Per qualsiasi domanda risponda a questo messaggio.\n",
    );
    m.attachments.push(Attachment {
        filename: format!("estratto-2026-11-C{i:05}.pdf"),
        content_type: "application/pdf".into(),
        bytes: pdf.to_vec(),
    });
    m
}

struct Run {
    wall: Duration,
    per_message: Vec<Duration>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.per_message.len() as f64 / self.wall.as_secs_f64()
    }
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.per_message.clone();
        sorted.sort();
        let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[idx]
    }
    fn print(&self, name: &str) {
        println!(
            "{name:<28} {:>6} msgs  wall {:>8.2} s  {:>8.1} msg/s  median {:>7.2} ms  p95 {:>7.2} ms",
            self.per_message.len(),
            self.wall.as_secs_f64(),
            self.rate(),
            self.percentile(0.5).as_secs_f64() * 1000.0,
            self.percentile(0.95).as_secs_f64() * 1000.0,
        );
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

#[test]
#[ignore = "benchmark: run with --ignored --nocapture (release)"]
fn bench_reused_connection_against_one_connection_per_message() {
    let n: usize = std::env::var("RAPPORTINO_MAIL_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let kib: usize = std::env::var("RAPPORTINO_MAIL_BENCH_PDF_KIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PDF_KIB);
    let server = TestServer::start(ServerOptions::default());
    let pdf = fake_pdf(kib * 1024, 7);
    println!(
        "sending {n} statements with a {kib} KiB PDF each to the local test server (STARTTLS + AUTH); load average before: {}",
        load_average()
    );

    // What the client spends per message before the network: MIME build and encoding.
    let account_for_build = server.account();
    let mut build = Vec::with_capacity(n.min(1000));
    for i in 0..n.min(1000) {
        let message = statement(i, &pdf, "build");
        let t = Instant::now();
        let bytes = message.build(&account_for_build).unwrap().formatted();
        build.push(t.elapsed());
        assert!(bytes.len() > kib * 1024);
    }
    build.sort();
    println!(
        "building one message (MIME + base64), median {:.3} ms",
        build[build.len() / 2].as_secs_f64() * 1000.0
    );

    // One reused connection (no per-connection limit: one connection for the whole batch).
    let mut account = server.account();
    account.messages_per_connection = Some(0);
    let mut sender = Sender::new(account.clone()).unwrap();
    let mut per_message = Vec::with_capacity(n);
    let started = Instant::now();
    for i in 0..n {
        let message = statement(i, &pdf, "reuse");
        let t = Instant::now();
        let outcome = sender.send(&message);
        per_message.push(t.elapsed());
        assert!(outcome.is_sent(), "message {i}: {outcome:?}");
    }
    sender.close();
    let reused = Run {
        wall: started.elapsed(),
        per_message,
    };
    assert_eq!(sender.connections_opened(), 1);
    assert_eq!(server.delivered_count(), n);
    let load_after_reuse = load_average();
    server.clear_delivered();

    // One connection per message: connect, STARTTLS, login, send, quit, every time.
    let mut per_message = Vec::with_capacity(n);
    let started = Instant::now();
    for i in 0..n {
        let message = statement(i, &pdf, "single");
        let t = Instant::now();
        let outcome = send_one(&account, &message);
        per_message.push(t.elapsed());
        assert!(outcome.is_sent(), "message {i}: {outcome:?}");
    }
    let single = Run {
        wall: started.elapsed(),
        per_message,
    };
    assert_eq!(server.delivered_count(), n);
    server.clear_delivered();

    reused.print("one reused connection");
    single.print("one connection per message");
    println!(
        "ratio (messages/s, reused / per message): {:.2}x",
        reused.rate() / single.rate()
    );
    println!(
        "load average: after the reused run {load_after_reuse}, at the end {}",
        load_average()
    );
}

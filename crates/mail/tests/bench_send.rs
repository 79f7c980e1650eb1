//! Benchmark (not in the normal test run): the month's statements to N clients through the
//! local test server (STARTTLS + AUTH, python3-aiosmtpd writing every message to disk), once
//! over one reused connection and once with one connection per message (what a script around
//! `sendmail` does), in the same run.
//!
//! cargo test -p rapportino-mail --release --test bench_send -- --ignored --nocapture
//! RAPPORTINO_MAIL_BENCH_N=5000 (default) sets N, RAPPORTINO_MAIL_BENCH_PDF_KIB=60 (default) the
//! attachment's size.
//!
//! Against another local server (scripts/bench-mail-postfix.sh runs it on a private Postfix):
//! RAPPORTINO_MAIL_BENCH_SERVER=localhost:PORT (STARTTLS), RAPPORTINO_MAIL_BENCH_CA (its CA's PEM
//! file), RAPPORTINO_MAIL_BENCH_USER and RAPPORTINO_MAIL_BENCH_PASSWORD. That server's delivered
//! messages are not read back here (its 250 is the acceptance); the script counts them.

mod common;

use std::time::{Duration, Instant};

use common::{fake_pdf, ServerOptions, TestServer};
use rapportino_mail::{
    send_one, Attachment, MailAccount, OutgoingMessage, Secret, Security, Sender,
};

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
    /// This process's CPU time (user + system) over the run: the client's share of the wall.
    cpu: Duration,
}

/// This process's CPU time so far (user + system, from /proc; 10 ms resolution).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may contain spaces).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
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
        println!(
            "{:<28} client CPU {:.2} s ({:.3} ms a message, {:.0}% of the wall)",
            "",
            self.cpu.as_secs_f64(),
            self.cpu.as_secs_f64() * 1000.0 / self.per_message.len() as f64,
            100.0 * self.cpu.as_secs_f64() / self.wall.as_secs_f64(),
        );
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

/// The account of the server named by RAPPORTINO_MAIL_BENCH_SERVER, if any.
fn external_account() -> Option<MailAccount> {
    let server = std::env::var("RAPPORTINO_MAIL_BENCH_SERVER").ok()?;
    let (host, port) = server
        .rsplit_once(':')
        .expect("RAPPORTINO_MAIL_BENCH_SERVER=host:port");
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let mut account = MailAccount::new(
        host,
        Security::Starttls,
        var("RAPPORTINO_MAIL_BENCH_USER"),
        Secret::new(var("RAPPORTINO_MAIL_BENCH_PASSWORD")),
        "officina@example.it",
        "Officina Rossi",
    );
    account.port = Some(port.parse().expect("a port number"));
    account.timeout_secs = Some(30);
    account.extra_ca_pem =
        Some(std::fs::read_to_string(var("RAPPORTINO_MAIL_BENCH_CA")).expect("the CA certificate"));
    Some(account)
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
    let external = external_account();
    let server = external
        .is_none()
        .then(|| TestServer::start(ServerOptions::default()));
    let delivered = |expected: usize| {
        if let Some(server) = &server {
            assert_eq!(server.delivered_count(), expected);
            server.clear_delivered();
        }
    };
    let account_of_server = || match (&external, &server) {
        (Some(a), _) => a.clone(),
        (None, Some(s)) => s.account(),
        (None, None) => unreachable!("one or the other"),
    };
    let pdf = fake_pdf(kib * 1024, 7);
    println!(
        "sending {n} statements with a {kib} KiB PDF each to {} (STARTTLS + AUTH); load average before: {}",
        if external.is_some() { "the server given" } else { "the local test server" },
        load_average()
    );

    // What the client spends per message before the network: MIME build and encoding.
    let account_for_build = account_of_server();
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
    let mut account = account_of_server();
    account.messages_per_connection = Some(0);
    let mut sender = Sender::new(account.clone()).unwrap();
    let mut per_message = Vec::with_capacity(n);
    let cpu = cpu_time();
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
        cpu: cpu_time() - cpu,
    };
    assert_eq!(sender.connections_opened(), 1);
    delivered(n);
    let load_after_reuse = load_average();

    // One connection per message: connect, STARTTLS, login, send, quit, every time.
    let mut per_message = Vec::with_capacity(n);
    let cpu = cpu_time();
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
        cpu: cpu_time() - cpu,
    };
    delivered(n);

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

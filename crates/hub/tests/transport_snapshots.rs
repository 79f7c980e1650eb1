//! Snapshots under slow readers, over real TLS on loopback: readers that read slowly or stop
//! reading hold no storage transaction, get at most `max_snapshot_streams` slots, and are cut
//! off by the write timeout; an honest device keeps syncing meanwhile (`common::under_attack`).

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use common::attack::{seed_rows, Tls};
use common::code_of;
use common::under_attack::{hub_with, serial, tls_config, Honest, Monitor};
use rapportino_model::protocol::Role;
use serde_json::Value;

/// A TCP connection whose receive buffer is small (8 KiB, so the kernel does not grow it):
/// a reader that stops reading stops the hub's writes within a few KiB, not a few MB.
fn small_window_connect(addr: SocketAddr) -> TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("runtime");
    let tcp = rt
        .block_on(async {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.set_recv_buffer_size(8 * 1024)?;
            socket.connect(addr).await?.into_std()
        })
        .expect("connect");
    tcp.set_nonblocking(false).expect("blocking");
    tcp.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    tcp
}

/// A snapshot request on a small-window TLS connection: the status, `Retry-After`, and the
/// stream (chunked) when the status is 200.
struct Reader {
    status: u16,
    retry_after: Option<String>,
    body: Option<std::io::BufReader<Tls>>,
}

fn open_snapshot(addr: SocketAddr, config: &Arc<rustls::ClientConfig>, token: &str) -> Reader {
    use std::io::BufRead;
    let tcp = small_window_connect(addr);
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let conn = rustls::ClientConnection::new(config.clone(), name).expect("client");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(
        tls,
        "GET /v1/snapshot HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {token}\r\n\
         Connection: close\r\n\r\n"
    )
    .expect("request");
    tls.flush().expect("flush");
    let mut reader = std::io::BufReader::new(tls);
    let mut line = String::new();
    reader.read_line(&mut line).expect("status line");
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("header");
        let h = line.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if status == 200 {
        return Reader {
            status,
            retry_after: None,
            body: Some(reader),
        };
    }
    let len: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .expect("content-length");
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).expect("error body");
    let body: Value = serde_json::from_slice(&body).expect("JSON error body");
    assert_eq!(code_of(&body), "HUB_BUSY", "{body}");
    Reader {
        status,
        retry_after: header("retry-after"),
        body: None,
    }
}

/// Reads a chunked snapshot stream slowly (a pause of 10 ms after every 64 KiB: about 6 MB/s)
/// to its end line; the rows counted.
fn read_slowly(mut body: std::io::BufReader<Tls>) -> (u64, Value) {
    use std::io::BufRead;
    let mut text = Vec::new();
    let mut line = String::new();
    let mut since_pause = 0;
    loop {
        line.clear();
        body.read_line(&mut line).expect("chunk size");
        let size = usize::from_str_radix(line.trim(), 16)
            .unwrap_or_else(|_| panic!("chunk size {line:?}"));
        if size == 0 {
            break;
        }
        let start = text.len();
        text.resize(start + size, 0);
        body.read_exact(&mut text[start..]).expect("chunk");
        line.clear();
        body.read_line(&mut line).expect("chunk end");
        since_pause += size;
        if since_pause >= 64 * 1024 {
            since_pause = 0;
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let text = String::from_utf8(text).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let end: Value = serde_json::from_str(lines.last().expect("lines")).expect("end line");
    ((lines.len() - 2) as u64, end)
}

/// Whether a hub transaction has been open for more than a second (nothing should be: the
/// snapshot readers are stalled, but their snapshots were spooled).
fn long_transaction_open(kind: &str, url: &str) -> bool {
    match kind {
        "postgres" => {
            let mut client =
                postgres::Client::connect(url, postgres::NoTls).expect("connect to PostgreSQL");
            let row = client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity
                     WHERE application_name = 'rapportino-hub' AND datname = current_database()
                       AND xact_start < now() - interval '1 second'",
                    &[],
                )
                .expect("pg_stat_activity");
            row.get::<_, i64>(0) > 0
        }
        _ => {
            // A read transaction held open keeps a TRUNCATE checkpoint from completing. The
            // honest device's own short transactions may collide with one attempt, not with all.
            let path = url.strip_prefix("sqlite:").expect("sqlite URL");
            let conn = rusqlite::Connection::open(path).expect("open the hub file");
            conn.busy_timeout(Duration::ZERO).expect("busy timeout");
            for _ in 0..10 {
                let busy: i64 = conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
                    .expect("checkpoint");
                if busy == 0 {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            true
        }
    }
}

/// 30 readers ask for a snapshot of about 13 MB at once (more than the kernel buffers: about
/// 4 MB of send buffer per connection on Linux) and read it slowly: at most
/// `max_snapshot_streams` get it (the others 503 HUB_BUSY with Retry-After), no storage
/// transaction stays open while they read, every stream is complete, and the honest device's
/// requests are answered within 2 s throughout. On both engines.
#[test]
fn slow_snapshot_readers_hold_no_transaction_and_honest_devices_keep_syncing() {
    let _serial = serial();
    for b in common::backends() {
        seed_rows(&b.storage, 6_000);
        let hub = hub_with(b.storage.clone(), |c| c.max_snapshot_streams = 4);
        let reader = hub.enrol(Role::Technician, "dev-reader", "RD");
        let config = tls_config(&hub);
        let monitor = Monitor::start(Honest::enrol(&hub, "dev-honest", "HO"));
        let opened: Vec<Reader> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..30)
                .map(|_| scope.spawn(|| open_snapshot(hub.addr, &config, &reader.token)))
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().expect("reader"))
                .collect()
        });
        let streaming = opened.iter().filter(|r| r.status == 200).count();
        assert!(
            (1..=4).contains(&streaming),
            "{}: {streaming} streams at once",
            b.kind
        );
        for r in opened.iter().filter(|r| r.status != 200) {
            assert_eq!(r.status, 503, "{}", b.kind);
            assert_eq!(r.retry_after.as_deref(), Some("10"), "{}", b.kind);
        }
        // The readers are stalled (nothing read yet): no transaction may be waiting for them.
        std::thread::sleep(Duration::from_millis(1500));
        assert!(
            !long_transaction_open(b.kind, &b.url),
            "{}: a storage transaction stays open under stalled snapshot readers",
            b.kind
        );
        let results: Vec<(u64, Value)> = std::thread::scope(|scope| {
            let threads: Vec<_> = opened
                .into_iter()
                .filter_map(|r| r.body)
                .map(|body| scope.spawn(move || read_slowly(body)))
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().expect("reader"))
                .collect()
        });
        monitor.finish(&format!("slow snapshot readers ({})", b.kind));
        for (rows, end) in results {
            assert_eq!(end["end_rows"], rows, "{}", b.kind);
            assert!(rows >= 6_000, "{}: {rows} rows", b.kind);
        }
        // Once the streams are done their slots are free again.
        let again = open_snapshot(hub.addr, &config, &reader.token);
        assert_eq!(again.status, 200, "{}", b.kind);
    }
}

/// A snapshot reader that stops reading loses its connection after the write timeout, and its
/// snapshot slot is free again.
#[test]
fn a_reader_that_stops_reading_is_cut_off_and_frees_its_slot() {
    let _serial = serial();
    let s = common::sqlite_storage();
    seed_rows(&s.storage, 6_000);
    let hub = hub_with(s.storage.clone(), |c| {
        c.write_timeout = Duration::from_secs(2);
        c.max_snapshot_streams = 1;
    });
    let config = tls_config(&hub);
    let reader = hub.enrol(Role::Technician, "dev-reader", "RD");
    let stuck = open_snapshot(hub.addr, &config, &reader.token);
    assert_eq!(stuck.status, 200);
    let busy = open_snapshot(hub.addr, &config, &reader.token);
    assert_eq!(busy.status, 503);
    // Reads nothing for a while: the hub's writes stall, then it gives up.
    std::thread::sleep(Duration::from_secs(4));
    let mut body = stuck.body.expect("stream");
    let mut received = Vec::new();
    let cut = body.read_to_end(&mut received).is_err()
        || !String::from_utf8_lossy(&received).contains("end_rows");
    assert!(cut, "the stalled stream was sent in full");
    assert!(
        received.len() < 12_000_000,
        "{} bytes reached the stalled reader",
        received.len()
    );
    let again = open_snapshot(hub.addr, &config, &reader.token);
    assert_eq!(again.status, 200, "the stalled reader's slot was not freed");
}

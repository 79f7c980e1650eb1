//! Raw clients and data for attacking a hub over loopback, shared by the transport tests
//! (`tests/transport_*.rs`, through `common::attack`) and the hostile-transport benchmark
//! (`examples/hostile_transport.rs`, through `#[path]`). Only what both use lives here; it
//! depends on nothing but the hub, the model crate and the TLS client.

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rapportino_hub::storage::Storage;
use rapportino_model::hlc::Hlc;
use rapportino_model::merge::{FieldVersion, RowState};
use rapportino_model::SCHEMA_VERSION;
use serde_json::{json, Map, Value};

/// A client TLS connection over plain blocking TCP.
pub type Tls = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

/// A TLS client (ring provider) that trusts only `cert_der` and offers HTTP/1.1, as devices do.
pub fn tls_config(cert_der: &[u8]) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls_pki_types::CertificateDer::from(cert_der.to_vec()))
        .expect("add the test certificate");
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// A TLS connection to `127.0.0.1` with the handshake done; reads time out after `read_timeout`.
pub fn try_tls_connect(
    addr: SocketAddr,
    config: &Arc<rustls::ClientConfig>,
    read_timeout: Duration,
) -> std::io::Result<Tls> {
    let tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(read_timeout))?;
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let conn =
        rustls::ClientConnection::new(config.clone(), name).map_err(std::io::Error::other)?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock)?;
    }
    Ok(tls)
}

/// Reads (and drops) what the hub sends while `keep_waiting()`: whether the hub closed the
/// connection. A read timeout only asks `keep_waiting` again.
pub fn wait_closed<S: Read>(stream: &mut S, mut keep_waiting: impl FnMut() -> bool) -> bool {
    let mut buf = [0u8; 4096];
    while keep_waiting() {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // an answer: read on to the end
            Err(e) if is_timeout(&e) => continue,
            Err(_) => return true,
        }
    }
    false
}

/// A read that timed out (the kind depends on the platform).
pub fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// A request head announcing a 32 MiB enrolment body, sent before any token.
pub fn held_enrol_head() -> String {
    format!(
        "POST /v1/enrol HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        32 * 1024 * 1024
    )
}

/// The push an honest device sends: one new client (`Cliente <label>`), written now.
pub fn new_client_batch(device_id: &str, label: &str, base_seq: i64) -> Value {
    let now = chrono::Utc::now();
    let stamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    json!({
        "schema_version": SCHEMA_VERSION,
        "mutations": [{
            "mutation_id": uuid::Uuid::now_v7().to_string(),
            "entity": "client",
            "entity_id": uuid::Uuid::now_v7().to_string(),
            "op": "insert",
            "fields": {
                "name": format!("Cliente {label}"),
                "customer_class": "none",
                "archived": 0,
                "created_at": stamp,
                "updated_at": stamp,
            },
            "hlc": Hlc::from_parts(now.timestamp_millis(), 0).0,
            "device_id": device_id,
            "recorded_at": stamp,
            "base_seq": base_seq,
        }],
    })
}

/// Writes `n` clients of about 2 KB each straight into the hub's rows (a 13 MB snapshot for
/// 6000).
pub fn seed_rows(storage: &Storage, n: usize) {
    let version = FieldVersion {
        hlc: 1 << 16,
        device: "dev-seed".into(),
        seq: 1,
    };
    storage
        .write(|tx| {
            for i in 0..n {
                let mut fields = Map::new();
                fields.insert("name".into(), json!(format!("Cliente {i:05}")));
                fields.insert("notes".into(), json!("n".repeat(2000)));
                fields.insert("customer_class".into(), json!("none"));
                fields.insert("archived".into(), json!(0));
                fields.insert("created_at".into(), json!("2026-01-01T00:00:00Z"));
                fields.insert("updated_at".into(), json!("2026-01-01T00:00:00Z"));
                let row = RowState {
                    versions: fields
                        .keys()
                        .map(|k| (k.clone(), version.clone()))
                        .collect(),
                    fields,
                    deleted: None,
                    origin_device: "dev-seed".into(),
                };
                tx.save_row("client", &format!("seed-{i:05}"), &row)?;
            }
            Ok(())
        })
        .expect("seed rows");
}

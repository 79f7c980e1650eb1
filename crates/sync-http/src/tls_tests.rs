//! Certificate pinning against a real TLS server on loopback: two CAs made now, A and B; B stands
//! for a public CA (it is put among the "public roots"), so a certificate B issued for the hub's
//! name is what a public CA could issue to anyone.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

use rcgen::{BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::*;

struct Ca {
    cert: Certificate,
    key: KeyPair,
}

fn ca(name: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    Ca { cert, key }
}

/// A server certificate for `127.0.0.1` and `localhost` issued by `ca`, with its chain.
fn server_cert(ca: &Ca) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &ca.cert, &ca.key).unwrap();
    (
        vec![cert.der().clone(), ca.cert.der().clone()],
        PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
    )
}

/// A TLS server on a free loopback port answering every request with an empty pull page.
fn serve(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> u16 {
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            if request.windows(4).any(|w| w == b"\r\n\r\n") {
                let body = r#"{"changes":[],"next_cursor":0,"more":false}"#;
                let _ = write!(
                    tls,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        }
    });
    port
}

fn roots(cas: &[&Ca]) -> rustls::RootCertStore {
    let mut store = rustls::RootCertStore::empty();
    for ca in cas {
        store.add(ca.cert.der().clone()).unwrap();
    }
    store
}

/// Whether a GET over `agent` to the server at `port` under `host` succeeds; the error text when
/// it does not.
fn reaches(agent: &ureq::Agent, host: &str, port: u16) -> std::result::Result<(), String> {
    agent
        .get(&format!("https://{host}:{port}/v1/changes?after=0&limit=1"))
        .call()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn a_pinned_certificate_is_the_only_trust_anchor_for_the_hub() {
    let (a, b) = (ca("Officina Rinaldi CA"), ca("Public CA"));
    let (b_chain, b_key) = server_cert(&b);
    let hub_b = serve(b_chain, b_key);
    let (a_chain, a_key) = server_cert(&a);
    let hub_a = serve(a_chain, a_key);
    let a_pem = a.cert.pem();

    for host in ["localhost", "127.0.0.1"] {
        // Pinned to A: a certificate from B for the very same name is refused, although B is
        // among the public roots (before pinning, the given CA was *added* to them).
        let pinned = agent_trusting(Some(&a_pem), Some(roots(&[&b]))).unwrap();
        let refused = reaches(&pinned, host, hub_b).expect_err("B's certificate accepted");
        assert!(
            refused.contains("UnknownIssuer") || refused.contains("invalid peer certificate"),
            "{refused}"
        );
        // The hub A certified is reached.
        reaches(&pinned, host, hub_a).unwrap();

        // No certificate given: the system's store (here standing: B).
        let public = agent_trusting(None, Some(roots(&[&b]))).unwrap();
        reaches(&public, host, hub_b).unwrap();
        assert!(reaches(&public, host, hub_a).is_err());
    }
}

#[test]
fn a_pinned_self_signed_certificate_marked_as_a_ca_is_still_accepted_for_its_own_name() {
    // `openssl req -x509` makes the hub's own certificate CA:TRUE; pinned, it is the hub.
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    let port = serve(
        vec![cert.der().clone()],
        PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
    );
    let other = ca("Public CA");
    let pinned = agent_trusting(Some(&cert.pem()), Some(roots(&[&other]))).unwrap();
    reaches(&pinned, "localhost", port).unwrap();
    // Under another name, it is not.
    assert!(reaches(&pinned, "127.0.0.1", port).is_err());
}

#[test]
fn a_certificate_that_is_not_pem_is_refused() {
    for pem in ["not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n"] {
        let err = agent(Some(pem)).unwrap_err();
        assert_eq!(err.code(), Code::InvalidFormat, "{pem}");
    }
}

#[test]
fn without_a_pinned_certificate_the_systems_trust_store_decides() {
    // A company CA the computer does not trust yet: refused, as a browser would.
    let company = ca("Officina Rinaldi Company CA");
    let (chain, key) = server_cert(&company);
    let hub = serve(chain, key);
    let refused = reaches(&agent(None).unwrap(), "localhost", hub).expect_err("untrusted CA");
    assert!(
        refused.contains("UnknownIssuer") || refused.contains("invalid peer certificate"),
        "{refused}"
    );
    // The administrator adds it to the system's store (SSL_CERT_FILE is where the platform
    // verifier's Linux backend reads the store from when it is set): now trusted, no pin.
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("ca-certificates.crt");
    std::fs::write(&bundle, company.cert.pem()).unwrap();
    std::env::set_var("SSL_CERT_FILE", &bundle);
    let trusted = agent(None).unwrap();
    std::env::remove_var("SSL_CERT_FILE");
    reaches(&trusted, "localhost", hub).unwrap();
    // A pinned certificate still overrides the store: another CA's pin refuses this hub.
    std::env::set_var("SSL_CERT_FILE", &bundle);
    let pinned_elsewhere = agent(Some(&ca("Another CA").cert.pem())).unwrap();
    std::env::remove_var("SSL_CERT_FILE");
    assert!(reaches(&pinned_elsewhere, "localhost", hub).is_err());
}

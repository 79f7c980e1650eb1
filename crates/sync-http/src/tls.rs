//! TLS to the hub: which certificates are trusted (a pinned one, or the system's store), and
//! the connector that puts ureq's requests over rustls with that trust, with a limit on how
//! long the hub may stay silent.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use rapportino_core::error::{Code, Error, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_name, WebPkiServerVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme,
    StreamOwned,
};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::time::Duration as UreqDuration;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, TcpConnector,
    Transport, TransportAdapter,
};

/// The longest the hub may stay silent while this device waits to send or to read (a hung hub
/// fails the round instead of holding it forever; a long snapshot still streams).
const IDLE_LIMIT: Duration = Duration::from_secs(120);

/// An agent for the hub. With a certificate given at enrolment (`ca_pem`: the hub's own
/// certificate or its CA), that certificate is the *only* trust anchor for this hub — pinned, not
/// added to the system's roots, so a certificate some other CA issued for the same name is
/// refused. Without one, the system's trust store (rustls-platform-verifier: a hub with a
/// certificate from a public CA, or from a company CA the computer trusts).
pub(crate) fn agent(ca_pem: Option<&str>) -> Result<ureq::Agent> {
    agent_trusting(ca_pem, None)
}

/// [`agent`] with `public`, when given, standing for the system's store (tests put their own
/// "public" CA there).
pub(crate) fn agent_trusting(
    ca_pem: Option<&str>,
    public: Option<rustls::RootCertStore>,
) -> Result<ureq::Agent> {
    let mut given = Vec::new();
    let pinned = match ca_pem.filter(|p| !p.trim().is_empty()) {
        Some(pem) => {
            let mut pinned = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                let cert = cert.map_err(|_| bad_certificate())?;
                pinned.add(cert.clone()).map_err(|_| bad_certificate())?;
                given.push(cert);
            }
            if given.is_empty() {
                return Err(bad_certificate());
            }
            Some(pinned)
        }
        None => None,
    };
    // ring, as ureq itself uses: no C toolchain beyond gcc (aws-lc wants cmake). Deprecated only
    // for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = |roots: rustls::RootCertStore| {
        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| Error::Inconsistent(e.to_string()))
    };
    let verifier: Arc<dyn ServerCertVerifier> = match (pinned, public) {
        (Some(pinned), _) => Arc::new(HubVerifier {
            webpki: webpki(pinned)?,
            given,
        }),
        (None, Some(public)) => webpki(public)?,
        (None, None) => Arc::new(
            rustls_platform_verifier::Verifier::new(provider.clone())
                .map_err(|e| Error::Inconsistent(format!("the system's trust store: {e}")))?,
        ),
    };
    let tls = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Inconsistent(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    let config = ureq::Agent::config_builder()
        // Every answer is read here: a refusal's body carries its code.
        .http_status_as_error(false)
        // Straight to the hub, as before: no proxy from the environment (the connector chain
        // below has no proxy step).
        .proxy(None)
        .timeout_connect(Some(Duration::from_secs(5)))
        .build();
    let connector = ()
        .chain(TcpConnector::default())
        .chain(HubTls {
            config: Arc::new(tls),
        })
        .chain(IdleLimit);
    Ok(ureq::Agent::with_parts(
        config,
        connector,
        DefaultResolver::default(),
    ))
}

/// The usual checks (webpki against the trust anchors of [`agent`]), with one exception:
/// a self-signed certificate made by `openssl req -x509` is marked as a CA (`CA:TRUE`, openssl's
/// default), which webpki refuses for a server (`CaUsedAsEndEntity`). When the hub presents
/// exactly a certificate the user gave, that mark is waived; its dates were already checked and
/// its name still must match the hub's address.
#[derive(Debug)]
struct HubVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    given: Vec<CertificateDer<'static>>,
}

impl ServerCertVerifier for HubVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let checked = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match checked {
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(ref other)))
                if matches!(
                    other.0.downcast_ref::<webpki::Error>(),
                    Some(webpki::Error::CaUsedAsEndEntity)
                ) && self.given.iter().any(|c| c.as_ref() == end_entity.as_ref()) =>
            {
                verify_server_name(&ParsedCertificate::try_from(end_entity)?, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

fn bad_certificate() -> Error {
    Error::invalid(
        Code::InvalidFormat,
        "ca_pem",
        "the hub certificate is not a PEM certificate (-----BEGIN CERTIFICATE-----)",
    )
}

/// Wraps the TCP connection to an `https://` hub in rustls with the hub's own configuration
/// (ureq's stock connector cannot take a custom certificate verifier).
#[derive(Debug)]
struct HubTls {
    config: Arc<ClientConfig>,
}

impl<In: Transport> Connector<In> for HubTls {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .ok_or(ureq::Error::Tls("the hub address has no host"))?;
        // An IPv6 literal comes bracketed in the authority.
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_owned())
            .map_err(|_| ureq::Error::Tls("the hub's name is not a DNS name or an IP address"))?;
        let mut conn = ClientConnection::new(self.config.clone(), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        // The handshake now, within the connection's timeout: a refused certificate fails here.
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock)?;
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned { conn, sock },
        })))
    }
}

struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTransport").finish()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// Bounds every single wait on the connection by [`IDLE_LIMIT`] (ureq's own timeouts bound a
/// whole phase, such as reading the body, which a large snapshot may rightly take long for).
#[derive(Debug)]
struct IdleLimit;

impl<In: Transport> Connector<In> for IdleLimit {
    type Out = Idle<In>;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(Idle))
    }
}

#[derive(Debug)]
struct Idle<T>(T);

fn capped(mut timeout: NextTimeout) -> NextTimeout {
    if *timeout.after > IDLE_LIMIT {
        timeout.after = UreqDuration::Exact(IDLE_LIMIT);
    }
    timeout
}

impl<T: Transport> Transport for Idle<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        self.0.transmit_output(amount, capped(timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.0.await_input(capped(timeout))
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

#[cfg(test)]
#[path = "tls_tests.rs"]
mod tests;

//! The HTTPS transport to the hub (blocking: sync runs on its own thread).

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_name, WebPkiServerVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::BufRead;
use std::sync::Arc;
use std::time::Duration;

use super::protocol::{
    wire_code, EnrolRequest, EnrolResponse, ErrorBody, ExtraTimeGrant, ExtraTimeRequest,
    PullResponse, PushRequest, PushResponse, SnapshotEnd, SnapshotHeader, SnapshotRow,
};
use super::{SnapshotItem, Transport};
use crate::error::{Code, Error, Result};

/// A connection to one hub with this device's credential.
pub struct HttpTransport {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl HttpTransport {
    /// `ca_pem`: the hub's certificate (or its CA) when it is self-signed.
    pub fn new(hub_url: &str, token: &str, ca_pem: Option<&str>) -> Result<Self> {
        Ok(HttpTransport {
            agent: agent(ca_pem)?,
            base: normalise_url(hub_url)?,
            token: token.to_owned(),
        })
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let resp = self
            .agent
            .get(&format!("{}{path}", self.base))
            .set("Authorization", &format!("Bearer {}", self.token))
            .call()
            .map_err(hub_error)?;
        read_json(resp)
    }

    fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let resp = self
            .agent
            .post(&format!("{}{path}", self.base))
            .set("Authorization", &format!("Bearer {}", self.token))
            .send_json(body)
            .map_err(hub_error)?;
        read_json(resp)
    }
}

impl HttpTransport {
    /// Has the hub check an extra-time PIN (see `sync::extra_time`): its refusals come back as
    /// `WRONG_PIN`, `PIN_LOCKED`, `EXTRA_TIME_NOT_ALLOWED` on the field `extra_time_pin`.
    pub fn extra_time(&self, req: &ExtraTimeRequest) -> Result<ExtraTimeGrant> {
        self.post("/v1/extra-time", req).map_err(|e| {
            let code = match e.code() {
                Code::WrongPin | Code::PinLocked | Code::ExtraTimeNotAllowed => e.code(),
                _ => return e,
            };
            Error::invalid(code, "extra_time_pin", message_of(&e))
        })
    }
}

impl HttpTransport {
    /// The content of an attachment the hub kept, by SHA-256 (`GET /v1/attachments/{sha256}`),
    /// read up to `max` bytes (more is a protocol error); `None` when the hub answers 404 (it
    /// does not hold it). The caller checks the hash.
    pub fn attachment(&self, sha256: &str, max: u64) -> Result<Option<Vec<u8>>> {
        use std::io::Read;
        let resp = match self
            .agent
            .get(&format!("{}/v1/attachments/{sha256}", self.base))
            .set("Authorization", &format!("Bearer {}", self.token))
            .call()
        {
            Ok(r) => r,
            Err(ureq::Error::Status(404, _)) => return Ok(None),
            Err(e) => return Err(hub_error(e)),
        };
        let mut content = Vec::new();
        resp.into_reader()
            .take(max.saturating_add(1))
            .read_to_end(&mut content)
            .map_err(unreachable)?;
        if content.len() as u64 > max {
            return Err(protocol_error(
                "the attachment is larger than its listing says",
            ));
        }
        Ok(Some(content))
    }
}

fn message_of(e: &Error) -> String {
    match e {
        Error::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

impl Transport for HttpTransport {
    fn push(&mut self, req: &PushRequest) -> Result<PushResponse> {
        self.post("/v1/push", req)
    }

    fn pull(&mut self, after: i64, limit: i64) -> Result<PullResponse> {
        self.get(&format!("/v1/changes?after={after}&limit={limit}"))
    }

    fn snapshot(&mut self, on_item: &mut dyn FnMut(SnapshotItem) -> Result<()>) -> Result<()> {
        let resp = self
            .agent
            .get(&format!("{}/v1/snapshot", self.base))
            .set("Authorization", &format!("Bearer {}", self.token))
            .call()
            .map_err(hub_error)?;
        let reader = std::io::BufReader::with_capacity(1 << 16, resp.into_reader());
        let mut lines = reader.lines();
        let header = lines
            .next()
            .ok_or_else(|| protocol_error("the snapshot is empty"))?
            .map_err(unreachable)?;
        let header: SnapshotHeader = serde_json::from_str(&header)
            .map_err(|e| protocol_error(&format!("snapshot header: {e}")))?;
        on_item(SnapshotItem::Header(header))?;
        let mut seen = 0u64;
        for line in lines {
            let line = line.map_err(unreachable)?;
            if line.is_empty() {
                continue;
            }
            if line.starts_with("{\"end_rows\"") {
                let end: SnapshotEnd = serde_json::from_str(&line)
                    .map_err(|e| protocol_error(&format!("snapshot end: {e}")))?;
                if end.end_rows != seen {
                    return Err(protocol_error(&format!(
                        "the snapshot announced {} rows and sent {seen}",
                        end.end_rows
                    )));
                }
                return Ok(());
            }
            let row: SnapshotRow = serde_json::from_str(&line)
                .map_err(|e| protocol_error(&format!("snapshot row: {e}")))?;
            seen += 1;
            on_item(SnapshotItem::Row(row))?;
        }
        // A cut connection ends the stream early: never take half a snapshot for a whole one.
        Err(Error::invalid(
            Code::HubUnreachable,
            "hub",
            format!("the snapshot stopped after {seen} rows"),
        ))
    }
}

/// Enrols this device with a code; returns the credential.
pub fn enrol(hub_url: &str, ca_pem: Option<&str>, req: &EnrolRequest) -> Result<EnrolResponse> {
    let base = normalise_url(hub_url)?;
    let resp = agent(ca_pem)?
        .post(&format!("{base}/v1/enrol"))
        .send_json(req)
        .map_err(|e| match e {
            ureq::Error::Status(400..=499, r) => {
                let body = r.into_json::<ErrorBody>().ok();
                let (code, field) = match body.as_ref().map(|b| b.code.as_str()) {
                    Some(wire_code::DEVICE_CODE_TAKEN) => (Code::DeviceCodeTaken, "device_code"),
                    Some(wire_code::TECHNICIAN_CODE_TAKEN) => {
                        (Code::TechnicianCodeTaken, "technician_code")
                    }
                    _ => (Code::EnrolmentRefused, "code"),
                };
                Error::invalid(
                    code,
                    field,
                    body.map_or_else(|| "the hub refused the code".to_owned(), |b| b.message),
                )
            }
            other => hub_error(other),
        })?;
    read_json(resp)
}

/// Checks and tidies a hub address, parsed as the HTTP client parses it: `https://host[:port]`,
/// or plain `http://` only when the *parsed* host is this machine (127.0.0.0/8, `::1`,
/// `localhost`: a hub on loopback, for trying it out). Refused with `HUB_URL_INVALID`: a user
/// name or password (`http://127.0.0.1:1@hub.example.it` would send the enrolment code in clear
/// to another host), any other scheme, a path, query or fragment, whitespace or control
/// characters, port 0. The result is the origin alone (`https://hub.example.it:8443`, scheme and
/// host in lower case, the default port left out).
pub fn normalise_url(url: &str) -> Result<String> {
    let typed = url.trim();
    let refuse = |why: &str| {
        Error::invalid(
            Code::HubUrlInvalid,
            "hub_url",
            format!("{why} (the hub address looks like https://hub.example.it:8443)"),
        )
    };
    if typed.is_empty() {
        return Err(refuse("the hub address is empty"));
    }
    // The URL standard silently drops tabs and newlines inside an address: refuse them instead.
    if typed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse(
            "the hub address contains spaces or control characters",
        ));
    }
    // A hub address never has a user name: whatever stands before an `@` is a disguise.
    if typed.contains('@') {
        return Err(refuse(
            "the hub address must not contain a user name or password (@)",
        ));
    }
    let parsed = url::Url::parse(typed).map_err(|e| refuse(&format!("not an address: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refuse(
            "the hub address must not contain a user name or password (@)",
        ));
    }
    let host = parsed
        .host()
        .ok_or_else(|| refuse("the hub address has no host"))?;
    match parsed.scheme() {
        "https" => {}
        "http" => {
            let loopback = match &host {
                url::Host::Ipv4(ip) => ip.is_loopback(),
                url::Host::Ipv6(ip) => ip.is_loopback(),
                url::Host::Domain(name) => *name == "localhost",
            };
            if !loopback {
                return Err(refuse(
                    "use https:// (plain http is allowed only for a hub on this computer: \
                     127.0.0.1, [::1] or localhost)",
                ));
            }
        }
        other => {
            return Err(refuse(&format!(
                "{other}:// is not a hub address: use https://"
            )))
        }
    }
    if parsed.port() == Some(0) {
        return Err(refuse("port 0 is not a port a hub listens on"));
    }
    if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(refuse(
            "the hub address is the server alone, with no path, ? or #",
        ));
    }
    Ok(parsed.origin().ascii_serialization())
}

/// An agent for the hub. With a certificate given at enrolment (`ca_pem`: the hub's own
/// certificate or its CA), that certificate is the *only* trust anchor for this hub — pinned, not
/// added to the system's roots, so a certificate some other CA issued for the same name is
/// refused. Without one, the system's trust store (rustls-platform-verifier: a hub with a
/// certificate from a public CA, or from a company CA the computer trusts).
fn agent(ca_pem: Option<&str>) -> Result<ureq::Agent> {
    agent_trusting(ca_pem, None)
}

/// [`agent`] with `public`, when given, standing for the system's store (tests put their own
/// "public" CA there).
fn agent_trusting(
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
    Ok(ureq::AgentBuilder::new()
        .tls_config(Arc::new(tls))
        .timeout_connect(Duration::from_secs(5))
        .timeout_read(Duration::from_secs(120))
        .timeout_write(Duration::from_secs(120))
        .build())
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

fn read_json<T: DeserializeOwned>(resp: ureq::Response) -> Result<T> {
    resp.into_json()
        .map_err(|e| protocol_error(&format!("unreadable answer: {e}")))
}

fn protocol_error(msg: &str) -> Error {
    Error::invalid(Code::HubError, "hub", msg.to_owned())
}

fn unreachable(e: std::io::Error) -> Error {
    Error::invalid(Code::HubUnreachable, "hub", e.to_string())
}

/// The most this device waits because a hub said so (a hostile or broken hub cannot park it).
pub const MAX_RETRY_AFTER_SECS: u64 = 3_600;

/// `Retry-After` in seconds (the HTTP-date form is not used by the hub), at least 1 and at most
/// [`MAX_RETRY_AFTER_SECS`].
pub(crate) fn parse_retry_after(value: &str) -> Option<u64> {
    let secs: u64 = value.trim().parse().ok()?;
    Some(secs.clamp(1, MAX_RETRY_AFTER_SECS))
}

/// Maps a failed request to a core error with a stable code (a 503 or 429 with `Retry-After`:
/// `HUB_BUSY`, carrying the wait).
fn hub_error(e: ureq::Error) -> Error {
    match e {
        ureq::Error::Transport(t) => Error::invalid(Code::HubUnreachable, "hub", t.to_string()),
        ureq::Error::Status(status, resp) => {
            let retry_after = match status {
                429 | 503 => resp.header("Retry-After").and_then(parse_retry_after),
                _ => None,
            };
            let body = resp.into_json::<ErrorBody>().ok();
            let message = body
                .as_ref()
                .map_or_else(|| format!("HTTP {status}"), |b| b.message.clone());
            let code = match (status, body.as_ref().map(|b| b.code.as_str())) {
                (401, _) | (403, Some(wire_code::DEVICE_REVOKED)) => Code::DeviceRevoked,
                (426, _) | (_, Some(wire_code::UPGRADE_REQUIRED)) => Code::UpgradeRequired,
                (_, Some(wire_code::WRONG_PIN)) => Code::WrongPin,
                (_, Some(wire_code::PIN_LOCKED)) => Code::PinLocked,
                (_, Some(wire_code::EXTRA_TIME_NOT_ALLOWED)) => Code::ExtraTimeNotAllowed,
                (502..=504, _) => Code::HubUnreachable,
                _ => Code::HubError,
            };
            match retry_after {
                // A refusal of its own (PIN_LOCKED...) keeps its code; a busy hub says how long.
                Some(secs) if matches!(code, Code::HubUnreachable | Code::HubError) => {
                    Error::HubBusy {
                        retry_after_secs: secs,
                        message,
                    }
                }
                _ => Error::invalid(code, "hub", message),
            }
        }
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;

//! The HTTPS transport to the hub (blocking: sync runs on its own thread): requests and answers,
//! and the hub's answers mapped to core's stable codes.

use std::io::{BufRead, Read};

use rapportino_core::error::{Code, Error, Result};
use rapportino_core::sync::client::parse_retry_after;
use rapportino_core::sync::normalise_url;
use rapportino_core::sync::protocol::{
    wire_code, EnrolRequest, EnrolResponse, ErrorBody, ExtraTimeGrant, ExtraTimeRequest,
    PullResponse, PushRequest, PushResponse, SnapshotEnd, SnapshotHeader, SnapshotRow,
};
use rapportino_core::sync::{HubConnection, SnapshotItem, Transport};
use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::http::Response;
use ureq::Body;

use crate::tls::agent;

/// The most bytes of one JSON answer (a pull page, a push acknowledgement): far above what a
/// page of `sync::PULL_PAGE` changes weighs, still a bound on what a hostile hub can make this
/// device hold.
const MAX_JSON_BYTES: u64 = 256 * 1024 * 1024;

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

    fn get_raw(&self, path: &str) -> Result<Response<Body>> {
        self.agent
            .get(&format!("{}{path}", self.base))
            .header("Authorization", &format!("Bearer {}", self.token))
            .call()
            .map_err(unreachable)
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        read_json(ok_or_hub_error(self.get_raw(path)?)?)
    }

    fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let resp = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("Authorization", &format!("Bearer {}", self.token))
            .send_json(body)
            .map_err(unreachable)?;
        read_json(ok_or_hub_error(resp)?)
    }

    /// Has the hub check an extra-time PIN (see `rapportino_core::sync::extra_time`).
    pub fn extra_time(&self, req: &ExtraTimeRequest) -> Result<ExtraTimeGrant> {
        self.post("/v1/extra-time", req)
    }

    /// The content of an attachment the hub kept, by SHA-256 (`GET /v1/attachments/{sha256}`),
    /// read up to `max` bytes (more is a protocol error); `None` when the hub answers 404 (it
    /// does not hold it). The caller checks the hash.
    pub fn attachment(&self, sha256: &str, max: u64) -> Result<Option<Vec<u8>>> {
        let resp = self.get_raw(&format!("/v1/attachments/{sha256}"))?;
        if resp.status().as_u16() == 404 {
            return Ok(None);
        }
        let resp = ok_or_hub_error(resp)?;
        let mut content = Vec::new();
        resp.into_body()
            .into_reader()
            .take(max.saturating_add(1))
            .read_to_end(&mut content)
            .map_err(io_unreachable)?;
        if content.len() as u64 > max {
            return Err(protocol_error(
                "the attachment is larger than its listing says",
            ));
        }
        Ok(Some(content))
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
        let resp = ok_or_hub_error(self.get_raw("/v1/snapshot")?)?;
        let reader = std::io::BufReader::with_capacity(1 << 16, resp.into_body().into_reader());
        let mut lines = reader.lines();
        let header = lines
            .next()
            .ok_or_else(|| protocol_error("the snapshot is empty"))?
            .map_err(io_unreachable)?;
        let header: SnapshotHeader = serde_json::from_str(&header)
            .map_err(|e| protocol_error(&format!("snapshot header: {e}")))?;
        on_item(SnapshotItem::Header(header))?;
        let mut seen = 0u64;
        for line in lines {
            let line = line.map_err(io_unreachable)?;
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

impl HubConnection for HttpTransport {
    fn extra_time(&self, req: &ExtraTimeRequest) -> Result<ExtraTimeGrant> {
        HttpTransport::extra_time(self, req)
    }

    fn attachment(&self, sha256: &str, max: u64) -> Result<Option<Vec<u8>>> {
        HttpTransport::attachment(self, sha256, max)
    }
}

/// Enrols this device with a code; returns the credential.
pub fn enrol(hub_url: &str, ca_pem: Option<&str>, req: &EnrolRequest) -> Result<EnrolResponse> {
    let base = normalise_url(hub_url)?;
    let resp = agent(ca_pem)?
        .post(&format!("{base}/v1/enrol"))
        .send_json(req)
        .map_err(unreachable)?;
    if (400..=499).contains(&resp.status().as_u16()) {
        let body = error_body(resp);
        let (code, field) = match body.as_ref().map(|b| b.code.as_str()) {
            Some(wire_code::DEVICE_CODE_TAKEN) => (Code::DeviceCodeTaken, "device_code"),
            Some(wire_code::TECHNICIAN_CODE_TAKEN) => {
                (Code::TechnicianCodeTaken, "technician_code")
            }
            _ => (Code::EnrolmentRefused, "code"),
        };
        return Err(Error::invalid(
            code,
            field,
            body.map_or_else(|| "the hub refused the code".to_owned(), |b| b.message),
        ));
    }
    read_json(ok_or_hub_error(resp)?)
}

fn read_json<T: DeserializeOwned>(mut resp: Response<Body>) -> Result<T> {
    resp.body_mut()
        .with_config()
        .limit(MAX_JSON_BYTES)
        .read_json()
        .map_err(|e| protocol_error(&format!("unreadable answer: {e}")))
}

/// The hub's error body, when it sent one (read up to 64 KiB).
fn error_body(mut resp: Response<Body>) -> Option<ErrorBody> {
    resp.body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_json()
        .ok()
}

fn protocol_error(msg: &str) -> Error {
    Error::invalid(Code::HubError, "hub", msg.to_owned())
}

/// No answer at all (refused, timed out, TLS refused, cut): `HUB_UNREACHABLE`.
fn unreachable(e: ureq::Error) -> Error {
    Error::invalid(Code::HubUnreachable, "hub", e.to_string())
}

fn io_unreachable(e: std::io::Error) -> Error {
    Error::invalid(Code::HubUnreachable, "hub", e.to_string())
}

/// A 2xx answer as it is; any other mapped to a core error with a stable code (a 503 or 429
/// with `Retry-After`: `HUB_BUSY`, carrying the wait; 426: `UPGRADE_REQUIRED`).
fn ok_or_hub_error(resp: Response<Body>) -> Result<Response<Body>> {
    let status = resp.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(resp);
    }
    let retry_after = match status {
        429 | 503 => resp
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after),
        _ => None,
    };
    let body = error_body(resp);
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
    Err(match retry_after {
        // A refusal of its own (PIN_LOCKED...) keeps its code; a busy hub says how long.
        Some(secs) if matches!(code, Code::HubUnreachable | Code::HubError) => Error::HubBusy {
            retry_after_secs: secs,
            message,
        },
        _ => Error::invalid(code, "hub", message),
    })
}

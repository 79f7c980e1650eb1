//! The monitoring webhook: `POST /intake/webhook/{source}` turns a monitoring system's alerts
//! into tickets — one open ticket per alert fingerprint per source.
//!
//! Sources are configured in the `webhooks` section of the `--intake-config` file: a name (the
//! path segment), the client the alerts belong to, the secret (from `secret_file` or
//! `secret_env`, never in the file itself, never logged), the severity mapping (the alert's
//! severity label → `blocking`/`degraded`/`request`; by default `critical` → blocking,
//! `warning` → degraded, anything else → request) and a rate limit per minute.
//!
//! Two payloads are understood: Prometheus Alertmanager's webhook (version 4, `alerts[]`) and a
//! generic JSON object (`fingerprint`, `status` firing|resolved, `title`, `description`,
//! `severity`, `started_at`). Every alert of a payload is validated before anything is
//! written, and all of them are recorded in one storage transaction:
//!
//! - the first firing of a fingerprint opens a ticket (origin `monitoring`, reported at the
//!   alert's start, severity mapped), its record keyed `webhook:{source}:{fingerprint}#{n}`;
//!   a resend of that same firing (same start) is a duplicate;
//! - while that ticket is open (not resolved, closed nor cancelled), a firing with another start time and
//!   a `resolved` become customer messages on it, each with its record (status `appended`),
//!   keyed by status and start so a resend of the same notification is a duplicate;
//! - once the ticket is resolved, closed or cancelled, the next firing opens ticket `n + 1`; a `resolved`
//!   with no open ticket is ignored (nothing written).
//!
//! The look-ups run inside the write transaction and writers are serialised, so two posts of
//! the same alert at once open one ticket.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use rapportino_model::status::TicketStatus;
use rapportino_model::vocab::{Origin, RequestStatus, Severity};
use rapportino_model::Entity;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

mod payload;
pub use payload::{parse, Alert, MAX_ALERTS};

use super::{new_id, next_number, obj, text, Writer};
use crate::error::HubError;
use crate::routes::{blocking, AppState};
use crate::storage::{format_instant, HubTx, Storage};

/// Default requests per minute one source may post.
pub const DEFAULT_PER_MINUTE: u32 = 120;
/// Default largest body one source may post (1 MiB; at most [`MAX_MAX_BODY`]).
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;
/// The largest `max_body_bytes` a source may set (16 MiB).
pub const MAX_MAX_BODY: usize = 16 * 1024 * 1024;
/// The path prefix of the webhook route.
pub const ROUTE_PREFIX: &str = "/intake/webhook/";
/// Environment variable of a source's secret when it names none.
pub const SECRET_ENV: &str = "RAPPORTINO_WEBHOOK_SECRET";

/// One webhook source as written in the configuration.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// The path segment (`/intake/webhook/{name}`) and the requests' source: `a-z0-9-_`.
    pub name: String,
    /// The client the alerts belong to.
    pub client_id: String,
    #[serde(default)]
    pub secret_file: Option<PathBuf>,
    #[serde(default)]
    pub secret_env: Option<String>,
    /// The alert's severity (lower case) → the ticket's severity class.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default = "default_per_minute")]
    pub max_per_minute: u32,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
    /// The largest body this source may post, in bytes: its own limit, not the hub's small
    /// limit for unauthenticated requests (an Alertmanager group can be large). Checked before
    /// the secret: an oversized post is answered 413 whatever its credentials.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
}

fn default_per_minute() -> u32 {
    DEFAULT_PER_MINUTE
}

fn default_max_body() -> usize {
    DEFAULT_MAX_BODY
}

/// A configured source, its secret loaded (kept only as its SHA-256).
#[derive(Clone)]
pub struct Source {
    pub config: SourceConfig,
    secret_digest: [u8; 32],
}

impl Source {
    /// A source with this secret (the configuration loader reads it from a file or the
    /// environment).
    pub fn new(config: SourceConfig, secret: &str) -> Result<Source, HubError> {
        let bad = |m: &str| HubError::Config(format!("webhook source {:?}: {m}", config.name));
        let name_ok = !config.name.is_empty()
            && config.name.len() <= 64
            && config
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !name_ok {
            return Err(bad("the name must be 1-64 characters of a-z, 0-9, - and _"));
        }
        if config.client_id.trim().is_empty() {
            return Err(bad("no client_id"));
        }
        if config.max_body_bytes == 0 || config.max_body_bytes > MAX_MAX_BODY {
            return Err(bad("max_body_bytes must be between 1 and 16 MiB"));
        }
        if secret.chars().count() < 16 {
            return Err(bad("the secret must be at least 16 characters"));
        }
        Ok(Source {
            secret_digest: Sha256::digest(secret.as_bytes()).into(),
            config,
        })
    }

    /// Whether `presented` is this source's secret (digests compared in constant time).
    pub fn accepts(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        bool::from(digest.ct_eq(&self.secret_digest))
    }

    /// The ticket's severity for an alert's.
    pub fn severity(&self, alert: Option<&str>) -> Severity {
        let alert = alert.map(|s| s.trim().to_lowercase()).unwrap_or_default();
        if let Some(s) = self.config.severity.get(&alert) {
            return *s;
        }
        match alert.as_str() {
            "critical" => Severity::Blocking,
            "warning" => Severity::Degraded,
            _ => Severity::Request,
        }
    }
}

/// Every configured source and their rate-limit windows.
pub struct Webhooks {
    sources: HashMap<String, Source>,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.sources.keys().collect();
        names.sort();
        f.debug_struct("Webhooks").field("sources", &names).finish()
    }
}

impl Webhooks {
    pub fn new(sources: Vec<Source>) -> Result<Webhooks, HubError> {
        let mut map = HashMap::new();
        for s in sources {
            let name = s.config.name.clone();
            if map.insert(name.clone(), s).is_some() {
                return Err(HubError::Config(format!("webhook source {name:?} twice")));
            }
        }
        Ok(Webhooks {
            sources: map,
            windows: Mutex::new(HashMap::new()),
        })
    }

    /// The body limit of the source a request path names (`/intake/webhook/{name}`); None for
    /// any other path or an unknown source (the hub's unauthenticated limit applies).
    pub fn body_limit_for(&self, path: &str) -> Option<usize> {
        let name = path.strip_prefix(ROUTE_PREFIX)?;
        self.sources.get(name).map(|s| s.config.max_body_bytes)
    }

    /// Counts one request of `source` in its one-minute window; false when over the limit.
    fn admit(&self, source: &Source) -> bool {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let w = windows
            .entry(source.config.name.clone())
            .or_insert((now, 0));
        if now.duration_since(w.0) >= Duration::from_secs(60) {
            *w = (now, 0);
        }
        if w.1 >= source.config.max_per_minute {
            return false;
        }
        w.1 += 1;
        true
    }
}

/// The `webhooks` section of the intake configuration file, when it has one. A secret written
/// in the file itself is refused.
pub fn load(path: &Path) -> Result<Option<Webhooks>, HubError> {
    let at = |e: &dyn std::fmt::Display| HubError::Config(format!("{}: {e}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| at(&e))?;
    let raw: Value = serde_json::from_str(&text).map_err(|e| at(&e))?;
    let Some(list) = raw.get("webhooks") else {
        return Ok(None);
    };
    if list
        .as_array()
        .is_some_and(|l| l.iter().any(|s| s.get("secret").is_some()))
    {
        return Err(at(&"no secret in the file: use secret_file or secret_env"));
    }
    let configs: Vec<SourceConfig> =
        serde_json::from_value(list.clone()).map_err(|e| at(&format!("webhooks: {e}")))?;
    let mut sources = Vec::new();
    for c in configs {
        let secret = match &c.secret_file {
            Some(p) => std::fs::read_to_string(p)
                .map_err(|e| HubError::Config(format!("{}: {e}", p.display())))?
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            None => std::env::var(c.secret_env.as_deref().unwrap_or(SECRET_ENV))
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        sources.push(Source::new(c, &secret)?);
    }
    Webhooks::new(sources).map(Some)
}

/// What one payload did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    /// Numbers of the tickets opened.
    pub opened: Vec<String>,
    /// Alerts recorded on an open ticket.
    pub appended: u32,
    /// Alerts already recorded (a resend): counted on their ticket as repeats.
    pub duplicates: u32,
    /// `resolved` alerts with no open ticket.
    pub ignored: u32,
}

/// Records the alerts of `source` in one transaction.
pub fn take(
    storage: &Storage,
    source: &Source,
    alerts: &[Alert],
    now: DateTime<Utc>,
) -> Result<Outcome, HubError> {
    storage.write(|tx| {
        let mut w = Writer {
            tx,
            now,
            now_text: format_instant(now),
        };
        let mut out = Outcome::default();
        for a in alerts {
            take_one(&mut w, source, a, &mut out)?;
        }
        Ok(out)
    })
}

fn exists(tx: &mut dyn HubTx, key: &str) -> Result<Option<Map<String, Value>>, HubError> {
    Ok(tx
        .rows_where(Entity::IncomingRequest.name(), "idempotency_key", key, 1)?
        .into_iter()
        .next()
        .map(|(_, r)| r.fields))
}

fn take_one(
    w: &mut Writer<'_>,
    source: &Source,
    a: &Alert,
    out: &mut Outcome,
) -> Result<(), HubError> {
    let base = format!("webhook:{}:{}", source.config.name, a.fingerprint);
    // The latest ticket of this fingerprint: the highest n recorded.
    let mut n = 0u32;
    let mut opener = None;
    while let Some(found) = exists(&mut *w.tx, &format!("{base}#{}", n + 1))? {
        n += 1;
        opener = Some(found);
    }
    let start = format_instant(a.started_at);
    let open_ticket = match &opener {
        Some(rec) => {
            let id = text(rec, "ticket_id").unwrap_or_default().to_owned();
            let row = w.tx.load_row(Entity::Ticket.name(), &id)?;
            let open = row
                .as_ref()
                .and_then(|r| text(&r.fields, "status"))
                .and_then(|s| s.parse::<TicketStatus>().ok())
                .is_some_and(TicketStatus::is_open);
            open.then(|| (id, text(rec, "received_at") == Some(start.as_str())))
        }
        None => None,
    };
    match open_ticket {
        None if a.firing => {
            let key = format!("{base}#{}", n + 1);
            let number = open(w, source, a, &key)?;
            out.opened.push(number);
        }
        None => out.ignored += 1,
        Some((ticket, true)) if a.firing => {
            repeat(w, source, a, &format!("{base}#{n}"), &ticket)?;
            out.duplicates += 1;
        }
        Some((ticket, _)) => {
            let status = if a.firing { "firing" } else { "resolved" };
            let key = format!("{base}#{n}:{status}:{start}");
            if exists(&mut *w.tx, &key)?.is_some() {
                repeat(w, source, a, &format!("{base}#{n}"), &ticket)?;
                out.duplicates += 1;
                return Ok(());
            }
            let body = if a.firing {
                format!("Allarme di nuovo attivo dal {start}: {}", a.title)
            } else {
                format!("Allarme rientrato (attivo dal {start}): {}", a.title)
            };
            let request_id = record(w, source, a, &key, RequestStatus::Appended, &ticket, None)?;
            w.insert(
                Entity::IncomingMessage,
                &new_id(),
                obj(json!({
                    "ticket_id": ticket,
                    "request_id": request_id,
                    "from_email": sender(source),
                    "from_name": format!("Monitoraggio {}", source.config.name),
                    "at": w.now_text,
                    "body": body,
                })),
            )?;
            out.appended += 1;
        }
    }
    Ok(())
}

/// Counts an identical resend of an alert on its ticket. The first resend writes a record keyed
/// `{base}#{n}:repeats` (status appended) whose `reason` carries the exact count, rewritten at
/// each resend (`reason` is a triage field: devices apply it like any outcome); a customer
/// message on the ticket says "ripetuto N volte" at the 1st, 10th, 100th... resend (customer
/// messages are written once). A storm of 1,000 resends is one record, four messages and a
/// counter, not 1,000 messages. The count itself lives in `hub_meta`
/// (`webhook.repeats.{key}`), bumped inside the same transaction.
fn repeat(
    w: &mut Writer<'_>,
    source: &Source,
    a: &Alert,
    ticket_key: &str,
    ticket: &str,
) -> Result<(), HubError> {
    let key = format!("{ticket_key}:repeats");
    let count = w.tx.bump_counter(&format!("webhook.repeats.{key}"))?;
    let reason = format!("repeats: {count}");
    let request_id = match exists(&mut *w.tx, &key)? {
        Some(rec) => {
            let id = text(&rec, "id").unwrap_or_default().to_owned();
            w.update(Entity::IncomingRequest, &id, obj(json!({"reason": reason})))?;
            id
        }
        None => {
            let status = RequestStatus::Appended;
            record(w, source, a, &key, status, ticket, Some(&reason))?
        }
    };
    if is_power_of_ten(count) {
        w.insert(
            Entity::IncomingMessage,
            &new_id(),
            obj(json!({
                "ticket_id": ticket,
                "request_id": request_id,
                "from_email": sender(source),
                "from_name": format!("Monitoraggio {}", source.config.name),
                "at": w.now_text,
                "body": format!(
                    "Allarme ripetuto {count} {} (ultimo invio {}): {}",
                    if count == 1 { "volta" } else { "volte" },
                    w.now_text,
                    a.title
                ),
            })),
        )?;
    }
    Ok(())
}

fn is_power_of_ten(mut n: i64) -> bool {
    while n >= 10 && n % 10 == 0 {
        n /= 10;
    }
    n == 1
}

fn sender(source: &Source) -> String {
    format!("{}@monitoring.invalid", source.config.name)
}

fn open(w: &mut Writer<'_>, source: &Source, a: &Alert, key: &str) -> Result<String, HubError> {
    let id = new_id();
    let number = next_number(w)?;
    let reported_at = format_instant(a.started_at.min(w.now));
    w.insert(
        Entity::Ticket,
        &id,
        obj(json!({
            "number": number,
            "client_id": source.config.client_id,
            "contact_id": null,
            "site_id": null,
            "origin": Origin::Monitoring.as_str(),
            "severity": source.severity(a.severity.as_deref()).as_str(),
            "urgent": false,
            "category": source.config.category,
            "is_bug": false,
            "title": a.title,
            "description": if a.description.is_empty() { Value::Null } else { Value::String(a.description.clone()) },
            "status": "new",
            "reported_at": reported_at,
            "opened_at": w.now_text,
            "assigned_technician_id": null,
            "contract_id": null,
            "extra_time": false,
            "priority_requested": false,
            "out_of_scope": false,
            "service": source.config.service,
        })),
    )?;
    w.insert(
        Entity::TicketEvent,
        &new_id(),
        obj(json!({
            "ticket_id": id,
            "from_status": null,
            "to_status": "new",
            "at": w.now_text,
            "technician_id": null,
            "note": format!("Dal monitoraggio {} (allarme {})", source.config.name, a.fingerprint),
        })),
    )?;
    record(w, source, a, key, RequestStatus::Ticketed, &id, None)?;
    Ok(number)
}

fn record(
    w: &mut Writer<'_>,
    source: &Source,
    a: &Alert,
    key: &str,
    status: RequestStatus,
    ticket: &str,
    reason: Option<&str>,
) -> Result<String, HubError> {
    let id = new_id();
    w.insert(
        Entity::IncomingRequest,
        &id,
        obj(json!({
            "idempotency_key": key,
            "origin": Origin::Monitoring.as_str(),
            "source": source.config.name,
            "sender_email": sender(source),
            "sender_name": format!("Monitoraggio {}", source.config.name),
            "subject": a.title.chars().take(300).collect::<String>(),
            "body": if a.description.is_empty() { None } else { Some(&a.description) },
            "received_at": format_instant(a.started_at),
            "status": status.as_str(),
            "reason": reason,
            "urgent": false,
            "category": source.config.category,
            "service": source.config.service,
            "client_id": source.config.client_id,
            "ticket_id": ticket,
            "message_id": null,
            "in_reply_to": null,
            "handled_at": w.now_text,
        })),
    )?;
    Ok(id)
}

/// `POST /intake/webhook/{source}`: 404 for an unknown source, 401 without its secret (a
/// bearer token or `?secret=`), 429 over its rate, 400 for a payload that is not one of the
/// two formats; else the alerts recorded and what became of them.
pub async fn route(
    State(state): State<AppState>,
    UrlPath(name): UrlPath<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(webhooks) = state.webhooks.clone() else {
        return HubError::NotFound("webhook source".into()).into_response();
    };
    let Some(source) = webhooks.sources.get(&name).cloned() else {
        return HubError::NotFound("webhook source".into()).into_response();
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let presented = bearer.or(query.get("secret").map(String::as_str));
    if !presented.is_some_and(|p| source.accepts(p)) {
        return HubError::Unauthenticated("missing or wrong webhook secret".into()).into_response();
    }
    if !webhooks.admit(&source) {
        return HubError::RateLimited {
            retry_after_secs: 60,
        }
        .into_response();
    }
    let alerts = match parse(&body) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let storage = state.storage.clone();
    match blocking(move || take(&storage, &source, &alerts, Utc::now())).await {
        Ok(out) => Json(out).into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn the_configuration_reads_secrets_from_files_and_refuses_them_inline() {
        let dir = tempfile::tempdir().unwrap();
        let secret = write(dir.path(), "secret", "abcdefghijklmnopqrstuvwxyz\n");
        let file = |body: Value| write(dir.path(), "intake.json", &body.to_string());
        let ok = file(json!({"webhooks": [{"name": "zabbix", "client_id": "c1",
            "secret_file": secret, "severity": {"high": "degraded"}}]}));
        let hooks = load(&ok).unwrap().unwrap();
        let zabbix = &hooks.sources["zabbix"];
        assert!(zabbix.accepts("abcdefghijklmnopqrstuvwxyz"));
        assert!(!zabbix.accepts("abcdefghijklmnopqrstuvwxyZ"));
        assert!(!zabbix.accepts(""));
        assert_eq!(zabbix.config.max_per_minute, DEFAULT_PER_MINUTE);
        assert_eq!(zabbix.severity(Some("High")), Severity::Degraded);
        assert_eq!(zabbix.severity(Some("critical")), Severity::Blocking);
        assert_eq!(zabbix.severity(Some("warning")), Severity::Degraded);
        assert_eq!(zabbix.severity(Some("info")), Severity::Request);
        assert_eq!(zabbix.severity(None), Severity::Request);
        // Only the names reach a log line.
        assert!(!format!("{hooks:?}").contains("abcdef"));
        // A webhooks-only file is a valid intake configuration (no mailbox to collect).
        assert!(rapportino_intake::imap::load_config(&ok)
            .unwrap()
            .mailboxes
            .is_empty());
        assert!(rapportino_intake::imap::load_config(&file(json!({}))).is_err());
        assert!(load(&file(json!({"mailboxes": []}))).unwrap().is_none());

        let inline = file(json!({"webhooks": [{"name": "zabbix", "client_id": "c1",
            "secret": "abcdefghijklmnopqrstuvwxyz"}]}));
        assert_eq!(load(&inline).unwrap_err().code(), "CONFIG");
        let short = write(dir.path(), "short", "corta");
        let weak = file(json!({"webhooks": [{"name": "zabbix", "client_id": "c1",
            "secret_file": short}]}));
        assert!(load(&weak)
            .unwrap_err()
            .to_string()
            .contains("16 characters"));
        let bad_name = file(json!({"webhooks": [{"name": "../x", "client_id": "c1",
            "secret_file": secret}]}));
        assert!(load(&bad_name).is_err());
        let twice = file(json!({"webhooks": [
            {"name": "a", "client_id": "c1", "secret_file": secret},
            {"name": "a", "client_id": "c2", "secret_file": secret}]}));
        assert!(load(&twice).unwrap_err().to_string().contains("twice"));
    }
}

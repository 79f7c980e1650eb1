//! The two payloads of the monitoring webhook, parsed with serde and validated into [`Alert`]s
//! before anything is written: Prometheus Alertmanager's webhook (version 4) and the generic
//! JSON object.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::HubError;

/// The most alerts one payload may carry.
pub const MAX_ALERTS: usize = 200;

/// One alert, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub fingerprint: String,
    pub firing: bool,
    pub title: String,
    pub description: String,
    pub severity: Option<String>,
    pub started_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct Generic {
    fingerprint: String,
    status: String,
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    started_at: DateTime<Utc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmPayload {
    version: String,
    #[serde(default)]
    #[allow(dead_code)]
    group_key: Option<String>,
    alerts: Vec<AmAlert>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmAlert {
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: DateTime<Utc>,
    #[serde(default)]
    fingerprint: Option<String>,
}

fn malformed(m: impl std::fmt::Display) -> HubError {
    HubError::MalformedBody(m.to_string())
}

fn firing(status: &str) -> Result<bool, HubError> {
    match status {
        "firing" => Ok(true),
        "resolved" => Ok(false),
        other => Err(malformed(format!(
            "status must be firing or resolved, not {:?}",
            other.chars().take(40).collect::<String>()
        ))),
    }
}

fn clip(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

fn checked(mut a: Alert) -> Result<Alert, HubError> {
    a.fingerprint = a.fingerprint.trim().to_owned();
    if a.fingerprint.is_empty()
        || a.fingerprint.len() > 128
        || !a.fingerprint.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(malformed(
            "fingerprint must be 1-128 printable ASCII characters",
        ));
    }
    a.title = clip(&a.title, 200);
    if a.title.is_empty() {
        return Err(malformed("an alert needs a title"));
    }
    a.description = clip(&a.description, 20_000);
    a.severity = a.severity.map(|s| clip(&s, 60));
    Ok(a)
}

/// The alerts of a payload: Alertmanager's (an object with `alerts`) or the generic one.
pub fn parse(body: &[u8]) -> Result<Vec<Alert>, HubError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| malformed(format!("JSON: {e}")))?;
    if value.get("alerts").is_some() {
        let p: AmPayload =
            serde_json::from_value(value).map_err(|e| malformed(format!("Alertmanager: {e}")))?;
        if p.version != "4" {
            return Err(malformed(format!(
                "Alertmanager payload version {:?} (4 is understood)",
                p.version.chars().take(10).collect::<String>()
            )));
        }
        if p.alerts.is_empty() || p.alerts.len() > MAX_ALERTS {
            return Err(malformed(format!("1 to {MAX_ALERTS} alerts per payload")));
        }
        p.alerts
            .into_iter()
            .map(|a| {
                let fingerprint = a.fingerprint.clone().unwrap_or_else(|| {
                    // Older Alertmanagers send none: the labels identify the alert.
                    let labels = serde_json::to_string(&a.labels).unwrap_or_default();
                    hex::encode(&Sha256::digest(labels.as_bytes())[..8])
                });
                let name = a.labels.get("alertname").cloned().unwrap_or_default();
                let title = match (a.annotations.get("summary"), a.labels.get("instance")) {
                    (Some(s), _) if !s.trim().is_empty() => s.clone(),
                    (_, Some(i)) => format!("{name} ({i})"),
                    _ => name,
                };
                checked(Alert {
                    fingerprint,
                    firing: firing(&a.status)?,
                    title,
                    description: a
                        .annotations
                        .get("description")
                        .cloned()
                        .unwrap_or_default(),
                    severity: a.labels.get("severity").cloned(),
                    started_at: a.starts_at,
                })
            })
            .collect()
    } else {
        let g: Generic =
            serde_json::from_value(value).map_err(|e| malformed(format!("alert: {e}")))?;
        Ok(vec![checked(Alert {
            fingerprint: g.fingerprint,
            firing: firing(&g.status)?,
            title: g.title,
            description: g.description.unwrap_or_default(),
            severity: g.severity,
            started_at: g.started_at,
        })?])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn payloads_are_checked_before_anything_is_written() {
        let am = |version: &str, fingerprint: Option<&str>| {
            let mut alert = json!({"status": "firing", "startsAt": "2026-11-16T07:00:00Z",
                "labels": {"alertname": "HostDown", "instance": "srv-01"}});
            if let Some(f) = fingerprint {
                alert["fingerprint"] = json!(f);
            }
            json!({"version": version, "groupKey": "g", "alerts": [alert]}).to_string()
        };
        let a = parse(am("4", Some("abc")).as_bytes()).unwrap();
        assert_eq!(a[0].fingerprint, "abc");
        assert_eq!(a[0].title, "HostDown (srv-01)");
        // Without a fingerprint, the labels make a stable one.
        let b = parse(am("4", None).as_bytes()).unwrap();
        assert_eq!(b, parse(am("4", None).as_bytes()).unwrap());
        assert_eq!(b[0].fingerprint.len(), 16);
        for bad in [
            am("3", Some("abc")),
            am("4", Some("")),
            am("4", Some("has space")),
            json!({"version": "4", "alerts": []}).to_string(),
            json!({"fingerprint": "f", "status": "firing", "title": "  ",
                "started_at": "2026-11-16T07:00:00Z"})
            .to_string(),
            json!({"fingerprint": "f", "status": "firing", "title": "t",
                "started_at": "ieri"})
            .to_string(),
            "[]".into(),
            "not json".into(),
        ] {
            assert_eq!(
                parse(bad.as_bytes()).unwrap_err().code(),
                "MALFORMED_BODY",
                "{bad}"
            );
        }
    }
}

//! The monitoring webhook at the hub, over real HTTPS, on SQLite and on PostgreSQL: an unknown
//! source, a missing or wrong secret and a malformed payload are refused with nothing written;
//! a generic alert and an Alertmanager payload of two alerts open tickets (origin monitoring,
//! reported at the alert's start, severity mapped); a resend is a duplicate, "resolved" joins
//! the ticket; a storm of 1,000 concurrent repeats of one alert opens exactly one ticket; after
//! the ticket is cancelled the next firing opens a new one; the office's device pulls them all.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use rapportino_core::tickets::{self, TransitionInput};
use rapportino_hub::intake::webhook::{Source, SourceConfig, Webhooks};
use rapportino_hub::storage::HubTx;
use rapportino_hub::Storage;
use rapportino_model::protocol::Role;
use rapportino_model::status::TicketStatus;
use rapportino_model::vocab::Severity;
use rapportino_model::Entity;
use rustls_pki_types::pem::PemObject;
use serde_json::{json, Value};
use sync_support::*;

const SECRET: &str = "una-segreta-lunga-abbastanza";

fn source(name: &str, client_id: &str, per_minute: u32) -> Source {
    Source::new(
        SourceConfig {
            name: name.into(),
            client_id: client_id.into(),
            secret_file: None,
            secret_env: None,
            severity: BTreeMap::from([("disaster".to_owned(), Severity::Blocking)]),
            max_per_minute: per_minute,
            category: None,
            service: None,
            max_body_bytes: 64 * 1024,
        },
        SECRET,
    )
    .unwrap()
}

fn agent(hub: &TestHub) -> ureq::Agent {
    let der =
        rustls_pki_types::CertificateDer::from_pem_slice(hub.ca_pem.as_ref().unwrap().as_bytes())
            .unwrap();
    common::agent_trusting(&der)
}

/// POST `body` (raw bytes) to the webhook of `source` → (status, JSON).
fn post(
    agent: &ureq::Agent,
    hub: &TestHub,
    path: &str,
    bearer: Option<&str>,
    body: &str,
) -> (u16, Value) {
    let mut req = agent
        .post(&format!("{}{path}", hub.url))
        .set("Content-Type", "application/json");
    if let Some(b) = bearer {
        req = req.set("Authorization", &format!("Bearer {b}"));
    }
    common::answer(req.send_string(body))
}

fn rows(storage: &Storage, entity: Entity, field: &str, value: &str) -> usize {
    storage
        .write(|tx: &mut dyn HubTx| tx.rows_where(entity.name(), field, value, 100_000))
        .unwrap()
        .len()
}

fn generic(fingerprint: &str, status: &str, started_at: &str, severity: &str) -> String {
    json!({
        "fingerprint": fingerprint,
        "status": status,
        "title": format!("Disco pieno su {fingerprint}"),
        "description": "Spazio libero sotto il 5%",
        "severity": severity,
        "started_at": started_at,
    })
    .to_string()
}

fn alertmanager(status: &str) -> String {
    json!({
        "version": "4",
        "groupKey": "{}:{alertname=\"HostDown\"}",
        "status": status,
        "receiver": "rapportino",
        "groupLabels": {"alertname": "HostDown"},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": "HostDown", "instance": "srv-01", "severity": "critical"},
                "annotations": {"summary": "srv-01 non risponde", "description": "ping fallito"},
                "startsAt": "2026-11-16T07:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus/graph",
                "fingerprint": "a1b2c3d4e5f60001"
            },
            {
                "status": status,
                "labels": {"alertname": "HighLoad", "instance": "srv-02", "severity": "warning"},
                "annotations": {},
                "startsAt": "2026-11-16T07:05:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": "a1b2c3d4e5f60002"
            }
        ]
    })
    .to_string()
}

#[test]
fn monitoring_alerts_become_one_ticket_each_on_sqlite() {
    webhook_at_the_hub(None);
}

#[test]
fn monitoring_alerts_become_one_ticket_each_on_postgresql() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    webhook_at_the_hub(Some(&db.url));
}

fn webhook_at_the_hub(storage_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    // The office's computer knows the client before it joins the hub.
    let mut uf = Device::onboarded(dir.path(), "UF", rome(2026, 11, 16, 8, 0));
    let client = uf.client("Ottica Ferri");
    let webhooks = Webhooks::new(vec![source("zabbix", &client.id.to_string(), 10_000)]).unwrap();
    let hub = TestHub::start_with(storage_url, true, |c| c.webhooks = Some(Arc::new(webhooks)));
    rapportino_sync_http::enrol(
        &mut uf.store,
        &hub.url,
        &hub.code(Role::Office),
        "Ufficio",
        hub.ca_pem.as_deref(),
    )
    .unwrap();
    uf.sync();
    let http = agent(&hub);
    let url = "/intake/webhook/zabbix";
    let first = generic("disk-srv01", "firing", "2026-11-16T06:30:00Z", "disaster");

    // Refused, nothing written.
    let (status, body) = post(&http, &hub, "/intake/webhook/nagios", Some(SECRET), &first);
    assert_eq!(
        (status, common::code_of(&body)),
        (404, "NOT_FOUND"),
        "{body}"
    );
    let (status, body) = post(&http, &hub, url, None, &first);
    assert_eq!(
        (status, common::code_of(&body)),
        (401, "UNAUTHENTICATED"),
        "{body}"
    );
    let (status, _) = post(
        &http,
        &hub,
        url,
        Some("una-segreta-lunga-abbastanzA"),
        &first,
    );
    assert_eq!(status, 401);
    let (status, _) = post(
        &http,
        &hub,
        &format!("{url}?secret=sbagliata"),
        None,
        &first,
    );
    assert_eq!(status, 401);
    let (status, body) = post(&http, &hub, url, Some(SECRET), "{\"fingerprint\": ");
    assert_eq!(
        (status, common::code_of(&body)),
        (400, "MALFORMED_BODY"),
        "{body}"
    );
    let odd = generic("disk-srv01", "exploded", "2026-11-16T06:30:00Z", "x");
    let (status, body) = post(&http, &hub, url, Some(SECRET), &odd);
    assert_eq!(
        (status, common::code_of(&body)),
        (400, "MALFORMED_BODY"),
        "{body}"
    );
    // One good alert and one bad one in the same payload: neither is written.
    let mut half = serde_json::from_str::<Value>(&alertmanager("firing")).unwrap();
    half["alerts"][1]["status"] = json!("maybe");
    let (status, _) = post(&http, &hub, url, Some(SECRET), &half.to_string());
    assert_eq!(status, 400);
    assert_eq!(
        rows(&hub.storage, Entity::Ticket, "origin", "monitoring"),
        0
    );
    assert_eq!(
        rows(&hub.storage, Entity::IncomingRequest, "source", "zabbix"),
        0
    );

    // The generic format, the secret in the query.
    let (status, body) = post(&http, &hub, &format!("{url}?secret={SECRET}"), None, &first);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["opened"], json!(["T-2026-HUB-0001"]));
    // Alertmanager, two alerts, the secret as a bearer token.
    let (status, body) = post(&http, &hub, url, Some(SECRET), &alertmanager("firing"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["opened"],
        json!(["T-2026-HUB-0002", "T-2026-HUB-0003"])
    );
    // Alertmanager repeats the same notification: counted on each ticket as a repeat (a
    // record with the count and, at the first repeat, a customer message).
    let (_, body) = post(&http, &hub, url, Some(SECRET), &alertmanager("firing"));
    assert_eq!(
        (body["opened"].clone(), body["duplicates"].clone()),
        (json!([]), json!(2))
    );
    // Resolved after firing: events on the open tickets, never new tickets.
    let (_, body) = post(&http, &hub, url, Some(SECRET), &alertmanager("resolved"));
    assert_eq!(
        (body["opened"].clone(), body["appended"].clone()),
        (json!([]), json!(2))
    );
    let (_, body) = post(&http, &hub, url, Some(SECRET), &alertmanager("resolved"));
    assert_eq!(body["duplicates"], json!(2), "the same resolution twice");
    // The disk alert fires again (a new start) while its ticket is open: one more event.
    let again = generic("disk-srv01", "firing", "2026-11-16T07:30:00Z", "disaster");
    let (_, body) = post(&http, &hub, url, Some(SECRET), &again);
    assert_eq!(
        (body["opened"].clone(), body["appended"].clone()),
        (json!([]), json!(1))
    );

    // A resolution of an alert with no open ticket: nothing to attach it to, nothing written.
    let stray = generic("never-fired", "resolved", "2026-11-16T07:35:00Z", "warning");
    let (_, body) = post(&http, &hub, url, Some(SECRET), &stray);
    assert_eq!(
        (body["opened"].clone(), body["ignored"].clone()),
        (json!([]), json!(1))
    );

    // A storm: 1,000 posts of one new alert from 8 threads at once → one ticket.
    let storm = generic("cpu-srv03", "firing", "2026-11-16T07:40:00Z", "warning");
    let started = std::time::Instant::now();
    let opened: Vec<Value> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (http, hub, storm) = (http.clone(), &hub, &storm);
                s.spawn(move || {
                    let mut opened = Vec::new();
                    for _ in 0..125 {
                        let (status, body) = post(&http, hub, url, Some(SECRET), storm);
                        assert_eq!(status, 200, "{body}");
                        opened.extend(body["opened"].as_array().unwrap().iter().cloned());
                    }
                    opened
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    eprintln!("storm: 1,000 posts of one alert in {:?}", started.elapsed());
    assert_eq!(opened, vec![json!("T-2026-HUB-0004")]);
    assert_eq!(
        rows(&hub.storage, Entity::Ticket, "origin", "monitoring"),
        4
    );
    // Records: 4 openings, 2 resolutions, 1 new firing, and one repeat counter on each of the
    // three tickets that had identical resends (T2 and T3: the firing and the resolution sent
    // twice; T4: the storm's 999).
    assert_eq!(
        rows(&hub.storage, Entity::IncomingRequest, "source", "zabbix"),
        10
    );
    let repeats = |ticket: &str| {
        let found = hub
            .storage
            .write(|tx: &mut dyn HubTx| {
                tx.rows_where(Entity::IncomingRequest.name(), "ticket_id", ticket, 100)
            })
            .unwrap();
        found
            .into_iter()
            .filter_map(|(_, r)| {
                let key = r.fields["idempotency_key"].as_str()?.to_owned();
                key.ends_with(":repeats")
                    .then(|| r.fields["reason"].as_str().unwrap_or_default().to_owned())
            })
            .collect::<Vec<_>>()
    };
    let ticket_id = |number: &str| {
        hub.storage
            .write(|tx: &mut dyn HubTx| tx.rows_where(Entity::Ticket.name(), "number", number, 1))
            .unwrap()[0]
            .0
            .clone()
    };
    assert_eq!(repeats(&ticket_id("T-2026-HUB-0004")), ["repeats: 999"]);
    assert_eq!(repeats(&ticket_id("T-2026-HUB-0002")), ["repeats: 2"]);
    assert_eq!(repeats(&ticket_id("T-2026-HUB-0001")), Vec::<String>::new());
    // Messages: 3 events (2 resolutions, 1 firing), 1 repeat message each on T2 and T3, and on
    // T4 at the 1st, 10th and 100th repeat: not 999.
    assert_eq!(
        rows(
            &hub.storage,
            Entity::IncomingMessage,
            "from_email",
            "zabbix@monitoring.invalid"
        ),
        8
    );

    // The office pulls the tickets.
    uf.sync();
    let disk = tickets::get_by_number(&uf.store, "T-2026-HUB-0001").unwrap();
    assert_eq!(disk.origin.as_str(), "monitoring");
    assert_eq!(
        disk.severity,
        Severity::Blocking,
        "mapped from the source's table"
    );
    assert_eq!(
        disk.reported_at, "2026-11-16T06:30:00Z",
        "the alert's start"
    );
    assert_eq!(disk.client_id, client.id);
    assert_eq!(disk.title, "Disco pieno su disk-srv01");
    let down = tickets::get_by_number(&uf.store, "T-2026-HUB-0002").unwrap();
    assert_eq!(
        (
            down.title.as_str(),
            down.severity,
            down.reported_at.as_str()
        ),
        (
            "srv-01 non risponde",
            Severity::Blocking,
            "2026-11-16T07:00:00Z"
        )
    );
    let load = tickets::get_by_number(&uf.store, "T-2026-HUB-0003").unwrap();
    assert_eq!(
        (load.title.as_str(), load.severity),
        ("HighLoad (srv-02)", Severity::Degraded)
    );
    let cpu = tickets::get_by_number(&uf.store, "T-2026-HUB-0004").unwrap();
    assert_eq!(cpu.severity, Severity::Degraded);
    // The storm's count reaches the office with the ticket's history.
    let said: Vec<String> = rapportino_core::intake::ticket_messages(&uf.store, cpu.id)
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(said.len(), 3, "{said:?}");
    assert!(
        said[2].starts_with("Allarme ripetuto 100 volte"),
        "{said:?}"
    );
    let counted: Option<String> = uf
        .store
        .conn()
        .query_row(
            "SELECT reason FROM incoming_requests WHERE ticket_id = ?1 AND reason IS NOT NULL",
            [cpu.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(counted.as_deref(), Some("repeats: 999"));

    // The office cancels the disk ticket; the next firing opens a new one.
    let mut input = TransitionInput::to(TicketStatus::Cancelled);
    input.note = Some("Falso allarme".into());
    tickets::transition(&mut uf.store, disk.id, &input).unwrap();
    uf.sync();
    let later = generic("disk-srv01", "firing", "2026-11-16T09:00:00Z", "disaster");
    let (_, body) = post(&http, &hub, url, Some(SECRET), &later);
    assert_eq!(body["opened"], json!(["T-2026-HUB-0005"]), "{body}");
    uf.sync();
    let reopened = tickets::get_by_number(&uf.store, "T-2026-HUB-0005").unwrap();
    assert_eq!(reopened.status, TicketStatus::New);
    assert_eq!(reopened.reported_at, "2026-11-16T09:00:00Z");
}

#[test]
fn a_source_over_its_rate_is_refused_and_big_bodies_too() {
    let webhooks = Webhooks::new(vec![source(
        "prom",
        "0190a0a0-0000-7000-8000-000000000001",
        3,
    )])
    .unwrap();
    let hub = TestHub::start_with(None, true, |c| c.webhooks = Some(Arc::new(webhooks)));
    let http = agent(&hub);
    let url = "/intake/webhook/prom";
    // A wrong secret does not count against the rate.
    for _ in 0..5 {
        assert_eq!(post(&http, &hub, url, Some("nope"), "{}").0, 401);
    }
    for _ in 0..3 {
        assert_eq!(post(&http, &hub, url, Some(SECRET), "{}").0, 400);
    }
    let (status, body) = post(&http, &hub, url, Some(SECRET), "{}");
    assert_eq!(
        (status, common::code_of(&body)),
        (429, "RATE_LIMITED"),
        "{body}"
    );
}

#[test]
fn a_source_has_its_own_body_limit_checked_before_its_secret() {
    let webhooks = Webhooks::new(vec![source(
        "prom",
        "0190a0a0-0000-7000-8000-000000000001",
        100,
    )])
    .unwrap();
    let hub = TestHub::start_with(None, true, |c| c.webhooks = Some(Arc::new(webhooks)));
    let http = agent(&hub);
    let url = "/intake/webhook/prom";
    let sized = |n: usize| {
        let mut v: Value =
            serde_json::from_str(&generic("big", "firing", "2026-11-16T06:30:00Z", "x")).unwrap();
        v["description"] = json!("y".repeat(n));
        v.to_string()
    };
    // Past the hub's unauthenticated limit (16 KiB) but within the source's (64 KiB): taken,
    // with the secret as a bearer token or in the query.
    let (status, body) = post(&http, &hub, url, Some(SECRET), &sized(40_000));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["opened"], json!(["T-2026-HUB-0001"]));
    let (status, body) = post(
        &http,
        &hub,
        &format!("{url}?secret={SECRET}"),
        None,
        &sized(30_000),
    );
    assert_eq!(status, 200, "{body}");
    // Past the source's limit: 413 before the secret is looked at — right, wrong or missing.
    for bearer in [Some(SECRET), Some("sbagliata-ma-lunga-abbastanza"), None] {
        let (status, body) = post(&http, &hub, url, bearer, &sized(100_000));
        assert_eq!(
            (status, common::code_of(&body)),
            (413, "BODY_TOO_LARGE"),
            "{bearer:?}: {body}"
        );
    }
    // A small post with a wrong secret is still 401.
    let (status, _) = post(
        &http,
        &hub,
        url,
        Some("sbagliata-ma-lunga-abbastanza"),
        "{}",
    );
    assert_eq!(status, 401);
    // An unknown source keeps the hub's unauthenticated limit.
    let (status, _) = post(&http, &hub, "/intake/webhook/nagios", None, &sized(20_000));
    assert_eq!(status, 413);
    // A limit past 16 MiB is refused at configuration.
    let mut config = source("x", "c", 1).config;
    config.max_body_bytes = 17 * 1024 * 1024;
    assert!(Source::new(config, SECRET).is_err());
}

#[test]
fn the_hub_binary_serves_the_webhooks_of_its_intake_config() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    use std::time::Duration;

    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("hub.db").display());
    let config = dir.path().join("intake.json");
    let serve = |config: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
            .args(["serve", "--storage", &db, "--listen", "127.0.0.1:0"])
            .args(["--insecure-http", "--log-json", "--intake-config"])
            .arg(config)
            .env("HOOK_SECRET", SECRET)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // A secret written in the file: the hub refuses to start.
    std::fs::write(
        &config,
        json!({"webhooks": [{"name": "prom", "client_id": "c1", "secret": SECRET}]}).to_string(),
    )
    .unwrap();
    let refused = serve(&config).wait_with_output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("CONFIG"));

    // Only webhooks (no mailbox), the secret from the environment.
    std::fs::write(
        &config,
        json!({"webhooks": [{"name": "prom", "client_id": "0190a0a0-0000-7000-8000-000000000001",
            "secret_env": "HOOK_SECRET"}]})
        .to_string(),
    )
    .unwrap();
    let mut hub = Running(serve(&config));
    let stderr = hub.0.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                if v["message"] == "hub listening" {
                    let _ = tx.send(v["addr"].as_str().unwrap_or_default().to_owned());
                }
            }
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    let http = common::plain_agent();
    let url = format!("http://{addr}/intake/webhook/prom");
    let alert = generic("disk-srv01", "firing", "2026-11-16T06:30:00Z", "critical");
    let wrong = common::answer(
        http.post(&url)
            .set("Authorization", "Bearer sbagliata-ma-lunga-abbastanza")
            .send_string(&alert),
    );
    assert_eq!(wrong.0, 401);
    let (status, body) = common::answer(
        http.post(&url)
            .set("Authorization", &format!("Bearer {SECRET}"))
            .send_string(&alert),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["opened"], json!(["T-2026-HUB-0001"]));
}

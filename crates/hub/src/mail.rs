//! The hub sends the customer messages of enrolled devices: every message whose `sender` is
//! `hub` (core's outbox picks it when the writing device has a hub). Devices never send those, so
//! a message that two devices and the hub all see is sent once, by the hub.
//!
//! A round reads the due messages (queued, or deferred and due; their PDF attached), sends them
//! over one SMTP connection (`rapportino-mail`) and records each attempt on the message as a
//! change of the hub's own — status, attempts, next attempt, the server's reply, when sent —
//! which every device pulls. The Message-ID is the one the device chose: after a crash between
//! the server's acceptance and the record, the retry carries the same one.
//!
//! The SMTP account comes from the hub's configuration: a JSON file (`--mail-config`) holding a
//! [`MailAccount`] without its password, and the password from `RAPPORTINO_HUB_SMTP_PASSWORD` or
//! a `password_file`; it never enters storage, the change log or a backup.

use std::path::Path;
use std::time::Duration;

use rapportino_mail::{Attachment, MailAccount, Outcome, OutgoingMessage, Secret, Sender};
use rapportino_model::hlc::Hlc;
use rapportino_model::merge::FieldVersion;
use rapportino_model::protocol::{Op, ServerChange};
use rapportino_model::Entity;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::engine::HUB_DEVICE;
use crate::error::HubError;
use crate::storage::{format_instant, Storage};

/// The environment variable holding the SMTP password.
pub const PASSWORD_ENV: &str = "RAPPORTINO_HUB_SMTP_PASSWORD";

/// The mail configuration file: the account, and where its password is.
#[derive(Debug, Deserialize)]
struct ConfigFile {
    #[serde(flatten)]
    account: MailAccount,
    /// A file whose first line is the password (else the environment variable).
    #[serde(default)]
    password_file: Option<std::path::PathBuf>,
}

/// Reads the account from `path` (JSON) and its password from its `password_file` or
/// [`PASSWORD_ENV`]. A password written in the file itself is refused: it would end up in
/// copies of the configuration.
pub fn load_account(path: &Path) -> Result<MailAccount, HubError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| HubError::Config(format!("{}: {e}", path.display())))?;
    let raw: Value = serde_json::from_str(&text)
        .map_err(|e| HubError::Config(format!("{}: {e}", path.display())))?;
    if raw.get("password").is_some() {
        return Err(HubError::Config(format!(
            "{}: no password in the file: use password_file or {PASSWORD_ENV}",
            path.display()
        )));
    }
    let file: ConfigFile = serde_json::from_value(raw)
        .map_err(|e| HubError::Config(format!("{}: {e}", path.display())))?;
    let mut account = file.account;
    let password = match file.password_file {
        Some(p) => std::fs::read_to_string(&p)
            .map_err(|e| HubError::Config(format!("{}: {e}", p.display())))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        None => std::env::var(PASSWORD_ENV).unwrap_or_default(),
    };
    account.password = Secret::new(password);
    account
        .validate()
        .map_err(|e| HubError::Config(format!("{}: {}", e.code().as_str(), e.message())))?;
    Ok(account)
}

/// What a round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RoundReport {
    pub sent: usize,
    pub deferred: usize,
    pub failed: usize,
}

/// Messages sent in one round at most (the rest wait for the next one).
const MAX_PER_ROUND: i64 = 500;

fn text<'a>(f: &'a Map<String, Value>, k: &str) -> &'a str {
    f.get(k).and_then(Value::as_str).unwrap_or_default()
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

fn list(f: &Map<String, Value>, k: &str) -> Vec<String> {
    match f.get(k) {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or_default(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// The messages the hub owes at `now` (RFC 3339), with their attachments.
fn due(storage: &Storage, now: &str) -> Result<Vec<(String, i64, OutgoingMessage)>, HubError> {
    storage.read(|r| {
        let messages: Vec<_> = r
            .messages_to_send(MAX_PER_ROUND)?
            .into_iter()
            .map(|(id, row)| (id, row.fields))
            .filter(|(_, f)| {
                truthy(f.get("attachments_ready"))
                    && (text(f, "status") == "queued" || text(f, "next_attempt_at") <= now)
            })
            .collect();
        let mut out = Vec::with_capacity(messages.len());
        for (id, f) in messages {
            let mut files = Vec::new();
            for (_, row) in r.attachments_of(&id)? {
                let a = &row.fields;
                use base64::Engine as _;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text(a, "content"))
                    .map_err(|e| HubError::Storage(format!("attachment of {id}: {e}")))?;
                files.push(Attachment {
                    filename: text(a, "name").to_owned(),
                    content_type: text(a, "mime_type").to_owned(),
                    bytes,
                });
            }
            let attempts = f.get("attempts").and_then(Value::as_i64).unwrap_or(0);
            let in_reply_to = f
                .get("in_reply_to")
                .and_then(Value::as_str)
                .map(str::to_owned);
            out.push((
                id,
                attempts,
                OutgoingMessage {
                    message_id: text(&f, "message_id").to_owned(),
                    references: in_reply_to.iter().cloned().collect(),
                    in_reply_to,
                    to: list(&f, "recipients"),
                    cc: list(&f, "cc"),
                    subject: text(&f, "subject").to_owned(),
                    text: text(&f, "body").to_owned(),
                    html: None,
                    attachments: files,
                    attempt: u32::try_from(attempts + 1).unwrap_or(u32::MAX),
                },
            ));
        }
        Ok(out)
    })
}

/// One round: send what is due over one connection and record every attempt.
pub fn send_round(
    storage: &Storage,
    account: &MailAccount,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<RoundReport, HubError> {
    let now_text = format_instant(now);
    let due = due(storage, &now_text)?;
    // The reserved area's sign-in mails: same round, never outbox rows (see its `mailbox`).
    let sign_in = crate::web::portal::mailbox::take(storage.hub_id());
    let mut report = RoundReport::default();
    if due.is_empty() && sign_in.is_empty() {
        return Ok(report);
    }
    let mut sender = Sender::new(account.clone())
        .map_err(|e| HubError::Config(format!("{}: {}", e.code().as_str(), e.message())))?;
    let mut messages: Vec<OutgoingMessage> = due.iter().map(|(_, _, m)| m.clone()).collect();
    messages.extend(sign_in.iter().cloned());
    let mut outcomes = sender.send_batch(&messages);
    sender.close();
    for (message, outcome) in sign_in.into_iter().zip(outcomes.split_off(due.len())) {
        match outcome {
            Outcome::Sent { .. } => report.sent += 1,
            Outcome::Deferred { .. } => {
                report.deferred += 1;
                crate::web::portal::mailbox::retry(
                    storage.hub_id(),
                    message,
                    Duration::from_secs(15 * 60),
                );
            }
            Outcome::Failed { error } => {
                report.failed += 1;
                tracing::warn!(code = error.code().as_str(), "sign-in mail refused");
            }
        }
    }
    let now_ms = now.timestamp_millis();
    storage.write(|tx| {
        for ((id, attempts, _), outcome) in due.iter().zip(&outcomes) {
            let mut fields = Map::new();
            fields.insert("attempts".into(), Value::from(attempts + 1));
            let reply: String = outcome.reply().chars().take(2000).collect();
            match outcome {
                Outcome::Sent { .. } => {
                    report.sent += 1;
                    fields.insert("status".into(), "sent".into());
                    fields.insert("sent_at".into(), Value::String(now_text.clone()));
                    fields.insert("next_attempt_at".into(), Value::Null);
                    fields.insert("last_reply".into(), Value::String(reply));
                }
                Outcome::Deferred { error, retry_after } => {
                    report.deferred += 1;
                    let next = now + chrono::Duration::from_std(*retry_after).unwrap_or_default();
                    fields.insert("status".into(), "deferred".into());
                    fields.insert(
                        "next_attempt_at".into(),
                        Value::String(format_instant(next)),
                    );
                    fields.insert(
                        "last_reply".into(),
                        Value::String(format!("{}: {reply}", error.code().as_str())),
                    );
                }
                Outcome::Failed { error } => {
                    report.failed += 1;
                    fields.insert("status".into(), "failed".into());
                    fields.insert("next_attempt_at".into(), Value::Null);
                    fields.insert(
                        "last_reply".into(),
                        Value::String(format!("{}: {reply}", error.code().as_str())),
                    );
                }
            }
            fields.insert("updated_at".into(), Value::String(now_text.clone()));
            record(tx, id, fields, now_ms)?;
        }
        Ok(())
    })?;
    Ok(report)
}

/// Writes the hub's own update of a message: new field values with versions newer than any the
/// row holds, and the change devices pull.
fn record(
    tx: &mut dyn crate::storage::HubTx,
    id: &str,
    fields: Map<String, Value>,
    now_ms: i64,
) -> Result<(), HubError> {
    let entity = Entity::Message.name();
    let Some(mut row) = tx.load_row(entity, id)? else {
        return Ok(()); // deleted meanwhile: nothing to record
    };
    let newest = row.versions.values().map(|v| v.hlc).max().unwrap_or(0);
    let hlc = Hlc::from_parts(now_ms, 0).0.max(newest + 1);
    let seq = tx.next_seq()?;
    let version = FieldVersion {
        hlc,
        device: HUB_DEVICE.into(),
        seq,
    };
    for (k, v) in &fields {
        row.fields.insert(k.clone(), v.clone());
        row.versions.insert(k.clone(), version.clone());
    }
    tx.save_row(entity, id, &row)?;
    tx.append_change(&ServerChange {
        server_seq: seq,
        mutation_id: format!("hub-mail-{id}-{seq}"),
        entity: entity.into(),
        entity_id: id.to_owned(),
        op: Op::Update,
        fields,
        hlc,
        device_id: HUB_DEVICE.into(),
        recorded_at: format_instant(chrono::Utc::now()),
    })
}

/// Sends rounds every `every` until `stop` says so (the server's background sender).
pub fn run_sender(
    storage: std::sync::Arc<Storage>,
    account: MailAccount,
    every: Duration,
    stop: impl Fn() -> bool,
) {
    while !stop() {
        match send_round(&storage, &account, chrono::Utc::now()) {
            Ok(r) if r.sent + r.deferred + r.failed > 0 => tracing::info!(
                sent = r.sent,
                deferred = r.deferred,
                failed = r.failed,
                "mail round"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "mail round failed"),
        }
        let mut waited = Duration::ZERO;
        while waited < every && !stop() {
            std::thread::sleep(Duration::from_millis(200));
            waited += Duration::from_millis(200);
        }
    }
}

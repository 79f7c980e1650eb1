//! The intake of a device working alone (no hub), as Settings › Posta in arrivo sets it up: its
//! mailboxes, a connection test, and the rounds the app runs in the background, with each
//! mailbox's last poll and last error. An enrolled device never collects: its hub does.
//!
//! Like the SMTP account (`sending`), none of this syncs: the mailboxes are in `local_state`;
//! their passwords, as one JSON object by mailbox name, are kept like the SMTP password
//! ([`crate::store::keychain`]: the OS keyring where there is one, else
//! `<database>.intake-secret`, owner-only), and a mailbox's own certificate authority in
//! `<database>.intake-<name>-ca.pem` beside the database (backups never hold either).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::imap::{self, MailboxConfig, TlsMode};
use super::Rules;
use crate::error::{Code, Error, Result};
use crate::store::keychain::{self, SecretKind, SecretStore};
use crate::store::{credential, local_get, local_set, Store};
use crate::time::format_instant;
use crate::validate::{self, limits};

const KEY: &str = "intake.mailboxes";
/// The mailboxes' passwords: `<database>.intake-secret`, or the keyring's `rapportino-intake`
/// entry named by the database's canonical path.
const SECRETS: SecretKind = SecretKind {
    suffix: ".intake-secret",
    service: "rapportino-intake",
    marker: "intake.password_store",
};
const STATUS_PREFIX: &str = "intake.status.";
/// How often the app looks at each mailbox (seconds), and the longest a round waits.
pub const POLL_SECS: u64 = 60;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InboxSecurity {
    /// TLS from the first byte (993).
    #[default]
    Implicit,
    /// STARTTLS on a plain connection (143); refused to go on in clear.
    Starttls,
}

/// One mailbox as the settings screen edits it (no password: see [`set_mailbox`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MailboxSettings {
    /// Its short name, the requests' source (`assistenza`): lower-case letters, digits, `-`, `_`.
    pub name: String,
    pub host: String,
    /// Empty: 993 (implicit TLS) or 143 (STARTTLS).
    #[ts(optional)]
    pub port: Option<u16>,
    pub security: InboxSecurity,
    pub user: String,
    /// Empty: INBOX.
    #[ts(optional)]
    pub folder: Option<String>,
    /// Move processed mail there (else it is marked read where it is).
    #[ts(optional)]
    pub processed_folder: Option<String>,
    /// Given to the tickets of this mailbox.
    #[ts(optional)]
    pub category: Option<String>,
    #[ts(optional)]
    pub service: Option<String>,
    /// A CA certificate (PEM) for a server with its own authority; the name is still checked.
    #[ts(optional)]
    pub extra_ca_pem: Option<String>,
}

/// A mailbox with what the app knows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MailboxView {
    pub settings: MailboxSettings,
    pub has_password: bool,
    /// The end of the last round (successful or not).
    pub last_poll: Option<String>,
    /// How many mails the last successful round took.
    pub last_fetched: Option<i64>,
    pub last_error_code: Option<String>,
    pub last_error: Option<String>,
}

/// Settings › Posta in arrivo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InboxView {
    pub mailboxes: Vec<MailboxView>,
    /// Where the passwords are kept (None: no password yet).
    pub password_store: Option<SecretStore>,
    /// This device is enrolled: its hub collects the mail, the device does not.
    pub managed_by_hub: bool,
}

/// What a connection test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InboxCheck {
    pub messages: u32,
    pub unseen: u32,
    pub idle: bool,
}

/// One mailbox's part of a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InboxRound {
    pub mailbox: String,
    pub fetched: u32,
    pub ticketed: u32,
    pub triage: u32,
    pub error_code: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Status {
    last_poll: Option<String>,
    last_fetched: Option<i64>,
    last_error_code: Option<String>,
    last_error: Option<String>,
}

/// The passwords by mailbox name.
fn passwords(store: &Store) -> Result<BTreeMap<String, String>> {
    Ok(keychain::read(store, &SECRETS)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

fn save_passwords(store: &Store, map: &BTreeMap<String, String>) -> Result<()> {
    if map.is_empty() {
        return keychain::forget(store, &SECRETS);
    }
    let json = serde_json::to_string(map).map_err(|e| Error::Inconsistent(e.to_string()))?;
    keychain::save(store, &SECRETS, &json).map(|_| ())
}

fn ca_suffix(name: &str) -> String {
    format!(".intake-{name}-ca.pem")
}

fn stored(store: &Store) -> Result<Vec<MailboxSettings>> {
    Ok(local_get(store.conn(), KEY)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

fn save(store: &Store, list: &[MailboxSettings]) -> Result<()> {
    let json = serde_json::to_string(list).map_err(|e| Error::Inconsistent(e.to_string()))?;
    local_set(store.conn(), KEY, &json)
}

fn status(store: &Store, name: &str) -> Result<Status> {
    Ok(local_get(store.conn(), &format!("{STATUS_PREFIX}{name}"))?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

fn set_status(store: &Store, name: &str, s: &Status) -> Result<()> {
    let json = serde_json::to_string(s).map_err(|e| Error::Inconsistent(e.to_string()))?;
    local_set(store.conn(), &format!("{STATUS_PREFIX}{name}"), &json)
}

/// The mailboxes, their state, and whether the hub collects instead.
pub fn inbox(store: &Store) -> Result<InboxView> {
    let mut mailboxes = Vec::new();
    let kept = passwords(store)?;
    for settings in stored(store)? {
        let st = status(store, &settings.name)?;
        mailboxes.push(MailboxView {
            has_password: kept.contains_key(&settings.name),
            last_poll: st.last_poll,
            last_fetched: st.last_fetched,
            last_error_code: st.last_error_code,
            last_error: st.last_error,
            settings,
        });
    }
    Ok(InboxView {
        mailboxes,
        password_store: keychain::kept_in(store, &SECRETS)?,
        managed_by_hub: crate::store::settings::hub_configured(store)?,
    })
}

fn optional(field: &'static str, v: &Option<String>, max: usize) -> Result<Option<String>> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => Ok(Some(validate::required_text(field, s, max)?)),
    }
}

fn checked(s: &MailboxSettings) -> Result<MailboxSettings> {
    let name = s.name.trim().to_owned();
    let name_ok = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !name_ok {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "name",
            "a short name of lower-case letters, digits, - or _ (at most 40)",
        ));
    }
    let host = validate::required_text("host", &s.host, 253)?;
    if host.chars().any(|c| c.is_whitespace() || c == '/') {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "host",
            "a host name or address",
        ));
    }
    if s.port == Some(0) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "port",
            "a port from 1 to 65535",
        ));
    }
    let ca = match s.extra_ca_pem.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(pem) if pem.contains("-----BEGIN CERTIFICATE-----") && pem.len() <= 64 * 1024 => {
            Some(pem.to_owned())
        }
        Some(_) => {
            return Err(Error::invalid(
                Code::InvalidFormat,
                "extra_ca_pem",
                "a PEM certificate (-----BEGIN CERTIFICATE-----)",
            ))
        }
    };
    Ok(MailboxSettings {
        name,
        host,
        port: s.port,
        security: s.security,
        user: validate::required_text("user", &s.user, 254)?,
        folder: optional("folder", &s.folder, 200)?,
        processed_folder: optional("processed_folder", &s.processed_folder, 200)?,
        category: optional("category", &s.category, limits::NAME)?,
        service: optional("service", &s.service, limits::NAME)?,
        extra_ca_pem: ca,
    })
}

/// Adds or replaces (by name) a mailbox after checking it. `password`: `None` keeps the one
/// kept, `Some("")` deletes it. Nothing is written when a field is refused.
pub fn set_mailbox(
    store: &mut Store,
    settings: &MailboxSettings,
    password: Option<&str>,
) -> Result<InboxView> {
    let settings = checked(settings)?;
    if store.path().is_none() {
        return Err(Error::Inconsistent(
            "an in-memory database keeps no mailbox passwords".into(),
        ));
    }
    let name = settings.name.clone();
    if let Some(p) = password {
        let mut kept = passwords(store)?;
        if p.is_empty() {
            kept.remove(&name);
        } else {
            kept.insert(name.clone(), p.to_owned());
        }
        save_passwords(store, &kept)?;
    }
    match &settings.extra_ca_pem {
        Some(pem) => credential::save_secret(store, &ca_suffix(&name), pem)?,
        None => credential::forget_secret(store, &ca_suffix(&name))?,
    }
    let mut list = stored(store)?;
    match list.iter_mut().find(|m| m.name == name) {
        Some(m) => *m = settings,
        None => list.push(settings),
    }
    save(store, &list)?;
    inbox(store)
}

/// Forgets a mailbox, its password, its certificate and its state.
pub fn remove_mailbox(store: &mut Store, name: &str) -> Result<InboxView> {
    let mut list = stored(store)?;
    let before = list.len();
    list.retain(|m| m.name != name);
    if list.len() == before {
        return Err(Error::not_found("mailbox", name));
    }
    save(store, &list)?;
    let mut kept = passwords(store)?;
    if kept.remove(name).is_some() {
        save_passwords(store, &kept)?;
    }
    credential::forget_secret(store, &ca_suffix(name))?;
    store.conn().execute(
        "DELETE FROM local_state WHERE key = ?1",
        [format!("{STATUS_PREFIX}{name}")],
    )?;
    inbox(store)
}

/// The collector's configuration of one mailbox, with its kept password.
fn config(store: &Store, m: &MailboxSettings) -> Result<MailboxConfig> {
    let password = passwords(store)?.remove(&m.name).ok_or_else(|| {
        Error::invalid(
            Code::MailNotConfigured,
            "password",
            format!("no password for the mailbox {}", m.name),
        )
    })?;
    let tls = match m.security {
        InboxSecurity::Implicit => TlsMode::Implicit,
        InboxSecurity::Starttls => TlsMode::Starttls,
    };
    let ca_file = match (&m.extra_ca_pem, store.path()) {
        (Some(_), Some(db)) => Some(credential::secret_path(db, &ca_suffix(&m.name))),
        _ => None,
    };
    Ok(MailboxConfig {
        name: m.name.clone(),
        host: m.host.clone(),
        port: m.port.unwrap_or(match tls {
            TlsMode::Implicit => 993,
            TlsMode::Starttls => 143,
        }),
        tls,
        user: m.user.clone(),
        password,
        password_file: None,
        password_env: None,
        folder: m.folder.clone().unwrap_or_else(|| "INBOX".to_owned()),
        processed_folder: m.processed_folder.clone(),
        category: m.category.clone(),
        service: m.service.clone(),
        poll_secs: POLL_SECS,
        ca_file,
        kept_max: rapportino_model::schema::INCOMING_ATTACHMENT_KEPT_MAX as u64,
        message_max: imap::DEFAULT_MESSAGE_MAX,
    })
}

fn find(store: &Store, name: &str) -> Result<MailboxSettings> {
    stored(store)?
        .into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| Error::not_found("mailbox", name))
}

/// "Prova connessione": connects, logs in and looks at the folder, changing nothing.
pub fn test_mailbox(store: &Store, name: &str) -> Result<InboxCheck> {
    let cfg = config(store, &find(store, name)?)?;
    let check = imap::check_blocking(&cfg).map_err(super::intake_error)?;
    Ok(InboxCheck {
        messages: check.messages,
        unseen: u32::try_from(check.unseen).unwrap_or(u32::MAX),
        idle: check.idle,
    })
}

/// Whether this device collects its own mail: it works alone and has a mailbox.
pub fn collects_here(store: &Store) -> Result<bool> {
    Ok(!crate::store::settings::hub_configured(store)? && !stored(store)?.is_empty())
}

/// One round on every mailbox (nothing on an enrolled device): each taken through the write
/// path; a mailbox that fails keeps its error and the others go on. Each mailbox's last poll
/// and last error are kept for the settings screen.
pub fn collect_here(store: &mut Store) -> Result<Vec<InboxRound>> {
    if !collects_here(store)? {
        return Ok(Vec::new());
    }
    let mut rounds = Vec::new();
    for m in stored(store)? {
        let outcome =
            config(store, &m).and_then(|cfg| super::collect(store, &cfg, &Rules::default()));
        let now = format_instant(store.now());
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let (round, st) = match outcome {
            Ok(r) => (
                InboxRound {
                    mailbox: m.name.clone(),
                    fetched: count(r.fetched),
                    ticketed: count(r.ticketed),
                    triage: count(r.triage),
                    error_code: None,
                    error: None,
                },
                Status {
                    last_poll: Some(now),
                    last_fetched: Some(r.fetched as i64),
                    last_error_code: None,
                    last_error: None,
                },
            ),
            Err(e) if matches!(e, Error::Database(_) | Error::NotOnboarded) => return Err(e),
            Err(e) => {
                let (code, message) = (e.code().as_str().to_owned(), e.to_string());
                (
                    InboxRound {
                        mailbox: m.name.clone(),
                        fetched: 0,
                        ticketed: 0,
                        triage: 0,
                        error_code: Some(code.clone()),
                        error: Some(message.clone()),
                    },
                    Status {
                        last_poll: Some(now),
                        last_fetched: None,
                        last_error_code: Some(code),
                        last_error: Some(message),
                    },
                )
            }
        };
        set_status(store, &m.name, &st)?;
        rounds.push(round);
    }
    Ok(rounds)
}

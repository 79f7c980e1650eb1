//! Sending this device's own customer messages: a one-person shop (no hub) sends from its laptop,
//! over its own SMTP account, when it has a network. An enrolled device sends nothing — the hub
//! does ([`crate::outbox`] picks the sender when the message is written).
//!
//! The account (server, security, user, sender address) is this device's, in `local_state`: never
//! synced. The password is kept in the OS keyring where one answers when it is saved, else in an
//! owner-only file beside the database (`<database>.mail-secret`), so backups and safety copies
//! never hold it ([`crate::store::keychain`]); the view says which.
//!
//! One sender at a time per database: sending holds the sync guard (the app's background loop,
//! its button and the CLI never send the same message twice). Each attempt is recorded on the
//! message, with the server's reply; the Message-ID never changes, so a message the server took
//! just before a crash is sent again with the same one, which the recipient's server and mail
//! client recognise.

use std::time::Duration;

use rapportino_mail::{Attachment, MailAccount, MailError, Outcome, OutgoingMessage, Secret};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::outbox::{self, Attempt, MessageStatus};
use crate::store::keychain::{self, SecretKind, SecretStore};
use crate::store::{local_get, local_set, Store};
use crate::sync::guard;

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (usually port 465; PEC providers).
    ImplicitTls,
    /// STARTTLS before anything else (usually 587); never in clear.
    Starttls,
    /// No encryption: only to a relay on this computer.
    Plain,
}

impl From<Security> for rapportino_mail::Security {
    fn from(s: Security) -> Self {
        match s {
            Security::ImplicitTls => rapportino_mail::Security::ImplicitTls,
            Security::Starttls => rapportino_mail::Security::Starttls,
            Security::Plain => rapportino_mail::Security::Plain,
        }
    }
}

const ACCOUNT_KEY: &str = "mail.account";
/// The SMTP password: `<database>.mail-secret`, or the keyring's `rapportino-mail` entry named by
/// the database's canonical path.
const SECRET: SecretKind = SecretKind {
    suffix: ".mail-secret",
    service: "rapportino-mail",
    marker: "mail.password_store",
};

/// This device's SMTP account, as the settings screen edits it (no password: see [`set_account`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AccountSettings {
    pub host: String,
    /// Empty: the security's usual port (465, 587, 25).
    #[ts(optional)]
    pub port: Option<u16>,
    pub security: Security,
    pub username: String,
    pub from_address: String,
    pub from_name: String,
    #[ts(optional)]
    pub reply_to: Option<String>,
    /// A CA certificate (PEM) for a server with its own authority; the name is still checked.
    #[ts(optional)]
    pub extra_ca_pem: Option<String>,
}

/// The account, whether a password is kept for it and where.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AccountView {
    pub account: Option<AccountSettings>,
    pub has_password: bool,
    /// The system keyring, or the owner-only file beside the database; none without a password.
    pub password_store: Option<SecretStore>,
}

/// What a sending round did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct SendReport {
    pub sent: usize,
    pub deferred: usize,
    pub failed: usize,
    /// Messages not ready yet (their PDF is still to be made) or not this device's.
    pub waiting: usize,
}

pub fn account(store: &Store) -> Result<AccountView> {
    let account = local_get(store.conn(), ACCOUNT_KEY)?
        .and_then(|json| serde_json::from_str::<AccountSettings>(&json).ok());
    // Where it is kept, not the password itself: reading the keyring may ask to unlock it.
    let password_store = keychain::kept_in(store, &SECRET)?;
    Ok(AccountView {
        account,
        has_password: password_store.is_some(),
        password_store,
    })
}

/// Saves the account after checking it (addresses, plain only to loopback). `password`: `None`
/// keeps the one kept, `Some("")` deletes it; a new one goes to the keyring when one answers,
/// else to the owner-only file.
pub fn set_account(
    store: &mut Store,
    settings: &AccountSettings,
    password: Option<&str>,
) -> Result<AccountView> {
    // The checks need no password, only whether there is one: a placeholder stands in for the
    // one kept (not read here, as reading the keyring may ask to unlock it).
    let kept = keychain::kept_in(store, &SECRET)?.map(|_| "kept");
    mail_account(settings, password.or(kept).unwrap_or_default())
        .validate()
        .map_err(mail_error)?;
    let json = serde_json::to_string(settings).map_err(|e| Error::Inconsistent(e.to_string()))?;
    match password {
        Some("") => keychain::forget(store, &SECRET)?,
        Some(p) => {
            keychain::save(store, &SECRET, p)?;
        }
        None => {}
    }
    local_set(store.conn(), ACCOUNT_KEY, &json)?;
    account(store)
}

/// Whether this device sends its own messages: it works alone (no hub: an enrolled device's
/// messages are the hub's to send) and has an account.
pub fn sends_here(store: &Store) -> Result<bool> {
    Ok(!crate::store::settings::hub_configured(store)? && account(store)?.account.is_some())
}

/// Forgets the account and its password (from the keyring and the file). A password in a keyring
/// that does not answer now is `MAIL_SECRET_UNAVAILABLE`, and the account is kept.
pub fn forget_account(store: &mut Store) -> Result<()> {
    keychain::forget(store, &SECRET)?;
    store
        .conn()
        .execute("DELETE FROM local_state WHERE key = ?1", [ACCOUNT_KEY])?;
    Ok(())
}

fn mail_account(s: &AccountSettings, password: &str) -> MailAccount {
    let mut a = MailAccount::new(
        s.host.trim(),
        s.security.into(),
        s.username.trim(),
        Secret::new(password),
        s.from_address.trim(),
        s.from_name.trim(),
    );
    a.port = s.port;
    a.reply_to = s.reply_to.clone().filter(|r| !r.trim().is_empty());
    a.extra_ca_pem = s.extra_ca_pem.clone().filter(|p| !p.trim().is_empty());
    a
}

fn configured(store: &Store) -> Result<MailAccount> {
    let view = account(store)?;
    let settings = view.account.ok_or_else(|| {
        Error::invalid(
            Code::MailNotConfigured,
            "mail",
            "no mail account on this computer: set it in Impostazioni › Posta",
        )
    })?;
    let password = keychain::read(store, &SECRET)?.unwrap_or_default();
    Ok(mail_account(&settings, &password))
}

/// A mail error as core's: its stable code kept.
fn mail_error(e: MailError) -> Error {
    use rapportino_mail::Code as M;
    let code = match e.code() {
        M::MailAddressInvalid => Code::MailAddressInvalid,
        M::MailTooLarge => Code::MailTooLarge,
        M::MailAuthFailed => Code::MailAuthFailed,
        M::MailTls => Code::MailTls,
        M::MailUnreachable | M::MailNetwork => Code::MailUnreachable,
        M::MailRefused => Code::MailRefused,
        M::MailDeferred => Code::MailDeferred,
        M::MailMessageInvalid | M::MailConfigInvalid | M::MailProtocol => Code::MailConfigInvalid,
    };
    Error::invalid(
        code,
        "mail",
        format!("{}: {}", e.code().as_str(), e.message()),
    )
}

/// Sends a test message to `to` through this device's account; the server's reply.
pub fn send_test(store: &Store, to: &str) -> Result<String> {
    let account = configured(store)?;
    let id = format!("<test-{}@rapportino.invalid>", uuid::Uuid::now_v7());
    match rapportino_mail::send_test_message(&account, to, &id) {
        Outcome::Sent { reply } => Ok(reply),
        Outcome::Deferred { error, .. } | Outcome::Failed { error } => Err(mail_error(error)),
    }
}

/// Sends every message this device owes now, over one connection; what happened. Nothing to
/// do (enrolled, or nothing due) is not an error; no account is `MAIL_NOT_CONFIGURED` only when
/// something is due.
pub fn send_due(store: &mut Store) -> Result<SendReport> {
    let _guard = guard::acquire_within(store, Duration::from_secs(30))?;
    let due = outbox::due(store, store.now())?;
    let waiting = outbox::awaiting_attachment(store)?.len();
    if due.is_empty() {
        return Ok(SendReport {
            waiting,
            ..Default::default()
        });
    }
    let account = configured(store)?;
    let mut outgoing = Vec::with_capacity(due.len());
    for m in &due {
        let attachments = outbox::attachment_bytes(store, &m.id)?
            .into_iter()
            .map(|(info, bytes)| Attachment {
                filename: info.name,
                content_type: info.mime_type,
                bytes,
            })
            .collect();
        outgoing.push(OutgoingMessage {
            message_id: m.message_id.clone(),
            in_reply_to: m.in_reply_to.clone(),
            references: m.in_reply_to.iter().cloned().collect(),
            to: m.recipients.clone(),
            cc: m.cc.clone(),
            subject: m.subject.clone(),
            text: m.body.clone(),
            html: None,
            attachments,
            attempt: u32::try_from(m.attempts + 1).unwrap_or(u32::MAX),
        });
    }
    let mut sender = rapportino_mail::Sender::new(account).map_err(mail_error)?;
    let outcomes = sender.send_batch(&outgoing);
    sender.close();
    let mut report = SendReport {
        waiting,
        ..Default::default()
    };
    for (m, outcome) in due.iter().zip(outcomes) {
        let attempt = match &outcome {
            Outcome::Sent { reply } => Attempt::Sent {
                reply: reply.clone(),
            },
            Outcome::Deferred { error, .. } => Attempt::Deferred {
                reply: format!("{}: {}", error.code().as_str(), error.message()),
            },
            Outcome::Failed { error } => Attempt::Failed {
                reply: format!("{}: {}", error.code().as_str(), error.message()),
            },
        };
        let after = outbox::record(store, &m.id, &attempt)?;
        match after.status {
            MessageStatus::Sent => report.sent += 1,
            MessageStatus::Deferred => report.deferred += 1,
            _ => report.failed += 1,
        }
    }
    Ok(report)
}

//! A secret of this device kept in the OS keyring where there is one, else in an owner-only file
//! beside the database ([`super::credential`]): the standalone device's SMTP password.
//!
//! - **Where**: the keyring is tried when the secret is saved (Keychain on macOS, Credential
//!   Manager on Windows, the Secret Service over D-Bus on Linux: GNOME Keyring, KWallet,
//!   KeePassXC). It is used only when the entry written can be read back through a new handle;
//!   otherwise (no D-Bus session under ssh or cron, no Secret Service on the bus, a locked or
//!   refusing keyring) the secret goes to `<database><suffix>` (0600). Which store was used is
//!   remembered in `local_state` (device-only, never synced) and the secret is read from there.
//! - **Whose**: the keyring entry is named by `service` and the database's canonical path, so two
//!   databases on one computer never share a secret (a copy of a database file has another path).
//! - **Forgetting** removes it from both stores.
//!
//! An in-memory store keeps no secret.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

use super::{credential, local_get, local_set, Store};
use crate::error::{Code, Error, Result};

/// Where a secret is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SecretStore {
    /// The OS keyring (Keychain, Credential Manager, Secret Service).
    Keyring,
    /// `<database><suffix>`, readable only by the user (0600 on Unix).
    File,
}

impl SecretStore {
    fn as_str(self) -> &'static str {
        match self {
            SecretStore::Keyring => "keyring",
            SecretStore::File => "file",
        }
    }
}

/// One kind of secret: its file suffix, its keyring service and its `local_state` marker.
#[derive(Debug, Clone, Copy)]
pub struct SecretKind {
    /// After the database file name: `.mail-secret`.
    pub suffix: &'static str,
    /// The keyring's service name: `rapportino-mail`.
    pub service: &'static str,
    /// The `local_state` key that remembers the store used.
    pub marker: &'static str,
}

/// Where the secret is kept now (None: there is none).
pub fn kept_in(store: &Store, kind: &SecretKind) -> Result<Option<SecretStore>> {
    match marker(store, kind)? {
        Some(SecretStore::Keyring) => Ok(Some(SecretStore::Keyring)),
        // A file (or, before the keyring, no marker at all: the file was the only store).
        _ => Ok(credential::read_secret(store, kind.suffix)?.map(|_| SecretStore::File)),
    }
}

/// The secret, from the store it was saved in. A keyring that cannot be reached now is
/// `MAIL_SECRET_UNAVAILABLE` (the password is there, but not for this session).
pub fn read(store: &Store, kind: &SecretKind) -> Result<Option<String>> {
    if marker(store, kind)? != Some(SecretStore::Keyring) {
        return credential::read_secret(store, kind.suffix);
    }
    let Some(entry) = entry(store, kind)? else {
        return Ok(None);
    };
    match entry.get_password() {
        Ok(secret) => Ok(Some(secret)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(&e)),
    }
}

/// Saves the secret in the keyring when one answers, else in the owner-only file; removes it
/// from the other store; remembers which. Returns the store used.
pub fn save(store: &Store, kind: &SecretKind, value: &str) -> Result<SecretStore> {
    if store.path().is_none() {
        return Err(Error::Inconsistent(
            "an in-memory database keeps no secrets".into(),
        ));
    }
    let used = if save_in_keyring(store, kind, value)? {
        credential::forget_secret(store, kind.suffix)?;
        SecretStore::Keyring
    } else {
        credential::save_secret(store, kind.suffix, value)?;
        // A copy left in a keyring that was reachable once: removed if it answers now.
        if let Some(entry) = entry(store, kind)? {
            let _ = entry.delete_credential();
        }
        SecretStore::File
    };
    local_set(store.conn(), kind.marker, used.as_str())?;
    Ok(used)
}

/// Removes the secret from both stores. A secret saved in a keyring that does not answer now is
/// `MAIL_SECRET_UNAVAILABLE`, and nothing is removed (the caller forgets nothing half-way).
pub fn forget(store: &Store, kind: &SecretKind) -> Result<()> {
    if store.path().is_none() {
        return Ok(());
    }
    let in_keyring = marker(store, kind)? == Some(SecretStore::Keyring);
    if let Some(entry) = entry(store, kind)? {
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(e) if in_keyring => return Err(unavailable(&e)),
            // Kept in the file: a keyring that does not answer holds nothing of ours.
            Err(_) => {}
        }
    }
    credential::forget_secret(store, kind.suffix)?;
    store
        .conn()
        .execute("DELETE FROM local_state WHERE key = ?1", [kind.marker])?;
    Ok(())
}

fn marker(store: &Store, kind: &SecretKind) -> Result<Option<SecretStore>> {
    Ok(match local_get(store.conn(), kind.marker)?.as_deref() {
        Some("keyring") => Some(SecretStore::Keyring),
        Some("file") => Some(SecretStore::File),
        _ => None,
    })
}

/// The keyring's name for this database: its canonical path (None for an in-memory store).
fn account_name(store: &Store) -> Result<Option<String>> {
    let Some(path) = store.path() else {
        return Ok(None);
    };
    let canonical: PathBuf = std::fs::canonicalize(path)?;
    Ok(Some(canonical.to_string_lossy().into_owned()))
}

fn entry(store: &Store, kind: &SecretKind) -> Result<Option<keyring::Entry>> {
    let Some(name) = account_name(store)? else {
        return Ok(None);
    };
    // An entry that cannot even be named (too long a path for the platform) is no keyring.
    Ok(keyring::Entry::new(kind.service, &name).ok())
}

/// True when the keyring took the secret and gives it back through a new handle (which also
/// rules out a platform whose keyring crate only has its in-memory mock store).
fn save_in_keyring(store: &Store, kind: &SecretKind, value: &str) -> Result<bool> {
    let Some(written) = entry(store, kind)? else {
        return Ok(false);
    };
    if written.set_password(value).is_err() {
        return Ok(false);
    }
    let Some(again) = entry(store, kind)? else {
        return Ok(false);
    };
    match again.get_password() {
        Ok(read) if read == value => Ok(true),
        _ => {
            let _ = written.delete_credential();
            Ok(false)
        }
    }
}

fn unavailable(e: &keyring::Error) -> Error {
    Error::invalid(
        Code::MailSecretUnavailable,
        "password",
        format!("the system keyring that keeps the mail password does not answer: {e}"),
    )
}

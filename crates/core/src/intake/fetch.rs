//! Attachment content this device does not hold, fetched from the hub on demand.
//!
//! The listing of every attachment syncs (name, type, size, SHA-256, `kept`); the content does
//! not: the hub keeps what its intake collected (`GET /v1/attachments/{sha256}`, an enrolled
//! device only), a device working alone keeps what it collected. When the app saves an
//! attachment this device lacks, it asks the hub for it by hash, checks the SHA-256 of what
//! arrives (`HASH_MISMATCH` otherwise, nothing kept) and keeps it in
//! `incoming_attachment_content`, so the next save needs no network. In three steps for the
//! app, whose store lock is never held during network I/O: [`prepare_fetch`] (store),
//! [`ContentAsk::send`] (network only), [`finish_fetch`] (store); [`content_anywhere`] does the
//! three in a row.

use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Result};
use crate::store::{keys, local_get, Store};
use crate::sync::HubClient;

/// A hub request for one attachment's content.
pub struct ContentAsk {
    url: String,
    token: String,
    ca_pem: Option<String>,
    sha256: String,
    size: u64,
}

fn not_here(sha256: &str, why: &str) -> Error {
    Error::invalid(
        Code::NotFound,
        "attachment_content",
        format!("{sha256}: {why}"),
    )
}

/// What fetching `sha256` needs from the hub; `None` when this device holds it already.
/// `NOT_FOUND` when no listing here names it as kept (unknown, or over the size limit) or this
/// device has no hub.
pub fn prepare_fetch(store: &Store, sha256: &str) -> Result<Option<ContentAsk>> {
    if super::attachment_content(store, sha256)?.is_some() {
        return Ok(None);
    }
    let conn = store.conn();
    let size: Option<i64> = conn
        .prepare_cached(
            "SELECT max(size) FROM incoming_attachments WHERE sha256 = ?1 AND kept = 1
             HAVING count(*) > 0",
        )?
        .query_row([sha256], |r| r.get(0))
        .optional()?;
    let Some(size) = size else {
        return Err(not_here(sha256, "no attachment kept with this hash"));
    };
    let (Some(url), Some(token)) = (
        local_get(conn, keys::HUB_URL)?,
        crate::store::credential::token(store)?,
    ) else {
        return Err(not_here(sha256, "not on this computer, and it has no hub"));
    };
    Ok(Some(ContentAsk {
        url,
        token,
        ca_pem: local_get(conn, keys::CA_PEM)?,
        sha256: sha256.to_owned(),
        size: u64::try_from(size).unwrap_or(0),
    }))
}

impl ContentAsk {
    /// Asks the hub through `client` (network only): the content, its SHA-256 checked.
    pub fn send(&self, client: &dyn HubClient) -> Result<Vec<u8>> {
        let hub = client.connect(&self.url, &self.token, self.ca_pem.as_deref())?;
        let content = hub
            .attachment(&self.sha256, self.size)?
            .ok_or_else(|| not_here(&self.sha256, "the hub does not hold it"))?;
        if hex::encode(Sha256::digest(&content)) != self.sha256 {
            return Err(Error::invalid(
                Code::HashMismatch,
                "attachment_content",
                format!("what the hub sent is not {}", self.sha256),
            ));
        }
        Ok(content)
    }
}

/// Keeps fetched content on this device (by its hash; the hash was checked by `send`).
pub fn finish_fetch(store: &Store, ask: &ContentAsk, content: &[u8]) -> Result<()> {
    store
        .conn()
        .prepare_cached(
            "INSERT OR IGNORE INTO incoming_attachment_content (sha256, content) VALUES (?1, ?2)",
        )?
        .execute(rusqlite::params![ask.sha256, content])?;
    Ok(())
}

/// The content of an attachment: held here, else fetched from the hub and kept.
pub fn content_anywhere(store: &Store, client: &dyn HubClient, sha256: &str) -> Result<Vec<u8>> {
    match prepare_fetch(store, sha256)? {
        None => super::attachment_content(store, sha256)?
            .ok_or_else(|| not_here(sha256, "no attachment kept with this hash")),
        Some(ask) => {
            let content = ask.send(client)?;
            finish_fetch(store, &ask, &content)?;
            Ok(content)
        }
    }
}

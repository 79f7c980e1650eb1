//! The PDFs of messages: added by the device that renders them (the `pdf` crate), base64 in a
//! synced row, which makes the message ready for its sender.

use serde::Serialize;
use ts_rs::TS;

use super::{from_row, get, Message, COLUMNS};
use crate::error::{Code, Error, Result};
use crate::store::{field, Entity, Store};

/// An attachment as stored (its content read by [`attachment_bytes`]).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AttachmentInfo {
    pub id: String,
    pub name: String,
    pub mime_type: String,
    pub size: i64,
    pub sha256: String,
}

/// Largest attachment kept (a report or statement PDF is ~50–200 KiB).
pub const MAX_ATTACHMENT_BYTES: usize = 5 << 20;

/// Messages written by this device that still wait for their PDF.
pub fn awaiting_attachment(store: &Store) -> Result<Vec<Message>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages WHERE attachments_ready = 0 AND status <> 'cancelled'
         ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds the rendered PDF to `message` and marks it ready to send, in one transaction.
pub fn add_attachment(
    store: &mut Store,
    message: &str,
    name: &str,
    mime_type: &str,
    bytes: &[u8],
) -> Result<AttachmentInfo> {
    use base64::Engine as _;
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(Error::invalid(
            Code::OutOfRange,
            "attachment",
            format!(
                "{name} is {} KiB: attachments stop at {} KiB",
                bytes.len() / 1024,
                MAX_ATTACHMENT_BYTES / 1024
            ),
        ));
    }
    get(store, message)?;
    let id = uuid::Uuid::now_v7().to_string();
    let sha256 = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(bytes))
    };
    let content = base64::engine::general_purpose::STANDARD.encode(bytes);
    store.write(|tx| {
        tx.insert(
            Entity::MessageAttachment,
            &id,
            vec![
                ("message_id", field::text(message)),
                ("name", field::text(name)),
                ("mime_type", field::text(mime_type)),
                ("size", field::int(bytes.len() as i64)),
                ("sha256", field::text(&sha256)),
                ("content", field::text(content)),
            ],
        )?;
        tx.update(
            Entity::Message,
            message,
            vec![("attachments_ready", field::flag(true))],
        )
        .map(|_| ())
    })?;
    Ok(AttachmentInfo {
        id,
        name: name.to_owned(),
        mime_type: mime_type.to_owned(),
        size: bytes.len() as i64,
        sha256,
    })
}

/// The attachments of a message with their bytes.
pub fn attachment_bytes(store: &Store, message: &str) -> Result<Vec<(AttachmentInfo, Vec<u8>)>> {
    use base64::Engine as _;
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, name, mime_type, size, sha256, content FROM message_attachments
         WHERE message_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([message], |r| {
        Ok((
            AttachmentInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                mime_type: r.get(2)?,
                size: r.get(3)?,
                sha256: r.get(4)?,
            },
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (info, b64) = row?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| Error::Inconsistent(format!("attachment {}: {e}", info.id)))?;
        out.push((info, bytes));
    }
    Ok(out)
}

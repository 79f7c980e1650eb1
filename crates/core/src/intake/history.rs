//! What the app shows of the intake beside a ticket or a waiting request: the attachment
//! listings (name, type, size, SHA-256, whether anyone kept the content, whether this device
//! has it) and the number of requests waiting in "Da smistare".

use rapportino_model::vocab::RequestStatus;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::ids::TicketId;
use crate::store::Store;

/// One listed attachment of an incoming request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AttachmentRow {
    pub id: String,
    pub request_id: String,
    pub name: String,
    pub mime_type: String,
    pub size: i64,
    pub sha256: String,
    /// Whoever collected the mail kept the content (false: over the size limit).
    pub kept: bool,
    /// The content is on this device (else it is kept at the hub).
    pub here: bool,
}

const COLUMNS: &str = "a.id, a.request_id, a.name, a.mime_type, a.size, a.sha256, a.kept,
    EXISTS (SELECT 1 FROM incoming_attachment_content c WHERE c.sha256 = a.sha256)";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentRow> {
    Ok(AttachmentRow {
        id: r.get(0)?,
        request_id: r.get(1)?,
        name: r.get(2)?,
        mime_type: r.get(3)?,
        size: r.get(4)?,
        sha256: r.get(5)?,
        kept: r.get(6)?,
        here: r.get(7)?,
    })
}

/// The attachments of one request, in the order they came.
pub fn request_attachments(store: &Store, request_id: &str) -> Result<Vec<AttachmentRow>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM incoming_attachments a WHERE a.request_id = ?1
         ORDER BY a.rowid"
    ))?;
    let rows = stmt.query_map([request_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The attachments of everything a customer sent on a ticket: the request that opened it and
/// every reply appended to it, oldest first.
pub fn ticket_attachments(store: &Store, ticket: TicketId) -> Result<Vec<AttachmentRow>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM incoming_attachments a
         JOIN incoming_requests r ON r.id = a.request_id
         WHERE r.ticket_id = ?1
            OR r.id IN (SELECT m.request_id FROM incoming_messages m WHERE m.ticket_id = ?1)
         ORDER BY r.received_at, a.rowid"
    ))?;
    let rows = stmt.query_map([ticket], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many requests wait in "Da smistare" (the menu's badge).
pub fn waiting_count(store: &Store) -> Result<i64> {
    Ok(store
        .conn()
        .prepare_cached("SELECT count(*) FROM incoming_requests WHERE status = ?1")?
        .query_row([RequestStatus::New], |r| r.get(0))?)
}

/// A file name for saving an attachment: the name the mail gave (hostile) reduced to its last
/// path component without control characters or separators, at most 120 characters; never
/// empty, never `.`/`..`.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "allegato".to_owned()
    } else {
        cleaned
    }
}

/// Writes an attachment this device holds to `path` (owner-only); its size. `NOT_FOUND` when
/// the content is not here (kept at the hub: fetch it first, [`super::content_anywhere`] or
/// the three steps of `fetch`; or over the size limit).
pub fn attachment_to_file(store: &Store, sha256: &str, path: &std::path::Path) -> Result<u64> {
    let content = super::attachment_content(store, sha256)?
        .ok_or_else(|| crate::error::Error::not_found("attachment_content", sha256))?;
    content_to_file(&content, path)
}

/// Writes attachment content to `path` (owner-only); its size.
pub fn content_to_file(content: &[u8], path: &std::path::Path) -> Result<u64> {
    use std::io::Write;
    let mut file = rapportino_model::owner_only::open_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(content)?;
    file.sync_all()?;
    Ok(content.len() as u64)
}

/// The requests waiting in "Da smistare", urgent first, then oldest first.
pub fn waiting(store: &Store) -> Result<Vec<super::RequestRow>> {
    super::list(store, Some(RequestStatus::New))
}

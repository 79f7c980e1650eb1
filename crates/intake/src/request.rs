//! The channel-neutral incoming request.

use chrono::{DateTime, Utc};
use rapportino_model::vocab::Origin;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::signals::LoopSignal;

/// One attachment: its listing (synced to every device) and, under the kept-size limit, its
/// content (kept by whoever collected the request, fetched by devices on demand by hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub mime_type: String,
    pub size: u64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// The content, when within the limit (never serialised: it is not part of the record).
    #[serde(skip)]
    pub content: Option<Vec<u8>>,
}

impl Attachment {
    /// An attachment of `bytes`, keeping the content when it is at most `kept_max` bytes.
    pub fn new(name: &str, mime_type: &str, bytes: &[u8], kept_max: u64) -> Self {
        let size = bytes.len() as u64;
        Attachment {
            name: clip(name.trim(), 200).unwrap_or_else(|| "allegato".to_owned()),
            mime_type: clip(mime_type.trim(), 100)
                .unwrap_or_else(|| "application/octet-stream".to_owned()),
            size,
            sha256: hex::encode(Sha256::digest(bytes)),
            content: (size <= kept_max).then(|| bytes.to_vec()),
        }
    }
}

/// A request as it came in, whatever the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingRequest {
    /// Unique per request across channels and runs: `mid:<Message-ID>`, else
    /// `imap:<mailbox>/<UIDVALIDITY>/<UID>`, else the channel's own (`form:<token>`...).
    pub idempotency_key: String,
    pub origin: Origin,
    /// The mailbox, form or webhook source it came through.
    pub source: String,
    /// Lower-cased address of the sender, when there is one.
    pub sender_email: Option<String>,
    pub sender_name: Option<String>,
    pub subject: String,
    /// Plain text (an HTML-only mail converted).
    pub body: String,
    /// When it reached us (the IMAP INTERNALDATE, the form post): the ticket's reported time.
    pub received_at: DateTime<Utc>,
    /// When the sender says they sent it (the Date header), if they do.
    pub sent_at: Option<DateTime<Utc>>,
    /// Its Message-ID (without angle brackets).
    pub message_id: Option<String>,
    /// In-Reply-To and References (without angle brackets), In-Reply-To first.
    pub references: Vec<String>,
    pub attachments: Vec<Attachment>,
    /// What marks it as not written by a person (auto-reply, list, bulk), found by the channel.
    pub loop_signal: Option<LoopSignal>,
    /// The mailbox's (or form's) category and service, given to the ticket.
    pub category: Option<String>,
    pub service: Option<String>,
}

/// What the ticket says of the attachments whose content was too large to keep (they stay
/// listed with their size and hash, and in the mailbox): one line each; None when every
/// attachment was kept.
pub fn attachments_not_kept(request: &IncomingRequest) -> Option<String> {
    let lines: Vec<String> = request
        .attachments
        .iter()
        .filter(|a| a.content.is_none())
        .map(|a| {
            let mb = format!("{:.1}", a.size as f64 / (1024.0 * 1024.0)).replace('.', ",");
            format!("- {} ({mb} MB)", a.name)
        })
        .collect();
    (!lines.is_empty()).then(|| {
        format!(
            "Allegati oltre il limite di dimensione, elencati ma non conservati (restano nella \
             casella {}):\n{}",
            request.source,
            lines.join("\n")
        )
    })
}

/// `s` cut to `max` characters; `None` when empty.
pub(crate) fn clip(s: &str, max: usize) -> Option<String> {
    let s: String = s.chars().take(max).collect();
    (!s.is_empty()).then_some(s)
}

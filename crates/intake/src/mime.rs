//! A mail (RFC 5322 bytes, MIME) → an [`IncomingRequest`], through mail-parser: headers decoded
//! (RFC 2047, any charset the crate knows), text/plain preferred, an HTML-only body converted to
//! text, attachments listed with their SHA-256. Never fails and never panics: a message the
//! parser cannot read still becomes a request (no sender: it goes to triage), so nothing that
//! reached the mailbox is lost.

use chrono::{DateTime, Utc};
use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use rapportino_model::vocab::Origin;
use sha2::{Digest, Sha256};

use crate::request::{clip, Attachment, IncomingRequest};
use crate::signals::loop_signal;

/// A subject's limit (the request record's column).
const SUBJECT_MAX: usize = 300;
/// A body's limit (the record's and the ticket description's column).
pub(crate) const BODY_MAX: usize = 20_000;
/// An idempotency key's limit (the record's column).
const KEY_MAX: usize = 300;

/// What the collector knows besides the bytes.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The mailbox's name in the configuration (`assistenza`).
    pub source: String,
    /// When the message reached the mailbox (IMAP INTERNALDATE; now, when unknown).
    pub received_at: DateTime<Utc>,
    /// The key when the message has no Message-ID: `imap:<mailbox>/<UIDVALIDITY>/<UID>`.
    pub fallback_key: String,
    pub category: Option<String>,
    pub service: Option<String>,
    /// Attachments larger than this are listed but their content is not kept.
    pub kept_max: u64,
}

impl Envelope {
    /// The fallback key of an IMAP message.
    pub fn imap_key(mailbox: &str, uid_validity: u32, uid: u32) -> String {
        format!("imap:{mailbox}/{uid_validity}/{uid}")
    }
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<String> = match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
        .map(|s| s.trim().trim_matches(|c| c == '<' || c == '>').to_owned())
        .filter(|s| !s.is_empty() && s.len() <= 250)
        .collect()
}

/// The key of a Message-ID: `mid:<id>` (hashed when too long for the column).
pub(crate) fn message_key(id: &str) -> String {
    let key = format!("mid:{id}");
    if key.len() <= KEY_MAX {
        key
    } else {
        format!("mid-sha256:{}", hex::encode(Sha256::digest(id.as_bytes())))
    }
}

/// A multipart body given the boundary its first delimiter line uses (`--xyz`), as a message
/// mail-parser can read; `None` when it has no delimiter line.
fn with_found_boundary(body: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(body);
    let boundary = text
        .lines()
        .map(str::trim_end)
        .find(|l| l.starts_with("--") && l.len() > 2 && l.len() <= 72)?[2..]
        .trim_end_matches("--")
        .to_owned();
    if boundary.is_empty() || boundary.contains('"') {
        return None;
    }
    let mut out =
        format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n").into_bytes();
    out.extend_from_slice(body);
    Some(out)
}

/// Reads a mail. See the module docs.
/// A mail over the collector's size cap, from its header alone (its body never fetched):
/// sender, subject, threading, loop marks and key as for any mail; the body says it was too
/// large to fetch, so the ticket (or the triage item, or the customer message on a reply)
/// tells the office to read it in the mailbox. No attachment is listed.
pub fn from_header_too_large(
    header: &[u8],
    size: u64,
    max: u64,
    env: &Envelope,
) -> IncomingRequest {
    let mut request = from_mime(header, env);
    let mb = |n: u64| format!("{:.1}", n as f64 / (1024.0 * 1024.0)).replace('.', ",");
    request.body = format!(
        "Messaggio troppo grande: {} MB (limite {} MB). Non è stato scaricato: leggerlo nella \
         casella {}. / Message too large: not fetched, read it in the mailbox.",
        mb(size),
        mb(max),
        env.source
    );
    request.attachments.clear();
    request
}

pub fn from_mime(raw: &[u8], env: &Envelope) -> IncomingRequest {
    let mut request = IncomingRequest {
        idempotency_key: clip(&env.fallback_key, KEY_MAX)
            .unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(raw)))),
        origin: Origin::Email,
        source: env.source.clone(),
        sender_email: None,
        sender_name: None,
        subject: String::new(),
        body: String::new(),
        received_at: env.received_at,
        sent_at: None,
        message_id: None,
        references: Vec::new(),
        attachments: Vec::new(),
        loop_signal: None,
        category: env.category.clone(),
        service: env.service.clone(),
    };
    let Some(message) = MessageParser::default().parse(raw) else {
        request.body = clip(&String::from_utf8_lossy(raw), BODY_MAX).unwrap_or_default();
        return request;
    };
    if let Some(id) = message
        .message_id()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s.len() <= 250)
    {
        request.idempotency_key = message_key(&id);
        request.message_id = Some(id);
    }
    if let Some(from) = message.from().and_then(|a| a.first()) {
        request.sender_email = from
            .address()
            .map(|a| a.trim().to_lowercase())
            .filter(|a| a.contains('@') && a.len() <= 254);
        request.sender_name = from.name().and_then(|n| clip(n.trim(), 200));
    }
    request.subject = message
        .subject()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .and_then(|s| clip(&s, SUBJECT_MAX))
        .unwrap_or_default();
    request.body = message
        .body_text(0)
        .map(|b| b.replace("\r\n", "\n"))
        .and_then(|b| clip(b.trim(), BODY_MAX))
        .unwrap_or_default();
    request.sent_at = message
        .date()
        .filter(|d| d.is_valid())
        .and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0));
    let mut refs = ids(message.in_reply_to());
    for r in ids(message.references()) {
        if !refs.contains(&r) {
            refs.push(r);
        }
    }
    refs.truncate(50);
    request.references = refs;
    request.loop_signal = loop_signal(message.headers_raw());
    // A multipart body whose declared boundary never occurs (a broken mailer) is left as one
    // opaque part: read it again with the boundary it actually uses.
    let repaired = if request.body.is_empty() {
        message
            .attachments()
            .find(|p| {
                p.content_type()
                    .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
            })
            .and_then(|p| with_found_boundary(p.contents()))
    } else {
        None
    };
    let reread = repaired
        .as_ref()
        .and_then(|r| MessageParser::default().parse(r));
    let message = match &reread {
        Some(m) => {
            request.body = m
                .body_text(0)
                .map(|b| b.replace("\r\n", "\n"))
                .and_then(|b| clip(b.trim(), BODY_MAX))
                .unwrap_or_default();
            m
        }
        None => &message,
    };
    for part in message.attachments() {
        let mime_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned())
            .to_ascii_lowercase();
        let name = part
            .attachment_name()
            .map(str::to_owned)
            .or_else(|| {
                part.message()
                    .and_then(|m| m.subject())
                    .map(|s| format!("{s}.eml"))
            })
            .unwrap_or_default();
        request.attachments.push(Attachment::new(
            &name,
            &mime_type,
            part.contents(),
            env.kept_max,
        ));
    }
    request
}

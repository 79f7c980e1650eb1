//! One error type for the mail crate: a stable [`Code`], a human text (with the server's reply
//! when there was one) and the SMTP reply code. [`MailError::is_transient`] says whether the
//! same message may succeed later (the outbox defers it) or never will (the outbox marks it
//! failed).

use std::fmt;

use serde::Serialize;

/// Stable codes: stored by the outbox, printed by the CLI, matched by the UI. Never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    /// An address (sender, reply-to, recipient) that lettre's parser refuses, or no recipient.
    MailAddressInvalid,
    /// The message (attachments) is over the account's size limit; nothing was sent.
    MailTooLarge,
    /// A message that cannot be built: Message-ID, subject or attachment type malformed.
    MailMessageInvalid,
    /// The account's settings are unusable (empty host, plain text to a remote host, bad CA PEM…).
    MailConfigInvalid,
    /// The server refused the credentials (5xx to AUTH) or offers no mechanism we speak.
    MailAuthFailed,
    /// TLS could not be set up: certificate not trusted or for another name, no STARTTLS offered,
    /// handshake failure. The server name is always verified.
    MailTls,
    /// The server could not be reached (name resolution, connection refused, connect timeout).
    MailUnreachable,
    /// The connection broke or timed out during the session.
    MailNetwork,
    /// The server answered something that is not SMTP.
    MailProtocol,
    /// The server refused the message for now (4xx): greylisting, mailbox busy, rate limit.
    MailDeferred,
    /// The server refused the message for good (5xx): unknown recipient, policy, content.
    MailRefused,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MailAddressInvalid => "MAIL_ADDRESS_INVALID",
            Code::MailTooLarge => "MAIL_TOO_LARGE",
            Code::MailMessageInvalid => "MAIL_MESSAGE_INVALID",
            Code::MailConfigInvalid => "MAIL_CONFIG_INVALID",
            Code::MailAuthFailed => "MAIL_AUTH_FAILED",
            Code::MailTls => "MAIL_TLS",
            Code::MailUnreachable => "MAIL_UNREACHABLE",
            Code::MailNetwork => "MAIL_NETWORK",
            Code::MailProtocol => "MAIL_PROTOCOL",
            Code::MailDeferred => "MAIL_DEFERRED",
            Code::MailRefused => "MAIL_REFUSED",
        }
    }

    /// Every code, for tests and documentation.
    pub const ALL: [Code; 11] = [
        Code::MailAddressInvalid,
        Code::MailTooLarge,
        Code::MailMessageInvalid,
        Code::MailConfigInvalid,
        Code::MailAuthFailed,
        Code::MailTls,
        Code::MailUnreachable,
        Code::MailNetwork,
        Code::MailProtocol,
        Code::MailDeferred,
        Code::MailRefused,
    ];
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The crate's error. `message` never contains the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{code}: {message}")]
pub struct MailError {
    code: Code,
    message: String,
    /// The SMTP reply code when the server answered (e.g. 451, 535, 550).
    smtp_code: Option<u16>,
    transient: bool,
}

impl MailError {
    /// A permanent error without a server reply (bad input, bad settings).
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        MailError {
            code,
            message: message.into(),
            smtp_code: None,
            transient: false,
        }
    }

    pub(crate) fn transient(code: Code, message: impl Into<String>) -> Self {
        MailError {
            transient: true,
            ..MailError::new(code, message)
        }
    }

    pub(crate) fn with_smtp_code(mut self, smtp_code: Option<u16>) -> Self {
        self.smtp_code = smtp_code;
        self
    }

    pub fn code(&self) -> Code {
        self.code
    }

    /// What happened, with the server's own words when it answered.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn smtp_code(&self) -> Option<u16> {
        self.smtp_code
    }

    /// True when the same message may go through later (4xx, network, TLS): the outbox defers
    /// it with [`crate::backoff::retry_delay`]; false when it never will (5xx, bad input).
    pub fn is_transient(&self) -> bool {
        self.transient
    }
}

pub type Result<T, E = MailError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_stable_strings() {
        for code in Code::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(code.as_str().starts_with("MAIL_"));
        }
    }

    #[test]
    fn display_starts_with_the_code() {
        let e = MailError::new(Code::MailTooLarge, "too big");
        assert_eq!(e.to_string(), "MAIL_TOO_LARGE: too big");
        assert!(!e.is_transient());
        let t = MailError::transient(Code::MailDeferred, "451 later").with_smtp_code(Some(451));
        assert!(t.is_transient());
        assert_eq!(t.smtp_code(), Some(451));
    }
}

//! Rapportino's outgoing mail: the SMTP engine that the device (core's services) and the hub
//! both call to send the outbox's messages. A plain library over lettre (blocking SMTP, rustls):
//! no database, no dependency on core.
//!
//! - [`MailAccount`]: server, security (implicit TLS, STARTTLS, plain only to loopback),
//!   credentials ([`Secret`], never printed), sender, limits. A PEC account is the same thing.
//! - [`OutgoingMessage`]: the caller's stable Message-ID, thread headers, recipients, text and
//!   HTML, attachments, `Auto-Submitted: auto-generated`; built with lettre's MIME builder.
//! - [`Sender`]: one connection reused for a batch, an [`Outcome`] per message (`Sent`,
//!   `Deferred` with the wait from [`backoff::retry_delay`], `Failed`); [`send_one`],
//!   [`send_test_message`].
//! - [`MailError`] with a stable [`Code`] (`MAIL_ADDRESS_INVALID`, `MAIL_TOO_LARGE`,
//!   `MAIL_AUTH_FAILED`, `MAIL_TLS`, `MAIL_UNREACHABLE`, `MAIL_REFUSED`, `MAIL_DEFERRED`…).

pub mod account;
pub mod backoff;
pub mod error;
pub mod message;
pub mod sender;
mod smtp_error;
#[cfg(feature = "test-server")]
pub mod testing;

pub use account::{parse_address, MailAccount, Secret, Security};
pub use error::{Code, MailError, Result};
pub use message::{Attachment, OutgoingMessage};
pub use sender::{send_one, send_test_message, Outcome, Sender};
